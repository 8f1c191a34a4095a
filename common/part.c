#include "part.h"

#include <errno.h>
#include <libfdisk/libfdisk.h>
#include <stdio.h>
#include <string.h>

#include "xl-util.h"

static int open_ctx(const char *image, int readonly, struct fdisk_context **cxt_r)
{
    struct fdisk_context *cxt = fdisk_new_context();
    int r;

    if (!cxt)
        return xl_error(XL_ERR_NOMEM, "%s: cannot allocate a libfdisk context", image);
    r = fdisk_assign_device(cxt, image, readonly);
    if (r < 0) {
        fdisk_unref_context(cxt);
        return xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot open for partition reading", image);
    }
    *cxt_r = cxt;
    return XL_OK;
}

/* Fills l from cxt; the partition that ends last is the one growth can extend. */
static int read_layout(struct fdisk_context *cxt, const char *image, struct xl_part_layout *l)
{
    struct fdisk_table *tb = NULL;
    struct fdisk_iter *itr = NULL;
    struct fdisk_partition *pa;
    uint64_t sector = fdisk_get_sector_size(cxt), best_end = 0;
    int rc, r;

    xl_part_layout_init(l);
    l->disk_size = (uint64_t)fdisk_get_nsectors(cxt) * sector;
    if (!fdisk_has_label(cxt)) {
        l->last_start = 0;
        l->last_size = l->disk_size;
        return XL_OK;
    }
    snprintf(l->label, sizeof(l->label), "%s", fdisk_label_get_name(fdisk_get_label(cxt, NULL)));
    r = fdisk_get_partitions(cxt, &tb);
    if (r < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot read the partition table", image);
        goto out;
    }
    itr = fdisk_new_iter(FDISK_ITER_FORWARD);
    if (!itr) {
        rc = xl_error(XL_ERR_NOMEM, "%s: libfdisk iterator", image);
        goto out;
    }
    while (fdisk_table_next_partition(tb, itr, &pa) == 0) {
        uint64_t start, size;

        if (!fdisk_partition_has_start(pa) || !fdisk_partition_has_size(pa))
            continue;
        /* Logical partitions live inside an extended one: growing the last
         * would mean moving two tables. Report it; callers refuse to grow. */
        if (fdisk_partition_is_nested(pa) || fdisk_partition_is_container(pa)) {
            l->has_extended = true;
            continue;
        }
        start = (uint64_t)fdisk_partition_get_start(pa) * sector;
        size = (uint64_t)fdisk_partition_get_size(pa) * sector;
        l->nparts++;
        if (start + size > best_end) {
            best_end = start + size;
            l->last_partno = (int)fdisk_partition_get_partno(pa);
            l->last_start = start;
            l->last_size = size;
        }
    }
    if (l->last_partno < 0) {
        rc = xl_error(XL_ERR_INVAL, "%s: %s label has no partitions", image, l->label);
        goto out;
    }
    rc = XL_OK;
out:
    fdisk_free_iter(itr);
    fdisk_unref_table(tb);
    return rc;
}

int xl_part_read(const char *image, struct xl_part_layout *l_r)
{
    struct fdisk_context *cxt = NULL;
    int rc;

    rc = open_ctx(image, 1, &cxt);
    if (rc)
        return rc;
    rc = read_layout(cxt, image, l_r);
    fdisk_unref_context(cxt);
    return rc;
}

int xl_part_grow_last(const char *image, struct xl_part_layout *l_r)
{
    struct fdisk_context *cxt = NULL;
    struct fdisk_partition *pa = NULL;
    struct xl_part_layout before;
    int rc, r;

    rc = open_ctx(image, 0, &cxt);
    if (rc)
        return rc;
    rc = read_layout(cxt, image, &before);
    if (rc)
        goto out;
    if (!before.label[0]) {
        rc = xl_error(XL_ERR_INVAL, "%s: no partition table to grow", image);
        goto out;
    }
    if (before.has_extended) {
        rc = xl_error(XL_ERR_INVAL, "%s: has an extended partition; only primary MBR or GPT partitions are grown",
                      image);
        goto out;
    }
    /* libfdisk moves a GPT backup header that is not at the end of the
     * device when it reads the label; writing makes that permanent and
     * extends the last usable LBA, so the partition can follow. */
    pa = fdisk_new_partition();
    if (!pa) {
        rc = xl_error(XL_ERR_NOMEM, "%s: libfdisk partition", image);
        goto out;
    }
    /* Only the end moves (to the last usable sector: the disk's end for
     * MBR, before the relocated backup table for GPT); start, type, UUID
     * and name stay as they are. */
    {
        uint64_t sector = fdisk_get_sector_size(cxt);
        uint64_t start = before.last_start / sector, last = (uint64_t)fdisk_get_last_lba(cxt);

        if (last < start + before.last_size / sector - 1) {
            rc = xl_error(XL_ERR_INVAL, "%s: partition %d already reaches past the end", image, before.last_partno + 1);
            goto out;
        }
        fdisk_partition_set_size(pa, (fdisk_sector_t)(last - start + 1));
    }
    r = fdisk_set_partition(cxt, (size_t)before.last_partno, pa);
    if (r < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot grow partition %d", image, before.last_partno + 1);
        goto out;
    }
    r = fdisk_write_disklabel(cxt);
    if (r < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot write the partition table", image);
        goto out;
    }
    rc = read_layout(cxt, image, l_r);
out:
    fdisk_unref_partition(pa);
    fdisk_unref_context(cxt);
    return rc;
}

/* Swap by the label's own type: MBR 0x82, the GPT Linux swap GUID. */
static bool is_swap(struct fdisk_partition *pa)
{
    struct fdisk_parttype *t = fdisk_partition_get_type(pa);
    const char *guid;

    if (!t)
        return false;
    if (fdisk_parttype_get_code(t) == 0x82)
        return true;
    guid = fdisk_parttype_get_string(t);
    return guid && strcasecmp(guid, "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F") == 0;
}

int xl_part_grow_in_place(const char *disk, size_t partno, xl_part_delete_hook hook, void *arg, bool *grown_r)
{
    struct fdisk_context *cxt = NULL;
    struct fdisk_table *tb = NULL;
    struct fdisk_iter *itr = NULL;
    struct fdisk_partition *pa, *root = NULL, *grow = NULL;
    size_t doomed[16], ndoomed = 0, i;
    bool container[16];
    uint64_t root_start, last;
    int rc, r;

    *grown_r = false;
    rc = open_ctx(disk, 0, &cxt);
    if (rc)
        return rc;
    if (!fdisk_has_label(cxt)) {
        rc = xl_error(XL_ERR_INVAL, "%s: no partition table", disk);
        goto out;
    }
    if (fdisk_get_partition(cxt, partno, &root) < 0 || !fdisk_partition_has_start(root)) {
        rc = xl_error(XL_ERR_INVAL, "%s: no partition %zu", disk, partno + 1);
        goto out;
    }
    root_start = (uint64_t)fdisk_partition_get_start(root);
    r = fdisk_get_partitions(cxt, &tb);
    if (r < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot read the partition table", disk);
        goto out;
    }
    itr = fdisk_new_iter(FDISK_ITER_FORWARD);
    if (!itr) {
        rc = xl_error(XL_ERR_NOMEM, "%s: libfdisk iterator", disk);
        goto out;
    }
    /* What lies after the root partition: only swap, and the extended
     * partition that holds it, may go. */
    while (fdisk_table_next_partition(tb, itr, &pa) == 0) {
        size_t n = fdisk_partition_get_partno(pa);
        xl_autofree char *name = fdisk_partname(disk, n + 1);

        if (n == partno || !fdisk_partition_has_start(pa) || (uint64_t)fdisk_partition_get_start(pa) < root_start)
            continue;
        if (!fdisk_partition_is_container(pa) && !is_swap(pa)) {
            rc = xl_error(XL_ERR_INVAL, "%s: %s follows the root partition and is not swap: left as it is", disk,
                          name ? name : "a partition");
            goto out;
        }
        if (ndoomed == XL_ARRAY_SIZE(doomed)) {
            rc = xl_error(XL_ERR_INVAL, "%s: more than %zu partitions follow the root partition", disk, ndoomed);
            goto out;
        }
        container[ndoomed] = fdisk_partition_is_container(pa);
        doomed[ndoomed++] = n;
    }
    for (i = 0; i < ndoomed; i++) {
        xl_autofree char *name = fdisk_partname(disk, doomed[i] + 1);

        if (!container[i] && hook && name) {
            rc = hook(name, arg);
            if (rc)
                goto out;
        }
    }
    /* Logical partitions first (highest number first), then the extended. */
    for (i = ndoomed; i-- > 0;) {
        r = fdisk_delete_partition(cxt, doomed[i]);
        if (r < 0) {
            rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot delete partition %zu", disk, doomed[i] + 1);
            goto out;
        }
    }
    last = (uint64_t)fdisk_get_last_lba(cxt);
    if (!ndoomed && root_start + (uint64_t)fdisk_partition_get_size(root) - 1 >= last) {
        rc = XL_OK;         /* already reaches the end: nothing to write */
        goto out;
    }
    grow = fdisk_new_partition();
    if (!grow) {
        rc = xl_error(XL_ERR_NOMEM, "%s: libfdisk partition", disk);
        goto out;
    }
    fdisk_partition_set_size(grow, (fdisk_sector_t)(last - root_start + 1));
    r = fdisk_set_partition(cxt, partno, grow);
    if (r < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot grow partition %zu", disk, partno + 1);
        goto out;
    }
    r = fdisk_write_disklabel(cxt);
    if (r < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot write the partition table", disk);
        goto out;
    }
    /* tb is the table as it was: the kernel is told the changes partition
     * by partition (the whole table cannot be reread while / is on it). */
    r = fdisk_reread_changes(cxt, tb);
    if (r < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: the table is written but the kernel was not told (BLKPG)", disk);
        goto out;
    }
    *grown_r = true;
    rc = XL_OK;
out:
    fdisk_unref_partition(grow);
    fdisk_unref_partition(root);
    fdisk_free_iter(itr);
    fdisk_unref_table(tb);
    fdisk_unref_context(cxt);
    return rc;
}

int xl_part_write_dos(const char *image, const struct xl_part_new *parts, size_t n)
{
    struct fdisk_context *cxt = NULL;
    struct fdisk_label *lb;
    size_t i;
    int rc, r;

    rc = open_ctx(image, 0, &cxt);
    if (rc)
        return rc;
    fdisk_disable_dialogs(cxt, 1);
    r = fdisk_create_disklabel(cxt, "dos");
    if (r < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot create an MBR label", image);
        goto out;
    }
    lb = fdisk_get_label(cxt, NULL);
    for (i = 0; i < n; i++) {
        struct fdisk_partition *pa = fdisk_new_partition();
        struct fdisk_parttype *t = fdisk_label_get_parttype_from_code(lb, parts[i].type);

        if (!pa || !t) {
            fdisk_unref_partition(pa);
            rc = xl_error(XL_ERR_FAIL, "%s: partition %zu: type 0x%02x unknown to libfdisk", image,
                          parts[i].partno + 1, parts[i].type);
            goto out;
        }
        fdisk_partition_set_partno(pa, parts[i].partno);
        fdisk_partition_set_start(pa, parts[i].start / 512);
        fdisk_partition_set_size(pa, parts[i].size / 512);
        fdisk_partition_set_type(pa, t);
        r = fdisk_add_partition(cxt, pa, NULL);
        fdisk_unref_partition(pa);
        if (r < 0) {
            rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot add partition %zu", image, parts[i].partno + 1);
            goto out;
        }
    }
    r = fdisk_write_disklabel(cxt);
    if (r < 0)
        rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot write the partition table", image);
out:
    if (cxt) {
        r = fdisk_deassign_device(cxt, 0);
        if (r < 0 && !rc)
            rc = xl_error_errno(XL_ERR_FAIL, -r, "%s: cannot close after writing the table", image);
        fdisk_unref_context(cxt);
    }
    return rc;
}
