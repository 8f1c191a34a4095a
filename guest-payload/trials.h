/* Runs the trials of one benchmark variant under a trial policy (PTS-style:
 * fixed count, then extra trials while the deviation is above target). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "result.h"
#include "spec.h"
#include "stats.h"

/* Runs trial number `trial` (1-based) into r (already initialised). */
typedef void (*xl_trial_fn)(void *opaque, unsigned trial, struct xl_result *r);
/* Hands a finished trial on; a non-zero return stops the loop. */
typedef int (*xl_emit_fn)(void *opaque, const struct xl_result *r);

struct xl_trials_outcome {
    unsigned run;
    unsigned failed;
    struct xl_stats stats;     /* over the successful trials */
};

/* True when trial `trial` is already done elsewhere (a resumed run). */
typedef bool (*xl_skip_fn)(void *opaque, unsigned trial);

/* skip may be NULL. Skipped trials count towards the fixed trial count but
 * run nothing and emit nothing. */
int xl_trials_run(const struct xl_trial_policy *pol, xl_trial_fn run, xl_emit_fn emit, xl_skip_fn skip,
                  void *opaque, struct xl_trials_outcome *out);

/* {"xenlab":"summary/1","benchmark":..,"variant":..,"trials":n,"failed":k,
 *  "mean":..,"stddev":..,"dev_pct":..,"min":..,"max":..,"ci95":[lo,hi]} */
json_object *xl_summary_to_json(const struct xl_result *proto, const struct xl_trials_outcome *o);
