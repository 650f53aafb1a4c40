#!/usr/bin/env bash
# keyring_session_test.sh HELPER: the kernel keyring store's isolation and
# its chunk keys, with the real binary and the real kernel keyring.
#  - DOCKER_CREDENTIAL_PAT_KEYRING=session: the keyring and its keys grant
#    rights to possessors only, so another session of the same uid (a second
#    `keyctl session -`, like another login or a cron job) neither sees the
#    key in /proc/keys nor reads it with `keyctl pipe`/`keyctl read`, even
#    knowing its id; inside the session the helper and keyctl still read it.
#    A control key with user rights in the same session is readable from
#    outside, so the outside probe is able to read what it may.
#  - concurrent stores of secrets above 32 KiB (4 parallel loops) leave no
#    chunk key that the credential does not reference, and an erase leaves
#    no chunk key at all.
# Exits 77 (skipped) when keyctl is missing or the keyring is unusable.
set -uo pipefail
helper=$1
command -v keyctl >/dev/null || { echo "SKIPPED: keyctl (keyutils) is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIPPED: python3 is not installed"; exit 77; }
keyctl session - true 2>/dev/null || { echo "SKIPPED: cannot join a new session keyring"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-keyring-session.XXXXXX")
holder=
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got [$2], want [$3]"; fi; }

export DOCKER_CREDENTIAL_PAT_STORE=keyring DOCKER_CREDENTIAL_PAT_OFFLINE=1
export DOCKER_CREDENTIAL_PAT_STATE_DIR=$tmp/state XDG_CACHE_HOME=$tmp/cache
unset DBUS_SESSION_BUS_ADDRESS DOCKER_CREDENTIAL_PAT_BACKEND

echo "# session mode: keys stay in the session"
secret="session-secret-$RANDOM$RANDOM"
printf '{"ServerURL":"h:5000","Username":"alice","Secret":"%s"}' "$secret" >"$tmp/store.json"
# The session that stores the key stays alive (holding its session keyring)
# until $tmp/done appears.
DOCKER_CREDENTIAL_PAT_KEYRING=session keyctl session - bash -c '
  helper=$1 tmp=$2
  "$helper" store <"$tmp/store.json" >"$tmp/store.out" 2>&1 || exit 1
  ring=$(keyctl search @s keyring docker-credential-pat) || exit 1
  key=$(keyctl search "$ring" user cred:h:5000) || exit 1
  keyctl add user pat-test-control control-payload @s >"$tmp/control.id"
  keyctl setperm "$(cat "$tmp/control.id")" 0x3f3f0000
  printf "%s" h:5000 | "$helper" get >"$tmp/inside-get.out" 2>&1
  keyctl pipe "$key" >"$tmp/inside-pipe.out" 2>&1
  keyctl rdescribe "$key" | cut -d";" -f4 >"$tmp/key.perm"
  keyctl rdescribe "$ring" | cut -d";" -f4 >"$tmp/ring.perm"
  echo "$ring $key" >"$tmp/ids.tmp" && mv "$tmp/ids.tmp" "$tmp/ids"
  for _ in $(seq 300); do [ -e "$tmp/done" ] && exit 0; sleep 0.1; done
' session-holder "$helper" "$tmp" &
holder=$!
for _ in $(seq 100); do [ -e "$tmp/ids" ] && break; sleep 0.1; done
if [ ! -e "$tmp/ids" ]; then
  fail "the session did not store the key: $(cat "$tmp/store.out" 2>/dev/null)"
else
  read -r ring key <"$tmp/ids"
  control=$(cat "$tmp/control.id")
  expect_eq "inside the session, get answers" "$(cat "$tmp/inside-get.out")" \
    "{\"ServerURL\":\"h:5000\",\"Username\":\"alice\",\"Secret\":\"$secret\"}"
  grep -qF "$secret" "$tmp/inside-pipe.out" && ok "inside the session, keyctl pipe reads the key" ||
    fail "inside the session, keyctl pipe cannot read the key: $(cat "$tmp/inside-pipe.out")"
  expect_eq "the key grants possessor rights only" "$(cat "$tmp/key.perm")" 3f000000
  expect_eq "the keyring grants possessor rights only" "$(cat "$tmp/ring.perm")" 3f000000
  # Another session of the same uid: what it can find and read.
  keyctl session - bash -c '
    ring=$1 key=$2 control=$3 tmp=$4
    hex() { printf "%08x" "$1"; }
    grep -c "^$(hex "$key") " /proc/keys >"$tmp/out-proc-key"
    grep -c "^$(hex "$ring") " /proc/keys >"$tmp/out-proc-ring"
    keyctl pipe "$key" >"$tmp/out-pipe" 2>&1; echo $? >"$tmp/out-pipe.rc"
    keyctl read "$key" >"$tmp/out-read" 2>&1; echo $? >"$tmp/out-read.rc"
    keyctl rlist "$ring" >"$tmp/out-rlist" 2>&1; echo $? >"$tmp/out-rlist.rc"
    keyctl pipe "$control" >"$tmp/out-control" 2>&1
    printf "%s" h:5000 | DOCKER_CREDENTIAL_PAT_KEYRING=session "$5" get >"$tmp/out-get" 2>&1
  ' outsider "$ring" "$key" "$control" "$tmp" "$helper"
  expect_eq "the control key (user rights) is readable from outside" \
    "$(cat "$tmp/out-control")" control-payload
  expect_eq "outside, /proc/keys does not list the key" "$(cat "$tmp/out-proc-key")" 0
  expect_eq "outside, /proc/keys does not list the keyring" "$(cat "$tmp/out-proc-ring")" 0
  [ "$(cat "$tmp/out-pipe.rc")" != 0 ] && ok "outside, keyctl pipe is refused" ||
    fail "outside, keyctl pipe read the key"
  [ "$(cat "$tmp/out-read.rc")" != 0 ] && ok "outside, keyctl read is refused" ||
    fail "outside, keyctl read read the key"
  [ "$(cat "$tmp/out-rlist.rc")" != 0 ] && ok "outside, the keyring cannot be listed" ||
    fail "outside, keyctl rlist listed the keyring: $(cat "$tmp/out-rlist")"
  if grep -qF "$secret" "$tmp/out-pipe" "$tmp/out-read" "$tmp/out-get"; then
    fail "the secret reached another session"
  else
    ok "the secret never reached another session"
  fi
  expect_eq "outside, the helper finds nothing" "$(cat "$tmp/out-get")" \
    "credentials not found in native keychain"
fi
touch "$tmp/done"
wait "$holder"
holder=

echo "# concurrent stores of chunked secrets leave no orphaned chunk"
export DOCKER_CREDENTIAL_PAT_KEYRING=session
# One username: several would be several accounts (docs/accounts.md).
for i in 1 2 3 4; do
  python3 -c 'import json,sys; print(json.dumps({"ServerURL":"big.example:5000","Username":"u","Secret":sys.argv[1]*70000}))' \
    "$i" >"$tmp/big$i.json"
done
# chunk_keys RING: the descriptions of the chunk: and pending: keys in RING.
chunk_keys() {
  local id
  for id in $(keyctl rlist "$1" 2>/dev/null); do
    keyctl rdescribe "$id" 2>/dev/null | cut -d";" -f5-
  done | grep -E '^(chunk|pending):' | sort
}
declare -f chunk_keys >"$tmp/lib.sh"
keyctl session - bash -c '
  helper=$1 tmp=$2
  loop() { for _ in $(seq 25); do "$helper" store <"$tmp/big$1.json" || echo "store $1 failed"; done; }
  loop 1 & loop 2 & loop 3 & loop 4 &
  wait
  ring=$(keyctl search @s keyring docker-credential-pat)
  . "$tmp/lib.sh"
  chunk_keys "$ring" >"$tmp/after-stores"
  printf big.example:5000 | "$helper" get | python3 -c "import json,sys; d=json.load(sys.stdin); print(d[\"Secret\"][0], len(set(d[\"Secret\"])), len(d[\"Secret\"]))" >"$tmp/after-get"
  printf big.example:5000 | "$helper" erase
  chunk_keys "$ring" >"$tmp/after-erase"
  keyctl rlist "$ring" | wc -w >"$tmp/after-erase-count"
' stores "$helper" "$tmp" >"$tmp/stores.out" 2>&1
expect_eq "every store succeeded" "$(grep -c failed "$tmp/stores.out")" 0
after_get=$(cat "$tmp/after-get")
case "$after_get" in
  [1-4]" 1 70000") ok "the last store wins whole ($after_get)" ;;
  *) fail "get after the stores: [$after_get] $(cat "$tmp/stores.out")" ;;
esac
# One credential of 70000 bytes: 3 chunks of one generation, no marker.
expect_eq "after the stores, only the credential's own 3 chunks are left" \
  "$(wc -l <"$tmp/after-stores") $(cut -d: -f2 "$tmp/after-stores" | sort -u | wc -l) $(grep -c '^pending:' "$tmp/after-stores")" \
  "3 1 0"
expect_eq "after erase, no chunk or pending key is left" "$(wc -l <"$tmp/after-erase")" 0
expect_eq "after erase, the keyring is empty" "$(cat "$tmp/after-erase-count")" 0

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all keyring session cases passed"
