/* The experiment runner: for every arm replica of a run, clone -> grow ->
 * payload -> domain (paused) -> plan -> unpause -> collect -> destroy, with at
 * most `parallel` guests at once, each step journalled so a killed run
 * resumes without losing or repeating a trial and without orphans. */
#pragma once

#include <stdbool.h>

#include "progress.h"
#include "runstore.h"

struct xl_runner_opts {
    const char *backend;        /* a name from the backend registry (backend.h) */
    const char *uri;            /* the backend's URI; NULL: its default */
    const char *virt_type;      /* libvirt <domain type>; "test" for test:/// */
    const char *base;           /* registered base name; NULL: from the spec */
    const char *template;       /* domain template; NULL: the base's */
    const char *clone_dir;      /* NULL: $XENLAB_STATE_DIR/clones */
    const char *payload_dir;    /* xenlab-guest binaries for the payload disk; NULL: none */
    unsigned parallel;          /* guests at once, >= 1 */
    double boot_timeout_s;      /* added to each arm's time budget */
    bool keep;                  /* leave guests and disks for inspection */
    enum xl_progress_mode progress;
};

void xl_runner_opts_init(struct xl_runner_opts *o);

/* Runs (or resumes) every unfinished job of run. XL_OK when the run got to
 * the end, whatever its trials' outcomes; an error when it had to stop. */
int xl_runner_run(struct xl_run *run, const struct xl_runner_opts *o);

/* Destroys and removes what a run made and has not removed (xenlab clean). */
int xl_runner_clean(struct xl_run *run, const struct xl_runner_opts *o);
