/* xapi backend: XenServer / XCP-ng through the xe CLI (argv arrays built by
 * xe-argv.c, run with xl_spawn_capture; no shell). The clone lives on the
 * base's SR (copy-on-write where the SR supports it); vm-uninstall removes
 * it with its disks. The plan can travel as xenstore-data (vm-data/xenlab/
 * plan in the guest's XenStore home), and the dom0 collector reads results
 * from XenStore exactly as with libxl. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "backend-drivers.h"
#include "backend.h"
#include "cpuset.h"
#include "json-util.h"
#include "xe-argv.h"
#include "xl-spawn.h"
#include "xl-util.h"

#define XE_TIMEOUT_S 600
#define XE_MAX_OUT (64 * 1024)
#define INVENTORY "/etc/xensource-inventory"

/* XenServer / XCP-ng create domains from VMs: the base is a halted VM (or
 * template) that is cloned on its SR, then sized and started through xe. */
struct xapi_domain {
    char *base_vm;            /* uuid of the VM or template to clone */
    unsigned vcpus;           /* 0: keep the base's */
    char *cpu_mask;           /* VCPUs-params:mask, "0,1,2"; NULL: keep */
    uint64_t memory_bytes;    /* 0: keep the base's */
    uint64_t disk_bytes;      /* first disk grown to this; 0: keep */
    char *plan;               /* plan JSON for xenstore-data, or NULL */
};

struct xapi_priv {
    char *uuid;       /* the VM this backend made or attached */
    char *host;       /* host uuid for free memory; NULL until needed */
};

static struct xapi_priv *P(struct xl_backend *be)
{
    return be->priv;
}

/* Runs one xe command; its stdout (trimmed) into *out_r if wanted. A failed
 * command's error is xe's own first line. */
static int xe(struct xl_argv *a, char **out_r)
{
    struct xl_spawn_result res;
    char *out, *end;
    int rc;

    xl_spawn_result_init(&res);
    rc = xl_spawn_capture(a->v, XL_SPAWN_MERGE_STDERR, XE_TIMEOUT_S, XE_MAX_OUT, &res);
    if (rc) {
        rc = xl_error_prefix(rc, "xe %s", a->v[1]);
        goto out;
    }
    out = res.out ? res.out : (char *)"";
    out += strspn(out, " \t\r\n");
    for (end = out + strlen(out); end > out && strchr(" \t\r\n", end[-1]); end--)
        ;
    *end = '\0';
    if (res.timed_out || res.exit_code != 0) {
        rc = xl_error(XL_ERR_FAIL, "xe %s: %.*s", a->v[1], (int)strcspn(out, "\n"),
                      *out ? out : (res.timed_out ? "timed out" : "failed"));
        goto out;
    }
    if (out_r)
        *out_r = xl_strdup(out);
out:
    xl_spawn_result_dispose(&res);
    xl_argv_dispose(a);
    return rc;
}

static bool is_uuid(const char *s)
{
    size_t i;

    if (strlen(s) != 36)
        return false;
    for (i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
            return false;
    }
    return true;
}

static int xapi_open(struct xl_backend *be, const char *uri)
{
    struct xapi_priv *p;

    if (!xl_program_exists("xe"))
        return xl_error(XL_ERR_NOTFOUND, "xapi: no xe in PATH (the xapi backend runs on a XenServer/XCP-ng host)");
    if (uri && !is_uuid(uri))
        return xl_error(XL_ERR_INVAL, "xapi: \"%s\" is not a host uuid", uri);
    p = xl_calloc(1, sizeof(*p));
    p->host = uri ? xl_strdup(uri) : NULL;
    be->priv = p;
    return XL_OK;
}

static void xapi_close(struct xl_backend *be)
{
    struct xapi_priv *p = P(be);

    if (!p)
        return;
    free(p->uuid);
    free(p->host);
    free(p);
    be->priv = NULL;
}

/* This host: the installation uuid on a XenServer host, else the one host. */
static int host_uuid(struct xapi_priv *p)
{
    xl_autofree char *inv = NULL;
    struct xl_argv a;
    char *line, *out = NULL;
    size_t len;

    if (p->host)
        return XL_OK;
    if (xl_read_file(INVENTORY, 64 * 1024, &inv, &len) == XL_OK) {
        line = strstr(inv, "INSTALLATION_UUID=");
        if (line) {
            line += strlen("INSTALLATION_UUID=");
            line += *line == '\'';
            if (strlen(line) >= 36 && (line[36] = '\0', is_uuid(line))) {
                p->host = xl_strdup(line);
                return XL_OK;
            }
        }
    }
    xl_error_clear();
    xl_argv_init(&a);
    xl_xe_argv_host_list(&a);
    if (xe(&a, &out))
        return XL_ERR_FAIL;
    if (!is_uuid(out)) {
        free(out);
        return xl_error(XL_ERR_FAIL, "xapi: more than one host and none given (--uri HOST-UUID)");
    }
    p->host = out;
    return XL_OK;
}

static int parse_u64(const char *s, const char *what, uint64_t *v_r)
{
    char *end = NULL;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (!*s || *s == '-' || *end || errno)
        return xl_error(XL_ERR_FAIL, "xapi: %s: \"%s\" is not a number", what, s);
    *v_r = v;
    return XL_OK;
}

static int xapi_free_memory(struct xl_backend *be, uint64_t *kib_r)
{
    xl_autofree char *out = NULL;
    struct xl_argv a;
    uint64_t bytes;
    int rc;

    rc = host_uuid(P(be));
    if (rc)
        return rc;
    xl_argv_init(&a);
    xl_xe_argv_host_free_memory(&a, P(be)->host);
    rc = xe(&a, &out);
    if (!rc)
        rc = parse_u64(out, "memory-free-computed", &bytes);
    if (!rc)
        *kib_r = bytes / 1024;
    return rc;
}

static int get_param(struct xl_backend *be, const char *param, char **out_r)
{
    struct xl_argv a;

    xl_argv_init(&a);
    xl_xe_argv_param_get(&a, P(be)->uuid, param);
    return xe(&a, out_r);
}

static int set_vcpus_halted(struct xl_backend *be, unsigned vcpus)
{
    xl_autofree char *cur = NULL;
    struct xl_argv a;
    uint64_t max = 0;
    int rc;

    rc = get_param(be, "VCPUs-max", &cur);
    if (!rc)
        rc = parse_u64(cur, "VCPUs-max", &max);
    if (rc)
        return rc;
    xl_argv_init(&a);
    xl_xe_argv_vcpus(&a, P(be)->uuid, vcpus, vcpus > max);
    return xe(&a, NULL);
}

/* First disk grown to bytes; never shrunk (the guest's filesystem fills it). */
static int grow_disk(struct xl_backend *be, uint64_t bytes)
{
    xl_autofree char *vdi = NULL;
    xl_autofree char *size = NULL;
    struct xl_argv a;
    uint64_t cur = 0;
    int rc;

    xl_argv_init(&a);
    xl_xe_argv_disk_vdi(&a, P(be)->uuid);
    rc = xe(&a, &vdi);
    if (rc)
        return rc;
    vdi[strcspn(vdi, ",")] = '\0';
    if (!is_uuid(vdi))
        return xl_error(XL_ERR_FAIL, "xapi: VM %s has no disk at userdevice 0", P(be)->uuid);
    xl_argv_init(&a);
    xl_xe_argv_vdi_size(&a, vdi);
    rc = xe(&a, &size);
    if (!rc)
        rc = parse_u64(size, "virtual-size", &cur);
    if (rc || cur >= bytes)
        return rc;
    xl_argv_init(&a);
    xl_xe_argv_vdi_resize(&a, vdi, bytes);
    return xe(&a, NULL);
}

static void xapi_discard(struct xl_backend *be)
{
    struct xapi_domain *x = be->prepared;

    if (!x)
        return;
    free(x->base_vm);
    free(x->cpu_mask);
    free(x->plan);
    free(x);
    be->prepared = NULL;
}

/* Nothing to parse: the base VM is the configuration. The text is what the
 * xe calls will set, as JSON. */
static int xapi_prepare(struct xl_backend *be, const struct xl_domain_spec *s, char **config_r,
                        uint64_t *memory_kib_r)
{
    struct xapi_domain *x;
    json_object *o;

    if (!s->base_ref || !is_uuid(s->base_ref))
        return xl_error(XL_ERR_INVAL, "xapi: %s: give the base VM's uuid", s->name);
    if (s->payload_path)
        return xl_error(XL_ERR_INVAL, "xapi: %s: the clone lives on the base's SR; a dom0 payload disk cannot "
                        "be attached", s->name);
    x = xl_calloc(1, sizeof(*x));
    x->base_vm = xl_strdup(s->base_ref);
    x->vcpus = s->vcpus;
    if (s->cpus) {
        struct xl_cpuset set;
        int rc = xl_cpuset_parse(s->cpus, "cpus", &set);

        if (rc) {
            free(x->base_vm);
            free(x);
            return rc;
        }
        x->cpu_mask = xl_cpuset_format(&set, false);
    }
    x->memory_bytes = s->memory_kib * 1024;
    x->disk_bytes = s->disk_bytes;
    x->plan = s->plan ? xl_strdup(s->plan) : NULL;
    be->prepared = x;
    o = json_object_new_object();
    xl_json_add(o, "name", xl_json_str(s->name));
    xl_json_add(o, "base_vm", xl_json_str(x->base_vm));
    if (x->vcpus)
        xl_json_add(o, "vcpus", json_object_new_int64(x->vcpus));
    if (x->cpu_mask)
        xl_json_add(o, "cpu_mask", xl_json_str(x->cpu_mask));
    if (x->memory_bytes)
        xl_json_add(o, "memory_bytes", json_object_new_int64((int64_t)x->memory_bytes));
    if (x->disk_bytes)
        xl_json_add(o, "disk_bytes", json_object_new_int64((int64_t)x->disk_bytes));
    *config_r = xl_strdup(xl_json_pretty(o));
    json_object_put(o);
    *memory_kib_r = s->memory_kib;
    return XL_OK;
}

static int xapi_create_paused(struct xl_backend *be, const char *name)
{
    const struct xapi_domain *x = be->prepared;
    struct xapi_priv *p = P(be);
    struct xl_argv a;
    int rc;

    if (!x)
        return xl_error(XL_ERR_INVAL, "xapi: no prepared domain for %s", name);
    xl_argv_init(&a);
    xl_xe_argv_clone(&a, x->base_vm, name);
    rc = xe(&a, &p->uuid);
    if (rc)
        return rc;
    if (!is_uuid(p->uuid))
        return xl_error(XL_ERR_FAIL, "xapi: vm-clone printed \"%.60s\", not a uuid", p->uuid);
    be->defined = true;
    xl_argv_init(&a);
    xl_xe_argv_not_template(&a, p->uuid);
    rc = xe(&a, NULL);
    if (!rc && x->disk_bytes)
        rc = grow_disk(be, x->disk_bytes);
    if (!rc && x->vcpus)
        rc = set_vcpus_halted(be, x->vcpus);
    if (!rc && x->cpu_mask) {
        xl_argv_init(&a);
        xl_xe_argv_vcpu_mask(&a, p->uuid, x->cpu_mask);
        rc = xe(&a, NULL);
    }
    if (!rc && x->memory_bytes) {
        xl_argv_init(&a);
        xl_xe_argv_memory_limits(&a, p->uuid, x->memory_bytes);
        rc = xe(&a, NULL);
    }
    if (!rc && x->plan) {
        xl_argv_init(&a);
        rc = xl_xe_argv_plan(&a, p->uuid, x->plan, strlen(x->plan));
        if (rc)
            xl_argv_dispose(&a);
        else
            rc = xe(&a, NULL);
    }
    if (rc)
        return rc;
    xl_argv_init(&a);
    xl_xe_argv_start_paused(&a, p->uuid);
    rc = xe(&a, NULL);
    if (!rc)
        be->created = true;
    return rc;
}

static int simple(struct xl_backend *be, void (*build)(struct xl_argv *, const char *))
{
    struct xl_argv a;

    xl_argv_init(&a);
    build(&a, P(be)->uuid);
    return xe(&a, NULL);
}

static int xapi_unpause(struct xl_backend *be)
{
    return simple(be, xl_xe_argv_unpause);
}

static int xapi_set_vcpus(struct xl_backend *be, unsigned vcpus)
{
    struct xl_argv a;

    if (!be->created)
        return set_vcpus_halted(be, vcpus);
    xl_argv_init(&a);
    xl_xe_argv_vcpu_hotplug(&a, P(be)->uuid, vcpus);
    return xe(&a, NULL);
}

static int xapi_set_memory(struct xl_backend *be, uint64_t kib)
{
    struct xl_argv a;

    xl_argv_init(&a);
    if (be->created)
        xl_xe_argv_memory_dynamic(&a, P(be)->uuid, kib * 1024);
    else
        xl_xe_argv_memory_limits(&a, P(be)->uuid, kib * 1024);
    return xe(&a, NULL);
}

static int xapi_destroy(struct xl_backend *be)
{
    return simple(be, xl_xe_argv_shutdown_force);
}

static int xapi_undefine(struct xl_backend *be)
{
    int rc = simple(be, xl_xe_argv_uninstall);

    if (!rc) {
        free(P(be)->uuid);
        P(be)->uuid = NULL;
    }
    return rc;
}

static int xapi_domid(struct xl_backend *be, uint32_t *domid_r)
{
    xl_autofree char *out = NULL;
    uint64_t v = 0;
    int rc;

    rc = get_param(be, "dom-id", &out);
    if (rc)
        return rc;
    /* A halted VM says -1; dom0 is never ours. */
    if (parse_u64(out, "dom-id", &v) || v == 0 || v >= 0x7ff0)
        return xl_error(XL_ERR_FAIL, "xapi: VM %s has no domain (dom-id %s)", P(be)->uuid, out);
    *domid_r = (uint32_t)v;
    return XL_OK;
}

static int xapi_attach(struct xl_backend *be, const char *name)
{
    xl_autofree char *uuid = NULL;
    xl_autofree char *state = NULL;
    struct xl_argv a;
    int rc;

    xl_argv_init(&a);
    xl_xe_argv_find_vm(&a, name);
    rc = xe(&a, &uuid);
    if (rc)
        return rc;
    if (!*uuid)
        return xl_error(XL_ERR_NOTFOUND, "xapi: no VM named %s", name);
    if (!is_uuid(uuid))
        return xl_error(XL_ERR_FAIL, "xapi: more than one VM named %s", name);
    free(P(be)->uuid);
    P(be)->uuid = xl_steal_pointer(&uuid);
    rc = get_param(be, "power-state", &state);
    if (rc)
        return rc;
    be->defined = true;
    be->created = strcmp(state, "halted") != 0;
    return XL_OK;
}

const struct xl_backend_ops xl_backend_xapi_ops = {
    .name = "xapi",
    .flags = XL_BACKEND_CLONES_BASE | XL_BACKEND_PLAN_IN_CONFIG | XL_BACKEND_TAKES_URI,
    .prepare = xapi_prepare,
    .discard = xapi_discard,
    .open = xapi_open,
    .close = xapi_close,
    .free_memory = xapi_free_memory,
    .create_paused = xapi_create_paused,
    .unpause = xapi_unpause,
    .set_vcpus = xapi_set_vcpus,
    .set_memory = xapi_set_memory,
    .destroy = xapi_destroy,
    .undefine = xapi_undefine,
    .domid = xapi_domid,
    .attach = xapi_attach,
    .wait_death = NULL,
};
