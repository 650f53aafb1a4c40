#!/usr/bin/env bash
# shellcheck disable=SC2015  # `check && ok || fail` lines: ok never fails
# quickstart_test.sh SOURCE_DIR BUILD_DIR: the patd side of packaging/quickstart.sh
# in background mode (no systemd), with HOME, XDG dirs, DOCKER_CONFIG and the
# install prefix in a temp dir, the binaries already built in BUILD_DIR
# (PAT_SKIP_BUILD=1) and free ports. Checks: patd installed beside the helper
# and answering, a registry that trusts it (a PAT from the new account logs in
# with the docker CLI and pushes with skopeo), pid files, the printed next
# steps; a second run changes nothing (same pids, no password asked); an empty
# password on stdin is refused; --stop stops both and is safe to repeat.
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2; exit 2; }
src=$1 build=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for f in "$build/patd" "$build/docker-credential-pat"; do
  [ -x "$f" ] || { echo "SKIP: $f not built"; exit 77; }
done
for t in docker-registry docker skopeo umoci curl jq python3; do
  command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
# shellcheck source=../lib/registry.sh
source "$here/../lib/registry.sh"
# shellcheck source=../lib/patd.sh
source "$here/../lib/patd.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/patd-quickstart.XXXXXX")
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/.local/share XDG_CONFIG_HOME=$tmp/home/.config
export DOCKER_CONFIG=$tmp/docker PAT_PREFIX=$tmp/prefix PAT_BUILD_DIR=$build PAT_SKIP_BUILD=1
export PATD_NO_SYSTEMD=1 PATD_USER=qsuser
PATD_PORT=$(pat_free_port)
PATD_REGISTRY_PORT=$(pat_free_port)
export PATD_PORT PATD_REGISTRY_PORT
data=$XDG_DATA_HOME/patd
mkdir -p "$HOME"
qs() { timeout 300 "$src/packaging/quickstart.sh" "$@"; }
stop_all() {
  qs --stop >/dev/null 2>&1
  for f in "$data/patd.pid" "$data/registry/registry.pid"; do # in case --stop failed
    [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap stop_all EXIT

fails=0
ok() { echo "ok - $*"; }
fail() {
  echo "FAIL - $*"
  fails=$((fails + 1))
}
check() { # DESC CMD...
  local d=$1
  shift
  if "$@" >"$tmp/check.out" 2>&1; then ok "$d"; else fail "$d"; tail -n 15 "$tmp/check.out" | sed 's/^/    /'; fi
}
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
code() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$1"; }

pw="qs-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
printf '%s\n' "$pw" | qs >"$tmp/run1.out" 2>&1
rc=$?
if [ $rc = 0 ]; then ok "first run"; else fail "first run exit $rc"; tail -n 30 "$tmp/run1.out"; exit 1; fi
check "patd installed beside the helper" test -x "$PAT_PREFIX/bin/patd" -a -x "$PAT_PREFIX/bin/docker-credential-pat"
check "patd pid file, process alive" alive "$data/patd.pid"
check "registry pid file, process alive" alive "$data/registry/registry.pid"
[ "$(code "http://127.0.0.1:$PATD_PORT/healthz")" = 200 ] && ok "patd /healthz" || fail "patd /healthz"
hdr=$(curl -s -D - -o /dev/null -m 5 "http://127.0.0.1:$PATD_REGISTRY_PORT/v2/")
grep -qi "realm=\"http://127.0.0.1:$PATD_PORT/token\"" <<<"$hdr" && ok "registry challenges with patd's realm" ||
  fail "registry challenge: $hdr"
check "registry config in the data dir" grep -q "rootcertbundle: $data/registry/" "$data/registry/config.yml"
grep -q "docker login 127.0.0.1:$PATD_REGISTRY_PORT" "$tmp/run1.out" && ok "next steps: docker login" || fail "no docker login hint"
grep -q "skopeo copy" "$tmp/run1.out" && ok "next steps: skopeo" || fail "no skopeo hint"
grep -q "docker-credential-pat tokens create --registry 127.0.0.1:$PATD_REGISTRY_PORT" "$tmp/run1.out" &&
  ok "next steps: create a token" || fail "no token hint"
grep -qF -- "$pw" "$tmp/run1.out" && fail "the password was echoed" || ok "password not echoed"
[ "$(jq -r --arg r "127.0.0.1:$PATD_REGISTRY_PORT" '.credHelpers[$r]' "$DOCKER_CONFIG/config.json")" = pat ] &&
  ok "credHelpers entry for the local registry (skopeo)" || fail "no credHelpers entry: $(cat "$DOCKER_CONFIG/config.json")"

# the systemd user unit (used where `systemctl --user` works; not here) is valid
if command -v systemd-analyze >/dev/null; then
  sed -e "s|@PATD_BIN@|$PAT_PREFIX/bin/patd|" -e "s|@PORT@|$PATD_PORT|" -e "s|@DATA_DIR@|$data|" \
    -e "s|@SERVICE@|x|" -e "s|@ISSUER@|y|" -e "s|@DOCS@|$src/README.md|" \
    "$src/packaging/patd.service" >"$tmp/patd.service"
  check "packaging/patd.service passes systemd-analyze verify" systemd-analyze verify "$tmp/patd.service"
fi

# the account works end to end: session -> PAT -> docker login -> skopeo push
PATD_URL=http://127.0.0.1:$PATD_PORT
if patd_session qsuser "$pw" && patd_token "$PATD_SESSION" quickstart repo:write; then
  ok "account: login and token creation"
  pat_docker_config "$tmp/dc" '{"auths":{"placeholder.invalid":{}}}'
  check "docker login with the PAT" bash -c "printf '%s' \"\$1\" | DOCKER_CONFIG=$tmp/dc timeout 60 docker login -u qsuser --password-stdin 127.0.0.1:$PATD_REGISTRY_PORT" _ "$PATD_PAT"
  pat_umoci_image "$tmp/oci" v1 "quickstart" >/dev/null 2>&1
  check "skopeo push with the PAT" timeout 120 skopeo copy --quiet --dest-tls-verify=false \
    --dest-creds "qsuser:$PATD_PAT" "oci:$tmp/oci:v1" "docker://127.0.0.1:$PATD_REGISTRY_PORT/qsuser/hello:v1"
else
  fail "account: login/token"
fi

# the printed next steps work as printed (the password on stdin instead of
# the prompt): a token straight into the keychain, `check`, and a skopeo push
# that gets its login from the helper through the credHelpers entry
cmd=$(sed -n '/tokens create --registry/{N;s/\\\n *//;p}' "$tmp/run1.out")
read -ra argv <<<"$cmd"
if [ "${argv[0]:-}" = docker-credential-pat ]; then
  ( # the kernel keyring of the test run's session, whatever desktop keychain exists
    fails=0
    export PATH=$PAT_PREFIX/bin:$PATH DOCKER_CREDENTIAL_PAT_STORE=keyring DOCKER_CREDENTIAL_PAT_KEYRING=session
    unset DOCKER_CREDENTIAL_PAT_BACKEND REGISTRY_AUTH_FILE DOCKER_AUTH_CONFIG
    export XDG_RUNTIME_DIR=$tmp/run && mkdir -p "$XDG_RUNTIME_DIR"
    printf '%s\n' "$pw" | timeout 60 "${argv[@]}" --password-stdin >"$tmp/create.out" 2>&1 &&
      ok "next steps: tokens create --store, as printed" || fail "tokens create: $(cat "$tmp/create.out")"
    out=$(timeout 60 docker-credential-pat check "127.0.0.1:$PATD_REGISTRY_PORT" 2>&1)
    [[ "$out" == *active*write* ]] && ok "next steps: check shows the token active with write" ||
      fail "check: $out"
    pat_umoci_image "$tmp/oci2" v1 "next steps" >/dev/null 2>&1
    check "next steps: skopeo push with the login from the helper" timeout 120 skopeo copy --quiet \
      --dest-tls-verify=false "oci:$tmp/oci2:v1" "docker://127.0.0.1:$PATD_REGISTRY_PORT/qsuser/next:v1"
    exit "$fails"
  ) >"$tmp/next.out" 2>&1
  n=$?
  cat "$tmp/next.out"
  fails=$((fails + n))
else
  fail "could not read the tokens create command from the next steps: '$cmd'"
fi

# second run: nothing restarts, no password needed (stdin empty)
p1=$(cat "$data/patd.pid") r1=$(cat "$data/registry/registry.pid")
qs </dev/null >"$tmp/run2.out" 2>&1
rc=$?
[ $rc = 0 ] && ok "second run" || { fail "second run exit $rc"; tail -n 20 "$tmp/run2.out"; }
[ "$(cat "$data/patd.pid")" = "$p1" ] && ok "patd not restarted" || fail "patd restarted"
[ "$(cat "$data/registry/registry.pid")" = "$r1" ] && ok "registry not restarted" || fail "registry restarted"
grep -q "already exists" "$tmp/run2.out" && ok "account kept" || fail "account message missing"
check "PAT still valid after the second run" curl -sf -m 5 -u "qsuser:$PATD_PAT" \
  "http://127.0.0.1:$PATD_PORT/v2/access-tokens/current"

# a new account (whose name contains the first as a word) with no password on stdin is refused
PATD_USER=qsuser-2 qs </dev/null >"$tmp/run3.out" 2>&1
rc=$?
[ $rc != 0 ] && grep -q "no password" "$tmp/run3.out" && ok "empty password refused" ||
  fail "empty password: exit $rc, $(tail -n 2 "$tmp/run3.out")"

# --stop takes it all down; twice is fine
qs --stop >"$tmp/stop.out" 2>&1
rc=$?
[ $rc = 0 ] && ok "--stop" || fail "--stop exit $rc"
sleep 0.2
! kill -0 "$p1" 2>/dev/null && ok "patd stopped" || fail "patd still runs"
! kill -0 "$r1" 2>/dev/null && ok "registry stopped" || fail "registry still runs"
[ "$(code "http://127.0.0.1:$PATD_PORT/healthz")" = 000 ] && ok "patd port closed" || fail "patd port open"
qs --stop >/dev/null 2>&1 && ok "--stop again" || fail "--stop again"
# and it starts again on the kept data
qs </dev/null >"$tmp/run4.out" 2>&1 && ok "restart after --stop" || fail "restart after --stop"
check "PAT still valid after stop/start" curl -sf -m 5 -u "qsuser:$PATD_PAT" \
  "http://127.0.0.1:$PATD_PORT/v2/access-tokens/current"
check "registry still has the image" timeout 60 skopeo inspect --tls-verify=false \
  --creds "qsuser:$PATD_PAT" "docker://127.0.0.1:$PATD_REGISTRY_PORT/qsuser/hello:v1"

# no secret in patd's log in the data dir
for s in "$pw" "${PATD_PAT:-}" "${PATD_SESSION:-}"; do
  [ ${#s} -ge 8 ] || continue
  if grep -qF -- "$s" "$data/patd.log"; then fail "a secret (${s:0:6}...) is in $data/patd.log"; else ok "secret ${s:0:3}... not in patd.log"; fi
done

echo "# $fails failure(s)"
[ $fails = 0 ]
