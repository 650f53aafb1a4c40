#!/usr/bin/env python3
"""Robustness tests of a real patd: malformed HTTP and JSON, oversized bodies,
unknown routes and wrong methods (each a 4xx JSON reply, server keeps serving),
kill -9 during a burst of creations (nothing confirmed is lost) and SIGTERM
flushing pending last-used values.

usage: robustness_test.py BUILD_DIR [unittest args]
"""

import datetime
import http.client
import json
import signal
import socket
import sys
import threading
import time

import patdlib
from patdlib import parse_time, rfc3339, utcnow

LIMIT = 64 * 1024


def raw_exchange(port, payload, timeout=5.0):
    """Send PAYLOAD on a fresh socket, return (status, headers, body) of the first reply.

    The server may answer and close before it read everything; a broken pipe
    while sending is fine as long as a reply arrives."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            head, sep, rest = data.partition(b"\r\n\r\n")
            if sep:
                m = [ln for ln in head.split(b"\r\n") if ln.lower().startswith(b"content-length:")]
                if m and len(rest) >= int(m[0].split(b":")[1]):
                    break
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not lines[0].startswith(b"HTTP/1."):
        return None, {}, data
    status = int(lines[0].split()[1])
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        headers[k.strip().lower().decode()] = v.strip().decode()
    return status, headers, body


class Base(patdlib.ServerCase):
    args = ()

    @classmethod
    def server_args(cls):
        return list(cls.args)

    def assert_4xx_json(self, status, headers, body, allowed=None):
        self.assertIsNotNone(status, f"no HTTP reply, got {body[:200]!r}")
        if allowed:
            self.assertIn(status, allowed, body[:300])
        self.assertTrue(400 <= status < 500, f"{status} {body[:300]!r}")
        self.assertIn("json", headers.get("content-type", ""), headers)
        obj = json.loads(body)
        self.assertIsInstance(obj, dict)
        self.assertTrue({"detail", "details", "errors", "message"} & set(obj), obj)

    def assert_serving(self):
        r = self.p.request("GET", "/healthz")
        self.assertEqual(r.status, 200, r)


class MalformedInputTest(Base):
    def test_raw_garbage(self):
        huge_header = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
        payloads = {
            "binary": b"\x00\x01\x02\xff garbage \r\n\r\n",
            "no version": b"GET /healthz\r\n\r\n",
            "bad request line": b"HELLO WORLD FOO BAR\r\n\r\n",
            "header without colon": b"GET /healthz HTTP/1.1\r\nHost: x\r\nBadHeader\r\n\r\n",
            "bad content-length": b"POST /v2/users/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "bad chunk": b"POST /v2/users/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n",
            "huge header": huge_header,
        }
        for name, payload in payloads.items():
            with self.subTest(name):
                self.assert_4xx_json(*raw_exchange(self.p.port, payload))
                self.assert_serving()
        # half a request, then hang up; and a connection that sends nothing
        s = socket.create_connection(("127.0.0.1", self.p.port), timeout=5)
        s.sendall(b"POST /v2/users/login HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"user")
        s.close()
        socket.create_connection(("127.0.0.1", self.p.port), timeout=5).close()
        self.assert_serving()

    def test_malformed_json(self):
        user, pw = self.p.add_user()
        session = self.p.session(user, pw)
        pat = self.p.new_token(session, label="json")
        bodies = [b"{not json", b"[]", b"\"str\"", b"", b"{\"username\": 5, \"password\": []}",
                  b"{\"username\": \"a\", \"password\": \"b\"", b"\xff\xfe{}",
                  b"{\"username\":\"" + user.encode() + b"\",\"password\":\"" + pw.encode() + b"\"}trailing"]
        for b in bodies:
            with self.subTest(body=b[:40]):
                r = self.p.request("POST", "/v2/users/login", raw=b,
                                   headers={"Content-Type": "application/json"})
                self.assertEqual(r.status, 400, r)
                self.assertIsInstance(r.json, dict, r)
                self.assertIn("detail", r.json, r)
        for method, path, auth in (("POST", "/v2/access-tokens", None),
                                   ("PATCH", f"/v2/access-tokens/{pat['uuid']}", None),
                                   ("POST", "/v2/access-tokens/current/usage", (user, pat["token"])),
                                   ("POST", "/v2/users/2fa-login", None)):
            with self.subTest(path=path):
                r = self.p.request(method, path, raw=b"{\"token_label\": ", auth=auth,
                                   bearer=None if auth else session,
                                   headers={"Content-Type": "application/json"})
                self.assertEqual(r.status, 400, r)
                self.assertIn("detail", r.json or {}, r)
        # nothing was created or changed
        r = self.p.request("GET", "/v2/access-tokens", bearer=session)
        self.assertEqual(r.json["count"], 1)
        self.assertEqual(r.json["results"][0]["token_label"], "json")
        self.assertIsNone(r.json["results"][0]["last_used"])
        self.assert_serving()

    def test_body_over_64k(self):
        big = json.dumps({"username": "x", "password": "y", "pad": "p" * (LIMIT + 10)}).encode()
        for path in ("/v2/users/login", "/token", "/v2/access-tokens"):
            with self.subTest(path=path):
                req = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       f"Content-Length: {len(big)}\r\n\r\n").encode() + big
                self.assert_4xx_json(*raw_exchange(self.p.port, req), allowed=(400, 413))
                self.assert_serving()
        chunked = b"".join(b"%x\r\n%s\r\n" % (8192, b"a" * 8192) for _ in range(10)) + b"0\r\n\r\n"
        req = (b"POST /v2/users/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
        self.assert_4xx_json(*raw_exchange(self.p.port, req), allowed=(400, 413))
        # just under the limit is read and judged on its content (bad credentials)
        ok = json.dumps({"username": "nobody", "password": "y", "pad": "p" * (LIMIT - 200)}).encode()
        self.assertLessEqual(len(ok), LIMIT)
        r = self.p.request("POST", "/v2/users/login", raw=ok,
                           headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 401, r)
        self.assert_serving()

    def test_unknown_routes_and_wrong_methods(self):
        for method, path, allowed in (("GET", "/nope", (404,)), ("GET", "/v2/", (404,)),
                                      ("GET", "/v2/access-tokens/a/b/c", (404,)),
                                      ("GET", "/" + "x" * 5000, (404, 414)),
                                      ("PUT", "/v2/users/login", (404, 405)),
                                      ("GET", "/v2/users/login", (404, 405)),
                                      ("DELETE", "/healthz", (404, 405)),
                                      ("POST", "/metrics", (404, 405)),
                                      ("PUT", "/token", (404, 405)),
                                      ("DELETE", "/v2/access-tokens", (404, 405)),
                                      ("BREW", "/healthz", (400, 404, 405, 501))):
            with self.subTest(method=method, path=path[:40]):
                r = self.p.request(method, path)
                if r.status == 501:
                    self.fail(f"{method} {path} -> 501 (not a 4xx)")
                self.assertIn(r.status, allowed, r)
                self.assertIsInstance(r.json, dict, r)
        self.assert_serving()

    def test_keep_alive(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.p.port, timeout=5)
        try:
            socks = set()
            for _ in range(5):
                conn.request("GET", "/healthz")
                r = conn.getresponse()
                r.read()
                self.assertEqual(r.status, 200)
                socks.add(conn.sock.getsockname() if conn.sock else None)
            self.assertEqual(len(socks), 1, "connection was not kept alive")
        finally:
            conn.close()


class CrashTest(Base):
    args = ("--last-used-interval", "3600")

    def test_kill9_during_burst_loses_nothing_confirmed(self):
        users = [self.p.add_user() for _ in range(4)]
        sessions = [self.p.session(u, pw) for u, pw in users]
        confirmed = [[] for _ in users]
        stop = threading.Event()
        errors = []

        def worker(i):
            n = 0
            while not stop.is_set():
                try:
                    r = self.p.create_token(sessions[i], label=f"burst{n}")
                except (OSError, http.client.HTTPException):
                    return  # the server died under us
                if r.status == 201:
                    confirmed[i].append(r.json["token"])
                elif r.status != 429:
                    errors.append(r)
                    return
                n += 1

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(len(users))]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while sum(map(len, confirmed)) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.p.proc.send_signal(signal.SIGKILL)  # while the workers are still creating
        self.p.proc.wait(5)
        stop.set()
        for t in threads:
            t.join(15)
        self.assertEqual(errors, [])
        total = sum(map(len, confirmed))
        self.assertGreater(total, 0, "no token was created before the kill")
        self.p.start()
        for (user, _), toks in zip(users, confirmed):
            for tok in toks:
                r = self.p.request("GET", "/v2/access-tokens/current", auth=(user, tok))
                self.assertEqual(r.status, 200, f"{user}: confirmed token lost after kill -9: {r}")
        print(f"\nkill -9 after {total} confirmed creations: all authenticate", file=sys.stderr)

    def test_sigterm_flushes_last_used(self):
        self.check_signal_flushes_last_used(signal.SIGTERM)

    def test_sigint_flushes_last_used(self):
        self.check_signal_flushes_last_used(signal.SIGINT)

    def check_signal_flushes_last_used(self, sig):
        user, pw = self.p.add_user()
        writes0 = self.p.metric("patd_last_used_writes_total")
        session = self.p.session(user, pw)
        t1 = self.p.new_token(session, label="explicit")
        t2 = self.p.new_token(session, label="registry")
        base = utcnow().replace(microsecond=0)
        old, recent = base - datetime.timedelta(minutes=10), base - datetime.timedelta(seconds=10)
        auth1 = (user, t1["token"])
        self.assertEqual(self.p.request("POST", "/v2/access-tokens/current/usage",
                                        {"used_at": rfc3339(old)}, auth=auth1).status, 204)
        self.assertEqual(self.p.request("POST", "/v2/access-tokens/current/usage",
                                        {"used_at": rfc3339(recent)}, auth=auth1).status, 204)
        self.assertEqual(self.p.request("POST", "/v2/access-tokens/current/usage",
                                        {"used_at": rfc3339(old)}, auth=(user, t2["token"])).status, 204)
        time.sleep(1.1)
        t_use = utcnow()
        self.assertEqual(self.p.token_endpoint(user, t2["token"], [f"repository:{user}/x:pull"]).status, 200)
        writes = self.p.metric("patd_last_used_writes_total") - writes0

        def last_used(s, tok):
            r = self.p.request("GET", f"/v2/access-tokens/{tok['uuid']}", bearer=s)
            self.assertEqual(r.status, 200, r)
            return parse_time(r.json["last_used"])

        # reads see the pending values
        self.assertEqual(last_used(session, t1), recent)
        self.assertLess(abs((last_used(session, t2) - t_use).total_seconds()), 2)
        self.assertLessEqual(writes, 2, "interval 3600 s: at most one write per token")
        rc = self.p.stop(sig, timeout=10)
        self.assertEqual(rc, 0, f"exit code after {sig.name}")
        self.p.start()
        session = self.p.session(user, pw)
        self.assertEqual(last_used(session, t1), recent, f"pending last_used lost on {sig.name}")
        self.assertLess(abs((last_used(session, t2) - t_use).total_seconds()), 2)


if __name__ == "__main__":
    patdlib.main()
