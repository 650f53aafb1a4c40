#!/usr/bin/env python3
"""terminal_controls.py FILE...: lists what a terminal would act on instead
of printing in each FILE (human output of the helper): C0 controls other
than newline, DEL, C1 controls, bidi and other invisible format controls,
line/paragraph separators, and bytes that are not UTF-8. Prints one line per
finding ("FILE: offset N: U+001B") and exits 1 when there is any, 0 when the
files are clean."""
import sys

ACTIVE = set(range(0x00, 0x20)) - {0x0A} | {0x7F} | set(range(0x80, 0xA0)) | \
    {0x061C, 0x200E, 0x200F} | set(range(0x2028, 0x202F)) | set(range(0x2066, 0x2070))


def findings(path):
    data = open(path, "rb").read()
    text = data.decode("utf-8", "surrogateescape")
    offset = 0
    for ch in text:
        cp = ord(ch)
        if 0xDC80 <= cp <= 0xDCFF:
            yield "%s: offset %d: byte 0x%02x (not UTF-8)" % (path, offset, cp - 0xDC00)
        elif cp in ACTIVE:
            yield "%s: offset %d: U+%04X" % (path, offset, cp)
        offset += len(ch.encode("utf-8", "surrogateescape"))


def main():
    bad = [f for path in sys.argv[1:] for f in findings(path)]
    for line in bad[:20]:
        print(line)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
