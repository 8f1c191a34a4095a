/* Copy-on-write clones of a base disk. */
#pragma once

#include "base.h"
#include "bench-params.h"

enum xl_clone_kind {
    XL_CLONE_QCOW2_OVERLAY,   /* qcow2 with the base as backing file */
    XL_CLONE_REFLINK,         /* raw, extents shared with FICLONE */
    XL_CLONE_SPARSE_COPY,     /* raw, data ranges copied, holes kept */
    XL_CLONE_LVM_SNAPSHOT,    /* thin snapshot of a logical volume */
};

const char *xl_clone_kind_name(enum xl_clone_kind k);

/* Where the clone of b named name lives: dir/disk.qcow2, dir/disk.img, or
 * /dev/VG/name for a logical volume. Caller frees. */
char *xl_clone_disk_path(const struct xl_base *b, const char *dir, const char *name);

/* `lvcreate -s -kn -n NAME VG/LV` for a base at /dev/VG/LV; NULL-terminated,
 * caller frees it with xl_argv_free (xl-util.h). */
int xl_clone_lvm_argv(const char *base_dev, const char *name, char ***argv_r);

/* Creates the clone at path (which must not exist). A qcow2 overlay is
 * created at size (when larger than the base) in the same step, saving a
 * `qemu-img resize`; other kinds are grown by grow.c. */
int xl_clone_disk(const struct xl_base *b, const char *path, const char *name, uint64_t size,
                  enum xl_clone_kind *kind_r);

/* Removes what xl_clone_disk created (lvremove for a snapshot). */
int xl_clone_remove(const char *path, enum xl_clone_kind kind);
