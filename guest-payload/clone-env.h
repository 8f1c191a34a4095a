/* Which clone a command runs on, as environment variables: XENLAB_RUN (the
 * run id), XENLAB_ARM and XENLAB_REPLICA (1..replicas). The plan runner
 * sets them from its plan (a test fleet's outcome may depend on its clone);
 * the container launchers pass them into the container. */
#pragma once

/* Sets the three in this process's environment. */
int xl_clone_env_set(const char *run_id, const char *arm, unsigned replica);

/* Those of them set here, as "NAME=value" entries, NULL-terminated
 * (xl_argv_free). */
char **xl_clone_env_entries(void);
