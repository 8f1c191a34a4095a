#include "clone-env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "xl-util.h"

static const char *const names[] = { "XENLAB_RUN", "XENLAB_ARM", "XENLAB_REPLICA" };

int xl_clone_env_set(const char *run_id, const char *arm, unsigned replica)
{
    char num[16];

    /* Names dom0 checked (run ids, spec arm names): safe in an environment. */
    snprintf(num, sizeof(num), "%u", replica ? replica : 1);
    if (setenv(names[0], run_id ? run_id : "", 1) < 0 || setenv(names[1], arm ? arm : "", 1) < 0 ||
        setenv(names[2], num, 1) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "setenv XENLAB_RUN, XENLAB_ARM, XENLAB_REPLICA");
    return XL_OK;
}

char **xl_clone_env_entries(void)
{
    char **env = xl_calloc(XL_ARRAY_SIZE(names) + 1, sizeof(char *));
    size_t i, k = 0;

    for (i = 0; i < XL_ARRAY_SIZE(names); i++)
        if (getenv(names[i]))
            env[k++] = xl_asprintf("%s=%s", names[i], getenv(names[i]));
    return env;
}
