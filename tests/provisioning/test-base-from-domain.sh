#!/bin/bash
# xenlab base add NAME --from-domain DOMAIN against libvirt's test driver,
# which reads domains (and their run state) from a node file: a shut-off
# domain's disk becomes a base (raw, standalone qcow2, qcow2 with a backing
# chain), its XML the template, the domain's disk unchanged; a running
# domain, two writable disks, a disk not at xvda, a network disk, a raw disk
# whose content reads as qcow2 and a taken xvdb are refused with one line,
# exit 2, and leave nothing. The libxl half needs a hypervisor: the xen
# suite's from-domain-libxl test runs it on the testbed.
set -u
CLI=${XENLAB_CLI:?}

. "$(dirname "$0")/../tap.sh"

command -v qemu-img >/dev/null || skip_all "qemu-img not installed"
T=$work
export XENLAB_STATE_DIR=$T/state

# node FILE DOMAIN RUNSTATE DISK-XML...: a test-driver node with one domain.
node() {
    local file=$1 name=$2 state=$3
    shift 3
    cat > "$file" <<EOF
<node>
  <cpu><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads><active>2</active><mhz>2000</mhz><model>x86</model></cpu>
  <memory>8388608</memory>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>$name</name>
    <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
    <memory unit='KiB'>1048576</memory>
    <vcpu>2</vcpu>
    <os><type>xen</type></os>
    <devices>
      $*
      <interface type='network'><mac address='00:16:3e:11:22:33'/><source network='default'/></interface>
    </devices>
    <test:runstate>$state</test:runstate>
  </domain>
</node>
EOF
}
disk() {   # disk FILE FORMAT TARGET [EXTRA]
    echo "<disk type='file' device='disk'><driver name='phy' type='$2'/><source file='$1'/><target dev='$3' bus='xen'/>${4:-}</disk>"
}
cdrom() { echo "<disk type='file' device='cdrom'><source file='$1'/><target dev='$2' bus='xen'/><readonly/></disk>"; }

# take NAME NODE DOMAIN: runs base add --from-domain; output in $T/out, $T/err.
take() {
    "$CLI" base add "$1" --from-domain "$3" --backend libvirt --uri "test://$2" --allow-unsafe-uri >"$T/out" 2>"$T/err"
}
nothing_left() { [ ! -e "$XENLAB_STATE_DIR/bases/$1.json" ] && [ ! -e "$XENLAB_STATE_DIR/bases/$1.d" ]; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/out" "$1"; }

# A raw disk with an MBR and data, as an installed VM's.
truncate -s 64M "$T/vm.img"
printf 'start=2048, type=L\n' | sfdisk -q "$T/vm.img" >/dev/null
printf 'the domain wrote this\n' | dd of="$T/vm.img" bs=1M seek=2 conv=notrunc status=none
sum_before=$(sha256sum < "$T/vm.img")
mtime_before=$(stat -c %Y "$T/vm.img")
node "$T/shutoff.xml" webvm 5 "$(disk "$T/vm.img" raw xvda)" "$(cdrom "$T/cd.iso" xvdc)"

take web "$T/shutoff.xml" webvm
is "a shut-off domain becomes a base" 0 $?
is "its image is a copy in the base's own directory" "$XENLAB_STATE_DIR/bases/web.d/disk.img" "$(field image)"
check "the copy has the domain's bytes" cmp -s "$T/vm.img" "$XENLAB_STATE_DIR/bases/web.d/disk.img"
is "the base's layout is read from the copy" dos "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layout"]["label"])' "$T/out")"
check "says how the disk was taken" grep -Eq 'taken from domain webvm \((reflink|sparse-copy)\)' "$T/err"
check "the template is the domain's own XML" grep -q "<source file='$T/vm.img'/>" "$XENLAB_STATE_DIR/bases/web.d/template.xml"
is "the domain's disk is unchanged" "$sum_before" "$(sha256sum < "$T/vm.img")"
is "the domain's disk was not written" "$mtime_before" "$(stat -c %Y "$T/vm.img")"

# A clone of it: the template's uuid and MAC would clash between clones.
"$CLI" clone web c1 --backend libvirt --uri test:///default --dir "$T/clones" --dry-run >"$T/clone.xml" 2>"$T/err"
is "a clone of it builds" 0 $?
check "the clone's disk is its own" grep -q "file=\"$T/clones/c1/disk.img\"" "$T/clone.xml"
check "the clone has no template uuid" bash -c "! grep -q 6695eb01 '$T/clone.xml'"
check "the clone has no template MAC" bash -c "! grep -q '00:16:3e:11:22:33' '$T/clone.xml'"
check "the clone keeps the read-only cdrom" grep -q "$T/cd.iso" "$T/clone.xml"

take web "$T/shutoff.xml" webvm
is "a name already registered is refused" 2 $?
check "  naming it" grep -q 'base "web" is already registered' "$T/err"

# refused CASE-NAME NODE-FILE DOMAIN MESSAGE-REGEX
refused() {
    take bad "$2" "$3"
    local rc=$?
    is "$1: exit 2" 2 $rc
    check "$1: one line naming it" bash -c "[ \$(wc -l < '$T/err') = 1 ] && grep -Eq '$4' '$T/err'"
    check "$1: nothing left" nothing_left bad
}
node "$T/running.xml" webvm 1 "$(disk "$T/vm.img" raw xvda)"
refused "a running domain" "$T/running.xml" webvm "libvirt domain webvm is running: shut it down or suspend it first"
refused "no such domain" "$T/shutoff.xml" nosuch "no domain nosuch"
truncate -s 8M "$T/data.img"
node "$T/two.xml" webvm 5 "$(disk "$T/vm.img" raw xvda)" "$(disk "$T/data.img" raw xvdb)"
refused "two writable disks" "$T/two.xml" webvm "has 2 writable disks"
node "$T/sda.xml" webvm 5 "$(disk "$T/vm.img" raw sda)"
refused "a disk not at xvda" "$T/sda.xml" webvm "its disk is sda, not xvda"
node "$T/net.xml" webvm 5 "<disk type='network' device='disk'><source protocol='nbd' name='x'><host name='localhost'/></source><target dev='xvda' bus='xen'/></disk>"
refused "a network disk" "$T/net.xml" webvm "its disk is of type network"
qemu-img create -q -f qcow2 "$T/looks-qcow2.img" 64M
node "$T/confused.xml" webvm 5 "$(disk "$T/looks-qcow2.img" raw xvda)"
refused "a raw disk that reads as qcow2" "$T/confused.xml" webvm "says .*looks-qcow2.img is raw, but it reads as qcow2: refused"
node "$T/xvdb.xml" webvm 5 "$(disk "$T/vm.img" raw xvda)" "$(cdrom "$T/cd.iso" xvdb)"
refused "xvdb taken (the payload disk's place)" "$T/xvdb.xml" webvm "cannot make a clone: .*xvdb is taken"

# qcow2: a standalone one is copied; one with a backing chain is flattened.
qemu-img create -q -f qcow2 "$T/vm.qcow2" 64M
node "$T/q.xml" qvm 5 "$(disk "$T/vm.qcow2" qcow2 xvda)"
take q1 "$T/q.xml" qvm
is "a qcow2 domain becomes a base" 0 $?
is "  as a qcow2 file" "$XENLAB_STATE_DIR/bases/q1.d/disk.qcow2" "$(field image)"
qemu-img create -q -f qcow2 -F raw -b "$T/vm.img" "$T/overlay.qcow2"
node "$T/chain.xml" cvm 5 "$(disk "$T/overlay.qcow2" qcow2 xvda)"
take q2 "$T/chain.xml" cvm
is "a qcow2 with a backing file becomes a base" 0 $?
check "  flattened" grep -q '(qcow2-flattened)' "$T/err"
check "  into a standalone file" bash -c "! qemu-img info '$XENLAB_STATE_DIR/bases/q2.d/disk.qcow2' | grep -q 'backing file'"
check "  with the chain's data" bash -c "qemu-img compare -q -f qcow2 -F raw '$XENLAB_STATE_DIR/bases/q2.d/disk.qcow2' '$T/vm.img'"

# The CLI's own checks come before any connection.
"$CLI" base add x --from-domain webvm --template "$T/t.xml" >/dev/null 2>"$T/err"
is "--template with --from-domain is refused" 2 $?
"$CLI" base add x --from-domain webvm --backend libvirt --uri 'qemu+ext:///system?command=/bin/true' >/dev/null 2>"$T/err"
is "an unsafe URI is refused" 2 $?
check "  naming it" grep -q 'qemu+ext' "$T/err"
"$CLI" base add x --from-domain "$(printf 'a\nb')" --backend libvirt --uri test:///default >/dev/null 2>"$T/err"
is "a domain name with a newline is refused" 2 $?
"$CLI" base add x --from-domain webvm --backend libvirt --config /etc/xen/x.cfg --uri test:///default >/dev/null 2>"$T/err"
is "--config with libvirt is refused" 2 $?
check "nothing registered by the refusals" nothing_left x
tap_done
