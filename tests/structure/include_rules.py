#!/usr/bin/env python3
"""The include rules of docs/architecture.md "Dependencies", checked on the
source tree (no build needed):

1. src/tokenclient includes nothing of the project outside src/common and
   itself: the token client stands on common alone, and the helper
   (src/helper) is where it meets src/credentials.
2. No file-level include loops: a module is a header with its .cpp (same
   path, no extension); module A depends on B when a file of A includes B's
   header. A loop means two files that can only be read together.

Usage: include_rules.py SOURCE_DIR. Prints each violation; exit 1 if any.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
TOKENCLIENT_MAY_INCLUDE = ("common/", "tokenclient/")
# Loops that were there before this check and are still to be broken; a
# loop not listed fails, and so does a listed one that is gone (drop it).
KNOWN_LOOPS = set()


def sources(root):
    for top in ("src", "platform"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if name.endswith((".hpp", ".cpp")):
                    yield os.path.join(dirpath, name)


def resolve(root, including, target):
    for base in (os.path.dirname(including), os.path.join(root, "src"),
                 os.path.join(root, "platform")):
        path = os.path.normpath(os.path.join(base, target))
        if os.path.isfile(path):
            return path
    return None  # generated (version.hpp, build_info.hpp) or not ours


def module(path):
    return os.path.splitext(path)[0]


def find_loops(graph):
    """Every strongly connected component with more than one module (Tarjan)."""
    index, low, stack, on_stack, loops = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    sys.setrecursionlimit(10000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return loops


def main():
    root = os.path.abspath(sys.argv[1])
    problems = []
    graph = {}
    tokenclient = os.path.join(root, "src", "tokenclient") + os.sep
    for path in sources(root):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        rel = os.path.relpath(path, root)
        for target in INCLUDE.findall(text):
            resolved = resolve(root, path, target)
            if resolved is None:
                continue
            if path.startswith(tokenclient) and not target.startswith(TOKENCLIENT_MAY_INCLUDE):
                problems.append(f"{rel}: includes \"{target}\": src/tokenclient may include "
                                f"only common/ and tokenclient/")
            if module(resolved) != module(path):
                graph.setdefault(module(path), set()).add(module(resolved))
    found = {tuple(os.path.relpath(m, root) for m in loop) for loop in find_loops(graph)}
    for loop in sorted(found - KNOWN_LOOPS):
        problems.append("include loop: " + " <-> ".join(loop))
    for loop in sorted(KNOWN_LOOPS - found):
        problems.append("known loop " + " <-> ".join(loop) + " is gone: drop it from KNOWN_LOOPS")
    for problem in problems:
        print(problem)
    print(f"{len(problems)} violation(s) in {len(graph)} modules")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
