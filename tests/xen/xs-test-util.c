#include "xs-test-util.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool xst_put(struct xs_handle *xs, const char *path, const char *value)
{
    return xs_write(xs, XBT_NULL, path, value, (unsigned)strlen(value));
}

const char *xst_errno_name(int e)
{
    const char *n = strerrorname_np(e);

    return n ? n : "unknown-errno";
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *xst_wait_read(struct xs_handle *xs, const char *path, double timeout_s, unsigned *len_r)
{
    double deadline = timeout_s > 0 ? now() + timeout_s : 0;
    char *v = xs_read(xs, XBT_NULL, path, len_r);
    int err;

    if (v || errno != ENOENT)
        return v;
    if (!xs_watch(xs, path, "xst-wait"))
        return NULL;
    /* The watch fires once when set, then on every change below path. */
    while ((v = xs_read(xs, XBT_NULL, path, len_r)) == NULL && errno == ENOENT) {
        struct pollfd p = { .fd = xs_fileno(xs), .events = POLLIN };
        double left = deadline ? deadline - now() : -1;
        int n;

        if (deadline && left <= 0)
            break;
        n = poll(&p, 1, deadline ? (int)(left * 1000) + 1 : -1);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0) {
            unsigned num;

            free(xs_read_watch(xs, &num));
        }
        errno = ENOENT;
    }
    err = errno;
    xs_unwatch(xs, path, "xst-wait");
    errno = v ? 0 : err;
    return v;
}
