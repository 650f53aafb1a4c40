#!/usr/bin/env bash
# tidy-changed.sh BUILD_DIR [BASE]: clang-tidy (the repo's .clang-tidy) on the
# C++ files a change touches, with BUILD_DIR/compile_commands.json.
#
# The change is BASE...HEAD plus what is not committed yet. BASE defaults to
# $PAT_TIDY_BASE, else the merge base with `main`; when that is HEAD itself
# (on main), the last commit is checked. A changed header is checked through
# the .cpp beside it (HeaderFilterRegex reports findings in our headers).
# Files that are not in the compilation database (scripts, deleted files,
# sources of a disabled option) are skipped. $PAT_TIDY_MAX_FILES (default:
# no limit) caps the files checked, product code first, so that CI stays
# cheap after a commit that touches many files (a reformat); the files left
# out are named. One file costs about 15 s of CPU (clang-analyzer). Exit 1
# when clang-tidy reports anything.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${1:?usage: tidy-changed.sh BUILD_DIR [BASE]}"
db="$build/compile_commands.json"
[[ -f "$db" ]] || { echo "tidy-changed.sh: no $db (configure the build first)" >&2; exit 2; }
tidy="${CLANG_TIDY:-$(command -v clang-tidy || command -v clang-tidy-14 || true)}"
[[ -n "$tidy" ]] || { echo "tidy-changed.sh: clang-tidy not found (apt-get install clang-tidy)" >&2; exit 2; }
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "tidy-changed.sh: not a git checkout, nothing to compare; skipped" >&2
  exit 0
fi

base="${2:-${PAT_TIDY_BASE:-}}"
if [[ -z "$base" ]]; then
  base="$(git merge-base HEAD main 2>/dev/null || true)"
  if [[ -z "$base" || "$base" == "$(git rev-parse HEAD)" ]]; then
    base="$(git rev-parse --verify -q HEAD~1 || true)"
  fi
fi
[[ -n "$base" ]] || { echo "tidy-changed.sh: no base commit; skipped" >&2; exit 0; }
if ! git rev-parse --verify -q "$base^{commit}" >/dev/null; then
  echo "tidy-changed.sh: $base is not in this clone (shallow?); skipped" >&2
  exit 0
fi

mapfile -t changed < <({
  git diff --name-only --diff-filter=ACMR "$base" HEAD
  git diff --name-only --diff-filter=ACMR HEAD
  git ls-files --others --exclude-standard
} | grep -E '^(src|platform|tests)/.*\.(cpp|hpp)$' | sort -u)

files=()
for f in "${changed[@]}"; do
  [[ "$f" == *.hpp ]] && f="${f%.hpp}.cpp"
  [[ -f "$f" ]] || continue
  grep -qF "\"file\": \"$PWD/$f\"" "$db" && files+=("$f")
done
# Product code (src/, platform/) before tests, so a cap leaves out tests first.
mapfile -t files < <(printf '%s\n' "${files[@]}" | sed '/^$/d' | sort -u |
                     awk '{ print (/^tests\//) ? 1 : 0, $0 }' | sort -s -k1,1n | cut -d' ' -f2-)
if ((${#files[@]} == 0)); then
  echo "tidy-changed.sh: no C++ file changed since ${base:0:12}"
  exit 0
fi
echo "tidy-changed.sh: ${#files[@]} file(s) changed since ${base:0:12}"
max="${PAT_TIDY_MAX_FILES:-0}"
if ((max > 0 && ${#files[@]} > max)); then
  echo "tidy-changed.sh: checking the first $max (PAT_TIDY_MAX_FILES); not checked:" \
       "${files[*]:max}" >&2
  files=("${files[@]:0:max}")
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# -warnings-as-errors: any finding fails the run; output only for findings.
status=0
printf '%s\0' "${files[@]}" |
  xargs -0 -n 1 -P "${PAT_TIDY_JOBS:-2}" "$tidy" -p "$build" --quiet --warnings-as-errors='*' \
  >"$log" 2>&1 || status=1
if ((status != 0)); then
  grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Error while processing' "$log" >&2 || true
  echo "tidy-changed.sh: clang-tidy found problems" >&2
  exit 1
fi
echo "tidy-changed.sh: clean"
