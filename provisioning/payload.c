#include "payload.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "size.h"
#include "xl-util.h"

#define PAYLOAD_MAX_ITEMS 64
#define PAYLOAD_MAX_BYTES (512 * XL_MiB)

static int check_item(const struct xl_payload_item *it, uint64_t *total)
{
    struct stat st;

    if (!it->name[0] || strchr(it->name, '/') || strcmp(it->name, ".") == 0 || strcmp(it->name, "..") == 0 ||
        strlen(it->name) > 255)
        return xl_error(XL_ERR_INVAL, "payload name \"%s\": one plain file name", it->name);
    if (stat(it->src, &st) < 0)
        return xl_error_errno(errno == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, errno, "payload %s", it->src);
    if (!S_ISREG(st.st_mode))
        return xl_error(XL_ERR_INVAL, "payload %s: not a regular file", it->src);
    *total += (uint64_t)st.st_size;
    if (*total > PAYLOAD_MAX_BYTES)
        return xl_error(XL_ERR_INVAL, "payload: more than %llu MiB", (unsigned long long)(PAYLOAD_MAX_BYTES / XL_MiB));
    return XL_OK;
}

static void remove_stage(const char *stage, const struct xl_payload_item *items, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        xl_autofree char *p = xl_asprintf("%s/%s", stage, items[i].name);

        unlink(p);
    }
    rmdir(stage);
}

int xl_payload_build(const char *image, const struct xl_payload_item *items, size_t n)
{
    xl_autofree char *stage = NULL;
    uint64_t total = 0, kib;
    char size[32];
    size_t i, staged = 0;
    int rc, reflinked;

    if (n > PAYLOAD_MAX_ITEMS)
        return xl_error(XL_ERR_INVAL, "payload: more than %d files", PAYLOAD_MAX_ITEMS);
    for (i = 0; i < n; i++) {
        rc = check_item(&items[i], &total);
        if (rc)
            return rc;
    }
    if (access(image, F_OK) == 0)
        return xl_error(XL_ERR_INVAL, "%s: already exists", image);
    /* Stage beside the image so that copies can share extents. */
    stage = xl_asprintf("%s.stage.XXXXXX", image);
    if (!mkdtemp(stage))
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", stage);
    for (i = 0; i < n; i++) {
        xl_autofree char *dst = xl_asprintf("%s/%s", stage, items[i].name);

        rc = xl_copy_sparse(items[i].src, dst, &reflinked);
        if (rc)
            goto out;
        staged = i + 1;
        if (chmod(dst, 0755) < 0) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "%s", dst);
            goto out;
        }
    }
    /* Room for metadata: inode tables and directory blocks of a tiny fs. */
    kib = (total + total / 8) / 1024 + 4096;
    snprintf(size, sizeof(size), "%lluk", (unsigned long long)kib);
    {
        char *argv[] = { (char *)"mkfs.ext4", (char *)"-q", (char *)"-F", (char *)"-L", (char *)"xenlab-payload",
                         (char *)"-O", (char *)"^has_journal", (char *)"-E", (char *)"root_owner=0:0",
                         (char *)"-T", (char *)"small", (char *)"-d", stage, (char *)image, size, NULL };

        rc = xl_run_tool(argv, image, NULL);
        if (rc)
            unlink(image);
    }
out:
    remove_stage(stage, items, staged);
    return rc;
}
