#include "backend.h"

#include <string.h>

#include "xl-util.h"

int xl_backend_open(struct xl_backend *be, const char *name, const char *uri)
{
    int rc;

    memset(be, 0, sizeof(*be));
    if (strcmp(name, "libxl") == 0)
        be->ops = &xl_backend_libxl_ops;
    else if (strcmp(name, "libvirt") == 0)
        be->ops = &xl_backend_libvirt_ops;
    else if (strcmp(name, "xapi") == 0)
        be->ops = &xl_backend_xapi_ops;
    else
        return xl_error(XL_ERR_INVAL, "backend \"%s\": use libxl, libvirt or xapi", name);
    if (uri)
        be->uri = xl_strdup(uri);
    rc = be->ops->open(be, uri);
    if (rc) {
        free(be->uri);
        memset(be, 0, sizeof(*be));
    }
    return rc;
}

void xl_backend_close(struct xl_backend *be)
{
    if (!be->ops)
        return;
    be->ops->close(be);
    free(be->uri);
    memset(be, 0, sizeof(*be));
}

int xl_backend_attach(struct xl_backend *be, const char *name)
{
    return be->ops->attach(be, name);
}

int xl_backend_cleanup(struct xl_backend *be)
{
    int rc = XL_OK, r2;

    if (be->created) {
        rc = be->ops->destroy(be);
        if (!rc)
            be->created = false;
    }
    if (be->defined) {
        r2 = be->ops->undefine(be);
        if (!r2)
            be->defined = false;
        else if (!rc)
            rc = r2;
    }
    return rc;
}

int xl_backend_start(struct xl_backend *be, const struct xl_domain_desc *d, xl_plan_hook hook, void *arg)
{
    uint32_t domid = 0;
    int rc;

    rc = be->ops->create_paused(be, d);
    if (rc)
        goto fail;
    if (hook) {
        rc = be->ops->domid(be, &domid);
        if (!rc)
            rc = hook(be, domid, arg);
        if (rc)
            goto fail;
    }
    rc = be->ops->unpause(be);
    if (rc)
        goto fail;
    return XL_OK;
fail:
    rc = xl_error_prefix(rc, "%s: domain %s", be->ops->name, d->name);
    /* Keep the first error: it says why; cleanup failures come second. */
    {
        char *why = xl_strdup(xl_error_message());

        if (xl_backend_cleanup(be))
            xl_error(rc, "%s (and cleanup failed: %s)", why, xl_error_message());
        else
            xl_error(rc, "%s", why);
        free(why);
    }
    return rc;
}
