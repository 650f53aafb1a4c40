#!/usr/bin/env bash
# ci_test.sh BUILD_DIR: a CI job with no session bus.
# `ci login --require push` with a read-only PAT fails with a clear message
# and stores nothing; with a write PAT it stores the token in the kernel
# keyring, points the docker config at the helper, prints ::add-mask:: under
# GITHUB_ACTIONS, and skopeo pushes with it; `ci logout` leaves nothing in
# the keyring nor in the docker config. Plus item 8 for `ci`: every bad
# input has its exact message and exit code and changes nothing.
set -uo pipefail
build=${1:?usage: ci_test.sh BUILD_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPER=$build/docker-credential-pat
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=../lib/patd.sh
source "$here/../lib/patd.sh"
# shellcheck source=../lib/registry.sh
source "$here/../lib/registry.sh"
need_built "$HELPER" "$build/patd"
need_tools docker-registry skopeo umoci curl jq python3 keyctl
keyctl show @s >/dev/null 2>&1 || { echo "SKIP: no kernel keyring here"; exit 77; }
# The CI job: no session bus, so the helper's `auto` store is the kernel
# keyring; the session keyring keeps parallel tests apart.
unset DBUS_SESSION_BUS_ADDRESS DOCKER_CREDENTIAL_PAT_STORE GITHUB_ACTIONS
export DOCKER_CREDENTIAL_PAT_KEYRING=session
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-ci.XXXXXX")
trap 'pat_registry_stop; patd_cleanup; rm -rf "$tmp"' EXIT
stack_start "$build" "$tmp" || exit 1
PW="pw-alice-$RANDOM$RANDOM"
patd_user_add "$build/patd" "$tmp/patd" alice "$PW" || exit 1
patd_session alice "$PW" || exit 1
patd_token "$PATD_SESSION" "ci read" repo:read || exit 1
READ=$PATD_PAT
patd_token "$PATD_SESSION" "ci write" repo:write || exit 1
WRITE=$PATD_PAT
pat_docker_config "$DOCKER_CONFIG" '{"auths":{"placeholder.invalid":{}},"psFormat":"table {{.ID}}"}' || exit 1
cfg=$DOCKER_CONFIG/config.json
N="docker-credential-pat ci login"
echo "# patd $PATD_URL, registry $REG"

state() { # everything ci login may change: keyring items for R, docker config
  keychain_snapshot "$REG"
  sha256sum <"$cfg"
}
keyring_has_r() { grep -c "cred:$REG" /proc/keys; }
# An erased key stays in /proc/keys until the kernel's key garbage collector
# (a work queue) destroys it, a moment later: wait for that, bounded (5 s).
keyring_gone_r() {
  local i n
  for ((i = 0; i < 50; i++)); do
    n=$(keyring_has_r)
    [ "$n" = 0 ] && break
    sleep 0.1
  done
  echo "$n"
}

echo "# item 8: bad input, nothing changes"
before=$(state)
expect_error "missing R" 2 "$N: the option '--registry' is required but missing" ci login --username alice --password-stdin
expect_error "missing --username" 2 "$N: the option '--username' is required but missing" ci login "$REG" --password-stdin
expect_error "no password source" 2 "$N: give exactly one of --password-env VAR, --password-file F, --password-stdin (never the token itself in argv)" ci login "$REG" --username alice
expect_error "two password sources" 2 "$N: give exactly one of --password-env VAR, --password-file F, --password-stdin (never the token itself in argv)" ci login "$REG" --username alice --password-stdin --password-env X
expect_error "no --password option exists" 2 "$N: unrecognised option '--password'" ci login "$REG" --username alice --password "$READ"
expect_error "bad --require" 2 "$N: invalid --require value 'write': expected pull, push or delete" ci login "$REG" --username alice --password-stdin --require write
expect_error "bad --ttl" 2 "$N: invalid --ttl value '2 hours': expected a number with a unit s, m, h or d (e.g. 2h)" ci login "$REG" --username alice --password-stdin --ttl "2 hours"
expect_error "unset variable" 2 "$N: environment variable NO_SUCH_VAR (the token) is not set or empty" ci login "$REG" --username alice --password-env NO_SUCH_VAR
expect_error "missing file" 2 "$N: cannot read the token file $tmp/nope: No such file or directory" ci login "$REG" --username alice --password-file "$tmp/nope"
HELPER_STDIN=/dev/null expect_error "empty stdin" 2 "$N: the token from stdin is empty" ci login "$REG" --username alice --password-stdin
export CI_TOKEN="${WRITE:0:${#WRITE}-4}abcd"
run_helper ci login "$REG" --username alice --password-env CI_TOKEN
expect_eq "wrong token: exit 1" "$RC" 1
expect_contains "wrong token: refused, nothing stored" "$ERR" "$N: the token service refused the token for alice at $REG (invalid"
expect_contains "wrong token: ends with nothing stored" "$ERR" "; nothing stored"
printf '{"auths":' >"$tmp/bad.json"
cp "$cfg" "$tmp/good.json" && cp "$tmp/bad.json" "$cfg"
export CI_TOKEN=$WRITE
expect_error "broken docker config" 1 "$N: invalid docker config $cfg: not a JSON object; fix or move it first (left unchanged)" ci login "$REG" --username alice --password-env CI_TOKEN
expect_eq "broken config untouched" "$(cat "$cfg")" '{"auths":'
cp "$tmp/good.json" "$cfg"
expect_eq "nothing changed by refused logins" "$(state)" "$before"

echo "# item 7: a read-only PAT with --require push fails fast"
export CI_TOKEN=$READ
run_helper ci login "$REG" --username alice --password-env CI_TOKEN --require push
expect_eq "read PAT, --require push: exit 1" "$RC" 1
expect_eq "read PAT: the message names what is missing and what it allows" "$ERR" \
  "$N: the token for alice at $REG does not allow push (required by --require); it allows pull; nothing stored"
expect_eq "read PAT: nothing stored, config untouched" "$(state)" "$before"

echo "# item 7: a write PAT succeeds; skopeo pushes through the helper"
export CI_TOKEN=$WRITE
GITHUB_ACTIONS=true run_helper ci login "$REG" --username alice --password-env CI_TOKEN --require push --require pull --ttl 10m
expect_eq "write PAT: exit 0" "$RC" 0
[ "$RC" = 0 ] || echo "    $ERR"
expect_eq "GITHUB_ACTIONS: the mask line comes first" "$(head -n1 <<<"$OUT")" "::add-mask::$WRITE"
expect_eq "summary" "$(tail -n1 <<<"$OUT")" \
  "Stored the token for alice at $REG in the kernel keyring (session) for 10m (allows pull,push); $cfg uses docker-credential-pat for it"
expect_eq "no warning (auto = keyring without a bus)" "$ERR" ""
expect_eq "credHelpers[R] = pat, other keys kept" "$(jq -c '[.auths, .psFormat, .credHelpers]' "$cfg")" \
  "[{\"placeholder.invalid\":{}},\"table {{.ID}}\",{\"$REG\":\"pat\"}]"
expect_eq "one keyring key for R" "$(keyring_has_r)" 1
expiry=$(grep "cred:$REG" /proc/keys | awk '{print $4}')
case $expiry in 9m|10m) ok "the key has the 10m time-out ($expiry in /proc/keys)" ;; *) fail "key expiry: '$expiry'" ;; esac
expect_eq "the helper's get finds it" "$(printf '%s' "$REG" | timeout 30 "$HELPER" get | jq -r .Username)" alice
sk_push "$REG/alice/ci:1"
expect_eq "skopeo push with the injected PAT (credHelpers -> helper -> keyring)" "$RC" 0
[ "$RC" = 0 ] || echo "    ${OUT:0:300}"
sk_inspect "$REG/alice/ci:1"
expect_eq "and pull it back" "$RC" 0
if grep -rqF -- "$WRITE" "$DOCKER_CONFIG" "$tmp/state" "$tmp/cache" 2>/dev/null; then
  fail "the token was written to a file"
else
  ok "the token is in no file (docker config, state, cache)"
fi
run_helper ci login "$REG" --username alice --password-env CI_TOKEN --format json
expect_eq "again (json, no mask without GITHUB_ACTIONS)" "$(jq -c '[.server, .store, .actions, .ttl_seconds]' <<<"$OUT")" \
  "[\"$REG\",\"kernel keyring (session)\",\"pull,push\",21600]"
DOCKER_CREDENTIAL_PAT_STORE=secretservice run_helper ci login "$REG" --username alice --password-env CI_TOKEN
expect_eq "store configured as secretservice: warns" "$ERR" \
  "docker-credential-pat ci login: warning: the helper is configured to use the Secret Service here, so docker will not find this token; set DOCKER_CREDENTIAL_PAT_STORE=keyring"

echo "# ci logout leaves nothing behind"
run_helper ci logout "$REG"
expect_eq "ci logout: exit 0" "$RC" 0
expect_eq "ci logout: output" "$OUT" "Removed the token for $REG and its credHelpers entry"
expect_eq "no keyring key for R" "$(keyring_gone_r)" 0
expect_eq "docker config as before login" "$(jq -c . "$cfg")" '{"auths":{"placeholder.invalid":{}},"psFormat":"table {{.ID}}"}'
sk_push "$REG/alice/ci:2"
[ "$RC" != 0 ] && ok "skopeo cannot push after logout" || fail "skopeo pushed after logout"
run_helper ci logout
expect_eq "ci logout with nothing left" "$OUT" "nothing to log out"

echo "# a credHelpers entry the user had is not removed"
pat_docker_config "$DOCKER_CONFIG" "{\"credHelpers\":{\"$REG\":\"pat\"}}" || exit 1
run_helper ci login "$REG" --username alice --password-env CI_TOKEN
run_helper ci logout
expect_eq "logout (all)" "$OUT" "Removed the token for $REG"
expect_eq "user's entry kept" "$(jq -c .credHelpers "$cfg")" "{\"$REG\":\"pat\"}"
expect_eq "no keyring key for R" "$(keyring_gone_r)" 0

echo "# the kernel drops the token when --ttl passes"
run_helper ci login "$REG" --username alice --password-env CI_TOKEN --ttl 2s
expect_eq "ttl 2s: stored" "$(printf '%s' "$REG" | timeout 30 "$HELPER" get | jq -r .Username)" alice
sleep 3
out=$(printf '%s' "$REG" | timeout 30 "$HELPER" get 2>&1)
expect_eq "after the time-out: not found" "$out" "credentials not found in native keychain"
run_helper ci logout "$REG"

echo "# service down"
before=$(state)
patd_stop
run_helper ci login "$REG" --username alice --password-env CI_TOKEN --require push
expect_eq "service down: exit 1" "$RC" 1
expect_contains "service down: message" "$ERR" "$N: cannot validate the token for $REG: "
expect_contains "service down: nothing stored" "$ERR" "; nothing stored"
expect_eq "service down: nothing changed" "$(state)" "$before"
finish
