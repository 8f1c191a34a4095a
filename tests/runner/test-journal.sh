#!/bin/bash
# The run journal through the real CLI (xenlab runs --json, xenlab journal,
# xenlab report) on journals that power loss, crashes and reused domain ids
# leave behind: the reader resynchronises, results go to the right job.
set -u
: "${XENLAB_CLI:?}"
X=$XENLAB_CLI

. "$(dirname "$0")/../tap.sh"
export XENLAB_RUNS_DIR="$work/runs"
unset XENLAB_STATE_DIR

# A run directory: two arms of one job each, one benchmark, two trials.
mkrun() {
    mkdir -p "$XENLAB_RUNS_DIR/$1"
    cat >"$XENLAB_RUNS_DIR/$1/spec.json" <<'J'
{ "name": "journal", "trials": 2, "timeouts": { "trial_s": 60, "arm_s": 90 },
  "benchmarks": [ { "id": "nqueens", "n": 7 } ],
  "arms": [ { "name": "a1", "vcpus": 1, "memory": "256MiB" },
            { "name": "a2", "vcpus": 1, "memory": "256MiB" } ] }
J
}
res() { # ARM TRIAL
    printf '{"xenlab":"result/1","benchmark":"nqueens","variant":"n7","label":"N-Queens, N=7","unit":"s","better":"lower","arm":"%s","trial":%d,"status":"ok","value":1.5}' "$1" "$2"
}
field() { # JSON-FILE RUN-ID KEY
    python3 -c 'import json,sys
for r in json.load(open(sys.argv[1])):
    if r["id"] == sys.argv[2]: print(r.get(sys.argv[3]))' "$@"
}

# 1. A NUL-filled run in the middle (power loss zero-filled the tail, then
#    the resumed run appended): the events after it count.
mkrun nul
J=$XENLAB_RUNS_DIR/nul/journal.jsonl
{
    echo '{"event":"run","state":"started","pid":100}'
    echo '{"event":"job","job":"xl-nul-a1-1","arm":"a1","replica":1,"state":"running","domain":3}'
    echo "{\"event\":\"result\",\"domain\":3,\"slot\":0,\"result\":$(res a1 1)}"
    head -c 4096 /dev/zero
    echo '{"event":"run","state":"resumed","pid":101}'
    echo "{\"event\":\"result\",\"domain\":3,\"job\":\"xl-nul-a1-1\",\"slot\":1,\"result\":$(res a1 2)}"
    echo '{"event":"job","job":"xl-nul-a1-1","arm":"a1","replica":1,"state":"done","domain":3}'
} >"$J"
"$X" runs --json >"$work/runs.json"
ok $? "xenlab runs --json reads a journal with a NUL run"
[ "$(field "$work/runs.json" nul results)" = 2 ]
ok $? "both results count, the one after the NUL run too ($(field "$work/runs.json" nul results))"
[ "$(field "$work/runs.json" nul done)" = 1 ] && [ "$(field "$work/runs.json" nul nul_runs)" = 1 ]
ok $? "the job after the NUL run is done, and the NUL run is counted"
"$X" journal nul >"$work/j.json" &&
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(not (j["events"][3]["pid"] == 101 and j["nul_runs"] == 1))' "$work/j.json"
ok $? "xenlab journal ID lists the resumed event after the NUL run"

# 2. A torn last line: xenlab report reads the journal as the runner does.
mkrun torn
J=$XENLAB_RUNS_DIR/torn/journal.jsonl
{
    echo '{"event":"run","state":"started","pid":100}'
    echo '{"event":"job","job":"xl-torn-a1-1","arm":"a1","replica":1,"state":"running","domain":3}'
    echo "{\"event\":\"result\",\"domain\":3,\"job\":\"xl-torn-a1-1\",\"slot\":0,\"result\":$(res a1 1)}"
    printf '{"event":"result","domain":3,"slot":1,"resu'
} >"$J"
"$X" report torn >"$work/torn.md" 2>"$work/err"
ok $? "xenlab report ID skips a torn last line ($(head -c 200 "$work/err"))"
grep -q "N-Queens, N=7" "$work/torn.md"
ok $? "and reports the whole lines"
"$X" journal torn >"$work/j.json" &&
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(not (len(j["events"]) == 3 and j["torn"] == 1))' "$work/j.json"
ok $? "xenlab journal ID counts the torn line"

# 3. A domain id reused by two jobs: the result without "job" belongs to
#    the job that had the id at that point of the journal.
mkrun reuse
J=$XENLAB_RUNS_DIR/reuse/journal.jsonl
{
    echo '{"event":"run","state":"started","pid":100}'
    echo '{"event":"job","job":"xl-reuse-a1-1","arm":"a1","replica":1,"state":"running","domain":5}'
    echo "{\"event\":\"result\",\"domain\":5,\"slot\":0,\"result\":$(res a1 1)}"
    echo "{\"event\":\"result\",\"domain\":5,\"slot\":1,\"result\":$(res a1 2)}"
    echo '{"event":"job","job":"xl-reuse-a1-1","arm":"a1","replica":1,"state":"done","domain":5}'
    echo '{"event":"job","job":"xl-reuse-a2-1","arm":"a2","replica":1,"state":"running","domain":5}'
    echo "{\"event\":\"result\",\"domain\":5,\"slot\":0,\"result\":$(res a2 1)}"
} >"$J"
"$X" runs --json >"$work/runs.json"
[ "$(field "$work/runs.json" reuse results)" = 3 ]
ok $? "runs counts a2's result on the reused domain id: 3/4 ($(field "$work/runs.json" reuse results))"
"$X" runs >"$work/runs.txt"
grep reuse "$work/runs.txt" | grep -q "results 3/4"
ok $? "the plain listing says results 3/4"

# 4. A run that failed before any guest: runs shows it failed, with why.
mkrun nostore
echo '{"event":"run","state":"failed","reason":"preflight: no XenStore"}' >"$XENLAB_RUNS_DIR/nostore/journal.jsonl"
"$X" runs --json >"$work/runs.json"
[ "$(field "$work/runs.json" nostore state)" = failed ] &&
    [ "$(field "$work/runs.json" nostore reason)" = "preflight: no XenStore" ]
ok $? "a run failed event is listed as failed with its reason"
"$X" runs | grep nostore | grep -q "failed: preflight: no XenStore"
ok $? "in the plain listing too"

# 5. All guests failed: report says so, with each job's reason.
mkrun allfail
{
    echo '{"event":"job","job":"xl-allfail-a1-1","arm":"a1","replica":1,"state":"failed","reason":"boot timed out"}'
    echo '{"event":"job","job":"xl-allfail-a2-1","arm":"a2","replica":1,"state":"failed","reason":"disk full"}'
} >"$XENLAB_RUNS_DIR/allfail/journal.jsonl"
echo '{"xenlab":"results/1","run":"allfail","results":[]}' >"$XENLAB_RUNS_DIR/allfail/results.json"
"$X" report allfail >/dev/null 2>"$work/err"
rc=$?
[ $rc != 0 ] && [ "$(wc -l <"$work/err")" = 1 ] && grep -q "all 2 guests failed" "$work/err" &&
    grep -q "xl-allfail-a1-1: boot timed out" "$work/err" && grep -q "disk full" "$work/err"
ok $? "report on an all-failed run names each job's reason: $(cat "$work/err")"

# 6. Only XENLAB_STATE_DIR set: runs live in its runs/.
(unset XENLAB_RUNS_DIR; XENLAB_STATE_DIR=$work "$X" runs --json) >"$work/runs.json"
[ "$(field "$work/runs.json" nul results)" = 2 ]
ok $? "with only XENLAB_STATE_DIR, xenlab runs reads \$XENLAB_STATE_DIR/runs"
(unset XENLAB_RUNS_DIR; XENLAB_STATE_DIR=$work "$X" report torn) >/dev/null
ok $? "and xenlab report ID finds the run there too"

# 7. Hostile lines (null fields, wrong types) are skipped, not fatal.
mkrun hostile
{
    echo '{"event":"run","state":null}'
    echo '{"event":null}'
    echo '{"event":"job","job":null,"state":5,"domain":"x"}'
    echo '{"event":"result","domain":null,"slot":"0","result":null}'
    echo '[1,2]'
    echo '{"event":"run","state":"started","pid":7}'
} >"$XENLAB_RUNS_DIR/hostile/journal.jsonl"
"$X" runs --json >"$work/runs.json"
[ "$(field "$work/runs.json" hostile state)" = started ]
ok $? "hostile journal lines do not break xenlab runs"

tap_done
