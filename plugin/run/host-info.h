/* Which machine a run ran on, so a report over several runs can name each
 * arm's run and host, and a reader can tell two runs of one spec apart.
 *
 * Recorded once, as "host" in the journal's first "run"/"started" event, and
 * copied into results.json:
 *   {"hostname":S, "cpu_model":S, "cpus":N, "memory":BYTES (the machine's RAM:
 *    Xen's total_memory under Xen), "kernel":S (uname -r),
 *    "xen":S ("4.17.5", from /sys/hypervisor; absent when not under Xen),
 *    "backend":S, "xenlab":S (version), "spec":"fnv1a64:HEX" (of spec.json)}
 * Each string is at most XL_HOST_FIELD_MAX - 1 printable ASCII bytes.
 *
 * Read back (xl_host_info_read) it is data: a results.json may have been
 * copied, merged or edited, so only these fields, bounded and made
 * printable, are taken from it. */
#pragma once

#include <json-c/json.h>
#include <stdint.h>

#define XL_HOST_FIELD_MAX 96

struct xl_host_info {
    char hostname[XL_HOST_FIELD_MAX];
    char cpu_model[XL_HOST_FIELD_MAX];
    char kernel[XL_HOST_FIELD_MAX];
    char xen[XL_HOST_FIELD_MAX];
    char backend[XL_HOST_FIELD_MAX];
    char xenlab[XL_HOST_FIELD_MAX];
    char spec[XL_HOST_FIELD_MAX];
    int cpus;                      /* 0 unknown */
    uint64_t memory;               /* bytes, 0 unknown */
};

/* This machine, now; spec_path is the run's frozen spec.json (its hash;
 * NULL or unreadable leaves "spec" out). Never fails: what cannot be read
 * is left out. */
json_object *xl_host_info_collect(const char *backend, const char *spec_path);

/* The record back from JSON (NULL or not an object: all empty). */
void xl_host_info_read(json_object *o, struct xl_host_info *h);
/* The record as JSON again (the fields it has). */
json_object *xl_host_info_to_json(const struct xl_host_info *h);
