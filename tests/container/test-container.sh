#!/bin/bash
# xenlab-guest bench --container with a real OCI runtime ($1: runc or crun):
# the CPU quota and the memory limit hold, an OOM kill is a failed trial with
# a reason, the environment record shows the limits from inside, and no
# cgroup, bundle, mount, work dir or process survives success, an OOM
# failure or SIGTERM.
set -u
rt=$1
G=$XENLAB_GUEST
n=0; failed=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed+1)); fi; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }

[ "$(id -u)" = 0 ] || skip_all "needs root to create cgroups"
command -v "$rt" > /dev/null || skip_all "$rt is not installed (Debian package $rt)"
[ -d /sys/fs/cgroup ] || skip_all "no /sys/fs/cgroup"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/work"
spec="cpus=1.0,memory=256MiB,runtime=$rt"

# Everything a container run could leave behind, one item a line.
leftovers() {
  ls -d /sys/fs/cgroup/*/xenlab /sys/fs/cgroup/xenlab /run/xenlab 2>/dev/null
  grep -E '/run/xenlab|xenlab-work' /proc/self/mountinfo
  ls -A "$tmp/work"
  "$rt" list 2>/dev/null | grep xenlab-
  pgrep -f '^/xenlab/bin/xenlab-guest'
}
check_clean() {
  local left
  left=$(leftovers)
  [ -z "$left" ]; ok $? "nothing left behind $1${left:+: $(echo $left)}"
}

# The environment record, as the worker sees it inside.
for ns in 0 1; do
  XENLAB_CT_CGROUPNS=$ns "$G" bench nqueens --n 8 --workdir "$tmp/work" --container "$spec" > "$tmp/env.out" 2> "$tmp/err"
  ok $? "a trial runs in $rt (cgroup namespace $ns)"
  env=$(grep -o '"env":{[^}]*}' "$tmp/env.out")
  for want in '"cpu_quota":1.0' '"mem_limit":268435456' '"cpus_usable":1' "\"container\":\"$rt\"" '"fs":"[a-z0-9]' '"cgroup":"v[12]"'; do
    echo "$env" | grep -Eq "$want"; ok $? "env record shows $want (cgroup namespace $ns)"
  done
  check_clean "after success (cgroup namespace $ns)"
done

# The CPU quota: two busy threads get at most ~1 CPU-second per wall second,
# read from the container cgroup's own usage counter while it runs.
"$G" bench nqueens --n 17 --threads 2 --workdir "$tmp/work" --container "$spec" > "$tmp/cpu.out" 2> "$tmp/err" &
pid=$!
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
  awk -v r="$ratio" 'BEGIN { exit !(r >= 0.5) }'; ok $? "and they do run (got $ratio CPU-s per s)"
else
  ok 1 "the container's cgroup appeared (looked for xenlab-$pid-* under /sys/fs/cgroup)"
fi
kill -TERM $pid
wait $pid; rc=$?
[ $rc = 143 ]; ok $? "SIGTERM mid-run: xenlab-guest cleans up and dies of SIGTERM (rc $rc)"
check_clean "after SIGTERM"

# Out of memory: 3 x 512 MiB arrays in 256 MiB.
"$G" bench memory --kernel add --type fp --array-mib 512 --workdir "$tmp/work" --container "$spec" > "$tmp/oom.out" 2> "$tmp/err"; rc=$?
[ $rc = 1 ]; ok $? "an OOM-killed trial fails the command (rc $rc)"
grep -q '"status":"failed".*"error":"out of memory in container (limit 256 MiB)"' "$tmp/oom.out"
ok $? "it is a failed result document naming the limit: $(head -c 300 "$tmp/oom.out")"
check_clean "after an OOM kill"

# A runtime that is not installed is named with its Debian package.
PATH=/nonexistent "$G" bench nqueens --n 8 --container "$spec" > "$tmp/miss.out" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "\"status\":\"failed\".*install the Debian package $rt" "$tmp/miss.out"
ok $? "a missing $rt fails the trial naming the package: $(cat "$tmp/err")"

echo "1..$n"
[ $failed = 0 ]
