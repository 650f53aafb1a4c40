#!/usr/bin/env python3
"""Misbehaving TCP servers for tokenclient_test.sh, on 127.0.0.1:0.

fake_server.py MODE PORT_FILE
  blackhole  accept every connection and never answer
  big        answer every request with HTTP 200 and a 2 MiB body
  redirect   answer every request with 302 to http://127.0.0.1:1/
  chunked    answer 200 with a chunked body {"ok":true} and two Set-Cookie headers
  eof        answer 200 with no Content-Length: the body ends when the
             connection closes (HTTP/1.0 style)
  garbage    answer with bytes that are not HTTP
  cut        announce a 100-byte body, send 10 bytes and close
  hugehead   answer with 400 KiB of headers
  interim    answer 100 Continue and 103 Early Hints, then 200 {"ok":true}
  slow401    answer every request after 0.8 s with patd's 401 {"detail": ...}
  refusal BODY
             answer every request with 401 and the JSON BODY (a patd that
             refuses every token in one way; with a "detail" it is taken for patd)
  tls-challenge CERT KEY REALM SERVICE
             HTTPS with CERT/KEY; every request gets a registry's 401 with
             `WWW-Authenticate: Bearer realm="REALM",service="SERVICE"`
Writes the port to PORT_FILE once listening; runs until killed.
"""
import os
import socket
import sys
import threading
import time

mode, port_file = sys.argv[1], sys.argv[2]
tls = None
if mode == "tls-challenge":
    import ssl
    cert, key, realm, service = sys.argv[3:7]
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(64)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)
held = []


def serve(conn):
    try:
        conn.settimeout(10)
        if tls is not None:
            conn = tls.wrap_socket(conn, server_side=True)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        if mode == "big":
            body = b"x" * (2 * 1024 * 1024)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                         % len(body) + body)
        elif mode == "refusal":
            body = sys.argv[3].encode()
            conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        elif mode == "slow401":
            time.sleep(0.8)
            body = b'{"detail":"authentication required","message":"authentication required"}'
            conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        elif mode == "tls-challenge":
            body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
            challenge = 'Bearer realm="%s",service="%s"' % (realm, service)
            conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                         b"WWW-Authenticate: " + challenge.encode() + b"\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        elif mode == "chunked":
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                         b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: close\r\n\r\n"
                         b"5\r\n{\"ok\"\r\n6\r\n:true}\r\n0\r\n\r\n")
        elif mode == "eof":
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n"
                         b'{"ok":true,"pad":"' + b"y" * 3000 + b'"}')
        elif mode == "garbage":
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\x00\x01\x02 not http\r\n\r\n")
        elif mode == "cut":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
        elif mode == "hugehead":
            conn.sendall(b"HTTP/1.1 200 OK\r\n" + b"X-Pad: " + b"z" * 1000 + b"\r\n"
                         + (b"X-Pad: " + b"z" * 1000 + b"\r\n") * 400
                         + b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        elif mode == "interim":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n"
                         b"HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n"
                         b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\n"
                         b'{"ok":true}')
        elif mode == "redirect":
            conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\n"
                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")
    except OSError:
        pass
    finally:
        conn.close()


while True:
    conn, _ = srv.accept()
    if mode == "blackhole":
        held.append(conn)  # never read, never answer, never close
        continue
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
