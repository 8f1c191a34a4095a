#include "xsd-harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#define XENSTORED "/usr/lib/xen-4.17/bin/xenstored"

extern char **environ;

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);

    if (s)
        snprintf(s, n, "%s/%s", a, b);
    return s;
}

static int write_small(const char *path, const char *text, off_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int ok;

    if (fd < 0)
        return -1;
    ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text) && (!size || ftruncate(fd, size) == 0);
    close(fd);
    return ok ? 0 : -1;
}

/* The socket file appears at bind(); clients are refused until listen(). */
static int socket_accepts(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd, ok;

    if (strlen(path) >= sizeof(sa.sun_path))
        return 0;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/* A test killed by meson's timeout (SIGTERM) still stops its xenstored and
 * removes its directory: one daemon per process at a time. */
static struct xsd *running;

static void on_term(int sig)
{
    if (running)
        xsd_stop(running);
    signal(sig, SIG_DFL);
    raise(sig);
}

int xsd_start(struct xsd *x, const char *shim, const char **why_r)
{
    char tmpl[] = "/tmp/xenlab-xsd.XXXXXX";
    char *run = NULL, *fake = NULL, *port = NULL, *kva = NULL, *log = NULL;
    char *env_preload = NULL, *env_fake = NULL, *env_rundir = NULL, *env_path = NULL;
    char **envp = NULL;
    posix_spawn_file_actions_t fa;
    size_t n = 0, i;
    int rc = -1, k;
    struct stat st;

    x->dir = x->socket = NULL;
    x->pid = -1;
    if (access(XENSTORED, X_OK) != 0) {
        *why_r = XENSTORED " not installed (apt-get install xen-utils-4.17)";
        return 77;
    }
    if (!shim || access(shim, R_OK) != 0) {
        *why_r = "the fakexen shim is not built (run through meson test)";
        return 77;
    }
    if (!mkdtemp(tmpl)) {
        *why_r = "mkdtemp failed";
        return -1;
    }
    x->dir = strdup(tmpl);
    run = join(x->dir, "run");
    fake = join(x->dir, "fakexen");
    port = join(fake, "xsd_port");
    kva = join(fake, "xsd_kva");
    log = join(x->dir, "xenstored.log");
    x->socket = join(run, "socket");
    if (mkdir(run, 0700) || mkdir(fake, 0700) || write_small(port, "1\n", 0) || write_small(kva, "", 4096)) {
        *why_r = "cannot prepare the xenstored directory";
        goto out;
    }
    if (asprintf(&env_preload, "LD_PRELOAD=%s", shim) < 0 || asprintf(&env_fake, "FAKEXEN_DIR=%s", fake) < 0 ||
        asprintf(&env_rundir, "XENSTORED_RUNDIR=%s", run) < 0 ||
        asprintf(&env_path, "XENSTORED_PATH=%s", x->socket) < 0)
        goto out;
    while (environ[n])
        n++;
    envp = calloc(n + 5, sizeof(char *));
    if (!envp)
        goto out;
    for (i = 0, k = 0; i < n; i++)
        /* LD_PRELOAD: e.g. ASan's own; the others: another harness's
         * xenstored, which this one would take for its own. */
        if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 && strncmp(environ[i], "XENSTORED_PATH=", 15) != 0 &&
            strncmp(environ[i], "XENSTORED_RUNDIR=", 17) != 0 && strncmp(environ[i], "FAKEXEN_DIR=", 12) != 0)
            envp[k++] = environ[i];
    envp[k++] = env_preload;
    envp[k++] = env_fake;
    envp[k++] = env_rundir;
    envp[k++] = env_path;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    {
        char *argv[] = { (char *)XENSTORED, (char *)"-N", NULL };

        if (posix_spawn(&x->pid, XENSTORED, &fa, NULL, argv, envp) != 0) {
            x->pid = -1;
            posix_spawn_file_actions_destroy(&fa);
            *why_r = "cannot start xenstored";
            goto out;
        }
    }
    posix_spawn_file_actions_destroy(&fa);
    for (i = 0; i < 100; i++) {
        if (stat(x->socket, &st) == 0 && S_ISSOCK(st.st_mode) && socket_accepts(x->socket))
            break;
        if (waitpid(x->pid, NULL, WNOHANG) == x->pid) {
            x->pid = -1;
            *why_r = "xenstored exited at start (see its log)";
            goto out;
        }
        sleep_ms(50);
    }
    if (i == 100) {
        *why_r = "xenstored did not create its socket in 5 s";
        goto out;
    }
    setenv("XENSTORED_PATH", x->socket, 1);
    running = x;
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    rc = 0;
out:
    free(run);
    free(fake);
    free(port);
    free(kva);
    free(log);
    free(env_preload);
    free(env_fake);
    free(env_rundir);
    free(env_path);
    free(envp);
    if (rc)
        xsd_stop(x);
    return rc;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

void xsd_stop(struct xsd *x)
{
    int i;

    if (running == x)
        running = NULL;
    if (x->pid > 0) {
        kill(x->pid, SIGTERM);
        for (i = 0; i < 100 && waitpid(x->pid, NULL, WNOHANG) != x->pid; i++)
            sleep_ms(20);
        if (i == 100) {
            kill(x->pid, SIGKILL);
            waitpid(x->pid, NULL, 0);
        }
        x->pid = -1;
    }
    if (x->dir)
        nftw(x->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(x->dir);
    free(x->socket);
    x->dir = x->socket = NULL;
    unsetenv("XENSTORED_PATH");
}

int xsd_put(struct xs_handle *h, const char *path, const char *val)
{
    return xs_write(h, XBT_NULL, path, val, (unsigned)strlen(val)) ? 0 : -1;
}

int xsd_count_lines(const char *file, const char *const *needles)
{
    FILE *f = fopen(file, "r");
    char *line = NULL;
    size_t cap = 0;
    int n = 0;

    if (!f)
        return -1;
    while (getline(&line, &cap, f) > 0) {
        size_t i;
        int all = 1;

        for (i = 0; needles[i] && all; i++)
            all = strstr(line, needles[i]) != NULL;
        n += all;
    }
    free(line);
    fclose(f);
    return n;
}
