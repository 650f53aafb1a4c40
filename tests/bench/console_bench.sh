#!/usr/bin/env bash
# console_bench.sh BUILD_DIR [REQUESTS]: benchmark (not a test) of the web
# console's token page (docs/console.md), against a real patd on SQLite:
#   1. what loading the token page costs a browser: the HTML, and every
#      asset it references (fetched once each, as a browser with an empty
#      cache would), their count and total size, uncompressed;
#   2. patd's CPU time per render of the token page of an account with 100
#      tokens: the default page (10 rows) and all 100 rows on one page
#      (?page_size=100), REQUESTS times each on one keep-alive connection,
#      from patd's utime+stime in /proc (so the client's own work is not
#      counted; the session check and the database read are).
# Prints a Markdown table and compares it with the goals: HTML in one round
# trip plus at most two for assets, under 60 KB in total, and under 5 ms of
# patd CPU for the 100-token list.
set -euo pipefail
build=${1:?usage: console_bench.sh BUILD_DIR [REQUESTS]}
requests=${2:-300}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for t in "$build/patd" curl python3; do
  command -v "$t" >/dev/null || { echo "console_bench: $t not found" >&2; exit 1; }
done
# shellcheck source=../lib/patd.sh
source "$here/../lib/patd.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/console-bench.XXXXXX")
trap 'patd_cleanup; rm -rf "$tmp"' EXIT

patd_start "$build/patd" "$tmp/data" "$tmp/patd.log" --auth-fail-limit 1000000 \
  --registry registry.bench:5000 || exit 1
PW="pw-bench-$RANDOM$RANDOM"
patd_user_add "$build/patd" "$tmp/data" alice "$PW" || exit 1
patd_session alice "$PW" || exit 1
for i in $(seq 1 100); do
  patd_api POST /v2/access-tokens "$PATD_SESSION" \
    "{\"token_label\":\"bench token $i <b>&amp;</b>\",\"scopes\":[\"repo:read\"]}"
  [ "$PATD_STATUS" = 201 ] || { echo "console_bench: token $i: $PATD_STATUS" >&2; exit 1; }
done

python3 - "$PATD_URL" "$PATD_PID" "$PW" "$requests" <<'EOF'
import http.client, re, sys, time, urllib.parse
url, pid, password, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
host = urllib.parse.urlsplit(url).netloc
tick = 100.0  # clock ticks per second (getconf CLK_TCK on Linux x86-64)
def cpu_seconds():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick

c = http.client.HTTPConnection(host, timeout=30)
body = urllib.parse.urlencode({"username": "alice", "password": password})
c.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded",
                                   "Origin": url})
r = c.getresponse(); r.read()
assert r.status == 303, r.status
cookie = r.getheader("Set-Cookie").split(";", 1)[0]

def get(path):
    c.request("GET", path, headers={"Cookie": cookie})
    r = c.getresponse()
    data = r.read()
    assert r.status == 200, (path, r.status)
    return data

page = get("/settings/security/tokens")
assets = re.findall(rb'(?:src|href)="(/console/assets/[^"]+)"', page)
# Links to other pages are navigations, not subresources: only <link>,
# <script> and <img> elements load something with the page.
others = [u for u in re.findall(rb'<(?:link|script|img)[^>]+(?:src|href)="([^"#]+)"', page)
          if not u.startswith((b"/console/assets/", b"data:"))]
sizes = {a.decode(): len(get(a.decode())) for a in assets}
total = len(page) + sum(sizes.values())

def render_cpu(path):
    for _ in range(20):
        get(path)  # warm-up
    start_cpu, start_wall = cpu_seconds(), time.monotonic()
    for _ in range(n):
        get(path)
    cpu = cpu_seconds() - start_cpu
    return cpu / n * 1000, (time.monotonic() - start_wall) / n * 1000

rows10 = len(re.findall(rb"<tr data-uuid=", page))
ms10, wall10 = render_cpu("/settings/security/tokens")
all_page = get("/settings/security/tokens?page_size=100")
rows100 = len(re.findall(rb"<tr data-uuid=", all_page))
ms100, wall100 = render_cpu("/settings/security/tokens?page_size=100")

print("| figure | value | goal |")
print("|---|---|---|")
print(f"| token page HTML (10 of 100 rows) | {len(page):,} B | |")
for a, s in sizes.items():
    print(f"| asset {a.split('?')[0]} | {s:,} B | |")
print(f"| requests to show the page | 1 HTML + {len(assets)} assets "
      f"(other subresources: {len(others)}) | 1 + at most 2 |")
print(f"| total, uncompressed | {total:,} B ({total / 1024:.1f} KiB) | < 60 KB |")
print(f"| patd CPU per render, {rows10} rows (account with 100 tokens) | {ms10:.2f} ms "
      f"(wall {wall10:.2f} ms) | |")
print(f"| patd CPU per render, {rows100} rows on one page | {ms100:.2f} ms "
      f"(wall {wall100:.2f} ms) | < 5 ms |")
ok = len(assets) <= 2 and not others and total < 60_000 and ms100 < 5 and rows100 == 100
print("goals met" if ok else "goals NOT met")
EOF
