#include "sysinfo.h"

#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "json-util.h"
#include "xl-util.h"

/* cgroup v1 reports "no limit" as PAGE_COUNTER_MAX pages, around 2^63. */
#define V1_UNLIMITED (UINT64_C(1) << 62)

static bool read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "re");
    bool ok;

    if (!f)
        return false;
    ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    if (ok)
        buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

struct cg_mount {
    char root[PATH_MAX];     /* part of the hierarchy this mount shows */
    char point[PATH_MAX];
};

/* Finds the mount of the v1 hierarchy holding `controller`, or the v2 mount
 * when controller is NULL. mountinfo: "id parent maj:min root point opts - type src superopts". */
static bool find_cgroup_mount(const char *controller, struct cg_mount *m)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[4096];
    bool found = false;

    if (!f)
        return false;
    while (!found && fgets(line, sizeof(line), f)) {
        char root[PATH_MAX], point[PATH_MAX], type[64], super[1024];
        char *dash = strstr(line, " - ");

        if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2 ||
            sscanf(dash + 3, "%63s %*s %1023s", type, super) != 2)
            continue;
        if (controller) {
            char *tok, *save = NULL;

            if (strcmp(type, "cgroup") != 0)
                continue;
            for (tok = strtok_r(super, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
                if (strcmp(tok, controller) == 0)
                    found = true;
        } else {
            found = strcmp(type, "cgroup2") == 0;
        }
        if (found) {
            snprintf(m->root, sizeof(m->root), "%s", root);
            snprintf(m->point, sizeof(m->point), "%s", point);
        }
    }
    fclose(f);
    return found;
}

/* This process's path in the hierarchy of `controller` (NULL: v2). */
static bool own_cgroup_path(const char *controller, char *buf, size_t len)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    char line[4096];
    bool found = false;

    if (!f)
        return false;
    while (!found && fgets(line, sizeof(line), f)) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

        if (!c2)
            continue;
        *c2 = '\0';
        c2[1 + strcspn(c2 + 1, "\n")] = '\0';
        if (!controller) {
            /* "0::/path": line now ends at the second ':', so it reads "0:". */
            found = strcmp(line, "0:") == 0 && c1[1] == '\0';
        } else {
            char *tok, *save = NULL;

            for (tok = strtok_r(c1 + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
                if (strcmp(tok, controller) == 0)
                    found = true;
        }
        if (found)
            snprintf(buf, len, "%s", c2 + 1);
    }
    fclose(f);
    return found;
}

/* Calls visit(dir) for the process's cgroup directory and each ancestor up
 * to the mount point. Returns false if the hierarchy is not visible. */
static bool walk_cgroup(const char *controller, void (*visit)(const char *dir, void *opaque), void *opaque)
{
    struct cg_mount m;
    char path[PATH_MAX], dir[2 * PATH_MAX];
    const char *rel;
    size_t rootlen;

    if (!find_cgroup_mount(controller, &m) || !own_cgroup_path(controller, path, sizeof(path)))
        return false;
    /* Inside a cgroup namespace the mount root is "/" and the path is relative
     * to it; outside, strip the mount's root from the process's path. */
    rootlen = strcmp(m.root, "/") == 0 ? 0 : strlen(m.root);
    rel = strncmp(path, m.root, rootlen) == 0 ? path + rootlen : path;
    snprintf(dir, sizeof(dir), "%s%s", m.point, rel);
    for (;;) {
        char *slash;

        visit(dir, opaque);
        if (strlen(dir) <= strlen(m.point))
            break;
        slash = strrchr(dir, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
    return true;
}

static void tighten_cpu(struct xl_cgroup_limits *l, double cpus)
{
    if (cpus > 0 && (l->cpu_quota == 0 || cpus < l->cpu_quota))
        l->cpu_quota = cpus;
}

static void tighten_mem(struct xl_cgroup_limits *l, uint64_t bytes)
{
    if (bytes > 0 && (l->memory_limit == 0 || bytes < l->memory_limit))
        l->memory_limit = bytes;
}

static void visit_v1_cpu(const char *dir, void *opaque)
{
    char path[2 * PATH_MAX + 32], q[64], p[64];

    snprintf(path, sizeof(path), "%s/cpu.cfs_quota_us", dir);
    if (!read_line(path, q, sizeof(q)))
        return;
    snprintf(path, sizeof(path), "%s/cpu.cfs_period_us", dir);
    if (!read_line(path, p, sizeof(p)))
        return;
    if (atoll(q) > 0 && atoll(p) > 0)
        tighten_cpu(opaque, (double)atoll(q) / (double)atoll(p));
}

static void visit_v1_mem(const char *dir, void *opaque)
{
    char path[2 * PATH_MAX + 32], v[64];
    uint64_t bytes;

    snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", dir);
    if (!read_line(path, v, sizeof(v)))
        return;
    bytes = strtoull(v, NULL, 10);
    if (bytes < V1_UNLIMITED)
        tighten_mem(opaque, bytes);
}

static void visit_v2(const char *dir, void *opaque)
{
    char path[2 * PATH_MAX + 32], v[128];
    long long quota, period;

    snprintf(path, sizeof(path), "%s/cpu.max", dir);
    if (read_line(path, v, sizeof(v)) && sscanf(v, "%lld %lld", &quota, &period) == 2 && period > 0)
        tighten_cpu(opaque, (double)quota / (double)period);
    snprintf(path, sizeof(path), "%s/memory.max", dir);
    if (read_line(path, v, sizeof(v)) && strcmp(v, "max") != 0)
        tighten_mem(opaque, strtoull(v, NULL, 10));
}

static bool v2_has_controllers(void)
{
    struct cg_mount m;
    char path[PATH_MAX + 32], v[256];

    if (!find_cgroup_mount(NULL, &m))
        return false;
    snprintf(path, sizeof(path), "%s/cgroup.controllers", m.point);
    return read_line(path, v, sizeof(v)) && (strstr(v, "cpu") || strstr(v, "memory"));
}

void xl_cgroup_limits_read(struct xl_cgroup_limits *l)
{
    bool v1_cpu, v1_mem;

    memset(l, 0, sizeof(*l));
    l->version = "none";
    /* On a hybrid host the v2 mount exists but holds no controller. */
    if (v2_has_controllers() && walk_cgroup(NULL, visit_v2, l)) {
        l->version = "v2";
        return;
    }
    v1_cpu = walk_cgroup("cpu", visit_v1_cpu, l);
    v1_mem = walk_cgroup("memory", visit_v1_mem, l);
    if (v1_cpu || v1_mem)
        l->version = "v1";
}

static unsigned affinity_cpus(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return (unsigned)CPU_COUNT(&set);
    return (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
}

unsigned xl_cpus_usable(void)
{
    struct xl_cgroup_limits l;
    unsigned n = affinity_cpus();

    xl_cgroup_limits_read(&l);
    if (l.cpu_quota > 0 && ceil(l.cpu_quota) < n)
        n = (unsigned)ceil(l.cpu_quota);
    return n ? n : 1;
}

static const char *fs_magic_name(long type)
{
    switch ((unsigned long)type) {
    case 0xEF53: return "ext4";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x01021994: return "tmpfs";
    case 0x794c7630: return "overlay";
    case 0x01021997: return "9p";
    case 0x6969: return "nfs";
    case 0x858458f6: return "ramfs";
    default: return "unknown";
    }
}

void xl_fs_type(const char *path, char *buf, size_t len)
{
    char real[PATH_MAX], line[4096], best[PATH_MAX] = "";
    FILE *f;
    struct statfs st;

    snprintf(buf, len, "unknown");
    if (!realpath(path, real))
        return;
    if (statfs(real, &st) == 0)
        snprintf(buf, len, "%s", fs_magic_name((long)st.f_type));
    /* mountinfo names ext3 vs ext4 and fuse types that the magic cannot. */
    f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char point[PATH_MAX], type[64];
        char *dash = strstr(line, " - ");
        size_t pl;

        if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 || sscanf(dash + 3, "%63s", type) != 1)
            continue;
        pl = strlen(point);
        if (strncmp(real, point, pl) == 0 && (real[pl] == '/' || real[pl] == '\0' || pl == 1) &&
            pl >= strlen(best)) {
            snprintf(best, sizeof(best), "%s", point);
            snprintf(buf, len, "%s", type);
        }
    }
    fclose(f);
}

static uint64_t mem_total(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    unsigned long long kb = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
            break;
    fclose(f);
    return (uint64_t)kb * 1024;
}

json_object *xl_env_record(const char *arm, const char *workdir)
{
    json_object *o = json_object_new_object();
    struct xl_cgroup_limits l;
    struct statfs sfs;
    struct utsname u;
    char host[256] = "", fs[64];
    const char *ct = getenv("XENLAB_CONTAINER");

    xl_cgroup_limits_read(&l);
    if (gethostname(host, sizeof(host) - 1) < 0)
        host[0] = '\0';
    if (uname(&u) < 0)
        snprintf(u.release, sizeof(u.release), "unknown");
    xl_fs_type(workdir ? workdir : ".", fs, sizeof(fs));
    xl_json_add(o, "host", xl_json_str(host));
    if (arm)
        xl_json_add(o, "arm", xl_json_str(arm));
    xl_json_add(o, "kernel", xl_json_str(u.release));
    xl_json_add(o, "cpus_online", json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
    xl_json_add(o, "cpus_affinity", json_object_new_int((int)affinity_cpus()));
    xl_json_add(o, "cpus_usable", json_object_new_int((int)xl_cpus_usable()));
    xl_json_add(o, "cgroup", xl_json_str(l.version));
    xl_json_add(o, "cpu_quota", l.cpu_quota > 0 ? json_object_new_double(l.cpu_quota) : NULL);
    xl_json_add(o, "mem_total", json_object_new_int64((int64_t)mem_total()));
    xl_json_add(o, "mem_limit", l.memory_limit ? json_object_new_int64((int64_t)l.memory_limit) : NULL);
    xl_json_add(o, "fs", xl_json_str(fs));
    /* The size the benchmark's filesystem really has: a grown clone shows it. */
    if (statfs(workdir ? workdir : ".", &sfs) == 0)
        xl_json_add(o, "fs_bytes", json_object_new_int64((int64_t)((uint64_t)sfs.f_blocks * (uint64_t)sfs.f_bsize)));
    xl_json_add(o, "container", ct && *ct ? xl_json_str(ct) : NULL);
    return o;
}

/* The first directory walk_cgroup visits is the process's own. */
struct own_dir {
    bool done;
    char dir[2 * PATH_MAX];
};

static void visit_own(const char *dir, void *opaque)
{
    struct own_dir *o = opaque;

    if (!o->done)
        snprintf(o->dir, sizeof(o->dir), "%s", dir);
    o->done = true;
}

static bool read_keyed(const char *path, const char *const *keys, unsigned long long *vals, size_t n);

/* The nearest cgroup, the process's own or an ancestor, whose quota has
 * counted periods: the one that throttles (a runtime may put the process in
 * a child of the limited cgroup). */
struct throttler {
    bool found;
    unsigned long long vals[4];
};

static void visit_throttler(const char *dir, void *opaque)
{
    static const char *const keys[] = { "nr_periods", "nr_throttled", "throttled_usec", "throttled_time" };
    struct throttler *t = opaque;
    char path[2 * PATH_MAX + 32], q[64];
    unsigned long long v[4] = { 0 };
    bool limited;

    if (t->found)
        return;
    snprintf(path, sizeof(path), "%s/cpu.stat", dir);
    if (!read_keyed(path, keys, v, 4))
        return;
    /* The cgroup with a quota set (v1 cfs_quota_us > 0, v2 cpu.max not
     * "max"), even before it has counted a period. */
    snprintf(path, sizeof(path), "%s/cpu.cfs_quota_us", dir);
    limited = read_line(path, q, sizeof(q)) && atoll(q) > 0;
    if (!limited) {
        snprintf(path, sizeof(path), "%s/cpu.max", dir);
        limited = read_line(path, q, sizeof(q)) && strncmp(q, "max", 3) != 0;
    }
    if (limited || v[0] > 0) {
        memcpy(t->vals, v, sizeof(v));
        t->found = true;
    }
}

/* "key value" lines of a cgroup stat file into the named counters. */
static bool read_keyed(const char *path, const char *const *keys, unsigned long long *vals, size_t n)
{
    char line[256];
    FILE *f = fopen(path, "re");
    bool any = false;
    size_t i;

    if (!f)
        return false;
    while (fgets(line, sizeof(line), f)) {
        char key[64];
        unsigned long long v;

        if (sscanf(line, "%63s %llu", key, &v) != 2)
            continue;
        for (i = 0; i < n; i++) {
            if (strcmp(key, keys[i]) == 0) {
                vals[i] = v;
                any = true;
            }
        }
    }
    fclose(f);
    return any;
}

void xl_sensors_read(struct xl_sensors *s)
{
    static const char *const oom_keys[] = { "oom_kill" };
    unsigned long long v[10] = { 0 }, oom[1] = { 0 };
    struct throttler thr = { 0 };
    struct own_dir mem = { 0 };
    char line[512], path[2 * PATH_MAX + 32];
    FILE *f;
    bool v2;
    int i;

    memset(s, 0, sizeof(*s));
    f = fopen("/proc/stat", "re");
    if (f) {
        if (fgets(line, sizeof(line), f) &&
            sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                   &v[6], &v[7]) == 8) {
            for (i = 0; i < 8; i++)
                s->total += v[i];
            s->steal = v[7];
            s->have_cpu = true;
        }
        fclose(f);
    }
    v2 = v2_has_controllers();
    if ((v2 ? walk_cgroup(NULL, visit_throttler, &thr) : walk_cgroup("cpu", visit_throttler, &thr)) && thr.found) {
        s->have_cg = true;
        s->nr_periods = thr.vals[0];
        s->nr_throttled = thr.vals[1];
        /* v2 counts microseconds, v1 nanoseconds. */
        s->throttled_usec = v2 ? thr.vals[2] : thr.vals[3] / 1000;
    }
    if (v2 ? walk_cgroup(NULL, visit_own, &mem) : walk_cgroup("memory", visit_own, &mem)) {
        snprintf(path, sizeof(path), "%s/%s", mem.dir, v2 ? "memory.events" : "memory.oom_control");
        if (read_keyed(path, oom_keys, oom, 1)) {
            s->have_oom = true;
            s->oom_kills = oom[0];
        }
    }
}

static json_object *pct2(double v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%.2f", v);
    return json_object_new_double_s(v, buf);
}

json_object *xl_sensors_delta(const struct xl_sensors *a, const struct xl_sensors *b)
{
    json_object *o = json_object_new_object();

    if (a->have_cpu && b->have_cpu && b->total > a->total && b->steal >= a->steal)
        xl_json_add(o, "steal_pct", pct2(100.0 * (double)(b->steal - a->steal) / (double)(b->total - a->total)));
    if (a->have_cg && b->have_cg && b->nr_periods > a->nr_periods && b->nr_throttled >= a->nr_throttled) {
        xl_json_add(o, "throttled_pct", pct2(100.0 * (double)(b->nr_throttled - a->nr_throttled) /
                                             (double)(b->nr_periods - a->nr_periods)));
        if (b->throttled_usec >= a->throttled_usec)
            xl_json_add(o, "throttled_s", pct2((double)(b->throttled_usec - a->throttled_usec) / 1e6));
    }
    if (a->have_oom && b->have_oom && b->oom_kills >= a->oom_kills)
        xl_json_add(o, "oom_kills", json_object_new_int64((int64_t)(b->oom_kills - a->oom_kills)));
    return o;
}
