#!/usr/bin/env bash
# service_pinning_test.sh HELPER: a stored secret goes only to the token
# service recorded with it at store time (pat_service), never to the one
# DOCKER_CREDENTIAL_PAT_BACKEND names later (docs/threat-model.md, "helper ->
# token services"). Logging stand-ins (tests/lib/fake_token_service.py): A,
# a patd where some secrets were stored; G, a registry with its own token
# endpoint (as ghcr.io is), found by discovery; B, a patd set as
# DOCKER_CREDENTIAL_PAT_BACKEND afterwards. Also stored: an item with no
# service (offline), one stored unchecked, and one written as an older
# helper wrote it (DCP1, no metadata at all). With B set, `get` (and the
# detached flushes it starts: usage reports, verdict refreshes), a `flush`
# by hand, `check --refresh` and `doctor` run over every stored item; B's
# log (headers, paths and bodies) must then hold no stored secret, raw or
# in its Basic form, but the one stored while B was set, while A and G got
# theirs (pinned items still work where they belong). The REGISTRY=URL
# form applies to that registry only.
set -uo pipefail
helper=$1
# Debian's python3: a pyenv shim on PATH takes about a second to start.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fake=$here/../lib/fake_token_service.py
for tool in keyctl jq flock; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: $tool is not installed"; exit 77; }
done
if [ -z "${PAT_PINNING_TEST_SESSION:-}" ]; then
  keyctl session - true 2>/dev/null || { echo "SKIPPED: cannot join a new session keyring"; exit 77; }
  PAT_PINNING_TEST_SESSION=1 exec keyctl session - bash "${BASH_SOURCE[0]}" "$@" 2>&1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-pinning.XXXXXX")
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got [$2], want [$3]"; fi; }
expect_contains() { if [[ "$2" == *"$3"* ]]; then ok "$1"; else fail "$1: [$2] lacks [$3]"; fi; }

start_fake() {  # NAME [--registry]: starts a logging fake
  "$py" "$fake" serve "$tmp/$1.port" "$tmp/$1.log" "${@:2}" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$tmp/$1.port" ] && break; sleep 0.05; done
  [ -s "$tmp/$1.port" ] || { echo "FAIL the fake service $1 did not start"; exit 1; }
  touch "$tmp/$1.log"
}
start_fake a
start_fake b
start_fake g --registry
A=http://127.0.0.1:$(cat "$tmp/a.port")
B=http://127.0.0.1:$(cat "$tmp/b.port")
K_G=127.0.0.1:$(cat "$tmp/g.port")

mkdir -p "$tmp/home"
state=$tmp/state
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache
export DOCKER_CREDENTIAL_PAT_STATE_DIR=$state DOCKER_CREDENTIAL_PAT_STORE=keyring
export DOCKER_CREDENTIAL_PAT_KEYRING=session DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL=0
unset DOCKER_CREDENTIAL_PAT_BACKEND DOCKER_CREDENTIAL_PAT_OFFLINE DBUS_SESSION_BUS_ADDRESS

# Registry keys on ports where nothing listens: discovery is refused at
# once, so only a configured or recorded service can ever be asked.
K_A=127.0.0.1:11 K_X=127.0.0.1:12 K_R=127.0.0.1:13 K_O=127.0.0.1:14 K_B=127.0.0.1:15
K_L=127.0.0.1:17 K_RB=127.0.0.1:18
for s in S_A S_G S_X S_R S_O S_L S_B S_RB; do printf -v "$s" %s "$("$py" "$fake" mint dckr_pat_)"; done
store() {  # KEY SECRET [env assignments…]: store as alice; sets RC, ERR
  local key=$1 secret=$2
  shift 2
  printf '{"ServerURL":"%s","Username":"alice","Secret":"%s"}' "$key" "$secret" |
    env "$@" "$helper" store >"$tmp/out" 2>"$tmp/err"
  RC=$?
  ERR=$(cat "$tmp/err")
}
service_of() { "$py" "$here/../lib/keychain_item.py" keyring "$1" | jq -r '.meta.pat_service // ""'; }
wait_for_flushes() { flock "$state/flush.lock" true 2>/dev/null || true; }

echo "# stored while A was the backend, or with no service at all"
store "$K_A" "$S_A" DOCKER_CREDENTIAL_PAT_BACKEND="$A"
expect_eq "store with BACKEND=A" "$RC $ERR" "0 "
expect_eq "… records A as its service" "$(service_of "$K_A")" "$A"
store "$K_X" "$S_X" DOCKER_CREDENTIAL_PAT_OFFLINE=1
expect_eq "store offline (no service recorded)" "$RC $ERR" "0 "
expect_eq "… records no service" "$(service_of "$K_X")" ""
store "$K_R" "$S_R" DOCKER_CREDENTIAL_PAT_BACKEND="$K_R=$A"
expect_eq "store with BACKEND=$K_R=A" "$RC $ERR" "0 "
expect_eq "… records A for that registry" "$(service_of "$K_R")" "$A"
store "$K_O" "$S_O" DOCKER_CREDENTIAL_PAT_BACKEND="$K_R=$A"
expect_eq "BACKEND=$K_R=A does not apply to another registry" "$RC" 0
expect_contains "… which is stored unchecked" "$ERR" "could not check the token for $K_O"
expect_eq "… and records no service" "$(service_of "$K_O")" ""
store "$K_G" "$S_G"
expect_eq "store for a registry with its own token endpoint (G)" "$RC $ERR" "0 "
expect_eq "… records G's token endpoint" "$(service_of "$K_G")" "http://$K_G/token"
wait_for_flushes

# An item as a helper before metadata wrote it (DCP1: username, secret, no
# pat_service): it was never tied to a service, so the environment must not
# choose one for it now.
ring=$(keyctl search @s keyring docker-credential-pat)
"$py" -c 'import struct,sys; u=b"alice"; s=sys.argv[1].encode()
sys.stdout.buffer.write(b"DCP1"+struct.pack("<IIIQ",len(u),len(s),0,0)+u+s)' "$S_L" |
  keyctl padd user "cred:$K_L" "$ring" >/dev/null
expect_eq "an older helper's item (no metadata) is readable" \
  "$("$py" "$here/../lib/keychain_item.py" keyring "$K_L" | jq -r .secret)" "$S_L"

echo "# a bad BACKEND value"
before=$(keyctl rlist "$(keyctl search @s keyring docker-credential-pat)" | wc -w)
for bad in "$K_R=" "=$A" "$K_R=ftp://x" "not a url"; do
  store 127.0.0.1:16 "$S_O" DOCKER_CREDENTIAL_PAT_BACKEND="$bad"
  expect_eq "BACKEND=[$bad] is refused" "$RC $(cat "$tmp/out")" \
    "1 invalid DOCKER_CREDENTIAL_PAT_BACKEND value \"$bad\": expected an http:// or https:// URL, or REGISTRY=URL[,REGISTRY=URL...]"
done
expect_eq "… and nothing was stored" \
  "$(keyctl rlist "$(keyctl search @s keyring docker-credential-pat)" | wc -w)" "$before"

echo "# B becomes the backend"
export DOCKER_CREDENTIAL_PAT_BACKEND=$B
store "$K_B" "$S_B"
expect_eq "store with BACKEND=B" "$RC $ERR" "0 "
expect_eq "… records B" "$(service_of "$K_B")" "$B"
store "$K_RB" "$S_RB" DOCKER_CREDENTIAL_PAT_BACKEND="$K_RB=$B"
expect_eq "store with BACKEND=$K_RB=B" "$RC $ERR" "0 "
expect_eq "… records B for that registry" "$(service_of "$K_RB")" "$B"
for key in "$K_A" "$K_G" "$K_X" "$K_R" "$K_O" "$K_L" "$K_B" "$K_RB"; do
  printf %s "$key" | "$helper" get >"$tmp/get.out" 2>"$tmp/get.err"
  expect_eq "get $key answers" "$?" 0
  wait_for_flushes  # each get starts a detached flush (interval 0)
done
"$helper" flush >"$tmp/flush.out" 2>&1
expect_eq "flush by hand" "$?" 0
"$helper" check --refresh >"$tmp/check.out" 2>&1
expect_eq "check --refresh" "$?" 0
"$helper" doctor >"$tmp/doctor.out" 2>&1
expect_contains "doctor names the recorded service of $K_A" "$(cat "$tmp/doctor.out")" \
  "token service $K_A: patd at $A (recorded at store time)"
expect_contains "doctor names the recorded service of $K_B" "$(cat "$tmp/doctor.out")" \
  "token service $K_B: patd at $B (recorded at store time)"
wait_for_flushes

secrets_of() { "$py" "$fake" basic-secrets "$tmp/$1.log" | sort -u | tr '\n' ' '; }
sorted() { printf '%s\n' "$@" | sort -u | tr '\n' ' '; }
# Every form a secret could take on the wire: raw (a header, a body, a
# query) and as the Basic credentials alice:SECRET.
leaked_to() {  # LOG SECRET...: prints the secrets found in LOG in any form
  local s
  for s in "${@:2}"; do
    if grep -qF -e "$s" -e "$(printf 'alice:%s' "$s" | base64 -w0)" "$1"; then echo "$s"; fi
  done
}
foreign=("$S_A" "$S_G" "$S_X" "$S_R" "$S_O" "$S_L")
[ -s "$tmp/b.log" ] && ok "B was asked (it is the backend now)" || fail "B's log is empty"
expect_eq "the leak check finds a secret B did receive" "$(leaked_to "$tmp/b.log" "$S_B")" "$S_B"
expect_eq "no secret stored for another service reached B, in any form" \
  "$(leaked_to "$tmp/b.log" "${foreign[@]}")" ""
expect_eq "B received exactly the secrets stored while it was set" "$(secrets_of b)" \
  "$(sorted "$S_B" "$S_RB")"
expect_eq "A received exactly the secrets stored for it" "$(secrets_of a)" "$(sorted "$S_A" "$S_R")"
expect_eq "G received exactly the secret stored for it" "$(secrets_of g)" "$(sorted "$S_G")"
expect_eq "no secret reached a service it was not stored for (A, G)" \
  "$(leaked_to "$tmp/a.log" "$S_G" "$S_X" "$S_O" "$S_L" "$S_B" "$S_RB")$(leaked_to "$tmp/g.log" "$S_A" "$S_X" "$S_R" "$S_O" "$S_L" "$S_B" "$S_RB")" ""
grep -q '"path": "/v2/access-tokens/current/usage"' "$tmp/a.log" &&
  ok "uses of A's tokens were delivered to A" || fail "no use reached A: $(cat "$tmp/a.log")"
grep -q '"path": "/token?' "$tmp/g.log" &&
  ok "G's token was checked at G's token endpoint" || fail "G was never asked: $(cat "$tmp/g.log")"
expect_contains "check --refresh lists the item with no service" "$(cat "$tmp/check.out")" "$K_X"
expect_eq "the older helper's item still reads back" \
  "$(printf %s "$K_L" | "$helper" get | jq -r .Secret)" "$S_L"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all service pinning cases passed"
