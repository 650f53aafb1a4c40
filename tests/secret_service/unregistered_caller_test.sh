#!/usr/bin/env bash
# unregistered_caller_test.sh BIN: gnome-keyring now and then answers a fresh
# connection's first call with UnknownMethod "Method X is not implemented on
# interface ..." before it has registered the connection as a client
# (docs/secret-service.md). The helper must send such a call again and
# succeed. A stand-in provider gives that answer to every connection's first
# call, so each action below meets it, deterministically.
set -uo pipefail
bin=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in dbus-daemon gdbus /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
/usr/bin/python3 -c 'import dbus, gi' 2>/dev/null || { echo "skipped: python3-dbus or python3-gi missing"; exit 77; }
# shellcheck source=tests/lib/secret-service.sh
. "$here/../lib/secret-service.sh"

export DOCKER_CREDENTIAL_PAT_STORE=secretservice
export DOCKER_CREDENTIAL_PAT_TIMEOUT_MS=5000
key=registry.example.com:5000

ss_init
ss_start_bus --no-activation
log=$SS_TMP/provider.log
: >"$log"
/usr/bin/python3 "$here/unregistered_caller_provider.py" "$log" &
for _ in $(seq 100); do [ -n "$(ss_provider_pid)" ] && break; sleep 0.1; done
[ -n "$(ss_provider_pid)" ] || { echo "FAIL: the stand-in provider did not start" >&2; exit 1; }

# Each action is a new connection, whose first call the provider refuses.
expect_refused_once() {
  local name=$1 before=$2
  local refused
  refused=$(($(grep -c 'answered not-implemented' "$log") - before))
  if [ "$refused" -lt 1 ]; then
    ss_fail "$name: the provider never refused a first call (the test proves nothing)"
  else
    ss_pass "$name: met the not-implemented answer"
  fi
}

before=$(grep -c 'answered not-implemented' "$log")
ss_expect_error "get of a missing key" 10000 "credentials not found in native keychain" "$key" "$bin" get
expect_refused_once "get" "$before"

before=$(grep -c 'answered not-implemented' "$log")
ss_expect_output "list" "{}" "" "$bin" list
expect_refused_once "list" "$before"

ss_finish
