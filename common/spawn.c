#include "xl-spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xl-util.h"

extern char **environ;

void xl_spawn_result_init(struct xl_spawn_result *r)
{
    memset(r, 0, sizeof(*r));
}

void xl_spawn_result_dispose(struct xl_spawn_result *r)
{
    free(r->out);
    xl_spawn_result_init(r);
}

int xl_find_program(const char *name, char *buf, size_t len)
{
    const char *path = getenv("PATH");
    const char *p, *end;

    if (strchr(name, '/')) {
        size_t l = strlen(name);

        if (l >= len)
            return xl_error(XL_ERR_INVAL, "%s: path too long", name);
        memcpy(buf, name, l + 1);
        return access(name, X_OK) == 0 ? XL_OK : XL_ERR_NOTFOUND;
    }
    if (!path)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (p = path; *p; p = *end ? end + 1 : end) {
        end = strchrnul(p, ':');
        if (end == p)
            continue;
        snprintf(buf, len, "%.*s/%s", (int)(end - p), p, name);
        if (access(buf, X_OK) == 0)
            return XL_OK;
    }
    return XL_ERR_NOTFOUND;
}

int xl_program_exists(const char *name)
{
    char buf[PATH_MAX];

    return xl_find_program(name, buf, sizeof(buf)) == XL_OK;
}

void xl_spawn_attr_child_signals(posix_spawnattr_t *attr, int new_pgroup)
{
    short sflags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    sigset_t none, def;

    sigemptyset(&none);
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    posix_spawnattr_setsigmask(attr, &none);
    posix_spawnattr_setsigdefault(attr, &def);
    if (new_pgroup) {
        sflags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(attr, 0);
    }
    posix_spawnattr_setflags(attr, sflags);
}

static void fill_status(struct xl_spawn_result *r, int status)
{
    r->status = status;
    if (WIFEXITED(status)) {
        r->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r->term_signal = WTERMSIG(status);
        r->exit_code = 128 + r->term_signal;
    }
}

static int do_spawn(char *const argv[], unsigned flags, double timeout_s, size_t max_out, int capture,
                    const struct xl_spawn_opts *o, struct xl_spawn_result *r)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int pipefd[2] = { -1, -1 };
    pid_t pid = -1, group = -1;
    size_t cap = 0;
    double deadline = timeout_s > 0 ? xl_now() + timeout_s : 0;
    int rc, r_, status = 0, pipe_open;

    xl_spawn_result_init(r);
    if (!xl_program_exists(argv[0]))
        return xl_error(XL_ERR_NOTFOUND, "%s: program not found", argv[0]);
    if (capture && pipe2(pipefd, O_CLOEXEC) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "pipe");
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (capture) {
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
        if (flags & XL_SPAWN_MERGE_STDERR)
            posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
    }
    if (flags & XL_SPAWN_QUIET_STDERR)
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    if (o && o->out_path)
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, o->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
                                         0600);
    if (o && o->err_path)
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, o->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
                                         0600);
    if (o && o->cwd)
        posix_spawn_file_actions_addchdir_np(&fa, o->cwd);
    xl_spawn_attr_child_signals(&attr, flags & XL_SPAWN_NEW_PGROUP);
    r_ = posix_spawnp(&pid, argv[0], &fa, &attr, argv, o && o->envp ? o->envp : environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (capture)
        close(pipefd[1]);
    if (r_ != 0) {
        rc = xl_error_errno(r_ == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, r_, "%s: cannot start", argv[0]);
        goto out;
    }
    pipe_open = capture;
    group = pid;
    for (;;) {
        int timeout_ms = -1;

        if (deadline > 0) {
            double left = deadline - xl_now();

            if (left <= 0 && (flags & XL_SPAWN_TERM_FIRST) && !r->timed_out) {
                r->timed_out = 1;
                kill(pid, SIGTERM);
                deadline = xl_now() + XL_SPAWN_TERM_GRACE_S;
                continue;
            }
            if (left <= 0) {
                r->timed_out = 1;
                kill((flags & XL_SPAWN_NEW_PGROUP) ? -pid : pid, SIGKILL);
                break;
            }
            timeout_ms = (int)(left * 1000) + 1;
        }
        if (pipe_open) {
            struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
            int pr = poll(&pfd, 1, timeout_ms);

            if (pr < 0 && errno != EINTR) {
                rc = xl_error_errno(XL_ERR_FAIL, errno, "poll");
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                goto out;
            }
            if (pr > 0) {
                char buf[8192];
                ssize_t n = read(pipefd[0], buf, sizeof(buf));

                if (n <= 0 && !(n < 0 && errno == EINTR)) {
                    pipe_open = 0;
                    continue;
                }
                if (n > 0) {
                    size_t keep = r->out_len + (size_t)n > max_out ? max_out - r->out_len : (size_t)n;

                    if (keep < (size_t)n)
                        r->truncated = 1;
                    if (r->out_len + keep + 1 > cap) {
                        cap = (r->out_len + keep + 1) * 2;
                        r->out = xl_realloc(r->out, cap);
                    }
                    memcpy(r->out + r->out_len, buf, keep);
                    r->out_len += keep;
                }
            }
            continue;
        }
        /* Output closed: wait for the exit, still honouring the deadline. */
        r_ = waitpid(pid, &status, deadline > 0 ? WNOHANG : 0);
        if (r_ == pid) {
            pid = -1;
            break;
        }
        if (r_ < 0 && errno != EINTR) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "waitpid");
            goto out;
        }
        if (deadline > 0)
            usleep(10000);
    }
    if (pid > 0) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    /* A child that left in its grace time may have left helpers in its group. */
    if (r->timed_out && (flags & XL_SPAWN_NEW_PGROUP))
        kill(-group, SIGKILL);
    fill_status(r, status);
    if (!r->out)
        r->out = xl_calloc(1, 1);
    r->out[r->out_len] = '\0';
    rc = XL_OK;
out:
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    return rc;
}

int xl_spawn_capture(char *const argv[], unsigned flags, double timeout_s, size_t max_out,
                     struct xl_spawn_result *r)
{
    return do_spawn(argv, flags, timeout_s, max_out, 1, NULL, r);
}

int xl_spawn_wait(char *const argv[], unsigned flags, double timeout_s, struct xl_spawn_result *r)
{
    return do_spawn(argv, flags, timeout_s, 0, 0, NULL, r);
}

int xl_spawn_with(char *const argv[], unsigned flags, double timeout_s, const struct xl_spawn_opts *o,
                  struct xl_spawn_result *r)
{
    return do_spawn(argv, flags, timeout_s, 0, 0, o, r);
}
