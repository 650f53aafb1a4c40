#!/usr/bin/env bash
# docker_accounts_test.sh HELPER_BIN KEYCHAIN [UPSTREAM_HELPER]
#
# Several accounts on one registry (docs/accounts.md) with the real docker
# CLI and a real docker-registry: `docker login` as two users keeps both,
# `accounts use` switches, DOCKER_CREDENTIAL_PAT_ACCOUNT overrides for one
# process, `docker logout` removes the selected account only, and an
# unknown username changes nothing. Every step is checked through the
# helper and, independently, in the keychain (KEYCHAIN = secretservice |
# keyring). With UPSTREAM_HELPER (docker-credential-secretservice, Secret
# Service only), an item upstream wrote is the selected account, and
# upstream reads the account selected with `accounts use`.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 HELPER_BIN KEYCHAIN [UPSTREAM_HELPER]" >&2; exit 2; }
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$1" pat "$2"
upstream=${3-}

e2e_start_registry alice 'alice-pw' bob 'bob pw "2"'
host=$E2E_HOST
pat_docker_config "$DOCKER_CONFIG" "{\"credsStore\": \"pat\", \"auths\": {}}"

docker_login() { # USER PASSWORD
  local out
  out=$(printf '%s' "$2" | timeout 60 docker login -u "$1" --password-stdin "$host" 2>&1) ||
    fail "docker login as $1: $out"
  [[ "$out" == *"Login Succeeded"* ]] || fail "docker login as $1 said: $out"
}

accounts() { # ARGS... -> sets A_OUT, A_ERR, A_RC
  set +e
  A_OUT=$("$E2E_HELPER_BIN" accounts "$@" 2>"$E2E_TMP/accounts.err")
  A_RC=$?
  set -e
  A_ERR=$(cat "$E2E_TMP/accounts.err")
}

# The accounts of $host as "user:selected" words, e.g. "alice:false bob:true".
accounts_of_host() {
  accounts list "$host" --format json
  expect_eq "accounts list exit code ($A_ERR)" 0 "$A_RC"
  jq -r '[.[] | .username + ":" + (.selected | tostring)] | join(" ")' <<<"$A_OUT"
}

expect_selected() { # USER SECRET: what docker gets, lists and the keychain holds
  local want
  want=$(jq -cn --arg s "$host" --arg u "$1" --arg p "$2" '{ServerURL: $s, Username: $u, Secret: $p}')
  e2e_helper get "$host"
  expect_eq "get exit code" 0 "$E2E_RC"
  expect_eq "get answers the selected account" "$want" "$E2E_OUT"
  e2e_helper list  # (other tests may share the keychain: only $host counts)
  expect_eq "list: one key for the registry, the selected username" "$1" \
    "$(jq -r --arg s "$host" '.[$s]' <<<"$E2E_OUT")"
  expect_eq "keychain item under the registry's key" "$1	$2" "$(e2e_keychain_items "$host")"
}

expect_parked() { # USER SECRET: kept under its account key, in the keychain
  expect_eq "keychain item of $1's account" "$1	$2" \
    "$(e2e_keychain_items "docker-credential-pat:account:$1:$host")"
}

# 1. Two logins on one registry keep both; the last one is selected.
docker_login alice 'alice-pw'
docker_login bob 'bob pw "2"'
expect_selected bob 'bob pw "2"'
expect_parked alice 'alice-pw'
expect_eq "accounts after two logins" "alice:false bob:true" "$(accounts_of_host)"
accounts list "$host"
expect_eq "accounts list (table) exit code" 0 "$A_RC"
[[ "$A_OUT" == *"REGISTRY"*"USERNAME"*"SELECTED"* && "$A_OUT" == *"$host  bob"*"yes"* ]] ||
  fail "accounts list table: $A_OUT"

# 2. An unknown username: one line, exit 1, nothing changed.
accounts use "$host" mallory
expect_eq "accounts use of an unknown username: exit code" 1 "$A_RC"
expect_eq "accounts use of an unknown username: stdout" "" "$A_OUT"
expect_eq "accounts use of an unknown username: one line" 1 "$(wc -l <<<"$A_ERR")"
[[ "$A_ERR" == "docker-credential-pat accounts use: no account 'mallory' is stored for $host"* ]] ||
  fail "accounts use mallory said: $A_ERR"
accounts remove "$host" mallory
expect_eq "accounts remove of an unknown username: exit code" 1 "$A_RC"
accounts use "$host"
expect_eq "accounts use without a username: usage error" 2 "$A_RC"
expect_selected bob 'bob pw "2"'
expect_parked alice 'alice-pw'

# 3. accounts use switches what docker gets; docker sees it too.
accounts use "$host" alice
expect_eq "accounts use alice ($A_ERR)" 0 "$A_RC"
expect_selected alice 'alice-pw'
expect_parked bob 'bob pw "2"'
set +e
out=$(timeout 60 docker login "$host" </dev/null 2>&1)
set -e
[[ "$out" == *"[Username: alice]"* ]] || fail "docker did not get alice: $out"

# 4. DOCKER_CREDENTIAL_PAT_ACCOUNT overrides for one process only.
set +e
out=$(DOCKER_CREDENTIAL_PAT_ACCOUNT=bob timeout 60 docker login "$host" </dev/null 2>&1)
set -e
[[ "$out" == *"[Username: bob]"* ]] || fail "DOCKER_CREDENTIAL_PAT_ACCOUNT=bob: docker got $out"
expect_selected alice 'alice-pw'

# 5. docker logout removes the selected account only; then none is selected.
out=$(timeout 60 docker logout "$host" 2>&1) || fail "docker logout: $out"
e2e_helper get "$host"
expect_eq "get after logout" "1 credentials not found in native keychain" "$E2E_RC $E2E_OUT"
e2e_helper list
expect_eq "list after logout" null "$(jq -r --arg s "$host" '.[$s]' <<<"$E2E_OUT")"
expect_eq "no item under the registry's key" "" "$(e2e_keychain_items "$host")"
expect_eq "alice's account is gone" "" \
  "$(e2e_keychain_items "docker-credential-pat:account:alice:$host")"
expect_parked bob 'bob pw "2"'
expect_eq "accounts after logout" "bob:false" "$(accounts_of_host)"
timeout 60 docker logout "$host" >/dev/null 2>&1 || true  # again: harmless
expect_parked bob 'bob pw "2"'
accounts use "$host" bob
expect_eq "accounts use bob after logout" 0 "$A_RC"
expect_selected bob 'bob pw "2"'
accounts remove "$host" bob
expect_eq "accounts remove bob" 0 "$A_RC"
expect_eq "accounts after remove" "" "$(accounts_of_host)"
expect_eq "no item left" "" "$(e2e_keychain_items "$host")"

# 6. Upstream's item is the selected account; upstream reads the selection.
if [ -n "$upstream" ]; then
  printf '%s' "{\"ServerURL\":\"$host\",\"Username\":\"alice\",\"Secret\":\"alice-pw\"}" |
    "$upstream" store || fail "upstream store"
  expect_eq "an upstream item is the selected account" "alice:true" "$(accounts_of_host)"
  expect_selected alice 'alice-pw'
  docker_login bob 'bob pw "2"'
  expect_parked alice 'alice-pw'
  accounts use "$host" alice
  expect_eq "accounts use alice over upstream's item" 0 "$A_RC"
  got=$(printf '%s' "$host" | "$upstream" get) || fail "upstream get"
  expect_eq "upstream gets the selected account" "alice alice-pw" \
    "$(jq -r '.Username + " " + .Secret' <<<"$got")"
fi

echo "PASS: several accounts on $host ($E2E_KEYCHAIN${upstream:+, with an upstream item})"
