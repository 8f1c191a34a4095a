/* The xenlab CLI's verbs. Each lives in its own cmd-*.c and returns an exit
 * status (0 ok, 1 failure, 2 user error) after printing its one-line error. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "xl-util.h"

struct xl_command {
    const char *name;
    const char *summary;
    int (*fn)(int argc, char **argv);   /* argv[0] is the verb */
};

int xl_cmd_base(int argc, char **argv);
int xl_cmd_clone(int argc, char **argv);
int xl_cmd_collect(int argc, char **argv);
int xl_cmd_report(int argc, char **argv);
int xl_cmd_run(int argc, char **argv);
int xl_cmd_runs(int argc, char **argv);
int xl_cmd_journal(int argc, char **argv);
int xl_cmd_clean(int argc, char **argv);
int xl_cmd_status(int argc, char **argv);
int xl_cmd_results(int argc, char **argv);
int xl_cmd_cancel(int argc, char **argv);
int xl_cmd_host(int argc, char **argv);
int xl_cmd_spec(int argc, char **argv);
int xl_cmd_compare(int argc, char **argv);

/* What `report` and `compare` take: a path as it is, a bare name that is no
 * path as the run directory of that id (*is_run_r). Caller frees *path_r. */
int xl_cli_report_source(const char *arg, char **path_r, bool *is_run_r);

/* Prints "xenlab: <message>" for the last error and returns its exit
 * status. Inline: every verb calls it, and the dispatcher calls the verbs. */
/* xenlab-guest installed beside this program, else in the build tree
 * (build/guest-payload/ beside build/plugin/cli/); NULL when neither is
 * there. Caller frees. */
char *xl_cli_guest_binary(void);

static inline int xl_cli_fail(int rc)
{
    /* xl_error sanitised the message when it recorded it. */
    fprintf(stderr, "xenlab: %s\n", xl_error_message());
    return xl_rc_to_exit(rc ? rc : XL_ERR_FAIL);
}
