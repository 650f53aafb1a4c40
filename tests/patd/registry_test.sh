#!/usr/bin/env bash
# registry_test.sh BUILD_DIR: patd as the token server of a real Debian
# docker-registry (distribution 2.8), driven by the real docker CLI (client-side
# login) and skopeo. Checks logins (PAT, wrong/deactivated/expired/deleted PATs,
# 2FA password refusal with the exact CLI text), scopes at the registry
# (read/write/admin/public_read, foreign namespaces), the OAuth2 POST form,
# last-used tracking and the last-used write coalescing; finally greps patd's
# stderr for every secret used. Exit 77 when a prerequisite is missing.
set -uo pipefail
build=${1:?usage: registry_test.sh BUILD_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=$build/patd
[ -x "$bin" ] || { echo "SKIP: $bin not built"; exit 77; }
for t in docker-registry skopeo umoci docker curl jq python3; do
  command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
# shellcheck source=../lib/patd.sh
source "$here/../lib/patd.sh"
# shellcheck source=../lib/registry.sh
source "$here/../lib/registry.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/patd-registry.XXXXXX")
trap 'pat_registry_stop; patd_cleanup; rm -rf "$tmp"' EXIT
# (no REGISTRY_AUTH_FILE here: docker-registry would read it as auth.file)
export DOCKER_CONFIG=$tmp/docker
# explicit config, no credsStore: a non-empty auths keeps the CLI from
# auto-detecting a store, so credentials stay in this file
pat_docker_config "$DOCKER_CONFIG" '{"auths":{"placeholder.invalid":{}}}' || exit 1

fails=0
SECRETS=()
ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
# expect_ok DESC CMD...: CMD succeeds. expect_fail DESC CMD...: CMD is refused.
expect_ok() {
  local d=$1; shift
  if "$@" >"$tmp/out" 2>&1; then ok "$d"; else fail "$d"; sed 's/^/    /' "$tmp/out" | tail -n 15; fi
}
expect_fail() { # ...and fails for an auth reason, not a broken setup
  local d=$1; shift
  if "$@" >"$tmp/out" 2>&1; then
    fail "$d (unexpectedly succeeded)"; sed 's/^/    /' "$tmp/out" | tail -n 15
  elif ! grep -Eqi 'unauthorized|denied|authentication required|manifest unknown' "$tmp/out"; then
    fail "$d (failed, but not for an auth reason)"; sed 's/^/    /' "$tmp/out" | tail -n 15
  else
    ok "$d"
  fi
}
expect_eq() { # DESC GOT WANT
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi
}

SERVICE=registry.test
ISSUER=patd-registry-test
data=$tmp/patd
log=$tmp/patd.stderr
patd_start "$bin" "$data" "$log" --service "$SERVICE" --issuer "$ISSUER" \
  --public-namespace library --auth-fail-limit 100000 --log-level debug || exit 1
patd_cli "$bin" "$data" cert >"$tmp/cert.pem" || { echo "patd cert failed"; exit 1; }
grep -q 'BEGIN CERTIFICATE' "$tmp/cert.pem" || { echo "patd cert printed no certificate"; exit 1; }
pat_registry_start "$tmp/registry" \
  "$(pat_token_auth "$PATD_URL/token" "$SERVICE" "$ISSUER" "$tmp/cert.pem")" || exit 1
REG_HOST=127.0.0.1:$PAT_REGISTRY_PORT
# two images with different digests: deleting one must not take the other along
{ pat_umoci_image "$tmp/oci" base "hello from patd tests" &&
  pat_umoci_image "$tmp/oci" other "another image"; } >"$tmp/out" 2>&1 ||
  { cat "$tmp/out"; echo "umoci failed"; exit 1; }
echo "# patd $PATD_URL, registry $REG_HOST"

# accounts: alice and bob (plain), library (owns the public namespace), carol (2FA)
declare -A PW SESSION
for u in alice bob library carol; do
  PW[$u]="pw-$u-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  SECRETS+=("${PW[$u]}")
  patd_user_add "$bin" "$data" "$u" "${PW[$u]}" || exit 1
  patd_session "$u" "${PW[$u]}" || exit 1
  SESSION[$u]=$PATD_SESSION
done
# new_pat USER SCOPE [EXPIRES_AT] -> PAT, PAT_UUID
new_pat() {
  patd_token "${SESSION[$1]}" "$1 $2" "$2" "${3:-}" || exit 1
  PAT=$PATD_PAT
  PAT_UUID=$(jq -r .uuid <<<"$PATD_LAST_JSON")
  SECRETS+=("$PAT")
}

dlogin() { # USER SECRET
  printf '%s' "$2" | timeout 60 docker login -u "$1" --password-stdin "$REG_HOST"
}
dlogout() { timeout 30 docker logout "$REG_HOST" >/dev/null 2>&1 || true; }
sk_push() { # USER:SECRET REPO:TAG [LOCAL_TAG]
  timeout 120 skopeo copy --quiet --dest-tls-verify=false --dest-creds "$1" \
    "oci:$tmp/oci:${3:-base}" "docker://$REG_HOST/$2"
}
sk_inspect() { # USER:SECRET|"" REPO:TAG
  if [ -n "$1" ]; then
    timeout 60 skopeo inspect --tls-verify=false --creds "$1" "docker://$REG_HOST/$2"
  else
    timeout 60 skopeo inspect --tls-verify=false --no-creds "docker://$REG_HOST/$2"
  fi
}
sk_pull() { # USER:SECRET REPO:TAG
  local d
  d=$(mktemp -d "$tmp/pull.XXXXXX")
  timeout 120 skopeo copy --quiet --src-tls-verify=false --src-creds "$1" \
    "docker://$REG_HOST/$2" "dir:$d"
}
sk_delete() { timeout 60 skopeo delete --tls-verify=false --creds "$1" "docker://$REG_HOST/$2"; }
last_used() { # USER UUID -> RFC 3339 or null
  patd_api GET "/v2/access-tokens/$2" "${SESSION[$1]}"
  jq -r .last_used <<<"$PATD_BODY"
}
epoch() { if [ "$1" = null ]; then echo 0; else date -d "$1" +%s; fi; }

echo "# docker login"
new_pat alice repo:read
A_READ=$PAT
expect_ok "docker login with a PAT" dlogin alice "$A_READ"
if grep -q "Login Succeeded" "$tmp/out"; then ok "CLI says Login Succeeded"; else fail "no Login Succeeded"; fi
expect_eq "config.json records the registry" \
  "$(jq -r --arg h "$REG_HOST" '.auths | has($h)' "$DOCKER_CONFIG/config.json")" true
dlogout
# Change the last character; it must differ from the real one (1 in 62 tokens end in x).
last=${A_READ: -1}
if [ "$last" = x ]; then swap=y; else swap=x; fi
expect_fail "docker login with a wrong PAT" dlogin alice "${A_READ:0:${#A_READ}-1}$swap"
if grep -q "unauthorized" "$tmp/out"; then ok "wrong PAT: unauthorized"; else fail "wrong PAT: no unauthorized"; fi
expect_fail "docker login with alice's PAT as bob" dlogin bob "$A_READ"

new_pat alice repo:write
patd_api PATCH "/v2/access-tokens/$PAT_UUID" "${SESSION[alice]}" '{"is_active":false}'
expect_eq "deactivate" "$PATD_STATUS" 200
expect_fail "docker login with a deactivated PAT" dlogin alice "$PAT"
patd_api PATCH "/v2/access-tokens/$PAT_UUID" "${SESSION[alice]}" '{"is_active":true}'
expect_ok "docker login after reactivation" dlogin alice "$PAT"
dlogout

new_pat alice repo:read
patd_api DELETE "/v2/access-tokens/$PAT_UUID" "${SESSION[alice]}"
expect_eq "delete" "$PATD_STATUS" 204
expect_fail "docker login with a deleted PAT" dlogin alice "$PAT"

exp_epoch=$(($(date +%s) + 10))
new_pat alice repo:read "$(date -u -d "@$exp_epoch" +%Y-%m-%dT%H:%M:%SZ)"
EXPIRING=$PAT
expect_ok "docker login before expiry" dlogin alice "$EXPIRING"
dlogout

new_pat carol repo:write
C_PAT=$PAT
uri=$(patd_cli "$bin" "$data" user 2fa carol enable) || fail "2fa enable"
SECRETS+=("$(sed -n 's/.*[?&]secret=\([A-Za-z2-7=]*\).*/\1/p' <<<"$uri")")
expect_fail "2FA: docker login with the password" dlogin carol "${PW[carol]}"
if grep -qF "unauthorized: please use personal access token to login" "$tmp/out"; then
  ok "2FA: CLI shows the exact text"
else
  fail "2FA: CLI text was: $(tail -n 2 "$tmp/out")"
fi
expect_ok "2FA: docker login with a PAT" dlogin carol "$C_PAT"
dlogout

sleep $((exp_epoch + 1 - $(date +%s))) 2>/dev/null || true
expect_fail "docker login with an expired PAT" dlogin alice "$EXPIRING"

echo "# scopes at the registry"
new_pat alice repo:write; A_WRITE=$PAT
new_pat alice repo:admin; A_ADMIN=$PAT
new_pat alice repo:public_read; A_PUB=$PAT
new_pat bob repo:write; B_WRITE=$PAT
new_pat library repo:write; L_WRITE=$PAT
expect_ok "repo:write pushes to alice/app" sk_push "alice:$A_WRITE" alice/app:1
expect_ok "repo:write pushes another image" sk_push "alice:$A_WRITE" alice/app:2 other
expect_ok "repo:read pulls alice/app" sk_pull "alice:$A_READ" alice/app:1
expect_ok "repo:read inspects alice/app" sk_inspect "alice:$A_READ" alice/app:1
expect_fail "repo:read cannot push" sk_push "alice:$A_READ" alice/app:3
expect_fail "repo:write cannot push to bob's namespace" sk_push "alice:$A_WRITE" bob/app:1
expect_ok "bob pushes to bob/app" sk_push "bob:$B_WRITE" bob/app:1
expect_fail "alice cannot pull bob's private repo" sk_inspect "alice:$A_ADMIN" bob/app:1
expect_fail "a password cannot be combined with another user" sk_inspect "bob:${PW[alice]}" alice/app:1
expect_ok "password (no 2FA) pulls own repo" sk_inspect "alice:${PW[alice]}" alice/app:1
expect_fail "repo:write cannot delete" sk_delete "alice:$A_WRITE" alice/app:2
expect_ok "tag 2 still there" sk_inspect "alice:$A_READ" alice/app:2
expect_ok "repo:admin deletes" sk_delete "alice:$A_ADMIN" alice/app:2
expect_fail "deleted manifest is gone" sk_inspect "alice:$A_READ" alice/app:2
expect_ok "the other tag is still there" sk_inspect "alice:$A_READ" alice/app:1
expect_fail "bob's repo:write cannot delete alice's image" sk_delete "bob:$B_WRITE" alice/app:1
expect_ok "library pushes to the public namespace" sk_push "library:$L_WRITE" library/base:1
expect_ok "repo:public_read pulls from a public namespace" sk_pull "alice:$A_PUB" library/base:1
expect_fail "repo:public_read cannot pull alice's own private repo" sk_inspect "alice:$A_PUB" alice/app:1
expect_fail "repo:public_read cannot push" sk_push "alice:$A_PUB" alice/app:9
expect_ok "anonymous pulls from a public namespace" sk_inspect "" library/base:1
expect_fail "anonymous cannot pull a private repo" sk_inspect "" alice/app:1
expect_fail "alice cannot push into the public namespace" sk_push "alice:$A_WRITE" library/base:2
expect_fail "2FA account: password refused at the registry" sk_inspect "carol:${PW[carol]}" carol/x:1

echo "# OAuth2 POST form (containerd)"
printf '%s' "$A_READ" >"$tmp/pat.txt"
code=$(curl -s -m 10 -o "$tmp/oauth.json" -w '%{http_code}' -X POST "$PATD_URL/token" \
  -d grant_type=password -d username=alice --data-urlencode "password@$tmp/pat.txt" \
  -d "service=$SERVICE" -d client_id=containerd-client \
  --data-urlencode "scope=repository:alice/app:pull")
rm -f "$tmp/pat.txt"
expect_eq "POST /token password grant" "$code" 200
at=$(jq -r '.access_token // empty' "$tmp/oauth.json")
expect_eq "no refresh_token" "$(jq -r 'has("refresh_token")' "$tmp/oauth.json")" false
SECRETS+=("$at")
code=$(curl -s -m 10 -o "$tmp/tags.json" -w '%{http_code}' \
  -K <(printf 'header = "Authorization: Bearer %s"\n' "$at") "http://$REG_HOST/v2/alice/app/tags/list")
expect_eq "registry accepts the access_token" "$code" 200
expect_eq "tags/list shows tag 1" "$(jq -c '.tags' "$tmp/tags.json" 2>/dev/null)" '["1"]'
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' \
  -K <(printf 'header = "Authorization: Bearer %s"\n' "$at") "http://$REG_HOST/v2/bob/app/tags/list")
expect_eq "the same token does not open bob/app" "$code" 401

echo "# last used"
new_pat alice repo:read
LU=$PAT LU_UUID=$PAT_UUID
expect_eq "fresh token never used" "$(last_used alice "$LU_UUID")" null
t0=$(date +%s)
expect_ok "pull with the fresh token" sk_pull "alice:$LU" alice/app:1
lu1=$(last_used alice "$LU_UUID")
if [ "$lu1" != null ] && [ "$(epoch "$lu1")" -ge $((t0 - 1)) ] && [ "$(epoch "$lu1")" -le $(($(date +%s) + 1)) ]; then
  ok "last_used set by the pull ($lu1)"
else
  fail "last_used after pull: $lu1 (pull started at $(date -u -d "@$t0" +%FT%TZ))"
fi
sleep 2
expect_ok "second pull" sk_pull "alice:$LU" alice/app:1
lu2=$(last_used alice "$LU_UUID")
if [ "$(epoch "$lu2")" -gt "$(epoch "$lu1")" ]; then ok "last_used moved forward ($lu2)"; else fail "last_used did not move: $lu1 -> $lu2"; fi

if curl -s -m 5 "$PATD_URL/metrics" | grep -q '^patd_last_used_writes_total'; then
  ok "/metrics has patd_last_used_writes_total"
else
  fail "/metrics lacks patd_last_used_writes_total"
fi
w0=$(patd_metric patd_last_used_writes_total)
{
  printf 'user = "alice:%s"\n' "$LU"
  for ((i = 0; i < 1000; i++)); do
    printf 'url = "%s/token?service=%s&scope=repository:alice/app:pull&account=alice"\noutput = "/dev/null"\n' \
      "$PATD_URL" "$SERVICE"
  done
} >"$tmp/curl-1000.cfg"
n200=$(curl -s -m 120 -K "$tmp/curl-1000.cfg" -w '%{http_code}\n' | grep -c '^200$')
rm -f "$tmp/curl-1000.cfg"
w1=$(patd_metric patd_last_used_writes_total)
expect_eq "1000 /token requests answered 200" "$n200" 1000
if [ $((w1 - w0)) -le 5 ]; then ok "1000 /token requests -> $((w1 - w0)) last-used writes (counter $w0 -> $w1)"; else fail "1000 /token requests -> $((w1 - w0)) last-used writes (> 5)"; fi

echo "# secrets"
leaks=0
for s in "${SECRETS[@]}"; do
  [ ${#s} -ge 8 ] || continue
  for f in "$log" "$log.out"; do
    if grep -qF -- "$s" "$f" 2>/dev/null; then
      fail "secret ${s:0:10}... appears in $(basename "$f")"
      leaks=1
    fi
  done
  if curl -s -m 5 "$PATD_URL/metrics" | grep -qF -- "$s"; then fail "secret ${s:0:10}... in /metrics"; leaks=1; fi
done
[ $leaks = 0 ] && ok "none of ${#SECRETS[@]} secrets in patd stderr/stdout or /metrics"

echo "# $fails failure(s)"
[ $fails = 0 ]
