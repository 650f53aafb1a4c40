#!/usr/bin/env python3
"""Black-box tests of patd's HTTP API (docs/patd-api.md).

usage: api_test.py BUILD_DIR [unittest args]
Starts a real patd per test class (temp data dir, 127.0.0.1:0), creates
accounts with the real CLI and drives every endpoint over HTTP. At the end of
each class the server's stderr, stdout and /metrics are grepped for every
password, token, session and TOTP secret the class used.
"""

import datetime
import re
import time
import urllib.parse

import patdlib
from patdlib import rfc3339, utcnow, parse_time

SERVICE = "registry.test"
ISSUER = "patd-api-test"
UA = "patd-api-test/1.0"
PAT_FORBIDDEN = "access to the resource is forbidden with personal access token"
MFA_DETAIL = "Require secondary authentication on MFA enabled account"
USE_PAT = "please use personal access token to login"
TOKEN_FIELDS = {"uuid", "client_id", "creator_ip", "creator_ua", "created_at", "last_used",
                "generated_by", "is_active", "token", "token_label", "scopes", "expires_at"}


class PatdCase(patdlib.ServerCase):
    extra_args = ()

    @classmethod
    def server_args(cls):
        return ["--service", SERVICE, "--issuer", ISSUER, *cls.extra_args]

    # ---- helpers -----------------------------------------------------------
    def account(self):
        """A fresh account and its password session."""
        user, pw = self.p.add_user()
        return user, pw, self.p.session(user, pw)

    def assert_error(self, r, status, detail=None):
        self.assertEqual(r.status, status, r)
        self.assertIsInstance(r.json, dict, f"error body is not a JSON object: {r}")
        self.assertIn("detail", r.json, r)
        if detail is not None:
            self.assertEqual(r.json["detail"], detail, r)

    def assert_redacted(self, tok, plaintext):
        self.assertNotEqual(tok.get("token"), plaintext)
        self.assertIn(tok.get("token"), ("", "***", None))

    def current(self, user, pat):
        return self.p.request("GET", "/v2/access-tokens/current", auth=(user, pat))

    def listing(self, session, **q):
        r = self.p.request("GET", "/v2/access-tokens?" + urllib.parse.urlencode(q), bearer=session)
        self.assertEqual(r.status, 200, r)
        return r.json

    def get(self, session, uuid):
        return self.p.request("GET", f"/v2/access-tokens/{uuid}", bearer=session)

    def patch(self, session, uuid, body):
        return self.p.request("PATCH", f"/v2/access-tokens/{uuid}", body, bearer=session)

    def usage(self, user, pat, used_at=None):
        body = {"client": "api-test"}
        if used_at is not None:
            body["used_at"] = rfc3339(used_at)
        return self.p.request("POST", "/v2/access-tokens/current/usage", body, auth=(user, pat))

    def assert_cannot_authenticate(self, user, pat, why=None):
        r = self.current(user, pat)
        self.assert_error(r, 401)
        if why:
            self.assertRegex(r.json["detail"].lower(), why)
        r = self.p.token_endpoint(user, pat, [f"repository:{user}/app:pull"])
        self.assertEqual(r.status, 401, r)
        r = self.p.login(user, pat)
        self.assertEqual(r.status, 401, r)


class LoginTest(PatdCase):
    def test_login_ok_and_bad(self):
        user, pw = self.p.add_user()
        r = self.p.login(user, pw)
        self.assertEqual(r.status, 200, r)
        self.assertIsInstance(r.json.get("token"), str)
        self.p.secrets.add(r.json["token"])
        self.assertGreater(len(r.json["token"]), 20)
        _, claims = patdlib.jwt_claims(r.json["token"])
        self.assertLessEqual(claims["exp"] - time.time(), 30 * 60 + 5, "session longer than 30 min")
        self.assert_error(self.p.login(user, pw + "x"), 401)
        self.assert_error(self.p.login(user + "nobody", pw), 401)
        self.assert_error(self.p.login(user, ""), 401)
        r = self.p.request("POST", "/v2/users/login", {"username": user})
        self.assertIn(r.status, (400, 401), r)

    def test_management_needs_a_session(self):
        self.assert_error(self.p.request("GET", "/v2/access-tokens"), 401)
        self.assert_error(self.p.request("GET", "/v2/access-tokens", bearer="garbage.jwt.here"), 401)
        r = self.p.request("POST", "/v2/access-tokens", {"token_label": "x", "scopes": ["repo:read"]})
        self.assert_error(r, 401)

    def test_2fa_login_flow(self):
        user, pw = self.p.add_user()
        otp = self.p.enable_2fa(user)
        r = self.p.login(user, pw)
        self.assert_error(r, 401, MFA_DETAIL)
        tfa = r.json.get("login_2fa_token")
        self.assertIsInstance(tfa, str)
        self.p.secrets.add(tfa)
        code = patdlib.totp(otp["secret"], digits=otp["digits"], period=otp["period"], algo=otp["algo"])
        wrong = str((int(code) + 500000) % 10 ** otp["digits"]).zfill(otp["digits"])
        r = self.p.request("POST", "/v2/users/2fa-login", {"login_2fa_token": tfa, "code": wrong})
        self.assert_error(r, 401)
        r = self.p.request("POST", "/v2/users/2fa-login", {"login_2fa_token": "x.y.z", "code": code})
        self.assertEqual(r.status, 401, r)
        # the code may roll over between computing and sending; retry once
        for _ in range(2):
            code = patdlib.totp(otp["secret"], digits=otp["digits"], period=otp["period"], algo=otp["algo"])
            r = self.p.request("POST", "/v2/users/2fa-login", {"login_2fa_token": tfa, "code": code})
            if r.status == 200:
                break
        self.assertEqual(r.status, 200, r)
        session = r.json["token"]
        self.p.secrets.add(session)
        tok = self.p.new_token(session, label="after 2fa", scopes=["repo:write"])
        self.assertEqual(self.listing(session)["count"], 1)
        # the registry endpoint refuses the password with the exact CLI text, accepts the PAT
        r = self.p.token_endpoint(user, pw, [f"repository:{user}/app:pull"])
        self.assertEqual(r.status, 401, r)
        # distribution's text, unchanged, and the reason for programs
        # (docs/patd-http.md "Why a 401")
        self.assertEqual(r.json, {"details": USE_PAT, "reason": "pat_required"})
        r = self.p.token_endpoint(user, tok["token"], [f"repository:{user}/app:pull"])
        self.assertEqual(r.status, 200, r)
        # disabling 2FA makes the password work again
        self.p.cli("user", "2fa", user, "disable")
        self.assertEqual(self.p.login(user, pw).status, 200)
        r = self.p.token_endpoint(user, pw, [f"repository:{user}/app:pull"])
        self.assertEqual(r.status, 200, r)

    def test_pat_session_is_refused_on_admin_routes(self):
        user, pw, session = self.account()
        tok = self.p.new_token(session, label="for pat session", scopes=["repo:admin"])
        r = self.p.login(user, tok["token"])
        self.assertEqual(r.status, 200, r)
        pat_session = r.json["token"]
        self.p.secrets.add(pat_session)
        calls = [("GET", "/v2/access-tokens", None),
                 ("POST", "/v2/access-tokens", {"token_label": "x", "scopes": ["repo:read"]}),
                 ("POST", "/v2/access-tokens/desktop-generate", None),
                 ("GET", f"/v2/access-tokens/{tok['uuid']}", None),
                 ("PATCH", f"/v2/access-tokens/{tok['uuid']}", {"is_active": False}),
                 ("DELETE", f"/v2/access-tokens/{tok['uuid']}", None)]
        for method, path, body in calls:
            with self.subTest(method=method, path=path):
                r = self.p.request(method, path, body, bearer=pat_session)
                self.assert_error(r, 403, PAT_FORBIDDEN)
        # nothing changed
        self.assertEqual(self.listing(session)["count"], 1)
        self.assertEqual(self.current(user, tok["token"]).status, 200)


class TokensTest(PatdCase):
    def test_create_shows_token_once(self):
        user, _, session = self.account()
        r = self.p.create_token(session, label="ci", scopes=["repo:write"],
                                headers={"User-Agent": UA})
        self.assertEqual(r.status, 201, r)
        tok = r.json
        self.assertTrue(TOKEN_FIELDS <= set(tok), f"missing fields: {TOKEN_FIELDS - set(tok)}")
        self.assertRegex(tok["token"], r"^dckr_pat_[A-Za-z0-9]+$")
        self.assertGreaterEqual(len(tok["token"]) - len("dckr_pat_"), 26 + 4,
                                "too short for >=150 random bits plus a checksum")
        self.assertEqual(tok["token_label"], "ci")
        self.assertEqual(tok["scopes"], ["repo:write"])
        self.assertEqual(tok["generated_by"], "manual")
        self.assertIs(tok["is_active"], True)
        self.assertIsNone(tok["last_used"])
        self.assertIsNone(tok["expires_at"])
        self.assertEqual(tok["creator_ip"], "127.0.0.1")
        self.assertEqual(tok["creator_ua"], UA)
        self.assertLess(abs((parse_time(tok["created_at"]) - utcnow()).total_seconds()), 30)
        self.assertRegex(tok["uuid"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        # never shown again: get, list, current
        r = self.get(session, tok["uuid"])
        self.assertEqual(r.status, 200, r)
        self.assert_redacted(r.json, tok["token"])
        self.assertNotIn(tok["token"], r.body)
        for field in ("uuid", "token_label", "scopes", "created_at", "generated_by", "creator_ua"):
            self.assertEqual(r.json[field], tok[field], field)
        lst = self.listing(session)
        self.assertNotIn(tok["token"], str(lst))
        r = self.current(user, tok["token"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["uuid"], tok["uuid"])
        self.assertNotIn(tok["token"], r.body)
        # each token is different
        other = self.p.new_token(session, label="ci2")
        self.assertNotEqual(other["token"], tok["token"])
        self.assertNotEqual(other["uuid"], tok["uuid"])

    def test_all_scopes_and_boundaries(self):
        user, _, session = self.account()
        for scope in ("repo:public_read", "repo:read", "repo:write", "repo:admin"):
            tok = self.p.new_token(session, label=scope, scopes=[scope])
            self.assertEqual(tok["scopes"], [scope])
        self.p.new_token(session, label="L" * 100)
        self.p.new_token(session, label="ü" * 100)
        exp = rfc3339(utcnow() + datetime.timedelta(days=364))
        tok = self.p.new_token(session, label="364d", expires_at=exp)
        self.assertEqual(parse_time(tok["expires_at"]), parse_time(exp))
        self.assertEqual(self.listing(session)["count"], 7)

    def test_validation_400s_store_nothing(self):
        user, _, session = self.account()
        far = rfc3339(utcnow() + datetime.timedelta(days=367))
        bad = [{"token_label": "", "scopes": ["repo:read"]},
               {"token_label": "x" * 101, "scopes": ["repo:read"]},
               {"scopes": ["repo:read"]},
               {"token_label": "x", "scopes": ["repo:bogus"]},
               {"token_label": "x", "scopes": ["repo:superuser"]},
               {"token_label": "x", "scopes": ["read"]},  # CLI alias, not an API value
               {"token_label": "x", "scopes": []},
               {"token_label": "x", "scopes": "repo:read"},
               {"token_label": "x", "scopes": ["repo:read"], "expires_at": far},
               {"token_label": "x", "scopes": ["repo:read"], "expires_at": "tomorrow"},
               {"token_label": 5, "scopes": ["repo:read"]}]
        for body in bad:
            with self.subTest(body=body):
                r = self.p.request("POST", "/v2/access-tokens", body, bearer=session)
                self.assertEqual(r.status, 400, r)
                self.assertIsInstance(r.json, dict, r)
                self.assertIn("detail", r.json, r)
                self.assertIn("fields", r.json, r)
        lst = self.listing(session)
        self.assertEqual((lst["count"], lst["results"]), (0, []))

    def test_list_active_count_and_pagination(self):
        user, _, session = self.account()
        uuids = [self.p.new_token(session, label=f"tok{i}")["uuid"] for i in range(12)]
        for u in uuids[:3]:
            self.assertEqual(self.patch(session, u, {"is_active": False}).status, 200)
        first = self.listing(session, page=1, page_size=5)
        self.assertEqual(first["count"], 12)
        self.assertEqual(first["active_count"], 9)
        self.assertEqual(len(first["results"]), 5)
        self.assertIsNone(first["previous"])
        self.assertIsInstance(first["next"], str)
        self.assertIn("page=2", first["next"])
        last = self.listing(session, page=3, page_size=5)
        self.assertEqual(len(last["results"]), 2)
        self.assertIsNone(last["next"])
        self.assertIn("page=2", last["previous"])
        seen = set()
        for page in (1, 2, 3):
            for t in self.listing(session, page=page, page_size=5)["results"]:
                self.assertTrue(TOKEN_FIELDS <= set(t))
                self.assertIn(t["token"], ("", "***", None))
                seen.add(t["uuid"])
        self.assertEqual(seen, set(uuids))
        dflt = self.listing(session)
        self.assertEqual(len(dflt["results"]), 10)
        self.assertIn("page=2", dflt["next"])
        # next is followable as-is
        nxt = urllib.parse.urlparse(dflt["next"])
        r = self.p.request("GET", nxt.path + "?" + nxt.query, bearer=session)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.json["results"]), 2)

    def test_desktop_generate_keeps_five(self):
        user, _, session = self.account()
        manual = self.p.new_token(session, label="manual")
        autos = []
        for _ in range(5):
            r = self.p.request("POST", "/v2/access-tokens/desktop-generate", bearer=session)
            self.assertEqual(r.status, 201, r)
            self.assertEqual(set(r.json), {"data"}, r)
            tok = r.json["data"]["token"]
            self.p.secrets.add(tok)
            self.assertRegex(tok, r"^dckr_pat_")
            autos.append(tok)
            time.sleep(0.02)
        first = self.current(user, autos[0])
        self.assertEqual(first.status, 200, first)
        self.assertEqual(first.json["generated_by"], "auto")
        self.assertEqual(first.json["scopes"], ["repo:admin"])
        lst = self.listing(session)
        self.assertEqual(lst["count"], 6)
        self.assertEqual(sum(t["generated_by"] == "auto" for t in lst["results"]), 5)
        r = self.p.request("POST", "/v2/access-tokens/desktop-generate", bearer=session)
        self.assertEqual(r.status, 201, r)
        self.p.secrets.add(r.json["data"]["token"])
        self.assertEqual(self.current(user, r.json["data"]["token"]).status, 200)
        # the oldest auto token is gone: does not authenticate, not listed, 404
        self.assert_cannot_authenticate(user, autos[0])
        lst = self.listing(session)
        self.assertEqual(lst["count"], 6)
        self.assertNotIn(first.json["uuid"], [t["uuid"] for t in lst["results"]])
        self.assertEqual(self.get(session, first.json["uuid"]).status, 404)
        for tok in autos[1:] + [manual["token"]]:
            self.assertEqual(self.current(user, tok).status, 200)

    def test_patch_rename_deactivate_reactivate(self):
        user, _, session = self.account()
        tok = self.p.new_token(session, label="old", scopes=["repo:read"])
        u = tok["uuid"]
        r = self.patch(session, u, {"token_label": "new name"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["token_label"], "new name")
        self.assert_redacted(r.json, tok["token"])
        self.assertEqual(self.get(session, u).json["token_label"], "new name")
        r = self.patch(session, u, {"token_label": "y" * 101})
        self.assertEqual(r.status, 400, r)
        self.assertIn("fields", r.json)
        r = self.patch(session, u, {"token_label": ""})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(self.get(session, u).json["token_label"], "new name")
        r = self.patch(session, u, {"is_active": "no"})
        self.assertEqual(r.status, 400, r)
        # deactivate
        r = self.patch(session, u, {"is_active": False})
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.json["is_active"], False)
        self.assertEqual(self.listing(session)["active_count"], 0)
        self.assert_cannot_authenticate(user, tok["token"], r"inactive|deactivat|not active")
        # reactivate
        r = self.patch(session, u, {"is_active": True})
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.json["is_active"], True)
        self.assertEqual(self.current(user, tok["token"]).status, 200)
        r = self.p.token_endpoint(user, tok["token"], [f"repository:{user}/app:pull"])
        self.assertEqual(r.status, 200, r)
        # expiry is not editable
        r = self.patch(session, u, {"expires_at": rfc3339(utcnow() + datetime.timedelta(days=1))})
        self.assertIsNone(self.get(session, u).json["expires_at"])

    def test_delete(self):
        user, _, session = self.account()
        tok = self.p.new_token(session, label="doomed")
        keep = self.p.new_token(session, label="keep")
        r = self.p.request("DELETE", f"/v2/access-tokens/{tok['uuid']}", bearer=session)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, "")
        self.assert_error(self.get(session, tok["uuid"]), 404)
        r = self.p.request("DELETE", f"/v2/access-tokens/{tok['uuid']}", bearer=session)
        self.assert_error(r, 404)
        self.assert_error(self.patch(session, tok["uuid"], {"is_active": True}), 404)
        self.assert_cannot_authenticate(user, tok["token"])
        self.assertEqual(self.listing(session)["count"], 1)
        self.assertEqual(self.current(user, keep["token"]).status, 200)

    def test_other_accounts_token_is_404(self):
        a, _, sa = self.account()
        b, _, sb = self.account()
        tok = self.p.new_token(sa, label="mine")
        u = tok["uuid"]
        self.assert_error(self.get(sb, u), 404)
        self.assert_error(self.patch(sb, u, {"is_active": False, "token_label": "pwned"}), 404)
        self.assert_error(self.p.request("DELETE", f"/v2/access-tokens/{u}", bearer=sb), 404)
        self.assert_error(self.get(sa, "00000000-0000-4000-8000-000000000000"), 404)
        r = self.get(sa, "not-a-uuid")
        self.assertIn(r.status, (400, 404), r)
        # untouched
        r = self.get(sa, u)
        self.assertEqual((r.json["token_label"], r.json["is_active"]), ("mine", True))
        # and it does not authenticate as the other user
        self.assert_error(self.current(b, tok["token"]), 401)
        self.assertEqual(self.p.token_endpoint(b, tok["token"]).status, 401)
        self.assertEqual(self.listing(sb)["count"], 0)

    def test_expired_token(self):
        user, _, session = self.account()
        exp = utcnow().replace(microsecond=0) + datetime.timedelta(seconds=4)
        tok = self.p.new_token(session, label="short", expires_at=rfc3339(exp))
        self.assertEqual(parse_time(tok["expires_at"]), exp)
        self.assertEqual(self.current(user, tok["token"]).status, 200)
        time.sleep(max(0.0, (exp - utcnow()).total_seconds()) + 1.2)
        self.assert_cannot_authenticate(user, tok["token"], r"expired")
        # still listed, still deletable
        self.assertEqual(self.get(session, tok["uuid"]).status, 200)
        r = self.p.request("DELETE", f"/v2/access-tokens/{tok['uuid']}", bearer=session)
        self.assertEqual(r.status, 204, r)

    def test_expiry_warning_window(self):
        """expires_soon: still valid and at most 7 days left (docs/patd-api.md)."""
        _, _, session = self.account()
        now = utcnow().replace(microsecond=0)
        made = {}
        for label, delta in (("3 days", datetime.timedelta(days=3)),
                             ("just inside", datetime.timedelta(days=7) - datetime.timedelta(hours=1)),
                             ("just outside", datetime.timedelta(days=7, hours=1)),
                             ("30 days", datetime.timedelta(days=30))):
            made[label] = self.p.new_token(session, label=label, expires_at=rfc3339(now + delta))
        made["never"] = self.p.new_token(session, label="never")
        want = {"3 days": True, "just inside": True, "just outside": False, "30 days": False,
                "never": False}
        for label, tok in made.items():
            self.assertIs(tok["expires_soon"], want[label], label)  # the create reply
            self.assertIs(self.get(session, tok["uuid"]).json["expires_soon"], want[label], label)
        listed = {t["token_label"]: t["expires_soon"] for t in self.listing(session)["results"]}
        self.assertEqual(listed, want)

    def test_malformed_tokens_rejected(self):
        user, _, session = self.account()
        tok = self.p.new_token(session, label="real")["token"]
        body = tok[len("dckr_pat_"):]
        mid = len(body) // 2
        flipped = body[:mid] + ("A" if body[mid] != "A" else "B") + body[mid + 1:]
        bad = ["dckr_pat_" + flipped,               # checksum mismatch
               tok[:-1] + ("0" if tok[-1] != "0" else "1"),
               tok[:-3],                            # truncated
               "dckr_pat_",
               "ghp_" + body,                       # wrong prefix
               "dckr_oat_" + body,
               tok + "x",
               "dckr_pat_" + "A" * 5000,
               "dckr_pat_" + body[:-6] + "!@#$%^",
               ""]
        for b in bad:
            with self.subTest(token=b[:40]):
                r = self.current(user, b)
                self.assertEqual(r.status, 401, r)
                r = self.p.token_endpoint(user, b, [f"repository:{user}/app:pull"])
                self.assertEqual(r.status, 401, r)
        self.assertEqual(self.current(user, tok).status, 200)

    def test_current_and_usage_last_used(self):
        user, _, session = self.account()
        tok = self.p.new_token(session, label="usage")
        pat, u = tok["token"], tok["uuid"]
        self.assertIsNone(self.get(session, u).json["last_used"])

        def last_used():
            return parse_time(self.get(session, u).json["last_used"])

        hour_ago = utcnow().replace(microsecond=0) - datetime.timedelta(hours=1)
        r = self.usage(user, pat, hour_ago)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(last_used(), hour_ago)
        self.assertEqual(parse_time(self.current(user, pat).json["last_used"]), hour_ago)
        # older used_at never moves it back
        self.assertEqual(self.usage(user, pat, hour_ago - datetime.timedelta(hours=1)).status, 204)
        self.assertEqual(last_used(), hour_ago)
        # a future used_at is clamped to now
        before = utcnow()
        self.assertEqual(self.usage(user, pat, utcnow() + datetime.timedelta(days=2)).status, 204)
        lu = last_used()
        self.assertLess(abs((lu - before).total_seconds()), 5, lu)
        # no used_at means now; a /token request is a use too
        tok2 = self.p.new_token(session, label="usage2")
        self.assertEqual(self.usage(user, tok2["token"]).status, 204)
        self.assertLess(abs((parse_time(self.get(session, tok2["uuid"]).json["last_used"])
                             - utcnow()).total_seconds()), 5)
        tok3 = self.p.new_token(session, label="usage3")
        self.assertEqual(self.p.token_endpoint(user, tok3["token"]).status, 200)
        self.assertLess(abs((parse_time(self.get(session, tok3["uuid"]).json["last_used"])
                             - utcnow()).total_seconds()), 5)
        # bad credentials / bodies
        self.assert_error(self.usage(user, pat + "x"), 401)
        r = self.p.request("POST", "/v2/access-tokens/current/usage", {"used_at": "yesterday"},
                           auth=(user, pat))
        self.assertEqual(r.status, 400, r)
        self.assertEqual(last_used(), lu)
        self.assert_error(self.p.request("GET", "/v2/access-tokens/current"), 401)

    def test_deactivated_and_deleted_never_authenticate_anywhere(self):
        user, _, session = self.account()
        t1 = self.p.new_token(session, label="off", scopes=["repo:admin"])
        t2 = self.p.new_token(session, label="gone", scopes=["repo:admin"])
        self.patch(session, t1["uuid"], {"is_active": False})
        self.p.request("DELETE", f"/v2/access-tokens/{t2['uuid']}", bearer=session)
        for tok in (t1, t2):
            self.assert_cannot_authenticate(user, tok["token"])
            r = self.usage(user, tok["token"])
            self.assertEqual(r.status, 401, r)
            form = urllib.parse.urlencode({"grant_type": "password", "username": user,
                                           "password": tok["token"], "service": SERVICE,
                                           "client_id": "containerd-client",
                                           "scope": f"repository:{user}/app:pull"})
            r = self.p.request("POST", "/token", raw=form.encode(),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(r.status, 401, r)
        self.assertIsNone(self.get(session, t1["uuid"]).json["last_used"])


class RegistryTokenTest(PatdCase):
    extra_args = ("--public-namespace", "library")

    def grant(self, r):
        self.assertEqual(r.status, 200, r)
        for k in ("token", "access_token", "expires_in", "issued_at"):
            self.assertIn(k, r.json)
        self.assertNotIn("refresh_token", r.json)
        self.assertEqual(r.json["token"], r.json["access_token"])
        self.assertGreaterEqual(r.json["expires_in"], 60)
        parse_time(r.json["issued_at"])
        self.p.secrets.add(r.json["token"])
        header, claims = patdlib.jwt_claims(r.json["token"])
        self.assertEqual(header["alg"], "ES256")
        self.assertIsInstance(header.get("x5c"), list)
        self.assertEqual(claims["iss"], ISSUER)
        self.assertEqual(claims["aud"], SERVICE)
        for k in ("exp", "nbf", "iat"):
            self.assertIsInstance(claims[k], int, k)
        self.assertIsInstance(claims["jti"], str)
        self.assertLessEqual(claims["iat"], time.time() + 5)
        return claims

    def actions(self, claims, name):
        acts = set()
        for a in claims.get("access") or []:
            if a["type"] == "repository" and a["name"] == name:
                acts |= set(a["actions"])
        return acts

    def test_grants_follow_scope_and_namespace(self):
        user, _, session = self.account()
        other, _, _ = self.account()
        want = "pull,push,delete"
        cases = {"repo:public_read": ({"pull"}, set(), set()),
                 "repo:read": ({"pull"}, {"pull"}, set()),
                 "repo:write": ({"pull"}, {"pull", "push"}, set()),
                 "repo:admin": ({"pull"}, {"pull", "push", "delete"}, set())}
        for scope, (public, own, foreign) in cases.items():
            with self.subTest(scope=scope):
                pat = self.p.new_token(session, label=scope, scopes=[scope])["token"]
                r = self.p.token_endpoint(user, pat, [f"repository:library/base:{want}",
                                                      f"repository:{user}/app:{want}",
                                                      f"repository:{other}/app:{want}"])
                c = self.grant(r)
                self.assertEqual(c["sub"], user)
                self.assertEqual(self.actions(c, "library/base"), public)
                self.assertEqual(self.actions(c, f"{user}/app"), own)
                self.assertEqual(self.actions(c, f"{other}/app"), foreign)

    def test_login_without_scope_offline_token(self):
        user, pw, session = self.account()
        pat = self.p.new_token(session, label="login")["token"]
        q = urllib.parse.urlencode({"account": user, "client_id": "docker",
                                    "offline_token": "true", "service": SERVICE})
        r = self.p.request("GET", "/token?" + q, auth=(user, pat),
                           headers={"User-Agent": "Docker-Client/28.2.2 (linux)"})
        c = self.grant(r)
        self.assertFalse(c.get("access"))
        r = self.p.request("GET", "/token?" + q, auth=(user, pw))
        self.grant(r)
        r = self.p.request("GET", "/token?" + q, auth=(user, pat + "0"))
        self.assertEqual(r.status, 401, r)

    def test_anonymous_gets_public_pull_only(self):
        user, _, _ = self.account()
        c = self.grant(self.p.token_endpoint(None, None, ["repository:library/base:pull,push",
                                                          f"repository:{user}/app:pull"]))
        self.assertEqual(self.actions(c, "library/base"), {"pull"})
        self.assertEqual(self.actions(c, f"{user}/app"), set())

    def test_post_oauth2_form(self):
        user, _, session = self.account()
        pat = self.p.new_token(session, label="containerd", scopes=["repo:write"])["token"]
        form = urllib.parse.urlencode({"grant_type": "password", "username": user, "password": pat,
                                       "service": SERVICE, "client_id": "containerd-client",
                                       "scope": f"repository:{user}/app:pull,push repository:library/x:pull"})
        r = self.p.request("POST", "/token", raw=form.encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200, r)
        self.assertIn("access_token", r.json)
        self.assertNotIn("refresh_token", r.json)
        self.p.secrets.add(r.json["access_token"])
        _, c = patdlib.jwt_claims(r.json["access_token"])
        self.assertEqual(self.actions(c, f"{user}/app"), {"pull", "push"})
        self.assertEqual(self.actions(c, "library/x"), {"pull"})
        bad = form.replace("grant_type=password", "grant_type=bogus")
        r = self.p.request("POST", "/token", raw=bad.encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertIn(r.status, (400, 401), r)


class OpsTest(PatdCase):
    def test_healthz(self):
        r = self.p.request("GET", "/healthz")
        self.assertEqual(r.status, 200, r)

    def test_metrics(self):
        user, _, session = self.account()
        tok = self.p.new_token(session, label="metrics")
        grants0 = self.p.metric("patd_token_grants_total")
        fails0 = self.p.metric("patd_auth_failures_total")
        writes0 = self.p.metric("patd_last_used_writes_total")
        self.p.request("GET", "/healthz")
        self.assertEqual(self.get(session, tok["uuid"]).status, 200)
        self.assertEqual(self.current(user, "dckr_pat_bogus").status, 401)
        self.assertEqual(self.p.token_endpoint(user, tok["token"]).status, 200)
        r = self.p.request("GET", "/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers.get("content-type", "").startswith("text/plain"), r.headers)
        samples = [ln for ln in r.body.splitlines() if ln and not ln.startswith("#")]
        self.assertTrue(all(re.match(r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?\s+\S+$", s) for s in samples),
                        "not Prometheus text format")
        self.assertTrue(any('"200"' in s for s in samples), "no request counter by status")
        self.assertTrue(any('"401"' in s for s in samples), "no 401 counted")
        # routes are labelled by template: no token ids (or anything else per-token) in labels
        self.assertNotIn(tok["uuid"], r.body)
        self.assertEqual(self.p.metric("patd_token_grants_total"), grants0 + 1)
        self.assertGreaterEqual(self.p.metric("patd_auth_failures_total"), fails0 + 1)
        self.assertGreaterEqual(self.p.metric("patd_last_used_writes_total"), writes0)


class RateLimitTest(PatdCase):
    """Wrong passwords wait per (account, address), growing; PATs are never
    counted (the lock-out attack itself is in hardening_test.py)."""

    LIMIT = 4
    MAX_DELAY = 4
    fail_limit = LIMIT
    extra_args = ("--auth-max-delay", str(MAX_DELAY))

    def assert_not_slowed(self, fn, baseline):
        """FN (a successful call) takes no longer than an unpenalised one would:
        under 1 s and under 3x BASELINE seconds, whichever is larger."""
        t0 = time.monotonic()
        r = fn()
        took = time.monotonic() - t0
        self.assertLess(took, max(1.0, 3 * baseline), f"took {took:.2f}s, baseline {baseline:.2f}s")
        return r

    def baseline(self, fn):
        t0 = time.monotonic()
        r = fn()
        self.assertIn(r.status, (200, 401), r)
        return time.monotonic() - t0

    def assert_429(self, r):
        self.assertEqual(r.status, 429, r)
        self.assertIn("retry-after", r.headers, r.headers)
        ra = int(r.headers["retry-after"])
        self.assertTrue(1 <= ra <= self.MAX_DELAY, ra)
        return ra

    def test_wrong_passwords_make_that_account_and_address_wait(self):
        victim, pw = self.p.add_user()
        src = "127.0.1.1"
        base = self.baseline(lambda: self.p.login(victim, pw, source_ip="127.0.1.60"))
        for i in range(self.LIMIT):
            r = self.p.login(victim, "wrong-" + str(i), source_ip=src)
            self.assertEqual(r.status, 401, f"failure {i + 1}: {r}")
        limited0 = self.p.metric("patd_rate_limited_total")
        ra = self.assert_429(self.p.login(victim, pw, source_ip=src))
        r = self.p.token_endpoint(victim, pw, [f"repository:{victim}/a:pull"], source_ip=src)
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.json["details"], "too many failed login attempts, try again later", r)
        self.assertEqual(self.p.metric("patd_rate_limited_total"), limited0 + 2)
        # the owner from another address is served at once
        r = self.assert_not_slowed(lambda: self.p.login(victim, pw, source_ip="127.0.1.52"), base)
        self.assertEqual(r.status, 200, r)
        self.p.secrets.add(r.json["token"])
        time.sleep(ra + 0.5)
        r = self.p.login(victim, pw, source_ip=src)
        self.assertEqual(r.status, 200, r)
        self.p.secrets.add(r.json["token"])

    def test_failed_pats_are_never_limited(self):
        user, pw, session = self.account()
        pat = self.p.new_token(session, label="ok")["token"]
        ip = "127.0.0.2"
        limited0 = self.p.metric("patd_rate_limited_total")
        for i in range(3 * self.LIMIT):
            r = self.p.token_endpoint(user if i % 2 else f"ghost{i}", "dckr_pat_wrongwrongwrong",
                                      source_ip=ip)
            self.assertEqual(r.status, 401, f"failure {i + 1}: {r}")
        r = self.p.token_endpoint(user, pat, [f"repository:{user}/a:pull"], source_ip=ip)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.p.metric("patd_rate_limited_total"), limited0)

    def test_success_before_threshold_not_slowed(self):
        user, pw = self.p.add_user()
        ip = "127.0.2.1"
        base = self.baseline(lambda: self.p.login(user, pw, source_ip="127.0.2.2"))
        for i in range(self.LIMIT - 1):
            self.assertEqual(self.p.login(user, "bad", source_ip=ip).status, 401)
        r = self.assert_not_slowed(lambda: self.p.login(user, pw, source_ip=ip), base)
        self.assertEqual(r.status, 200, r)
        self.p.secrets.add(r.json["token"])


if __name__ == "__main__":
    patdlib.main()
