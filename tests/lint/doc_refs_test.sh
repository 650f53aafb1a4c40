#!/usr/bin/env bash
# The checker finds each kind of outside reference in a small tree (so the
# real run below can fail), then passes on the repository itself.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check="$here/doc_refs.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0

mkdir -p "$tmp/src" "$tmp/docs"
echo "# ok" >"$tmp/docs/present.md"
i="iss""ue"
{
  echo "// fine: docs/present.md and README.md"
  echo "// bad 1: see $i 16"
  echo "// bad 2: /work/shared/docs/style.md"
  echo "// bad 3: token-service.md"
  echo "// bad 4: docs/absent.md"
  echo "// bad 5: reference §2.2"
  echo "# bad 6: $i-9 defences"
} >"$tmp/src/a.cpp"
printf '# Doc\n\nSee docs/present.md.\nThe lifecycle (%s 4).\n' "$i" >"$tmp/README.md"
out="$(bash "$check" "$tmp" 2>&1)"
status=$?
if ((status != 1)); then
  echo "not ok - checker exits $status on a tree with bad references"; fail=1
fi
for line in 2 3 4 5 6 7; do
  grep -q "^src/a.cpp:$line:" <<<"$out" || { echo "not ok - line $line not reported"; fail=1; }
done
grep -q "^README.md:4:" <<<"$out" || { echo "not ok - an issue number in README.md not reported"; fail=1; }
grep -q "^README.md:3:" <<<"$out" && { echo "not ok - a good README line was reported"; fail=1; }
grep -q "^src/a.cpp:1:" <<<"$out" && { echo "not ok - a good line was reported"; fail=1; }
((fail == 0)) && echo "ok - the checker reports each kind of outside reference"

if bash "$check"; then
  echo "ok - the repository's sources point only into the repository"
else
  echo "not ok - outside references in the repository (above)"; fail=1
fi
exit "$fail"
