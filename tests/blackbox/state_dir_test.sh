#!/usr/bin/env bash
# state_dir_test.sh HELPER: the helper's state directory and files
# (docs/threat-model.md, "state dir vs other local users"), with the real
# binary and the kernel keyring (a fresh session keyring).
#  - an existing state directory that others could write to (mode 0777,
#    owned by another uid, a symbolic link) is not used: one warning line on
#    stderr, nothing read or written in it, and get/store/erase still answer
#    from the keychain;
#  - flush.lock, verdicts.json and usage.spool are never opened through a
#    symbolic link: a planted link gets one warning line, its target is
#    neither created nor read (a planted "deactivated" verdict does not make
#    `get` drop the credential), and the credential is still answered;
#  - a `flush` run by hand refuses the same with a clear error, `check`
#    warns and shows what the items record, `doctor` names the problem.
set -uo pipefail
helper=$1
# Debian's python3: a pyenv shim on PATH takes about a second to start.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in keyctl jq python3; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: $tool is not installed"; exit 77; }
done
if [ -z "${PAT_STATE_TEST_SESSION:-}" ]; then
  keyctl session - true 2>/dev/null || { echo "SKIPPED: cannot join a new session keyring"; exit 77; }
  PAT_STATE_TEST_SESSION=1 exec keyctl session - bash "${BASH_SOURCE[0]}" "$@" 2>&1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-state-dir.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got [$2], want [$3]"; fi; }

state=$tmp/state
mkdir -p "$tmp/home"
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache
export DOCKER_CREDENTIAL_PAT_STATE_DIR=$state DOCKER_CREDENTIAL_PAT_STORE=keyring
export DOCKER_CREDENTIAL_PAT_KEYRING=session DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL=0
# A token service that refuses at once: flushes are due and start, and
# never reach anything.
export DOCKER_CREDENTIAL_PAT_BACKEND=http://127.0.0.1:1
unset DOCKER_CREDENTIAL_PAT_OFFLINE DBUS_SESSION_BUS_ADDRESS
prefix="docker-credential-pat: warning:"
key=127.0.0.1:5000 secret=state-test-secret
want_get="{\"ServerURL\":\"$key\",\"Username\":\"alice\",\"Secret\":\"$secret\"}"

run() {  # VERB [STDIN]: sets OUT, ERR, RC
  OUT=$(printf %s "${2-}" | "$helper" "$1" 2>"$tmp/err")
  RC=$?
  ERR=$(cat "$tmp/err")
}
DOCKER_CREDENTIAL_PAT_OFFLINE=1 run store "$want_get"
expect_eq "store (offline)" "$RC $ERR" "0 "
# settle: let the first get's flush (against the refusing service) finish.
run get "$key"
expect_eq "get with a private state dir answers" "$RC $OUT" "0 $want_get"
expect_eq "… silently" "$ERR" ""
sleep 0.5

# unsafe_dir DESC WANT_REASON: get, store and erase answer from the keychain
# with one warning line each, and the state dir is left as it is.
unsafe_dir() {
  local desc=$1 reason=$2 line before after
  line="$prefix $reason; not using it (credentials still work, without usage reports or background token checks)"
  before=$(ls -A "$state" 2>/dev/null | sort | tr '\n' ' ')
  run get "$key"
  expect_eq "$desc: get answers" "$RC $OUT" "0 $want_get"
  expect_eq "$desc: get warns in one line" "$ERR" "$line"
  DOCKER_CREDENTIAL_PAT_OFFLINE=1 run store "$want_get"
  expect_eq "$desc: store works, with the same line" "$RC $ERR" "0 $line"
  expect_eq "$desc: store still checks and pins (a generation)" \
    "$("$py" "$here/../lib/keychain_item.py" keyring "$key" | jq -r '.meta.pat_gen | length')" 32
  "$helper" check "$key" >"$tmp/check.out" 2>"$tmp/check.err"
  expect_eq "$desc: check warns" "$(cat "$tmp/check.err")" "$prefix $reason; not using it"
  grep -qF "$key" "$tmp/check.out" && ok "$desc: check still shows the credential" ||
    fail "$desc: check shows no credential: $(cat "$tmp/check.out")"
  "$helper" doctor --offline >"$tmp/doctor.out" 2>&1
  grep -qF "[warn] state directory: $reason; not used" "$tmp/doctor.out" &&
    ok "$desc: doctor shows it" || fail "$desc: doctor: $(cat "$tmp/doctor.out")"
  after=$(ls -A "$state" 2>/dev/null | sort | tr '\n' ' ')
  expect_eq "$desc: nothing was created in it" "$after" "$before"
}

echo "# a state directory others can write"
chmod 0777 "$state"
unsafe_dir "mode 0777" "the state directory $state is writable by group or others (mode 0777; chmod 700 it)"
chmod 0770 "$state"
unsafe_dir "mode 0770" "the state directory $state is writable by group or others (mode 0770; chmod 700 it)"
run flush
expect_eq "flush by hand refuses it" "$RC $ERR" \
  "1 docker-credential-pat: error: the state directory $state is writable by group or others (mode 0770; chmod 700 it)"
chmod 0700 "$state"
if [ "$(id -u)" = 0 ] && chown 65534 "$state" 2>/dev/null; then
  unsafe_dir "owned by uid 65534" "the state directory $state belongs to uid 65534, not to uid 0"
  chown 0 "$state"
else
  echo "skip owned by another uid (needs root)"
fi
mv "$state" "$tmp/real-state"
ln -s "$tmp/real-state" "$state"
unsafe_dir "a symbolic link" "the state directory $state is a symbolic link"
rm "$state"
mv "$tmp/real-state" "$state"

echo "# state files that are symbolic links"
# A verdict that would make get drop the credential, planted elsewhere.
gen=$("$py" "$here/../lib/keychain_item.py" keyring "$key" | jq -r .meta.pat_gen)
mkdir -p "$tmp/elsewhere"
printf '{"format":1,"verdicts":{"%s":{"pat_state":"inactive","pat_gen":"%s"}}}\n' "$key" "$gen" \
  >"$tmp/elsewhere/verdicts.json"
rm -f "$state/verdicts.json"
ln -s "$tmp/elsewhere/verdicts.json" "$state/verdicts.json"
run get "$key"
expect_eq "a symlinked verdict cache: get still answers" "$RC $OUT" "0 $want_get"
expect_eq "… with one line saying why" "$ERR" \
  "$prefix verdict cache $state/verdicts.json is a symbolic link: not using it (remove it)"
"$helper" check "$key" >"$tmp/check.out" 2>&1
grep -q inactive "$tmp/check.out" && fail "check read the planted verdict: $(cat "$tmp/check.out")" ||
  ok "check does not read the planted verdict"
rm "$state/verdicts.json"

rm -f "$state/flush.lock"
ln -s "$tmp/elsewhere/flush.lock" "$state/flush.lock"
run get "$key"
expect_eq "a symlinked flush.lock: get still answers" "$RC $OUT" "0 $want_get"
expect_eq "… with one line saying why" "$ERR" \
  "$prefix flush lock $state/flush.lock is a symbolic link: not using it (remove it)"
[ -e "$tmp/elsewhere/flush.lock" ] && fail "the link's target was created" ||
  ok "the link's target was not created"
run flush
expect_eq "flush by hand refuses it" "$RC $ERR" \
  "1 docker-credential-pat: error: flush lock $state/flush.lock is a symbolic link: not using it (remove it)"
[ -e "$tmp/elsewhere/flush.lock" ] && fail "flush created the link's target" ||
  ok "flush did not create the link's target"
rm "$state/flush.lock"

rm -f "$state/usage.spool"
ln -s "$tmp/elsewhere/usage.spool" "$state/usage.spool"
run get "$key"
expect_eq "a symlinked usage spool: get still answers" "$RC $OUT" "0 $want_get"
expect_eq "… with one line saying why" "$ERR" \
  "$prefix usage spool $state/usage.spool is a symbolic link: not using it (remove it)"
[ -e "$tmp/elsewhere/usage.spool" ] && fail "the link's target was created" ||
  ok "the link's target was not created"
rm "$state/usage.spool"

run erase "$key"
expect_eq "erase" "$RC $OUT" "0 "
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all state dir cases passed"
