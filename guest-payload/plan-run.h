/* Runs a plan: every item's trials, each in a fresh worker process (in the
 * guest, or in the plan's container), handing each result on as it
 * completes. Used by `xenlab-guest run` and by the agent. */
#pragma once

#include "plan.h"
#include "result.h"

/* index: the result's slot in the plan (xl_plan_slot). Non-zero stops. */
typedef int (*xl_plan_emit_fn)(void *opaque, size_t index, const struct xl_result *r);
/* Called before each trial starts (progress); may be NULL. */
typedef void (*xl_plan_progress_fn)(void *opaque, size_t item, unsigned trial);

struct xl_plan_runner {
    const struct xl_plan *plan;
    const char *worker;          /* path of xenlab-guest; NULL: this executable */
    const char *workdir;         /* NULL: current directory */
    xl_plan_emit_fn emit;
    xl_plan_progress_fn progress;
    void *opaque;
};

/* Runs every item of the plan, first setting which clone this is in the
 * environment (clone-env.h). */
int xl_plan_run(const struct xl_plan_runner *pr);

/* Runs one trial of one item in a fresh worker; r is initialised by caller. */
void xl_plan_run_trial(const struct xl_plan_runner *pr, size_t item, unsigned trial, struct xl_result *r);
