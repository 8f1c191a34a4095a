#!/bin/bash
# Growth in the guest (xenlab-guest grow, what the agent does before a plan
# with grow_root), on real loop devices with the seed's layout: root, then an
# extended partition holding swap, in use. The partition work (swapoff, the
# extended and swap partitions deleted, root grown, the kernel told with
# BLKPG) is checked here; the online resize2fs needs CAP_SYS_RESOURCE, which
# this sandbox may not grant, and is then checked by the xen suite instead.
. "$(dirname "$0")/../tap.sh"
G=${XENLAB_GUEST:?}
if [ "$(id -u)" != 0 ] || ! command -v partx >/dev/null || ! losetup -f >/dev/null 2>&1; then
    skip_all "needs root, partx and a free loop device"
fi
devs=() mnts=()
cleanup() {
    for m in "${mnts[@]}"; do umount "$m" 2>/dev/null; done
    for d in "${devs[@]}"; do
        for p in "$d"p*; do [ -b "$p" ] && swapoff "$p" 2>/dev/null; done
        # Partitions added with BLKPG outlive the loop device: drop them too.
        partx -d "$d" 2>/dev/null
        losetup -d "$d" 2>/dev/null
    done
}
at_exit=cleanup
# CAP_SYS_RESOURCE is bit 24 of the effective set.
caps=$(awk '/^CapEff/ { print $2 }' /proc/self/status)
online_resize=$(( (0x$caps >> 24) & 1 ))

# attach IMG: $dev is a loop device with its partitions (BLKPG: the kernel
# here does not scan loop partitions itself).
attach() {
    dev=$(losetup -f --show "$1") || return 1
    devs+=("$dev")
    partx -d "$dev" 2>/dev/null     # a stale entry from an earlier user of this loop device
    partx -a "$dev" 2>/dev/null
}
psize() { cat "/sys/class/block/$(basename "$1")/size" 2>/dev/null || echo 0; }

# The seed's layout: 40 MiB root, then an extended partition with swap.
img=$work/seed.img
truncate -s 64M "$img"
sfdisk -q "$img" <<'EOF'
label: dos
start=2048, size=40MiB, type=83
type=5
type=82
EOF
truncate -s 128M "$img"      # dom0 grew the disk, not the layout
attach "$img"
mkfs.ext4 -q "${dev}p1" && mkswap -q "${dev}p5" >/dev/null
mkdir -p "$work/root" && mount "${dev}p1" "$work/root" && mnts+=("$work/root")
swapon "${dev}p5" 2>/dev/null && swap_on=1 || swap_on=0
before=$(psize "${dev}p1")
"$G" grow --dir "$work/root" >"$work/out" 2>"$work/err"
rc=$?
table=$(sfdisk -d "$dev")
ok $(grep -qE "^${dev}p(2|5) " <<<"$table" && echo 1 || echo 0) "the extended and swap partitions are gone"
end=$(sfdisk -l -o End "$dev" | awk 'END { print $1 }')
ok $([ "$end" = $((128 * 2048 - 1)) ] && echo 0 || echo 1) "root ends at the disk's last sector ($end)"
ok $([ "$(psize "${dev}p1")" -gt "$before" ] && echo 0 || echo 1) "the kernel knows the new size ($before -> $(psize "${dev}p1") sectors)"
ok $([ ! -b "${dev}p5" ] && [ ! -b "${dev}p2" ] && echo 0 || echo 1) "the kernel dropped the deleted partitions"
if [ $swap_on = 1 ]; then
    ok $(grep -q "${dev}p5" /proc/swaps && echo 1 || echo 0) "the swap in use was turned off first"
else
    echo "ok $((n += 1)) - the swap in use was turned off first # SKIP swapon is refused here"
fi
if [ $online_resize = 1 ]; then
    ok $rc "grow exits 0: $(cat "$work/err")"
    fs=$(df -B1 --output=size "$work/root" | tail -1)
    ok $([ "$fs" -gt $((100 * 1024 * 1024)) ] && echo 0 || echo 1) "the mounted ext4 grew online ($fs bytes)"
else
    ok $([ $rc != 0 ] && grep -q 'growth: resize2fs' "$work/err" && echo 0 || echo 1) \
        "without CAP_SYS_RESOURCE resize2fs's refusal is the one-line reason: $(cat "$work/err")"
    echo "ok $((n += 1)) - the mounted ext4 grew online # SKIP no CAP_SYS_RESOURCE here (xen suite)"
fi
# A second run finds nothing to move.
cp /dev/null "$work/err"
"$G" grow --dir "$work/root" >"$work/out2" 2>"$work/err"
ok $([ "$(sfdisk -d "$dev")" = "$table" ] && echo 0 || echo 1) "a second growth leaves the table as it is"

# Something that is not swap after root: refused, nothing changed.
img2=$work/data.img
truncate -s 64M "$img2"
sfdisk -q "$img2" <<'EOF'
label: dos
start=2048, size=40MiB, type=83
type=83
EOF
truncate -s 128M "$img2"
attach "$img2"
dev2=$dev
mkfs.ext4 -q "${dev2}p1"
mkdir -p "$work/root2" && mount "${dev2}p1" "$work/root2" && mnts+=("$work/root2")
t2=$(sfdisk -d "$dev2")
"$G" grow --dir "$work/root2" >/dev/null 2>"$work/err2"
rc=$?
ok $([ $rc != 0 ] && grep -q "${dev2}p2 follows the root partition and is not swap" "$work/err2" && echo 0 || echo 1) \
    "a data partition after root is refused by name: $(cat "$work/err2")"
ok $([ "$(sfdisk -d "$dev2")" = "$t2" ] && echo 0 || echo 1) "and the table is left as it was"

# Not ext: refused before anything.
"$G" grow --dir /proc >/dev/null 2>"$work/err3"
rc=$?
ok $([ $rc != 0 ] && grep -q 'only ext2/3/4 grow in the guest' "$work/err3" && echo 0 || echo 1) \
    "a non-ext filesystem is refused: $(cat "$work/err3")"
tap_done
