#!/bin/bash
# Build the cached, binary-independent part of the xenlab testbed into $OUT.
#
# Called by `scripts/testbed build` with OUT (an empty directory that is renamed
# into the cache when this script succeeds) and MIRROR (the Debian mirror the host's
# apt uses).  The cache key is a hash of this file and base-packages.txt, so edit
# them and the next `scripts/testbed build` rebuilds; nothing else forces a rebuild.
#
# Produces in $OUT:
#   xen.elf           Debian's xen-hypervisor-4.17-amd64, gunzipped (QEMU multiboot needs ELF)
#   vmlinuz           Debian 12 kernel (dom0 and guests, PV/PVH capable)
#   dom0.cpio         dom0 root as an uncompressed newc initramfs
#   guest-root.img    ext4 guest root (Debian minbase + test tools), shared read-only by guests
#   guest-initrd.gz   guest initramfs base: busybox + modules to mount xvda (the /init comes
#                     from the layer, see scripts/testbed)
#   scratch.img       empty sparse ext4, dom0's /var/lib/xenlab (a fresh qcow2 overlay per boot)
#   versions.txt      package versions in dom0, guest and host
set -euo pipefail
: "${OUT:?}" "${MIRROR:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
SUITE=bookworm
SECURITY_MIRROR=${SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}
T0=$SECONDS; TS=$SECONDS
step() {
    printf '[testbed build] %-58s (previous step %ds, total %ds)\n' "$*" $((SECONDS - TS)) $((SECONDS - T0))
    TS=$SECONDS
}
# Package lists: "dom0:" and "guest:" lines in base-packages.txt (word-split on use).
pkgs() { sed -n "s/^$1:[[:space:]]*//p" "$HERE/base-packages.txt" | tr '\n' ' '; }

W=$OUT/work
mkdir -p "$W/debs"
# apt-get download drops privileges to _apt: let it write there.
chmod 755 "$OUT" "$W"; chown _apt "$W/debs" 2>/dev/null || true
# Unmount anything a failed chroot step left mounted; the caller deletes $OUT on failure.
cleanup() { for r in "$W/dom0" "$W/guest"; do umount -R "$r/proc" 2>/dev/null || true; done; }
trap cleanup EXIT

step "hypervisor and kernel packages (the versions apt would install here)"
KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
KV=${KPKG#linux-image-}
(cd "$W/debs" && apt-get download -q xen-hypervisor-4.17-amd64 "$KPKG" grub-xen-host >/dev/null)
dpkg -x "$W"/debs/xen-hypervisor-4.17-amd64_*.deb "$W/xenpkg"
dpkg -x "$W"/debs/"$KPKG"_*.deb "$W/kpkg"
gunzip -c "$W"/xenpkg/boot/xen-4.17-amd64.gz > "$OUT/xen.elf"
cp "$W/kpkg/boot/vmlinuz-$KV" "$OUT/vmlinuz"
depmod -b "$W/kpkg" "$KV"

step "debootstrap $SUITE minbase from $MIRROR"
debootstrap --variant=minbase "$SUITE" "$W/base" "$MIRROR" > "$W/debootstrap.log" 2>&1 \
    || { tail -20 "$W/debootstrap.log"; exit 1; }
cat > "$W/base/etc/apt/sources.list" <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
SRC
# No init system runs in the chroot: keep maintainer scripts from starting services.
printf '#!/bin/sh\nexit 101\n' > "$W/base/usr/sbin/policy-rc.d"; chmod 755 "$W/base/usr/sbin/policy-rc.d"
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$W/base/etc/apt/apt.conf.d/90xenlab"

step "upgrade to $SUITE-security (tools must match the hypervisor and host libxen-dev)"
chroot "$W/base" apt-get -q update > "$W/apt.log" 2>&1
DEBIAN_FRONTEND=noninteractive chroot "$W/base" apt-get -q -y dist-upgrade >> "$W/apt.log" 2>&1
cp -a "$W/base" "$W/guest"
mv "$W/base" "$W/dom0"

step "dom0 packages: $(pkgs dom0 | wc -w) packages"
mount -t proc proc "$W/dom0/proc"
# shellcheck disable=SC2046
DEBIAN_FRONTEND=noninteractive chroot "$W/dom0" apt-get -q -y install $(pkgs dom0) >> "$W/apt.log" 2>&1 \
    || { tail -30 "$W/apt.log"; exit 1; }
# shellcheck disable=SC2046
DEBIAN_FRONTEND=noninteractive chroot "$W/dom0" apt-get -q -y --no-install-recommends install \
    $(pkgs dom0-norecommends) >> "$W/apt.log" 2>&1 || { tail -30 "$W/apt.log"; exit 1; }
# libvirt-daemon pulls in the QEMU driver, whose init aborts libvirtd without the
# libvirt-qemu user (no libvirt-daemon-system here) and which is useless on Xen.
chroot "$W/dom0" dpkg --force-depends -r libvirt-daemon-driver-qemu >> "$W/apt.log" 2>&1
umount "$W/dom0/proc"

step "guest packages: $(pkgs guest | wc -w) packages"
mount -t proc proc "$W/guest/proc"
# shellcheck disable=SC2046
DEBIAN_FRONTEND=noninteractive chroot "$W/guest" apt-get -q -y install $(pkgs guest) >> "$W/apt.log" 2>&1 \
    || { tail -30 "$W/apt.log"; exit 1; }
umount "$W/guest/proc"

{
    echo "# dom0"; chroot "$W/dom0" dpkg-query -W xen-utils-4.17 libxenmisc4.17 libvirt0 libjson-c5
    echo "# guest"; chroot "$W/guest" dpkg-query -W libxenstore4 libjson-c5 dbench runc
    echo "# hypervisor and kernel"; dpkg-deb -f "$W"/debs/xen-hypervisor-4.17-amd64_*.deb Package Version | paste -sd' '
    dpkg-deb -f "$W"/debs/"$KPKG"_*.deb Package Version | paste -sd' '
    echo "# host"; dpkg-query -W libxen-dev 2>/dev/null || echo "libxen-dev not installed"
} > "$OUT/versions.txt"

# Copy the modules named in base-packages.txt ("dom0-modules:", "guest-modules:") and
# what they depend on from the kernel package into a modules tree.
copy_modules() { # listname destroot
    local f rel
    for m in $(pkgs "$1"); do modprobe -d "$W/kpkg" -S "$KV" --show-depends "$m"; done \
        | awk '$1 == "insmod" { print $2 }' | sort -u | while read -r f; do
            rel=${f#"$W"/kpkg/lib/modules/"$KV"/}
            mkdir -p "$2/lib/modules/$KV/$(dirname "$rel")"
            cp "$f" "$2/lib/modules/$KV/$rel"
        done
    cp "$W/kpkg/lib/modules/$KV"/modules.{order,builtin,builtin.modinfo} "$2/lib/modules/$KV/"
    depmod -b "$2" "$KV"
}
slim() { # root: drop what a testbed never reads
    rm -rf "$1"/var/cache/apt/*.bin "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* \
           "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/info/* "$1"/usr/share/locale/*
}

step "guest root image and guest initramfs base"
copy_modules guest-modules "$W/guest"
cp "$OUT/vmlinuz" "$W/guest/boot/vmlinuz-$KV"
slim "$W/guest"
echo xenlab-guest > "$W/guest/etc/hostname"
truncate -s 2G "$OUT/guest-root.img"
mkfs.ext4 -q -F -L xenlab-guest -d "$W/guest" "$OUT/guest-root.img"
# Guest initramfs base: busybox + the modules to mount an ext4 root on xvda under an overlay.
G=$W/ginit
mkdir -p "$G"/{bin,dev,proc,sys,lower,upper,newroot}
cp /bin/busybox "$G/bin/busybox"
for m in $(pkgs guest-initrd-modules); do modprobe -d "$W/kpkg" -S "$KV" --show-depends "$m"; done \
    | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' > "$W/ginit-mods"
mkdir -p "$G/lib/modules"
while read -r f; do cp "$f" "$G/lib/modules/"; basename "$f" >> "$G/lib/modules/load-order"; done < "$W/ginit-mods"
(cd "$G" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -6 > "$OUT/guest-initrd.gz"

step "dom0 modules and initramfs"
copy_modules dom0-modules "$W/dom0"
cp "$OUT/vmlinuz" "$W/dom0/boot/vmlinuz-$KV"
# pvgrub2 and grub's PVH image, which Debian guests boot their own kernels with: the
# images alone (the package would pull grub-common into dom0's initramfs, past what
# dom0's memory unpacks).
dpkg -x "$W"/debs/grub-xen-host_*.deb "$W/grubpkg"
mkdir -p "$W/dom0/usr/lib/grub-xen"
cp "$W"/grubpkg/usr/lib/grub-xen/*.bin "$W/dom0/usr/lib/grub-xen/"
ln -sf "vmlinuz-$KV" "$W/dom0/boot/vmlinuz-guest"
slim "$W/dom0"
echo xenlab-dom0 > "$W/dom0/etc/hostname"
(cd "$W/dom0" && find . | cpio -o -H newc --quiet) > "$OUT/dom0.cpio"

step "scratch disk (dom0 /var/lib/xenlab)"
truncate -s 32G "$OUT/scratch.img"
mkfs.ext4 -q -F -L xenlab-scratch -E lazy_itable_init=1,lazy_journal_init=1 "$OUT/scratch.img"

rm -rf "$W"
step "done"
