/* xenlab: the dom0 command line. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "self-path.h"
#include "text.h"
#include "xl-util.h"
#ifdef XL_CLI_IS_XAPI_PLUGIN
#include "xapi.h"
#endif

static const struct xl_command commands[] = {
#ifdef XL_HAVE_PROVISIONING
    { "base", "register, list or prepare base images", xl_cmd_base },
    { "clone", "clone a base into a new domain: disk, growth, payload, config", xl_cmd_clone },
#endif
#ifdef XL_HAVE_XENSTORE
    { "collect", "watch guests' XenStore results and journal them", xl_cmd_collect },
#endif
    { "report", "print the side-by-side comparison of result documents or a run", xl_cmd_report },
    { "compare", "compare two runs row by row, with 95 % CIs; exit 1 on a regression", xl_cmd_compare },
#ifdef XL_HAVE_RUNNER
    { "run", "run an experiment spec over clones (or --resume ID)", xl_cmd_run },
    { "runs", "list runs", xl_cmd_runs },
    { "journal", "print a run's journal as JSON", xl_cmd_journal },
    { "clean", "remove what a run made and left", xl_cmd_clean },
    { "status", "a run's state as JSON (what a multi-host run asks each host)", xl_cmd_status },
    { "results", "print a run's results.json", xl_cmd_results },
    { "cancel", "stop a running run (it can be resumed)", xl_cmd_cancel },
    { "host", "this host's xenlab, CPU and free memory as JSON", xl_cmd_host },
#endif
    { "spec", "validate an experiment spec, or print the plan of one arm", xl_cmd_spec },
};

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "usage: xenlab COMMAND [ARGS]   (xenlab COMMAND --help for its options)\n\ncommands:\n");
    for (i = 0; i < XL_ARRAY_SIZE(commands); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

#ifdef XL_CLI_IS_XAPI_PLUGIN
/* xenlab-static is the XAPI plugin too: XAPI starts plugins by their path,
 * /etc/xapi.d/plugins/xenlab, which is a link to this file. */
static bool started_as_xapi_plugin(const char *argv0)
{
    static const char dir[] = "/xapi.d/plugins/";
    const char *p = strstr(argv0, dir);

    return p && strchr(p + sizeof(dir) - 1, '/') == NULL;
}
#endif

int main(int argc, char **argv)
{
    size_t i;

#ifdef XL_CLI_IS_XAPI_PLUGIN
    if (argc > 0 && started_as_xapi_plugin(argv[0]))
        return xl_xapi_plugin_main(argc, argv);
#endif
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("xenlab %s\n", XENLAB_VERSION);
        return 0;
    }
    for (i = 0; i < XL_ARRAY_SIZE(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    {
        xl_autofree char *shown = xl_text_sanitise_dup(argv[1]);

        fprintf(stderr, "xenlab: unknown command \"%s\"\n", shown);
    }
    usage(stderr);
    return 2;
}

char *xl_cli_guest_binary(void)
{
    static const char *const cands[] = { "xenlab-guest", "../../guest-payload/xenlab-guest" };
    size_t i;

    for (i = 0; i < XL_ARRAY_SIZE(cands); i++) {
        char *p = xl_self_sibling(cands[i]);

        if (p && access(p, X_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}
