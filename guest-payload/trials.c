#include "trials.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "json-util.h"
#include "xl-util.h"

int xl_trials_run(const struct xl_trial_policy *pol, xl_trial_fn run, xl_emit_fn emit, xl_skip_fn skip,
                  void *opaque, struct xl_trials_outcome *out)
{
    double *values = xl_calloc(pol->max_trials, sizeof(double));
    unsigned trial;
    size_t nok = 0;
    int rc = XL_OK;

    memset(out, 0, sizeof(*out));
    for (trial = 1; trial <= pol->max_trials; trial++) {
        struct xl_result r;

        if (trial > pol->trials) {
            /* Dynamic extra trials only while the spread, or the mean's 95 %
             * CI, is too wide to trust. */
            double ci_pct = out->stats.mean != 0 ? out->stats.ci95_half / fabs(out->stats.mean) * 100 : 0;
            bool dev_wide = pol->target_dev_pct > 0 && out->stats.dev_pct > pol->target_dev_pct;
            bool ci_wide = pol->target_ci_pct > 0 && ci_pct > pol->target_ci_pct;

            if (nok < 2 || (!dev_wide && !ci_wide))
                break;
        }
        if (skip && skip(opaque, trial))
            continue;
        xl_result_init(&r);
        r.trial = trial;
        run(opaque, trial, &r);
        if (!r.ended)
            r.ended = xl_wall_now();
        out->run++;
        if (r.ok)
            values[nok++] = r.value;
        else
            out->failed++;
        xl_stats_compute(values, nok, &out->stats);
        rc = emit(opaque, &r);
        xl_result_dispose(&r);
        if (rc)
            break;
    }
    free(values);
    return rc;
}

json_object *xl_summary_to_json(const struct xl_result *proto, const struct xl_trials_outcome *o)
{
    json_object *s = json_object_new_object(), *ci = json_object_new_array();

    xl_json_add(s, "xenlab", xl_json_str("summary/1"));
    xl_json_add(s, "benchmark", xl_json_str(proto->benchmark));
    xl_json_add(s, "variant", xl_json_str(proto->variant));
    xl_json_add(s, "label", xl_json_str(proto->label));
    xl_json_add(s, "unit", xl_json_str(proto->unit));
    xl_json_add(s, "trials", json_object_new_int((int)o->run));
    xl_json_add(s, "failed", json_object_new_int((int)o->failed));
    if (o->stats.n > 0) {
        xl_json_add(s, "mean", json_object_new_double(o->stats.mean));
        xl_json_add(s, "stddev", json_object_new_double(o->stats.stddev));
        xl_json_add(s, "dev_pct", json_object_new_double(o->stats.dev_pct));
        xl_json_add(s, "min", json_object_new_double(o->stats.min));
        xl_json_add(s, "max", json_object_new_double(o->stats.max));
        json_object_array_add(ci, json_object_new_double(o->stats.ci95_low));
        json_object_array_add(ci, json_object_new_double(o->stats.ci95_high));
        xl_json_add(s, "ci95", ci);
    } else {
        json_object_put(ci);
    }
    return s;
}
