/* libxl backend: direct, as xl does. It needs a hypervisor, so it runs on
 * the Xen testbed only; here it is compiled, not exercised. */
#include <libxl.h>
#include <libxl_utils.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xentoollog.h>

#include "backend-drivers.h"
#include "backend.h"
#include "create-retry.h"
#include "domcfg.h"
#include "xl-util.h"

struct xlx_priv {
    xentoollog_logger_stdiostream *log;
    libxl_ctx *ctx;
    uint32_t domid;
    libxl_evgen_domain_death *death;
};

static struct xlx_priv *P(struct xl_backend *be)
{
    return be->priv;
}

static int xlx_err(int r, const char *what, uint32_t domid)
{
    return xl_error(XL_ERR_FAIL, "libxl: %s domain %u failed (libxl error %d)", what, domid, r);
}

static int xlx_open(struct xl_backend *be, const char *uri)
{
    struct xlx_priv *p = xl_calloc(1, sizeof(*p));
    int r;

    if (uri) {
        free(p);
        return xl_error(XL_ERR_INVAL, "libxl backend: takes no URI (got %s)", uri);
    }
    p->domid = INVALID_DOMID;
    p->log = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
    r = libxl_ctx_alloc(&p->ctx, LIBXL_VERSION, 0, (xentoollog_logger *)p->log);
    if (r) {
        if (p->log)
            xtl_logger_destroy((xentoollog_logger *)p->log);
        free(p);
        return xl_error(XL_ERR_FAIL, "libxl: cannot open a context (error %d): is this a Xen dom0?", r);
    }
    be->priv = p;
    return XL_OK;
}

static void xlx_close(struct xl_backend *be)
{
    struct xlx_priv *p = P(be);

    if (!p)
        return;
    if (p->death)
        libxl_evdisable_domain_death(p->ctx, p->death);
    libxl_ctx_free(p->ctx);
    if (p->log)
        xtl_logger_destroy((xentoollog_logger *)p->log);
    free(p);
    be->priv = NULL;
}

static int xlx_host_cpus(struct xl_backend *be, unsigned *n_r)
{
    libxl_physinfo info;
    int r;

    libxl_physinfo_init(&info);
    r = libxl_get_physinfo(P(be)->ctx, &info);
    if (!r)
        *n_r = info.nr_cpus;
    libxl_physinfo_dispose(&info);
    return r ? xl_error(XL_ERR_FAIL, "libxl: physinfo failed (libxl error %d)", r) : XL_OK;
}

static int xlx_free_memory(struct xl_backend *be, uint64_t *kib_r)
{
    libxl_physinfo info;
    int r;

    libxl_physinfo_init(&info);
    r = libxl_get_physinfo(P(be)->ctx, &info);
    if (r) {
        libxl_physinfo_dispose(&info);
        return xl_error(XL_ERR_FAIL, "libxl: physinfo failed (libxl error %d)", r);
    }
    /* Scrubbing pages become free soon; count them as xl does. */
    *kib_r = (info.free_pages + info.scrub_pages) * 4;
    libxl_physinfo_dispose(&info);
    return XL_OK;
}

/* libxl reports a failed hotplug script (seen under a slow dom0, where the
 * block script times out) as plain ERROR_FAIL, and so it reports any failure
 * after the domain got an id: it has destroyed that domain itself by then
 * (domcreate_complete), so a retry starts clean. Other codes are not retried. */
static bool xlx_create_transient(int r)
{
    return r == ERROR_FAIL;
}

struct xlx_create {
    struct xlx_priv *p;
    libxl_domain_config *cfg;
    uint32_t domid;
};

static int xlx_create_once(void *arg)
{
    struct xlx_create *c = arg;

    c->domid = INVALID_DOMID;
    /* libxl leaves a new domain paused; xl unpauses it unless -p. */
    return libxl_domain_create_new(c->p->ctx, c->cfg, &c->domid, NULL, NULL);
}

/* The template is an xl.cfg file, read with libxlutil as xl reads it. */
static int xlx_prepare(struct xl_backend *be, const struct xl_domain_spec *s, char **config_r, uint64_t *memory_kib_r)
{
    libxl_domain_config *cfg;
    int rc;

    if (!s->template)
        return xl_error(XL_ERR_INVAL, "clone %s: the libxl backend needs an xl.cfg template", s->name);
    if (xl_template_is_xml(s->template))
        return xl_error(XL_ERR_INVAL, "%s: the libxl backend needs an xl.cfg template", s->template);
    cfg = xl_calloc(1, sizeof(*cfg));
    rc = xl_domcfg_from_xlcfg(s->template, s, cfg);
    if (!rc)
        rc = xl_domcfg_to_json(cfg, config_r);
    if (rc) {
        libxl_domain_config_dispose(cfg);
        free(cfg);
        return rc;
    }
    *memory_kib_r = cfg->b_info.target_memkb;
    be->prepared = cfg;
    return XL_OK;
}

static void xlx_discard(struct xl_backend *be)
{
    libxl_domain_config *cfg = be->prepared;

    if (!cfg)
        return;
    libxl_domain_config_dispose(cfg);
    free(cfg);
    be->prepared = NULL;
}

static int xlx_create_paused(struct xl_backend *be, const char *name)
{
    struct xlx_priv *p = P(be);
    struct xlx_create c = { .p = p, .cfg = be->prepared, .domid = INVALID_DOMID };
    struct xl_create_retry retry = { .name = name, .why = "a hotplug script timing out",
                                     .attempt = xlx_create_once, .transient = xlx_create_transient, .arg = &c };
    int r, tries;

    if (!c.cfg)
        return xl_error(XL_ERR_INVAL, "libxl: no domain config for %s", name);
    r = xl_create_retry_run(&retry, &tries);
    /* A failed create has destroyed its domain already (see above): only a
     * domain that was made is ours to destroy later. */
    if (r == 0 && c.domid != (uint32_t)INVALID_DOMID) {
        p->domid = c.domid;
        be->created = true;
    }
    if (r && tries > 1)
        return xl_error(XL_ERR_FAIL, "libxl: creating %s failed (libxl error %d) on try %d of %d: libxl's "
                        "messages above say which step (a hotplug script timing out under a slow dom0 is the "
                        "usual one)", name, r, tries, XL_CREATE_ATTEMPTS);
    if (r)
        return xl_error(XL_ERR_FAIL, "libxl: creating %s failed (libxl error %d)", name, r);
    r = libxl_evenable_domain_death(p->ctx, c.domid, 0, &p->death);
    if (r)
        return xlx_err(r, "watching", c.domid);
    return XL_OK;
}

static int xlx_unpause(struct xl_backend *be)
{
    int r = libxl_domain_unpause(P(be)->ctx, P(be)->domid, NULL);

    return r ? xlx_err(r, "unpausing", P(be)->domid) : XL_OK;
}

static int xlx_set_vcpus(struct xl_backend *be, unsigned vcpus)
{
    libxl_bitmap map;
    unsigned i;
    int r;

    libxl_bitmap_init(&map);
    r = libxl_cpu_bitmap_alloc(P(be)->ctx, &map, (int)vcpus);
    if (r)
        return xlx_err(r, "vcpu map for", P(be)->domid);
    for (i = 0; i < vcpus; i++)
        libxl_bitmap_set(&map, (int)i);
    r = libxl_set_vcpuonline(P(be)->ctx, P(be)->domid, &map, NULL);
    libxl_bitmap_dispose(&map);
    return r ? xlx_err(r, "setting vcpus of", P(be)->domid) : XL_OK;
}

static int xlx_set_memory(struct xl_backend *be, uint64_t kib)
{
    int r = libxl_set_memory_target(P(be)->ctx, P(be)->domid, (int64_t)kib, 0, 1);

    return r ? xlx_err(r, "setting memory of", P(be)->domid) : XL_OK;
}

static int xlx_destroy(struct xl_backend *be)
{
    int r = libxl_domain_destroy(P(be)->ctx, P(be)->domid, NULL);

    /* Already gone is what destroying wants. */
    if (r == ERROR_DOMAIN_NOTFOUND)
        return XL_OK;
    return r ? xlx_err(r, "destroying", P(be)->domid) : XL_OK;
}

static int xlx_undefine(struct xl_backend *be)
{
    (void)be;
    return XL_OK;
}

static int xlx_attach(struct xl_backend *be, const char *name)
{
    uint32_t domid;

    if (libxl_name_to_domid(P(be)->ctx, name, &domid) != 0)
        return xl_error(XL_ERR_NOTFOUND, "libxl: no domain %s", name);
    P(be)->domid = domid;
    be->created = true;
    return XL_OK;
}

static int xlx_domid(struct xl_backend *be, uint32_t *domid_r)
{
    *domid_r = P(be)->domid;
    return XL_OK;
}

/* Blocks in libxl_event_wait, which runs libxl's own poll loop so the
 * @releaseDomain watch behind the death event fires; the caller bounds the
 * wait (alarm or its own deadline), libxl has no timeout here. */
static int xlx_wait_death(struct xl_backend *be, double timeout_s)
{
    struct xlx_priv *p = P(be);
    libxl_event *ev = NULL;
    int r;

    (void)timeout_s;
    for (;;) {
        r = libxl_event_wait(p->ctx, &ev, LIBXL_EVENTMASK_ALL, NULL, NULL);
        if (r)
            return xlx_err(r, "waiting for", p->domid);
        if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH || ev->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN) {
            libxl_event_free(p->ctx, ev);
            return XL_OK;
        }
        libxl_event_free(p->ctx, ev);
    }
}

/* libxl keeps nothing of a shut-off domain: xl creates it from an xl.cfg,
 * which `xl create NAME` looks for in /etc/xen. */
static char *default_config(const char *name)
{
    char *path = xl_asprintf("/etc/xen/%s.cfg", name);

    if (access(path, F_OK) == 0)
        return path;
    free(path);
    return xl_asprintf("/etc/xen/%s", name);
}

#define XLCFG_MAX (256 * 1024)

static int xlx_describe(struct xl_backend *be, const char *name, const char *config, struct xl_domain_source *src)
{
    xl_autofree char *path = config ? xl_strdup(config) : default_config(name), *cfg_name = NULL;
    libxl_dominfo info;
    uint32_t domid;
    size_t len = 0;
    int rc;

    if (access(path, R_OK) < 0)
        return xl_error(XL_ERR_INVAL, "domain %s: no configuration at %s (give --config FILE)", name, path);
    rc = xl_domcfg_writable_disk(path, &cfg_name, &src->disk, &src->disk_format);
    if (rc)
        return rc;
    if (strcmp(cfg_name, name) != 0)
        return xl_error(XL_ERR_INVAL, "%s: is the configuration of domain %s, not %s", path, cfg_name, name);
    libxl_dominfo_init(&info);
    if (libxl_name_to_domid(P(be)->ctx, name, &domid) == 0 && libxl_domain_info(P(be)->ctx, &info, domid) == 0 &&
        !info.paused && !info.shutdown && !info.dying) {
        libxl_dominfo_dispose(&info);
        return xl_error(XL_ERR_INVAL, "domain %s (id %u) is running: shut it down or pause it first", name, domid);
    }
    libxl_dominfo_dispose(&info);
    rc = xl_read_file(path, XLCFG_MAX, &src->config, &len);
    if (rc)
        return rc;
    if (strlen(src->config) != len)
        return xl_error(XL_ERR_INVAL, "%s: has a NUL byte", path);
    src->config_suffix = ".cfg";
    return XL_OK;
}

/* libxl_domain_info's CPU time and libxl_list_vcpu's placement, as xl
 * list and xl vcpu-list show them. */
static int xlx_sample(struct xl_backend *be, struct xl_domain_sample *s)
{
    struct xlx_priv *p = P(be);
    libxl_dominfo info;
    libxl_vcpuinfo *v;
    int nb = 0, nrcpus = 0, i, r;

    libxl_dominfo_init(&info);
    r = libxl_domain_info(p->ctx, &info, p->domid);
    if (r) {
        libxl_dominfo_dispose(&info);
        return xlx_err(r, "reading", p->domid);
    }
    s->cpu_ns = info.cpu_time;
    libxl_dominfo_dispose(&info);
    v = libxl_list_vcpu(p->ctx, p->domid, &nb, &nrcpus);
    if (!v)
        return xl_error(XL_ERR_FAIL, "libxl: listing the vCPUs of domain %u failed", p->domid);
    for (i = 0; i < nb; i++) {
        if (!v[i].online)
            continue;
        s->vcpus++;
        xl_cpuset_add(&s->pcpus, v[i].cpu);
    }
    libxl_vcpuinfo_list_free(v, nb);
    return XL_OK;
}

const struct xl_backend_ops xl_backend_libxl_ops = {
    .name = "libxl",
    .flags = 0,
    .prepare = xlx_prepare,
    .discard = xlx_discard,
    .open = xlx_open,
    .close = xlx_close,
    .free_memory = xlx_free_memory,
    .host_cpus = xlx_host_cpus,
    .create_paused = xlx_create_paused,
    .unpause = xlx_unpause,
    .set_vcpus = xlx_set_vcpus,
    .set_memory = xlx_set_memory,
    .destroy = xlx_destroy,
    .undefine = xlx_undefine,
    .domid = xlx_domid,
    .attach = xlx_attach,
    .wait_death = xlx_wait_death,
    .describe = xlx_describe,
    .sample = xlx_sample,
};
