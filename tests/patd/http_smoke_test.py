#!/usr/bin/env python3
"""Smoke test of patd's HTTP layer (patd-http): start build/patd on
127.0.0.1:0, check /healthz and /metrics, then malformed HTTP, a 65 KiB body,
an unknown route and a wrong method each get a 4xx JSON reply while the server
keeps serving (on the same keep-alive connection where HTTP allows it), and
SIGTERM ends it cleanly. The full API and robustness suites are api_test.py
and robustness_test.py.

usage: http_smoke_test.py BUILD_DIR
"""

import http.client
import json
import subprocess
import tempfile
import unittest

import patdlib
from robustness_test import raw_exchange


def raw(port, payload):
    """(status, parsed JSON body, lower-cased header dict) of the first reply."""
    status, headers, body = raw_exchange(port, payload)
    return status, json.loads(body), headers


class HttpSmoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = patdlib.Patd(patdlib.BUILD_DIR, ["--threads", "2"])
        cls.p.start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.assert_clean_stop(cls)
        finally:
            cls.p.cleanup()

    def assert_clean_stop(self):
        code = self.p.stop()
        if code != 0:
            raise AssertionError(f"patd exited {code} after SIGTERM")
        if "stopped" not in self.p.stderr():
            raise AssertionError("no 'stopped' line after SIGTERM")

    def assert_alive(self):
        r = self.p.request("GET", "/metrics")
        self.assertEqual(r.status, 200, r)

    def test_healthz_and_metrics(self):
        r = self.p.request("GET", "/healthz")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, {"status": "ok"})
        r = self.p.request("GET", "/metrics")
        self.assertEqual(r.status, 200)
        self.assertIn("text/plain", r.headers["content-type"])
        self.assertRegex(r.body, r'patd_http_requests_total\{route="/healthz",status="200"\} \d+')
        for name in ("patd_token_grants_total", "patd_auth_failures_total",
                     "patd_last_used_writes_total"):
            self.assertRegex(r.body, rf"(?m)^{name} \d+$")

    def test_malformed_http_is_400_json_then_close(self):
        for payload in (b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
                        b"\x00\x01\x02\x03\r\n\r\n",
                        b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n"):
            status, body, head = raw(self.p.port, payload)
            self.assertEqual(status, 400, payload)
            self.assertIn("detail", body)
            self.assertIn("message", body)
            self.assertEqual(head.get("connection"), "close")
            self.assert_alive()

    def test_body_over_64k_is_413_json(self):
        for size in (65 * 1024, 64 * 1024 + 1):
            payload = (b"POST /v2/users/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       b"Content-Length: %d\r\n\r\n" % size) + b"x" * size
            status, body, _ = raw(self.p.port, payload)
            self.assertEqual(status, 413)
            self.assertIn("detail", body)
            self.assert_alive()

    def test_unknown_route_and_wrong_method_keep_the_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.p.port, timeout=5)
        try:
            conn.request("GET", "/v2/no/such/route/dckr_pat_secretish")
            r = conn.getresponse()
            self.assertEqual(r.status, 404)
            self.assertEqual(json.loads(r.read())["detail"], "not found")
            conn.request("PUT", "/token")
            r = conn.getresponse()
            self.assertEqual(r.status, 405)
            self.assertEqual(r.getheader("Allow"), "GET, POST")
            self.assertIn("detail", json.loads(r.read()))
            conn.request("GET", "/metrics")  # same connection: keep-alive survived
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            r.read()
        finally:
            conn.close()
        # Route templates only: the raw path never reaches logs or metrics.
        self.assertNotIn("dckr_pat_secretish", self.p.stderr())
        self.assertNotIn("dckr_pat_secretish", self.p.metrics())
        self.assertIn('route="unmatched",status="404"', self.p.metrics())


class CliSmoke(unittest.TestCase):
    """The command line around serve: help, version, usage errors (exit 2)."""

    def run_patd(self, *args):
        binary = patdlib.find_patd(patdlib.BUILD_DIR)
        return subprocess.run([binary, *args], capture_output=True, timeout=30,
                              stdin=subprocess.DEVNULL, text=True)

    def test_help_and_version(self):
        r = self.run_patd("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^patd \d+\.\d+")
        for args in (("--help",), ("serve", "--help")):
            r = self.run_patd(*args)
            self.assertEqual(r.returncode, 0, r.stderr)
            for flag in ("--listen", "--data-dir", "--database", "--service", "--issuer",
                         "--public-url", "--signing-key", "--signing-cert", "--token-ttl",
                         "--last-used-interval", "--public-namespace", "--auth-fail-limit",
                         "--auth-max-delay", "--password-logins-per-minute",
                         "--trusted-proxy", "--max-connections", "--max-connections-per-address",
                         "--threads", "--log-level", "--config"):
                self.assertIn(flag, r.stdout)

    def test_usage_errors_exit_2_with_a_message(self):
        with tempfile.TemporaryDirectory() as tmp:
            for args, text in ((("bogus",), "unknown command"),
                               (("serve", "--token-ttl", "59", "--data-dir", tmp), "--token-ttl"),
                               (("serve", "--no-such-flag"), "no-such-flag"),
                               (("serve", "--listen", "nowhere", "--data-dir", tmp), "--listen"),
                               (("serve", "--trusted-proxy", "10.0.0.0/33", "--data-dir", tmp),
                                "--trusted-proxy: '10.0.0.0/33' is not an IP address or CIDR"),
                               (("user", "add"), "usage"),
                               (("user", "2fa", "alice", "maybe", "--data-dir", tmp), "usage")):
                r = self.run_patd(*args)
                self.assertEqual(r.returncode, 2, (args, r.stderr))
                self.assertIn(text, r.stderr, args)
                self.assertEqual(r.stdout, "", args)


if __name__ == "__main__":
    patdlib.main()
