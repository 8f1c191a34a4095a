#include "collector.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenstore.h>

#include "journal.h"
#include "json-util.h"
#include "plan.h"
#include "text.h"
#include "trial-log.h"
#include "xl-util.h"
#include "xs-io.h"
#include "xs-layout.h"

#define RELEASE_TOKEN "rel"
/* Extra directory entries looked at beyond the slot count (room for the
 * children of chunked values are not listed: they sit one level down). */
#define LIST_SLACK 16
#define STATE_MAX 16
/* xenstored drops a watch event left pending 20 s (its watch-event timeout,
 * XSA-326): after being busy this long without a pause we may have lost
 * some, so once we catch up every running domain is looked at once. */
#define BACKLOG_S 10.0
#define ERROR_MAX XL_XS_CHUNK_BYTES
/* Group commit: journal lines are written as they are accepted and made
 * durable by one fsync per batch. A batch begun within this long of the
 * last fsync (results are arriving fast) stays open this long for more, so
 * a burst costs one fsync per few results; a lone result is synced at once. */
#define GROUP_COMMIT_S 0.005

/* libxenstore built without its reader thread (Debian's static archive,
 * which xenlab-static links) answers a request with EINVAL when a watch
 * event comes before the reply, and leaves the reply unread: a connection
 * there may carry watches or requests, not both at once. So each domain's
 * watch gets a connection of its own, which carries nothing else and is
 * closed rather than unwatched. With the reader thread (every shared
 * libxenstore) one connection holds every watch: a connection per domain
 * would be a thread per domain. */
#ifndef XL_XS_UNTHREADED
#define XL_XS_UNTHREADED 0
#endif
static const bool watch_per_domain = XL_XS_UNTHREADED;

/* A connection for watches, and the descriptor to poll for its events.
 * With the reader thread that is xs_fileno's pipe, which the thread fills.
 * Without it nothing fills the pipe until someone reads the socket, so we
 * poll the socket itself: libxenstore does not say which descriptor that
 * is, but socket() takes the lowest free one, and this process opens no
 * descriptor meanwhile (no reader thread is there to), so it is the one a
 * probe socket had just before; it is checked to be a connected socket. */
static struct xs_handle *open_watch_conn(int *fd_r)
{
    struct sockaddr_un peer;
    socklen_t len = sizeof(peer);
    struct xs_handle *xs;
    int probe = -1;

    if (watch_per_domain) {
        probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe < 0)
            return NULL;
        close(probe);
    }
    xs = xs_open(0);
    if (!xs || !watch_per_domain) {
        *fd_r = xs ? xs_fileno(xs) : -1;
        return xs;
    }
    if (getpeername(probe, (struct sockaddr *)&peer, &len) < 0 || peer.sun_family != AF_UNIX) {
        xs_close(xs);
        errno = ENOTSOCK;
        return NULL;
    }
    *fd_r = probe;
    return xs;
}

/* Without the reader thread, the guess of open_watch_conn is checked once
 * the watch is there: xenstored fires every new watch at once, so its
 * socket must turn readable (the event stays queued for the loop). */
static int check_watch_fd(int fd, const char *what)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    if (!watch_per_domain || poll(&p, 1, 5000) == 1)
        return XL_OK;
    return xl_error(XL_ERR_FAIL, "watch %s: its first event never came on descriptor %d (libxenstore "
                    "without its reader thread: is that its socket?)", what, fd);
}

enum slot_state { SLOT_NONE, SLOT_HAVE, SLOT_INVALID };
enum ack_kind { ACK_RESULT, ACK_INVALID, ACK_FINISHED, ACK_STATE };

/* What ops is told once the journal lines before it are on disk. */
struct ack {
    enum ack_kind kind;
    unsigned domid;
    long slot;
    bool ok;
    char *reason;             /* ACK_STATE: the state's name */
    struct xl_result r;       /* ACK_RESULT: owned */
};
enum dom_status { DOM_RUNNING, DOM_DONE, DOM_FAILED };

struct dom {
    unsigned domid;
    struct xs_handle *wxs;    /* its watch's own connection (watch_per_domain); NULL: c->xs */
    int wfd;                  /* what to poll for wxs's events */
    char *arm;
    char *home;
    char *watch;              /* <home>/data/xenlab */
    char token[24];
    size_t nr_slots;
    unsigned min_trials;
    unsigned max_trials;
    double deadline;
    unsigned char *slot;      /* enum slot_state */
    unsigned char *pending;   /* a watch event named this slot since the last commit */
    size_t have;
    bool any_pending, commit, check_home, state_changed;
    bool said_range, said_listing, said_state;
    int last_state;           /* enum xl_xs_state last journalled; -1 none */
    enum dom_status status;
    char *reason;
    char *job;
    char *log_dir;
    struct xl_result *expect;  /* per plan item: the labels its results must have */
    size_t nr_expect;
};

struct xl_collector {
    struct xs_handle *xs;     /* watches (only @releaseDomain when watch_per_domain) */
    int xs_fd;                /* what to poll for its events */
    struct xs_handle *rd;     /* reads: no watch on it, so no reader thread */
    int journal;
    char *journal_path;
    const struct xl_collector_ops *ops;
    void *opaque;
    struct dom *doms;
    size_t nr_doms;
    size_t running;
    bool release_watched;
    double last_idle;         /* when the loop last found nothing to read */
    bool resync;
    bool unsynced;            /* journal lines written since the last fsync */
    double sync_by;           /* when they must be synced */
    double last_sync;
    struct ack *acks;         /* owed to ops after the next fsync, in order */
    size_t nr_acks;
};

static void dom_dispose(struct dom *d)
{
    if (d->wxs)
        xs_close(d->wxs);
    free(d->arm);
    free(d->job);
    free(d->log_dir);
    for (size_t i = 0; i < d->nr_expect; i++)
        xl_result_dispose(&d->expect[i]);
    free(d->expect);
    free(d->home);
    free(d->watch);
    free(d->slot);
    free(d->pending);
    free(d->reason);
}

int xl_collector_new(const char *journal, const struct xl_collector_ops *ops, void *opaque,
                     struct xl_collector **c_r)
{
    struct xl_collector *c = xl_calloc(1, sizeof(*c));
    int rc;

    c->journal = -1;
    c->ops = ops;
    c->opaque = opaque;
    c->journal_path = xl_strdup(journal);
    rc = xl_journal_open(journal, &c->journal);
    if (rc)
        goto out;
    /* Two connections. Once a connection has a watch, libxenstore hands
     * every reply to the caller from its reader thread (two thread switches
     * per read); on a connection without watches the caller reads its reply
     * itself. Reads follow the events that asked for them, and xenstored
     * sends an event only after the commit, so the read connection sees
     * what the event announced. */
    c->xs = open_watch_conn(&c->xs_fd);
    c->rd = c->xs ? xs_open(0) : NULL;
    if (!c->rd) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "cannot open XenStore");
        goto out;
    }
    *c_r = xl_steal_pointer(&c);
    rc = XL_OK;
out:
    xl_collector_free(c);
    return rc;
}

static void acks_free(struct ack *acks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(acks[i].reason);
        if (acks[i].kind == ACK_RESULT)
            xl_result_dispose(&acks[i].r);
    }
    free(acks);
}

void xl_collector_free(struct xl_collector *c)
{
    size_t i;

    if (!c)
        return;
    acks_free(c->acks, c->nr_acks);
    if (c->xs)
        xs_close(c->xs);     /* drops the watches with the connection */
    if (c->rd)
        xs_close(c->rd);
    if (c->journal >= 0)
        close(c->journal);
    for (i = 0; i < c->nr_doms; i++)
        dom_dispose(&c->doms[i]);
    free(c->doms);
    free(c->journal_path);
    free(c);
}

int xl_collector_add(struct xl_collector *c, const struct xl_collect_domain *d)
{
    struct dom *m;

    if (d->nr_slots < 1 || d->nr_slots > XL_XS_MAX_SLOTS)
        return xl_error(XL_ERR_INVAL, "domain %u: %zu result slots (want 1 to %d)", d->domid, d->nr_slots,
                        XL_XS_MAX_SLOTS);
    if (!c->release_watched) {
        if (!xs_watch(c->xs, "@releaseDomain", RELEASE_TOKEN))
            return xl_error_errno(XL_ERR_FAIL, errno, "watch @releaseDomain");
        if (check_watch_fd(c->xs_fd, "@releaseDomain"))
            return XL_ERR_FAIL;
        c->release_watched = true;
    }
    c->doms = xl_realloc(c->doms, (c->nr_doms + 1) * sizeof(*c->doms));
    m = &c->doms[c->nr_doms];
    memset(m, 0, sizeof(*m));
    m->domid = d->domid;
    m->last_state = -1;
    m->arm = d->arm ? xl_strdup(d->arm) : NULL;
    m->job = d->job ? xl_strdup(d->job) : NULL;
    m->log_dir = d->log_dir ? xl_strdup(d->log_dir) : NULL;
    if (d->plan && d->plan->nr_items) {
        m->nr_expect = d->plan->nr_items;
        m->expect = xl_calloc(m->nr_expect, sizeof(*m->expect));
        for (size_t i = 0; i < m->nr_expect; i++) {
            xl_result_init(&m->expect[i]);
            xl_result_set_bench(&m->expect[i], &d->plan->items[i]);
        }
    }
    m->home = xl_xs_home(d->domid);
    m->watch = xl_xs_path(m->home, XL_XS_DATA);
    snprintf(m->token, sizeof(m->token), "d%zu", c->nr_doms);
    m->nr_slots = d->nr_slots;
    m->max_trials = d->max_trials;
    m->min_trials = d->min_trials;
    m->deadline = d->timeout_s > 0 ? xl_now() + d->timeout_s : 0;
    m->slot = xl_calloc(d->nr_slots, 1);
    m->pending = xl_calloc(d->nr_slots, 1);
    for (size_t s = 0; d->have && s < d->nr_slots; s++) {
        if (d->have[s]) {
            m->slot[s] = SLOT_HAVE;
            m->have++;
        }
    }
    /* The watch fires once at registration: that first event lists result/,
     * catching anything written before we looked. */
    if (watch_per_domain && !(m->wxs = open_watch_conn(&m->wfd))) {
        int rc = xl_error_errno(XL_ERR_FAIL, errno, "cannot open XenStore to watch %s", m->watch);

        dom_dispose(m);
        return rc;
    }
    if (!xs_watch(m->wxs ? m->wxs : c->xs, m->watch, m->token)) {
        int rc = xl_error_errno(XL_ERR_FAIL, errno, "watch %s", m->watch);

        dom_dispose(m);
        return rc;
    }
    if (m->wxs && check_watch_fd(m->wfd, m->watch)) {
        dom_dispose(m);
        return XL_ERR_FAIL;
    }
    c->nr_doms++;
    c->running++;
    return XL_OK;
}

/* ---- journal ---- */

static json_object *event_obj(const struct dom *d, const char *event)
{
    return xl_journal_ev_guest(event, d->domid, d->job, d->arm);
}

/* Its "t" (dom0's clock) against a result's "ended" (the guest's) gives the
 * collector's latency. Written now, synced by flush(). */
static int journal_append(struct xl_collector *c, json_object *o)
{
    int rc = xl_journal_write(c->journal, c->journal_path, o);

    if (!rc && !c->unsynced) {
        double now = xl_now();

        c->unsynced = true;
        c->sync_by = now - c->last_sync < GROUP_COMMIT_S ? now + GROUP_COMMIT_S : now;
    }
    return rc;
}

static struct ack *ack_push(struct xl_collector *c, enum ack_kind kind, const struct dom *d)
{
    struct ack *a;

    c->acks = xl_realloc(c->acks, (c->nr_acks + 1) * sizeof(*c->acks));
    a = &c->acks[c->nr_acks++];
    memset(a, 0, sizeof(*a));
    a->kind = kind;
    a->domid = d->domid;
    return a;
}

/* The fsync that makes the batch's lines count, then what ops is owed. */
static int flush(struct xl_collector *c)
{
    /* Detached first: what a callback does to the collector (journal an
     * event of its own, add a domain) cannot move the array under us. */
    struct ack *acks = c->acks;
    size_t n = c->nr_acks;
    int rc = XL_OK;

    if (c->unsynced) {
        rc = xl_journal_sync(c->journal, c->journal_path);
        c->unsynced = false;
        c->last_sync = xl_now();
    }
    c->acks = NULL;
    c->nr_acks = 0;
    for (size_t i = 0; !rc && c->ops && i < n; i++) {
        const struct ack *a = &acks[i];

        if (a->kind == ACK_RESULT && c->ops->result)
            c->ops->result(c->opaque, a->domid, (size_t)a->slot, &a->r);
        else if (a->kind == ACK_INVALID && c->ops->invalid)
            c->ops->invalid(c->opaque, a->domid, a->slot, a->reason);
        else if (a->kind == ACK_FINISHED && c->ops->finished)
            c->ops->finished(c->opaque, a->domid, a->ok, a->reason);
        else if (a->kind == ACK_STATE && c->ops->state)
            c->ops->state(c->opaque, a->domid, a->reason);
    }
    acks_free(acks, n);
    return rc;
}

static int invalid(struct xl_collector *c, struct dom *d, long slot, const char *reason)
{
    json_object *o = event_obj(d, "invalid");
    int rc;

    if (slot >= 0)
        xl_json_add(o, "slot", json_object_new_int64(slot));
    xl_json_add(o, "reason", xl_json_str(reason));
    rc = journal_append(c, o);
    json_object_put(o);
    if (!rc) {
        struct ack *a = ack_push(c, ACK_INVALID, d);

        a->slot = slot;
        a->reason = xl_strdup(reason);
    }
    return rc;
}

static int finish(struct xl_collector *c, struct dom *d, bool ok, const char *reason)
{
    json_object *o = event_obj(d, "domain");
    int rc;

    if (d->status != DOM_RUNNING)
        return XL_OK;
    d->status = ok ? DOM_DONE : DOM_FAILED;
    free(d->reason);
    d->reason = reason ? xl_strdup(reason) : NULL;
    c->running--;
    if (d->wxs) {
        xs_close(d->wxs);             /* the watch goes with its connection */
        d->wxs = NULL;
    } else {
        xs_unwatch(c->xs, d->watch, d->token);
    }
    xl_json_add(o, "status", xl_json_str(ok ? "done" : "failed"));
    xl_json_add(o, "results", json_object_new_int64((int64_t)d->have));
    xl_json_add(o, "slots", json_object_new_int64((int64_t)d->nr_slots));
    if (reason)
        xl_json_add(o, "reason", xl_json_str(reason));
    rc = journal_append(c, o);
    json_object_put(o);
    if (!rc) {
        struct ack *a = ack_push(c, ACK_FINISHED, d);

        a->ok = ok;
        a->reason = reason ? xl_strdup(reason) : NULL;
    }
    return rc;
}

/* ---- one slot ---- */

int xl_collector_parse_result(const char *text, size_t len, const char *what, const char *arm,
                              unsigned max_trials, size_t slot, struct xl_result *r)
{
    json_object *obj = NULL;
    int rc = xl_json_parse(text, len, what, &obj);

    if (!rc)
        rc = xl_result_from_json(obj, what, r);
    json_object_put(obj);
    if (rc)
        return XL_ERR_GUEST;
    /* Which replica this is, dom0 knows; a guest's claim is dropped. */
    r->replica = r->replica_trial = 0;
    if (max_trials && r->trial != slot % max_trials + 1)
        return xl_error(XL_ERR_GUEST, "%s: trial %u does not belong in slot %zu", what, r->trial, slot);
    if (arm && strcmp(r->arm, arm) != 0)
        return xl_error(XL_ERR_GUEST, "%s: arm \"%s\" is not this domain's \"%s\"", what, r->arm, arm);
    r->log[0] = '\0';       /* where a log is stored is dom0's to say */
    return XL_OK;
}

/* dom0 labels a row from its own plan: a result must carry the benchmark,
 * variant, label, unit and direction of the plan item its slot belongs to,
 * or one guest could relabel (or re-unit) another arm's row. */
static int check_labels(const struct dom *d, size_t slot, const char *what, const struct xl_result *r)
{
    const struct xl_result *e;
    const char *field = NULL;

    if (!d->nr_expect || !d->max_trials)
        return XL_OK;
    if (slot / d->max_trials >= d->nr_expect)
        return xl_error(XL_ERR_GUEST, "%s: slot %zu is past the plan's %zu items", what, slot, d->nr_expect);
    e = &d->expect[slot / d->max_trials];
    if (strcmp(r->benchmark, e->benchmark) != 0)
        field = "benchmark";
    else if (strcmp(r->variant, e->variant) != 0)
        field = "variant";
    else if (strcmp(r->label, e->label) != 0)
        field = "label";
    else if (strcmp(r->unit, e->unit) != 0)
        field = "unit";
    else if (r->lower_is_better != e->lower_is_better)
        field = "better";
    if (field)
        return xl_error(XL_ERR_GUEST, "%s: %s is not the plan's for slot %zu (%s/%s, \"%s\", %s, %s is better)",
                        what, field, slot, e->benchmark, e->variant, e->label, e->unit,
                        e->lower_is_better ? "lower" : "higher");
    return XL_OK;
}

/* With adaptive trials a guest stops an item between trials and max_trials:
 * complete when every item has at least its first min_trials results. */
static bool enough_trials(const struct dom *d)
{
    size_t item, t;

    if (!d->min_trials || !d->max_trials || d->min_trials > d->max_trials)
        return false;
    for (item = 0; item < d->nr_slots / d->max_trials; item++)
        for (t = 0; t < d->min_trials; t++)
            if (d->slot[item * d->max_trials + t] != SLOT_HAVE)
                return false;
    return true;
}

/* mkdir that accepts an existing directory, never a symlink to one. */
static int make_dir(const char *path)
{
    struct stat st;

    if (mkdir(path, 0755) == 0)
        return XL_OK;
    if (errno != EEXIST)
        return xl_error_errno(XL_ERR_FAIL, errno, "mkdir %s", path);
    if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return xl_error(XL_ERR_FAIL, "%s: not a directory", path);
    return XL_OK;
}

/* A slot's output log, read like its result (bounded, strict) and stored
 * as <log_dir>/<slot>.log. None is fine: not every workload has one. */
static int store_log(struct xl_collector *c, struct dom *d, size_t slot)
{
    xl_autofree char *path = xl_xs_log_path(d->home, slot);
    xl_autofree char *doc = NULL, *text = NULL, *parent = NULL, *file = NULL;
    size_t len = 0;
    int rc;

    rc = xl_xs_value_read(xl_xs_read_node, c->rd, path, XL_LOG_DOC_MAX_BYTES, &doc, &len);
    if (rc == XL_ERR_NOTFOUND)
        return XL_OK;
    if (rc == XL_ERR_FAIL)
        return rc;
    if (!rc)
        rc = xl_log_doc_parse(doc, len, path, &text);
    if (!rc) {
        parent = xl_strdup(d->log_dir);
        *strrchr(parent, '/') = '\0';
        rc = make_dir(parent);
    }
    if (!rc)
        rc = make_dir(d->log_dir);
    if (!rc) {
        file = xl_asprintf("%s/%zu.log", d->log_dir, slot);
        rc = xl_write_file_atomic(file, text, strlen(text));
    }
    if (rc) {
        xl_autofree char *reason = xl_asprintf("log: %s", xl_error_message());

        return invalid(c, d, (long)slot, reason);
    }
    return XL_OK;
}

static int take_slot(struct xl_collector *c, struct dom *d, size_t slot)
{
    xl_autofree char *path = xl_xs_result_path(d->home, slot);
    xl_autofree char *text = NULL;
    struct xl_result r;
    size_t len = 0;
    json_object *o;
    int rc;

    if (d->slot[slot] == SLOT_HAVE)
        return XL_OK;
    rc = xl_xs_value_read(xl_xs_read_node, c->rd, path, XL_RESULT_MAX_BYTES, &text, &len);
    if (rc == XL_ERR_NOTFOUND)
        return XL_OK;                       /* removed again, or not written yet */
    if (rc == XL_ERR_FAIL)
        return rc;
    xl_result_init(&r);
    if (!rc)
        rc = xl_collector_parse_result(text, len, path, d->arm, d->max_trials, slot, &r);
    if (!rc)
        rc = check_labels(d, slot, path, &r);
    if (rc) {
        xl_autofree char *reason = xl_strdup(xl_error_message());

        xl_result_dispose(&r);
        if (d->slot[slot] == SLOT_INVALID)
            return XL_OK;                   /* said once */
        d->slot[slot] = SLOT_INVALID;
        return invalid(c, d, (long)slot, reason);
    }
    if (d->log_dir && strchr(d->log_dir, '/')) {
        rc = store_log(c, d, slot);
        if (rc) {
            xl_result_dispose(&r);
            return rc;
        }
    }
    o = event_obj(d, "result");
    xl_json_add(o, "slot", json_object_new_int64((int64_t)slot));
    xl_json_add(o, "result", xl_result_to_json(&r));
    rc = journal_append(c, o);
    json_object_put(o);
    if (rc) {
        xl_result_dispose(&r);
        return rc;
    }
    d->slot[slot] = SLOT_HAVE;       /* journalled once: never taken again */
    d->have++;
    {
        struct ack *a = ack_push(c, ACK_RESULT, d);

        a->slot = (long)slot;
        a->r = r;                    /* moved: the ack owns it now */
    }
    return XL_OK;
}

/* A name under result/: a slot index, or something we ignore. An index
 * beyond the plan is reported once. */
static int note_name(struct xl_collector *c, struct dom *d, const char *name, size_t len)
{
    size_t idx;

    if (xl_xs_parse_index(name, len, SIZE_MAX, &idx) != XL_OK)
        return XL_OK;                       /* unknown key: ignored */
    if (idx < d->nr_slots) {
        d->pending[idx] = 1;
        d->any_pending = true;
        return XL_OK;
    }
    if (d->said_range)
        return XL_OK;
    d->said_range = true;
    {
        xl_autofree char *reason = xl_asprintf("%s/result: index %.24s%s is outside the plan's %zu slots",
                                               d->watch, name, len > 24 ? "..." : "", d->nr_slots);

        return invalid(c, d, -1, reason);
    }
}

/* Lists result/, looking at no more than the slot count (plus slack). */
static int list_results(struct xl_collector *c, struct dom *d)
{
    xl_autofree char *path = xl_xs_path(d->watch, "result");
    unsigned n = 0, i, limit = (unsigned)d->nr_slots + LIST_SLACK;
    char **names = xs_directory(c->rd, XBT_NULL, path, &n);
    int rc = XL_OK;

    if (!names)
        return errno == ENOENT ? XL_OK : xl_error_errno(XL_ERR_FAIL, errno, "list %s", path);
    for (i = 0; i < n && i < limit && !rc; i++)
        rc = note_name(c, d, names[i], strnlen(names[i], 32));
    if (!rc && n > limit && !d->said_listing) {
        xl_autofree char *reason = xl_asprintf("%s: %u keys, more than the %zu slots; looked at %u", path, n,
                                               d->nr_slots, limit);

        d->said_listing = true;
        rc = invalid(c, d, -1, reason);
    }
    free(names);
    return rc;
}

/* A guest's way to a result, journalled as the collector first sees each
 * step: how long it booted, and grew its disk, shows in dom0's clock. */
static int note_state(struct xl_collector *c, struct dom *d, enum xl_xs_state st)
{
    json_object *o;
    int rc;

    if ((int)st == d->last_state)
        return XL_OK;
    d->last_state = (int)st;
    o = event_obj(d, "guest");
    xl_json_add(o, "state", xl_json_str(xl_xs_state_name(st)));
    rc = journal_append(c, o);
    json_object_put(o);
    if (!rc)
        ack_push(c, ACK_STATE, d)->reason = xl_strdup(xl_xs_state_name(st));
    return rc;
}

static int check_state(struct xl_collector *c, struct dom *d)
{
    xl_autofree char *path = xl_xs_path(d->home, XL_XS_STATE);
    xl_autofree char *val = NULL;
    enum xl_xs_state st;
    size_t len = 0, i;
    int rc = xl_xs_read_node(c->rd, path, STATE_MAX, &val, &len);

    if (rc == XL_ERR_NOTFOUND)
        return XL_OK;
    if (rc == XL_OK && xl_xs_state_parse(val, len, &st) != XL_OK)
        rc = xl_error(XL_ERR_GUEST, "%s: not a state", path);
    if (rc == XL_ERR_GUEST) {
        if (d->said_state)
            return XL_OK;
        d->said_state = true;
        return invalid(c, d, -1, xl_error_message());
    }
    if (rc)
        return rc;
    switch (st) {
    case XL_XS_DONE:
        /* Slots whose events we may have missed: read them before judging. */
        for (i = 0; i < d->nr_slots && !rc; i++)
            if (d->slot[i] != SLOT_HAVE)
                rc = take_slot(c, d, i);
        if (rc)
            return rc;
        if (d->have == d->nr_slots || enough_trials(d))
            return finish(c, d, true, NULL);
        {
            xl_autofree char *reason = xl_asprintf("guest reported done with %zu of %zu results", d->have,
                                                   d->nr_slots);

            return finish(c, d, false, reason);
        }
    case XL_XS_FAILED: {
        xl_autofree char *epath = xl_xs_path(d->home, XL_XS_ERROR);
        xl_autofree char *err = NULL;
        xl_autofree char *reason = NULL;

        if (xl_xs_read_node(c->rd, epath, ERROR_MAX, &err, &len) != XL_OK)
            err = xl_strdup("(no error given)");
        xl_text_ascii(err, SIZE_MAX);
        reason = xl_asprintf("guest failed: %s", err);
        return finish(c, d, false, reason);
    }
    case XL_XS_BOOTING:
    case XL_XS_GROWING:
    case XL_XS_RUNNING:
        return note_state(c, d, st);
    }
    return XL_OK;
}

static int check_home(struct xl_collector *c, struct dom *d)
{
    xl_autofree char *val = NULL;
    size_t len = 0;
    int rc = xl_xs_read_node(c->rd, d->home, XL_XS_CHUNK_BYTES, &val, &len);

    if (rc == XL_ERR_NOTFOUND) {
        xl_autofree char *reason = xl_asprintf("%s vanished (domain destroyed?) with %zu of %zu results",
                                               d->home, d->have, d->nr_slots);

        return finish(c, d, false, reason);
    }
    return rc == XL_ERR_FAIL ? rc : XL_OK;
}

/* After a batch of events: the work the events asked for. */
static int settle(struct xl_collector *c, struct dom *d)
{
    size_t i;
    int rc = XL_OK;

    if (d->status != DOM_RUNNING)
        return XL_OK;
    if (d->check_home) {
        d->check_home = false;
        rc = check_home(c, d);
        if (rc || d->status != DOM_RUNNING)
            return rc;
    }
    if (!d->commit)
        return XL_OK;
    d->commit = false;
    if (!d->any_pending)
        rc = list_results(c, d);
    for (i = 0; i < d->nr_slots && d->any_pending && !rc; i++) {
        if (d->pending[i]) {
            d->pending[i] = 0;
            rc = take_slot(c, d, i);
        }
    }
    d->any_pending = false;
    if (!rc && d->state_changed) {
        d->state_changed = false;
        rc = check_state(c, d);
    }
    return rc;
}

static struct dom *dom_by_token(struct xl_collector *c, const char *token)
{
    size_t idx;

    if (token[0] != 'd' || xl_xs_parse_index(token + 1, strlen(token + 1), c->nr_doms - 1, &idx))
        return NULL;
    return &c->doms[idx];
}

static int on_event(struct xl_collector *c, const char *path, const char *token)
{
    struct dom *d;
    size_t wlen;
    const char *rest;

    if (strcmp(token, RELEASE_TOKEN) == 0) {
        size_t i;

        for (i = 0; i < c->nr_doms; i++)
            c->doms[i].check_home = true;
        return XL_OK;
    }
    d = dom_by_token(c, token);
    if (!d || d->status != DOM_RUNNING)
        return XL_OK;
    wlen = strlen(d->watch);
    if (strncmp(path, d->watch, wlen) != 0)
        return XL_OK;
    rest = path + wlen;
    if (*rest == '\0') {
        /* Registration, or the node (or an ancestor) went away. */
        d->check_home = true;
        d->commit = true;
        /* State too, on every commit: a guest whose commits raise many
         * events (chunked values) was seen to have its "done" noticed only
         * at its timeout's last look. One read per commit. */
        d->state_changed = true;
    } else if (strcmp(rest, "/updated") == 0) {
        d->commit = true;
        /* State too, on every commit: a guest whose commits raise many
         * events (chunked values) was seen to have its "done" noticed only
         * at its timeout's last look. One read per commit. */
        d->state_changed = true;
    } else if (strcmp(rest, "/state") == 0) {
        d->state_changed = true;
    } else if (strncmp(rest, "/result/", 8) == 0) {
        const char *name = rest + 8;

        return note_name(c, d, name, strcspn(name, "/"));
    }
    return XL_OK;
}

/* One look at a domain as if every event had been lost: list result/,
 * read state. */
static int look_again(struct xl_collector *c, struct dom *d)
{
    int rc = list_results(c, d);

    if (rc)
        return rc;
    d->commit = true;
    d->state_changed = true;
    d->check_home = true;
    return settle(c, d);
}

static int handle_timeouts(struct xl_collector *c, double now, double *next_r)
{
    size_t i;
    int rc = XL_OK;

    *next_r = 0;
    for (i = 0; i < c->nr_doms && !rc; i++) {
        struct dom *d = &c->doms[i];

        if (d->status != DOM_RUNNING || !d->deadline)
            continue;
        if (now >= d->deadline) {
            xl_autofree char *reason = NULL;

            /* A last look first: its final events may have been dropped. */
            rc = look_again(c, d);
            if (rc || d->status != DOM_RUNNING)
                continue;
            reason = xl_asprintf("timed out with %zu of %zu results", d->have, d->nr_slots);
            rc = finish(c, d, false, reason);
        } else if (!*next_r || d->deadline < *next_r) {
            *next_r = d->deadline;
        }
    }
    return rc;
}

/* Every event queued on one connection (none: at once). */
static int take_events(struct xl_collector *c, struct xs_handle *xs)
{
    char **ev;
    int rc = XL_OK;

    while (!rc && (ev = xs_check_watch(xs)) != NULL) {
        rc = on_event(c, ev[XS_WATCH_PATH], ev[XS_WATCH_TOKEN]);
        free(ev);
    }
    /* None left is EAGAIN; anything else is a connection xenstored dropped,
     * which would otherwise poll readable, and empty, for ever. */
    if (!rc && errno != EAGAIN)
        rc = xl_error_errno(XL_ERR_FAIL, errno, "XenStore connection lost while waiting for watch events");
    return rc;
}

int xl_collector_run(struct xl_collector *c, double max_wait_s)
{
    double end = max_wait_s >= 0 ? xl_now() + max_wait_s : 0;
    struct pollfd *pfd = NULL;
    struct xs_handle **conn = NULL;   /* conn[k]: the connection pfd[k] is */
    size_t pfd_cap = 0, i;
    int rc = XL_OK;

    c->last_idle = xl_now();
    while (c->running > 0) {
        double now = xl_now(), next = 0;
        nfds_t nfd = 0;
        int r, timeout_ms = -1;

        rc = handle_timeouts(c, now, &next);
        if (rc || c->running == 0)
            break;
        /* After the timeouts, which close the connections of the domains
         * they fail; sized each time round, as an ops callback may have
         * added a domain. */
        if (pfd_cap < c->nr_doms + 1) {
            pfd_cap = c->nr_doms + 1;
            pfd = xl_realloc(pfd, pfd_cap * sizeof(*pfd));
            conn = xl_realloc(conn, pfd_cap * sizeof(*conn));
        }
        conn[nfd] = c->xs;
        pfd[nfd++] = (struct pollfd){ .fd = c->xs_fd, .events = POLLIN };
        for (i = 0; i < c->nr_doms; i++) {
            if (c->doms[i].wxs) {
                conn[nfd] = c->doms[i].wxs;
                pfd[nfd++] = (struct pollfd){ .fd = c->doms[i].wfd, .events = POLLIN };
            }
        }

        if (end && (!next || end < next))
            next = end;
        if (next) {
            if (now >= next)
                break;
            timeout_ms = (int)((next - now) * 1000) + 1;
        }
        /* Idle (nothing queued): the moment to catch up after a backlog. */
        r = poll(pfd, nfd, 0);
        if (r == 0) {
            if (c->resync) {
                c->resync = false;
                for (i = 0; i < c->nr_doms && !rc; i++)
                    if (c->doms[i].status == DOM_RUNNING)
                        rc = look_again(c, &c->doms[i]);
                if (rc)
                    break;
                continue;
            }
            if (c->unsynced) {
                double left = c->sync_by - xl_now();

                if (left <= 0) {
                    rc = flush(c);
                    if (rc)
                        break;
                    continue;
                }
                if (timeout_ms < 0 || (int)(left * 1000) + 1 < timeout_ms)
                    timeout_ms = (int)(left * 1000) + 1;
            }
            c->last_idle = xl_now();
            r = poll(pfd, nfd, timeout_ms);
        } else if (xl_now() - c->last_idle > BACKLOG_S) {
            c->resync = true;
        }
        if (r < 0 && errno != EINTR) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "poll XenStore");
            break;
        }
        if (r <= 0)
            continue;
        /* The connections with something to read (a hang-up too: reading
         * it is what says so). */
        for (i = 0; i < nfd && !rc; i++)
            if (pfd[i].revents)
                rc = take_events(c, conn[i]);
        for (i = 0; i < c->nr_doms && !rc; i++)
            rc = settle(c, &c->doms[i]);
        /* Never busy so long that a batch outlives its window. */
        if (!rc && c->unsynced && xl_now() >= c->sync_by)
            rc = flush(c);
    }
    free(pfd);
    free(conn);
    /* What was written is synced and acknowledged, even when we stop on an
     * error: those lines are in the journal whatever happens next. */
    {
        int frc = flush(c);

        if (!rc)
            rc = frc;
    }
    return rc;
}

size_t xl_collector_running(const struct xl_collector *c)
{
    return c->running;
}

static const struct dom *find_dom(const struct xl_collector *c, unsigned domid)
{
    size_t i;

    for (i = 0; i < c->nr_doms; i++)
        if (c->doms[i].domid == domid)
            return &c->doms[i];
    return NULL;
}

const char *xl_collector_status(const struct xl_collector *c, unsigned domid, const char **reason_r)
{
    const struct dom *d = find_dom(c, domid);

    if (!d)
        return NULL;
    if (reason_r)
        *reason_r = d->reason;
    return d->status == DOM_DONE ? "done" : d->status == DOM_FAILED ? "failed" : "running";
}
