#include <errno.h>
#include <signal.h>
#include <libgen.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "backend.h"
#include "base.h"
#include "commands.h"
#include "cpuset.h"
#include "host-info.h"
#include "json-util.h"
#include "multihost.h"
#include "payload.h"
#include "provision.h"
#include "runner.h"
#include "runstore.h"
#include "self-path.h"
#include "uri-policy.h"
#include "spec.h"
#include "xl-util.h"

/* spec check promises a run the job table can hold. */
_Static_assert(XL_SPEC_MAX_GUESTS == XL_RUN_MAX_JOBS, "spec and run store disagree on guests per run");

static const char run_usage[] =
    "usage: xenlab run SPEC.json [--backend NAME] [--uri URI] [--parallel N] [--keep]\n"
    "                  [--allow-unsafe-uri]\n"
    "                  [--run-dir DIR] [--base NAME] [--template FILE] [--clone-dir DIR]\n"
    "                  [--payload-dir DIR] [--virt-type TYPE] [--json | --plain]\n"
    "                  [--run-id ID] [--hosts FILE [--every-host] [--host-timeout S]]\n"
    "       xenlab run --resume ID [same options]\n"
    "  SPEC.json \"-\": the spec on stdin. --hosts (or the spec's \"hosts\"): the arms\n"
    "  run on those hosts, each by its own xenlab (xenlab-spec(5), HOSTS).\n";

/* The directory of xenlab-guest (installed beside this program, or in the
 * build tree's guest-payload/): it goes onto each payload disk. */
static char *default_payload_dir(void)
{
    char *p = xl_cli_guest_binary();

    if (p && strrchr(p, '/'))
        *strrchr(p, '/') = '\0';
    return p;
}

static void add_opt(json_object *ev, const char *key, const char *val)
{
    char *abs;

    if (!val)
        return;
    /* Paths are kept absolute: a resume may start from another directory. */
    abs = strchr(val, '/') && val[0] != '/' ? realpath(val, NULL) : NULL;
    xl_json_add(ev, key, xl_json_str(abs ? abs : val));
    free(abs);
}

/* One absolute spelling of a directory that may not exist yet, no trailing
 * '/': the run records its clone directory so and makes its clones there,
 * and removes only clones whose journalled path is that + "/" + job name. */
static char *abs_dir(const char *dir)
{
    char *p = realpath(dir, NULL);
    size_t n;

    if (!p) {
        xl_autofree char *cwd = dir[0] == '/' ? NULL : getcwd(NULL, 0);

        p = cwd ? xl_asprintf("%s/%s", cwd, dir) : xl_strdup(dir);
    }
    n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    return p;
}

/* A resumed run keeps its clone directory: its journal names clones there. */
static int resume_clone_dir(const struct xl_run *run, bool given, struct xl_runner_opts *o)
{
    const char *recorded = xl_run_started_opt(run, "clone_dir");
    xl_autofree char *dflt = recorded ? NULL : xl_clone_default_dir();
    xl_autofree char *want = abs_dir(recorded ? recorded : dflt);
    xl_autofree char *got = given ? abs_dir(o->clone_dir) : NULL;

    if (got && strcmp(got, want) != 0)
        return xl_error(XL_ERR_INVAL, "run --resume %s: --clone-dir %s is not the run's clone directory %s", run->id,
                        o->clone_dir, want);
    o->clone_dir = recorded;
    return XL_OK;
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* What a run needs of this host, checked before anything is made: a run
 * directory for a run that cannot start would be left pending, for
 * `clean` and `--resume` to trip over. */
/* The spec's base, registered on first use (xl_base_ensure); it becomes
 * --base, so the journal records it for --resume and clean. */
static int spec_base(const char *spec_path, const struct xl_spec *s, char **name_r, struct xl_runner_opts *o)
{
    xl_autofree char *copy = xl_strdup(spec_path);
    bool added = false;
    int rc;

    if (!s->base_name && !s->base_image)
        return XL_OK;       /* preflight says "no base" */
    /* A spec on stdin names paths from where it was started. */
    rc = xl_base_ensure(s->base_name, s->base_image, s->base_template, strcmp(spec_path, "/dev/stdin") == 0 ? "." :
                        dirname(copy), name_r, &added);
    if (rc)
        return rc;
    if (added)
        fprintf(stderr, "xenlab: registered the spec's base \"%s\" (%s)\n", *name_r, s->base_image);
    o->base = *name_r;
    return XL_OK;
}

/* An arm pinned to pCPUs the host does not have would fail at its domain's
 * creation, after other arms ran: refused before anything is made. */
static int check_pinning(struct xl_backend *be, const struct xl_spec *spec)
{
    unsigned n = 0;
    size_t i;
    int rc;

    for (i = 0; i < spec->nr_arms && !spec->arms[i].cpus; i++)
        ;
    if (i == spec->nr_arms)
        return XL_OK;
    rc = xl_backend_host_cpus(be, &n);
    if (rc == XL_ERR_NOTFOUND || (!rc && !n))
        return XL_OK;
    if (rc)
        return xl_error_prefix(rc, "checking the arms' cpus");
    for (i = 0; i < spec->nr_arms; i++) {
        struct xl_cpuset set;

        if (!spec->arms[i].cpus || xl_cpuset_parse(spec->arms[i].cpus, "cpus", &set) != XL_OK)
            continue;
        if (xl_cpuset_end(&set) > n)
            return xl_error(XL_ERR_INVAL, "arms[%zu] (%s): cpus %s: this host has %u pCPU%s (0-%u)", i,
                            spec->arms[i].name, spec->arms[i].cpus, n, n == 1 ? "" : "s", n - 1);
    }
    return XL_OK;
}

static int preflight(const struct xl_runner_opts *o, const char *spec_base, const struct xl_spec *spec)
{
    const char *base = o->base ? o->base : spec_base;
    struct xl_backend be = { 0 };
    struct xs_handle *xs;
    int rc;

    if (!base)
        return xl_error(XL_ERR_INVAL, "no base: give --base NAME or \"base\": {\"name\": ...} in the spec");
    xs = xs_open(0);
    if (!xs)
        return xl_error_errno(XL_ERR_FAIL, errno, "cannot open XenStore (is this dom0, is xenstored running?)");
    xs_close(xs);
    /* A toolstack that clones on its own storage names its bases itself;
     * the others clone a registered one. */
    if (!xl_backend_has(o->backend, XL_BACKEND_CLONES_BASE)) {
        struct xl_base b;

        xl_base_init(&b);
        rc = xl_base_load(base, &b);
        if (!rc)
            rc = xl_base_verify(&b);
        xl_base_dispose(&b);
        if (rc)
            return rc;
    }
    rc = xl_backend_open(&be, o->backend, o->uri);
    if (rc)
        return rc;
    rc = check_pinning(&be, spec);
    xl_backend_close(&be);
    return rc;
}

/* Every command input is there and may be copied, before anything is made
 * (the payload build checks again: the files may change meanwhile). */
static int check_inputs(const struct xl_spec *spec)
{
    uint64_t bytes = 0;
    size_t i, k;
    int rc;

    for (i = 0; i < spec->nr_benches; i++) {
        const struct xl_command_spec *c = spec->benches[i].command;

        for (k = 0; c && k < c->nr_inputs; k++) {
            rc = xl_payload_input_check(c->inputs[k], &bytes);
            if (rc)
                return xl_error_prefix(rc, "command %s", spec->benches[i].command->name);
        }
    }
    return XL_OK;
}

/* With --parallel, domains that may run at once on the same pCPUs measure
 * each other: said once per pair of arms (a warning, the run goes on). */
static void warn_shared_cpus(const struct xl_spec *spec, unsigned parallel)
{
    size_t i, k;

    if (parallel < 2)
        return;
    for (i = 0; i < spec->nr_arms; i++) {
        const struct xl_arm *a = &spec->arms[i];

        if (a->cpus && a->replicas > 1)
            fprintf(stderr, "xenlab: warning: arm %s: its %u replicas are all pinned to pCPUs %s and may run at "
                    "once (--parallel %u)\n", a->name, a->replicas, a->cpus, parallel);
        for (k = i + 1; k < spec->nr_arms; k++) {
            const struct xl_arm *b = &spec->arms[k];
            struct xl_cpuset sa, sb;

            if (!a->cpus && !b->cpus)
                continue;       /* nothing pinned: the confounder check says they ran together */
            if (a->cpus && b->cpus && (xl_cpuset_parse(a->cpus, "cpus", &sa) || xl_cpuset_parse(b->cpus, "cpus", &sb) ||
                                       !xl_cpuset_overlap(&sa, &sb)))
                continue;
            fprintf(stderr, "xenlab: warning: arms %s and %s may share pCPUs (%s, %s) when run at once "
                    "(--parallel %u)\n", a->name, b->name, a->cpus ? a->cpus : "any", b->cpus ? b->cpus : "any",
                    parallel);
        }
    }
}

/* The one place a run that stopped after its directory was made is marked
 * failed, with why, so `xenlab runs` does not list it as pending. */
static void mark_run_failed(struct xl_run *r, const char *reason)
{
    if (xl_run_log_failed(r, reason))
        fprintf(stderr, "xenlab: %s\n", xl_error_message());
}

/* How the run ended, replayed from its journal: the runner's own record. */
static int count_failed(const char *runs_dir, const char *id, size_t *failed_r, size_t *jobs_r)
{
    struct xl_run after;
    size_t j;
    int rc;

    xl_run_init(&after);
    rc = xl_run_open(runs_dir, id, &after);
    if (!rc) {
        *jobs_r = after.nr_jobs;
        for (j = 0; j < after.nr_jobs; j++)
            *failed_r += strcmp(after.jobs[j].state, "failed") == 0;
    }
    xl_run_dispose(&after);
    return rc;
}

/* A new run over the spec's hosts: every host asked and the arms placed
 * before the run directory exists (multihost.h). */
static int start_multihost(const char *runs_dir, const char *run_id, struct xl_run *run,
                           const struct xl_multihost_opts *mo, bool *created)
{
    json_object *probes = NULL, *ev;
    int rc;

    rc = xl_multihost_prepare(&run->spec, mo, &probes);
    if (rc)
        return rc;
    if (run_id)
        run->id = xl_strdup(run_id);
    rc = xl_run_create(runs_dir, run);
    *created = run->dir && access(run->dir, F_OK) == 0;
    if (!rc) {
        xl_autofree char *spec_path = xl_asprintf("%s/spec.json", run->dir);

        ev = xl_journal_ev_run("started", (int)getpid());
        xl_json_add(ev, "multihost", xl_json_str(mo->every_host ? "every-host" : "placed"));
        xl_json_add(ev, "probes", json_object_get(probes));
        xl_json_add(ev, "host", xl_host_info_collect(NULL, spec_path));
        rc = xl_run_log(run, ev);
    }
    json_object_put(probes);
    return rc;
}

int xl_cmd_run(int argc, char **argv)
{
    enum { O_BACKEND = 256, O_URI, O_PARALLEL, O_KEEP, O_RUNDIR, O_RESUME, O_BASE, O_TEMPLATE, O_CLONEDIR,
           O_PAYLOAD, O_VIRT, O_JSON, O_PLAIN, O_HELP, O_UNSAFE_URI, O_RUN_ID, O_HOSTS, O_EVERY_HOST,
           O_HOST_TIMEOUT };
    static const struct option opts[] = {
        { "backend", required_argument, NULL, O_BACKEND },
        { "uri", required_argument, NULL, O_URI },
        { "parallel", required_argument, NULL, O_PARALLEL },
        { "keep", no_argument, NULL, O_KEEP },
        { "run-dir", required_argument, NULL, O_RUNDIR },
        { "resume", required_argument, NULL, O_RESUME },
        { "base", required_argument, NULL, O_BASE },
        { "template", required_argument, NULL, O_TEMPLATE },
        { "clone-dir", required_argument, NULL, O_CLONEDIR },
        { "payload-dir", required_argument, NULL, O_PAYLOAD },
        { "virt-type", required_argument, NULL, O_VIRT },
        { "json", no_argument, NULL, O_JSON },
        { "plain", no_argument, NULL, O_PLAIN },
        { "help", no_argument, NULL, O_HELP },
        { "allow-unsafe-uri", no_argument, NULL, O_UNSAFE_URI },
        { "run-id", required_argument, NULL, O_RUN_ID },
        { "hosts", required_argument, NULL, O_HOSTS },
        { "every-host", no_argument, NULL, O_EVERY_HOST },
        { "host-timeout", required_argument, NULL, O_HOST_TIMEOUT },
        { NULL, 0, NULL, 0 },
    };
    struct xl_runner_opts o;
    struct xl_multihost_opts mo;
    struct xl_run run;
    const char *runs_dir = xl_runs_dir(), *resume = NULL, *run_id = NULL, *hosts_file = NULL;
    xl_autofree char *self = xl_self_exe();
    xl_autofree char *payload = NULL, *clone_dir = NULL, *spec_base_name = NULL;
    bool given[6] = { false }, created = false, multihost = false;
    unsigned uri_flags = 0;
    size_t failed = 0, jobs = 0;
    int opt, rc = XL_OK;

    xl_runner_opts_init(&o);
    xl_multihost_opts_init(&mo);
    mo.self = self;
    xl_run_init(&run);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end = NULL;

        switch (opt) {
        case O_BACKEND:
            given[0] = true;
            if (!xl_backend_find(optarg))
                rc = xl_error(XL_ERR_INVAL, "--backend: \"%s\" (use %s)", optarg, xl_backend_list());
            o.backend = optarg;
            break;
        case O_URI: o.uri = optarg; given[1] = true; break;
        case O_PARALLEL:
            o.parallel = (unsigned)strtoul(optarg, &end, 10);
            if (!*optarg || *end || o.parallel < 1 || o.parallel > 64)
                rc = xl_error(XL_ERR_INVAL, "--parallel: \"%s\" must be 1 to 64", optarg);
            break;
        case O_UNSAFE_URI: uri_flags |= XL_URI_ALLOW_UNSAFE; break;
        case O_KEEP: o.keep = true; break;
        case O_RUNDIR: runs_dir = optarg; break;
        case O_RESUME: resume = optarg; break;
        case O_BASE: o.base = optarg; given[3] = true; break;
        case O_TEMPLATE: o.template = optarg; given[4] = true; break;
        case O_CLONEDIR: o.clone_dir = optarg; given[5] = true; break;
        case O_PAYLOAD: o.payload_dir = optarg; break;
        case O_VIRT: o.virt_type = optarg; given[2] = true; break;
        case O_JSON: o.progress = XL_PROGRESS_JSON; break;
        case O_PLAIN: o.progress = XL_PROGRESS_PLAIN; break;
        case O_RUN_ID: run_id = optarg; break;
        case O_HOSTS: hosts_file = optarg; break;
        case O_EVERY_HOST: mo.every_host = true; break;
        case O_HOST_TIMEOUT:
            mo.host_timeout_s = strtod(optarg, &end);
            if (!*optarg || *end || !(mo.host_timeout_s >= 5 && mo.host_timeout_s <= 86400))
                rc = xl_error(XL_ERR_INVAL, "--host-timeout: \"%s\" must be 5 to 86400 seconds", optarg);
            break;
        case O_HELP:
            fputs(run_usage, stdout);
            printf("  backends in this build: %s\n", xl_backend_list());
            return 0;
        default:
            fputs(run_usage, stderr);
            return 2;
        }
        if (rc)
            goto out;
    }
    /* Before anything is made; a resumed run's URI is checked below too. */
    xl_uri_policy_set(uri_flags);
    rc = xl_backend_check_uri(o.backend, o.uri);
    if (rc)
        goto out;
    if (!o.payload_dir) {
        payload = default_payload_dir();
        o.payload_dir = payload;
    }
    if (resume) {
        const char **fill[] = { &o.backend, &o.uri, &o.virt_type, &o.base, &o.template, &o.clone_dir };
        const char *keys[] = { "backend", "uri", "virt_type", "base", "template", "clone_dir" };
        size_t k;

        if (optind != argc) {
            rc = xl_error(XL_ERR_INVAL, "run --resume ID takes no spec");
            goto out;
        }
        rc = xl_run_open(runs_dir, resume, &run);
        multihost = !rc && run.spec.hosts.n > 0;
        if (multihost) {
            created = true;
            rc = xl_run_log(&run, xl_journal_ev_run("resumed", (int)getpid()));
            goto go;
        }
        /* Options not given again come from how the run was started. */
        for (k = 0; !rc && k < XL_ARRAY_SIZE(keys); k++)
            if (!given[k] && xl_run_started_opt(&run, keys[k]))
                *fill[k] = xl_run_started_opt(&run, keys[k]);
        /* The journal's URI is data, not the operator's say-so. */
        if (!rc && xl_backend_check_uri(o.backend, o.uri))
            rc = xl_error_prefix(XL_ERR_INVAL, "run %s (its journal)", resume);
        if (!rc)
            rc = resume_clone_dir(&run, given[5], &o);
        /* A refused invocation journals nothing; a host that cannot run it
         * marks the run failed, with why, until a later --resume. */
        created = !rc;
        if (!rc && preflight(&o, run.spec.base_name, &run.spec))
            rc = xl_error_prefix(XL_ERR_FAIL, "run %s", resume);
        if (!rc)
            rc = xl_run_log(&run, xl_journal_ev_run("resumed", (int)getpid()));
    } else {
        if (optind + 1 != argc) {
            rc = xl_error(XL_ERR_INVAL, "run: give one SPEC.json (or --resume ID)");
            goto out;
        }
        /* Everything `spec check` checks, and the host, before the run
         * directory exists. */
        rc = xl_spec_load(strcmp(argv[optind], "-") == 0 ? "/dev/stdin" : argv[optind], &run.spec);
        if (!rc && hosts_file && run.spec.hosts.n)
            rc = xl_error(XL_ERR_INVAL, "--hosts %s: the spec lists its own \"hosts\"; give one list", hosts_file);
        else if (!rc && hosts_file)
            rc = xl_hosts_load(hosts_file, &run.spec.hosts);
        if (!rc && run.spec.hosts.n) {
            for (size_t k = 0; k < XL_ARRAY_SIZE(given) && !rc; k++)
                if (given[k])
                    rc = xl_error(XL_ERR_INVAL, "with hosts, toolstack options go in each host's entry (\"backend\", "
                                  "\"toolstack_uri\", \"base\", \"clone_dir\"), not on the command line");
            if (!rc)
                rc = start_multihost(runs_dir, run_id, &run, &mo, &created);
            multihost = true;
            goto go;
        }
        if (!rc && run_id)
            run.id = xl_strdup(run_id);
        if (!rc && !o.base && !xl_backend_has(o.backend, XL_BACKEND_CLONES_BASE))
            rc = spec_base(argv[optind], &run.spec, &spec_base_name, &o);
        if (!rc)
            rc = preflight(&o, run.spec.base_name, &run.spec);
        if (!rc)
            rc = check_inputs(&run.spec);
        if (rc)
            goto out;
        warn_shared_cpus(&run.spec, o.parallel);
        rc = xl_run_create(runs_dir, &run);
        created = run.dir && access(run.dir, F_OK) == 0;
        if (!rc) {
            xl_autofree char *dflt = o.clone_dir ? NULL : xl_clone_default_dir();

            clone_dir = abs_dir(o.clone_dir ? o.clone_dir : dflt);
            o.clone_dir = clone_dir;
        }
        if (!rc) {
            json_object *ev = xl_journal_ev_run("started", (int)getpid());

            add_opt(ev, "backend", o.backend);
            add_opt(ev, "uri", o.uri);
            add_opt(ev, "virt_type", o.virt_type);
            add_opt(ev, "base", o.base);
            add_opt(ev, "template", o.template);
            add_opt(ev, "clone_dir", o.clone_dir);
            {
                xl_autofree char *spec_path = xl_asprintf("%s/spec.json", run.dir);

                xl_json_add(ev, "host", xl_host_info_collect(o.backend ? o.backend : xl_backend_default(), spec_path));
            }
            rc = xl_run_log(&run, ev);
        }
    }
go:
    if (rc)
        goto out;
    if (o.progress != XL_PROGRESS_JSON)
        fprintf(stderr, "xenlab: run %s in %s\n", run.id, run.dir);
    /* A stream reader that went away (ssh lost) must not stop the run: it
     * goes on and a multi-host --resume re-attaches to it. */
    if (o.progress == XL_PROGRESS_JSON)
        signal(SIGPIPE, SIG_IGN);
    mo.progress = o.progress;
    rc = multihost ? xl_multihost_run(&run, &mo) : xl_runner_run(&run, &o);
    if (!rc)
        rc = count_failed(runs_dir, run.id, &failed, &jobs);
    if (!rc) {
        if (o.progress == XL_PROGRESS_JSON) {
            json_object *ev = json_object_new_object();

            xl_json_add(ev, "event", xl_json_str("finished"));
            xl_json_add(ev, "run", xl_json_str(run.id));
            xl_json_add(ev, "dir", xl_json_str(run.dir));
            xl_json_add(ev, "guests", json_object_new_int64((int64_t)jobs));
            xl_json_add(ev, "failed", json_object_new_int64((int64_t)failed));
            printf("%s\n", xl_json_compact(ev));
            json_object_put(ev);
        } else {
            printf("run %s finished: xenlab report %s (results in %s/results.json)\n", run.id, run.id, run.dir);
        }
        /* A script must not take a run with a lost arm for a good one. */
        if (failed)
            rc = xl_error(XL_ERR_FAIL, "run %s: %zu of %zu guests failed (the reasons are in xenlab report %s)",
                          run.id, failed, jobs, run.id);
    }
out:
    if (rc) {
        /* The user's line first: whoever sees the run failed in the journal
         * (XAPI's status) may read runner.log at once. */
        xl_autofree char *why = xl_strdup(xl_error_message());
        int status = xl_cli_fail(rc);

        if (created && !failed)
            mark_run_failed(&run, why);
        xl_run_dispose(&run);
        return status;
    }
    xl_run_dispose(&run);
    return 0;
}

static const char runs_usage[] =
    "usage: xenlab runs [--json] [RUNS-DIR]\n"
    "  one line per run: its state (the last \"run\" event: started, resumed, finished,\n"
    "  failed with its reason, or pending), guests done and failed, results had/slots.\n"
    "  --json: the same as one JSON array of {\"id\",\"name\",\"state\",\"reason\",\"guests\",\n"
    "  \"done\",\"failed\",\"results\",\"slots\",\"torn\",\"nul_runs\"} (torn and nul_runs: journal\n"
    "  lines its reader skipped); an unreadable run has \"error\" instead.\n";

/* One run's line of `xenlab runs`, or its object for --json. */
static json_object *run_summary(const char *runs_dir, const char *id)
{
    json_object *o = json_object_new_object();
    struct xl_run run;
    size_t j, done = 0, failed = 0, have = 0, slots = 0;

    xl_json_add(o, "id", xl_json_str(id));
    xl_run_init(&run);
    if (xl_run_open(runs_dir, id, &run) == XL_OK) {
        for (j = 0; j < run.nr_jobs; j++) {
            done += strcmp(run.jobs[j].state, "done") == 0;
            failed += strcmp(run.jobs[j].state, "failed") == 0;
            have += run.jobs[j].nr_have;
            slots += run.jobs[j].nr_slots;
        }
        xl_json_add(o, "name", xl_json_str(run.spec.name ? run.spec.name : ""));
        xl_json_add(o, "state", xl_json_str(run.run_state[0] ? run.run_state : "pending"));
        if (run.run_reason)
            xl_json_add(o, "reason", xl_json_str(run.run_reason));
        xl_json_add(o, "guests", json_object_new_int64((int64_t)run.nr_jobs));
        xl_json_add(o, "done", json_object_new_int64((int64_t)done));
        xl_json_add(o, "failed", json_object_new_int64((int64_t)failed));
        /* A multi-host run's results are its hosts': results.json counts them. */
        if (run.spec.hosts.n) {
            xl_autofree char *path = xl_asprintf("%s/results.json", run.dir);
            json_object *doc = NULL, *list = NULL;

            if (xl_json_parse_file(path, 64 * 1024 * 1024, &doc) == XL_OK &&
                json_object_object_get_ex(doc, "results", &list) && json_object_is_type(list, json_type_array))
                have = json_object_array_length(list);
            json_object_put(doc);
            xl_error_clear();
        }
        xl_json_add(o, "results", json_object_new_int64((int64_t)have));
        xl_json_add(o, "slots", json_object_new_int64((int64_t)slots));
        xl_json_add(o, "torn", json_object_new_int64((int64_t)run.stats.torn));
        xl_json_add(o, "nul_runs", json_object_new_int64((int64_t)run.stats.nul_runs));
    } else {
        xl_json_add(o, "error", xl_json_str(xl_error_message()));
        xl_error_clear();
    }
    xl_run_dispose(&run);
    return o;
}

static int64_t summary_int(json_object *o, const char *key)
{
    return xl_journal_int(o, key, 0);
}

int xl_cmd_runs(int argc, char **argv)
{
    const char *runs_dir = xl_runs_dir();
    json_object *list = json_object_new_array();
    bool json = false;
    char **ids = NULL;
    size_t n = 0, i;
    int a, rc;

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--json") == 0) {
            json = true;
        } else if (argv[a][0] != '-' && a == argc - 1) {
            runs_dir = argv[a];
        } else {
            bool help = is_help(argv[a]);

            json_object_put(list);
            fputs(runs_usage, help ? stdout : stderr);
            return help ? 0 : 2;
        }
    }
    rc = xl_run_list(runs_dir, &ids, &n);
    if (rc) {
        json_object_put(list);
        return xl_cli_fail(rc);
    }
    for (i = 0; i < n; i++) {
        json_object *o = run_summary(runs_dir, ids[i]);
        const char *state = xl_journal_str(o, "state"), *reason = xl_journal_str(o, "reason");

        if (json) {
            json_object_array_add(list, o);
        } else {
            if (xl_journal_str(o, "error"))
                printf("%-24s (unreadable: %s)\n", ids[i], xl_journal_str(o, "error"));
            else
                printf("%-24s %-28s %s%s%s, guests %lld done %lld failed of %lld, results %lld/%lld\n", ids[i],
                       xl_journal_str(o, "name"), state, reason ? ": " : "", reason ? reason : "",
                       (long long)summary_int(o, "done"), (long long)summary_int(o, "failed"),
                       (long long)summary_int(o, "guests"), (long long)summary_int(o, "results"),
                       (long long)summary_int(o, "slots"));
            json_object_put(o);
        }
        free(ids[i]);
    }
    free(ids);
    if (json)
        printf("%s\n", json_object_to_json_string_ext(list, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(list);
    return 0;
}

static const char journal_usage[] =
    "usage: xenlab journal ID [RUNS-DIR]\n"
    "  the run's journal as one JSON object: {\"run\":ID,\"events\":[...],\"torn\":N,\"nul_runs\":M},\n"
    "  events in journal order (the fields of each are in plugin/run/journal.h); torn and\n"
    "  nul_runs count the damaged lines and NUL runs the reader skipped.\n";

static void collect_event(void *opaque, json_object *ev)
{
    json_object_array_add(opaque, json_object_get(ev));
}

int xl_cmd_journal(int argc, char **argv)
{
    struct xl_journal_stats st;
    struct xl_run run;
    json_object *out, *events;
    int rc;

    if (argc < 2 || argc > 3 || argv[1][0] == '-' || (argc == 3 && argv[2][0] == '-')) {
        bool help = argc == 2 && is_help(argv[1]);

        fputs(journal_usage, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    xl_run_init(&run);
    rc = xl_run_open(argc == 3 ? argv[2] : xl_runs_dir(), argv[1], &run);
    if (rc) {
        xl_run_dispose(&run);
        return xl_cli_fail(rc);
    }
    events = json_object_new_array();
    rc = xl_journal_read(run.journal_path, collect_event, events, &st);
    out = json_object_new_object();
    xl_json_add(out, "run", xl_json_str(run.id));
    xl_json_add(out, "events", events);
    xl_json_add(out, "torn", json_object_new_int64((int64_t)st.torn));
    xl_json_add(out, "nul_runs", json_object_new_int64((int64_t)st.nul_runs));
    if (!rc)
        printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(out);
    xl_run_dispose(&run);
    return rc ? xl_cli_fail(rc) : 0;
}

int xl_cmd_clean(int argc, char **argv)
{
    static const char usage[] = "usage: xenlab clean ID [--backend NAME] [--allow-unsafe-uri]\n";
    struct xl_runner_opts o;
    struct xl_run run;
    const char *backend = NULL;
    unsigned uri_flags = 0;
    int i, rc;

    xl_runner_opts_init(&o);
    xl_run_init(&run);
    if (argc == 2 && is_help(argv[1])) {
        fputs(usage, stdout);
        return 0;
    }
    for (i = 2; argc >= 2 && argv[1][0] != '-' && i < argc; i++) {
        if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc && !backend)
            backend = argv[++i];
        else if (strcmp(argv[i], "--allow-unsafe-uri") == 0)
            uri_flags |= XL_URI_ALLOW_UNSAFE;
        else
            break;
    }
    if (argc < 2 || argv[1][0] == '-' || i < argc) {
        fputs(usage, stderr);
        return 2;
    }
    /* The journal's URI is checked again where it is opened; only the
     * operator, here, can allow one that runs commands. */
    xl_uri_policy_set(uri_flags);
    if (backend)
        o.backend = backend;
    rc = xl_run_open(xl_runs_dir(), argv[1], &run);
    if (!rc) {
        if (!backend && xl_run_started_opt(&run, "backend"))
            o.backend = xl_run_started_opt(&run, "backend");
        o.uri = xl_run_started_opt(&run, "uri");
        if (run.spec.hosts.n) {
            struct xl_multihost_opts mo;
            xl_autofree char *self = xl_self_exe();

            xl_multihost_opts_init(&mo);
            mo.self = self;
            rc = xl_multihost_clean(&run, &mo);
        } else {
            rc = xl_runner_clean(&run, &o);
        }
    }
    if (!rc)
        printf("run %s: nothing it made is left\n", run.id);
    xl_run_dispose(&run);
    return rc ? xl_cli_fail(rc) : 0;
}
