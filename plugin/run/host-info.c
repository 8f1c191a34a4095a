#include "host-info.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "json-util.h"
#include "text.h"
#include "xl-spawn.h"
#include "xl-util.h"

/* A small file's first line (sysfs, procfs), or "" when absent. */
static void first_line(const char *path, char *buf, size_t len)
{
    xl_autofree char *text = NULL;
    size_t n = 0;

    buf[0] = '\0';
    if (xl_read_file(path, 4096, &text, &n) != XL_OK) {
        xl_error_clear();
        return;
    }
    text[strcspn(text, "\n")] = '\0';
    snprintf(buf, len, "%s", text);
}

/* /proc/cpuinfo's first "model name" (x86) or "cpu model"/"Processor". */
static void cpu_model(char *buf, size_t len)
{
    xl_autofree char *text = NULL;
    size_t n = 0;
    char *line, *end;

    buf[0] = '\0';
    if (xl_read_file("/proc/cpuinfo", 4u << 20, &text, &n) != XL_OK) {
        xl_error_clear();
        return;
    }
    for (line = text; *line; line = *end ? end + 1 : end) {
        char *colon;

        end = strchrnul(line, '\n');
        colon = memchr(line, ':', (size_t)(end - line));
        if (!colon || (strncmp(line, "model name", 10) != 0 && strncmp(line, "cpu model", 9) != 0 &&
                       strncmp(line, "Processor", 9) != 0))
            continue;
        colon++;
        colon += strspn(colon, " \t");
        snprintf(buf, len, "%.*s", (int)(end - colon), colon);
        return;
    }
}

/* "4.17.5-pre" from /sys/hypervisor/version/{major,minor,extra}, on Xen only. */
static void xen_version(char *buf, size_t len)
{
    char type[16], major[16], minor[16], extra[32];

    buf[0] = '\0';
    first_line("/sys/hypervisor/type", type, sizeof(type));
    if (strcmp(type, "xen") != 0)
        return;
    first_line("/sys/hypervisor/version/major", major, sizeof(major));
    first_line("/sys/hypervisor/version/minor", minor, sizeof(minor));
    first_line("/sys/hypervisor/version/extra", extra, sizeof(extra));
    if (major[0] && minor[0])
        snprintf(buf, len, "%s.%s%s", major, minor, extra);
}

/* The machine's RAM in bytes: Xen's total_memory (xl info, MiB) under Xen,
 * where dom0's own MemTotal is only dom0's share; else /proc/meminfo. 0 when
 * neither can be read. */
static uint64_t host_memory(bool under_xen)
{
    xl_autofree char *text = NULL;
    unsigned long long v = 0;
    size_t n = 0;
    const char *p;

    if (under_xen) {
        char *argv[] = { (char *)"xl", (char *)"info", NULL };
        struct xl_spawn_result r;

        if (xl_spawn_capture(argv, XL_SPAWN_QUIET_STDERR, 30, 64 * 1024, &r) == XL_OK && r.exit_code == 0 && r.out &&
            (p = strstr(r.out, "\ntotal_memory")) && sscanf(p, "\ntotal_memory : %llu", &v) == 1) {
            xl_spawn_result_dispose(&r);
            return v > 0 && v < (1ull << 32) ? (uint64_t)v << 20 : 0;
        }
        xl_spawn_result_dispose(&r);
        xl_error_clear();
        return 0;
    }
    if (xl_read_file("/proc/meminfo", 64 * 1024, &text, &n) == XL_OK && (p = strstr(text, "MemTotal:")) &&
        sscanf(p, "MemTotal: %llu kB", &v) == 1 && v < (1ull << 44))
        return (uint64_t)v << 10;
    xl_error_clear();
    return 0;
}

static void add_field(json_object *o, const char *key, char *value)
{
    xl_text_ascii(value, XL_HOST_FIELD_MAX - 1);
    if (value[0])
        xl_json_add(o, key, xl_json_str(value));
}

json_object *xl_host_info_collect(const char *backend, const char *spec_path)
{
    json_object *o = json_object_new_object();
    char buf[XL_HOST_FIELD_MAX];
    struct utsname u;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    if (gethostname(buf, sizeof(buf) - 1) < 0)
        buf[0] = '\0';
    buf[sizeof(buf) - 1] = '\0';
    add_field(o, "hostname", buf);
    cpu_model(buf, sizeof(buf));
    add_field(o, "cpu_model", buf);
    if (cpus > 0)
        xl_json_add(o, "cpus", json_object_new_int((int)(cpus < 65536 ? cpus : 65536)));
    if (uname(&u) == 0) {
        snprintf(buf, sizeof(buf), "%s", u.release);
        add_field(o, "kernel", buf);
    }
    xen_version(buf, sizeof(buf));
    {
        uint64_t mem = host_memory(buf[0] != '\0');

        if (mem)
            xl_json_add(o, "memory", json_object_new_int64((int64_t)mem));
    }
    add_field(o, "xen", buf);
    snprintf(buf, sizeof(buf), "%s", backend ? backend : "");
    add_field(o, "backend", buf);
    snprintf(buf, sizeof(buf), "%s", XENLAB_VERSION);
    add_field(o, "xenlab", buf);
    if (spec_path) {
        xl_autofree char *text = NULL;
        uint64_t h = XL_FNV1A64_INIT;
        size_t n = 0;

        if (xl_read_file(spec_path, 16u << 20, &text, &n) == XL_OK) {
            xl_fnv1a64(&h, text, n);
            snprintf(buf, sizeof(buf), "fnv1a64:%016" PRIx64, h);
            add_field(o, "spec", buf);
        }
        xl_error_clear();
    }
    return o;
}

static void get_field(json_object *o, const char *key, char *buf)
{
    json_object *v = NULL;

    buf[0] = '\0';
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return;
    snprintf(buf, XL_HOST_FIELD_MAX, "%s", json_object_get_string(v));
    xl_text_ascii(buf, XL_HOST_FIELD_MAX - 1);
}

void xl_host_info_read(json_object *o, struct xl_host_info *h)
{
    json_object *v = NULL;

    memset(h, 0, sizeof(*h));
    if (!o || !json_object_is_type(o, json_type_object))
        return;
    get_field(o, "hostname", h->hostname);
    get_field(o, "cpu_model", h->cpu_model);
    get_field(o, "kernel", h->kernel);
    get_field(o, "xen", h->xen);
    get_field(o, "backend", h->backend);
    get_field(o, "xenlab", h->xenlab);
    get_field(o, "spec", h->spec);
    if (json_object_object_get_ex(o, "cpus", &v) && json_object_is_type(v, json_type_int)) {
        int64_t n = json_object_get_int64(v);

        h->cpus = n > 0 && n <= 65536 ? (int)n : 0;
    }
    if (json_object_object_get_ex(o, "memory", &v) && json_object_is_type(v, json_type_int)) {
        int64_t n = json_object_get_int64(v);

        h->memory = n > 0 && n < (INT64_C(1) << 50) ? (uint64_t)n : 0;
    }
}

json_object *xl_host_info_to_json(const struct xl_host_info *h)
{
    json_object *o = json_object_new_object();
    const char *keys[] = { "hostname", "cpu_model", "kernel", "xen", "backend", "xenlab", "spec" };
    const char *vals[] = { h->hostname, h->cpu_model, h->kernel, h->xen, h->backend, h->xenlab, h->spec };
    size_t i;

    for (i = 0; i < XL_ARRAY_SIZE(keys); i++)
        if (vals[i][0])
            xl_json_add(o, keys[i], xl_json_str(vals[i]));
    if (h->cpus)
        xl_json_add(o, "cpus", json_object_new_int(h->cpus));
    if (h->memory)
        xl_json_add(o, "memory", json_object_new_int64((int64_t)h->memory));
    return o;
}
