/* What an image file is: format and sizes from `qemu-img info`, and the
 * filesystem inside it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct xl_image_info {
    char format[16];        /* "raw", "qcow2", ... */
    uint64_t virtual_size;  /* bytes the guest sees */
    uint64_t actual_size;   /* bytes allocated on the host */
    char *backing;          /* backing file, or NULL */
};

void xl_image_info_init(struct xl_image_info *i);
void xl_image_info_dispose(struct xl_image_info *i);

/* Runs `qemu-img info --output=json` (read-only, never locks for writing). */
int xl_image_info(const char *image, struct xl_image_info *i_r);

/* "ext4", "ext3", "ext2" or "" (not an ext filesystem) for the filesystem
 * at byte offset in image; read-only. */
int xl_image_fs_type(const char *image, uint64_t offset, char *type, size_t len);
