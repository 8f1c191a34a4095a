#include "clone.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "xl-spawn.h"
#include "xl-util.h"

const char *xl_clone_kind_name(enum xl_clone_kind k)
{
    switch (k) {
    case XL_CLONE_QCOW2_OVERLAY: return "qcow2-overlay";
    case XL_CLONE_REFLINK: return "reflink";
    case XL_CLONE_SPARSE_COPY: return "sparse-copy";
    case XL_CLONE_LVM_SNAPSHOT: return "lvm-snapshot";
    }
    return "?";
}

/* "/dev/VG/LV" -> VG and LV; the only spelling lvcreate and we agree on
 * without asking LVM (/dev/mapper names double their dashes). */
static int split_lv(const char *dev, char **vg_r, char **lv_r)
{
    const char *p, *slash;

    if (strncmp(dev, "/dev/", 5) != 0)
        return xl_error(XL_ERR_INVAL, "%s: a logical volume base must be named /dev/VG/LV", dev);
    p = dev + 5;
    slash = strchr(p, '/');
    if (!slash || slash == p || !slash[1] || strchr(slash + 1, '/') || strncmp(p, "mapper/", 7) == 0)
        return xl_error(XL_ERR_INVAL, "%s: a logical volume base must be named /dev/VG/LV", dev);
    *vg_r = xl_strndup(p, (size_t)(slash - p));
    *lv_r = xl_strdup(slash + 1);
    return XL_OK;
}

char *xl_clone_disk_path(const struct xl_base *b, const char *dir, const char *name)
{
    char *vg = NULL, *lv = NULL, *path;

    if (b->is_block) {
        if (split_lv(b->image, &vg, &lv))
            return NULL;
        path = xl_asprintf("/dev/%s/%s", vg, name);
        free(vg);
        free(lv);
        return path;
    }
    return xl_asprintf("%s/disk.%s", dir, strcmp(b->info.format, "qcow2") == 0 ? "qcow2" : "img");
}

int xl_clone_lvm_argv(const char *base_dev, const char *name, char ***argv_r)
{
    char *vg = NULL, *lv = NULL;
    char **argv;
    int rc;

    rc = split_lv(base_dev, &vg, &lv);
    if (rc)
        return rc;
    argv = xl_calloc(8, sizeof(*argv));
    argv[0] = xl_strdup("lvcreate");
    argv[1] = xl_strdup("-s");     /* of a thin LV: a thin snapshot, no size */
    argv[2] = xl_strdup("-kn");    /* thin snapshots skip activation by default */
    argv[3] = xl_strdup("-n");
    argv[4] = xl_strdup(name);
    argv[5] = xl_asprintf("%s/%s", vg, lv);
    free(vg);
    free(lv);
    *argv_r = argv;
    return XL_OK;
}

int xl_clone_disk(const struct xl_base *b, const char *path, const char *name, uint64_t size,
                  enum xl_clone_kind *kind_r)
{
    int rc, reflinked = 0;

    if (b->is_block) {
        char **argv = NULL;

        rc = xl_clone_lvm_argv(b->image, name, &argv);
        if (!rc)
            rc = xl_run_tool(argv, path, NULL);
        xl_argv_free(argv);
        *kind_r = XL_CLONE_LVM_SNAPSHOT;
        return rc;
    }
    if (access(path, F_OK) == 0)
        return xl_error(XL_ERR_INVAL, "%s: already exists", path);
    if (strcmp(b->info.format, "qcow2") == 0) {
        char sz[32];
        char *argv[] = { (char *)"qemu-img", (char *)"create", (char *)"-q", (char *)"-f", (char *)"qcow2",
                         (char *)"-F", (char *)"qcow2", (char *)"-b", b->image, (char *)path,
                         size > b->info.virtual_size ? sz : NULL, NULL };

        snprintf(sz, sizeof(sz), "%llu", (unsigned long long)size);

        *kind_r = XL_CLONE_QCOW2_OVERLAY;
        return xl_run_tool(argv, path, NULL);
    }
    if (strcmp(b->info.format, "raw") != 0)
        return xl_error(XL_ERR_INVAL, "%s: cannot clone a %s image (raw or qcow2 only)", b->image,
                        b->info.format);
    rc = xl_copy_sparse(b->image, path, &reflinked);
    *kind_r = reflinked ? XL_CLONE_REFLINK : XL_CLONE_SPARSE_COPY;
    return rc;
}

int xl_clone_remove(const char *path, enum xl_clone_kind kind)
{
    if (kind == XL_CLONE_LVM_SNAPSHOT) {
        char *argv[] = { (char *)"lvremove", (char *)"-f", (char *)path, NULL };

        return xl_run_tool(argv, path, NULL);
    }
    if (unlink(path) < 0 && errno != ENOENT)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s: remove", path);
    return XL_OK;
}
