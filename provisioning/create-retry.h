/* Retrying a domain creation that failed for a transient reason.
 *
 * Under a slow dom0 (seen on the loaded CI machine while another guest
 * booted) libxl's block hotplug script misses its 40 s timeout and the
 * create fails with a generic code; the same create succeeds minutes later.
 * The backend says which codes are transient; this loop owns how often and
 * how patiently to try again, and says so on stderr each time. */
#ifndef XL_CREATE_RETRY_H
#define XL_CREATE_RETRY_H

#include <stdbool.h>

struct xl_create_retry {
    const char *name;                       /* the domain, for messages */
    const char *why;                        /* what a transient failure usually is */
    int (*attempt)(void *arg);              /* 0: created; else the toolstack's code */
    bool (*transient)(int code);            /* worth another try? */
    void (*wait)(unsigned seconds);         /* NULL: sleep(3) */
    void *arg;
};

/* Five tries, 10, 30, 60 and 120 s apart: three tries 5 and 15 s apart all
 * lost the hotplug race on the loaded machine. */
#define XL_CREATE_ATTEMPTS 5

/* Calls r->attempt until it returns 0, a code that is not transient, or
 * XL_CREATE_ATTEMPTS tries have failed; returns the last code and sets
 * *tries_r to the number of calls. */
int xl_create_retry_run(const struct xl_create_retry *r, int *tries_r);

#endif
