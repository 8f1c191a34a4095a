/* libvirt domain XML for one clone: a template edited with libxml2. */
#pragma once

#include "domain-spec.h"

/* ov->virt_type (optional) replaces <domain type=...>: "test" for libvirt's
 * test driver, which accepts only its own type. Caller frees *xml_r. */
int xl_domxml_from_template(const char *path, const struct xl_domain_spec *ov, char **xml_r);
