/* The report as one self-contained HTML page: the table, a bar chart per
 * benchmark variant (inline SVG, mean with a +-1 standard deviation
 * whisker), what each arm really had and the confounder flags. Nothing is
 * fetched (no URL at all, and a Content-Security-Policy that forbids it),
 * and every string that came from a guest or a result file is escaped. */
#include <math.h>
#include <string.h>

#include "report-writers.h"
#include "xl-util.h"

#define CHART_W 640
#define LABEL_W 130
#define VALUE_W 170
#define BAR_H 22
#define BAR_GAP 10
#define TOP 8

static const char *const palette[] = { "#3b6ea5", "#e07b39", "#5a9e4b", "#b94a48", "#8067a8", "#3f9f9f" };

static const char style[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d232b;margin:2em auto;"
    "max-width:1100px;padding:0 1.5em}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #d8dde3;"
    "padding-bottom:.2em}\n"
    ".meta{color:#5b6570}\n"
    "table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #d8dde3;padding:.35em .7em}"
    "th{background:#f1f4f7;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.fail{color:#a33}\n"
    ".flags li{margin:.3em 0}.flags li.warn{color:#8a4b00}.flags li.warn::before{content:'\\26A0  '}\n"
    ".charts{margin-top:1em;display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:1em}\n"
    "figure{margin:0;border:1px solid #d8dde3;border-radius:6px;padding:.6em .8em}"
    "figcaption{font-weight:600;margin-bottom:.3em}figcaption span{font-weight:400;color:#5b6570}\n"
    "svg{width:100%;height:auto}svg text{font:14px system-ui,sans-serif;fill:#1d232b}\n";

/* Escapes for text and attribute values alike; control bytes become '?'. */
static void html_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out); break;
        }
    }
}

static void write_table(const struct xl_report *rep, const char *num, const char *den, FILE *out)
{
    int ia = num ? xl_report_find_arm(rep, num) : -1, ib = den ? xl_report_find_arm(rep, den) : -1;
    size_t i, a;

    fputs("<table>\n<tr><th>benchmark</th>", out);
    for (a = 0; a < rep->nr_arms; a++) {
        fputs("<th>", out);
        html_text(out, rep->arms[a]);
        fputs("</th>", out);
    }
    if (ia >= 0 && ib >= 0) {
        fputs("<th>", out);
        html_text(out, num);
        fputs(" / ", out);
        html_text(out, den);
        fputs("</th><th>verdict (95 % CI, Welch on logs)</th>", out);
    }
    fputs("</tr>\n", out);
    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_row *row = &rep->rows[i];
        struct xl_stats sa, sb;

        fputs("<tr><td>", out);
        html_text(out, row->label);
        fputs(", ", out);
        html_text(out, row->unit);
        fprintf(out, " (%s is better)</td>", row->lower_is_better ? "lower" : "higher");
        for (a = 0; a < rep->nr_arms; a++) {
            const struct xl_report_cell *c = &row->cells[a];
            struct xl_stats s;

            xl_report_cell_stats(c, &s);
            if (s.n == 0 && c->failed == 0) {
                fputs("<td class=\"n\">-</td>", out);
            } else if (s.n == 0) {
                fputs("<td class=\"fail\">failed: ", out);
                html_text(out, c->first_error);
                fputs("</td>", out);
            } else {
                fprintf(out, "<td class=\"n\">%.2f <small>(dev %.2f%%", s.mean, s.dev_pct);
                if (c->failed)
                    fprintf(out, ", %u of %zu failed", c->failed, c->nr_trials);
                fputs(")</small></td>", out);
            }
        }
        if (ia >= 0 && ib >= 0) {
            xl_report_cell_stats(&row->cells[ia], &sa);
            xl_report_cell_stats(&row->cells[ib], &sb);
            if (sa.n && sb.n && sb.mean != 0)
                fprintf(out, "<td class=\"n\">%.3f</td>", sa.mean / sb.mean);
            else
                fputs("<td class=\"n\">-</td>", out);
            {
                struct xl_report_comparison cmp;

                xl_report_compare(rep, row, num, den, &cmp);
                fprintf(out, "<td class=\"%s\">", cmp.verdict == XL_VERDICT_WORSE    ? "worse"
                                                   : cmp.verdict == XL_VERDICT_BETTER ? "better"
                                                                                      : "same");
                html_text(out, cmp.text);
                fputs("</td>", out);
            }
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void write_chart(const struct xl_report *rep, const struct xl_report_row *row, FILE *out)
{
    const double plot_w = CHART_W - LABEL_W - VALUE_W;
    int height = TOP * 2 + (int)rep->nr_arms * (BAR_H + BAR_GAP);
    double max = 0;
    size_t a;

    for (a = 0; a < rep->nr_arms; a++) {
        struct xl_stats s;

        xl_report_cell_stats(&row->cells[a], &s);
        if (s.n && isfinite(s.mean + s.stddev) && s.mean + s.stddev > max)
            max = s.mean + s.stddev;
        /* The scale holds every trial's point and the CI's end too. */
        if (s.n && isfinite(s.max) && s.max > max)
            max = s.max;
        if (s.n && isfinite(s.ci95_high) && s.ci95_high > max)
            max = s.ci95_high;
    }
    fputs("<figure><figcaption>", out);
    html_text(out, row->label);
    fputs(" <span>(", out);
    html_text(out, row->unit);
    fprintf(out, ", %s is better)</span></figcaption>\n", row->lower_is_better ? "lower" : "higher");
    fprintf(out, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", CHART_W, height);
    html_text(out, row->label);
    fputs("\">\n", out);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#8a939c\"/>\n", LABEL_W, TOP / 2,
            LABEL_W, height - TOP / 2);
    for (a = 0; a < rep->nr_arms; a++) {
        const struct xl_report_cell *c = &row->cells[a];
        double y = TOP + (double)a * (BAR_H + BAR_GAP), mid = y + BAR_H / 2.0;
        struct xl_stats s;

        xl_report_cell_stats(c, &s);
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">", LABEL_W - 8,
                mid);
        html_text(out, rep->arms[a]);
        fputs("</text>\n", out);
        if (!s.n || max <= 0) {
            fprintf(out, "<text x=\"%d\" y=\"%.1f\" dominant-baseline=\"middle\" fill=\"#a33\">%s</text>\n",
                    LABEL_W + 8, mid, c->failed ? "failed" : "no result");
            continue;
        }
        {
            double w = s.mean / max * plot_w, lo = (s.mean - s.stddev) / max * plot_w,
                   hi = (s.mean + s.stddev) / max * plot_w;

            if (lo < 0)
                lo = 0;
            fprintf(out, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\"/>\n",
                    LABEL_W, y, w, BAR_H, palette[a % XL_ARRAY_SIZE(palette)]);
            fprintf(out,
                    "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"#1d232b\" "
                    "stroke-width=\"1.5\" fill=\"none\"/>\n",
                    LABEL_W + lo, mid, LABEL_W + hi, LABEL_W + lo, mid - 5, mid + 5, LABEL_W + hi, mid - 5,
                    mid + 5);
            /* The 95 % CI of the mean, dashed, just under the deviation bar. */
            if (s.n >= 2 && isfinite(s.ci95_low) && isfinite(s.ci95_high)) {
                double cl = s.ci95_low > 0 ? s.ci95_low / max * plot_w : 0, ch = s.ci95_high / max * plot_w;

                fprintf(out, "<path d=\"M%.1f %.1fH%.1f\" stroke=\"#1d232b\" stroke-width=\"1\" "
                        "stroke-dasharray=\"3 2\" fill=\"none\"/>\n", LABEL_W + cl, mid + 7, LABEL_W + ch);
            }
            /* Every trial, a point on the bar. */
            for (size_t k = 0; k < c->nr_values; k++) {
                if (!isfinite(c->values[k]) || c->values[k] < 0)
                    continue;
                fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#1d232b\" fill-opacity=\"0.55\"/>\n",
                        LABEL_W + c->values[k] / max * plot_w, mid - 4 + (double)(k % 3) * 4);
            }
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"middle\">%.2f &#177; %.2f</text>\n",
                    LABEL_W + hi + 8, mid, s.mean, s.stddev);
        }
    }
    fputs("</svg></figure>\n", out);
}

static void write_env(const struct xl_report *rep, FILE *out)
{
    size_t a, i;

    fputs("<h2>What each arm really had</h2>\n<table>\n<tr><th>arm</th>", out);
    for (i = 0; i < XL_ENV_NR_COLS; i++)
        fprintf(out, "<th>%s</th>", xl_env_col_names[i]);
    fputs("</tr>\n", out);
    for (a = 0; a < rep->nr_arms; a++) {
        char cells[XL_ENV_NR_COLS][XL_ENV_CELL_MAX];
        struct xl_arm_env e;

        xl_arm_env_from_json(rep->envs[a], &e);
        xl_env_cells(&e, cells);
        fputs("<tr><td>", out);
        html_text(out, rep->arms[a]);
        fputs("</td>", out);
        for (i = 0; i < XL_ENV_NR_COLS; i++) {
            fputs(i <= XL_ENV_COL_MEM_LIMIT ? "<td class=\"n\">" : "<td>", out);
            html_text(out, cells[i]);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* The run's metadata at the top: which machine, Xen, dom0, backend, spec. */
static void write_runs(const struct xl_report *rep, FILE *out)
{
    size_t i, c;

    if (!rep->nr_runs)
        return;
    fputs(rep->nr_runs == 1 ? "<h2>The run</h2>\n<table>\n<tr>" : "<h2>Runs</h2>\n<table>\n<tr>", out);
    for (c = 0; c < XL_RUN_NR_COLS; c++)
        fprintf(out, "<th>%s</th>", xl_run_col_names[c]);
    fputs("</tr>\n", out);
    for (i = 0; i < rep->nr_runs; i++) {
        char cells[XL_RUN_NR_COLS][XL_RUN_CELL_MAX];

        xl_run_cells(rep, i, cells);
        fputs("<tr>", out);
        for (c = 0; c < XL_RUN_NR_COLS; c++) {
            fputs("<td>", out);
            html_text(out, cells[c]);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* The guests' sensors and dom0's samples, as the Markdown has them. */
static void write_machine(const struct xl_report *rep, FILE *out)
{
    char notes[(3 + XL_REPORT_MAX_BESIDE) * XL_REPORT_MAX_ARMS][192], lines[XL_REPORT_MAX_ARMS][192];
    size_t k, nn = xl_report_sensor_notes(rep, notes, XL_ARRAY_SIZE(notes)),
              nl = xl_report_dom0_lines(rep, lines, XL_ARRAY_SIZE(lines));

    if (!nn && !nl)
        return;
    fputs("<h2>What the machine was doing</h2>\n<ul class=\"flags\">\n", out);
    for (k = 0; k < nn; k++) {
        fputs("<li class=\"warn\">", out);
        html_text(out, notes[k]);
        fputs(".</li>\n", out);
    }
    for (k = 0; k < nl; k++) {
        fputs("<li>", out);
        html_text(out, lines[k]);
        fputs(".</li>\n", out);
    }
    fputs("</ul>\n", out);
}

static void write_flags(const struct xl_report *rep, const char *num, const char *den, FILE *out)
{
    struct xl_report_pair pairs[XL_REPORT_MAX_ARMS];
    size_t i, n = xl_report_pairs(rep, num, den, pairs);

    if (!n)
        return;
    fputs("<h2>Confounders</h2>\n<ul class=\"flags\">\n", out);
    for (i = 0; i < n; i++) {
        struct xl_comparison c;
        xl_autofree char *s = xl_report_pair_sentence(rep, &pairs[i], &c);

        fprintf(out, "<li%s>", c.nr_diffs || c.unknown ? " class=\"warn\"" : "");
        html_text(out, s);
        fputs(".</li>\n", out);
    }
    fputs("</ul>\n", out);
}

/* The test-fleet view, as the markdown report has it, with a link to the
 * log of each run that did not pass. */
static void write_tests(const struct xl_report *rep, FILE *out)
{
    size_t i, a, k;

    if (!xl_report_has_tests(rep))
        return;
    fputs("<h2>Tests</h2>\n<table>\n<tr><th>test</th><th>arm</th><th>runs</th><th>passed</th><th>failed</th>"
          "<th>no verdict</th><th>outcome</th><th>runs that did not pass</th></tr>\n", out);
    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_row *row = &rep->rows[i];

        for (a = 0; a < rep->nr_arms && row->is_test; a++) {
            const struct xl_report_cell *c = &row->cells[a];
            struct xl_test_summary t;
            bool first = true;

            if (!c->nr_runs)
                continue;
            xl_report_test_summary(c, &t);
            fputs("<tr><td>", out);
            html_text(out, row->label);
            fputs("</td><td>", out);
            html_text(out, rep->arms[a]);
            fprintf(out, "</td><td>%u</td><td>%u</td><td>%u</td><td>%u</td><td>%s</td><td>", t.runs, t.passed,
                    t.failed, t.not_run,
                    t.flaky ? "<b>flaky</b>" : t.failed ? "<b>fail</b>" : t.passed ? "pass" : "no verdict");
            for (k = 0; k < c->nr_runs; k++) {
                const struct xl_report_test_run *tr = &c->runs[k];
                xl_autofree char *log = NULL;

                if (tr->passed)
                    continue;
                fprintf(out, "%sreplica %u trial %u", first ? "" : ", ", tr->replica, tr->trial);
                first = false;
                log = xl_report_log_path(rep, tr);
                if (log) {
                    fputs(" (<a href=\"", out);
                    html_text(out, log);
                    fputs("\">log</a>)", out);
                }
            }
            fputs("</td></tr>\n", out);
        }
    }
    fputs("</table>\n", out);
}

int xl_report_write_html(const struct xl_report *rep, const char *num, const char *den, FILE *out)
{
    const char *title = rep->title[0] ? rep->title : "xenlab report";
    char stamp[32];
    struct tm tm;
    size_t i;

    gmtime_r(&rep->generated, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S UTC", &tm);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          out);
    html_text(out, title);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
    html_text(out, title);
    fprintf(out, "</h1>\n<p class=\"meta\">Generated %s by xenlab. Each cell and bar: the mean of the successful "
                 "trials; dev and the whisker: the sample standard deviation; dashed: the 95 %% CI of the mean; dots: "
                 "the trials.</p>\n",
            stamp);
    write_runs(rep, out);
    write_machine(rep, out);
    write_flags(rep, num, den, out);
    fputs("<h2>Results</h2>\n", out);
    write_table(rep, num, den, out);
    fputs("<div class=\"charts\">\n", out);
    for (i = 0; i < rep->nr_rows; i++)
        write_chart(rep, &rep->rows[i], out);
    fputs("</div>\n", out);
    write_tests(rep, out);
    write_env(rep, out);
    fputs("</body>\n</html>\n", out);
    return XL_OK;
}
