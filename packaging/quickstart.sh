#!/usr/bin/env bash
# The README's first command, for a fresh Debian 12 or Ubuntu machine:
#   1. installs the build and runtime packages (packaging/install-deps.sh runtime),
#   2. builds a Release of docker-credential-pat,
#   3. installs it into /usr/local/bin as root, ~/.local/bin otherwise,
#   4. sets "credsStore": "pat" in ${DOCKER_CONFIG:-~/.docker}/config.json,
#      keeping every other key, after a timestamped backup of the old file,
#   5. installs patd beside it and starts it (systemd user unit, else background),
#      a local docker-registry that trusts it, and an account for the user,
#   6. prints what to do next.
# `--stop` stops patd and the registry. Running it again is safe: nothing changes that is already right.
#
# Environment (for packagers and tests):
#   PAT_PREFIX      install into $PAT_PREFIX/bin instead of the default
#   PAT_BUILD_DIR   Release build directory (default: <repo>/build-release)
#   PAT_SKIP_BUILD=1  use the binaries already built in PAT_BUILD_DIR
# and the PATD_* variables of the patd section below.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PAT_BUILD_DIR:-$root/build-release}
docker_config_dir=${DOCKER_CONFIG:-$HOME/.docker}
helper_name=docker-credential-pat

say() { printf '==> %s\n' "$*"; }
warn() { printf 'quickstart: warning: %s\n' "$*" >&2; }
die() {
  printf 'quickstart: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<EOF
usage: packaging/quickstart.sh [--stop]
Installs the dependencies, builds a Release of $helper_name, installs it and
makes docker use it ("credsStore": "pat"). Then installs patd, starts it and a
local docker-registry that trusts it, and creates your account (password asked,
or read from stdin). Safe to run again. --stop stops patd and the registry.
EOF
}

# --- the helper ----------------------------------------------------------------

install_deps() {
  say "installing packages (packaging/install-deps.sh runtime)"
  "$root/packaging/install-deps.sh" runtime
}

# bin_dir: where the executables go. Prints the directory.
bin_dir() {
  if [ -n "${PAT_PREFIX:-}" ]; then
    printf '%s/bin\n' "$PAT_PREFIX"
  elif [ "$(id -u)" -eq 0 ]; then
    printf '/usr/local/bin\n'
  else
    printf '%s/.local/bin\n' "$HOME"
  fi
}

build_helper() {
  say "building a Release in $build_dir"
  local generator=()
  # Keep whatever generator an existing build dir was configured with.
  if [ ! -f "$build_dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then
    generator=(-G Ninja)
  fi
  mkdir -p "$build_dir"
  # The configure output is long and mostly notes; show it only if it fails.
  if ! cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DPAT_BUILD_TESTS=OFF >"$build_dir/quickstart-configure.log" 2>&1; then
    cat "$build_dir/quickstart-configure.log" >&2
    die "cmake could not configure the build (log: $build_dir/quickstart-configure.log)"
  fi
  cmake --build "$build_dir" --target "$helper_name" -j"$(nproc)"
}

install_helper() {
  local dir
  dir=$(bin_dir)
  mkdir -p "$dir"
  # install(1) writes a new file, so a helper that docker is running right
  # now is never modified in place.
  install -m 0755 "$build_dir/$helper_name" "$dir/$helper_name"
  say "installed $dir/$helper_name ($("$dir/$helper_name" version 2>/dev/null | head -n 1))"
  case ":$PATH:" in
    *":$dir:"*) ;;
    *)
      warn "$dir is not on your PATH, so docker cannot find $helper_name."
      warn "add it, e.g.: echo 'export PATH=\"$dir:\$PATH\"' >> ~/.profile"
      ;;
  esac
}

# configure_docker [REGISTRY...]: sets "credsStore": "pat" in config.json, and
# a "credHelpers" entry "pat" for each REGISTRY (skopeo and the rest of
# containers/image read credHelpers, not credsStore), keeping every other key
# (other credHelpers entries still win for their registries). JSON is edited
# with python3, never with sed. Call it once per run: the old file is backed
# up only when something changes, so running this again neither rewrites nor
# backs up.
configure_docker() {
  local config=$docker_config_dir/config.json
  # shellcheck disable=SC2174  # only the config dir itself must be private
  [ -d "$docker_config_dir" ] || mkdir -p -m 700 "$docker_config_dir"
  python3 - "$config" "$(date -u +%Y%m%d-%H%M%S)" "$@" <<'EOF'
import json, os, shutil, sys, tempfile

path, stamp, registries = sys.argv[1], sys.argv[2], sys.argv[3:]
# Write through a symlinked config.json (dotfile managers) instead of replacing the link.
real = os.path.realpath(path)
config = {}
if os.path.exists(real):
    try:
        with open(real, encoding="utf-8") as f:
            text = f.read()
        config = json.loads(text) if text.strip() else {}
    except (OSError, ValueError) as e:
        sys.exit(f"quickstart: error: cannot read {path}: {e}; fix or move it, then run again")
    if not isinstance(config, dict):
        sys.exit(f"quickstart: error: {path} is not a JSON object; fix or move it, then run again")

old = config.get("credsStore")
helpers = config.get("credHelpers")
if helpers is not None and not isinstance(helpers, dict):
    sys.exit(f"quickstart: error: \"credHelpers\" in {path} is not a JSON object; fix it, then run again")
missing = [r for r in registries if (helpers or {}).get(r) != "pat"]
if old == "pat" and not missing:
    print(f"==> docker already uses the helper: {path} has \"credsStore\": \"pat\"")
else:
    config["credsStore"] = "pat"
    if missing:
        config["credHelpers"] = dict(helpers or {}, **{r: "pat" for r in missing})
    mode = 0o600
    if os.path.exists(real):
        backup = f"{real}.{stamp}.bak"
        shutil.copy2(real, backup)
        mode = os.stat(real).st_mode & 0o777
        print(f"==> backed up {path} to {backup}")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(real), prefix=".config.json.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(config, f, indent="\t")
        f.write("\n")
    os.chmod(tmp, mode)
    os.replace(tmp, real)
    if old != "pat":
        was = f" (was \"{old}\")" if old else ""
        print(f"==> set \"credsStore\": \"pat\" in {path}{was}")
    for r in missing:
        print(f"==> set \"credHelpers\": {{\"{r}\": \"pat\"}} (for skopeo)")

# Inline credentials are no longer used once a helper is configured
# (docker reads the helper instead); say which registries need a new login.
inline = [k for k, v in (config.get("auths") or {}).items()
          if isinstance(v, dict) and (v.get("auth") or v.get("identitytoken"))]
for key in inline:
    print(f"quickstart: warning: {path} holds inline credentials for {key}; "
          f"run `docker login {key}` once to move them into the keychain", file=sys.stderr)
EOF
}

next_steps_helper() {
  cat <<EOF

Next: log in to a registry; docker now keeps the secret in your keychain
(the Secret Service in a desktop session, the kernel keyring otherwise):
  docker login <registry>
  $helper_name list        # shows which registries have a stored login
EOF
}

# --- patd ----------------------------------------------------------------------
# The service side: install patd beside the helper, run it on SQLite on
# 127.0.0.1 (a systemd user unit where `systemctl --user` works, else in the
# background with a pid file in the data dir), a local docker-registry that
# trusts it (config, log and pid file in the data dir), and an account for the
# user. Each step checks what is already there, so a second run changes nothing.
#   PATD_DATA_DIR        data dir (default ${XDG_DATA_HOME:-~/.local/share}/patd)
#   PATD_PORT            patd's port (default 5001); PATD_REGISTRY_PORT (default 5000)
#   PATD_USER            account name (default: your login name)
#   PATD_NO_SYSTEMD=1    never use systemd, always the background + pid file mode
#   PAT_QUICKSTART_SERVICE=0  helper only: skip everything in this section

patd_data=${PATD_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/patd}
patd_port=${PATD_PORT:-5001}
registry_port=${PATD_REGISTRY_PORT:-5000}
patd_service=127.0.0.1:$registry_port
patd_issuer=patd-quickstart
patd_unit=patd.service

build_patd() {
  say "building patd in $build_dir"
  cmake --build "$build_dir" --target patd -j"$(nproc)"
}

install_patd() {
  local dir
  dir=$(bin_dir)
  mkdir -p "$dir"
  install -m 0755 "$build_dir/patd" "$dir/patd"
  say "installed $dir/patd ($("$dir/patd" --version 2>/dev/null | head -n 1))"
}

use_systemd() {
  [ "${PATD_NO_SYSTEMD:-0}" != 1 ] && command -v systemctl >/dev/null &&
    systemctl --user show-environment >/dev/null 2>&1
}

# pid_alive FILE NAME: the pid in FILE runs a process whose command line has NAME
# (so a stale pid file never makes us signal an unrelated process).
pid_alive() {
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"
}

# wait_http URL CODE SECONDS
wait_http() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" || true)" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

start_patd() {
  local bin
  bin=$(bin_dir)/patd
  mkdir -p "$patd_data"
  chmod 700 "$patd_data"
  if use_systemd; then
    local unit_dir=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user
    mkdir -p "$unit_dir"
    sed -e "s|@PATD_BIN@|$bin|" -e "s|@PORT@|$patd_port|" -e "s|@DATA_DIR@|$patd_data|" \
      -e "s|@SERVICE@|$patd_service|" -e "s|@ISSUER@|$patd_issuer|" -e "s|@DOCS@|$root/README.md|" \
      "$root/packaging/patd.service" >"$unit_dir/$patd_unit.new"
    if cmp -s "$unit_dir/$patd_unit.new" "$unit_dir/$patd_unit"; then
      rm -f "$unit_dir/$patd_unit.new"
    else
      mv "$unit_dir/$patd_unit.new" "$unit_dir/$patd_unit"
      systemctl --user daemon-reload
    fi
    systemctl --user enable --now "$patd_unit" >/dev/null 2>&1 || die "systemctl --user could not start $patd_unit"
    say "patd runs as the systemd user unit $patd_unit (systemctl --user status patd)"
  elif pid_alive "$patd_data/patd.pid" patd; then
    say "patd already runs (pid $(cat "$patd_data/patd.pid"))"
  else
    nohup "$bin" serve --listen "127.0.0.1:$patd_port" --data-dir "$patd_data" \
      --service "$patd_service" --issuer "$patd_issuer" </dev/null >>"$patd_data/patd.log" 2>&1 &
    echo $! >"$patd_data/patd.pid"
    say "patd started in the background (pid $!, log $patd_data/patd.log)"
  fi
  wait_http "http://127.0.0.1:$patd_port/healthz" 200 15 ||
    die "patd does not answer on 127.0.0.1:$patd_port (log: $patd_data/patd.log)"
}

start_registry() {
  local dir=$patd_data/registry
  mkdir -p "$dir/storage"
  "$(bin_dir)/patd" cert --data-dir "$patd_data" >"$dir/patd-cert.pem.new" ||
    die "patd cert failed"
  mv "$dir/patd-cert.pem.new" "$dir/patd-cert.pem"
  cat >"$dir/config.yml.new" <<EOF
# written by packaging/quickstart.sh: a local registry that trusts patd
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$registry_port
auth:
  token:
    realm: http://127.0.0.1:$patd_port/token
    service: $patd_service
    issuer: $patd_issuer
    rootcertbundle: $dir/patd-cert.pem
EOF
  local changed=1
  cmp -s "$dir/config.yml.new" "$dir/config.yml" && changed=0
  mv "$dir/config.yml.new" "$dir/config.yml"
  if pid_alive "$dir/registry.pid" docker-registry; then
    if [ $changed = 0 ]; then
      say "docker-registry already runs on 127.0.0.1:$registry_port (pid $(cat "$dir/registry.pid"))"
      return 0
    fi
    stop_pidfile "$dir/registry.pid" docker-registry
  fi
  nohup docker-registry serve "$dir/config.yml" </dev/null >>"$dir/registry.log" 2>&1 &
  echo $! >"$dir/registry.pid"
  wait_http "http://127.0.0.1:$registry_port/v2/" 401 15 ||
    die "docker-registry does not answer on 127.0.0.1:$registry_port (log: $dir/registry.log)"
  say "docker-registry on 127.0.0.1:$registry_port trusts patd (config $dir/config.yml)"
}

# patd_account_name: PATD_USER, else the login name in lower case (patd names
# are a-z, 0-9, '.', '_', '-').
patd_account_name() {
  local name=${PATD_USER:-$(id -un)}
  printf '%s\n' "${name,,}"
}

create_account() {
  local name bin pw pw2
  name=$(patd_account_name)
  bin=$(bin_dir)/patd
  # `patd user list`: one account per line, the name in the first tab-separated column
  if "$bin" user list --data-dir "$patd_data" 2>/dev/null | cut -f1 | grep -qxF -- "$name"; then
    say "patd account '$name' already exists"
    return 0
  fi
  if [ -t 0 ]; then
    read -rs -p "Choose a password for the patd account '$name': " pw && echo
    read -rs -p "Repeat it: " pw2 && echo
    [ "$pw" = "$pw2" ] || die "the passwords differ; run again"
  else
    IFS= read -r pw || true
  fi
  [ -n "$pw" ] || die "no password for the patd account '$name' (type one, or pipe it on stdin)"
  printf '%s\n' "$pw" | "$bin" user add "$name" --password-stdin --data-dir "$patd_data" >/dev/null ||
    die "patd user add $name failed"
  say "created the patd account '$name'"
}

next_steps_patd() {
  local name reg=127.0.0.1:$registry_port
  name=$(patd_account_name)
  cat <<EOF

Then, with your local patd: create a token straight into the keychain (it
signs in with your patd password), see what it may do, and push an image
(skopeo gets the login from the helper):
  $helper_name tokens create --registry $reg --username $name \\
    --label laptop --scope write --store $reg
  $helper_name check $reg
  skopeo copy --dest-tls-verify=false \\
    docker://docker.io/library/busybox:latest docker://$reg/$name/busybox:latest
Or log in as usual with \`docker login $reg -u $name\`: with a token, or with your
patd password, which the helper exchanges for a token (only the token is kept).
Stop it all with: packaging/quickstart.sh --stop
EOF
}

# stop_pidfile FILE NAME: TERM the process (bounded wait, then KILL), remove FILE.
stop_pidfile() {
  local pid i
  if pid_alive "$1" "$2"; then
    pid=$(cat "$1")
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped $2 (pid $pid)"
  fi
  rm -f "$1"
}

stop_service() {
  if use_systemd && systemctl --user cat "$patd_unit" >/dev/null 2>&1; then
    systemctl --user disable --now "$patd_unit" >/dev/null 2>&1 || true
    say "stopped the systemd user unit $patd_unit"
  fi
  stop_pidfile "$patd_data/patd.pid" patd
  stop_pidfile "$patd_data/registry/registry.pid" docker-registry
  say "patd and its registry are stopped (data kept in $patd_data)"
}

service_side() {
  [ "${PAT_QUICKSTART_SERVICE:-1}" != 0 ] || return 0
  [ "${PAT_SKIP_BUILD:-0}" = 1 ] || build_patd
  install_patd
  start_patd
  start_registry
  create_account
}

main() {
  case "${1:-}" in
    -h | --help)
      usage
      exit 0
      ;;
    --stop)
      stop_service
      exit 0
      ;;
    "") ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
  install_deps
  [ "${PAT_SKIP_BUILD:-0}" = 1 ] || build_helper
  install_helper
  if [ "${PAT_QUICKSTART_SERVICE:-1}" != 0 ]; then
    # skopeo gets the local registry's login from the helper too.
    configure_docker "127.0.0.1:$registry_port"
  else
    configure_docker
  fi
  service_side
  next_steps_helper
  [ "${PAT_QUICKSTART_SERVICE:-1}" = 0 ] || next_steps_patd
}

main "$@"
