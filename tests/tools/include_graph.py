#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The include graph between the folders of a source tree, and its cycles.

Every .c/.h file under ROOT belongs to the folder it sits in (relative to ROOT:
"common", "adapters/pxs"). A line `#include "folder/file.h"` makes an edge from
the file's folder to the included file's folder when that folder exists under
ROOT; includes without a folder ("soapH.h", "npgw.nsmap", "config.h"), system
includes (<...>) and includes inside comments are not edges, nor is a folder
including itself.

Exit status: 0 when the graph has no cycle, 1 when it has one (each cycle is
printed with, for every edge, one file and the include line that creates it),
2 on a usage error.

    include_graph.py src            check, print cycles
    include_graph.py --list src     also print every edge with one witness
    include_graph.py --dot src      print the graph in Graphviz dot, then check
"""

import argparse
import os
import posixpath
import re
import sys

INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.MULTILINE)
BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
LINE_COMMENT = re.compile(r"//[^\n]*")
MAX_CYCLES = 100  # per strongly connected component; beyond that, say how many were left out


def strip_comments(text):
    """Blank out comments but keep every newline, so line numbers stay right."""
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))
    return LINE_COMMENT.sub(blank, BLOCK_COMMENT.sub(blank, text))


def scan(root):
    """{(from, to): [(file, line, text), ...]} over every .c/.h under root."""
    folders = set()
    sources = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        folders.add(rel)
        sources += [(rel, f) for f in sorted(filenames) if f.endswith((".c", ".h"))]
    edges = {}
    for folder, name in sources:
        path = os.path.join(root, folder, name)
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        raw = text.split("\n")
        code = strip_comments(text)
        for m in INCLUDE.finditer(code):
            target = posixpath.normpath(m.group(1))
            to = posixpath.dirname(target)
            if not to or to.startswith("..") or to not in folders or to == folder:
                continue
            line = code.count("\n", 0, m.start()) + 1
            shown = posixpath.normpath(
                posixpath.join(os.path.basename(os.path.abspath(root)), folder, name))
            edges.setdefault((folder, to), []).append((shown, line, raw[line - 1].strip()))
    return edges


def components(nodes, succ):
    """Strongly connected components (Tarjan, iterative), each a sorted list."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(succ.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ.get(w, ()))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    out.append(sorted(comp))
    return out


def cycles(comp, succ, limit):
    """Elementary cycles inside one component, each starting at its smallest folder.

    Returns (cycles, complete): complete is False when limit stopped the search.
    """
    found = []
    members = set(comp)
    for i, start in enumerate(comp):
        allowed = set(comp[i:]) & members
        path = [start]
        on_path = {start}
        work = [iter(sorted(w for w in succ.get(start, ()) if w in allowed))]
        while work:
            for w in work[-1]:
                if w == start:
                    found.append(list(path))
                    if len(found) >= limit:
                        return found, False
                elif w not in on_path:
                    path.append(w)
                    on_path.add(w)
                    work.append(iter(sorted(x for x in succ.get(w, ()) if x in allowed)))
                    break
            else:
                work.pop()
                on_path.discard(path.pop())
    return found, True


def witness(edges, a, b):
    files = edges[(a, b)]
    f, line, text = files[0]
    more = len(files) - 1
    return "%s:%d: %s%s" % (f, line, text, " (and %d more)" % more if more else "")


def main(argv):
    ap = argparse.ArgumentParser(description="Fail on include cycles between source folders.")
    ap.add_argument("root", help="source root the includes are relative to (src/)")
    ap.add_argument("--list", action="store_true", help="print every edge with one include")
    ap.add_argument("--dot", action="store_true", help="print the folder graph in Graphviz dot")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.root):
        ap.error("%s is not a directory" % args.root)

    edges = scan(args.root)
    succ = {}
    for a, b in edges:
        succ.setdefault(a, set()).add(b)
    nodes = sorted(set(succ) | {b for _, b in edges})

    if args.list:
        for a, b in sorted(edges):
            print("%s -> %s: %s" % (a, b, witness(edges, a, b)))
    if args.dot:
        print("digraph includes {")
        for a, b in sorted(edges):
            print('  "%s" -> "%s" [label=%d];' % (a, b, len(edges[(a, b)])))
        print("}")

    count = 0
    for comp in components(nodes, succ):
        if len(comp) < 2:
            continue
        found, complete = cycles(comp, succ, MAX_CYCLES)
        for cyc in found:
            count += 1
            ring = cyc + [cyc[0]]
            print("include cycle %d: %s" % (count, " -> ".join(ring)))
            for a, b in zip(ring, ring[1:]):
                print("  %s -> %s: %s" % (a, b, witness(edges, a, b)))
        if not complete:
            print("  (more cycles among %s not listed)" % ", ".join(comp))
    if count:
        print("%d include cycle%s between folders of %s" % (count, "" if count == 1 else "s", args.root))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
