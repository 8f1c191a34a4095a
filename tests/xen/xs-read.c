/* xs-read: read one XenStore node with libxenstore, optionally waiting for it.
 *
 *   xs-read [--wait SECONDS] PATH
 *
 * Prints the value and exits 0; exits 1 if the node does not exist (after waiting),
 * 2 on any other error (with the reason on stderr), 64 on bad usage.  The wait uses a
 * XenStore watch, so it answers as soon as the node appears.  Built from this tree
 * and run in the testbed's dom0 by tests/xen. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 0: got it (value printed); 1: absent; 2: error. */
static int try_read(struct xs_handle *xs, const char *path)
{
    unsigned int len = 0;
    char *v = xs_read(xs, XBT_NULL, path, &len);
    if (v != NULL) {
        fwrite(v, 1, len, stdout);
        putchar('\n');
        free(v);
        return 0;
    }
    if (errno == ENOENT)
        return 1;
    fprintf(stderr, "xs-read: %s: %s\n", path, strerror(errno));
    return 2;
}

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
    int rc = try_read(xs, path);
    if (rc == 1 && wait > 0) {
        double deadline = now() + wait;
        if (!xs_watch(xs, path, "xs-read")) {
            fprintf(stderr, "xs-read: watch %s: %s\n", path, strerror(errno));
            xs_close(xs);
            return 2;
        }
        while (rc == 1) {
            double left = deadline - now();
            if (left <= 0)
                break;
            struct pollfd p = { .fd = xs_fileno(xs), .events = POLLIN };
            int n = poll(&p, 1, (int)(left * 1000) + 1);
            if (n < 0 && errno != EINTR) {
                fprintf(stderr, "xs-read: poll: %s\n", strerror(errno));
                rc = 2;
                break;
            }
            if (n > 0) {
                unsigned int num;
                char **ev = xs_read_watch(xs, &num);
                free(ev);
            }
            rc = try_read(xs, path);
        }
        if (rc == 1)
            fprintf(stderr, "xs-read: %s: still absent after %gs\n", path, wait);
    }
    xs_close(xs);
    return rc;
}
