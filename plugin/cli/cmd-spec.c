#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "json-util.h"
#include "plan.h"
#include "spec.h"
#include "xl-util.h"

static const char usage_text[] =
    "usage: xenlab spec check SPEC.json          validate; print the normalised spec\n"
    "       xenlab spec plan SPEC.json ARM [--run-id ID] [--replica N]\n"
    "                                          print the plan that arm's guest would run\n";

static int spec_plan(struct xl_spec *s, int argc, char **argv)
{
    static const struct option opts[] = {
        { "run-id", required_argument, NULL, 'r' },
        { "replica", required_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    const char *run_id = "local", *arm_name;
    const struct xl_arm *arm;
    unsigned replica = 1;
    struct xl_plan plan;
    json_object *o;
    int opt, rc;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == 'r')
            run_id = optarg;
        else if (opt == 'n')
            replica = (unsigned)strtoul(optarg, NULL, 10);
        else
            return xl_error(XL_ERR_INVAL, "spec plan: bad option");
    }
    if (optind + 1 != argc)
        return xl_error(XL_ERR_INVAL, "spec plan: give SPEC.json and ARM");
    arm_name = argv[optind];
    arm = xl_spec_find_arm(s, arm_name);
    if (!arm)
        return xl_error(XL_ERR_INVAL, "spec plan: no arm named \"%s\"", arm_name);
    if (replica < 1 || replica > arm->replicas)
        return xl_error(XL_ERR_INVAL, "spec plan: --replica must be 1 to %u", arm->replicas);
    xl_plan_init(&plan);
    rc = xl_plan_from_spec(s, arm, replica, run_id, &plan);
    if (!rc) {
        o = xl_plan_to_json(&plan);
        printf("%s\n", xl_json_pretty(o));
        json_object_put(o);
    }
    xl_plan_dispose(&plan);
    return rc;
}

int xl_cmd_spec(int argc, char **argv)
{
    struct xl_spec s;
    int rc;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc < 3 || (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "plan") != 0)) {
        fputs(usage_text, stderr);
        return 2;
    }
    xl_spec_init(&s);
    rc = xl_spec_load(argv[2], &s);
    if (rc)
        goto out;
    if (strcmp(argv[1], "check") == 0) {
        json_object *o;

        if (argc != 3) {
            rc = xl_error(XL_ERR_INVAL, "spec check: unexpected argument \"%s\"", argv[3]);
            goto out;
        }
        o = xl_spec_to_json(&s);
        printf("%s\n", xl_json_pretty(o));
        json_object_put(o);
    } else {
        /* Shift so that the spec path is argv[0] and the arm follows. */
        rc = spec_plan(&s, argc - 2, argv + 2);
    }
out:
    xl_spec_dispose(&s);
    return rc ? xl_cli_fail(rc) : 0;
}
