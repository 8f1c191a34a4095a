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

tap_done
