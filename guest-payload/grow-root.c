#include "grow-root.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/swap.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "part.h"
#include "xl-spawn.h"
#include "xl-util.h"

#define MOUNTINFO_MAX (1024 * 1024)
#define RESIZE2FS_TIMEOUT_S 1800
#define RESIZE2FS_MAX_OUT (64 * 1024)

static int fs_bytes(const char *dir, uint64_t *bytes_r)
{
    struct statvfs sv;

    if (statvfs(dir, &sv) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "growth: %s", dir);
    *bytes_r = (uint64_t)sv.f_blocks * sv.f_frsize;
    return XL_OK;
}

/* The type of the filesystem mounted last on dev (the one dir sees). */
static int mount_fstype(dev_t dev, const char *dir, char *type, size_t len)
{
    xl_autofree char *text = NULL;
    char want[32], *line, *save = NULL;
    size_t n = 0;
    int rc;

    rc = xl_read_file("/proc/self/mountinfo", MOUNTINFO_MAX, &text, &n);
    if (rc)
        return xl_error_prefix(rc, "growth");
    snprintf(want, sizeof(want), "%u:%u", major(dev), minor(dev));
    type[0] = '\0';
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char id[16], parent[16], mm[32];
        const char *sep = strstr(line, " - ");

        if (sscanf(line, "%15s %15s %31s", id, parent, mm) != 3 || strcmp(mm, want) != 0 || !sep)
            continue;
        snprintf(type, len, "%.*s", (int)strcspn(sep + 3, " "), sep + 3);
    }
    if (!type[0])
        return xl_error(XL_ERR_NOTFOUND, "growth: %s: no mount of device %s in /proc/self/mountinfo", dir, want);
    return XL_OK;
}

/* /sys/dev/block/M:m/<attr>, one line. */
static int sys_attr(dev_t dev, const char *attr, char *buf, size_t len)
{
    xl_autofree char *path = xl_asprintf("/sys/dev/block/%u:%u/%s", major(dev), minor(dev), attr);
    xl_autofree char *text = NULL;
    size_t n = 0;
    int rc;

    rc = xl_read_file(path, 4096, &text, &n);
    if (rc)
        return rc;
    text[strcspn(text, "\n")] = '\0';
    snprintf(buf, len, "%s", text);
    return XL_OK;
}

/* DEVNAME=xvda1 from a uevent file. */
static int devname_of(const char *uevent_path, char *dev, size_t len)
{
    xl_autofree char *text = NULL;
    const char *p;
    size_t n = 0;
    int rc;

    rc = xl_read_file(uevent_path, 4096, &text, &n);
    if (rc)
        return rc;
    p = strstr(text, "DEVNAME=");
    if (!p)
        return xl_error(XL_ERR_NOTFOUND, "growth: %s names no device", uevent_path);
    p += strlen("DEVNAME=");
    if ((size_t)snprintf(dev, len, "/dev/%.*s", (int)strcspn(p, "\n"), p) >= len)
        return xl_error(XL_ERR_INVAL, "growth: %s: device name too long", uevent_path);
    return XL_OK;
}

/* A swap partition about to be deleted must not be in use. */
static int swap_off(const char *devname, void *arg)
{
    xl_autofree char *swaps = NULL;
    char want[PATH_MAX], *line, *save = NULL;
    size_t n = 0;

    (void)arg;
    if (!realpath(devname, want))
        snprintf(want, sizeof(want), "%s", devname);
    if (xl_read_file("/proc/swaps", 64 * 1024, &swaps, &n))
        return XL_OK;       /* no swap accounting: nothing is on */
    for (line = strtok_r(swaps, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char dev[PATH_MAX], real[PATH_MAX];

        if (sscanf(line, "%4095s", dev) != 1)
            continue;
        if (strcmp(dev, want) != 0 && !(realpath(dev, real) && strcmp(real, want) == 0))
            continue;
        if (swapoff(want) < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "growth: swapoff %s", want);
    }
    return XL_OK;
}

static int resize2fs(const char *device)
{
    char *argv[] = { (char *)"resize2fs", (char *)device, NULL };
    struct xl_spawn_result res;
    int rc;

    xl_spawn_result_init(&res);
    rc = xl_spawn_capture(argv, XL_SPAWN_MERGE_STDERR, RESIZE2FS_TIMEOUT_S, RESIZE2FS_MAX_OUT, &res);
    if (!rc && (res.timed_out || res.exit_code != 0)) {
        const char *out = res.out ? res.out : "";

        /* resize2fs prints its version first; its complaint follows. */
        if (strncmp(out, "resize2fs ", 10) == 0 && strchr(out, '\n'))
            out = strchr(out, '\n') + 1;
        rc = xl_error(XL_ERR_FAIL, "growth: resize2fs %s: %.*s", device, (int)strcspn(out, "\n"),
                      *out ? out : res.timed_out ? "timed out" : "failed");
    } else if (rc) {
        rc = xl_error_prefix(rc, "growth: resize2fs %s", device);
    }
    xl_spawn_result_dispose(&res);
    return rc;
}

int xl_grow_root(const char *dir, struct xl_root_growth *g)
{
    char type[32], partno[16];
    struct stat st;
    int rc;

    memset(g, 0, sizeof(*g));
    if (stat(dir, &st) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "growth: %s", dir);
    rc = mount_fstype(st.st_dev, dir, type, sizeof(type));
    if (rc)
        return rc;
    if (strncmp(type, "ext", 3) != 0)
        return xl_error(XL_ERR_INVAL, "growth: %s is on %s; only ext2/3/4 grow in the guest", dir, type);
    {
        xl_autofree char *uevent = xl_asprintf("/sys/dev/block/%u:%u/uevent", major(st.st_dev), minor(st.st_dev));

        rc = devname_of(uevent, g->device, sizeof(g->device));
        if (rc)
            return xl_error_prefix(rc, "growth: %s", dir);
    }
    rc = fs_bytes(dir, &g->fs_before);
    if (rc)
        return rc;
    /* A partition: grow it (and drop the swap after it) first. */
    if (sys_attr(st.st_dev, "partition", partno, sizeof(partno)) == XL_OK) {
        xl_autofree char *parent = xl_asprintf("/sys/dev/block/%u:%u/../uevent", major(st.st_dev),
                                               minor(st.st_dev));
        unsigned long n = strtoul(partno, NULL, 10);

        xl_error_clear();
        if (n < 1 || n > 128)
            return xl_error(XL_ERR_INVAL, "growth: %s: partition number \"%s\"", g->device, partno);
        rc = devname_of(parent, g->disk, sizeof(g->disk));
        if (!rc)
            rc = xl_part_grow_in_place(g->disk, n - 1, swap_off, NULL, &g->partition_grown);
        if (rc)
            return xl_error_prefix(rc, "growth");
    } else {
        xl_error_clear();
    }
    /* resize2fs finds nothing to do on a filesystem that fills its device. */
    rc = resize2fs(g->device);
    if (rc)
        return rc;
    rc = fs_bytes(dir, &g->fs_after);
    if (rc)
        return rc;
    g->fs_grown = g->fs_after > g->fs_before;
    return XL_OK;
}

bool xl_in_xen_guest(void)
{
    xl_autofree char *type = NULL, *caps = NULL;
    size_t n = 0;
    bool xen;

    /* The hypervisor's sysfs node where the kernel has it, else xenbus,
     * which only a Xen domain's kernel registers. */
    xen = xl_read_file("/sys/hypervisor/type", 64, &type, &n) == XL_OK && strncmp(type, "xen", 3) == 0;
    if (!xen)
        xen = access("/sys/bus/xen", F_OK) == 0;
    xl_error_clear();
    if (!xen)
        return false;
    /* dom0 (xenfs mounted, as its toolstack needs) says control_d. */
    if (xl_read_file("/proc/xen/capabilities", 256, &caps, &n) == XL_OK && strstr(caps, "control_d"))
        return false;
    xl_error_clear();
    return true;
}
