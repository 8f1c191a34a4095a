#include "remote.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json-util.h"
#include "text.h"
#include "xl-spawn.h"
#include "xl-util.h"

extern char **environ;

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);

    return v && *v ? v : dflt;
}

char *xl_sh_quote(const char *s)
{
    size_t n = 2, i, k = 0;
    char *out;

    for (i = 0; s[i]; i++)
        n += s[i] == '\'' ? 4 : 1;
    out = xl_malloc(n + 1);
    out[k++] = '\'';
    for (i = 0; s[i]; i++) {
        if (s[i] == '\'') {
            memcpy(out + k, "'\\''", 4);
            k += 4;
        } else {
            out[k++] = s[i];
        }
    }
    out[k++] = '\'';
    out[k] = '\0';
    return out;
}

/* The xenlab words of op (argv for local, quoted words for ssh). */
static void xenlab_words(const struct xl_host_entry *e, enum xl_remote_op op, const char *rid, struct xl_argv *w)
{
    switch (op) {
    case XL_REMOTE_PROBE:
        xl_argv_add(w, "host");
        xl_argv_add(w, "--json");
        if (e->backend)
            xl_argv_add(w, "--backend=%s", e->backend);
        if (e->toolstack_uri)
            xl_argv_add(w, "--uri=%s", e->toolstack_uri);
        break;
    case XL_REMOTE_RUN:
        xl_argv_add(w, "run");
        xl_argv_add(w, "-");
        xl_argv_add(w, "--json");
        xl_argv_add(w, "--run-id=%s", rid);
        if (e->backend)
            xl_argv_add(w, "--backend=%s", e->backend);
        if (e->toolstack_uri)
            xl_argv_add(w, "--uri=%s", e->toolstack_uri);
        if (e->base)
            xl_argv_add(w, "--base=%s", e->base);
        if (e->clone_dir)
            xl_argv_add(w, "--clone-dir=%s", e->clone_dir);
        if (e->virt_type)
            xl_argv_add(w, "--virt-type=%s", e->virt_type);
        if (e->parallel)
            xl_argv_add(w, "--parallel=%u", e->parallel);
        break;
    case XL_REMOTE_RESUME:
        xl_argv_add(w, "run");
        xl_argv_add(w, "--resume=%s", rid);
        xl_argv_add(w, "--json");
        if (e->parallel)
            xl_argv_add(w, "--parallel=%u", e->parallel);
        break;
    case XL_REMOTE_STATUS:
        xl_argv_add(w, "status");
        xl_argv_add(w, "%s", rid);
        xl_argv_add(w, "--json");
        break;
    case XL_REMOTE_RESULTS:
        xl_argv_add(w, "results");
        xl_argv_add(w, "%s", rid);
        break;
    case XL_REMOTE_CANCEL:
        xl_argv_add(w, "cancel");
        xl_argv_add(w, "%s", rid);
        break;
    case XL_REMOTE_CLEAN:
        /* The toolstack is the one its journal names. */
        xl_argv_add(w, "clean");
        xl_argv_add(w, "%s", rid);
        break;
    }
}

static void xapi_argv(const struct xl_host_entry *e, enum xl_remote_op op, const char *rid, const char *spec,
                      struct xl_argv *a)
{
    static const char *const fn[] = {
        [XL_REMOTE_PROBE] = "host_info", [XL_REMOTE_RUN] = "run", [XL_REMOTE_RESUME] = "run",
        [XL_REMOTE_STATUS] = "status", [XL_REMOTE_RESULTS] = "report", [XL_REMOTE_CANCEL] = "cancel",
        [XL_REMOTE_CLEAN] = "clean",
    };

    xl_argv_add(a, "%s", env_or("XENLAB_XE", "xe"));
    xl_argv_add(a, "host-call-plugin");
    xl_argv_add(a, "host-uuid=%s", e->uuid);
    xl_argv_add(a, "plugin=xenlab");
    xl_argv_add(a, "fn=%s", fn[op]);
    if (op == XL_REMOTE_RUN) {
        xl_argv_add(a, "args:spec=%s", spec ? spec : "");
        xl_argv_add(a, "args:id=%s", rid);
    } else if (op == XL_REMOTE_RESUME) {
        xl_argv_add(a, "args:resume=%s", rid);
    } else if (rid) {
        xl_argv_add(a, "args:id=%s", rid);
    }
    if (op == XL_REMOTE_RESULTS)
        xl_argv_add(a, "args:format=results");
    if ((op == XL_REMOTE_RUN || op == XL_REMOTE_PROBE) && e->backend)
        xl_argv_add(a, "args:backend=%s", e->backend);
    if ((op == XL_REMOTE_RUN || op == XL_REMOTE_PROBE) && e->toolstack_uri)
        xl_argv_add(a, "args:uri=%s", e->toolstack_uri);
    if (op == XL_REMOTE_RUN && e->base)
        xl_argv_add(a, "args:base=%s", e->base);
    if ((op == XL_REMOTE_RUN || op == XL_REMOTE_RESUME) && e->parallel)
        xl_argv_add(a, "args:parallel=%u", e->parallel);
}

void xl_remote_argv(const struct xl_host_entry *e, enum xl_remote_op op, const char *rid, const char *spec,
                    const char *self, struct xl_argv *a)
{
    struct xl_argv w;
    size_t i;

    xl_argv_init(&w);
    switch (e->scheme) {
    case XL_HOST_LOCAL:
        xl_argv_add(a, "%s", self);
        xenlab_words(e, op, rid, &w);
        for (i = 0; i < w.n; i++)
            xl_argv_add(a, "%s", w.v[i]);
        break;
    case XL_HOST_SSH: {
        const char *config = getenv("XENLAB_SSH_CONFIG");
        xl_autofree char *cmd = xl_sh_quote(e->xenlab ? e->xenlab : "xenlab");

        xl_argv_add(a, "%s", env_or("XENLAB_SSH", "ssh"));
        if (config && *config)
            xl_argv_add(a, "-F%s", config);
        xl_argv_add(a, "-oBatchMode=yes");
        xl_argv_add(a, "-oStrictHostKeyChecking=yes");
        xl_argv_add(a, "-oConnectTimeout=10");
        xl_argv_add(a, "-oServerAliveInterval=5");
        xl_argv_add(a, "-oServerAliveCountMax=3");
        if (e->port)
            xl_argv_add(a, "-p%u", e->port);
        if (e->user)
            xl_argv_add(a, "-l%s", e->user);
        xl_argv_add(a, "--");
        xl_argv_add(a, "%s", e->addr);
        xenlab_words(e, op, rid, &w);
        for (i = 0; i < w.n; i++) {
            xl_autofree char *q = xl_sh_quote(w.v[i]);
            char *more = xl_asprintf("%s %s", cmd, q);

            free(cmd);
            cmd = more;
        }
        xl_argv_add(a, "%s", cmd);
        break;
    }
    case XL_HOST_XAPI:
        xapi_argv(e, op, rid, spec, a);
        break;
    }
    xl_argv_dispose(&w);
}

void xl_remote_proc_init(struct xl_remote_proc *p)
{
    memset(p, 0, sizeof(*p));
    p->pid = -1;
    p->out_fd = -1;
}

void xl_remote_proc_dispose(struct xl_remote_proc *p)
{
    if (p->pid > 0 && !p->reaped) {
        kill(-p->pid, SIGKILL);
        kill(p->pid, SIGKILL);
        while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (p->out_fd >= 0)
        close(p->out_fd);
    free(p->buf);
    xl_remote_proc_init(p);
}

static int start_fd(char *const argv[], const char *stdin_text, int err_fd, struct xl_remote_proc *p)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int out[2] = { -1, -1 }, in[2] = { -1, -1 }, r;
    int rc = XL_OK;

    xl_remote_proc_init(p);
    if (pipe2(out, O_CLOEXEC) < 0 || (stdin_text && pipe2(in, O_CLOEXEC) < 0)) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "pipe");
        goto out;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    if (stdin_text)
        posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
    else
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    if (err_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
    else
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    xl_spawn_attr_child_signals(&attr, 1);
    r = posix_spawnp(&p->pid, argv[0], &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (r) {
        p->pid = -1;
        rc = xl_error_errno(r == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, r, "%s: cannot start", argv[0]);
        goto out;
    }
    close(out[1]);
    out[1] = -1;
    p->out_fd = out[0];
    out[0] = -1;
    if (stdin_text) {
        /* The remote reads its whole spec before it writes anything. */
        close(in[0]);
        in[0] = -1;
        if (xl_write_all(in[1], stdin_text, strlen(stdin_text), "the remote's stdin"))
            xl_error_clear();      /* it died: its exit status says why */
    }
    fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
out:
    for (r = 0; r < 2; r++) {
        if (out[r] >= 0)
            close(out[r]);
        if (in[r] >= 0)
            close(in[r]);
    }
    return rc;
}

int xl_remote_start(char *const argv[], const char *stdin_text, const char *err_path, struct xl_remote_proc *p)
{
    int err_fd = -1, rc;

    if (err_path) {
        err_fd = open(err_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (err_fd < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s", err_path);
    }
    rc = start_fd(argv, stdin_text, err_fd, p);
    if (err_fd >= 0)
        close(err_fd);
    return rc;
}

int xl_remote_read(struct xl_remote_proc *p, size_t max_line)
{
    char chunk[8192];

    while (!p->eof) {
        ssize_t n = read(p->out_fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n <= 0) {
            p->eof = true;
            break;
        }
        if (p->len + (size_t)n > max_line + sizeof(chunk) && !memchr(p->buf, '\n', p->len))
            return xl_error(XL_ERR_GUEST, "a line of more than %zu bytes", max_line);
        p->buf = xl_realloc(p->buf, p->len + (size_t)n + 1);
        memcpy(p->buf + p->len, chunk, (size_t)n);
        p->len += (size_t)n;
        p->buf[p->len] = '\0';
    }
    return XL_OK;
}

char *xl_remote_take_line(struct xl_remote_proc *p)
{
    char *nl = p->buf ? memchr(p->buf, '\n', p->len) : NULL, *line;
    size_t n;

    if (!nl && p->eof && p->len) {
        nl = p->buf + p->len;   /* the last line, unterminated */
    } else if (!nl) {
        return NULL;
    }
    n = (size_t)(nl - p->buf);
    line = xl_strndup(p->buf, n);
    n = n < p->len ? n + 1 : n;
    memmove(p->buf, p->buf + n, p->len - n);
    p->len -= n;
    p->buf[p->len] = '\0';
    return line;
}

bool xl_remote_reap(struct xl_remote_proc *p, bool wait)
{
    pid_t r;

    if (p->reaped || p->pid <= 0)
        return true;
    do
        r = waitpid(p->pid, &p->status, wait ? 0 : WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == p->pid || (r < 0 && errno == ECHILD))
        p->reaped = true;
    return p->reaped;
}

void xl_last_line(const char *path, char *buf, size_t len)
{
    xl_autofree char *text = NULL;
    size_t n = 0;

    buf[0] = '\0';
    if (xl_read_file(path, 1024 * 1024, &text, &n)) {
        xl_error_clear();
        return;
    }
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        text[--n] = '\0';
    {
        char *nl = strrchr(text, '\n');
        xl_autofree char *shown = xl_text_sanitise_dup(nl ? nl + 1 : text);

        snprintf(buf, len, "%s", shown);
    }
}

/* The last stderr line a call left in its memfd. */
static void fd_last_line(int fd, char *buf, size_t len)
{
    char path[64];

    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    xl_last_line(path, buf, len);
}

int xl_remote_call(const struct xl_host_entry *e, enum xl_remote_op op, const char *rid, const char *spec,
                   const char *self, double timeout_s, size_t max_out, struct json_object **out_r, int *exit_r)
{
    struct xl_remote_proc p;
    struct xl_argv a;
    xl_autofd int err = memfd_create("xenlab-remote-stderr", MFD_CLOEXEC);
    double deadline = xl_now() + timeout_s;
    char why[256];
    int rc, code = -1;

    *out_r = NULL;
    *exit_r = -1;
    xl_argv_init(&a);
    xl_remote_argv(e, op, rid, spec, self, &a);
    rc = start_fd(a.v, (op == XL_REMOTE_RUN && e->scheme != XL_HOST_XAPI) ? spec : NULL, err, &p);
    xl_argv_dispose(&a);
    if (rc)
        return xl_error_prefix(rc, "%s", e->uri);
    while (!rc && !p.eof) {
        struct pollfd pfd = { .fd = p.out_fd, .events = POLLIN };
        double left = deadline - xl_now();

        if (left <= 0) {
            xl_remote_proc_dispose(&p);
            return xl_error(XL_ERR_TIMEOUT, "%s: no answer within %.0f s", e->uri, timeout_s);
        }
        if (poll(&pfd, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
            rc = xl_error_errno(XL_ERR_FAIL, errno, "poll");
        if (!rc)
            rc = xl_remote_read(&p, max_out);
    }
    if (rc) {
        xl_remote_proc_dispose(&p);
        return xl_error_prefix(rc, "%s", e->uri);
    }
    xl_remote_reap(&p, true);
    code = WIFEXITED(p.status) ? WEXITSTATUS(p.status) : 128 + WTERMSIG(p.status);
    *exit_r = code;
    if (code != 0) {
        fd_last_line(err, why, sizeof(why));
        rc = xl_error(XL_ERR_FAIL, "%s: %s%s%s", e->uri,
                      code == 255 && e->scheme == XL_HOST_SSH ? "unreachable" :
                      code == 127 ? "no xenlab there" : "failed",
                      why[0] ? ": " : "", why[0] ? why : "");
    } else {
        rc = xl_json_parse(p.buf ? p.buf : "", p.len, e->uri, (json_object **)out_r);
    }
    xl_remote_proc_dispose(&p);
    return rc;
}
