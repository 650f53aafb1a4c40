#!/usr/bin/env python3
"""docs/token-format.md publishes the PAT format for secret scanners: its
Python checker and its gitleaks regex must accept the example token (which
tests/unit/common/pat_format_test.cpp pins against the C++ code) and refuse
near misses."""
import re
import sys
from pathlib import Path

doc = (Path(sys.argv[1]) / "docs/token-format.md").read_text()
example = re.search(r"^`(dckr_pat_[0-9A-Za-z]+)`$", doc, re.M).group(1)
checker = re.search(r"```python\n(.*?)```", doc, re.S).group(1)
rule = re.search(r"^regex = '''(.*)'''$", doc, re.M).group(1)
# gitleaks uses Go's RE2; this rule uses only syntax Python reads the same way.
pattern = re.compile(rule)

namespace = {}
exec(checker, namespace)  # the page's own code, so the page is what is tested
is_patd_token = namespace["is_patd_token"]

failures = []
def expect(what, ok):
    if not ok:
        failures.append(what)

expect("checker accepts the example", is_patd_token(example))
flipped = example[:12] + ("x" if example[12] != "x" else "y") + example[13:]
expect("checker refuses a changed character", not is_patd_token(flipped))
expect("checker refuses a wrong checksum", not is_patd_token(example[:-1] + "0"
                                                             if example[-1] != "0" else example[:-1] + "1"))
expect("checker refuses another prefix", not is_patd_token("glpat-" + example[9:]))
expect("checker refuses a longer string", not is_patd_token(example + "0"))
expect("checker refuses a dash", not is_patd_token(example[:20] + "-" + example[21:]))

m = pattern.search("password: " + example + "\n")
expect("rule finds the example in text", m is not None and m.group(1) == example)
expect("rule skips a Docker Hub-shaped token",
       pattern.search("dckr_pat_abc-DEF_ghi0123456789xyzAB") is None)
expect("rule skips a token glued to more base62", pattern.search(example + "A") is None)

if failures:
    for f in failures:
        print("FAIL:", f)
    sys.exit(1)
print("docs/token-format.md: checker and gitleaks rule agree with the example")
