#include "provision.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "clone-record.h"
#include "fsutil.h"
#include "grow.h"
#include "loopdev.h"
#include "preflight.h"
#include "size.h"
#include "xl-util.h"

void xl_clone_result_init(struct xl_clone_result *r)
{
    memset(r, 0, sizeof(*r));
}

void xl_clone_result_dispose(struct xl_clone_result *r)
{
    free(r->dir);
    free(r->disk);
    free(r->payload);
    free(r->config);
    xl_clone_result_init(r);
}

char *xl_clone_default_dir(void)
{
    return xl_asprintf("%s/clones", xl_state_dir());
}

/* The domain as the backend is to make it, from the request and the base. */
static void domain_spec(const struct xl_clone_req *req, const char *template, const struct xl_base *b,
                        const struct xl_clone_result *res, struct xl_domain_spec *s)
{
    memset(s, 0, sizeof(*s));
    s->name = req->name;
    s->template = template;
    s->vcpus = req->vcpus;
    s->cpus = req->cpus;
    s->memory_kib = req->memory_kib;
    s->disk_path = res->disk;
    s->disk_format = strcmp(b->info.format, "qcow2") == 0 ? "qcow2" : "raw";
    s->payload_path = res->payload;
    s->virt_type = req->virt_type;
    s->plan = req->plan;
}

/* Starts the domain with its raw image files behind loop devices xenlab
 * attached (loopdev.h says why), held until it runs. Where no loop device can
 * be had (no loop driver, not root) the toolstack gets the files as before. */
static int start_on_loops(struct xl_backend *be, struct xl_domain_spec *ds, const struct xl_clone_req *req)
{
    struct xl_loopdev disk, payload;
    xl_autofree char *config = NULL;
    const char *files[2] = { ds->disk_path, ds->payload_path };
    int rc;

    xl_loopdev_init(&disk);
    xl_loopdev_init(&payload);
    if (!xl_backend_is(be, XL_BACKEND_CLONES_BASE) && strcmp(ds->disk_format, "raw") == 0 &&
        xl_loopdev_attach(&disk, ds->disk_path, false) == XL_OK &&
        (!ds->payload_path || xl_loopdev_attach(&payload, ds->payload_path, true) == XL_OK)) {
        ds->disk_path = disk.path;
        if (ds->payload_path)
            ds->payload_path = payload.path;
        rc = xl_backend_prepare(be, ds, &config, NULL);
        ds->disk_path = files[0];
        ds->payload_path = files[1];
        if (rc)
            goto out;
    } else {
        xl_error_clear();
    }
    rc = xl_backend_start(be, req->name, req->hook, req->hook_arg);
out:
    xl_loopdev_dispose(&disk);
    xl_loopdev_dispose(&payload);
    return rc;
}

static int preflight_memory(const struct xl_clone_req *req, struct xl_backend *be, uint64_t cfg_kib)
{
    uint64_t free_kib = 0, need_kib = req->memory_kib ? req->memory_kib : cfg_kib;
    int rc;

    rc = be->ops->free_memory(be, &free_kib);
    if (!rc)
        rc = xl_preflight_memory(be->ops->name, need_kib, free_kib);
    return rc;
}

/* A toolstack that clones the base on its own storage (xapi): dom0 makes no
 * disk and no directory; the base is the toolstack's own reference. */
static int provision_in_toolstack(const struct xl_clone_req *req, struct xl_backend *be,
                                  struct xl_clone_result *res)
{
    struct xl_domain_spec s = {
        .name = req->name,
        .base_ref = req->base,
        .vcpus = req->vcpus,
        .cpus = req->cpus,
        .memory_kib = req->memory_kib,
        .disk_bytes = req->disk_size,
        .virt_type = req->virt_type,
        .plan = req->plan,
    };
    uint64_t cfg_kib = 0;
    int rc;

    if (req->npayload)
        return xl_error(XL_ERR_INVAL, "clone %s: the %s backend clones on its own storage: no payload disk",
                        req->name, be->ops->name);
    if (req->no_domain)
        return xl_error(XL_ERR_INVAL, "clone %s: the %s backend makes no disks without a domain", req->name,
                        be->ops->name);
    rc = xl_backend_prepare(be, &s, &res->config, &cfg_kib);
    if (rc || req->dry_run)
        return rc;
    rc = preflight_memory(req, be, cfg_kib);
    if (!rc)
        rc = xl_backend_start(be, req->name, req->hook, req->hook_arg);
    return rc;
}

/* Disk the clone will take now: a qcow2 overlay starts nearly empty; a
 * sparse copy takes what the base has allocated. Plus the payload disk. */
static uint64_t disk_need(const struct xl_base *b, const struct xl_clone_req *req)
{
    uint64_t need = 16 * XL_MiB;
    struct stat st;
    size_t i;

    if (!b->is_block && strcmp(b->info.format, "raw") == 0 && stat(b->image, &st) == 0)
        need += (uint64_t)st.st_blocks * 512;
    for (i = 0; i < req->npayload; i++)
        if (stat(req->payload[i].src, &st) == 0)
            need += (uint64_t)st.st_size * 2;
    return need;
}

int xl_provision_clone(const struct xl_clone_req *req, struct xl_backend *be, struct xl_clone_result *res)
{
    bool made_dir = false, made_disk = false, made_payload = false;
    struct xl_domain_spec ds;
    struct xl_base b;
    const char *template;
    uint64_t size, cfg_kib = 0;
    int rc;

    xl_clone_result_init(res);
    xl_base_init(&b);
    rc = xl_name_check("clone name", req->name);
    if (rc)
        return rc;
    if (!req->no_domain && (!be || !be->ops))
        return xl_error(XL_ERR_INVAL, "clone %s: no backend", req->name);
    if (be && xl_backend_is(be, XL_BACKEND_CLONES_BASE))
        return provision_in_toolstack(req, be, res);
    rc = xl_base_load(req->base, &b);
    if (!rc)
        rc = xl_base_verify(&b);
    if (rc)
        goto out;
    size = b.info.virtual_size;
    if (req->disk_size) {
        if (req->disk_size < b.info.virtual_size) {
            char want[32], have[32];

            xl_size_format(req->disk_size, want, sizeof(want));
            xl_size_format(b.info.virtual_size, have, sizeof(have));
            rc = xl_error(XL_ERR_INVAL, "clone %s: --disk %s is smaller than base %s (%s)", req->name, want,
                          b.name, have);
            goto out;
        }
        size = req->disk_size;
    }
    res->dir = xl_asprintf("%s/%s", req->dir, req->name);
    res->disk = xl_clone_disk_path(&b, res->dir, req->name);
    if (!res->disk) {
        rc = XL_ERR_INVAL;
        goto out;
    }
    if (req->npayload)
        res->payload = xl_asprintf("%s/payload.img", res->dir);
    template = req->template ? req->template : b.template;
    if (!req->no_domain) {
        if (!template) {
            rc = xl_error(XL_ERR_INVAL, "clone %s: base %s has no template; give --template", req->name, b.name);
            goto out;
        }
        domain_spec(req, template, &b, res, &ds);
        rc = xl_backend_prepare(be, &ds, &res->config, &cfg_kib);
        if (rc)
            goto out;
    }
    if (req->dry_run)
        goto out;
    if (access(res->dir, F_OK) == 0) {
        rc = xl_error(XL_ERR_INVAL, "clone %s: %s already exists", req->name, res->dir);
        goto out;
    }
    /* Preflight: nothing exists yet. */
    if (!req->no_domain) {
        rc = preflight_memory(req, be, cfg_kib);
        if (rc)
            goto out;
    }
    rc = xl_preflight_disk(req->dir, disk_need(&b, req));
    if (rc)
        goto out;

    rc = xl_mkdir_p(req->dir);
    if (rc)
        goto out;
    if (mkdir(res->dir, 0755) < 0) {
        rc = xl_error_errno(errno == EEXIST ? XL_ERR_INVAL : XL_ERR_FAIL, errno, "%s", res->dir);
        goto out;
    }
    made_dir = true;
    rc = xl_clone_disk(&b, res->disk, req->name, size, &res->kind);
    if (rc)
        goto out;
    made_disk = true;
    if (size > b.info.virtual_size) {
        if (res->kind != XL_CLONE_QCOW2_OVERLAY)
            rc = xl_grow_image(res->disk, b.info.format, size);
        if (rc)
            goto out;
        if (strcmp(b.info.format, "raw") == 0 && !b.is_block && strncmp(b.fs_type, "ext", 3) == 0 &&
            !b.layout.has_extended) {
            rc = xl_grow_raw_fs(res->disk, NULL);
            if (rc)
                goto out;
            res->grown_offline = true;
        } else {
            res->grow_in_guest = true;
        }
    }
    if (req->npayload) {
        rc = xl_payload_build(res->payload, req->payload, req->npayload);
        if (rc)
            goto out;
        made_payload = true;
    }
    {
        struct xl_clone_made m = {
            .name = req->name, .base = b.name, .base_image = b.image, .dir = res->dir, .disk = res->disk,
            .kind = res->kind, .size = size, .payload = res->payload,
            .grow = res->grown_offline ? "offline" : res->grow_in_guest ? "guest" : "none",
            .backend = req->no_domain ? NULL : be->ops->name,
        };

        rc = xl_clone_record_write(&m);
        if (rc)
            goto out;
    }
    if (!req->no_domain) {
        rc = start_on_loops(be, &ds, req);
        if (rc)
            goto out;
    }
    /* Complete: what was made is the caller's now, not out:'s to undo. */
    made_dir = made_disk = made_payload = false;
out:
    /* Whatever is still marked made belongs to a clone that failed. */
    if (made_dir) {
        xl_autofree char *rec = xl_asprintf("%s/%s", res->dir, XL_CLONE_RECORD);

        unlink(rec);
        if (made_payload)
            unlink(res->payload);
        if (made_disk)
            xl_clone_remove(res->disk, res->kind);
        rmdir(res->dir);
    }
    xl_base_dispose(&b);
    return rc;
}
