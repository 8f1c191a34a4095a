/* Running the worker under an OCI runtime (runc, crun) on the host's cgroups. */
#pragma once

#include "container-spec.h"
#include "xl-spawn.h"

/* runtime is "runc" or "crun", found in PATH. See xl_container_run. */
int xl_oci_run(const char *runtime, const struct xl_container_spec *c, char *const worker_argv[],
               double timeout_s, struct xl_spawn_result *sr);
