/* The experiment spec: what to compare (arms), how (benchmarks, trials) and
 * from which base. Parsed and validated with json-c; every error names the
 * JSON path ("arms[1].run_in.container.cpus: must be > 0"). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench-params.h"
#include "container-spec.h"
#include "hosts.h"

#define XL_SPEC_MAX_BYTES (1024 * 1024)
#define XL_SPEC_MAX_ARMS 64
#define XL_SPEC_MAX_BENCHES 64
#define XL_NAME_MAX 32
#define XL_SPEC_MAX_TRIALS 100
/* Guests in one run, all arms' replicas summed: the run store's job table. */
#define XL_SPEC_MAX_GUESTS 256

/* PTS-style dynamic trials: run `trials`; while the deviation exceeds
 * target_dev_pct, or the 95 % CI's half-width exceeds target_ci_pct of the
 * mean, add trials up to max_trials. */
struct xl_trial_policy {
    unsigned trials;
    unsigned max_trials;
    double target_dev_pct;   /* 0: no deviation rule */
    double target_ci_pct;    /* 0: no CI rule; both 0: fixed trial count */
};

struct xl_arm {
    char *name;
    unsigned vcpus;
    char *cpus;              /* pCPUs its vCPUs are pinned to, canonical "0-3,6"; NULL: anywhere */
    uint64_t memory;         /* bytes */
    uint64_t disk;           /* bytes, 0: the base's size */
    unsigned replicas;
    bool in_container;
    struct xl_container_spec container;
    char *host;              /* the spec's or --hosts' host that runs it; NULL: placed */
};

struct xl_spec {
    char *name;
    char *description;
    char *base_name;         /* a registered base (xenlab base add) */
    char *base_image;
    char *base_template;
    struct xl_trial_policy policy;
    unsigned trial_timeout_s;
    unsigned arm_timeout_s;
    struct xl_bench_params *benches;   /* expanded: one entry per variant */
    size_t nr_benches;
    struct xl_arm *arms;
    size_t nr_arms;
    struct xl_hosts hosts;   /* "hosts": a multi-host experiment; n = 0: this host */
};

void xl_spec_init(struct xl_spec *s);
void xl_spec_dispose(struct xl_spec *s);

int xl_spec_from_json(json_object *obj, struct xl_spec *s);
int xl_spec_load(const char *path, struct xl_spec *s);
/* An existing run's frozen spec.json: the same checks but not the run
 * limits, which gate new runs only, so clean, --resume and reports still
 * read a run made before a limit existed. */
int xl_spec_load_frozen(const char *path, struct xl_spec *s);

/* Every limit a run enforces (variants, result slots per guest, guests, plan
 * size); xl_spec_from_json and xl_spec_load end with it, so `spec check` and
 * `run` agree. */
int xl_spec_check_limits(const struct xl_spec *s);

/* The spec back as JSON, normalised (sizes in bytes, benchmarks expanded):
 * what a run directory freezes. */
json_object *xl_spec_to_json(const struct xl_spec *s);

const struct xl_arm *xl_spec_find_arm(const struct xl_spec *s, const char *name);

static inline void xl_trial_policy_default(struct xl_trial_policy *p)
{
    p->trials = 3;
    p->max_trials = 3;
    p->target_dev_pct = 0;
    p->target_ci_pct = 0;
}
