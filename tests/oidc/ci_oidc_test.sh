#!/usr/bin/env bash
# ci_oidc_test.sh BUILD_DIR: keyless CI end to end (docs/oidc.md). A real
# patd and docker-registry, the test's own OIDC issuer on loopback
# (oidc_issuer.py, with its fake of GitHub's ID-token endpoint), the helper
# with no session bus (kernel keyring), skopeo:
#  1. a GitHub Actions job whose claims match the policy logs in with
#     `ci login --oidc`, pushes with skopeo, and the token expires on time;
#  3. it cannot push outside the policy account's namespace;
#  4. the ID token and the issued token are in no output, log, argv or file;
#  5. an unreachable or hanging issuer: one clear line within the deadline;
# plus GitLab-style id_tokens, --require refusals (the token is revoked),
# replays, `ci logout` revoking early, and bad input leaving nothing behind.
set -uo pipefail
build=${1:?usage: ci_oidc_test.sh BUILD_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPER=$build/docker-credential-pat
PY=/usr/bin/python3
# shellcheck source=../commands/lib.sh
source "$here/../commands/lib.sh"
# shellcheck source=../lib/patd.sh
source "$here/../lib/patd.sh"
# shellcheck source=../lib/registry.sh
source "$here/../lib/registry.sh"
need_built "$HELPER" "$build/patd"
need_tools docker-registry skopeo umoci curl jq keyctl strace
"$PY" -c 'import jwt, cryptography' 2>/dev/null ||
  { echo "SKIP: $PY lacks python3-jwt/python3-cryptography"; exit 77; }
keyctl show @s >/dev/null 2>&1 || { echo "SKIP: no kernel keyring here"; exit 77; }
unset DBUS_SESSION_BUS_ADDRESS DOCKER_CREDENTIAL_PAT_STORE GITHUB_ACTIONS GITLAB_CI \
  ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN DOCKER_CREDENTIAL_PAT_ID_TOKEN
export DOCKER_CREDENTIAL_PAT_KEYRING=session
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pat-oidc.XXXXXX")
ISSUER_PID=
HANG_PID=
trap '[ -n "$ISSUER_PID" ] && kill "$ISSUER_PID"; [ -n "$HANG_PID" ] && kill "$HANG_PID";
  pat_registry_stop; patd_cleanup; rm -rf "$tmp"' EXIT
stack_start "$build" "$tmp" --oidc-fetch-timeout 2 --oidc-key-refresh 0 --oidc-sweep-interval 1 ||
  exit 1
N="docker-credential-pat ci login"
cfg=$DOCKER_CONFIG/config.json
pat_docker_config "$DOCKER_CONFIG" '{"auths":{}}' || exit 1

# The issuer and GitHub's request token (a secret of the runner).
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$tmp/request-token"
"$PY" "$here/oidc_issuer.py" --port-file "$tmp/issuer.port" --request-token-file "$tmp/request-token" \
  2>"$tmp/issuer.log" &
ISSUER_PID=$!
for ((i = 0; i < 100; i++)); do [ -s "$tmp/issuer.port" ] && break; sleep 0.1; done
ISS=http://127.0.0.1:$(cat "$tmp/issuer.port")
AUD=docker-credential-pat
patd_user_add "$build/patd" "$tmp/patd" acme "pw-acme-$RANDOM$RANDOM" || exit 1
patd_user_add "$build/patd" "$tmp/patd" other "pw-other-$RANDOM$RANDOM" || exit 1
patd_cli "$build/patd" "$tmp/patd" oidc add-issuer "$ISS" --audience "$AUD" >/dev/null || exit 1
patd_cli "$build/patd" "$tmp/patd" oidc policy add --account acme --issuer "$ISS" \
  --claim repository=acme/app --claim ref=refs/heads/main --scope write --ttl 15s >/dev/null || exit 1
patd_cli "$build/patd" "$tmp/patd" oidc policy add --account acme --issuer "$ISS" \
  --claim repository=acme/docs --scope read >/dev/null || exit 1
echo "# patd $PATD_URL, registry $REG, issuer $ISS"

SECRETS=()
control() { curl -sf -m 10 -X POST -H 'Content-Type: application/json' -d "$2" "$ISS/control/$1"; }
mint() { # CLAIMS_JSON -> an ID token (remembered for the leak checks)
  local t
  t=$(control mint "{\"claims\": $1}") || return 1
  printf '%s\n' "$t" >>"$tmp/minted"  # mint runs in $(...): the array would not see it
  printf '%s' "$t"
}
github_job() { # CLAIMS_JSON: the claims GitHub's endpoint puts into its tokens
  control github "{\"claims\": $1}" >/dev/null
}
MAIN='{"repository":"acme/app","ref":"refs/heads/main","sub":"repo:acme/app:ref:refs/heads/main"}'
state() { keychain_snapshot "$REG"; sha256sum <"$cfg"; }
keyring_has_r() { grep -c "cred:$REG" /proc/keys; }
current() { # USER PAT -> HTTP status of GET /v2/access-tokens/current
  curl -s -o /dev/null -w '%{http_code}' -m 10 -u "$1:$2" "$PATD_URL/v2/access-tokens/current"
}
mask_lines() { grep -c '^::add-mask::' <<<"$OUT"; }

echo "# bad input: exact message, nothing changes"
before=$(state)
expect_error "--username with --oidc" 2 \
  "$N: --oidc takes the identity and the lifetime from the CI job and the trust policy: drop --username" \
  ci login "$REG" --oidc --username acme
expect_error "--ttl with --oidc" 2 \
  "$N: --oidc takes the identity and the lifetime from the CI job and the trust policy: drop --ttl" \
  ci login "$REG" --oidc --ttl 1h
expect_error "no ID token anywhere" 2 \
  "$N: no ID token: on GitHub Actions give the job \`permissions: id-token: write\`; on GitLab CI declare \`id_tokens: DOCKER_CREDENTIAL_PAT_ID_TOKEN\`; elsewhere use --id-token-env VAR or --id-token-file F" \
  ci login "$REG" --oidc
GITLAB_CI=true expect_error "GitLab without id_tokens" 2 \
  "$N: no ID token: declare \`id_tokens: DOCKER_CREDENTIAL_PAT_ID_TOKEN: {aud: $AUD}\` in the job (or name another variable with --id-token-env)" \
  ci login "$REG" --oidc
expect_error "unset --id-token-env" 2 "$N: environment variable NO_SUCH_VAR (the ID token) is not set or empty" \
  ci login "$REG" --oidc --id-token-env NO_SUCH_VAR
expect_error "both sources" 2 "$N: give at most one of --id-token-env, --id-token-file" \
  ci login "$REG" --oidc --id-token-env A --id-token-file B
expect_error "bad --require" 2 "$N: invalid --require value 'write': expected pull, push or delete" \
  ci login "$REG" --oidc --require write
export JOB_TOKEN
JOB_TOKEN=$(mint '{"repository":"acme/app","ref":"refs/heads/feature"}')
expect_error "claims miss the policy" 1 \
  "$N: patd refused the job's ID token: id token refused: no trust policy matches its claims; nothing stored" \
  ci login "$REG" --oidc --id-token-env JOB_TOKEN
JOB_TOKEN=$(mint '{"repository":"acme/app","ref":"refs/heads/main","aud":"someone-else"}')
expect_error "wrong audience" 1 \
  "$N: patd refused the job's ID token: id token refused: its aud does not contain '$AUD'; nothing stored" \
  ci login "$REG" --oidc --id-token-env JOB_TOKEN
JOB_TOKEN=$(mint '{"repository":"acme/docs"}')
expect_error "--require push with a read policy: refused and revoked" 1 \
  "$N: the trust policy grants repo:read to acme at $REG, which does not allow push (required by --require); the token was revoked; nothing stored" \
  ci login "$REG" --oidc --id-token-env JOB_TOKEN --require push
ACTIONS_ID_TOKEN_REQUEST_URL="$ISS/github/idtoken?api-version=2.0" ACTIONS_ID_TOKEN_REQUEST_TOKEN=wrong \
  expect_error "GitHub's endpoint refuses the request token" 1 \
  "$N: cannot get the job's ID token from GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL): HTTP 401 (does the job have \`permissions: id-token: write\`?)" \
  ci login "$REG" --oidc
# --audience is what the helper asks GitHub's endpoint for: a token for
# another audience is refused by patd's aud check.
github_job "$MAIN"
ACTIONS_ID_TOKEN_REQUEST_URL="$ISS/github/idtoken?api-version=2.0" \
  ACTIONS_ID_TOKEN_REQUEST_TOKEN=$(cat "$tmp/request-token") \
  expect_error "--audience is the aud asked of GitHub's endpoint" 1 \
  "$N: patd refused the job's ID token: id token refused: its aud does not contain '$AUD'; nothing stored" \
  ci login "$REG" --oidc --audience another-service
expect_eq "nothing changed by refused logins" "$(state)" "$before"

echo "# 1. a GitHub Actions job logs in, pushes, and its token expires on time"
github_job "$MAIN"
export ACTIONS_ID_TOKEN_REQUEST_URL="$ISS/github/idtoken?api-version=2.0"
ACTIONS_ID_TOKEN_REQUEST_TOKEN=$(cat "$tmp/request-token")
export ACTIONS_ID_TOKEN_REQUEST_TOKEN
t0=$(date +%s)
GITHUB_ACTIONS=true strace -f -qq -e trace=execve -s 65536 -o "$tmp/strace.log" \
  "$HELPER" ci login "$REG" --oidc --require push >"$tmp/out" 2>"$tmp/err" </dev/null
RC=$? OUT=$(cat "$tmp/out") ERR=$(cat "$tmp/err")
rm -f "$tmp/out"  # it holds the ::add-mask:: lines
expect_eq "ci login --oidc: exit 0" "$RC" 0
[ "$RC" = 0 ] || echo "    $ERR"
expect_eq "GITHUB_ACTIONS: the ID token and the PAT are masked" "$(mask_lines)" 2
ID_TOKEN=$(sed -n 1p <<<"$OUT" | sed 's/^::add-mask:://')
PAT=$(sed -n 2p <<<"$OUT" | sed 's/^::add-mask:://')
SECRETS+=("$ID_TOKEN" "$PAT")
summary=$(tail -n1 <<<"$OUT")
lifetime=$(sed -n 's/.* for \([0-9]*\)s (allows.*/\1/p' <<<"$summary")
expect_eq "summary" "${summary/ for ${lifetime}s / for Ns }" \
  "Stored a token for acme at $REG in the kernel keyring (session) for Ns (allows pull,push; from the ID token of GitHub Actions); $cfg uses docker-credential-pat for it"
[ "${lifetime:-0}" -ge 10 ] && [ "${lifetime:-99}" -le 15 ] && ok "the policy's lifetime (${lifetime}s)" ||
  fail "lifetime '${lifetime}'"
expect_eq "no warning" "$ERR" ""
expect_eq "credHelpers[R] = pat" "$(jq -c .credHelpers "$cfg")" "{\"$REG\":\"pat\"}"
expiry=$(grep "cred:$REG" /proc/keys | awk '{print $4}')
case $expiry in 1[0-5]s) ok "the key's time-out is the token's lifetime ($expiry)" ;; *) fail "key expiry: '$expiry'" ;; esac
expect_eq "get finds it" "$(printf '%s' "$REG" | timeout 30 "$HELPER" get | jq -r .Username)" acme
expect_eq "patd: an oidc token" "$(curl -s -m 10 -u "acme:$PAT" "$PATD_URL/v2/access-tokens/current" |
  jq -r '[.generated_by, .scopes[0], .token_label] | join(" ")')" "oidc repo:write OIDC repo:acme/app:ref:refs/heads/main"
sk_push "$REG/acme/app:1"
expect_eq "skopeo pushes with it" "$RC" 0
[ "$RC" = 0 ] || echo "    ${OUT:0:300}"
echo "# 3. the policy's namespace only"
sk_push "$REG/other/app:1"
[ "$RC" != 0 ] && ok "it cannot push to other/*" || fail "pushed to other/app"
# Refused by the registry for want of a grant, not failing for another reason.
expect_contains "other/*: the registry denies it" "$OUT" "denied: requested access to the resource is denied"
echo "# the token expires on time"
while [ $(($(date +%s) - t0)) -lt 17 ]; do sleep 0.5; done
expect_eq "patd refuses it after its lifetime" "$(current acme "$PAT")" 401
out=$(printf '%s' "$REG" | timeout 30 "$HELPER" get 2>&1)
expect_eq "the kernel dropped the key" "$out" "credentials not found in native keychain"
run_helper ci logout "$REG"
unset ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN

echo "# GitLab-style id_tokens, replay, and ci logout revoking early"
DOCKER_CREDENTIAL_PAT_ID_TOKEN=$(mint "$MAIN")
export DOCKER_CREDENTIAL_PAT_ID_TOKEN
GITLAB_CI=true run_helper ci login "$REG" --oidc --format json
expect_eq "GitLab login: exit 0" "$RC" 0
expect_eq "json" "$(jq -c '[.username, .scope, .actions, .id_token_from, .ttl_seconds <= 15]' <<<"$OUT")" \
  '["acme","repo:write","pull,push","$DOCKER_CREDENTIAL_PAT_ID_TOKEN",true]'
expect_eq "no mask without GITHUB_ACTIONS" "$(mask_lines)" 0
PAT=$(printf '%s' "$REG" | timeout 30 "$HELPER" get | jq -r .Secret)
SECRETS+=("$PAT")
run_helper ci login "$REG" --oidc
expect_eq "the same ID token again: refused" "$ERR" \
  "$N: patd refused the job's ID token: id token refused: its jti was used before (a replayed token); nothing stored"
expect_eq "patd accepts the PAT" "$(current acme "$PAT")" 200
run_helper ci logout "$REG"
expect_eq "ci logout revokes" "$OUT" "Removed the token for $REG and its credHelpers entry; the token service revoked it"
expect_eq "patd refuses the PAT after logout" "$(current acme "$PAT")" 401
unset DOCKER_CREDENTIAL_PAT_ID_TOKEN

echo "# --id-token-file"
mint "$MAIN" >"$tmp/id-token"
run_helper ci login "$REG" --oidc --id-token-file "$tmp/id-token" --no-configure
expect_eq "--id-token-file: exit 0" "$RC" 0
expect_contains "--id-token-file: source" "$OUT" "from the ID token of file $tmp/id-token"
PAT=$(printf '%s' "$REG" | timeout 30 "$HELPER" get | jq -r .Secret)
SECRETS+=("$PAT")
rm -f "$tmp/id-token"
run_helper ci logout "$REG"

echo "# 5. the issuer unreachable or hanging: one clear line within the deadline"
dead=http://127.0.0.1:$(pat_free_port)
patd_cli "$build/patd" "$tmp/patd" oidc add-issuer "$dead" --audience "$AUD" >/dev/null
patd_cli "$build/patd" "$tmp/patd" oidc policy add --account acme --issuer "$dead" \
  --claim repository=acme/app --scope write >/dev/null
export JOB_TOKEN
JOB_TOKEN=$(mint "{\"iss\":\"$dead\",\"repository\":\"acme/app\"}")
before=$(state)
s0=$(date +%s%N)
run_helper ci login "$REG" --oidc --id-token-env JOB_TOKEN
took=$((($(date +%s%N) - s0) / 1000000))
expect_eq "unreachable issuer: exit 1" "$RC" 1
expect_contains "unreachable issuer: one line" "$ERR" \
  "$N: patd at $PATD_URL is unavailable: cannot check the id token now: cannot fetch the issuer's signing keys: discovery document: $dead: "
expect_eq "unreachable issuer: one line only" "$(wc -l <<<"$ERR")" 1
[ "$took" -lt 5000 ] && ok "answered in ${took} ms" || fail "took ${took} ms"
"$PY" -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(8)
open(sys.argv[1],"w").write(str(s.getsockname()[1])); time.sleep(600)' "$tmp/hang.port" &
HANG_PID=$!
for ((i = 0; i < 50; i++)); do [ -s "$tmp/hang.port" ] && break; sleep 0.1; done
hang=http://127.0.0.1:$(cat "$tmp/hang.port")
patd_cli "$build/patd" "$tmp/patd" oidc add-issuer "$hang" --audience "$AUD" >/dev/null
JOB_TOKEN=$(mint "{\"iss\":\"$hang\",\"repository\":\"acme/app\"}")
s0=$(date +%s%N)
run_helper ci login "$REG" --oidc --id-token-env JOB_TOKEN --timeout 1s
took=$((($(date +%s%N) - s0) / 1000000))
expect_eq "hanging issuer, --timeout 1s: exit 1" "$RC" 1
expect_eq "hanging issuer: one line" "$(wc -l <<<"$ERR")" 1
expect_contains "hanging issuer: names patd and the deadline" "$ERR" \
  "$N: token service $PATD_URL is unreachable: no answer within "
expect_contains "hanging issuer: nothing stored" "$ERR" "; nothing stored"
[ "$took" -lt 4000 ] && ok "gave up within its deadline (${took} ms)" || fail "took ${took} ms"
JOB_TOKEN=$(mint "{\"iss\":\"$hang\",\"repository\":\"acme/app\"}")
run_helper ci login "$REG" --oidc --id-token-env JOB_TOKEN
expect_contains "hanging issuer, default timeout: patd's own deadline" "$ERR" "$hang: no answer in time"
expect_eq "nothing stored while the issuer was away" "$(state)" "$before"

echo "# 4. no ID token or issued token in any output, log, argv or file"
sleep 1
mapfile -t -O "${#SECRETS[@]}" SECRETS <"$tmp/minted"
haystack=("$tmp/patd.log" "$tmp/patd.log.out" "$tmp/issuer.log" "$tmp/err" "$tmp/strace.log")
leaks=0
for s in "${SECRETS[@]}"; do
  [ ${#s} -ge 20 ] || continue
  if grep -qF -- "$s" "${haystack[@]}"; then fail "a token is in a log or argv: ${s:0:12}..."; leaks=1; fi
  # $tmp/patd: patd's data dir (its database, WAL and keys) keeps digests only.
  if grep -rqF -- "$s" "$DOCKER_CONFIG" "$tmp/state" "$tmp/cache" "$tmp/run" "$tmp/registry" \
    "$tmp/patd" 2>/dev/null; then
    fail "a token is in a file: ${s:0:12}..."; leaks=1
  fi
done
[ "$leaks" = 0 ] && ok "${#SECRETS[@]} tokens: in no log, argv (strace of every execve) or file"
[ "$(grep -c 'execve(' "$tmp/strace.log")" -ge 1 ] && ok "strace recorded the helper's execve" ||
  fail "strace recorded no execve"
finish
