/* libvirt domain XML for one clone: a template edited with libxml2. */
#pragma once

#include "domain-spec.h"

/* ov->virt_type (optional) replaces <domain type=...>: "test" for libvirt's
 * test driver, which accepts only its own type. Caller frees *xml_r. */
int xl_domxml_from_template(const char *path, const struct xl_domain_spec *ov, char **xml_r);

/* The one writable disk of a domain's XML (xenlab base add --from-domain): a
 * <disk> of device disk (or lun) without <readonly/>, with target xvda and a
 * file or block source. Its path in *path_r, its <driver type> ("raw" when
 * none) in *format_r; callers free both. what names the domain in errors. */
int xl_domxml_writable_disk(const char *xml, const char *what, char **path_r, char **format_r);
