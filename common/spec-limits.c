/* The limits a run enforces, checked where the spec is read: `spec check`
 * and `run` (before it makes a run directory) call the same function, so a
 * spec that passes check cannot fail later on a size. Each limit lives where
 * the thing that imposes it does; this file only gathers them. */
#include "spec.h"

#include <string.h>

#include "json-util.h"
#include "plan.h"
#include "xl-util.h"
#include "xs-layout.h"

/* A run's plan ids are at most XL_RUN_ID_MAX; measure with the longest. */
static int check_plan_bytes(const struct xl_spec *s, size_t arm)
{
    const struct xl_arm *a = &s->arms[arm];
    char run_id[XL_RUN_ID_MAX + 1];
    struct xl_plan p;
    json_object *o = NULL;
    size_t len, slot;
    int rc;

    memset(run_id, 'x', XL_RUN_ID_MAX);
    run_id[XL_RUN_ID_MAX] = '\0';
    xl_plan_init(&p);
    rc = xl_plan_from_spec(s, a, a->replicas, run_id, &p);
    if (rc)
        goto out;
    /* A resumed plan lists the slots it skips: count them all. */
    for (slot = 0; slot < xl_plan_nr_slots(&p); slot++)
        xl_plan_skip_slot(&p, slot);
    o = xl_plan_to_json(&p);
    len = strlen(xl_json_compact(o));
    if (len > XL_PLAN_MAX_BYTES)
        rc = xl_error(XL_ERR_INVAL, "arms[%zu]: its plan would take %zu bytes, more than %d", arm, len,
                      XL_PLAN_MAX_BYTES);
out:
    json_object_put(o);
    xl_plan_dispose(&p);
    return rc;
}

int xl_spec_check_limits(const struct xl_spec *s)
{
    size_t i, guests = 0, slots;
    int rc;

    if (s->nr_benches > XL_PLAN_MAX_ITEMS)
        return xl_error(XL_ERR_INVAL, "benchmarks: %zu variants (one per listed kernel or client count), more than %d",
                        s->nr_benches, XL_PLAN_MAX_ITEMS);
    /* Each guest holds one XenStore node per result slot, under the
     * per-domain node quota (common/xs-layout.h); the collector refuses more. */
    slots = s->nr_benches * s->policy.max_trials;
    if (slots > XL_XS_MAX_SLOTS)
        return xl_error(XL_ERR_INVAL, "max_trials: %zu variants x %u trials = %zu result slots per guest, more than %d",
                        s->nr_benches, s->policy.max_trials, slots, XL_XS_MAX_SLOTS);
    for (i = 0; i < s->nr_arms; i++) {
        guests += s->arms[i].replicas;
        if (guests > XL_SPEC_MAX_GUESTS)
            return xl_error(XL_ERR_INVAL, "arms[%zu].replicas: brings the guests of the run to %zu, more than %d", i,
                            guests, XL_SPEC_MAX_GUESTS);
    }
    for (i = 0; i < s->nr_arms; i++) {
        rc = check_plan_bytes(s, i);
        if (rc)
            return rc;
    }
    return XL_OK;
}
