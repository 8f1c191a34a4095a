#include "xs-test-util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool xst_put(struct xs_handle *xs, const char *path, const char *value)
{
    return xs_write(xs, XBT_NULL, path, value, (unsigned)strlen(value));
}

const char *xst_errno_name(int e)
{
    const char *n = strerrorname_np(e);

    return n ? n : "unknown-errno";
}

int xst_guest_ended(struct xs_handle *xs, const char *home)
{
    char path[160];
    unsigned len;
    char *v = xs_read(xs, XBT_NULL, home, &len);

    if (!v)
        return errno == ENOENT ? ESRCH : 0;
    free(v);
    snprintf(path, sizeof(path), "%s/data/xenlab-testbed/run-status", home);
    v = xs_read(xs, XBT_NULL, path, &len);
    free(v);
    return v ? ECHILD : 0;
}

char *xst_wait_read(struct xs_handle *xs, const char *path, int domid, unsigned *len_r)
{
    char *v = xs_read(xs, XBT_NULL, path, len_r);
    bool released = false;
    int err;

    if (v || errno != ENOENT)
        return v;
    if (!xs_watch(xs, path, "xst-wait"))
        return NULL;
    /* @releaseDomain fires when any domain dies, the home's watch when its program's
     * status lands: then look which it was. */
    if (domid >= 0) {
        char home[32];

        snprintf(home, sizeof(home), "/local/domain/%d", domid);
        released = xs_watch(xs, "@releaseDomain", "xst-release");
        if (released && !xs_watch(xs, home, "xst-home")) {
            err = errno;
            xs_unwatch(xs, "@releaseDomain", "xst-release");
            errno = err;
            released = false;
        }
        if (!released) {
            err = errno;
            xs_unwatch(xs, path, "xst-wait");
            errno = err;
            return NULL;
        }
    }
    /* Each watch fires once when set, then on every change. */
    for (;;) {
        unsigned num;
        char **ev;

        v = xs_read(xs, XBT_NULL, path, len_r);
        if (v || errno != ENOENT) {
            err = v ? 0 : errno;
            break;
        }
        if (domid >= 0) {
            char home[32];

            snprintf(home, sizeof(home), "/local/domain/%d", domid);
            if ((err = xst_guest_ended(xs, home)) != 0)
                break;
        }
        ev = xs_read_watch(xs, &num);
        if (!ev) {
            err = errno;
            break;
        }
        free(ev);
    }
    xs_unwatch(xs, path, "xst-wait");
    if (released) {
        char home[32];

        snprintf(home, sizeof(home), "/local/domain/%d", domid);
        xs_unwatch(xs, "@releaseDomain", "xst-release");
        xs_unwatch(xs, home, "xst-home");
    }
    errno = err;
    return v;
}
