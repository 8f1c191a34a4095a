#include "loopdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xl-util.h"

/* Another process may take the free device between asking and configuring. */
#define ATTACH_TRIES 16

void xl_loopdev_init(struct xl_loopdev *l)
{
    l->fd = -1;
    l->path[0] = '\0';
}

void xl_loopdev_dispose(struct xl_loopdev *l)
{
    if (l->fd >= 0)
        close(l->fd);
    xl_loopdev_init(l);
}

int xl_loopdev_attach(struct xl_loopdev *l, const char *file, bool readonly)
{
    xl_autofd int ctl = -1, backing = -1;
    int tries, rc = XL_OK;

    xl_loopdev_init(l);
    backing = open(file, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOFOLLOW);
    if (backing < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", file);
    ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (ctl < 0)
        return xl_error_errno(XL_ERR_NOTFOUND, errno, "/dev/loop-control");
    for (tries = 0; tries < ATTACH_TRIES; tries++) {
        struct loop_config cfg;
        int n = ioctl(ctl, LOOP_CTL_GET_FREE), fd;

        if (n < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s: no free loop device", file);
        snprintf(l->path, sizeof(l->path), "/dev/loop%d", n);
        fd = open(l->path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
        if (fd < 0) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "%s", l->path);
            break;
        }
        memset(&cfg, 0, sizeof(cfg));
        cfg.fd = (unsigned)backing;
        cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (readonly ? LO_FLAGS_READ_ONLY : 0);
        snprintf((char *)cfg.info.lo_file_name, sizeof(cfg.info.lo_file_name), "%s", file);
        if (ioctl(fd, LOOP_CONFIGURE, &cfg) == 0) {
            l->fd = fd;
            return XL_OK;
        }
        {
            int e = errno;

            rc = xl_error_errno(XL_ERR_FAIL, e, "%s: cannot attach %s", l->path, file);
            close(fd);
            if (e != EBUSY)
                break;
        }
    }
    l->path[0] = '\0';
    return rc;
}
