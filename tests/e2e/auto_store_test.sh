#!/usr/bin/env bash
# auto_store_test.sh HELPER_BIN
#
# The default store choice (DOCKER_CREDENTIAL_PAT_STORE unset = auto), end to
# end through docker login/logout: with a session bus that has a Secret
# Service the credential lands there (and not in the kernel keyring); with no
# session bus (an SSH session, CI) it lands in the kernel keyring (and not in
# the Secret Service).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 HELPER_BIN" >&2; exit 2; }
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$1" pat secretservice
command -v keyctl >/dev/null && keyctl show @s >/dev/null 2>&1 || skip "no kernel session keyring"
unset DOCKER_CREDENTIAL_PAT_STORE # auto; the keyring stays under @s (lib.sh)
bus=$DBUS_SESSION_BUS_ADDRESS

e2e_start_registry alice 'alice-pw-1'
host=$E2E_HOST
pat_docker_config "$DOCKER_CONFIG" '{"credsStore": "pat"}'

items_in() { # secretservice|keyring -> the items for $host in that keychain
  E2E_KEYCHAIN=$1 e2e_keychain_items "$host"
}
docker_cmd() { # CMD... with the session bus in $use_bus (empty: none) -> out, rc
  set +e
  if [ -n "$use_bus" ]; then
    out=$(DBUS_SESSION_BUS_ADDRESS=$use_bus timeout 60 "$@" 2>&1)
  else
    out=$(env -u DBUS_SESSION_BUS_ADDRESS timeout 60 "$@" 2>&1)
  fi
  rc=$?
  set -e
}

for use_bus in "$bus" ""; do
  if [ -n "$use_bus" ]; then want=secretservice other=keyring; else want=keyring other=secretservice; fi
  docker_cmd sh -c "printf '%s' alice-pw-1 | docker login -u alice --password-stdin $host"
  expect_eq "docker login exit code, auto -> $want ($out)" 0 "$rc"
  expect_eq "auto -> $want: item in $want" "alice	alice-pw-1" "$(items_in "$want")"
  expect_eq "auto -> $want: nothing in $other" "" "$(items_in "$other")"
  docker_cmd docker logout "$host"
  expect_eq "docker logout exit code, auto -> $want ($out)" 0 "$rc"
  expect_eq "auto -> $want: erased" "" "$(items_in "$want")"
done

echo "PASS: auto store choice through docker: Secret Service with a bus, kernel keyring without ($host)"
