#!/usr/bin/env bash
# One man page from a program's own --help (help2man), gzipped for Debian.
#   help2man.sh HELP2MAN PROGRAM SECTION PAGE VERSION DESCRIPTION INCLUDE OUT [COMMAND...]
# PAGE is the page's name (docker-credential-pat-tokens-create); COMMAND the
# words before --help (tokens create). INCLUDE adds sections --help has no
# place for (SEE ALSO, FILES). SOURCE_DATE_EPOCH (default: 0 = reproducible
# pages) dates the page.
set -euo pipefail
h2m=$1 program=$2 section=$3 page=$4 version=$5 description=$6 include=$7 out=$8
shift 8
help_option="${*:+$* }--help"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# help2man runs "PROGRAM OPTION" through the shell; a link named after the page
# gives the page its NAME, and stdin is closed so no command waits on it.
ln -s "$program" "$tmp/$page"
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0} "$h2m" --no-info --no-discard-stderr \
  --section="$section" --name="$description" --version-string="$page $version" \
  --help-option="$help_option" --include="$include" --output="$tmp/$page.$section" \
  "$tmp/$page" </dev/null
# a page must not name the temporary link
sed -i "s|$tmp/||g" "$tmp/$page.$section"
gzip -9n -c "$tmp/$page.$section" >"$out"
