#!/usr/bin/env bash
# Installs what the project needs from Debian 12 / Ubuntu packages.
#   install-deps.sh build    the compiler and -dev libraries (quickstart)
#   install-deps.sh test     build + every real service the test suite drives
#   install-deps.sh fuzz     build + clang and libFuzzer (tests/fuzz/run.sh)
# Skips apt-get entirely when everything is already installed, so repeated
# runs are fast and work offline.
set -euo pipefail

build_pkgs=(
  g++ cmake ninja-build pkg-config
  libsystemd-dev libkeyutils-dev
  libboost1.81-dev libboost-program-options1.81-dev libboost-url1.81-dev
  nlohmann-json3-dev libcurl4-openssl-dev libssl-dev libsodium-dev libsqlite3-dev
  libpq-dev libpqxx-dev libqrencode-dev
)
runtime_pkgs=(
  dbus gnome-keyring keyutils docker-registry skopeo openssl curl ca-certificates python3 jq
)
test_pkgs=(
  catch2 dbus-x11 libsecret-tools golang-docker-credential-helpers umoci jq
  apache2-utils python3 procps psmisc wrk nginx-light hyperfine clang-tidy clang-format time
  postgresql strace python3-jwt python3-cryptography python3-dbus python3-gi
  help2man lintian dpkg-dev file bash-completion zsh fish
  chromium chromium-driver python3-selenium zbar-tools
  g++-mingw-w64-x86-64-posix wine64
)
fuzz_pkgs=(clang-14 libclang-rt-14-dev catch2)

case "${1:-build}" in
  build) pkgs=("${build_pkgs[@]}") ;;
  runtime) pkgs=("${build_pkgs[@]}" "${runtime_pkgs[@]}") ;;
  test) pkgs=("${build_pkgs[@]}" "${runtime_pkgs[@]}" "${test_pkgs[@]}") ;;
  fuzz) pkgs=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
  *) echo "usage: $0 build|runtime|test|fuzz" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
