/* libvirt domain XML for one clone: a template edited with libxml2. */
#pragma once

#include "domcfg.h"

/* virt_type (optional) replaces <domain type=...>: "test" for libvirt's
 * test driver, which accepts only its own type. Caller frees *xml_r. */
int xl_domxml_from_template(const char *path, const struct xl_domain_overrides *ov, const char *virt_type,
                            char **xml_r);
