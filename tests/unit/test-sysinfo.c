#include <unistd.h>

#include "json-util.h"
#include "sysinfo.h"
#include "tap.h"

int main(void)
{
    struct xl_cgroup_limits l;
    json_object *env, *v;
    char fs[64];
    unsigned n = xl_cpus_usable();

    tap_ok(n >= 1 && n <= (unsigned)sysconf(_SC_NPROCESSORS_ONLN), "usable CPUs %u within 1..online", n);
    xl_cgroup_limits_read(&l);
    tap_ok(strcmp(l.version, "v1") == 0 || strcmp(l.version, "v2") == 0 || strcmp(l.version, "none") == 0,
           "cgroup version is %s", l.version);
    tap_diag("cpu quota %.2f, memory limit %llu", l.cpu_quota, (unsigned long long)l.memory_limit);
    xl_fs_type("/proc", fs, sizeof(fs));
    TAP_EQ_STR(fs, "proc", "/proc is procfs");
    xl_fs_type("/proc/self", fs, sizeof(fs));
    TAP_EQ_STR(fs, "proc", "a path below a mount point takes its type");
    env = xl_env_record("vm1", "/tmp");
    tap_ok(json_object_object_get_ex(env, "cpus_usable", &v) && json_object_get_int(v) == (int)n, "env: cpus_usable");
    tap_ok(json_object_object_get_ex(env, "mem_total", &v) && json_object_get_int64(v) > 0, "env: mem_total");
    tap_ok(json_object_object_get_ex(env, "kernel", &v) && json_object_get_string_len(v) > 0, "env: kernel");
    tap_ok(json_object_object_get_ex(env, "fs", &v) && strcmp(json_object_get_string(v), "unknown") != 0,
           "env: fs of /tmp is %s", json_object_get_string(v));
    tap_ok(json_object_object_get_ex(env, "arm", &v) && strcmp(json_object_get_string(v), "vm1") == 0, "env: arm");
    tap_ok(strlen(xl_json_compact(env)) < 600, "env record is compact (%zu bytes)", strlen(xl_json_compact(env)));
    tap_diag("%s", xl_json_compact(env));
    json_object_put(env);
    return tap_done();
}
