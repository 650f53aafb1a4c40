#!/usr/bin/env bash
# docker_login_test.sh HELPER_BIN HELPER_NAME KEYCHAIN CONFIG_MODE
#
# The real docker CLI (no daemon: it logs in client-side) against a real
# docker-registry with htpasswd auth on 127.0.0.1. docker finds the helper
# under test as docker-credential-HELPER_NAME on PATH, through either
# "credsStore" or a "credHelpers" entry (CONFIG_MODE). Every store is checked
# through the helper's own `get`/`list` and, independently, in the keychain
# (KEYCHAIN = secretservice | keyring).
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 HELPER_BIN HELPER_NAME KEYCHAIN credsStore|credHelpers" >&2; exit 2; }
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$1" "$2" "$3"
mode=$4

e2e_start_registry alice 'alice-pw-1' bob 'b0b pw "quoted" \ back'
host=$E2E_HOST

case "$mode" in
  credsStore) config="{\"credsStore\": \"$E2E_HELPER_NAME\", \"auths\": {}}" ;;
  credHelpers) config="{\"credHelpers\": {\"$host\": \"$E2E_HELPER_NAME\"}, \"auths\": {}}" ;;
  *) fail "unknown config mode '$mode'" ;;
esac
pat_docker_config "$DOCKER_CONFIG" "$config"

docker_login() { # USER PASSWORD -> sets out, rc
  set +e
  out=$(printf '%s' "$2" | timeout 60 docker login -u "$1" --password-stdin "$host" 2>&1)
  rc=$?
  set -e
}

expect_stored() { # USER SECRET: through the helper, through the keychain, and config.json
  local user=$1 secret=$2 want
  want=$(jq -cn --arg s "$host" --arg u "$user" --arg p "$secret" \
    '{ServerURL: $s, Username: $u, Secret: $p}')
  e2e_helper get "$host"
  expect_eq "helper get exit code" 0 "$E2E_RC"
  expect_eq "helper get output" "$want" "$E2E_OUT"
  e2e_helper list
  expect_eq "helper list exit code" 0 "$E2E_RC"
  expect_eq "helper list entry" "$user" "$(jq -r --arg s "$host" '.[$s]' <<<"$E2E_OUT")"
  expect_eq "keychain items for $host" "$user	$secret" "$(e2e_keychain_items "$host")"
  # The credential lives in the keychain, never inline in config.json.
  expect_eq "config.json auths entry" '{}' \
    "$(jq -c --arg s "$host" '.auths[$s]' "$DOCKER_CONFIG/config.json")"
}

expect_absent() {
  e2e_helper get "$host"
  expect_eq "helper get exit code after erase" 1 "$E2E_RC"
  expect_eq "helper get output after erase" "credentials not found in native keychain" "$E2E_OUT"
  e2e_helper list
  expect_eq "helper list after erase" null "$(jq -r --arg s "$host" '.[$s]' <<<"$E2E_OUT")"
  expect_eq "keychain items after erase" "" "$(e2e_keychain_items "$host")"
}

# 1. docker login stores through the helper.
docker_login alice 'alice-pw-1'
expect_eq "docker login exit code ($out)" 0 "$rc"
[[ "$out" == *"Login Succeeded"* ]] || fail "docker login said: $out"
[[ "$out" != *"unencrypted"* ]] || fail "docker stored the password in config.json: $out"
expect_stored alice 'alice-pw-1'
case "$mode" in
  credsStore) expect_eq "credsStore kept" "$E2E_HELPER_NAME" "$(jq -r .credsStore "$DOCKER_CONFIG/config.json")" ;;
  credHelpers) expect_eq "credHelpers kept" "$E2E_HELPER_NAME" \
    "$(jq -r --arg s "$host" '.credHelpers[$s]' "$DOCKER_CONFIG/config.json")" ;;
esac

# 2. A login the registry refuses never reaches the helper: the stored
#    credential is untouched.
docker_login alice 'wrong-password'
expect_eq "docker login with a wrong password exit code" 1 "$rc"
[[ "$out" == *"401 Unauthorized"* ]] || fail "wrong-password login said: $out"
expect_stored alice 'alice-pw-1'

# 3. `docker login HOST` with no flags reads the stored credential with `get`
#    and shows its username. (It then logs in through the daemon, which is
#    absent here, so its exit code is not the point; 28.2.2 stores the
#    credential again either way, and it must come back unchanged.)
set +e
out=$(timeout 60 docker login "$host" </dev/null 2>&1)
set -e
[[ "$out" == *"Authenticating with existing credentials... [Username: alice]"* ]] ||
  fail "docker login without flags did not find the stored credential: $out"
expect_stored alice 'alice-pw-1'

# 4. Logging in as another user: docker gets the new user, the one item under
#    the registry's key (our helper keeps alice as a second account,
#    docs/accounts.md; docker_accounts_test.sh covers that).
#    The password has spaces, quotes and a backslash (JSON escaping on the way).
docker_login bob 'b0b pw "quoted" \ back'
expect_eq "docker login as bob exit code ($out)" 0 "$rc"
if [ "$E2E_HELPER_NAME" = secretservice ]; then
  # Debian's upstream helper (0.6.4), run only to validate this harness, adds
  # a second item instead of replacing (docs/protocol.md "Where upstream differs"). Pin that known bug
  # so the harness stays honest, then clean up the stale item.
  expect_eq "upstream keeps both items" "alice	alice-pw-1
bob	b0b pw \"quoted\" \\ back" "$(e2e_keychain_items "$host" | sort)"
  e2e_helper erase "$host"
  docker_login bob 'b0b pw "quoted" \ back'
fi
expect_stored bob 'b0b pw "quoted" \ back'

# 5. docker logout erases it (docker exits 0 even when erase fails, so the
#    proof is the helper and the keychain).
set +e
out=$(timeout 60 docker logout "$host" 2>&1)
rc=$?
set -e
expect_eq "docker logout exit code ($out)" 0 "$rc"
[[ "$out" == *"Removing login credentials for $host"* ]] || fail "docker logout said: $out"
[[ "$out" != *WARNING* ]] || fail "docker logout warned: $out"
expect_absent
expect_eq "config.json auths after logout" null \
  "$(jq -c --arg s "$host" '.auths[$s]' "$DOCKER_CONFIG/config.json")"

# 6. Logging out again is harmless.
set +e
out=$(timeout 60 docker logout "$host" 2>&1)
rc=$?
set -e
expect_eq "second docker logout exit code ($out)" 0 "$rc"
expect_absent

echo "PASS: docker login/logout via $E2E_HELPER_NAME ($mode, $E2E_KEYCHAIN) against $host"
