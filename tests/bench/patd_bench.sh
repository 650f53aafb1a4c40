#!/usr/bin/env bash
# patd_bench.sh BUILD_DIR [DURATION] [CONNECTIONS]: benchmark (not a test).
# In one run, on 127.0.0.1 with wrk (-t2 -cCONNECTIONS -dDURATION --latency):
#   1. GET /token of a real patd (Basic with a PAT, one repository scope),
#   2. a private nginx serving a static JSON file of the same size (the HTTP
#      ceiling of this machine).
# Prints requests/s and p50/p99 for both, the ratio, patd's idle and loaded
# RSS, start-up time (exec until /healthz answers) and the last-used DB writes
# the run caused, as a Markdown table, and compares them with the goals.
# PATD_BENCH_PERF=FILE records a perf profile of patd during its run.
# PATD_BENCH_ARGS adds flags to `patd serve` (e.g. "--threads 4").
set -euo pipefail
build=${1:?usage: patd_bench.sh BUILD_DIR [DURATION] [CONNECTIONS]}
duration=${2:-10s}
conns=${3:-64}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=$build/patd
for t in "$bin" wrk nginx curl jq python3; do
  command -v "$t" >/dev/null || { echo "patd_bench: $t not found" >&2; exit 1; }
done
# shellcheck source=../lib/patd.sh
source "$here/../lib/patd.sh"
# shellcheck source=../lib/registry.sh
source "$here/../lib/registry.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/patd-bench.XXXXXX")
nginx_pid=
sampler_pid=
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  patd_cleanup
  rm -rf "$tmp"
}
trap cleanup EXIT

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
service=registry.bench

# start-up: exec until /healthz answers 200 (polled every 2 ms, bounded)
startup_ms=$(python3 - "$bin" "$tmp/data" "$tmp/patd.log" "$service" <<'EOF'
import re, subprocess, sys, time, urllib.request
binary, data, log, service = sys.argv[1:5]
t0 = time.monotonic()
p = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", data,
                      "--service", service, "--auth-fail-limit", "1000000"],
                     stdout=subprocess.DEVNULL, stderr=open(log, "ab"), start_new_session=True)
port = None
while time.monotonic() - t0 < 15:
    if port is None:
        m = re.search(rb"listening on 127\.0\.0\.1:(\d+)", open(log, "rb").read())
        port = m and int(m.group(1))
    if port:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200:
                break
        except OSError:
            pass
    time.sleep(0.002)
else:
    p.kill(); sys.exit("patd did not answer /healthz within 15 s")
print(f"{(time.monotonic() - t0) * 1000:.0f}")
p.terminate(); p.wait(10)
EOF
)
# the measured start created keys and DB; the bench instance starts like a restart
# shellcheck disable=SC2086  # PATD_BENCH_ARGS: extra serve flags, word-split on purpose
# --log-level warn: no access log line per request, like nginx's
# `access_log off` below (both servers are measured without access logs).
patd_start "$bin" "$tmp/data" "$tmp/patd2.log" --service "$service" --auth-fail-limit 1000000 \
  --log-level warn ${PATD_BENCH_ARGS:-}
pw="bench-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
patd_user_add "$bin" "$tmp/data" bench "$pw"
patd_session bench "$pw"
patd_token "$PATD_SESSION" bench repo:read
url="$PATD_URL/token?service=$service&scope=repository:bench/app:pull"
sleep 1
idle_kib=$(rss_kib "$PATD_PID")

# wrk script: a Basic header built from the PAT (file mode 0600, removed on exit)
umask 077
printf 'wrk.headers["Authorization"] = "Basic %s"\n' \
  "$(printf 'bench:%s' "$PATD_PAT" | base64 -w0)" >"$tmp/auth.lua"
body_bytes=$(curl -s -m 5 -K <(printf 'user = "bench:%s"\n' "$PATD_PAT") "$url" | wc -c)
[ "$body_bytes" -gt 100 ] || { echo "patd_bench: /token failed" >&2; exit 1; }

# private nginx on a free port serving a static JSON file of the same size
umask 022
mkdir -p "$tmp/www" "$tmp/nginx"
chmod 755 "$tmp"
python3 -c 'import sys; n=int(sys.argv[1]); s="{\"token\":\"" ; print(s + "x" * (n - len(s) - 3) + "\"}", end="\n")' \
  "$body_bytes" >"$tmp/www/token.json"
nport=$(pat_free_port)
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/www;
    location / { default_type application/json; }
  }
}
EOF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' 2>>"$tmp/nginx/error.log" &
nginx_pid=$!
pat_wait_port "$nport" 10 "$nginx_pid"
[ "$(curl -s -m 5 "http://127.0.0.1:$nport/token.json" | wc -c)" = "$body_bytes" ] ||
  { echo "patd_bench: nginx does not serve the file" >&2; exit 1; }

# CPU time (user + system, clock ticks) of processes and their threads; on
# a shared machine CPU per request is steadier than requests/s.
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$t"; }
us_per_req() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", n ? t / hz * 1e6 / n : 0 }'; }

# run_wrk NAME URL LUA PIDS..: warm up 2 s, then measure; writes $tmp/NAME.wrk
# and the server's CPU ticks during the measured part to $tmp/NAME.cpu
run_wrk() {
  local name=$1 target=$2 lua=$3 c0
  shift 3
  local s=()
  [ -n "$lua" ] && s=(-s "$lua")
  wrk -t2 -c"$conns" -d2s "${s[@]}" "$target" >/dev/null
  c0=$(cpu_ticks "$@")
  wrk -t2 -c"$conns" -d"$duration" --latency "${s[@]}" "$target" >"$tmp/$name.wrk"
  echo $(($(cpu_ticks "$@") - c0)) >"$tmp/$name.cpu"
}
# wrk_field FILE rps|p50|p99|non2xx
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.2f", v }'; }
wrk_field() {
  case $2 in
    rps) awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1" ;;
    p50) awk '$1 == "50%" { print $2 }' "$1" | to_ms ;;
    p99) awk '$1 == "99%" { print $2 }' "$1" | to_ms ;;
    non2xx) awk '/Non-2xx/ { print $NF } END { }' "$1" | head -n1 ;;
  esac
}

# shellcheck disable=SC2046  # the nginx workers' pids
run_wrk nginx "http://127.0.0.1:$nport/token.json" "" $(pgrep -P "$nginx_pid")
w0=$(patd_metric patd_last_used_writes_total)
peak=$tmp/peak
echo 0 >"$peak"
(while kill -0 "$PATD_PID" 2>/dev/null; do
  r=$(rss_kib "$PATD_PID"); [ "$r" -gt "$(cat "$peak")" ] && echo "$r" >"$peak"; sleep 0.2
done) &
sampler_pid=$!
# PATD_BENCH_PERF=FILE: also profile patd during the measured run (perf record)
if [ -n "${PATD_BENCH_PERF:-}" ]; then
  (sleep 3 && perf record -F 999 -g -p "$PATD_PID" -o "$PATD_BENCH_PERF" -- sleep 3 >/dev/null 2>&1) &
fi
run_wrk patd "$url" "$tmp/auth.lua" "$PATD_PID"
kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true
sampler_pid=
w1=$(patd_metric patd_last_used_writes_total)
loaded_kib=$(cat "$peak")
total_reqs=$(awk '/requests in/ { print $1 }' "$tmp/patd.wrk")
non2xx=$(wrk_field "$tmp/patd.wrk" non2xx)

p_rps=$(wrk_field "$tmp/patd.wrk" rps); n_rps=$(wrk_field "$tmp/nginx.wrk" rps)
p_p50=$(wrk_field "$tmp/patd.wrk" p50); n_p50=$(wrk_field "$tmp/nginx.wrk" p50)
p_p99=$(wrk_field "$tmp/patd.wrk" p99); n_p99=$(wrk_field "$tmp/nginx.wrk" p99)
ratio=$(awk -v a="$p_rps" -v b="$n_rps" 'BEGIN { printf "%.1f", 100 * a / b }')
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo "NOT met"; fi; }

cat <<EOF
patd benchmark — $(date -u +%FT%TZ), $(nproc) CPUs, wrk -t2 -c$conns -d$duration, response body $body_bytes bytes

| measure | patd GET /token | nginx static JSON |
|---|---|---|
| requests/s | $p_rps | $n_rps |
| p50 latency (ms) | $p_p50 | $n_p50 |
| p99 latency (ms) | $p_p99 | $n_p99 |
| patd / nginx throughput | $ratio % | |
| server CPU per request (µs) | $(us_per_req "$(cat "$tmp/patd.cpu")" "$total_reqs") | $(us_per_req "$(cat "$tmp/nginx.cpu")" "$(awk '/requests in/ { print $1 }' "$tmp/nginx.wrk")") |
| non-2xx replies | ${non2xx:-0} of $total_reqs | |
| patd RSS idle / loaded (MiB) | $(mib "$idle_kib") / $(mib "$loaded_kib") | |
| patd start-up to /healthz (ms) | $startup_ms | |
| last-used DB writes during the run | $((w1 - w0)) | |

| goal | result |
|---|---|
| /token >= 30 % of nginx throughput | $ratio % — $(verdict "$ratio >= 30") |
| /token p99 <= 10 ms at $conns connections | $p_p99 ms — $(verdict "$p_p99 <= 10") |
| idle RSS <= 30 MiB | $(mib "$idle_kib") MiB — $(verdict "$idle_kib <= 30 * 1024") |
| start-up <= 200 ms | $startup_ms ms — $(verdict "$startup_ms <= 200") |
EOF
