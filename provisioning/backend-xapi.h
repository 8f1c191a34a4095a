/* The xapi backend's part of a domain description: XenServer / XCP-ng
 * create domains from VMs, so the base is a halted VM (or template) that is
 * cloned on its SR, then sized and started through the xe CLI. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct xl_xapi_desc {
    const char *base_vm;      /* uuid of the VM or template to clone */
    unsigned vcpus;           /* 0: keep the base's */
    uint64_t memory_bytes;    /* 0: keep the base's */
    uint64_t disk_bytes;      /* first disk grown to this; 0: keep */
    const char *plan;         /* plan JSON for xenstore-data, or NULL */
};
