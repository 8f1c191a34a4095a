#include "container.h"

#include "xl-util.h"

int xl_container_run(const struct xl_container_spec *c, char *const worker_argv[], double timeout_s,
                     struct xl_spawn_result *sr)
{
    (void)c;
    (void)worker_argv;
    (void)timeout_s;
    xl_spawn_result_init(sr);
    return xl_error(XL_ERR_FAIL, "running in a container is not implemented yet");
}
