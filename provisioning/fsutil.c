#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl-spawn.h"
#include "xl-util.h"

/* One data range; copy_file_range may stop short or be unsupported across
 * filesystems, then plain pread/pwrite finishes the range. */
static int copy_range(int in, int out, off_t off, off_t end, const char *dst)
{
    char buf[1 << 14];   /* the rare fallback path; clones may run in parallel threads */

    while (off < end) {
        loff_t a = off, b = off;
        ssize_t n = copy_file_range(in, &a, out, &b, (size_t)(end - off), 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL)) {
            size_t want = end - off < (off_t)sizeof(buf) ? (size_t)(end - off) : sizeof(buf);

            n = pread(in, buf, want, off);
            if (n > 0 && pwrite(out, buf, (size_t)n, off) != n)
                return xl_error_errno(XL_ERR_FAIL, errno, "%s: write", dst);
        }
        if (n < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s: copy", dst);
        if (n == 0)
            return xl_error(XL_ERR_FAIL, "%s: source shrank while copying", dst);
        off += n;
    }
    return XL_OK;
}

int xl_copy_sparse(const char *src, const char *dst, int *reflinked_r)
{
    xl_autofd int in = -1;
    xl_autofd int out = -1;
    struct stat st;
    off_t off = 0, end;
    int rc;

    *reflinked_r = 0;
    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", src);
    if (fstat(in, &st) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s: stat", src);
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0)
        return xl_error_errno(errno == EEXIST ? XL_ERR_INVAL : XL_ERR_FAIL, errno, "%s", dst);
    if (ioctl(out, FICLONE, in) == 0) {
        *reflinked_r = 1;
        return XL_OK;
    }
    if (ftruncate(out, st.st_size) < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "%s: truncate", dst);
        goto fail;
    }
    while (off < st.st_size) {
        off = lseek(in, off, SEEK_DATA);
        if (off < 0 && errno == ENXIO)
            break;
        if (off < 0) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "%s: SEEK_DATA", src);
            goto fail;
        }
        end = lseek(in, off, SEEK_HOLE);
        if (end < 0) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "%s: SEEK_HOLE", src);
            goto fail;
        }
        rc = copy_range(in, out, off, end, dst);
        if (rc)
            goto fail;
        off = end;
    }
    /* No fsync: a clone that did not survive a host crash is thrown away
     * with its run, and syncing would cost more than the copy. */
    return XL_OK;
fail:
    unlink(dst);
    return rc;
}

int xl_run_tool(char *const argv[], const char *what, char **out_r)
{
    struct xl_spawn_result res;
    size_t n;
    int rc;

    rc = xl_spawn_capture(argv, out_r ? XL_SPAWN_QUIET_STDERR : XL_SPAWN_MERGE_STDERR, 300, 64 * 1024, &res);
    if (rc)
        goto out;
    n = res.out_len;
    while (n > 0 && (res.out[n - 1] == '\n' || res.out[n - 1] == ' '))
        res.out[--n] = '\0';
    if (res.exit_code != 0) {
        rc = xl_error(XL_ERR_FAIL, "%s: %s failed (exit %d)%s%s", what, argv[0], res.exit_code,
                      n ? ": " : "", n ? res.out : "");
        goto out;
    }
    if (out_r)
        *out_r = res.out ? xl_steal_pointer(&res.out) : xl_strdup("");
out:
    xl_spawn_result_dispose(&res);
    return rc;
}
