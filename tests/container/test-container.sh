#!/bin/bash
# xenlab-guest bench --container with a real OCI runtime ($1: runc or crun):
# the CPU quota and the memory limit hold, an OOM kill is a failed trial with
# a reason, the environment record shows the limits from inside, and no
# cgroup, bundle, mount, work dir or process survives success, an OOM
# failure or SIGTERM.
set -u
rt=$1
G=$XENLAB_GUEST
. "$(dirname "$0")/../tap.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to create cgroups"
command -v "$rt" > /dev/null || skip_all "$rt is not installed (Debian package $rt)"
[ -d /sys/fs/cgroup ] || skip_all "no /sys/fs/cgroup"

tmp=$work
mkdir "$tmp/work"
spec="cpus=1.0,memory=256MiB,runtime=$rt"

# Everything our container runs (xenlab-guest pids in $pids) could leave
# behind, one item a line. Scoped to our runs: other sessions on this host
# may be running containers of their own at the same time.
pids=
leftovers() {
  local p d
  for p in $pids; do
    ls -d /sys/fs/cgroup/*/xenlab/xenlab-$p-* /sys/fs/cgroup/xenlab/xenlab-$p-* 2>/dev/null
    "$rt" list 2>/dev/null | grep "xenlab-$p-"
  done
  # runc leaves an empty /xenlab parent: it must go unless another run uses it.
  for d in /sys/fs/cgroup/*/xenlab /sys/fs/cgroup/xenlab; do
    [ -d "$d" ] && [ -z "$(ls -d "$d"/xenlab-* 2>/dev/null)" ] && echo "$d (empty)"
  done
  grep -l "$tmp" /run/xenlab/ct-*/config.json 2>/dev/null
  grep -F "$tmp" /proc/self/mountinfo
  ls -A "$tmp/work"
  pgrep -f "arm ct-test-$$"
}
check_clean() {
  local left
  left=$(leftovers)
  [ -z "$left" ]; ok $? "nothing left behind $1${left:+: $(echo $left)}"
}
# ct OUT ARGS...: one xenlab-guest bench run in a container, its pid noted.
ct() {
  local out=$1
  shift
  "$G" bench "$@" --arm "ct-test-$$" --workdir "$tmp/work" > "$out" 2> "$tmp/err" &
  pid=$!
  pids="$pids $pid"
}

# The environment record, as the worker sees it inside.
for ns in 0 1; do
  export XENLAB_CT_CGROUPNS=$ns; ct "$tmp/env.out" nqueens --n 8 --container "$spec"
  wait $pid; ok $? "a trial runs in $rt (cgroup namespace $ns)"
  env=$(grep -o '"env":{[^}]*}' "$tmp/env.out")
  for want in '"cpu_quota":1.0' '"mem_limit":268435456' '"cpus_usable":1' "\"container\":\"$rt\"" '"fs":"[a-z0-9]' '"cgroup":"v[12]"'; do
    echo "$env" | grep -Eq "$want"; ok $? "env record shows $want (cgroup namespace $ns)"
  done
  check_clean "after success (cgroup namespace $ns)"
done
unset XENLAB_CT_CGROUPNS

# The CPU quota: two busy threads get at most ~1 CPU-second per wall second,
# read from the container cgroup's own usage counter while it runs.
ct "$tmp/cpu.out" nqueens --n 17 --threads 2 --container "$spec"
usage_file=
for _ in $(seq 100); do
  usage_file=$(ls /sys/fs/cgroup/*/xenlab/xenlab-$pid-*/cpuacct.usage /sys/fs/cgroup/xenlab/xenlab-$pid-*/cpu.stat 2>/dev/null | head -1)
  [ -n "$usage_file" ] && break
  sleep 0.1
done
usage_ns() {
  case "$usage_file" in
    *cpuacct.usage) cat "$usage_file" ;;
    *) echo $(( $(awk '$1 == "usage_usec" { print $2 }' "$usage_file") * 1000 )) ;;
  esac
}
if [ -n "$usage_file" ]; then
  sleep 0.5
  u0=$(usage_ns); t0=$(date +%s%N)
  sleep 2
  u1=$(usage_ns); t1=$(date +%s%N)
  ratio=$(awk -v u=$((u1 - u0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.3f", u / t }')
  awk -v r="$ratio" 'BEGIN { exit !(r <= 1.1) }'; ok $? "2 busy threads in cpus=1.0 use at most 1.1 CPU-s per s (got $ratio)"
  # Only that the counter moves: how much CPU the host has spare is not ours to assert.
  awk -v r="$ratio" 'BEGIN { exit !(r > 0.05) }'; ok $? "the counter is the burner's (got $ratio CPU-s per s)"
else
  ok 1 "the container's cgroup appeared (looked for xenlab-$pid-* under /sys/fs/cgroup)"
fi
kill -TERM $pid
wait $pid; rc=$?
[ $rc = 143 ]; ok $? "SIGTERM mid-run: xenlab-guest cleans up and dies of SIGTERM (rc $rc)"
check_clean "after SIGTERM"

# The sensors: a trial throttled by the quota says so in its own record
# (cpu.stat of the container's cgroup, read inside it, before and after).
ct "$tmp/throttle.out" nqueens --n 15 --threads 2 --container "cpus=0.5,memory=256MiB,runtime=$rt"
wait $pid
thr=$(grep -o '"throttled_pct":[0-9.]*' "$tmp/throttle.out" | head -1 | cut -d: -f2)
awk -v t="${thr:-0}" 'BEGIN { exit !(t > 0) }'
ok $? "2 threads under cpus=0.5: the result's sensors show throttling (throttled_pct ${thr:-absent})"
check_clean "after the throttled trial"

# SIGKILL mid-trial leaves everything behind; the next run reaps it (the owner
# is dead) and then works.
ct "$tmp/killed.out" nqueens --n 17 --container "$spec"
killed=$pid
for _ in $(seq 300); do
  "$rt" list 2>/dev/null | grep -q "xenlab-$killed-.*running" && break
  sleep 0.1
done
kill -KILL $killed; wait $killed 2>/dev/null
left=$(leftovers)
echo "$left" | grep -q "xenlab-$killed-"; ok $? "SIGKILL mid-trial: the container and its cgroup are left ($(echo $left))"
[ -n "$(ls -A "$tmp/work")" ]; ok $? "SIGKILL mid-trial: the work dir is left"
ct "$tmp/after.out" nqueens --n 8 --container "$spec"
wait $pid; ok $? "the next run works"
grep -q "reaping container xenlab-$killed-" "$tmp/err"; ok $? "it says it reaped the dead run's container: $(grep -m1 reap "$tmp/err")"
check_clean "after reaping a SIGKILLed run"

# A command workload runs inside the container too, and its output files
# go with the work dir.
item='{"id":"command","name":"probe","argv":["sh","-c","echo cpus $(nproc); cat /proc/self/cgroup >&2"],"metric":{"name":"cpus","how":"regex","pattern":"cpus ([0-9]+)","unit":"CPUs","better":"higher"}}'
ct "$tmp/cmd.out" command --item "$item" --container "$spec"
wait $pid; ok $? "a command workload runs in $rt"
grep -q '"variant":"probe-cpus".*"status":"ok","value":[1-9]' "$tmp/cmd.out" && grep -q "\"container\":\"$rt\"" "$tmp/cmd.out"
ok $? "its metric comes back, the environment record says $rt: $(head -c 300 "$tmp/cmd.out")"
check_clean "after a command workload"

# A command's inputs (the agent's read-only mount of the payload disk in a
# guest; a directory here) are bound read-only into the container at the
# same path, and XENLAB_INPUTS says where.
mkdir "$tmp/inputs" && echo "value: 7" > "$tmp/inputs/data.txt"
item='{"id":"command","name":"in","argv":["sh","-c","cat $XENLAB_INPUTS/data.txt; if touch $XENLAB_INPUTS/new 2>/dev/null; then echo WRITABLE; else echo READONLY; fi"],"metric":{"name":"v","how":"regex","pattern":"value: ([0-9]+)","unit":"n","better":"higher"}}'
XENLAB_INPUTS=$tmp/inputs ct "$tmp/in.out" command --item "$item" --container "$spec"
wait $pid
grep -q '"variant":"in-v".*"status":"ok","value":7' "$tmp/in.out" && grep -q 'READONLY' "$tmp/in.out" && [ ! -e "$tmp/inputs/new" ]
ok $? "inputs reach the command in $rt, read-only: $(grep -o 'READONLY\|WRITABLE' "$tmp/in.out" | head -1)"
check_clean "after a command with inputs"

# Which clone a command runs on (the agent sets these from its plan) reaches
# it inside the container too.
item='{"id":"command","name":"who","argv":["sh","-c","echo clone $XENLAB_ARM/$XENLAB_REPLICA of $XENLAB_RUN"],"metric":{"name":"r","how":"regex","pattern":"^clone vm2/([0-9]+) of run-7$","unit":"n","better":"higher"}}'
XENLAB_ARM=vm2 XENLAB_REPLICA=3 XENLAB_RUN=run-7 ct "$tmp/who.out" command --item "$item" --container "$spec"
wait $pid
grep -q '"variant":"who-r".*"status":"ok","value":3' "$tmp/who.out"
ok $? "XENLAB_ARM, XENLAB_REPLICA and XENLAB_RUN reach the command in $rt: $(grep -o '"error":"[^"]*"' "$tmp/who.out" | head -1)"
check_clean "after a command that asks which clone it is"

# Out of memory: 3 x 512 MiB arrays in 256 MiB.
ct "$tmp/oom.out" memory --kernel add --type fp --array-mib 512 --container "$spec"
wait $pid; rc=$?
[ $rc = 1 ]; ok $? "an OOM-killed trial fails the command (rc $rc)"
grep -q '"status":"failed".*"error":"out of memory in container (limit 256 MiB)"' "$tmp/oom.out"
ok $? "it is a failed result document naming the limit: $(head -c 300 "$tmp/oom.out")"
check_clean "after an OOM kill"

# A runtime that is not installed is named with its Debian package.
PATH=/nonexistent "$G" bench nqueens --n 8 --container "$spec" > "$tmp/miss.out" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "\"status\":\"failed\".*install the Debian package $rt" "$tmp/miss.out"
ok $? "a missing $rt fails the trial naming the package: $(cat "$tmp/err")"

tap_done
