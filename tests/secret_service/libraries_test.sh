#!/usr/bin/env bash
# libraries_test.sh BIN: libsystemd (sd-bus) is loaded only on the Secret
# Service path (platform/linux/secret_service/sdbus_loader.hpp), and GLib on
# none. The helper links neither; `version`, `--help` and the kernel-keyring
# store (chosen explicitly, or by `auto` without a session bus) never load
# them; a Secret Service `get` loads libsystemd (and no GLib) and works. What a process loaded is read
# from the dynamic loader's own trace (LD_DEBUG=files, into files).
set -uo pipefail
bin=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in dbus-daemon gnome-keyring-daemon gdbus keyctl readelf; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
# shellcheck source=tests/lib/secret-service.sh
. "$here/../lib/secret-service.sh"
ss_init
glib='lib(gio|gobject|glib|gmodule)-2\.0'
# what a D-Bus client could bring: GLib's libraries or libsystemd
dbus_libs="$glib|libsystemd\.so"

# loaded NAME STDIN CMD...: runs CMD with the loader's file trace and sets
# ss_rc, ss_out and `libs` (every shared object the process loaded).
loaded() {
  local name=$1 input=$2
  shift 2
  rm -rf "$SS_TMP/ld" && mkdir "$SS_TMP/ld"
  ss_out=$(printf %s "$input" | LD_DEBUG=files LD_DEBUG_OUTPUT="$SS_TMP/ld/$name" timeout 30 "$@" 2>"$SS_TMP/stderr")
  ss_rc=$?
  libs=$(cat "$SS_TMP/ld/$name".* 2>/dev/null | sed -n 's/.*file=\([^ ]*\) .*/\1/p' | sort -u | tr '\n' ' ')
}

# expect_no_glib NAME RC STDIN CMD...: CMD exits RC and loads neither GLib nor libsystemd.
expect_no_glib() {
  local name=$1 rc=$2 input=$3
  shift 3
  loaded trace "$input" "$@"
  if [ "$ss_rc" != "$rc" ]; then
    ss_fail "$name: exit $ss_rc, expected $rc: $(head -c 300 "$SS_TMP/stderr")"
  elif [ -z "$libs" ]; then
    ss_fail "$name: the loader trace is empty (LD_DEBUG not honoured?)"
  elif grep -Eq "$dbus_libs" <<<"$libs"; then
    ss_fail "$name loaded a D-Bus library: $libs"
  else
    ss_pass "$name loads no D-Bus library ($libs)"
  fi
}

# The kernel keyring, in a session keyring of this test's own.
kr_env=(env -u DBUS_SESSION_BUS_ADDRESS DOCKER_CREDENTIAL_PAT_KEYRING=session
  DOCKER_CREDENTIAL_PAT_OFFLINE=1 DOCKER_CREDENTIAL_PAT_STATE_DIR="$SS_TMP/state")
keyring_cases() {
  expect_no_glib "keyring store" 0 '{"ServerURL":"kr.example.com","Username":"u","Secret":"s3cret"}' \
    "${kr_env[@]}" DOCKER_CREDENTIAL_PAT_STORE=keyring "$bin" store
  expect_no_glib "keyring get hit" 0 "kr.example.com" "${kr_env[@]}" DOCKER_CREDENTIAL_PAT_STORE=keyring "$bin" get
  [ "$ss_out" = '{"ServerURL":"kr.example.com","Username":"u","Secret":"s3cret"}' ] ||
    ss_fail "keyring get hit printed [$ss_out]"
  expect_no_glib "keyring get miss" 1 "missing.example.com" \
    "${kr_env[@]}" DOCKER_CREDENTIAL_PAT_STORE=keyring "$bin" get
  expect_no_glib "keyring list" 0 "" "${kr_env[@]}" DOCKER_CREDENTIAL_PAT_STORE=keyring "$bin" list
  expect_no_glib "auto without a session bus (keyring) get" 0 "kr.example.com" \
    "${kr_env[@]}" DOCKER_CREDENTIAL_PAT_STORE=auto "$bin" get
  expect_no_glib "keyring erase" 0 "kr.example.com" "${kr_env[@]}" DOCKER_CREDENTIAL_PAT_STORE=keyring "$bin" erase
}
# keyring_cases runs in a new session keyring: `keyctl session -` would run a
# new shell without our functions, so the test re-enters itself.
if [ "${PAT_LIBRARIES_TEST_KEYRING:-}" = 1 ]; then
  keyring_cases
  ss_finish
fi
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
if grep -Eq "$dbus_libs" <<<"$needed"; then
  ss_fail "the helper links a D-Bus library: NEEDED $needed"
else
  ss_pass "the helper links no D-Bus library (NEEDED $needed)"
fi

expect_no_glib "version" 0 "" "$bin" version
expect_no_glib "--help" 0 "" "$bin" --help

if keyctl session - env PAT_LIBRARIES_TEST_KEYRING=1 bash "${BASH_SOURCE[0]}" "$bin" >"$SS_TMP/kr.log" 2>&1; then
  sed 's/^/  /' "$SS_TMP/kr.log"
  ss_pass "kernel-keyring paths"
else
  sed 's/^/  /' "$SS_TMP/kr.log"
  ss_fail "kernel-keyring paths"
fi

# The Secret Service path loads libsystemd on demand, no GLib, and works.
ss_start_bus
ss_start_keyring unlocked || exit 1
export DOCKER_CREDENTIAL_PAT_STORE=secretservice DOCKER_CREDENTIAL_PAT_OFFLINE=1
ss_expect_output "secret service store" "" '{"ServerURL":"ss.example.com","Username":"u","Secret":"s3cret"}' "$bin" store
loaded ss-get "ss.example.com" "$bin" get
if [ "$ss_rc" != 0 ] || [ "$ss_out" != '{"ServerURL":"ss.example.com","Username":"u","Secret":"s3cret"}' ]; then
  ss_fail "secret service get: exit $ss_rc, stdout [$ss_out]"
elif ! grep -q 'libsystemd\.so\.0' <<<"$libs"; then
  ss_fail "secret service get did not load libsystemd: $libs"
elif grep -Eq "$glib" <<<"$libs"; then
  ss_fail "secret service get loaded GLib: $libs"
else
  ss_pass "secret service get loads libsystemd on demand (no GLib) and returns the credential"
fi
ss_finish
