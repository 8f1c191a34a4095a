/* The run journal, <run dir>/journal.jsonl: one JSON object per line, each
 * appended with one write() and fsync'd before it counts. This module is its
 * only reader and writer; every other file calls it.
 *
 * Every event has "event" (string) and "t" (dom0's wall clock, seconds since
 * the epoch, added on append). The events and their fields:
 *
 * Written by the runner (xenlab run) and the XAPI plugin (fn=run):
 *   {"event":"run","state":"started","pid":N[,"via":"xapi"][,"backend","uri",
 *    "virt_type","base","template","clone_dir": strings][,"host":{...}]}
 *       a run began; the first "run" event's options are how --resume and
 *       clean reach the same toolstack and directories; "host" is the
 *       machine it began on (host-info.h), which results.json repeats.
 *   {"event":"run","state":"launched"|"resumed","pid":N}
 *       the XAPI plugin spawned a runner / a runner took the run over.
 *   {"event":"run","state":"finished","pid":N}
 *       the runner ended normally (its jobs say how each guest ended).
 *   {"event":"run","state":"failed","reason":TEXT}
 *       the run could not go on (e.g. a failed preflight); "runs" shows it.
 *   {"event":"job","job":NAME,"arm":A,"replica":R,"state":S[,"domain":D][,"reason":TEXT]}
 *       S is "pending", "running", "done" or "failed" (done and failed are
 *       final: a resumed run does not rerun them). "domain" is the domain id
 *       the job's guest has from this point on.
 *   {"event":"created"|"removed","job":NAME,"kind":"clone"|"domain","what":PATH|NAME}
 *       a resource the job made, or its removal: clean and --resume remove
 *       what was created and not removed.
 *
 *   {"event":"dom0","job":NAME,"arm":A,"slot":S,"wall_s":X,"cpu_s":X,"vcpus":N,
 *    "pcpus":SET,"samples":N,"beside":[{"job","arm","shared_pcpus"}]}
 *       what dom0 saw of the job's domain up to its result for slot S
 *       (dom0-sensors.h).
 *
 * Written by the collector (collector.c):
 *   {"event":"result","domain":D[,"job":NAME][,"arm":A],"slot":S,"result":{...}}
 *       a guest's result document (result.h) for plan slot S.
 *   {"event":"invalid","domain":D[,"job":NAME][,"arm":A][,"slot":S],"reason":TEXT}
 *       a value the guest wrote that was rejected, and why.
 *   {"event":"domain","domain":D[,"job":NAME][,"arm":A],"status":"done"|"failed",
 *    "results":N,"slots":M[,"reason":TEXT]}
 *       the collector's verdict on one guest.
 *   {"event":"guest","domain":D[,"job":NAME][,"arm":A],"state":"booting"|"growing"|"running"}
 *       the guest agent's state, when the collector first saw it change: its
 *       "t"s show how long the guest booted and grew its disk.
 *
 * Written by a multi-host run (multihost.h): {"event":"remote",...}, one
 * host's part of the run: starting (before it is started), finished,
 * lost, refused, cleaned; its first "run" event has "multihost" and
 * "probes" (what each host said of itself).
 *
 * A result or invalid event belongs to its "job". Lines from before "job"
 * was written carry only "domain": they belong to the job whose latest
 * "job" event before them named that domain id (toolstacks reuse ids).
 *
 * Reading: a line that is not a JSON object (torn by a crash mid-write) is
 * skipped and counted; NUL bytes (a zero-filled tail after power loss) end a
 * line and are skipped and counted; the reader resynchronises at the next
 * line, so events appended after the damage still count. Appending always
 * starts on a fresh line: after a torn or NUL tail, a '\n' goes first. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XL_JOURNAL_MAX_BYTES (256 * 1024 * 1024)
#define XL_JOURNAL_NAME "journal.jsonl"

struct xl_journal_stats {
    size_t events;      /* lines that were JSON objects, passed on */
    size_t torn;        /* non-empty lines that were not: skipped */
    size_t nul_runs;    /* runs of NUL bytes: skipped */
};

/* Opens (creating) the journal for appending; *fd_r is -1 on error. */
int xl_journal_open(const char *path, int *fd_r);

/* Appends ev (adding "t") as one line, on a fresh line, and fsyncs it: a
 * line on disk is a line acknowledged. ev stays the caller's. */
int xl_journal_append(int fd, const char *path, json_object *ev);
/* The same in two steps, for a writer that commits a group of lines with
 * one fsync: nothing written is acknowledged before xl_journal_sync. */
int xl_journal_write(int fd, const char *path, json_object *ev);
int xl_journal_sync(int fd, const char *path);

/* Calls fn for each event of the journal at path, in order; a missing file
 * has none. stats_r may be NULL. */
int xl_journal_read(const char *path, void (*fn)(void *opaque, json_object *ev), void *opaque,
                    struct xl_journal_stats *stats_r);

/* Typed, null-safe getters: the field if it is of that type, else NULL/dflt. */
const char *xl_journal_str(json_object *ev, const char *key);
int64_t xl_journal_int(json_object *ev, const char *key, int64_t dflt);
/* ev's "event" is name. */
bool xl_journal_is(json_object *ev, const char *name);

/* New events (the caller appends and puts them). */
json_object *xl_journal_ev_run(const char *state, int pid);
json_object *xl_journal_ev_run_failed(const char *reason);
json_object *xl_journal_ev_job(const char *job, const char *arm, unsigned replica, const char *state,
                               int domain, const char *reason);
json_object *xl_journal_ev_resource(bool created, const char *job, const char *kind, const char *what);
/* The collector's result, invalid and domain events: job and arm may be NULL. */
json_object *xl_journal_ev_guest(const char *event, unsigned domid, const char *job, const char *arm);

/* $XENLAB_RUNS_DIR, else $XENLAB_STATE_DIR/runs, else /var/lib/xenlab/runs. */
const char *xl_runs_dir(void);
