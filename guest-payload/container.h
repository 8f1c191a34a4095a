/* Running the worker inside a CPU/memory-limited container. */
#pragma once

#include "container-spec.h"
#include "xl-spawn.h"

/* Runs `xenlab-guest <worker_argv...>` inside a container limited as c
 * says, with the worker's stdout captured in sr. runtime=auto picks crun,
 * runc, podman, docker (the first installed) and says which on stderr.
 * The worker's --workdir DIR becomes the container's work dir (a private
 * temp dir made under DIR, removed afterwards; volume=HOST:CT overrides).
 *
 * rc is an error, with the reason as the error message, when the container
 * could not be set up, when the worker was OOM-killed inside the limit
 * ("out of memory in container (limit 1 GiB)"), or on SIGINT/SIGTERM (the
 * container is then killed and deleted and the signal re-raised). Any
 * other failure of the worker is in sr (exit status, signal, timed_out).
 *
 * XENLAB_CT_CGROUPNS=0|1 overrides whether an OCI container gets its own
 * cgroup namespace (default: as docker, only on cgroup v2 hosts). */
int xl_container_run(const struct xl_container_spec *c, char *const worker_argv[], double timeout_s,
                     struct xl_spawn_result *sr);
