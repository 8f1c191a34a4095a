/* Domain configuration for one clone: an xl.cfg template read with libxlutil
 * into a libxl_domain_config, with the arm's values put over it. */
#pragma once

#include <libxl.h>
#include <stdint.h>

#include "domain-spec.h"


/* Parses the template into cfg (which this initialises; dispose it with
 * libxl_domain_config_dispose even on failure). */
int xl_domcfg_from_xlcfg(const char *path, const struct xl_domain_spec *ov, libxl_domain_config *cfg);

/* libxl's own JSON for cfg, as `xl create -n` prints it. Caller frees. */
int xl_domcfg_to_json(libxl_domain_config *cfg, char **json_r);

/* For xenlab base add --from-domain: the name an xl.cfg gives and its one
 * writable disk (a disk that is neither a cdrom nor read-only), which must be
 * xvda: its target path and "raw" or "qcow2". Callers free all three. */
int xl_domcfg_writable_disk(const char *path, char **name_r, char **disk_r, char **format_r);
