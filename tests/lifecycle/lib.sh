# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are set for the sourcing script
# Setup for the PAT lifecycle tests (docs/lifecycle.md): a real patd, a real
# docker-registry with token auth pointing at it, the docker CLI and skopeo
# finding our helper through credHelpers, on one keychain.
#
#   lc_init BUILD_DIR KEYCHAIN  check tools (exit 77 when one is missing), temp
#                               dir + EXIT trap, PATH, DOCKER_CONFIG, helper env
#                               (own state and cache dirs, FLUSH_INTERVAL=0)
#   lc_start_services           patd + registry; sets REG_HOST, PATD_URL, PATD_PORT
#   lc_user NAME                create an account and a session: PW[NAME], SESSION[NAME]
#   lc_pat USER SCOPE           create a PAT: PAT, PAT_UUID
#   lc_helper VERB [STDIN]      run the helper; sets OUT, ERR, RC, ELAPSED_MS
#   lc_item KEY                 the keychain item for KEY as JSON
#                               {username, secret, meta:{pat_*}} (or "null"),
#                               read without our helper (secret-tool / keyctl)
#   lc_token_json USER UUID     patd's view of a token (JSON)
#   lc_last_used USER UUID      its last_used as epoch seconds (0: never)
#   lc_spool_empty              the usage spool holds nothing
#   lc_usage_posts              how many current/usage calls patd answered 204
#   lc_wait DESC SECS CMD...    poll CMD every 0.2 s until it succeeds (bounded)
#   ok/fail/expect_eq/expect_contains  TAP-ish reporting; lc_done exits

lc_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/patd.sh
. "$lc_here/../lib/patd.sh"
# shellcheck source=../lib/registry.sh
. "$lc_here/../lib/registry.sh"

LC_FAILS=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; LC_FAILS=$((LC_FAILS + 1)); }
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got [$2], want [$3]"; fi; }
expect_contains() { if [[ "$2" == *"$3"* ]]; then ok "$1"; else fail "$1: [$2] lacks [$3]"; fi; }
lc_done() {
  echo "# $LC_FAILS failure(s)"
  [ "$LC_FAILS" = 0 ]
  exit $?
}
skip() {
  echo "SKIP: $*"
  exit 77
}

lc_cleanup() {
  local pid
  for pid in "${LC_PIDS[@]}"; do disown "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null || true; done
  pat_registry_stop
  patd_cleanup
  # Detached flushes of this test (their /proc/PID/exe is our copy of the
  # helper): give them 5 s, then stop them, so the temp dir outlives them.
  for _ in $(seq 25); do
    [ -z "$(lc_flush_pids)" ] && break
    sleep 0.2
  done
  for pid in $(lc_flush_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  [ -n "${LC_TMP:-}" ] && rm -rf "$LC_TMP"
}

lc_flush_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" = "$LC_TMP/bin/docker-credential-pat" ] && echo "${p#/proc/}"
  done
}

LC_PIDS=()
lc_init() {
  LC_BUILD=$1 LC_KEYCHAIN=$2
  LC_HELPER=$LC_BUILD/docker-credential-pat LC_PATD=$LC_BUILD/patd
  [ -x "$LC_HELPER" ] || skip "$LC_HELPER not built"
  [ -x "$LC_PATD" ] || skip "$LC_PATD not built"
  local tool
  for tool in docker docker-registry skopeo umoci curl jq python3; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
  done
  case "$LC_KEYCHAIN" in
    secretservice)
      [ "${PAT_TEST_SECRET_SERVICE:-}" = 1 ] || skip "no Secret Service (run inside tests/lib/with-keyring.sh)"
      command -v secret-tool >/dev/null || skip "secret-tool (libsecret-tools) is not installed"
      ;;
    keyring)
      command -v keyctl >/dev/null || skip "keyctl (keyutils) is not installed"
      keyctl show @s >/dev/null 2>&1 || skip "no kernel session keyring"
      ;;
    *) echo "unknown keychain $LC_KEYCHAIN"; exit 1 ;;
  esac
  LC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pat-lifecycle.XXXXXX")
  trap lc_cleanup EXIT
  mkdir -p "$LC_TMP/bin" "$LC_TMP/run" "$LC_TMP/registry"
  # A copy, not a symlink: /proc/self/exe of the detached flush then names a
  # path this test owns (lc_cleanup waits for those flushes).
  cp "$LC_HELPER" "$LC_TMP/bin/docker-credential-pat"
  export PATH="$LC_TMP/bin:$PATH"
  export DOCKER_CONFIG=$LC_TMP/docker XDG_RUNTIME_DIR=$LC_TMP/run
  export XDG_CACHE_HOME=$LC_TMP/cache DOCKER_CREDENTIAL_PAT_STATE_DIR=$LC_TMP/state
  export DOCKER_CREDENTIAL_PAT_STORE=$LC_KEYCHAIN DOCKER_CREDENTIAL_PAT_KEYRING=session
  export DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL=0
  unset DOCKER_CREDENTIAL_PAT_OFFLINE DOCKER_CREDENTIAL_PAT_BACKEND DOCKER_CREDENTIAL_PAT_EXCHANGE
  unset REGISTRY_AUTH_FILE DOCKER_AUTH_CONFIG
  declare -gA PW SESSION
}

lc_start_services() {
  local service=registry.lifecycle issuer=patd-lifecycle
  LC_PATD_DATA=$LC_TMP/patd LC_PATD_LOG=$LC_TMP/patd.stderr
  LC_PATD_ARGS=(--service "$service" --issuer "$issuer" --auth-fail-limit 100000)
  patd_start "$LC_PATD" "$LC_PATD_DATA" "$LC_PATD_LOG" "${LC_PATD_ARGS[@]}" || exit 1
  patd_cli "$LC_PATD" "$LC_PATD_DATA" cert >"$LC_TMP/cert.pem" || { echo "patd cert failed"; exit 1; }
  pat_registry_start "$LC_TMP/registry" \
    "$(pat_token_auth "$PATD_URL/token" "$service" "$issuer" "$LC_TMP/cert.pem")" || exit 1
  REG_HOST=127.0.0.1:$PAT_REGISTRY_PORT
  # credHelpers: read by both docker and skopeo.
  pat_docker_config "$DOCKER_CONFIG" "{\"credHelpers\":{\"$REG_HOST\":\"pat\"}}" || exit 1
  pat_umoci_image "$LC_TMP/oci" base "hello from the lifecycle tests" >"$LC_TMP/umoci.out" 2>&1 ||
    { cat "$LC_TMP/umoci.out"; echo "umoci failed"; exit 1; }
  echo "# patd $PATD_URL, registry $REG_HOST, keychain $LC_KEYCHAIN"
}

# Restarts patd on the same port and data dir (after patd_stop).
lc_restart_patd() {
  "$LC_PATD" serve --listen "127.0.0.1:$PATD_PORT" --data-dir "$LC_PATD_DATA" "${LC_PATD_ARGS[@]}" \
    </dev/null >>"$LC_PATD_LOG.out" 2>>"$LC_PATD_LOG" &
  PATD_PID=$!
  PATD_STARTED_PIDS+=("$PATD_PID")
  patd_wait_http "$PATD_URL/healthz" 200 15
}

lc_user() {
  PW[$1]="pw-$1-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  patd_user_add "$LC_PATD" "$LC_PATD_DATA" "$1" "${PW[$1]}" || exit 1
  patd_session "$1" "${PW[$1]}" || exit 1
  SESSION[$1]=$PATD_SESSION
}

lc_pat() {
  patd_token "${SESSION[$1]}" "$1 $2" "$2" || exit 1
  PAT=$PATD_PAT
  PAT_UUID=$(jq -r .uuid <<<"$PATD_LAST_JSON")
}

lc_helper() {
  local verb=$1 input=${2-} t0
  t0=$(date +%s%N)
  # stdout and stderr are pipes here, as under the docker CLI: $(...) only
  # returns once every holder of the write end has closed it.
  OUT=$(printf '%s' "$input" | timeout 20 docker-credential-pat "$verb" 2>"$LC_TMP/helper.err")
  RC=$?
  ELAPSED_MS=$((($(date +%s%N) - t0) / 1000000))
  ERR=$(cat "$LC_TMP/helper.err")
}

lc_dlogin() { # USER SECRET
  printf '%s' "$2" | timeout 60 docker login -u "$1" --password-stdin "$REG_HOST" >"$LC_TMP/login.out" 2>&1
}

lc_token_json() {
  patd_api GET "/v2/access-tokens/$2" "${SESSION[$1]}"
  printf '%s\n' "$PATD_BODY"
}

lc_usage_posts() {
  curl -s -m 5 "$PATD_URL/metrics" |
    awk '/^patd_http_requests_total/ && /usage/ && /status="204"/ { s += $NF } END { printf "%d\n", s }'
}

lc_wait() { # DESC SECS CMD...
  local desc=$1 secs=$2 i
  shift 2
  for ((i = 0; i < secs * 5; i++)); do
    "$@" && return 0
    sleep 0.2
  done
  fail "$desc (not within ${secs}s)"
  return 1
}

lc_item() {
  python3 "$lc_here/../lib/keychain_item.py" "$LC_KEYCHAIN" "$1"
}

# The epoch second of a token's last_used in patd (0 when never used).
lc_last_used() { # USER UUID
  local lu
  lu=$(lc_token_json "$1" "$2" | jq -r .last_used)
  if [ "$lu" = null ]; then echo 0; else date -d "$lu" +%s; fi
}
lc_spool_empty() { [ ! -s "$DOCKER_CREDENTIAL_PAT_STATE_DIR/usage.spool" ]; }
