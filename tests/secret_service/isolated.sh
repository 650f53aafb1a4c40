#!/usr/bin/env bash
# isolated.sh CMD...: runs CMD with a private session bus and an unlocked
# gnome-keyring of its own (temp HOME/XDG_*), for tests that must not share
# the keyring of tests/lib/with-keyring.sh. Exit 77 (skipped) without them.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in dbus-daemon gnome-keyring-daemon gdbus; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
# shellcheck source=tests/lib/secret-service.sh
. "$here/../lib/secret-service.sh"
ss_init
ss_start_bus
ss_start_keyring unlocked || exit 1
"$@"
