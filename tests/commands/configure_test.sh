#!/usr/bin/env bash
# configure_test.sh HELPER: `docker-credential-pat configure` edits the docker
# config safely: keeps other keys and their order, keeps the file mode, makes
# config.json.bak, writes nothing when nothing changes, refuses invalid JSON
# and leaves such a file untouched; then the real docker CLI reads the result.
set -uo pipefail
HELPER=${1:?usage: configure_test.sh HELPER}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
[ -x "$HELPER" ] || { echo "SKIP: $HELPER not built"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-configure.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export DOCKER_CONFIG=$tmp/docker
cfg=$DOCKER_CONFIG/config.json

echo "# a new config"
run_helper configure --registry reg.example:5000
expect_eq "exit 0" "$RC" 0
expect_eq "credHelpers set" "$(jq -c .credHelpers "$cfg")" '{"reg.example:5000":"pat"}'
expect_eq "mode 0600 for a new file" "$(stat -c %a "$cfg")" 600
[ -e "$cfg.bak" ] && fail "backup of a file that did not exist" || ok "no backup for a new file"

echo "# an existing config keeps its keys, order and mode"
printf '{"auths":{"a.example":{"auth":"eDp5"}},"credsStore":"desktop","psFormat":"x","credHelpers":{"other":"ecr"}}' >"$cfg"
chmod 640 "$cfg"
before=$(cat "$cfg")
run_helper configure --registry r1:5000 --registry r2
expect_eq "exit 0" "$RC" 0
expect_eq "stdout names both entries and the backup" "$OUT" "set credHelpers[r1:5000] = pat
set credHelpers[r2] = pat
updated $cfg (previous content in $cfg.bak)"
expect_eq "keys and order kept" "$(jq -c 'keys_unsorted' "$cfg")" '["auths","credsStore","psFormat","credHelpers"]'
expect_eq "other values kept" "$(jq -c '[.auths, .credsStore, .psFormat, .credHelpers.other]' "$cfg")" \
  '[{"a.example":{"auth":"eDp5"}},"desktop","x","ecr"]'
expect_eq "new entries" "$(jq -c '[.credHelpers["r1:5000"], .credHelpers.r2]' "$cfg")" '["pat","pat"]'
expect_eq "mode kept" "$(stat -c %a "$cfg")" 640
expect_eq "backup holds the previous content" "$(cat "$cfg.bak")" "$before"
ls "$DOCKER_CONFIG" | grep -q '\.tmp\.' && fail "temp file left behind" || ok "no temp file left"

echo "# nothing to change: nothing written"
touch -d '2001-01-01' "$cfg"
run_helper configure --registry r1:5000 --format json
expect_eq "json says unchanged" "$(jq -c '[.changed, .changes]' <<<"$OUT")" '[false,[]]'
expect_eq "file not rewritten" "$(stat -c %Y "$cfg")" "$(date -d 2001-01-01 +%s)"

echo "# --store-all and the default"
run_helper configure --store-all --format json
expect_eq "credsStore replaced" "$(jq -r .credsStore "$cfg")" pat
expect_eq "json lists the change" "$(jq -c .changes <<<"$OUT")" '["credsStore = pat"]'

echo "# a symlinked config is edited at its target"
mkdir -p "$tmp/dotfiles" && printf '{"x":1}\n' >"$tmp/dotfiles/config.json"
rm -f "$cfg" && ln -s "$tmp/dotfiles/config.json" "$cfg"
run_helper configure --registry r3
expect_eq "link kept" "$(readlink "$cfg")" "$tmp/dotfiles/config.json"
expect_eq "target edited" "$(jq -c . "$tmp/dotfiles/config.json")" '{"x":1,"credHelpers":{"r3":"pat"}}'
rm -f "$cfg"

echo "# invalid JSON is refused and left untouched"
for bad in '{"auths":' '[1,2]' 'not json'; do
  printf '%s' "$bad" >"$cfg"
  sum=$(sha256sum <"$cfg")
  expect_error "refuses '$bad'" 1 \
    "docker-credential-pat configure: invalid docker config $cfg: not a JSON object; fix or move it first (left unchanged)" \
    configure --registry r1
  expect_eq "'$bad' untouched" "$(sha256sum <"$cfg")" "$sum"
done
rm -f "$cfg" "$cfg.bak"

echo "# bad options"
expect_error "unknown option" 2 "docker-credential-pat configure: unrecognised option '--bogus'" configure --bogus
expect_error "no abbreviations" 2 "docker-credential-pat configure: unrecognised option '--registr'" configure --registr x
expect_error "missing value" 2 "docker-credential-pat configure: the required argument for option '--registry' is missing" configure --registry
expect_error "bad format" 2 "docker-credential-pat configure: invalid --format value 'xml': expected table or json" configure --format xml
[ -e "$cfg" ] && fail "a refused command wrote the config" || ok "refused commands wrote nothing"
run_helper configure --help
expect_eq "--help exits 0" "$RC" 0
expect_contains "--help shows usage" "$OUT" "Usage: docker-credential-pat configure [--registry R]... [--store-all]"

echo "# the docker CLI reads the result"
if command -v docker >/dev/null; then
  printf '{"auths":{"placeholder.invalid":{}}}' >"$cfg"
  run_helper configure --registry 127.0.0.1:1
  # docker asks our helper (by name docker-credential-pat on PATH) for that registry
  mkdir -p "$tmp/bin" && ln -s "$HELPER" "$tmp/bin/docker-credential-pat"
  out=$(PATH="$tmp/bin:$PATH" DOCKER_CREDENTIAL_PAT_STORE=keyring DOCKER_CREDENTIAL_PAT_KEYRING=session \
    timeout 30 docker logout 127.0.0.1:1 2>&1)
  expect_contains "docker uses the helper for that registry" "$out" "127.0.0.1:1"
fi
finish
