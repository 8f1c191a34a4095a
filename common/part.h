/* Partition layout of a raw disk image or a disk, read and grown with
 * libfdisk: offline by dom0 (an image), in place by the guest agent (its
 * own disk, mounted). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct xl_part_layout {
    char label[8];          /* "dos", "gpt", or "" for a whole-disk filesystem */
    unsigned nparts;
    int last_partno;        /* 0-based index of the partition that ends last; -1 if none */
    uint64_t last_start;    /* bytes from the start of the image */
    uint64_t last_size;     /* bytes */
    uint64_t disk_size;     /* bytes, as libfdisk sees the image */
    bool has_extended;      /* MBR extended/logical partitions (not grown offline) */
};

/* Inline: part.c and part-none.c (the build without libfdisk) share it. */
static inline void xl_part_layout_init(struct xl_part_layout *l)
{
    memset(l, 0, sizeof(*l));
    l->last_partno = -1;
}

/* Reads the label of image (opened read-only). An image without a label
 * gives label "" and the whole image as the "last partition". */
int xl_part_read(const char *image, struct xl_part_layout *l_r);

/* Grows the last partition of image to the end of the (already grown)
 * image. For GPT the backup header moves to the new end first; nothing else
 * changes. l_r receives the new layout. */
int xl_part_grow_last(const char *image, struct xl_part_layout *l_r);

/* One partition of a new MBR table: partno is 0-based (0-3 primary, 4+
 * logical, inside the extended one), start and size in bytes (multiples of
 * 512), type the MBR type code (0x83 Linux, 0x82 swap, 0x05 extended). */
struct xl_part_new {
    size_t partno;
    uint64_t start, size;
    unsigned type;
};
/* Writes a new DOS label holding parts (in order: an extended partition
 * before its logicals) onto image, which must be big enough; replaces any
 * label there. What else the image holds is not touched. */
int xl_part_write_dos(const char *image, const struct xl_part_new *parts, size_t n);

/* Called for each partition xl_part_grow_in_place is about to delete, with
 * its device name (/dev/xvda5); a swap partition in use must be turned off
 * here. Non-zero stops the growth with nothing changed. */
typedef int (*xl_part_delete_hook)(const char *devname, void *arg);

/* Grows partition partno (0-based) of disk, which is in use, to the end of
 * the disk, as the seed did by hand: what follows it may only be swap (an
 * MBR extended partition holding swap logicals, or a swap partition), which
 * is deleted first (hook called for each). The kernel is told of every
 * change with BLKPG, so the mounted filesystem can grow online after.
 * Anything else after partno is XL_ERR_INVAL naming it, nothing changed.
 * *grown_r is false when partno already reached the end. */
int xl_part_grow_in_place(const char *disk, size_t partno, xl_part_delete_hook hook, void *arg,
                          bool *grown_r);
