/* xenlab compare BEFORE AFTER: each row and arm both have, AFTER against
 * BEFORE, with the 95 % CI of the ratio (Welch on log values) and a
 * verdict; exit status 1 when one got worse beyond --threshold, so a CI job
 * can gate on it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "json-util.h"
#include "report.h"
#include "xl-util.h"

#define DEFAULT_THRESHOLD_PCT 5.0

static const char usage_text[] =
    "usage: xenlab compare BEFORE AFTER [--arms A,B,...] [--threshold PCT] [--json]\n"
    "  BEFORE, AFTER: a run id, a run directory or a result file, as xenlab report takes them\n"
    "  exit 1 when a row got worse by more than PCT (default 5) and its 95 % CI excludes no change\n";

static int load(const char *arg, const char *arms, struct xl_report *rep)
{
    xl_autofree char *path = NULL;
    bool is_run;
    int rc;

    rc = arms ? xl_report_set_arms(rep, arms) : XL_OK;
    if (!rc)
        rc = xl_cli_report_source(arg, &path, &is_run);
    /* Exit 1 means a regression: a missing input must not look like one. */
    if (!rc && access(path, R_OK) < 0)
        rc = xl_error_errno(XL_ERR_INVAL, errno, "compare: %s", arg);
    if (!rc)
        rc = xl_report_load(rep, path);
    if (!rc && rep->nr_rows == 0)
        rc = xl_error(XL_ERR_INVAL, "compare: %s: no result documents", arg);
    return rc;
}

static const struct xl_report_row *find_row(const struct xl_report *rep, const struct xl_report_row *like)
{
    size_t i;

    for (i = 0; i < rep->nr_rows; i++)
        if (strcmp(rep->rows[i].benchmark, like->benchmark) == 0 && strcmp(rep->rows[i].variant, like->variant) == 0)
            return &rep->rows[i];
    return NULL;
}

int xl_cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {
        { "arms", required_argument, NULL, 'a' },
        { "threshold", required_argument, NULL, 't' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_report before, after;
    const char *arms = NULL;
    double threshold = DEFAULT_THRESHOLD_PCT;
    json_object *rows = NULL;
    bool json = false;
    size_t i, a, regressions = 0, compared = 0;
    int opt, rc = XL_OK;

    xl_report_init(&before);
    xl_report_init(&after);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end = NULL;

        switch (opt) {
        case 'a': arms = optarg; break;
        case 't':
            threshold = strtod(optarg, &end);
            if (end == optarg || *end || !(threshold >= 0 && threshold <= 1000))
                rc = xl_error(XL_ERR_INVAL, "--threshold: \"%s\" must be a percentage from 0 to 1000", optarg);
            break;
        case 'j': json = true; break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            fputs(usage_text, stderr);
            return 2;
        }
        if (rc)
            goto out;
    }
    if (optind + 2 != argc) {
        fputs(usage_text, stderr);
        return 2;
    }
    rc = load(argv[optind], arms, &before);
    if (!rc)
        rc = load(argv[optind + 1], arms, &after);
    if (rc)
        goto out;
    rows = json_object_new_array();
    if (!json)
        printf("| benchmark | arm | %s | %s | verdict (AFTER vs BEFORE, 95 %% CI, Welch on logs) |\n|---|---|---:|---:|---|\n",
               "before", "after");
    for (i = 0; i < after.nr_rows; i++) {
        const struct xl_report_row *ra = &after.rows[i], *rb = find_row(&before, ra);

        if (!rb)
            continue;
        for (a = 0; a < after.nr_arms; a++) {
            int b = xl_report_find_arm(&before, after.arms[a]);
            struct xl_report_comparison c;
            struct xl_stats sa, sb;
            bool regression;

            if (b < 0 || !ra->cells[a].nr_values || !rb->cells[b].nr_values)
                continue;
            xl_report_compare_cells(&ra->cells[a], &rb->cells[b], ra->lower_is_better, "after", "before", &c);
            xl_report_cell_stats(&ra->cells[a], &sa);
            xl_report_cell_stats(&rb->cells[b], &sb);
            regression = c.verdict == XL_VERDICT_WORSE && c.change_pct > threshold;
            regressions += regression;
            compared++;
            if (json) {
                json_object *o = json_object_new_object();

                xl_json_add(o, "benchmark", xl_json_str(ra->benchmark));
                xl_json_add(o, "variant", xl_json_str(ra->variant));
                xl_json_add(o, "label", xl_json_str(ra->label));
                xl_json_add(o, "unit", xl_json_str(ra->unit));
                xl_json_add(o, "better", xl_json_str(ra->lower_is_better ? "lower" : "higher"));
                xl_json_add(o, "arm", xl_json_str(after.arms[a]));
                xl_json_add(o, "before_mean", json_object_new_double(sb.mean));
                xl_json_add(o, "after_mean", json_object_new_double(sa.mean));
                if (c.ci.ok) {
                    json_object *ci = json_object_new_array();

                    xl_json_add(o, "ratio", json_object_new_double(c.ci.ratio));
                    json_object_array_add(ci, json_object_new_double(c.ci.low));
                    json_object_array_add(ci, json_object_new_double(c.ci.high));
                    xl_json_add(o, "ci95", ci);
                }
                xl_json_add(o, "verdict", xl_json_str(xl_verdict_name(c.verdict)));
                xl_json_add(o, "text", xl_json_str(c.text));
                xl_json_add(o, "regression", json_object_new_boolean(regression));
                json_object_array_add(rows, o);
            } else {
                fputs("| ", stdout);
                xl_report_md_text(stdout, ra->label);
                fputs(" | ", stdout);
                xl_report_md_text(stdout, after.arms[a]);
                printf(" | %.4g %s | %.4g %s | %s%s |\n", sb.mean, ra->unit, sa.mean, ra->unit,
                       regression ? "**regression:** " : "", c.text);
            }
        }
    }
    if (compared == 0) {
        rc = xl_error(XL_ERR_INVAL, "compare: %s and %s have no row and arm in common", argv[optind], argv[optind + 1]);
        goto out;
    }
    if (json) {
        json_object *o = json_object_new_object();

        xl_json_add(o, "before", xl_json_str(argv[optind]));
        xl_json_add(o, "after", xl_json_str(argv[optind + 1]));
        xl_json_add(o, "threshold_pct", json_object_new_double(threshold));
        xl_json_add(o, "rows", json_object_get(rows));
        xl_json_add(o, "regressions", json_object_new_int64((int64_t)regressions));
        printf("%s\n", xl_json_pretty(o));
        json_object_put(o);
    } else {
        printf("\n%zu compared, %zu regression%s beyond %g %%.\n", compared, regressions, regressions == 1 ? "" : "s",
               threshold);
    }
    if (regressions)
        rc = xl_error(XL_ERR_FAIL, "compare: %zu regression%s beyond %g %% (95 %% CI)", regressions,
                      regressions == 1 ? "" : "s", threshold);
out:
    json_object_put(rows);
    xl_report_dispose(&before);
    xl_report_dispose(&after);
    return rc ? xl_cli_fail(rc) : 0;
}
