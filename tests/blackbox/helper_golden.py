#!/usr/bin/env python3
"""Black-box golden tests of the built docker-credential-pat.

usage: helper_golden.py HELPER keyring|secretservice|credman

For every action and every bad input: the exact stdout and exit code. After
each bad input the keychain is checked byte for byte against a snapshot
taken independently of the helper (keyctl for the kernel keyring; gdbus and
secret-tool for the Secret Service). Run it inside tests/lib/with-keyring.sh
(private bus + gnome-keyring, fresh session keyring, temp HOME). Exit 77 =
skipped (a tool is missing).

credman: HELPER runs docker-credential-pat.exe under wine64
(tests/windows/wine_helper.sh, WINEPREFIX set by the caller) and the
snapshot is Wine's registry copy of the Credential Manager
(tests/windows/registry_snapshot.cpp).
The Windows build has the protocol over the Credential Manager but not yet
the PAT lifecycle, so the cases of the commands for people, the build's
feature lines, the token service and the helper's configuration are left
out there and named as such (docs/windows.md).
"""
import json
import os
import re
import shutil
import subprocess
import sys

HELPER, STORE = sys.argv[1], sys.argv[2]


def skip(why):
    print("SKIPPED: " + why)
    sys.exit(77)


# Isolate every run: a private bus with its own unlocked gnome-keyring, a
# fresh session keyring and a temp HOME, so the snapshots see only this test.
PAT_LIFECYCLE = STORE != "credman"
if STORE != "credman" and os.environ.get("PAT_GOLDEN_ISOLATED") != "1":
    for tool in ["dbus-run-session", "gnome-keyring-daemon", "keyctl"]:
        if not shutil.which(tool):
            skip(tool + " is not installed")
    wrapper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "with-keyring.sh")
    os.environ["PAT_GOLDEN_ISOLATED"] = "1"
    os.execvp("bash", ["bash", wrapper, sys.executable, os.path.abspath(__file__), HELPER, STORE])

TIMEOUT = 60
failures = []

VERSION_RE = re.compile(
    rb"^docker-credential-pat \(github\.com/docker-credential-pat/docker-credential-pat\) "
    rb"[0-9]+\.[0-9]+\.[0-9]+\n$")
USAGE = b"Usage: docker-credential-pat <store|get|erase|list|version>\n"
NOT_FOUND = b"credentials not found in native keychain\n"
NO_URL = b"no credentials server URL\n"
NO_USER = b"no credentials username\n"
EMPTY = b"no credentials on stdin: expected a JSON object with ServerURL, Username and Secret\n"
TOO_LARGE = b"payload too large: the helper reads at most 1114112 bytes from stdin\n"


for tool in {"keyring": ["keyctl"], "credman": []}.get(STORE, ["gdbus", "secret-tool"]):
    if not shutil.which(tool):
        skip(tool + " is not installed")
if STORE == "secretservice" and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
    skip("no session bus (run inside tests/lib/with-keyring.sh)")

# A generous deadline: this suite checks outputs, not deadlines (the Secret
# Service failure tests do), and CI machines can be slow under parallel load.
ENV = dict(os.environ, DOCKER_CREDENTIAL_PAT_STORE=STORE, DOCKER_CREDENTIAL_PAT_KEYRING="session",
           DOCKER_CREDENTIAL_PAT_TIMEOUT_MS="20000")


runs = 0  # helper runs so far: a snapshot taken since the last one still holds


def run(args, stdin=b"", env=None):
    global runs
    runs += 1
    p = subprocess.run([HELPER] + args, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT, env=env or ENV)
    return p.stdout, p.returncode


# ---- independent snapshots of the keychain ---------------------------------
def sh(*cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=TIMEOUT)
    return p.stdout


def keyring_snapshot():
    out = []

    def walk(key_id, depth):
        desc = sh("keyctl", "rdescribe", key_id).strip()
        out.append(b"%d %s %s" % (depth, key_id.encode(), desc))
        if desc.startswith(b"keyring;"):
            for child in sh("keyctl", "rlist", key_id).split():
                walk(child.decode(), depth + 1)
        else:
            out.append(sh("keyctl", "pipe", key_id).hex().encode())

    session = sh("keyctl", "show", "@s").split(b"\n")[1].split()[0].decode()
    walk(session, 0)
    return b"\n".join(out)


def secret_service_snapshot():
    def call(path, iface, prop):
        return sh("gdbus", "call", "--session", "--dest", "org.freedesktop.secrets",
                  "--object-path", path, "--method", "org.freedesktop.DBus.Properties." +
                  ("GetAll" if prop is None else "Get"), iface, *([] if prop is None else [prop]))

    out = []
    collections = re.findall(rb"'(/org/freedesktop/secrets/collection/[^']*)'",
                             call("/org/freedesktop/secrets", "org.freedesktop.Secret.Service",
                                  "Collections"))
    for coll in sorted(collections):
        items = re.findall(rb"'(/org/freedesktop/secrets/collection/[^']*)'",
                           call(coll.decode(), "org.freedesktop.Secret.Collection", "Items"))
        out.append(coll)
        for item in sorted(items):
            out.append(item + b" " + call(item.decode(), "org.freedesktop.Secret.Item", None))
    # Secrets (and attributes) of every docker item, read by secret-tool.
    out.append(sh("secret-tool", "search", "--all", "--unlock", "docker_cli", "1"))
    return b"\n".join(out)


credman_snapshotter = None


def credman_snapshot():
    # Wine keeps the Credential Manager in the registry (blobs RC4-encrypted
    # with a per-prefix key: a change of secret still changes the snapshot).
    # registry_snapshot.exe reads it there and stays running, so a snapshot
    # costs no wine process start.
    global credman_snapshotter
    if credman_snapshotter is None:
        credman_snapshotter = subprocess.Popen(
            [os.environ["PAT_WINE"], os.environ["PAT_WINE_SNAPSHOT_EXE"]],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    credman_snapshotter.stdin.write(b"\n")
    credman_snapshotter.stdin.flush()
    lines = []
    while True:
        line = credman_snapshotter.stdout.readline()
        if not line or line.rstrip(b"\r\n") == b"END":
            break
        lines.append(line.rstrip(b"\r\n"))
    if not line:
        raise RuntimeError("registry_snapshot.exe ended")
    # Key and value names as UTF-16 hex: decode them, so that checks for a
    # key's name in the snapshot see it.
    out = []
    for line in lines:
        kind, name, rest = (line.split(b" ", 2) + [b""])[:3]
        text = bytes.fromhex(name.decode()).decode("utf-16-be", "replace").encode()
        out.append(kind + b" " + text + b" " + rest)
    return b"\n".join(out)


def left_out(what):
    print("skip %s (not in the Windows build yet: docs/windows.md)" % what)


snapshot = {"keyring": keyring_snapshot, "credman": credman_snapshot}.get(STORE,
                                                                         secret_service_snapshot)


last_snapshot = (-1, None)  # (runs, snapshot): reused under wine, where each costs a process


def check(name, args, stdin, want_out, want_rc, unchanged=True):
    global last_snapshot
    before = None
    if unchanged:
        reuse = STORE == "credman" and last_snapshot[0] == runs
        before = last_snapshot[1] if reuse else snapshot()
    try:
        out, rc = run(args, stdin)
    except subprocess.TimeoutExpired:
        failures.append("%s: timed out" % name)
        return
    ok_out = want_out.match(out) if hasattr(want_out, "match") else out == want_out
    if not ok_out or rc != want_rc:
        failures.append("%s: got rc=%d stdout=%r, want rc=%d stdout=%r"
                        % (name, rc, out[:300], want_rc, getattr(want_out, "pattern", want_out)))
    if unchanged:
        after = snapshot()
        last_snapshot = (runs, after)
        if after != before:
            failures.append("%s: the keychain changed" % name)
    print("%-4s %s" % ("ok" if ok_out and rc == want_rc else "FAIL", name))


def creds(url, user, secret):
    return json.dumps({"ServerURL": url, "Username": user, "Secret": secret}).encode()


# ---- baseline: a keychain with something in it ------------------------------
for url in ["golden.example.com", "golden2.example.com:5000", "multi.example.com", "utf8.example.com",
            "nul.example.com", "https://index.docker.io/v1/"]:
    run(["erase"], url.encode())
check("store (baseline)", ["store"], creds("golden.example.com", "alice", "pw-1") + b"\n", b"", 0,
      unchanged=False)
check("store <token> in Go's HTML escaping", ["store"],
      b'{"ServerURL":"https://index.docker.io/v1/","Username":"\\u003ctoken\\u003e","Secret":"idt"}',
      b"", 0, unchanged=False)

# The snapshot must see what the helper stored, and see a change: otherwise
# "unchanged" below would prove nothing.
base = snapshot()
# (Wine keeps blobs encrypted: there only the key shows, and the change below.)
if b"golden.example.com" not in base or (b"pw-1" not in base and b"pw-1".hex().encode() not in base
                                         and STORE != "credman"):
    failures.append("snapshot does not show the stored credential: %r" % base[:500])
run(["store"], creds("golden.example.com", "alice", "pw-2"))
if snapshot() == base:
    failures.append("snapshot did not change after a store")
run(["store"], creds("golden.example.com", "alice", "pw-1"))

# ---- version, help, argv shapes -----------------------------------------------
# `version` is upstream's one line, byte for byte; --version/-v start with
# it and add the build's stores and transports (README "Commands").
check("argv version", ["version"], b"", VERSION_RE, 0)
FEATURES_RE = re.compile(VERSION_RE.pattern[:-3] + rb"\nstores: secretservice .*keyring .*\n"
                         rb"transports: http .*libcurl.*\n$")
for arg in ["--version", "-v"]:
    if PAT_LIFECYCLE:
        check("argv " + arg, [arg], b"", FEATURES_RE, 0)
    else:
        left_out("argv %s: the stores and transports lines" % arg)
# --help/-h/help: upstream's usage line first, then every command.
HELP_RE = re.compile(re.escape(USAGE) + rb"(.*\n)*  tokens .*\n  check .*\n  ci .*\n"
                     rb"  configure .*\n  doctor .*\n(.*\n)*.*COMMAND --help.*\n(.*\n)*")
for arg in ["--help", "-h", "help"]:
    if PAT_LIFECYCLE:
        check("argv " + arg, [arg], b"", HELP_RE, 0)
    else:
        left_out("argv %s: the commands for people" % arg)
check("argv none", [], b"", USAGE, 1)
check("argv extra argument", ["get", "extra"], b"golden.example.com", USAGE, 1)
check("argv store with extra argument", ["store", "x"], creds("x", "u", "s"), USAGE, 1)
check("argv three arguments", ["a", "b", "c"], b"", USAGE, 1)
check("argv unknown action", ["foo"], b"", b"docker-credential-pat: unknown action: foo\n", 1)
check("argv unknown flag", ["--verbose"], b"", b"docker-credential-pat: unknown action: --verbose\n", 1)

# ---- get / list -----------------------------------------------------------------
GOLDEN = b'{"ServerURL":"golden.example.com","Username":"alice","Secret":"pw-1"}\n'
check("get (docker sends no newline)", ["get"], b"golden.example.com", GOLDEN, 0)
check("get trims whitespace", ["get"], b"  golden.example.com\r\n", GOLDEN, 0)
check("get via the https:// alias", ["get"], b"https://golden.example.com",
      b'{"ServerURL":"https://golden.example.com","Username":"alice","Secret":"pw-1"}\n', 0)
check("get <token> entry, Go escaping", ["get"], b"https://index.docker.io/v1/",
      b'{"ServerURL":"https://index.docker.io/v1/","Username":"\\u003ctoken\\u003e","Secret":"idt"}\n', 0)
check("get docker.io finds the Hub key", ["get"], b"docker.io",
      b'{"ServerURL":"docker.io","Username":"\\u003ctoken\\u003e","Secret":"idt"}\n', 0)
check("get missing", ["get"], b"missing.example.com", NOT_FOUND, 1)
check("get path suffix is strict", ["get"], b"https://index.docker.io/v1/access-token", NOT_FOUND, 1)
check("get empty stdin", ["get"], b"", NO_URL, 1)
check("get whitespace only", ["get"], b" \r\n\t", NO_URL, 1)
check("get 2 MiB", ["get"], b"h" * (2 << 20), TOO_LARGE, 1)
LIST = (b'{"golden.example.com":"alice",'
        b'"https://index.docker.io/v1/":"\\u003ctoken\\u003e"}\n')
check("list", ["list"], b"unused", LIST, 0)
check("list ignores stdin", ["list"], b"{not json", LIST, 0)

# ---- bad store payloads: exact line, exit 1, keychain unchanged ----------------
bad_store = [
    ("empty stdin", b"", EMPTY),
    ("whitespace only", b" \n", EMPTY),
    ("non-JSON", b"hello", b"invalid JSON payload: syntax error while parsing value - "
                           b"invalid literal (at byte 1)\n"),
    ("truncated JSON", b'{"ServerURL":"golden.example.com","Username":"x",',
     b"invalid JSON payload: syntax error while parsing object key - unexpected end of input; "
     b"expected string literal (at byte 50)\n"),
    ("wrong type: Username number", b'{"ServerURL":"golden.example.com","Username":5,"Secret":"s"}',
     b"json: cannot unmarshal number into Go struct field Credentials.Username of type string\n"),
    ("wrong type: ServerURL bool", b'{"ServerURL":true,"Username":"u","Secret":"s"}',
     b"json: cannot unmarshal bool into Go struct field Credentials.ServerURL of type string\n"),
    ("wrong type: Secret object", b'{"ServerURL":"golden.example.com","Username":"u","Secret":{}}',
     b"json: cannot unmarshal object into Go struct field Credentials.Secret of type string\n"),
    ("wrong type: top-level array", b'["golden.example.com"]',
     b"json: cannot unmarshal array into Go value of type credentials.Credentials\n"),
    ("wrong type: top-level string", b'"golden.example.com"',
     b"json: cannot unmarshal string into Go value of type credentials.Credentials\n"),
    ("missing ServerURL", b'{"Username":"u","Secret":"s"}', NO_URL),
    ("null ServerURL", b'{"ServerURL":null,"Username":"u","Secret":"s"}', NO_URL),
    ("missing ServerURL and Username", b'{"Secret":"s"}', NO_URL),
    ("missing Username", b'{"ServerURL":"golden.example.com","Secret":"s"}', NO_USER),
    ("empty Username", b'{"ServerURL":"golden.example.com","Username":"","Secret":"s"}', NO_USER),
    ("more than one JSON value: only the first counts",
     b'{"Username":"u","Secret":"s"}{"ServerURL":"golden.example.com","Username":"u"}', NO_URL),
    ("2 MiB payload", creds("golden.example.com", "u", "x" * (2 << 20)), TOO_LARGE),
    ("raw NUL byte in a string", b'{"ServerURL":"golden.example.com","Username":"u","Secret":"a\x00b"}',
     b"invalid JSON payload: syntax error while parsing value - invalid string: control character "
     b"U+0000 (NUL) must be escaped to \\u0000 (at byte 61)\n"),
    ("NUL in ServerURL", b'{"ServerURL":"golden.example.com\\u0000x","Username":"u","Secret":"s"}',
     b"invalid server URL: it contains a NUL character (\\u0000)\n"),
    ("NUL in Username", b'{"ServerURL":"golden.example.com","Username":"\\u0000","Secret":"s"}',
     b"invalid username: it contains a NUL character (\\u0000)\n"),
    ("invalid UTF-8 outside a string", b'\xff{"ServerURL":"golden.example.com"}',
     b"invalid JSON payload: syntax error while parsing value - invalid literal (at byte 1)\n"),
    ("lone surrogate escape", b'{"ServerURL":"golden.example.com","Username":"u","Secret":"\\ud800"}',
     b"invalid JSON payload: syntax error while parsing value - invalid string: surrogate "
     b"U+D800..U+DBFF must be followed by U+DC00..U+DFFF (at byte 66)\n"),
]
for name, payload, want in bad_store:
    check("store " + name, ["store"], payload, want, 1)

check("erase empty stdin", ["erase"], b"", NO_URL, 1)
check("erase whitespace only", ["erase"], b"\r\n", NO_URL, 1)
check("erase 2 MiB", ["erase"], b"h" * (2 << 20), TOO_LARGE, 1)
# A miss is said the way upstream's osxkeychain and pass say it: exit 1.
check("erase missing says not found", ["erase"], b"missing.example.com", NOT_FOUND, 1)
check("erase of an alias is exact (nothing erased)", ["erase"], b"https://golden.example.com",
      NOT_FOUND, 1)

# ---- keys and usernames that are not clean text (docs/inputs.md) -------------
BAD_URL_UTF8 = b"invalid server URL: not valid UTF-8\n"
for action in ["get", "erase"]:
    for name, key, want in [
            ("invalid UTF-8", b"bad\xff\xfe.example", BAD_URL_UTF8),
            ("invalid UTF-8 after a stored key", b"golden.example.com\xff", BAD_URL_UTF8),
            ("overlong UTF-8", b"golden\xc0\xae.example.com", BAD_URL_UTF8),
            ("UTF-16 surrogate in UTF-8", b"golden\xed\xa0\x80.example.com", BAD_URL_UTF8),
            ("ESC", b"golden.example.com\x1b[2J",
             b"invalid server URL: it contains a control character (\\u001b)\n"),
            ("inner newline", b"golden.\nexample.com",
             b"invalid server URL: it contains a control character (\\u000a)\n"),
            ("DEL", b"golden.example.com\x7f",
             b"invalid server URL: it contains a control character (\\u007f)\n"),
            ("C1 CSI", b"golden.example.com\xc2\x9b",
             b"invalid server URL: it contains a control character (\\u009b)\n"),
            ("NUL", b"golden.example.com\x00x",
             b"invalid server URL: it contains a NUL character (\\u0000)\n")]:
        check("%s refuses a key with %s" % (action, name), [action], key, want, 1)
bad_keys = [
    ("invalid UTF-8 in ServerURL (the reported case)",
     b'{"ServerURL":"bad\xff\xfe.example","Username":"u","Secret":"s"}', BAD_URL_UTF8),
    ("invalid UTF-8 in ServerURL of a stored key",
     b'{"ServerURL":"golden.example.com\xff","Username":"u","Secret":"s"}', BAD_URL_UTF8),
    ("escaped ESC in ServerURL",
     b'{"ServerURL":"golden.example.com\\u001b[2J","Username":"u","Secret":"s"}',
     b"invalid server URL: it contains a control character (\\u001b)\n"),
    ("tab in ServerURL", b'{"ServerURL":"golden.example.com\\t","Username":"u","Secret":"s"}',
     b"invalid server URL: it contains a control character (\\u0009)\n"),
    ("invalid UTF-8 in Username",
     b'{"ServerURL":"golden.example.com","Username":"al\xffice","Secret":"s"}',
     b"invalid username: not valid UTF-8\n"),
    ("escaped BEL in Username",
     b'{"ServerURL":"golden.example.com","Username":"alice\\u0007","Secret":"s"}',
     b"invalid username: it contains a control character (\\u0007)\n"),
    ("C1 NEL in Username",
     b'{"ServerURL":"golden.example.com","Username":"alice\\u0085","Secret":"s"}',
     b"invalid username: it contains a control character (\\u0085)\n"),
]
for name, payload, want in bad_keys:
    check("store " + name, ["store"], payload, want, 1)
# No network work either: with a token service configured for every
# registry, a refused store must not even connect to it (before, the store
# asked https://bad\xff\xfe.example:443 before writing).
import socket
if not PAT_LIFECYCLE:
    left_out("the token-service cases (no connection for a refused store)")
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(8)
listener.setblocking(False)
NET_ENV = dict(ENV, DOCKER_CREDENTIAL_PAT_BACKEND="http://127.0.0.1:%d" % listener.getsockname()[1])
for name, payload, want in (bad_keys if PAT_LIFECYCLE else []):
    out, rc = run(["store"], payload, NET_ENV)
    try:
        listener.accept()
        connected = True
    except BlockingIOError:
        connected = False
    good = out == want and rc == 1 and not connected
    print("%-4s store %s: no connection to the token service" % ("ok" if good else "FAIL", name))
    if not good:
        failures.append("store %s with a backend: rc=%d stdout=%r connected=%s"
                        % (name, rc, out, connected))
# The listener does see a good store (else the check above proves nothing);
# the helper then stores unchecked with a warning, which is what we erase.
out, rc = (b"", 0) if not PAT_LIFECYCLE else run(["store"], creds("net.example.com", "u", "s"), dict(NET_ENV,
              DOCKER_CREDENTIAL_PAT_VALIDATE_MS="300"))
try:
    listener.accept()
    seen = True
except BlockingIOError:
    seen = False
if PAT_LIFECYCLE:
    print("%-4s a good store does reach the listener" % ("ok" if seen else "FAIL"))
if not seen and PAT_LIFECYCLE:
    failures.append("the listener saw no connection from a good store (rc=%d, %r)" % (rc, out))
run(["erase"], b"net.example.com")
listener.close()

# ---- configuration errors ----------------------------------------------------------
if not PAT_LIFECYCLE:
    left_out("the configuration errors (DOCKER_CREDENTIAL_PAT_STORE, _KEYRING, _TIMEOUT_MS)")
for var, value, want in [] if not PAT_LIFECYCLE else [
        ("DOCKER_CREDENTIAL_PAT_STORE", "bogus",
         b'invalid DOCKER_CREDENTIAL_PAT_STORE value "bogus": expected auto, secretservice or keyring\n'),
        ("DOCKER_CREDENTIAL_PAT_KEYRING", "thread",
         b'invalid DOCKER_CREDENTIAL_PAT_KEYRING value "thread": expected user or session\n'),
        ("DOCKER_CREDENTIAL_PAT_TIMEOUT_MS", "0",
         b'invalid DOCKER_CREDENTIAL_PAT_TIMEOUT_MS value "0": expected a whole number of '
         b'milliseconds from 1 to 600000\n')]:
    before = snapshot()
    out, rc = run(["get"], b"golden.example.com", dict(ENV, **{var: value}))
    good = out == want and rc == 1 and snapshot() == before
    print("%-4s config %s=%s" % ("ok" if good else "FAIL", var, value))
    if not good:
        failures.append("config %s: rc=%d stdout=%r" % (var, rc, out))

# ---- successful edge cases (they change the keychain on purpose) ---------------
check("store: only the first of two JSON values is stored", ["store"],
      creds("multi.example.com", "u", "first") + creds("golden.example.com", "evil", "x"), b"", 0,
      unchanged=False)
check("get after two-value store", ["get"], b"multi.example.com",
      b'{"ServerURL":"multi.example.com","Username":"u","Secret":"first"}\n', 0)
check("the second value was not stored", ["get"], b"golden.example.com", GOLDEN, 0)
check("store: invalid UTF-8 in the secret becomes U+FFFD (as Go)", ["store"],
      b'{"ServerURL":"utf8.example.com","Username":"u","Secret":"a\xffb"}', b"", 0, unchanged=False)
check("get: U+FFFD comes back", ["get"], b"utf8.example.com",
      b'{"ServerURL":"utf8.example.com","Username":"u","Secret":"a\xef\xbf\xbdb"}\n', 0)
check("store: NUL bytes in the secret", ["store"],
      b'{"serverurl":"nul.example.com","USERNAME":"u","secret":"p\\u00e4\\u0000ss"}', b"", 0,
      unchanged=False)
check("get: NUL bytes come back", ["get"], b"nul.example.com",
      b'{"ServerURL":"nul.example.com","Username":"u","Secret":"p\xc3\xa4\\u0000ss"}\n', 0)
big = "J" * (1 << 20)
check("store: a 1 MiB secret", ["store"], creds("golden2.example.com:5000", "u", big), b"", 0,
      unchanged=False)
check("get: the 1 MiB secret", ["get"], b"golden2.example.com:5000",
      b'{"ServerURL":"golden2.example.com:5000","Username":"u","Secret":"' + big.encode() + b'"}\n', 0)
check("store: replace with another username", ["store"],
      creds("golden2.example.com:5000", "bob", ""), b"", 0, unchanged=False)
check("get: the replacement (empty secret)", ["get"], b"golden2.example.com:5000",
      b'{"ServerURL":"golden2.example.com:5000","Username":"bob","Secret":""}\n', 0)
check("erase", ["erase"], b"golden2.example.com:5000\n", b"", 0, unchanged=False)
check("get after erase", ["get"], b"golden2.example.com:5000", NOT_FOUND, 1)

for url in ["golden.example.com", "multi.example.com", "utf8.example.com", "nul.example.com",
            "https://index.docker.io/v1/"]:
    check("erase " + url, ["erase"], url.encode(), b"", 0, unchanged=False)
check("list of an emptied store", ["list"], b"", b"{}\n", 0)

if failures:
    print("\n%d FAILURE(S):" % len(failures))
    for f in failures:
        print("  " + f)
    sys.exit(1)
print("all golden cases passed (%s)" % STORE)
