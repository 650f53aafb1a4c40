#!/usr/bin/env python3
"""A logging stand-in for patd, for the helper's black-box tests.

fake_token_service.py serve PORT_FILE LOG_FILE [--hostile|--registry]
    Serves patd's API on 127.0.0.1:0 (port written to PORT_FILE once
    listening) and appends one JSON line per request to LOG_FILE:
    {"method", "path", "authorization", "body"} (the header as sent, or
    null; the path with its query; the body as text), so a test can check
    which secret reached which service, wherever in the request it was.
    Every PAT-shaped secret is an active token; there is no database.
      GET  /v2/access-tokens/current        no auth: 401 {"detail"} (how the
                                            helper recognises patd); Basic: 200
      POST /v2/access-tokens/current/usage  204
      POST /v2/users/login                  200 {"token": a session JWT}
      GET  /v2/access-tokens                200, one token
      POST /oauth/device/code               200, a device code (interval 1 s)
      POST /oauth/token                     the first poll 400 slow_down, the
                                            next 200 with a fresh token for alice
    Each log line also has "t", the server's monotonic clock in seconds, so
    a test can check how far apart the helper's polls were.
    --hostile: the token's label, uuid and scopes, and the device flow's user
    code, carry terminal controls (ESC sequences, CR, C1, bidi overrides), as
    a hostile service would send.
    --registry: a registry with its own token endpoint instead (like ghcr.io):
      GET /v2/     401, Bearer realm="<this origin>/token",service="fake"
      GET /token   Basic: 200 {"token": an opaque token}; none: 401
      anything else (patd's API too): 404, so it is not taken for patd.
fake_token_service.py mint PREFIX
    Prints a secret in patd's token shape (PREFIX + 30 base62 + CRC-32).
fake_token_service.py basic-secrets LOG_FILE
    Prints the secret of every Basic Authorization header in LOG_FILE, one
    a line (bearer headers print as "bearer:<token>").
"""
import base64
import binascii
import json
import os
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

HOSTILE_LABEL = "\x1b]0;owned\x07\x1b[2Jlabel\rspoof\u202eexe.gnp\u202c\u2066x\u2069\u009b31m\x7f"


def mint(prefix):
    body = "".join(secrets.choice(BASE62) for _ in range(30))
    crc = binascii.crc32(body.encode())
    check = ["0"] * 6
    for i in range(5, -1, -1):
        if crc == 0:
            break
        check[i] = BASE62[crc % 62]
        crc //= 62
    return prefix + body + "".join(check)


def basic_secrets(log_file):
    with open(log_file, encoding="utf-8") as f:
        for line in f:
            auth = json.loads(line).get("authorization")
            if not auth:
                continue
            scheme, _, value = auth.partition(" ")
            if scheme.lower() == "basic":
                user_secret = base64.b64decode(value).decode("utf-8", "replace")
                print(user_secret.partition(":")[2])
            else:
                print("bearer:" + value)


def fake_jwt():
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return part({"alg": "none"}) + "." + part({"exp": 4102444800, "sub": "alice"}) + ".sig"


def serve(port_file, log_file, hostile, registry):
    lock = threading.Lock()
    polls = []
    label = HOSTILE_LABEL if hostile else "laptop"
    token = {
        "uuid": ("uuid-\x1b[1m\u202e1" if hostile else "8d1c2b6e-0000-4000-8000-000000000001"),
        "client_id": "fake", "creator_ip": "127.0.0.1", "creator_ua": "test",
        "created_at": "2026-01-01T00:00:00Z", "last_used": None, "generated_by": "manual",
        "is_active": True, "token": "", "token_label": label,
        "scopes": ["repo:read\r\x1b[2K"] if hostile else ["repo:read"], "expires_at": None,
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body=None, headers=()):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            auth = self.headers.get("Authorization")
            with lock, open(log_file, "a", encoding="utf-8") as f:
                f.write(json.dumps({"method": self.command, "path": self.path,
                                    "authorization": auth, "t": time.monotonic(),
                                    "body": body.decode("utf-8", "replace")}) + "\n")
            path = self.path.split("?", 1)[0]
            if registry:
                return self.as_registry(path, auth)
            if path == "/v2/access-tokens/current" and self.command == "GET":
                if not auth:
                    return self.reply(401, {"detail": "authentication required"})
                return self.reply(200, token)
            if path == "/v2/access-tokens/current/usage" and self.command == "POST":
                return self.reply(204 if auth else 401, None if auth else {"detail": "no"})
            if path == "/v2/users/login" and self.command == "POST":
                return self.reply(200, {"token": fake_jwt()})
            if path == "/v2/access-tokens" and self.command == "GET":
                return self.reply(200, {"count": 1, "active_count": 1, "next": None,
                                        "previous": None, "results": [token]})
            if path == "/oauth/device/code" and self.command == "POST":
                port = self.server.server_address[1]
                return self.reply(200, {
                    "device_code": secrets.token_urlsafe(32),
                    "user_code": "WDJB-\x1b[2JMJHT" if hostile else "WDJB-MJHT",
                    "verification_uri": f"http://127.0.0.1:{port}/device",
                    "expires_in": 60, "interval": 1})
            if path == "/oauth/token" and self.command == "POST":
                with lock:
                    polls.append(1)
                    first = len(polls) == 1
                if first:
                    return self.reply(400, {"error": "slow_down",
                                            "error_description": "polling too fast"})
                return self.reply(200, {"access_token": mint("dckr_pat_"), "token_type": "bearer",
                                        "username": "alice"})
            return self.reply(404, {"detail": "not found", "message": "not found"})

        def as_registry(self, path, auth):
            if path == "/v2/" and self.command == "GET":
                realm = "http://%s:%d/token" % self.server.server_address[:2]
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED"}]}, [
                    ("WWW-Authenticate", 'Bearer realm="%s",service="fake"' % realm)])
            if path == "/token" and self.command == "GET":
                if not auth:
                    return self.reply(401, {"details": "authentication required"})
                return self.reply(200, {"token": "opaque-registry-token"})
            return self.reply(404, {"errors": [{"code": "NOT_FOUND"}]})

        do_GET = do_POST = do_PATCH = do_DELETE = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3], "--hostile" in sys.argv[4:], "--registry" in sys.argv[4:])
    elif len(sys.argv) == 3 and sys.argv[1] == "mint":
        print(mint(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "basic-secrets":
        basic_secrets(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
