/* The adaptive trial rules on fixed values: extra trials while the
 * deviation (--target-dev) or the 95 % CI's half-width (--target-ci) is
 * above its target, never past max_trials. */
#include <string.h>

#include "tap.h"
#include "trials.h"

static const double *series;

static void run_one(void *opaque, unsigned trial, struct xl_result *r)
{
    (void)opaque;
    r->ok = true;
    r->value = series[trial - 1];
}

static int emit(void *opaque, const struct xl_result *r)
{
    (void)opaque;
    (void)r;
    return 0;
}

static unsigned trials_for(const double *v, unsigned trials, unsigned max, double dev, double ci)
{
    struct xl_trial_policy p = { .trials = trials, .max_trials = max, .target_dev_pct = dev, .target_ci_pct = ci };
    struct xl_trials_outcome o;

    series = v;
    xl_trials_run(&p, run_one, emit, NULL, NULL, &o);
    return o.run;
}

int main(void)
{
    /* dev of the first 3: 1.0 %; CI half-width 2.5 % of the mean (t=4.303). */
    static const double steady[] = { 99, 100, 101, 100, 100, 100, 100, 100, 100, 100 };
    /* 10 % deviation at first, settling later. */
    static const double noisy[] = { 90, 100, 110, 100, 100, 100, 100, 100, 100, 100 };

    TAP_EQ_INT(trials_for(steady, 3, 10, 0, 0), 3, "no target: the fixed count");
    TAP_EQ_INT(trials_for(steady, 3, 10, 2.0, 0), 3, "dev 1 % under --target-dev 2: no extra trial");
    TAP_EQ_INT(trials_for(steady, 3, 10, 0, 3.0), 3, "CI 2.5 % under --target-ci 3: no extra trial");
    tap_ok(trials_for(steady, 3, 10, 0, 1.0) > 3, "CI 2.5 %% over --target-ci 1: extra trials");
    TAP_EQ_INT(trials_for(steady, 3, 10, 0, 0.01), 10, "a CI target never met stops at max_trials");
    tap_ok(trials_for(noisy, 3, 10, 0, 5.0) > 3 && trials_for(noisy, 3, 10, 0, 5.0) < 10,
           "a noisy start gets trials until its CI is within 5 %% (%u)", trials_for(noisy, 3, 10, 0, 5.0));
    tap_ok(trials_for(steady, 3, 10, 2.0, 1.0) > 3, "either rule unmet: extra trials");
    return tap_done();
}
