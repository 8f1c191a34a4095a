#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bench-params.h"
#include "commands.h"
#include "container-spec.h"
#include "json-util.h"
#include "plan.h"
#include "spec.h"
#include "xl-util.h"

static const char usage_text[] =
    "usage: xenlab spec check SPEC.json          validate; print the normalised spec\n"
    "       xenlab spec --json SPEC.json         validate; print it for scripts: sizes in bytes,\n"
    "                                          every arm's disk (null: the base's), replicas, run_in\n"
    "       xenlab spec plan SPEC.json ARM [--run-id ID] [--replica N]\n"
    "                                          print the plan that arm's guest would run\n";

/* What scripts read (`spec --json`): unlike `spec check`, which prints a spec
 * again, every arm field is there and sizes are numbers, so a script needs no
 * size parser and no defaults of its own. */
static json_object *spec_for_scripts(const struct xl_spec *s)
{
    json_object *o = json_object_new_object(), *benches = json_object_new_array(),
                *arms = json_object_new_array();
    size_t i;

    xl_json_add(o, "name", xl_json_str(s->name));
    xl_json_add(o, "trials", json_object_new_int64(s->policy.trials));
    xl_json_add(o, "max_trials", json_object_new_int64(s->policy.max_trials));
    xl_json_add(o, "target_deviation", json_object_new_double(s->policy.target_dev_pct));
    for (i = 0; i < s->nr_benches; i++)
        json_object_array_add(benches, xl_bench_params_to_json(&s->benches[i]));
    xl_json_add(o, "benchmarks", benches);
    for (i = 0; i < s->nr_arms; i++) {
        const struct xl_arm *a = &s->arms[i];
        json_object *ao = json_object_new_object(), *ri;

        xl_json_add(ao, "name", xl_json_str(a->name));
        xl_json_add(ao, "vcpus", json_object_new_int64(a->vcpus));
        xl_json_add(ao, "memory", json_object_new_int64((int64_t)a->memory));
        /* 0 is the spec's "not given": the clone keeps the base's size. */
        xl_json_add(ao, "disk", a->disk ? json_object_new_int64((int64_t)a->disk) : NULL);
        xl_json_add(ao, "replicas", json_object_new_int64(a->replicas));
        if (a->in_container) {
            ri = json_object_new_object();
            xl_json_add(ri, "container", xl_container_spec_to_json(&a->container));
        } else {
            ri = xl_json_str("guest");
        }
        xl_json_add(ao, "run_in", ri);
        json_object_array_add(arms, ao);
    }
    xl_json_add(o, "arms", arms);
    return o;
}

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
    bool check, json;
    int rc;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)) {
        fputs(usage_text, stdout);
        return 0;
    }
    check = argc >= 2 && strcmp(argv[1], "check") == 0;
    json = argc >= 2 && strcmp(argv[1], "--json") == 0;
    if (argc < 3 || (!check && !json && strcmp(argv[1], "plan") != 0)) {
        fputs(usage_text, stderr);
        return 2;
    }
    xl_spec_init(&s);
    rc = xl_spec_load(argv[2], &s);
    if (rc)
        goto out;
    if (check || json) {
        json_object *o;

        if (argc != 3) {
            rc = xl_error(XL_ERR_INVAL, "spec %s: unexpected argument \"%s\"", argv[1], argv[3]);
            goto out;
        }
        o = check ? xl_spec_to_json(&s) : spec_for_scripts(&s);
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
