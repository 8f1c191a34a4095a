#include "multihost.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "dom0-sensors.h"
#include "host-info.h"
#include "journal.h"
#include "json-util.h"
#include "remote.h"
#include "result.h"
#include "size.h"
#include "text.h"
#include "xl-util.h"

#define MAX_EVENT_LINE (64 * 1024)
#define MAX_ANSWER (1024 * 1024)
#define MAX_RESULTS (64 * 1024 * 1024)
#define CALL_TIMEOUT_S 60.0
#define PROBE_TIMEOUT_S 30.0
#define CANCEL_GRACE_S 120.0
#define MAX_RESUMES 3

void xl_multihost_opts_init(struct xl_multihost_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->poll_s = 5;
    o->host_timeout_s = 120;
    o->progress = XL_PROGRESS_AUTO;
}

/* ---- before anything is made -------------------------------------------- */

static int probe_host(const struct xl_host_entry *e, size_t i, const char *self, json_object **out_r)
{
    json_object *o = NULL, *v = NULL;
    int code, rc;

    rc = xl_remote_call(e, XL_REMOTE_PROBE, NULL, NULL, self, PROBE_TIMEOUT_S, MAX_ANSWER, &o, &code);
    if (rc)
        return xl_error_prefix(XL_ERR_INVAL, "hosts[%zu] (%s)", i, e->name);
    if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "xenlab", &v) ||
        !json_object_is_type(v, json_type_string)) {
        json_object_put(o);
        return xl_error(XL_ERR_INVAL, "hosts[%zu] (%s): %s answered with no xenlab version", i, e->name, e->uri);
    }
    if (strcmp(json_object_get_string(v), XENLAB_VERSION) != 0) {
        xl_autofree char *shown = xl_text_sanitise_dup(json_object_get_string(v));

        json_object_put(o);
        return xl_error(XL_ERR_INVAL, "hosts[%zu] (%s): xenlab %.32s there, %s here: run one version everywhere", i,
                        e->name, shown, XENLAB_VERSION);
    }
    *out_r = o;
    return XL_OK;
}

/* A probe's number, bounded: it is the remote's word. */
static int64_t probe_int(json_object *probe, const char *key, int64_t max)
{
    int64_t v = xl_journal_int(probe, key, 0);

    return v > 0 && v <= max ? v : 0;
}

/* Arms that name no host go where there is room (memory, pCPUs for their
 * vCPUs), to the host with the fewest arms so far, ties to the one with the
 * most free memory: deterministic, and spreads a fleet evenly. */
static int place_arms(struct xl_spec *spec, json_object *probes)
{
    size_t nh = spec->hosts.n, a, h;
    size_t *count = xl_calloc(nh, sizeof(*count));
    int rc = XL_OK;

    for (a = 0; a < spec->nr_arms; a++) {
        const struct xl_host_entry *e = xl_hosts_find(&spec->hosts, spec->arms[a].host);

        if (e)
            count[e - spec->hosts.v]++;
    }
    for (a = 0; a < spec->nr_arms && !rc; a++) {
        struct xl_arm *arm = &spec->arms[a];
        size_t best = nh;
        int64_t best_free = -1;

        if (arm->host)
            continue;
        for (h = 0; h < nh; h++) {
            json_object *p = NULL;
            int64_t mem, cpus;

            json_object_object_get_ex(probes, spec->hosts.v[h].name, &p);
            mem = probe_int(p, "free_memory", INT64_C(1) << 52);
            cpus = probe_int(p, "pcpus", 1 << 16);
            if ((mem && (uint64_t)mem < arm->memory) || (cpus && cpus < arm->vcpus))
                continue;
            if (best == nh || count[h] < count[best] || (count[h] == count[best] && mem > best_free)) {
                best = h;
                best_free = mem;
            }
        }
        if (best == nh) {
            char need[32];

            xl_size_format(arm->memory, need, sizeof(need));
            rc = xl_error(XL_ERR_INVAL, "arms[%zu] (%s): no host has room for %s and %u vCPU%s (xenlab host --json on "
                          "each says what it has)", a, arm->name, need, arm->vcpus, arm->vcpus == 1 ? "" : "s");
            break;
        }
        arm->host = xl_strdup(spec->hosts.v[best].name);
        count[best]++;
    }
    free(count);
    return rc;
}

/* Every arm once per host, "<arm>-<host>", through the spec's JSON so the
 * copies are checked exactly as written arms are. */
static int expand_every_host(struct xl_spec *spec)
{
    json_object *o = xl_spec_to_json(spec), *arms = NULL, *out = json_object_new_array();
    struct xl_spec next;
    size_t a, h;
    int rc = XL_OK;

    json_object_object_get_ex(o, "arms", &arms);
    for (a = 0; a < spec->nr_arms && !rc; a++) {
        if (spec->arms[a].host) {
            rc = xl_error(XL_ERR_INVAL, "arms[%zu].host: --every-host runs every arm on every host; leave \"host\" out",
                          a);
            break;
        }
        for (h = 0; h < spec->hosts.n && !rc; h++) {
            json_object *copy = NULL;
            xl_autofree char *name = xl_asprintf("%s-%s", spec->arms[a].name, spec->hosts.v[h].name);

            if (!xl_name_valid(name, XL_NAME_MAX)) {
                rc = xl_error(XL_ERR_INVAL, "arms[%zu] (%s) on hosts[%zu] (%s): \"%s\" is longer than %d: shorten the "
                              "arm's or the host's name", a, spec->arms[a].name, h, spec->hosts.v[h].name, name,
                              XL_NAME_MAX);
                break;
            }
            json_object_deep_copy(json_object_array_get_idx(arms, a), &copy, NULL);
            xl_json_add(copy, "name", xl_json_str(name));
            xl_json_add(copy, "host", xl_json_str(spec->hosts.v[h].name));
            json_object_array_add(out, copy);
        }
    }
    if (rc) {
        json_object_put(out);
        json_object_put(o);
        return rc;
    }
    xl_json_add(o, "arms", out);
    xl_spec_init(&next);
    rc = xl_spec_from_json(o, &next);
    json_object_put(o);
    if (rc) {
        xl_spec_dispose(&next);
        return xl_error_prefix(rc, "--every-host");
    }
    xl_spec_dispose(spec);
    *spec = next;
    return XL_OK;
}

int xl_multihost_prepare(struct xl_spec *spec, const struct xl_multihost_opts *o, json_object **probes_r)
{
    json_object *probes = json_object_new_object();
    size_t i;
    int rc = XL_OK;

    *probes_r = NULL;
    for (i = 0; i < spec->nr_arms && !rc; i++)
        if (spec->arms[i].host && !xl_hosts_find(&spec->hosts, spec->arms[i].host))
            rc = xl_error(XL_ERR_INVAL, "arms[%zu].host: \"%s\" is not one of the hosts", i, spec->arms[i].host);
    for (i = 0; i < spec->hosts.n && !rc; i++) {
        json_object *p = NULL;

        rc = probe_host(&spec->hosts.v[i], i, o->self, &p);
        if (!rc)
            xl_json_add(probes, spec->hosts.v[i].name, p);
    }
    if (!rc)
        rc = o->every_host ? expand_every_host(spec) : place_arms(spec, probes);
    if (rc) {
        json_object_put(probes);
        return rc;
    }
    *probes_r = probes;
    return XL_OK;
}

/* ---- following the hosts ------------------------------------------------ */

enum host_state { H_NEW, H_STREAM, H_POLL, H_DONE, H_LOST };

struct mh_host {
    const struct xl_host_entry *e;
    size_t index;
    char *rid;
    char *dir;                  /* <run>/hosts/<name> */
    char *log;                  /* its stderr */
    enum host_state st;
    bool started;               /* "starting" journalled */
    unsigned resumes;           /* its stopped run resumed by this controller */
    struct xl_remote_proc proc;
    double next_poll, last_ok;
    bool cancelled;
    size_t nr_arms;
};

struct mh {
    struct xl_run *run;
    const struct xl_multihost_opts *o;
    struct mh_host *h;
    size_t n;
    struct xl_progress progress;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static struct mh_host *host_named(struct mh *m, const char *name)
{
    size_t i;

    for (i = 0; name && i < m->n; i++)
        if (strcmp(m->h[i].e->name, name) == 0)
            return &m->h[i];
    return NULL;
}

static void replay_remote(void *opaque, json_object *ev)
{
    struct mh *m = opaque;
    struct mh_host *h;
    const char *state = xl_journal_str(ev, "state");

    if (!xl_journal_is(ev, "remote") || !state)
        return;
    h = host_named(m, xl_journal_str(ev, "host"));
    if (!h || !xl_journal_str(ev, "run") || strcmp(xl_journal_str(ev, "run"), h->rid) != 0)
        return;
    if (strcmp(state, "starting") == 0)
        h->started = true;
    else if (strcmp(state, "finished") == 0)
        h->st = H_DONE;
    else if (strcmp(state, "lost") == 0 || strcmp(state, "refused") == 0)
        h->st = H_LOST;
}

static int log_remote(struct mh *m, struct mh_host *h, const char *state, const char *reason, int64_t results)
{
    json_object *ev = json_object_new_object();

    xl_json_add(ev, "event", xl_json_str("remote"));
    xl_json_add(ev, "host", xl_json_str(h->e->name));
    if (strcmp(state, "starting") == 0)
        xl_json_add(ev, "uri", xl_json_str(h->e->uri));
    xl_json_add(ev, "run", xl_json_str(h->rid));
    xl_json_add(ev, "state", xl_json_str(state));
    if (reason)
        xl_json_add(ev, "reason", xl_json_str(reason));
    if (results >= 0)
        xl_json_add(ev, "results", json_object_new_int64(results));
    return xl_run_log(m->run, ev);
}

/* The controller's job for a remote job: same arm (one of this host's) and
 * replica, the replica read off the job name "xl-<rid>-<arm>-<replica>". */
static struct xl_run_job *job_for(struct mh *m, struct mh_host *h, const char *arm, const char *job)
{
    const char *dash = job ? strrchr(job, '-') : NULL;
    char *end = NULL;
    long rep;
    size_t i;

    if (!arm || !dash)
        return NULL;
    rep = strtol(dash + 1, &end, 10);
    if (end == dash + 1 || *end || rep < 1 || rep > 1024)
        return NULL;
    for (i = 0; i < m->run->nr_jobs; i++) {
        struct xl_run_job *j = &m->run->jobs[i];

        if (j->arm->host && strcmp(j->arm->host, h->e->name) == 0 && strcmp(j->arm->name, arm) == 0 &&
            j->replica == (unsigned)rep)
            return j;
    }
    return NULL;
}

/* A remote job's state into the controller's journal, once per change:
 * done and failed as they are, everything before them as running. */
static int mirror_job(struct mh *m, struct mh_host *h, const char *arm, const char *job, const char *state,
                      const char *reason)
{
    struct xl_run_job *j = job_for(m, h, arm, job);
    const char *mine;

    if (!j || !state || strcmp(state, "pending") == 0)
        return XL_OK;
    mine = strcmp(state, "done") == 0 || strcmp(state, "failed") == 0 ? state : "running";
    if (strcmp(j->state, mine) == 0)
        return XL_OK;
    return xl_run_log_job(m->run, j, mine, -1, strcmp(mine, "failed") == 0 ? reason : NULL);
}

/* Every job of a host that has not ended fails with why. */
static int fail_jobs(struct mh *m, struct mh_host *h, const char *why)
{
    size_t i;
    int rc = XL_OK;

    for (i = 0; i < m->run->nr_jobs && !rc; i++) {
        struct xl_run_job *j = &m->run->jobs[i];

        if (j->arm->host && strcmp(j->arm->host, h->e->name) == 0 && !j->finished)
            rc = xl_run_log_job(m->run, j, "failed", -1, why);
    }
    return rc;
}

/* The host's part of the spec: its arms only, no hosts. */
static char *sub_spec(struct mh *m, struct mh_host *h)
{
    json_object *o = xl_spec_to_json(&m->run->spec), *arms = NULL, *mine = json_object_new_array();
    char *text;
    size_t i;

    json_object_object_del(o, "hosts");
    json_object_object_get_ex(o, "arms", &arms);
    for (i = 0; i < json_object_array_length(arms); i++) {
        json_object *a = json_object_array_get_idx(arms, i), *host = NULL;

        if (json_object_object_get_ex(a, "host", &host) && strcmp(json_object_get_string(host), h->e->name) == 0) {
            json_object_object_del(a, "host");
            json_object_array_add(mine, json_object_get(a));
        }
    }
    xl_json_add(o, "arms", mine);
    text = xl_strdup(xl_json_compact(o));
    json_object_put(o);
    return text;
}

static void say(struct mh *m, struct mh_host *h, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(struct mh *m, struct mh_host *h, const char *fmt, ...)
{
    va_list ap;
    char msg[512];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (m->progress.mode == XL_PROGRESS_JSON) {
        json_object *o = json_object_new_object();

        xl_json_add(o, "event", xl_json_str("host"));
        xl_json_add(o, "host", xl_json_str(h->e->name));
        xl_json_add(o, "message", xl_json_str(msg));
        printf("%s\n", xl_json_compact(o));
        json_object_put(o);
    } else {
        fprintf(stderr, "xenlab: [%s] %s\n", h->e->name, msg);
    }
    fflush(stdout);
}

/* Starts (or resumes) the host's run, streaming (local, ssh) or by one
 * call (xapi, then polled). */
static int start_host(struct mh *m, struct mh_host *h, bool resume)
{
    struct xl_argv a;
    xl_autofree char *spec = NULL;
    int rc;

    if (!resume && !h->started) {
        rc = log_remote(m, h, "starting", NULL, -1);
        if (rc)
            return rc;
        h->started = true;
    }
    if (!resume)
        spec = sub_spec(m, h);
    if (h->e->scheme == XL_HOST_XAPI) {
        json_object *out = NULL;
        int code;

        rc = xl_remote_call(h->e, resume ? XL_REMOTE_RESUME : XL_REMOTE_RUN, h->rid, spec, m->o->self, CALL_TIMEOUT_S,
                            MAX_ANSWER, &out, &code);
        json_object_put(out);
        if (rc) {
            say(m, h, "%s", xl_error_message());
            xl_error_clear();
        }
        h->st = H_POLL;
        h->next_poll = xl_now() + m->o->poll_s;
        return XL_OK;
    }
    xl_argv_init(&a);
    xl_remote_argv(h->e, resume ? XL_REMOTE_RESUME : XL_REMOTE_RUN, h->rid, NULL, m->o->self, &a);
    rc = xl_remote_start(a.v, spec, h->log, &h->proc);
    xl_argv_dispose(&a);
    if (rc)
        return rc;
    say(m, h, "%s %s on %s", resume ? "resuming" : "started", h->rid, h->e->uri);
    h->st = H_STREAM;
    return XL_OK;
}

/* One --json event of the host's xenlab: shown, and its job states
 * mirrored. Anything else on the line is ignored: it is the remote's. */
static int on_event(struct mh *m, struct mh_host *h, const char *line)
{
    json_object *ev = NULL;
    const char *event;
    int rc = XL_OK;

    if (xl_json_parse(line, strlen(line), h->e->name, &ev) || !json_object_is_type(ev, json_type_object)) {
        xl_error_clear();
        json_object_put(ev);
        return XL_OK;
    }
    h->last_ok = xl_now();
    event = xl_journal_str(ev, "event");
    if (event && strcmp(event, "progress") == 0) {
        const char *job = xl_journal_str(ev, "job"), *arm = xl_journal_str(ev, "arm"),
                   *state = xl_journal_str(ev, "state"), *note = xl_journal_str(ev, "note");

        rc = mirror_job(m, h, arm, job, state, note);
        if (m->progress.mode == XL_PROGRESS_JSON) {
            xl_json_add(ev, "host", xl_json_str(h->e->name));
            printf("%s\n", xl_json_compact(ev));
            fflush(stdout);
        } else if (job && state && xl_str_is_printable(job, 128) && xl_str_is_printable(state, 32)) {
            xl_autofree char *n = note ? xl_text_sanitise_dup(note) : NULL;

            say(m, h, "%s %s trial %lld/%lld%s%s", job, state, (long long)xl_journal_int(ev, "done", 0),
                (long long)xl_journal_int(ev, "total", 0), n ? " " : "", n ? n : "");
        }
    }
    json_object_put(ev);
    return rc;
}

static json_object *status_of(struct mh *m, struct mh_host *h, char *why, size_t len)
{
    json_object *st = NULL;
    int code;

    if (xl_remote_call(h->e, XL_REMOTE_STATUS, h->rid, NULL, m->o->self, CALL_TIMEOUT_S, MAX_ANSWER, &st, &code)) {
        snprintf(why, len, "%s", xl_error_message());
        xl_error_clear();
        return NULL;
    }
    if (!json_object_is_type(st, json_type_object)) {
        snprintf(why, len, "%s: status was not a JSON object", h->e->uri);
        json_object_put(st);
        return NULL;
    }
    h->last_ok = xl_now();
    return st;
}

static bool status_bool(json_object *st, const char *key)
{
    json_object *v = NULL;

    return json_object_object_get_ex(st, key, &v) && json_object_is_type(v, json_type_boolean) &&
           json_object_get_boolean(v);
}

static int mirror_status(struct mh *m, struct mh_host *h, json_object *st)
{
    json_object *jobs = NULL;
    size_t i;
    int rc = XL_OK;

    if (!json_object_object_get_ex(st, "jobs", &jobs) || !json_object_is_type(jobs, json_type_array))
        return XL_OK;
    for (i = 0; i < json_object_array_length(jobs) && i < 4096 && !rc; i++) {
        json_object *j = json_object_array_get_idx(jobs, i);

        rc = mirror_job(m, h, xl_journal_str(j, "arm"), xl_journal_str(j, "job"), xl_journal_str(j, "state"),
                        xl_journal_str(j, "reason"));
    }
    return rc;
}

/* The host's run ended: its results into hosts/NAME/results.json, its
 * jobs' last states, then "finished". */
static int fetch_results(struct mh *m, struct mh_host *h)
{
    json_object *doc = NULL, *list = NULL, *st;
    xl_autofree char *path = xl_asprintf("%s/results.json", h->dir);
    char why[512];
    const char *text;
    int code, rc;

    rc = xl_remote_call(h->e, XL_REMOTE_RESULTS, h->rid, NULL, m->o->self, CALL_TIMEOUT_S, MAX_RESULTS, &doc, &code);
    if (rc)
        return rc;
    if (!json_object_is_type(doc, json_type_object) || !json_object_object_get_ex(doc, "results", &list) ||
        !json_object_is_type(list, json_type_array)) {
        json_object_put(doc);
        return xl_error(XL_ERR_GUEST, "%s: results of %s are not a results.json", h->e->uri, h->rid);
    }
    text = xl_json_pretty(doc);
    rc = xl_write_file_atomic(path, text, strlen(text));
    if (!rc && (st = status_of(m, h, why, sizeof(why)))) {
        rc = mirror_status(m, h, st);
        json_object_put(st);
    }
    if (!rc)
        rc = log_remote(m, h, "finished", NULL, (int64_t)json_object_array_length(list));
    json_object_put(doc);
    if (!rc) {
        h->st = H_DONE;
        say(m, h, "%s finished", h->rid);
    }
    return rc;
}

static int lose_host(struct mh *m, struct mh_host *h, const char *state, const char *why)
{
    xl_autofree char *reason = strcmp(state, "lost") == 0 ?
        xl_asprintf("host %s stopped answering for %.0f s: %s", h->e->name, xl_now() - h->last_ok, why) :
        xl_asprintf("host %s refused the run: %s", h->e->name, why);
    int rc;

    xl_remote_proc_dispose(&h->proc);
    rc = fail_jobs(m, h, reason);
    if (!rc)
        rc = log_remote(m, h, state, reason, -1);
    h->st = H_LOST;
    say(m, h, "%s", reason);
    return rc;
}

/* A host not streaming: what is its run doing? */
static int poll_host(struct mh *m, struct mh_host *h)
{
    char why[512] = "";
    json_object *st;
    int64_t guests, ended;
    int rc = XL_OK;

    if (xl_now() < h->next_poll)
        return XL_OK;
    h->next_poll = xl_now() + m->o->poll_s;
    st = status_of(m, h, why, sizeof(why));
    if (!st)
        return xl_now() - h->last_ok > m->o->host_timeout_s ? lose_host(m, h, "lost", why) : XL_OK;
    if (!status_bool(st, "exists")) {
        /* Journalled as starting, never made there: start it now. */
        json_object_put(st);
        return interrupted ? lose_host(m, h, "lost", "interrupted before it started") : start_host(m, h, false);
    }
    rc = mirror_status(m, h, st);
    guests = xl_journal_int(st, "guests", 0);
    ended = xl_journal_int(st, "done", 0) + xl_journal_int(st, "failed", 0);
    if (rc || status_bool(st, "running")) {
        /* still going: wait */
    } else if (status_bool(st, "finished") && guests > 0 && ended >= guests) {
        rc = fetch_results(m, h);
    } else if (interrupted) {
        h->st = H_LOST;       /* stopped by us: resumable, nothing to wait for */
    } else if (h->resumes >= MAX_RESUMES) {
        char last[256];

        xl_last_line(h->log, last, sizeof(last));
        rc = lose_host(m, h, "refused", last[0] ? last : "its run stopped again after each resume");
    } else {
        /* Its runner died (a crash, a reboot) or stopped (cancelled, a
         * failed preflight): resume it where it was. */
        h->resumes++;
        rc = start_host(m, h, true);
    }
    json_object_put(st);
    return rc;
}

static int stream_ended(struct mh *m, struct mh_host *h)
{
    int code, status;
    char why[256];

    xl_remote_reap(&h->proc, true);
    status = h->proc.status;
    xl_remote_proc_dispose(&h->proc);
    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    xl_last_line(h->log, why, sizeof(why));
    if (code == 2 && !h->resumes)
        return lose_host(m, h, "refused", why[0] ? why : "exit status 2");
    if (code == 127)
        return lose_host(m, h, "refused", why[0] ? why : "no xenlab there");
    /* Finished (0, or 1 with failed guests), or the connection went: the
     * host's status says which, now. */
    if (code != 0 && code != 1)
        say(m, h, "its xenlab's stream ended (exit %d%s%s); asking how its run is", code, why[0] ? ": " : "",
            why[0] ? why : "");
    h->st = H_POLL;
    h->next_poll = 0;
    return XL_OK;
}

static int pump(struct mh *m)
{
    struct pollfd pfd[XL_HOSTS_MAX];
    struct mh_host *who[XL_HOSTS_MAX];
    size_t i, n = 0;
    int rc = XL_OK;

    for (i = 0; i < m->n; i++)
        if (m->h[i].st == H_STREAM) {
            pfd[n].fd = m->h[i].proc.out_fd;
            pfd[n].events = POLLIN;
            who[n++] = &m->h[i];
        }
    if (poll(pfd, (nfds_t)n, 1000) < 0 && errno != EINTR)
        return xl_error_errno(XL_ERR_FAIL, errno, "poll");
    for (i = 0; i < n && !rc; i++) {
        struct mh_host *h = who[i];
        char *line;

        if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (xl_remote_read(&h->proc, MAX_EVENT_LINE)) {
            say(m, h, "%s", xl_error_message());
            xl_error_clear();
            h->proc.eof = true;
        }
        while (!rc && (line = xl_remote_take_line(&h->proc))) {
            rc = on_event(m, h, line);
            free(line);
        }
        if (!rc && h->proc.eof)
            rc = stream_ended(m, h);
    }
    for (i = 0; i < m->n && !rc; i++) {
        struct mh_host *h = &m->h[i];

        if (h->st == H_POLL)
            rc = poll_host(m, h);
        else if (h->st == H_NEW && !interrupted)
            rc = start_host(m, h, false);
    }
    return rc;
}

static void cancel_all(struct mh *m)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
        struct mh_host *h = &m->h[i];
        json_object *out = NULL;
        int code;

        if (h->cancelled || (h->st != H_STREAM && h->st != H_POLL))
            continue;
        h->cancelled = true;
        if (xl_remote_call(h->e, XL_REMOTE_CANCEL, h->rid, NULL, m->o->self, CALL_TIMEOUT_S, MAX_ANSWER, &out, &code)) {
            say(m, h, "cancel: %s", xl_error_message());
            xl_error_clear();
        } else {
            say(m, h, "cancelled %s", h->rid);
        }
        json_object_put(out);
    }
}

static void mh_dispose(struct mh *m)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
        struct mh_host *h = &m->h[i];

        /* A stream still open is let go, not killed: its run goes on and
         * --resume finds it. */
        if (h->proc.pid > 0 && !h->proc.reaped) {
            h->proc.reaped = true;
        }
        xl_remote_proc_dispose(&h->proc);
        free(h->rid);
        free(h->dir);
        free(h->log);
    }
    free(m->h);
}

static int mh_init(struct mh *m, struct xl_run *run, const struct xl_multihost_opts *o)
{
    size_t i, a;
    int rc;

    memset(m, 0, sizeof(*m));
    m->run = run;
    m->o = o;
    m->n = run->spec.hosts.n;
    m->h = xl_calloc(m->n ? m->n : 1, sizeof(*m->h));
    xl_progress_init(&m->progress, o->progress == XL_PROGRESS_JSON ? XL_PROGRESS_JSON : XL_PROGRESS_PLAIN, stdout);
    for (i = 0; i < m->n; i++) {
        struct mh_host *h = &m->h[i];

        h->e = &run->spec.hosts.v[i];
        h->index = i;
        h->rid = xl_asprintf("%s-%zu", run->id, i + 1);
        h->dir = xl_asprintf("%s/hosts/%s", run->dir, h->e->name);
        h->log = xl_asprintf("%s/remote.log", h->dir);
        xl_remote_proc_init(&h->proc);
        h->last_ok = xl_now();
        rc = xl_mkdir_p(h->dir);
        if (rc)
            return rc;
        for (a = 0; a < run->spec.nr_arms; a++)
            h->nr_arms += run->spec.arms[a].host && strcmp(run->spec.arms[a].host, h->e->name) == 0;
        /* A host with no arm has nothing to run. */
        if (!h->nr_arms)
            h->st = H_DONE;
    }
    return xl_journal_read(run->journal_path, replay_remote, m, NULL);
}

int xl_multihost_run(struct xl_run *run, const struct xl_multihost_opts *o)
{
    struct sigaction sa, old_int, old_term, old_pipe;
    struct mh m;
    double cancel_deadline = 0;
    size_t i, live;
    int rc;

    rc = mh_init(&m, run, o);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &old_pipe);
    interrupted = 0;
    /* What the journal says was begun: ask the host before anything else. */
    for (i = 0; !rc && i < m.n; i++)
        if (m.h[i].st == H_NEW && m.h[i].started)
            m.h[i].st = H_POLL;
    while (!rc) {
        for (i = 0, live = 0; i < m.n; i++)
            live += m.h[i].st != H_DONE && m.h[i].st != H_LOST;
        if (!live)
            break;
        if (interrupted && !cancel_deadline) {
            cancel_all(&m);
            cancel_deadline = xl_now() + CANCEL_GRACE_S;
        }
        if (cancel_deadline && xl_now() > cancel_deadline)
            break;
        rc = pump(&m);
    }
    if (!rc && interrupted)
        rc = xl_error(XL_ERR_FAIL, "run %s interrupted: every host was told to stop; xenlab run --resume %s goes on",
                      run->id, run->id);
    if (!rc)
        rc = xl_multihost_write_results(run);
    if (!rc)
        rc = xl_run_log(run, xl_journal_ev_run("finished", (int)getpid()));
    mh_dispose(&m);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    return rc;
}

int xl_multihost_clean(struct xl_run *run, const struct xl_multihost_opts *o)
{
    struct mh m;
    size_t i, failed = 0;
    int rc;

    rc = mh_init(&m, run, o);
    for (i = 0; !rc && i < m.n; i++) {
        struct mh_host *h = &m.h[i];
        json_object *out = NULL, *st;
        char why[512];
        int code;

        if (!h->started)
            continue;
        /* xenlab clean prints a line, not JSON: its exit status is the answer. */
        st = status_of(&m, h, why, sizeof(why));
        if (!st) {
            fprintf(stderr, "xenlab: [%s] %s\n", h->e->name, why);
            failed++;
            continue;
        }
        if (status_bool(st, "exists")) {
            struct xl_argv a;
            struct xl_remote_proc p;

            xl_argv_init(&a);
            xl_remote_argv(h->e, XL_REMOTE_CLEAN, h->rid, NULL, o->self, &a);
            if (xl_remote_start(a.v, NULL, h->log, &p) == XL_OK) {
                while (!p.eof && xl_remote_read(&p, MAX_ANSWER) == XL_OK) {
                    struct pollfd pfd = { .fd = p.out_fd, .events = POLLIN };

                    poll(&pfd, 1, 1000);
                }
                xl_remote_reap(&p, true);
                code = WIFEXITED(p.status) ? WEXITSTATUS(p.status) : 128;
                xl_remote_proc_dispose(&p);
                if (code) {
                    xl_last_line(h->log, why, sizeof(why));
                    fprintf(stderr, "xenlab: [%s] clean %s: %s\n", h->e->name, h->rid, why);
                    failed++;
                }
            } else {
                fprintf(stderr, "xenlab: [%s] %s\n", h->e->name, xl_error_message());
                xl_error_clear();
                failed++;
            }
            xl_argv_dispose(&a);
        }
        json_object_put(st);
        json_object_put(out);
        if (!failed)
            rc = log_remote(&m, h, "cleaned", NULL, -1);
    }
    mh_dispose(&m);
    if (!rc && failed)
        rc = xl_error(XL_ERR_FAIL, "run %s: %zu host%s could not clean their part (above)", run->id, failed,
                      failed == 1 ? "" : "s");
    return rc;
}

/* ---- merged results ----------------------------------------------------- */

int xl_multihost_write_results(struct xl_run *run)
{
    json_object *doc = json_object_new_object(), *hosts = json_object_new_array(), *list = json_object_new_array(),
                *dom0 = json_object_new_array();
    xl_autofree char *out = xl_asprintf("%s/results.json", run->dir);
    const char *text;
    size_t i, k;
    int rc;

    for (i = 0; i < run->spec.hosts.n; i++) {
        const struct xl_host_entry *e = &run->spec.hosts.v[i];
        xl_autofree char *path = xl_asprintf("%s/hosts/%s/results.json", run->dir, e->name);
        xl_autofree char *rid = xl_asprintf("%s-%zu", run->id, i + 1);
        json_object *r = NULL, *arr = NULL, *hi = NULL, *ho = json_object_new_object();
        struct xl_host_info info;

        xl_json_add(ho, "name", xl_json_str(e->name));
        xl_json_add(ho, "uri", xl_json_str(e->uri));
        xl_json_add(ho, "run", xl_json_str(rid));
        if (access(path, F_OK) == 0 && xl_json_parse_file(path, MAX_RESULTS, &r) == XL_OK &&
            json_object_is_type(r, json_type_object)) {
            /* What a host says of itself is data: only host-info.h's fields. */
            json_object_object_get_ex(r, "host", &hi);
            xl_host_info_read(hi, &info);
            if (hi)
                xl_json_add(ho, "host", xl_host_info_to_json(&info));
            if (json_object_object_get_ex(r, "results", &arr) && json_object_is_type(arr, json_type_array)) {
                for (k = 0; k < json_object_array_length(arr) && k < XL_RUN_MAX_JOBS * 1024; k++) {
                    struct xl_result res;
                    json_object *copy;

                    xl_result_init(&res);
                    if (xl_result_from_json(json_object_array_get_idx(arr, k), path, &res) == XL_OK) {
                        copy = xl_result_to_json(&res);
                        xl_json_add(copy, "host", xl_json_str(e->name));
                        json_object_array_add(list, copy);
                    } else {
                        xl_error_clear();
                    }
                    xl_result_dispose(&res);
                }
            }
            arr = NULL;
            if (json_object_object_get_ex(r, "dom0", &arr) && json_object_is_type(arr, json_type_array)) {
                for (k = 0; k < json_object_array_length(arr) && k < XL_RUN_MAX_JOBS * 1024; k++) {
                    struct xl_dom0_record rec;

                    if (xl_dom0_record_read(json_object_array_get_idx(arr, k), &rec)) {
                        json_object *copy = xl_dom0_record_to_json(&rec);

                        xl_json_add(copy, "host", xl_json_str(e->name));
                        json_object_array_add(dom0, copy);
                    }
                }
            }
        } else {
            xl_error_clear();
        }
        json_object_put(r);
        json_object_array_add(hosts, ho);
    }
    xl_json_add(doc, "xenlab", xl_json_str("results/1"));
    xl_json_add(doc, "run", xl_json_str(run->id));
    xl_json_add(doc, "hosts", hosts);
    xl_json_add(doc, "results", list);
    if (json_object_array_length(dom0))
        xl_json_add(doc, "dom0", dom0);
    else
        json_object_put(dom0);
    text = xl_json_pretty(doc);
    rc = xl_write_file_atomic(out, text, strlen(text));
    json_object_put(doc);
    return rc;
}
