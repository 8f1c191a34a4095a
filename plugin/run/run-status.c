#include "run-status.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "config.h"
#include "host-info.h"
#include "journal.h"
#include "json-util.h"
#include "xl-util.h"

#define MAX_RESULTS_JSON (64 * 1024 * 1024)

static void journal_cb(void *opaque, json_object *ev)
{
    struct xl_run_runner *j = opaque;
    const char *state = xl_journal_str(ev, "state");
    int64_t pid = xl_journal_int(ev, "pid", 0);

    if (!xl_journal_is(ev, "run") || !state)
        return;
    if (strcmp(state, "finished") == 0 || strcmp(state, "failed") == 0) {
        j->finished = true;
    } else if (strcmp(state, "started") == 0 || strcmp(state, "resumed") == 0 ||
               strcmp(state, "launched") == 0) {
        j->finished = false;
        j->pid = pid > 1 && pid < (1 << 22) ? (int)pid : 0;
    }
}

int xl_run_read_runner(const char *run_dir, struct xl_run_runner *j)
{
    xl_autofree char *path = xl_asprintf("%s/" XL_JOURNAL_NAME, run_dir);

    memset(j, 0, sizeof(*j));
    return xl_journal_read(path, journal_cb, j, NULL);
}

/* True if the process holds this run's journal open: the runner keeps its
 * journal open for its whole life, and a reused pid cannot have it. */
static bool holds_journal(int pid, const char *run_dir)
{
    xl_autofree char *journal = xl_asprintf("%s/journal.jsonl", run_dir);
    char fds[64];
    struct stat want, st;
    struct dirent *e;
    DIR *d;
    bool found = false;

    if (stat(journal, &want) < 0)
        return false;
    snprintf(fds, sizeof(fds), "/proc/%d/fd", pid);
    d = opendir(fds);
    if (!d)
        return false;
    while (!found && (e = readdir(d))) {
        xl_autofree char *fd = NULL;

        if (e->d_name[0] == '.')
            continue;
        fd = xl_asprintf("%s/%s", fds, e->d_name);
        found = stat(fd, &st) == 0 && st.st_dev == want.st_dev && st.st_ino == want.st_ino;
    }
    closedir(d);
    return found;
}

bool xl_run_is_runner(int pid, const char *id, const char *run_dir)
{
    char path[64], cmd[4096];
    const char *argv0, *base, *arg;
    xl_autofd int fd = -1;
    ssize_t n;

    if (pid <= 1)
        return false;
    snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    n = read(fd, cmd, sizeof(cmd) - 1);
    if (n <= 0)
        return false;                      /* gone, or a zombie */
    cmd[n] = '\0';
    argv0 = cmd;
    base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    /* A pid from the journal may have been reused by now, even by another
     * run's runner: signal only "xenlab run" that is this run's, by its
     * "--resume ID" (as the plugin starts it) or by its open journal. */
    arg = argv0 + strlen(argv0) + 1;
    if (strcmp(base, "xenlab") != 0 || arg >= cmd + n || strcmp(arg, "run") != 0)
        return false;
    arg += strlen(arg) + 1;
    if (arg < cmd + n && strcmp(arg, "--resume") == 0) {
        arg += strlen(arg) + 1;
        return arg < cmd + n && strcmp(arg, id) == 0;
    }
    return holds_journal(pid, run_dir);
}

/* Trials in results.json when the run wrote it, else -1. */
static int64_t results_written(const char *dir)
{
    xl_autofree char *path = xl_asprintf("%s/results.json", dir);
    json_object *o = NULL, *a = NULL;
    int64_t n = -1;

    if (xl_json_parse_file(path, MAX_RESULTS_JSON, &o) == XL_OK && json_object_is_type(o, json_type_object) &&
        json_object_object_get_ex(o, "results", &a) && json_object_is_type(a, json_type_array))
        n = (int64_t)json_object_array_length(a);
    json_object_put(o);
    xl_error_clear();
    return n;
}

/* One run: per-job states and counts. jobs=false for the list's summary. */
json_object *xl_run_status_json(const struct xl_run *run, bool jobs)
{
    json_object *o = json_object_new_object(), *arr = json_object_new_array();
    struct xl_run_runner jr;
    size_t i, have = 0, slots = 0, done = 0, failed = 0;
    int64_t written = results_written(run->dir);

    if (xl_run_read_runner(run->dir, &jr))
        memset(&jr, 0, sizeof(jr));
    for (i = 0; i < run->nr_jobs; i++) {
        const struct xl_run_job *j = &run->jobs[i];
        json_object *jo;

        have += j->nr_have;
        slots += j->nr_slots;
        done += strcmp(j->state, "done") == 0;
        failed += strcmp(j->state, "failed") == 0;
        if (!jobs)
            continue;
        jo = json_object_new_object();
        xl_json_add(jo, "job", xl_json_str(j->name));
        xl_json_add(jo, "arm", xl_json_str(j->arm->name));
        xl_json_add(jo, "replica", json_object_new_int((int)j->replica));
        xl_json_add(jo, "state", xl_json_str(j->state[0] ? j->state : "pending"));
        if (j->domain >= 0)
            xl_json_add(jo, "domain", json_object_new_int(j->domain));
        if (j->reason)
            xl_json_add(jo, "reason", xl_json_str(j->reason));
        xl_json_add(jo, "results", json_object_new_int64((int64_t)j->nr_have));
        xl_json_add(jo, "slots", json_object_new_int64((int64_t)j->nr_slots));
        json_object_array_add(arr, jo);
    }
    xl_json_add(o, "id", xl_json_str(run->id));
    xl_json_add(o, "name", xl_json_str(run->spec.name));
    xl_json_add(o, "dir", xl_json_str(run->dir));
    xl_json_add(o, "finished", json_object_new_boolean(jr.finished));
    xl_json_add(o, "running", json_object_new_boolean(!jr.finished && xl_run_is_runner(jr.pid, run->id, run->dir)));
    if (jr.pid)
        xl_json_add(o, "pid", json_object_new_int(jr.pid));
    xl_json_add(o, "guests", json_object_new_int64((int64_t)run->nr_jobs));
    xl_json_add(o, "done", json_object_new_int64((int64_t)done));
    xl_json_add(o, "failed", json_object_new_int64((int64_t)failed));
    /* results.json pools replicas and drops duplicates: prefer its count. */
    xl_json_add(o, "results", json_object_new_int64(written >= 0 ? written : (int64_t)have));
    xl_json_add(o, "slots", json_object_new_int64((int64_t)slots));
    if (jobs)
        xl_json_add(o, "jobs", arr);
    else
        json_object_put(arr);
    return o;
}

int xl_run_cancel(const char *id, const char *run_dir, int *pid_r)
{
    struct xl_run_runner j;
    int rc = xl_run_read_runner(run_dir, &j);

    *pid_r = 0;
    if (rc)
        return rc;
    if (j.finished)
        return xl_error(XL_ERR_NOTFOUND, "run %s has finished", id);
    if (!j.pid)
        return xl_error(XL_ERR_NOTFOUND, "run %s: no runner has journalled its pid", id);
    if (!xl_run_is_runner(j.pid, id, run_dir))
        return xl_error(XL_ERR_NOTFOUND, "run %s: its runner (pid %d) is gone", id, j.pid);
    /* Set before the signal: a caller tells a failed kill from an unreadable journal by it. */
    *pid_r = j.pid;
    if (kill(j.pid, SIGTERM) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "kill %d", j.pid);
    return XL_OK;
}

int xl_host_probe(const char *backend, const char *uri, json_object **out_r)
{
    struct xl_backend be = { 0 };
    json_object *o;
    uint64_t kib = 0;
    unsigned cpus = 0;
    int rc;

    *out_r = NULL;
    if (!backend)
        backend = xl_backend_default();
    rc = xl_backend_open(&be, backend, uri);
    if (rc)
        return rc;
    o = json_object_new_object();
    xl_json_add(o, "xenlab", xl_json_str(XENLAB_VERSION));
    xl_json_add(o, "host", xl_host_info_collect(backend, NULL));
    if (be.ops->free_memory && be.ops->free_memory(&be, &kib) == XL_OK)
        xl_json_add(o, "free_memory", json_object_new_int64((int64_t)(kib * 1024)));
    else
        xl_error_clear();
    if (xl_backend_host_cpus(&be, &cpus) == XL_OK && cpus)
        xl_json_add(o, "pcpus", json_object_new_int((int)cpus));
    else
        xl_error_clear();
    xl_backend_close(&be);
    *out_r = o;
    return XL_OK;
}
