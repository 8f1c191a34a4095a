#include "payload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "size.h"
#include "xl-util.h"

#define PAYLOAD_MAX_ITEMS 64
#define PAYLOAD_MAX_BYTES (512 * XL_MiB)

static uint64_t *walk_bytes;
static const char *walk_bad;

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type == FTW_F && S_ISREG(st->st_mode)) {
        /* A block and an inode per file at least, whatever its size. */
        *walk_bytes += ((uint64_t)st->st_size + 4095) / 4096 * 4096 + 4096;
    } else if (type == FTW_D || type == FTW_SL || type == FTW_SLN) {
        *walk_bytes += 4096;
    } else {
        walk_bad = type == FTW_DNR ? "a directory that cannot be read" : "not a regular file, directory or symlink";
        xl_error(XL_ERR_INVAL, "input %s: %s", path, walk_bad);
        return 1;
    }
    return *walk_bytes > PAYLOAD_MAX_BYTES;
}

int xl_payload_input_check(const char *src, uint64_t *bytes)
{
    struct stat st;

    if (lstat(src, &st) < 0)
        return xl_error_errno(errno == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, errno, "input %s", src);
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return xl_error(XL_ERR_INVAL, "input %s: must be a regular file or a directory%s", src,
                        S_ISLNK(st.st_mode) ? ", not a symlink" : "");
    if (S_ISREG(st.st_mode)) {
        *bytes += (uint64_t)st.st_size;
    } else {
        int r;

        walk_bytes = bytes;
        walk_bad = NULL;
        /* Physical: a symlink inside is a link in the image, never followed. */
        r = nftw(src, walk_one, 16, FTW_PHYS);
        if (r < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "input %s", src);
        if (walk_bad)
            return XL_ERR_INVAL;
    }
    if (*bytes > PAYLOAD_MAX_BYTES)
        return xl_error(XL_ERR_INVAL, "input %s: the payload would hold more than %llu MiB", src,
                        (unsigned long long)(PAYLOAD_MAX_BYTES / XL_MiB));
    return XL_OK;
}

static int check_item(const struct xl_payload_item *it, uint64_t *total)
{
    struct stat st;

    if (!it->name[0] || strchr(it->name, '/') || strcmp(it->name, ".") == 0 || strcmp(it->name, "..") == 0 ||
        strlen(it->name) > 255 || (!it->input && strcmp(it->name, XL_PAYLOAD_INPUTS_DIR) == 0))
        return xl_error(XL_ERR_INVAL, "payload name \"%s\": one plain file name", it->name);
    if (it->input)
        return xl_payload_input_check(it->src, total);
    if (stat(it->src, &st) < 0)
        return xl_error_errno(errno == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, errno, "payload %s", it->src);
    if (!S_ISREG(st.st_mode))
        return xl_error(XL_ERR_INVAL, "payload %s: not a regular file", it->src);
    *total += (uint64_t)st.st_size;
    if (*total > PAYLOAD_MAX_BYTES)
        return xl_error(XL_ERR_INVAL, "payload: more than %llu MiB", (unsigned long long)(PAYLOAD_MAX_BYTES / XL_MiB));
    return XL_OK;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* The stage is ours, made by mkdtemp: removed whole, links not followed. */
static void remove_stage(const char *stage)
{
    nftw(stage, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* An input into <stage>/inputs/<name>: a file as the other items are, a
 * directory by `cp -a` (links kept as links, modes kept). */
static int stage_input(const char *stage, const struct xl_payload_item *it)
{
    xl_autofree char *dir = xl_asprintf("%s/" XL_PAYLOAD_INPUTS_DIR, stage);
    xl_autofree char *dst = xl_asprintf("%s/%s", dir, it->name);
    struct stat st;
    int reflinked;

    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", dir);
    if (lstat(it->src, &st) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "input %s", it->src);
    if (S_ISREG(st.st_mode)) {
        /* Copied from what was opened, not what the name says by then: a
         * file swapped for a symlink or a fifo after the check is refused. */
        xl_autofd int fd = open(it->src, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        xl_autofree char *self = NULL;
        int rc;

        if (fd < 0)
            return xl_error_errno(XL_ERR_INVAL, errno, "input %s", it->src);
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
            return xl_error(XL_ERR_INVAL, "input %s: no longer a regular file", it->src);
        self = xl_asprintf("/proc/self/fd/%d", fd);
        rc = xl_copy_sparse(self, dst, &reflinked);
        if (!rc && chmod(dst, st.st_mode & 0755) < 0)
            rc = xl_error_errno(XL_ERR_FAIL, errno, "%s", dst);
        return rc;
    }
    {
        char *argv[] = { (char *)"cp", (char *)"-a", (char *)"--no-dereference", (char *)"--reflink=auto",
                         (char *)"--", (char *)it->src, dst, NULL };

        return xl_run_tool(argv, it->src, NULL);
    }
}

int xl_payload_build(const char *image, const struct xl_payload_item *items, size_t n)
{
    xl_autofree char *stage = NULL;
    uint64_t total = 0, kib;
    char size[32];
    size_t i;
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

        if (items[i].input) {
            rc = stage_input(stage, &items[i]);
            if (rc)
                goto out;
            continue;
        }
        rc = xl_copy_sparse(items[i].src, dst, &reflinked);
        if (rc)
            goto out;
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
    remove_stage(stage);
    return rc;
}
