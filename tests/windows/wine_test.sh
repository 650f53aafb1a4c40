#!/usr/bin/env bash
# The Windows tests under wine64: cross-builds exactly the Windows test
# executables with MinGW-w64 (cmake/mingw-w64-x86_64.cmake) into BUILD and
# runs them in a throw-away WINEPREFIX, whose wineserver is stopped and whose
# directory is removed at the end. Wine's Credential Manager differs from
# Windows' in places; the tests say where (docs/windows.md "Wine").
#   wine_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2

# Release without debug info (the cross build is CI time) at -O2: GCC 12's
# -O3 reports a false -Wrestrict inside libstdc++'s std::string.
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$src/cmake/mingw-w64-x86_64.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DPAT_WERROR=ON >/dev/null
cmake --build "$build" --target credential_manager_conformance

wine=/usr/lib/wine/wine64  # Debian's wine64 package puts no wine64 on PATH
[ -x "$wine" ] || wine=$(command -v wine64)
wineserver=$(dirname "$wine")/wineserver
[ -x "$wineserver" ] || wineserver=$(command -v wineserver)

WINEPREFIX=$(mktemp -d "${TMPDIR:-/tmp}/pat-wine.XXXXXX")
export WINEPREFIX WINEDEBUG=-all
cleanup() {
  "$wineserver" -k 2>/dev/null || true
  rm -rf "$WINEPREFIX"
}
trap cleanup EXIT

timeout 300 "$wine" "$build/tests/credential_manager_conformance.exe"
