/* xe command lines for the xapi backend (XenServer / XCP-ng), built as argv
 * arrays: never a shell, and pure, so tests can hold them against xe's
 * documented syntax without a XAPI. Every VM is addressed by uuid=. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A NULL-terminated argument vector that owns its strings. */
struct xl_argv {
    char **v;
    size_t n;
};

void xl_argv_init(struct xl_argv *a);
void xl_argv_dispose(struct xl_argv *a);
void xl_argv_add(struct xl_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One line, each argument in [brackets]: for golden files and messages. */
char *xl_argv_format(const struct xl_argv *a);

/* xe vm-clone uuid=SRC new-name-label=NAME: a copy-on-write clone on the SR. */
void xl_xe_argv_clone(struct xl_argv *a, const char *src_uuid, const char *name);
/* A clone of a template is a template; the clone must be a VM. */
void xl_xe_argv_not_template(struct xl_argv *a, const char *uuid);
/* The VDI behind the clone's first disk (userdevice 0). */
void xl_xe_argv_disk_vdi(struct xl_argv *a, const char *uuid);
void xl_xe_argv_vdi_size(struct xl_argv *a, const char *vdi_uuid);
void xl_xe_argv_vdi_resize(struct xl_argv *a, const char *vdi_uuid, uint64_t bytes);
/* Halted VM. XAPI checks VCPUs-at-startup <= VCPUs-max at each step, so
 * growing sets the maximum first and shrinking the startup count first. */
void xl_xe_argv_vcpus(struct xl_argv *a, const char *uuid, unsigned vcpus, bool grow);
/* Halted VM: every vCPU pinned to the pCPUs of mask ("0,1,2"). */
void xl_xe_argv_vcpu_mask(struct xl_argv *a, const char *uuid, const char *mask);
/* Running VM. */
void xl_xe_argv_vcpu_hotplug(struct xl_argv *a, const char *uuid, unsigned vcpus);
/* Halted VM: static and dynamic limits all at bytes (no ballooning). */
void xl_xe_argv_memory_limits(struct xl_argv *a, const char *uuid, uint64_t bytes);
/* Running VM. */
void xl_xe_argv_memory_dynamic(struct xl_argv *a, const char *uuid, uint64_t bytes);
/* vm-param-set uuid=U xenstore-data:vm-data/xenlab/plan=JSON: XAPI writes it
 * into the guest's XenStore home when the domain is built. Longer than
 * XL_XS_CHUNK_BYTES: the chunks of common/xs-layout.h (plan/0.., plan/chunks).
 * XL_ERR_INVAL if the plan is too long or not printable ASCII. */
int xl_xe_argv_plan(struct xl_argv *a, const char *uuid, const char *plan, size_t len);
void xl_xe_argv_start_paused(struct xl_argv *a, const char *uuid);
void xl_xe_argv_unpause(struct xl_argv *a, const char *uuid);
void xl_xe_argv_shutdown_force(struct xl_argv *a, const char *uuid);
/* Removes the VM and the disks only it uses (vm-destroy would leave them). */
void xl_xe_argv_uninstall(struct xl_argv *a, const char *uuid);
void xl_xe_argv_param_get(struct xl_argv *a, const char *uuid, const char *param);
void xl_xe_argv_find_vm(struct xl_argv *a, const char *name);
void xl_xe_argv_host_list(struct xl_argv *a);
void xl_xe_argv_host_free_memory(struct xl_argv *a, const char *host_uuid);
