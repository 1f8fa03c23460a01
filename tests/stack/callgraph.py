#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The core's direct call graph (gcc -fcallgraph-info=su .ci files) has no
cycle, so bcsc's own C recursion is bounded, and its deepest chain of
frames is printed and checked against the `<chain>` ceiling.

    callgraph.py CEILINGS FILE.ci...          check
    callgraph.py --print-chain FILE.ci...     print the deepest chain's bytes

Indirect calls (a task's poll function, a reactor's vtable, the misuse
handler) leave the core and are not followed: their depth is the caller's.
"""
import re
import sys

NODE = re.compile(r'^node: \{ title: "([^"]*)" label: "([^"\\]*)\\n[^"]*\\n(\d+) bytes \(([^)]*)\)"')
EDGE = re.compile(r'^edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"')


def load(paths):
    frames, names, edges = {}, {}, {}
    for path in paths:
        with open(path) as fh:
            for line in fh:
                m = NODE.match(line)
                if m:
                    frames[m.group(1)] = int(m.group(3))
                    names[m.group(1)] = m.group(2)
                    continue
                m = EDGE.match(line)
                if m and m.group(2) != "__indirect_call":
                    edges.setdefault(m.group(1), set()).add(m.group(2))
    return frames, names, edges


def deepest(frames, names, edges):
    """(bytes, chain) of the deepest call chain; raises on a cycle."""
    memo, on_path = {}, []

    def visit(node):
        if node in memo:
            return memo[node]
        if node in on_path:
            cycle = on_path[on_path.index(node):] + [node]
            raise ValueError(" -> ".join(names.get(n, n) for n in cycle))
        on_path.append(node)
        best = (0, [])
        for callee in sorted(edges.get(node, ())):
            best = max(best, visit(callee), key=lambda b: b[0])
        on_path.pop()
        memo[node] = (frames.get(node, 0) + best[0], [node] + best[1])
        return memo[node]

    sys.setrecursionlimit(100000)
    result = (0, [])
    for node in sorted(frames):
        result = max(result, visit(node), key=lambda b: b[0])
    return result[0], [names.get(n, n) for n in result[1]]


def main(argv):
    print_only = argv[1] == "--print-chain"
    ceilings = None if print_only else argv[1]
    frames, names, edges = load(argv[2:])
    try:
        total, chain = deepest(frames, names, edges)
    except ValueError as cycle:
        print("check-stack-usage: FAIL: the core's call graph has a cycle (recursion): %s" % cycle)
        return 1
    if print_only:
        print(total)
        return 0
    limit = None
    with open(ceilings) as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 2 and parts[0] == "<chain>":
                limit = int(parts[1])
    line = "deepest direct call chain %d bytes: %s" % (total, " -> ".join(chain))
    if limit is not None and total > limit:
        print("check-stack-usage: FAIL: %s; over the <chain> ceiling of %d" % (line, limit))
        return 1
    print("check-stack-usage: OK: no recursion in %d core functions; %s (ceiling %s)"
          % (len(frames), line, limit))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
