/* Growth in the guest: dom0 gave the clone a bigger disk but could not grow
 * its filesystem offline (a qcow2 or LVM clone, or the seed's layout with
 * swap in an extended partition after the root). The agent grows it here,
 * mounted, before the plan runs, as the seed did by hand: swap off, the
 * extended and swap partitions removed, the root partition grown to the end
 * of the disk, the kernel told (BLKPG), the ext4 grown online. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct xl_root_growth {
    char device[64];            /* the filesystem's device, /dev/xvda1 */
    char disk[64];              /* its disk, /dev/xvda; "" for a whole-disk filesystem */
    uint64_t fs_before, fs_after;   /* filesystem bytes (statvfs) */
    bool partition_grown;
    bool fs_grown;
};

/* Grows the ext2/3/4 filesystem holding dir (and its partition) to the end
 * of its disk; nothing to do is success. The only programs run are swapoff
 * (the syscall) and resize2fs (an argv). */
int xl_grow_root(const char *dir, struct xl_root_growth *g);

/* True in a Xen domU: /sys/hypervisor/type says xen (or xenbus is there)
 * and /proc/xen does not say this is the control domain. */
bool xl_in_xen_guest(void);
