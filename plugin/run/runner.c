#include "runner.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "base.h"
#include "collector.h"
#include "json-util.h"
#include "plan-publish.h"
#include "plan.h"
#include "dom0-sensors.h"
#include "progress.h"
#include "provision.h"
#include "xl-util.h"
#include "xs-layout.h"

/* Time a guest gets to boot and read its plan, on top of its trials. */
#define DEFAULT_BOOT_TIMEOUT_S 600.0
/* Without a spec timeout, a trial that takes a day is hung. */
#define DEFAULT_TRIAL_TIMEOUT_S 86400.0
#define COLLECT_TICK_S 0.5

struct active {
    struct xl_run_job *job;
    struct xl_backend be;
    bool be_open;
    struct xl_clone_result res;
    bool have_res;
    char *clone_path;           /* journalled as created: removed at teardown */
    bool domain_journalled;
    struct xl_plan plan;
    unsigned domid;
    double started;
    bool finished;
    bool ok;
    char reason[256];
    /* dom0's view of the guest (dom0-sensors.h), since its last result. */
    bool sampling;              /* the domain runs and the backend can sample */
    struct xl_dom0_interval iv;
};

struct runner {
    struct xl_run *run;
    const struct xl_runner_opts *o;
    struct xs_handle *xs;
    struct xl_collector *col;
    struct active *act;         /* o->parallel slots */
    size_t next_job;
    struct xl_progress progress;
    struct xl_progress_line *lines;
    char (*states)[16];
    bool defer_refusal;         /* clean: the last refusal is its error */
    char *refusal;              /* that last one, not yet printed */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

void xl_runner_opts_init(struct xl_runner_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->backend = xl_backend_default();
    o->parallel = 1;
    o->boot_timeout_s = DEFAULT_BOOT_TIMEOUT_S;
    o->progress = XL_PROGRESS_AUTO;
}

static size_t job_index(const struct runner *rn, const struct xl_run_job *j)
{
    return (size_t)(j - rn->run->jobs);
}

static void show(struct runner *rn, struct xl_run_job *j, const char *state, double started, const char *note)
{
    struct xl_progress_line *l = &rn->lines[job_index(rn, j)];

    snprintf(rn->states[job_index(rn, j)], sizeof(rn->states[0]), "%s", state);
    l->state = rn->states[job_index(rn, j)];
    l->done = j->nr_have;
    if (started > 0)
        l->started = started;
    l->note = note;
    xl_progress_event(&rn->progress, l);
    xl_progress_draw(&rn->progress, rn->lines, rn->run->nr_jobs);
    l->note = NULL;
}

/* One sample of a running guest into its interval; a backend that cannot
 * (any more) stops sampling that guest, said once. */
static void dom0_sample(struct runner *rn, struct active *a, double now)
{
    struct xl_domain_sample smp;
    size_t i;

    if (xl_backend_sample(&a->be, &smp) != XL_OK) {
        a->sampling = false;
        xl_error_clear();
        return;
    }
    xl_dom0_interval_add(&a->iv, now, smp.cpu_ns, smp.vcpus, &smp.pcpus);
    /* Which other guests ran meanwhile, and on the same pCPUs or not. */
    for (i = 0; i < rn->o->parallel; i++) {
        struct active *b = &rn->act[i];

        if (b != a && b->job && b->sampling && !b->finished)
            xl_dom0_interval_beside(&a->iv, b->job->name, b->job->arm->name, &b->iv.now_pcpus);
    }
}

/* Every running guest, at most every XL_DOM0_SAMPLE_S. */
static void dom0_tick(struct runner *rn)
{
    double now = xl_now();
    size_t i;

    for (i = 0; i < rn->o->parallel; i++) {
        struct active *a = &rn->act[i];

        if (a->job && a->sampling && !a->finished && now - a->iv.last_sample >= XL_DOM0_SAMPLE_S)
            dom0_sample(rn, a, now);
    }
}

/* A result came: close the guest's interval with a last sample, journal
 * what dom0 saw over it, and start the next one. */
static void dom0_result(struct runner *rn, struct active *a, size_t slot)
{
    double now = xl_now();
    json_object *ev;

    dom0_sample(rn, a, now);
    if (!a->sampling)
        return;
    ev = xl_dom0_interval_event(&a->iv, a->job->name, a->job->arm->name, (long)slot);
    if (ev && xl_run_log(rn->run, ev) != XL_OK) {
        /* The result itself is journalled: losing dom0's view is not worth the run. */
        fprintf(stderr, "xenlab: %s: %s\n", a->job->name, xl_error_message());
        xl_error_clear();
    }
    xl_dom0_interval_restart(&a->iv, now);
}

static struct active *find_active(struct runner *rn, unsigned domid)
{
    size_t i;

    for (i = 0; i < rn->o->parallel; i++)
        if (rn->act[i].job && !rn->act[i].finished && rn->act[i].domid == domid)
            return &rn->act[i];
    return NULL;
}

static void col_result(void *opaque, unsigned domid, size_t slot, const struct xl_result *r)
{
    struct runner *rn = opaque;
    struct active *a = find_active(rn, domid);

    (void)r;
    if (!a || slot >= a->job->nr_slots || a->job->have[slot])
        return;
    a->job->have[slot] = true;
    a->job->nr_have++;
    if (a->sampling)
        dom0_result(rn, a, slot);
    show(rn, a->job, "running", 0, NULL);
}

static void col_invalid(void *opaque, unsigned domid, long slot, const char *reason)
{
    struct runner *rn = opaque;
    struct active *a = find_active(rn, domid);

    (void)slot;
    if (a)
        show(rn, a->job, "running", 0, reason);
}

static void col_finished(void *opaque, unsigned domid, bool ok, const char *reason)
{
    struct runner *rn = opaque;
    struct active *a = find_active(rn, domid);

    if (!a)
        return;
    a->finished = true;
    a->ok = ok;
    snprintf(a->reason, sizeof(a->reason), "%s", reason ? reason : "");
}

/* What the agent is doing before its first result: booting, growing the disk. */
static void col_state(void *opaque, unsigned domid, const char *state)
{
    struct runner *rn = opaque;
    struct active *a = find_active(rn, domid);

    if (a)
        show(rn, a->job, state, 0, NULL);
}

static const struct xl_collector_ops collector_ops = {
    .result = col_result,
    .invalid = col_invalid,
    .finished = col_finished,
    .state = col_state,
};

/* dom0 writes the plan while the guest is still paused, so the guest never
 * sees a home without it; a backend that put it in the domain's config
 * (xapi's xenstore-data) only tells dom0 the domid. */
static int publish_hook(struct xl_backend *be, uint32_t domid, void *arg)
{
    struct runner *rn = ((void **)arg)[0];
    struct active *a = ((void **)arg)[1];
    xl_autofree char *home = xl_xs_home(domid);
    xl_autofree char *data = xl_xs_path(home, XL_XS_DATA);

    /* A reused domain id must not show an earlier guest's results. */
    xs_rm(rn->xs, XBT_NULL, data);
    a->domid = domid;
    if (xl_backend_is(be, XL_BACKEND_PLAN_IN_CONFIG))
        return XL_OK;
    return xl_plan_publish(rn->xs, domid, &a->plan);
}

static int build_plan(struct runner *rn, struct active *a)
{
    const struct xl_run_job *j = a->job;
    size_t s;
    int rc;

    xl_plan_init(&a->plan);
    rc = xl_plan_from_spec(&rn->run->spec, j->arm, j->replica, rn->run->id, &a->plan);
    if (rc)
        return rc;
    /* Resumed: the guest skips what the journal already holds. */
    for (s = 0; s < j->nr_slots; s++)
        if (j->have[s])
            xl_plan_skip_slot(&a->plan, s);
    return XL_OK;
}

static double job_timeout(const struct runner *rn)
{
    const struct xl_spec *s = &rn->run->spec;
    double trial = s->trial_timeout_s ? s->trial_timeout_s : DEFAULT_TRIAL_TIMEOUT_S;

    /* The spec's arm budget is the whole of it, boot included. */
    if (s->arm_timeout_s)
        return s->arm_timeout_s;
    return trial * (double)(s->nr_benches * s->policy.max_trials) + rn->o->boot_timeout_s;
}

/* Where this run makes its clones and what it clones them from (job_start,
 * job_teardown). */
static char *run_clone_dir(const struct runner *rn)
{
    return rn->o->clone_dir ? xl_strdup(rn->o->clone_dir) : xl_clone_default_dir();
}

static const char *run_base(const struct runner *rn)
{
    return rn->o->base ? rn->o->base : rn->run->spec.base_name;
}

/* Destroys and removes what a job made, journalling each removal. */
static int job_teardown(struct runner *rn, struct active *a)
{
    struct xl_run_job *j = a->job;
    int rc = XL_OK, r;

    if (a->be_open) {
        r = xl_backend_cleanup(&a->be);
        if (r)
            rc = r;
        else if (a->domain_journalled)
            xl_run_log_resource(rn->run, j, false, "domain", j->name);
        xl_backend_close(&a->be);
        a->be_open = false;
    }
    if (a->domid && rn->xs)
        xl_plan_retract(rn->xs, a->domid);
    if (a->clone_path) {
        xl_autofree char *dir = run_clone_dir(rn);
        struct xl_clone_place place = { .dir = dir, .name = j->name, .base = run_base(rn) };

        r = xl_provision_remove(&place);
        if (r && !rc)
            rc = r;
        if (!r)
            xl_run_log_resource(rn->run, j, false, "clone", a->clone_path);
        free(a->clone_path);
        a->clone_path = NULL;
    }
    if (a->have_res) {
        xl_clone_result_dispose(&a->res);
        a->have_res = false;
    }
    return rc;
}

/* One line per refused journal entry. clean keeps the last one back as its
 * error, so a single refusal is a single line. */
static void refused(struct runner *rn)
{
    if (!rn->defer_refusal) {
        fprintf(stderr, "xenlab: %s\n", xl_error_message());
        return;
    }
    if (rn->refusal)
        fprintf(stderr, "xenlab: %s\n", rn->refusal);
    free(rn->refusal);
    rn->refusal = xl_strdup(xl_error_message());
}

/* Removes what an earlier, interrupted attempt of this job left behind.
 * Journal lines are data: they can only ask for what this job makes, the
 * domain NAME and the clone <the run's recorded clone dir>/NAME; anything
 * else is refused with one line, left untouched and left in the journal. */
#define XL_RUN_MAX_INPUTS 32

static int job_clean_leftovers(struct runner *rn, struct xl_run_job *j)
{
    const char *recorded = xl_run_started_opt(rn->run, "clone_dir");
    xl_autofree char *clone_dir = recorded ? xl_strdup(recorded) : xl_clone_default_dir();
    xl_autofree char *want = xl_asprintf("%s/%s", clone_dir, j->name);
    const char *base = xl_run_started_opt(rn->run, "base");
    size_t i = j->nr_res;
    int rc = XL_OK;

    if (!base)
        base = rn->run->spec.base_name;
    while (i > 0) {
        struct xl_run_resource *res = &j->res[--i];
        xl_autofree char *kind = xl_strdup(res->kind);
        xl_autofree char *what = xl_strdup(res->what);
        bool refuse = false;
        int r = XL_OK;

        if (strcmp(kind, "domain") == 0 && strcmp(what, j->name) != 0) {
            r = xl_error(XL_ERR_INVAL, "%s: the journal names domain \"%s\", not %s: left untouched", j->name, what,
                         j->name);
            refuse = true;
        } else if (strcmp(kind, "domain") == 0) {
            struct xl_backend be;

            r = xl_backend_open(&be, rn->o->backend, rn->o->uri);
            if (!r) {
                r = xl_backend_attach(&be, what);
                if (r == XL_ERR_NOTFOUND)
                    r = XL_OK;     /* already gone: nothing to destroy */
                else if (!r)
                    r = xl_backend_cleanup(&be);
                xl_backend_close(&be);
            }
        } else if (strcmp(kind, "clone") == 0 && strcmp(what, want) != 0) {
            r = xl_error(XL_ERR_INVAL, "%s: the journal names clone \"%s\", not %s: left untouched", j->name, what,
                         want);
            refuse = true;
        } else if (strcmp(kind, "clone") == 0) {
            struct xl_clone_place place = { .dir = clone_dir, .name = j->name, .base = base };

            r = xl_provision_remove(&place);
            if (r == XL_ERR_INVAL) {
                xl_autofree char *why = xl_strdup(xl_error_message());

                r = xl_error(XL_ERR_INVAL, "%s: %s: left untouched", j->name, why);
                refuse = true;
            }
        }
        if (refuse) {
            refused(rn);
            continue;
        }
        if (r) {
            rc = xl_error_prefix(r, "cleaning %s %s of %s", kind, what, j->name);
            break;
        }
        r = xl_run_log_resource(rn->run, j, false, kind, what);
        if (r)
            return r;
    }
    return rc;
}

/* The command workloads' inputs onto the payload disk, each once. */
static int add_inputs(const struct xl_plan *plan, struct xl_payload_item *items, size_t *n)
{
    size_t i, k, j, first = *n;

    for (i = 0; i < plan->nr_items; i++) {
        const struct xl_command_spec *c = plan->items[i].command;

        for (k = 0; c && k < c->nr_inputs; k++) {
            const char *name = xl_command_input_name(c->inputs[k]);
            bool dup = false;

            for (j = first; j < *n && !dup; j++) {
                if (strcmp(items[j].name, name) != 0)
                    continue;
                if (strcmp(items[j].src, c->inputs[k]) != 0)
                    return xl_error(XL_ERR_INVAL, "inputs %s and %s: both would be $XENLAB_INPUTS/%s", items[j].src,
                                    c->inputs[k], name);
                dup = true;
            }
            if (dup)
                continue;
            if (*n - first >= XL_RUN_MAX_INPUTS)
                return xl_error(XL_ERR_INVAL, "inputs: more than %d different ones in a plan", XL_RUN_MAX_INPUTS);
            items[(*n)++] = (struct xl_payload_item){ .src = c->inputs[k], .name = name, .input = true };
        }
    }
    return XL_OK;
}

/* Starts j in a. A job that cannot start is finished there, failed, with
 * the reason: job_finish journals it and the run goes on with the others. */
static void job_start(struct runner *rn, struct active *a, struct xl_run_job *j)
{
    struct xl_clone_req req = { 0 };
    struct xl_payload_item items[3 + XL_RUN_MAX_INPUTS];
    xl_autofree char *plan_file = NULL, *guest = NULL, *agent = NULL, *plan = NULL;
    xl_autofree char *clone_dir = run_clone_dir(rn);
    void *hook_arg[2] = { rn, a };
    const char *base = run_base(rn);
    size_t npayload = 0;
    bool dom0_disks;
    json_object *po = NULL;
    const char *text;
    int rc;

    memset(a, 0, sizeof(*a));
    a->job = j;
    a->started = xl_now();
    rc = job_clean_leftovers(rn, j);
    if (rc)
        goto fail;
    rc = build_plan(rn, a);
    if (rc)
        goto fail;
    if (!base) {
        rc = xl_error(XL_ERR_INVAL, "no base: give --base NAME or \"base\": {\"name\": ...} in the spec");
        goto fail;
    }
    rc = xl_backend_open(&a->be, rn->o->backend, rn->o->uri);
    if (rc)
        goto fail;
    a->be_open = true;
    /* A toolstack that clones on its own storage takes no dom0 disks. */
    dom0_disks = !xl_backend_is(&a->be, XL_BACKEND_CLONES_BASE);
    po = xl_plan_to_json(&a->plan);
    plan = xl_strdup(xl_json_compact(po));
    if (dom0_disks) {
        /* The payload disk carries the plan too, for a guest without XenStore access. */
        plan_file = xl_asprintf("%s/plan-%s.json", rn->run->dir, j->name);
        text = xl_json_pretty(po);
        rc = xl_write_file_atomic(plan_file, text, strlen(text));
        if (rc)
            goto fail;
        items[npayload++] = (struct xl_payload_item){ .src = plan_file, .name = "plan.json" };
        if (rn->o->payload_dir) {
            guest = xl_asprintf("%s/xenlab-guest", rn->o->payload_dir);
            agent = xl_asprintf("%s/xenlab-guest-agent", rn->o->payload_dir);
            if (access(guest, R_OK) == 0)
                items[npayload++] = (struct xl_payload_item){ .src = guest, .name = "xenlab-guest" };
            if (access(agent, R_OK) == 0)
                items[npayload++] = (struct xl_payload_item){ .src = agent, .name = "xenlab-guest-agent" };
        }
        rc = add_inputs(&a->plan, items, &npayload);
        if (rc)
            goto fail;
    } else {
        const struct xl_bench_params *in = xl_bench_with_inputs(a->plan.items, a->plan.nr_items);

        if (in) {
            rc = xl_error(XL_ERR_INVAL, "command %s: inputs travel on a dom0 payload disk, which the %s "
                          "backend does not take (it clones on its own storage)", in->command->name, rn->o->backend);
            goto fail;
        }
    }
    req.base = base;
    req.name = j->name;
    req.dir = clone_dir;
    req.template = rn->o->template;
    req.virt_type = rn->o->virt_type;
    req.plan = plan;
    req.vcpus = j->arm->vcpus;
    req.cpus = j->arm->cpus;
    req.memory_kib = j->arm->memory / 1024;
    req.disk_size = j->arm->disk;
    req.payload = items;
    req.npayload = npayload;
    req.hook = publish_hook;
    req.hook_arg = hook_arg;
    /* Journal the names before they exist: a crash between creating and
     * journalling must not orphan anything; cleaning a missing one is a no-op. */
    if (dom0_disks) {
        a->clone_path = xl_asprintf("%s/%s", clone_dir, j->name);
        rc = xl_run_log_resource(rn->run, j, true, "clone", a->clone_path);
        if (rc)
            goto fail;
    }
    rc = xl_run_log_resource(rn->run, j, true, "domain", j->name);
    a->domain_journalled = !rc;
    if (!rc)
        rc = xl_run_log_job(rn->run, j, "provisioning", -1, NULL);
    if (rc)
        goto fail;
    show(rn, j, "provisioning", a->started, NULL);
    xl_clone_result_init(&a->res);
    rc = xl_provision_clone(&req, &a->be, &a->res);
    if (rc) {
        xl_clone_result_dispose(&a->res);
        goto fail;
    }
    a->have_res = true;
    json_object_put(po);
    po = NULL;
    {
        xl_autofree char *log_dir = xl_asprintf("%s/logs/%s", rn->run->dir, j->name);
        struct xl_collect_domain d = {
            .log_dir = log_dir,
            .domid = a->domid,
            .arm = j->arm->name,
            .job = j->name,
            .plan = &a->plan,
            .nr_slots = xl_plan_nr_slots(&a->plan),
            .max_trials = a->plan.policy.max_trials,
            .timeout_s = job_timeout(rn),
            .min_trials = a->plan.policy.target_dev_pct > 0 || a->plan.policy.target_ci_pct > 0
                              ? a->plan.policy.trials : 0,
            .have = j->have,
        };

        rc = xl_collector_add(rn->col, &d);
    }
    if (!rc)
        rc = xl_run_log_job(rn->run, j, "running", (int)a->domid, NULL);
    if (rc)
        goto fail;
    /* The first interval starts at boot: it is the first trial's, boot included. */
    xl_dom0_interval_init(&a->iv, xl_now());
    a->sampling = true;
    dom0_sample(rn, a, a->iv.start);
    show(rn, j, "running", 0, NULL);
    return;
fail:
    json_object_put(po);
    {
        xl_autofree char *why = xl_strdup(xl_error_message());

        a->finished = true;
        a->ok = false;
        snprintf(a->reason, sizeof(a->reason), "%s", why);
    }
}

/* Lets go of a job's slot: tears down what it made (unless --keep; a
 * failed teardown is left for `xenlab clean`, with one line saying so) and
 * frees the slot. Journals nothing about the job's end. */
static void job_release(struct runner *rn, struct active *a)
{
    if (!rn->o->keep) {
        if (job_teardown(rn, a)) {
            xl_autofree char *why = xl_strdup(xl_error_message());

            fprintf(stderr, "xenlab: %s: cleanup failed, left for `xenlab clean %s`: %s\n", a->job->name,
                    rn->run->id, why);
        }
    } else if (a->be_open) {
        xl_backend_close(&a->be);
        a->be_open = false;
    }
    xl_plan_dispose(&a->plan);
    if (a->have_res)
        xl_clone_result_dispose(&a->res);
    free(a->clone_path);
    xl_dom0_interval_dispose(&a->iv);
    memset(a, 0, sizeof(*a));
}

/* A job's guest finished, failed or timed out: tear down, journal the end. */
static int job_finish(struct runner *rn, struct active *a)
{
    struct xl_run_job *j = a->job;
    const char *state = a->ok ? "done" : "failed";
    int domid = a->domid ? (int)a->domid : -1;
    char reason[sizeof(a->reason)];
    int rc;

    memcpy(reason, a->reason, sizeof(reason));
    job_release(rn, a);
    rc = xl_run_log_job(rn->run, j, state, domid, reason[0] ? reason : NULL);
    show(rn, j, state, 0, reason[0] ? reason : NULL);
    return rc;
}

static struct xl_run_job *next_pending(struct runner *rn)
{
    while (rn->next_job < rn->run->nr_jobs) {
        struct xl_run_job *j = &rn->run->jobs[rn->next_job++];

        if (!j->finished)
            return j;
    }
    return NULL;
}

static size_t nr_active(const struct runner *rn)
{
    size_t i, n = 0;

    for (i = 0; i < rn->o->parallel; i++)
        if (rn->act[i].job)
            n++;
    return n;
}

static void setup_lines(struct runner *rn)
{
    size_t i;

    rn->lines = xl_calloc(rn->run->nr_jobs, sizeof(*rn->lines));
    rn->states = xl_calloc(rn->run->nr_jobs, sizeof(*rn->states));
    for (i = 0; i < rn->run->nr_jobs; i++) {
        struct xl_run_job *j = &rn->run->jobs[i];

        rn->lines[i].job = j->name;
        rn->lines[i].arm = j->arm->name;
        snprintf(rn->states[i], sizeof(rn->states[i]), "%s", j->finished ? j->state : "pending");
        rn->lines[i].state = rn->states[i];
        rn->lines[i].done = j->nr_have;
        rn->lines[i].total = j->nr_slots;
    }
}

int xl_runner_run(struct xl_run *run, const struct xl_runner_opts *o)
{
    struct runner rn = { .run = run, .o = o };
    struct sigaction sa, old_int, old_term;
    size_t i;
    int rc;

    xl_progress_init(&rn.progress, o->progress, stdout);
    setup_lines(&rn);
    rn.act = xl_calloc(o->parallel, sizeof(*rn.act));
    rn.xs = xs_open(0);
    if (!rn.xs) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "cannot open XenStore (is this dom0, is xenstored running?)");
        goto out;
    }
    rc = xl_collector_new(run->journal_path, &collector_ops, &rn, &rn.col);
    if (rc)
        goto out;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    stop_signal = 0;
    for (;;) {
        struct xl_run_job *j;

        while (!stop_signal && nr_active(&rn) < o->parallel && (j = next_pending(&rn))) {
            for (i = 0; i < o->parallel && rn.act[i].job; i++)
                ;
            job_start(&rn, &rn.act[i], j);
        }
        if (nr_active(&rn) == 0 || stop_signal)
            break;
        rc = xl_collector_run(rn.col, COLLECT_TICK_S);
        if (rc)
            goto stop;
        dom0_tick(&rn);
        for (i = 0; i < o->parallel; i++) {
            if (rn.act[i].job && rn.act[i].finished) {
                rc = job_finish(&rn, &rn.act[i]);
                if (rc)
                    goto stop;
            }
        }
        xl_progress_draw(&rn.progress, rn.lines, run->nr_jobs);
    }
stop:
    /* Interrupted or failing: take down what is running; the jobs stay
     * unfinished in the journal, so --resume runs them again. */
    for (i = 0; i < o->parallel; i++)
        if (rn.act[i].job)
            job_release(&rn, &rn.act[i]);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (!rc && stop_signal)
        rc = xl_error(XL_ERR_FAIL, "interrupted by signal %d; resume with `xenlab run --resume %s`",
                      (int)stop_signal, run->id);
    if (!rc) {
        rc = xl_run_write_results(run);
        if (!rc)
            rc = xl_run_log(run, xl_journal_ev_run("finished", -1));
    }
out:
    if (rn.col)
        xl_collector_free(rn.col);
    if (rn.xs)
        xs_close(rn.xs);
    free(rn.act);
    free(rn.lines);
    free(rn.states);
    return rc;
}

int xl_runner_clean(struct xl_run *run, const struct xl_runner_opts *o)
{
    struct runner rn = { .run = run, .o = o };
    size_t i;
    int rc = XL_OK;

    rn.defer_refusal = true;
    for (i = 0; i < run->nr_jobs; i++) {
        int r = job_clean_leftovers(&rn, &run->jobs[i]);

        if (r && !rc)
            rc = r;
    }
    if (rn.refusal && rc)
        fprintf(stderr, "xenlab: %s\n", rn.refusal);
    else if (rn.refusal)
        rc = xl_error(XL_ERR_INVAL, "%s", rn.refusal);
    free(rn.refusal);
    return rc;
}
