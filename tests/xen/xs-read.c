/* xs-read: read one XenStore node with libxenstore, optionally waiting for it.
 *
 *   xs-read [--wait SECONDS] PATH
 *
 * Prints the value and exits 0; exits 1 if the node does not exist (after waiting),
 * 2 on any other error (with the reason on stderr), 64 on bad usage.  The wait uses a
 * XenStore watch, so it answers as soon as the node appears.  Built from this tree
 * and run in the testbed's dom0 by tests/xen. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "xs-test-util.h"

int main(int argc, char **argv)
{
    double wait = 0;
    int i = 1;
    if (argc == 4 && strcmp(argv[1], "--wait") == 0) {
        char *end;
        wait = strtod(argv[2], &end);
        if (*end != '\0' || wait < 0) {
            fprintf(stderr, "xs-read: bad --wait value '%s'\n", argv[2]);
            return 64;
        }
        i = 3;
    }
    if (argc != i + 1) {
        fprintf(stderr, "usage: xs-read [--wait SECONDS] PATH\n");
        return 64;
    }
    const char *path = argv[i];

    struct xs_handle *xs = xs_open(0);
    if (xs == NULL) {
        fprintf(stderr, "xs-read: cannot open XenStore: %s\n", strerror(errno));
        return 2;
    }
    unsigned int len = 0;
    /* --wait 0 (or none) is one read, not a wait for ever. */
    char *v = wait > 0 ? xst_wait_read(xs, path, wait, &len) : xs_read(xs, XBT_NULL, path, &len);
    int rc = 0;
    if (v != NULL) {
        fwrite(v, 1, len, stdout);
        putchar('\n');
        free(v);
    } else if (errno == ENOENT) {
        if (wait > 0)
            fprintf(stderr, "xs-read: %s: still absent after %gs\n", path, wait);
        rc = 1;
    } else {
        fprintf(stderr, "xs-read: %s: %s\n", path, strerror(errno));
        rc = 2;
    }
    xs_close(xs);
    return rc;
}
