#include "base-from-domain.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "bench-params.h"
#include "clone.h"
#include "fsutil.h"
#include "image.h"
#include "xl-util.h"

#define DOMAIN_NAME_MAX 256

/* A domain name only reaches the toolstack's lookup and our messages. */
static int check_domain_name(const char *name)
{
    size_t i, n = strlen(name);

    if (n == 0 || n > DOMAIN_NAME_MAX)
        return xl_error(XL_ERR_INVAL, "--from-domain: a domain name of 1 to %d bytes", DOMAIN_NAME_MAX);
    for (i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return xl_error(XL_ERR_INVAL, "--from-domain: the domain name has a control character");
    return XL_OK;
}

/* What was made, so that a failure removes exactly that. */
struct taken {
    char *dir;
    char *image;
    char *template;
    bool lvm;
};

static void taken_undo(struct taken *t)
{
    if (t->image) {
        if (t->lvm)
            xl_clone_remove(t->image, XL_CLONE_LVM_SNAPSHOT);
        else
            unlink(t->image);
    }
    if (t->template)
        unlink(t->template);
    if (t->dir)
        rmdir(t->dir);
}

static void taken_dispose(struct taken *t)
{
    free(t->dir);
    free(t->image);
    free(t->template);
    memset(t, 0, sizeof(*t));
}

/* The disk as it is now, into t->image. The format is the one the domain's
 * configuration declares, never a probe's guess: a raw disk's content is the
 * guest's, and a guest can write a qcow2 header naming any backing file. */
static int take_disk(const struct xl_base_from_domain *o, const struct xl_domain_source *src, struct taken *t,
                     const char **how_r)
{
    struct xl_image_info info;
    struct stat st;
    int rc, reflinked = 0;

    if (stat(src->disk, &st) < 0)
        return xl_error_errno(errno == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, errno, "domain %s: its disk %s",
                              o->domain, src->disk);
    if (S_ISBLK(st.st_mode)) {
        xl_autofree char *lv = xl_asprintf("xenlab-base-%s", o->name);
        char **argv = NULL;
        const char *slash = strrchr(src->disk, '/');

        rc = xl_clone_lvm_argv(src->disk, lv, &argv);
        if (rc)
            return xl_error_prefix(rc, "domain %s", o->domain);
        t->image = xl_asprintf("%.*s/%s", (int)(slash - src->disk), src->disk, lv);
        rc = xl_run_tool(argv, t->image, NULL);
        xl_argv_free(argv);
        if (rc) {
            free(t->image);
            t->image = NULL;
            return rc;
        }
        t->lvm = true;
        *how_r = "lvm-snapshot";
        return XL_OK;
    }
    if (!S_ISREG(st.st_mode))
        return xl_error(XL_ERR_INVAL, "domain %s: its disk %s is not a file or block device", o->domain, src->disk);
    xl_image_info_init(&info);
    rc = xl_image_info(src->disk, &info);
    if (rc)
        return rc;
    if (strcmp(info.format, src->disk_format) != 0) {
        rc = xl_error(XL_ERR_INVAL, "domain %s: its configuration says %s is %s, but it reads as %s: refused",
                      o->domain, src->disk, src->disk_format, info.format);
        goto out;
    }
    if (strcmp(info.format, "raw") != 0 && strcmp(info.format, "qcow2") != 0) {
        rc = xl_error(XL_ERR_INVAL, "domain %s: its disk %s is %s; raw or qcow2 is needed", o->domain, src->disk,
                      info.format);
        goto out;
    }
    t->image = xl_asprintf("%s/disk.%s", t->dir, strcmp(info.format, "qcow2") == 0 ? "qcow2" : "img");
    if (info.backing) {
        /* A base stands alone: one file, whatever the chain it came from. */
        char *argv[] = { (char *)"qemu-img", (char *)"convert", (char *)"-U", (char *)"-f", (char *)"qcow2",
                         (char *)"-O", (char *)"qcow2", src->disk, t->image, NULL };

        rc = xl_run_tool(argv, t->image, NULL);
        *how_r = "qcow2-flattened";
    } else {
        rc = xl_copy_sparse(src->disk, t->image, &reflinked);
        *how_r = reflinked ? "reflink" : "sparse-copy";
    }
out:
    xl_image_info_dispose(&info);
    return rc;
}

/* The clone a run would make from this template must build: found now, not
 * at the first run. */
static int check_template(const struct xl_base_from_domain *o, const struct taken *t, const char *format)
{
    struct xl_domain_spec s = {
        .name = "xenlab-base-check",
        .template = t->template,
        .disk_path = t->image,
        .disk_format = format,
        .payload_path = t->image,
    };
    struct xl_backend be;
    char *config = NULL;
    int rc;

    rc = xl_backend_select(&be, o->backend ? o->backend : xl_backend_default(), NULL);
    if (rc)
        return rc;
    rc = xl_backend_prepare(&be, &s, &config, NULL);
    free(config);
    xl_backend_close(&be);
    return rc ? xl_error_prefix(rc, "domain %s: its configuration cannot make a clone", o->domain) : XL_OK;
}

int xl_base_add_from_domain(const struct xl_base_from_domain *o, struct xl_base *b_r, const char **how_r)
{
    struct xl_domain_source src;
    struct xl_backend be;
    struct xl_base existing;
    struct taken t = { 0 };
    xl_autofree char *bases = NULL;
    int rc;

    xl_base_init(b_r);
    xl_domain_source_init(&src);
    *how_r = NULL;
    rc = xl_name_check("base name", o->name);
    if (!rc)
        rc = check_domain_name(o->domain);
    if (rc)
        return rc;
    if (xl_base_load(o->name, &existing) == XL_OK) {
        xl_base_dispose(&existing);
        return xl_error(XL_ERR_INVAL, "base \"%s\" is already registered", o->name);
    }
    xl_error_clear();

    /* Connected only to read: nothing of the domain changes. */
    rc = xl_backend_open(&be, o->backend ? o->backend : xl_backend_default(), o->uri);
    if (rc)
        return rc;
    rc = xl_backend_describe(&be, o->domain, o->config, &src);
    xl_backend_close(&be);
    if (rc)
        goto out;

    bases = xl_asprintf("%s/bases", xl_state_dir());
    rc = xl_mkdir_p(bases);
    if (rc)
        goto out;
    t.dir = xl_asprintf("%s/%s.d", bases, o->name);
    if (mkdir(t.dir, 0700) < 0) {
        rc = errno == EEXIST
                 ? xl_error(XL_ERR_INVAL, "%s: already exists (a base of that name was being taken); remove it", t.dir)
                 : xl_error_errno(XL_ERR_FAIL, errno, "%s", t.dir);
        free(t.dir);
        t.dir = NULL;
        goto out;
    }
    rc = take_disk(o, &src, &t, how_r);
    if (rc)
        goto out;
    t.template = xl_asprintf("%s/template%s", t.dir, src.config_suffix);
    rc = xl_write_file_atomic(t.template, src.config, strlen(src.config));
    if (rc) {
        free(t.template);
        t.template = NULL;
        goto out;
    }
    rc = check_template(o, &t, src.disk_format);
    if (!rc)
        rc = xl_base_add(o->name, t.image, t.template, b_r);
out:
    if (rc)
        taken_undo(&t);
    taken_dispose(&t);
    xl_domain_source_dispose(&src);
    return rc;
}
