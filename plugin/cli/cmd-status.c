/* xenlab host, status, results, cancel: what a run and this host are doing,
 * as JSON, and a run stopped. A multi-host run asks each host's xenlab
 * these (plugin/run/remote.h); people and scripts may too. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "commands.h"
#include "json-util.h"
#include "run-status.h"
#include "runstore.h"
#include "uri-policy.h"
#include "xl-util.h"

#define MAX_RESULTS_JSON (64 * 1024 * 1024)

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

static void print_json(json_object *o)
{
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

int xl_cmd_host(int argc, char **argv)
{
    static const char usage[] = "usage: xenlab host --json [--backend=NAME] [--uri=URI]\n"
                                "  this host as a multi-host run sees it: {\"xenlab\":VERSION,\"host\":{...},\n"
                                "  \"free_memory\":BYTES,\"pcpus\":N}\n";
    const char *backend = NULL, *uri = NULL;
    bool json = false;
    json_object *o = NULL;
    int i, rc;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strncmp(argv[i], "--backend=", 10) == 0)
            backend = argv[i] + 10;
        else if (strncmp(argv[i], "--uri=", 6) == 0)
            uri = argv[i] + 6;
        else
            break;
    }
    if (i < argc || !json) {
        bool help = argc == 2 && is_help(argv[1]);

        fputs(usage, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    rc = xl_backend_check_uri(backend ? backend : xl_backend_default(), uri);
    if (!rc)
        rc = xl_host_probe(backend, uri, &o);
    if (rc)
        return xl_cli_fail(rc);
    print_json(o);
    json_object_put(o);
    return 0;
}

/* The one run argument of status, results and cancel; *usage_r >= 0:
 * the usage was printed and that is the exit status. run is initialised. */
static int open_run_arg(int argc, char **argv, const char *usage, bool want_json, struct xl_run *run, int *usage_r)
{
    bool json = false;
    int i;

    xl_run_init(run);
    *usage_r = -1;
    for (i = 2; i < argc && strcmp(argv[i], "--json") == 0; i++)
        json = true;
    if (argc < 2 || argv[1][0] == '-' || i < argc || json != want_json) {
        bool help = argc == 2 && is_help(argv[1]);

        fputs(usage, help ? stdout : stderr);
        *usage_r = help ? 0 : 2;
        return XL_ERR_INVAL;
    }
    return xl_run_open(xl_runs_dir(), argv[1], run);
}

int xl_cmd_status(int argc, char **argv)
{
    static const char usage[] = "usage: xenlab status ID --json\n"
                                "  the run's state: {\"id\",\"exists\",\"finished\",\"running\",\"guests\",\"done\",\n"
                                "  \"failed\",\"results\",\"slots\",\"jobs\":[...]}; \"exists\":false, exit 0, for a run\n"
                                "  this host does not have\n";
    struct xl_run run;
    json_object *o;
    int rc, status;

    rc = open_run_arg(argc, argv, usage, true, &run, &status);
    if (status >= 0)
        return status;
    if (rc == XL_ERR_NOTFOUND) {
        /* A multi-host run asks before and after it starts one: no run is
         * an answer, not a failure. */
        xl_error_clear();
        o = json_object_new_object();
        xl_json_add(o, "id", xl_json_str(run.id));
        xl_json_add(o, "exists", json_object_new_boolean(0));
        print_json(o);
        json_object_put(o);
        xl_run_dispose(&run);
        return 0;
    }
    if (rc) {
        xl_run_dispose(&run);
        return xl_cli_fail(rc);
    }
    o = xl_run_status_json(&run, true);
    xl_json_add(o, "exists", json_object_new_boolean(1));
    print_json(o);
    json_object_put(o);
    xl_run_dispose(&run);
    return 0;
}

int xl_cmd_results(int argc, char **argv)
{
    static const char usage[] = "usage: xenlab results ID\n"
                                "  the run's results.json (written from its journal first if the run has none)\n";
    struct xl_run run;
    xl_autofree char *path = NULL, *text = NULL;
    size_t len = 0;
    int rc, status;

    rc = open_run_arg(argc, argv, usage, false, &run, &status);
    if (status >= 0)
        return status;
    if (!rc) {
        path = xl_asprintf("%s/results.json", run.dir);
        if (access(path, F_OK) < 0)
            rc = xl_run_write_results(&run);
    }
    if (!rc)
        rc = xl_read_file(path, MAX_RESULTS_JSON, &text, &len);
    if (!rc)
        fwrite(text, 1, len, stdout);
    xl_run_dispose(&run);
    return rc ? xl_cli_fail(rc) : 0;
}

int xl_cmd_cancel(int argc, char **argv)
{
    static const char usage[] = "usage: xenlab cancel ID\n"
                                "  SIGTERM to the run's runner: it stops its guests and can be resumed;\n"
                                "  prints {\"id\",\"pid\",\"signal\":\"SIGTERM\"}\n";
    struct xl_run run;
    int rc, pid = 0, status;

    rc = open_run_arg(argc, argv, usage, false, &run, &status);
    if (status >= 0)
        return status;
    if (!rc)
        rc = xl_run_cancel(run.id, run.dir, &pid);
    if (!rc) {
        json_object *o = json_object_new_object();

        xl_json_add(o, "id", xl_json_str(run.id));
        xl_json_add(o, "pid", json_object_new_int(pid));
        xl_json_add(o, "signal", xl_json_str("SIGTERM"));
        printf("%s\n", xl_json_compact(o));
        json_object_put(o);
    }
    xl_run_dispose(&run);
    return rc ? xl_cli_fail(rc) : 0;
}
