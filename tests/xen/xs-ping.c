/* xs-ping: how far a guest's wall clock is from dom0's, through XenStore.
 *
 *   xs-ping HOME COUNT
 *
 * COUNT times: note dom0's clock (t0), write HOME/xenlab-test/ping = K, wait on a
 * watch for the guest's HOME/data/xenlab-test/pong/K (its clock when it saw the
 * ping, tests/xen/xs-guest-hostile.c), note dom0's clock again (t2).  The guest's
 * offset is pong - (t0 + t2) / 2, known to within half the round trip; the
 * sample with the shortest round trip is printed as "offset_ms=X rtt_ms=Y".
 * Exits 1 when the guest goes away or its program exits without answering (no
 * clock: a slow guest is waited for), 2 on other errors.
 * The watch on the pong is set before t0 (so not xst_wait_read, which sets it
 * after a first read): the round trip then holds only the ping and the answer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#include "xs-test-util.h"

static double wall(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double best_rtt = 1e9, best_offset = 0;
    struct xs_handle *xs;
    int k, count, rc = 0;

    if (argc != 3 || (count = atoi(argv[2])) < 1 || count > 100) {
        fprintf(stderr, "usage: xs-ping HOME COUNT (1..100)\n");
        return 64;
    }
    xs = xs_open(0);
    if (!xs) {
        fprintf(stderr, "xs-ping: cannot open XenStore: %s\n", strerror(errno));
        return 2;
    }
    for (k = 1; k <= count && !rc; k++) {
        char ping[160], pong[160], val[16];
        double t0, t2;
        char *v = NULL;
        unsigned len;

        snprintf(ping, sizeof(ping), "%s/xenlab-test/ping", argv[1]);
        snprintf(pong, sizeof(pong), "%s/data/xenlab-test/pong/%d", argv[1], k);
        snprintf(val, sizeof(val), "%d", k);
        if (!xs_watch(xs, pong, "pong")) {
            fprintf(stderr, "xs-ping: watch %s: %s\n", pong, strerror(errno));
            rc = 2;
            break;
        }
        t0 = wall();
        if (!xs_write(xs, XBT_NULL, ping, val, (unsigned)strlen(val))) {
            fprintf(stderr, "xs-ping: write %s: %s\n", ping, strerror(errno));
            rc = 2;
            break;
        }
        /* The pong's watch fires for the home's removal too (the domain destroyed). */
        while ((v = xs_read(xs, XBT_NULL, pong, &len)) == NULL) {
            int why = xst_guest_ended(xs, argv[1]);
            unsigned n;
            char **ev;

            if (why) {
                fprintf(stderr, "xs-ping: no answer at %s: %s\n", pong,
                        why == ESRCH ? "the domain went away" : "the guest's program exited");
                rc = 1;
                break;
            }
            if (!(ev = xs_read_watch(xs, &n))) {
                fprintf(stderr, "xs-ping: waiting for %s: %s\n", pong, strerror(errno));
                rc = 2;
                break;
            }
            free(ev);
        }
        t2 = wall();
        xs_unwatch(xs, pong, "pong");
        if (v) {
            double g = strtod(v, NULL);

            free(v);
            if (t2 - t0 < best_rtt) {
                best_rtt = t2 - t0;
                best_offset = g - (t0 + t2) / 2;
            }
        }
    }
    if (!rc)
        printf("offset_ms=%.1f rtt_ms=%.1f\n", best_offset * 1000, best_rtt * 1000);
    xs_close(xs);
    return rc;
}
