/* What a run is doing, as its journal and the process table say: for
 * `xenlab status`, `xenlab cancel`, the XAPI plugin's fn=status/cancel, and
 * a multi-host run asking a remote host about its part. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "runstore.h"

/* The pid of the last "run" event that names one (started or resumed by
 * the runner, launched by the plugin; 0 if none) and whether a "finished"
 * or "failed" one followed. */
struct xl_run_runner {
    int pid;
    bool finished;
};
int xl_run_read_runner(const char *run_dir, struct xl_run_runner *j);
/* True if pid is alive, its command line is "xenlab run ...", and it is the
 * runner of run id (in run_dir): "--resume ID", or holding its journal open. */
bool xl_run_is_runner(int pid, const char *id, const char *run_dir);

/* {"id","name","dir","finished","running","pid"?,"guests","done","failed",
 *  "results","slots"[,"jobs":[{"job","arm","replica","state","domain"?,
 *  "reason"?,"results","slots"}]]} */
json_object *xl_run_status_json(const struct xl_run *run, bool jobs);

/* SIGTERM to the runner of run id in run_dir (it stops its guests, journals,
 * and can be resumed); XL_ERR_NOTFOUND, with why, when no runner of it is
 * running. Reads only the journal: a run whose spec is unreadable is still
 * stopped. *pid_r: the runner's pid once found (0 before). */
int xl_run_cancel(const char *id, const char *run_dir, int *pid_r);

/* What a multi-host run asks of a host before it places arms there:
 * {"xenlab":VERSION,"host":{host-info.h},"free_memory":BYTES,"pcpus":N}
 * (free_memory and pcpus absent where the toolstack cannot say). An error
 * only when the toolstack cannot be opened. */
int xl_host_probe(const char *backend, const char *uri, json_object **out_r);
