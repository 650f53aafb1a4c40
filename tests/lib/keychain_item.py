#!/usr/bin/env python3
"""keychain_item.py [--all] secretservice|keyring KEY: prints the credential
stored for KEY as JSON {"username", "secret", "meta": {pat_* metadata}}, or
null, read without the helper under test (secret-tool; keyctl). Several
items for KEY are an error, unless --all: then one JSON line per item.

Kernel keyring layout (platform/linux/kernel_keyring_format.hpp): a keyring
"docker-credential-pat" under the session keyring, a user key "cred:<KEY>"
holding "DCP1"|"DCP2", u32 username_len, u32 secret_len, u32 chunk_count,
u64 generation (little endian), [DCP2: u32 metadata_len], the username,
[DCP2: per entry u8 name_len, name, u16 value_len, value], then the secret
inline, or in keys "chunk:<generation %016x>:<i>" when chunk_count > 0.
Secret Service: the docker schema's items with attribute server=KEY; the
metadata are the pat_* attributes."""
import json
import struct
import subprocess
import sys


def secret_service(key, every=False):
    # secret-tool prints label and secret on stdout, attributes on stderr:
    # one pipe for both keeps them in order.
    r = subprocess.run(["secret-tool", "search", "--all", "--unlock", "server", key],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    items, cur = [], None
    for line in r.stdout.splitlines():
        if line.startswith("[/"):
            cur = {}
            items.append(cur)
        elif cur is not None and " = " in line:
            k, v = line.split(" = ", 1)
            cur[k] = v
    items = [i for i in items
             if i.get("schema") == "io.docker.Credentials" and i.get("attribute.server") == key]
    if len(items) > 1 and not every:
        sys.exit("keychain_item: %d items for %s" % (len(items), key))
    return [{"username": it.get("attribute.username", ""), "secret": it.get("secret", ""),
             "meta": {k[len("attribute."):]: v for k, v in it.items()
                      if k.startswith("attribute.pat_")}} for it in items]


def keyctl(*args):
    r = subprocess.run(["keyctl", *args], capture_output=True)
    return r.stdout if r.returncode == 0 else None


def search(ring, kind, desc):
    out = keyctl("search", ring, kind, desc)
    return out.decode().strip() if out else None


def kernel_keyring(key):
    ring = search("@s", "keyring", "docker-credential-pat")
    found = ring and search(ring, "user", "cred:" + key)
    if not found:
        return []
    data = keyctl("pipe", found) or b""
    magic = data[:4]
    if magic not in (b"DCP1", b"DCP2"):
        sys.exit("keychain_item: unreadable key cred:" + key)
    user_len, secret_len, chunks, gen = struct.unpack_from("<IIIQ", data, 4)
    pos, meta_len = 24, 0
    if magic == b"DCP2":
        (meta_len,) = struct.unpack_from("<I", data, 24)
        pos = 28
    user = data[pos:pos + user_len]
    pos += user_len
    meta, end = {}, pos + meta_len
    while pos < end:
        n = data[pos]
        name = data[pos + 1:pos + 1 + n].decode()
        pos += 1 + n
        (size,) = struct.unpack_from("<H", data, pos)
        pos += 2
        meta[name] = data[pos:pos + size].decode()
        pos += size
    if chunks == 0:
        secret = data[pos:]
    else:
        secret = b"".join(keyctl("pipe", search(ring, "user", "chunk:%016x:%d" % (gen, i)))
                          for i in range(chunks))
    if len(secret) != secret_len:
        sys.exit("keychain_item: secret length mismatch for cred:" + key)
    return [{"username": user.decode(), "secret": secret.decode(), "meta": meta}]


if __name__ == "__main__":
    every = sys.argv[1] == "--all"
    keychain, server = sys.argv[1 + every], sys.argv[2 + every]
    items = secret_service(server, every) if keychain == "secretservice" else kernel_keyring(server)
    if every:
        for item in items:
            print(json.dumps(item))
    else:
        print(json.dumps(items[0] if items else None))
