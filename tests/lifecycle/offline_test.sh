#!/usr/bin/env bash
# offline_test.sh BUILD_DIR KEYCHAIN — with the token service
# stopped, or listening and never answering, `get` still answers at once
# (its stdout/stderr close although a detached flush is running), uses are
# spooled, and they are replayed to patd when it is back. `store` waits at
# most the validation deadline, then stores unchecked with one warning.
# DOCKER_CREDENTIAL_PAT_OFFLINE=1: nothing reaches patd.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lc_init "${1:?BUILD_DIR}" "${2:?KEYCHAIN}"
lc_start_services
lc_user alice
lc_pat alice repo:read
TOKEN=$PAT UUID=$PAT_UUID
lc_dlogin alice "$TOKEN" || { fail "docker login: $(cat "$LC_TMP/login.out")"; lc_done; }
spool_has_key() { grep -qF -- "$REG_HOST" "$DOCKER_CREDENTIAL_PAT_STATE_DIR/usage.spool" 2>/dev/null; }
lc_wait "the login's flushes settle" 20 lc_spool_empty

# get_promptly DESC: get answers the PAT, silently, within 1.5 s.
get_promptly() {
  lc_helper get "$REG_HOST"
  expect_eq "$1: get answers" "$RC" 0
  expect_eq "$1: with the PAT" "$(jq -r .Secret <<<"$OUT")" "$TOKEN"
  expect_eq "$1: silently" "$ERR" ""
  if [ "$ELAPSED_MS" -lt 1500 ]; then ok "$1: in ${ELAPSED_MS} ms"; else fail "$1: took ${ELAPSED_MS} ms"; fi
}

echo "# service stopped"
patd_stop
get_promptly "patd stopped"
spool_has_key && ok "the use is spooled" || fail "no use in the spool"
# The flush runs and keeps the use (the service is down).
timeout 20 docker-credential-pat flush >/dev/null 2>&1
spool_has_key && ok "a flush with patd down keeps the use" || fail "the use was lost with patd down"

echo "# service listening, never answering"
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
conns = []
print("ready", flush=True)
while True:
    c, _ = s.accept(); conns.append(c)   # accept, never answer
' "$PATD_PORT" >"$LC_TMP/hang.out" 2>&1 &
LC_PIDS+=($!)
hang_ready() { grep -q ready "$LC_TMP/hang.out"; }
lc_wait "the silent listener is up" 10 hang_ready
# The flush would now wait for the service up to the deadline (8 s): get
# must not wait for it.
export DOCKER_CREDENTIAL_PAT_VALIDATE_MS=8000
t_offline=$(date +%s)
get_promptly "patd silent"
flushing() { [ -n "$(lc_flush_pids)" ]; }
lc_wait "a detached flush is running against the silent service" 5 flushing && ok "detached flush running (pids $(lc_flush_pids | tr '\n' ' '))"
get_promptly "patd silent, flush running"
# skopeo and the docker CLI wait for the helper's stdout and stderr to close.
t0=$(date +%s%N)
out=$(printf '%s' "$REG_HOST" | timeout 20 docker-credential-pat get 2>&1 | cat)
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$ms" -lt 1500 ]; then ok "stdout+stderr closed in ${ms} ms"; else fail "stdout+stderr closed after ${ms} ms"; fi
expect_eq "that get answered" "$(jq -r .Secret <<<"$out")" "$TOKEN"

# store against the silent service: bounded by the deadline, one warning.
export DOCKER_CREDENTIAL_PAT_VALIDATE_MS=1500
lc_helper store "{\"ServerURL\":\"$REG_HOST\",\"Username\":\"alice\",\"Secret\":\"$TOKEN\"}"
expect_eq "store with patd silent succeeds" "$RC" 0
if [ "$ELAPSED_MS" -lt 5000 ]; then ok "store returned in ${ELAPSED_MS} ms"; else fail "store took ${ELAPSED_MS} ms"; fi
expect_eq "one warning line" "$(printf '%s\n' "$ERR" | wc -l)" 1
expect_contains "the warning" "$ERR" "docker-credential-pat: warning: could not check the token for $REG_HOST"
expect_contains "the warning says it was stored" "$ERR" "stored it unchecked"
expect_eq "stored with state unknown" "$(lc_item "$REG_HOST" | jq -r .meta.pat_state)" unknown
expect_eq "the PAT is stored" "$(lc_item "$REG_HOST" | jq -r .secret)" "$TOKEN"
unset DOCKER_CREDENTIAL_PAT_VALIDATE_MS
for pid in "${LC_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
LC_PIDS=()

echo "# service back: replay"
lu_before=$(lc_last_used alice "$UUID")
lc_restart_patd || { fail "patd did not restart"; lc_done; }
replayed() {
  timeout 20 docker-credential-pat flush >/dev/null 2>&1
  lc_spool_empty && [ "$(lc_last_used alice "$UUID")" -ge "$t_offline" ]
}
lc_wait "the spooled uses replay once patd is back" 30 replayed &&
  ok "last_used moved from $lu_before to $(lc_last_used alice "$UUID") (>= $t_offline, the offline get)"
# The item stored unchecked is checked by the flush.
checked() {
  timeout 20 docker-credential-pat flush >/dev/null 2>&1
  grep -q '"active"' "$DOCKER_CREDENTIAL_PAT_STATE_DIR/verdicts.json" 2>/dev/null
}
lc_wait "the unchecked item gets a verdict" 20 checked && ok "verdict refreshed to active"

echo "# DOCKER_CREDENTIAL_PAT_OFFLINE=1"
export DOCKER_CREDENTIAL_PAT_OFFLINE=1
requests() { curl -s -m 5 "$PATD_URL/metrics" | awk '/^patd_http_requests_total/ && !/metrics/ { s += $NF } END { printf "%d\n", s }'; }
r0=$(requests)
lc_helper store "{\"ServerURL\":\"$REG_HOST\",\"Username\":\"alice\",\"Secret\":\"$TOKEN\"}"
expect_eq "offline store succeeds" "$RC" 0
expect_eq "offline store is silent" "$ERR" ""
expect_eq "offline store: unchecked" "$(lc_item "$REG_HOST" | jq -r .meta.pat_state)" unknown
expect_eq "offline store: says why" "$(lc_item "$REG_HOST" | jq -r .meta.pat_reason)" \
  "not checked: DOCKER_CREDENTIAL_PAT_OFFLINE is set"
for _ in 1 2 3; do lc_helper get "$REG_HOST"; done
expect_eq "offline get answers" "$(jq -r .Secret <<<"$OUT")" "$TOKEN"
timeout 20 docker-credential-pat flush >/dev/null 2>&1
expect_eq "no flush process started" "$(lc_flush_pids | wc -l)" 0
expect_eq "patd saw no request" "$(requests)" "$r0"
unset DOCKER_CREDENTIAL_PAT_OFFLINE
lc_done
