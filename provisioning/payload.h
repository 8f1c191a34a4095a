/* The payload disk: a small ext4 image per clone carrying the agent, the
 * plan and optional tools, attached read-only as the guest's second disk. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

/* The directory of the image that holds a command's inputs; the guest
 * agent mounts the image read-only and gives the commands
 * XENLAB_INPUTS=<mount point>/inputs. */
#define XL_PAYLOAD_INPUTS_DIR "inputs"

struct xl_payload_item {
    const char *src;    /* host file; with input, a file or a directory */
    const char *name;   /* name in the image's root directory, or in inputs/ (no '/') */
    bool input;         /* a command's input: copied into inputs/, directories whole */
};

/* What an input may be: a regular file or a directory (not a symlink),
 * whose tree holds only regular files, directories and symlinks (copied as
 * links, never followed); adds its bytes to *bytes. One line naming the path. */
int xl_payload_input_check(const char *src, uint64_t *bytes);

/* Builds image (which must not exist) with `mkfs.ext4 -d`. */
int xl_payload_build(const char *image, const struct xl_payload_item *items, size_t n);
