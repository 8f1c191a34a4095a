#!/bin/bash
# xenlab compare on fixed runs (the seed's own per-trial values, and two
# "after" runs made from them): the Markdown and JSON are golden files, and
# the exit status gates on a regression beyond --threshold.
. "$(dirname "$0")/../tap.sh"
X=${XENLAB_CLI:?} S=${XENLAB_SRCDIR:?}
D=$S/tests/data/compare
before=$S/tests/data/seed/results.jsonl
golden() {   # golden NAME FILE: FILE matches tests/data/compare/NAME (XENLAB_REGEN=1 rewrites it)
    [ -n "${XENLAB_REGEN:-}" ] && cp "$2" "$D/$1"
    diff -u "$D/$1" "$2" >"$work/diff" 2>&1
    ok $? "$1 matches its golden file$(head -c 600 "$work/diff" | tr '\n' ' ' | sed 's/^./: &/')"
}
for what in regressed improved; do
    (cd "$S" && "$X" compare tests/data/seed/results.jsonl "tests/data/compare/after-$what.jsonl") \
        >"$work/$what.md" 2>"$work/$what.err"
    echo $? >"$work/$what.rc"
    golden "$what.out.md" "$work/$what.md"
done
is "a 10 % slower N-Queens is a regression: exit 1" 1 "$(cat "$work/regressed.rc")"
is "  with one line saying so" "xenlab: compare: 1 regression beyond 5 % (95 % CI)" "$(cat "$work/regressed.err")"
is "a 20 % faster memory arm: exit 0" 0 "$(cat "$work/improved.rc")"
grep -q 'vm2 | 5652 MB/s | 6783 MB/s | after is 20.0 % higher than before, better' "$work/improved.md"
ok $? "  and it is called better"
"$X" compare "$before" "$before" >"$work/same.md" 2>&1
rc=$?
is "a run against itself: exit 0" 0 $rc
[ "$(grep -c 'no difference shown' "$work/same.md")" = 10 ]
ok $? "  every row: no difference shown"
"$X" compare "$before" "$D/after-regressed.jsonl" --threshold 15 >/dev/null 2>&1
is "--threshold 15: a 10 % regression does not gate" 0 $?
(cd "$S" && "$X" compare tests/data/seed/results.jsonl tests/data/compare/after-regressed.jsonl --json) >"$work/regressed.json" 2>/dev/null
golden "regressed.out.json" "$work/regressed.json"
"$X" compare "$before" /nonexistent/run.jsonl >/dev/null 2>"$work/err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$work/err")" = 1 ] && grep -q '/nonexistent/run.jsonl' "$work/err"
ok $? "a missing AFTER: one line naming it, exit 2 (rc $rc: $(cat "$work/err"))"
# A control arm (spec "control": ["vm2"]): vm2 / vm1 split into the
# container's cost and the VM size's effect, each with its interval.
(cd "$S" && "$X" report tests/data/compare/control.jsonl --ratio vm2/vm1) >"$work/control.md" 2>&1
golden "control.out.md" "$work/control.md"
grep -q '^- N-Queens, N=18: container: vm2 is 25.0 % higher than vm2-guest, worse' "$work/control.md"
ok $? "  the container's cost is the part against vm2-guest"
# The guests' sensors in the report: the worst trial per arm, a value out
# of range (a guest's throttled_pct of 500) ignored.
(cd "$S" && "$X" report tests/data/compare/sensors.jsonl --ratio vm2/vm1) >"$work/sensors.md" 2>&1
golden "sensors.out.md" "$work/sensors.md"
grep -q 'vm2 was throttled by its cgroup.s CPU quota in up to 41.0 % of CPU periods' "$work/sensors.md" &&
    ! grep -q 'vm1 was throttled' "$work/sensors.md"
ok $? "  vm2's worst throttling is named, vm1's impossible 500 % is not"
tap_done
