#!/usr/bin/python3
"""oidc_bench.py BUILD_DIR [ROUNDS] [PER_ROUND]: benchmark (not a test) of the
OIDC exchange against the registry token endpoint, in one run on 127.0.0.1.

One patd (SQLite), the test issuer of tests/oidc/oidc_issuer.py, an account
with a trust policy and a PAT. After one warm-up exchange (so the issuer's
JWKS is cached), ROUNDS rounds of PER_ROUND sequential requests each, over
one keep-alive connection per kind, taking turns so drift hits all alike:
  exchange   POST /v2/oidc/token, a fresh ID token (distinct jti) each time
             (RS256 and ES256 alternating): verify, policy, jti, a new PAT
  token      GET /token with Basic user:PAT and the same scope (a registry's
             normal request; patd may hand out a recently signed JWT again)
  token-new  GET /token with a new repository each time (always signed)
Prints the median, p90, p99 and mean latency per kind and the exchange /
token ratios as a Markdown table (the median is the goal's figure; p99 and
mean show what lands on a few requests only, such as a WAL checkpoint).
The goal (docs/benchmarks.md): exchange <= 2x token.
Needs Debian's python3-jwt and python3-cryptography. OIDC_BENCH_PERF=FILE
records a perf profile of patd while it serves the exchanges.
"""

import os
import signal
import statistics
import subprocess
import sys
import time
import http.client
import urllib.parse

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "patd"))
sys.path.insert(0, os.path.join(here, "..", "oidc"))
import patdlib  # noqa: E402
import oidc_issuer  # noqa: E402

GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"


def main():
    build = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    per_round = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    issuer = oidc_issuer.Issuer()
    p = patdlib.Patd(build, ["--log-level", os.environ.get("OIDC_BENCH_LOG", "warn"), "--auth-fail-limit", "100000000",
                             "--service", "registry.bench"])
    try:
        p.start()
        user, pw = p.add_user("bench")
        p.cli("oidc", "add-issuer", issuer.url, "--audience", "bench")
        p.cli("oidc", "policy", "add", "--account", user, "--issuer", issuer.url,
              "--claim", "repository=bench/*", "--scope", "write", "--ttl", "1h")
        pat = p.new_token(p.session(user, pw), scopes=["repo:write"])["token"]
        n = rounds * per_round + 1
        # Bodies are made before the clock runs: the client's own work is
        # then the same small send/receive for every kind.
        bodies = [urllib.parse.urlencode({
            "grant_type": GRANT, "subject_token_type": ID_TOKEN,
            "subject_token": issuer.mint({"aud": "bench", "repository": "bench/app"},
                                         kid="rsa-1" if i % 2 else "ec-1")}).encode()
            for i in range(n)]
        paths = [f"/token?service=registry.bench&scope=repository:bench/r{i}:pull,push"
                 for i in range(n)]
        same = "/token?service=registry.bench&scope=repository:bench/app:pull,push"
        auth = patdlib.basic(user, pat)
        conns = {k: http.client.HTTPConnection("127.0.0.1", p.port, timeout=10)
                 for k in ("exchange", "token", "token-new")}

        def exchange():
            c = conns["exchange"]
            c.request("POST", "/v2/oidc/token", body=bodies.pop(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
            r = c.getresponse()
            data = r.read()
            assert r.status == 200, data

        def token(new_repo):
            def run():
                path = paths.pop() if new_repo else same
                c = conns["token-new" if new_repo else "token"]
                c.request("GET", path, headers={"Authorization": auth})
                r = c.getresponse()
                data = r.read()
                assert r.status == 200, data
            return run

        kinds = {"exchange": exchange, "token": token(False), "token-new": token(True)}
        exchange()  # warm-up: fetches and caches the JWKS
        for f in (kinds["token"], kinds["token-new"]):
            f()
        samples = {k: [] for k in kinds}
        perf_file = os.environ.get("OIDC_BENCH_PERF")
        for _ in range(rounds):
            for k, f in kinds.items():
                perf = None
                if perf_file and k == "exchange":
                    perf = subprocess.Popen(["perf", "record", "-q", "-g", "-o", perf_file,
                                             "--append" if os.path.exists(perf_file) else "-q",
                                             "-p", str(p.proc.pid)], stderr=subprocess.DEVNULL)
                    time.sleep(0.3)
                for _ in range(per_round):
                    t0 = time.perf_counter()
                    f()
                    samples[k].append((time.perf_counter() - t0) * 1e6)
                if perf:
                    perf.send_signal(signal.SIGINT)
                    perf.wait(30)
        fetches = issuer.jwks_fetches
        med = {k: statistics.median(v) for k, v in samples.items()}
        p90 = {k: statistics.quantiles(v, n=10)[-1] for k, v in samples.items()}
        p99 = {k: statistics.quantiles(v, n=100)[-1] for k, v in samples.items()}
        mean = {k: statistics.fmean(v) for k, v in samples.items()}
        print(f"| request | median µs | p90 µs | p99 µs | mean µs | n |")
        print(f"|---|---|---|---|---|---|")
        for k in kinds:
            print(f"| {k} | {med[k]:.0f} | {p90[k]:.0f} | {p99[k]:.0f} | {mean[k]:.0f} "
                  f"| {len(samples[k])} |")
        print()
        print(f"exchange / token (median): {med['exchange'] / med['token']:.2f}x "
              f"(goal <= 2x: {'met' if med['exchange'] <= 2 * med['token'] else 'NOT met'})")
        print(f"exchange / token-new (median): {med['exchange'] / med['token-new']:.2f}x")
        print(f"exchange / token (mean): {mean['exchange'] / mean['token']:.2f}x")
        print(f"JWKS fetches during the run: {fetches} (1 = only the warm-up)")
    finally:
        if os.environ.get("OIDC_BENCH_STDERR"):
            with open(os.environ["OIDC_BENCH_STDERR"], "w") as f:
                f.write(p.stderr())
        p.cleanup()
        issuer.stop()


if __name__ == "__main__":
    main()
