#include "preflight.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "size.h"
#include "xl-util.h"

int xl_preflight_memory(const char *backend, uint64_t need_kib, uint64_t free_kib)
{
    char need[32], have[32];

    if (need_kib <= free_kib)
        return XL_OK;
    xl_size_format(need_kib * 1024, need, sizeof(need));
    xl_size_format(free_kib * 1024, have, sizeof(have));
    return xl_error(XL_ERR_FAIL, "preflight: the clone needs %s of memory, the host has %s free (%s); nothing was created",
                    need, have, backend);
}

int xl_preflight_disk(const char *dir, uint64_t need_bytes)
{
    char buf[PATH_MAX], need[32], have[32];
    struct statvfs sv;
    uint64_t avail;
    char *slash;

    snprintf(buf, sizeof(buf), "%s", dir);
    while (statvfs(buf, &sv) < 0) {
        if (errno != ENOENT || !(slash = strrchr(buf, '/')) || slash == buf)
            return xl_error_errno(XL_ERR_FAIL, errno, "preflight: %s", buf);
        *slash = '\0';
    }
    avail = (uint64_t)sv.f_bavail * sv.f_frsize;
    if (need_bytes <= avail)
        return XL_OK;
    xl_size_format(need_bytes, need, sizeof(need));
    xl_size_format(avail, have, sizeof(have));
    return xl_error(XL_ERR_FAIL, "preflight: the clone needs %s of disk, %s has %s free; nothing was created", need,
                    buf, have);
}
