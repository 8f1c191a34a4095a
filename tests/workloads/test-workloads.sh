#!/bin/bash
# The named workloads shipped in templates/workloads, each run for real by
# the worker (fio, sysbench, stress-ng from Debian), every metric read back
# as a number; and the workload directory treated as data: a typo in a
# parameter, an unknown "{param}" in a file, a symlinked file or an id that
# is a path are refused in one line naming the thing.
set -u
. "$(dirname "$0")/../tap.sh"
X=$XENLAB_CLI G=$XENLAB_GUEST S=$XENLAB_SRCDIR
missing=
for p in fio sysbench stress-ng; do
    command -v $p >/dev/null || missing="$missing $p"
done
[ -z "$missing" ] || skip_all "not installed:$missing (scripts/install-deps --test installs them)"
export XENLAB_WORKLOADS_DIR=$S/templates/workloads
T=$work
mkdir "$T/w"

# Short runs of every shipped workload.
declare -A quick=(
    [fio-read]='"size":"8M","runtime":"1"' [fio-write]='"size":"8M","runtime":"1"'
    [sysbench-cpu]='"time":"1"' [sysbench-memory]='"time":"1","total":"512M"'
    [sysbench-fileio]='"time":"1","size":"8M"' [stress-ng-cpu]='"time":"1","method":"int64"'
)
for f in "$XENLAB_WORKLOADS_DIR"/*.json; do
    w=$(basename "$f" .json)
    [ -n "${quick[$w]:-}" ]; ok $? "$w has a quick setting in this test"
    printf '{"name":"wl","trials":1,"benchmarks":[{"id":"%s",%s}],"arms":[{"name":"vm1","vcpus":1,"memory":"1GiB"}]}\n' \
        "$w" "${quick[$w]:-}" > "$T/$w.json"
    "$X" spec plan "$T/$w.json" vm1 > "$T/$w.plan" 2> "$T/err"; ok $? "$w: spec plan ($(head -c 200 "$T/err"))"
    "$G" run --plan "$T/$w.plan" --workdir "$T/w" > "$T/$w.out" 2> "$T/$w.err"
    python3 - "$T/$w.out" "$T/$w.plan" <<'PY'
import json, sys
plan = json.load(open(sys.argv[2]))
want = {i["name"] + "-" + i["metric"]["name"] for i in plan["items"]}
got = {}
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if r.get("xenlab") == "result/1":
        got[r["variant"]] = r
bad = [v for v in want if v not in got or got[v]["status"] != "ok" or not got[v]["value"] > 0]
for v in bad:
    print("# %s: %s" % (v, json.dumps(got.get(v))[:400]))
print("# " + ", ".join("%s %.6g %s" % (v, got[v]["value"], got[v]["unit"]) for v in sorted(want) if v not in bad))
sys.exit(1 if bad else 0)
PY
    ok $? "$w: every metric is a positive number read from the real tool's output"
done
[ -z "$(ls -A "$T/w")" ]; ok $? "the work directory is left empty (cleanup steps ran): $(ls -A "$T/w")"

# The directory is data.
bad() {   # bad NAME SPEC-BENCHMARK EXPECTED-MESSAGE-PART
    printf '{"name":"wl","benchmarks":[%s],"arms":[{"name":"vm1","vcpus":1,"memory":"1GiB"}]}\n' "$2" > "$T/bad.json"
    "$X" spec check "$T/bad.json" > /dev/null 2> "$T/err"; rc=$?
    [ $rc = 2 ] && [ "$(wc -l < "$T/err")" = 1 ] && grep -qF -- "$3" "$T/err"
    ok $? "$1: refused in one line (rc $rc: $(head -c 300 "$T/err"))"
}
bad "a parameter typo" '{"id":"fio-read","szie":"1G"}' 'benchmarks[0].szie: not a parameter of workload fio-read (rw, bs, size'
bad "an id that is a path" '{"id":"../workloads/fio-read"}' 'benchmarks[0].id: unknown benchmark "../workloads/fio-read" (nqueens, memory, dbench, command, or a workload: fio-read,'
bad "a parameter that is not text" '{"id":"sysbench-cpu","time":[1]}' 'benchmarks[0].time: must be a string'
mkdir "$T/wd"
export XENLAB_WORKLOADS_DIR=$T/wd
printf '{"xenlab":"workload/1","command":{"argv":["true","{nope}"],"metrics":[{"name":"t","how":"time"}]}}' > "$T/wd/typo.json"
bad "an unknown {param} in the file" '{"id":"typo"}' 'typo.json: "{nope}" is not a parameter of the workload'
ln -s "$S/templates/workloads/fio-read.json" "$T/wd/linked.json"
bad "a symlinked workload file" '{"id":"linked"}' 'linked.json: Too many levels of symbolic links'
printf '{"xenlab":"workload/1","command":{"argv":["true"],"metrics":[{"name":"t","how":"time"}],"shell":"x"}}' > "$T/wd/extra.json"
bad "an unknown field in the file" '{"id":"extra"}' 'extra.json.command.shell: unknown field'
printf '{"xenlab":"workload/1","params":{"n":"1"},"command":{"argv":["true","{n}"],"metrics":[{"name":"t","how":"time"}]}}' > "$T/wd/ok.json"
"$X" spec --json <(printf '{"name":"wl","benchmarks":[{"id":"ok","n":7,"name":"seven"}],"arms":[{"name":"vm1","vcpus":1,"memory":"1GiB"}]}') > "$T/ok.out" 2> "$T/err"
grep -q '"argv": *\[ *"true", *"7" *\]' <(tr -d '\n' < "$T/ok.out") && grep -q '"name": *"seven"' "$T/ok.out"
ok $? "a parameter and a name from the spec reach the normalised command: $(head -c 200 "$T/err")"
tap_done
