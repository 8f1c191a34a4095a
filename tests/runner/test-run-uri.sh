#!/bin/bash
# libvirt URIs a run will not open: qemu+ext runs the command its URI names
# (as root), so xenlab run refuses it with one line and exit 2 before it
# makes a run directory -- from --uri, and from a journal on --resume.
set -u
. "$(dirname "$0")/../tap.sh"
X=${XENLAB_CLI:?} S=${XENLAB_SRCDIR:?}
T=$work
export XENLAB_STATE_DIR=$T/state XENLAB_RUNS_DIR=$T/runs
printf '#!/bin/sh\ntouch %s/tripped\n' "$T" >"$T/x.sh"
chmod +x "$T/x.sh"
spec=$S/templates/seed-quick.json

for uri in "qemu+ext:///system?command=$T/x.sh" "qemu:///system?socket=$T/sock" "qemu+ssh://h/system?keyfile=$T/k"; do
    "$X" run "$spec" --backend libvirt --uri "$uri" --plain >"$T/out" 2>"$T/err"
    rc=$?
    [ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -qF "$uri" "$T/err"
    ok $? "run --uri $uri: exit 2, one line naming it (rc $rc: $(head -c 300 "$T/err"))"
    [ ! -e "$XENLAB_RUNS_DIR" ] || [ -z "$(ls -A "$XENLAB_RUNS_DIR")" ]
    ok $? "  and no run directory"
done
[ ! -e "$T/tripped" ]
ok $? "the ext transport's command never ran"

# A journal is data: a started event naming ext does not make resume open it.
id=20260101-000000-dead
mkdir -p "$XENLAB_RUNS_DIR/$id"
cp "$spec" "$XENLAB_RUNS_DIR/$id/spec.json"
printf '{"event":"run","state":"started","pid":1234,"backend":"libvirt","uri":"qemu+ext:///system?command=%s/x.sh","t":1}\n' \
    "$T" >"$XENLAB_RUNS_DIR/$id/journal.jsonl"
cp "$XENLAB_RUNS_DIR/$id/journal.jsonl" "$T/journal.before"
"$X" run --resume "$id" --plain >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "qemu+ext" "$T/err" && grep -q "$id" "$T/err"
ok $? "run --resume of a journal naming qemu+ext: exit 2, one line (rc $rc: $(head -c 300 "$T/err"))"
cmp -s "$T/journal.before" "$XENLAB_RUNS_DIR/$id/journal.jsonl"
ok $? "  and nothing journalled"
[ ! -e "$T/tripped" ]
ok $? "  and the command never ran"

# clean reads the same journal: it refuses the URI too, unless the operator says so.
printf '{"event":"created","job":"xl-%s-vm1-1","kind":"domain","what":"xl-%s-vm1-1","t":2}\n' "$id" "$id" \
    >>"$XENLAB_RUNS_DIR/$id/journal.jsonl"
"$X" clean "$id" >"$T/out" 2>"$T/err"
rc=$?
[ $rc != 0 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "qemu+ext" "$T/err" && [ ! -e "$T/tripped" ]
ok $? "clean of a journal naming qemu+ext: refused in one line, the command never ran (rc $rc: $(head -c 300 "$T/err"))"
"$X" clean --help | grep -q -- "--allow-unsafe-uri"
ok $? "clean --help names --allow-unsafe-uri"

"$X" run --help | grep -q -- "--allow-unsafe-uri"
ok $? "run --help names --allow-unsafe-uri"
tap_done
