#!/usr/bin/env bash
# doc_refs.sh [ROOT]: the repository's sources point readers only at what
# the repository holds. Fails (exit 1, one line per finding) on
#  - an issue number ("issue 12", "issues #3", "issue-9"): issues move and
#    close, the reason belongs in the comment or in docs/ (also checked in
#    README.md and docs/);
#  - a path outside the repository (/work/…, shared/docs) or a reference
#    document by section ("reference §2"), which a reader of the repo has not
#    got (also checked in README.md and docs/);
#  - a Markdown file other than README.md that is not named docs/NAME.md, or
#    a docs/NAME.md that does not exist.
# Scans src/, platform/, tests/, packaging/, tools/, .ci/ and the top-level
# CMakeLists.txt (text files only), except tests/lint/, which holds these
# patterns. ROOT defaults to the repository.
set -uo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "$root" || exit 2
dirs=()
for d in src platform tests packaging tools .ci CMakeLists.txt; do [[ -e "$d" ]] && dirs+=("$d"); done

bad=0
report() { printf '%s: %s\n' "$1" "$2" >&2; bad=1; }

texts=("${dirs[@]}")
for d in README.md docs; do [[ -e "$d" ]] && texts+=("$d"); done
scan() { grep -rnIE "$@" "${dirs[@]}" | grep -v '^tests/lint/'; }
scan_all() { grep -rnIE "$@" "${texts[@]}" | grep -v '^tests/lint/'; }

while IFS= read -r hit; do report "$hit" "names an issue; say why here or point at docs/"; done \
  < <(scan_all -i '\bissues?[[:space:]#-]*[0-9]+')
while IFS= read -r hit; do report "$hit" "points outside the repository; point at docs/"; done \
  < <(scan_all '/work/|shared/docs|reference[[:space:]]+§')

while IFS= read -r hit; do
  ref="${hit##*:}"
  case "$ref" in
    *README.md) ;;
    docs/*.md) [[ "$ref" =~ ^docs/[A-Za-z0-9_-]+\.md$ && -f "$ref" ]] ||
                 report "${hit%:*}" "$ref does not exist" ;;
    *) report "${hit%:*}" "$ref is not in docs/; name it docs/NAME.md" ;;
  esac
done < <(scan -o '[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b')

((bad == 0)) && echo "doc_refs: every reference points into the repository"
exit "$bad"
