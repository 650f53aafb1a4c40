#!/usr/bin/env bash
# Every command's argv is held to the text rule of docs/inputs.md: a value
# that is not well-formed UTF-8 or holds a control character is refused
# with one line on stderr, exit 2, before the command touches a keychain,
# a token service or docker's config.json. usage: inputs_test.sh HELPER
set -u
HELPER=$1
. "$(dirname "$0")/lib.sh"
command -v keyctl >/dev/null || { echo "SKIPPED: keyctl is not installed"; exit 77; }
TMP=$(mktemp -d)
trap 'keyctl unlink "$ring" @s >/dev/null 2>&1; rm -rf "$TMP"' EXIT
export HOME=$TMP XDG_CONFIG_HOME=$TMP/config XDG_STATE_HOME=$TMP/state DOCKER_CONFIG=$TMP/docker
export DOCKER_CREDENTIAL_PAT_STORE=keyring DOCKER_CREDENTIAL_PAT_KEYRING=session
unset DBUS_SESSION_BUS_ADDRESS
mkdir -p "$DOCKER_CONFIG"
printf '{"auths":{},"credHelpers":{"keep.example":"pat"}}\n' >"$DOCKER_CONFIG/config.json"
# A private session keyring for this script (keyctl session would need a shell).
ring=$(keyctl newring inputs-test @s)
printf '{"ServerURL":"keep.example","Username":"u","Secret":"s"}' | "$HELPER" store
before_config=$(sha256sum <"$DOCKER_CONFIG/config.json")
before_keys=$(keychain_snapshot .)
[ -n "$before_keys" ] || fail "the snapshot sees the stored credential"

esc=$'\e'
bad=$'bad\xff\xfe.example'
expect_error "check refuses a registry that is not UTF-8" 2 \
  "docker-credential-pat check: invalid registry: not valid UTF-8" check "$bad"
expect_error "check refuses a registry with ESC" 2 \
  'docker-credential-pat check: invalid registry: it contains a control character (\u001b)' \
  check "keep.example${esc}[2J"
expect_error "configure refuses --registry with a newline" 2 \
  'docker-credential-pat configure: invalid --registry value: it contains a control character (\u000a)' \
  configure --registry $'a\nb.example'
expect_error "configure refuses --registry that is not UTF-8" 2 \
  "docker-credential-pat configure: invalid --registry value: not valid UTF-8" \
  configure --registry "$bad"
expect_error "ci login refuses a registry that is not UTF-8" 2 \
  "docker-credential-pat ci login: invalid registry: not valid UTF-8" \
  ci login "$bad" --username u --password-env NOPE
expect_error "ci login refuses a username with a C1 control" 2 \
  'docker-credential-pat ci login: invalid --username value: it contains a control character (\u009b)' \
  ci login keep.example --username $'u\xc2\x9b' --password-env NOPE
expect_error "ci logout refuses a registry with DEL" 2 \
  'docker-credential-pat ci logout: invalid registry: it contains a control character (\u007f)' \
  ci logout $'keep.example\x7f'
expect_error "tokens create refuses a label with ESC" 2 \
  'docker-credential-pat tokens create: invalid --label value: it contains a control character (\u001b)' \
  tokens create --label "x${esc}]0;t" --scope read --registry keep.example
expect_error "logout refuses a registry that is not UTF-8" 2 \
  "docker-credential-pat logout: invalid registry: not valid UTF-8" logout "$bad"
expect_error "login refuses a registry that is truncated UTF-8" 2 \
  "docker-credential-pat login: invalid registry: not valid UTF-8" login $'keep.example\xc3'
expect_error "tokens list refuses --username with a tab" 2 \
  'docker-credential-pat tokens list: invalid --username value: it contains a control character (\u0009)' \
  tokens list --username $'a\tb' --registry keep.example

expect_eq "docker's config.json is untouched" "$(sha256sum <"$DOCKER_CONFIG/config.json")" "$before_config"
expect_eq "the keychain is untouched" "$(keychain_snapshot .)" "$before_keys"
finish
