#include <stdio.h>
#include <unistd.h>

#include "create-retry.h"

static const unsigned backoff_s[XL_CREATE_ATTEMPTS - 1] = { 10, 30, 60, 120 };

int xl_create_retry_run(const struct xl_create_retry *r, int *tries_r)
{
    int code = 0, attempt;

    for (attempt = 1; attempt <= XL_CREATE_ATTEMPTS; attempt++) {
        code = r->attempt(r->arg);
        if (!code || !r->transient(code) || attempt == XL_CREATE_ATTEMPTS)
            break;
        fprintf(stderr, "xenlab: creating %s failed (error %d, which %s also gives), attempt %d of %d; "
                "retrying in %u s\n", r->name, code, r->why, attempt, XL_CREATE_ATTEMPTS,
                backoff_s[attempt - 1]);
        if (r->wait)
            r->wait(backoff_s[attempt - 1]);
        else
            sleep(backoff_s[attempt - 1]);
    }
    *tries_r = attempt > XL_CREATE_ATTEMPTS ? XL_CREATE_ATTEMPTS : attempt;
    return code;
}
