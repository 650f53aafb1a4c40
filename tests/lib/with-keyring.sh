#!/usr/bin/env bash
# with-keyring.sh CMD...: runs CMD inside a private D-Bus session with an
# unlocked gnome-keyring (the real Secret Service) and a fresh anonymous
# kernel session keyring. HOME and XDG_* point at a temp dir, so the user's
# real keyrings and docker config are never touched.
set -euo pipefail
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/.local/share XDG_CONFIG_HOME=$tmp/home/.config
export XDG_CACHE_HOME=$tmp/home/.cache XDG_RUNTIME_DIR=$tmp/run
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export PAT_TEST_KEYRING_PASSWORD=${PAT_TEST_KEYRING_PASSWORD:-test-keyring-pw}
export PAT_TEST_SECRET_SERVICE=1
# Every Secret Service test that drives gnome-keyring itself runs its own bus
# and XDG_RUNTIME_DIR (tests/lib/secret-service.sh, docs/testing.md); nothing
# may stop this shared daemon. Should it exit anyway, the bus would activate a
# fresh one that cannot unlock on its own and every later Secret Service test
# would fail with "locked", far from the cause. This service file
# (XDG_DATA_HOME comes first among the session service dirs) re-activates it
# unlocked with the same password, says so on stderr, and leaves a mark: the
# run then fails, naming the cause, instead of passing after a retry.
export PAT_TEST_KEYRING_REACTIVATED=$tmp/keyring-reactivated
unset GNOME_KEYRING_CONTROL
mkdir -p "$XDG_DATA_HOME/dbus-1/services"
cat >"$XDG_DATA_HOME/dbus-1/services/org.freedesktop.secrets.service" <<'SERVICE'
[D-BUS Service]
Name=org.freedesktop.secrets
Exec=/bin/sh -c 'echo "with-keyring.sh: the shared gnome-keyring had exited: re-activated, unlocked" >&2; : >"$PAT_TEST_KEYRING_REACTIVATED"; printf %s "$PAT_TEST_KEYRING_PASSWORD" | exec gnome-keyring-daemon --foreground --unlock --components=secrets'
SERVICE
set +e
dbus-run-session -- bash -c '
  printf %s "$PAT_TEST_KEYRING_PASSWORD" |
    gnome-keyring-daemon --unlock --replace --daemonize --components=secrets >/dev/null
  # --daemonize returns before the daemon owns its bus name; a test calling
  # in that gap activates a second daemon, and the first one quits
  # (docs/testing.md). Wait for the owner, at most 5 s.
  for _ in $(seq 100); do
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
      --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null |
      grep -q true && break
    sleep 0.05
  done
  exec keyctl session - "$@"' with-keyring "$@"
rc=$?
if [ -e "$PAT_TEST_KEYRING_REACTIVATED" ]; then
  echo "with-keyring.sh: FAIL: the shared gnome-keyring exited during the run (something stopped or replaced it; see docs/testing.md)" >&2
  [ "$rc" = 0 ] && rc=1
fi
exit $rc
