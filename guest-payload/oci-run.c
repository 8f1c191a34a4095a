/* One container per trial: bundle in a private temp dir, `create` with the
 * worker's stdout in a file (a pipe would be held open by the container, and
 * `run` deletes the cgroup before we could read its OOM counter), `start`,
 * wait for the container's init (we are its subreaper, so its real exit
 * status is ours to collect), read the OOM counter, then delete everything:
 * container, cgroups, bundle, private work dir. SIGINT/SIGTERM while the
 * container exists kill it, clean up, and are then re-raised.
 *
 * A SIGKILL leaves no chance to clean up, so what a run will create is
 * recorded first, in <bundle>/owner (our pid and start time, the container
 * id, its cgroup, its work dir), and every run starts by reaping the bundles
 * under /run/xenlab whose owner is dead. */
#include "oci-run.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-params.h"
#include "ct-cgroup.h"
#include "clone-env.h"
#include "inputs.h"
#include "json-util.h"
#include "oci-bundle.h"
#include "self-path.h"
#include "size.h"
#include "xl-spawn.h"
#include "xl-util.h"

#define MAX_OUTPUT (1024 * 1024)
#define MAX_STDERR_RELAY (64 * 1024)
/* create/start/delete take well under a second, but over a minute in a guest
 * of the emulated testbed on a loaded host; five minutes means stuck. */
#define RUNTIME_CMD_TIMEOUT_S 300.0

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

struct oci_run {
    const char *runtime;
    char runtime_path[PATH_MAX];
    struct xl_ct_cgroups cg;
    const char *hide_unified;    /* crun on a hybrid host: unmount this first */
    char id[64];
    char cgpath[96];
    char suffix[16];
    char *bundle;
    char *work_host;
    int work_private;
    pid_t init_pid;
    int created;
};

static void sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/* fork+exec rather than posix_spawn: crun on a hybrid host must start in a
 * private mount namespace without the empty cgroup2 mount, which has to be
 * arranged between fork and exec. Only async-signal-safe calls in the child. */
static int rt_spawn(const struct oci_run *o, char *const argv[], int out_fd, int err_fd, pid_t *pid_r)
{
    pid_t pid = fork();

    if (pid < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s: fork", o->runtime);
    if (pid == 0) {
        int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

        if (o->hide_unified) {
            if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                _exit(126);
            if (umount2(o->hide_unified, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
                _exit(126);
        }
        if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0)
            _exit(126);
        if (dup2(out_fd >= 0 ? out_fd : null_fd, STDOUT_FILENO) < 0)
            _exit(126);
        if (err_fd >= 0 && dup2(err_fd, STDERR_FILENO) < 0)
            _exit(126);
        execv(o->runtime_path, argv);
        _exit(127);
    }
    *pid_r = pid;
    return XL_OK;
}

/* Waits for a runtime command; its failure is an error naming the last line
 * it wrote to err_path. */
static int rt_command(const struct oci_run *o, const char *what, char *const argv[], int out_fd, int err_fd,
                      const char *err_path)
{
    double deadline = xl_now() + RUNTIME_CMD_TIMEOUT_S;
    pid_t pid = -1;
    int rc, status = 0;

    rc = rt_spawn(o, argv, out_fd, err_fd, &pid);
    if (rc)
        return rc;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s %s: waitpid", o->runtime, what);
        if (xl_now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return xl_error(XL_ERR_TIMEOUT, "%s %s: no answer in %.0f s", o->runtime, what, RUNTIME_CMD_TIMEOUT_S);
        }
        sleep_ms(5);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return XL_OK;
    {
        char line[512] = "";
        FILE *f = err_path ? fopen(err_path, "re") : NULL;
        char buf[512];

        while (f && fgets(buf, sizeof(buf), f))
            if (buf[strspn(buf, " \t\n")])
                snprintf(line, sizeof(line), "%s", buf);
        if (f)
            fclose(f);
        line[strcspn(line, "\n")] = '\0';
        if (WIFEXITED(status) && WEXITSTATUS(status) == 126 && !line[0])
            return xl_error(XL_ERR_FAIL, "%s %s: cannot set up its mount namespace", o->runtime, what);
        return xl_error(XL_ERR_FAIL, "%s %s failed (status %d)%s%s", o->runtime, what,
                        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                        line[0] ? ": " : "", line);
    }
}

/* The runtime by name, found in PATH, and how it must be started here:
 * XL_ERR_NOTFOUND when it is not installed. */
static int rt_setup(struct oci_run *o, const char *runtime)
{
    o->runtime = runtime;
    if (xl_find_program(runtime, o->runtime_path, sizeof(o->runtime_path)))
        return XL_ERR_NOTFOUND;
    xl_ct_cgroups_probe(&o->cg);
    if (strcmp(runtime, "crun") == 0 && o->cg.unified[0] && !o->cg.unified_has_controllers && o->cg.has_v1)
        o->hide_unified = o->cg.unified;
    return XL_OK;
}

/* The runtime's argv: global options, then the command and its arguments. */
static char **rt_argv(const struct oci_run *o, const char *const *cmd)
{
    char **v = xl_calloc(16, sizeof(char *));
    size_t k = 0;

    v[k++] = xl_strdup(o->runtime);
    if (strcmp(o->runtime, "crun") == 0)
        v[k++] = xl_strdup("--cgroup-manager=cgroupfs");
    for (; *cmd && k < 15; cmd++)
        v[k++] = xl_strdup(*cmd);
    return v;
}

static char *bundle_path(const struct oci_run *o, const char *name)
{
    return xl_asprintf("%s/%s", o->bundle, name);
}

#define RM_MAX_DEPTH 32

/* Removes name (under dir_fd) and everything below it, never following a
 * symlink and never leaving the filesystem dev (nothing should be mounted
 * below). Returns how many entries are left. */
static int rm_at(int dir_fd, const char *name, dev_t dev, int depth)
{
    struct stat st;
    int fd, left = 0;
    DIR *d;
    struct dirent *e;

    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : 1;
    if (!S_ISDIR(st.st_mode))
        return unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT;
    if (st.st_dev != dev || depth > RM_MAX_DEPTH)
        return 1;
    fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 1;
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        return 1;
    }
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            left += rm_at(fd, e->d_name, dev, depth + 1);
    closedir(d);
    if (unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        left++;
    return left;
}

/* rm_at for the directory at an absolute path, reached through its parent;
 * anything but a directory there is left alone. Returns how many entries
 * are left (0 when there is no directory to remove). */
static int rm_dir(const char *path)
{
    xl_autofree char *parent = xl_strdup(path);
    char *slash = strrchr(parent, '/');
    struct stat st;
    int fd, left = 0;

    if (!slash)
        return 0;
    *slash = '\0';
    fd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    if (fstatat(fd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
        left = rm_at(fd, slash + 1, st.st_dev, 0);
    close(fd);
    return left;
}

/* The worker's arguments with any --workdir pointed at the container's work
 * dir; the host path it named becomes the parent of the private work dir. */
static char **inner_argv(char *const worker_argv[], const char *work_ct, const char **host_workdir_r)
{
    size_t n = 0, i, k = 0;
    char **v;

    while (worker_argv[n])
        n++;
    v = xl_calloc(n + 2, sizeof(char *));
    v[k++] = xl_strdup(XL_CT_WORKER);
    *host_workdir_r = NULL;
    for (i = 0; i < n; i++) {
        if (strcmp(worker_argv[i], "--workdir") == 0 && i + 1 < n) {
            *host_workdir_r = worker_argv[++i];
            v[k++] = xl_strdup("--workdir");
            v[k++] = xl_strdup(work_ct);
        } else if (strncmp(worker_argv[i], "--workdir=", 10) == 0) {
            *host_workdir_r = worker_argv[i] + 10;
            v[k++] = xl_asprintf("--workdir=%s", work_ct);
        } else {
            v[k++] = xl_strdup(worker_argv[i]);
        }
    }
    return v;
}

/* Field 22 of /proc/PID/stat: with the pid, it names one process for good. */
static unsigned long long proc_start_time(pid_t pid)
{
    char path[64], buf[1024];
    const char *p;
    int fd, i;
    ssize_t n;

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    p = strrchr(buf, ')');
    /* After the comm: state is field 3, starttime field 22. */
    for (i = 2; p && i < 22; i++)
        p = strchr(p + 1, ' ');
    return p ? strtoull(p + 1, NULL, 10) : 0;
}

/* What this run has made or is about to make, for a later run to reap if we
 * are killed: rewritten before each new thing is created. */
static int write_owner(const struct oci_run *o)
{
    xl_autofree char *path = bundle_path(o, "owner");
    xl_autofree char *text = xl_asprintf("pid %ld\nstart %llu\nruntime %s\nwork %s\n", (long)getpid(),
                                         proc_start_time(getpid()), o->runtime,
                                         o->work_private ? o->work_host : "-");

    return xl_write_file_atomic(path, text, strlen(text));
}

static int setup_bundle(struct oci_run *o)
{
    if (mkdir(XL_OCI_STATE_DIR, 0700) < 0 && errno != EEXIST)
        return xl_error_errno(XL_ERR_FAIL, errno, XL_OCI_STATE_DIR);
    o->bundle = xl_strdup(XL_OCI_STATE_DIR "/ct-XXXXXX");
    if (!mkdtemp(o->bundle)) {
        int e = errno;

        free(o->bundle);
        o->bundle = NULL;
        return xl_error_errno(XL_ERR_FAIL, e, XL_OCI_STATE_DIR ": cannot create a bundle dir");
    }
    snprintf(o->suffix, sizeof(o->suffix), "%s", strrchr(o->bundle, '-') + 1);
    snprintf(o->id, sizeof(o->id), "xenlab-%ld-%s", (long)getpid(), o->suffix);
    snprintf(o->cgpath, sizeof(o->cgpath), "/xenlab/%s", o->id);
    return write_owner(o);
}

static int setup_workdir(struct oci_run *o, const struct xl_container_spec *c, const char *host_workdir,
                         char **work_ct_r)
{
    char real[PATH_MAX];
    int rc;

    if (c->volume) {
        const char *colon = strchr(c->volume, ':');

        if (!colon || colon == c->volume || colon[1] != '/')
            return xl_error(XL_ERR_INVAL, "volume \"%s\": must be HOST:/CONTAINER-PATH", c->volume);
        {
            xl_autofree char *host = xl_strndup(c->volume, (size_t)(colon - c->volume));

            if (!realpath(host, real))
                return xl_error_errno(XL_ERR_INVAL, errno, "volume %s", host);
        }
        o->work_host = xl_strdup(real);
        *work_ct_r = xl_strdup(colon + 1);
        return XL_OK;
    }
    /* Named after the bundle, and recorded in its owner file before it exists. */
    if (host_workdir && !realpath(host_workdir, real))
        return xl_error_errno(XL_ERR_INVAL, errno, "--workdir %s", host_workdir);
    o->work_host = xl_asprintf("%s/xenlab-work-%s", host_workdir ? real : "/var/tmp", o->suffix);
    o->work_private = 1;
    rc = write_owner(o);
    if (rc)
        return rc;
    if (mkdir(o->work_host, 0700) < 0) {
        int e = errno;

        free(o->work_host);
        o->work_host = NULL;
        o->work_private = 0;
        return xl_error_errno(XL_ERR_FAIL, e, "%s: cannot create the work dir", host_workdir ? host_workdir : "/var/tmp");
    }
    *work_ct_r = xl_strdup(XL_CT_WORKDIR);
    return XL_OK;
}

static int write_config(struct oci_run *o, const struct xl_container_spec *c, char *const *args,
                        const char *work_ct)
{
    struct xl_oci_params p = { 0 };
    char rootfs_real[PATH_MAX];
    xl_autofree char *worker = NULL;
    xl_autofree char *rootfs = bundle_path(o, "rootfs");
    xl_autofree char *config = bundle_path(o, "config.json");
    char **host_dirs = NULL, **plan_env = NULL;
    const char *ns = getenv("XENLAB_CT_CGROUPNS");
    json_object *doc = NULL;
    const char *text;
    int rc;

    /* Read here, not where declared: errno must be readlink's. */
    worker = xl_self_exe();
    if (!worker)
        return xl_error_errno(XL_ERR_FAIL, errno, "/proc/self/exe");
    if (c->rootfs) {
        if (!realpath(c->rootfs, rootfs_real))
            return xl_error_errno(XL_ERR_INVAL, errno, "rootfs %s", c->rootfs);
        p.root_path = rootfs_real;
    } else {
        if (mkdir(rootfs, 0755) < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s", rootfs);
        rc = xl_oci_host_root(rootfs, &host_dirs);
        if (rc)
            return rc;
        p.root_path = rootfs;
        p.host_dirs = host_dirs;
    }
    p.spec = c;
    p.args = args;
    p.runtime = o->runtime;
    p.hostname = "xenlab-ct";
    p.cgroups_path = o->cgpath;
    p.worker_host = worker;
    p.work_host = o->work_host;
    p.work_ct = work_ct;
    p.inputs = xl_inputs_dir();
    p.env = plan_env = xl_clone_env_entries();
    /* As docker: a private cgroup namespace on v2 hosts, the host's on v1. */
    p.cgroupns = ns && *ns ? strcmp(ns, "0") != 0 : o->cg.unified_has_controllers;
    doc = xl_oci_config(&p);
    text = xl_json_pretty(doc);
    rc = xl_write_file_atomic(config, text, strlen(text));
    json_object_put(doc);
    if (host_dirs)
        xl_argv_free(host_dirs);
    xl_argv_free(plan_env);
    return rc;
}

static int open_out(const struct oci_run *o, const char *name, int *fd_r)
{
    xl_autofree char *path = bundle_path(o, name);

    *fd_r = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (*fd_r < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
    return XL_OK;
}

static int read_pid(const struct oci_run *o, pid_t *pid_r)
{
    xl_autofree char *path = bundle_path(o, "pid");
    xl_autofree char *buf = NULL;
    long v;
    int rc;

    rc = xl_read_file(path, 64, &buf, NULL);
    if (rc)
        return xl_error_prefix(rc, "%s create", o->runtime);
    v = strtol(buf, NULL, 10);
    if (v <= 1)
        return xl_error(XL_ERR_FAIL, "%s: no container pid", path);
    *pid_r = (pid_t)v;
    return XL_OK;
}

/* Waits for the container's init, killing it at the deadline or on SIGINT/SIGTERM. */
static void wait_init(struct oci_run *o, double timeout_s, struct xl_spawn_result *sr)
{
    double deadline = timeout_s > 0 ? xl_now() + timeout_s : 0;
    int status = 0, killed = 0;

    for (;;) {
        pid_t r = waitpid(o->init_pid, &status, WNOHANG);

        if (r == o->init_pid)
            break;
        /* Not our child (another subreaper between us): watch it instead. */
        if (r < 0 && errno == ECHILD && kill(o->init_pid, 0) < 0 && errno == ESRCH) {
            status = W_EXITCODE(255, 0);
            break;
        }
        if (!killed && (got_signal || (deadline > 0 && xl_now() > deadline))) {
            sr->timed_out = !got_signal;
            /* SIGKILL to a pid namespace's init ends everything in it. */
            kill(o->init_pid, SIGKILL);
            killed = 1;
        }
        sleep_ms(20);
    }
    o->init_pid = 0;
    sr->status = status;
    if (WIFEXITED(status)) {
        sr->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        sr->term_signal = WTERMSIG(status);
        sr->exit_code = 128 + sr->term_signal;
    }
}

static void collect_output(const struct oci_run *o, struct xl_spawn_result *sr)
{
    xl_autofree char *out = bundle_path(o, "stdout");
    xl_autofree char *err = bundle_path(o, "stderr");
    char buf[4096];
    FILE *f;
    size_t n, relayed = 0;

    f = fopen(out, "re");
    sr->out = xl_calloc(1, MAX_OUTPUT + 1);
    if (f) {
        sr->out_len = fread(sr->out, 1, MAX_OUTPUT, f);
        sr->truncated = fgetc(f) != EOF;
        fclose(f);
    }
    sr->out[sr->out_len] = '\0';
    /* The worker's (and the runtime's) messages belong on our stderr. */
    f = fopen(err, "re");
    while (f && relayed < MAX_STDERR_RELAY && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
        fwrite(buf, 1, n, stderr);
        relayed += n;
    }
    if (f)
        fclose(f);
}

static void teardown(struct oci_run *o)
{
    if (o->init_pid > 0) {
        kill(o->init_pid, SIGKILL);
        waitpid(o->init_pid, NULL, 0);
        o->init_pid = 0;
    }
    if (o->created) {
        const char *const cmd[] = { "delete", "-f", o->id, NULL };
        char **argv = rt_argv(o, cmd);
        xl_autofree char *err_path = bundle_path(o, "delete.err");
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        if (rt_command(o, "delete", argv, -1, fd, err_path) && o->created > 1)
            fprintf(stderr, "xenlab-guest: warning: %s\n", xl_error_message());
        if (fd >= 0)
            close(fd);
        xl_argv_free(argv);
        o->created = 0;
    }
    /* runc removes the container's cgroup but not the /xenlab parent. */
    if (o->cgpath[0] && xl_ct_cgroup_remove(o->cgpath))
        fprintf(stderr, "xenlab-guest: warning: cgroup %s could not be removed\n", o->cgpath);
    /* The bundle, holding the owner record, goes last. */
    if (o->work_host && o->work_private)
        rm_dir(o->work_host);
    free(o->work_host);
    o->work_host = NULL;
    if (o->bundle) {
        rm_dir(o->bundle);
        rmdir(XL_OCI_STATE_DIR);
        free(o->bundle);
        o->bundle = NULL;
    }
}

static int create_and_start(struct oci_run *o)
{
    xl_autofree char *pid_path = bundle_path(o, "pid");
    xl_autofree char *err_path = bundle_path(o, "stderr");
    const char *const create[] = { "create", "--bundle", o->bundle, "--pid-file", pid_path, o->id, NULL };
    const char *const start[] = { "start", o->id, NULL };
    char **argv = NULL;
    int out_fd = -1, err_fd = -1, rc;

    rc = open_out(o, "stdout", &out_fd);
    if (rc)
        goto out;
    rc = open_out(o, "stderr", &err_fd);
    if (rc)
        goto out;
    argv = rt_argv(o, create);
    o->created = 1;
    rc = rt_command(o, "create", argv, out_fd, err_fd, err_path);
    if (rc)
        goto out;
    o->created = 2;
    rc = read_pid(o, &o->init_pid);
    if (rc)
        goto out;
    if (got_signal) {
        rc = xl_error(XL_ERR_FAIL, "interrupted by signal %d", (int)got_signal);
        goto out;
    }
    xl_argv_free(argv);
    argv = rt_argv(o, start);
    rc = rt_command(o, "start", argv, -1, err_fd, err_path);
out:
    if (argv)
        xl_argv_free(argv);
    if (out_fd >= 0)
        close(out_fd);
    if (err_fd >= 0)
        close(err_fd);
    return rc;
}

/* --- Reaping what a killed run left ------------------------------------ */

/* Our bundle dirs are ct-XXXXXX, as mkdtemp makes them. */
static bool is_bundle_name(const char *name)
{
    size_t i;

    if (strncmp(name, "ct-", 3) != 0 || strlen(name) != 9)
        return false;
    for (i = 3; name[i]; i++)
        if (!isalnum((unsigned char)name[i]))
            return false;
    return true;
}

struct owner {
    long pid;
    unsigned long long start;
    char runtime[8];
    char work[PATH_MAX];
};

/* The owner record, read through the bundle's fd; anything unexpected in it
 * makes the bundle someone else's, left alone. */
static bool read_owner(int bundle_fd, const char *suffix, struct owner *ow)
{
    char buf[PATH_MAX + 256], *line, *save = NULL;
    xl_autofree char *want_work_tail = xl_asprintf("/xenlab-work-%s", suffix);
    int fd = openat(bundle_fd, "owner", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t n;
    int fields = 0;

    memset(ow, 0, sizeof(*ow));
    if (fd < 0)
        return false;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (sscanf(line, "pid %ld", &ow->pid) == 1)
            fields |= 1;
        else if (sscanf(line, "start %llu", &ow->start) == 1)
            fields |= 2;
        else if (strcmp(line, "runtime runc") == 0 || strcmp(line, "runtime crun") == 0)
            fields |= 4, snprintf(ow->runtime, sizeof(ow->runtime), "%s", line + 8);
        else if (strncmp(line, "work ", 5) == 0 && strlen(line + 5) < sizeof(ow->work))
            fields |= 8, snprintf(ow->work, sizeof(ow->work), "%s", line + 5);
    }
    if (fields != 15 || ow->pid <= 1 || ow->pid > INT_MAX)
        return false;
    if (strcmp(ow->work, "-") == 0) {
        ow->work[0] = '\0';
        return true;
    }
    /* Only a work dir of our own naming, by an absolute path without "..". */
    n = (ssize_t)strlen(ow->work) - (ssize_t)strlen(want_work_tail);
    return ow->work[0] == '/' && n > 0 && strcmp(ow->work + n, want_work_tail) == 0 && !strstr(ow->work, "/..") &&
           !strstr(ow->work, "/./") && !strstr(ow->work, "//");
}

static bool owner_alive(const struct owner *ow)
{
    if (kill((pid_t)ow->pid, 0) < 0 && errno == ESRCH)
        return false;
    return proc_start_time((pid_t)ow->pid) == ow->start;
}

static void reap_one(int state_fd, const char *name, dev_t dev)
{
    struct oci_run o = { 0 };
    struct owner ow;
    int fd = openat(state_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    bool mine;

    if (fd < 0)
        return;
    mine = read_owner(fd, name + 3, &ow);
    close(fd);
    if (!mine || owner_alive(&ow))
        return;
    snprintf(o.id, sizeof(o.id), "xenlab-%ld-%s", ow.pid, name + 3);
    snprintf(o.cgpath, sizeof(o.cgpath), "/xenlab/%s", o.id);
    fprintf(stderr, "xenlab-guest: reaping container %s left by dead process %ld\n", o.id, ow.pid);
    if (rt_setup(&o, ow.runtime) == XL_OK) {
        const char *const cmd[] = { "delete", "--force", o.id, NULL };
        char **argv = rt_argv(&o, cmd);
        int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

        /* Fails when the container never got created or is gone: nothing to do. */
        (void)rt_command(&o, "delete", argv, -1, null_fd, NULL);
        if (null_fd >= 0)
            close(null_fd);
        xl_argv_free(argv);
    }
    if (xl_ct_cgroup_remove(o.cgpath))
        fprintf(stderr, "xenlab-guest: warning: cgroup %s could not be removed\n", o.cgpath);
    if (ow.work[0] && rm_dir(ow.work))
        fprintf(stderr, "xenlab-guest: warning: %s could not be removed\n", ow.work);
    if (rm_at(state_fd, name, dev, 0))
        fprintf(stderr, "xenlab-guest: warning: %s/%s could not be removed\n", XL_OCI_STATE_DIR, name);
}

void xl_oci_reap(void)
{
    int fd = open(XL_OCI_STATE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, i;

    if (fd < 0)
        return;
    /* Ours only if root made it and nobody else may write in it. */
    if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022)) {
        close(fd);
        return;
    }
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    while ((e = readdir(d))) {
        if (!is_bundle_name(e->d_name))
            continue;
        names = xl_realloc(names, (n + 1) * sizeof(char *));
        names[n++] = xl_strdup(e->d_name);
    }
    for (i = 0; i < n; i++) {
        reap_one(dirfd(d), names[i], st.st_dev);
        free(names[i]);
    }
    free(names);
    closedir(d);
    /* Only after reaping something: an empty dir may be another run's,
     * between its mkdir and its mkdtemp. */
    if (n)
        rmdir(XL_OCI_STATE_DIR);
}

int xl_oci_run(const char *runtime, const struct xl_container_spec *c, char *const worker_argv[],
               double timeout_s, struct xl_spawn_result *sr)
{
    struct oci_run o = { 0 };
    struct sigaction sa, old_int, old_term;
    char **args = NULL;
    xl_autofree char *work_ct = NULL;
    const char *host_workdir = NULL;
    int old_reaper = 0, rc, sig;
    uint64_t kills = 0;

    xl_spawn_result_init(sr);
    xl_oci_reap();
    if (rt_setup(&o, runtime))
        return xl_error(XL_ERR_NOTFOUND, "%s not found (install the Debian package %s)", runtime, runtime);

    got_signal = 0;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    prctl(PR_GET_CHILD_SUBREAPER, &old_reaper, 0, 0, 0);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    args = inner_argv(worker_argv, XL_CT_WORKDIR, &host_workdir);
    rc = setup_bundle(&o);
    if (rc)
        goto out;
    rc = setup_workdir(&o, c, host_workdir, &work_ct);
    if (rc)
        goto out;
    if (strcmp(work_ct, XL_CT_WORKDIR) != 0) {
        xl_argv_free(args);
        args = inner_argv(worker_argv, work_ct, &host_workdir);
    }
    rc = write_config(&o, c, args, work_ct);
    if (rc)
        goto out;
    rc = create_and_start(&o);
    if (rc)
        goto out;
    wait_init(&o, timeout_s, sr);
    /* The counter lives in the cgroup, which delete removes: read it first. */
    xl_ct_cgroup_oom_kills(&o.cg, o.cgpath, &kills);
    collect_output(&o, sr);
    if (got_signal) {
        rc = xl_error(XL_ERR_FAIL, "interrupted by signal %d", (int)got_signal);
    } else if (kills > 0 && sr->term_signal == SIGKILL) {
        char lim[32];

        xl_size_format(c->memory, lim, sizeof(lim));
        rc = xl_error(XL_ERR_FAIL, "out of memory in container (limit %s)", lim);
    }
out:
    teardown(&o);
    if (args)
        xl_argv_free(args);
    prctl(PR_SET_CHILD_SUBREAPER, old_reaper, 0, 0, 0);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sig = got_signal;
    got_signal = 0;
    if (sig)
        raise(sig);
    return rc;
}
