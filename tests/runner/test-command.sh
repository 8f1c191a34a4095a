#!/bin/bash
# Command workloads end to end: the spec's argv, env and metrics reach the
# guest through the real xenstored, the real agent and worker run them, and
# dom0 gets each metric back (time, exit, regex, JSON), with the reason for
# every metric it could not read. libvirt's test:/// driver makes the domains.
. "$(dirname "$0")/runner-lib.sh"

cat > "$T/fleet.json" <<'J'
{ "name": "fleet", "trials": 3, "timeouts": { "trial_s": 60, "arm_s": 120 },
  "benchmarks": [
    { "id": "command", "name": "work", "env": { "RATE": "42.5" },
      "argv": ["sh", "-c", "echo starting; echo rate: $RATE files/s; echo rate: 50 files/s >&2"],
      "metrics": [ { "name": "time", "how": "time" },
                   { "name": "rate", "how": "regex", "pattern": "rate: ([0-9.]+) files/s",
                     "unit": "files/s", "better": "higher" },
                   { "name": "errate", "how": "regex", "from": "stderr", "match": "last",
                     "pattern": "rate: ([0-9.]+)", "unit": "files/s", "better": "higher" } ] },
    { "id": "command", "name": "js", "cwd": "/tmp",
      "argv": ["sh", "-c", "printf '{\"ops\": 7, \"lat\": {\"p99\": 1.5}, \"trial\": %s}' \"$XENLAB_TRIAL\""],
      "metrics": [ { "name": "ops", "how": "json", "pointer": "/ops", "unit": "ops", "better": "higher" },
                   { "name": "trial", "how": "json", "pointer": "/trial", "unit": "n", "better": "higher" } ] },
    { "id": "command", "name": "flaky", "argv": ["sh", "-c", "test \"$XENLAB_TRIAL\" != 2"],
      "metrics": [ { "name": "pass", "how": "exit" } ] },
    { "id": "command", "name": "miss", "argv": ["echo", "nothing here"],
      "metrics": [ { "name": "v", "how": "regex", "pattern": "v=([0-9]+)", "unit": "x", "better": "higher" },
                   { "name": "j", "how": "json", "pointer": "/v", "unit": "x", "better": "higher" } ] },
    { "id": "command", "name": "gone", "argv": ["xenlab-no-such-program"],
      "metrics": [ { "name": "time", "how": "time" } ] },
    { "id": "command", "name": "slow", "argv": ["sleep", "30"], "timeout_s": 1,
      "metrics": [ { "name": "time", "how": "time" } ] },
    { "id": "command", "name": "big", "argv": ["sh", "-c", "head -c 10000000 /dev/urandom; echo; echo the end"],
      "metrics": [ { "name": "time", "how": "time" } ] },
    { "id": "command", "name": "who", "argv": ["sh", "-c", "echo clone $XENLAB_ARM/$XENLAB_REPLICA of $XENLAB_RUN"],
      "metrics": [ { "name": "replica", "how": "regex", "pattern": "^clone t1/([0-9]+) of [0-9]{8}-[0-9]{6}-[0-9a-f]{4}$",
                     "unit": "n", "better": "higher" } ] }
  ],
  "arms": [ { "name": "t1", "vcpus": 1, "memory": "256MiB", "replicas": 2 } ] }
J
"$X" spec check "$T/fleet.json" > /dev/null; ok $? "spec check accepts command workloads"

# An arm pinned to pCPUs the host lacks (libvirt's test node has 16) is refused
# before anything is made.
sed 's/"memory": "256MiB", "replicas": 2/"memory": "256MiB", "replicas": 2, "cpus": "2,40-41"/' "$T/fleet.json" > "$T/pinned.json"
XENLAB_RUNS_DIR=$T/pinned-runs "$X" run "$T/pinned.json" --backend libvirt --uri test:///default --virt-type test \
    --plain --clone-dir "$T/clones" --base tb > "$T/pinned.out" 2> "$T/pinned.err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l < "$T/pinned.err")" = 1 ] && [ ! -e "$T/pinned-runs" ] &&
    grep -qF "arms[0] (t1): cpus 2,40-41: this host has 16 pCPUs (0-15)" "$T/pinned.err"
ok $? "an arm pinned beyond the host's pCPUs: one line, exit 2, no run made (rc $rc): $(cat "$T/pinned.err")"

"$XENLAB_LAUNCHER" "$XENLAB_AGENT" "$XENLAB_GUEST" "$T/work" 2> "$T/launcher.log" & launcher=$!
# Only XENLAB_STATE_DIR: the run must land in $XENLAB_STATE_DIR/runs, not /var/lib/xenlab/runs.
unset XENLAB_RUNS_DIR
"$X" run "$T/fleet.json" --backend libvirt --uri test:///default --virt-type test --plain \
    --clone-dir "$T/clones" --base tb --parallel 2 > "$T/run.out" 2>&1; rc=$?
kill "$launcher" 2>/dev/null; wait "$launcher" 2>/dev/null; launcher=
id=$(sed -n 's/^xenlab: run \([^ ]*\) in .*/\1/p' "$T/run.out" | head -1)
R=$XENLAB_STATE_DIR/runs/$id
[ -n "$id" ] && [ -f "$R/results.json" ]; ok $? "the run finished with results in \$XENLAB_STATE_DIR/runs (rc $rc)"
grep -qF "xenlab: run $id in $R" "$T/run.out"; ok $? "and says so"

# check DESCRIPTION PYTHON-EXPR: over rs, the result list of results.json.
check() {
    python3 - "$R/results.json" "$2" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
def v(variant): return [r for r in rs if r["variant"] == variant]
def vals(variant): return sorted(r.get("value") for r in v(variant) if r["status"] == "ok")
def errs(variant): return [r.get("error", "") for r in v(variant) if r["status"] != "ok"]
ok = eval(sys.argv[2])
if not ok:
    print("# " + json.dumps([r for r in rs if r["variant"] in sys.argv[2]])[:1500])
sys.exit(0 if ok else 1)
PY
    ok $? "$1"
}
check "time: 6 results (3 trials x 2 replicas), each a positive wall time" \
    'len(vals("work-time")) == 6 and all(0 < x < 30 for x in vals("work-time"))'
check "regex on stdout reads the value the spec's env set (42.5)" 'vals("work-rate") == [42.5] * 6'
check "regex on stderr, last match (50)" 'vals("work-errate") == [50.0] * 6'
check "json pointer into stdout, run in the spec's cwd (7)" 'vals("js-ops") == [7.0] * 6'
check "the trial number reaches the command (XENLAB_TRIAL 1..3)" 'vals("js-trial") == [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]'
check "exit: trial 2 fails on both replicas, a result of 0, not a failed trial" \
    'vals("flaky-pass") == [0.0, 0.0, 1.0, 1.0, 1.0, 1.0]'
check "regex without a match fails the trial naming the metric and the last line" \
    'len(errs("miss-v")) == 6 and all("metric v: no match in stdout (last line: \"nothing here\")" in e for e in errs("miss-v"))'
check "json on text fails the trial naming the metric" \
    'len(errs("miss-j")) == 6 and all(e.startswith("metric j: stdout: invalid JSON") for e in errs("miss-j"))'
check "a program the guest lacks fails the trial naming it" \
    'len(errs("gone-time")) == 6 and all("xenlab-no-such-program is not installed" in e for e in errs("gone-time"))'
check "timeout_s stops the command and fails the trial" \
    'len(errs("slow-time")) == 6 and all("did not finish within 1 s" in e for e in errs("slow-time"))'
check "labels and units come from the spec" \
    'all(r["label"] == "work rate" and r["unit"] == "files/s" for r in v("work-rate")) and v("flaky-pass")[0]["unit"] == "pass"'
check "commands know their clone: XENLAB_ARM, XENLAB_REPLICA, XENLAB_RUN" \
    'sorted((r["replica"], r["value"]) for r in v("who-replica")) == [(1, 1.0)] * 3 + [(2, 2.0)] * 3'
check "results.json names each result's replica and that replica's own trial" \
    'sorted((r["replica"], r["replica_trial"]) for r in v("flaky-pass") if r["value"] == 0) == [(1, 2), (2, 2)]'
# The machine the run ran on: in the journal's start and in results.json.
python3 - "$R" "$(hostname)" "$(uname -r)" <<'PY'
import json, sys
R, host, kernel = sys.argv[1:]
doc = json.load(open(R + "/results.json"))
started = [json.loads(l) for l in open(R + "/journal.jsonl") if '"started"' in l][0]
h = doc["host"]
fnv = 0xcbf29ce484222325
for b in open(R + "/spec.json", "rb").read():
    fnv = ((fnv ^ b) * 0x100000001b3) & 0xffffffffffffffff
assert h == started["host"], (h, started)
assert h["hostname"] == host and h["kernel"] == kernel and h["backend"] == "libvirt", h
assert h["spec"] == "fnv1a64:%016x" % fnv and h["xenlab"] and h["cpus"] >= 1 and h.get("cpu_model"), h
PY
ok $? "results.json and the journal's start name this host, its kernel, the backend and spec.json's hash"
# dom0's own view: each guest's domain sampled through the backend (here
# libvirt's test driver) from one result to the next, with the guest beside it.
python3 - "$R" <<'PY'
import json, sys
R = sys.argv[1]
doc = json.load(open(R + "/results.json"))
d = doc.get("dom0", [])
ev = [json.loads(l) for l in open(R + "/journal.jsonl") if '"event":"dom0"' in l]
jobs = sorted(set(x["job"] for x in d))
ok = (len(d) == len(ev) and len(d) >= 2 * 30 and len(jobs) == 2
      and all(x["arm"] == "t1" and x["wall_s"] >= 0 and x["cpu_s"] >= 0 and x["vcpus"] == 1 and x.get("pcpus")
              for x in d)
      and any(b["arm"] == "t1" for x in d for b in x["beside"]))
if not ok:
    print("# %d records, %d events, jobs %s, first %s" % (len(d), len(ev), jobs, json.dumps(d[:2])[:400]))
sys.exit(0 if ok else 1)
PY
ok $? "results.json has dom0's view of each interval: CPU time, wall time, vCPUs, pCPUs, the guest beside"
# Output logs: each trial's output lands in the run directory and
# results.json names it; 12 items x 3 trials = 36 slots leave each log
# (400 / 36 - 2) * 960 = 8640 bytes of document (trial-log.h).
python3 - "$R" <<'PY'
import json, os, sys
R = sys.argv[1]
rs = json.load(open(R + "/results.json"))["results"]
def log(r): return open(os.path.join(R, r["log"]), "rb").read()
work = [r for r in rs if r["variant"] == "work-rate"]
big = [r for r in rs if r["variant"] == "big-time"]
ok = (all("log" in r and r["log"].startswith("logs/xl-") for r in rs if r["variant"] != "gone-time")
      and all(b"starting\nrate: 42.5 files/s" in log(r) and b"--- stderr: " in log(r) and b"rate: 50 files/s" in log(r)
              for r in work)
      and len(big) == 6
      and all(len(log(r)) <= 8640 and log(r).count(b"bytes cut]") == 1 and b"the end\n--- stderr: " in log(r)
              and all(c in b"\n\t" or 0x20 <= c < 0x7f for c in log(r)) for r in big))
if not ok:
    print("# " + json.dumps([r.get("log") for r in rs])[:600])
    for r in big[:1]:
        print("# big log: %d bytes, head %r, tail %r" % (len(log(r)), log(r)[:80], log(r)[-40:]))
sys.exit(0 if ok else 1)
PY
ok $? "each trial's output is a log in the run directory: both streams, 10 MB of binary cut to its share, printable"
"$X" report "$id" > "$T/report.md" 2>&1
grep -q "work rate" "$T/report.md" && grep -q "flaky pass" "$T/report.md"
ok $? "xenlab report shows the command rows"
grep -q "^- dom0: t1's domain used up to [0-9.]* % of its 1 vCPU between results, on pCPU" "$T/report.md" &&
    grep -q "^- \*\*Check:\*\* replicas of t1 ran at the same time on this host, on " "$T/report.md"
ok $? "the report says what dom0 saw and that the two replicas ran at the same time: $(grep -i 'dom0\|same time' "$T/report.md" | head -2 | tr '\n' ' ')"
grep -qF '| flaky pass | t1 | 6 | 4 | 2 | 0 | **flaky**: failed on replica 1 trial 2, replica 2 trial 2 |' "$T/report.md"
ok $? "the report's test table calls the test flaky and names the runs that failed: $(grep -F 'flaky pass | t1' "$T/report.md")"
"$X" report "$id" --format json > "$T/report.json" 2>&1
python3 - "$T/report.json" <<'PY'
import json, sys
t = [x for x in json.load(open(sys.argv[1]))["tests"] if x["variant"] == "flaky-pass"][0]
fails = sorted((r["replica"], r["trial"]) for r in t["results"] if r["outcome"] == "fail")
sys.exit(0 if t["flaky"] and t["runs"] == 6 and t["passed"] == 4 and fails == [(1, 2), (2, 2)]
         and all(r["exit_code"] == 1 for r in t["results"] if r["outcome"] == "fail") else 1)
PY
ok $? "report --format json lists each run with its replica, trial, outcome and exit code"
python3 - "$T/report.json" "$R" <<'PY'
import json, os, sys
t = [x for x in json.load(open(sys.argv[1]))["tests"] if x["variant"] == "flaky-pass"][0]
sys.exit(0 if all(r["log"].startswith(sys.argv[2] + "/logs/xl-") and os.path.isfile(r["log"]) for r in t["results"]) else 1)
PY
ok $? "... and the path of each run's log"
# A run directory moved elsewhere: its logs are found under the new place.
cp -a "$R" "$T/moved"
"$X" report "$T/moved" --format json > "$T/moved.json" 2>&1
python3 - "$T/moved.json" "$T/moved" <<'PY'
import json, os, sys
t = [x for x in json.load(open(sys.argv[1]))["tests"] if x["variant"] == "flaky-pass"][0]
sys.exit(0 if all(r["log"].startswith(sys.argv[2] + "/logs/") and os.path.isfile(r["log"]) for r in t["results"]) else 1)
PY
ok $? "a report of a moved run directory names the logs where they now are"
# A run stopped before results.json: the report reads its journal, logs too.
cp -a "$R" "$T/stopped" && rm "$T/stopped/results.json"
"$X" report "$T/stopped" --format json > "$T/stopped.json" 2>&1
python3 - "$T/stopped.json" "$T/stopped" <<'PY'
import json, os, sys
t = [x for x in json.load(open(sys.argv[1]))["tests"] if x["variant"] == "flaky-pass"][0]
sys.exit(0 if len(t["results"]) == 6 and all(r["log"].startswith(sys.argv[2] + "/logs/") and os.path.isfile(r["log"])
                                             for r in t["results"]) else 1)
PY
ok $? "a report from the journal alone (no results.json) keeps both replicas and names each run's log"
# Its insides are data: a job's log directory swapped for a symlink is not followed.
job1=$(ls "$T/moved/logs" | head -1)
mkdir "$T/evil" && for f in "$T/moved/logs/$job1"/*.log; do echo EVIL > "$T/evil/$(basename "$f")"; done
rm -rf "$T/moved/logs/$job1" && ln -s "$T/evil" "$T/moved/logs/$job1"
"$X" report "$T/moved" --format junit --output "$T/moved.xml" 2> "$T/err"
[ $? = 0 ] && ! grep -q EVIL "$T/moved.xml" && grep -q -- '--- stdout: last' "$T/moved.xml"
ok $? "JUnit of that run reads no log through a symlinked log directory, and still the other replica's"
[ "$(grep -c '^- flaky pass on t1, replica [12] trial 2: `.*/logs/xl-.*\.log`$' "$T/report.md")" = 2 ]
ok $? "the markdown report lists the logs of the two failed runs"
"$X" report "$id" --format html --output "$T/report.html" 2> "$T/err"
[ "$(grep -o 'replica [12] trial 2 (<a href="/[^"]*/logs/xl-[^"]*\.log">log</a>)' "$T/report.html" | wc -l)" = 2 ] &&
    grep -q '<h2>Tests</h2>' "$T/report.html"
ok $? "the HTML report has the tests table, linking the two failed runs' logs by absolute path"
"$X" report "$id" --format junit --output "$T/junit.xml" 2> "$T/err"
python3 - "$T/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
fails = [c for c in cases if c.find("failure") is not None]
errs = [c for c in cases if c.find("error") is not None]
ok = (root.tag == "testsuites" and suite.get("name") == "xenlab.t1" and suite.get("tests") == "17"
      and suite.get("failures") == "2" and suite.get("errors") == "4" and len(cases) == 17
      and sorted(c.get("classname") for c in fails) == ["xenlab.t1.replica1", "xenlab.t1.replica2"]
      and all(c.get("name") == "flaky pass (flaky-pass) trial 2" and c.find("failure").get("message") == "exit status 1"
              for c in fails)
      and any("no match in stdout" in c.find("error").get("message") for c in errs)
      and all((c.findtext("system-out") or "").startswith("--- stdout: last ") for c in fails))
if not ok:
    print("# " + open(sys.argv[1]).read()[:1500].replace("\n", "\n# "))
sys.exit(0 if ok else 1)
PY
ok $? "report --format junit: a suite per arm, a case per test run, the two failures on their replicas ($(head -c 200 "$T/err"))"
if command -v xmllint > /dev/null; then
    xmllint --noout "$T/junit.xml" 2> "$T/xmllint.err"
    ok $? "xmllint reads the JUnit file as well-formed XML ($(head -c 200 "$T/xmllint.err"))"
else
    skip "xmllint is not installed (scripts/install-deps --test installs libxml2-utils)"
fi
[ -z "$(ls -A "$T/clones")" ]; ok $? "no clone left behind"
[ $failed = 0 ] || { diag "$T/run.out"; diag "$T/launcher.log"; }
tap_done
