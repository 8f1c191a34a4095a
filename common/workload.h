/* Named workloads: command workloads shipped as data, one small JSON file
 * each (templates/workloads/NAME.json, installed under the data dir), so a
 * tool like fio or sysbench needs no C of its own:
 *
 *   {"xenlab":"workload/1","description":"...","requires":"fio (Debian package fio)",
 *    "params":{"rw":"randread","size":"256M"},
 *    "command":{"argv":["fio","--rw={rw}","--size={size}",...],"setup":[...],"cleanup":[...],
 *               "env":{...},"timeout_s":N,"metrics":[...]}}
 *
 * A spec names one by its id with parameter values beside it:
 *   {"id":"fio-read","size":"1G"}   ({"name":"..."} renames the rows)
 * and it becomes the command workload with every "{param}" in its strings
 * replaced: xenlab's spec, plan and frozen spec.json hold only the result,
 * so a run never depends on the file again.
 *
 * The directory is $XENLAB_WORKLOADS_DIR, else XENLAB_DATADIR/workloads; the
 * id must be a workload name (no path), the file a regular file (no symlink
 * followed), at most XL_WORKLOAD_MAX_BYTES. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#define XL_WORKLOAD_SCHEMA "workload/1"
#define XL_WORKLOAD_MAX_BYTES (64 * 1024)
#define XL_WORKLOAD_MAX_PARAMS 32
#define XL_WORKLOAD_MAX_VALUE 256

const char *xl_workload_dir(void);

/* True when a file for `id` exists in the workload directory. */
bool xl_workload_exists(const char *id);

/* The names in the workload directory, ", "-separated, for messages
 * ("" when none); caller frees. */
char *xl_workload_list(void);

/* Expands spec benchmark `b` (its "id" a workload) into a command benchmark
 * object (caller puts); errors name `path` and the workload file. */
int xl_workload_expand(json_object *b, const char *path, json_object **cmd_r);
