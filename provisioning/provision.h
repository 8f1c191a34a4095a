/* One clone, start to finish: preflight, clone the base disk, grow it, build
 * the payload disk, configure the domain and create it through a backend.
 * A failure removes everything this clone had created. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "clone.h"
#include "payload.h"

struct xl_clone_req {
    const char *base;           /* registered base name */
    const char *name;           /* clone and domain name */
    const char *dir;            /* clones live in dir/name/ */
    const char *template;       /* overrides the base's template */
    const char *virt_type;      /* libvirt <domain type>; test:/// URIs get "test" */
    const char *plan;           /* plan JSON, for a backend that carries it in the domain's config */
    unsigned vcpus;             /* 0: the template's */
    const char *cpus;           /* vCPU pinning, "0-3,6"; NULL: the template's */
    uint64_t memory_kib;        /* 0: the template's */
    uint64_t disk_size;         /* 0: the base's size */
    const struct xl_payload_item *payload;
    size_t npayload;
    xl_plan_hook hook;          /* called while the new domain is paused; may be NULL */
    void *hook_arg;
    bool dry_run;               /* print the domain config; create nothing */
    bool no_domain;             /* disks only (benchmarks, offline tests) */
};

struct xl_clone_result {
    char *dir;
    char *disk;
    char *payload;
    char *config;               /* the backend's configuration as text (libxl JSON, domain XML, ...) */
    enum xl_clone_kind kind;
    bool grown_offline;         /* partition + filesystem grown in dom0 */
    bool grow_in_guest;         /* left to the guest agent (plan grow_root), before its plan runs */
};

void xl_clone_result_init(struct xl_clone_result *r);
void xl_clone_result_dispose(struct xl_clone_result *r);

/* $XENLAB_STATE_DIR/clones */
char *xl_clone_default_dir(void);

/* be is opened (or, for dry_run, selected) and may be NULL for no_domain.
 * A backend that clones the base itself (XL_BACKEND_CLONES_BASE) takes the
 * base as its own reference and makes no dom0 disks. On success with a
 * domain, be holds the created, running domain. */
int xl_provision_clone(const struct xl_clone_req *req, struct xl_backend *be, struct xl_clone_result *res);

/* Where a caller (a run, from its journal) expects one of its clones. */
struct xl_clone_place {
    const char *dir;            /* the clone directory the clone was made in */
    const char *name;           /* the clone's name: it is dir/name exactly */
    const char *base;           /* the base it was cloned from, or NULL: the
                                 * volume group an lvm-snapshot must be in */
};

/* Removes the clone xl_provision_clone made at p: its disk (lvremove for a
 * snapshot the record names and the base confirms), payload, record and
 * crash leftovers, by name relative to dir/name opened without following a
 * symlink, then the directory. A missing directory is not an error; a
 * symlink, a record that names anything else, or one that does not parse is
 * XL_ERR_INVAL, with nothing touched. Other entries keep the directory. */
int xl_provision_remove(const struct xl_clone_place *p);
