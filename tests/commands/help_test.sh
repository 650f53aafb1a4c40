#!/usr/bin/env bash
# help_test.sh HELPER: discoverability. `help`, `--help` and `-h` list every
# protocol action and every command with one line, point to COMMAND --help
# and name the README section; each listed command's --help works;
# `--version` starts with `version`'s exact line and names the stores and
# transports; `ci login --help` shows the keyless options too.
set -uo pipefail
HELPER=${1:?usage: help_test.sh HELPER}
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

run_helper help
expect_eq "help: exit 0" "$RC" 0
help=$OUT
expect_eq "help: upstream's usage line first" "$(head -n1 <<<"$help")" \
  "Usage: docker-credential-pat <store|get|erase|list|version>"
for word in store get erase list version tokens check ci configure doctor login logout accounts help; do
  [ "$(grep -cE "^  $word +[a-z]" <<<"$help")" = 1 ] && ok "help lists $word on one line" ||
    fail "help does not list $word on one line"
done
expect_contains "help points to COMMAND --help" "$help" "Run 'docker-credential-pat COMMAND --help'"
expect_contains "help names the README section" "$help" 'README.md, sections "Commands"'
for flag in --help -h; do
  run_helper "$flag"
  expect_eq "$flag is help" "$OUT" "$help"
  expect_eq "$flag: exit 0" "$RC" 0
done
# Every command help lists (between "Commands:" and the blank line) has a --help.
commands=$(sed -n '/^Commands:/,/^$/p' <<<"$help" | grep -oE '^  [a-z]+' | tr -d ' ')
[ "$(wc -w <<<"$commands")" -ge 8 ] && ok "help lists $(wc -w <<<"$commands") commands" ||
  fail "help lists too few commands: $commands"
for c in $commands; do
  [ "$c" = help ] && continue
  sub=""
  [ "$c" = tokens ] && sub=list
  [ "$c" = ci ] && sub=login
  # shellcheck disable=SC2086
  run_helper $c $sub --help
  expect_eq "$c $sub --help: exit 0" "$RC" 0
  expect_contains "$c $sub --help: usage" "$(head -n1 <<<"$OUT")" "Usage: docker-credential-pat $c"
done
run_helper accounts --help
expect_contains "accounts --help names its commands" "$OUT" "  use R USERNAME"
expect_contains "accounts --help names the override" "$OUT" "DOCKER_CREDENTIAL_PAT_ACCOUNT"
run_helper accounts
expect_eq "accounts without a command: exit 2" "$RC" 2
expect_eq "accounts without a command: usage on stderr" "$(head -n1 <<<"$ERR")" \
  "Usage: docker-credential-pat accounts <list|use|remove> [options]"
expect_error "accounts with an unknown command" 2 \
  "docker-credential-pat accounts: unknown command 'switch'; expected list, use or remove" accounts switch
run_helper help doctor
doctor_help=$OUT
run_helper doctor --help
expect_eq "help doctor = doctor --help" "$doctor_help" "$OUT"
expect_error "help of an unknown command" 2 "docker-credential-pat help: unknown command: nope" help nope

run_helper ci login --help
expect_contains "ci login --help lists --oidc" "$OUT" "  --oidc "
expect_contains "ci login --help lists --audience" "$OUT" "  --audience arg"
expect_contains "ci login --help keeps the token options" "$OUT" "  --password-env arg"

run_helper version
version=$OUT
expect_eq "version: one line" "$(wc -l <<<"$version")" 1
for flag in --version -v; do
  run_helper "$flag"
  expect_eq "$flag: exit 0" "$RC" 0
  expect_eq "$flag: version's line first" "$(head -n1 <<<"$OUT")" "$version"
  expect_contains "$flag: stores" "$(sed -n 2p <<<"$OUT")" "stores: secretservice"
  expect_contains "$flag: the kernel keyring" "$(sed -n 2p <<<"$OUT")" "keyring (Linux kernel keyring)"
  expect_contains "$flag: transports" "$(sed -n 3p <<<"$OUT")" "transports: http"
  expect_contains "$flag: libcurl" "$(sed -n 3p <<<"$OUT")" "libcurl.so.4, loaded on first use: "
done
finish
