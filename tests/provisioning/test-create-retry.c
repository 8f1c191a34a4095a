/* The create retry loop: how often, how patiently and on which codes it
 * tries again. The toolstack is the real one on the testbed (seed-libxl,
 * seed-faults); here the attempts are counted calls, the waits recorded. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "create-retry.h"
#include "tap.h"

#define TRANSIENT (-3)
#define FATAL (-6)

struct script {
    int codes[8];       /* what each call returns */
    int calls;
};

static unsigned waited[8], nr_waited;

static int attempt(void *arg)
{
    struct script *s = arg;

    return s->codes[s->calls++];
}

static bool transient(int code)
{
    return code == TRANSIENT;
}

static void record_wait(unsigned seconds)
{
    waited[nr_waited++] = seconds;
}

static int run(struct script *s, int *tries)
{
    struct xl_create_retry r = { .name = "xl-t-a-1", .why = "a hotplug script timing out", .attempt = attempt,
                                 .transient = transient, .wait = record_wait, .arg = s };

    nr_waited = 0;
    return xl_create_retry_run(&r, tries);
}

int main(void)
{
    struct script ok = { .codes = { 0 } }, late = { .codes = { TRANSIENT, TRANSIENT, 0 } },
                  never = { .codes = { TRANSIENT, TRANSIENT, TRANSIENT, TRANSIENT, TRANSIENT, 0 } },
                  fatal = { .codes = { FATAL, 0 } }, fatal_later = { .codes = { TRANSIENT, FATAL, 0 } };
    int tries, rc;

    rc = run(&ok, &tries);
    TAP_EQ_INT(rc, 0, "a create that works returns 0");
    TAP_EQ_INT(ok.calls, 1, "... after one call");
    TAP_EQ_INT((int)nr_waited, 0, "... and no wait");

    rc = run(&late, &tries);
    TAP_EQ_INT(rc, 0, "two transient failures, then created");
    TAP_EQ_INT(tries, 3, "... on try 3");
    tap_ok(nr_waited == 2 && waited[0] == 10 && waited[1] == 30, "... waiting 10 s, then 30 s");

    rc = run(&never, &tries);
    TAP_EQ_INT(rc, TRANSIENT, "transient every time: the last code is returned");
    TAP_EQ_INT(never.calls, XL_CREATE_ATTEMPTS, "... after XL_CREATE_ATTEMPTS (5) calls, no more");
    TAP_EQ_INT(tries, XL_CREATE_ATTEMPTS, "... and tries says so");
    tap_ok(nr_waited == 4 && waited[0] == 10 && waited[1] == 30 && waited[2] == 60 && waited[3] == 120,
           "... waiting 10, 30, 60, 120 s between them, not after the last");

    rc = run(&fatal, &tries);
    TAP_EQ_INT(rc, FATAL, "a code that is not transient is returned at once");
    TAP_EQ_INT(fatal.calls, 1, "... without another call");
    TAP_EQ_INT((int)nr_waited, 0, "... or a wait");

    rc = run(&fatal_later, &tries);
    TAP_EQ_INT(rc, FATAL, "a lasting failure after a transient one stops the loop");
    TAP_EQ_INT(tries, 2, "... on try 2");
    return tap_done();
}
