/* The plan: what one guest (one arm replica) must run, written by dom0 into
 * the guest's XenStore home and read by the guest agent (or run locally).
 *
 *   {"xenlab":"plan/1","run":"20261124-1221-ab12","arm":"vm2","replica":1,
 *    "trials":3,"max_trials":3,"target_deviation":0,"trial_timeout":0,
 *    "run_in":{"container":{"cpus":1,"memory":1073741824,"runtime":"auto"}},
 *    "items":[{"id":"nqueens","n":18},{"id":"memory","kernel":"add","type":"fp"}],
 *    "skip":[0,1]}   (optional: slots already collected, on resume)
 *
 * Result k of item i has index i * max_trials + (k - 1): a fixed slot, so a
 * resumed or repeated write lands on the same key and dom0 can bound the
 * indices it accepts. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "bench-params.h"
#include "container-spec.h"
#include "spec.h"

#define XL_PLAN_SCHEMA "plan/1"
#define XL_PLAN_MAX_BYTES (64 * 1024)
#define XL_PLAN_MAX_ITEMS 64
#define XL_PLAN_MAX_SLOTS 1024
#define XL_RUN_ID_MAX 64

struct xl_plan {
    char *run_id;
    char *arm;
    unsigned replica;
    struct xl_trial_policy policy;
    unsigned trial_timeout_s;
    bool in_container;
    /* The arm asked for a disk size: the agent grows the filesystem (and
     * its partition) to the end of the disk before the first benchmark, in
     * case dom0 could not grow it offline. A no-op where dom0 did. */
    bool grow_root;
    struct xl_container_spec container;
    struct xl_bench_params *items;
    size_t nr_items;
    /* Slots whose results dom0 already holds (a resumed run): not rerun.
     * NULL when none; else xl_plan_nr_slots() flags. */
    bool *skip;
};

void xl_plan_init(struct xl_plan *p);
void xl_plan_dispose(struct xl_plan *p);

int xl_plan_from_spec(const struct xl_spec *s, const struct xl_arm *arm, unsigned replica,
                      const char *run_id, struct xl_plan *p);
json_object *xl_plan_to_json(const struct xl_plan *p);
int xl_plan_from_json(json_object *obj, const char *what, struct xl_plan *p);
int xl_plan_load(const char *path, struct xl_plan *p);

/* Number of result slots: nr_items * max_trials. */
size_t xl_plan_nr_slots(const struct xl_plan *p);
size_t xl_plan_slot(const struct xl_plan *p, size_t item, unsigned trial);
void xl_plan_skip_slot(struct xl_plan *p, size_t slot);
bool xl_plan_skipped(const struct xl_plan *p, size_t slot);
