/* Base images: registered once, read-only from then on. The registry is a
 * directory of NAME.json files under $XENLAB_STATE_DIR/bases. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "image.h"
#include "part.h"

struct xl_base {
    char *name;
    char *image;            /* absolute path */
    char *template;         /* domain template (xl.cfg or libvirt XML), or NULL */
    struct xl_image_info info;
    struct xl_part_layout layout;   /* raw images only */
    char fs_type[8];        /* of the last partition (raw images), "" if unknown */
    bool is_block;          /* a block device: a logical volume, cloned with lvcreate -s */
    uint64_t file_size;     /* st_size (or device size) when registered */
    int64_t mtime;          /* st_mtime when registered */
    char checksum[17];      /* FNV-1a 64 of the first MiB, hex */
};

void xl_base_init(struct xl_base *b);
void xl_base_dispose(struct xl_base *b);

#define XL_NAME_LEN_MAX 64

/* Names of bases, clones and their domains: 1 to XL_NAME_LEN_MAX of
 * [A-Za-z0-9._-], starting with a letter or digit, so that one is safe as a
 * file name, an LV name, a domain name and an argv word (no option, no
 * "..", no space, newline or shell syntax). `what` starts the message. */
int xl_name_check(const char *what, const char *name);

/* Inspects image read-only and writes the registry entry. A name already
 * registered is an error. */
int xl_base_add(const char *name, const char *image, const char *template, struct xl_base *b_r);
int xl_base_load(const char *name, struct xl_base *b_r);

/* The base a spec names ("base": {"name", "image", "template"}), as a
 * registered name in *name_r (caller frees): the name alone must be
 * registered; with an image it is registered on first use, under the name
 * or else the image's file name without its extension; a registered base of
 * that name with another image is an error naming both. Relative image and
 * template paths are relative to spec_dir. *added_r says it was registered
 * now. */
int xl_base_ensure(const char *name, const char *image, const char *template, const char *spec_dir,
                   char **name_r, bool *added_r);
/* Checks that the image still has the size, mtime and first-MiB checksum
 * seen at registration: clones of a changed base would be silently wrong. */
int xl_base_verify(const struct xl_base *b);
/* Sorted registered names; caller frees each and the array. */
int xl_base_list(char ***names_r, size_t *n_r);

json_object *xl_base_to_json(const struct xl_base *b);
