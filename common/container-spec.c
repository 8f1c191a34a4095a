#include "container-spec.h"

#include <stdio.h>
#include <string.h>

#include "json-util.h"
#include "size.h"
#include "xl-util.h"

#define MAX_CPUS 1024.0
/* The OCI bundle sets quota = cpus * 100000 us per 100000 us period, and the
 * kernel refuses a CFS quota under 1000 us (1e-308 used to round to 0, which
 * runc takes as "no limit"): 0.01 CPU is the least we can express. */
#define MIN_CPUS 0.01
#define MIN_MEMORY (4 * XL_MiB)

static const char *const runtimes[] = { "auto", "runc", "crun", "podman", "docker", NULL };

void xl_container_spec_init(struct xl_container_spec *c)
{
    memset(c, 0, sizeof(*c));
}

void xl_container_spec_dispose(struct xl_container_spec *c)
{
    free(c->runtime);
    free(c->rootfs);
    free(c->image);
    free(c->volume);
    xl_container_spec_init(c);
}

static char *dup_or_null(const char *s)
{
    return s ? xl_strdup(s) : NULL;
}

void xl_container_spec_copy(struct xl_container_spec *dst, const struct xl_container_spec *src)
{
    dst->cpus = src->cpus;
    dst->memory = src->memory;
    dst->runtime = dup_or_null(src->runtime);
    dst->rootfs = dup_or_null(src->rootfs);
    dst->image = dup_or_null(src->image);
    dst->volume = dup_or_null(src->volume);
}

static int check_runtime(const char *where, const char *rt)
{
    const char *const *r;

    for (r = runtimes; *r; r++)
        if (strcmp(*r, rt) == 0)
            return XL_OK;
    return xl_error(XL_ERR_INVAL, "%s: unknown runtime \"%s\" (auto, runc, crun, podman, docker)", where, rt);
}

static int check_complete(const char *where, const struct xl_container_spec *c)
{
    if (!(c->cpus >= MIN_CPUS))
        return xl_error(XL_ERR_INVAL, "%s: cpus must be at least %g", where, MIN_CPUS);
    if (c->cpus > MAX_CPUS)
        return xl_error(XL_ERR_INVAL, "%s: cpus must be at most %g", where, MAX_CPUS);
    if (c->memory < MIN_MEMORY)
        return xl_error(XL_ERR_INVAL, "%s: memory must be at least 4 MiB", where);
    if (c->rootfs && c->image)
        return xl_error(XL_ERR_INVAL, "%s: give rootfs or image, not both", where);
    if (c->volume && (!strchr(c->volume, ':') || c->volume[0] != '/'))
        return xl_error(XL_ERR_INVAL, "%s: volume must be HOST:CT with absolute paths", where);
    return XL_OK;
}

int xl_container_spec_parse(const char *text, struct xl_container_spec *c)
{
    xl_autofree char *copy = xl_strdup(text);
    char *save = NULL, *item;
    int rc;

    for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        char *end = NULL;

        if (!eq)
            return xl_error(XL_ERR_INVAL, "--container: \"%s\" is not KEY=VALUE", item);
        *eq++ = '\0';
        if (strcmp(item, "cpus") == 0) {
            c->cpus = strtod(eq, &end);
            if (end == eq || *end)
                return xl_error(XL_ERR_INVAL, "--container: cpus \"%s\" is not a number", eq);
        } else if (strcmp(item, "memory") == 0) {
            rc = xl_size_parse(eq, &c->memory);
            if (rc)
                return xl_error_prefix(rc, "--container: memory");
        } else if (strcmp(item, "runtime") == 0) {
            rc = check_runtime("--container", eq);
            if (rc)
                return rc;
            free(c->runtime);
            c->runtime = xl_strdup(eq);
        } else if (strcmp(item, "rootfs") == 0) {
            free(c->rootfs);
            c->rootfs = xl_strdup(eq);
        } else if (strcmp(item, "image") == 0) {
            free(c->image);
            c->image = xl_strdup(eq);
        } else if (strcmp(item, "volume") == 0) {
            free(c->volume);
            c->volume = xl_strdup(eq);
        } else {
            return xl_error(XL_ERR_INVAL, "--container: unknown key \"%s\" (cpus, memory, runtime, rootfs, image, volume)",
                            item);
        }
    }
    return check_complete("--container", c);
}

char *xl_container_spec_format(const struct xl_container_spec *c)
{
    char *s = xl_asprintf("cpus=%g,memory=%llu,runtime=%s", c->cpus, (unsigned long long)c->memory,
                          c->runtime ? c->runtime : "auto");
    const char *keys[] = { "rootfs", "image", "volume" };
    const char *vals[] = { c->rootfs, c->image, c->volume };
    size_t i;

    for (i = 0; i < XL_ARRAY_SIZE(keys); i++) {
        if (vals[i]) {
            char *t = xl_asprintf("%s,%s=%s", s, keys[i], vals[i]);

            free(s);
            s = t;
        }
    }
    return s;
}

int xl_container_spec_from_json(json_object *obj, const char *path, struct xl_container_spec *c)
{
    static const char *const keys[] = { "cpus", "memory", "runtime", "rootfs", "image", "volume", NULL };
    const char *s = NULL;
    json_object *mem = NULL;
    int rc;

    rc = xl_json_need_object(obj, path);
    if (!rc)
        rc = xl_json_check_keys(obj, path, keys);
    if (!rc)
        rc = xl_json_get_double(obj, path, "cpus", true, -MAX_CPUS, MAX_CPUS, &c->cpus);
    if (!rc && !(c->cpus > 0))
        rc = xl_error(XL_ERR_INVAL, "%s.cpus: must be > 0", path);
    if (!rc && c->cpus < MIN_CPUS)
        rc = xl_error(XL_ERR_INVAL, "%s.cpus: must be at least %g (a CPU quota of 1000 us per 100000 us)",
                      path, MIN_CPUS);
    if (rc)
        return rc;
    if (!json_object_object_get_ex(obj, "memory", &mem)) {
        xl_autofree char *kpath = xl_json_path_key(path, "memory");

        return xl_error(XL_ERR_INVAL, "%s: missing required field", kpath);
    }
    if (!mem) {
        xl_autofree char *kpath = xl_json_path_key(path, "memory");

        return xl_error(XL_ERR_INVAL, "%s: must be a size string or a byte count, not null", kpath);
    }
    if (json_object_is_type(mem, json_type_int)) {
        int64_t v;
        xl_autofree char *kpath = xl_json_path_key(path, "memory");

        rc = xl_json_as_int(mem, kpath, (int64_t)MIN_MEMORY, INT64_MAX, &v);
        if (rc)
            return rc;
        c->memory = (uint64_t)v;
    } else {
        xl_autofree char *kpath = xl_json_path_key(path, "memory");

        rc = xl_json_as_string(mem, kpath, 32, &s);
        if (!rc && xl_size_parse(s, &c->memory))
            rc = xl_error_prefix(XL_ERR_INVAL, "%s", kpath);
        if (rc)
            return rc;
    }
    s = NULL;
    rc = xl_json_get_string(obj, path, "runtime", false, 16, &s);
    if (!rc && s) {
        xl_autofree char *kpath = xl_json_path_key(path, "runtime");

        rc = check_runtime(kpath, s);
        if (!rc)
            c->runtime = xl_strdup(s);
    }
    {
        const char *fields[] = { "rootfs", "image", "volume" };
        char **dst[] = { &c->rootfs, &c->image, &c->volume };
        size_t i;

        for (i = 0; !rc && i < XL_ARRAY_SIZE(fields); i++) {
            s = NULL;
            rc = xl_json_get_string(obj, path, fields[i], false, 1024, &s);
            if (!rc && s)
                *dst[i] = xl_strdup(s);
        }
    }
    if (!rc) {
        xl_autofree char *where = xl_strdup(path);

        rc = check_complete(where, c);
    }
    return rc;
}

json_object *xl_container_spec_to_json(const struct xl_container_spec *c)
{
    json_object *o = json_object_new_object();

    xl_json_add(o, "cpus", json_object_new_double(c->cpus));
    xl_json_add(o, "memory", json_object_new_int64((int64_t)c->memory));
    xl_json_add(o, "runtime", xl_json_str(c->runtime ? c->runtime : "auto"));
    if (c->rootfs)
        xl_json_add(o, "rootfs", xl_json_str(c->rootfs));
    if (c->image)
        xl_json_add(o, "image", xl_json_str(c->image));
    if (c->volume)
        xl_json_add(o, "volume", xl_json_str(c->volume));
    return o;
}
