#!/usr/bin/env python3
"""The audit log (docs/patd-api.md, "Audit log"): GET /v2/audit-logs, `patd audit`,
a token's last_used_ips.

usage: audit_test.py BUILD_DIR [unittest args]
One patd for the file. A scripted session (failed sign-in, sign-in, create,
rename, deactivate, activate, uses via /token from chosen addresses with a
chosen User-Agent, 2FA enable, delete) must appear event by event with the
right address and User-Agent; pages and filters, account isolation, and no
secret anywhere in the API's or the CLI's audit output.
"""

import json
import time
import urllib.parse

import patdlib
from patdlib import parse_time, rfc3339, utcnow

DOCKER_UA = "docker/27.0 go/go1.22 audit-test"


class AuditLog(patdlib.ServerCase):
    @classmethod
    def server_args(cls):
        # Expirations are recorded by the sweep: once a second here.
        return ["--oidc-sweep-interval", "1"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        p = cls.p
        cls.alice, cls.alice_pw = p.add_user()
        cls.bob, cls.bob_pw = p.add_user()
        cls.wrong_pw = patdlib.rand_password()
        p.secrets.add(cls.wrong_pw)

        def ua(name):
            return {"User-Agent": name}

        # The scripted session, each step from its own address and User-Agent.
        r = p.login(cls.alice, cls.wrong_pw, headers=ua("ua-failed"), source_ip="127.0.0.2")
        assert r.status == 401, r
        r = p.login(cls.alice, cls.alice_pw, headers=ua("ua-signin"), source_ip="127.0.0.2")
        assert r.status == 200, r
        cls.session = r.json["token"]
        p.secrets.add(cls.session)
        created = p.new_token(cls.session, label="ci token", scopes=("repo:write",),
                              headers=ua("ua-create"), source_ip="127.0.0.3")
        cls.uuid, cls.token = created["uuid"], created["token"]
        for body, name in (({"token_label": "renamed"}, "ua-rename"),
                           ({"is_active": False}, "ua-deactivate"),
                           ({"is_active": True}, "ua-activate")):
            r = p.request("PATCH", f"/v2/access-tokens/{cls.uuid}", body, bearer=cls.session,
                          headers=ua(name), source_ip="127.0.0.3")
            assert r.status == 200, r
        scope = [f"repository:{cls.alice}/app:pull"]
        for ip in ("127.0.0.4", "127.0.0.4", "127.0.0.5"):  # the second is within the interval
            r = p.token_endpoint(cls.alice, cls.token, scope, headers=ua(DOCKER_UA), source_ip=ip)
            assert r.status == 200, r
        r = p.request("GET", f"/v2/access-tokens/{cls.uuid}", bearer=cls.session)
        assert r.status == 200, r
        cls.detail = r.json
        cls.totp = p.enable_2fa(cls.alice)
        r = p.request("DELETE", f"/v2/access-tokens/{cls.uuid}", bearer=cls.session,
                      headers=ua("ua-delete"), source_ip="127.0.0.6")
        assert r.status == 204, r
        cls.bob_session = p.session(cls.bob, cls.bob_pw)

    def logs(self, query="", session=None):
        r = self.p.request("GET", "/v2/audit-logs" + query, bearer=session or self.session)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_each_event_of_the_session(self):
        events = list(reversed(self.logs("?page_size=100")["results"]))  # oldest first
        got = [(e["action"], e["ip_address"], e["user_agent"]) for e in events]
        self.assertEqual(got, [
            ("signin.failed", "127.0.0.2", "ua-failed"),
            ("signin", "127.0.0.2", "ua-signin"),
            ("token.created", "127.0.0.3", "ua-create"),
            ("token.renamed", "127.0.0.3", "ua-rename"),
            ("token.deactivated", "127.0.0.3", "ua-deactivate"),
            ("token.activated", "127.0.0.3", "ua-activate"),
            ("token.used", "127.0.0.4", DOCKER_UA),
            ("token.used", "127.0.0.5", DOCKER_UA),
            ("2fa.enabled", "", ""),
            ("token.deleted", "127.0.0.6", "ua-delete"),
        ])
        by = {e["action"]: e for e in events}
        for e in events:
            self.assertEqual(e["account"], self.alice)
            parse_time(e["timestamp"])
        self.assertEqual(by["signin.failed"]["data"]["reason"], "bad_credentials")
        self.assertEqual(by["signin"]["actor"], f"account:{self.alice}")
        self.assertEqual(by["token.created"]["data"]["token_label"], "ci token")
        self.assertEqual(by["token.created"]["data"]["scopes"], ["repo:write"])
        self.assertEqual(by["token.renamed"]["data"], {"from": "ci token", "to": "renamed"})
        self.assertEqual(by["token.used"]["actor"], f"token:{self.uuid}")
        self.assertEqual(by["token.used"]["data"]["via"], "/token")
        self.assertEqual(by["2fa.enabled"]["actor"], "admin")
        for kind in ("token.created", "token.renamed", "token.deactivated", "token.activated",
                     "token.used", "token.deleted"):
            self.assertEqual(by[kind]["token_uuid"], self.uuid, kind)
        self.assertIsNone(by["signin"]["token_uuid"])

    def test_token_detail_shows_recent_addresses(self):
        ips = self.detail["last_used_ips"]
        self.assertEqual([u["ip"] for u in ips], ["127.0.0.5", "127.0.0.4"])
        for u in ips:
            self.assertLess(abs((parse_time(u["last_used"]) - utcnow()).total_seconds()), 120)

    def test_paging(self):
        full = self.logs("?page_size=100")
        first = self.logs("?page_size=4")
        self.assertEqual(first["count"], full["count"])
        self.assertIsNone(first["previous"])
        self.assertIn("page=2", first["next"])
        seen, page = [], 1
        while True:
            body = self.logs(f"?page_size=4&page={page}")
            seen += [e["id"] for e in body["results"]]
            if not body["next"]:
                break
            page += 1
        self.assertEqual(seen, [e["id"] for e in full["results"]])
        r = self.p.request("GET", "/v2/audit-logs?page_size=101", bearer=self.session)
        self.assertEqual(r.status, 400, r)

    def test_filters(self):
        by_token = self.logs(f"?page_size=100&token={self.uuid}")
        self.assertEqual(by_token["count"], 7)
        self.assertTrue(all(e["token_uuid"] == self.uuid for e in by_token["results"]))
        events = self.logs("?page_size=100")["results"]
        created = next(e for e in events if e["action"] == "token.created")
        deleted = next(e for e in events if e["action"] == "token.deleted")
        since = urllib.parse.quote(created["timestamp"])
        until = urllib.parse.quote(deleted["timestamp"])
        window = self.logs(f"?page_size=100&from={since}&to={until}")["results"]
        actions = [e["action"] for e in window]
        self.assertIn("token.created", actions)  # from is inclusive
        self.assertNotIn("token.deleted", actions)  # to is exclusive
        self.assertNotIn("signin", actions)
        r = self.p.request("GET", "/v2/audit-logs?from=yesterday", bearer=self.session)
        self.assertEqual(r.status, 400, r)
        self.assertIn("from", r.body)

    def test_other_accounts_events_are_never_visible(self):
        bob = self.logs("?page_size=100", session=self.bob_session)
        # Other tests of this file add bob's events too; none is alice's.
        self.assertEqual(bob["results"][-1]["action"], "signin")
        self.assertTrue(all(e["account"] == self.bob for e in bob["results"]))
        self.assertNotIn(self.uuid, json.dumps(bob))
        self.assertNotIn(self.alice, json.dumps(bob))
        self.assertEqual(self.logs(f"?token={self.uuid}", session=self.bob_session)["count"], 0)
        mine = self.logs("?page_size=100")
        self.assertTrue(all(e["account"] == self.alice for e in mine["results"]))

    def test_a_token_session_cannot_read_the_log(self):
        tok = self.p.new_token(self.bob_session, label="pat session")
        pat_session = self.p.session(self.bob, tok["token"])
        r = self.p.request("GET", "/v2/audit-logs", bearer=pat_session)
        self.assertEqual(r.status, 403, r)

    def test_admin_cli(self):
        out = self.p.cli("audit", "--account", self.alice, "--json").stdout.decode()
        rows = [json.loads(line) for line in out.splitlines()]
        api = self.logs("?page_size=100")["results"]
        self.assertEqual([r["id"] for r in rows], [e["id"] for e in api])
        self.assertEqual(rows, api)
        text = self.p.cli("audit", "--token", self.uuid).stdout.decode().splitlines()
        self.assertEqual(len(text), 7)
        self.assertTrue(all(len(line.split("\t")) == 8 for line in text))
        everyone = self.p.cli("audit", "--json").stdout.decode()
        self.assertIn(self.bob, everyone)
        bad = self.p.cli("audit", "--since", "yesterday", check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--since wants an RFC 3339 time", bad.stderr.decode())
        gone = self.p.cli("audit", "--account", "nobody-here", check=False)
        self.assertEqual(gone.returncode, 1)
        self.assertIn("no such account", gone.stderr.decode())

    def test_expiry_is_recorded(self):
        s = self.p.session(self.bob, self.bob_pw)
        soon = rfc3339(utcnow() + __import__("datetime").timedelta(seconds=2))
        tok = self.p.new_token(s, label="short", expires_at=soon)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = self.logs(f"?token={tok['uuid']}", session=s)["results"]
            if any(e["action"] == "token.expired" for e in found):
                break
            time.sleep(0.5)
        self.assertIn("token.expired", [e["action"] for e in found])
        self.assertEqual(len([e for e in found if e["action"] == "token.expired"]), 1)

    def test_zz_no_secret_in_any_audit_output(self):
        outputs = [json.dumps(self.logs("?page_size=100")),
                   json.dumps(self.logs("?page_size=100", session=self.bob_session)),
                   self.p.cli("audit", "--json").stdout.decode(),
                   self.p.cli("audit").stdout.decode()]
        secrets = set(self.p.secrets) | {self.wrong_pw, self.token, self.session,
                                         self.totp["secret"]}
        self.assertGreaterEqual(len(secrets), 6)
        for s in secrets:
            for out in outputs:
                self.assertNotIn(s, out)


if __name__ == "__main__":
    patdlib.main()
