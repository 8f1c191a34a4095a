#!/bin/bash
# multi-host: one experiment over two Xen testbeds at once, each a real Xen 4.17 dom0 in
# its own QEMU (own run directory, less memory each), each reachable only through its own
# sshd behind QEMU's user networking with restrict=on and one forward bound to
# 127.0.0.1. The controller is this machine's `xenlab run --hosts`; each dom0 runs its
# part with its own xenlab and collects from its own XenStore.
#   1. the seed-testbed profile, vm1 on tb1 and vm2 on tb2; the same spec on tb2 alone;
#   2. the controller SIGKILLed mid-run, then resumed;
#   3. tb2 powered off mid-run: its arm fails with the reason, tb1's results are kept;
#   nothing left on either host.
# What the test sets up is what an administrator does once (a network, sshd, a key);
# the bases are registered as in seed-run.sh.
set -uo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
spec=${1:?seed spec} X=${XENLAB_CLI:?}
[ "$(id -u)" = 0 ] || skip "the testbed needs root"
command -v ssh >/dev/null || skip "ssh is not installed (openssh-client)"
ROOT=${XENLAB_TESTBED_DIR:-/var/cache/xenlab/testbed}
T=$work
diag() { sed 's/^/# /' "$@"; }
declare -A port mem xl_bin
mem[tb1]=3G mem[tb2]=4G
tbx() { local h=$1; shift; XENLAB_TESTBED_RUN=$ROOT/run-mh-$h "$TESTBED" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
at_exit='tbx tb1 down >/dev/null 2>&1; tbx tb2 down >/dev/null 2>&1'
ssh-keygen -q -t ed25519 -N '' -f "$T/id"
: > "$T/known_hosts"
cat > "$T/ssh_config" <<C
Host *
  IdentityFile $T/id
  UserKnownHostsFile $T/known_hosts
  GlobalKnownHostsFile /dev/null
  IdentitiesOnly yes
C
export XENLAB_SSH_CONFIG=$T/ssh_config XENLAB_RUNS_DIR=$T/ctl/runs XENLAB_STATE_DIR=$T/ctl/state

# An administrator's once-only set-up of a dom0 for ssh: QEMU's user network, sshd with
# a fresh host key of its own, our key; then the Debian base registered there.
up_host() {
    local h=$1
    tbx "$h" up --memory "${mem[$h]}" --ssh-port "${port[$h]}" >"$T/up-$h.log" 2>&1 || { cat "$T/up-$h.log"; return 1; }
    tbx "$h" exec sh -c 'modprobe virtio_net && dev=$(ls /sys/class/net | grep -v "^lo$" | head -1) && ip link set "$dev" up &&
        ip addr add 10.0.2.15/24 dev "$dev" && ip route add default via 10.0.2.2 &&
        mkdir -p /run/sshd /root/.ssh && rm -f /etc/ssh/ssh_host_* && ssh-keygen -q -A &&
        /usr/sbin/sshd -E /var/log/sshd.log -o PermitRootLogin=prohibit-password -o PasswordAuthentication=no -o UseDNS=no' \
        || return 1
    tbx "$h" exec -i sh -c 'cat > /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys' < "$T/id.pub" || return 1
    echo "[127.0.0.1]:${port[$h]} $(tbx "$h" exec cat /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f1,2)" >> "$T/known_hosts"
    tbx "$h" exec xenlab-testbed-base --debian >"$T/base-$h.log" 2>&1 || { cat "$T/base-$h.log"; return 1; }
}
# Both come up at once (the first in a subshell: what it learns is asked again below).
port[tb1]=$(free_port) port[tb2]=$(free_port)
while [ "${port[tb1]}" = "${port[tb2]}" ]; do port[tb2]=$(free_port); done
t0=$SECONDS
up_host tb1 & p1=$!
up_host tb2; s2=$?
wait $p1; s1=$?
[ $s1 = 0 ] && [ $s2 = 0 ] || bail "the two testbeds did not come up with sshd (above)"
echo "TIMING: two testbeds up with sshd and the base $((SECONDS - t0))s"
for h in tb1 tb2; do xl_bin[$h]=$(tbx "$h" exec sh -c 'command -v xenlab'); done
ssh -F "$T/ssh_config" -oBatchMode=yes -oStrictHostKeyChecking=yes -p "${port[tb1]}" root@127.0.0.1 true
ok $? "tb1's sshd answers on 127.0.0.1:${port[tb1]} with our key and its own host key"

entry() { printf '{"uri":"ssh://root@127.0.0.1:%s","name":"%s","xenlab":"%s","base":"testbed-debian"}' \
              "${port[$1]}" "$1" "${xl_bin[$1]}"; }
printf '{"hosts":[%s,%s]}\n' "$(entry tb1)" "$(entry tb2)" > "$T/hosts.json"
printf '{"hosts":[%s]}\n' "$(entry tb2)" > "$T/hosts-tb2.json"
python3 - "$spec" "$T" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
for a in s["arms"]:
    a["host"] = {"vm1": "tb1", "vm2": "tb2"}[a["name"]]
json.dump(s, open(sys.argv[2] + "/two.json", "w"))
# The quick spec of the kill and power-off runs: the same arms, N-Queens only.
s["benchmarks"] = [{"id": "nqueens", "n": 12}]
s["name"] = "seed-testbed-quick"
json.dump(s, open(sys.argv[2] + "/quick.json", "w"))
PY
python3 - "$spec" "$T/one.json" <<'PY'
import json, sys
json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"))
PY
id_of() { sed -n 's/^xenlab: run \([^ ]*\) in .*/\1/p' "$1" | head -1; }
leftovers() {   # leftovers HOST: domains and clones its xenlab left
    tbx "$1" exec sh -c 'xl list | awk "NR > 1 && \$1 != \"Domain-0\"" | wc -l; find /var/lib/xenlab/clones -mindepth 1 2>/dev/null | wc -l' |
        awk '{ n += $1 } END { print n + 0 }'
}

# 1. The seed's arms on two hosts, then the same spec on one.
t0=$SECONDS
"$X" run "$T/two.json" --hosts "$T/hosts.json" --plain > "$T/two.out" 2>&1; st=$?
w2=$((SECONDS - t0))
id=$(id_of "$T/two.out") R=$XENLAB_RUNS_DIR/$id
ok $st "the seed-testbed profile over two hosts finishes (exit $st, ${w2}s)"
python3 - "$R/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
by = {}
for x in r["results"]:
    by.setdefault((x["arm"], x["host"]), []).append(x["status"])
ok = set(by) == {("vm1", "tb1"), ("vm2", "tb2")} and all(s == "ok" for v in by.values() for s in v)
ok &= all(len(v) == 10 for v in by.values())
sys.exit(0 if ok else 1)
PY
ok $? "results.json: vm1's 10 trials from tb1, vm2's 10 from tb2, all ok"
"$X" report "$id" > "$T/two.md" 2>&1 && grep -q "$id-1" "$T/two.md" && grep -q "$id-2" "$T/two.md"
ok $? "the report names each host's run"
[ "$(leftovers tb1)" = 0 ] && [ "$(leftovers tb2)" = 0 ]; ok $? "no domain or clone left on either host"
t0=$SECONDS
"$X" run "$T/one.json" --hosts "$T/hosts-tb2.json" --plain > "$T/one.out" 2>&1; st=$?
w1=$((SECONDS - t0))
ok $st "the same spec on tb2 alone finishes (exit $st, ${w1}s)"
echo "TIMING: seed-testbed on two hosts ${w2}s, on one host ${w1}s"

# 2. The controller SIGKILLed mid-run, then resumed: every trial once.
"$X" run "$T/quick.json" --hosts "$T/hosts.json" --plain > "$T/kill.out" 2>&1 &
ctl=$!
for _ in $(seq 1800); do [ "$(grep -c 'trial 1/' "$T/kill.out")" -ge 2 ] && break; sleep 1; done
kill -9 $ctl; wait $ctl 2>/dev/null
kid=$(id_of "$T/kill.out")
"$X" run --resume "$kid" --plain > "$T/kill-resume.out" 2>&1; st=$?
python3 - "$XENLAB_RUNS_DIR/$kid/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
keys = [(x["arm"], x["trial"]) for x in r["results"] if x["status"] == "ok"]
sys.exit(0 if len(keys) == 4 and len(set(keys)) == 4 else 1)
PY
ok $? "SIGKILLed controller resumed (exit $st): 4 ok trials, none twice"
[ "$(leftovers tb1)" = 0 ] && [ "$(leftovers tb2)" = 0 ]; ok $? "nothing left on either host after the resume"

# 3. tb2 powered off mid-run (QEMU killed): its arm fails with the reason, tb1's are kept.
"$X" run "$T/quick.json" --hosts "$T/hosts.json" --plain --host-timeout 60 > "$T/off.out" 2>&1 &
ctl=$!
for _ in $(seq 1800); do grep -q '\[tb2\] .*trial 1/' "$T/off.out" && break; sleep 1; done
kill -9 "$(cat "$ROOT/run-mh-tb2/qemu.pid")"
t_off=$SECONDS
wait $ctl; st=$?
echo "TIMING: tb2 powered off; the run ended $((SECONDS - t_off))s later"
oid=$(id_of "$T/off.out")
[ $st = 1 ] && grep -q "host tb2 stopped answering" "$T/off.out"
ok $? "tb2's arm failed with the reason, the run exit 1 (exit $st)"
python3 - "$XENLAB_RUNS_DIR/$oid/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if len([x for x in r["results"] if x["host"] == "tb1" and x["status"] == "ok"]) == 2 else 1)
PY
ok $? "tb1's 2 results are kept"
[ "$(leftovers tb1)" = 0 ]; ok $? "nothing left on tb1 (tb2 is off: its disks were its QEMU's scratch)"
[ $failed = 0 ] || for f in "$T"/*.out; do echo "# $f"; diag "$f"; done
tap_done
