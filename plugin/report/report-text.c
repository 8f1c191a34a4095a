/* The text writers over the report model: Markdown (with the environment
 * table and the confounder flags), CSV and JSON, and the dispatch. */
#include <math.h>
#include <string.h>

#include "json-util.h"
#include "report-writers.h"
#include "xl-util.h"

static bool ratio_of(const struct xl_report *rep, const struct xl_report_row *row, const char *num,
                     const char *den, double *r)
{
    int a = xl_report_find_arm(rep, num), b = xl_report_find_arm(rep, den);
    struct xl_stats sa, sb;

    if (a < 0 || b < 0)
        return false;
    xl_report_cell_stats(&row->cells[a], &sa);
    xl_report_cell_stats(&row->cells[b], &sb);
    if (!sa.n || !sb.n || sb.mean == 0)
        return false;
    *r = sa.mean / sb.mean;
    return true;
}

/* Markdown cells must not break the table. */
void xl_report_md_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<')
            fputc('\\', out);
        fputc(*s == '\n' ? ' ' : *s, out);
    }
}

static void md_cell(FILE *out, const struct xl_report_cell *c)
{
    struct xl_stats s;

    xl_report_cell_stats(c, &s);
    if (s.n == 0 && c->failed == 0) {
        fputs(" - |", out);
        return;
    }
    if (s.n == 0) {
        fprintf(out, " failed: ");
        xl_report_md_text(out, c->first_error);
        fputs(" |", out);
        return;
    }
    fprintf(out, " %.2f (dev %.2f%%", s.mean, s.dev_pct);
    if (c->failed)
        fprintf(out, ", %u of %zu failed", c->failed, c->nr_trials);
    fputs(") |", out);
}

static void md_env(const struct xl_report *rep, const char *num, const char *den, FILE *out)
{
    struct xl_report_pair pairs[XL_REPORT_MAX_ARMS];
    size_t a, i, n;

    fputs("\n## What each arm really had\n\n| arm |", out);
    for (i = 0; i < XL_ENV_NR_COLS; i++)
        fprintf(out, " %s |", xl_env_col_names[i]);
    fputs("\n|---|", out);
    for (i = 0; i < XL_ENV_NR_COLS; i++)
        fputs(i <= XL_ENV_COL_MEM_LIMIT ? "---:|" : "---|", out);
    fputc('\n', out);
    for (a = 0; a < rep->nr_arms; a++) {
        char cells[XL_ENV_NR_COLS][XL_ENV_CELL_MAX];
        struct xl_arm_env e;

        xl_arm_env_from_json(rep->envs[a], &e);
        xl_env_cells(&e, cells);
        fputs("| ", out);
        xl_report_md_text(out, rep->arms[a]);
        fputs(" |", out);
        for (i = 0; i < XL_ENV_NR_COLS; i++) {
            fputc(' ', out);
            xl_report_md_text(out, cells[i]);
            fputs(" |", out);
        }
        fputc('\n', out);
    }
    {
        char notes[(3 + XL_REPORT_MAX_BESIDE) * XL_REPORT_MAX_ARMS][192], lines[XL_REPORT_MAX_ARMS][192];
        size_t k, nn = xl_report_sensor_notes(rep, notes, XL_ARRAY_SIZE(notes)),
                  nl = xl_report_dom0_lines(rep, lines, XL_ARRAY_SIZE(lines));

        if (nn || nl)
            fputs("\n## What the machine was doing\n\n", out);
        for (k = 0; k < nn; k++) {
            fputs("- **Check:** ", out);
            xl_report_md_text(out, notes[k]);
            fputs(".\n", out);
        }
        for (k = 0; k < nl; k++) {
            fputs("- ", out);
            xl_report_md_text(out, lines[k]);
            fputs(".\n", out);
        }
    }
    n = xl_report_pairs(rep, num, den, pairs);
    if (!n)
        return;
    fputs("\n## Confounders\n\n", out);
    for (i = 0; i < n; i++) {
        struct xl_comparison c;
        xl_autofree char *s = xl_report_pair_sentence(rep, &pairs[i], &c);

        fputs(c.nr_diffs || c.unknown ? "- **Check:** " : "- ", out);
        xl_report_md_text(out, s);
        fputs(".\n", out);
    }
}

/* With a control arm NUM-guest (spec "control": NUM's size, benchmarks in
 * the guest), NUM / DEN splits into NUM / NUM-guest, the container's cost,
 * and NUM-guest / DEN, the VM size's effect, each with its own interval. */
static void md_decomposition(const struct xl_report *rep, const char *num, const char *den, FILE *out)
{
    xl_autofree char *control = num ? xl_asprintf("%s-guest", num) : NULL;
    size_t i;

    if (!control || xl_report_find_arm(rep, control) < 0 || strcmp(control, den) == 0)
        return;
    fprintf(out, "\n## What %s / %s is made of\n\n", num, den);
    fprintf(out, "%s / %s = %s / %s (the container) x %s / %s (the VM's size, the benchmarks in the guest):\n\n", num,
            den, num, control, control, den);
    for (i = 0; i < rep->nr_rows; i++) {
        struct xl_report_comparison ct, sz;

        xl_report_compare(rep, &rep->rows[i], num, control, &ct);
        xl_report_compare(rep, &rep->rows[i], control, den, &sz);
        fputs("- ", out);
        xl_report_md_text(out, rep->rows[i].label);
        fputs(": container: ", out);
        xl_report_md_text(out, ct.text);
        fputs("; size: ", out);
        xl_report_md_text(out, sz.text);
        fputs("\n", out);
    }
}

/* "replica 1 trial 2, replica 2 trial 2" for the runs that failed (or
 * with ran=false, had no verdict), at most 8 named. */
static void failed_runs(const struct xl_report_cell *c, bool ran, char *buf, size_t len)
{
    size_t k, n = 0, used = 0;

    buf[0] = '\0';
    for (k = 0; k < c->nr_runs; k++) {
        const struct xl_report_test_run *t = &c->runs[k];

        if (t->ran != ran || (ran && t->passed))
            continue;
        if (n++ == 8) {
            snprintf(buf + used, len - used, ", ...");
            return;
        }
        used += (size_t)snprintf(buf + used, len - used, "%sreplica %u trial %u", n > 1 ? ", " : "", t->replica,
                                 t->trial);
        if (used >= len)
            return;
    }
}

/* Where the output of each failed or verdict-less run is, at most 20. */
static void md_failed_logs(const struct xl_report *rep, FILE *out)
{
    size_t i, a, k, n = 0;

    for (i = 0; i < rep->nr_rows; i++) {
        for (a = 0; a < rep->nr_arms && rep->rows[i].is_test; a++) {
            const struct xl_report_cell *c = &rep->rows[i].cells[a];

            for (k = 0; k < c->nr_runs; k++) {
                xl_autofree char *path = NULL;

                if (c->runs[k].passed || !(path = xl_report_log_path(rep, &c->runs[k])))
                    continue;
                if (n++ == 20) {
                    fputs("- ... (the rest under the same logs/ directory)\n", out);
                    return;
                }
                if (n == 1)
                    fputs("\nLogs of the runs that did not pass:\n\n", out);
                fputs("- ", out);
                xl_report_md_text(out, rep->rows[i].label);
                fputs(" on ", out);
                xl_report_md_text(out, rep->arms[a]);
                fprintf(out, ", replica %u trial %u: `", c->runs[k].replica, c->runs[k].trial);
                xl_report_md_text(out, path);
                fputs("`\n", out);
            }
        }
    }
}

/* The test-fleet view: per test and arm, how its clones' runs came out. */
static void md_tests(const struct xl_report *rep, FILE *out)
{
    size_t i, a;

    if (!xl_report_has_tests(rep))
        return;
    fputs("\n## Tests (exit metrics; runs on identical clones of one base)\n\n"
          "| test | arm | runs | passed | failed | no verdict | outcome |\n|---|---|---:|---:|---:|---:|---|\n", out);
    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_row *row = &rep->rows[i];

        if (!row->is_test)
            continue;
        for (a = 0; a < rep->nr_arms; a++) {
            const struct xl_report_cell *c = &row->cells[a];
            struct xl_test_summary t;
            char which[320];

            if (!c->nr_runs)
                continue;
            xl_report_test_summary(c, &t);
            fputs("| ", out);
            xl_report_md_text(out, row->label);
            fputs(" | ", out);
            xl_report_md_text(out, rep->arms[a]);
            fprintf(out, " | %u | %u | %u | %u | ", t.runs, t.passed, t.failed, t.not_run);
            failed_runs(c, true, which, sizeof(which));
            if (t.flaky) {
                fputs("**flaky**: failed on ", out);
                xl_report_md_text(out, which);
            } else if (t.failed) {
                fputs("**fail**", out);
            } else if (t.passed) {
                fputs("pass", out);
            } else {
                fputs("no verdict: ", out);
                xl_report_md_text(out, c->first_error);
            }
            if (t.not_run && (t.passed || t.failed)) {
                failed_runs(c, false, which, sizeof(which));
                fputs("; no verdict on ", out);
                xl_report_md_text(out, which);
            }
            fputs(" |\n", out);
        }
    }
    fputs("\nFlaky: identical clones gave different outcomes. `xenlab report ID --format junit` writes\n"
          "each run as a JUnit test case, its log as the case's output.\n", out);
    md_failed_logs(rep, out);
}

/* Where the results came from: one line per run, when the results say. */
static void md_runs(const struct xl_report *rep, FILE *out)
{
    size_t i, c;

    if (!rep->nr_runs)
        return;
    fputs(rep->nr_runs == 1 ? "\n## The run\n\n|" : "\n## Runs\n\n|", out);
    for (c = 0; c < XL_RUN_NR_COLS; c++)
        fprintf(out, " %s |", xl_run_col_names[c]);
    fputs("\n|", out);
    for (c = 0; c < XL_RUN_NR_COLS; c++)
        fputs("---|", out);
    fputc('\n', out);
    for (i = 0; i < rep->nr_runs; i++) {
        char cells[XL_RUN_NR_COLS][XL_RUN_CELL_MAX];

        xl_run_cells(rep, i, cells);
        fputc('|', out);
        for (c = 0; c < XL_RUN_NR_COLS; c++) {
            fputc(' ', out);
            xl_report_md_text(out, cells[c]);
            fputs(" |", out);
        }
        fputc('\n', out);
    }
}

static void write_md(const struct xl_report *rep, const char *num, const char *den, FILE *out)
{
    size_t i, a, nmin = SIZE_MAX, nmax = 0;

    fputs("| benchmark |", out);
    for (a = 0; a < rep->nr_arms; a++) {
        fputc(' ', out);
        xl_report_md_text(out, rep->arms[a]);
        fputs(" |", out);
    }
    if (num)
        fprintf(out, " %s / %s | %s vs %s (Welch on logs) |", num, den, num, den);
    fputs("\n|---|", out);
    for (a = 0; a < rep->nr_arms + (num ? 1 : 0); a++)
        fputs("---:|", out);
    if (num)
        fputs("---|", out);
    fputc('\n', out);
    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_row *row = &rep->rows[i];
        double r;

        fputs("| ", out);
        xl_report_md_text(out, row->label);
        fprintf(out, ", %s (%s is better) |", row->unit, row->lower_is_better ? "lower" : "higher");
        for (a = 0; a < rep->nr_arms; a++) {
            md_cell(out, &row->cells[a]);
            if (row->cells[a].nr_values == 0)
                continue;
            if (row->cells[a].nr_values < nmin)
                nmin = row->cells[a].nr_values;
            if (row->cells[a].nr_values > nmax)
                nmax = row->cells[a].nr_values;
        }
        if (num) {
            struct xl_report_comparison c;

            if (ratio_of(rep, row, num, den, &r))
                fprintf(out, " %.3f |", r);
            else
                fputs(" - |", out);
            xl_report_compare(rep, row, num, den, &c);
            fputc(' ', out);
            xl_report_md_text(out, c.text);
            fputs(" |", out);
        }
        fputc('\n', out);
    }
    if (nmax == 0)
        fputs("\nNo trial succeeded.\n", out);
    else if (nmin == nmax)
        fprintf(out, "\nEach cell: mean of %zu trial%s (dev = sample standard deviation as %% of the mean).\n",
                nmax, nmax == 1 ? "" : "s");
    else
        fprintf(out, "\nEach cell: mean of %zu to %zu trials (dev = sample standard deviation as %% of the mean).\n",
                nmin, nmax);
    md_decomposition(rep, num, den, out);
    md_tests(rep, out);
    md_env(rep, num, den, out);
    md_runs(rep, out);
}

/* A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first)
 * gets a leading single quote, as OWASP advises against CSV injection. */
static void csv_field(FILE *out, const char *s)
{
    bool formula = strchr("=+-@\t\r", s[0]) && s[0];

    if (formula || strpbrk(s, ",\"\n\r")) {
        fputc('"', out);
        if (formula)
            fputc('\'', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
}

static void write_csv(const struct xl_report *rep, const char *num, const char *den, FILE *out)
{
    size_t i, a;

    fputs("benchmark,variant,label,unit,better,arm,trials,failed,mean,stddev,dev_pct,min,max,ci95_low,ci95_high", out);
    if (num)
        fprintf(out, ",ratio_%s_%s,ratio_geo,ratio_ci95_low,ratio_ci95_high,verdict", num, den);
    fputc('\n', out);
    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_row *row = &rep->rows[i];
        double r;
        bool have_ratio = num && ratio_of(rep, row, num, den, &r);
        struct xl_report_comparison cmp;

        if (num)
            xl_report_compare(rep, row, num, den, &cmp);

        for (a = 0; a < rep->nr_arms; a++) {
            const struct xl_report_cell *c = &row->cells[a];
            struct xl_stats s;

            xl_report_cell_stats(c, &s);
            fprintf(out, "%s,%s,", row->benchmark, row->variant);
            csv_field(out, row->label);
            fputc(',', out);
            csv_field(out, row->unit);
            fprintf(out, ",%s,", row->lower_is_better ? "lower" : "higher");
            csv_field(out, rep->arms[a]);
            fprintf(out, ",%zu,%u", s.n, c->failed);
            if (s.n)
                fprintf(out, ",%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f", s.mean, s.stddev, s.dev_pct, s.min, s.max,
                        s.ci95_low, s.ci95_high);
            else
                fputs(",,,,,,,", out);
            if (num) {
                if (have_ratio)
                    fprintf(out, ",%.4f", r);
                else
                    fputc(',', out);
                if (cmp.ci.ok)
                    fprintf(out, ",%.4f,%.4f,%.4f,", cmp.ci.ratio, cmp.ci.low, cmp.ci.high);
                else
                    fputs(",,,,", out);
                csv_field(out, xl_verdict_name(cmp.verdict));
            }
            fputc('\n', out);
        }
    }
}

static json_object *num4(double v)
{
    char buf[64];

    snprintf(buf, sizeof(buf), "%.4f", v);
    return json_object_new_double_s(v, buf);
}

static json_object *tests_json(const struct xl_report *rep)
{
    json_object *list = json_object_new_array();
    size_t i, a, k;

    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_row *row = &rep->rows[i];

        for (a = 0; a < rep->nr_arms && row->is_test; a++) {
            const struct xl_report_cell *c = &row->cells[a];
            json_object *to, *runs;
            struct xl_test_summary t;

            if (!c->nr_runs)
                continue;
            xl_report_test_summary(c, &t);
            to = json_object_new_object();
            runs = json_object_new_array();
            xl_json_add(to, "variant", xl_json_str(row->variant));
            xl_json_add(to, "label", xl_json_str(row->label));
            xl_json_add(to, "arm", xl_json_str(rep->arms[a]));
            xl_json_add(to, "runs", json_object_new_int((int)t.runs));
            xl_json_add(to, "passed", json_object_new_int((int)t.passed));
            xl_json_add(to, "failed", json_object_new_int((int)t.failed));
            xl_json_add(to, "no_verdict", json_object_new_int((int)t.not_run));
            xl_json_add(to, "flaky", json_object_new_boolean(t.flaky));
            for (k = 0; k < c->nr_runs; k++) {
                const struct xl_report_test_run *tr = &c->runs[k];
                json_object *ro = json_object_new_object();

                xl_json_add(ro, "replica", json_object_new_int((int)tr->replica));
                xl_json_add(ro, "trial", json_object_new_int((int)tr->trial));
                xl_json_add(ro, "outcome", xl_json_str(!tr->ran ? "no-verdict" : tr->passed ? "pass" : "fail"));
                if (tr->exit_code >= 0)
                    xl_json_add(ro, "exit_code", json_object_new_int(tr->exit_code));
                if (tr->seconds >= 0)
                    xl_json_add(ro, "seconds", num4(tr->seconds));
                if (!tr->ran)
                    xl_json_add(ro, "error", xl_json_str(tr->error));
                {
                    xl_autofree char *log = xl_report_log_path(rep, tr);

                    if (log)
                        xl_json_add(ro, "log", xl_json_str(log));
                }
                json_object_array_add(runs, ro);
            }
            xl_json_add(to, "results", runs);
            json_object_array_add(list, to);
        }
    }
    return list;
}

json_object *xl_report_to_json(const struct xl_report *rep, const char *num, const char *den)
{
    json_object *o = json_object_new_object(), *arms = json_object_new_array(), *rows = json_object_new_array();
    size_t i, a, k;

    xl_json_add(o, "xenlab", xl_json_str("report/1"));
    for (a = 0; a < rep->nr_arms; a++) {
        json_object *ao = json_object_new_object();

        xl_json_add(ao, "name", xl_json_str(rep->arms[a]));
        if (rep->arm_run[a] >= 0)
            xl_json_add(ao, "run", xl_json_str(rep->runs[rep->arm_run[a]].id));
        xl_json_add(ao, "env", rep->envs[a] ? json_object_get(rep->envs[a]) : NULL);
        if (rep->sensors[a].any) {
            json_object *so = json_object_new_object();

            xl_json_add(so, "steal_max_pct", num4(rep->sensors[a].steal_max));
            xl_json_add(so, "throttled_max_pct", num4(rep->sensors[a].throttled_max));
            xl_json_add(so, "oom_kills", json_object_new_int64(rep->sensors[a].oom_kills));
            xl_json_add(ao, "sensors", so);
        }
        if (rep->sensors[a].dom0) {
            const struct xl_arm_sensors *sn = &rep->sensors[a];
            json_object *d = json_object_new_object(), *bl = json_object_new_array();

            xl_json_add(d, "cpu_max_pct", num4(sn->dom0_cpu_max_pct));
            if (sn->dom0_vcpus)
                xl_json_add(d, "vcpus", json_object_new_int((int)sn->dom0_vcpus));
            if (sn->dom0_pcpus[0])
                xl_json_add(d, "pcpus", xl_json_str(sn->dom0_pcpus));
            for (k = 0; k < sn->nr_beside; k++) {
                json_object *b = json_object_new_object();

                xl_json_add(b, "arm", xl_json_str(sn->beside[k]));
                xl_json_add(b, "shared_pcpus", json_object_new_boolean(sn->beside_shared[k]));
                json_object_array_add(bl, b);
            }
            xl_json_add(d, "beside", bl);
            xl_json_add(ao, "dom0", d);
        }
        json_object_array_add(arms, ao);
    }
    xl_json_add(o, "arms", arms);
    if (rep->nr_runs) {
        json_object *runs = json_object_new_array();

        for (k = 0; k < rep->nr_runs; k++) {
            const struct xl_host_info *h = &rep->runs[k].host;
            json_object *ro = json_object_new_object(), *host = json_object_new_object();
            const char *keys[] = { "hostname", "cpu_model", "kernel", "xen", "backend", "xenlab", "spec" };
            const char *vals[] = { h->hostname, h->cpu_model, h->kernel, h->xen, h->backend, h->xenlab, h->spec };

            xl_json_add(ro, "id", xl_json_str(rep->runs[k].id));
            for (i = 0; i < XL_ARRAY_SIZE(keys); i++)
                if (vals[i][0])
                    xl_json_add(host, keys[i], xl_json_str(vals[i]));
            if (h->cpus)
                xl_json_add(host, "cpus", json_object_new_int(h->cpus));
            xl_json_add(ro, "host", host);
            json_object_array_add(runs, ro);
        }
        xl_json_add(o, "runs", runs);
    }
    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_row *row = &rep->rows[i];
        json_object *ro = json_object_new_object(), *cells = json_object_new_object();
        double r;

        xl_json_add(ro, "benchmark", xl_json_str(row->benchmark));
        xl_json_add(ro, "variant", xl_json_str(row->variant));
        xl_json_add(ro, "label", xl_json_str(row->label));
        xl_json_add(ro, "unit", xl_json_str(row->unit));
        xl_json_add(ro, "better", xl_json_str(row->lower_is_better ? "lower" : "higher"));
        for (a = 0; a < rep->nr_arms; a++) {
            const struct xl_report_cell *c = &row->cells[a];
            json_object *co = json_object_new_object(), *vals = json_object_new_array();
            struct xl_stats s;

            xl_report_cell_stats(c, &s);
            for (k = 0; k < c->nr_values; k++)
                json_object_array_add(vals, num4(c->values[k]));
            xl_json_add(co, "values", vals);
            xl_json_add(co, "failed", json_object_new_int((int)c->failed));
            if (c->failed)
                xl_json_add(co, "error", xl_json_str(c->first_error));
            if (s.n) {
                json_object *ci = json_object_new_array();

                xl_json_add(co, "mean", num4(s.mean));
                xl_json_add(co, "stddev", num4(s.stddev));
                xl_json_add(co, "dev_pct", num4(s.dev_pct));
                xl_json_add(co, "min", num4(s.min));
                xl_json_add(co, "max", num4(s.max));
                json_object_array_add(ci, num4(s.ci95_low));
                json_object_array_add(ci, num4(s.ci95_high));
                xl_json_add(co, "ci95", ci);
            }
            xl_json_add(cells, rep->arms[a], co);
        }
        xl_json_add(ro, "cells", cells);
        if (num && ratio_of(rep, row, num, den, &r)) {
            json_object *ratio = json_object_new_object();

            xl_json_add(ratio, "of", xl_json_str(num));
            xl_json_add(ratio, "to", xl_json_str(den));
            xl_json_add(ratio, "value", num4(r));
            {
                struct xl_report_comparison c;

                xl_report_compare(rep, row, num, den, &c);
                if (c.ci.ok) {
                    json_object *ci = json_object_new_array();

                    xl_json_add(ratio, "geometric", num4(c.ci.ratio));
                    json_object_array_add(ci, num4(c.ci.low));
                    json_object_array_add(ci, num4(c.ci.high));
                    xl_json_add(ratio, "ci95", ci);
                    xl_json_add(ratio, "method", xl_json_str("welch-log"));
                    if (isfinite(c.ci.df))
                        xl_json_add(ratio, "df", num4(c.ci.df));
                }
                xl_json_add(ratio, "verdict", xl_json_str(xl_verdict_name(c.verdict)));
                xl_json_add(ratio, "text", xl_json_str(c.text));
            }
            xl_json_add(ro, "ratio", ratio);
        }
        json_object_array_add(rows, ro);
    }
    xl_json_add(o, "rows", rows);
    if (xl_report_has_tests(rep))
        xl_json_add(o, "tests", tests_json(rep));
    xl_json_add(o, "confounders", xl_report_confounders_json(rep, num, den));
    return o;
}

int xl_report_write(const struct xl_report *rep, enum xl_report_format fmt, const char *num, const char *den,
                    FILE *out)
{
    int rc;

    if (num && (xl_report_find_arm(rep, num) < 0 || xl_report_find_arm(rep, den) < 0))
        return xl_error(XL_ERR_INVAL, "--ratio %s/%s: no results for arm \"%s\"", num, den,
                        xl_report_find_arm(rep, num) < 0 ? num : den);
    switch (fmt) {
    case XL_REPORT_MD:
        write_md(rep, num, den, out);
        break;
    case XL_REPORT_CSV:
        write_csv(rep, num, den, out);
        break;
    case XL_REPORT_JSON: {
        json_object *o = xl_report_to_json(rep, num, den);

        fprintf(out, "%s\n", xl_json_pretty(o));
        json_object_put(o);
        break;
    }
    case XL_REPORT_PTS:
        rc = xl_report_write_pts(rep, out);
        if (rc)
            return rc;
        break;
    case XL_REPORT_HTML:
        rc = xl_report_write_html(rep, num, den, out);
        if (rc)
            return rc;
        break;
    case XL_REPORT_JUNIT:
        rc = xl_report_write_junit(rep, out);
        if (rc)
            return rc;
        break;
    }
    return ferror(out) ? xl_error(XL_ERR_FAIL, "write error") : XL_OK;
}

bool xl_report_format_from_name(const char *name, enum xl_report_format *fmt_r)
{
    static const struct {
        const char *name;
        enum xl_report_format fmt;
    } formats[] = {
        { "md", XL_REPORT_MD },     { "markdown", XL_REPORT_MD }, { "csv", XL_REPORT_CSV },
        { "json", XL_REPORT_JSON }, { "pts", XL_REPORT_PTS },     { "html", XL_REPORT_HTML },
        { "junit", XL_REPORT_JUNIT },
    };
    size_t k;

    for (k = 0; k < XL_ARRAY_SIZE(formats); k++) {
        if (strcmp(name, formats[k].name) == 0) {
            *fmt_r = formats[k].fmt;
            return true;
        }
    }
    return false;
}
