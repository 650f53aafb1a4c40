#!/usr/bin/env bash
# format.sh fix|check: clang-format (the repo's .clang-format) over every C++
# file under src/, platform/ and tests/. `fix` rewrites the files; `check`
# changes nothing, lists what it would change and exits 1 if anything would.
# CLANG_FORMAT names the binary (default: clang-format, then clang-format-14).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${1:-check}"
fmt="${CLANG_FORMAT:-$(command -v clang-format || command -v clang-format-14 || true)}"
if [[ -z "$fmt" ]]; then
  echo "format.sh: clang-format not found (apt-get install clang-format)" >&2
  exit 2
fi
mapfile -d '' files < <(find src platform tests -type f \( -name '*.cpp' -o -name '*.hpp' \) \
                          -print0 | sort -z)
case "$mode" in
  fix) "$fmt" -i -- "${files[@]}" ;;
  check)
    out="$("$fmt" --dry-run -- "${files[@]}" 2>&1)" || true
    if [[ -n "$out" ]]; then
      grep -oE '^[^:]+\.(cpp|hpp)' <<<"$out" | sort -u | sed 's/^/not formatted: /' >&2
      echo "format.sh: run 'cmake --build <build> --target format' (or tools/format.sh fix)" >&2
      exit 1
    fi
    ;;
  *) echo "usage: $0 fix|check" >&2; exit 2 ;;
esac
