/* Which container runtime runs a trial, and the one-line error when the one
 * asked for is not installed. */
#include "container.h"

#include <stdio.h>
#include <string.h>

#include "engine-run.h"
#include "oci-run.h"
#include "xl-util.h"

static const struct {
    const char *name;
    const char *package;   /* Debian */
} runtimes[] = {
    { "crun", "crun" },
    { "runc", "runc" },
    { "podman", "podman" },
    { "docker", "docker.io" },
};

int xl_container_run(const struct xl_container_spec *c, char *const worker_argv[], double timeout_s,
                     struct xl_spawn_result *sr)
{
    const char *rt = c->runtime && *c->runtime ? c->runtime : "auto";
    size_t i;

    xl_spawn_result_init(sr);
    if (strcmp(rt, "auto") == 0) {
        for (i = 0; i < XL_ARRAY_SIZE(runtimes); i++)
            if (xl_program_exists(runtimes[i].name))
                break;
        if (i == XL_ARRAY_SIZE(runtimes))
            return xl_error(XL_ERR_NOTFOUND,
                            "no container runtime found (install the Debian package crun, runc, podman or docker.io)");
        rt = runtimes[i].name;
        fprintf(stderr, "xenlab-guest: container runtime: %s\n", rt);
    }
    for (i = 0; i < XL_ARRAY_SIZE(runtimes); i++)
        if (strcmp(rt, runtimes[i].name) == 0)
            break;
    if (i == XL_ARRAY_SIZE(runtimes))
        return xl_error(XL_ERR_INVAL, "unknown container runtime \"%s\" (auto, runc, crun, podman, docker)", rt);
    if (!xl_program_exists(rt))
        return xl_error(XL_ERR_NOTFOUND, "%s not found (install the Debian package %s)", rt, runtimes[i].package);
    if (strcmp(rt, "runc") == 0 || strcmp(rt, "crun") == 0)
        return xl_oci_run(rt, c, worker_argv, timeout_s, sr);
    return xl_engine_run(rt, c, worker_argv, timeout_s, sr);
}
