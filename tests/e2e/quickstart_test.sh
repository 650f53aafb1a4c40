#!/usr/bin/env bash
# quickstart_test.sh SOURCE_DIR BUILD_DIR
#
# Runs packaging/quickstart.sh for real (package check, Release build of the
# helper in BUILD_DIR, install, docker config) with HOME, DOCKER_CONFIG and the
# install prefix (PAT_PREFIX) in a temp dir, then checks: the helper is
# installed and runs, config.json gained "credsStore": "pat" and kept every
# other key, the old file is backed up byte for byte, a second run changes
# nothing, a broken config.json is refused untouched, and a missing one is
# created.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2; exit 2; }
src=$1
export PAT_BUILD_DIR=$2
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed" >&2; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed" >&2; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-quickstart.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home DOCKER_CONFIG=$tmp/docker PAT_PREFIX=$tmp/prefix
# the patd side (services, account) is covered by tests/patd/quickstart_test.sh
export PAT_QUICKSTART_SERVICE=0
mkdir -p "$HOME" "$DOCKER_CONFIG"
bin=$PAT_PREFIX/bin/docker-credential-pat
config=$DOCKER_CONFIG/config.json

fail() {
  echo "FAIL: $*" >&2
  [ -f "$tmp/out" ] && { echo "--- quickstart output ---" >&2; tail -n 30 "$tmp/out" >&2; }
  exit 1
}
expect_eq() { [ "$2" = "$3" ] || fail "$1: want [$2], got [$3]"; }

quickstart() { # -> rc; output in $tmp/out
  set +e
  timeout 900 "$src/packaging/quickstart.sh" >"$tmp/out" 2>&1
  rc=$?
  set -e
}
backups() { find "$DOCKER_CONFIG" -name 'config.json.*.bak' | sort; }

# A lived-in config: another helper, credHelpers, an inline login, and keys
# this script knows nothing about.
cat >"$config" <<'EOF'
{
	"auths": {
		"registry.example.com:5000": {
			"auth": "dXNlcjpwYXNz"
		},
		"ghcr.io": {}
	},
	"credHelpers": {
		"123456789.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"
	},
	"credsStore": "secretservice",
	"currentContext": "remote",
	"proxies": {"default": {"httpProxy": "http://proxy.example:3128"}},
	"x-unknown": [1, "two", {"three": null}]
}
EOF
chmod 600 "$config"
cp -p "$config" "$tmp/original.json"

# 1. First run.
quickstart
expect_eq "first run exit code" 0 "$rc"
[ -x "$bin" ] || fail "$bin was not installed"
"$bin" version >/dev/null || fail "the installed helper does not run: $("$bin" version 2>&1)"
expect_eq "credsStore" pat "$(jq -r .credsStore "$config")"
python3 - "$tmp/original.json" "$config" <<'EOF' || fail "config.json lost or changed other keys"
import json, sys
old, new = (json.load(open(p)) for p in sys.argv[1:3])
old.pop("credsStore"); new.pop("credsStore")
sys.exit(0 if old == new else f"before: {old}\nafter:  {new}")
EOF
expect_eq "config.json mode" 600 "$(stat -c %a "$config")"
[ "$(backups | wc -l)" -eq 1 ] || fail "want one backup, got: $(backups)"
cmp -s "$tmp/original.json" "$(backups)" || fail "the backup differs from the old config.json"
grep -q 'was "secretservice"' "$tmp/out" || fail "the previous credsStore was not reported"
grep -q 'inline credentials for registry.example.com:5000' "$tmp/out" ||
  fail "the inline login was not pointed out"
grep -q "is not on your PATH" "$tmp/out" || fail "no warning that $PAT_PREFIX/bin is not on PATH"
grep -q "^Next:" "$tmp/out" || fail "no next step printed"

# 2. Second run: nothing changes, no new backup.
cp -p "$config" "$tmp/after-first.json"
quickstart
expect_eq "second run exit code" 0 "$rc"
cmp -s "$tmp/after-first.json" "$config" || fail "the second run rewrote config.json"
[ "$(backups | wc -l)" -eq 1 ] || fail "the second run made another backup: $(backups)"
grep -q 'already uses the helper' "$tmp/out" || fail "the second run did not say it was already set"
[ -x "$bin" ] || fail "the second run lost the helper"

# 3. A broken config.json is refused and left exactly as it was.
printf '{"auths": {' >"$config"
cp -p "$config" "$tmp/broken.json"
quickstart
expect_eq "exit code with a broken config.json" 1 "$rc"
grep -q "cannot read $config" "$tmp/out" || fail "no clear message for a broken config.json"
cmp -s "$tmp/broken.json" "$config" || fail "a broken config.json was modified"
[ "$(backups | wc -l)" -eq 1 ] || fail "a broken config.json was backed up: $(backups)"

# 4. No docker config at all: created with just the helper, private.
rm -rf "$DOCKER_CONFIG"
quickstart
expect_eq "exit code without a docker config" 0 "$rc"
expect_eq "new config.json" '{"credsStore":"pat"}' "$(jq -c . "$config")"
expect_eq "new config dir mode" 700 "$(stat -c %a "$DOCKER_CONFIG")"
expect_eq "new config.json mode" 600 "$(stat -c %a "$config")"
[ "$(backups | wc -l)" -eq 0 ] || fail "a backup appeared for a config that did not exist"

# 5. An ordinary user (no PAT_PREFIX): installs into ~/.local/bin. Run as
#    nobody with the binary just built (PAT_SKIP_BUILD), when we can switch user.
if [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null && id nobody >/dev/null 2>&1; then
  user_home=$tmp/nobody-home
  mkdir -p "$user_home" "$tmp/nobody-build"
  cp "$PAT_BUILD_DIR/docker-credential-pat" "$tmp/nobody-build/"
  chown nobody "$user_home"
  chmod 755 "$tmp"
  set +e
  runuser -u nobody -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$user_home" \
    PAT_SKIP_BUILD=1 PAT_BUILD_DIR="$tmp/nobody-build" PAT_QUICKSTART_SERVICE=0 \
    bash "$src/packaging/quickstart.sh" >"$tmp/out" 2>&1
  rc=$?
  set -e
  expect_eq "exit code as an ordinary user" 0 "$rc"
  [ -x "$user_home/.local/bin/docker-credential-pat" ] || fail "not installed into ~/.local/bin"
  expect_eq "ordinary user's config.json" '{"credsStore":"pat"}' "$(jq -c . "$user_home/.docker/config.json")"
  grep -q "$user_home/.local/bin is not on your PATH" "$tmp/out" || fail "no PATH warning for ~/.local/bin"
else
  echo "note: not root (or no runuser/nobody): the ~/.local/bin case was not run" >&2
fi

echo "PASS: quickstart installs the helper and configures docker idempotently"
