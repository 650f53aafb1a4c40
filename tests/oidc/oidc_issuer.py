#!/usr/bin/python3
"""A test OpenID Connect issuer on loopback, plus a fake of GitHub Actions'
ID-token request endpoint (run with Debian's /usr/bin/python3: it needs
python3-jwt and python3-cryptography).

As a module: Issuer() starts it in a thread; mint() signs ID tokens with
chosen claims (RS256 with kid "rsa-*" keys, ES256 with "ec-*" keys),
publish() chooses which keys the JWKS shows (rotation), stop() closes it.

As a process (for shell tests):
  oidc_issuer.py --port-file FILE [--request-token-file FILE]
writes its port to FILE once listening and serves, besides the issuer
routes, a control API for the test on the same loopback port:
  POST /control/mint      {"claims": {...}, "kid": "rsa-1", "header": {...}} -> the JWS
  POST /control/publish   {"kids": ["rsa-1", "ec-2"]}
  POST /control/github    {"claims": {...}, "kid": "..."}  claims for the GitHub endpoint
  POST /control/jwks-mode {"mode": "normal"|"redirect-other-host"|"redirect-same-host"|"huge"}
  GET  /control/log       every request line seen so far (for leak checks)
GitHub's endpoint: GET /github/idtoken?api-version=2.0&audience=AUD with
"Authorization: Bearer <request token>" -> {"value": "<ID token, aud=AUD>"},
as @actions/core's getIDToken calls it.
"""

import argparse
import base64
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def _b64(n, length=None):
    raw = n.to_bytes(length or (n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Issuer:
    def __init__(self, request_token=None, host="127.0.0.1"):
        self.keys = {}  # kid -> private key
        self.published = ["rsa-1", "ec-1"]
        self.request_token = request_token
        self.github_claims = {}
        self.github_kid = "rsa-1"
        self.requests = []  # "METHOD path" of every request (query dropped)
        self.jwks_fetches = 0
        self.jwks_mode = "normal"  # "redirect-other-host", "redirect-same-host", "huge"
        self.lock = threading.Lock()
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                issuer._handle(self, "GET")

            def do_POST(self):
                issuer._handle(self, "POST")

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    # ---- keys and tokens ---------------------------------------------------
    def key(self, kid):
        with self.lock:
            if kid not in self.keys:
                if kid.startswith("ec"):
                    self.keys[kid] = ec.generate_private_key(ec.SECP256R1())
                else:
                    self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self.keys[kid]

    def jwk(self, kid):
        pub = self.key(kid).public_key().public_numbers()
        if kid.startswith("ec"):
            return {"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
                    "x": _b64(pub.x, 32), "y": _b64(pub.y, 32)}
        return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
                "n": _b64(pub.n), "e": _b64(pub.e)}

    def publish(self, kids):
        for kid in kids:
            self.key(kid)
        with self.lock:
            self.published = list(kids)

    def claims(self, **overrides):
        now = int(time.time())
        c = {"iss": self.url, "aud": "docker-credential-pat", "sub": "repo:acme/app:ref:refs/heads/main",
             "iat": now, "nbf": now, "exp": now + 300, "jti": secrets.token_hex(12)}
        c.update(overrides)
        return {k: v for k, v in c.items() if v is not None}

    def mint(self, claims=None, kid="rsa-1", header=None, **overrides):
        """A signed ID token: claims() with `claims` and `overrides` applied."""
        c = self.claims(**(claims or {}))
        c.update(overrides)
        c = {k: v for k, v in c.items() if v is not None}
        alg = "ES256" if kid.startswith("ec") else "RS256"
        return jwt.encode(c, self.key(kid), algorithm=alg, headers={"kid": kid, **(header or {})})

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # ---- HTTP ----------------------------------------------------------------
    def _reply(self, h, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _handle(self, h, method):
        url = urllib.parse.urlsplit(h.path)
        with self.lock:
            self.requests.append(f"{method} {url.path}")
        body = b""
        if method == "POST":
            body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        if url.path == "/.well-known/openid-configuration":
            return self._reply(h, 200, {"issuer": self.url, "jwks_uri": self.url + "/jwks",
                                        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                                        "response_types_supported": ["id_token"],
                                        "subject_types_supported": ["public"]})
        if url.path in ("/jwks", "/jwks-moved"):
            with self.lock:
                self.jwks_fetches += 1
                kids = list(self.published)
                mode = self.jwks_mode
            if url.path == "/jwks" and mode.startswith("redirect"):
                host = "localhost" if mode == "redirect-other-host" else "127.0.0.1"
                h.send_response(302)
                h.send_header("Location", f"http://{host}:{self.port}/jwks-moved")
                h.send_header("Content-Length", "0")
                return h.end_headers()
            if mode == "huge":
                return self._reply(h, 200, {"keys": [], "pad": "x" * (300 * 1024)})
            return self._reply(h, 200, {"keys": [self.jwk(k) for k in kids]})
        if url.path == "/github/idtoken":
            if not self.request_token or h.headers.get("Authorization") != "Bearer " + self.request_token:
                return self._reply(h, 401, {"message": "bad request token"})
            q = urllib.parse.parse_qs(url.query)
            aud = q.get("audience", ["https://github.com/acme"])[0]
            return self._reply(h, 200, {"count": 1, "value": self.mint(self.github_claims,
                                                                       kid=self.github_kid, aud=aud)})
        if url.path.startswith("/control/"):
            req = json.loads(body or b"{}")
            if url.path == "/control/mint":
                return self._reply(h, 200, self.mint(req.get("claims"), req.get("kid", "rsa-1"),
                                                     req.get("header")).encode(), "text/plain")
            if url.path == "/control/publish":
                self.publish(req["kids"])
                return self._reply(h, 200, {})
            if url.path == "/control/github":
                self.github_claims = req.get("claims", {})
                self.github_kid = req.get("kid", "rsa-1")
                return self._reply(h, 200, {})
            if url.path == "/control/jwks-mode":
                self.jwks_mode = req["mode"]
                return self._reply(h, 200, {})
            if url.path == "/control/log":
                with self.lock:
                    return self._reply(h, 200, {"requests": self.requests,
                                                "jwks_fetches": self.jwks_fetches})
        return self._reply(h, 404, {"message": "not found"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--request-token-file")
    args = ap.parse_args()
    token = None
    if args.request_token_file:
        with open(args.request_token_file) as f:
            token = f.read().strip()
    issuer = Issuer(request_token=token)
    issuer.publish(["rsa-1", "ec-1"])
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(issuer.port))
    os.rename(tmp, args.port_file)
    try:
        issuer.thread.join()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
