/* The payload disk: a small ext4 image per clone carrying the agent, the
 * plan and optional tools, attached read-only as the guest's second disk. */
#pragma once

#include <stddef.h>

struct xl_payload_item {
    const char *src;    /* host file */
    const char *name;   /* name in the image's root directory (no '/') */
};

/* Builds image (which must not exist) with `mkfs.ext4 -d`. */
int xl_payload_build(const char *image, const struct xl_payload_item *items, size_t n);
