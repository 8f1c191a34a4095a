/* Running the worker inside a CPU/memory-limited container. */
#pragma once

#include "container-spec.h"
#include "xl-spawn.h"

/* Runs `xenlab-guest <worker_argv...>` inside a container limited as c
 * says, with the worker's stdout captured in sr. A failure to set the
 * container up is an error (rc); the worker's own failure is in sr. */
int xl_container_run(const struct xl_container_spec *c, char *const worker_argv[], double timeout_s,
                     struct xl_spawn_result *sr);
