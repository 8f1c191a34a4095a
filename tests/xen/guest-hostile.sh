#!/bin/bash
# A hostile guest beside a well-behaved one on the testbed's real Xen: the hostile one
# writes garbage, binary, oversize and chunk-lying values and 5,000 junk keys into its
# data/xenlab, and tries to write its own plan and the other guest's results; dom0's
# `xenlab collect` must journal every result of the good guest, fail the hostile one
# with bounded reasons and stay small, and xenstored must refuse every foreign write.
# Also measures the collector's latency (the good guest's trial end to the journal
# record) with that guest's own clock offset, taken by XenStore pings before and
# after its results (tests/xen/latency.py: a bound that cannot go negative).
#   guest-hostile.sh XS_READ XS_PING XS_GUEST_HOSTILE DOM0_SCRIPT
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
xs_read=${1:?xs-read} xs_ping=${2:?xs-ping} hostile=${3:?xs-guest-hostile} dom0_script=${4:?guest-hostile.dom0}
ensure_testbed
"$TESTBED" cp "$xs_read" :/usr/local/bin/xs-read
to_dom0 "$xs_ping" "$hostile" "$dom0_script"
rc=0
"$TESTBED" exec bash "$lib/guest-hostile.dom0" || rc=$?
"$TESTBED" cp :/var/lib/xenlab/test-hostile "$work/" || bail "could not copy the collector's journal out"
# The journal as the CLI reads it (xenlab journal: the directory holds its spec.json too).
"${XENLAB_CLI:?}" journal test-hostile "$work" > "$work/journal.json" || bail "xenlab journal could not read it"
python3 - "$work/test-hostile" "$here" "$work/journal.json" <<'PY' || rc=1
import json, os, statistics, sys
work = sys.argv[1]
failed = 0
def check(what, cond, got=""):
    global failed
    print(("PASS: " if cond else "FAIL: ") + what + (f" ({got})" if got != "" else ""))
    failed += not cond
journal = json.load(open(sys.argv[3]))["events"]
doms = sorted({e["domain"] for e in journal if "domain" in e})
fin = {e["domain"]: e for e in journal if e.get("event") == "domain"}
good = [d for d in doms if fin.get(d, {}).get("status") == "done"]
bad = [d for d in doms if fin.get(d, {}).get("status") == "failed"]
check("one domain done, one failed", len(good) == 1 and len(bad) == 1, fin)
res = lambda d: [e for e in journal if e.get("event") == "result" and e["domain"] == d]
inv = [e for e in journal if e.get("event") == "invalid"]
if good and bad:
    g, b = good[0], bad[0]
    check("every trial of the good guest is journalled, once each", sorted(e["slot"] for e in res(g)) == [0, 1, 2],
          [e["slot"] for e in res(g)])
    check("nothing of the hostile guest is taken as a result", res(b) == [], len(res(b)))
    check("the hostile guest's invalid values are journalled with reasons, boundedly", 1 <= len(inv) <= 24, len(inv))
    check("invalid reasons are all the hostile guest's", all(e["domain"] == b for e in inv))
    check("reasons are short printable lines", all(len(e["reason"]) < 400 and e["reason"].isprintable() for e in inv))
    for e in inv:
        print("  invalid:", e.get("slot", "-"), e["reason"])
    print("  hostile guest:", fin[b].get("reason"))
size = os.path.getsize(os.path.join(work, "journal.jsonl"))
check("the journal stays small", size < 64 * 1024, f"{size} bytes")
hwm = int(open(os.path.join(work, "collector-hwm-kib")).read() or 0)
check("the collector's peak RSS stays small", 0 < hwm < 64 * 1024, f"{hwm} KiB")
sys.path.insert(0, sys.argv[2])
import latency
pings = []
for when in ("before", "after"):
    try:
        c = dict(kv.split("=") for kv in open(os.path.join(work, "clock-" + when)).read().split())
        pings.append((float(c["offset_ms"]) / 1000, float(c["rtt_ms"]) / 1000))
        print(f"TIMING: good guest's clock offset {when} its results {pings[-1][0] * 1000:+.1f} ms "
              f"(+/- {pings[-1][1] * 500:.1f} ms)")
    except (OSError, KeyError, ValueError):
        pass
check("the good guest's clock was pinged before and after its results", len(pings) == 2, len(pings))
if good and pings:
    b = latency.offset_bounds(pings)
    ends = [e for e in res(good[0]) if e["result"].get("ended")]
    check("the good guest's results carry their end time", len(ends) == 3, len(ends))
    lat, bad_lat = [], []
    for e in ends:
        try:
            lat.append(latency.latency(e["t"], e["result"]["ended"], b))
        except ValueError as err:
            bad_lat.append(str(err))
    check("no latency bound comes out negative", not bad_lat, bad_lat)
    if lat:
        lo = sorted(l for l, _ in lat)
        hi = sorted(h for _, h in lat)
        print(f"TIMING: collector latency on real Xen (trial end in the guest to fsync'd journal line in dom0): "
              f"median between {statistics.median(lo) * 1000:.0f} and {statistics.median(hi) * 1000:.0f} ms, "
              f"max at most {hi[-1] * 1000:.0f} ms, {len(lat)} results (the guest's own offset, pinged around them)")
sys.exit(1 if failed else 0)
PY
exit "$rc"
