#include "image.h"

#include <ext2fs/ext2fs.h>
#include <stdio.h>
#include <string.h>

#include "json-util.h"
#include "xl-spawn.h"
#include "xl-util.h"

void xl_image_info_init(struct xl_image_info *i)
{
    memset(i, 0, sizeof(*i));
}

void xl_image_info_dispose(struct xl_image_info *i)
{
    free(i->backing);
    xl_image_info_init(i);
}

int xl_image_info(const char *image, struct xl_image_info *i_r)
{
    char *argv[] = { (char *)"qemu-img", (char *)"info", (char *)"-U", (char *)"--output=json",
                     (char *)image, NULL };
    struct xl_spawn_result res;
    json_object *o = NULL;
    const char *fmt = NULL, *backing = NULL;
    int64_t vsize = 0, asize = 0;
    int rc;

    xl_spawn_result_init(&res);
    xl_image_info_init(i_r);
    rc = xl_spawn_capture(argv, XL_SPAWN_QUIET_STDERR, 60, 1 << 20, &res);
    if (rc)
        goto out;
    if (res.exit_code != 0) {
        rc = xl_error(XL_ERR_INVAL, "%s: qemu-img info failed (exit %d): not an image?", image,
                      res.exit_code);
        goto out;
    }
    rc = xl_json_parse(res.out, res.out_len, "qemu-img info", &o);
    if (rc)
        goto out;
    rc = xl_json_get_string(o, "", "format", true, sizeof(i_r->format) - 1, &fmt);
    if (!rc)
        rc = xl_json_get_int(o, "", "virtual-size", true, 0, INT64_MAX, &vsize);
    if (!rc)
        rc = xl_json_get_int(o, "", "actual-size", false, 0, INT64_MAX, &asize);
    if (!rc)
        rc = xl_json_get_string(o, "", "backing-filename", false, 4096, &backing);
    if (rc) {
        rc = xl_error_prefix(rc, "%s: qemu-img info", image);
        goto out;
    }
    snprintf(i_r->format, sizeof(i_r->format), "%s", fmt);
    i_r->virtual_size = (uint64_t)vsize;
    i_r->actual_size = (uint64_t)asize;
    if (backing)
        i_r->backing = xl_strdup(backing);
out:
    json_object_put(o);
    xl_spawn_result_dispose(&res);
    return rc;
}

static int open_ro(const char *image, uint64_t offset, ext2_filsys *fs_r)
{
    char opts[64];

    snprintf(opts, sizeof(opts), "offset=%llu", (unsigned long long)offset);
    if (ext2fs_open2(image, opts, EXT2_FLAG_64BITS, 0, 0, unix_io_manager, fs_r))
        return XL_ERR_NOTFOUND;
    return XL_OK;
}

int xl_image_fs_type(const char *image, uint64_t offset, char *type, size_t len)
{
    ext2_filsys fs = NULL;
    const char *t;

    if (open_ro(image, offset, &fs)) {
        snprintf(type, len, "%s", "");
        return XL_OK;
    }
    if (ext2fs_has_feature_extents(fs->super) || ext2fs_has_feature_64bit(fs->super) ||
        ext2fs_has_feature_flex_bg(fs->super))
        t = "ext4";
    else if (ext2fs_has_feature_journal(fs->super))
        t = "ext3";
    else
        t = "ext2";
    snprintf(type, len, "%s", t);
    ext2fs_close_free(&fs);
    return XL_OK;
}
