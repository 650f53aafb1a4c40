#!/usr/bin/env bash
# keyring_user_test.sh HELPER: the kernel keyring as an ordinary user (a
# random unused uid via setpriv, so parallel runs on one machine never share a
# user keyring or a quota), with the default parent, the user keyring (@u):
#  - possession: a credential stored from a session keyring that does not
#    link @u (`keyctl session -`, like cron or a systemd service) is read back
#    from another such session, and from one that links @u;
#  - the per-user quota (kernel.keys.maxbytes, 20000 bytes by default): the
#    exact error line, exit 1, and the previous credential intact, both for a
#    single-key and for a chunked secret.
# Needs root to switch users; exits 77 (skipped) otherwise.
set -euo pipefail
helper=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIPPED: needs root to run as another uid"; exit 77; }
uid=$((200000 + RANDOM * 3 + RANDOM % 3))
while getent passwd "$uid" >/dev/null; do uid=$((uid + 1)); done
for tool in setpriv keyctl python3; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: $tool is not installed"; exit 77; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-keyring-user.XXXXXX")
chmod 755 "$tmp"
mkdir -m 755 "$tmp/home"
cp "$helper" "$tmp/docker-credential-pat"
chmod 755 "$tmp/docker-credential-pat"
bin=$tmp/docker-credential-pat
failures=0

# as_user CMD...: runs CMD as $uid in a new anonymous session keyring
# (which does not link that user's @u), with a clean environment.
as_user() {
  setpriv --reuid="$uid" --regid="$uid" --clear-groups \
    env -i PATH=/usr/bin:/bin HOME="$tmp/home" DOCKER_CREDENTIAL_PAT_STORE=keyring \
    keyctl session - "$@" 2>/dev/null
}
cleanup_ring() {
  as_user sh -c 'id=$(keyctl search @u keyring docker-credential-pat 2>/dev/null) &&
                 keyctl unlink "$id" @u >/dev/null' || true
}
trap 'cleanup_ring; rm -rf "$tmp"' EXIT
cleanup_ring

expect() {  # expect NAME WANT_RC WANT_STDOUT CMD...
  local name=$1 want_rc=$2 want=$3 out rc
  shift 3
  set +e
  out=$("$@")
  rc=$?
  set -e
  if [ "$rc" = "$want_rc" ] && [ "$out" = "$want" ]; then
    echo "ok   $name"
  else
    echo "FAIL $name: rc=$rc stdout=${out:0:300}"
    echo "     want rc=$want_rc stdout=${want:0:300}"
    failures=$((failures + 1))
  fi
}
payload() { python3 -c 'import json,sys; print(json.dumps({"ServerURL":sys.argv[1],"Username":sys.argv[2],"Secret":sys.argv[3] or "x"*int(sys.argv[4])}))' "$@"; }

# --- possession ----------------------------------------------------------------
expect "the new session does not link @u" 0 "" \
  as_user sh -c 'keyctl show @s | grep -q _uid && echo linked; true'
expect "store from a session without @u" 0 "" \
  as_user sh -c "printf '%s' '$(payload h:5000 alice pw-1)' | $bin store"
want='{"ServerURL":"h:5000","Username":"alice","Secret":"pw-1"}'
expect "get from another session without @u" 0 "$want" \
  as_user sh -c "printf h:5000 | $bin get"
expect "get from a session that links @u" 0 "$want" \
  as_user sh -c "keyctl link @u @s && printf h:5000 | $bin get"
# The same username: a second one would be a second account (docs/accounts.md).
expect "replace from a session without @u" 0 "" \
  as_user sh -c "printf '%s' '$(payload h:5000 alice pw-2)' | $bin store"
expect "list from a session without @u" 0 '{"h:5000":"alice"}' as_user "$bin" list
expect "the keys carry explicit user permissions" 0 "3f3f0000" \
  as_user sh -c 'keyctl rdescribe $(keyctl search @u keyring docker-credential-pat) | cut -d";" -f4'

# --- the per-user quota -----------------------------------------------------------
maxbytes=$(cat /proc/sys/kernel/keys/maxbytes)
maxkeys=$(cat /proc/sys/kernel/keys/maxkeys)
quota_line="kernel keyring quota exceeded while storing a credential: uid $uid may keep at most $maxbytes bytes in $maxkeys keys (sysctl kernel.keys.maxbytes and kernel.keys.maxkeys); erase unused credentials or raise the limits"
if [ "$maxbytes" -lt 30000 ]; then
  payload h:5000 carol "" 30000 >"$tmp/one-key.json"
  payload h:5000 carol "" 200000 >"$tmp/chunked.json"
  chmod 644 "$tmp"/*.json
  expect "a secret above the quota (one key)" 1 "$quota_line" \
    as_user sh -c "$bin store < $tmp/one-key.json"
  expect "a secret above the quota (chunked)" 1 "$quota_line" \
    as_user sh -c "$bin store < $tmp/chunked.json"
  expect "the old credential survived the failed replaces" 0 \
    '{"ServerURL":"h:5000","Username":"alice","Secret":"pw-2"}' as_user sh -c "printf h:5000 | $bin get"
  expect "no partial chunks were left behind" 0 "1" \
    as_user sh -c 'keyctl rlist $(keyctl search @u keyring docker-credential-pat) | wc -w'
else
  echo "note: kernel.keys.maxbytes=$maxbytes, quota cases not exercised"
fi

expect "erase" 0 "" as_user sh -c "printf h:5000 | $bin erase"
expect "list after erase" 0 "{}" as_user "$bin" list

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all keyring user cases passed"
