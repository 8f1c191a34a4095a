#!/bin/bash
# xenlab run end to end: libvirt's in-process test:/// driver makes the
# domains, the real xenstored carries plans and results, the real guest
# agent (started by guest-launcher for each published plan) runs the trials.
# The full path on real Xen is the testbed's (tests/xen).
. "$(dirname "$0")/runner-lib.sh"

start_launcher() { "$XENLAB_LAUNCHER" "$XENLAB_AGENT" "$XENLAB_GUEST" "$T/work" "$@" 2> "$T/launcher.log" & launcher=$!; }
stop_launcher() { kill "$launcher" 2>/dev/null; wait "$launcher" 2>/dev/null; launcher=; }
run() { "$X" run "$@" --backend libvirt --uri test:///default --virt-type test --plain \
            --clone-dir "$T/clones" --base tb; }
# The id a run printed ("xenlab: run ID in DIR"): run ids made in the same
# second do not sort by age.
# libvirt's test driver lives inside each xenlab process, so a --keep run's
# domains die with it while their XenStore homes stay; a hypervisor removes
# a home when its domain goes. Without this the next launcher would start an
# agent for a dead run's plan under a domain id the next run reuses.
forget_kept_domains() {
    local d
    for d in $(xenstore-list /local/domain 2>/dev/null); do
        [ "$d" = 0 ] || xenstore-rm "/local/domain/$d" 2>/dev/null
    done
}
run_id_of() { sed -n 's/^xenlab: run \([^ ]*\) in .*/\1/p' "$1" | head -1; }
# Journal facts come from the CLI's listing (xenlab journal ID), read the
# way the runner reads the journal, not from a parser of our own.
count() {
    local src=$1
    case $1 in
    */journal.jsonl) src=$T/journal-listing.json
        "$X" journal "$(basename "$(dirname "$1")")" "$(dirname "$(dirname "$1")")" >"$src" || return 1 ;;
    esac
    python3 - "$src" "$2" <<'PY'
import json, sys
path, what = sys.argv[1], sys.argv[2]
def events():
    return json.load(open(path))["events"]
if what == "results":
    print(len(json.load(open(path))["results"]))
elif what == "ok":
    print(sum(1 for r in json.load(open(path))["results"] if r["status"] == "ok"))
elif what.startswith("job:"):
    arm = what[4:]
    st = [e.get("state") for e in events() if e.get("event") == "job" and e.get("arm") == arm]
    print(st[-1] if st else "none")
elif what == "dup-slots":
    seen, dup = set(), 0
    dom2job = {}
    for e in events():
        if e.get("event") == "job" and "domain" in e:
            dom2job[e["domain"]] = e["job"]
        if e.get("event") == "result":
            k = (e.get("job") or dom2job.get(e["domain"]), e["slot"])
            dup += k in seen
            seen.add(k)
    print(dup)
PY
}

# 1. Happy path: two arms in parallel, every trial collected, nothing left.
cat > "$T/happy.json" <<'J'
{ "name": "happy", "trials": 2, "timeouts": { "trial_s": 60, "arm_s": 90 },
  "benchmarks": [ { "id": "nqueens", "n": 7 }, { "id": "memory", "kernels": ["add"], "type": "fp", "array_mib": 4, "reps": 2 } ],
  "arms": [ { "name": "a1", "vcpus": 1, "memory": "256MiB" },
            { "name": "a2", "vcpus": 2, "memory": "512MiB" } ] }
J
start_launcher
run "$T/happy.json" --parallel 2 > "$T/happy.out" 2>&1
ok $? "happy run finishes"
id=$(run_id_of "$T/happy.out"); R=$XENLAB_RUNS_DIR/$id
[ "$(count "$R/results.json" results)" = 8 ]; ok $? "8 results (2 arms x 2 variants x 2 trials)"
[ "$(count "$R/results.json" ok)" = 8 ]; ok $? "all 8 trials ok"
[ "$(count "$R/journal.jsonl" job:a1)" = done ] && [ "$(count "$R/journal.jsonl" job:a2)" = done ]; ok $? "both jobs done"
[ -z "$(ls -A "$T/clones")" ]; ok $? "no clone left behind"
"$X" report "$id" > "$T/report.md" 2>&1 && grep -q "N-Queens, N=7" "$T/report.md" && grep -q a2 "$T/report.md"
ok $? "xenlab report ID prints the table"
"$X" runs | grep -q "$id"; ok $? "xenlab runs lists the run"
grep -q "xenlab: xl-$id-a1-1" "$T/happy.out"; ok $? "plain progress lines name each job"
stop_launcher
[ $failed = 0 ] || { diag "$T/happy.out"; diag "$T/launcher.log"; }

# 2. A guest that never reports (timeout) and one that reports garbage; the
#    good arm still finishes.
cat > "$T/bad.json" <<'J'
{ "name": "bad", "trials": 1, "timeouts": { "trial_s": 30, "arm_s": 6 },
  "benchmarks": [ { "id": "nqueens", "n": 6 } ],
  "arms": [ { "name": "good", "vcpus": 1, "memory": "256MiB" },
            { "name": "silent", "vcpus": 1, "memory": "256MiB" },
            { "name": "junk", "vcpus": 1, "memory": "256MiB" } ] }
J
start_launcher silent:silent garbage:junk
"$X" run "$T/bad.json" --backend libvirt --uri test:///default --virt-type test --plain \
    --clone-dir "$T/clones" --base tb --parallel 3 > "$T/bad.out" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "finished: xenlab report" "$T/bad.out" && grep -q "2 of 3 guests failed" "$T/bad.out"
ok $? "run with a hung and a broken guest finishes, then exits 1 saying 2 of 3 guests failed (got $rc)"
R=$XENLAB_RUNS_DIR/$(run_id_of "$T/bad.out")
[ "$(count "$R/journal.jsonl" job:good)" = done ]; ok $? "the good arm is done"
[ "$(count "$R/journal.jsonl" job:silent)" = failed ] && grep -q '"arm":"silent".*timed out' "$R/journal.jsonl"
ok $? "the silent guest fails with a timeout"
[ "$(count "$R/journal.jsonl" job:junk)" = failed ] && grep -q '"event":"invalid"' "$R/journal.jsonl"
ok $? "the junk guest fails and its values are recorded invalid with reasons"
[ "$(count "$R/results.json" ok)" = 1 ]; ok $? "only the good arm's trial is a result"
[ -z "$(ls -A "$T/clones")" ]; ok $? "no clone left behind"
stop_launcher
[ $failed = 0 ] || { diag "$T/bad.out"; diag "$T/launcher.log"; }

# 3. SIGKILL of xenlab mid-run, then --resume: no trial lost or duplicated,
#    nothing orphaned.
cat > "$T/long.json" <<'J'
{ "name": "long", "trials": 6, "timeouts": { "trial_s": 60, "arm_s": 120 },
  "benchmarks": [ { "id": "memory", "kernels": ["copy"], "type": "fp", "array_mib": 16, "reps": 4 } ],
  "arms": [ { "name": "k1", "vcpus": 1, "memory": "256MiB" } ] }
J
start_launcher
old_runs=$(ls "$XENLAB_RUNS_DIR")
"$X" run "$T/long.json" --backend libvirt --uri test:///default --virt-type test --plain \
    --clone-dir "$T/clones" --base tb > "$T/long1.out" 2>&1 &
xpid=$!
id=
for i in $(seq 600); do
    [ -n "$id" ] || id=$(ls "$XENLAB_RUNS_DIR" | grep -vxF "$old_runs" | head -1)
    R=$XENLAB_RUNS_DIR/$id
    [ -n "$id" ] && [ -f "$R/journal.jsonl" ] && grep -q '"event":"result"' "$R/journal.jsonl" && break
    sleep 0.05
done
kill -9 $xpid; wait $xpid 2>/dev/null
before=$(grep -c '"event":"result"' "$R/journal.jsonl")
[ "$before" -ge 1 ] && [ "$before" -lt 6 ]; ok $? "killed after $before of 6 results"
[ -n "$(ls -A "$T/clones")" ]; ok $? "the killed run left its clone behind (for resume to find)"
# The journal is data for --resume too: lines naming a clone elsewhere (whose
# clone.json and disk.img point further out) and a domain that is not the
# job's are refused in one line each and touch nothing; the job's own clone
# is still cleaned and the run resumes.
mkdir -p "$T/elsewhere" "$T/far"
echo keep > "$T/far/victim"; echo keep > "$T/elsewhere/victim"
printf '{"clone_kind":"sparse-copy","disk":"%s","payload":"%s"}\n' "$T/far/victim" "$T/elsewhere/victim" \
    > "$T/elsewhere/clone.json"
ln -s "$T/far/victim" "$T/elsewhere/disk.img"
printf '{"event":"created","job":"xl-%s-k1-1","kind":"clone","what":"%s"}\n' "$id" "$T/elsewhere" >> "$R/journal.jsonl"
printf '{"event":"created","job":"xl-%s-k1-1","kind":"domain","what":"test"}\n' "$id" >> "$R/journal.jsonl"
# Options not repeated: the run remembers its backend, URI and directories.
"$X" run --resume "$id" --plain > "$T/long2.out" 2>&1
ok $? "resume finishes"
[ "$(cat "$T/far/victim")" = keep ] && [ "$(cat "$T/elsewhere/victim")" = keep ] && [ -L "$T/elsewhere/disk.img" ] &&
    [ -f "$T/elsewhere/clone.json" ]
ok $? "resume left what hostile journal lines named untouched"
grep -q "names clone \"$T/elsewhere\", not .*: left untouched" "$T/long2.out" &&
    grep -q 'names domain "test", not xl-.*-k1-1: left untouched' "$T/long2.out"
ok $? "resume refuses each hostile line in one line naming it"
[ "$(count "$R/results.json" results)" = 6 ]; ok $? "6 results after resume, none lost"
[ "$(count "$R/journal.jsonl" dup-slots)" = 0 ]; ok $? "no slot journalled twice"
[ "$(count "$R/journal.jsonl" job:k1)" = done ]; ok $? "the job is done"
[ -z "$(ls -A "$T/clones")" ]; ok $? "no clone left behind after kill and resume"
stop_launcher
[ $failed = 0 ] || { diag "$T/long1.out"; diag "$T/long2.out"; diag "$T/launcher.log"; }

# 4. --keep leaves the clone for inspection; xenlab clean ID removes it.
#    --json prints machine-readable events.
start_launcher
cat > "$T/keep.json" <<'J'
{ "name": "keep", "trials": 1, "timeouts": { "arm_s": 60 },
  "benchmarks": [ { "id": "nqueens", "n": 6 } ],
  "arms": [ { "name": "kept", "vcpus": 1, "memory": "256MiB" } ] }
J
"$X" run "$T/keep.json" --backend libvirt --uri test:///default --virt-type test --json --keep \
    --clone-dir "$T/clones" --base tb > "$T/keep.out" 2> "$T/keep.err"
ok $? "a --keep --json run finishes"
python3 -c 'import json,sys; ev=[json.loads(l) for l in open(sys.argv[1])]; assert any(e["event"]=="progress" and e["state"]=="done" for e in ev); assert ev[-1]["event"]=="finished"' "$T/keep.out"
ok $? "--json prints one JSON event per line, ending with finished"
id=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["run"])' "$T/keep.out")
[ -n "$(ls -A "$T/clones")" ]; ok $? "--keep left the clone"
"$X" clean "$id" > /dev/null; ok $? "xenlab clean succeeds"
[ -z "$(ls -A "$T/clones")" ]; ok $? "xenlab clean removed the clone"
"$X" clean nosuchrun 2> "$T/err"; rc=$?
[ $rc = 1 ] && grep -q nosuchrun "$T/err"; ok $? "clean of an unknown run names it"
stop_launcher
forget_kept_domains

# 4b. The journal and clone.json are data: clean removes only what the run
#     made, refuses anything else in one line each, and still cleans the rest.
start_launcher
cat > "$T/hostile.json" <<'J'
{ "name": "hostile", "trials": 1, "timeouts": { "arm_s": 60 },
  "benchmarks": [ { "id": "nqueens", "n": 6 } ],
  "arms": [ { "name": "h1", "vcpus": 1, "memory": "256MiB" }, { "name": "h2", "vcpus": 1, "memory": "256MiB" },
            { "name": "h3", "vcpus": 1, "memory": "256MiB" }, { "name": "h4", "vcpus": 1, "memory": "256MiB" },
            { "name": "h5", "vcpus": 1, "memory": "256MiB" } ] }
J
run "$T/hostile.json" --keep --parallel 3 > "$T/hostile.out" 2>&1
ok $? "a --keep run for the hostile-journal checks finishes"
stop_launcher
id=$(run_id_of "$T/hostile.out"); R=$XENLAB_RUNS_DIR/$id; C=$T/clones
mkdir -p "$T/anywhere" "$T/outside" "$T/fakebin"
for v in "$T/anywhere/victim" "$T/outside/victim" "$T/outside/disk.img" "$T/victim-linked"; do echo keep > "$v"; done
printf '{"name":"xl-%s-h1-1","clone_kind":"sparse-copy","disk":"%s","payload":"%s"}\n' "$id" "$T/outside/victim" \
    "$T/outside/victim" > "$T/anywhere/clone.json"
ln -s "$T/victim-linked" "$T/anywhere/disk.img"
printf '{"event":"created","job":"xl-%s-h1-1","kind":"clone","what":"%s"}\n' "$id" "$T/anywhere" >> "$R/journal.jsonl"
printf '{"event":"created","job":"xl-%s-h1-1","kind":"domain","what":"Domain-0"}\n' "$id" >> "$R/journal.jsonl"
printf '{"clone_kind":"sparse-copy","disk":"%s"}\n' "$T/outside/victim" > "$C/xl-$id-h2-1/clone.json"
printf '{"clone_kind":"lvm-snapshot","disk":"/dev/vg0/xl-%s-h3-1"}\n' "$id" > "$C/xl-$id-h3-1/clone.json"
printf '{"clone_kind":null,"disk":"%s/xl-%s-h4-1/disk.img"}\n' "$C" "$id" > "$C/xl-$id-h4-1/clone.json"
rm -rf "$C/xl-$id-h5-1"; ln -s "$T/outside" "$C/xl-$id-h5-1"
printf '#!/bin/sh\necho "$@" >> %s/lvremove.called\n' "$T" > "$T/fakebin/lvremove"; chmod +x "$T/fakebin/lvremove"
PATH=$T/fakebin:$PATH "$X" clean "$id" > /dev/null 2> "$T/hostile.err"; rc=$?
[ $rc != 0 ] && [ $rc != 139 ]; ok $? "clean of a hostile journal exits non-zero, no crash (got $rc)"
for v in "$T/anywhere/victim" "$T/outside/victim" "$T/outside/disk.img" "$T/victim-linked"; do
    [ "$(cat "$v" 2>/dev/null)" = keep ]; ok $? "victim $v is intact"
done
[ -L "$T/anywhere/disk.img" ] && [ -f "$T/anywhere/clone.json" ]; ok $? "the directory the journal named is untouched"
[ ! -e "$T/lvremove.called" ]; ok $? "lvremove never ran for an lvm-snapshot record the run's base does not confirm"
[ ! -e "$C/xl-$id-h1-1" ]; ok $? "the job with a hostile journal line still has its own clone cleaned"
[ -d "$C/xl-$id-h2-1" ] && [ -d "$C/xl-$id-h3-1" ] && [ -d "$C/xl-$id-h4-1" ] && [ -L "$C/xl-$id-h5-1" ]
ok $? "clones with a hostile clone.json or a symlinked directory are left as they are"
[ "$(wc -l < "$T/hostile.err")" = 6 ]; ok $? "one line per refusal (6): $(tr "\n" "|" < "$T/hostile.err")"
grep -q "names clone \"$T/anywhere\"" "$T/hostile.err" && grep -q 'names domain "Domain-0"' "$T/hostile.err" &&
    grep -q "h2-1/clone.json: disk" "$T/hostile.err" && grep -q "h3-1/clone.json: disk" "$T/hostile.err" &&
    grep -q "h4-1/clone.json: clone_kind: must be a string, not null" "$T/hostile.err" &&
    grep -q "h5-1: a symlink" "$T/hostile.err"
ok $? "each refusal names the journal entry or the clone.json JSON path"
rm -f "$C/xl-$id-h5-1"; rm -rf "$C/xl-$id-h2-1" "$C/xl-$id-h3-1" "$C/xl-$id-h4-1"
forget_kept_domains
[ $failed = 0 ] || { diag "$T/hostile.err"; diag "$T/hostile.out"; }

# 4c. Pinned arms run (libvirt's test driver takes the <vcpu cpuset> the
#     domxml golden shows), and --parallel warns about arms that may share pCPUs.
start_launcher
cat > "$T/pin.json" <<'J'
{ "name": "pin", "trials": 1, "timeouts": { "arm_s": 60 },
  "benchmarks": [ { "id": "nqueens", "n": 6 } ],
  "arms": [ { "name": "p1", "vcpus": 1, "cpus": "0-1", "memory": "256MiB" },
            { "name": "p2", "vcpus": 1, "cpus": "1,2", "memory": "256MiB" },
            { "name": "p3", "vcpus": 1, "cpus": "3", "memory": "256MiB" } ] }
J
run "$T/pin.json" --parallel 3 > "$T/pin.out" 2>&1
ok $? "a run with pinned arms finishes"
grep -q 'warning: arms p1 and p2 may share pCPUs (0-1, 1-2) when run at once (--parallel 3)' "$T/pin.out" &&
    [ "$(grep -c 'may share pCPUs' "$T/pin.out")" = 1 ]
ok $? "--parallel warns once, for the two arms whose pCPUs overlap: $(grep -m1 'share pCPUs' "$T/pin.out")"
stop_launcher
[ $failed = 0 ] || diag "$T/pin.out"

# 5. Adaptive trials: a guest that stops an item at `trials` because the
#    spread is already small is complete, not short of results.
start_launcher
cat > "$T/adaptive.json" <<'J'
{ "name": "adaptive", "trials": 2, "max_trials": 4, "target_deviation": 99, "timeouts": { "arm_s": 60 },
  "benchmarks": [ { "id": "memory", "kernels": ["add"], "type": "fp", "array_mib": 8, "reps": 3 } ],
  "arms": [ { "name": "ad", "vcpus": 1, "memory": "256MiB" } ] }
J
run "$T/adaptive.json" > "$T/adaptive.out" 2>&1
ok $? "adaptive run finishes"
R=$XENLAB_RUNS_DIR/$(run_id_of "$T/adaptive.out")
# Memory bandwidth of two trials differs by far less than 99 %: the guest
# stops before max_trials, and that must count as complete.
nres=$(count "$R/results.json" results)
[ "$(count "$R/journal.jsonl" job:ad)" = done ] && [ "$nres" -ge 2 ] && [ "$nres" -lt 4 ]
ok $? "$nres of at most 4 trials when the deviation is under target, and the job is done"
stop_launcher
[ $failed = 0 ] || { diag "$T/adaptive.out"; diag "$R/journal.jsonl"; diag "$T/launcher.log"; }

tap_done
