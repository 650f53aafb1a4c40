#!/usr/bin/env bash
# tokenclient_test.sh BUILD_DIR: pat_tokenclient (through tokenclient_tool)
# against a real patd and a real docker-registry (distribution 2.8) whose
# token auth points at patd: validation of active/deactivated/deleted/expired
# PATs and of a password, the registry token probe through the registry's own
# challenge, password exchange (plain and 2FA accounts), usage reports,
# discovery and its cache, the precedence of DOCKER_CREDENTIAL_PAT_BACKEND,
# deadlines against a stopped service, a listener that never answers, an
# oversized reply and a redirect, and replies that are chunked, follow 1xx
# interim replies, end at EOF, are cut off, are not HTTP or have huge headers. Local plain-HTTP requests
# take the direct transport; TOKENCLIENT_TOOL_TRANSPORT=libcurl (the
# tokenclient_e2e_libcurl test) runs everything through libcurl instead.
# Exit 77 when a prerequisite is missing.
set -uo pipefail
build=${1:?usage: tokenclient_test.sh BUILD_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
patd_bin=$build/patd
tool=$build/tests/tokenclient_tool
for f in "$patd_bin" "$tool"; do [ -x "$f" ] || { echo "SKIP: $f not built"; exit 77; }; done
for t in docker-registry curl jq python3; do
  command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
[ -e /usr/lib/x86_64-linux-gnu/libcurl.so.4 ] || ldconfig -p 2>/dev/null | grep -q 'libcurl.so.4 ' ||
  { echo "SKIP: libcurl.so.4 not installed"; exit 77; }
# shellcheck source=../lib/patd.sh
source "$here/../lib/patd.sh"
# shellcheck source=../lib/registry.sh
source "$here/../lib/registry.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tokenclient.XXXXXX")
FAKE_PIDS=()
cleanup() {
  local p
  for p in "${FAKE_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  pat_registry_stop
  patd_cleanup
  rm -rf "$tmp"
}
trap cleanup EXIT
unset DOCKER_CREDENTIAL_PAT_BACKEND

fails=0
SECRETS=()
ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
expect_eq() { # DESC GOT WANT
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi
}
expect_match() { # DESC GOT REGEX
  if [[ "$2" =~ $3 ]]; then ok "$1"; else fail "$1: '$2' does not match /$3/"; fi
}
# tc [SECRET] -- ARGS...: run the tool (secret on stdin), output in $OUT, exit in $RC,
# wall time in $MS.
tc() {
  local secret=$1 t0 t1
  shift 2
  t0=$(date +%s%N)
  OUT=$(printf '%s\n' "$secret" | timeout 30 "$tool" "$@" 2>"$tmp/tool.err")
  RC=$?
  t1=$(date +%s%N)
  MS=$(((t1 - t0) / 1000000))
}
field() { jq -r "$1 // empty" <<<"$OUT"; }

SERVICE=registry.tokenclient.test
ISSUER=patd-tokenclient-test
data=$tmp/patd
patd_start "$patd_bin" "$data" "$tmp/patd.log" --service "$SERVICE" --issuer "$ISSUER" \
  --auth-fail-limit 100000 || exit 1
patd_cli "$patd_bin" "$data" cert >"$tmp/cert.pem" || { echo "patd cert failed"; exit 1; }
pat_registry_start "$tmp/registry" \
  "$(pat_token_auth "$PATD_URL/token" "$SERVICE" "$ISSUER" "$tmp/cert.pem")" || exit 1
REG=127.0.0.1:$PAT_REGISTRY_PORT
echo "# patd $PATD_URL, registry $REG"

declare -A PW SESSION
for u in alice carol; do
  PW[$u]="pw-$u-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  SECRETS+=("${PW[$u]}")
  patd_user_add "$patd_bin" "$data" "$u" "${PW[$u]}" || exit 1
  patd_session "$u" "${PW[$u]}" || exit 1
  SESSION[$u]=$PATD_SESSION
done
CAROL_URI=$(patd_cli "$patd_bin" "$data" user 2fa carol enable) || { echo "2fa enable failed"; exit 1; }
CAROL_TOTP=$(sed -n 's/.*[?&]secret=\([A-Za-z2-7=]*\).*/\1/p' <<<"$CAROL_URI")
SECRETS+=("$CAROL_TOTP")
totp_now() { # the current code for CAROL_TOTP (secret on stdin, not argv)
  printf '%s' "$CAROL_TOTP" | python3 -c '
import sys; sys.path.insert(0, sys.argv[1]); import patdlib
print(patdlib.totp(sys.stdin.read().strip()))' "$here/../patd"
}

new_pat() { # LABEL SCOPE [EXPIRES_AT] -> PAT PAT_UUID
  patd_token "${SESSION[alice]}" "$1" "$2" "${3:-}" || exit 1
  PAT=$PATD_PAT
  PAT_UUID=$(jq -r .uuid <<<"$PATD_LAST_JSON")
  SECRETS+=("$PAT")
}
# expires a few seconds from now: checked last, when it has passed
EXPIRES_AT=$(date -u -d '+3 seconds' +%FT%TZ)
EXPIRES_EPOCH=$(date -d "$EXPIRES_AT" +%s)
new_pat "soon expired" repo:read "$EXPIRES_AT"
EXPIRING=$PAT

echo "# libcurl is loaded on first use, never linked"
for b in "$tool" "$build/docker-credential-pat"; do
  [ -x "$b" ] || continue
  if ldd "$b" | grep -q libcurl; then fail "$(basename "$b") links libcurl"; else ok "$(basename "$b") does not link libcurl"; fi
done

TRANSPORT=${TOKENCLIENT_TOOL_TRANSPORT:-automatic}
echo "# transport: $TRANSPORT"

echo "# discovery from the registry's challenge"
tc "" -- locate "$REG"
expect_eq "locate: exit 0" "$RC" 0
expect_eq "locate: kind patd" "$(field .kind)" patd
expect_eq "locate: patd_url is patd's origin" "$(field .patd_url)" "$PATD_URL"
expect_eq "locate: realm from the challenge" "$(field .realm)" "$PATD_URL/token"
expect_eq "locate: service from the challenge" "$(field .service)" "$SERVICE"
expect_eq "locate: source" "$(field .source)" discovery

echo "# validate (patd current)"
new_pat "ci write" repo:write
W_PAT=$PAT W_UUID=$PAT_UUID
tc "$W_PAT" -- validate "$REG" alice
expect_eq "active PAT: exit 0" "$RC" 0
expect_eq "active PAT: state" "$(field .pat_state)" active
expect_eq "active PAT: kind" "$(field .pat_kind)" patd
expect_eq "active PAT: scopes" "$(field .pat_scopes)" repo:write
expect_eq "active PAT: uuid" "$(field .pat_uuid)" "$W_UUID"
expect_eq "active PAT: label" "$(field .pat_label)" "ci write"
expect_eq "active PAT: owner" "$(field .pat_owner)" alice
expect_eq "active PAT: generated_by" "$(field .pat_generated_by)" manual
expect_eq "active PAT: service" "$(field .pat_service)" "$PATD_URL"
expect_match "active PAT: checked_at" "$(field .pat_checked_at)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'

echo "# which transport a local plain-HTTP request takes"
printf '%s\n' "$W_PAT" | LD_DEBUG=libs "$tool" validate "$REG" alice >/dev/null 2>"$tmp/ld.txt"
grep -q 'calling init' "$tmp/ld.txt" || fail "LD_DEBUG printed nothing (check broken)"
if grep 'calling init' "$tmp/ld.txt" | grep -q libcurl; then loaded=yes; else loaded=no; fi
if [ "$TRANSPORT" = libcurl ]; then
  expect_eq "libcurl transport: libcurl loaded" "$loaded" yes
else
  expect_eq "local plain HTTP: direct transport, libcurl not loaded" "$loaded" no
fi
rm -f "$tmp/ld.txt"
# a proxy in the environment is libcurl's business (with no_proxy and all):
# through a proxy that is down, the request fails instead of going direct
http_proxy=http://127.0.0.1:$(pat_free_port) tc "" -- http "$PATD_URL/v2/access-tokens/current"
expect_eq "http_proxy is honoured: unreachable through a dead proxy" "$(field .error.code)" service_unreachable
tc "" -- http "$PATD_URL/v2/access-tokens/current"
expect_eq "without the proxy: patd answers 401" "$(field .status)" 401

new_pat "to deactivate" repo:read
patd_api PATCH "/v2/access-tokens/$PAT_UUID" "${SESSION[alice]}" '{"is_active":false}'
tc "$PAT" -- validate "$REG" alice
expect_eq "deactivated PAT: exit 0 (a verdict, not an error)" "$RC" 0
expect_eq "deactivated PAT: state" "$(field .pat_state)" inactive
expect_eq "deactivated PAT: reason" "$(field .pat_reason)" "token is deactivated"

new_pat "to delete" repo:read
patd_api DELETE "/v2/access-tokens/$PAT_UUID" "${SESSION[alice]}"
tc "$PAT" -- validate "$REG" alice
expect_eq "deleted PAT: state" "$(field .pat_state)" deleted
expect_eq "deleted PAT: reason" "$(field .pat_reason)" "unknown token"

tc "$W_PAT" -- validate "$REG" carol
expect_eq "alice's PAT presented as carol: deleted (unknown to carol)" "$(field .pat_state)" deleted

fails_before=$(patd_metric patd_auth_failures_total)
[ "$fails_before" -gt 0 ] || fail "patd counted no failed logins so far (metric missing?)"
tc "${PW[alice]}" -- validate "$REG" alice
expect_eq "password as a token: exit 0" "$RC" 0
expect_eq "password as a token: state invalid" "$(field .pat_state)" invalid
expect_eq "password as a token: reason" "$(field .pat_reason)" "not a personal access token"
expect_eq "password as a token: no failed login counted at patd" \
  "$(patd_metric patd_auth_failures_total)" "$fails_before"

echo "# registry token probe through the registry's challenge"
tc "" -- locate "$REG"
REALM=$(field .realm) SVC=$(field .service)
new_pat "probe read" repo:read
tc "$PAT" -- probe "$REALM" "$SVC" alice
expect_eq "read PAT: probe state" "$(field .pat_state)" active
expect_eq "read PAT: granted actions" "$(field .pat_scopes)" pull
expect_eq "read PAT: kind registry" "$(field .pat_kind)" registry
tc "$W_PAT" -- probe "$REALM" "$SVC" alice
expect_eq "write PAT: granted actions" "$(field .pat_scopes)" "pull push"
new_pat "probe admin" repo:admin
tc "$PAT" -- probe "$REALM" "$SVC" alice
expect_eq "admin PAT: granted actions" "$(field .pat_scopes)" "pull push delete"
tc "${W_PAT:0:${#W_PAT}-3}abc" -- probe "$REALM" "$SVC" alice
expect_eq "mangled PAT: probe state invalid" "$(field .pat_state)" invalid
tc "${PW[carol]}" -- probe "$REALM" "$SVC" carol
expect_eq "2FA password at /token: invalid" "$(field .pat_state)" invalid
expect_eq "2FA password at /token: reason is the CLI text" "$(field .pat_reason)" \
  "please use personal access token to login"

echo "# exchange_password"
tc "${PW[alice]}" -- exchange "$REG" alice
expect_eq "exchange: exit 0" "$RC" 0
expect_eq "exchange: generated_by auto" "$(field .pat_generated_by)" auto
expect_eq "exchange: the token is a PAT" "$(field .token_is_pat)" true
expect_eq "exchange: state active" "$(field .pat_state)" active
expect_eq "exchange: scope" "$(field .pat_scopes)" repo:admin
AUTO_UUID=$(field .pat_uuid)
patd_api GET "/v2/access-tokens?page=1&page_size=100" "${SESSION[alice]}"
expect_eq "exchange: the auto token is in patd's list" \
  "$(jq -r --arg u "$AUTO_UUID" '[.results[] | select(.uuid == $u and .generated_by == "auto")] | length' <<<"$PATD_BODY")" 1
if grep -qF -- "${PW[alice]}" <<<"$OUT$(cat "$tmp/tool.err")"; then fail "exchange output holds the password"; else ok "exchange output holds no password"; fi
tc "${PW[carol]}" -- exchange "$REG" carol
expect_eq "2FA account: exit 1" "$RC" 1
expect_eq "2FA account: service_rejected" "$(field .error.code)" service_rejected
expect_match "2FA account: the PAT-required message" "$(field .error.message)" \
  'please use personal access token to login'
tc "wrong-${PW[alice]}" -- exchange "$REG" alice
expect_eq "wrong password: service_unauthorized" "$(field .error.code)" service_unauthorized
tc "$W_PAT" -- exchange "$REG" alice
expect_eq "a PAT cannot be exchanged: service_unauthorized" "$(field .error.code)" service_unauthorized

echo "# token management (PatdClient)"
tc "${PW[alice]}" -- admin "$PATD_URL" alice
expect_eq "admin: exit 0" "$RC" 0
expect_eq "admin: created label" "$(field .created.pat_label)" "tool token"
expect_eq "admin: created scope" "$(field .created.pat_scopes)" repo:read
expect_eq "admin: created state" "$(field .created.pat_state)" active
expect_eq "admin: created generated_by" "$(field .created.pat_generated_by)" manual
expect_match "admin: created expiry" "$(field .created.pat_expires_at)" '^20[0-9]{2}-'
expect_eq "admin: the plaintext token is a PAT" "$(field .created_token_is_pat)" true
if grep -q 'dckr_pat_' <<<"$OUT"; then fail "admin output holds a token"; else ok "admin output holds no token"; fi
expect_eq "admin: list has it" "$(field .list_has_created)" true
expect_match "admin: list counts" "$(field .list_count)" '^[1-9][0-9]*$'
expect_eq "admin: list page of 1 has a next page" "$(field .list_page1_size1_has_next)" true
expect_eq "admin: get" "$(field .get.pat_label)" "tool token"
expect_eq "admin: rename" "$(field .renamed.pat_label)" renamed
expect_eq "admin: deactivate" "$(field .deactivated.pat_state)" inactive
expect_eq "admin: delete" "$(field .removed)" ok
expect_eq "admin: get after delete: 404 is service_rejected" "$(field .get_after_remove.code)" service_rejected
expect_eq "admin: empty label: 400 is service_rejected" "$(field .create_empty_label.code)" service_rejected
code=$(totp_now)
tc "${PW[carol]}"$'\n'"$code" -- admin "$PATD_URL" carol
expect_eq "admin with 2FA (TOTP step): exit 0" "$RC" 0
expect_eq "admin with 2FA: created" "$(field .created.pat_label)" "tool token"
tc "${PW[carol]}"$'\n'"not-a-code" -- admin "$PATD_URL" carol
expect_eq "admin with a bad TOTP code: service_unauthorized" "$(field .error.code)" service_unauthorized
tc "$W_PAT" -- session-list "$PATD_URL" alice
expect_eq "a PAT session cannot list tokens: service_forbidden" "$(field .error.code)" service_forbidden
expect_match "a PAT session: patd's reason" "$(field .error.message)" "personal access token"

echo "# report_usage"
new_pat "usage" repo:read
U_PAT=$PAT U_UUID=$PAT_UUID
patd_api GET "/v2/access-tokens/$U_UUID" "${SESSION[alice]}"
expect_eq "fresh PAT: never used" "$(jq -r .last_used <<<"$PATD_BODY")" null
USED_AT=$(date -u -d '-2 minutes' +%FT%TZ)
tc "$U_PAT" -- usage "$REG" alice "$USED_AT"
expect_eq "usage: exit 0" "$RC" 0
patd_api GET "/v2/access-tokens/$U_UUID" "${SESSION[alice]}"
expect_eq "usage: last_used moved to the reported time" \
  "$(date -d "$(jq -r .last_used <<<"$PATD_BODY")" +%s 2>/dev/null)" "$(date -d "$USED_AT" +%s)"
tc "$U_PAT" -- validate "$REG" alice
expect_eq "validate shows last_used" "$(field .pat_last_used)" "$USED_AT"

echo "# precedence: DOCKER_CREDENTIAL_PAT_BACKEND, then the config map, then discovery"
DEAD_PORT=$(pat_free_port)
tc "" -- --service "$REG=http://127.0.0.1:$DEAD_PORT" locate "$REG"
expect_eq "config map wins over discovery (and it is down)" "$(field .error.code)" service_unreachable
tc "" -- --service "other.invalid=$PATD_URL" locate other.invalid
expect_eq "config map: patd found" "$(field .kind)" patd
expect_eq "config map: source" "$(field .source)" "config file"
DOCKER_CREDENTIAL_PAT_BACKEND=$PATD_URL tc "" -- --service "$REG=http://127.0.0.1:$DEAD_PORT" locate "$REG"
expect_eq "env wins over the config map" "$(field .kind)" patd
expect_eq "env: source" "$(field .source)" DOCKER_CREDENTIAL_PAT_BACKEND
export DOCKER_CREDENTIAL_PAT_BACKEND=$PATD_URL
tc "$W_PAT" -- validate nowhere.invalid alice
expect_eq "env backend validates for any key" "$(field .pat_state)" active
unset DOCKER_CREDENTIAL_PAT_BACKEND

echo "# discovery cache"
CACHE=$tmp/state/services.json
tc "" -- --cache "$CACHE" locate "$REG"
expect_eq "cached locate: patd" "$(field .kind)" patd
expect_eq "cache file mode 0600" "$(stat -c %a "$CACHE" 2>/dev/null)" 600
expect_eq "cache file holds the entry" "$(jq -r --arg k "$REG" '.entries[$k].kind' "$CACHE" 2>/dev/null)" patd
for s in "${SECRETS[@]}"; do
  if grep -qF -- "$s" "$CACHE"; then fail "cache file holds a secret"; break; fi
done

echo "# deadlines"
export DOCKER_CREDENTIAL_PAT_BACKEND=http://127.0.0.1:$DEAD_PORT
tc "$W_PAT" -- --deadline 3000 validate "$REG" alice
expect_eq "service down: service_unreachable" "$(field .error.code)" service_unreachable
expect_match "service down: message names the endpoint" "$(field .error.message)" \
  "http://127\\.0\\.0\\.1:$DEAD_PORT"
# refused at once, not after the 3 s deadline (slack for a loaded CI machine)
if [ "$MS" -lt 2500 ]; then ok "service down: fails fast (${MS} ms)"; else fail "service down took ${MS} ms"; fi
unset DOCKER_CREDENTIAL_PAT_BACKEND

start_fake() { # MODE [ARGS...] -> FAKE_PORT
  local pf=$tmp/fake-$1.port i
  rm -f "$pf" # a mode started twice must not read the first one's port
  python3 "$here/fake_server.py" "$1" "$pf" "${@:2}" &
  FAKE_PIDS+=($!)
  for ((i = 0; i < 100; i++)); do [ -s "$pf" ] && break; sleep 0.1; done
  FAKE_PORT=$(cat "$pf" 2>/dev/null)
  [ -n "$FAKE_PORT" ] || { fail "fake server $1 did not start"; return 1; }
}
if start_fake blackhole; then
  DOCKER_CREDENTIAL_PAT_BACKEND=http://127.0.0.1:$FAKE_PORT tc "$W_PAT" -- --deadline 1500 validate "$REG" alice
  expect_eq "never answers: service_unreachable" "$(field .error.code)" service_unreachable
  expect_match "never answers: says so" "$(field .error.message)" "no answer within 1[0-9]{3} ms"
  # at the deadline, not before and not much later (process start and dlopen on a loaded machine)
  if [ "$MS" -ge 1400 ] && [ "$MS" -lt 6000 ]; then ok "never answers: gives up at the deadline (${MS} ms)"
  else fail "never answers: took ${MS} ms for a 1500 ms deadline"; fi
  tc "" -- --deadline 1500 locate "127.0.0.1:$FAKE_PORT"
  expect_eq "discovery at a silent registry: service_unreachable" "$(field .error.code)" service_unreachable
fi
if start_fake slow401; then
  # looks like patd, answers each request after 0.8 s: the patd check fits in
  # the 1.2 s budget, `current` gets what is left and runs out
  DOCKER_CREDENTIAL_PAT_BACKEND=http://127.0.0.1:$FAKE_PORT tc "$W_PAT" -- --deadline 1200 validate "$REG" alice
  expect_eq "slow service: validation shares one budget" "$(field .error.code)" service_unreachable
  if [ "$MS" -ge 1100 ] && [ "$MS" -lt 5000 ]; then ok "slow service: one deadline in total (${MS} ms)"
  else fail "slow service: took ${MS} ms for a 1200 ms budget"; fi
  DOCKER_CREDENTIAL_PAT_BACKEND=http://127.0.0.1:$FAKE_PORT tc "" -- --deadline 1200 locate "$REG"
  expect_eq "slow service: each request alone fits its deadline" "$(field .kind)" patd
fi
# patd's 401 `reason` decides the state, not the English detail; a patd
# from before `reason` is still read by its detail (docs/tokenclient.md)
refusal_state() { # BODY -> the validated state of a well-formed PAT
  start_fake refusal "$1" || return 1
  DOCKER_CREDENTIAL_PAT_BACKEND=http://127.0.0.1:$FAKE_PORT tc "$W_PAT" -- validate "$REG" alice
  kill "${FAKE_PIDS[-1]}" 2>/dev/null || true
}
if refusal_state '{"detail":"Token ist deaktiviert","reason":"deactivated"}'; then
  expect_eq "401 reason deactivated, other wording: inactive" "$(field .pat_state)" inactive
  expect_eq "401 reason: the detail is still what is shown" "$(field .pat_reason)" "Token ist deaktiviert"
fi
if refusal_state '{"detail":"token is deactivated","reason":"unknown"}'; then
  expect_eq "401 reason unknown wins over the wording: deleted" "$(field .pat_state)" deleted
fi
if refusal_state '{"detail":"whatever","reason":"expired"}'; then
  expect_eq "401 reason expired: expired" "$(field .pat_state)" expired
fi
if refusal_state '{"detail":"token is deactivated"}'; then
  expect_eq "older patd without reason: its detail read, inactive" "$(field .pat_state)" inactive
fi
if refusal_state '{"detail":"token has expired"}'; then
  expect_eq "older patd without reason: its detail read, expired" "$(field .pat_state)" expired
fi
if start_fake big; then
  tc "" -- http "http://127.0.0.1:$FAKE_PORT/"
  expect_eq "2 MiB reply: service_failure" "$(field .error.code)" service_failure
fi
if start_fake redirect; then
  tc "" -- http "http://127.0.0.1:$FAKE_PORT/"
  expect_eq "redirect is not followed" "$(field .status)" 302
fi

if start_fake chunked; then
  tc "" -- http "http://127.0.0.1:$FAKE_PORT/"
  expect_eq "chunked reply: status" "$(field .status)" 200
  expect_eq "chunked reply: body decoded" "$(field .body_head)" '{"ok":true}'
  expect_eq "repeated headers kept in order" "$(jq -c .set_cookie <<<"$OUT")" '["a=1","b=2"]'
fi
if start_fake interim; then
  tc "" -- http "http://127.0.0.1:$FAKE_PORT/"
  expect_eq "interim 1xx replies skipped: the final status" "$(field .status)" 200
  expect_eq "interim 1xx replies skipped: the final body" "$(field .body_head)" '{"ok":true}'
fi
if start_fake eof; then
  tc "" -- http "http://127.0.0.1:$FAKE_PORT/"
  expect_eq "reply ended by EOF: status" "$(field .status)" 200
  expect_eq "reply ended by EOF: whole body" "$(field .body_size)" 3020
fi
for mode in garbage cut hugehead; do
  start_fake "$mode" || continue
  tc "" -- --deadline 5000 http "http://127.0.0.1:$FAKE_PORT/"
  expect_eq "$mode reply: exit 1" "$RC" 1
  expect_eq "$mode reply: service_unreachable" "$(field .error.code)" service_unreachable
  expect_match "$mode reply: names the endpoint" "$(field .error.message)" "http://127\\.0\\.0\\.1:$FAKE_PORT"
  if [ "$MS" -lt 4000 ]; then ok "$mode reply: fails at once (${MS} ms)"; else fail "$mode reply: took ${MS} ms"; fi
done

echo "# TLS: docker's certs.d for a private registry"
if command -v openssl >/dev/null &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$tmp/tls.key" -out "$tmp/tls.crt" >/dev/null 2>&1 &&
  start_fake tls-challenge "$tmp/tls.crt" "$tmp/tls.key" "$PATD_URL/token" "$SERVICE"; then
  TLS_KEY=https://127.0.0.1:$FAKE_PORT
  tc "" -- --certs-d "$tmp/certs.d" locate "$TLS_KEY"
  expect_eq "untrusted certificate: service_unreachable" "$(field .error.code)" service_unreachable
  expect_match "untrusted certificate: says why" "$(field .error.message)" "(SSL|certificate)"
  mkdir -p "$tmp/certs.d/127.0.0.1:$FAKE_PORT"
  cp "$tmp/tls.crt" "$tmp/certs.d/127.0.0.1:$FAKE_PORT/ca.crt"
  tc "" -- --certs-d "$tmp/certs.d" locate "$TLS_KEY"
  expect_eq "certs.d/<host:port>/ca.crt trusted: discovery finds patd" "$(field .kind)" patd
  expect_eq "certs.d: realm from the TLS registry" "$(field .realm)" "$PATD_URL/token"
else
  fail "could not set up the TLS fixture (openssl or python ssl)"
fi

echo "# the cache answers while the registry is down"
pat_registry_stop
tc "" -- --cache "$CACHE" locate "$REG"
expect_eq "cached: patd without asking the registry" "$(field .kind)" patd
tc "" -- locate "$REG"
expect_eq "uncached: the registry is down" "$(field .error.code)" service_unreachable

echo "# expiry"
for ((i = 0; i < 100 && $(date +%s) <= EXPIRES_EPOCH; i++)); do sleep 0.1; done
DOCKER_CREDENTIAL_PAT_BACKEND=$PATD_URL tc "$EXPIRING" -- validate "$REG" alice
expect_eq "expired PAT: state" "$(field .pat_state)" expired
expect_eq "expired PAT: reason" "$(field .pat_reason)" "token has expired"

echo "# no secret in patd's log"
for s in "${SECRETS[@]}"; do
  if grep -qF -- "$s" "$tmp/patd.log"; then fail "patd log holds a secret"; break; fi
done

echo "# $fails failure(s)"
[ "$fails" = 0 ]
