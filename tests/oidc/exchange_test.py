#!/usr/bin/python3
"""Black-box tests of patd's OIDC token exchange (docs/oidc.md) against the
test issuer of oidc_issuer.py on loopback.

usage: exchange_test.py BUILD_DIR [unittest args]   (Debian's /usr/bin/python3)
One patd per class, set up with the real `patd oidc` CLI. Covers every
refusal and its reason, the scope cap, the listing apart, expiry and sweep,
revocation, an unreachable or hanging issuer (503 within the fetch deadline),
and that no ID token or issued token reaches patd's output.
"""

import base64
import hashlib
import hmac
import json
import os
import http.client
import signal
import socket
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "patd"))
try:
    import jwt  # python3-jwt
    from cryptography.hazmat.primitives import serialization
    import oidc_issuer
except ImportError as e:
    print(f"SKIP: {e} (install python3-jwt python3-cryptography; run /usr/bin/python3)",
          file=sys.stderr)
    sys.exit(77)
import patdlib

GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
AUD = "patd-oidc-test"
REFUSED = "id token refused: "


class OidcCase(patdlib.ServerCase):
    server_extra = ()

    @classmethod
    def server_args(cls):
        return ["--oidc-key-refresh", "0", "--oidc-fetch-timeout", "2", "--oidc-sweep-interval",
                "1", *cls.server_extra]

    @classmethod
    def setUpClass(cls):
        cls.issuer = oidc_issuer.Issuer()
        super().setUpClass()
        p = cls.p
        cls.acme, cls.acme_pw = p.add_user("acme" + patdlib.rand_name(""))
        cls.other, _ = p.add_user("other" + patdlib.rand_name(""))
        p.cli("oidc", "add-issuer", cls.issuer.url, "--audience", AUD)
        out = p.cli("oidc", "policy", "add", "--account", cls.acme, "--issuer", cls.issuer.url,
                    "--claim", f"repository={cls.acme}/*", "--claim", "ref=refs/heads/main",
                    "--scope", "write", "--ttl", "10m")
        cls.policy_id = out.stdout.decode().strip()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.issuer.stop()

    def mint(self, **claims):
        kid = claims.pop("kid", "rsa-1")
        header = claims.pop("header", None)
        base = {"aud": AUD, "repository": f"{self.acme}/app", "ref": "refs/heads/main",
                "sub": f"repo:{self.acme}/app:ref:refs/heads/main"}
        base.update(claims)
        token = self.issuer.mint(base, kid=kid, header=header)
        self.p.secrets.add(token)
        return token

    def exchange(self, token, **extra):
        form = {"grant_type": GRANT, "subject_token_type": ID_TOKEN, "subject_token": token, **extra}
        r = self.p.request("POST", "/v2/oidc/token", raw=urllib.parse.urlencode(form).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        if r.status == 200 and r.json:
            self.p.secrets.add(r.json["access_token"])
        return r

    def assert_refused(self, r, reason, error="invalid_request", status=400):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.json["error"], error, r)
        self.assertEqual(r.json["error_description"], reason, r)
        self.assertEqual(r.json["detail"], reason, r)

    def grant(self, user, pat, scope):
        r = self.p.token_endpoint(user, pat, [scope])
        self.assertEqual(r.status, 200, r)
        _, claims = patdlib.jwt_claims(r.json["token"])
        return [a for item in claims.get("access", []) for a in item["actions"]]


class ExchangeTest(OidcCase):
    def test_matching_job_gets_a_scoped_short_lived_pat(self):
        for kid in ("rsa-1", "ec-1"):
            r = self.exchange(self.mint(kid=kid))
            self.assertEqual(r.status, 200, r)
            j = r.json
            self.assertEqual(j["issued_token_type"], "urn:ietf:params:oauth:token-type:access_token")
            self.assertEqual(j["token_type"], "N_A")
            self.assertEqual(j["scope"], "repo:write")
            self.assertEqual(j["username"], self.acme)
            self.assertTrue(590 <= j["expires_in"] <= 600, j)
            self.assertEqual(r.headers.get("cache-control"), "no-store")
            self.assertRegex(j["access_token"], patdlib.TOKEN_RE)
            pat = j["access_token"]
            cur = self.p.request("GET", "/v2/access-tokens/current", auth=(self.acme, pat))
            self.assertEqual(cur.status, 200, cur)
            self.assertEqual(cur.json["generated_by"], "oidc")
            self.assertEqual(cur.json["token_label"], f"OIDC repo:{self.acme}/app:ref:refs/heads/main")
            self.assertEqual(cur.json["scopes"], ["repo:write"])
            # The policy's scope on the account's namespace, nothing more.
            self.assertEqual(self.grant(self.acme, pat, f"repository:{self.acme}/app:pull,push,delete"),
                             ["pull", "push"])
            self.assertEqual(self.grant(self.acme, pat, f"repository:{self.other}/app:pull,push"), [])

    def test_listed_apart_from_manual_and_auto_tokens(self):
        session = self.p.session(self.acme, self.acme_pw)
        self.assertEqual(self.exchange(self.mint()).status, 200)
        r = self.p.request("GET", "/v2/oidc/tokens?page_size=100", bearer=session)
        self.assertEqual(r.status, 200, r)
        self.assertGreaterEqual(r.json["count"], 1)
        self.assertTrue(all(t["generated_by"] == "oidc" for t in r.json["results"]))
        self.assertTrue(all(t["token"] == "" for t in r.json["results"]))
        r = self.p.request("GET", "/v2/access-tokens?page_size=100", bearer=session)
        self.assertTrue(all(t["generated_by"] != "oidc" for t in r.json["results"]), r)

    def test_every_refusal_names_its_check(self):
        cases = [
            (dict(iss="http://127.0.0.1:9/other"), "issuer 'http://127.0.0.1:9/other' is not trusted"),
            (dict(aud="someone-else"), f"its aud does not contain '{AUD}'"),
            (dict(exp=int(time.time()) - 120), "it has expired (exp)"),
            (dict(nbf=int(time.time()) + 600), "it is not valid yet (nbf)"),
            (dict(ref="refs/heads/feature"), "no trust policy matches its claims"),
            (dict(repository=f"{self.other}/app"), "no trust policy matches its claims"),
            (dict(kid="rsa-unpublished"), "signing key 'rsa-unpublished' is not in the issuer's JWKS"),
        ]
        for claims, reason in cases:
            with self.subTest(reason=reason):
                self.assert_refused(self.exchange(self.mint(**claims)), REFUSED + reason)

    def test_bad_signatures_and_algorithms(self):
        good = self.mint()
        head, body, sig = good.split(".")
        other = self.mint(kid="rsa-1")
        self.assert_refused(self.exchange(f"{head}.{other.split('.')[1]}.{sig}"),
                            REFUSED + "the signature does not verify with the issuer's key")
        # alg none: no signature at all.
        none = jwt.encode(self.issuer.claims(aud=AUD, repository=f"{self.acme}/app",
                                             ref="refs/heads/main"), None, algorithm="none",
                          headers={"kid": "rsa-1"})
        self.assert_refused(self.exchange(none),
                            REFUSED + "algorithm 'none' is not accepted (only RS256 and ES256)")
        # HS256 keyed with the issuer's public key (the RS256/HS256 confusion).
        pem = self.issuer.key("rsa-1").public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        h = b64(json.dumps({"alg": "HS256", "kid": "rsa-1", "typ": "JWT"}).encode())
        c = b64(json.dumps(self.issuer.claims(aud=AUD, repository=f"{self.acme}/app",
                                              ref="refs/heads/main")).encode())
        mac = b64(hmac.new(pem, f"{h}.{c}".encode(), hashlib.sha256).digest())
        self.assert_refused(self.exchange(f"{h}.{c}.{mac}"),
                            REFUSED + "algorithm 'HS256' is not accepted (only RS256 and ES256)")
        self.assert_refused(self.exchange("garbage"),
                            REFUSED + "it is not a JWS in compact form (three base64url parts)")

    def test_replayed_jti_is_refused(self):
        token = self.mint()
        self.assertEqual(self.exchange(token).status, 200)
        self.assert_refused(self.exchange(token), REFUSED + "its jti was used before (a replayed token)")

    def test_unknown_kid_then_rotated_jwks_is_accepted(self):
        token = self.mint(kid="ec-rotated")
        self.assert_refused(self.exchange(token),
                            REFUSED + "signing key 'ec-rotated' is not in the issuer's JWKS")
        self.issuer.publish(["rsa-1", "ec-1", "ec-rotated"])
        try:
            self.assertEqual(self.exchange(self.mint(kid="ec-rotated")).status, 200)
        finally:
            self.issuer.publish(["rsa-1", "ec-1"])

    def test_exchange_and_uses_are_audited_under_the_jobs_identity(self):
        token = self.mint(jti="audit-" + patdlib.rand_name(""), environment="prod")
        _, claims = patdlib.jwt_claims(token)
        r = self.p.request("POST", "/v2/oidc/token", raw=urllib.parse.urlencode(
            {"grant_type": GRANT, "subject_token_type": ID_TOKEN, "subject_token": token}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "User-Agent": "ci-runner/1.0"}, source_ip="127.0.0.7")
        self.assertEqual(r.status, 200, r)
        pat = r.json["access_token"]
        self.p.secrets.add(pat)
        self.assertEqual(self.p.token_endpoint(self.acme, pat, [f"repository:{self.acme}/app:pull"],
                                               headers={"User-Agent": "skopeo/1.9"},
                                               source_ip="127.0.0.8").status, 200)
        uuid = self.p.request("GET", "/v2/access-tokens/current", auth=(self.acme, pat)).json["uuid"]
        session = self.p.session(self.acme, self.acme_pw)
        r = self.p.request("GET", f"/v2/audit-logs?token={uuid}", bearer=session)
        self.assertEqual(r.status, 200, r)
        events = {e["action"]: e for e in r.json["results"]}
        job = f"oidc:repo:{self.acme}/app:ref:refs/heads/main"
        ex = events["oidc.exchange"]
        self.assertEqual((ex["actor"], ex["ip_address"], ex["user_agent"]),
                         (job, "127.0.0.7", "ci-runner/1.0"))
        self.assertEqual(ex["data"]["iss"], self.issuer.url)
        self.assertEqual(ex["data"]["sub"], claims["sub"])
        self.assertEqual(ex["data"]["aud"], AUD)
        self.assertEqual(ex["data"]["jti"], claims["jti"])
        self.assertEqual(ex["data"]["policy"], self.policy_id)
        self.assertEqual(ex["data"]["matched"],
                         {"repository": f"{self.acme}/app", "ref": "refs/heads/main"})
        self.assertEqual(ex["data"]["scope"], "repo:write")
        used = events["token.used"]
        self.assertEqual((used["actor"], used["ip_address"], used["user_agent"]),
                         (job, "127.0.0.8", "skopeo/1.9"))
        self.assertNotIn(token, r.body)
        self.assertNotIn(pat, r.body)
        # A refusal names the failed check, never the token; the operator sees it.
        self.assert_refused(self.exchange(token), REFUSED + "its jti was used before (a replayed token)")
        out = self.p.cli("audit", "--json").stdout.decode()
        refusals = [json.loads(line) for line in out.splitlines()
                    if json.loads(line)["action"] == "oidc.exchange.refused"]
        replay = [e for e in refusals if e["data"]["jti"] == claims["jti"]]
        self.assertEqual(len(replay), 1, refusals)
        self.assertEqual(replay[0]["data"]["check"], "replay")
        self.assertEqual(replay[0]["actor"], job)
        self.assertNotIn(token, out)
        self.assertNotIn(pat, out)

    def test_scope_never_more_than_the_policy(self):
        r = self.exchange(self.mint(), scope="repo:read")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["scope"], "repo:read")
        self.assertEqual(self.grant(self.acme, r.json["access_token"],
                                    f"repository:{self.acme}/app:pull,push"), ["pull"])
        self.assert_refused(self.exchange(self.mint(), scope="repo:admin"),
                            "scope repo:admin is more than the trust policy grants (repo:write)",
                            error="invalid_scope")

    def test_malformed_requests(self):
        r = self.p.request("POST", "/v2/oidc/token", raw=b"grant_type=password&username=x",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json["error"], "unsupported_grant_type", r)
        r = self.exchange(self.mint(), subject_token_type="urn:ietf:params:oauth:token-type:saml2")
        self.assertEqual(r.json["error"], "invalid_request", r)
        self.assertIn("subject_token_type", r.json["error_description"])

    def test_revoke_ends_the_token_early(self):
        r = self.exchange(self.mint())
        pat = r.json["access_token"]
        rv = self.p.request("POST", "/v2/oidc/revoke", raw=urllib.parse.urlencode({"token": pat}).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(rv.status, 200, rv)
        cur = self.p.request("GET", "/v2/access-tokens/current", auth=(self.acme, pat))
        self.assertEqual(cur.status, 401, cur)

    def test_cli_lists_issuers_and_policies(self):
        out = self.p.cli("oidc", "list-issuers").stdout.decode()
        self.assertIn(f"\t{self.issuer.url}\t{AUD}\t", out)
        out = self.p.cli("oidc", "policy", "list", "--account", self.acme).stdout.decode()
        self.assertIn(self.policy_id, out)
        self.assertIn("repo:write\t600s\t", out)
        r = self.p.cli("oidc", "remove-issuer", self.issuer.url, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("the issuer is named by trust policies; remove them first", r.stderr.decode())
        r = self.p.cli("oidc", "policy", "add", "--account", self.acme, "--issuer", self.issuer.url,
                       "--claim", "sub=*", "--scope", "write", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("at least one condition must be more than '*'", r.stderr.decode())
        r = self.p.cli("oidc", "add-issuer", "http://ci.example", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("must use https (http only for a loopback host)", r.stderr.decode())

    def test_cli_removes_policies_and_issuers(self):
        claims = dict(environment="removed-soon", repository="x/y")
        pid = self.p.cli("oidc", "policy", "add", "--account", self.acme, "--issuer",
                         self.issuer.url, "--claim", "environment=removed-soon", "--claim",
                         "repository=x/y", "--scope", "read").stdout.decode().strip()
        self.assertEqual(self.exchange(self.mint(**claims)).status, 200)
        self.p.cli("oidc", "policy", "remove", pid)
        self.assertNotIn(pid, self.p.cli("oidc", "policy", "list").stdout.decode())
        # In effect at once: the exchange reads the policies every time.
        self.assert_refused(self.exchange(self.mint(**claims)),
                            REFUSED + "no trust policy matches its claims")
        url = "http://127.0.0.1:9/removable"
        self.p.cli("oidc", "add-issuer", url, "--audience", AUD)
        self.p.cli("oidc", "remove-issuer", url)
        self.assertNotIn(url, self.p.cli("oidc", "list-issuers").stdout.decode())
        self.assert_refused(self.exchange(self.mint(iss=url)),
                            REFUSED + f"issuer '{url}' is not trusted")

    def test_api_policies_are_the_callers_own(self):
        session = self.p.session(self.acme, self.acme_pw)
        r = self.p.request("POST", "/v2/oidc/policies",
                           {"issuer": self.issuer.url, "claims": {"environment": "prod"},
                            "scope": "repo:read", "ttl_seconds": 60}, bearer=session)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["account"], self.acme)
        pid = r.json["id"]
        r = self.p.request("GET", "/v2/oidc/policies", bearer=session)
        self.assertIn(pid, [p["id"] for p in r.json["results"]])
        # Authenticated but not an --oidc-admin: forbidden, not unauthenticated.
        r = self.p.request("POST", "/v2/oidc/issuers", {"url": "https://gitlab.example"}, bearer=session)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.json["detail"],
                         "only accounts named by patd serve --oidc-admin may change trusted issuers")
        self.assertNotIn("https://gitlab.example",
                         [i["url"] for i in self.p.request("GET", "/v2/oidc/issuers", bearer=session).json["results"]])
        self.assertEqual(self.p.request("DELETE", f"/v2/oidc/policies/{pid}", bearer=session).status, 204)


class ExpiryTest(OidcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.p.cli("oidc", "policy", "add", "--account", cls.acme, "--issuer", cls.issuer.url,
                  "--claim", "environment=short", "--scope", "read", "--ttl", "10s")

    def test_token_expires_on_time_and_is_swept(self):
        session = self.p.session(self.acme, self.acme_pw)
        r = self.exchange(self.mint(environment="short", repository="x/y"))
        self.assertEqual(r.status, 200, r)
        self.assertLessEqual(r.json["expires_in"], 10)
        pat = r.json["access_token"]
        self.assertEqual(self.p.request("GET", "/v2/access-tokens/current", auth=(self.acme, pat)).status, 200)
        expires = patdlib.parse_time(r.json["expires_at"]).timestamp()
        while time.time() < expires + 0.2:
            time.sleep(0.2)
        cur = self.p.request("GET", "/v2/access-tokens/current", auth=(self.acme, pat))
        self.assertEqual(cur.status, 401, cur)
        # The sweep (every second here) removes it from the listing.
        deadline = time.time() + 10
        while time.time() < deadline:
            listing = self.p.request("GET", "/v2/oidc/tokens", bearer=session).json
            if listing["count"] == 0:
                break
            time.sleep(0.2)
        self.assertEqual(listing["count"], 0, listing)
        self.assertIn("oidc sweep deleted=1", self.p.stderr())


class JwksFetchTest(OidcCase):
    """The real libcurl fetcher's rules: same-host redirects only, a size cap."""

    def setUp(self):
        self.issuer.jwks_mode = "normal"

    def fresh_issuer(self):
        # A new issuer URL each time, so patd has no cached key set for it.
        issuer = oidc_issuer.Issuer()
        self.addCleanup(issuer.stop)
        self.p.cli("oidc", "add-issuer", issuer.url, "--audience", AUD)
        self.p.cli("oidc", "policy", "add", "--account", self.acme, "--issuer", issuer.url,
                   "--claim", "repository=*/app", "--scope", "read")
        return issuer

    def exchange_at(self, issuer):
        token = issuer.mint({"aud": AUD, "repository": f"{self.acme}/app"})
        self.p.secrets.add(token)
        return self.exchange(token)

    def test_redirect_to_another_host_is_not_followed(self):
        issuer = self.fresh_issuer()
        issuer.jwks_mode = "redirect-other-host"
        r = self.exchange_at(issuer)
        self.assertEqual(r.status, 503, r)
        self.assertIn(f"JWKS: {issuer.url} redirected to another host (http://localhost:{issuer.port}); "
                      "not followed", r.json["error_description"])

    def test_redirect_on_the_same_host_is_followed(self):
        issuer = self.fresh_issuer()
        issuer.jwks_mode = "redirect-same-host"
        self.assertEqual(self.exchange_at(issuer).status, 200)

    def test_oversized_jwks_is_refused(self):
        issuer = self.fresh_issuer()
        issuer.jwks_mode = "huge"
        r = self.exchange_at(issuer)
        self.assertEqual(r.status, 503, r)
        self.assertIn(f"JWKS: {issuer.url}: answer larger than 256 KiB", r.json["error_description"])

    def test_cached_keys_need_no_fetch(self):
        issuer = self.fresh_issuer()
        self.assertEqual(self.exchange_at(issuer).status, 200)
        fetches = issuer.jwks_fetches
        for _ in range(3):
            self.assertEqual(self.exchange_at(issuer).status, 200)
        self.assertEqual(issuer.jwks_fetches, fetches)


class CrashTest(OidcCase):
    """kill -9 while exchanges commit (and WAL checkpoints run beside them,
    docs/patd-core.md "SQLite"): every exchange that got its reply keeps its
    token, and its ID token stays burnt."""

    def test_kill9_during_exchanges_loses_no_token_and_burns_every_jti(self):
        tokens = [self.mint(kid="ec-1") for _ in range(600)]
        confirmed = []  # (ID token, PAT) of every 200 reply
        lock = threading.Lock()
        stop = threading.Event()
        errors = []

        def worker(mine):
            for token in mine:
                if stop.is_set():
                    return
                try:
                    r = self.exchange(token)
                except (OSError, http.client.HTTPException):
                    return  # patd died under us
                if r.status != 200:
                    errors.append(r)
                    return
                with lock:
                    confirmed.append((token, r.json["access_token"]))

        threads = [threading.Thread(target=worker, args=(tokens[i::3],), daemon=True)
                   for i in range(3)]
        for t in threads:
            t.start()
        # ~12 WAL pages per exchange: 250 exchanges cross SQLite's checkpoint
        # threshold (1000 pages) more than twice.
        deadline = time.monotonic() + 60
        while len(confirmed) < 250 and time.monotonic() < deadline and not errors:
            time.sleep(0.01)
        self.p.proc.send_signal(signal.SIGKILL)
        self.p.proc.wait(5)
        stop.set()
        for t in threads:
            t.join(15)
        self.assertEqual(errors, [])
        self.assertGreaterEqual(len(confirmed), 250, "too few exchanges before the kill")
        self.p.start()
        for token, pat in confirmed:
            cur = self.p.request("GET", "/v2/access-tokens/current", auth=(self.acme, pat))
            self.assertEqual(cur.status, 200, f"a confirmed exchange's token was lost: {cur}")
            self.assert_refused(self.exchange(token),
                                REFUSED + "its jti was used before (a replayed token)")
        print(f"\nkill -9 after {len(confirmed)} confirmed exchanges: every token works, "
              "every ID token stays burnt", file=sys.stderr)


class UnreachableIssuerTest(OidcCase):
    def test_stopped_issuer_is_503_quickly(self):
        self.issuer.stop()
        t0 = time.monotonic()
        r = self.exchange(self.mint())
        took = time.monotonic() - t0
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json["error"], "temporarily_unavailable", r)
        self.assertIn("cannot fetch the issuer's signing keys", r.json["error_description"])
        self.assertLess(took, 2.5, "patd answered after its fetch deadline")

    def test_hanging_issuer_is_503_within_the_deadline(self):
        # A listener that accepts and never answers.
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        try:
            self.p.cli("oidc", "add-issuer", url, "--audience", AUD)
            self.p.cli("oidc", "policy", "add", "--account", self.acme, "--issuer", url,
                       "--claim", "sub=x", "--scope", "read")
            t0 = time.monotonic()
            r = self.exchange(self.mint(iss=url))
            took = time.monotonic() - t0
            self.assertEqual(r.status, 503, r)
            self.assertIn(f"{url}: no answer in time", r.json["error_description"])
            # The 2 s fetch deadline, not the listener, ended it; the upper
            # bound is loose because a loaded 2-core machine took 5 s once.
            self.assertGreater(took, 1.5)
            self.assertLess(took, 10.0)
        finally:
            sock.close()


if __name__ == "__main__":
    patdlib.main()
