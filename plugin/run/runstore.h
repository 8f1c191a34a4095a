/* The run directory: what a run was asked (the frozen spec), what it did (an
 * append-only, fsync'd journal), and what it found (results.json).
 *
 *   $XENLAB_RUNS_DIR (default $XENLAB_STATE_DIR/runs, /var/lib/xenlab/runs)/<id>/
 *     spec.json      normalised spec, written once
 *     journal.jsonl  one JSON event per line, each fsync'd before it counts
 *     results.json   {"xenlab":"results/1","run":ID,"host":{...},"results":[...],
 *                    "dom0":[...]} at the end ("host": the journal's, host-info.h;
 *                    "dom0": what dom0 saw of each guest, dom0-sensors.h)
 *
 * The journal's events and fields are in journal.h.
 *
 * Replaying the journal tells a resumed run, per job, which result slots are
 * already safe, which resources exist and must be cleaned, and whether the
 * job finished: nothing is rerun that finished and nothing made is lost. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "journal.h"
#include "spec.h"

#define XL_RUN_MAX_JOBS 256
#define XL_RUN_MAX_RESOURCES 8

struct xl_run_resource {
    char kind[16];
    char *what;
};

struct xl_run_job {
    char *name;                 /* the clone and domain name */
    const struct xl_arm *arm;   /* into the run's spec */
    unsigned replica;
    char state[16];             /* last journalled state; "" if never started */
    char *reason;
    int domain;                 /* last domain id, -1 if none */
    bool finished;              /* done or failed: not rerun */
    struct xl_run_resource res[XL_RUN_MAX_RESOURCES];
    size_t nr_res;              /* created and not yet removed */
    bool *have;                 /* result slots already journalled */
    size_t nr_slots;
    size_t nr_have;
};

struct xl_run {
    char *id;
    char *dir;
    char *journal_path;
    int journal_fd;
    struct xl_spec spec;
    struct xl_run_job *jobs;
    size_t nr_jobs;
    /* The first "run" event: how the run was started (backend, uri, dirs),
     * so --resume and clean reach the same toolstack and directories. */
    json_object *started;
    char run_state[16];         /* the last "run" event's state: "failed" ends it */
    char *run_reason;           /* and its reason */
    json_object *domains;       /* "domid" -> job name, as the journal went */
    struct xl_journal_stats stats;  /* what replay skipped */
};

/* A string option of the run's start event, or NULL. */
const char *xl_run_started_opt(const struct xl_run *r, const char *key);

void xl_run_init(struct xl_run *r);
void xl_run_dispose(struct xl_run *r);

/* Creates <runs_dir>/<new id>/ with the frozen spec and an empty journal;
 * r->spec is the spec, loaded (xl_spec_load) and checked by the caller, so
 * what was checked is what runs. */
int xl_run_create(const char *runs_dir, struct xl_run *r);
/* Opens an existing run and replays its journal into r->jobs. */
int xl_run_open(const char *runs_dir, const char *id, struct xl_run *r);

/* Appends one event (adds "t") and fsyncs; takes ownership of ev. */
int xl_run_log(struct xl_run *r, json_object *ev);
int xl_run_log_job(struct xl_run *r, const struct xl_run_job *j, const char *state, int domain,
                   const char *reason);
int xl_run_log_resource(struct xl_run *r, struct xl_run_job *j, bool created, const char *kind,
                        const char *what);
/* {"event":"run","state":"failed","reason":...}: the run could not go on;
 * `xenlab runs` shows it failed with the reason. */
int xl_run_log_failed(struct xl_run *r, const char *reason);

/* results.json's numbering of trials: an arm's trials of one benchmark and
 * variant counted across its replicas in journal order. counters is the
 * caller's object, one per pass over a journal; returns the next number. */
unsigned xl_run_next_trial(json_object *counters, const char *arm, const char *benchmark, const char *variant);

/* Writes results.json from the journal's result events, pooling replicas of
 * an arm (trials renumbered per arm and variant in journal order). */
int xl_run_write_results(struct xl_run *r);

/* The jobs of a spec: one per arm replica, named "xl-<run>-<arm>-<replica>". */
int xl_run_plan_jobs(struct xl_run *r);

/* Ids of the runs under runs_dir, sorted; caller frees each and the array. */
int xl_run_list(const char *runs_dir, char ***ids_r, size_t *n_r);
