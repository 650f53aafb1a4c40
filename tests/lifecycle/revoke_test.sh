#!/usr/bin/env bash
# revoke_test.sh BUILD_DIR KEYCHAIN — a PAT deactivated or
# deleted in patd is noticed by the flush; the next `get` removes the item,
# says why on stderr and answers "not found", so `docker login` asks for a
# new login (non-TTY: the CLI's own message) instead of reusing it.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lc_init "${1:?BUILD_DIR}" "${2:?KEYCHAIN}"
lc_start_services
lc_user alice

# revoke CASE HOW WHY: log in with a fresh PAT, revoke it in patd, wait for
# the get that drops it, check the message, the keychain and docker login.
revoke() {
  local what=$1 why=$2
  lc_pat alice repo:read
  lc_dlogin alice "$PAT" || { fail "$what: docker login: $(cat "$LC_TMP/login.out")"; return; }
  lc_helper get "$REG_HOST"
  expect_eq "$what: get works before" "$(jq -r .Secret <<<"$OUT")" "$PAT"
  case $what in
    deactivate) patd_api PATCH "/v2/access-tokens/$PAT_UUID" "${SESSION[alice]}" '{"is_active":false}'
                expect_eq "deactivated in patd" "$PATD_STATUS" 200 ;;
    delete) patd_api DELETE "/v2/access-tokens/$PAT_UUID" "${SESSION[alice]}"
            expect_eq "deleted in patd" "$PATD_STATUS" 204 ;;
  esac
  # Flush (the hidden action, as the detached one runs it), then get; a
  # flush already running may hold the lock, so retry (bounded).
  dropped() {
    timeout 20 docker-credential-pat flush >/dev/null 2>&1
    lc_helper get "$REG_HOST"
    [ "$RC" = 1 ]
  }
  lc_wait "$what: get answers not found after a flush" 20 dropped || return
  expect_eq "$what: the canonical not-found text" "$OUT" "credentials not found in native keychain"
  # patd answers a deleted token like an unknown one, so "deleted" may read
  # as "no longer accepted": WHY is a regular expression.
  if [[ "$ERR" =~ ^docker-credential-pat:\ the\ token\ for\ $REG_HOST\ ($why)\;\ log\ in\ again\ \(docker\ login\ $REG_HOST\)$ ]]; then
    ok "$what: one line on stderr says why ($ERR)"
  else
    fail "$what: stderr was [$ERR]"
  fi
  expect_eq "$what: the item is gone from the keychain" "$(lc_item "$REG_HOST")" null
  lc_helper list
  expect_eq "$what: list no longer has it" "$(jq -r --arg k "$REG_HOST" 'has($k)' <<<"$OUT")" false
  lc_helper get "$REG_HOST"
  expect_eq "$what: next get is a plain not found" "$OUT|$ERR" "credentials not found in native keychain|"
  # No stored credential: the CLI goes straight to the prompt, which it
  # cannot show without a TTY.
  timeout 60 docker login "$REG_HOST" </dev/null >"$LC_TMP/relogin.out" 2>&1
  local rc=$? text
  text=$(cat "$LC_TMP/relogin.out")
  expect_eq "$what: docker login fails" "$rc" 1
  expect_contains "$what: the CLI's non-TTY message" "$text" \
    "Cannot perform an interactive login from a non TTY device"
  if [[ "$text" == *"existing credentials"* ]]; then fail "$what: the CLI still found credentials"; else ok "$what: no stale credentials offered"; fi
}

revoke deactivate "was deactivated"
revoke delete "was deleted|is no longer accepted by the token service"
lc_done
