#include "oci-bundle.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench-params.h"
#include "json-util.h"
#include "xl-util.h"

#define CPU_PERIOD_US 100000
/* dbench with many clients opens more files than the usual 1024. */
#define NOFILE_LIMIT 20000

static json_object *str_array(const char *const *v)
{
    json_object *a = json_object_new_array();

    for (; *v; v++)
        json_object_array_add(a, xl_json_str(*v));
    return a;
}

static void add_mount(json_object *mounts, const char *dest, const char *type, const char *src,
                      const char *const *opts)
{
    json_object *m = json_object_new_object();

    xl_json_add(m, "destination", xl_json_str(dest));
    xl_json_add(m, "type", xl_json_str(type));
    xl_json_add(m, "source", xl_json_str(src));
    if (opts)
        xl_json_add(m, "options", str_array(opts));
    json_object_array_add(mounts, m);
}

static json_object *process_json(const struct xl_oci_params *p)
{
    static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
    static const char *const cap_sets[] = { "bounding", "effective", "permitted", "ambient", NULL };
    json_object *proc = json_object_new_object();
    json_object *user = json_object_new_object();
    json_object *env = json_object_new_array();
    json_object *capo = json_object_new_object();
    json_object *rl = json_object_new_object();
    json_object *rls = json_object_new_array();
    json_object *args = json_object_new_array();
    const char *const *s;
    char *const *a;
    xl_autofree char *ctenv = NULL;

    xl_json_add(proc, "terminal", json_object_new_boolean(0));
    xl_json_add(user, "uid", json_object_new_int(0));
    xl_json_add(user, "gid", json_object_new_int(0));
    xl_json_add(proc, "user", user);
    for (a = p->args; *a; a++)
        json_object_array_add(args, xl_json_str(*a));
    xl_json_add(proc, "args", args);
    json_object_array_add(env, xl_json_str("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    json_object_array_add(env, xl_json_str("HOME=/root"));
    ctenv = xl_asprintf("XENLAB_CONTAINER=%s", p->runtime);
    json_object_array_add(env, xl_json_str(ctenv));
    if (p->inputs) {
        xl_autofree char *in = xl_asprintf("XENLAB_INPUTS=%s", p->inputs);

        json_object_array_add(env, xl_json_str(in));
    }
    for (a = p->env; a && *a; a++)
        json_object_array_add(env, xl_json_str(*a));
    xl_json_add(proc, "env", env);
    xl_json_add(proc, "cwd", xl_json_str(p->work_ct));
    for (s = cap_sets; *s; s++)
        xl_json_add(capo, *s, str_array(caps));
    xl_json_add(capo, "inheritable", json_object_new_array());
    xl_json_add(proc, "capabilities", capo);
    xl_json_add(rl, "type", xl_json_str("RLIMIT_NOFILE"));
    xl_json_add(rl, "hard", json_object_new_int(NOFILE_LIMIT));
    xl_json_add(rl, "soft", json_object_new_int(NOFILE_LIMIT));
    json_object_array_add(rls, rl);
    xl_json_add(proc, "rlimits", rls);
    xl_json_add(proc, "noNewPrivileges", json_object_new_boolean(1));
    return proc;
}

static json_object *mounts_json(const struct xl_oci_params *p)
{
    static const char *const dev_opts[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
    static const char *const pts_opts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
                                            "gid=5", NULL };
    static const char *const shm_opts[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
    static const char *const mq_opts[] = { "nosuid", "noexec", "nodev", NULL };
    static const char *const sys_opts[] = { "nosuid", "noexec", "nodev", "ro", NULL };
    static const char *const cg_opts[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
    static const char *const tmp_opts[] = { "nosuid", "nodev", "mode=1777", NULL };
    static const char *const run_opts[] = { "nosuid", "nodev", "mode=755", NULL };
    static const char *const ro_bind[] = { "rbind", "ro", "nosuid", "nodev", NULL };
    static const char *const rw_bind[] = { "rbind", "rw", "nosuid", "nodev", NULL };
    json_object *m = json_object_new_array();
    char *const *d;

    add_mount(m, "/proc", "proc", "proc", NULL);
    add_mount(m, "/dev", "tmpfs", "tmpfs", dev_opts);
    add_mount(m, "/dev/pts", "devpts", "devpts", pts_opts);
    add_mount(m, "/dev/shm", "tmpfs", "shm", shm_opts);
    add_mount(m, "/dev/mqueue", "mqueue", "mqueue", mq_opts);
    add_mount(m, "/sys", "sysfs", "sysfs", sys_opts);
    add_mount(m, "/sys/fs/cgroup", "cgroup", "cgroup", cg_opts);
    add_mount(m, "/tmp", "tmpfs", "tmpfs", tmp_opts);
    add_mount(m, "/run", "tmpfs", "tmpfs", run_opts);
    for (d = p->host_dirs; d && *d; d++)
        add_mount(m, *d, "bind", *d, ro_bind);
    add_mount(m, XL_CT_WORKER, "bind", p->worker_host, ro_bind);
    add_mount(m, p->work_ct, "bind", p->work_host, rw_bind);
    if (p->inputs)
        add_mount(m, p->inputs, "bind", p->inputs, ro_bind);
    return m;
}

static json_object *resources_json(const struct xl_oci_params *p)
{
    json_object *res = json_object_new_object();
    json_object *cpu = json_object_new_object();
    json_object *mem = json_object_new_object();
    json_object *devs = json_object_new_array();
    json_object *deny = json_object_new_object();
    int64_t quota = (int64_t)(p->spec->cpus * CPU_PERIOD_US + 0.5);

    xl_json_add(cpu, "quota", json_object_new_int64(quota));
    xl_json_add(cpu, "period", json_object_new_int64(CPU_PERIOD_US));
    xl_json_add(res, "cpu", cpu);
    /* swap is memory+swap in OCI: equal to the limit means no swap at all. */
    xl_json_add(mem, "limit", json_object_new_int64((int64_t)p->spec->memory));
    xl_json_add(mem, "swap", json_object_new_int64((int64_t)p->spec->memory));
    xl_json_add(res, "memory", mem);
    xl_json_add(deny, "allow", json_object_new_boolean(0));
    xl_json_add(deny, "access", xl_json_str("rwm"));
    json_object_array_add(devs, deny);
    xl_json_add(res, "devices", devs);
    return res;
}

static json_object *linux_json(const struct xl_oci_params *p)
{
    static const char *const ns_types[] = { "pid", "network", "ipc", "uts", "mount", NULL };
    static const char *const masked[] = { "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                          "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                          "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL };
    static const char *const ro_paths[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                            "/proc/sysrq-trigger", NULL };
    json_object *lx = json_object_new_object();
    json_object *nss = json_object_new_array();
    const char *const *t;

    xl_json_add(lx, "resources", resources_json(p));
    xl_json_add(lx, "cgroupsPath", xl_json_str(p->cgroups_path));
    for (t = ns_types; *t; t++) {
        json_object *ns = json_object_new_object();

        xl_json_add(ns, "type", xl_json_str(*t));
        json_object_array_add(nss, ns);
    }
    if (p->cgroupns) {
        json_object *ns = json_object_new_object();

        xl_json_add(ns, "type", xl_json_str("cgroup"));
        json_object_array_add(nss, ns);
    }
    xl_json_add(lx, "namespaces", nss);
    xl_json_add(lx, "maskedPaths", str_array(masked));
    xl_json_add(lx, "readonlyPaths", str_array(ro_paths));
    return lx;
}

json_object *xl_oci_config(const struct xl_oci_params *p)
{
    json_object *c = json_object_new_object();
    json_object *root = json_object_new_object();

    xl_json_add(c, "ociVersion", xl_json_str("1.0.2"));
    xl_json_add(c, "process", process_json(p));
    xl_json_add(root, "path", xl_json_str(p->root_path));
    xl_json_add(root, "readonly", json_object_new_boolean(1));
    xl_json_add(c, "root", root);
    xl_json_add(c, "hostname", xl_json_str(p->hostname));
    xl_json_add(c, "mounts", mounts_json(p));
    xl_json_add(c, "linux", linux_json(p));
    return c;
}

static bool skip_top(const char *name)
{
    static const char *const own[] = { "proc", "sys", "dev", "tmp", "run", "lost+found", NULL };
    const char *const *o;

    if (name[0] == '.')
        return true;
    for (o = own; *o; o++)
        if (strcmp(name, *o) == 0)
            return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int xl_oci_host_root(const char *rootfs, char ***dirs_r)
{
    DIR *d = opendir("/");
    struct dirent *e;
    char **dirs = NULL;
    size_t n = 0;
    int rc;

    *dirs_r = NULL;
    if (!d)
        return xl_error_errno(XL_ERR_FAIL, errno, "/: cannot list");
    while ((e = readdir(d))) {
        char src[PATH_MAX], dst[PATH_MAX], target[PATH_MAX];
        struct stat st;
        ssize_t len;

        if (skip_top(e->d_name))
            continue;
        snprintf(src, sizeof(src), "/%s", e->d_name);
        if (lstat(src, &st) < 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            len = readlink(src, target, sizeof(target) - 1);
            if (len < 0)
                continue;
            target[len] = '\0';
            snprintf(dst, sizeof(dst), "%s/%s", rootfs, e->d_name);
            if (symlink(target, dst) < 0) {
                rc = xl_error_errno(XL_ERR_FAIL, errno, "%s: cannot create symlink", dst);
                goto out;
            }
        } else if (S_ISDIR(st.st_mode)) {
            dirs = xl_realloc(dirs, (n + 2) * sizeof(char *));
            dirs[n++] = xl_strdup(src);
            dirs[n] = NULL;
        }
    }
    if (n)
        qsort(dirs, n, sizeof(char *), cmp_str);
    else
        dirs = xl_calloc(1, sizeof(char *));
    *dirs_r = xl_steal_pointer(&dirs);
    rc = XL_OK;
out:
    closedir(d);
    if (dirs)
        xl_argv_free(dirs);
    return rc;
}
