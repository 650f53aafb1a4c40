#!/usr/bin/env bash
# The Windows tests under wine64: cross-builds exactly the Windows test
# executables and docker-credential-pat.exe with MinGW-w64 (cmake/mingw-w64-x86_64.cmake) into BUILD and
# runs them in a throw-away WINEPREFIX, whose wineserver is stopped and whose
# directory is removed at the end. Wine's Credential Manager differs from
# Windows' in places; the tests say where (docs/windows.md "Wine").
#   wine_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2

# Each phase's wall time goes to stderr: this test is CI time.
phase_start=$SECONDS
phase() {
  echo "wine_test: $1 took $((SECONDS - phase_start)) s" >&2
  phase_start=$SECONDS
}

# Release without debug info (the cross build is CI time) at -O2: GCC 12's
# -O3 reports a false -Wrestrict inside libstdc++'s std::string.
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$src/cmake/mingw-w64-x86_64.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DPAT_WERROR=ON >/dev/null
cmake --build "$build" --target credential_manager_conformance docker-credential-pat registry_snapshot
phase "the cross build"

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

# A persistent wineserver, and wine's own background processes started with
# no pipe of ours: the helper runs below end when the helper does.
"$wineserver" -p </dev/null >/dev/null 2>&1
timeout 120 "$wine" wineboot </dev/null >/dev/null 2>&1
phase "the WINEPREFIX"

timeout 300 "$wine" "$build/tests/credential_manager_conformance.exe"
phase "the store conformance and interop cases"
# The black-box protocol suite, the same cases as on Linux (those of the PAT
# lifecycle left out and named: tests/blackbox/helper_golden.py).
export PAT_WINE=$wine PAT_WINE_EXE=$build/docker-credential-pat.exe
export PAT_WINE_SNAPSHOT_EXE=$build/tests/registry_snapshot.exe
/usr/bin/python3 "$src/tests/blackbox/helper_golden.py" "$src/tests/windows/wine_helper.sh" credman
phase "the black-box protocol suite"
