#include "ct-cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl-util.h"

/* Calls visit(point, type) for each cgroup/cgroup2 mount in mountinfo. */
static void each_cgroup_mount(void (*visit)(const char *point, const char *type, const char *super, void *opaque),
                              void *opaque)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[4096];

    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char point[PATH_MAX], type[64], super[1024];
        char *dash = strstr(line, " - ");

        if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
            sscanf(dash + 3, "%63s %*s %1023s", type, super) != 2)
            continue;
        if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)
            visit(point, type, super, opaque);
    }
    fclose(f);
}

static void probe_one(const char *point, const char *type, const char *super, void *opaque)
{
    struct xl_ct_cgroups *cg = opaque;
    char path[PATH_MAX + 32], buf[256] = "";
    FILE *f;

    (void)super;
    if (strcmp(type, "cgroup") == 0) {
        cg->has_v1 = true;
        return;
    }
    if (cg->unified[0])
        return;
    snprintf(cg->unified, sizeof(cg->unified), "%s", point);
    snprintf(path, sizeof(path), "%s/cgroup.controllers", point);
    f = fopen(path, "re");
    if (f) {
        if (!fgets(buf, sizeof(buf), f))
            buf[0] = '\0';
        fclose(f);
    }
    cg->unified_has_controllers = strstr(buf, "memory") || strstr(buf, "cpu");
}

void xl_ct_cgroups_probe(struct xl_ct_cgroups *cg)
{
    memset(cg, 0, sizeof(*cg));
    each_cgroup_mount(probe_one, cg);
}

struct find_ctl {
    const char *controller;
    char point[PATH_MAX];
};

static void find_v1(const char *point, const char *type, const char *super, void *opaque)
{
    struct find_ctl *fc = opaque;
    char opts[1024], *tok, *save = NULL;

    if (fc->point[0] || strcmp(type, "cgroup") != 0)
        return;
    snprintf(opts, sizeof(opts), "%s", super);
    for (tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        if (strcmp(tok, fc->controller) == 0)
            snprintf(fc->point, sizeof(fc->point), "%s", point);
}

/* The value of the "key N" line of a flat-keyed cgroup file. */
static int read_keyed(const char *path, const char *key, uint64_t *v_r)
{
    FILE *f = fopen(path, "re");
    char line[256], k[64];
    uint64_t v;
    int rc = XL_ERR_NOTFOUND;

    if (!f)
        return XL_ERR_NOTFOUND;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%63s %" SCNu64, k, &v) == 2 && strcmp(k, key) == 0) {
            *v_r = v;
            rc = XL_OK;
            break;
        }
    }
    fclose(f);
    return rc;
}

int xl_oom_kills_system(uint64_t *kills_r)
{
    *kills_r = 0;
    return read_keyed("/proc/vmstat", "oom_kill", kills_r);
}

int xl_ct_cgroup_oom_kills(const struct xl_ct_cgroups *cg, const char *cgpath, uint64_t *kills_r)
{
    char path[2 * PATH_MAX], num[64];
    struct find_ctl fc = { .controller = "memory" };
    FILE *f;

    *kills_r = 0;
    if (cg->unified[0] && cg->unified_has_controllers) {
        snprintf(path, sizeof(path), "%s%s/memory.events", cg->unified, cgpath);
        return read_keyed(path, "oom_kill", kills_r);
    }
    each_cgroup_mount(find_v1, &fc);
    if (!fc.point[0])
        return XL_ERR_NOTFOUND;
    snprintf(path, sizeof(path), "%s%s/memory.oom_control", fc.point, cgpath);
    if (read_keyed(path, "oom_kill", kills_r) == XL_OK)
        return XL_OK;
    /* Kernels before 4.13 have no oom_kill line: a hit limit is the best sign. */
    snprintf(path, sizeof(path), "%s%s/memory.failcnt", fc.point, cgpath);
    f = fopen(path, "re");
    if (!f)
        return XL_ERR_NOTFOUND;
    if (fgets(num, sizeof(num), f))
        *kills_r = strtoull(num, NULL, 10) > 0;
    fclose(f);
    return XL_OK;
}

struct remove_ctx {
    const char *cgpath;
    int left;
};

static void remove_one(const char *point, const char *type, const char *super, void *opaque)
{
    struct remove_ctx *rc = opaque;
    char dir[2 * PATH_MAX];
    size_t stop = strlen(point) + 1;
    const char *first_end = strchr(rc->cgpath + 1, '/');

    (void)type;
    (void)super;
    /* Never climb above the first component ("/xenlab"). */
    if (first_end)
        stop += (size_t)(first_end - rc->cgpath - 1);
    else
        stop += strlen(rc->cgpath) - 1;
    snprintf(dir, sizeof(dir), "%s%s", point, rc->cgpath);
    if (rmdir(dir) < 0 && errno != ENOENT)
        rc->left++;
    for (;;) {
        char *slash = strrchr(dir, '/');

        if (!slash || (size_t)(slash - dir) < stop)
            break;
        *slash = '\0';
        if (rmdir(dir) < 0)
            break;
    }
}

int xl_ct_cgroup_remove(const char *cgpath)
{
    struct remove_ctx rc = { .cgpath = cgpath };

    if (cgpath[0] != '/' || strstr(cgpath, ".."))
        return 0;
    each_cgroup_mount(remove_one, &rc);
    return rc.left;
}
