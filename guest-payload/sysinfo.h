/* What this process may really use: CPUs (affinity and cgroup CPU quota),
 * memory (cgroup limit), and where its work directory lives. Read from
 * /proc and /sys so the same code tells the truth in a guest, in a
 * container and on any Linux box. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

struct xl_cgroup_limits {
    const char *version;     /* "v1", "v2" or "none": where the limits were found */
    double cpu_quota;        /* in CPUs; 0: unlimited */
    uint64_t memory_limit;   /* bytes; 0: unlimited */
};

/* Reads the limits of this process's cgroup and of every ancestor visible
 * to it, keeping the tightest (a parent's limit binds its children). */
void xl_cgroup_limits_read(struct xl_cgroup_limits *l);

/* CPUs in the affinity mask, capped by ceil(cgroup quota). */
unsigned xl_cpus_usable(void);

/* Filesystem type of the mount holding path ("ext4", "overlay", "tmpfs"). */
void xl_fs_type(const char *path, char *buf, size_t len);

/* The environment record every result carries. arm may be NULL. */
json_object *xl_env_record(const char *arm, const char *workdir);

/* What the machine was doing around a trial: counters read before and
 * after it, from /proc/stat (steal time: the hypervisor ran someone else)
 * and the process's own cgroup (CPU throttling by the quota, OOM kills). */
struct xl_sensors {
    bool have_cpu;                      /* /proc/stat read */
    unsigned long long total, steal;    /* jiffies, all CPUs */
    bool have_cg;                       /* cpu.stat read */
    unsigned long long nr_periods, nr_throttled, throttled_usec;
    bool have_oom;
    unsigned long long oom_kills;
};

void xl_sensors_read(struct xl_sensors *s);

/* {"steal_pct":..,"throttled_pct":..,"throttled_s":..,"oom_kills":..}
 * over [a, b]; a field only where both samples had it. */
json_object *xl_sensors_delta(const struct xl_sensors *a, const struct xl_sensors *b);
