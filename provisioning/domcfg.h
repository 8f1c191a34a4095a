/* Domain configuration for one clone: an xl.cfg template read with libxlutil
 * into a libxl_domain_config, with the arm's values put over it. */
#pragma once

#include <libxl.h>
#include <stdint.h>

struct xl_domain_overrides {
    const char *name;
    unsigned vcpus;             /* 0: keep the template's */
    unsigned maxvcpus;          /* 0: max(template's, vcpus) */
    uint64_t memory_kib;        /* 0: keep */
    uint64_t maxmem_kib;        /* 0: max(template's, memory) */
    const char *disk_path;      /* replaces the target of the xvda disk */
    const char *disk_format;    /* "raw" or "qcow2" */
    const char *payload_path;   /* added read-only as xvdb; NULL for none */
};

/* Parses the template into cfg (which this initialises; dispose it with
 * libxl_domain_config_dispose even on failure). */
int xl_domcfg_from_xlcfg(const char *path, const struct xl_domain_overrides *ov, libxl_domain_config *cfg);

/* libxl's own JSON for cfg, as `xl create -n` prints it. Caller frees. */
int xl_domcfg_to_json(libxl_domain_config *cfg, char **json_r);
