/* What each arm really had, and whether a comparison between two arms
 * changes more than the factor under study.
 *
 * The environment records come from the guests (guest-payload/sysinfo.c
 * xl_env_record), so every field is validated and bounded here before a
 * report writer sees it: a field that is missing, of the wrong type or out
 * of range is "unknown" and never compared. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XL_ENV_STR_MAX 64

struct xl_arm_env {
    bool present;                      /* the arm had an environment record at all */
    int cpus_online, cpus_affinity, cpus_usable;   /* 0 = unknown */
    double cpu_quota;                  /* CPUs' worth of cgroup quota; 0 = none or unknown */
    uint64_t mem_total, mem_limit;     /* bytes; 0 = unknown / no limit */
    char cgroup[XL_ENV_STR_MAX];       /* "" = unknown */
    char fs[XL_ENV_STR_MAX];
    char kernel[XL_ENV_STR_MAX];
    char host[XL_ENV_STR_MAX];
    char container[XL_ENV_STR_MAX];    /* runtime name, "" when the arm ran in the guest */
};

/* Reads an environment record (NULL gives present = false). Strings keep
 * printable ASCII only (others become '?') and are cut at XL_ENV_STR_MAX - 1. */
void xl_arm_env_from_json(json_object *env, struct xl_arm_env *e);

/* "2 GiB", "~0.9 GiB", "512 MiB", "~1.5 MiB"; buf of at least 32 bytes. */
void xl_format_bytes(uint64_t bytes, char *buf, size_t len);

#define XL_CONFOUNDERS_MAX 8

struct xl_difference {
    char what[16];                     /* "vCPUs", "memory", "filesystem", "kernel" */
    char arm[XL_ENV_STR_MAX + 8];      /* value in the arm, formatted for people */
    char baseline[XL_ENV_STR_MAX + 8]; /* value in the baseline arm */
};

struct xl_comparison {
    bool container_vs_guest;           /* the factor under study */
    bool unknown;                      /* one side has no environment record */
    size_t nr_diffs;
    struct xl_difference diffs[XL_CONFOUNDERS_MAX];
};

/* Compares arm against baseline. With one arm in a container and the other
 * not, the factor under study is "container vs guest", and every other
 * difference among vCPUs online, memory (beyond 5 %), filesystem and kernel
 * is a confounder. Otherwise every such difference is listed, since nothing
 * tells which one is under study. */
void xl_compare_envs(const struct xl_arm_env *arm, const struct xl_arm_env *baseline, struct xl_comparison *c);

/* One plain sentence, e.g. "vm2 differs from vm1 in more than the container:
 * vCPUs (2 vs 1), memory (2 GiB vs ~0.9 GiB), filesystem (overlay vs ext4)".
 * Always a malloc'd sentence (also when nothing differs or a record is
 * missing). Names and values are used as given: the caller escapes the
 * whole sentence for its format. */
char *xl_comparison_sentence(const struct xl_comparison *c, const char *arm, const char *baseline);
