#!/bin/bash
# The container arm under Docker or podman, as the seed ran it (`docker run
# --cpus --memory`):
#   docker: a private dockerd of this test's own (its data root, exec root and
#           socket in a scratch dir, no iptables, no bridge);
#   podman: daemonless, its storage in a scratch dir (CONTAINERS_STORAGE_CONF).
# An image imported offline from the worker's own libraries (the guests have
# no network to pull one), and xenlab-guest bench --container runtime=ENGINE.
# The limits must read back from inside, an OOM kill must be a failed trial
# naming the limit, and no container may be left.
#   test-container-engine.sh docker|podman
. "$(dirname "$0")/../tap.sh"
G=${XENLAB_GUEST:?}
engine=${1:?docker|podman}
[ "$(id -u)" = 0 ] || skip_all "needs root ($engine)"
case $engine in
    docker) need="dockerd docker" pkg=docker.io ;;
    podman) need=podman pkg=podman ;;
    *) bail "unknown engine $engine" ;;
esac
for p in $need; do
    command -v $p >/dev/null || skip_all "$p is not installed (Debian package $pkg)"
done
# eng ARGS...: the engine as the worker runs it (podman: the worker's own flags).
if [ "$engine" = docker ]; then
    sock=$work/docker.sock
    export DOCKER_HOST=unix://$sock
    stop_dockerd() {
        [ -f "$work/docker.pid" ] && kill "$(cat "$work/docker.pid")" 2>/dev/null
        for _ in $(seq 100); do [ -e "$work/docker.pid" ] || break; sleep 0.1; done
        umount -R "$work/data" 2>/dev/null
    }
    at_exit=stop_dockerd
    setsid dockerd --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/docker.pid" \
        -H "$DOCKER_HOST" --iptables=false --ip-masq=false --bridge=none >"$work/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 300); do docker version >/dev/null 2>&1 && break; sleep 0.1; done
    if ! docker version >/dev/null 2>&1; then
        skip_all "dockerd does not start here: $(tail -1 "$work/dockerd.log")"
    fi
    eng() { docker "$@"; }
else
    printf '[storage]\ndriver = "vfs"\nrunroot = "%s/run"\ngraphroot = "%s/graph"\n' "$work" "$work" >"$work/storage.conf"
    export CONTAINERS_STORAGE_CONF=$work/storage.conf
    eng() { podman --cgroup-manager cgroupfs --events-backend file --storage-driver vfs --runtime runc "$@"; }
    # vfs layers are plain directories, but podman may leave mounts in its run root.
    at_exit='umount -R "$work/run" 2>/dev/null; umount -R "$work/graph" 2>/dev/null'
fi

# The image: the worker's shared libraries and nothing else (the worker
# itself is bind-mounted read-only by xenlab-guest).
root=$work/root
mkdir -p "$root/tmp"
for lib in $(ldd "$G" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }'); do
    mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
done
tar -C "$root" -c . | eng import - xenlab-test:worker >/dev/null 2>"$work/import.err"
ok $? "an image made offline from the worker's libraries ($engine import): $(tail -1 "$work/import.err")"

spec="cpus=0.5,memory=256MiB,runtime=$engine,image=xenlab-test:worker"
"$G" bench nqueens --n 10 --trials 2 --arm ct-$engine-$$ --workdir "$work" --container "$spec" >"$work/nq.out" 2>"$work/nq.err"
rc=$?
ok $rc "nqueens in a $engine container: exit 0 ($(head -c 200 "$work/nq.err"))"
r=$(grep -m1 '"xenlab":"result/1"' "$work/nq.out")
for want in '"status":"ok"' "\"container\":\"$engine\"" '"cpu_quota":0.5' '"mem_limit":268435456'; do
    grep -qF "$want" <<<"$r"
    ok $? "the result's environment, read inside the container, has $want"
done
ok $([ "$(grep -c '"xenlab":"result/1"' "$work/nq.out")" = 2 ] && echo 0 || echo 1) \
    "stdout holds the result documents only ($engine's own output kept out): $(grep -vc '^{' "$work/nq.out") other lines"

"$G" bench memory --kernel add --type fp --array-mib 512 --trials 1 --workdir "$work" --container "$spec" \
    >"$work/oom.out" 2>"$work/oom.err"
rc=$?
ok $([ $rc = 1 ] && echo 0 || echo 1) "an OOM-killed trial fails the command (rc $rc)"
grep -q '"status":"failed".*"error":"out of memory in container (limit 256 MiB)"' "$work/oom.out"
ok $? "it is a failed result document naming the limit: $(head -c 300 "$work/oom.out")"

# dbench's 48 clients are 48 processes: the process limit both engines get must hold them.
if command -v dbench >/dev/null; then
    mkdir -p "$root/usr/bin" && cp "$(command -v dbench)" "$root/usr/bin/"
    for lib in $(ldd "$(command -v dbench)" | awk '/=>/ { print $3 }'); do
        mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
    done
    [ -f /usr/share/dbench/client.txt ] && mkdir -p "$root/usr/share/dbench" && cp /usr/share/dbench/client.txt "$root/usr/share/dbench/"
    # and echo, for a command workload: a user's program is whatever the image has.
    mkdir -p "$root/bin" && cp /bin/echo "$root/bin/echo" && cp /bin/cat "$root/bin/cat" &&
        cp "$(command -v printenv)" "$root/bin/printenv"
    tar -C "$root" -c . | eng import - xenlab-test:dbench >/dev/null 2>&1
    "$G" bench dbench --clients 48 --seconds 3 --trials 1 --workdir "$work" \
        --container "cpus=1,memory=512MiB,runtime=$engine,image=xenlab-test:dbench" >"$work/db.out" 2>"$work/db.err"
    grep -q '"status":"ok"' "$work/db.out"
    ok $? "dbench with 48 clients in a $engine container: $(head -c 300 "$work/db.err")"
    item='{"id":"command","name":"echo","argv":["echo","value 7"],"metric":{"name":"v","how":"regex","pattern":"value ([0-9]+)","unit":"x","better":"higher"}}'
    "$G" bench command --item "$item" --trials 1 --workdir "$work" \
        --container "cpus=1,memory=256MiB,runtime=$engine,image=xenlab-test:dbench" >"$work/cmd.out" 2>"$work/cmd.err"
    grep -q '"variant":"echo-v".*"status":"ok","value":7' "$work/cmd.out" && grep -q "\"container\":\"$engine\"" "$work/cmd.out"
    ok $? "a command workload in a $engine container: $(head -c 300 "$work/cmd.err")"
    # Inputs are bound read-only at the same path ($XENLAB_INPUTS).
    mkdir -p "$work/inputs" && echo "value 9" > "$work/inputs/data.txt"
    item='{"id":"command","name":"in","argv":["cat","'"$work"'/inputs/data.txt"],"metric":{"name":"v","how":"regex","pattern":"value ([0-9]+)","unit":"x","better":"higher"}}'
    XENLAB_INPUTS=$work/inputs "$G" bench command --item "$item" --trials 1 --workdir "$work" \
        --container "cpus=1,memory=256MiB,runtime=$engine,image=xenlab-test:dbench" >"$work/in.out" 2>"$work/in.err"
    grep -q '"variant":"in-v".*"status":"ok","value":9' "$work/in.out"
    ok $? "a command's inputs reach a $engine container: $(head -c 300 "$work/in.err")"
    item='{"id":"command","name":"who","argv":["printenv","XENLAB_REPLICA"],"metric":{"name":"r","how":"regex","pattern":"^([0-9]+)$","unit":"n","better":"higher"}}'
    XENLAB_ARM=vm2 XENLAB_REPLICA=3 XENLAB_RUN=run-7 "$G" bench command --item "$item" --trials 1 --workdir "$work" \
        --container "cpus=1,memory=256MiB,runtime=$engine,image=xenlab-test:dbench" >"$work/who.out" 2>"$work/who.err"
    grep -q '"variant":"who-r".*"status":"ok","value":3' "$work/who.out"
    ok $? "XENLAB_REPLICA reaches a $engine container: $(head -c 300 "$work/who.err")"
else
    echo "ok $((n += 1)) - dbench with 48 clients # SKIP dbench is not installed"
    echo "ok $((n += 1)) - a command workload # SKIP dbench is not installed (its image carries echo)"
    echo "ok $((n += 1)) - a command's inputs # SKIP dbench is not installed (its image carries cat)"
    echo "ok $((n += 1)) - which clone reaches the container # SKIP dbench is not installed (its image carries printenv)"
fi
left=$(eng ps -a --filter name=xenlab- --format '{{.Names}}')
ok $([ -z "$left" ] && echo 0 || echo 1) "no container left (${left:-none})"
tap_done
