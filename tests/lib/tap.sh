# shellcheck shell=bash
# ok/FAIL lines and a failure count for test scripts that run many checks
# and report all of them (source it, then end with `tap_done`).
#   ok DESC | fail DESC        print a line; fail counts
#   check DESC CMD...          run CMD (output to $tap_out), ok or fail with its tail
#   tap_done                   print the count; returns 1 on any failure
fails=0
tap_out=$(mktemp "${TMPDIR:-/tmp}/tap.XXXXXX")
ok() { echo "ok - $*"; }
fail() {
  echo "FAIL - $*"
  fails=$((fails + 1))
}
check() {
  local d=$1
  shift
  if "$@" >"$tap_out" 2>&1; then ok "$d"; else fail "$d"; tail -n 20 "$tap_out" | sed 's/^/    /'; fi
}
tap_done() {
  rm -f "$tap_out"
  echo "$fails failure(s)"
  [ "$fails" -eq 0 ]
}
