#!/usr/bin/env bash
# login_test.sh BUILD_DIR: `docker-credential-pat login R` / `logout R`, the
# device authorization grant (RFC 8628) against a real patd and
# docker-registry, approved through the console's own forms with curl (the
# browser flow is tests/console, console_device). Checks: bad input gets its
# exact message and exit code and changes nothing; a denied and an expired
# code each get one clear line and store nothing; an approved one stores the
# auto-generated token with its metadata and skopeo pulls with it through
# credHelpers; a token deactivated in the console is dropped at the next
# check; `logout` deletes the token on patd and erases the item, and keeps
# the item when patd cannot be reached. Against a stand-in service
# (tests/lib/fake_token_service.py): slow_down makes every later poll wait
# 5 s longer (RFC 8628 §3.5), and a user code with terminal controls is
# refused as malformed.
set -uo pipefail
build=${1:?usage: login_test.sh BUILD_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPER=$build/docker-credential-pat
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=../lib/patd.sh
source "$here/../lib/patd.sh"
# shellcheck source=../lib/registry.sh
source "$here/../lib/registry.sh"
need_built "$HELPER" "$build/patd"
need_tools docker-registry skopeo umoci curl jq keyctl python3
keyctl show @s >/dev/null 2>&1 || { echo "SKIP: no kernel keyring here"; exit 77; }
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY
export DOCKER_CREDENTIAL_PAT_STORE=keyring DOCKER_CREDENTIAL_PAT_KEYRING=session
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-login.XXXXXX")
trap 'kill "${LOGIN_PID:-}" 2>/dev/null; pat_registry_stop; patd_cleanup; rm -rf "$tmp"' EXIT
stack_start "$build" "$tmp" --device-poll-interval 1 || exit 1
PW="pw-alice-$RANDOM$RANDOM"
patd_user_add "$build/patd" "$tmp/patd" alice "$PW" || exit 1
patd_session alice "$PW" || exit 1
ADMIN=$PATD_SESSION
patd_token "$ADMIN" "writer" repo:write || exit 1
sk_push "$REG/alice/app:1" "alice:$PATD_PAT"
expect_eq "an image to pull later" "$RC" 0
pat_docker_config "$DOCKER_CONFIG" "{\"credHelpers\":{\"$REG\":\"pat\"}}" || exit 1
N="docker-credential-pat login"
auto_tokens() {
  patd_api GET "/v2/access-tokens?page=1&page_size=100" "$ADMIN"
  printf '%s' "$PATD_BODY" | jq -c '[.results[] | select(.generated_by == "auto")]'
}
echo "# patd $PATD_URL, registry $REG"

# The console, driven with curl: sign in, then read a page's CSRF token.
jar=$tmp/cookies
console_sign_in() {
  curl -s -m 30 -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' -H "Origin: $PATD_URL" \
    --data-urlencode username=alice --data-urlencode "password@$tmp/pw" "$PATD_URL/login"
}
printf '%s' "$PW" >"$tmp/pw"
# console_decide CODE approve|deny: the Activate a device page, then its form.
console_decide() {
  local page csrf
  page=$(curl -s -m 30 -b "$jar" "$PATD_URL/device?user_code=$1")
  csrf=$(printf '%s' "$page" | grep -o 'name="csrf" value="[^"]*"' | head -n1 | sed 's/.*value="//; s/"$//')
  curl -s -m 30 -b "$jar" -o /dev/null -w '%{http_code}' -H "Origin: $PATD_URL" \
    --data-urlencode "csrf=$csrf" --data-urlencode "user_code=$1" --data-urlencode "decision=$2" \
    "$PATD_URL/device"
}
# start_login [ARGS...]: `login` in the background; waits (bounded) for the
# code it prints. Sets LOGIN_PID and CODE.
start_login() {
  : >"$tmp/login.out"
  : >"$tmp/login.err"
  timeout 120 "$HELPER" login "$@" </dev/null >"$tmp/login.out" 2>"$tmp/login.err" &
  LOGIN_PID=$!
  CODE=
  local i
  for ((i = 0; i < 200; i++)); do
    CODE=$(grep -oE 'enter the code [A-Z]{4}-[A-Z]{4}' "$tmp/login.out" | sed 's/.* //')
    [ -n "$CODE" ] && break
    kill -0 "$LOGIN_PID" 2>/dev/null || break
    sleep 0.1
  done
}
wait_login() { wait "$LOGIN_PID"; RC=$?; OUT=$(cat "$tmp/login.out") ERR=$(cat "$tmp/login.err"); }

echo "# bad input: exact messages, nothing stored"
before=$(keychain_snapshot "$REG")
expect_error "login: missing R" 2 "$N: the option '--registry' is required but missing" login
expect_error "login: unknown option" 2 "$N: unrecognised option '--frobnicate'" login "$REG" --frobnicate
expect_error "logout: missing R" 2 "docker-credential-pat logout: the option '--registry' is required but missing" logout
expect_error "logout: nothing stored" 1 "docker-credential-pat logout: no credential stored for $REG" logout "$REG"
expect_eq "console sign-in" "$(console_sign_in)" 303
expect_eq "keychain unchanged" "$(keychain_snapshot "$REG")" "$before"

echo "# denied in the console: access_denied, one line, nothing stored"
start_login "$REG" --no-browser
expect_contains "the URL is printed" "$(cat "$tmp/login.out")" "open $PATD_URL/device"
expect_eq "deny" "$(console_decide "$CODE" deny)" 200
wait_login
expect_eq "denied: exit 1" "$RC" 1
expect_eq "denied: message" "$ERR" "$N: the sign-in was denied in the browser; nothing stored"
expect_eq "denied: keychain unchanged" "$(keychain_snapshot "$REG")" "$before"
expect_eq "denied: no auto token" "$(auto_tokens)" "[]"

echo "# the code expires before anyone approves it"
patd_start_second() {
  local saved_pid=$PATD_PID saved_url=$PATD_URL saved_port=$PATD_PORT
  patd_start "$build/patd" "$tmp/patd2" "$tmp/patd2.log" --device-code-ttl 2 --device-poll-interval 1 || return 1
  SHORT_URL=$PATD_URL
  PATD_PID=$saved_pid PATD_URL=$saved_url PATD_PORT=$saved_port
}
patd_start_second || exit 1
DOCKER_CREDENTIAL_PAT_BACKEND=$SHORT_URL run_helper login short.example --no-browser
expect_eq "expired: exit 1" "$RC" 1
expect_eq "expired: message" "$ERR" "$N: the code expired before it was approved; run \`docker-credential-pat login short.example\` again"
expect_eq "expired: keychain unchanged" "$(keychain_snapshot "$REG")" "$before"

echo "# slow_down: every later poll waits 5 s longer"
fake=$here/../lib/fake_token_service.py
# start_fake NAME [--hostile]: sets FAKE_URL; the log is $tmp/NAME.log.
start_fake() {
  python3 "$fake" serve "$tmp/$1.port" "$tmp/$1.log" "${@:2}" &
  PATD_STARTED_PIDS+=("$!")
  local i
  for ((i = 0; i < 100; i++)); do [ -s "$tmp/$1.port" ] && break; sleep 0.05; done
  FAKE_URL=http://127.0.0.1:$(cat "$tmp/$1.port")
}
start_fake slow
DOCKER_CREDENTIAL_PAT_BACKEND=$FAKE_URL run_helper login slow.example --no-browser
expect_eq "slow_down: exit 0" "$RC" 0
expect_contains "slow_down: stored" "$OUT" "Signed in to slow.example as alice"
gap=$(jq -rs '[.[] | select(.path == "/oauth/token") | .t] | if length == 2 then (.[1] - .[0] >= 6) else "polls: \(length)" end' "$tmp/slow.log")
expect_eq "slow_down: the next poll came 1 + 5 s later" "$gap" true
printf 'slow.example' | timeout 30 "$HELPER" erase
start_fake hostile --hostile
DOCKER_CREDENTIAL_PAT_BACKEND=$FAKE_URL run_helper login hostile.example --no-browser
expect_eq "a user code with terminal controls: exit 1" "$RC" 1
expect_eq "a user code with terminal controls: message" "$ERR" "$N: token service $FAKE_URL sent a reply that does not match its API"
expect_eq "hostile: nothing printed" "$OUT" ""
expect_eq "hostile: no poll" "$(jq -rs '[.[] | select(.path == "/oauth/token")] | length' "$tmp/hostile.log")" 0
expect_eq "fakes: keychain unchanged" "$(keychain_snapshot "$REG")" "$before"

echo "# approved: the auto-generated token lands in the keychain"
start_login "$REG" --no-browser
expect_eq "approve" "$(console_decide "$CODE" approve)" 200
wait_login
expect_eq "approved: exit 0" "$RC" 0
expect_contains "approved: message" "$OUT" "Signed in to $REG as alice; the token 'docker-credential-pat login on $(hostname)'"
auto=$(auto_tokens)
expect_eq "one auto token on patd" "$(printf '%s' "$auto" | jq length)" 1
uuid=$(printf '%s' "$auto" | jq -r '.[0].uuid')
expect_eq "its scope" "$(printf '%s' "$auto" | jq -c '.[0].scopes')" '["repo:admin"]'
run_helper check "$REG" --format json
expect_eq "check: active" "$(printf '%s' "$OUT" | jq -r '.[0].state')" active
expect_eq "check: the same token" "$(printf '%s' "$OUT" | jq -r '.[0].uuid')" "$uuid"
sk_inspect "$REG/alice/app:1"
expect_eq "skopeo pulls with it through credHelpers" "$RC" 0

echo "# deactivated in the console: dropped at the next check"
page=$(curl -s -m 30 -b "$jar" "$PATD_URL/settings/security/tokens")
csrf=$(printf '%s' "$page" | grep -o 'name="csrf" value="[^"]*"' | head -n1 | sed 's/.*value="//; s/"$//')
status=$(curl -s -m 30 -b "$jar" -o /dev/null -w '%{http_code}' -H "Origin: $PATD_URL" \
  --data-urlencode "csrf=$csrf" "$PATD_URL/settings/security/tokens/$uuid/deactivate")
expect_eq "deactivate in the console" "$status" 303
run_helper check "$REG" --refresh
expect_eq "check --refresh: exit 1 (no longer valid)" "$RC" 1
printf '%s' "$REG" | timeout 30 "$HELPER" get >"$tmp/get.out" 2>"$tmp/get.err"
expect_eq "get: not found" "$(cat "$tmp/get.out")" "credentials not found in native keychain"
expect_contains "get: says why" "$(cat "$tmp/get.err")" "the token for $REG was deactivated"
expect_eq "the item is gone" "$(keychain_snapshot "$REG")" "$before"

echo "# logout: deletes the token on patd and erases the item"
start_login "$REG" --no-browser
expect_eq "approve again" "$(console_decide "$CODE" approve)" 200
wait_login
expect_eq "second login: exit 0" "$RC" 0
stored=$(keychain_snapshot "$REG")
# patd down (stopped; the registry still names it): the item stays.
saved_port=$PATD_PORT
patd_stop
run_helper logout "$REG"
expect_eq "logout, patd down: exit 1" "$RC" 1
expect_contains "logout, patd down: says the item is kept" "$ERR" "the keychain item is kept, try again"
expect_eq "logout, patd down: item kept" "$(keychain_snapshot "$REG")" "$stored"
# The same patd again, on the same port and data dir.
"$build/patd" serve --listen "127.0.0.1:$saved_port" --data-dir "$tmp/patd" --service registry.test \
  --issuer pat-commands-test --auth-fail-limit 100000 </dev/null >>"$tmp/patd.log.out" 2>>"$tmp/patd.log" &
PATD_PID=$!
PATD_STARTED_PIDS+=("$PATD_PID")
patd_wait_http "$PATD_URL/healthz" 200 || exit 1
run_helper logout "$REG"
expect_eq "logout: exit 0" "$RC" 0
expect_eq "logout: message" "$OUT" "Logged out of $REG; deleted the token on patd"
expect_eq "logout: no auto token left" "$(auto_tokens | jq -c '[.[] | select(.uuid != "'"$uuid"'")]')" "[]"
expect_eq "logout: item erased" "$(keychain_snapshot "$REG")" "$before"
finish
