# shellcheck shell=bash
# Helpers for tests that need their own Secret Service setup (a private bus,
# gnome-keyring locked or unlocked, or no provider at all). Source it; call
# ss_init first (temp HOME/XDG_*, cleanup trap), then ss_start_bus.
# Everything started here is killed on exit.

SS_PASSWORD=ss-test-pw
SS_BUS_PID=
ss_failures=0

ss_init() {
  SS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pat-ss.XXXXXX")
  export HOME=$SS_TMP/home XDG_DATA_HOME=$SS_TMP/home/.local/share
  export XDG_CONFIG_HOME=$SS_TMP/home/.config XDG_CACHE_HOME=$SS_TMP/home/.cache
  export XDG_RUNTIME_DIR=$SS_TMP/run
  mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  # gnome-keyring-daemon --replace quits the daemon whose control directory
  # GNOME_KEYRING_CONTROL names before it looks in XDG_RUNTIME_DIR or on the
  # bus: a value inherited from the shared session would reach its daemon.
  unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL
  trap ss_cleanup EXIT
}

ss_cleanup() {
  ss_stop_bus
  rm -rf "$SS_TMP"
}

# ss_start_bus [--no-activation]: a private session bus (exports
# DBUS_SESSION_BUS_ADDRESS). --no-activation: a bus that cannot start any
# service (no service directories), so no Secret Service can be activated.
ss_start_bus() {
  local conf=(--session)
  if [ "${1:-}" = --no-activation ]; then
    cat >"$SS_TMP/session.conf" <<'XML'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
XML
    conf=(--config-file="$SS_TMP/session.conf")
  fi
  local out
  out=$(dbus-daemon "${conf[@]}" --fork --nopidfile --print-address=1 --print-pid=1 2>/dev/null)
  DBUS_SESSION_BUS_ADDRESS=$(sed -n 1p <<<"$out")
  SS_BUS_PID=$(sed -n 2p <<<"$out")
  export DBUS_SESSION_BUS_ADDRESS
}

# Only a bus this script started, and its provider: before ss_start_bus,
# DBUS_SESSION_BUS_ADDRESS is still the shared session of with-keyring.sh,
# whose gnome-keyring every other test is using (killing it from a cleanup
# trap was the cause of the shared daemon "exiting" mid-run: docs/testing.md).
ss_stop_bus() {
  local pid
  [ -n "$SS_BUS_PID" ] || return 0
  pid=$(ss_provider_pid 2>/dev/null) && [ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null && kill "$pid" 2>/dev/null
  kill "$SS_BUS_PID" 2>/dev/null
  SS_BUS_PID=
}

# The pid of the process owning org.freedesktop.secrets (empty if none).
ss_provider_pid() {
  timeout 5 gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.GetConnectionUnixProcessID org.freedesktop.secrets 2>/dev/null |
    grep -o '[0-9][0-9]*' | tail -1
}

# ss_start_keyring unlocked|locked: (re)starts gnome-keyring on the bus; with
# "unlocked" it unlocks (or creates) the login keyring with $SS_PASSWORD.
ss_start_keyring() {
  # --replace on the shared bus would quit the shared daemon.
  if [ -z "$SS_BUS_PID" ]; then
    echo "ss_start_keyring: call ss_start_bus first (no private bus)" >&2
    return 1
  fi
  if [ "$1" = unlocked ]; then
    printf %s "$SS_PASSWORD" |
      timeout 10 gnome-keyring-daemon --unlock --replace --daemonize --components=secrets >/dev/null 2>&1
  else
    timeout 10 gnome-keyring-daemon --replace --daemonize --components=secrets </dev/null >/dev/null 2>&1
  fi
  for _ in $(seq 50); do [ -n "$(ss_provider_pid)" ] && return 0; sleep 0.1; done
  echo "gnome-keyring did not appear on the bus" >&2
  return 1
}

ss_fail() { echo "FAIL: $*" >&2; ss_failures=$((ss_failures + 1)); }
ss_pass() { echo "ok: $*"; }

# ss_run STDIN CMD...: runs CMD with STDIN (bounded by 30 s); sets ss_out,
# ss_rc and ss_ms (wall time in milliseconds).
ss_run() {
  local input=$1 t0
  shift
  t0=$(date +%s%N)
  ss_out=$(printf %s "$input" | timeout 30 "$@" 2>"$SS_TMP/stderr")
  ss_rc=$?
  ss_ms=$((($(date +%s%N) - t0) / 1000000))
}

# ss_expect_error NAME MAX_MS EXPECTED_LINE STDIN CMD...: CMD prints exactly
# EXPECTED_LINE, exits 1, and returns within MAX_MS.
ss_expect_error() {
  local name=$1 max_ms=$2 expected=$3 input=$4
  shift 4
  ss_run "$input" "$@"
  if [ "$ss_out" != "$expected" ]; then
    ss_fail "$name: stdout was [$ss_out], expected [$expected]"
  elif [ "$ss_rc" != 1 ]; then
    ss_fail "$name: exit $ss_rc, expected 1"
  elif [ "$ss_ms" -gt "$max_ms" ]; then
    ss_fail "$name: took ${ss_ms} ms, more than ${max_ms} ms"
  else
    ss_pass "$name (${ss_ms} ms)"
  fi
}

# ss_expect_output NAME EXPECTED STDIN CMD...: CMD prints EXPECTED, exits 0.
ss_expect_output() {
  local name=$1 expected=$2 input=$3
  shift 3
  ss_run "$input" "$@"
  if [ "$ss_rc" != 0 ] || [ "$ss_out" != "$expected" ]; then
    ss_fail "$name: exit $ss_rc, stdout [$ss_out], expected [$expected]"
  else
    ss_pass "$name"
  fi
}

# ss_finish: the summary line and the exit status (1 if any case failed).
ss_finish() {
  if [ "$ss_failures" -gt 0 ]; then
    echo "$ss_failures failure(s)"
    exit 1
  fi
  echo "all cases passed"
  exit 0
}
