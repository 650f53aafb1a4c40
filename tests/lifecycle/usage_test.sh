#!/usr/bin/env bash
# usage_test.sh BUILD_DIR KEYCHAIN — every `get` the docker
# CLI or skopeo makes is spooled and reported to patd by the detached flush
# (POST current/usage), so last_used in patd moves; the spool drains.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lc_init "${1:?BUILD_DIR}" "${2:?KEYCHAIN}"
lc_start_services
lc_user alice
lc_pat alice repo:write
TOKEN=$PAT UUID=$PAT_UUID
lc_dlogin alice "$TOKEN" || { fail "docker login: $(cat "$LC_TMP/login.out")"; lc_done; }
timeout 120 skopeo copy --quiet --dest-tls-verify=false "oci:$LC_TMP/oci:base" \
  "docker://$REG_HOST/alice/app:1" >"$LC_TMP/sk.out" 2>&1 || fail "skopeo push: $(cat "$LC_TMP/sk.out")"

posts_above() { [ "$(lc_usage_posts)" -gt "$1" ]; }
# Waits until the wall clock is past second $1 (so a new last_used differs).
clock_past() { [ "$(date +%s)" -gt "$1" ]; }

# 1. skopeo pull through credHelpers: the flush posts the use.
lc_wait "the push's flushes settle" 20 lc_spool_empty
p0=$(lc_usage_posts)
t0=$(date +%s)
if timeout 120 skopeo copy --quiet --src-tls-verify=false "docker://$REG_HOST/alice/app:1" \
  "dir:$LC_TMP/pulled" >"$LC_TMP/sk.out" 2>&1; then
  ok "skopeo pull with the stored PAT"
else
  fail "skopeo pull: $(cat "$LC_TMP/sk.out")"
fi
lc_wait "the flush posted the pull's use to current/usage" 20 posts_above "$p0" &&
  ok "current/usage called ($p0 -> $(lc_usage_posts))"
lc_wait "the spool drained" 20 lc_spool_empty && ok "spool drained"
lu=$(lc_last_used alice "$UUID")
if [ "$lu" -ge "$t0" ]; then ok "last_used moved to the pull ($lu >= $t0)"; else fail "last_used $lu < pull start $t0"; fi

# 2. A use only the helper sees (no registry request at all): last_used
# moves only because the flush reported it.
lc_wait "the clock moves past the pull" 5 clock_past "$lu"
t1=$(date +%s)
lc_helper get "$REG_HOST"
expect_eq "get answers" "$RC" 0
expect_eq "get returns the PAT" "$(jq -r .Secret <<<"$OUT")" "$TOKEN"
expect_eq "get is silent" "$ERR" ""
moved() { [ "$(lc_last_used alice "$UUID")" -ge "$t1" ]; }
lc_wait "last_used moves to the get ($t1) after the flush" 20 moved && ok "last_used moved to $(lc_last_used alice "$UUID") >= $t1"
lc_wait "the spool drained again" 20 lc_spool_empty && ok "spool drained again"
if grep -qF -- "$TOKEN" "$DOCKER_CREDENTIAL_PAT_STATE_DIR"/* 2>/dev/null; then
  fail "the PAT is in a state file"
else
  ok "no state file holds the PAT"
fi

# 3. What `get` costs: no libcurl, no network socket, no D-Bus connection
# besides the keychain's own (Secret Service: exactly one; keyring: none).
printf '%s' "$REG_HOST" | LD_DEBUG=libs docker-credential-pat get >/dev/null 2>"$LC_TMP/ld.txt"
grep -q 'calling init' "$LC_TMP/ld.txt" || fail "LD_DEBUG printed nothing (check broken)"
if grep 'calling init' "$LC_TMP/ld.txt" | grep -q libcurl; then fail "get loaded libcurl"; else ok "get does not load libcurl"; fi
if command -v strace >/dev/null; then
  printf '%s' "$REG_HOST" | strace -o "$LC_TMP/strace.txt" -e trace=socket,connect \
    docker-credential-pat get >/dev/null 2>&1
  want_connects=0
  [ "$LC_KEYCHAIN" = secretservice ] && want_connects=1
  expect_eq "get opens no network socket" "$(grep -c 'socket(AF_INET' "$LC_TMP/strace.txt")" 0
  expect_eq "get connects $want_connects time(s) (the keychain's D-Bus only)" \
    "$(grep -c '^connect(' "$LC_TMP/strace.txt")" "$want_connects"
else
  echo "# strace not installed: socket/connect count not checked"
fi

# 4. Rate limit: with a long interval, a get right after a flush started
# does not start another (flush.lock's mtime is the mark); with 0 it does.
lock_mtime() { stat -c %.9Y "$DOCKER_CREDENTIAL_PAT_STATE_DIR/flush.lock"; }
no_flush_running() { [ -z "$(lc_flush_pids)" ]; }
lc_wait "the earlier flushes finish" 20 no_flush_running
m0=$(lock_mtime)
DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL=3600 lc_helper get "$REG_HOST"
expect_eq "interval 3600: no new flush" "$(lock_mtime)" "$m0"
lc_helper get "$REG_HOST"
if [ "$(lock_mtime)" != "$m0" ]; then ok "interval 0: the get started a flush"; else fail "interval 0: no flush started"; fi
lc_done
