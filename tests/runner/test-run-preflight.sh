#!/bin/bash
# xenlab run checks the spec and the host before it makes a run directory:
# a spec `spec check` refuses, or a host without XenStore, leaves nothing for
# `clean` or `--resume` to trip over; a resumed run that cannot start is
# marked failed with why, not left pending. No xenstored runs here.
set -u
. "$(dirname "$0")/../tap.sh"
X=${XENLAB_CLI:?} S=${XENLAB_SRCDIR:?}
T=$work
export XENLAB_STATE_DIR=$T/state XENLAB_RUNS_DIR=$T/runs
# No XenStore: point libxenstore at a socket that does not exist.
export XENSTORED_PATH=$T/no-such-socket XENSTORED_RUNDIR=$T/no-such-dir
empty() { [ ! -e "$XENLAB_RUNS_DIR" ] || [ -z "$(ls -A "$XENLAB_RUNS_DIR")" ]; }

for lim in guests variants slots; do
    spec=$S/tests/data/spec/bad-limit-$lim.json
    "$X" spec check "$spec" >/dev/null 2>"$T/check.err"
    "$X" run "$spec" --base b --plain >"$T/out" 2>"$T/run.err"
    rc=$?
    [ $rc != 0 ] && [ "$(wc -l <"$T/run.err")" = 1 ] && grep -qF "$(cat "$S/tests/data/spec/bad-limit-$lim.err")" "$T/run.err" &&
        grep -qF "$(cat "$S/tests/data/spec/bad-limit-$lim.err")" "$T/check.err"
    ok $? "bad-limit-$lim: run refuses in one line, the same as spec check (rc $rc: $(head -c 200 "$T/run.err"))"
    empty
    ok $? "  and no run directory"
done

"$X" run "$S/templates/seed-quick.json" --base b --plain >"$T/out" 2>"$T/run.err"
rc=$?
[ $rc != 0 ] && [ "$(wc -l <"$T/run.err")" = 1 ] && grep -q "XenStore" "$T/run.err"
ok $? "no XenStore: run refuses in one line naming XenStore (rc $rc: $(head -c 200 "$T/run.err"))"
empty
ok $? "  and no run directory"

# A run made elsewhere (as the XAPI plugin makes one) and resumed on a host
# that cannot run it: failed with the reason, as `xenlab runs` says.
id=20260101-000000-beef
mkdir -p "$XENLAB_RUNS_DIR/$id"
cp "$S/templates/seed-quick.json" "$XENLAB_RUNS_DIR/$id/spec.json"
printf '{"event":"run","state":"started","pid":1,"backend":"libxl","base":"b","t":1}\n' >"$XENLAB_RUNS_DIR/$id/journal.jsonl"
"$X" run --resume "$id" --plain >"$T/out" 2>"$T/run.err"
rc=$?
[ $rc != 0 ] && [ "$(wc -l <"$T/run.err")" = 1 ] && grep -q "run $id" "$T/run.err"
ok $? "resume with no XenStore: one line naming the run (rc $rc: $(head -c 200 "$T/run.err"))"
"$X" runs >"$T/runs.out" 2>&1
grep "$id" "$T/runs.out" | grep -q "failed" && ! grep "$id" "$T/runs.out" | grep -q "pending"
ok $? "  and xenlab runs lists it as failed, not pending: $(grep "$id" "$T/runs.out")"
# A run made before a limit existed still loads: the limits gate new runs,
# not clean, --resume or reports of old ones.
old=20250101-000000-0ld0
mkdir -p "$XENLAB_RUNS_DIR/$old"
cp "$S/tests/data/spec/bad-limit-slots.json" "$XENLAB_RUNS_DIR/$old/spec.json"
printf '{"event":"run","state":"started","pid":1,"backend":"libxl","base":"b","t":1}\n' >"$XENLAB_RUNS_DIR/$old/journal.jsonl"
"$X" clean "$old" >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 0 ] && grep -q "nothing it made is left" "$T/out"
ok $? "clean of a run whose frozen spec is over today's limits: it loads and cleans (rc $rc: $(head -c 200 "$T/err"))"
# The spec's base: registered on first use (relative paths from the spec's
# folder), then referred to; a registered name with another image refused.
if command -v mkfs.ext4 >/dev/null && command -v qemu-img >/dev/null; then
    mkdir -p "$T/sp"
    runs_before=$(ls -A "$XENLAB_RUNS_DIR" | wc -l)
    truncate -s 16M "$T/sp/disk.img" && mkfs.ext4 -q -F "$T/sp/disk.img"
    cp "$S/templates/debian-pv.cfg" "$T/sp/t.cfg"
    spec_with() {   # spec_with BASE_JSON > FILE
        printf '{"name":"b","base":%s,"benchmarks":[{"id":"nqueens","n":8}],' "$1"
        printf '"arms":[{"name":"vm1","vcpus":1,"memory":"1GiB","run_in":"guest"}]}\n'
    }
    spec_with '{"image":"disk.img","template":"t.cfg"}' >"$T/sp/spec.json"
    "$X" run "$T/sp/spec.json" --plain >"$T/out" 2>"$T/run.err"
    rc=$?
    grep -q "registered the spec's base \"disk\"" "$T/run.err" && "$X" base list 2>&1 | grep -q '^disk\b'
    ok $? "the spec's image is registered on first use as \"disk\" (rc $rc: $(tr "\n" " " <"$T/run.err" | head -c 300))"
    "$X" run "$T/sp/spec.json" --plain >"$T/out" 2>"$T/run.err"
    ! grep -q "registered" "$T/run.err" && grep -q "XenStore" "$T/run.err"
    ok $? "  and the next run refers to it (on to the XenStore check: $(tr "\n" " " <"$T/run.err" | head -c 200))"
    truncate -s 16M "$T/sp/other.img" && mkfs.ext4 -q -F "$T/sp/other.img"
    spec_with '{"name":"disk","image":"other.img"}' >"$T/sp/spec2.json"
    "$X" run "$T/sp/spec2.json" --plain >"$T/out" 2>"$T/run.err"
    rc=$?
    [ $rc != 0 ] && [ "$(wc -l <"$T/run.err")" = 1 ] && grep -q 'base "disk" is registered with' "$T/run.err"
    ok $? "a registered name with another image: one line naming both (rc $rc: $(tr "\n" " " <"$T/run.err" | head -c 300))"
    [ "$(ls -A "$XENLAB_RUNS_DIR" | wc -l)" = "$runs_before" ]
    ok $? "  and no run directory for any of them"
else
    echo "ok $((n += 1)) - the spec's base # SKIP needs mkfs.ext4 and qemu-img"
fi
tap_done
