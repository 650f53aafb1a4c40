#!/usr/bin/env python3
"""Black-box checks of patd's defences against a network attacker (see
docs/threat-model.md, patd table): the account lock-out attack, trusted
proxies, the rate limiter's memory, descriptor starvation, framing, the
public URL, file modes and a corrupt database.

usage: hardening_test.py BUILD_DIR [unittest args]
"""

import base64
import hashlib
import os
import re
import resource
import secrets
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib

import patdlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62_fixed(value, width):
    out = ["0"] * width
    for i in range(width - 1, -1, -1):
        out[i] = BASE62[value % 62]
        value //= 62
    return "".join(out)


def unknown_pat():
    """A PAT with a valid checksum that patd never issued."""
    body = "".join(secrets.choice(BASE62) for _ in range(30))
    return "dckr_pat_" + body + base62_fixed(zlib.crc32(body.encode()), 6)


def bad_checksum_pat():
    """PAT-shaped, but the checksum does not match."""
    tok = unknown_pat()
    last = BASE62[(BASE62.index(tok[-1]) + 1) % 62]
    return tok[:-1] + last


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M).group(1))


def raw_reply(sock, timeout=5.0):
    """Reads one reply (status, headers dict, body) and whether the server
    then closed the connection."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not lines[0].startswith(b"HTTP/1."):
        return None, {}, data, True
    status = int(lines[0].split()[1])
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        headers[k.strip().lower().decode()] = v.strip().decode()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    rest = body[length:]
    body = body[:length]
    closed = False
    try:
        extra = sock.recv(65536)
        closed = extra == b""
        rest += extra
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    return status, headers, body, closed and rest == b""


class LockoutTest(patdlib.ServerCase):
    """The attack of a stranger who knows a username: ten bad PATs from ten
    addresses used to lock the owner out of everything for 5 minutes."""

    fail_limit = 10  # patd's default

    def assert_owner_served(self, user, pw, pat, scope, src, when):
        r = self.p.token_endpoint(user, pat, scope, source_ip=src)
        self.assertEqual(r.status, 200, f"{when}: the owner's PAT at /token from {src}: {r}")
        r = self.p.request("GET", "/v2/access-tokens/current", auth=(user, pat), source_ip=src)
        self.assertEqual(r.status, 200, f"{when}: current from {src}: {r}")
        r = self.p.login(user, pw, source_ip=src)
        self.assertEqual(r.status, 200, f"{when}: password login from {src}: {r}")
        self.p.secrets.add(r.json["token"])
        r = self.p.login(user, pat, source_ip=src)  # a PAT session
        self.assertEqual(r.status, 200, f"{when}: PAT login from {src}: {r}")
        self.p.secrets.add(r.json["token"])

    def test_bad_pats_never_lock_the_owner_out(self):
        user, pw = self.p.add_user()
        pat = self.p.new_token(self.p.session(user, pw), label="owner")["token"]
        scope = [f"repository:{user}/app:pull"]
        # The attack as reported: ten /token requests with a PAT-shaped secret
        # that fails its checksum, from ten addresses.
        for i in range(10):
            src = f"127.0.3.{i + 1}"
            r = self.p.token_endpoint(user, bad_checksum_pat(), scope, source_ip=src)
            self.assertEqual(r.status, 401, f"attack request {i + 1} from {src}: {r}")
        self.assert_owner_served(user, pw, pat, scope, "127.0.3.50", "after the attack")
        # More of it: unknown PATs with a valid checksum, at /token and at
        # current, from the same addresses, three times the fail limit.
        for i in range(3 * self.fail_limit):
            src = f"127.0.3.{i % 10 + 1}"
            secret = unknown_pat() if i % 2 == 0 else bad_checksum_pat()
            r = self.p.token_endpoint(user, secret, scope, source_ip=src)
            self.assertEqual(r.status, 401, f"attempt {i + 1} from {src}: {r}")
            r = self.p.request("GET", "/v2/access-tokens/current", auth=(user, secret),
                               source_ip=src)
            self.assertEqual(r.status, 401, r)
        # the owner from one of the attacking addresses, and from elsewhere
        for src in ("127.0.3.1", "127.0.3.51"):
            self.assert_owner_served(user, pw, pat, scope, src, "after 60 more")

    def test_password_guessing_is_still_slowed(self):
        user, pw = self.p.add_user()
        pat = self.p.new_token(self.p.session(user, pw), label="owner")["token"]
        scope = [f"repository:{user}/app:pull"]
        guesser = "127.0.4.1"
        for i in range(self.fail_limit):
            r = self.p.login(user, f"guess-{i}", source_ip=guesser)
            self.assertEqual(r.status, 401, f"guess {i + 1}: {r}")
        # Past the limit the guesser waits, even with the right password, at
        # login and at /token.
        r = self.p.login(user, pw, source_ip=guesser)
        self.assertEqual(r.status, 429, f"after {self.fail_limit} wrong passwords: {r}")
        self.assertEqual(r.json["detail"], "too many failed authentication attempts", r)
        first_wait = r.headers.get("retry-after")
        r = self.p.token_endpoint(user, pw, scope, source_ip=guesser)
        self.assertEqual(r.status, 429, r)
        self.assertIn("retry-after", r.headers)
        # ...but not the owner's PAT from there, nor the owner's password elsewhere
        r = self.p.token_endpoint(user, pat, scope, source_ip=guesser)
        self.assertEqual(r.status, 200, r)
        r = self.p.login(user, pw, source_ip="127.0.4.2")
        self.assertEqual(r.status, 200, f"the owner's password from elsewhere: {r}")
        self.p.secrets.add(r.json["token"])
        # The first wait is 1 s; each further wrong guess doubles it
        # (asserted before sleeping).
        self.assertEqual(first_wait, "1")
        for n in (1, 2):
            time.sleep(2 ** (n - 1) + 0.3)
            r = self.p.login(user, f"guess-more-{n}", source_ip=guesser)
            self.assertEqual(r.status, 401, r)
            r = self.p.login(user, pw, source_ip=guesser)
            self.assertEqual(r.status, 429, f"after {self.fail_limit + n} wrong passwords: {r}")
            self.assertEqual(r.headers["retry-after"], str(2 ** n), r)


class TrustedProxyTest(patdlib.ServerCase):
    fail_limit = 3

    @classmethod
    def server_args(cls):
        return ["--trusted-proxy", "127.0.0.1/32"]

    def test_client_address_comes_from_a_trusted_proxy_only(self):
        user, pw = self.p.add_user()
        xff = lambda addr: {"X-Forwarded-For": addr}
        # through the trusted proxy (peer 127.0.0.1): counted per forwarded client
        for i in range(self.fail_limit):
            r = self.p.login(user, "bad", source_ip="127.0.0.1", headers=xff("198.51.100.1"))
            self.assertEqual(r.status, 401, r)
        r = self.p.login(user, "bad", source_ip="127.0.0.1", headers=xff("198.51.100.1"))
        self.assertEqual(r.status, 429, r)
        r = self.p.login(user, pw, source_ip="127.0.0.1", headers=xff("203.0.113.9, 198.51.100.2"))
        self.assertEqual(r.status, 200, f"another client behind the proxy: {r}")
        self.p.secrets.add(r.json["token"])
        self.assertRegex(self.p.stderr(), r"client=198\.51\.100\.2 via=127\.0\.0\.1")
        # from an untrusted peer the header is ignored: rotating it does not help
        for i in range(self.fail_limit):
            r = self.p.login(user, "bad", source_ip="127.0.5.1", headers=xff(f"192.0.2.{i}"))
            self.assertEqual(r.status, 401, r)
        r = self.p.login(user, pw, source_ip="127.0.5.1", headers=xff("192.0.2.200"))
        self.assertEqual(r.status, 429, r)


class RateLimiterMemoryTest(patdlib.ServerCase):
    # no limit that would stop counting early: every request reaches the limiter
    fail_limit = 1000000

    @classmethod
    def setUpClass(cls):
        # In the sanitizer build, ASan's quarantine keeps freed memory (up to
        # 256 MB) resident on purpose; without it RSS measures what patd keeps.
        # Other builds ignore the variable.
        saved = os.environ.get("ASAN_OPTIONS")
        os.environ["ASAN_OPTIONS"] = ":".join(
            filter(None, [saved, "quarantine_size_mb=0", "thread_local_quarantine_size_kb=0"]))
        try:
            super().setUpClass()
        finally:
            if saved is None:
                del os.environ["ASAN_OPTIONS"]
            else:
                os.environ["ASAN_OPTIONS"] = saved

    def post_token(self, conn, username, password):
        body = urllib.parse.urlencode({"grant_type": "password", "service": "registry.test",
                                       "client_id": "t", "username": username,
                                       "password": password}).encode()
        conn.request("POST", "/token", body=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        r.read()
        return r.status

    def run_requests(self, n):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.p.port, timeout=30)
        try:
            for i in range(n):
                name = secrets.token_hex(30_000)  # 60 KB, unique
                secret = bad_checksum_pat() if i % 2 else "not-the-password"
                status = self.post_token(conn, name, secret)
                self.assertEqual(status, 401, f"request {i}")
        finally:
            conn.close()

    def test_60kb_usernames_do_not_grow_memory(self):
        self.run_requests(200)  # warm up allocator arenas and caches
        before = rss_kib(self.p.proc.pid)
        self.run_requests(2000)
        after = rss_kib(self.p.proc.pid)
        print(f"\nRSS {before} kB -> {after} kB after 2000 x 60 KB usernames", file=sys.stderr)
        self.assertLess(after - before, 5 * 1024)


class PasswordPoolTest(patdlib.ServerCase):
    """With one HTTP thread, password checks (Argon2id) used to run on it, so a
    PAT /token queued behind every password request that came first."""

    @classmethod
    def server_args(cls):
        return ["--threads", "1", "--password-logins-per-minute", "0"]

    def test_pat_requests_do_not_wait_for_password_checks(self):
        user, pw = self.p.add_user()
        pat = self.p.new_token(self.p.session(user, pw), label="fast")["token"]
        scope = [f"repository:{user}/app:pull"]
        done = []  # (kind, monotonic time, status)
        lock = threading.Lock()

        def call(kind, secret):
            r = self.p.token_endpoint(user, secret, scope, timeout=60)
            with lock:
                done.append((kind, time.monotonic(), r.status))

        slow = [threading.Thread(target=call, args=("password", pw)) for _ in range(6)]
        for t in slow:
            t.start()
        time.sleep(0.05)  # the password requests are in before the PAT one
        call("pat", pat)
        for t in slow:
            t.join(60)
        self.assertEqual(sorted(st for _, _, st in done), [200] * 7, done)
        order = [kind for kind, _, _ in sorted(done, key=lambda d: d[1])]
        print(f"\ncompletion order: {order}", file=sys.stderr)
        # two password threads: the PAT reply comes while most checks still run
        self.assertLess(order.index("pat"), 3, order)


class PasswordBudgetTest(patdlib.ServerCase):
    fail_limit = 10
    PER_MINUTE = 3  # small, so the bucket hardly refills while the test runs

    @classmethod
    def server_args(cls):
        return ["--password-logins-per-minute", str(cls.PER_MINUTE)]

    def test_correct_passwords_are_limited_per_account(self):
        user, pw = self.p.add_user()
        other, opw = self.p.add_user()
        pat = self.p.new_token(self.p.session(user, pw), label="t")["token"]  # login 1
        scope = [f"repository:{user}/app:pull"]
        granted = 1
        for i in range(10):
            r = self.p.token_endpoint(user, pw, scope, source_ip=f"127.0.6.{i % 5 + 1}")
            if r.status != 200:
                break
            granted += 1
        self.assertEqual(r.status, 429, f"after {granted} password grants: {r}")
        self.assertGreaterEqual(granted, self.PER_MINUTE)
        self.assertEqual(r.json["details"],
                         "too many password logins for this account, use a personal access token")
        self.assertGreaterEqual(int(r.headers["retry-after"]), 1)
        r = self.p.login(user, pw, source_ip="127.0.6.10")
        self.assertEqual(r.status, 429, r)
        for _ in range(5):
            self.assertEqual(self.p.token_endpoint(user, pat, scope).status, 200)
        r = self.p.login(other, opw)
        self.assertEqual(r.status, 200, r)
        self.p.secrets.add(r.json["token"])


def limit_descriptors(soft, hard):
    def apply():
        patdlib._die_with_parent()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return apply


class DescriptorTest(patdlib.ServerCase):
    """250 half-sent requests from one address under a 200-descriptor limit
    used to leave patd unable to accept anyone for 15 s."""

    PROBE_DEADLINE = 3  # seconds: generous, so only a starved server misses it

    @classmethod
    def setUpClass(cls):
        cls.p = patdlib.Patd(patdlib.BUILD_DIR, ["--log-level", "info"])
        cls.p.preexec = limit_descriptors(200, 200)
        try:
            cls.p.start()
        except Exception:
            cls.p.cleanup()
            raise

    def healthz(self):
        t0 = time.monotonic()
        r = self.p.request("GET", "/healthz", source_ip="127.0.0.2",
                           timeout=self.PROBE_DEADLINE)
        return r.status, time.monotonic() - t0

    def test_slow_clients_cannot_starve_others(self):
        half = b"POST /v2/users/login HTTP/1.1\r\nHost: x\r\nContent-Le"
        attackers = []
        refused = 0
        stop = threading.Event()
        probes = []

        def probe():
            while not stop.is_set():
                try:
                    probes.append(self.healthz())
                except OSError as e:
                    probes.append((repr(e), 99.0))
                time.sleep(0.05)

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        try:
            deadline = time.monotonic() + 7  # past the 5 s header deadline
            while time.monotonic() < deadline:
                while len(attackers) < 250:
                    s = socket.create_connection(("127.0.0.1", self.p.port), timeout=5)
                    s.sendall(half)
                    attackers.append(s)
                time.sleep(0.2)
                alive = []
                for s in attackers:
                    s.setblocking(False)
                    try:
                        data = s.recv(4096)
                    except BlockingIOError:
                        alive.append(s)  # still held open by patd
                        continue
                    except OSError:
                        data = b""
                    if data.startswith(b"HTTP/1.1 429") or data.startswith(b"HTTP/1.1 408"):
                        refused += 1
                    s.close()
                attackers = alive
        finally:
            stop.set()
            prober.join(5)
            for s in attackers:
                s.close()
        slow = sorted(t for _, t in probes)
        print(f"\n{len(probes)} /healthz during the attack: median {slow[len(slow) // 2] * 1000:.1f}"
              f" ms, max {slow[-1] * 1000:.1f} ms; {refused} attack connections refused",
              file=sys.stderr)
        # Every probe must be answered 200 within its 3 s deadline (a timed-out
        # or refused one is an error string). How fast they were is printed,
        # not asserted: the machine is shared (docs/benchmarks.md).
        bad = [p for p in probes if p[0] != 200]
        self.assertEqual(bad, [], f"/healthz failed during the attack: {bad[:5]}")
        self.assertGreater(len(probes), 20)
        self.assertGreater(refused, 0, "no connection over the per-address cap was refused")
        self.assertEqual(self.healthz()[0], 200)

    def test_soft_descriptor_limit_is_raised_to_the_hard_one(self):
        p = patdlib.Patd(patdlib.BUILD_DIR, ["--log-level", "warn"])
        p.preexec = limit_descriptors(200, 400)
        try:
            p.start()
            with open(f"/proc/{p.proc.pid}/limits") as f:
                line = next(ln for ln in f if ln.startswith("Max open files"))
            self.assertEqual(line.split()[3:5], ["400", "400"], line)
        finally:
            p.cleanup()


class FramingAndUrlTest(patdlib.ServerCase):
    def test_transfer_encoding_other_than_chunked_is_400_and_closed(self):
        login = b'{"username":"nobody","password":"x"}'
        for te in (b"gzip", b"identity", b"gzip, chunked", b"chunked, gzip", b"chunked\r\nTransfer-Encoding: chunked"):
            with self.subTest(te=te):
                s = socket.create_connection(("127.0.0.1", self.p.port), timeout=5)
                try:
                    # the body would be a second request if it were read as one
                    s.sendall(b"POST /v2/users/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te +
                              b"\r\nContent-Type: application/json\r\n\r\n"
                              b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                    status, headers, body, closed = raw_reply(s)
                finally:
                    s.close()
                self.assertEqual(status, 400, body)
                self.assertIn("json", headers.get("content-type", ""))
                self.assertEqual(headers.get("connection"), "close")
                self.assertTrue(closed, "connection stayed open (or a second reply followed)")
        r = self.p.request("GET", "/healthz")
        self.assertEqual(r.status, 200)

    def test_1001_pipelined_requests_are_all_answered_in_order(self):
        n = 1001
        s = socket.create_connection(("127.0.0.1", self.p.port), timeout=10)
        try:
            reqs = b"".join(b"GET /healthz?i=%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(n))
            sender = threading.Thread(target=s.sendall, args=(reqs,), daemon=True)
            sender.start()
            data = b""
            deadline = time.monotonic() + 30
            while data.count(b"HTTP/1.1 200 ") < n and time.monotonic() < deadline:
                chunk = s.recv(1 << 16)
                if not chunk:
                    break
                data += chunk
            sender.join(10)
        finally:
            s.close()
        self.assertEqual(data.count(b"HTTP/1.1 200 "), n)
        self.assertEqual(data.count(b"HTTP/1.1 "), n)
        self.assertEqual(self.p.request("GET", "/healthz").status, 200)

    def test_names_outside_the_registry_grammar_get_nothing(self):
        user, pw = self.p.add_user()
        pat = self.p.new_token(self.p.session(user, pw), label="w", scopes=("repo:write",))["token"]
        for name in (f"{user}/../bob/x", f"{user}//x", f"{user}/x:tag", f"{user}/x\x00y",
                     f"{user}/\uff41pp", f"{user}/App"):
            with self.subTest(name=name):
                r = self.p.token_endpoint(user, pat, [f"repository:{name}:pull,push"])
                self.assertEqual(r.status, 200, r)
                _, claims = patdlib.jwt_claims(r.json["token"])
                self.assertEqual(claims["access"], [], claims)
        r = self.p.token_endpoint(user, pat, [f"repository:{user}/app:pull,push"])
        _, claims = patdlib.jwt_claims(r.json["token"])
        self.assertEqual(claims["access"][0]["actions"], ["pull", "push"])

    def test_links_use_the_listen_address_not_the_host_header(self):
        user, pw = self.p.add_user()
        session = self.p.session(user, pw)
        for i in range(3):
            self.p.new_token(session, label=f"t{i}")
        r = self.p.request("GET", "/v2/access-tokens?page_size=1&page=2", bearer=session,
                           headers={"Host": "evil.example"})
        self.assertEqual(r.status, 200, r)
        base = f"http://127.0.0.1:{self.p.port}/v2/access-tokens?page_size=1&page="
        self.assertEqual(r.json["next"], base + "3")
        self.assertEqual(r.json["previous"], base + "1")
        self.assertNotIn("evil.example", r.body)


class FilesTest(patdlib.ServerCase):
    @classmethod
    def setUpClass(cls):
        # as a shell would start it; `patd user add` below inherits it too
        os.umask(0o022)
        super().setUpClass()

    def test_database_files_are_private_under_umask_022(self):
        user, pw = self.p.add_user()  # the CLI too, started with the same umask
        self.p.session(user, pw)
        names = sorted(os.listdir(self.p.data_dir))
        self.assertIn("patd.db", names)
        self.assertIn("patd.db-wal", names)
        for name in names:
            mode = stat.S_IMODE(os.stat(os.path.join(self.p.data_dir, name)).st_mode)
            self.assertEqual(mode, 0o600, f"{name} is {oct(mode)}")
        self.assertEqual(stat.S_IMODE(os.stat(self.p.data_dir).st_mode), 0o700)

    def test_a_corrupt_database_is_named_corrupt_and_left_alone(self):
        p = patdlib.Patd(patdlib.BUILD_DIR, ["--log-level", "warn"])
        try:
            p.add_user()
            db = os.path.join(p.data_dir, "patd.db")
            # The schema's pages stay (page 1 and, with the console's tables,
            # a few more: dbstat names them); every other page is garbage.
            con = sqlite3.connect(db)
            page = con.execute("PRAGMA page_size").fetchone()[0]
            schema = {r[0] for r in con.execute(
                "SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'")}
            con.close()
            self.assertIn(1, schema)
            with open(db, "rb") as f:
                data = bytearray(f.read())
            for i in range(page, len(data)):
                if i // page + 1 not in schema:
                    data[i] = 0x5A
            with open(db, "wb") as f:
                f.write(data)
            before = hashlib.sha256(data).hexdigest()
            out = subprocess.run([p.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir",
                                  p.data_dir], capture_output=True, timeout=30, env=p.env,
                                 stdin=subprocess.DEVNULL)
            self.assertEqual(out.returncode, 1, out.stderr)
            self.assertIn(b"the database is corrupt (PRAGMA quick_check: ", out.stderr)
            self.assertIn(b"patd changed nothing: restore it from a backup", out.stderr)
            self.assertNotIn(b"already exists", out.stderr)
            with open(db, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), before)
        finally:
            p.cleanup()


if __name__ == "__main__":
    patdlib.main()
