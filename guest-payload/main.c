/* xenlab-guest: the benchmark worker and (later) the XenStore agent. The
 * worker links no Xen library so it runs in a container and on any Linux. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "config.h"
#include "container.h"
#include "grow-root.h"
#include "json-util.h"
#include "plan-run.h"
#include "self-path.h"
#include "sysinfo.h"
#include "trial-log.h"
#include "trials.h"
#include "xl-util.h"

static const char usage_text[] =
    "usage: xenlab-guest bench nqueens --n N [--threads T] [TRIAL OPTIONS]\n"
    "       xenlab-guest bench memory --kernel copy|scale|add|triad --type int|fp\n"
    "                          [--array-mib M] [--reps R] [--threads T] [TRIAL OPTIONS]\n"
    "       xenlab-guest bench dbench --clients C [--seconds S] [--dir D] [--loadfile F] [TRIAL OPTIONS]\n"
    "       xenlab-guest bench command --item JSON [TRIAL OPTIONS]\n"
    "       xenlab-guest run --plan FILE [--workdir D]\n"
    "       xenlab-guest env [--workdir D] [--arm LABEL]\n"
    "       xenlab-guest grow [--dir D]   (grow D's ext4 and partition to the end of its disk)\n"
    "       xenlab-guest agent [--home /local/domain/ID] [--plan-file FILE] [--workdir D]\n"
    "       xenlab-guest version\n"
    "TRIAL OPTIONS: --trials N [--max-trials M --target-dev PCT --target-ci PCT] [--arm LABEL] [--workdir D]\n"
    "               [--container cpus=1.0,memory=1GiB[,runtime=auto|runc|crun|podman|docker]\n"
    "                            [,rootfs=DIR|image=NAME][,volume=HOST:CT]]\n";

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "xenlab-guest: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage_text);
    return 2;
}

static int parse_pct(const char *opt, const char *s, double *r)
{
    char *end = NULL;
    double v = strtod(s, &end);

    if (end == s || *end || !(v >= 0 && v <= 100)) {
        fprintf(stderr, "xenlab-guest: %s: \"%s\" must be a percentage from 0 to 100\n", opt, s);
        return XL_ERR_INVAL;
    }
    *r = v;
    return XL_OK;
}

static int parse_uint(const char *opt, const char *s, unsigned min, unsigned max, unsigned *r)
{
    char *end = NULL;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || !*s || *end || v < min || v > max || s[0] == '-') {
        fprintf(stderr, "xenlab-guest: %s: \"%s\" must be a whole number from %u to %u\n", opt, s, min, max);
        return XL_ERR_INVAL;
    }
    *r = (unsigned)v;
    return XL_OK;
}

struct bench_cli {
    struct xl_bench_params params;
    struct xl_trial_policy policy;
    unsigned first_trial;
    const char *arm;
    const char *workdir;
    const char *container;
    int no_summary;
};

struct bench_ctx {
    struct bench_cli *cli;
    struct xl_result proto;
};

static void run_in_process(void *opaque, unsigned trial, struct xl_result *r)
{
    struct bench_ctx *ctx = opaque;
    struct xl_sensors before, after;

    /* The real trial number before the run: a command sees it (XENLAB_TRIAL). */
    r->trial = ctx->cli->first_trial + trial - 1;
    xl_sensors_read(&before);
    xl_bench_run(&ctx->cli->params, r);
    xl_sensors_read(&after);
    r->trial = ctx->cli->first_trial + trial - 1;
    if (ctx->cli->arm)
        snprintf(r->arm, sizeof(r->arm), "%s", ctx->cli->arm);
    r->env = xl_env_record(ctx->cli->arm, ctx->cli->workdir ? ctx->cli->workdir : ".");
    /* What the machine was doing during this trial, not only what it had. */
    xl_json_add(r->env, "sensors", xl_sensors_delta(&before, &after));
}

static int print_result(void *opaque, const struct xl_result *r)
{
    json_object *o = xl_result_to_json(r);

    (void)opaque;
    printf("%s\n", xl_json_compact(o));
    json_object_put(o);
    if (r->output) {
        xl_autofree char *doc = xl_log_doc_format(r->output, XL_LOG_DOC_MAX_BYTES);

        if (doc)
            printf("%s\n", doc);
    }
    fflush(stdout);
    if (!r->ok)
        fprintf(stderr, "xenlab-guest: %s trial %u failed: %s\n", r->label, r->trial, r->error);
    return 0;
}

/* A trial that ended without the worker's own document (OOM-killed, the
 * container failed to start) is still a failed result document. */
static void print_container_failure(struct bench_cli *cli, const char *why)
{
    struct xl_result r;

    xl_result_init(&r);
    xl_result_set_bench(&r, &cli->params);
    r.trial = cli->first_trial;
    if (cli->arm)
        snprintf(r.arm, sizeof(r.arm), "%s", cli->arm);
    xl_result_set_error(&r, "%s", why);
    r.ended = xl_wall_now();
    print_result(NULL, &r);
    xl_result_dispose(&r);
}

/* --container: the same command, minus --container, inside the container. */
static int bench_in_container(struct bench_cli *cli, int argc, char **argv)
{
    struct xl_container_spec c;
    struct xl_spawn_result sr;
    char **inner = xl_calloc((size_t)argc + 1, sizeof(char *));
    int i, k = 0, rc;

    xl_spawn_result_init(&sr);
    xl_container_spec_init(&c);
    rc = xl_container_spec_parse(cli->container, &c);
    if (rc) {
        fprintf(stderr, "xenlab-guest: %s\n", xl_error_message());
        goto out;
    }
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--container") == 0) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--container=", 12) == 0)
            continue;
        inner[k++] = argv[i];
    }
    rc = xl_container_run(&c, inner, 0, &sr);
    if (rc) {
        print_container_failure(cli, xl_error_message());
        goto out;
    }
    fwrite(sr.out, 1, sr.out_len, stdout);
    if (!memchr(sr.out, '{', sr.out_len)) {
        char why[128];

        if (sr.term_signal)
            snprintf(why, sizeof(why), "worker in container killed by signal %d", sr.term_signal);
        else
            snprintf(why, sizeof(why), "worker in container exited with status %d and printed no result",
                     sr.exit_code);
        print_container_failure(cli, why);
    }
    rc = sr.exit_code == 0 ? XL_OK : XL_ERR_FAIL;
out:
    xl_spawn_result_dispose(&sr);
    free(inner);
    xl_container_spec_dispose(&c);
    return rc;
}

/* --item: a whole plan item as JSON, validated like the plan's. Its id must
 * be the benchmark named before it. */
static int parse_item(const char *text, struct xl_bench_params *p)
{
    enum xl_bench_kind want = p->kind;
    json_object *obj = NULL;
    int rc = xl_json_parse(text, strlen(text), "--item", &obj);

    if (!rc)
        rc = xl_bench_params_from_json(obj, "--item", p);
    if (!rc && p->kind != want)
        rc = xl_error(XL_ERR_INVAL, "--item: its id is %s, not %s", xl_bench_kind_name(p->kind),
                      xl_bench_kind_name(want));
    json_object_put(obj);
    if (rc)
        fprintf(stderr, "xenlab-guest: %s\n", xl_error_message());
    return rc;
}

static int cmd_bench(int argc, char **argv)
{
    enum { O_N = 256, O_KERNEL, O_TYPE, O_ARRAY, O_REPS, O_CLIENTS, O_SECONDS, O_DIR, O_LOADFILE,
           O_THREADS, O_TRIALS, O_MAX_TRIALS, O_TARGET, O_TARGET_CI, O_ARM, O_WORKDIR, O_CONTAINER, O_TRIAL,
           O_NO_SUMMARY, O_ITEM };
    static const struct option opts[] = {
        { "item", required_argument, NULL, O_ITEM },
        { "n", required_argument, NULL, O_N },
        { "kernel", required_argument, NULL, O_KERNEL },
        { "type", required_argument, NULL, O_TYPE },
        { "array-mib", required_argument, NULL, O_ARRAY },
        { "reps", required_argument, NULL, O_REPS },
        { "clients", required_argument, NULL, O_CLIENTS },
        { "seconds", required_argument, NULL, O_SECONDS },
        { "dir", required_argument, NULL, O_DIR },
        { "loadfile", required_argument, NULL, O_LOADFILE },
        { "threads", required_argument, NULL, O_THREADS },
        { "trials", required_argument, NULL, O_TRIALS },
        { "max-trials", required_argument, NULL, O_MAX_TRIALS },
        { "target-dev", required_argument, NULL, O_TARGET },
        { "target-ci", required_argument, NULL, O_TARGET_CI },
        { "arm", required_argument, NULL, O_ARM },
        { "workdir", required_argument, NULL, O_WORKDIR },
        { "container", required_argument, NULL, O_CONTAINER },
        { "trial", required_argument, NULL, O_TRIAL },
        { "no-summary", no_argument, NULL, O_NO_SUMMARY },
        { NULL, 0, NULL, 0 },
    };
    struct bench_cli cli = { .first_trial = 1 };
    struct bench_ctx ctx;
    struct xl_trials_outcome outcome;
    unsigned max_trials = 0;
    int opt, rc = XL_ERR_INVAL, have_kernel = 0, have_item = 0;

    xl_bench_params_init(&cli.params);
    xl_trial_policy_default(&cli.policy);
    cli.policy.trials = cli.policy.max_trials = 1;
    if (argc < 2) {
        rc = usage_error("bench: which benchmark?");
        goto out;
    }
    if (xl_bench_kind_parse(argv[1], &cli.params.kind)) {
        rc = usage_error("bench: unknown benchmark \"%s\" (nqueens, memory, dbench, command)", argv[1]);
        goto out;
    }
    optind = 2;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int e = XL_OK;

        switch (opt) {
        case O_N: e = parse_uint("--n", optarg, 1, XL_NQUEENS_MAX_N, &cli.params.n); break;
        case O_KERNEL:
            e = xl_mem_kernel_parse(optarg, &cli.params.kernel);
            have_kernel = 1;
            if (e)
                fprintf(stderr, "xenlab-guest: --kernel: %s (copy, scale, add, triad)\n", xl_error_message());
            break;
        case O_TYPE:
            e = xl_mem_type_parse(optarg, &cli.params.type);
            if (e)
                fprintf(stderr, "xenlab-guest: --type: %s (int, fp)\n", xl_error_message());
            break;
        case O_ARRAY: e = parse_uint("--array-mib", optarg, 1, XL_MEMORY_MAX_ARRAY_MIB, &cli.params.array_mib); break;
        case O_REPS: e = parse_uint("--reps", optarg, 1, 100000, &cli.params.reps); break;
        case O_CLIENTS: e = parse_uint("--clients", optarg, 1, XL_DBENCH_MAX_CLIENTS, &cli.params.clients); break;
        case O_SECONDS: e = parse_uint("--seconds", optarg, 1, 86400, &cli.params.seconds); break;
        case O_DIR: free(cli.params.dir); cli.params.dir = xl_strdup(optarg); break;
        case O_LOADFILE: free(cli.params.loadfile); cli.params.loadfile = xl_strdup(optarg); break;
        case O_THREADS: e = parse_uint("--threads", optarg, 1, 1024, &cli.params.threads); break;
        case O_TRIALS: e = parse_uint("--trials", optarg, 1, XL_SPEC_MAX_TRIALS, &cli.policy.trials); break;
        case O_MAX_TRIALS: e = parse_uint("--max-trials", optarg, 1, XL_SPEC_MAX_TRIALS, &max_trials); break;
        case O_TARGET: e = parse_pct("--target-dev", optarg, &cli.policy.target_dev_pct); break;
        case O_TARGET_CI: e = parse_pct("--target-ci", optarg, &cli.policy.target_ci_pct); break;
        case O_ARM: cli.arm = optarg; break;
        case O_WORKDIR: cli.workdir = optarg; break;
        case O_CONTAINER: cli.container = optarg; break;
        case O_TRIAL: e = parse_uint("--trial", optarg, 1, XL_RESULT_MAX_TRIALS, &cli.first_trial); break;
        case O_NO_SUMMARY: cli.no_summary = 1; break;
        case O_ITEM: e = parse_item(optarg, &cli.params); have_item = 1; break;
        default:
            rc = usage_error("bench: bad option");
            goto out;
        }
        if (e)
            goto out;
    }
    if (optind < argc) {
        rc = usage_error("bench: unexpected argument \"%s\"", argv[optind]);
        goto out;
    }
    if (cli.params.kind == XL_BENCH_COMMAND && !have_item) {
        rc = usage_error("bench command: --item is required (a plan item, {\"id\":\"command\",...})");
        goto out;
    }
    if (cli.params.kind == XL_BENCH_MEMORY && !have_kernel) {
        rc = usage_error("bench memory: --kernel is required");
        goto out;
    }
    cli.policy.max_trials = max_trials ? max_trials : cli.policy.trials;
    if (cli.policy.max_trials < cli.policy.trials) {
        rc = usage_error("--max-trials must be at least --trials");
        goto out;
    }
    if ((cli.policy.target_dev_pct > 0 || cli.policy.target_ci_pct > 0) && !max_trials)
        cli.policy.max_trials = cli.policy.trials * 2;
    if (cli.workdir && chdir(cli.workdir) < 0) {
        fprintf(stderr, "xenlab-guest: --workdir %s: %s\n", cli.workdir, strerror(errno));
        rc = XL_ERR_INVAL;
        goto out;
    }
    if (cli.container) {
        rc = bench_in_container(&cli, argc, argv);
        goto out;
    }
    ctx.cli = &cli;
    xl_result_init(&ctx.proto);
    xl_result_set_bench(&ctx.proto, &cli.params);
    rc = xl_trials_run(&cli.policy, run_in_process, print_result, NULL, &ctx, &outcome);
    if (!cli.no_summary) {
        json_object *s = xl_summary_to_json(&ctx.proto, &outcome);

        printf("%s\n", xl_json_compact(s));
        json_object_put(s);
    }
    xl_result_dispose(&ctx.proto);
    if (!rc && outcome.failed)
        rc = XL_ERR_FAIL;
out:
    xl_bench_params_dispose(&cli.params);
    return xl_rc_to_exit(rc);
}

static int print_plan_result(void *opaque, size_t index, const struct xl_result *r)
{
    (void)index;
    return print_result(opaque, r);
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "plan", required_argument, NULL, 'p' },
        { "workdir", required_argument, NULL, 'w' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_plan plan;
    struct xl_plan_runner pr = { 0 };
    const char *plan_path = NULL;
    int opt, rc;

    xl_plan_init(&plan);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == 'p')
            plan_path = optarg;
        else if (opt == 'w')
            pr.workdir = optarg;
        else
            return usage_error("run: bad option");
    }
    if (!plan_path || optind < argc)
        return usage_error("run: give --plan FILE");
    rc = xl_plan_load(plan_path, &plan);
    if (rc) {
        fprintf(stderr, "xenlab-guest: %s\n", xl_error_message());
        goto out;
    }
    pr.plan = &plan;
    pr.emit = print_plan_result;
    rc = xl_plan_run(&pr);
out:
    xl_plan_dispose(&plan);
    return xl_rc_to_exit(rc);
}

static int cmd_env(int argc, char **argv)
{
    static const struct option opts[] = {
        { "workdir", required_argument, NULL, 'w' },
        { "arm", required_argument, NULL, 'a' },
        { NULL, 0, NULL, 0 },
    };
    const char *workdir = ".", *arm = NULL;
    json_object *env;
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == 'w')
            workdir = optarg;
        else if (opt == 'a')
            arm = optarg;
        else
            return usage_error("env: bad option");
    }
    env = xl_env_record(arm, workdir);
    printf("%s\n", xl_json_pretty(env));
    json_object_put(env);
    return 0;
}

/* What the agent does before a plan that asks for it; by hand for a clone
 * made without a plan. */
static int cmd_grow(int argc, char **argv)
{
    static const struct option opts[] = {
        { "dir", required_argument, NULL, 'd' },
        { NULL, 0, NULL, 0 },
    };
    const char *dir = "/";
    struct xl_root_growth g;
    int opt, rc;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == 'd')
            dir = optarg;
        else
            return usage_error("grow: bad option");
    }
    if (optind != argc)
        return usage_error("grow: unexpected argument \"%s\"", argv[optind]);
    rc = xl_grow_root(dir, &g);
    if (rc) {
        fprintf(stderr, "xenlab-guest: %s\n", xl_error_message());
        return xl_rc_to_exit(rc);
    }
    printf("%s: %s%s%s, filesystem %llu -> %llu bytes\n", dir, g.device, g.partition_grown ? " (partition grown on " : "",
           g.partition_grown ? g.disk : "", (unsigned long long)g.fs_before, (unsigned long long)g.fs_after);
    return 0;
}

/* The agent links libxenstore, so it is a separate program: the one next to
 * this executable, else the one in PATH. */
static int cmd_agent(char **argv)
{
    xl_autofree char *sibling = xl_self_sibling("xenlab-guest-agent");

    argv[0] = (char *)"xenlab-guest-agent";
    if (sibling)
        execv(sibling, argv);
    execvp(argv[0], argv);
    fprintf(stderr, "xenlab-guest: cannot run xenlab-guest-agent: %s\n", strerror(errno));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "bench") == 0)
        return cmd_bench(argc - 1, argv + 1);
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "env") == 0)
        return cmd_env(argc - 1, argv + 1);
    if (strcmp(argv[1], "agent") == 0)
        return cmd_agent(argv + 1);
    if (strcmp(argv[1], "grow") == 0)
        return cmd_grow(argc - 1, argv + 1);
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("xenlab-guest %s\n", XENLAB_VERSION);
        return 0;
    }
    return usage_error("unknown command \"%s\"", argv[1]);
}
