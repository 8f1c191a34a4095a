#!/bin/bash
# xenlab report through the real CLI: a bare run id finds the run directory
# under $XENLAB_RUNS_DIR (results.json, or the journal while a run is still
# going), --output writes the file, user errors are one line and exit 2.
set -u
: "${XENLAB_CLI:?}" "${XENLAB_SRCDIR:?}"

. "$(dirname "$0")/../tap.sh"
seed="$XENLAB_SRCDIR/tests/data/seed"
export XENLAB_RUNS_DIR="$work/runs"

# A finished run: results.json as the runner writes it.
mkdir -p "$XENLAB_RUNS_DIR/run-1"
{
    printf '{"xenlab":"results/1","run":"run-1","results":['
    paste -sd, "$seed/results.jsonl"
    printf ']}\n'
} >"$XENLAB_RUNS_DIR/run-1/results.json"
echo '{"name":"vm-vs-nested-container"}' >"$XENLAB_RUNS_DIR/run-1/spec.json"
"$XENLAB_CLI" report --format csv --ratio vm2/vm1 run-1 >"$work/out.csv"
ok $? "report RUN-ID reads \$XENLAB_RUNS_DIR/RUN-ID/results.json"
cmp -s "$work/out.csv" "$seed/report.csv"
ok $? "its CSV matches tests/data/seed/report.csv"

# A run still going: only journal lines wrapping result documents.
mkdir -p "$XENLAB_RUNS_DIR/run-2"
slot=0
while IFS= read -r line; do
    slot=$((slot + 1))
    arm=$(sed 's/.*"arm":"\([^"]*\)","trial".*/\1/' <<<"$line")
    printf '{"event":"result","arm":"%s","slot":%d,"result":%s}\n' "$arm" "$slot" "$line"
done <"$seed/results.jsonl" >"$XENLAB_RUNS_DIR/run-2/journal.jsonl"
echo '{"event":"started"}' >>"$XENLAB_RUNS_DIR/run-2/journal.jsonl"
"$XENLAB_CLI" report --ratio vm2/vm1 run-2 >"$work/out.md"
ok $? "report RUN-ID falls back to journal.jsonl"
cmp -s "$work/out.md" "$seed/report.md"
ok $? "the journal gives the same Markdown as the seed"

SOURCE_DATE_EPOCH=1700000000 "$XENLAB_CLI" report --format pts --output "$work/composite.xml" run-1
ok $? "--output writes composite.xml"
grep -q '<Title>xenlab: vm-vs-nested-container (run-1)</Title>' "$work/composite.xml"
ok $? "the title names the experiment from spec.json and the run"

"$XENLAB_CLI" report no-such-run >"$work/out" 2>"$work/err"
rc=$?
[ $rc = 2 ]
ok $? "an unknown run id is a user error, exit 2 (rc $rc)"
[ "$(wc -l <"$work/err")" = 1 ] && grep -q "no-such-run" "$work/err" && grep -q "$XENLAB_RUNS_DIR" "$work/err"
ok $? "with one line naming the id and where it looked: $(cat "$work/err")"

"$XENLAB_CLI" report --format svg run-1 >"$work/out" 2>"$work/err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$work/err")" = 1 ]
ok $? "an unknown format is a one-line user error, exit 2 (rc $rc): $(cat "$work/err")"

"$XENLAB_CLI" report --ratio vm3/vm1 --output "$work/never.md" run-1 >"$work/out" 2>"$work/err"
rc=$?
[ $rc = 2 ] && [ ! -e "$work/never.md" ]
ok $? "a failed report leaves no output file (rc $rc)"

# CSV injection: cells a spreadsheet would run as formulas get a quote.
"$XENLAB_CLI" report --format csv "$XENLAB_SRCDIR/tests/data/csv/formula.jsonl" >"$work/formula.csv" &&
    cmp -s "$work/formula.csv" "$XENLAB_SRCDIR/tests/data/csv/formula.csv"
ok $? "CSV neutralises cells starting with =, +, -, @ (tests/data/csv/formula.csv)"
# --output never replaces what is not a regular file: a device stays a
# device (a full device: ENOSPC, one line), a fifo is written, a symlink is
# followed and stays a link.
if [ "$(id -u)" = 0 ] && mknod "$work/full" c 1 7 2>/dev/null; then
    "$XENLAB_CLI" report --output "$work/full" run-1 >"$work/out" 2>"$work/err"
    rc=$?
    [ $rc != 0 ] && [ "$(wc -l <"$work/err")" = 1 ] && grep -q "No space left" "$work/err" && \
        grep -q "$work/full" "$work/err"
    ok $? "--output to a full device: non-zero, one line naming it and ENOSPC (rc $rc): $(cat "$work/err")"
    [ -c "$work/full" ] && [ -z "$(ls "$work" | grep '^full\.tmp')" ]
    ok $? "  and it is still a character device, no temporary left"
else
    ok 0 "--output to a full device # SKIP needs root for mknod"
    ok 0 "  and it is still a character device # SKIP needs root for mknod"
fi
mkfifo "$work/fifo"
timeout 10 cat "$work/fifo" >"$work/from-fifo" &
reader=$!
"$XENLAB_CLI" report --format csv --ratio vm2/vm1 --output "$work/fifo" run-1 2>"$work/err"
rc=$?
wait $reader
[ $rc = 0 ] && [ -p "$work/fifo" ] && cmp -s "$work/from-fifo" "$seed/report.csv"
ok $? "--output to a fifo: the reader gets the report, the fifo stays (rc $rc): $(cat "$work/err")"
echo old >"$work/target.csv"
ln -s target.csv "$work/link.csv"
"$XENLAB_CLI" report --format csv --ratio vm2/vm1 --output "$work/link.csv" run-1 2>"$work/err"
rc=$?
[ $rc = 0 ] && [ -L "$work/link.csv" ] && [ "$(readlink "$work/link.csv")" = target.csv ] && \
    cmp -s "$work/target.csv" "$seed/report.csv"
ok $? "--output through a symlink: it stays a link, its target gets the report (rc $rc)"

# Several runs side by side: each arm is ARM@RUN, the runs and the machines
# they ran on (results.json's "host", or a stopped run's journal) are listed,
# and a different host, CPU, Xen or host memory is a confounder (tests/data/merged/).
host_a='{"hostname":"dom0-a","cpu_model":"Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz","cpus":8,"memory":68719476736,"kernel":"6.1.0-28-amd64","xen":"4.17.5","backend":"libxl","xenlab":"0.1.0","spec":"fnv1a64:1111111111111111"}'
host_b='{"hostname":"dom0-b","cpu_model":"AMD EPYC 7302P 16-Core Processor","cpus":8,"memory":103079215104,"kernel":"6.1.0-28-amd64","xen":"4.19.1","backend":"libvirt","xenlab":"0.1.0","spec":"fnv1a64:1111111111111111"}'
mkdir -p "$XENLAB_RUNS_DIR/run-a" "$XENLAB_RUNS_DIR/run-b"
{
    printf '{"xenlab":"results/1","run":"run-a","host":%s,"results":[' "$host_a"
    grep -v '"arm":"vm2"' "$seed/results.jsonl" | paste -sd,
    printf '],"dom0":[%s,%s]}\n' \
        '{"job":"xl-run-a-vm1-1","arm":"vm1","slot":0,"wall_s":40.0,"cpu_s":38.0,"vcpus":1,"pcpus":"2","beside":[{"arm":"vm2","shared_pcpus":false}]}' \
        '{"job":"xl-run-a-vm1-1","arm":"vm1","slot":1,"wall_s":20.0,"cpu_s":19.9,"vcpus":1,"pcpus":"3","beside":[{"arm":"vm2","shared_pcpus":true}]}'
} >"$XENLAB_RUNS_DIR/run-a/results.json"
{
    printf '{"event":"run","state":"started","pid":1,"backend":"libvirt","host":%s}\n' "$host_b"
    slot=0
    grep -v '"arm":"vm2"' "$seed/results.jsonl" | while IFS= read -r line; do
        slot=$((slot + 1))
        printf '{"event":"result","job":"xl-run-b-vm1-1","slot":%d,"result":%s}\n' "$slot" "$line"
    done
} >"$XENLAB_RUNS_DIR/run-b/journal.jsonl"
"$XENLAB_CLI" report --ratio vm1@run-b/vm1@run-a run-a run-b >"$work/merged.md" 2>"$work/err"
ok $? "report RUN RUN merges two runs (a finished one, a stopped one): $(cat "$work/err")"
[ -n "${XENLAB_REGEN:-}" ] && cp "$work/merged.md" "$XENLAB_SRCDIR/tests/data/merged/report.md"
cmp -s "$work/merged.md" "$XENLAB_SRCDIR/tests/data/merged/report.md"
ok $? "  arms vm1@run-a and vm1@run-b, the runs' hosts, the host confounders (tests/data/merged/report.md)"
"$XENLAB_CLI" report --format json run-a run-b >"$work/merged.json"
python3 - "$work/merged.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert [a["name"] for a in r["arms"]] == ["vm1@run-a", "vm1@run-b"], r["arms"]
assert [a["run"] for a in r["arms"]] == ["run-a", "run-b"]
assert [(x["id"], x["host"]["hostname"], x["host"]["xen"]) for x in r["runs"]] == \
    [("run-a", "dom0-a", "4.17.5"), ("run-b", "dom0-b", "4.19.1")], r["runs"]
assert all(len(c["values"]) == 3 for row in r["rows"] for c in row["cells"].values()), "every trial of both runs"
PY
ok $? "  JSON: each arm's run, each run's host, no trial of one run taken for the other's"
"$XENLAB_CLI" report --format html run-a run-b >"$work/merged.html" &&
    grep -q '<h2>Runs</h2>' "$work/merged.html" && grep -q '<td>dom0-b</td>' "$work/merged.html" &&
    grep -q '<li class="warn">vm1@run-a and vm2@run-a ran at the same time on this host, on the same pCPUs.</li>' "$work/merged.html"
ok $? "  HTML: the runs' table at the top, what the machine was doing"
# A hostile results.json: its run id and host fields are data.
mkdir -p "$XENLAB_RUNS_DIR/run-c"
{
    printf '{"xenlab":"results/1","run":"../x,y@z","host":{"hostname":"a\\u001b[31mb","xen":7,"cpus":-4},"results":['
    grep -v '"arm":"vm2"' "$seed/results.jsonl" | paste -sd,
    printf '],"dom0":[%s,%s,%s,%s]}\n' '{"job":"j","arm":"../vm9","slot":0,"wall_s":5,"cpu_s":1}' \
        '{"job":"j","arm":"vm1","slot":0,"wall_s":-5,"cpu_s":1}' '{"job":"j","arm":"vm1","slot":0,"wall_s":5,"cpu_s":"x"}' \
        '{"job":"j","arm":"vm1","slot":0,"wall_s":5,"cpu_s":1e300}'
} >"$XENLAB_RUNS_DIR/run-c/results.json"
"$XENLAB_CLI" report --format json run-a run-c >"$work/hostile.json" 2>"$work/err"
rc=$?
python3 - "$work/hostile.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert [a["name"] for a in r["arms"]] == ["vm1@run-a", "vm1@run-c"], r["arms"]
assert [x["id"] for x in r["runs"]] == ["run-a", "run-c"], r["runs"]
assert r["runs"][1]["host"] == {"hostname": "a?[31mb"}, r["runs"][1]
assert "dom0" not in r["arms"][1], r["arms"][1]
assert r["arms"][0]["dom0"] == {"cpu_max_pct": 99.5, "vcpus": 1, "pcpus": "2-3",
                                "beside": [{"arm": "vm2@run-a", "shared_pcpus": True}]}, r["arms"][0]
PY
ok $? "  a hostile results.json: not an id, the directory's name instead; host fields and dom0 records checked (rc $rc): $(cat "$work/err")"

tap_done
