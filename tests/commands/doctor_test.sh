#!/usr/bin/env bash
# doctor_test.sh BUILD_DIR: `docker-credential-pat doctor` on a private bus
# with a real gnome-keyring (unlocked, then locked), the kernel keyring, a
# real patd as the token service of a stored key (then stopped), no bus,
# and a bad setting: each finding's line, the fix lines, and the exit code.
set -uo pipefail
build=${1:?usage: doctor_test.sh BUILD_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPER=$build/docker-credential-pat
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=../lib/patd.sh
source "$here/../lib/patd.sh"
# shellcheck source=../lib/secret-service.sh
source "$here/../lib/secret-service.sh"
need_built "$HELPER" "$build/patd"
need_tools dbus-daemon gnome-keyring-daemon curl jq
ss_init
trap 'patd_cleanup; ss_cleanup' EXIT
ss_start_bus
ss_start_keyring unlocked || exit 1
unset DOCKER_CREDENTIAL_PAT_STORE DOCKER_CREDENTIAL_PAT_KEYRING DOCKER_AUTH_CONFIG GITLAB_CI CI_RUNNER_VERSION
export DOCKER_CREDENTIAL_PAT_STATE_DIR=$SS_TMP/state
patd_start "$build/patd" "$SS_TMP/patd" "$SS_TMP/patd.log" || exit 1
PW="pw-$RANDOM$RANDOM"
patd_user_add "$build/patd" "$SS_TMP/patd" alice "$PW" || exit 1
patd_session alice "$PW" || exit 1
patd_token "$PATD_SESSION" doctor repo:read || exit 1
export DOCKER_CREDENTIAL_PAT_BACKEND=$PATD_URL
KEY=doctor.registry.test
printf '{"ServerURL":"%s","Username":"alice","Secret":"%s"}' "$KEY" "$PATD_PAT" |
  timeout 30 "$HELPER" store || { echo "store failed"; exit 1; }

line() { grep -F -- "$1" <<<"$OUT" | head -n1; }

echo "# all well"
run_helper doctor
expect_eq "exit 0" "$RC" 0
expect_eq "store line" "$(line ' store: ')" "[ok]   store: secretservice — auto: the session bus has a Secret Service"
expect_contains "secret service unlocked with our item" "$(line 'secret service:')" "[ok]   secret service: reachable, unlocked,"
expect_contains "kernel keyring" "$(line 'kernel keyring:')" "[ok]   kernel keyring: usable (user keyring)"
expect_eq "token service of the stored key" "$(line "token service $KEY")" \
  "[ok]   token service $KEY: patd at $PATD_URL (recorded at store time)"
expect_eq "clock" "$(line 'clock:' | sed -E 's/-?[0-9]+ s$/N s/')" "[ok]   clock: skew against $PATD_URL: N s"
skew=$(line 'clock:' | sed -E 's/.*: (-?[0-9]+) s$/\1/')
[ "${skew#-}" -le 2 ] && ok "skew is small ($skew s)" || fail "skew $skew s against a local patd"
run_helper doctor --format json
[ "$(jq -c '[.[] | .status] | unique' <<<"$OUT")" = '["ok"]' ] || echo "$OUT"
expect_eq "json: statuses" "$(jq -c '[.[] | .status] | unique' <<<"$OUT")" '["ok"]'
expect_eq "json: checks" "$(jq -c '[.[] | .check]' <<<"$OUT")" \
  "[\"config\",\"store\",\"secret service\",\"kernel keyring\",\"token service $KEY\",\"clock\",\"DOCKER_AUTH_CONFIG\",\"GitLab Runner credential helpers\"]"
# Every check has a stable id; per-registry checks name the registry as subject.
expect_eq "json: ids" "$(jq -c '[.[] | .id]' <<<"$OUT")" \
  '["config","store","secret-service","kernel-keyring","token-service","clock","docker-auth-config","gitlab-runner-helpers"]'
expect_eq "json: subject of the per-registry check" "$(jq -r '.[4].subject' <<<"$OUT")" "$KEY"

echo "# DOCKER_AUTH_CONFIG (docker CLI 28.3+) and GitLab Runner 19.4+"
run_helper_env() { local o; o=$(timeout 60 env "$@" 2>/dev/null); RC=$?; OUT=$o; }
run_helper_env DOCKER_AUTH_CONFIG="{\"auths\":{\"$KEY\":{\"auth\":\"eDp5\"}}}" "$HELPER" doctor --offline
expect_eq "DOCKER_AUTH_CONFIG over a stored key: exit 0 (a warning)" "$RC" 0
expect_eq "DOCKER_AUTH_CONFIG line" "$(line 'DOCKER_AUTH_CONFIG:')" \
  "[warn] DOCKER_AUTH_CONFIG: set: docker CLI 28.3 and later use its credentials before any credential helper, so docker does not ask this helper for $KEY"
expect_contains "DOCKER_AUTH_CONFIG fix" "$OUT" "       fix: unset DOCKER_AUTH_CONFIG where docker runs"
run_helper_env GITLAB_CI=true CI_RUNNER_VERSION=19.4.1 "$HELPER" doctor --offline --format json
expect_eq "GitLab Runner 19.4: warn" "$(jq -r '.[] | select(.id == "gitlab-runner-helpers") | .status' <<<"$OUT")" warn
expect_eq "GitLab Runner 19.4: one-line fix" \
  "$(jq -r '.[] | select(.id == "gitlab-runner-helpers") | .fix' <<<"$OUT")" \
  'allow the helper "pat" in the runner'"'"'s config.toml (allowed_docker_credential_helpers, GitLab Runner 19.4 and later)'
run_helper_env GITLAB_CI=true CI_RUNNER_VERSION=19.3.1 "$HELPER" doctor --offline --format json
expect_eq "GitLab Runner 19.3.1: ok" "$(jq -r '.[] | select(.id == "gitlab-runner-helpers") | .status' <<<"$OUT")" ok
mkdir -p "$HOME/.gitlab-runner"
printf '[[runners]]\n  allowed_docker_credential_helpers = ["ecr-login"]\n' >"$HOME/.gitlab-runner/config.toml"
run_helper_env "$HELPER" doctor --offline
expect_eq "runner config without pat" "$(line 'GitLab Runner credential helpers:')" \
  "[warn] GitLab Runner credential helpers: $HOME/.gitlab-runner/config.toml restricts credential helpers and does not allow pat"
printf '[[runners]]\n  allowed_docker_credential_helpers = ["ecr-login", "pat"]\n' >"$HOME/.gitlab-runner/config.toml"
run_helper_env "$HELPER" doctor --offline
expect_eq "runner config allowing pat" "$(line 'GitLab Runner credential helpers:')" \
  "[ok]   GitLab Runner credential helpers: $HOME/.gitlab-runner/config.toml allows the helper pat"
rm -rf "$HOME/.gitlab-runner"

echo "# locked keyring"
ss_start_keyring locked || exit 1
run_helper doctor
expect_eq "locked: exit 1 (the credentials cannot be listed)" "$RC" 1
expect_eq "locked: secret service line" "$(line 'secret service:')" \
  "[warn] secret service: locked: the Secret Service keyring is locked: unlock it (log in to the desktop, or gnome-keyring-daemon --unlock) and retry"
expect_contains "locked: fix line" "$OUT" "       fix: unlock the login keyring"
ss_start_keyring unlocked || exit 1

echo "# token service down"
patd_stop
run_helper doctor
expect_eq "service down: exit 1" "$RC" 1
expect_contains "service down: fail line" "$(line "token service $PATD_URL")" "[fail] token service $PATD_URL: "
expect_contains "service down: fix line" "$OUT" "       fix: start the token service, or check the network, DOCKER_CREDENTIAL_PAT_BACKEND"

echo "# no session bus, bad setting"
run_helper_env -u DBUS_SESSION_BUS_ADDRESS "$HELPER" doctor --offline
expect_eq "no bus: exit 0" "$RC" 0
expect_eq "no bus: store line" "$(line ' store: ')" "[ok]   store: keyring (user) — auto: no session bus (DBUS_SESSION_BUS_ADDRESS is unset)"
expect_eq "no bus: d-bus line" "$(line 'd-bus:')" "[info] d-bus: no session bus (DBUS_SESSION_BUS_ADDRESS is unset)"
run_helper_env DOCKER_CREDENTIAL_PAT_STORE=bogus "$HELPER" doctor --offline
expect_eq "bad setting: exit 1" "$RC" 1
expect_eq "bad setting: output" "$OUT" '[fail] config: invalid DOCKER_CREDENTIAL_PAT_STORE value "bogus": expected auto, secretservice or keyring
       fix: fix the setting named in the message
[ok]   DOCKER_AUTH_CONFIG: not set
[ok]   GitLab Runner credential helpers: not a GitLab CI job, and no runner config.toml found'
expect_error "bad option" 2 "docker-credential-pat doctor: unrecognised option '--fix'" doctor --fix
printf '%s' "$KEY" | timeout 30 "$HELPER" erase
finish
