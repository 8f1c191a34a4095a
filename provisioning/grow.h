/* Growing a clone: the image, then (raw images, offline) the last partition
 * and its ext filesystem. Other formats leave partition and filesystem to the
 * guest agent, which grows them at first boot. */
#pragma once

#include <stdint.h>

#include "part.h"

/* qemu-img resize (qcow2), ftruncate (raw file) or lvextend (block device).
 * Shrinking is refused: it would cut the guest's filesystem. */
int xl_grow_image(const char *path, const char *format, uint64_t new_size);

/* `lvextend -L <bytes>b DEV`, for tests of the command line. */
int xl_grow_lvm_argv(const char *dev, uint64_t new_size, char ***argv_r);

/* Grows the last partition of a raw image to the image's end (or, without a
 * partition table, treats the whole image as the filesystem) and resizes the
 * ext filesystem in it with resize2fs on an offset loop device. l_r
 * (optional) receives the new layout. */
int xl_grow_raw_fs(const char *path, struct xl_part_layout *l_r);
