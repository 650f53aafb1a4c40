# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are set for the sourcing script
# Shell helpers for tests that drive a real patd (source this file).
# Needs curl and jq. Every wait is bounded; the caller's EXIT trap must call
# patd_cleanup (it stops every patd started here). Registry, docker config and
# image helpers live in registry.sh (pat_*).
#
#   patd_start BIN DATA_DIR LOG [ARGS..] start `patd serve` on 127.0.0.1:0; sets PATD_PID PATD_PORT PATD_URL
#   patd_stop [SIG]                      stop it (bounded; SIGKILL after 10 s)
#   patd_cli BIN DATA_DIR ARGS..         run a patd subcommand on DATA_DIR
#   patd_user_add BIN DATA_DIR NAME PW   create an account (password on stdin)
#   patd_session USER PW                 set PATD_SESSION (a password-session JWT)
#   patd_token SESSION LABEL SCOPE [EXP] set PATD_PAT (plaintext) and PATD_LAST_JSON
#   patd_api METHOD PATH [BEARER] [JSON] set PATD_STATUS and PATD_BODY
#   patd_metric NAME                     print the summed value of a metric in /metrics
#   patd_wait_http URL CODES [SECS]      wait until URL answers with one of CODES

PATD_STARTED_PIDS=()

patd_wait_http() { # URL "200 401" [secs]
  local url=$1 codes=$2 secs=${3:-15} code i
  for ((i = 0; i < secs * 10; i++)); do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)
    [[ " $codes " == *" $code "* ]] && return 0
    sleep 0.1
  done
  echo "patd.sh: $url did not answer $codes within ${secs}s (last: $code)" >&2
  return 1
}

patd_start() { # BIN DATA_DIR LOG [ARGS...]
  local bin=$1 data=$2 log=$3 i
  shift 3
  "$bin" serve --listen 127.0.0.1:0 --data-dir "$data" "$@" </dev/null >>"$log.out" 2>>"$log" &
  PATD_PID=$!
  PATD_STARTED_PIDS+=("$PATD_PID")
  PATD_PORT=
  for ((i = 0; i < 150; i++)); do
    PATD_PORT=$(grep -aoE 'listening on 127\.0\.0\.1:[0-9]+' "$log" 2>/dev/null | tail -n1 | sed 's/.*://' || true)
    [ -n "$PATD_PORT" ] && break
    kill -0 "$PATD_PID" 2>/dev/null || { echo "patd.sh: patd exited: $(tail -n 20 "$log")" >&2; return 1; }
    sleep 0.1
  done
  [ -n "$PATD_PORT" ] || { echo "patd.sh: patd printed no port within 15 s" >&2; return 1; }
  PATD_URL=http://127.0.0.1:$PATD_PORT
}

patd_stop() { # [SIG]
  local sig=${1:-TERM} i
  [ -n "${PATD_PID:-}" ] || return 0
  kill -"$sig" "$PATD_PID" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$PATD_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$PATD_PID" 2>/dev/null || true
  wait "$PATD_PID" 2>/dev/null || true
  PATD_PID=
}

patd_cli() { # BIN DATA_DIR ARGS...
  local bin=$1 data=$2
  shift 2
  timeout 30 "$bin" "$@" --data-dir "$data"
}

patd_user_add() { # BIN DATA_DIR NAME PW
  printf '%s\n' "$4" | patd_cli "$1" "$2" user add "$3" --password-stdin >/dev/null
}

# patd_api METHOD PATH [BEARER] [JSON]: sets PATD_STATUS and PATD_BODY (call it
# directly, not in $(...)). Secrets reach curl through a config fd, never argv.
patd_api() {
  local method=$1 path=$2 bearer=${3:-} json=${4:-} out
  out=$(mktemp)
  local cfg=""
  [ -n "$bearer" ] && cfg+="header = \"Authorization: Bearer $bearer\""$'\n'
  if [ -n "$json" ]; then
    cfg+='header = "Content-Type: application/json"'$'\n'
    PATD_STATUS=$(curl -s -m 10 -K <(printf '%s' "$cfg") -X "$method" -o "$out" -w '%{http_code}' \
      --data-binary @<(printf '%s' "$json") "$PATD_URL$path") || true
  else
    PATD_STATUS=$(curl -s -m 10 -K <(printf '%s' "$cfg") -X "$method" -o "$out" -w '%{http_code}' \
      "$PATD_URL$path") || true
  fi
  PATD_BODY=$(cat "$out")
  rm -f "$out"
}

patd_session() { # USER PW -> PATD_SESSION
  patd_api POST /v2/users/login "" "$(jq -nc --arg u "$1" --arg p "$2" '{username:$u,password:$p}')"
  [ "$PATD_STATUS" = 200 ] || { echo "patd.sh: login $1 -> $PATD_STATUS $PATD_BODY" >&2; return 1; }
  PATD_SESSION=$(jq -r .token <<<"$PATD_BODY")
}

patd_token() { # SESSION LABEL SCOPE [EXPIRES_AT] -> PATD_PAT, PATD_LAST_JSON
  local req
  req=$(jq -nc --arg l "$2" --arg s "$3" --arg e "${4:-}" \
    '{token_label:$l,scopes:[$s]} + (if $e == "" then {} else {expires_at:$e} end)')
  patd_api POST /v2/access-tokens "$1" "$req"
  PATD_LAST_JSON=$PATD_BODY
  [ "$PATD_STATUS" = 201 ] || { echo "patd.sh: create token -> $PATD_STATUS $PATD_BODY" >&2; return 1; }
  PATD_PAT=$(jq -r .token <<<"$PATD_BODY")
}

patd_metric() { # NAME
  curl -s -m 5 "$PATD_URL/metrics" |
    awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%d\n", s }'
}

# patd_cleanup: stop every patd started by these helpers.
patd_cleanup() {
  local pid i
  for pid in "${PATD_STARTED_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 50; i++)); do
    local alive=0
    for pid in "${PATD_STARTED_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for pid in "${PATD_STARTED_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
