/* xenlab base add NAME --from-domain DOMAIN: a base taken from an existing
 * domain, as the seed took its "base snapshot" of a VM with the tools
 * installed. The domain must be shut off or paused; it is only read. Its one
 * writable disk (xvda) is snapshotted into $XENLAB_STATE_DIR/bases/NAME.d
 * (or beside its logical volume) and its own configuration becomes the
 * base's template. */
#pragma once

#include "base.h"

struct xl_base_from_domain {
    const char *name;       /* the new base */
    const char *domain;
    const char *backend;    /* NULL: the default backend */
    const char *uri;        /* libvirt: the connection; NULL: xen:///system */
    const char *config;     /* libxl: the domain's xl.cfg; NULL: /etc/xen/DOMAIN.cfg */
};

/* How the disk was taken: "reflink" (extents shared, FICLONE), "sparse-copy",
 * "qcow2-flattened" (a qcow2 with a backing chain, converted into one file)
 * or "lvm-snapshot" (a thin snapshot of the domain's logical volume). */
int xl_base_add_from_domain(const struct xl_base_from_domain *o, struct xl_base *b_r, const char **how_r);
