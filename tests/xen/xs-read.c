/* xs-read: read one XenStore node with libxenstore, optionally waiting for it.
 *
 *   xs-read [--while-domain DOMID] PATH
 *
 * Prints the value and exits 0; exits 1 if the node does not exist (with
 * --while-domain: the domain went away, or the program the testbed booted it to run
 * exited, before it appeared), 2 on any other error
 * (with the reason on stderr), 64 on bad usage.  The wait uses XenStore watches, so
 * it answers as soon as the node appears or the guest ends, and no clock bounds it:
 * a slow machine waits longer, a dead guest ends it.  Built from this tree and run
 * in the testbed's dom0 by tests/xen. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "xs-test-util.h"

int main(int argc, char **argv)
{
    int domid = -1;
    int i = 1;
    if (argc == 4 && strcmp(argv[1], "--while-domain") == 0) {
        char *end;
        long d = strtol(argv[2], &end, 10);
        if (*end != '\0' || end == argv[2] || d < 0 || d > 0x7fef) {
            fprintf(stderr, "xs-read: bad domain id '%s'\n", argv[2]);
            return 64;
        }
        domid = (int)d;
        i = 3;
    }
    if (argc != i + 1) {
        fprintf(stderr, "usage: xs-read [--while-domain DOMID] PATH\n");
        return 64;
    }
    const char *path = argv[i];

    struct xs_handle *xs = xs_open(0);
    if (xs == NULL) {
        fprintf(stderr, "xs-read: cannot open XenStore: %s\n", strerror(errno));
        return 2;
    }
    unsigned int len = 0;
    char *v = domid >= 0 ? xst_wait_read(xs, path, domid, &len) : xs_read(xs, XBT_NULL, path, &len);
    int rc = 0;
    if (v != NULL) {
        fwrite(v, 1, len, stdout);
        putchar('\n');
        free(v);
    } else if (errno == ENOENT || errno == ESRCH || errno == ECHILD) {
        if (errno == ESRCH)
            fprintf(stderr, "xs-read: %s: domain %d went away before it appeared\n", path, domid);
        else if (errno == ECHILD)
            fprintf(stderr, "xs-read: %s: domain %d's program exited before it appeared\n", path, domid);
        rc = 1;
    } else {
        fprintf(stderr, "xs-read: %s: %s\n", path, strerror(errno));
        rc = 2;
    }
    xs_close(xs);
    return rc;
}
