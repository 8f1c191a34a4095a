/* The result document: one trial of one benchmark variant on one arm. The
 * worker writes it, the guest agent forwards it through XenStore, dom0
 * validates it (it is guest data, so hostile) and the report reads it.
 *
 *   {"xenlab":"result/1","benchmark":"memory","variant":"add-fp",
 *    "label":"RAMspeed Add FP","unit":"MB/s","better":"higher","arm":"vm1",
 *    "trial":1,"status":"ok","value":8158.3,"ended":1795533970.534,
 *    "details":{...},"env":{...}}
 *
 * A failed trial has "status":"failed", "error":"...", and no value.
 * "ended" (optional; the guest's wall clock) is when the trial ended: dom0
 * puts it beside its own journal time to see the collector's latency.
 * "replica" and "replica_trial" (optional) are dom0's, in results.json. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "bench-params.h"

#define XL_RESULT_SCHEMA "result/1"
#define XL_RESULT_MAX_TRIALS 1000
/* A result document must fit one XenStore value after chunking; dom0 will
 * not read more than this from a guest for a single result. */
#define XL_RESULT_MAX_BYTES 8192

struct xl_result {
    char benchmark[16];
    char variant[32];
    char label[64];
    char unit[16];
    bool lower_is_better;
    char arm[64];
    unsigned trial;          /* 1-based */
    /* Which clone and which of its trials: dom0 sets these in results.json
     * (whose "trial" numbers an arm's trials across its replicas); 0 unknown. */
    unsigned replica;
    unsigned replica_trial;
    bool ok;
    char error[256];         /* failed trials */
    double value;
    double ended;            /* when the trial ended, guest's wall clock (s since the Epoch); 0 unknown */
    json_object *details;    /* benchmark specific, owned (may be NULL) */
    json_object *env;        /* environment record, owned (may be NULL) */
    /* Guest side only, never in the document: a command's output as
     * printable ASCII lines, handed from the worker to the agent, which
     * publishes it beside the result (common/trial-log.h). Owned. */
    char *output;
    /* dom0's only: where that output is in the run directory,
     * "logs/<job>/<slot>.log" (xl_log_path_ok); "" none. */
    char log[192];
};

void xl_result_init(struct xl_result *r);
void xl_result_dispose(struct xl_result *r);

/* Fills benchmark, variant, label, unit and direction from the parameters. */
void xl_result_set_bench(struct xl_result *r, const struct xl_bench_params *p);
void xl_result_set_error(struct xl_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

json_object *xl_result_to_json(const struct xl_result *r);

/* Strict validation of an untrusted document: schema tag, field types and
 * lengths, printable ASCII, finite non-negative value. Unknown fields are
 * ignored (newer workers may add some). `what` names the source in errors. */
int xl_result_from_json(json_object *obj, const char *what, struct xl_result *r);
