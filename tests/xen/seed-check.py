#!/usr/bin/env python3
"""Assertions on a seed run copied out of the testbed (tests/xen/seed-run.sh).

seed-check.py RUN_DIR RUN_EXIT LEFT_DOMAINS LEFT_LIBVIRT LEFT_CLONES
Prints PASS/FAIL lines and TIMING lines; exits 1 on any failure."""
import json
import os
import sys

GiB = 1 << 30
run, run_rc, left_dom, left_virsh, left_clones = sys.argv[1], *map(int, sys.argv[2:6])
failed = 0


def size(v):
    """A spec size: bytes as spec.json normalises it, or "2GiB"/"17GB"."""
    if isinstance(v, int):
        return v
    for unit, mult in (("GiB", GiB), ("MiB", 1 << 20), ("GB", 10**9)):
        if v.endswith(unit):
            return int(float(v[:-len(unit)]) * mult)
    return int(v)


def check(what, cond, got=""):
    global failed
    print(("PASS: " if cond else "FAIL: ") + what + (f" ({got})" if got != "" else ""))
    failed += not cond


check("xenlab run exits 0", run_rc == 0, run_rc)
spec = json.load(open(os.path.join(run, "spec.json")))
results = json.load(open(os.path.join(run, "results.json")))["results"]
journal = [json.loads(l) for l in open(os.path.join(run, "journal.jsonl"))]
variants = len(spec["benchmarks"])  # spec.json is normalised: one entry per variant
want = variants * spec["trials"] * len(spec["arms"])
check("every trial of both arms is in results.json", len(results) == want, f"{len(results)} of {want}")
bad = [r for r in results if r.get("status") != "ok"]
check("every trial ok", not bad, "; ".join(f"{r.get('arm')} {r.get('variant')}: {r.get('error')}" for r in bad[:3]))
zero = [r for r in results if r.get("status") == "ok" and not r.get("value", 0) > 0]
check("every value is positive", not zero, "; ".join(f"{r.get('arm')} {r.get('variant')}" for r in zero[:3]))

arms = {a["name"]: a for a in spec["arms"]}
for name, arm in arms.items():
    envs = [r["env"] for r in results if r.get("arm") == name and r.get("env")]
    check(f"{name}: results carry the guest's environment", len(envs) > 0, len(envs))
    if not envs:
        continue
    e = envs[0]
    check(f"{name}: the guest has {arm['vcpus']} vCPU(s) online", e.get("cpus_online") == arm["vcpus"],
          e.get("cpus_online"))
    want_mem = size(arm["memory"])
    # The kernel keeps some for itself: MemTotal is a little under what Xen gave.
    check(f"{name}: the guest's memory is {want_mem >> 20} MiB", 0.85 * want_mem < e.get("mem_total", 0) <= want_mem,
          e.get("mem_total"))
    disk = size(arm["disk"])
    # ext4's own metadata is not in f_blocks: a few % under the disk.
    check(f"{name}: the root filesystem spans the {disk >> 20} MiB disk", 0.9 * disk < e.get("fs_bytes", 0) <= disk,
          e.get("fs_bytes"))
    check(f"{name}: ext4 root", e.get("fs") == "ext4", e.get("fs"))
    ct = arm["run_in"] if isinstance(arm["run_in"], dict) else None
    if ct:
        c = ct["container"]
        check(f"{name}: the container's CPU quota is {c['cpus']}", all(x.get("cpu_quota") == c["cpus"] for x in envs),
              sorted({x.get("cpu_quota") for x in envs}))
        check(f"{name}: the container's memory limit is {size(c['memory']) >> 20} MiB",
              all(x.get("mem_limit") == size(c["memory"]) for x in envs), sorted({x.get("mem_limit") for x in envs}))
        check(f"{name}: the container has 1 usable CPU", all(x.get("cpus_usable") == 1 for x in envs),
              sorted({x.get("cpus_usable") for x in envs}))
        want = c.get("runtime", "auto")
        check(f"{name}: the benchmark ran in a {'' if want == 'auto' else want + ' '}container",
              all(x.get("container") and want in ("auto", x.get("container")) for x in envs),
              sorted({str(x.get("container")) for x in envs}))
    else:
        check(f"{name}: no container, no limits", all(not x.get("container") and not x.get("cpu_quota") for x in envs))

for f in ("md", "csv", "json", "pts", "html"):
    p = os.path.join(run, "report." + f)
    check(f"report.{f} written", os.path.exists(p) and os.path.getsize(p) > 0)
check("nothing left in xl list", left_dom == 0, left_dom)
check("nothing left in libvirt's domain list", left_virsh == 0, left_virsh)
check("nothing left in the clone directory", left_clones == 0, left_clones)

# Figures: provisioning start to the first result, per job, and the collector's
# latency (the guest's commit of a result to its journal record) where both are known.
t_start, t_first = {}, {}
for e in journal:
    if e.get("event") == "job" and e.get("state") == "provisioning" and "t" in e:
        t_start.setdefault(e.get("arm") or e["job"], e["t"])
    if e.get("event") == "result" and "t" in e:
        t_first.setdefault(e.get("arm"), e["t"])
for arm in sorted(t_start):
    if arm in t_first:
        print(f"TIMING: {arm} provisioning start to first journalled result {t_first[arm] - t_start[arm]:.1f}s")
# Collector latency: a trial's end in the guest ("ended", the guest's clock) to its
# fsync'd journal record in dom0 ("t", dom0's clock), through the agent's XenStore
# commit and the watch delivery (for vm2 also the container's teardown).  The guest's clock is not dom0's: PV guests differ by a few hundred ms under TCG, and
# by different amounts per guest (guest-hostile measures one guest's offset by XenStore
# pings and prints the latency corrected with it), so these figures include the offset.
lat = {}
for e in journal:
    r = e.get("result") if e.get("event") == "result" else None
    if r and "t" in e and r.get("ended"):
        lat.setdefault(r.get("arm", "?"), []).append(e["t"] - r["ended"])
for arm in sorted(lat):
    v = sorted(lat[arm])
    # Without a ping of this guest the difference is latency plus an unknown clock
    # offset: a figure only as an upper bound on nothing, so never print a negative
    # one as a latency (guest-hostile measures the real one, tests/xen/latency.py).
    if v[0] < 0:
        print(f"TIMING: {arm} trial end to journal line: not measured (guest clock ahead of dom0's by at "
              f"least {-v[0] * 1000:.0f} ms, and this test does not ping it)")
        continue
    print(f"TIMING: {arm} trial end (guest clock) to journal line (dom0 clock): median "
          f"{v[len(v) // 2] * 1000:.0f} ms, max {v[-1] * 1000:.0f} ms over {len(v)} results (includes the clock offset)")
check("every result carries the guest's end time", all(lat.values()) and len(lat) == 2, sorted(lat))
sys.exit(1 if failed else 0)
