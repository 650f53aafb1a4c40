#!/usr/bin/env bash
# switch_helper_test.sh PAT_BIN UPSTREAM_BIN
#
# The README's promise that users can switch from Debian's
# docker-credential-secretservice to docker-credential-pat without logging in
# again, as a user does it: docker login through the upstream helper, point
# config.json at "pat", then skopeo pulls and docker logout erases through
# ours; and back: a login through ours is used by the upstream helper.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 PAT_BIN UPSTREAM_BIN" >&2; exit 2; }
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$1" pat secretservice
[ -x "$2" ] || skip "upstream helper $2 is not installed"
ln -s "$(realpath "$2")" "$E2E_TMP/bin/docker-credential-secretservice"
for tool in skopeo umoci; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done

e2e_start_registry alice 'alice-pw-1'
host=$E2E_HOST
ref=docker://$host/alice/hello:v1
use_helper() { # NAME: route $host to docker-credential-NAME (docker and skopeo)
  pat_docker_config "$DOCKER_CONFIG" "{\"credsStore\": \"$1\", \"credHelpers\": {\"$host\": \"$1\"}}"
}
run() { # CMD... -> out, rc
  set +e
  out=$(timeout 120 "$@" 2>&1)
  rc=$?
  set -e
}

# 1. Logged in through the upstream helper; an image pushed with that login.
use_helper secretservice
run sh -c "printf '%s' alice-pw-1 | docker login -u alice --password-stdin $host"
expect_eq "docker login via upstream ($out)" 0 "$rc"
check "umoci builds the image" pat_umoci_image "$E2E_TMP/src" hello "switch test" >/dev/null
run skopeo copy --dest-tls-verify=false "oci:$E2E_TMP/src:hello" "$ref"
expect_eq "skopeo push via upstream ($out)" 0 "$rc"

# 2. Switch to pat: no new login, ours reads the upstream item.
use_helper pat
e2e_helper get "$host"
expect_eq "pat get of the upstream item" \
  "{\"ServerURL\":\"$host\",\"Username\":\"alice\",\"Secret\":\"alice-pw-1\"}" "$E2E_OUT"
run skopeo inspect --tls-verify=false "$ref"
expect_eq "skopeo inspect via pat after the switch ($out)" 0 "$rc"

# 3. docker logout through pat removes the upstream item too.
run docker logout "$host"
expect_eq "docker logout via pat ($out)" 0 "$rc"
run sh -c "printf '%s' $host | docker-credential-secretservice get"
expect_eq "upstream get after logout via pat" "credentials not found in native keychain" "$out"
expect_eq "keychain after logout" "" "$(e2e_keychain_items "$host")"

# 4. And back: a login through pat works for the upstream helper.
run sh -c "printf '%s' alice-pw-1 | docker login -u alice --password-stdin $host"
expect_eq "docker login via pat ($out)" 0 "$rc"
use_helper secretservice
run skopeo inspect --tls-verify=false "$ref"
expect_eq "skopeo inspect via upstream after switching back ($out)" 0 "$rc"

echo "PASS: switching between docker-credential-secretservice and pat needs no new login ($host)"
