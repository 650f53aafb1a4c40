#!/usr/bin/env bash
# packaging_sync_test.sh SOURCE_DIR BUILD_DIR: what packaging/ writes by hand
# matches what the programs accept. Each option of `patd serve --help` is a
# key (set or commented) of packaging/deb/patd.conf and each key there is an
# option; each command and option in the programs' --help appears in the
# bash, zsh and fish completions. A flag added to the code without the
# packaging fails here.
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2; exit 2; }
src=$1 build=$2
helper=$build/docker-credential-pat patd=$build/patd
for f in "$helper" "$patd"; do
  [ -x "$f" ] || { echo "SKIP: $f not built"; exit 77; }
done
comp=$src/packaging/completions
# shellcheck source=../lib/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
# the long options an option table prints: "  --name arg", "  -h [ --help ]"
flags() { "$@" --help </dev/null | grep -oE '^ +(-[a-z] \[ )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' | sort -u; }

# --- patd.conf <-> patd serve's options -----------------------------------------------
conf=$src/packaging/deb/patd.conf
conf_keys=$(grep -oE '^#?[a-z0-9-]+ = ' "$conf" | tr -d '# =' | sort -u)
serve_keys=$(flags "$patd" serve | sed 's/^--//' | grep -vxE 'config|help' | sort -u)
missing=$(comm -13 <(echo "$conf_keys") <(echo "$serve_keys"))
extra=$(comm -23 <(echo "$conf_keys") <(echo "$serve_keys"))
[ -z "$missing" ] && ok "patd.conf has every option of patd serve" ||
  fail "patd.conf lacks: $(echo $missing)"
[ -z "$extra" ] && ok "patd.conf has no key patd serve does not know" ||
  fail "patd.conf has unknown keys: $(echo $extra)"
grep -qxF 'data-dir = /var/lib/patd' "$conf" && ok "patd.conf sets data-dir = /var/lib/patd" ||
  fail "patd.conf does not set data-dir = /var/lib/patd"

# --- completions <-> commands and options ----------------------------------------------------
# has_all PROGRAM-FILES-PREFIX WORD...: every word is in each of the three files
check_completions() { # NAME BASH ZSH FISH WORDS...
  local name=$1 b=$2 z=$3 f=$4
  shift 4
  local w lacking=""
  for w in "$@"; do
    local bare=${w#--}
    grep -qE -- "(^|[^a-z0-9-])$w([^a-z0-9-]|$)" "$b" || lacking+=" bash:$w"
    grep -qE -- "(^|[^a-z0-9-])$w([^a-z0-9-]|$)" "$z" || lacking+=" zsh:$w"
    if [[ $w == --* ]]; then
      grep -qE -- "(-l $bare|\\b$bare\\b)" "$f" || lacking+=" fish:$w"
    else
      grep -qE -- "\\b$w\\b" "$f" || lacking+=" fish:$w"
    fi
  done
  [ -z "$lacking" ] && ok "$name completions know: $*" || fail "$name completions lack:$lacking"
}

hb=$comp/docker-credential-pat.bash hz=$comp/_docker-credential-pat hf=$comp/docker-credential-pat.fish
check_completions helper "$hb" "$hz" "$hf" store get erase list version tokens check login logout ci configure doctor accounts
for c in "tokens list" "tokens create" "tokens rename" "tokens activate" "tokens deactivate" \
  "tokens delete" check login logout "ci login" "ci logout" configure doctor "accounts list" \
  "accounts use" "accounts remove"; do
  # shellcheck disable=SC2086
  read -ra opts <<<"$(flags "$helper" $c | tr '\n' ' ')"
  [ ${#opts[@]} -gt 0 ] || { fail "docker-credential-pat $c --help lists no options"; continue; }
  check_completions "helper $c" "$hb" "$hz" "$hf" "${opts[@]}"
done
pb=$comp/patd.bash pz=$comp/_patd pf=$comp/patd.fish
check_completions patd "$pb" "$pz" "$pf" serve user oidc cert add 2fa enable disable \
  add-issuer list-issuers remove-issuer policy remove
for c in serve user oidc cert; do
  read -ra opts <<<"$(flags "$patd" $c | tr '\n' ' ')"
  [ ${#opts[@]} -gt 0 ] || { fail "patd $c --help lists no options"; continue; }
  check_completions "patd $c" "$pb" "$pz" "$pf" "${opts[@]}"
done

tap_done
