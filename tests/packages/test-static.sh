#!/bin/bash
# xenlab-static, the one file for a XenServer / XCP-ng dom0: statically linked, and run
# in an empty chroot (the binary and the test's data, no shared library, no /lib, no
# /proc) for --version, spec check, report, the XAPI plugin's list_runs (XAPI starts it as
# /etc/xapi.d/plugins/xenlab, a link to the file) and `collect` from the real xenstored,
# whose socket is linked into the chroot, with the real guest agent outside playing the
# guest. Run under with-xenstored (XENSTORED_PATH set).
. "$(dirname "$0")/../tap.sh"
X=$XENLAB_STATIC S=$XENLAB_SRCDIR
[ "$(id -u)" = 0 ] || skip_all "chroot needs root"
[ -x "$X" ] || bail "no xenlab-static at $X"
R=$work/root
mkdir -p "$R/data" "$R/runs" "$R/etc/xapi.d/plugins"
cp "$X" "$R/xenlab"
ln -s /xenlab "$R/etc/xapi.d/plugins/xenlab"
in_root() { chroot "$R" "$@"; }

check "file says statically linked" bash -c "file -L '$X' | grep -q 'statically linked'"
is "the chroot has no shared library" 0 "$(find "$R" -name '*.so*' | wc -l)"
is "--version in the empty chroot" "xenlab $(sed -n "s/^ *version : '\(.*\)',/\1/p" "$S/meson.build")" \
    "$(in_root /xenlab --version 2>&1)"

cp "$S/templates/seed-quick.json" "$R/data/seed-quick.json"
in_root /xenlab spec check /data/seed-quick.json > "$work/spec.out" 2>&1
is "spec check of a shipped template" 0 $?
check "  prints the normalised spec" grep -q '"name": "seed-quick"' "$work/spec.out"
printf '{"name":"x","benchmarks":[{"id":"nqueens","n":0}],"arms":[{"name":"a"}]}\n' > "$R/data/bad.json"
in_root /xenlab spec check /data/bad.json > "$work/bad.out" 2>&1
is "a bad spec is exit 2" 2 $?
check "  with one line naming the JSON path" grep -q "benchmarks\[0\]" "$work/bad.out"

# A finished run as the runner leaves it: the seed's own results.
rid=20261204-000000-stat
d=$R/runs/$rid
mkdir -p "$d"
cp "$S/templates/seed-vm-vs-container.json" "$d/spec.json"
python3 - "$S/tests/data/seed/results.jsonl" "$d" "$rid" <<'PY'
import json, sys
src, d, rid = sys.argv[1:]
res = [l.strip() for l in open(src) if l.strip()]
open(f"{d}/results.json", "w").write('{"xenlab":"results/1","run":"%s","results":[%s]}\n' % (rid, ",".join(res)))
ev = [{"event": "run", "state": "started", "pid": 999999, "t": 1},
      {"event": "job", "job": f"xl-{rid}-vm1-1", "arm": "vm1", "replica": 1, "state": "done", "domain": 7, "t": 2},
      {"event": "run", "state": "finished", "pid": 999999, "t": 3}]
open(f"{d}/journal.jsonl", "w").write("".join(json.dumps(e) + "\n" for e in ev))
PY
XENLAB_RUNS_DIR=/runs in_root /xenlab report "$rid" --ratio vm2/vm1 > "$work/report.md" 2>&1
is "report of a run by id" 0 $?
check "  the seed's N-Queens row with its CI and verdict" grep -q "N-Queens.*vm2 is 27.5 % higher than vm1" "$work/report.md"
XENLAB_RUNS_DIR=/runs in_root /xenlab report "$rid" --format json > "$work/report.json" 2>&1
check "  and as JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))["rows"]' "$work/report.json"

call='<?xml version="1.0"?><methodCall><methodName>list_runs</methodName><params><param><value><string>s</string></value></param><param><value><struct></struct></value></param></params></methodCall>'
XENLAB_RUNS_DIR=/runs in_root /etc/xapi.d/plugins/xenlab "$call" > "$work/list.xml" 2>&1
is "started as /etc/xapi.d/plugins/xenlab it is the XAPI plugin" 0 $?
check "  list_runs succeeds" grep -q "<string>Success</string>" "$work/list.xml"
check "  and lists the run, finished" python3 -c '
import json, sys, xmlrpc.client
(r,), _ = xmlrpc.client.loads(open(sys.argv[1]).read())
v = json.loads(r["Value"])
sys.exit(0 if [x["id"] for x in v] == [sys.argv[2]] and v[0]["finished"] is True else 1)
' "$work/list.xml" "$rid"
in_root /xenlab run /data/seed-quick.json --backend libxl > "$work/run.out" 2>&1
is "run with a backend this build leaves out is exit 2" 2 $?
cat "$work/run.out" | sed 's/^/# /'

# collect from the real xenstored: the plan dom0 would publish, the real agent as
# the guest, xenlab-static in the chroot reaching xenstored through a link to its socket.
ln "$XENSTORED_PATH" "$R/xenstored.sock" || bail "cannot link the xenstored socket into the chroot"
printf '{"name":"tiny","trials":2,"benchmarks":[{"id":"nqueens","n":6}],"arms":[{"name":"vm1","vcpus":1,"memory":"1GiB","run_in":"guest"}]}\n' \
    > "$R/data/tiny.json"
in_root /xenlab spec plan /data/tiny.json vm1 > "$work/plan.json" || bail "spec plan"
python3 - "$work/plan.json" <<'PY' || bail "publishing the plan"
import json, subprocess, sys
home = "/local/domain/7"
text = json.dumps(json.load(open(sys.argv[1])), separators=(",", ":"))
def w(k, v):
    subprocess.run(["xenstore-write", k, v], check=True)
w(home, "")
key = home + "/xenlab/plan"
if len(text) <= 960:
    w(key, text)
else:
    parts = [text[i:i + 960] for i in range(0, len(text), 960)]
    for i, p in enumerate(parts):
        w(f"{key}/{i}", p)
    w(f"{key}/chunks", str(len(parts)))
    w(key, "")
PY
mkdir -p "$work/guest"
"$XENLAB_AGENT" --home /local/domain/7 --worker "$XENLAB_GUEST" --workdir "$work/guest" \
    > "$work/agent.log" 2>&1 &
agent=$!
at_exit='kill $agent 2>/dev/null; wait 2>/dev/null'
XENSTORED_PATH=/xenstored.sock in_root /xenlab collect --domain 7:vm1 --journal /data/journal.jsonl \
    --timeout 120 > "$work/collect.out" 2>&1
is "collect in the chroot from the real xenstored" 0 $?
sed 's/^/# /' "$work/collect.out"
check "  the guest is done" grep -q "^domain 7: done" "$work/collect.out"
is "  both trials journalled" 2 "$(grep -c '"event":"result"' "$R/data/journal.jsonl")"
check "  as N-Queens results of vm1" python3 -c '
import json, sys
r = [json.loads(l)["result"] for l in open(sys.argv[1]) if "\"event\":\"result\"" in l]
sys.exit(0 if len(r) == 2 and all(x["benchmark"] == "nqueens" and x["arm"] == "vm1" and x["status"] == "ok"
                                   for x in r) else 1)
' "$R/data/journal.jsonl"
# Bounded: a hung agent fails the test, it does not hold it to meson's timeout.
for _ in $(seq 1 300); do kill -0 $agent 2>/dev/null || break; sleep 0.1; done
kill $agent 2>/dev/null
wait $agent
is "the agent ends when its plan is done" 0 $?
[ "$failed" = 0 ] || sed 's/^/# agent: /' "$work/agent.log"
tap_done
