# shellcheck shell=bash
# Shared by tests/commands/*.sh: result bookkeeping and the helper binary.
#   ok/fail/expect_eq/expect_contains; run_helper ARGS.. (sets RC, OUT, ERR)
fails=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
expect_eq() { # DESC GOT WANT
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi
}
expect_contains() { # DESC HAYSTACK NEEDLE
  if [[ "$2" == *"$3"* ]]; then ok "$1"; else fail "$1: '$3' not in: $2"; fi
}
# run_helper ARGS...: runs the helper with stdin from $HELPER_STDIN (default
# /dev/null), bounded; sets RC, OUT, ERR.
run_helper() {
  local o e
  o=$(mktemp) e=$(mktemp)
  timeout 60 "$HELPER" "$@" <"${HELPER_STDIN:-/dev/null}" >"$o" 2>"$e"
  RC=$?
  OUT=$(cat "$o") ERR=$(cat "$e")
  rm -f "$o" "$e"
}
# expect_error DESC RC STDERR_LINE ARGS...: the helper fails with exactly
# this exit code and this one stderr line, and prints nothing on stdout.
expect_error() {
  local d=$1 rc=$2 line=$3
  shift 3
  run_helper "$@"
  if [ "$RC" = "$rc" ] && [ "$ERR" = "$line" ] && [ -z "$OUT" ]; then
    ok "$d"
  else
    fail "$d: rc=$RC (want $rc) stderr='$ERR' (want '$line') stdout='${OUT:0:200}'"
  fi
}
finish() {
  echo "# $fails failure(s)"
  [ "$fails" = 0 ]
}

# keychain_snapshot PATTERN [KEY...]: every stored key matching PATTERN
# (grep -E) with its username and a hash of its secret, via the helper's own
# list/get, plus each KEY given (`list` hides the helper's internal items,
# e.g. cached sessions); compare two snapshots to prove a command left the
# keychain unchanged.
keychain_snapshot() {
  local key pattern=$1
  shift
  { timeout 30 "$HELPER" list </dev/null 2>/dev/null | jq -r 'keys[]' | grep -E -- "$pattern"
    printf '%s\n' "$@"; } | sort -u |
    while IFS= read -r key; do
      printf '%s %s\n' "$key" "$(printf '%s' "$key" | timeout 30 "$HELPER" get 2>/dev/null | sha256sum)"
    done
}

# stack_start BUILD_DIR TMP [PATD_ARGS...]: a real patd and a docker-registry whose token
# auth points at it (tests/lib/patd.sh, registry.sh), the helper on PATH as
# docker-credential-pat, DOCKER_CONFIG/XDG_RUNTIME_DIR/state inside TMP, an
# OCI image TMP/oci:base. Sets REG (127.0.0.1:PORT). The caller's EXIT trap
# must run pat_registry_stop and patd_cleanup.
stack_start() {
  local build=$1 tmp=$2
  shift 2
  patd_start "$build/patd" "$tmp/patd" "$tmp/patd.log" --service registry.test \
    --issuer pat-commands-test --auth-fail-limit 100000 "$@" || return 1
  patd_cli "$build/patd" "$tmp/patd" cert >"$tmp/cert.pem" || return 1
  pat_registry_start "$tmp/registry" \
    "$(pat_token_auth "$PATD_URL/token" registry.test pat-commands-test "$tmp/cert.pem")" || return 1
  REG=127.0.0.1:$PAT_REGISTRY_PORT
  mkdir -p "$tmp/bin" "$tmp/run"
  ln -sf "$(realpath "$HELPER")" "$tmp/bin/docker-credential-pat"
  export PATH="$tmp/bin:$PATH" DOCKER_CONFIG=$tmp/docker XDG_RUNTIME_DIR=$tmp/run
  export DOCKER_CREDENTIAL_PAT_STATE_DIR=$tmp/state XDG_CACHE_HOME=$tmp/cache
  unset REGISTRY_AUTH_FILE DOCKER_AUTH_CONFIG DOCKER_CREDENTIAL_PAT_BACKEND
  pat_umoci_image "$tmp/oci" base "hello from the commands tests" >/dev/null 2>&1 || return 1
}

# sk_push REF [CREDS]: skopeo push of TMP/oci:base (credentials from CREDS,
# else from the docker config, i.e. the helper). Sets RC, OUT.
sk_push() {
  local extra=()
  [ -n "${2:-}" ] && extra=(--dest-creds "$2")
  OUT=$(timeout 120 skopeo --command-timeout 60s copy --quiet --dest-tls-verify=false "${extra[@]}" \
    "oci:$tmp/oci:base" "docker://$1" 2>&1)
  RC=$?
}
sk_inspect() { # REF: with the helper's credentials
  OUT=$(timeout 60 skopeo --command-timeout 30s inspect --tls-verify=false "docker://$1" 2>&1)
  RC=$?
}

# need_built FILE...: exit 77 (skipped) unless each is an executable.
need_built() { for f; do [ -x "$f" ] || { echo "SKIP: $f not built"; exit 77; }; done; }
# need_tools TOOL...: exit 77 (skipped) unless each is on PATH.
need_tools() { for t; do command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done; }
