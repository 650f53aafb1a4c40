#!/usr/bin/env bash
# store_scope_test.sh BUILD_DIR [KEYCHAIN]: `tokens create --scope
# read --store R` puts a read-only PAT into the keychain (nothing secret on
# stdout); skopeo, reading credHelpers -> our helper, can pull with it but
# the registry refuses a push; `check` shows the scope; after `tokens
# deactivate`, `check --refresh` reports it inactive and exits 1.
set -uo pipefail
build=${1:?usage: store_scope_test.sh BUILD_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPER=$build/docker-credential-pat
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=../lib/patd.sh
source "$here/../lib/patd.sh"
# shellcheck source=../lib/registry.sh
source "$here/../lib/registry.sh"
need_built "$HELPER" "$build/patd"
need_tools docker-registry skopeo umoci curl jq python3
# KEYCHAIN (2nd argument): secretservice (default when with-keyring.sh gave
# us one) or keyring (the kernel keyring, session parent).
if [ "${2:-}" = keyring ] || [ -z "${PAT_TEST_SECRET_SERVICE:-}" ]; then
  export DOCKER_CREDENTIAL_PAT_STORE=keyring DOCKER_CREDENTIAL_PAT_KEYRING=session
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-store-scope.XXXXXX")
trap 'pat_registry_stop; patd_cleanup; rm -rf "$tmp"' EXIT
stack_start "$build" "$tmp" || exit 1
PW="pw-alice-$RANDOM$RANDOM"
patd_user_add "$build/patd" "$tmp/patd" alice "$PW" || exit 1
printf '%s\n' "$PW" >"$tmp/pw"
patd_session alice "$PW" || exit 1
ADMIN=$PATD_SESSION
pat_docker_config "$DOCKER_CONFIG" "{\"credHelpers\":{\"$REG\":\"pat\"}}" || exit 1
echo "# patd $PATD_URL, registry $REG"

# an image in alice/app pushed with a write PAT given directly to skopeo
patd_token "$ADMIN" seed repo:write || exit 1
sk_push "$REG/alice/app:1" "alice:$PATD_PAT"
expect_eq "seed push with a write PAT" "$RC" 0

echo "# tokens create --scope read --store R (token service found from R's challenge)"
HELPER_STDIN=$tmp/pw run_helper tokens create --label "laptop read" --scope read --store "$REG" \
  --username alice --password-stdin
expect_eq "create --store: exit 0" "$RC" 0
UUID=$(patd_api GET "/v2/access-tokens?page_size=100" "$ADMIN"; jq -r '.results[] | select(.token_label == "laptop read") | .uuid' <<<"$PATD_BODY")
expect_eq "create --store: stdout" "$OUT" "Created token 'laptop read' ($UUID) and stored it for $REG as alice"
[[ "$OUT$ERR" == *dckr_pat_* ]] && fail "the token was printed" || ok "nothing secret printed"
stored=$(printf '%s' "$REG" | timeout 30 "$HELPER" get)
expect_eq "keychain: username" "$(jq -r .Username <<<"$stored")" alice
SECRET=$(jq -r .Secret <<<"$stored")
code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 -K <(printf 'user = "alice:%s"\n' "$SECRET") "$PATD_URL/v2/access-tokens/current")
expect_eq "the stored secret is the new PAT" "$code" 200

echo "# the registry enforces the scope"
sk_inspect "$REG/alice/app:1"
expect_eq "skopeo pull (inspect) with the stored read PAT" "$RC" 0
sk_push "$REG/alice/app:2"
if [ "$RC" != 0 ] && grep -Eqi 'denied|unauthorized|authentication required' <<<"$OUT"; then
  ok "skopeo push refused by the registry"
else
  fail "skopeo push: rc=$RC ${OUT:0:300}"
fi

echo "# check shows the scope"
run_helper check "$REG"
expect_eq "check R: exit 0" "$RC" 0
row=$(grep -F "$REG" <<<"$OUT")
expect_eq "check R: registry, user, state, scope" "$(awk '{print $1, $2, $3, $4}' <<<"$row")" "$REG alice active read"
run_helper check --format json
expect_eq "check (json, all keys) lists R" \
  "$(jq -c --arg r "$REG" '.[] | select(.server == $r) | [.state, .service, .scopes, .actions, .uuid]' <<<"$OUT")" \
  "[\"active\",\"patd\",[\"repo:read\"],\"pull\",\"$UUID\"]"
run_helper check "$REG" --refresh --format json
expect_eq "check --refresh: still active" "$(jq -r '.[0].state' <<<"$OUT")" active
expect_eq "check: a token without expiry is not flagged" "$(jq -r '.[0].expires_soon' <<<"$OUT")" false

before=$(keychain_snapshot "$REG")
expect_error "check: unknown option" 2 "docker-credential-pat check: unrecognised option '--bogus'" check --bogus
expect_error "check: bad format" 2 "docker-credential-pat check: invalid --format value 'csv': expected table or json" check --format csv
expect_error "check: two keys" 2 "docker-credential-pat check: too many positional options have been specified on the command line" check a b
expect_eq "refused checks left the keychain unchanged" "$(keychain_snapshot "$REG")" "$before"
echo "# deactivated: check --refresh says so and exits 1"
HELPER_STDIN=$tmp/pw run_helper tokens deactivate "laptop read" --registry "$REG" --password-stdin
expect_eq "tokens deactivate (cached session or stdin)" "$RC" 0
run_helper check "$REG" --refresh
expect_eq "check --refresh after deactivate: exit 1" "$RC" 1
expect_eq "check: state inactive" "$(grep -F "$REG" <<<"$OUT" | awk '{print $3}')" inactive
out=$(printf '%s' "$REG" | timeout 30 "$HELPER" get 2>&1)
expect_contains "the verdict check wrote makes get answer not found" "$out" "credentials not found in native keychain"
expect_eq "and get removed the item" "$(timeout 30 "$HELPER" list | jq --arg k "$REG" 'has($k)')" false
echo "# a token that expires within 7 days: check flags it, still exit 0"
HELPER_STDIN=$tmp/pw run_helper tokens create --label "short" --scope read --expires 3d --store "$REG" \
  --username alice --password-stdin
expect_eq "create --expires 3d --store: exit 0" "$RC" 0
run_helper check "$REG" --format json
expect_eq "check (json): expires_soon" "$(jq -r '.[0] | [.state, .expires_soon] | @tsv' <<<"$OUT")" "active	true"
run_helper check "$REG"
expect_eq "check: exit 0 (a warning, not a failure)" "$RC" 0
expect_eq "check: the note says when" "$(grep -F "$REG" <<<"$OUT" | grep -o 'expires in 3 days')" "expires in 3 days"
expect_error "check of a key that is not stored" 1 "docker-credential-pat check: no credential stored for nothing.invalid" check nothing.invalid
printf '%s' "$REG" | timeout 30 "$HELPER" erase
finish
