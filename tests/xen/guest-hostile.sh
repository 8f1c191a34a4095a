#!/bin/bash
# A hostile guest beside a well-behaved one on the testbed's real Xen: the hostile one
# writes garbage, binary, oversize and chunk-lying values and 5,000 junk keys into its
# data/xenlab, and tries to write its own plan and the other guest's results; dom0's
# `xenlab collect` must journal every result of the good guest, fail the hostile one
# with bounded reasons and stay small, and xenstored must refuse every foreign write.
# Also measures the collector's latency (the good guest's trial end to the journal
# record) with the guests' clock offset taken by XenStore pings.
#   guest-hostile.sh XS_READ XS_PING XS_GUEST_HOSTILE DOM0_SCRIPT
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
xs_read=${1:?xs-read} xs_ping=${2:?xs-ping} hostile=${3:?xs-guest-hostile} dom0_script=${4:?guest-hostile.dom0}
ensure_testbed
lib=/usr/local/lib/xenlab-tests
"$TESTBED" exec -t 60 mkdir -p "$lib"
"$TESTBED" cp "$xs_read" :/usr/local/bin/xs-read
"$TESTBED" cp "$xs_ping" ":$lib/xs-ping"
"$TESTBED" cp "$hostile" ":$lib/xs-guest-hostile"
"$TESTBED" cp "$dom0_script" ":$lib/guest-hostile.dom0"
rc=0
"$TESTBED" exec -t 1200 bash "$lib/guest-hostile.dom0" || rc=$?
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$TESTBED" cp :/var/lib/xenlab/test-hostile "$out/" || fail "could not copy the collector's journal out"
python3 - "$out/test-hostile" <<'PY' || rc=1
import json, os, statistics, sys
work = sys.argv[1]
failed = 0
def check(what, cond, got=""):
    global failed
    print(("PASS: " if cond else "FAIL: ") + what + (f" ({got})" if got != "" else ""))
    failed += not cond
journal = [json.loads(l) for l in open(os.path.join(work, "journal.jsonl"))]
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
clock = dict(kv.split("=") for kv in open(os.path.join(work, "clock")).read().split())
off, rtt = float(clock["offset_ms"]) / 1000, float(clock["rtt_ms"]) / 1000
print(f"TIMING: guest clock offset {off * 1000:+.1f} ms (+/- {rtt * 500:.1f} ms)")
if good:
    lat = sorted(e["t"] - (e["result"]["ended"] - off) for e in res(good[0]) if e["result"].get("ended"))
    check("the good guest's results carry their end time", len(lat) == 3, len(lat))
    if lat:
        print(f"TIMING: collector latency on real Xen (trial end in the guest to fsync'd journal line in dom0): "
              f"median {statistics.median(lat) * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms "
              f"(+/- {rtt * 500:.1f} ms clock uncertainty), {len(lat)} results")
sys.exit(1 if failed else 0)
PY
exit "$rc"
