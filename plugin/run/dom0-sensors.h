/* What dom0 sees of a guest while it runs its trials: the CPU time its
 * domain uses, the physical CPUs its vCPUs are on, and which other guests of
 * the run ran at the same time, and on the same pCPUs or not (the guests'
 * own sensors, steal and throttling, come in their results).
 *
 * The runner samples each running guest through its backend (libxl:
 * libxl_domain_info, libxl_list_vcpu; libvirt: virDomainGetInfo,
 * virDomainGetVcpus; xe: nothing) every XL_DOM0_SAMPLE_S, and closes an
 * interval at each of the guest's results: from its previous result (the
 * first: from the domain's start, boot included) to this one. Each interval
 * is a journal event
 *   {"event":"dom0","job":J,"arm":A,"slot":S,"wall_s":X,"cpu_s":X,"vcpus":N,
 *    "pcpus":"0-1","samples":N,"beside":[{"job":J,"arm":A,"shared_pcpus":B}]}
 * which results.json repeats in its "dom0" list (without "event" and "t"). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpuset.h"

#define XL_DOM0_SAMPLE_S 2.0
/* Bounds a reader applies (the journal is data). */
#define XL_DOM0_MAX_SECONDS 1e7
#define XL_DOM0_MAX_BESIDE 64

struct xl_dom0_interval {
    double start, last_sample;
    uint64_t first_cpu_ns, last_cpu_ns;
    bool have_cpu;
    unsigned vcpus;              /* online at the latest sample */
    unsigned samples;
    struct xl_cpuset pcpus;      /* every pCPU its vCPUs were seen on */
    struct xl_cpuset now_pcpus;  /* the latest sample's */
    json_object *beside;         /* job -> {"arm":A,"shared_pcpus":B} */
};

void xl_dom0_interval_init(struct xl_dom0_interval *iv, double now);
void xl_dom0_interval_dispose(struct xl_dom0_interval *iv);
/* A sample (provisioning's struct xl_domain_sample): the domain's CPU time
 * so far, its online vCPUs and the pCPUs they are on. */
void xl_dom0_interval_add(struct xl_dom0_interval *iv, double now, uint64_t cpu_ns, unsigned vcpus,
                          const struct xl_cpuset *pcpus);
/* Another guest of the run was running at this sample, on other_pcpus. */
void xl_dom0_interval_beside(struct xl_dom0_interval *iv, const char *job, const char *arm,
                             const struct xl_cpuset *other_pcpus);
/* The journal event for the interval, or NULL when it has no CPU time. */
json_object *xl_dom0_interval_event(const struct xl_dom0_interval *iv, const char *job, const char *arm, long slot);
/* The next interval starts where this one ended (its last sample). */
void xl_dom0_interval_restart(struct xl_dom0_interval *iv, double now);

/* One record read back (a journal event or a results.json entry), checked:
 * false when it is not one. arm and job are cut to their buffers. */
struct xl_dom0_record {
    char job[128], arm[64];
    long slot;
    double wall_s, cpu_s;
    unsigned vcpus;
    char pcpus[128];
    size_t nr_beside;
    struct {
        char arm[64];
        bool shared_pcpus;
    } beside[XL_DOM0_MAX_BESIDE];
};
bool xl_dom0_record_read(json_object *o, struct xl_dom0_record *r);
/* The same as a results.json entry. */
json_object *xl_dom0_record_to_json(const struct xl_dom0_record *r);
