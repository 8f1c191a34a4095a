#include "plan-run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clone-env.h"
#include "container.h"
#include "json-util.h"
#include "self-path.h"
#include "xl-spawn.h"
#include "trial-log.h"
#include "trials.h"
#include "xl-util.h"

/* A result document and a log document (common/trial-log.h). */
#define WORKER_MAX_OUTPUT (512 * 1024)
/* Without a trial timeout in the plan, a trial that runs a day is hung. */
#define DEFAULT_TRIAL_TIMEOUT_S 86400

struct item_ctx {
    const struct xl_plan_runner *pr;
    size_t item;
};

static char **worker_argv(const struct xl_plan_runner *pr, size_t item, unsigned trial, const char *self)
{
    char **bench = xl_bench_params_to_argv(&pr->plan->items[item]);
    size_t n = 0, i, k = 0;
    char **argv;
    char num[16];

    while (bench[n])
        n++;
    argv = xl_calloc(n + 16, sizeof(char *));
    argv[k++] = xl_strdup(self);
    argv[k++] = xl_strdup("bench");
    for (i = 0; i < n; i++)
        argv[k++] = xl_strdup(bench[i]);
    snprintf(num, sizeof(num), "%u", trial);
    argv[k++] = xl_strdup("--trial");
    argv[k++] = xl_strdup(num);
    argv[k++] = xl_strdup("--trials");
    argv[k++] = xl_strdup("1");
    argv[k++] = xl_strdup("--no-summary");
    argv[k++] = xl_strdup("--arm");
    argv[k++] = xl_strdup(pr->plan->arm);
    if (pr->workdir) {
        argv[k++] = xl_strdup("--workdir");
        argv[k++] = xl_strdup(pr->workdir);
    }
    xl_argv_free(bench);
    return argv;
}

static void argv_add_container(char ***argv, const struct xl_container_spec *c)
{
    size_t n = 0;

    while ((*argv)[n])
        n++;
    *argv = xl_realloc(*argv, (n + 3) * sizeof(char *));
    (*argv)[n] = xl_strdup("--container");
    (*argv)[n + 1] = xl_container_spec_format(c);
    (*argv)[n + 2] = NULL;
}

/* The first result document in the worker's output, and the first log
 * document (common/trial-log.h) as its output. */
#define LOG_PREFIX "{\"xenlab\":\"log/"

static int parse_worker_output(const char *out, struct xl_result *r)
{
    const char *line = out;
    char *log = NULL;
    bool found = false;

    while (line && *line) {
        const char *end = strchrnul(line, '\n');
        size_t len = (size_t)(end - line);
        json_object *obj = NULL;

        if (!log && len > 0 && strncmp(line, LOG_PREFIX, strlen(LOG_PREFIX)) == 0) {
            if (xl_log_doc_parse(line, len, "worker log", &log) != XL_OK)
                log = NULL;
        } else if (!found && len > 0 && xl_json_parse(line, len, "worker output", &obj) == XL_OK) {
            struct xl_result tmp;

            xl_result_init(&tmp);
            if (xl_result_from_json(obj, "worker result", &tmp) == XL_OK) {
                xl_result_dispose(r);
                *r = tmp;
                found = true;
            } else {
                xl_result_dispose(&tmp);
            }
            json_object_put(obj);
        }
        line = *end ? end + 1 : NULL;
    }
    if (!found) {
        free(log);
        return XL_ERR_NOTFOUND;
    }
    r->log[0] = '\0';          /* dom0's to say */
    r->output = log;
    return XL_OK;
}

void xl_plan_run_trial(const struct xl_plan_runner *pr, size_t item, unsigned trial, struct xl_result *r)
{
    const struct xl_plan *plan = pr->plan;
    xl_autofree char *self = NULL;
    const char *worker = pr->worker;
    char **argv = NULL;
    struct xl_spawn_result sr;
    double timeout = plan->trial_timeout_s ? plan->trial_timeout_s : DEFAULT_TRIAL_TIMEOUT_S;
    int rc;

    xl_spawn_result_init(&sr);
    xl_result_set_bench(r, &plan->items[item]);
    snprintf(r->arm, sizeof(r->arm), "%s", plan->arm);
    r->trial = trial;
    if (!worker)
        worker = self = xl_self_exe();
    argv = worker_argv(pr, item, trial, worker ? worker : "");
    if (plan->in_container && !pr->worker) {
        rc = xl_container_run(&plan->container, argv + 1, timeout, &sr);
    } else {
        /* The agent is not the worker: the container launcher binds its own
         * executable in, so the worker must start the container itself. */
        if (plan->in_container)
            argv_add_container(&argv, &plan->container);
        /* At the trial's deadline SIGTERM first: the worker then removes its
         * container (a SIGKILL would leave it running). */
        rc = xl_spawn_capture(argv, XL_SPAWN_NEW_PGROUP | XL_SPAWN_TERM_FIRST, timeout, WORKER_MAX_OUTPUT, &sr);
    }
    if (rc) {
        xl_result_set_error(r, "%s", xl_error_message());
    } else if (parse_worker_output(sr.out, r) == XL_OK) {
        /* The worker's own document, with its own status. */
    } else if (sr.timed_out) {
        xl_result_set_error(r, "trial did not finish within %.0f s", timeout);
    } else if (sr.term_signal) {
        xl_result_set_error(r, "worker killed by signal %d (%s)", sr.term_signal, strsignal(sr.term_signal));
    } else {
        xl_result_set_error(r, "worker exited with status %d and printed no result", sr.exit_code);
    }
    r->trial = trial;
    xl_spawn_result_dispose(&sr);
    xl_argv_free(argv);
}

static void run_one(void *opaque, unsigned trial, struct xl_result *r)
{
    struct item_ctx *ctx = opaque;

    if (ctx->pr->progress)
        ctx->pr->progress(ctx->pr->opaque, ctx->item, trial);
    xl_plan_run_trial(ctx->pr, ctx->item, trial, r);
}

static bool skip_one(void *opaque, unsigned trial)
{
    struct item_ctx *ctx = opaque;

    return xl_plan_skipped(ctx->pr->plan, xl_plan_slot(ctx->pr->plan, ctx->item, trial));
}

static int emit_one(void *opaque, const struct xl_result *r)
{
    struct item_ctx *ctx = opaque;

    return ctx->pr->emit(ctx->pr->opaque, xl_plan_slot(ctx->pr->plan, ctx->item, r->trial), r);
}

int xl_plan_run(const struct xl_plan_runner *pr)
{
    size_t i;
    int rc = xl_clone_env_set(pr->plan->run_id, pr->plan->arm, pr->plan->replica);

    for (i = 0; i < pr->plan->nr_items && !rc; i++) {
        struct item_ctx ctx = { .pr = pr, .item = i };
        struct xl_trials_outcome o;

        rc = xl_trials_run(&pr->plan->policy, run_one, emit_one, skip_one, &ctx, &o);
    }
    return rc;
}
