#!/usr/bin/env python3
"""The house rules the layout depends on, checked over the source tree (TAP):
no two modules (a .c and its .h) include each other, directly or round a
circle; a folder includes only the folders below it; and no file outside the
backend registry and drivers (provisioning/backend*.c) names a backend in a
string comparison."""
import collections
import os
import re
import sys

SRC = os.environ.get("XENLAB_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
FOLDERS = ["common", "guest-payload", "provisioning", "plugin/run", "plugin/report", "plugin/xapi", "plugin/cli"]
# What each folder may include, besides itself.
ALLOWED = {
    "common": set(),
    "guest-payload": {"common"},
    "provisioning": {"common"},
    "plugin/run": {"common", "provisioning"},
    "plugin/report": {"common", "plugin/run"},
    "plugin/xapi": {"common", "provisioning", "plugin/run", "plugin/report"},
    # xenlab-static is the XAPI plugin too: its dispatcher calls the plugin's entry.
    "plugin/cli": {"common", "provisioning", "plugin/run", "plugin/report", "plugin/xapi"},
}
n = failed = 0


def ok(cond, name, diag=()):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, name))
    if not cond:
        failed += 1
        for d in diag:
            print("# " + str(d))


files = []
for folder in FOLDERS:
    d = os.path.join(SRC, folder)
    for f in sorted(os.listdir(d)):
        if f.endswith((".c", ".h")):
            files.append(folder + "/" + f)
by_name = collections.defaultdict(list)
for f in files:
    by_name[os.path.basename(f)].append(f)


def module(f):
    return f.rsplit(".", 1)[0]


graph = collections.defaultdict(set)
upward = []
for f in files:
    text = open(os.path.join(SRC, f), encoding="utf-8").read()
    for inc in re.findall(r'^#include "([^"]+)"', text, re.M):
        for t in by_name.get(inc, []):
            if module(t) != module(f):
                graph[module(f)].add(module(t))
            fa, fb = os.path.dirname(f), os.path.dirname(t)
            if fa != fb and fb not in ALLOWED[fa]:
                upward.append("%s includes %s" % (f, t))

# Tarjan's strongly connected components: any with two or more is a circle.
index, low, stack, on, circles, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in graph[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            circles.append(sorted(comp))


for v in list(graph):
    if v not in index:
        visit(v)
ok(not circles, "no include circle between modules", circles)
ok(not upward, "every folder includes only the folders below it", upward)

named = []
for f in files:
    if re.match(r"provisioning/backend[^/]*\.c$", f):
        continue
    for i, line in enumerate(open(os.path.join(SRC, f), encoding="utf-8"), 1):
        if re.search(r'str(n)?cmp\([^;]*"(libxl|libvirt|xapi)"', line):
            named.append("%s:%d: %s" % (f, i, line.strip()))
ok(not named, "no backend named in a comparison outside provisioning/backend*.c", named)
print("1..%d" % n)
sys.exit(1 if failed else 0)
