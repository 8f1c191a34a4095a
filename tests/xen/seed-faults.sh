#!/bin/bash
# Faults on the real thing (tests/xen/seed-faults.dom0 does them in dom0): a guest
# destroyed mid-run fails its arm with a reason and the run finishes the other arm; a
# SIGKILLed xenlab resumes with no trial lost or duplicated; nothing is left behind.
#   seed-faults.sh SPEC DOM0_SCRIPT
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
spec=${1:?spec} dom0=${2:?dom0 script}
ensure_testbed
"$TESTBED" exec test -x /usr/local/sbin/xenlab-testbed-base \
    || bail "dom0 has no xenlab-testbed-base: the testbed runs an older layer (scripts/testbed down, then rerun)"
out=/var/lib/xenlab/test-faults
to_dom0 "$spec" "$dom0"
kv=$("$TESTBED" exec bash "$lib/seed-faults.dom0" "$lib/fault-spec.json" "$out")
echo "$kv"
"$TESTBED" cp ":$out/runs" "$work/"
python3 - "$work/runs" "$kv" "${XENLAB_CLI:?}" <<'PY'
import json, os, subprocess, sys
runs, kv = sys.argv[1], dict(l.split("=", 1) for l in sys.argv[2].splitlines() if "=" in l)
failed = 0
def check(what, cond, got=""):
    global failed
    print(("PASS: " if cond else "FAIL: ") + what + (f" ({got})" if got != "" else ""))
    failed += not cond
def journal(i): # as the CLI reads it
    return json.loads(subprocess.run([sys.argv[3], "journal", i, runs], check=True, stdout=subprocess.PIPE).stdout)["events"]
def last_state(j, arm):
    st = [e for e in j if e.get("event") == "job" and e.get("arm") == arm]
    return st[-1] if st else {}
print("# FAIL lines from the dom0 half:", [l for l in sys.argv[2].splitlines() if l.startswith("FAIL")])
check("dom0 half had no failure", not any(l.startswith("FAIL") for l in sys.argv[2].splitlines()))
missing = [k for k in ("destroy_id", "kill_id") if not kv.get(k)]
if missing:
    print("FAIL: the dom0 half stopped before it named", ", ".join(missing))
    sys.exit(1)

j = journal(kv["destroy_id"])
res = json.load(open(os.path.join(runs, kv["destroy_id"], "results.json")))["results"]
v1 = last_state(j, "vm1")
check("destroyed guest: vm1's job failed", v1.get("state") == "failed", v1.get("state"))
check("destroyed guest: with a reason", bool(v1.get("reason")), v1.get("reason"))
check("destroyed guest: vm2 finished anyway", last_state(j, "vm2").get("state") == "done",
      last_state(j, "vm2").get("state"))
ok2 = [r for r in res if r["arm"] == "vm2" and r["status"] == "ok"]
check("destroyed guest: all 6 of vm2's trials", len(ok2) == 6, len(ok2))
check("destroyed guest: xenlab run exits 1 (a guest failed)", kv.get("destroy_exit") == "1", kv.get("destroy_exit"))

j = journal(kv["kill_id"])
res = json.load(open(os.path.join(runs, kv["kill_id"], "results.json")))["results"]
check("SIGKILL left the guests running until resume", int(kv.get("left_after_kill", 0)) > 0, kv.get("left_after_kill"))
check("resume exits 0", kv.get("resume_exit") == "0", kv.get("resume_exit"))
check("after resume: 12 results, all ok", len(res) == 12 and all(r["status"] == "ok" for r in res), len(res))
dom2job, seen, dup = {}, set(), 0
for e in j:
    if e.get("event") == "job" and "domain" in e:
        dom2job[e["domain"]] = e["arm"]
    if e.get("event") == "result":
        k = (dom2job.get(e["domain"]), e["slot"])
        dup += k in seen
        seen.add(k)
check("no slot journalled twice", dup == 0, dup)
check("nothing left in xl list", kv.get("left_domains") == "0", kv.get("left_domains"))
check("nothing left in the clone directory", kv.get("left_clones") == "0", kv.get("left_clones"))
sys.exit(1 if failed else 0)
PY
