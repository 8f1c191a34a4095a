/* The XenStore layout between dom0 and a guest agent, and the chunking of
 * values: pure functions shared by the agent and the dom0 collector. No
 * libxenstore here (the worker library links common/); the XenStore calls
 * come in through the read/write callbacks below.
 *
 * dom0 -> guest (read-only to the guest; the agent looks in both):
 *   <home>/xenlab/plan                 the plan (common/plan.h) as compact JSON
 *   <home>/vm-data/xenlab/plan         the same, when XAPI's xenstore-data put it
 * guest -> dom0 (the guest's own data/, which the toolstack makes guest-writable):
 *   <home>/data/xenlab/state           booting|growing|running|done|failed
 *   <home>/data/xenlab/progress        "k/n": k trials finished of n slots
 *   <home>/data/xenlab/error           one line, why the agent failed (state failed)
 *   <home>/data/xenlab/result/<slot>   one trial's result document (common/result.h);
 *                                      slot = xl_plan_slot(item, trial), 0..slots-1
 *   <home>/data/xenlab-log/<slot>      that trial's output log (common/trial-log.h), for
 *                                      command workloads, written with its result; outside
 *                                      the watched data/xenlab, so its chunks raise no
 *                                      watch events (the collector reads it with the result)
 *   <home>/data/xenlab/updated         written last in each transaction: the commit
 *                                      marker dom0 reacts to (as xe-guest-utilities does)
 * <home> is /local/domain/<domid>.
 *
 * Values: printable ASCII (0x20..0x7e), no NUL. A value of at most
 * XL_XS_CHUNK_BYTES bytes is stored as the node <key> itself. A longer one is
 * split into N = ceil(len / XL_XS_CHUNK_BYTES) nodes <key>/0 .. <key>/N-1, every
 * one exactly XL_XS_CHUNK_BYTES long except the last (1..XL_XS_CHUNK_BYTES),
 * plus <key>/chunks holding N in decimal (no sign, no leading zero), with
 * 2 <= N <= ceil(max_bytes / XL_XS_CHUNK_BYTES) for the kind of value (plan:
 * XL_PLAN_MAX_BYTES, result: XL_RESULT_MAX_BYTES); the node <key> itself is
 * then empty (XenStore creates it as the chunks' parent). A reader takes a
 * non-empty <key> as the value (one read in the common case) and reads the
 * chunk set when <key> is empty; an empty value is never a valid document.
 * A writer removes <key> first and writes everything in one transaction,
 * chunks before the count.
 *
 * Quotas (C xenstored defaults: 1000 nodes, 2 MiB and 128 watches per
 * domain; oxenstored 100 watches): a guest uses 6 + slots * (1 or N + 2)
 * nodes. A result is ~450 bytes (one node), so XL_XS_MAX_SLOTS = 256 slots
 * take ~260 nodes; the agent refuses plans with more slots (the plan's own
 * bound, 64 items x 1000 trials, would not fit). Logs share at most
 * XL_LOG_NODE_BUDGET nodes (trial-log.h). The agent holds 1 watch
 * (two while it waits for the plan) and at most one transaction. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Every value (and chunk) stays under 1000 bytes, far below the 2048-byte
 * node record limit, so the path and permissions fit beside it. */
#define XL_XS_CHUNK_BYTES 960
#define XL_XS_MAX_SLOTS 256

#define XL_XS_PLAN "xenlab/plan"
#define XL_XS_PLAN_VMDATA "vm-data/xenlab/plan"
#define XL_XS_DATA "data/xenlab"
#define XL_XS_STATE "data/xenlab/state"
#define XL_XS_PROGRESS "data/xenlab/progress"
#define XL_XS_ERROR "data/xenlab/error"
#define XL_XS_RESULT "data/xenlab/result"
#define XL_XS_LOG "data/xenlab-log"
#define XL_XS_UPDATED "data/xenlab/updated"

enum xl_xs_state {
    XL_XS_BOOTING,
    XL_XS_GROWING,
    XL_XS_RUNNING,
    XL_XS_DONE,
    XL_XS_FAILED,
};

const char *xl_xs_state_name(enum xl_xs_state s);
/* Strict: exactly one of the names above. */
int xl_xs_state_parse(const char *s, size_t len, enum xl_xs_state *r);

/* "/local/domain/<domid>". */
char *xl_xs_home(unsigned domid);
/* "<home>/<rel>"; rel may be NULL or empty for home itself. Caller frees. */
char *xl_xs_path(const char *home, const char *rel);
/* "<home>/data/xenlab/result/<slot>". */
char *xl_xs_result_path(const char *home, size_t slot);
/* "<home>/data/xenlab-log/<slot>". */
char *xl_xs_log_path(const char *home, size_t slot);

/* Strict decimal: digits only, no leading zero unless "0", value <= max. */
int xl_xs_parse_index(const char *s, size_t len, size_t max, size_t *r);

/* Printable ASCII, no NUL, len <= max. */
bool xl_xs_value_ok(const char *s, size_t len, size_t max);

/* Maximum number of chunks for a value kind bounded by max_bytes. */
size_t xl_xs_max_chunks(size_t max_bytes);

/* Reads one node. Must refuse (XL_ERR_GUEST) a value longer than max before
 * keeping it, and return XL_ERR_NOTFOUND for a missing node. *val_r is
 * NUL-terminated, caller frees. */
typedef int (*xl_xs_read_fn)(void *opaque, const char *path, size_t max, char **val_r, size_t *len_r);
/* Writes one node (the caller wraps the whole value in a transaction). */
typedef int (*xl_xs_write_fn)(void *opaque, const char *path, const char *val, size_t len);

/* Reads the value at path (inline or chunked) of at most max_bytes, checking
 * every rule above; errors (XL_ERR_GUEST for a malformed value or an empty
 * <key> without chunks, XL_ERR_NOTFOUND when <key> does not exist) name the
 * offending node. */
int xl_xs_value_read(xl_xs_read_fn rd, void *opaque, const char *path, size_t max_bytes,
                     char **val_r, size_t *len_r);
/* Writes val in the form above: chunks 0..N-1, then <path>/chunks; or path
 * itself. Refuses (XL_ERR_INVAL) non-ASCII or a value over max_bytes. The
 * caller removes the old node first. */
int xl_xs_value_write(xl_xs_write_fn wr, void *opaque, const char *path, const char *val, size_t len,
                      size_t max_bytes);
