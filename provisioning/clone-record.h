/* clone.json: the record a clone directory keeps of what provisioning made
 * in it. This module owns the format. The record is read back only to remove
 * the clone, as root, so it is data, not authority: every field is checked
 * against what the run would have made before anything is believed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clone.h"

#define XL_CLONE_RECORD "clone.json"
#define XL_CLONE_RECORD_MAX (64 * 1024)

struct xl_clone_record {
    enum xl_clone_kind kind;
    char *disk;                 /* as recorded, checked (see parse) */
    bool payload;               /* a payload.img was made */
};

void xl_clone_record_init(struct xl_clone_record *rec);
void xl_clone_record_dispose(struct xl_clone_record *rec);

/* What provisioning made, as the record keeps it. */
struct xl_clone_made {
    const char *name;
    const char *base, *base_image;
    const char *dir;            /* the clone's directory: the record goes there */
    const char *disk;
    enum xl_clone_kind kind;
    uint64_t size;
    const char *grow;           /* "offline", "guest" or "none" */
    const char *payload;        /* NULL: none */
    const char *backend;        /* NULL: no domain */
};

/* Writes m->dir/clone.json once the clone's disks are complete. */
int xl_clone_record_write(const struct xl_clone_made *m);

/* Parses text[0..len) (`what` names it in errors) as the record of the clone
 * `name` living in `dir` (clone dir + "/" + name, as the run spelt it). A
 * file disk or payload must be the path the run would have made there
 * (dir/disk.img, dir/disk.qcow2, dir/payload.img) or that plain name; an
 * lvm-snapshot disk must be /dev/VG/name. Anything else, a missing field or
 * one of the wrong type is XL_ERR_INVAL naming what and the JSON path. */
int xl_clone_record_parse(const char *text, size_t len, const char *what, const char *dir, const char *name,
                          struct xl_clone_record *rec);
