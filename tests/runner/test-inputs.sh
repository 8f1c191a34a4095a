#!/bin/bash
# A command's inputs from dom0, end to end: dom0 copies a file and a
# directory onto each clone's payload disk (a real ext4 image); the launcher,
# standing in for the hypervisor, attaches that image read-only as a loop
# device; the real agent mounts it itself and the command reads
# $XENLAB_INPUTS and cannot write there. Two replicas, each its own disk.
# Then what dom0 refuses before anything is made.
. "$(dirname "$0")/runner-lib.sh"
command -v losetup > /dev/null && command -v debugfs > /dev/null || skip_all "needs losetup and debugfs"
losetup -f > /dev/null 2>&1 || skip_all "no free loop device"

mkdir -p "$T/in/tool/lib"
echo "value: 42" > "$T/in/data.txt"
printf 'echo tool ok\n' > "$T/in/tool/run.sh"
echo deep > "$T/in/tool/lib/deep.txt"
ln -s /etc/hostname "$T/in/tool/link"
cat > "$T/inputs.json" <<J
{ "name": "inputs", "trials": 2, "timeouts": { "trial_s": 60, "arm_s": 120 },
  "benchmarks": [
    { "id": "command", "name": "in", "inputs": ["$T/in/data.txt", "$T/in/tool"],
      "argv": ["sh", "-c", "cat \$XENLAB_INPUTS/data.txt; sh \$XENLAB_INPUTS/tool/run.sh; cat \$XENLAB_INPUTS/tool/lib/deep.txt; readlink \$XENLAB_INPUTS/tool/link; if touch \$XENLAB_INPUTS/new 2>/dev/null; then echo WRITABLE; else echo READONLY; fi"],
      "metrics": [ { "name": "v", "how": "regex", "pattern": "value: ([0-9]+)", "unit": "n", "better": "higher" } ] } ],
  "arms": [ { "name": "i1", "vcpus": 1, "memory": "256MiB", "replicas": 2 } ] }
J
"$X" spec check "$T/inputs.json" > /dev/null; ok $? "spec check accepts inputs"

XENLAB_LAUNCHER_PAYLOADS=$T/clones "$XENLAB_LAUNCHER" "$XENLAB_AGENT" "$XENLAB_GUEST" "$T/work" 2> "$T/launcher.log" &
launcher=$!
"$X" run "$T/inputs.json" --backend libvirt --uri test:///default --virt-type test --plain \
    --clone-dir "$T/clones" --base tb --parallel 2 > "$T/run.out" 2>&1; rc=$?
kill "$launcher" 2>/dev/null; wait "$launcher" 2>/dev/null; launcher=
id=$(sed -n 's/^xenlab: run \([^ ]*\) in .*/\1/p' "$T/run.out" | head -1)
R=$XENLAB_RUNS_DIR/$id
[ $rc = 0 ] && [ -f "$R/results.json" ]; ok $? "the run finished (rc $rc)"
[ "$(grep -c 'payload /dev/loop' "$T/launcher.log")" = 2 ]; ok $? "each replica's own payload disk was attached"
python3 - "$R" <<'PY'
import json, os, sys
R = sys.argv[1]
rs = json.load(open(R + "/results.json"))["results"]
logs = [open(os.path.join(R, r["log"])).read() for r in rs]
ok = (len(rs) == 4 and all(r["status"] == "ok" and r["value"] == 42 for r in rs)
      and all("tool ok\ndeep\n/etc/hostname\nREADONLY" in l for l in logs))
if not ok:
    print("# " + json.dumps(rs)[:600]); print("# " + (logs[0] if logs else "no log")[:400].replace("\n", "|"))
sys.exit(0 if ok else 1)
PY
ok $? "4 trials read the file, ran the directory's script, kept its symlink as a link, and could not write"
[ -z "$(losetup -j "$T/clones"/*/payload.img 2>/dev/null)" ] && ! grep -q "$T" /proc/mounts
ok $? "no loop device or mount left behind"
[ $failed = 0 ] || { diag "$T/run.out"; diag "$T/launcher.log"; }

# What dom0 refuses, one line each, exit 2, no run made.
ln -s "$T/in/data.txt" "$T/in/alias"
mkfifo "$T/in/tool/fifo"
refuse() {   # refuse WHAT INPUTS_JSON WANT
    printf '{"name":"r","benchmarks":[{"id":"command","name":"c","inputs":%s,"argv":["true"],"metrics":[{"name":"t","how":"time"}]}],"arms":[{"name":"a","vcpus":1,"memory":"256MiB"}]}\n' "$2" > "$T/r.json"
    before=$(ls "$XENLAB_RUNS_DIR" | wc -l)
    "$X" run "$T/r.json" --backend libvirt --uri test:///default --virt-type test --clone-dir "$T/clones" \
        --base tb > /dev/null 2> "$T/r.err"; rc=$?
    [ $rc != 0 ] && [ "$(wc -l < "$T/r.err")" = 1 ] && grep -q -- "$3" "$T/r.err" && [ "$(ls "$XENLAB_RUNS_DIR" | wc -l)" = "$before" ]
    ok $? "$1 ($(cat "$T/r.err"))"
}
refuse "a relative path" '["in/data.txt"]' 'inputs\[0\]: must be an absolute dom0 path'
refuse "a path with .." "[\"$T/in/../in/data.txt\"]" 'without ".."'
refuse "two inputs with one name" "[\"$T/in/data.txt\", \"$T/other/data.txt\"]" 'also named "data.txt"'
refuse "a missing file" "[\"$T/in/nothing\"]" "input $T/in/nothing: No such file"
refuse "a symlink" "[\"$T/in/alias\"]" 'not a symlink'
refuse "a fifo inside a directory" "[\"$T/in/tool\"]" "input $T/in/tool/fifo: not a regular file, directory or symlink"
tap_done
