/* The dom0 collector: gathers results from any number of guests through
 * XenStore (layout in common/xs-layout.h) with one watch per domain on
 * <home>/data/xenlab plus @releaseDomain on one connection, its reads on a
 * second connection without watches, and one poll loop whose timeout is the
 * next deadline: no periodic polling.
 *
 * Everything read from a guest is hostile: every read is bounded, a result
 * must pass xl_result_from_json and match its slot (trial, arm), a bad value
 * makes that trial invalid with a reason, indices outside the plan and
 * unknown keys are ignored (one reason each), and a directory listing is
 * looked at only up to the plan's slot count.
 *
 * Protocol: a guest's transaction ends by writing data/xenlab/updated; on
 * that event the collector reads the result slots whose watch events it saw
 * (or, when it saw none, lists result/), then state. An
 * accepted result is appended to the journal as one line; the lines of a
 * batch are fsync'd together (group commit, a batch held open 5 ms while
 * results arrive fast) and only then acknowledged: ops->result, ->invalid
 * and ->finished are called, in order, after the fsync that made their
 * lines durable. A slot is journalled once; later rewrites are ignored.
 *
 * xenstored drops a watch event left pending 20 s (XSA-326), which happens
 * only when we fall far behind: after 10 s busy without a pause the
 * collector looks at every running domain once when it catches up, and a
 * domain gets one last look before it is failed for its timeout. Neither is
 * periodic: an idle collector sleeps in poll until an event or a deadline.
 * Its journal lines (result, invalid, domain) are documented in journal.h.
 * A result's log is read with it; a bad log is one "invalid" line with the
 * reason, and the result still counts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

struct xl_collector;
struct xl_plan;

struct xl_collect_domain {
    unsigned domid;
    const char *arm;          /* label for the journal, checked against results; NULL: any */
    const char *job;          /* the runner's job, journalled with each event; NULL: none */
    const struct xl_plan *plan; /* its items' labels are checked against results; NULL: not */
    size_t nr_slots;          /* xl_plan_nr_slots() of its plan, 1..XL_XS_MAX_SLOTS */
    unsigned max_trials;      /* the plan's max_trials: result.trial must match the slot; 0: unchecked */
    double timeout_s;         /* fails this long after xl_collector_add; 0: never */
    unsigned min_trials;      /* adaptive trials: "done" is complete when every item has
                                 its first min_trials slots; 0: every slot is needed */
    const bool *have;         /* nr_slots flags: slots a resumed run already journalled,
                                 counted as had and never journalled again; NULL: none */
    const char *log_dir;      /* a slot's output log (common/trial-log.h) is stored as
                                 <log_dir>/<slot>.log before its result is journalled;
                                 made on the first log, its parent too; NULL: not read */
};

struct xl_collector_ops {
    /* After the journal line is on disk. */
    void (*result)(void *opaque, unsigned domid, size_t slot, const struct xl_result *r);
    /* slot is -1 when the reason is about the domain's data, not one slot. */
    void (*invalid)(void *opaque, unsigned domid, long slot, const char *reason);
    void (*finished)(void *opaque, unsigned domid, bool ok, const char *reason);
    /* The guest agent's state changed to "booting", "growing" or "running"
     * (a "guest" journal line); done and failed come as finished. */
    void (*state)(void *opaque, unsigned domid, const char *state);
};

/* Opens the XenStore handle (XENSTORED_PATH or the default) and the journal
 * (appended to, created if missing). ops may be NULL. */
int xl_collector_new(const char *journal, const struct xl_collector_ops *ops, void *opaque,
                     struct xl_collector **c_r);
void xl_collector_free(struct xl_collector *c);

/* Starts watching one domain. */
int xl_collector_add(struct xl_collector *c, const struct xl_collect_domain *d);

/* Waits for events and handles them until every domain has finished (done
 * or failed), or max_wait_s passes (< 0: no limit). XL_OK or an error that
 * stops the whole collection (XenStore or the journal failing). */
int xl_collector_run(struct xl_collector *c, double max_wait_s);

/* How many domains are still running. */
size_t xl_collector_running(const struct xl_collector *c);
/* "done", "failed" or "running"; NULL for an unknown domain. */
const char *xl_collector_status(const struct xl_collector *c, unsigned domid, const char **reason_r);

/* The checks on one result value read from slot (after xl_xs_value_read):
 * JSON, xl_result_from_json, trial and arm against the slot. r is
 * initialised by the caller. Pure: the fuzz target calls it. */
int xl_collector_parse_result(const char *text, size_t len, const char *what, const char *arm,
                              unsigned max_trials, size_t slot, struct xl_result *r);
