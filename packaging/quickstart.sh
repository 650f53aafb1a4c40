#!/usr/bin/env bash
# The README's first command, for a fresh Debian 12 or Ubuntu machine:
#   1. installs the build and runtime packages (packaging/install-deps.sh runtime),
#   2. builds a Release of docker-credential-pat,
#   3. installs it into /usr/local/bin as root, ~/.local/bin otherwise,
#   4. sets "credsStore": "pat" in ${DOCKER_CONFIG:-~/.docker}/config.json,
#      keeping every other key, after a timestamped backup of the old file,
#   5. prints what to do next.
# Running it again is safe: nothing changes that is already right.
#
# Environment (for packagers and tests):
#   PAT_PREFIX      install into $PAT_PREFIX/bin instead of the default
#   PAT_BUILD_DIR   Release build directory (default: <repo>/build-release)
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
usage: packaging/quickstart.sh
Installs the dependencies, builds a Release of $helper_name, installs it and
makes docker use it ("credsStore": "pat"). Safe to run again.
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

# configure_docker: sets "credsStore": "pat" in config.json, keeping every other
# key (credHelpers entries still win for their registries). JSON is edited with
# python3, never with sed. The old file is backed up only when something
# changes, so running this again neither rewrites nor backs up.
configure_docker() {
  local config=$docker_config_dir/config.json
  # shellcheck disable=SC2174  # only the config dir itself must be private
  [ -d "$docker_config_dir" ] || mkdir -p -m 700 "$docker_config_dir"
  python3 - "$config" "$(date -u +%Y%m%d-%H%M%S)" <<'EOF'
import json, os, shutil, sys, tempfile

path, stamp = sys.argv[1], sys.argv[2]
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
if old == "pat":
    print(f"==> docker already uses the helper: {path} has \"credsStore\": \"pat\"")
else:
    config["credsStore"] = "pat"
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
    was = f" (was \"{old}\")" if old else ""
    print(f"==> set \"credsStore\": \"pat\" in {path}{was}")

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
# The service side (install patd, start it, a local registry that trusts it,
# an account for the user) plugs in here, as its own functions called from
# main after configure_docker. It is added by the patd engineers.

main() {
  case "${1:-}" in
    -h | --help)
      usage
      exit 0
      ;;
    "") ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
  install_deps
  build_helper
  install_helper
  configure_docker
  next_steps_helper
}

main "$@"
