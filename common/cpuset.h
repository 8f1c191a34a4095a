/* Sets of physical CPUs for vCPU pinning ("cpus": "0-3,6" in an arm):
 * parsed strictly, written back canonically, compared for overlap. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define XL_CPUSET_MAX 1024

struct xl_cpuset {
    uint64_t bits[XL_CPUSET_MAX / 64];
};

/* "N" and "A-B" (A <= B) items, comma-separated, each CPU below
 * XL_CPUSET_MAX, no blanks, at least one CPU. Errors name what. */
int xl_cpuset_parse(const char *s, const char *what, struct xl_cpuset *set);
bool xl_cpuset_has(const struct xl_cpuset *set, unsigned cpu);
/* Adds cpu (ignored at or beyond XL_CPUSET_MAX); or every CPU of from. */
void xl_cpuset_add(struct xl_cpuset *set, unsigned cpu);
void xl_cpuset_add_all(struct xl_cpuset *set, const struct xl_cpuset *from);
bool xl_cpuset_empty(const struct xl_cpuset *set);
/* The highest CPU in the set, plus one (0 for an empty set). */
unsigned xl_cpuset_end(const struct xl_cpuset *set);
bool xl_cpuset_overlap(const struct xl_cpuset *a, const struct xl_cpuset *b);
/* Canonical ranges, "0-3,6"; with ranges false every CPU, "0,1,2,3,6"
 * (XAPI's VCPUs-params:mask). Caller frees. */
char *xl_cpuset_format(const struct xl_cpuset *set, bool ranges);
