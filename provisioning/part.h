/* Partition layout of a raw disk image, read and grown with libfdisk. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct xl_part_layout {
    char label[8];          /* "dos", "gpt", or "" for a whole-disk filesystem */
    unsigned nparts;
    int last_partno;        /* 0-based index of the partition that ends last; -1 if none */
    uint64_t last_start;    /* bytes from the start of the image */
    uint64_t last_size;     /* bytes */
    uint64_t disk_size;     /* bytes, as libfdisk sees the image */
    bool has_extended;      /* MBR extended/logical partitions (not grown offline) */
};

void xl_part_layout_init(struct xl_part_layout *l);

/* Reads the label of image (opened read-only). An image without a label
 * gives label "" and the whole image as the "last partition". */
int xl_part_read(const char *image, struct xl_part_layout *l_r);

/* Grows the last partition of image to the end of the (already grown)
 * image. For GPT the backup header moves to the new end first; nothing else
 * changes. l_r receives the new layout. */
int xl_part_grow_last(const char *image, struct xl_part_layout *l_r);
