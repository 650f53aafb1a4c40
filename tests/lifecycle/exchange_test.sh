#!/usr/bin/env bash
# exchange_test.sh BUILD_DIR KEYCHAIN — `docker login` with a
# password to a patd registry ends with an auto-generated PAT in the
# keychain, never the password; a sixth auto token evicts the oldest (patd).
# A 2FA account's password gets the PAT-required message and stores nothing;
# with DOCKER_CREDENTIAL_PAT_EXCHANGE=0 the password is kept as it is.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lc_init "${1:?BUILD_DIR}" "${2:?KEYCHAIN}"
lc_start_services
lc_user bob
lc_user carol

auto_tokens() { # USER -> uuids of the auto-generated tokens, oldest first
  patd_api GET "/v2/access-tokens?page=1&page_size=100" "${SESSION[$1]}"
  jq -r '[.results[] | select(.generated_by == "auto")] | sort_by(.created_at) | .[].uuid' <<<"$PATD_BODY"
}

UUIDS=()
for i in 1 2 3 4 5 6; do
  if lc_dlogin bob "${PW[bob]}"; then ok "password login $i"; else fail "password login $i: $(cat "$LC_TMP/login.out")"; fi
  item=$(lc_item "$REG_HOST")
  secret=$(jq -r .secret <<<"$item")
  [ "$secret" != "${PW[bob]}" ] || fail "login $i: the password is in the keychain"
  [[ "$secret" == dckr_pat_* ]] || fail "login $i: the keychain holds no PAT"
  expect_eq "login $i: auto-generated" "$(jq -r .meta.pat_generated_by <<<"$item")" auto
  expect_eq "login $i: active" "$(jq -r .meta.pat_state <<<"$item")" active
  UUIDS+=("$(jq -r .meta.pat_uuid <<<"$item")")
  if jq -e '[.meta[]] | all(contains($p) | not)' --arg p "${PW[bob]}" <<<"$item" >/dev/null; then :; else fail "login $i: password in metadata"; fi
done
mapfile -t left < <(auto_tokens bob)
expect_eq "patd keeps five auto tokens" "${#left[@]}" 5
expect_eq "the first one was evicted" "$(printf '%s\n' "${left[@]}" | grep -c "^${UUIDS[0]}\$")" 0
expect_eq "the newest is the stored one" "${left[4]}" "${UUIDS[5]}"
expect_eq "patd lists what the keychain holds" "$(printf '%s\n' "${left[@]}" | tr '\n' ' ')" "${UUIDS[*]:1} "

# The stored auto token works through the helper.
if timeout 120 skopeo copy --quiet --dest-tls-verify=false "oci:$LC_TMP/oci:base" \
  "docker://$REG_HOST/bob/app:1" >"$LC_TMP/sk.out" 2>&1; then
  ok "skopeo push with the auto-generated PAT"
else
  fail "skopeo push: $(tail -n 5 "$LC_TMP/sk.out")"
fi
if grep -rqF -- "${PW[bob]}" "$DOCKER_CREDENTIAL_PAT_STATE_DIR" "$XDG_CACHE_HOME" 2>/dev/null; then
  fail "the password is in a state or cache file"
else
  ok "no state or cache file holds the password"
fi

# 2FA: the registry itself refuses the password at `docker login`; the
# helper, asked directly, refuses too and keeps the previous credential.
patd_cli "$LC_PATD" "$LC_PATD_DATA" user 2fa carol enable >/dev/null || fail "2fa enable"
before=$(lc_item "$REG_HOST")
lc_helper store "{\"ServerURL\":\"$REG_HOST\",\"Username\":\"carol\",\"Secret\":\"${PW[carol]}\"}"
expect_eq "2FA password: store fails" "$RC" 1
expect_contains "2FA password: the PAT-required message" "$OUT" "please use personal access token to login"
expect_eq "2FA password: the previous item is untouched" "$(lc_item "$REG_HOST")" "$before"

# A wrong password: refused, nothing changes.
lc_helper store "{\"ServerURL\":\"$REG_HOST\",\"Username\":\"bob\",\"Secret\":\"not-the-password\"}"
expect_eq "wrong password: store fails" "$RC" 1
if [[ "$OUT" == *not-the-password* ]]; then fail "wrong password: the secret is in the message"; else ok "wrong password: message without the secret ($OUT)"; fi
expect_eq "wrong password: the previous item is untouched" "$(lc_item "$REG_HOST")" "$before"

# Exchange off: the password is stored as it is.
export DOCKER_CREDENTIAL_PAT_EXCHANGE=0
lc_dlogin bob "${PW[bob]}" || fail "login with exchange off: $(cat "$LC_TMP/login.out")"
expect_eq "exchange off: the password is stored" "$(lc_item "$REG_HOST" | jq -r .secret)" "${PW[bob]}"
expect_eq "exchange off: no new auto token" "$(auto_tokens bob | wc -l)" 5
timeout 20 docker-credential-pat flush >/dev/null 2>&1
lc_helper get "$REG_HOST"
expect_eq "exchange off: a flush does not judge the password as a bad token" \
  "$(jq -r .Secret <<<"$OUT")|$ERR" "${PW[bob]}|"
unset DOCKER_CREDENTIAL_PAT_EXCHANGE
lc_done
