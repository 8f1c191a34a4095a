/* What one clone's domain is to be, in no toolstack's terms. Each backend
 * turns it into its own configuration: an xl.cfg template read with
 * libxlutil (libxl), a domain XML template edited with libxml2 (libvirt),
 * xe arguments (xapi). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct xl_domain_spec {
    const char *name;
    const char *template;       /* xl.cfg or domain XML; unused where the base is a VM */
    const char *base_ref;       /* the toolstack's own base (xapi: a VM uuid) */
    unsigned vcpus;             /* 0: keep the template's */
    unsigned maxvcpus;          /* 0: max(template's, vcpus) */
    const char *cpus;           /* pCPUs every vCPU is pinned to, "0-3,6" (common/cpuset.h); NULL: keep */
    uint64_t memory_kib;        /* 0: keep */
    uint64_t maxmem_kib;        /* 0: max(template's, memory) */
    uint64_t disk_bytes;        /* a disk the toolstack clones grows to this; 0: keep */
    const char *disk_path;      /* replaces the target of the xvda disk */
    const char *disk_format;    /* "raw" or "qcow2" */
    const char *payload_path;   /* added read-only as xvdb; NULL for none */
    const char *virt_type;      /* libvirt <domain type>; NULL: the template's */
    const char *plan;           /* plan JSON, for a backend that puts it in the domain's config */
};

/* A domain XML template (libvirt) rather than an xl.cfg (libxl): by name,
 * as the templates are named. */
static inline bool xl_template_is_xml(const char *path)
{
    size_t n = strlen(path);

    return n > 4 && strcmp(path + n - 4, ".xml") == 0;
}
