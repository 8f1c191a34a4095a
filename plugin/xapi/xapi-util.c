/* Replies, argument checks and the journal facts the plugin's functions share. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "json-util.h"
#include "runstore.h"
#include "text.h"
#include "xapi.h"
#include "xl-util.h"

void xl_xapi_reply_init(struct xl_xapi_reply *rep)
{
    memset(rep, 0, sizeof(*rep));
}

void xl_xapi_reply_dispose(struct xl_xapi_reply *rep)
{
    size_t i;

    free(rep->value);
    for (i = 0; i < rep->nr_desc; i++)
        free(rep->desc[i]);
    xl_xapi_reply_init(rep);
}

int xl_xapi_fail(struct xl_xapi_reply *rep, const char *code, const char *arg, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    xl_xapi_reply_dispose(rep);
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    /* The caller's arguments are quoted here: each string one line of
     * valid UTF-8 without control characters, which XML 1.0 could not carry. */
    rep->desc[rep->nr_desc++] = xl_strdup(code);
    if (arg)
        rep->desc[rep->nr_desc++] = xl_text_sanitise_dup(arg);
    rep->desc[rep->nr_desc++] = xl_text_sanitise_dup(msg);
    free(msg);
    return XL_ERR_INVAL;
}

int xl_xapi_bad_arg(struct xl_xapi_reply *rep, const char *arg)
{
    return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", arg, "%s", xl_error_message());
}

int xl_xapi_need(const struct xl_rpc_call *c, struct xl_xapi_reply *rep, const char *key, const char **val_r)
{
    *val_r = xl_rpc_arg(c, key);
    if (!*val_r)
        return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", key, "missing: give args:%s=...", key);
    if (!**val_r)
        return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", key, "empty");
    return XL_OK;
}

int xl_xapi_need_run_id(const struct xl_rpc_call *c, struct xl_xapi_reply *rep, const char **id_r)
{
    const char *runs = xl_runs_dir();
    struct xl_run run;
    int rc;

    rc = xl_xapi_need(c, rep, "id", id_r);
    if (rc)
        return rc;
    /* Opening checks the id's characters before it is used in a path. */
    xl_run_init(&run);
    rc = xl_run_open(runs, *id_r, &run);
    xl_run_dispose(&run);
    if (rc == XL_ERR_NOTFOUND || rc == XL_ERR_INVAL)
        return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "id", "no run %s in %s", *id_r, runs);
    if (rc)
        return xl_xapi_fail(rep, "XENLAB_RUN_UNREADABLE", *id_r, "%s", xl_error_message());
    return XL_OK;
}

static void journal_cb(void *opaque, json_object *ev)
{
    struct xl_xapi_journal *j = opaque;
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

int xl_xapi_read_journal(const char *run_dir, struct xl_xapi_journal *j)
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

bool xl_xapi_is_runner(int pid, const char *id, const char *run_dir)
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
