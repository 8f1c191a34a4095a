#include "grow.h"

#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clone.h"
#include "fsutil.h"
#include "image.h"
#include "xl-spawn.h"
#include "xl-util.h"

int xl_grow_lvm_argv(const char *dev, uint64_t new_size, char ***argv_r)
{
    char **argv = xl_calloc(5, sizeof(*argv));

    argv[0] = xl_strdup("lvextend");
    argv[1] = xl_strdup("-L");
    argv[2] = xl_asprintf("%llub", (unsigned long long)new_size);
    argv[3] = xl_strdup(dev);
    *argv_r = argv;
    return XL_OK;
}

int xl_grow_image(const char *path, const char *format, uint64_t new_size)
{
    struct stat st;
    char sz[32];
    int rc;

    if (stat(path, &st) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
    snprintf(sz, sizeof(sz), "%llu", (unsigned long long)new_size);
    if (S_ISBLK(st.st_mode)) {
        char **argv = NULL;

        xl_grow_lvm_argv(path, new_size, &argv);
        rc = xl_run_tool(argv, path, NULL);
        xl_argv_free(argv);
        return rc;
    }
    if (strcmp(format, "raw") == 0) {
        xl_autofd int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
        if ((uint64_t)st.st_size > new_size)
            return xl_error(XL_ERR_INVAL, "%s: is %llu bytes, will not shrink to %llu", path,
                            (unsigned long long)st.st_size, (unsigned long long)new_size);
        if (ftruncate(fd, (off_t)new_size) < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s: grow to %llu bytes", path, (unsigned long long)new_size);
        return XL_OK;
    }
    {
        char *argv[] = { (char *)"qemu-img", (char *)"resize", (char *)"-q", (char *)"-f", (char *)format,
                         (char *)path, sz, NULL };

        return xl_run_tool(argv, path, NULL);
    }
}

/* resize2fs refuses a filesystem not checked since it was last mounted; a
 * fresh check costs more than the whole clone, so only run it then. */
static int needs_fsck(const char *dev, int *needs_r)
{
    ext2_filsys fs = NULL;

    if (ext2fs_open2(dev, NULL, EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &fs))
        return xl_error(XL_ERR_INVAL, "%s: no ext2/3/4 filesystem to grow", dev);
    *needs_r = !(fs->super->s_state & EXT2_VALID_FS) || (fs->super->s_state & EXT2_ERROR_FS) ||
               fs->super->s_lastcheck < fs->super->s_mtime;
    ext2fs_close_free(&fs);
    return XL_OK;
}

static int resize_fs(const char *dev)
{
    char *fsck[] = { (char *)"e2fsck", (char *)"-f", (char *)"-p", (char *)dev, NULL };
    char *resize[] = { (char *)"resize2fs", (char *)dev, NULL };
    struct xl_spawn_result res;
    int rc, needs = 0;

    rc = needs_fsck(dev, &needs);
    if (rc)
        return rc;
    if (needs) {
        /* e2fsck -p exits 1 when it fixed something harmless. */
        rc = xl_spawn_capture(fsck, XL_SPAWN_MERGE_STDERR, 600, 64 * 1024, &res);
        if (!rc && res.exit_code > 1)
            rc = xl_error(XL_ERR_FAIL, "%s: e2fsck -f -p failed (exit %d)", dev, res.exit_code);
        xl_spawn_result_dispose(&res);
        if (rc)
            return rc;
    }
    return xl_run_tool(resize, dev, NULL);
}

int xl_grow_raw_fs(const char *path, struct xl_part_layout *l_r)
{
    struct xl_part_layout l;
    char off[32], len[32];
    char *dev = NULL;
    int rc;

    xl_part_layout_init(&l);
    rc = xl_part_read(path, &l);
    if (rc)
        return rc;
    if (!l.label[0]) {
        rc = resize_fs(path);
        goto out;
    }
    rc = xl_part_grow_last(path, &l);
    if (rc)
        goto out;
    /* resize2fs on "img?offset=N" truncates the image to the filesystem's
     * end; a loop device bounded to the partition is exact. */
    snprintf(off, sizeof(off), "%llu", (unsigned long long)l.last_start);
    snprintf(len, sizeof(len), "%llu", (unsigned long long)l.last_size);
    {
        char *argv[] = { (char *)"losetup", (char *)"--show", (char *)"-f", (char *)"-o", off,
                         (char *)"--sizelimit", len, (char *)path, NULL };

        rc = xl_run_tool(argv, path, &dev);
        if (rc)
            goto out;
    }
    rc = resize_fs(dev);
    {
        char *argv[] = { (char *)"losetup", (char *)"-d", dev, NULL };
        int rc2 = xl_run_tool(argv, dev, NULL);

        if (!rc)
            rc = rc2;
    }
out:
    if (rc)
        rc = xl_error_prefix(rc, "growing the filesystem in %s", path);
    else if (l_r)
        *l_r = l;
    free(dev);
    return rc;
}
