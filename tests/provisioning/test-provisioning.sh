#!/bin/bash
# Provisioning with real images and tools: raw MBR and GPT bases grown from
# 64 MiB to 256 MiB (partition, ext4, data intact), a qcow2 overlay that
# leaves its base untouched, `base prepare` checked with debugfs, and failed
# clones that leave nothing behind. Needs root and loop devices.
set -u
CLI=${XENLAB_CLI:?}
GUEST=${XENLAB_GUEST:?}
SRC=${XENLAB_SRCDIR:?}

. "$(dirname "$0")/../tap.sh"
quiet() { "$@" >/dev/null; }

[ "$(id -u)" = 0 ] || skip_all "needs root (loop devices, debugfs on images)"
for t in losetup sfdisk mkfs.ext4 debugfs e2fsck dumpe2fs qemu-img qemu-io; do
    command -v $t >/dev/null || skip_all "$t not installed"
done
probe=$(mktemp)
truncate -s 1M "$probe"
dev=$(losetup --show -f "$probe" 2>/dev/null) || { rm -f "$probe"; skip_all "no loop devices"; }
losetup -d "$dev"
rm -f "$probe"

T=$work
at_exit='mountpoint -q "$T/tiny" && umount "$T/tiny"'
export XENLAB_STATE_DIR=$T/state
CLONES=$T/clones
MiB=1048576

# part_field IMG FIELD: start or size (sectors) of the last partition.
part_field() { sfdisk -d "$1" | sed -n "s/.*[ ,]$2= *\([0-9]*\).*/\1/p" | tail -1; }
# on_part IMG CMD...: runs CMD with $DEV set to a loop device over the last partition.
on_part() {
    local img=$1; shift
    local start size d rc
    start=$(part_field "$img" start); size=$(part_field "$img" size)
    d=$(losetup --show -f -o $((start * 512)) --sizelimit $((size * 512)) "$img") || return 1
    DEV=$d "$@"; rc=$?
    losetup -d "$d"
    return $rc
}
fs_bytes() { dumpe2fs -h "$DEV" 2>/dev/null | awk -F: '/^Block count/{c=$2} /^Block size/{b=$2} END{print c*b}'; }

# make_image IMG LABEL: 64 MiB, one Linux partition from 1 MiB, ext4, a file.
make_image() {
    truncate -s 64M "$1"
    printf 'label: %s\nstart=2048, type=L\n' "$2" | sfdisk -q "$1" >/dev/null
    on_part "$1" bash -c 'mkfs.ext4 -q -F "$DEV" && printf "written before the clone\n" > '"$T"'/hello &&
        debugfs -w -R "write '"$T"'/hello hello.txt" "$DEV" >/dev/null 2>&1'
}

for label in dos gpt; do
    img=$T/base-$label.img
    make_image "$img" $label
    sum_before=$(sha256sum < "$img")
    check "$label: base add" quiet "$CLI" base add $label "$img" --template "$SRC/templates/debian-pv.cfg"
    out=$("$CLI" clone $label c-$label --no-domain --disk 256M --dir "$CLONES" 2>&1)
    check "$label: clone --disk 256M ($out)" test $? = 0
    c=$CLONES/c-$label/disk.img
    check "$label: clone is 256 MiB" test "$(stat -c %s "$c")" = $((256 * MiB))
    start=$(part_field "$c" start); size=$(part_field "$c" size)
    if [ $label = dos ]; then want_end=$((256 * 2048)); else want_end=$((256 * 2048 - 33)); fi
    check "$label: last partition ends at the disk's end (end sector $((start + size)), want $want_end)" \
        test $((start + size)) = $want_end
    check "$label: partition start unchanged" test "$start" = 2048
    if [ $label = gpt ]; then
        lastlba=$(sfdisk -d "$c" | sed -n 's/^last-lba: //p')
        check "gpt: last usable LBA moved to the new end ($lastlba)" test "$lastlba" = $((256 * 2048 - 34))
        check "gpt: sfdisk --verify finds no errors" bash -c "sfdisk --verify '$c' 2>&1 | grep -q 'No errors detected'"
        check "gpt: backup header in the last sector" test "$(tail -c 512 "$c" | head -c 8)" = "EFI PART"
        check "gpt: partition UUID and type unchanged" test "$(sfdisk -d "$c" | grep '^/\|img1' | sed 's/.*type=//')" = \
            "$(sfdisk -d "$img" | grep 'img1' | sed 's/.*type=//')"
    fi
    fsb=$(on_part "$c" fs_bytes)
    check "$label: ext4 grew to the partition ($fsb bytes, partition $((size * 512)))" \
        test "$fsb" -gt $((250 * MiB)) -a "$fsb" -le $((size * 512))
    check "$label: e2fsck -fn clean" on_part "$c" bash -c 'e2fsck -fn "$DEV" >/dev/null 2>&1'
    got=$(on_part "$c" bash -c 'debugfs -R "cat /hello.txt" "$DEV" 2>/dev/null')
    check "$label: file written before is intact" test "$got" = "written before the clone"
    check "$label: base unchanged" test "$(sha256sum < "$img")" = "$sum_before"
    check "$label: clone record says grown offline" grep -q '"grow": "offline"' "$CLONES/c-$label/clone.json"
done

# MBR with an extended partition: not grown offline, left to the guest, table untouched.
ext=$T/base-ext.img
truncate -s 64M "$ext"
printf 'label: dos\nstart=2048, size=20M, type=L\nstart=43008, type=5\nstart=45056, type=L\n' | sfdisk -q "$ext" >/dev/null
check "extended: base add" quiet "$CLI" base add ext "$ext"
check "extended: clone --disk 128M" quiet "$CLI" clone ext cext --no-domain --disk 128M --dir "$CLONES"
check "extended: partition table untouched" test "$(sfdisk -d "$CLONES/cext/disk.img" | grep -c 'start=')" = 3 -a \
    "$(part_field "$CLONES/cext/disk.img" size)" = "$(part_field "$ext" size)"
check "extended: the guest agent grows it" grep -q '"grow": "guest"' "$CLONES/cext/clone.json"

# qcow2: an overlay with the base as backing file; the base never changes.
qemu-img convert -O qcow2 "$T/base-dos.img" "$T/base.qcow2"
qsum=$(sha256sum < "$T/base.qcow2")
check "qcow2: base add" quiet "$CLI" base add q "$T/base.qcow2"
check "qcow2: clone" quiet "$CLI" clone q cq --no-domain --disk 256M --dir "$CLONES"
cq=$CLONES/cq/disk.qcow2
info=$(qemu-img info -U --output=json "$cq")
check "qcow2: overlay keeps its backing file" \
    python3 -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit(d['backing-filename'] != sys.argv[2] or d['virtual-size'] != 256*1048576)" "$info" "$T/base.qcow2"
check "qcow2: write into the clone" bash -c "qemu-io -f qcow2 -c 'write -P 0xab 1M 4M' '$cq' >/dev/null"
check "qcow2: base checksum unchanged after the clone was written" test "$(sha256sum < "$T/base.qcow2")" = "$qsum"
check "qcow2: the guest agent grows partition and filesystem" grep -q '"grow": "guest"' "$CLONES/cq/clone.json"

# base list shows all three.
list=$("$CLI" base list)
check "base list names every base" bash -c "echo '$list' | grep -q '^dos ' && echo '$list' | grep -q '^gpt ' && echo '$list' | grep -q '^q '"
check "base add refuses a second registration" bash -c "! '$CLI' base add dos '$T/base-dos.img' 2>/dev/null"

# base prepare: agent + unit + enabled symlink, offline.
prep=$T/prep.img
make_image "$prep" dos
check "base prepare" "$CLI" base prepare "$prep" --guest-binary "$GUEST"
ls_bin=$(on_part "$prep" bash -c 'debugfs -R "stat /usr/local/bin/xenlab-guest" "$DEV" 2>/dev/null')
check "prepare: /usr/local/bin/xenlab-guest is there, mode 0755, full size" \
    bash -c "echo '$ls_bin' | grep -q 'Mode:  0755' && echo '$ls_bin' | grep -q 'Size: $(stat -c %s "$GUEST")\$'"
unit=$(on_part "$prep" bash -c 'debugfs -R "cat /etc/systemd/system/xenlab-agent.service" "$DEV" 2>/dev/null')
check "prepare: unit installed" grep -q '^ExecStart=/usr/local/bin/xenlab-guest agent' <<<"$unit"
link=$(on_part "$prep" bash -c 'debugfs -R "stat /etc/systemd/system/multi-user.target.wants/xenlab-agent.service" "$DEV" 2>/dev/null')
check "prepare: unit enabled (multi-user.target.wants symlink)" \
    bash -c "echo '$link' | grep -q 'Fast link dest: \"/etc/systemd/system/xenlab-agent.service\"'"
check "prepare: e2fsck -fn clean" on_part "$prep" bash -c 'e2fsck -fn "$DEV" >/dev/null 2>&1'
check "prepare: running it again replaces the files" quiet "$CLI" base prepare "$prep" --guest-binary "$GUEST"
check "prepare again: e2fsck -fn clean" on_part "$prep" bash -c 'e2fsck -fn "$DEV" >/dev/null 2>&1'
check "prepare: --unit with @BINDIR@ (guest-payload's unit)" \
    quiet "$CLI" base prepare "$prep" --guest-binary "$GUEST" --unit "$SRC/guest-payload/xenlab-agent.service"
unit=$(on_part "$prep" bash -c 'debugfs -R "cat /etc/systemd/system/xenlab-agent.service" "$DEV" 2>/dev/null')
check "prepare: @BINDIR@ became /usr/local/bin" grep -q '^ExecStart=/usr/local/bin/xenlab-guest agent' <<<"$unit"
link=$(on_part "$prep" bash -c 'debugfs -R "stat /etc/systemd/system/multi-user.target.wants/xenlab-agent.service" "$DEV" 2>/dev/null')
check "prepare: that unit is enabled too" bash -c "echo '$link' | grep -q 'Fast link dest: \"/etc/systemd/system/xenlab-agent.service\"'"
# A base prepared when the unit was called xenlab-guest.service: preparing it
# again leaves one unit, not two agents.
cp "$SRC/guest-payload/xenlab-agent.service" "$T/xenlab-guest.service"
quiet "$CLI" base prepare "$prep" --guest-binary "$GUEST" --unit "$T/xenlab-guest.service"
check "prepare: a unit named xenlab-guest.service is installed as given" \
    on_part "$prep" bash -c 'debugfs -R "stat /etc/systemd/system/multi-user.target.wants/xenlab-guest.service" "$DEV" 2>/dev/null | grep -q "Fast link dest"'
quiet "$CLI" base prepare "$prep" --guest-binary "$GUEST"
old=$(on_part "$prep" bash -c 'for d in /etc/systemd/system /etc/systemd/system/multi-user.target.wants; do
    debugfs -R "ls -l $d" "$DEV" 2>/dev/null; done')
check "prepare: the old xenlab-guest.service and its link are gone" bash -c "! echo '$old' | grep -q 'xenlab-guest.service'"
check "prepare: xenlab-agent.service is still there" bash -c "echo '$old' | grep -q 'xenlab-agent.service'"
check "prepare after the rename: e2fsck -fn clean" on_part "$prep" bash -c 'e2fsck -fn "$DEV" >/dev/null 2>&1'
whole=$T/whole.img
truncate -s 32M "$whole"; mkfs.ext4 -q -F "$whole"
check "prepare: whole-disk ext4" "$CLI" base prepare "$whole" --guest-binary "$GUEST"
check "prepare: whole-disk files present" bash -c "debugfs -R 'ls -l /usr/local/bin' '$whole' 2>/dev/null | grep -q xenlab-guest"

# Payload disk + libvirt test driver: a whole clone that succeeds.
printf 'client.txt stand-in\n' > "$T/client.txt"
out=$("$CLI" clone dos cv --backend libvirt --uri test:///default --template "$SRC/templates/debian-pv.xml" \
    --vcpus 2 --memory 512M --disk 128M --dir "$CLONES" --payload "$GUEST" --payload "$T/client.txt" 2>&1)
check "libvirt test driver: whole clone ($out)" test $? = 0
pl=$(debugfs -R "ls -l /" "$CLONES/cv/payload.img" 2>/dev/null)
check "payload disk holds the agent and client.txt" bash -c "echo '$pl' | grep -q xenlab-guest && echo '$pl' | grep -q client.txt"
check "payload disk: e2fsck -fn clean" bash -c "e2fsck -fn '$CLONES/cv/payload.img' >/dev/null 2>&1"

# Dry run prints libxl's JSON and creates nothing.
out=$("$CLI" clone dos dry --dry-run --vcpus 3 --memory 768M --dir "$CLONES" 2>&1)
check "dry-run prints libxl JSON with the clone's disk" bash -c "echo '$out' | grep -q '\"pdev_path\": \"$CLONES/dry/disk.img\"'"
check "dry-run creates nothing" test ! -e "$CLONES/dry"

# Failed clones leave nothing behind.
"$CLI" clone dos small --no-domain --disk 32M --dir "$CLONES" 2>"$T/err"; rc=$?
check "disk smaller than the base: exit 2 ($(cat "$T/err"))" test $rc = 2
check "  ...and nothing left" test ! -e "$CLONES/small"
printf '<domain type="xen"><name>x</name><memory>1048576</memory><vcpu>1</vcpu><os><type>xen</type></os><on_crash>explode</on_crash><devices><disk type="file" device="disk"><source file="/x"/><target dev="xvda" bus="xen"/></disk></devices></domain>\n' > "$T/bad.xml"
"$CLI" clone dos badxml --backend libvirt --uri test:///default --template "$T/bad.xml" --disk 128M \
    --dir "$CLONES" --payload "$T/client.txt" 2>"$T/err"; rc=$?
check "libvirt refuses the domain after the disks exist: exit 1 ($(cat "$T/err"))" test $rc = 1
check "  ...and no disk, payload or directory is left" test ! -e "$CLONES/badxml"
"$CLI" clone dos huge --backend libvirt --uri test:///default --template "$SRC/templates/debian-pv.xml" \
    --memory 64TiB --dir "$CLONES" 2>"$T/err"; rc=$?
check "preflight refuses 64 TiB of memory: $(cat "$T/err")" bash -c "test $rc = 1 && grep -q 'needs 64 TiB of memory' '$T/err'"
check "  ...and nothing left" test ! -e "$CLONES/huge"
mkdir -p "$T/tiny"
mount -t tmpfs -o size=4M tmpfs "$T/tiny"
dd if=/dev/urandom of="$T/rand" bs=1M count=8 status=none
on_part "$T/base-dos.img" bash -c 'debugfs -w -R "write '"$T"'/rand rand" "$DEV" >/dev/null 2>&1' # changes the base...
"$CLI" clone dos tiny --no-domain --dir "$T/tiny" 2>"$T/err"; rc=$?
check "a changed base is refused: $(cat "$T/err")" bash -c "test $rc = 2 && grep -q 'changed since it was registered' '$T/err'"
"$CLI" base add dos2 "$T/base-dos.img" >/dev/null
"$CLI" clone dos2 tiny --no-domain --dir "$T/tiny" 2>"$T/err"; rc=$?
check "preflight refuses a clone dir without room: $(cat "$T/err")" bash -c "test $rc = 1 && grep -q 'of disk, $T/tiny has' '$T/err'"
check "  ...and nothing left" test -z "$(ls -A "$T/tiny")"

tap_done
