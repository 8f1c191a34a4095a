/* Running the worker under an OCI runtime (runc, crun) on the host's cgroups. */
#pragma once

#include "container-spec.h"
#include "xl-spawn.h"

/* Where each run keeps its bundle and its owner record (ct-XXXXXX/owner). */
#define XL_OCI_STATE_DIR "/run/xenlab"

/* Reaps what runs whose process is dead left under XL_OCI_STATE_DIR: their
 * container (runtime delete --force), cgroups, work dir and bundle. Only
 * ct-XXXXXX dirs whose owner record names our own id and work dir pattern;
 * no symlink is followed. Every xl_oci_run starts with it. */
void xl_oci_reap(void);

/* runtime is "runc" or "crun", found in PATH. See xl_container_run. */
int xl_oci_run(const char *runtime, const struct xl_container_spec *c, char *const worker_argv[],
               double timeout_s, struct xl_spawn_result *sr);
