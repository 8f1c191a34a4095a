#include "confounders.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "xl-util.h"

/* Sanity bounds: a guest may claim anything, a report shows only what a
 * machine could have. */
#define MAX_CPUS 65536
#define MAX_BYTES (UINT64_C(1) << 52)   /* 4 PiB */
#define MEM_TOLERANCE 0.05

static json_object *field(json_object *env, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(env, key, &v))
        return NULL;
    return v;
}

static int get_cpus(json_object *env, const char *key)
{
    json_object *v = field(env, key);
    int64_t n;

    if (!v || !json_object_is_type(v, json_type_int))
        return 0;
    n = json_object_get_int64(v);
    return n > 0 && n <= MAX_CPUS ? (int)n : 0;
}

static uint64_t get_bytes(json_object *env, const char *key)
{
    json_object *v = field(env, key);
    int64_t n;

    if (!v || !json_object_is_type(v, json_type_int))
        return 0;
    n = json_object_get_int64(v);
    return n > 0 && (uint64_t)n <= MAX_BYTES ? (uint64_t)n : 0;
}

static double get_quota(json_object *env, const char *key)
{
    json_object *v = field(env, key);
    double q;

    if (!v || !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
        return 0;
    q = json_object_get_double(v);
    return isfinite(q) && q > 0 && q <= MAX_CPUS ? q : 0;
}

static void get_str(json_object *env, const char *key, char *buf)
{
    json_object *v = field(env, key);
    const char *s;
    size_t i;

    buf[0] = '\0';
    if (!v || !json_object_is_type(v, json_type_string))
        return;
    s = json_object_get_string(v);
    for (i = 0; s[i] && i < XL_ENV_STR_MAX - 1; i++)
        buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
    buf[i] = '\0';
}

void xl_arm_env_from_json(json_object *env, struct xl_arm_env *e)
{
    memset(e, 0, sizeof(*e));
    if (!env || !json_object_is_type(env, json_type_object))
        return;
    e->present = true;
    e->cpus_online = get_cpus(env, "cpus_online");
    e->cpus_affinity = get_cpus(env, "cpus_affinity");
    e->cpus_usable = get_cpus(env, "cpus_usable");
    e->cpu_quota = get_quota(env, "cpu_quota");
    e->mem_total = get_bytes(env, "mem_total");
    e->mem_limit = get_bytes(env, "mem_limit");
    get_str(env, "cgroup", e->cgroup);
    get_str(env, "fs", e->fs);
    get_str(env, "kernel", e->kernel);
    get_str(env, "host", e->host);
    get_str(env, "container", e->container);
}

void xl_format_bytes(uint64_t bytes, char *buf, size_t len)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
    double v = (double)bytes;
    size_t u = 0;

    /* 0.9 GiB reads better than 938 MiB for a VM's memory; below 0.1 of a
     * unit, step down. */
    while (u + 1 < XL_ARRAY_SIZE(units) && v >= 1024.0 * 0.1)
        v /= 1024.0, u++;
    if (u && v < 0.1)
        v *= 1024.0, u--;
    if (fabs(v * 10 - round(v * 10)) < 1e-9)
        snprintf(buf, len, "%g %s", round(v * 10) / 10, units[u]);
    else
        snprintf(buf, len, "~%.1f %s", v, units[u]);
}

static void add_diff(struct xl_comparison *c, const char *what, const char *arm, const char *baseline)
{
    struct xl_difference *d;

    if (c->nr_diffs == XL_CONFOUNDERS_MAX)
        return;
    d = &c->diffs[c->nr_diffs++];
    snprintf(d->what, sizeof(d->what), "%s", what);
    snprintf(d->arm, sizeof(d->arm), "%s", arm);
    snprintf(d->baseline, sizeof(d->baseline), "%s", baseline);
}

void xl_compare_envs(const struct xl_arm_env *arm, const struct xl_arm_env *baseline, struct xl_comparison *c)
{
    char a[32], b[32];

    memset(c, 0, sizeof(*c));
    if (!arm->present || !baseline->present) {
        c->unknown = true;
        return;
    }
    c->container_vs_guest = !arm->container[0] != !baseline->container[0];
    if (!c->container_vs_guest && strcmp(arm->container, baseline->container) != 0)
        add_diff(c, "container", arm->container, baseline->container);
    if (arm->cpus_online && baseline->cpus_online && arm->cpus_online != baseline->cpus_online) {
        snprintf(a, sizeof(a), "%d", arm->cpus_online);
        snprintf(b, sizeof(b), "%d", baseline->cpus_online);
        add_diff(c, "vCPUs", a, b);
    }
    if (arm->mem_total && baseline->mem_total) {
        double hi = (double)(arm->mem_total > baseline->mem_total ? arm->mem_total : baseline->mem_total);
        double lo = (double)(arm->mem_total > baseline->mem_total ? baseline->mem_total : arm->mem_total);

        if ((hi - lo) / hi > MEM_TOLERANCE) {
            xl_format_bytes(arm->mem_total, a, sizeof(a));
            xl_format_bytes(baseline->mem_total, b, sizeof(b));
            add_diff(c, "memory", a, b);
        }
    }
    if (arm->fs[0] && baseline->fs[0] && strcmp(arm->fs, baseline->fs) != 0)
        add_diff(c, "filesystem", arm->fs, baseline->fs);
    if (arm->kernel[0] && baseline->kernel[0] && strcmp(arm->kernel, baseline->kernel) != 0)
        add_diff(c, "kernel", arm->kernel, baseline->kernel);
}

char *xl_comparison_sentence(const struct xl_comparison *c, const char *arm, const char *baseline)
{
    char *s = NULL, *t;
    size_t i;

    if (c->unknown)
        return xl_asprintf("%s vs %s: an environment record is missing, so confounders cannot be checked", arm,
                           baseline);
    if (c->nr_diffs == 0)
        return c->container_vs_guest
                   ? xl_asprintf("%s differs from %s only in the container (vCPUs, memory, filesystem and kernel match)",
                                 arm, baseline)
                   : xl_asprintf("%s and %s had the same vCPUs, memory, filesystem and kernel", arm, baseline);
    s = c->container_vs_guest ? xl_asprintf("%s differs from %s in more than the container:", arm, baseline)
                              : xl_asprintf("%s differs from %s in:", arm, baseline);
    for (i = 0; i < c->nr_diffs; i++) {
        const struct xl_difference *d = &c->diffs[i];

        t = xl_asprintf("%s%s %s (%s vs %s)", s, i ? "," : "", d->what, d->arm, d->baseline);
        free(s);
        s = t;
    }
    return s;
}
