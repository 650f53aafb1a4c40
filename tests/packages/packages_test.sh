#!/usr/bin/env bash
# shellcheck disable=SC2015  # `check && ok || fail` lines: ok never fails
# packages_test.sh BUILD_DIR: builds the two Debian packages with cpack from
# BUILD_DIR, installs them with dpkg -i on this machine, checks what they
# install (programs, unit, conffile, man pages, completions, the patd user),
# runs the helper (version; store, list, get, erase on the kernel keyring)
# and patd from /usr/bin, runs lintian (errors fail, warnings are listed),
# then purges both and checks that they are gone. It changes the machine, so
# it runs only as root (CI's throw-away machine) and only where the packages
# are not installed already; ctest runs it alone (RUN_SERIAL).
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (installs packages)"; exit 77; }
for t in dpkg dpkg-deb dpkg-shlibdeps cpack lintian keyctl; do
  command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
for p in docker-credential-pat patd; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    echo "SKIP: package $p is installed on this machine already; not touching it"
    exit 77
  fi
done
[ -f "$build/packaging/man/patd.8.gz" ] || { echo "SKIP: no man pages (help2man missing at configure time)"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-packages.XXXXXX")
installed=0
cleanup() {
  [ $installed -eq 1 ] && dpkg --purge docker-credential-pat patd >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

# shellcheck source=../lib/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"

# --- build ---------------------------------------------------------------------
if ! (cd "$tmp" && timeout 300 cpack --config "$build/CPackConfig.cmake" -B "$tmp/out") >"$tmp/cpack.log" 2>&1; then
  fail "cpack builds the packages"
  tail -n 30 "$tmp/cpack.log"
  exit 1
fi
helper_deb=$(ls "$tmp"/out/docker-credential-pat_*.deb 2>/dev/null)
patd_deb=$(ls "$tmp"/out/patd_*.deb 2>/dev/null)
check "cpack made docker-credential-pat_*.deb" test -f "$helper_deb"
check "cpack made patd_*.deb" test -f "$patd_deb"
[ -f "$helper_deb" ] && [ -f "$patd_deb" ] || exit 1
field() { dpkg-deb -f "$1" "$2"; }
# dpkg-shlibdeps wrote the library dependencies; libcurl4 is by hand (dlopen)
check "helper Depends has libc6, libkeyutils1 (dpkg-shlibdeps), libcurl4 and libsystemd0, not GLib" \
  bash -c "d=\$(dpkg-deb -f '$helper_deb' Depends); echo \"\$d\"; [[ \$d == *libc6* && \$d == *libsystemd0* && \$d == *libkeyutils1* && \$d == *libcurl4* && \$d != *libglib* ]]"
check "patd Depends has libc6, libsqlite3 and adduser" \
  bash -c "d=\$(dpkg-deb -f '$patd_deb' Depends); echo \"\$d\"; [[ \$d == *libc6* && \$d == *libsqlite3* && \$d == *adduser* ]]"
check "package names" test "$(field "$helper_deb" Package) $(field "$patd_deb" Package)" = "docker-credential-pat patd"

# --- lintian: no errors; warnings are listed ----------------------------------------
timeout 300 lintian --no-tag-display-limit "$helper_deb" "$patd_deb" >"$tmp/lintian.out" 2>&1
if grep -q '^E: ' "$tmp/lintian.out"; then
  fail "lintian reports no errors"
  grep '^E: ' "$tmp/lintian.out" | sed 's/^/    /'
else
  ok "lintian reports no errors"
fi
grep -E '^(W|I): ' "$tmp/lintian.out" | sed 's/^/    lintian /'

# --- install ---------------------------------------------------------------------------
installed=1
check "dpkg -i installs both packages" dpkg -i "$helper_deb" "$patd_deb"
for f in /usr/bin/docker-credential-pat /usr/bin/patd; do
  check "$f is an executable" test -x "$f"
done
check "binaries are stripped" bash -c "! file -L /usr/bin/patd /usr/bin/docker-credential-pat | grep -q 'not stripped'"
unit=$(dpkg -L patd | grep '/systemd/system/patd.service$')
check "patd installs the system unit patd.service ($unit)" test -f "$unit"
for s in "User=patd" "ProtectSystem=strict" "ReadWritePaths=/var/lib/patd" "NoNewPrivileges=yes" \
  "PrivateTmp=yes" "PrivateDevices=yes" "ProtectHome=yes" "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" \
  "SystemCallFilter=@system-service" "LimitNOFILE=" "ExecStart=/usr/bin/patd serve --config /etc/patd/patd.conf" \
  "WantedBy=multi-user.target"; do
  check "unit has $s" awk -v s="$s" 'index($0, s) == 1 { found = 1 } END { exit !found }' "$unit"
done
check "unit passes systemd-analyze verify" systemd-analyze verify "$unit"
check "/etc/patd/patd.conf is a conffile" bash -c "dpkg-query -W -f='\${Conffiles}' patd | grep -q '/etc/patd/patd.conf'"
check "patd.conf is root:patd 0640" test "$(stat -c '%U:%G %a' /etc/patd/patd.conf)" = "root:patd 640"
check "system user patd exists, home /var/lib/patd, no login shell" \
  bash -c "getent passwd patd | grep -E '^patd:x:[0-9]+:[0-9]+:[^:]*:/var/lib/patd:/usr/sbin/nologin$' && [ \$(id -u patd) -lt 1000 ]"
check "/var/lib/patd is patd:patd 0700" test "$(stat -c '%U:%G %a' /var/lib/patd)" = "patd:patd 700"
for m in docker-credential-pat docker-credential-pat-tokens docker-credential-pat-tokens-create \
  docker-credential-pat-check docker-credential-pat-ci docker-credential-pat-ci-login \
  docker-credential-pat-configure docker-credential-pat-doctor; do
  check "man page $m(1)" test -s /usr/share/man/man1/$m.1.gz
done
for m in patd patd-serve patd-user patd-oidc patd-cert; do
  check "man page $m(8)" test -s /usr/share/man/man8/$m.8.gz
done
check "patd-serve(8) documents --listen and --token-ttl" \
  bash -c "zcat /usr/share/man/man8/patd-serve.8.gz | grep -q 'listen' && zcat /usr/share/man/man8/patd-serve.8.gz | grep -q 'token\\\\-ttl'"
check "docker-credential-pat-tokens-create(1) documents --scope" \
  bash -c "zcat /usr/share/man/man1/docker-credential-pat-tokens-create.1.gz | grep -q 'scope'"
if command -v man >/dev/null; then
  check "man renders patd-serve without warnings" bash -c "MANWIDTH=80 man --warnings -l /usr/share/man/man8/patd-serve.8.gz 2>&1 >/dev/null | (! grep .)"
fi
for p in docker-credential-pat patd; do
  check "bash completion for $p" test -s /usr/share/bash-completion/completions/$p
  check "zsh completion for $p" test -s /usr/share/zsh/vendor-completions/_$p
  check "fish completion for $p" test -s /usr/share/fish/vendor_completions.d/$p.fish
  check "bash completion for $p parses" bash -n /usr/share/bash-completion/completions/$p
done
if [ -f /usr/share/bash-completion/bash_completion ]; then
  check "bash completion offers 'tokens' and 'ci' for docker-credential-pat" bash -c '
    source /usr/share/bash-completion/bash_completion
    source /usr/share/bash-completion/completions/docker-credential-pat
    COMP_WORDS=(docker-credential-pat "") COMP_CWORD=1 COMP_LINE="docker-credential-pat " COMP_POINT=22
    _docker_credential_pat; printf "%s\n" "${COMPREPLY[@]}" | grep -qx tokens && printf "%s\n" "${COMPREPLY[@]}" | grep -qx ci'
fi
command -v zsh >/dev/null && check "zsh completions parse" zsh -n /usr/share/zsh/vendor-completions/_docker-credential-pat /usr/share/zsh/vendor-completions/_patd
command -v fish >/dev/null && check "fish completions parse" fish -n /usr/share/fish/vendor_completions.d/docker-credential-pat.fish /usr/share/fish/vendor_completions.d/patd.fish

# --- run them from /usr/bin -------------------------------------------------------------
check "docker-credential-pat version" bash -c "/usr/bin/docker-credential-pat version | grep -q '^docker-credential-pat .* $(field "$helper_deb" Version | sed 's/-[^-]*$//')\$'"
check "patd --help from /usr/bin" bash -c "/usr/bin/patd --help | grep -q -- '--listen'"
check "patd --version from /usr/bin" bash -c "/usr/bin/patd --version | grep -q '^patd '"
# patd as the admin would run it: user patd, the packaged config (which sets
# the data dir) and nothing else; what it creates in /var/lib/patd is what
# purge must remove.
check "patd user list and patd cert as user patd with /etc/patd/patd.conf" bash -c '
  cd / && runuser -u patd -- /usr/bin/patd user list --config /etc/patd/patd.conf &&
  runuser -u patd -- /usr/bin/patd cert --config /etc/patd/patd.conf | grep -q "BEGIN CERTIFICATE"'
check "patd wrote its database, key and pepper into /var/lib/patd, owned by patd" bash -c '
  ls -la /var/lib/patd; for f in patd.db signing-key.pem signing-cert.pem pepper; do
    [ "$(stat -c %U /var/lib/patd/$f)" = patd ] || exit 1; done'
# The protocol on the kernel keyring, in a fresh session keyring. The server
# is https on a closed port, so store's token check goes through libcurl
# (dlopen; plain local http would not) and fails fast; the credential is
# kept unchecked.
export DOCKER_CREDENTIAL_PAT_STORE=keyring DOCKER_CREDENTIAL_PAT_KEYRING=session
export HOME=$tmp/home DOCKER_CONFIG=$tmp/home/.docker XDG_STATE_HOME=$tmp/home/.local/state XDG_CONFIG_HOME=$tmp/home/.config
mkdir -p "$HOME"
export STORE_ERR=$tmp/store.err
check "store, list, get, erase on the kernel keyring with /usr/bin/docker-credential-pat" keyctl session - bash -c '
  set -e
  h=/usr/bin/docker-credential-pat
  printf %s "{\"ServerURL\":\"https://127.0.0.1:1\",\"Username\":\"pkg\",\"Secret\":\"pkg-secret-1\"}" | timeout 30 $h store 2>"$STORE_ERR"
  [ "$(timeout 10 $h list)" = "{\"https://127.0.0.1:1\":\"pkg\"}" ]
  printf https://127.0.0.1:1 | timeout 10 $h get | grep -qF "\"Secret\":\"pkg-secret-1\""
  printf https://127.0.0.1:1 | timeout 10 $h erase
  [ "$(timeout 10 $h list)" = "{}" ]'
check "store's token check went through libcurl (loaded with dlopen, Depends libcurl4)" \
  grep -q "Couldn't connect to server" "$tmp/store.err"

# --- purge ---------------------------------------------------------------------------------
check "dpkg --purge removes both packages" dpkg --purge docker-credential-pat patd
installed=0
for f in /usr/bin/docker-credential-pat /usr/bin/patd "$unit" /etc/patd /var/lib/patd \
  /usr/share/man/man8/patd.8.gz /usr/share/bash-completion/completions/patd; do
  check "$f is gone after purge" test ! -e "$f"
done
check "dpkg knows neither package any more" bash -c "! dpkg-query -W -f='\${Status}\n' docker-credential-pat patd 2>/dev/null | grep -q installed"
check "no statoverride left" bash -c "! dpkg-statoverride --list | grep -q patd"

tap_done
