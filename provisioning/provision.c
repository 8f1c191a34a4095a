#include "provision.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "clone-record.h"
#include "domcfg.h"
#include "domxml.h"
#include "fsutil.h"
#include "grow.h"
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

static bool is_xml(const char *path)
{
    size_t n = strlen(path);

    return n > 4 && strcmp(path + n - 4, ".xml") == 0;
}

/* Builds the domain description for the backend before anything exists, so
 * a bad template costs nothing. */
static int build_config(const struct xl_clone_req *req, const char *template, const char *backend,
                        const struct xl_base *b, struct xl_clone_result *res, libxl_domain_config *cfg,
                        bool *have_cfg)
{
    struct xl_domain_overrides ov = {
        .name = req->name,
        .vcpus = req->vcpus,
        .memory_kib = req->memory_kib,
        .disk_path = res->disk,
        .disk_format = strcmp(b->info.format, "qcow2") == 0 ? "qcow2" : "raw",
        .payload_path = res->payload,
    };
    int rc;

    if (strcmp(backend, "libvirt") == 0) {
        if (!is_xml(template))
            return xl_error(XL_ERR_INVAL, "%s: the libvirt backend needs a domain XML template", template);
        return xl_domxml_from_template(template, &ov, req->virt_type, &res->config);
    }
    if (is_xml(template))
        return xl_error(XL_ERR_INVAL, "%s: the libxl backend needs an xl.cfg template", template);
    *have_cfg = true;
    rc = xl_domcfg_from_xlcfg(template, &ov, cfg);
    if (!rc)
        rc = xl_domcfg_to_json(cfg, &res->config);
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
    const char *backend = be ? be->ops->name : "libxl";
    libxl_domain_config cfg;
    bool have_cfg = false, made_dir = false, made_disk = false, made_payload = false;
    struct xl_base b;
    const char *template;
    uint64_t size;
    int rc;

    xl_clone_result_init(res);
    xl_base_init(&b);
    rc = xl_name_check("clone name", req->name);
    if (rc)
        return rc;
    if (!req->dry_run && !req->no_domain && !be)
        return xl_error(XL_ERR_INVAL, "clone %s: no backend", req->name);
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
        rc = build_config(req, template, backend, &b, res, &cfg, &have_cfg);
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
    if (be && !req->no_domain) {
        uint64_t free_kib = 0, need_kib = req->memory_kib;

        if (!need_kib && have_cfg)
            need_kib = cfg.b_info.target_memkb;
        rc = be->ops->free_memory(be, &free_kib);
        if (!rc)
            rc = xl_preflight_memory(backend, need_kib, free_kib);
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
    rc = xl_clone_record_write(req, &b, req->no_domain ? NULL : backend, size, res);
    if (rc)
        goto out;
    if (!req->no_domain) {
        struct xl_domain_desc d = { .name = req->name, .libxl_cfg = have_cfg ? &cfg : NULL, .xml = res->config };

        rc = xl_backend_start(be, &d, req->hook, req->hook_arg);
    }
out:
    if (rc && made_dir) {
        xl_autofree char *rec = xl_asprintf("%s/%s", res->dir, XL_CLONE_RECORD);

        unlink(rec);
        if (made_payload)
            unlink(res->payload);
        if (made_disk)
            xl_clone_remove(res->disk, res->kind);
        rmdir(res->dir);
    }
    if (have_cfg)
        libxl_domain_config_dispose(&cfg);
    xl_base_dispose(&b);
    return rc;
}
