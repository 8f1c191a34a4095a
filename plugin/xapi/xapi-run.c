/* fn=run and fn=cancel: start a runner that outlives the plugin, stop one. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "base.h"
#include "host-info.h"
#include "json-util.h"
#include "run-status.h"
#include "runner.h"
#include "runstore.h"
#include "spec.h"
#include "uri-policy.h"
#include "xapi.h"
#include "xl-util.h"

extern char **environ;

/* $XENLAB_CLI (tests, a build tree) or the installed CLI: XAPI runs the
 * plugin from /etc/xapi.d/plugins, so "beside this program" means nothing. */
static const char *xenlab_bin(void)
{
    const char *s = getenv("XENLAB_CLI");

    return s && *s ? s : XL_XENLAB_BIN;
}

/* Inline JSON goes to a private temporary file: the run store freezes a
 * spec from a path. The caller unlinks *path_r. */
static int spec_to_file(const char *runs_dir, const char *spec, char **path_r)
{
    xl_autofree char *tmpl = xl_asprintf("%s/.xapi-spec-XXXXXX", runs_dir);
    xl_autofd int fd = -1;
    int rc;

    rc = xl_mkdir_p(runs_dir);
    if (rc)
        return rc;
    fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", tmpl);
    rc = xl_write_all(fd, spec, strlen(spec), tmpl);
    if (rc) {
        unlink(tmpl);
        return rc;
    }
    *path_r = xl_steal_pointer(&tmpl);
    return XL_OK;
}

/* The optional arguments, checked before anything is created. */
static int check_options(const struct xl_rpc_call *c, struct xl_xapi_reply *rep)
{
    const char *backend = xl_rpc_arg(c, "backend"), *base = xl_rpc_arg(c, "base");
    const char *parallel = xl_rpc_arg(c, "parallel"), *uri = xl_rpc_arg(c, "uri");
    char *end = NULL;
    long p;

    if (backend && !xl_backend_find(backend)) {
        xl_error_clear();
        return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "backend", "\"%s\": use %s", backend, xl_backend_list());
    }
    /* A caller's URI is opened as root by libvirt (qemu+ext runs a command):
     * only the ones the administrator listed. */
    if (uri && !xl_uri_admin_listed(uri))
        return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "uri",
                            "\"%s\" is not listed in %s: the plugin opens only URIs its administrator listed",
                            uri, xl_uri_admin_list_path());
    if (parallel) {
        errno = 0;
        p = strtol(parallel, &end, 10);
        if (!*parallel || *end || errno || p < 1 || p > 64)
            return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "parallel", "\"%s\" must be 1 to 64", parallel);
    }
    /* A toolstack that clones on its own storage takes its own reference. */
    if (base && !xl_backend_has(backend ? backend : xl_backend_default(), XL_BACKEND_CLONES_BASE)) {
        struct xl_base b;
        int rc = xl_base_load(base, &b);

        xl_base_dispose(&b);
        if (rc)
            return xl_xapi_bad_arg(rep, "base");
    }
    return XL_OK;
}

static int log_started(struct xl_run *run, const struct xl_rpc_call *c)
{
    json_object *ev = xl_journal_ev_run("started", 0);
    const char *keys[] = { "backend", "uri", "base" };
    size_t k;

    /* No pid yet: "launched" follows with the runner's, and the runner
     * journals it again ("resumed"). The options are read back by it. */
    xl_json_add(ev, "via", xl_json_str("xapi"));
    for (k = 0; k < XL_ARRAY_SIZE(keys); k++)
        if (xl_rpc_arg(c, keys[k]))
            xl_json_add(ev, keys[k], xl_json_str(xl_rpc_arg(c, keys[k])));
    {
        xl_autofree char *spec_path = xl_asprintf("%s/spec.json", run->dir);
        const char *backend = xl_rpc_arg(c, "backend");

        xl_json_add(ev, "host", xl_host_info_collect(backend ? backend : xl_backend_default(), spec_path));
    }
    return xl_run_log(run, ev);
}

/* xenlab run --resume ID in its own session, stdio on the run's log, so it
 * survives the plugin and XAPI's process-group kill. */
static int spawn_runner(const struct xl_run *run, const char *parallel, const char *uri, const char *log,
                        pid_t *pid_r)
{
    /* 5 fixed, --parallel N, --uri U, --allow-unsafe-uri, the NULL: 11. */
    char *argv[11] = { (char *)xenlab_bin(), (char *)"run", (char *)"--resume", run->id, (char *)"--plain" };
    size_t na = 5;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, deflt;
    xl_autofd int logfd = -1;
    int r;

    if (parallel) {
        argv[na++] = (char *)"--parallel";
        argv[na++] = (char *)parallel;
    }
    /* The listed URI on the command line, not read back from the journal;
     * the administrator's list is what allows one outside the safe set. */
    if (uri) {
        argv[na++] = (char *)"--uri";
        argv[na++] = (char *)uri;
        if (xl_uri_check(uri, 0)) {
            xl_error_clear();
            argv[na++] = (char *)"--allow-unsafe-uri";
        }
    }
    assert(na < XL_ARRAY_SIZE(argv));
    argv[na] = NULL;
    logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logfd < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", log);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, logfd, 1);
    posix_spawn_file_actions_adddup2(&fa, logfd, 2);
    /* Whatever else XAPI left open (its pipes) stays with the plugin. */
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    sigemptyset(&deflt);
    sigaddset(&deflt, SIGTERM);
    sigaddset(&deflt, SIGINT);
    sigaddset(&deflt, SIGHUP);
    sigaddset(&deflt, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &deflt);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    r = posix_spawn(pid_r, argv[0], &fa, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    if (r)
        return xl_error_errno(r == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, r, "start %s", argv[0]);
    return XL_OK;
}

/* Undoes a run directory whose runner never started: nothing else is in it. */
static void remove_run_dir(const struct xl_run *run)
{
    const char *files[] = { "spec.json", XL_JOURNAL_NAME, "runner.log" };
    size_t k;

    for (k = 0; k < XL_ARRAY_SIZE(files); k++) {
        xl_autofree char *p = xl_asprintf("%s/%s", run->dir, files[k]);

        unlink(p);
    }
    rmdir(run->dir);
}

/* A command workload runs the caller's argv in the clones, and its output
 * tails come back in the results: a XAPI caller may send one only where the
 * administrator said so by creating this file (root's, a regular file). */
#define XAPI_COMMANDS_FILE "/etc/xenlab/xapi-commands"

static bool commands_allowed(void)
{
    const char *env = getenv("XENLAB_XAPI_COMMANDS_FILE");
    struct stat st;

    if (lstat(env && *env ? env : XAPI_COMMANDS_FILE, &st) < 0)
        return false;
    return S_ISREG(st.st_mode) && st.st_uid == 0;
}

static bool has_commands(const struct xl_spec *s)
{
    size_t i;

    for (i = 0; i < s->nr_benches; i++)
        if (s->benches[i].kind == XL_BENCH_COMMAND)
            return true;
    return false;
}

/* fn=run args:resume=ID: a run whose runner died (a crash, a reboot) gets
 * a new one; a run still running or finished is left as it is. */
static int resume_run(const struct xl_rpc_call *c, struct xl_xapi_reply *rep)
{
    struct xl_run_runner jr;
    struct xl_run run;
    xl_autofree char *log = NULL;
    json_object *out;
    const char *id = xl_rpc_arg(c, "resume");
    pid_t pid = -1;
    int rc;

    xl_run_init(&run);
    rc = xl_run_open(xl_runs_dir(), id, &run);
    if (rc) {
        rc = xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "resume", "%s", xl_error_message());
        goto out;
    }
    if (xl_run_read_runner(run.dir, &jr) == XL_OK && (jr.finished || xl_run_is_runner(jr.pid, run.id, run.dir))) {
        rc = xl_xapi_fail(rep, "XENLAB_NOT_RESUMABLE", id, "run %s is %s", id, jr.finished ? "finished" : "running");
        goto out;
    }
    xl_error_clear();
    log = xl_asprintf("%s/runner.log", run.dir);
    rc = spawn_runner(&run, xl_rpc_arg(c, "parallel"), NULL, log, &pid);
    if (rc) {
        rc = xl_xapi_fail(rep, "XENLAB_INTERNAL_ERROR", NULL, "%s", xl_error_message());
        goto out;
    }
    if (xl_run_log(&run, xl_journal_ev_run("launched", (int)pid)))
        xl_error_clear();
    out = json_object_new_object();
    xl_json_add(out, "id", xl_json_str(run.id));
    xl_json_add(out, "pid", json_object_new_int((int)pid));
    rep->value = xl_strdup(xl_json_compact(out));
    json_object_put(out);
out:
    xl_run_dispose(&run);
    return rc;
}

int xl_xapi_run(const struct xl_rpc_call *c, struct xl_xapi_reply *rep)
{
    const char *runs_dir = xl_runs_dir(), *spec;
    xl_autofree char *tmp_spec = NULL;
    xl_autofree char *log = NULL;
    struct xl_run run;
    json_object *out = NULL;
    pid_t pid = -1;
    bool made = false;
    int rc;

    xl_run_init(&run);
    if (xl_rpc_arg(c, "resume"))
        return resume_run(c, rep);
    rc = xl_xapi_need(c, rep, "spec", &spec);
    if (rc)
        goto out;
    spec += strspn(spec, " \t\r\n");
    if (*spec == '{') {
        rc = spec_to_file(runs_dir, spec, &tmp_spec);
        if (rc) {
            rc = xl_xapi_fail(rep, "XENLAB_INTERNAL_ERROR", NULL, "%s", xl_error_message());
            goto out;
        }
    } else if (*spec != '/') {
        rc = xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "spec", "give an absolute path or inline JSON");
        goto out;
    }
    /* Validated here so the caller hears "arms[1].vcpus: ..." at once. */
    rc = xl_spec_load(tmp_spec ? tmp_spec : spec, &run.spec);
    if (rc) {
        rc = xl_xapi_bad_arg(rep, "spec");
        goto out;
    }
    if (has_commands(&run.spec) && !commands_allowed()) {
        rc = xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "spec",
                          "command workloads from XAPI are off on this host (an administrator turns them on by "
                          "creating " XAPI_COMMANDS_FILE ")");
        goto out;
    }
    /* Inputs copy dom0 files into the clones, where the caller's command can
     * print them back: a XAPI caller names none (the caller is trusted with
     * guests, not with dom0's files). */
    if (xl_bench_with_inputs(run.spec.benches, run.spec.nr_benches)) {
        rc = xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "spec",
                          "inputs name dom0 files, which a XAPI caller may not copy into guests");
        goto out;
    }
    rc = check_options(c, rep);
    if (rc)
        goto out;
    /* The run directory exists before the runner does, so its id is known
     * without waiting for the runner or reading its output. */
    /* args:id: the caller names the run (a multi-host run journals it
     * before it asks); an id that exists is refused. */
    if (xl_rpc_arg(c, "id"))
        run.id = xl_strdup(xl_rpc_arg(c, "id"));
    rc = xl_run_create(runs_dir, &run);
    if (rc && !run.dir) {
        rc = xl_xapi_bad_arg(rep, "id");
        goto out;
    }
    if (!rc) {
        made = true;
        rc = log_started(&run, c);
    }
    if (!rc) {
        log = xl_asprintf("%s/runner.log", run.dir);
        rc = spawn_runner(&run, xl_rpc_arg(c, "parallel"), xl_rpc_arg(c, "uri"), log, &pid);
    }
    if (!rc) {
        /* The runner's pid at once, so a cancel right after this call finds
         * it before the runner journals its own "resumed" event. */
        if (xl_run_log(&run, xl_journal_ev_run("launched", (int)pid)))
            xl_error_clear();     /* the runner journals its pid itself too */
    }
    if (rc) {
        rc = xl_xapi_fail(rep, "XENLAB_INTERNAL_ERROR", NULL, "%s", xl_error_message());
        goto out;
    }
    out = json_object_new_object();
    xl_json_add(out, "id", xl_json_str(run.id));
    xl_json_add(out, "dir", xl_json_str(run.dir));
    xl_json_add(out, "pid", json_object_new_int((int)pid));
    xl_json_add(out, "log", xl_json_str(log));
    rep->value = xl_strdup(xl_json_compact(out));
out:
    if (rc && made)
        remove_run_dir(&run);
    if (tmp_spec)
        unlink(tmp_spec);
    json_object_put(out);
    xl_run_dispose(&run);
    return rc;
}

int xl_xapi_cancel(const struct xl_rpc_call *c, struct xl_xapi_reply *rep)
{
    xl_autofree char *dir = NULL;
    json_object *out;
    const char *id;
    int rc, pid = 0;

    rc = xl_xapi_need_run_id(c, rep, &id);
    if (rc)
        return rc;
    dir = xl_asprintf("%s/%s", xl_runs_dir(), id);
    /* The CLI's cancel: SIGTERM, the runner stops its guests, journals, and can be resumed. */
    rc = xl_run_cancel(id, dir, &pid);
    if (rc == XL_ERR_NOTFOUND)
        return xl_xapi_fail(rep, "XENLAB_NOT_RUNNING", id, "%s", xl_error_message());
    if (rc && !pid)
        return xl_xapi_fail(rep, "XENLAB_RUN_UNREADABLE", id, "%s", xl_error_message());
    if (rc)
        return xl_xapi_fail(rep, "XENLAB_INTERNAL_ERROR", NULL, "%s", xl_error_message());
    out = json_object_new_object();
    xl_json_add(out, "id", xl_json_str(id));
    xl_json_add(out, "pid", json_object_new_int(pid));
    xl_json_add(out, "signal", xl_json_str("SIGTERM"));
    rep->value = xl_strdup(xl_json_compact(out));
    json_object_put(out);
    return XL_OK;
}

/* fn=clean: what a run made and left is removed, through the toolstack its
 * journal names (a multi-host run's `xenlab clean` on the pool master). */
int xl_xapi_clean(const struct xl_rpc_call *c, struct xl_xapi_reply *rep)
{
    struct xl_runner_opts o;
    struct xl_run_runner jr;
    struct xl_run run;
    json_object *out;
    const char *id;
    int rc;

    rc = xl_xapi_need_run_id(c, rep, &id);
    if (rc)
        return rc;
    xl_runner_opts_init(&o);
    xl_run_init(&run);
    rc = xl_run_open(xl_runs_dir(), id, &run);
    if (!rc && xl_run_read_runner(run.dir, &jr) == XL_OK && !jr.finished && xl_run_is_runner(jr.pid, run.id, run.dir)) {
        rc = xl_xapi_fail(rep, "XENLAB_RUNNING", id, "run %s is running: cancel it first", id);
        goto out;
    }
    if (!rc) {
        if (xl_run_started_opt(&run, "backend"))
            o.backend = xl_run_started_opt(&run, "backend");
        o.uri = xl_run_started_opt(&run, "uri");
        /* The journal's URI is data: only one the administrator listed. */
        if (o.uri && !xl_uri_admin_listed(o.uri)) {
            rc = xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "id", "run %s names a URI not listed in %s", id,
                              xl_uri_admin_list_path());
            goto out;
        }
        rc = xl_runner_clean(&run, &o);
    }
    if (rc) {
        rc = xl_xapi_fail(rep, "XENLAB_INTERNAL_ERROR", id, "%s", xl_error_message());
        goto out;
    }
    out = json_object_new_object();
    xl_json_add(out, "id", xl_json_str(id));
    xl_json_add(out, "cleaned", json_object_new_boolean(1));
    rep->value = xl_strdup(xl_json_compact(out));
    json_object_put(out);
out:
    xl_run_dispose(&run);
    return rc;
}
