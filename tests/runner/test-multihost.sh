#!/bin/bash
# One experiment over two hosts through real OpenSSH: two sshd on loopback,
# each with its own host key and its own "dom0" (state and runs directory,
# its own real xenstored, libvirt's test:/// driver, the real guest agent
# started by a guest launcher per xenstored). The controller runs
# `xenlab run --hosts`; each host's part is that host's own xenlab, reached
# only through ssh with BatchMode and a checked host key.
. "$(dirname "$0")/runner-lib.sh"
command -v sshd >/dev/null || command -v /usr/sbin/sshd >/dev/null || skip_all "sshd is not installed (openssh-server)"
command -v ssh >/dev/null || skip_all "ssh is not installed (openssh-client)"
SSHD=$(command -v sshd || echo /usr/sbin/sshd)

pids=()
# b's xenstored lives as long as the sleep its harness waits for.
at_exit='[ -s "$T/xs-b.pid" ] && kill "$(cat "$T/xs-b.pid")"; for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null'
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$T/id" && cp "$T/id.pub" "$T/authorized_keys"
chmod 600 "$T/authorized_keys"
: > "$T/known_hosts"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# host NAME: its own xenstored (the outer one for "a"), state, runs, sshd.
declare -A port xs sshd_pid
start_xenstored_b() {
    "$XENLAB_WITH_XENSTORED" "$XENLAB_FAKEXEN_SHIM" bash -c 'echo $$ > "$1.pid"; echo "$XENSTORED_PATH" > "$1"; exec sleep 100000' _ "$T/xs-b" \
        > /dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do [ -s "$T/xs-b" ] && break; sleep 0.1; done
    xs[b]=$(cat "$T/xs-b")
}
start_sshd() {
    local n=$1
    [ -n "${port[$n]:-}" ] || port[$n]=$(free_port)
    ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey-$n" <<<y >/dev/null 2>&1 || true
    mkdir -p "$T/$n/state" "$T/$n/runs" "$T/$n/clones"
    cat > "$T/sshd-$n.conf" <<C
Port ${port[$n]}
ListenAddress 127.0.0.1
HostKey $T/hostkey-$n
AuthorizedKeysFile $T/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
PidFile $T/sshd-$n.pid
SetEnv XENLAB_STATE_DIR=$T/$n/state XENLAB_RUNS_DIR=$T/$n/runs XENSTORED_PATH=${xs[$n]} LC_ALL=C TZ=UTC
C
    "$SSHD" -D -e -f "$T/sshd-$n.conf" > /dev/null 2>> "$T/sshd-$n.log" &
    sshd_pid[$n]=$!
    pids+=(${sshd_pid[$n]})
    echo "[127.0.0.1]:${port[$n]} $(cut -d' ' -f1,2 "$T/hostkey-$n.pub")" >> "$T/known_hosts"
}
xs[a]=$XENSTORED_PATH
start_xenstored_b
start_sshd a
start_sshd b
cat > "$T/ssh_config" <<C
Host *
  IdentityFile $T/id
  UserKnownHostsFile $T/known_hosts
  GlobalKnownHostsFile /dev/null
  IdentitiesOnly yes
C
export XENLAB_SSH_CONFIG=$T/ssh_config
sleep 0.5
ssh -F "$T/ssh_config" -oBatchMode=yes -p "${port[a]}" root@127.0.0.1 true; ok $? "sshd a answers with key and known host"
# Each host registers its own copy of the base (no shared storage).
for h in a b; do
    cp "$T/base.img" "$T/$h/base.img"
    XENLAB_STATE_DIR=$T/$h/state "$X" base add tb "$T/$h/base.img" --template "$S/templates/debian-pv.xml" >/dev/null
done
ok $? "each host has its own base tb"

launch() {   # launch NAME: a guest launcher on that host's xenstored
    XENSTORED_PATH=${xs[$1]} "$XENLAB_LAUNCHER" "$XENLAB_AGENT" "$XENLAB_GUEST" "$T/work-$1" > /dev/null 2> "$T/launcher-$1.log" &
    pids+=($!); eval "launcher_$1=$!"
}
mkdir -p "$T/work-a" "$T/work-b"
launch a; launch b

entry() {    # entry NAME [xenlab path]
    printf '{"uri":"ssh://root@127.0.0.1:%s","name":"%s","xenlab":"%s","backend":"libvirt","toolstack_uri":"test:///default","virt_type":"test","base":"tb","clone_dir":"%s"}' \
        "${port[$1]}" "$1" "${2:-$X}" "$T/$1/clones"
}
printf '{"hosts":[%s,%s]}\n' "$(entry a)" "$(entry b)" > "$T/hosts.json"
export XENLAB_RUNS_DIR=$T/ctl/runs XENLAB_STATE_DIR=$T/ctl/state
cat > "$T/two.json" <<'J'
{ "name": "two-hosts", "trials": 2, "timeouts": { "trial_s": 60, "arm_s": 120 },
  "base": { "name": "tb" },
  "benchmarks": [ { "id": "nqueens", "n": 7 } ],
  "arms": [ { "name": "a1", "vcpus": 1, "memory": "256MiB" },
            { "name": "a2", "vcpus": 1, "memory": "256MiB" } ] }
J
nothing_made() { [ -z "$(ls -A "$T/ctl/runs" 2>/dev/null)" ] && [ -z "$(ls -A "$T/a/runs")" ] && [ -z "$(ls -A "$T/b/runs")" ]; }

# 1. Bad hosts: one line naming the entry, exit 2, nothing made anywhere.
bad() {   # bad DESCRIPTION PATTERN HOSTS-JSON
    printf '%s\n' "$3" > "$T/bad.json"
    "$X" run "$T/two.json" --hosts "$T/bad.json" --plain > "$T/bad.out" 2>&1
    local st=$?
    [ $st = 2 ] && [ "$(wc -l < "$T/bad.out")" = 1 ] && grep -q "$2" "$T/bad.out" && nothing_made
    ok $? "$1 (exit $st: $(head -c 160 "$T/bad.out"))"
}
bad "unknown scheme refused" 'hosts\[1\].uri: "http://x": the scheme must be' \
    "{\"hosts\":[$(entry a),{\"uri\":\"http://x\"}]}"
bad "an ssh host that looks like an option refused" 'hosts\[0\]: the host must be' \
    '{"hosts":["ssh://-oProxyCommand=x"]}'
dead_port=$(free_port)
bad "unreachable host named" "hosts\[1\] (b): ssh://root@127.0.0.1:$dead_port: unreachable" \
    "{\"hosts\":[$(entry a),{\"uri\":\"ssh://root@127.0.0.1:$dead_port\",\"name\":\"b\"}]}"
bad "missing remote xenlab named" 'hosts\[1\] (b): .*no xenlab there' \
    "{\"hosts\":[$(entry a),$(entry b /nonexistent/xenlab)]}"
printf '#!/bin/sh\necho "{\\"xenlab\\":\\"0.0.1\\"}"\n' > "$T/old-xenlab"; chmod +x "$T/old-xenlab"
bad "remote xenlab of another version named" 'hosts\[1\] (b): xenlab 0.0.1 there, .* here' \
    "{\"hosts\":[$(entry a),$(entry b "$T/old-xenlab")]}"
cat > "$T/pinned.json" <<'J'
{ "name": "pinned", "trials": 1, "base": { "name": "tb" }, "benchmarks": [ { "id": "nqueens", "n": 7 } ],
  "arms": [ { "name": "a1", "vcpus": 1, "memory": "256MiB", "host": "nowhere" } ] }
J
"$X" run "$T/pinned.json" --hosts "$T/hosts.json" > "$T/bad.out" 2>&1
[ $? = 2 ] && grep -q 'arms\[0\].host: "nowhere" is not one of the hosts' "$T/bad.out" && nothing_made
ok $? "an arm naming an unknown host refused before anything is made"

run_id_of_ctl() { sed -n 's/^xenlab: run \([^ ]*\) in .*/\1/p' "$1" | head -1; }
py() { python3 - "$@"; }

# 2. Two hosts, arms placed one per host; results merged, naming hosts.
"$X" run "$T/two.json" --hosts "$T/hosts.json" --plain > "$T/two.out" 2>&1
ok $? "two-host run finishes"
id=$(run_id_of_ctl "$T/two.out"); R=$XENLAB_RUNS_DIR/$id
py "$R/spec.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
hosts = sorted(a["host"] for a in s["arms"])
sys.exit(0 if hosts == ["a", "b"] else 1)
PY
ok $? "placement put one arm on each host"
py "$R/results.json" "$id" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
hosts = {h["name"]: h for h in r["hosts"]}
ok = len(r["results"]) == 4 and all(x["status"] == "ok" for x in r["results"])
ok &= sorted({(x["arm"], x["host"]) for x in r["results"]}) in ([("a1", "a"), ("a2", "b")], [("a1", "b"), ("a2", "a")])
ok &= hosts["a"]["run"] == sys.argv[2] + "-1" and hosts["b"]["run"] == sys.argv[2] + "-2"
ok &= all("hostname" in h.get("host", {}) for h in hosts.values())
sys.exit(0 if ok else 1)
PY
ok $? "results.json: 4 ok trials, each naming its host, and each host's run"
[ -d "$T/a/runs/$id-1" ] && [ -d "$T/b/runs/$id-2" ]; ok $? "each host ran its part in its own runs directory"
"$X" runs --json > "$T/runs.json"; py "$T/runs.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]
sys.exit(0 if r["state"] == "finished" and r["done"] == 2 and r["failed"] == 0 and r["results"] == 4 else 1)
PY
st=$?; ok $st "xenlab runs: the controller's run finished, both guests done, 4 results"
[ $st = 0 ] || { "$X" runs | diag; "$X" journal "$id" | grep -E '"(event|state|job)"' | head -60 | diag; ls -R "$T/a/clones" | diag; }
"$X" report "$id" > "$T/two.md" 2>&1 && grep -q "$id-1" "$T/two.md" && grep -q "$id-2" "$T/two.md"
ok $? "the report names each host's run"
"$X" report "$id" --format json > "$T/two-report.json" 2>&1 && grep -q "\"$id-2\"" "$T/two-report.json"
ok $? "the JSON report names each host's run"
[ -z "$(ls -A "$T/a/clones")" ] && [ -z "$(ls -A "$T/b/clones")" ]; ok $? "no clone left on either host"

# 3. --every-host: the arm on both hosts, as a1-a and a1-b.
cat > "$T/one.json" <<'J'
{ "name": "every", "trials": 1, "base": { "name": "tb" }, "timeouts": { "trial_s": 60, "arm_s": 120 },
  "benchmarks": [ { "id": "nqueens", "n": 7 } ], "arms": [ { "name": "a1", "vcpus": 1, "memory": "256MiB" } ] }
J
"$X" run "$T/one.json" --hosts "$T/hosts.json" --every-host --json > "$T/every.out" 2>&1
ok $? "--every-host run finishes"
grep -q '"event":"progress".*"host":"b"' "$T/every.out"; ok $? "--json streams each host's events, naming the host"
eid=$(tail -1 "$T/every.out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["run"])')
py "$XENLAB_RUNS_DIR/$eid/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if sorted((x["arm"], x["host"]) for x in r["results"]) == [("a1-a", "a"), ("a1-b", "b")] else 1)
PY
st=$?; ok $st "every arm ran on every host (a1-a on a, a1-b on b)"
[ $st = 0 ] || { diag "$T/every.out"; head -30 "$XENLAB_RUNS_DIR/$eid/results.json" | diag; }
"$X" report "$eid" > "$T/every.md" 2>&1 && grep -q "a1-a" "$T/every.md" && grep -q "a1-b" "$T/every.md" &&
    grep -q "$eid-1" "$T/every.md" && grep -q "$eid-2" "$T/every.md"
ok $? "the report has a column per host's arm and names each host's run"

# 4. The controller SIGKILLed mid-run, then resumed: every trial once.
cat > "$T/long.json" <<'J'
{ "name": "long", "trials": 3, "base": { "name": "tb" }, "timeouts": { "trial_s": 60, "arm_s": 300 },
  "benchmarks": [ { "id": "nqueens", "n": 7 }, { "id": "memory", "kernels": ["add"], "type": "fp", "array_mib": 64, "reps": 8 } ],
  "arms": [ { "name": "a1", "vcpus": 1, "memory": "256MiB", "host": "a" },
            { "name": "a2", "vcpus": 1, "memory": "256MiB", "host": "b" } ] }
J
"$X" run "$T/long.json" --hosts "$T/hosts.json" --plain > "$T/long.out" 2>&1 &
ctl=$!
for _ in $(seq 300); do grep -q "trial 1/" "$T/long.out" 2>/dev/null && break; sleep 0.1; done
kill -9 $ctl; wait $ctl 2>/dev/null
lid=$(run_id_of_ctl "$T/long.out")
[ -n "$lid" ] && grep -q '"event":"remote".*"state":"starting"' "$XENLAB_RUNS_DIR/$lid/journal.jsonl"
ok $? "the controller journalled each host's run before it started it"
"$X" run --resume "$lid" --plain > "$T/resume.out" 2>&1
ok $? "run --resume re-attaches and finishes"
py "$XENLAB_RUNS_DIR/$lid/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
keys = [(x["arm"], x["benchmark"], x["trial"]) for x in r["results"]]
sys.exit(0 if len(keys) == 12 and len(set(keys)) == 12 and all(x["status"] == "ok" for x in r["results"]) else 1)
PY
ok $? "after the resume: 12 ok trials, none twice"

# 4b. SIGINT reaches every host's run: each stops (resumable), then --resume finishes.
"$X" run "$T/long.json" --hosts "$T/hosts.json" --plain > "$T/int.out" 2>&1 &
ctl=$!
for _ in $(seq 300); do [ "$(grep -c "trial 1/" "$T/int.out" 2>/dev/null)" -ge 2 ] && break; sleep 0.1; done
kill -INT $ctl; wait $ctl; st=$?
iid=$(run_id_of_ctl "$T/int.out")
[ $st != 0 ] && grep -q "\[a\] cancelled $iid-1" "$T/int.out" && grep -q "\[b\] cancelled $iid-2" "$T/int.out" &&
    grep -q "interrupted: every host was told to stop" "$T/int.out"
ok $? "SIGINT: every host's run was cancelled and the run says how to go on (exit $st)"
XENLAB_RUNS_DIR=$T/a/runs XENLAB_STATE_DIR=$T/a/state "$X" status "$iid-1" --json > "$T/st-a.json" &&
XENLAB_RUNS_DIR=$T/b/runs XENLAB_STATE_DIR=$T/b/state "$X" status "$iid-2" --json > "$T/st-b.json" &&
py "$T/st-a.json" "$T/st-b.json" <<'PY'
import json, sys
sys.exit(0 if all(not json.load(open(f))["running"] for f in sys.argv[1:]) else 1)
PY
ok $? "neither host's runner is still running"
"$X" run --resume "$iid" --plain > "$T/int-resume.out" 2>&1 &&
py "$XENLAB_RUNS_DIR/$iid/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
keys = [(x["arm"], x["benchmark"], x["trial"]) for x in r["results"] if x["status"] == "ok"]
sys.exit(0 if len(keys) == 12 and len(set(keys)) == 12 else 1)
PY
st=$?; ok $st "--resume after SIGINT resumes both hosts' runs: 12 ok trials, none twice"
[ $st = 0 ] || { diag "$T/int.out"; diag "$T/int-resume.out"; }

# 4c. The same spec's wall time on two hosts against one (printed, not asserted).
sed 's/, "host": "[ab]"//' "$T/long.json" > "$T/long-placed.json"
printf '{"hosts":[%s]}\n' "$(entry a)" > "$T/hosts-a.json"
t0=$(date +%s.%N); "$X" run "$T/long-placed.json" --hosts "$T/hosts.json" --plain > "$T/w2.out" 2>&1; s2=$?
t1=$(date +%s.%N); "$X" run "$T/long-placed.json" --hosts "$T/hosts-a.json" --plain > "$T/w1.out" 2>&1; s1=$?
t2=$(date +%s.%N)
w2id=$(run_id_of_ctl "$T/w2.out") w1id=$(run_id_of_ctl "$T/w1.out")
[ $s2 = 0 ] && [ $s1 = 0 ]; ok $? "the same two arms placed on two hosts and on one"
python3 -c "import sys; a,b,c=map(float,sys.argv[1:]); print('# wall time: two hosts %.1f s, one host %.1f s (ratio %.2f)' % (b-a, c-b, (b-a)/(c-b)))" "$t0" "$t1" "$t2"

# 5. A host powered off mid-run: its arm fails with the reason, the other's results are kept.
"$X" run "$T/long.json" --hosts "$T/hosts.json" --plain --host-timeout 10 > "$T/off.out" 2>&1 &
ctl=$!
for _ in $(seq 300); do grep -q "\[b\] xl-.*trial 1/" "$T/off.out" 2>/dev/null && break; sleep 0.1; done
oid=$(run_id_of_ctl "$T/off.out")
# Power off b: its sshd, its xenlab, its guests' agents, its xenstored's clients.
kill -9 "${sshd_pid[b]}" "$launcher_b" 2>/dev/null
pkill -9 -f "run-id=$oid-2" 2>/dev/null
pkill -9 -f -- "--resume=$oid-2" 2>/dev/null
t_kill=$(date +%s.%N)
wait $ctl; st=$?
python3 -c "import sys; print('# a dead host cost the run %.1f s after it died (--host-timeout 10)' % (float(sys.argv[2])-float(sys.argv[1])))" "$t_kill" "$(date +%s.%N)"
[ $st = 1 ]; ok $? "the run ends with failed guests (exit $st)"
grep -q "host b stopped answering" "$T/off.out"; ok $? "the lost host's arm fails with the reason"
py "$XENLAB_RUNS_DIR/$oid/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if len([x for x in r["results"] if x["host"] == "a" and x["status"] == "ok"]) == 6 else 1)
PY
ok $? "the other host's 6 results are kept"
"$X" runs --json > "$T/runs.json"; py "$T/runs.json" "$oid" <<'PY'
import json, sys
r = [x for x in json.load(open(sys.argv[1])) if x["id"] == sys.argv[2]][0]
sys.exit(0 if r["done"] == 1 and r["failed"] == 1 else 1)
PY
ok $? "xenlab runs: one guest done, one failed"

# 6. clean: every reachable host cleans its part; nothing left.
start_sshd b; launch b; sleep 0.5
for r in "$id" "$eid" "$lid" "$iid" "$w2id" "$w1id" "$oid"; do "$X" clean "$r" > "$T/clean.out" 2>&1 || { diag "$T/clean.out"; false; }; done
ok $? "xenlab clean of each multi-host run"
[ -z "$(ls -A "$T/a/clones")" ] && [ -z "$(ls -A "$T/b/clones")" ]; ok $? "nothing left on either host"
[ $failed = 0 ] || { diag "$T/off.out"; for f in "$T"/ctl/runs/*/hosts/*/remote.log; do echo "# $f"; diag "$f"; done; }
tap_done
