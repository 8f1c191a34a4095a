#!/bin/bash
# xenlab base build for real: mmdebstrap from the mirror, then the image read back
# with the tools a user would use (sfdisk, blkid, debugfs, e2fsck): the seed's layout
# (root, then an extended partition holding swap at the end), the root's own kernel,
# initramfs and grub.cfg naming its UUID, fstab naming both UUIDs, the agent's unit
# enabled, xenlab-guest installed, the container image kept; then the same recipe is a
# cache hit and a bad one is a one-line error before anything is made.
# Needs root and the Debian mirror: suite base-build, run by name (a few minutes).
#   XENLAB_BASE_BUILD_CACHE=DIR reuses DIR as the state dir (its tree cache survives).
. "$(dirname "$0")/../tap.sh"
X=${XENLAB_CLI:?} G=${XENLAB_GUEST:?} S=${XENLAB_SRCDIR:?}
[ "$(id -u)" = 0 ] || skip_all "needs root (mmdebstrap --mode=root)"
command -v mmdebstrap >/dev/null || skip_all "mmdebstrap is not installed (scripts/install-deps --test installs it)"
export XENLAB_STATE_DIR=${XENLAB_BASE_BUILD_CACHE:-$work/state}
rm -f "$XENLAB_STATE_DIR/bases/bb.json"
t0=$SECONDS
"$X" base build bb --size 2GiB --swap 256MiB --template "$S/templates/debian-pv.cfg" --guest-binary "$G" \
    > "$work/base.json" 2> "$work/progress"
ok $? "base build bb: $(tail -1 "$work/progress")"
echo "# built in $((SECONDS - t0)) s"; sed 's/^/# /' "$work/progress"
img=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["image"])' "$work/base.json" 2>/dev/null)
[ -f "$img" ] || bail "no image in the base's record"
is "registered as a base" bb "$("$X" base list | awk '$1 == "bb" { print $1 }')"
sfdisk --json "$img" > "$work/pt.json" || bail "sfdisk cannot read the table"
# Each line: STATUS WHAT (0 = passed), one check each.
python3 - "$work/pt.json" > "$work/layout" <<'PY'
import json, sys
pt = json.load(open(sys.argv[1]))["partitiontable"]
p = {x["node"][-1]: x for x in pt["partitions"]}
g = lambda k, f: p.get(k, {}).get(f)
checks = [
    (pt["label"] == "dos", "an MBR label"),
    (sorted(p) == ["1", "2", "5"], "partitions 1, 2 (extended) and 5"),
    (g("1", "type") == "83" and g("1", "start") == 2048, "1 is Linux from 1 MiB"),
    (g("2", "type") == "5" and g("2", "start") == g("1", "start") + g("1", "size"), "2 is extended, after the root"),
    (g("5", "type") == "82" and g("5", "size") == 256 * 2048, "5 is 256 MiB of swap"),
    (g("5", "start") is not None and g("5", "start") + g("5", "size") == 2 * 1024 * 2048, "swap ends the 2 GiB disk"),
]
for c, what in checks:
    print(0 if c else 1, "layout:", what)
PY
while read -r st what; do ok "$st" "$what"; done < "$work/layout"
start5=$(python3 -c 'import json,sys; print([x for x in json.load(open(sys.argv[1]))["partitiontable"]["partitions"] if x["node"].endswith("5")][0]["start"] * 512)' "$work/pt.json")
swap_uuid=$(blkid -p -O "$start5" -s UUID -o value "$img")
is "partition 5 holds swap" swap "$(blkid -p -O "$start5" -s TYPE -o value "$img")"
root="$img?offset=1048576"
root_uuid=$(blkid -p -O 1048576 -s UUID -o value "$img")
is "partition 1 holds ext4" ext4 "$(blkid -p -O 1048576 -s TYPE -o value "$img")"
e2fsck -fn "$root" > "$work/fsck" 2>&1; ok $? "e2fsck finds the root clean"
rd() { debugfs -R "cat $1" "$root" 2>/dev/null; }
rd /etc/fstab > "$work/fstab"
check "fstab mounts the root by its UUID" grep -q "^UUID=$root_uuid / ext4" "$work/fstab"
check "fstab names the swap by its UUID" grep -q "^UUID=$swap_uuid none swap" "$work/fstab"
rd /boot/grub/grub.cfg > "$work/grub.cfg"
kv=$(sed -n 's|.*linux /boot/vmlinuz-\([^ ]*\) .*|\1|p' "$work/grub.cfg")
check "grub.cfg boots a kernel by the root's UUID on hvc0" grep -q "root=UUID=$root_uuid ro console=hvc0" "$work/grub.cfg"
for f in "/boot/vmlinuz-$kv" "/boot/initrd.img-$kv" /usr/local/bin/xenlab-guest /usr/share/xenlab/images/debian-bookworm.tar.gz \
         /usr/sbin/dockerd /usr/bin/dbench /usr/sbin/runc /usr/bin/crun /lib/systemd/systemd; do
    debugfs -R "stat $f" "$root" 2>/dev/null | grep -q "Type: regular"; ok $? "the root has $f"
done
debugfs -R "stat /etc/systemd/system/multi-user.target.wants/xenlab-agent.service" "$root" 2>/dev/null \
    | grep -q 'Fast link dest: "/etc/systemd/system/xenlab-agent.service"'; ok $? "the agent's unit is enabled"
check "the unit runs the installed agent" grep -q "^ExecStart=/usr/local/bin/xenlab-guest agent" <(rd /etc/systemd/system/xenlab-agent.service)
! rd /etc/systemd/system/xenlab-agent.service | grep -q "^After=.*docker"; ok $? "the agent waits for no container engine at boot"
rd /etc/systemd/system/containerd.service.d/xenlab-slow-boot.conf | grep -qx TimeoutStartSec=15min &&
    rd /etc/systemd/system/docker.service.d/xenlab-slow-boot.conf | grep -qx TimeoutStartSec=15min
ok $? "containerd and docker get a start timeout a slow first boot can meet"
debugfs -R "dump /usr/local/bin/xenlab-guest $work/guest" "$root" 2>/dev/null
check "xenlab-guest in the image is this build's" cmp -s "$G" "$work/guest"
# The same recipe again: nothing is built.
t1=$SECONDS
"$X" base build bb --size 2GiB --swap 256MiB --template "$S/templates/debian-pv.cfg" --guest-binary "$G" \
    > /dev/null 2> "$work/progress2"
ok $? "the same recipe again"
check "... is a cache hit ($((SECONDS - t1)) s)" grep -q "cached: recipe" "$work/progress2"
# Errors: one line, exit 2, nothing made.
"$X" base build bb2 --size 1GiB --template "$S/templates/debian-pv.cfg" --guest-binary "$G" 2> "$work/err"
is "a disk too small is exit 2" 2 $?
is "... in one line" 1 "$(wc -l < "$work/err")"
"$X" base build bb2 --packages 'dbench;rm' --template "$S/templates/debian-pv.cfg" --guest-binary "$G" 2> "$work/err"
is "a package name that is not one is exit 2" 2 $?
check "... naming it" grep -q '"dbench;rm" is not a Debian package name' "$work/err"
"$X" base build bb2 --mirror http://127.0.0.1:9/debian --no-container-image --template "$S/templates/debian-pv.cfg" \
    --guest-binary "$G" 2> "$work/err"
ok $([ $? = 1 ] && echo 0 || echo 1) "an unreachable mirror is exit 1: $(tail -1 "$work/err")"
check "... saying what could not be fetched" grep -q "Failed to fetch http://127.0.0.1:9/debian" "$work/err"
is "... and leaves no work directory" "" "$(find "$XENLAB_STATE_DIR/base-cache" -maxdepth 2 -name '*.tmp-*')"
is "... nor a base" "" "$("$X" base list | awk '$1 == "bb2"')"
tap_done
