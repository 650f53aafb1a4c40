# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are set for the sourcing script
# Common setup for the end-to-end tests: a temp dir, a bin dir first on PATH
# holding docker-credential-NAME -> the helper under test, a temp
# DOCKER_CONFIG, the keychain choice, and independent keychain readers.
#
#   e2e_init HELPER_BIN HELPER_NAME KEYCHAIN
#     KEYCHAIN is secretservice or keyring. Exits 77 (skipped) when that
#     keychain or a required tool is not available. Installs the EXIT trap.
#   e2e_helper VERB [STDIN]     run docker-credential-NAME VERB; stdout+rc kept
#   e2e_keychain_items SERVER   one "username<TAB>secret" line per keychain item
#                               for SERVER, read without the helper under test
#   check DESC CMD...           run CMD, fail the test with DESC if it fails
#   expect_eq DESC WANT GOT     fail unless WANT == GOT
#   fail MSG                    print MSG and the registry log tail, exit 1

e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/registry.sh
. "$e2e_dir/../lib/registry.sh"

fail() {
  echo "FAIL: $*" >&2
  if [ -n "${E2E_TMP:-}" ] && [ -f "$E2E_TMP/registry/registry.log" ]; then
    echo "--- registry log (tail) ---" >&2
    tail -n 6 "$E2E_TMP/registry/registry.log" >&2
  fi
  exit 1
}

check() {
  local desc=$1
  shift
  "$@" || fail "$desc (command: $*)"
}

expect_eq() {
  [ "$2" = "$3" ] || fail "$1: want [$2], got [$3]"
}

skip() {
  echo "SKIP: $*" >&2
  exit 77
}

e2e_cleanup() {
  pat_registry_stop
  [ -n "${E2E_TMP:-}" ] && rm -rf "$E2E_TMP"
}

e2e_init() {
  E2E_HELPER_BIN=$1 E2E_HELPER_NAME=$2 E2E_KEYCHAIN=$3
  [ -x "$E2E_HELPER_BIN" ] || fail "helper binary $E2E_HELPER_BIN is not executable"
  local tool
  for tool in docker docker-registry htpasswd python3 jq; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
  done
  case "$E2E_KEYCHAIN" in
    secretservice)
      [ "${PAT_TEST_SECRET_SERVICE:-}" = 1 ] ||
        skip "no Secret Service (run inside tests/lib/with-keyring.sh)"
      command -v secret-tool >/dev/null || skip "secret-tool (libsecret-tools) is not installed"
      ;;
    keyring)
      command -v keyctl >/dev/null || skip "keyctl (keyutils) is not installed"
      keyctl show @s >/dev/null 2>&1 || skip "no kernel session keyring"
      ;;
    *) fail "unknown keychain '$E2E_KEYCHAIN'" ;;
  esac
  # Our helper reads its store choice from here; upstream helpers ignore it.
  # The kernel keyring store goes under the session keyring, which
  # with-keyring.sh makes fresh for the run (the user keyring is shared).
  export DOCKER_CREDENTIAL_PAT_STORE=$E2E_KEYCHAIN DOCKER_CREDENTIAL_PAT_KEYRING=session

  E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pat-e2e.XXXXXX")
  trap e2e_cleanup EXIT
  mkdir -p "$E2E_TMP/bin" "$E2E_TMP/registry" "$E2E_TMP/run"
  ln -s "$(realpath "$E2E_HELPER_BIN")" "$E2E_TMP/bin/docker-credential-$E2E_HELPER_NAME"
  export PATH="$E2E_TMP/bin:$PATH"
  export DOCKER_CONFIG=$E2E_TMP/docker
  # skopeo looks at $XDG_RUNTIME_DIR/containers/auth.json before
  # $DOCKER_CONFIG/config.json: keep that lookup inside the temp dir too.
  export XDG_RUNTIME_DIR=$E2E_TMP/run
  unset REGISTRY_AUTH_FILE DOCKER_AUTH_CONFIG
  [ "$(command -v "docker-credential-$E2E_HELPER_NAME")" = "$E2E_TMP/bin/docker-credential-$E2E_HELPER_NAME" ] ||
    fail "docker-credential-$E2E_HELPER_NAME on PATH is not the helper under test"
}

# Starts the registry with htpasswd users given as USER PASS pairs; sets
# E2E_HOST (127.0.0.1:PORT).
e2e_start_registry() {
  local dir=$E2E_TMP/registry auth
  auth=$(pat_htpasswd_auth "$dir" "$1" "$2") || fail "htpasswd"
  shift 2
  while [ $# -ge 2 ]; do
    htpasswd -Bb "$dir/htpasswd" "$1" "$2" 2>/dev/null || fail "htpasswd $1"
    shift 2
  done
  pat_registry_start "$dir" "$auth" || fail "docker-registry did not start"
  E2E_HOST=127.0.0.1:$PAT_REGISTRY_PORT
}

# Sets E2E_OUT (stdout) and E2E_RC.
e2e_helper() {
  local verb=$1 input=${2-}
  set +e
  E2E_OUT=$(printf '%s' "$input" | "docker-credential-$E2E_HELPER_NAME" "$verb" 2>"$E2E_TMP/helper.err")
  E2E_RC=$?
  set -e
}

e2e_keychain_items() {
  # tests/lib/keychain_item.py knows both layouts (and the metadata).
  python3 "$e2e_dir/../lib/keychain_item.py" --all "$E2E_KEYCHAIN" "$1" |
    jq -r '.username + "\t" + .secret'
}
