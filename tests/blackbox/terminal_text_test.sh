#!/usr/bin/env bash
# terminal_text_test.sh HELPER: strings from a token service or the keychain
# never reach the terminal raw (docs/threat-model.md, "strings -> terminal").
# A hostile stand-in for patd (tests/lib/fake_token_service.py --hostile)
# answers with ESC sequences, CR, C1 and bidi controls in labels, uuids and
# scopes; the kernel keyring (a fresh session keyring) holds keys with CR and
# ESC written by "another tool". Every human output (check's table, tokens
# list, doctor, the line `get` prints when it drops an expired token, error
# lines) must be free of them (tests/lib/terminal_controls.py), while
# `--format json` keeps the exact strings.
set -uo pipefail
helper=$1
# Debian's python3: a pyenv shim on PATH takes about a second to start.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fake=$here/../lib/fake_token_service.py
controls=$here/../lib/terminal_controls.py
for tool in keyctl python3 jq; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: $tool is not installed"; exit 77; }
done
if [ -z "${PAT_TERMINAL_TEST_SESSION:-}" ]; then
  keyctl session - true 2>/dev/null || { echo "SKIPPED: cannot join a new session keyring"; exit 77; }
  PAT_TERMINAL_TEST_SESSION=1 exec keyctl session - bash "${BASH_SOURCE[0]}" "$@" 2>&1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-terminal.XXXXXX")
fake_pid=
trap '[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got [$2], want [$3]"; fi; }
expect_contains() { if [[ "$2" == *"$3"* ]]; then ok "$1"; else fail "$1: [$2] lacks [$3]"; fi; }
# clean NAME FILE: FILE (what a terminal would show) has no control in it.
clean() {
  local found
  if found=$("$py" "$controls" "$2"); then ok "$1: no terminal controls"; else fail "$1: $found"; fi
}

mkdir -p "$tmp/home"
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache
export DOCKER_CREDENTIAL_PAT_STATE_DIR=$tmp/state DOCKER_CREDENTIAL_PAT_STORE=keyring
export DOCKER_CREDENTIAL_PAT_KEYRING=session DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL=86400
unset DOCKER_CREDENTIAL_PAT_BACKEND DOCKER_CREDENTIAL_PAT_OFFLINE DBUS_SESSION_BUS_ADDRESS

"$py" "$fake" serve "$tmp/fake.port" "$tmp/fake.log" --hostile &
fake_pid=$!
for _ in $(seq 100); do [ -s "$tmp/fake.port" ] && break; sleep 0.05; done
[ -s "$tmp/fake.port" ] || { echo "FAIL the fake service did not start"; exit 1; }
export DOCKER_CREDENTIAL_PAT_BACKEND=http://127.0.0.1:$(cat "$tmp/fake.port")
hostile_label=$("$py" -c 'import importlib.util,sys
spec = importlib.util.spec_from_file_location("f", sys.argv[1]); m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m); print(m.HOSTILE_LABEL, end="")' "$fake")

# A token the hostile service vouches for (its scopes carry CR and ESC).
K=127.0.0.1:1
S=$("$py" "$fake" mint dckr_pat_)
DCP() { "$helper" "$@"; }
printf '{"ServerURL":"%s","Username":"alice","Secret":"%s"}' "$K" "$S" | DCP store >"$tmp/store.out" 2>&1
expect_eq "store against the hostile service" "$?" 0

# Keys written by another tool: one with CR and ESC, one (DCP2, with a
# generation) that expired, so `get` drops it and says so on stderr.
ring=$(keyctl search @s keyring docker-credential-pat)
ctl_key=$'ctl\rkey\e[31m'
exp_key=$'exp\rkey\e]0;t\a'
"$py" -c 'import struct,sys
u, s = b"bob", b"pw"
sys.stdout.buffer.write(struct.pack("<4sIIIQ", b"DCP1", len(u), len(s), 0, 0) + u + s)' |
  keyctl padd user "cred:$ctl_key" "$ring" >/dev/null
"$py" -c 'import struct,sys
u, s = b"bob", b"pw"
meta = {b"pat_expires_at": b"2020-01-01T00:00:00Z", b"pat_gen": b"00112233445566778899aabbccddeeff",
        b"pat_state": b"active"}
block = b"".join(struct.pack("<B", len(k)) + k + struct.pack("<H", len(v)) + v for k, v in sorted(meta.items()))
sys.stdout.buffer.write(struct.pack("<4sIIIQI", b"DCP2", len(u), len(s), 0, 0, len(block)) + u + block + s)' |
  keyctl padd user "cred:$exp_key" "$ring" >/dev/null

echo "# check"
DCP check >"$tmp/check.out" 2>&1
clean "check's table" "$tmp/check.out"
expect_contains "check shows the CR in a key" "$(cat "$tmp/check.out")" 'ctl\x0dkey\x1b[31m'
expect_contains "check shows the hostile scope" "$(cat "$tmp/check.out")" '\x0d\x1b[2K'
DCP check --refresh >"$tmp/check-refresh.out" 2>&1
clean "check --refresh" "$tmp/check-refresh.out"
DCP check --format json >"$tmp/check.json" 2>"$tmp/check-json.err"
expect_eq "check --format json keeps the key as it is" \
  "$(jq -r --arg k "$ctl_key" '[.[] | select(.server == $k)] | length' "$tmp/check.json")" 1
expect_eq "check --format json keeps the scope as it is" \
  "$(jq -r --arg k "$K" '.[] | select(.server == $k) | .scopes[0]' "$tmp/check.json")" $'repo:read\r\e[2K'

echo "# tokens list"
printf pw | DCP tokens list --username alice --password-stdin --no-session-cache >"$tmp/tokens.out" 2>&1
clean "tokens list" "$tmp/tokens.out"
expect_contains "tokens list shows the label's controls" "$(cat "$tmp/tokens.out")" '\x1b]0;owned\x07'
expect_contains "tokens list shows the bidi override" "$(cat "$tmp/tokens.out")" '\u202eexe.gnp\u202c'
printf pw | DCP tokens list --username alice --password-stdin --no-session-cache --format json \
  >"$tmp/tokens.json" 2>&1
expect_eq "tokens list --format json keeps the label as it is" \
  "$(jq -r '.tokens[0].label' "$tmp/tokens.json" 2>&1)" "$hostile_label"

echo "# doctor"
DCP doctor >"$tmp/doctor.out" 2>&1
clean "doctor" "$tmp/doctor.out"
expect_contains "doctor names the key with its CR visible" "$(cat "$tmp/doctor.out")" 'ctl\x0dkey'

echo "# get of a key that holds terminal controls: refused before the keychain (docs/inputs.md)"
# (The key cannot reach the line `get` prints when it drops an expired token.)
printf %s "$exp_key" | DCP get >"$tmp/get.out" 2>"$tmp/get.err"
expect_eq "get refuses the key, exit 1" "$?" 1
expect_eq "get's refusal line" "$(cat "$tmp/get.out")" \
  'invalid server URL: it contains a control character (\u000d)'
expect_eq "nothing on stderr" "$(cat "$tmp/get.err")" ""
keyctl search "$ring" user "cred:$exp_key" >/dev/null 2>&1 && ok "the item is untouched" ||
  fail "the item is gone"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all terminal text cases passed"
