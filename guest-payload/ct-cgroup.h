/* The host's view of a container's cgroup: which hierarchies exist, the
 * container's OOM counter, and removing what a runtime leaves behind. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the unified (v2) hierarchy is mounted and whether it holds the
 * controllers (pure v2) or nothing (a v1 "hybrid" host). */
struct xl_ct_cgroups {
    char unified[256];       /* "" if no cgroup2 mount */
    bool unified_has_controllers;
    bool has_v1;             /* at least one v1 hierarchy mounted */
};

void xl_ct_cgroups_probe(struct xl_ct_cgroups *cg);

/* OOM kills counted in the memory cgroup at cgpath ("/xenlab/<id>"):
 * v2 memory.events oom_kill, v1 memory.oom_control oom_kill (memory.failcnt
 * on kernels without that line). XL_ERR_NOTFOUND if the cgroup is gone. */
int xl_ct_cgroup_oom_kills(const struct xl_ct_cgroups *cg, const char *cgpath, uint64_t *kills_r);
/* The kernel's count of OOM kills since boot (/proc/vmstat oom_kill, 4.13+):
 * the witness left when an engine removed the container's cgroup and will
 * not say (podman 4.3 on cgroup v1 reports OOMKilled false). */
int xl_oom_kills_system(uint64_t *kills_r);

/* Removes cgpath and then its empty ancestors (up to its first component)
 * in every mounted hierarchy; a directory still in use by another run is
 * left alone. Returns how many directories cgpath still exists as. */
int xl_ct_cgroup_remove(const char *cgpath);
