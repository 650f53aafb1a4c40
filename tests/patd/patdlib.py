"""Shared helpers for the patd black-box tests (python3 stdlib only).

A Patd object runs one real `patd serve` on 127.0.0.1:0 with a private data
dir, parses the port from its `listening on 127.0.0.1:PORT` stderr line and
remembers every secret a test used, so `assert_no_secrets` can grep the
server's stderr and /metrics for them at the end of a run.
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

SKIP = 77
START_TIMEOUT = 15.0
HTTP_TIMEOUT = 10.0
TOKEN_RE = re.compile(r"^dckr_pat_[A-Za-z0-9_-]+$")


def _die_with_parent():
    """In the child before exec: SIGKILL patd when the test process dies, so a
    test killed by ctest's timeout leaves no server behind."""
    import ctypes
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def find_patd(build_dir):
    """The patd binary under BUILD_DIR, or exit 77 (skip) when it was not built."""
    path = os.path.join(build_dir, "patd")
    if not os.access(path, os.X_OK):
        print(f"SKIP: {path} not built", file=sys.stderr)
        sys.exit(SKIP)
    return path


def rand_password():
    # Distinctive so a grep of the server log cannot match by accident.
    return "pw-" + secrets.token_urlsafe(18)


def rand_name(prefix="user"):
    return f"{prefix}{secrets.token_hex(4)}"


class Resp:
    """One HTTP reply: status, lower-cased headers, raw body and parsed JSON (or None)."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


def basic(user, secret):
    raw = f"{user}:{secret}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def parse_time(text):
    """RFC 3339 UTC -> aware datetime (accepts Z, offsets and fractions)."""
    if text is None:
        return None
    t = text.strip().replace("Z", "+00:00")
    m = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?(.*)$", t)
    if m and m.group(2):
        frac = (m.group(2) + "000000")[:7]
        t = m.group(1) + frac + m.group(3)
    return datetime.datetime.fromisoformat(t)


def rfc3339(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def totp(secret_b32, at=None, digits=6, period=30, algo="sha1"):
    """RFC 6238 code for a base32 secret."""
    pad = "=" * (-len(secret_b32) % 8)
    key = base64.b32decode(secret_b32.upper() + pad)
    counter = int((time.time() if at is None else at) // period)
    mac = hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, algo)).digest()
    off = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return str(code).zfill(digits)


def parse_otpauth(uri):
    """otpauth://totp/LABEL?secret=..&digits=..&period=..&algorithm=.. -> dict."""
    u = urllib.parse.urlparse(uri.strip())
    if u.scheme != "otpauth" or u.netloc != "totp":
        raise ValueError(f"not an otpauth TOTP URI: {uri!r}")
    q = dict(urllib.parse.parse_qsl(u.query))
    return {
        "secret": q["secret"],
        "digits": int(q.get("digits", 6)),
        "period": int(q.get("period", 30)),
        "algo": q.get("algorithm", "SHA1").lower(),
    }


class Patd:
    """A running patd with its own data dir; stop() kills it, start() reuses the data dir."""

    def __init__(self, build_dir, extra_args=(), data_dir=None):
        self.binary = find_patd(build_dir)
        self.tmp = tempfile.mkdtemp(prefix="patd-test.")
        self.data_dir = data_dir or os.path.join(self.tmp, "data")
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        self.logs = []  # stderr files of every start, all grepped for secrets
        self.secrets = set()
        self.env = dict(os.environ, XDG_DATA_HOME=os.path.join(self.tmp, "xdg"))
        # Runs in the child before exec instead of _die_with_parent (which it
        # should call too), e.g. to set resource limits.
        self.preexec = None

    # ---- process control -------------------------------------------------
    def start(self, timeout=START_TIMEOUT):
        log = os.path.join(self.tmp, f"stderr.{len(self.logs)}.log")
        self.logs.append(log)
        args = [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir]
        with open(log + ".out", "wb") as out, open(log, "wb") as err:
            self.proc = subprocess.Popen(args + self.extra_args, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err, env=self.env,
                                         preexec_fn=self.preexec or _die_with_parent)
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            with open(log, "rb") as f:
                m = re.search(rb"listening on 127\.0\.0\.1:(\d+)", f.read())
            if m:
                self.port = int(m.group(1))
                self.startup_seconds = time.monotonic() - t0
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"patd exited {self.proc.returncode}: {self.stderr()[-2000:]}")
            time.sleep(0.02)
        self.kill()
        raise RuntimeError(f"patd did not print its port within {timeout}s: {self.stderr()[-2000:]}")

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Send SIG and wait (bounded); returns the exit code (SIGKILL after timeout)."""
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise AssertionError(f"patd did not exit within {timeout}s after signal {sig}")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def stderr(self):
        out = ""
        for log in self.logs:
            with open(log, "rb") as f:
                out += f.read().decode(errors="replace")
        return out

    # ---- CLI -------------------------------------------------------------
    def cli(self, *args, stdin=None, check=True):
        p = subprocess.run([self.binary, *args, "--data-dir", self.data_dir],
                           input=stdin.encode() if stdin is not None else None,
                           stdin=None if stdin is not None else subprocess.DEVNULL,
                           capture_output=True, timeout=30, env=self.env)
        if check and p.returncode != 0:
            raise RuntimeError(f"patd {' '.join(args)} -> {p.returncode}: {p.stderr.decode()}")
        return p

    def add_user(self, name=None, password=None):
        name = name or rand_name()
        password = password or rand_password()
        self.secrets.add(password)
        self.cli("user", "add", name, "--password-stdin", stdin=password + "\n")
        return name, password

    def enable_2fa(self, name):
        p = self.cli("user", "2fa", name, "enable")
        m = re.search(r"otpauth://\S+", p.stdout.decode())
        if not m:
            raise RuntimeError(f"no otpauth URI in: {p.stdout!r}")
        params = parse_otpauth(m.group(0))
        self.secrets.add(params["secret"])
        return params

    # ---- HTTP --------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, auth=None, bearer=None,
                raw=None, source_ip=None, timeout=HTTP_TIMEOUT):
        hdrs = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        if auth is not None:
            hdrs["Authorization"] = basic(*auth)
        if bearer is not None:
            hdrs["Authorization"] = "Bearer " + bearer
        src = (source_ip, 0) if source_ip else None
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=src)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            return Resp(r.status, r.getheaders(), r.read().decode(errors="replace"))
        finally:
            conn.close()

    def login(self, user, password, **kw):
        return self.request("POST", "/v2/users/login", {"username": user, "password": password}, **kw)

    def session(self, user, password):
        r = self.login(user, password)
        if r.status != 200 or not r.json or "token" not in r.json:
            raise AssertionError(f"login {user} failed: {r}")
        self.secrets.add(r.json["token"])
        return r.json["token"]

    def create_token(self, session, label="t", scopes=("repo:read",), expires_at=None, **kw):
        body = {"token_label": label, "scopes": list(scopes)}
        if expires_at is not None:
            body["expires_at"] = expires_at
        r = self.request("POST", "/v2/access-tokens", body, bearer=session, **kw)
        if r.status == 201 and r.json and r.json.get("token"):
            self.secrets.add(r.json["token"])
        return r

    def new_token(self, session, **kw):
        r = self.create_token(session, **kw)
        if r.status != 201:
            raise AssertionError(f"create token failed: {r}")
        return r.json

    def token_endpoint(self, user=None, secret=None, scopes=(), service=None, **kw):
        q = [("service", service or "registry.test")] + [("scope", s) for s in scopes]
        if user is not None:
            q.append(("account", user))
        auth = (user, secret) if user is not None else None
        return self.request("GET", "/token?" + urllib.parse.urlencode(q), auth=auth, **kw)

    def metrics(self):
        r = self.request("GET", "/metrics")
        if r.status != 200:
            raise AssertionError(f"/metrics: {r}")
        return r.body

    def metric(self, name):
        """Sum of every sample of metric NAME (any labels), 0 when absent."""
        total = 0.0
        for line in self.metrics().splitlines():
            m = re.match(rf"^{re.escape(name)}(\{{[^}}]*\}})?\s+(\S+)", line)
            if m:
                total += float(m.group(2))
        return total

    def assert_no_secrets(self, extra=()):
        """No secret used in this run appears in any stderr log, stdout log or /metrics."""
        haystacks = {"stderr": self.stderr()}
        for log in self.logs:
            with open(log + ".out", "rb") as f:
                haystacks[log + ".out"] = f.read().decode(errors="replace")
        if self.proc and self.proc.poll() is None:
            haystacks["/metrics"] = self.metrics()
        leaked = []
        for s in set(self.secrets) | set(extra):
            if not s or len(s) < 8:
                continue
            for where, text in haystacks.items():
                if s in text:
                    leaked.append(f"{s[:12]}... in {where}")
        if leaked:
            raise AssertionError("secrets leaked: " + "; ".join(leaked))
        return len(self.secrets | set(extra))


def jwt_claims(jwt):
    """Decode (without verifying) the claims of a compact JWS."""
    parts = jwt.split(".")
    if len(parts) != 3:
        raise ValueError("not a compact JWS")
    pad = lambda s: s + "=" * (-len(s) % 4)
    header = json.loads(base64.urlsafe_b64decode(pad(parts[0])))
    claims = json.loads(base64.urlsafe_b64decode(pad(parts[1])))
    return header, claims


BUILD_DIR = None


class ServerCase(unittest.TestCase):
    """A TestCase class sharing one patd started with server_args(); at the end
    the class's secrets must not appear in the server's output or /metrics."""

    fail_limit = 1000000  # functional tests fail to authenticate on purpose, often

    @classmethod
    def server_args(cls):
        return []

    @classmethod
    def setUpClass(cls):
        cls.p = Patd(BUILD_DIR, ["--log-level", "debug", "--auth-fail-limit", str(cls.fail_limit),
                                 *cls.server_args()])
        try:
            cls.p.start()
        except Exception:
            cls.p.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            n = cls.p.assert_no_secrets()
            print(f"\n{cls.__name__}: {n} secrets, none in patd's output or /metrics", file=sys.stderr)
        finally:
            cls.p.cleanup()


def main():
    """unittest.main for a test file called as `X_test.py BUILD_DIR [unittest args]`."""
    global BUILD_DIR
    if len(sys.argv) < 2:
        sys.exit(f"usage: {sys.argv[0]} BUILD_DIR [unittest args]")
    BUILD_DIR = sys.argv.pop(1)
    find_patd(BUILD_DIR)
    unittest.main(module="__main__", verbosity=2)
