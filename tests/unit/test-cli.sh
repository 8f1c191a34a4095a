#!/bin/bash
# The command lines as a user meets them: exit statuses and one-line errors.
set -u
. "$(dirname "$0")/../tap.sh"
tmp=$work
G=$XENLAB_GUEST; X=$XENLAB_CLI; S=$XENLAB_SRCDIR

"$X" spec check "$S/templates/seed-vm-vs-container.json" > /dev/null; ok $? "spec check accepts the seed"
"$X" spec check "$S/templates/own-workloads.json" > /dev/null; ok $? "spec check accepts the own-workloads example (command and named workloads)"
"$X" spec check "$S/tests/data/spec/bad-negative-vcpus.json" 2> "$tmp/err"; rc=$?
[ $rc = 2 ]; ok $? "invalid spec exits 2 (got $rc)"
grep -q "arms\[0\].vcpus: must be between 1 and 512" "$tmp/err"; ok $? "the error names the JSON path: $(cat "$tmp/err")"
[ "$(wc -l < "$tmp/err")" = 1 ]; ok $? "the error is one line"
"$X" spec check /nonexistent.json 2> "$tmp/err"; rc=$?
[ $rc != 0 ] && grep -q /nonexistent.json "$tmp/err"; ok $? "a missing spec file is named"
# Quoted user data never breaks the one line: a newline, a terminal escape
# and a byte that is not UTF-8 in an arm name are shown escaped.
printf '{ "name": "t", "trials": 1, "benchmarks": [ { "id": "nqueens", "n": 6 } ],\n  "arms": [ { "name": "a\\nb\\u001b[31mred\xff\xc3\xa9", "vcpus": 1, "memory": "1GiB" } ] }\n' > "$tmp/hostile.json"
one_clean_line() {  # $1: file; one line, no ESC or other C0 byte, valid UTF-8
  [ "$(wc -l < "$1")" = 1 ] && ! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1" &&
    iconv -f UTF-8 -t UTF-8 "$1" > /dev/null 2>&1
}
"$X" spec check "$tmp/hostile.json" 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && one_clean_line "$tmp/err" && grep -qF 'a\nb\x1b[31mred\xff'$'\xc3\xa9' "$tmp/err"
ok $? "a hostile arm name is shown escaped on one clean line (got $rc: $(od -An -c "$tmp/err" | tr -s " \n" " " | head -c 300))"
"$X" $'nocmd\n\x1b[2J\xff' 2> "$tmp/err" > /dev/null; rc=$?
[ $rc = 2 ] && one_clean_line <(head -1 "$tmp/err") && grep -qF 'nocmd\n\x1b[2J\xff' "$tmp/err"
ok $? "an unknown command is shown escaped (got $rc: $(head -1 "$tmp/err" | od -An -c | tr -s " \n" " " | head -c 300))"
"$X" spec plan "$S/templates/seed-quick.json" vm2 > "$tmp/plan.json"; ok $? "spec plan prints vm2's plan"
"$X" spec plan "$S/templates/seed-quick.json" vm9 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q vm9 "$tmp/err"; ok $? "an unknown arm exits 2 naming it"
g=$S/tests/data/spec/script-arms.out.json
"$X" spec --json "$S/tests/data/spec/script-arms.json" > "$tmp/spec.json"; ok $? "spec --json prints the validated spec"
[ -z "${XENLAB_REGEN:-}" ] || cp "$tmp/spec.json" "$g"
cmp -s "$tmp/spec.json" "$g"; ok $? "spec --json: sizes in bytes, every arm's disk, replicas and run_in (${g#"$S/"})"
"$X" spec --json "$S/tests/data/spec/bad-negative-vcpus.json" > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && [ ! -s "$tmp/out" ] && grep -q "arms\[0\].vcpus" "$tmp/err"
ok $? "spec --json of an invalid spec exits 2 naming the JSON path, prints nothing (got $rc)"

"$G" bench nqueens --n 8 --trials 2 --arm t > "$tmp/nq.jsonl"; ok $? "worker nqueens runs"
[ "$(grep -c '"xenlab":"result/1"' "$tmp/nq.jsonl")" = 2 ]; ok $? "one result document per trial"
grep -q '"xenlab":"summary/1".*"trials":2' "$tmp/nq.jsonl"; ok $? "a summary follows the trials"
"$G" bench memory --kernel add --type fp --array-mib 8 --reps 2 --threads 1 > "$tmp/mem.jsonl"; ok $? "worker memory runs"
grep -q '"arrays_moved":3' "$tmp/mem.jsonl"; ok $? "add moves 3 arrays"
"$G" bench memory --kernel mul 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "mul" "$tmp/err"; ok $? "an unknown kernel exits 2 naming it"
"$G" bench nqueens --n 0 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q -- "--n" "$tmp/err"; ok $? "--n 0 exits 2 naming the option"
if command -v dbench > /dev/null; then
  "$G" bench dbench --clients 2 --seconds 2 --dir "$tmp" > "$tmp/db.jsonl"; ok $? "worker dbench runs the real dbench"
  grep -q '"max_latency_ms"' "$tmp/db.jsonl"; ok $? "dbench latency is parsed"
  "$G" bench dbench --clients 1 --seconds 1 --dir /nonexistent > "$tmp/db.jsonl" 2> "$tmp/err"; rc=$?
  [ $rc = 1 ] && grep -q '"status":"failed"' "$tmp/db.jsonl"; ok $? "a failing dbench fails the trial with a reason"
else
  ok 0 "# SKIP dbench is not installed (Debian package dbench)"
fi
PATH=/nonexistent "$G" bench dbench --clients 1 --seconds 1 --dir "$tmp" > "$tmp/db.jsonl" 2>/dev/null
grep -q "install the Debian package 'dbench'" "$tmp/db.jsonl"; ok $? "without dbench the error names the package"

cat > "$tmp/tiny.json" <<'J'
{ "name": "tiny", "trials": 2, "benchmarks": [ { "id": "nqueens", "n": 6 }, { "id": "memory", "kernels": ["copy"], "array_mib": 2, "reps": 1 } ],
  "arms": [ { "name": "g", "vcpus": 1, "memory": "1GiB" } ] }
J
"$X" spec plan "$tmp/tiny.json" g > "$tmp/tiny-plan.json"
"$G" run --plan "$tmp/tiny-plan.json" --workdir "$tmp" > "$tmp/run.jsonl"; ok $? "run --plan runs a plan"
[ "$(grep -c '"status":"ok"' "$tmp/run.jsonl")" = 4 ]; ok $? "run --plan: 2 variants x 2 trials, all ok"
"$X" report "$S/tests/data/seed/results.jsonl" --ratio vm2/vm1 > "$tmp/r.md"; ok $? "report prints"
grep -q "349.54 (dev 0.02%)" "$tmp/r.md"; ok $? "report shows the seed's N-Queens cell"
"$X" report --format xml "$S/tests/data/seed/results.jsonl" 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "xml" "$tmp/err"; ok $? "an unknown format exits 2 naming it"
"$X" report "$tmp/nothing" 2> "$tmp/err"; rc=$?
[ $rc != 0 ] && grep -q "$tmp/nothing" "$tmp/err"; ok $? "a missing path is named"
# xenlab clone: a name goes into paths, LV and domain names and argv, so only
# [A-Za-z0-9][A-Za-z0-9._-]{0,63}; a size of 0 would silently mean "default".
if "$X" --help | grep -q '^  clone '; then
  for name in $'two\nlines' 'a b' 'x$(touch '"$tmp"'/pwned)' '-rf' '.hidden' '../up' "$(printf 'n%.0s' $(seq 65))" ''; do
    XENLAB_STATE_DIR=$tmp/state "$X" clone --no-domain --dir "$tmp/clones" -- nobase "$name" > /dev/null 2> "$tmp/err"; rc=$?
    shown=$(printf %q "$name" | head -c 40)
    [ $rc = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q 'clone name' "$tmp/err" && [ ! -e "$tmp/clones" ] &&
      [ ! -e "$tmp/pwned" ]
    ok $? "clone name $shown is refused in one line, nothing made (got $rc: $(head -c 200 "$tmp/err"))"
  done
  XENLAB_STATE_DIR=$tmp/state "$X" clone --no-domain --dir "$tmp/clones" -- $'ba\nse\x1b[31m\xff' vm > /dev/null 2> "$tmp/err"; rc=$?
  [ $rc = 2 ] && one_clean_line "$tmp/err" && grep -q 'base name' "$tmp/err"
  ok $? "a hostile base name is refused on one clean line (got $rc: $(od -An -c "$tmp/err" | tr -s " \n" " " | head -c 300))"
  for opt in "--memory 0" "--memory 512K" "--disk 0" "--vcpus 0"; do
    # shellcheck disable=SC2086
    XENLAB_STATE_DIR=$tmp/state "$X" clone nobase vm $opt --no-domain --dir "$tmp/clones" 2> "$tmp/err"; rc=$?
    [ $rc = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q -- "${opt%% *}" "$tmp/err"
    ok $? "clone $opt is refused in one line naming the option (got $rc: $(cat "$tmp/err"))"
  done
fi
# Every command answers --help on stdout with status 0 (the top-level usage promises it).
for c in $("$X" --help | awk '/^  [a-z]/ { print $1 }'); do
  out=$("$X" "$c" --help 2> "$tmp/err"); rc=$?
  [ $rc = 0 ] && [ -n "$out" ] && [ ! -s "$tmp/err" ]; ok $? "xenlab $c --help: usage on stdout, status 0 (got $rc$(head -c 200 "$tmp/err"))"
done
tap_done
