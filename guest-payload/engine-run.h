/* Running the worker in a podman or docker container (--cpus/--memory). */
#pragma once

#include "container-spec.h"
#include "xl-spawn.h"

/* engine is "podman" or "docker". See xl_container_run. */
int xl_engine_run(const char *engine, const struct xl_container_spec *c, char *const worker_argv[],
                  double timeout_s, struct xl_spawn_result *sr);
