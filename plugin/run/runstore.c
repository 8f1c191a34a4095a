#include "runstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dom0-sensors.h"
#include "journal.h"
#include "json-util.h"
#include "plan.h"
#include "result.h"
#include "trial-log.h"
#include "xl-util.h"

void xl_run_init(struct xl_run *r)
{
    memset(r, 0, sizeof(*r));
    r->journal_fd = -1;
    xl_spec_init(&r->spec);
}

static void job_dispose(struct xl_run_job *j)
{
    size_t i;

    free(j->name);
    free(j->reason);
    for (i = 0; i < j->nr_res; i++)
        free(j->res[i].what);
    free(j->have);
}

void xl_run_dispose(struct xl_run *r)
{
    size_t i;

    if (r->journal_fd >= 0)
        close(r->journal_fd);
    for (i = 0; i < r->nr_jobs; i++)
        job_dispose(&r->jobs[i]);
    free(r->jobs);
    json_object_put(r->started);
    json_object_put(r->domains);
    free(r->run_reason);
    xl_spec_dispose(&r->spec);
    free(r->id);
    free(r->dir);
    free(r->journal_path);
    xl_run_init(r);
}

static bool valid_run_id(const char *id)
{
    size_t i;

    if (!*id || strlen(id) > XL_RUN_ID_MAX || id[0] == '.')
        return false;
    for (i = 0; id[i]; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
            return false;
    return true;
}

int xl_run_plan_jobs(struct xl_run *r)
{
    size_t a, n = 0;
    unsigned k;

    for (a = 0; a < r->spec.nr_arms; a++)
        n += r->spec.arms[a].replicas;
    if (n > XL_RUN_MAX_JOBS)
        return xl_error(XL_ERR_INVAL, "arms: %zu guests in all, more than %d", n, XL_RUN_MAX_JOBS);
    r->jobs = xl_calloc(n, sizeof(*r->jobs));
    for (a = 0; a < r->spec.nr_arms; a++) {
        const struct xl_arm *arm = &r->spec.arms[a];

        for (k = 1; k <= arm->replicas; k++) {
            struct xl_run_job *j = &r->jobs[r->nr_jobs++];

            j->name = xl_asprintf("xl-%s-%s-%u", r->id, arm->name, k);
            j->arm = arm;
            j->replica = k;
            j->domain = -1;
            j->nr_slots = r->spec.nr_benches * r->spec.policy.max_trials;
            j->have = xl_calloc(j->nr_slots, sizeof(bool));
        }
    }
    return XL_OK;
}

static int open_journal(struct xl_run *r)
{
    r->journal_path = xl_asprintf("%s/" XL_JOURNAL_NAME, r->dir);
    return xl_journal_open(r->journal_path, &r->journal_fd);
}

int xl_run_create(const char *runs_dir, struct xl_run *r)
{
    char stamp[32];
    unsigned char rnd[2] = { 0, 0 };
    time_t now = time(NULL);
    struct tm tm;
    json_object *frozen = NULL;
    xl_autofree char *spec_out = NULL;
    const char *text;
    int rc;

    /* A caller's id (--run-id: a multi-host run names its hosts' runs). */
    if (r->id && !valid_run_id(r->id))
        return xl_error(XL_ERR_INVAL, "--run-id: \"%s\" must be 1-%d of a-z, 0-9, '-'", r->id, XL_RUN_ID_MAX);
    if (!r->id) {
        if (getrandom(rnd, sizeof(rnd), 0) < 0)
            rnd[0] = (unsigned char)getpid();
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
        r->id = xl_asprintf("%s-%02x%02x", stamp, rnd[0], rnd[1]);
    }
    rc = xl_mkdir_p(runs_dir);
    if (rc)
        return rc;
    /* An id that exists is somebody's run, never taken over (r->dir stays
     * NULL, so the caller does not mark it failed either). */
    {
        xl_autofree char *dir = xl_asprintf("%s/%s", runs_dir, r->id);

        if (mkdir(dir, 0755) < 0)
            return xl_error_errno(errno == EEXIST ? XL_ERR_INVAL : XL_ERR_FAIL, errno, "run %s: mkdir %s", r->id, dir);
        r->dir = xl_steal_pointer(&dir);
    }
    frozen = xl_spec_to_json(&r->spec);
    text = xl_json_pretty(frozen);
    spec_out = xl_asprintf("%s/spec.json", r->dir);
    rc = xl_write_file_atomic(spec_out, text, strlen(text));
    json_object_put(frozen);
    if (!rc)
        rc = open_journal(r);
    if (!rc)
        rc = xl_run_plan_jobs(r);
    return rc;
}

static struct xl_run_job *find_job(struct xl_run *r, const char *name)
{
    size_t i;

    for (i = 0; name && i < r->nr_jobs; i++)
        if (strcmp(r->jobs[i].name, name) == 0)
            return &r->jobs[i];
    return NULL;
}

/* The job a result or invalid event belongs to: its "job", or for older
 * lines with only "domain", the job that had that domain id at that point
 * of the journal (domains maps "domid" to the latest job event's name). */
static struct xl_run_job *job_of_event(struct xl_run *r, json_object *domains, json_object *ev)
{
    xl_autofree char *dkey = NULL;
    json_object *name = NULL;
    int64_t domid;

    if (xl_journal_str(ev, "job"))
        return find_job(r, xl_journal_str(ev, "job"));
    domid = xl_journal_int(ev, "domain", -1);
    if (domid < 0)
        return NULL;
    dkey = xl_asprintf("%lld", (long long)domid);
    if (!json_object_object_get_ex(domains, dkey, &name))
        return NULL;
    return find_job(r, json_object_get_string(name));
}

static void note_domain(json_object *domains, json_object *ev)
{
    int64_t domid = xl_journal_int(ev, "domain", -1);
    xl_autofree char *dkey = NULL;

    if (domid < 0 || !xl_journal_str(ev, "job"))
        return;
    dkey = xl_asprintf("%lld", (long long)domid);
    xl_json_add(domains, dkey, xl_json_str(xl_journal_str(ev, "job")));
}

static void note_resource(struct xl_run_job *j, bool created, const char *kind, const char *what)
{
    size_t i;

    for (i = 0; i < j->nr_res; i++) {
        if (strcmp(j->res[i].kind, kind) == 0 && strcmp(j->res[i].what, what) == 0) {
            if (!created) {
                free(j->res[i].what);
                j->res[i] = j->res[--j->nr_res];
            }
            return;
        }
    }
    if (created && j->nr_res < XL_RUN_MAX_RESOURCES) {
        snprintf(j->res[j->nr_res].kind, sizeof(j->res[j->nr_res].kind), "%s", kind);
        j->res[j->nr_res++].what = xl_strdup(what);
    }
}

/* One journal event (the reader has skipped torn lines: their events
 * never counted, they were not yet fsync'd when we crashed). */
static void replay_event(struct xl_run *r, json_object *ev)
{
    const char *event = xl_journal_str(ev, "event");
    struct xl_run_job *j;

    if (!event)
        return;
    if (!r->domains)
        r->domains = json_object_new_object();
    if (strcmp(event, "run") == 0) {
        const char *state = xl_journal_str(ev, "state"), *reason = xl_journal_str(ev, "reason");

        if (!r->started)
            r->started = json_object_get(ev);
        if (state) {
            snprintf(r->run_state, sizeof(r->run_state), "%s", state);
            free(r->run_reason);
            r->run_reason = reason ? xl_strdup(reason) : NULL;
        }
    } else if (strcmp(event, "job") == 0) {
        note_domain(r->domains, ev);
        const char *state = xl_journal_str(ev, "state"), *reason = xl_journal_str(ev, "reason");

        j = find_job(r, xl_journal_str(ev, "job"));
        if (!j || !state)
            return;
        snprintf(j->state, sizeof(j->state), "%s", state);
        j->domain = (int)xl_journal_int(ev, "domain", j->domain);
        j->finished = strcmp(state, "done") == 0 || strcmp(state, "failed") == 0;
        free(j->reason);
        j->reason = reason ? xl_strdup(reason) : NULL;
    } else if (strcmp(event, "created") == 0 || strcmp(event, "removed") == 0) {
        const char *kind = xl_journal_str(ev, "kind"), *what = xl_journal_str(ev, "what");

        j = find_job(r, xl_journal_str(ev, "job"));
        if (j && kind && what)
            note_resource(j, event[0] == 'c', kind, what);
    } else if (strcmp(event, "result") == 0) {
        int64_t slot = xl_journal_int(ev, "slot", -1);

        j = job_of_event(r, r->domains, ev);
        if (j && slot >= 0 && (size_t)slot < j->nr_slots && !j->have[slot]) {
            j->have[slot] = true;
            j->nr_have++;
        }
    }
}

static void replay_cb(void *opaque, json_object *ev)
{
    replay_event(opaque, ev);
}

int xl_run_open(const char *runs_dir, const char *id, struct xl_run *r)
{
    xl_autofree char *spec_path = NULL;
    int rc;

    if (!valid_run_id(id))
        return xl_error(XL_ERR_INVAL, "\"%s\" is not a run id", id);
    r->id = xl_strdup(id);
    r->dir = xl_asprintf("%s/%s", runs_dir, id);
    spec_path = xl_asprintf("%s/spec.json", r->dir);
    if (access(r->dir, F_OK) < 0)
        return xl_error(XL_ERR_NOTFOUND, "run %s: no directory %s", id, r->dir);
    rc = xl_spec_load_frozen(spec_path, &r->spec);
    if (!rc)
        rc = xl_run_plan_jobs(r);
    if (!rc)
        rc = open_journal(r);
    if (!rc)
        rc = xl_journal_read(r->journal_path, replay_cb, r, &r->stats);
    return rc;
}

const char *xl_run_started_opt(const struct xl_run *r, const char *key)
{
    return r->started ? xl_journal_str(r->started, key) : NULL;
}

int xl_run_log(struct xl_run *r, json_object *ev)
{
    int rc = xl_journal_append(r->journal_fd, r->journal_path, ev);

    if (!rc)
        replay_event(r, ev);
    json_object_put(ev);
    return rc;
}

int xl_run_log_job(struct xl_run *r, const struct xl_run_job *j, const char *state, int domain,
                   const char *reason)
{
    return xl_run_log(r, xl_journal_ev_job(j->name, j->arm->name, j->replica, state, domain, reason));
}

int xl_run_log_resource(struct xl_run *r, struct xl_run_job *j, bool created, const char *kind,
                        const char *what)
{
    return xl_run_log(r, xl_journal_ev_resource(created, j->name, kind, what));
}

int xl_run_log_failed(struct xl_run *r, const char *reason)
{
    return xl_run_log(r, xl_journal_ev_run_failed(reason));
}

struct results_ctx {
    struct xl_run *r;
    json_object *list;
    json_object *seen;          /* "job/slot" -> true: each slot once */
    json_object *counters;      /* "arm/benchmark/variant" -> next trial */
    json_object *domains;       /* "domid" -> job name, as the journal went */
    json_object *dom0;          /* dom0's view of each interval (dom0-sensors.h) */
    json_object *dom0_seen;     /* "job/slot" -> true */
};

static void results_cb(void *opaque, json_object *ev)
{
    struct results_ctx *ctx = opaque;
    const char *event = xl_journal_str(ev, "event");
    json_object *doc = NULL, *copy = NULL;
    struct xl_run_job *j;
    struct xl_result res;
    int64_t slot = xl_journal_int(ev, "slot", -1);
    xl_autofree char *key = NULL;
    int trial;

    if (event && strcmp(event, "job") == 0) {
        note_domain(ctx->domains, ev);
        return;
    }
    if (event && strcmp(event, "dom0") == 0) {
        struct xl_dom0_record rec;

        if (xl_dom0_record_read(ev, &rec)) {
            xl_autofree char *k = xl_asprintf("%s/%ld", rec.job, rec.slot);

            if (!json_object_object_get_ex(ctx->dom0_seen, k, NULL)) {
                xl_json_add(ctx->dom0_seen, k, json_object_new_boolean(1));
                json_object_array_add(ctx->dom0, xl_dom0_record_to_json(&rec));
            }
        }
        return;
    }
    if (!event || strcmp(event, "result") != 0 || !json_object_object_get_ex(ev, "result", &doc) ||
        !json_object_is_type(doc, json_type_object))
        return;
    j = job_of_event(ctx->r, ctx->domains, ev);
    key = xl_asprintf("%s/%lld", j ? j->name : "?", (long long)slot);
    if (json_object_object_get_ex(ctx->seen, key, NULL))
        return;
    xl_result_init(&res);
    if (xl_result_from_json(doc, "journal", &res) != XL_OK) {
        xl_result_dispose(&res);
        return;
    }
    xl_json_add(ctx->seen, key, json_object_new_boolean(1));
    trial = (int)xl_run_next_trial(ctx->counters, res.arm, res.benchmark, res.variant);
    /* Which clone ran it is ours to say, whatever the guest wrote. */
    res.replica = j ? j->replica : 0;
    res.replica_trial = j ? res.trial : 0;
    /* The log the collector stored for this slot, if it did. */
    res.log[0] = '\0';
    if (j) {
        xl_autofree char *rel = xl_asprintf("logs/%s/%lld.log", j->name, (long long)slot);
        xl_autofree char *abs = xl_asprintf("%s/%s", ctx->r->dir, rel);
        struct stat st;

        if (xl_log_path_ok(rel) && strlen(rel) < sizeof(res.log) && lstat(abs, &st) == 0 && S_ISREG(st.st_mode))
            snprintf(res.log, sizeof(res.log), "%s", rel);
    }
    res.trial = (unsigned)trial;
    copy = xl_result_to_json(&res);
    json_object_array_add(ctx->list, copy);
    xl_result_dispose(&res);
}

unsigned xl_run_next_trial(json_object *counters, const char *arm, const char *benchmark, const char *variant)
{
    xl_autofree char *key = xl_asprintf("%s/%s/%s", arm, benchmark, variant);
    json_object *cnt = NULL;
    int n = json_object_object_get_ex(counters, key, &cnt) ? json_object_get_int(cnt) + 1 : 1;

    xl_json_add(counters, key, json_object_new_int(n));
    return (unsigned)n;
}

int xl_run_write_results(struct xl_run *r)
{
    struct results_ctx ctx = { .r = r, .list = json_object_new_array(), .seen = json_object_new_object(),
                               .counters = json_object_new_object(), .domains = json_object_new_object(),
                               .dom0 = json_object_new_array(), .dom0_seen = json_object_new_object() };
    json_object *doc = json_object_new_object();
    xl_autofree char *path = xl_asprintf("%s/results.json", r->dir);
    const char *text;
    int rc;

    rc = xl_journal_read(r->journal_path, results_cb, &ctx, NULL);
    xl_json_add(doc, "xenlab", xl_json_str("results/1"));
    xl_json_add(doc, "run", xl_json_str(r->id));
    {
        json_object *host = NULL;

        if (r->started && json_object_object_get_ex(r->started, "host", &host))
            xl_json_add(doc, "host", json_object_get(host));
    }
    xl_json_add(doc, "results", ctx.list);
    if (json_object_array_length(ctx.dom0))
        xl_json_add(doc, "dom0", ctx.dom0);
    else
        json_object_put(ctx.dom0);
    json_object_put(ctx.dom0_seen);
    if (!rc) {
        text = xl_json_pretty(doc);
        rc = xl_write_file_atomic(path, text, strlen(text));
    }
    json_object_put(doc);
    json_object_put(ctx.seen);
    json_object_put(ctx.counters);
    json_object_put(ctx.domains);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int xl_run_list(const char *runs_dir, char ***ids_r, size_t *n_r)
{
    DIR *d = opendir(runs_dir);
    struct dirent *de;
    char **ids = NULL;
    size_t n = 0;

    *ids_r = NULL;
    *n_r = 0;
    if (!d) {
        if (errno == ENOENT)
            return XL_OK;
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", runs_dir);
    }
    while ((de = readdir(d))) {
        if (!valid_run_id(de->d_name))
            continue;
        ids = xl_realloc(ids, (n + 1) * sizeof(*ids));
        ids[n++] = xl_strdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(ids, n, sizeof(*ids), cmp_str);
    *ids_r = ids;
    *n_r = n;
    return XL_OK;
}
