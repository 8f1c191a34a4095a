#include "backend.h"

#include <stdio.h>
#include <string.h>

#include "backend-drivers.h"
#include "xl-util.h"

/* The first is the default. */
static const struct xl_backend_ops *const drivers[] = {
#ifdef XL_HAVE_LIBXL
    &xl_backend_libxl_ops,
#endif
#ifdef XL_HAVE_LIBVIRT
    &xl_backend_libvirt_ops,
#endif
#ifdef XL_HAVE_XAPI
    &xl_backend_xapi_ops,
#endif
    NULL,
};

const char *xl_backend_list(void)
{
    static char list[64];
    size_t i, n = 0;

    if (list[0])
        return list;
    if (!drivers[0])
        return "none (this build has no backend)";
    for (i = 0; drivers[i]; i++)
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i == 0 ? "" : drivers[i + 1] ? ", " : " or ",
                              drivers[i]->name);
    return list;
}

static const struct xl_backend_ops *lookup(const char *name)
{
    size_t i;

    for (i = 0; drivers[i]; i++)
        if (strcmp(drivers[i]->name, name) == 0)
            return drivers[i];
    return NULL;
}

const struct xl_backend_ops *xl_backend_find(const char *name)
{
    const struct xl_backend_ops *ops = lookup(name);

    if (!ops)
        xl_error(XL_ERR_INVAL, "backend \"%s\": this build has %s", name, xl_backend_list());
    return ops;
}

const char *xl_backend_default(void)
{
    /* With none built, a name that find refuses with the list. */
    return drivers[0] ? drivers[0]->name : "libxl";
}

bool xl_backend_has(const char *name, unsigned flag)
{
    const struct xl_backend_ops *ops = lookup(name);

    return ops && (ops->flags & flag);
}

int xl_backend_check_uri(const char *name, const char *uri)
{
    const struct xl_backend_ops *ops = xl_backend_find(name);

    if (!ops)
        return XL_ERR_INVAL;
    if (!uri || !ops->check_uri)
        return XL_OK;
    return ops->check_uri(uri);
}

int xl_backend_select(struct xl_backend *be, const char *name, const char *uri)
{
    memset(be, 0, sizeof(*be));
    be->ops = xl_backend_find(name);
    if (!be->ops)
        return XL_ERR_INVAL;
    if (uri)
        be->uri = xl_strdup(uri);
    return XL_OK;
}

int xl_backend_open(struct xl_backend *be, const char *name, const char *uri)
{
    int rc;

    rc = xl_backend_select(be, name, uri);
    if (rc)
        return rc;
    rc = be->ops->open(be, uri);
    if (rc) {
        free(be->uri);
        memset(be, 0, sizeof(*be));
    }
    return rc;
}

int xl_backend_prepare(struct xl_backend *be, const struct xl_domain_spec *s, char **config_r,
                       uint64_t *memory_kib_r)
{
    uint64_t kib = 0;
    int rc;

    if (be->prepared)
        be->ops->discard(be);
    rc = be->ops->prepare(be, s, config_r, &kib);
    if (memory_kib_r)
        *memory_kib_r = kib;
    return rc;
}

void xl_domain_source_init(struct xl_domain_source *s)
{
    memset(s, 0, sizeof(*s));
}

void xl_domain_source_dispose(struct xl_domain_source *s)
{
    free(s->disk);
    free(s->disk_format);
    free(s->config);
    xl_domain_source_init(s);
}

int xl_backend_describe(struct xl_backend *be, const char *name, const char *config, struct xl_domain_source *src_r)
{
    xl_domain_source_init(src_r);
    if (!be->ops->describe)
        return xl_error(XL_ERR_INVAL, "the %s backend cannot take a base from a domain", be->ops->name);
    return be->ops->describe(be, name, config, src_r);
}

int xl_backend_host_cpus(struct xl_backend *be, unsigned *n_r)
{
    *n_r = 0;
    if (!be->ops || !be->ops->host_cpus || !be->priv)
        return XL_ERR_NOTFOUND;
    return be->ops->host_cpus(be, n_r);
}

int xl_backend_sample(struct xl_backend *be, struct xl_domain_sample *s)
{
    memset(s, 0, sizeof(*s));
    if (!be->ops || !be->ops->sample || !be->priv)
        return XL_ERR_NOTFOUND;
    return be->ops->sample(be, s);
}

void xl_backend_close(struct xl_backend *be)
{
    if (!be->ops)
        return;
    if (be->prepared)
        be->ops->discard(be);
    if (be->priv)
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

int xl_backend_start(struct xl_backend *be, const char *name, xl_plan_hook hook, void *arg)
{
    uint32_t domid = 0;
    int rc;

    rc = be->ops->create_paused(be, name);
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
    rc = xl_error_prefix(rc, "%s: domain %s", be->ops->name, name);
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
