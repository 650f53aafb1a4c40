#!/usr/bin/env bash
# skopeo_test.sh HELPER_BIN HELPER_NAME KEYCHAIN
#
# skopeo (1.9 reads "credHelpers", not "credsStore") pushes and pulls a small
# OCI image built with umoci to a real docker-registry with htpasswd auth on
# 127.0.0.1, with its credentials coming only from the helper under test.
# A wrong stored password, and an erased credential, must make skopeo fail.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 HELPER_BIN HELPER_NAME KEYCHAIN" >&2; exit 2; }
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$1" "$2" "$3"
for tool in skopeo umoci; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done

e2e_start_registry alice 'alice-pw-1'
host=$E2E_HOST
pat_docker_config "$DOCKER_CONFIG" "{\"credHelpers\": {\"$host\": \"$E2E_HELPER_NAME\"}}"
ref=docker://$host/alice/hello:v1

run_skopeo() { # ARGS... -> sets out, rc
  set +e
  out=$(timeout 120 skopeo --command-timeout 60s "$@" 2>&1)
  rc=$?
  set -e
}

# The registry really demands credentials.
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$host/v2/")
expect_eq "anonymous /v2/ status" 401 "$code"

# Credentials go in through docker login, as a user would do it.
set +e
out=$(printf '%s' 'alice-pw-1' | timeout 60 docker login -u alice --password-stdin "$host" 2>&1)
rc=$?
set -e
expect_eq "docker login exit code ($out)" 0 "$rc"

# A one-layer image, built offline.
text="hello from the pat e2e test $RANDOM$RANDOM"
check "umoci builds the image" pat_umoci_image "$E2E_TMP/src" hello "$text" >/dev/null
src_digest=$(jq -r '.manifests[0].digest' "$E2E_TMP/src/index.json")

# Push and pull with credentials from the helper only.
run_skopeo copy --dest-tls-verify=false "oci:$E2E_TMP/src:hello" "$ref"
expect_eq "skopeo push exit code ($out)" 0 "$rc"
run_skopeo inspect --tls-verify=false "$ref"
expect_eq "skopeo inspect exit code ($out)" 0 "$rc"
expect_eq "pushed manifest digest" "$src_digest" "$(jq -r .Digest <<<"$out")"
run_skopeo copy --src-tls-verify=false "$ref" "oci:$E2E_TMP/pulled:hello"
expect_eq "skopeo pull exit code ($out)" 0 "$rc"
expect_eq "file in the pulled image" "$text" "$(pat_oci_file "$E2E_TMP/pulled" hello /hello.txt)"

# A wrong password in the keychain: skopeo must fail, with the registry's
# unauthorized error.
e2e_helper store "{\"ServerURL\":\"$host\",\"Username\":\"alice\",\"Secret\":\"not-the-password\"}"
expect_eq "helper store exit code" 0 "$E2E_RC"
expect_eq "keychain holds the wrong password" "alice	not-the-password" "$(e2e_keychain_items "$host")"
run_skopeo copy --src-tls-verify=false "$ref" "oci:$E2E_TMP/pulled2:hello"
[ "$rc" -ne 0 ] || fail "skopeo pulled with a wrong stored password"
[[ "$out" == *unauthorized* ]] || fail "skopeo with a wrong password said: $out"
run_skopeo copy --dest-tls-verify=false "oci:$E2E_TMP/src:hello" "docker://$host/alice/hello:v2"
[ "$rc" -ne 0 ] || fail "skopeo pushed with a wrong stored password"

# Nothing stored at all: anonymous, so refused as well.
e2e_helper erase "$host"
expect_eq "helper erase exit code" 0 "$E2E_RC"
run_skopeo inspect --tls-verify=false "$ref"
[ "$rc" -ne 0 ] || fail "skopeo inspected anonymously after erase"
[[ "$out" == *unauthorized* ]] || fail "skopeo after erase said: $out"

# Put the right one back through the helper: skopeo works again.
e2e_helper store "{\"ServerURL\":\"$host\",\"Username\":\"alice\",\"Secret\":\"alice-pw-1\"}"
expect_eq "helper store exit code" 0 "$E2E_RC"
run_skopeo inspect --tls-verify=false "$ref"
expect_eq "skopeo inspect after restoring the password ($out)" 0 "$rc"

echo "PASS: skopeo push/pull via $E2E_HELPER_NAME ($E2E_KEYCHAIN) against $host"
