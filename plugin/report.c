#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "journal.h"
#include "json-util.h"
#include "report-writers.h"
#include "xl-util.h"

#define MAX_RESULTS_FILE (64 * 1024 * 1024)

void xl_report_init(struct xl_report *rep)
{
    memset(rep, 0, sizeof(*rep));
}

void xl_report_dispose(struct xl_report *rep)
{
    size_t i, a;

    for (i = 0; i < rep->nr_rows; i++) {
        for (a = 0; a < XL_REPORT_MAX_ARMS; a++) {
            free(rep->rows[i].cells[a].values);
            free(rep->rows[i].cells[a].trials);
        }
    }
    free(rep->rows);
    for (a = 0; a < rep->nr_arms; a++) {
        free(rep->arms[a]);
        json_object_put(rep->envs[a]);
    }
    xl_report_init(rep);
}

static int find_arm(const struct xl_report *rep, const char *name)
{
    size_t a;

    for (a = 0; a < rep->nr_arms; a++)
        if (strcmp(rep->arms[a], name) == 0)
            return (int)a;
    return -1;
}

int xl_report_find_arm(const struct xl_report *rep, const char *name)
{
    return find_arm(rep, name);
}

static int add_arm(struct xl_report *rep, const char *name)
{
    if (rep->nr_arms == XL_REPORT_MAX_ARMS)
        return xl_error(XL_ERR_INVAL, "more than %d arms", XL_REPORT_MAX_ARMS);
    rep->arms[rep->nr_arms++] = xl_strdup(name);
    return XL_OK;
}

int xl_report_set_arms(struct xl_report *rep, const char *list)
{
    xl_autofree char *copy = xl_strdup(list);
    char *save = NULL, *tok;
    int rc;

    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (find_arm(rep, tok) >= 0)
            continue;
        rc = add_arm(rep, tok);
        if (rc)
            return rc;
    }
    rep->fixed_arms = true;
    return XL_OK;
}

int xl_report_add(struct xl_report *rep, const struct xl_result *r)
{
    const char *arm_name = r->arm[0] ? r->arm : "unnamed";
    struct xl_report_cell *c;
    struct xl_report_row *row = NULL;
    size_t i;
    int a, rc;

    a = find_arm(rep, arm_name);
    if (a < 0) {
        if (rep->fixed_arms)
            return XL_OK;
        rc = add_arm(rep, arm_name);
        if (rc)
            return rc;
        a = (int)rep->nr_arms - 1;
    }
    for (i = 0; i < rep->nr_rows; i++) {
        if (strcmp(rep->rows[i].benchmark, r->benchmark) == 0 && strcmp(rep->rows[i].variant, r->variant) == 0) {
            row = &rep->rows[i];
            break;
        }
    }
    if (!row) {
        if (rep->nr_rows == XL_REPORT_MAX_ROWS)
            return xl_error(XL_ERR_INVAL, "more than %d benchmark variants", XL_REPORT_MAX_ROWS);
        rep->rows = xl_realloc(rep->rows, (rep->nr_rows + 1) * sizeof(*rep->rows));
        row = &rep->rows[rep->nr_rows++];
        memset(row, 0, sizeof(*row));
        snprintf(row->benchmark, sizeof(row->benchmark), "%s", r->benchmark);
        snprintf(row->variant, sizeof(row->variant), "%s", r->variant);
        snprintf(row->label, sizeof(row->label), "%s", r->label);
        snprintf(row->unit, sizeof(row->unit), "%s", r->unit);
        row->lower_is_better = r->lower_is_better;
    }
    c = &row->cells[a];
    for (i = 0; i < c->nr_trials; i++)
        if (c->trials[i] == r->trial)
            return XL_OK;
    if (c->nr_trials >= XL_RESULT_MAX_TRIALS)
        return XL_OK;
    c->trials = xl_realloc(c->trials, (c->nr_trials + 1) * sizeof(*c->trials));
    c->trials[c->nr_trials++] = r->trial;
    if (r->ok) {
        c->values = xl_realloc(c->values, (c->nr_values + 1) * sizeof(*c->values));
        c->values[c->nr_values++] = r->value;
    } else {
        if (!c->failed)
            snprintf(c->first_error, sizeof(c->first_error), "%s", r->error);
        c->failed++;
    }
    if (!rep->envs[a] && r->env)
        rep->envs[a] = json_object_get(r->env);
    return XL_OK;
}

/* One JSON value: a result document, or an array/object holding them. */
static int add_json(struct xl_report *rep, json_object *v, const char *where)
{
    json_object *tag = NULL, *list = NULL;
    struct xl_result r;
    size_t i;
    int rc;

    if (json_object_is_type(v, json_type_array)) {
        for (i = 0; i < json_object_array_length(v); i++) {
            xl_autofree char *w = xl_asprintf("%s[%zu]", where, i);

            rc = add_json(rep, json_object_array_get_idx(v, i), w);
            if (rc)
                return rc;
        }
        return XL_OK;
    }
    if (!json_object_is_type(v, json_type_object))
        return XL_OK;
    if (json_object_object_get_ex(v, "results", &list) && json_object_is_type(list, json_type_array))
        return add_json(rep, list, where);
    /* Journal records wrap a result in {"event":"result","result":{...}}. */
    if (json_object_object_get_ex(v, "result", &list) && json_object_is_type(list, json_type_object))
        v = list;
    if (!json_object_object_get_ex(v, "xenlab", &tag) || !json_object_is_type(tag, json_type_string) ||
        strcmp(json_object_get_string(tag), XL_RESULT_SCHEMA) != 0)
        return XL_OK;
    xl_result_init(&r);
    rc = xl_result_from_json(v, where, &r);
    if (!rc)
        rc = xl_report_add(rep, &r);
    xl_result_dispose(&r);
    return rc == XL_ERR_GUEST ? XL_ERR_INVAL : rc;
}

static int load_file(struct xl_report *rep, const char *path)
{
    xl_autofree char *buf = NULL;
    json_object *v = NULL;
    size_t len, lineno = 1;
    char *line, *end;
    int rc;

    rc = xl_read_file(path, MAX_RESULTS_FILE, &buf, &len);
    if (rc)
        return rc;
    line = buf + strspn(buf, " \t\r\n");
    if (*line == '[' || (*line == '{' && xl_json_parse(buf, len, path, &v) == XL_OK)) {
        if (!v) {
            rc = xl_json_parse(buf, len, path, &v);
            if (rc)
                return rc;
        }
        rc = add_json(rep, v, path);
        json_object_put(v);
        return rc;
    }
    xl_error_clear();
    for (line = buf; *line; line = *end ? end + 1 : end, lineno++) {
        xl_autofree char *where = NULL;

        end = strchrnul(line, '\n');
        if (end == line || strspn(line, " \t\r") == (size_t)(end - line))
            continue;
        where = xl_asprintf("%s:%zu", path, lineno);
        rc = xl_json_parse(line, (size_t)(end - line), where, &v);
        if (rc)
            return rc;
        rc = add_json(rep, v, where);
        json_object_put(v);
        v = NULL;
        if (rc)
            return rc;
    }
    return XL_OK;
}

struct journal_ctx {
    struct xl_report *rep;
    const char *path;
    int rc;
};

static void journal_result(void *opaque, json_object *ev)
{
    struct journal_ctx *ctx = opaque;

    if (!ctx->rc && xl_journal_is(ev, "result"))
        ctx->rc = add_json(ctx->rep, ev, ctx->path);
}

/* A run's journal without results.json (the run was stopped): its result
 * events, read as the runner reads them, torn lines skipped. */
static int load_journal(struct xl_report *rep, const char *dir)
{
    xl_autofree char *path = xl_asprintf("%s/" XL_JOURNAL_NAME, dir);
    struct journal_ctx ctx = { rep, path, XL_OK };
    int rc = xl_journal_read(path, journal_result, &ctx, NULL);

    return rc ? rc : ctx.rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(struct xl_report *rep, const char *path)
{
    xl_autofree char *results = xl_asprintf("%s/results.json", path);
    char **names = NULL;
    size_t n = 0, i;
    struct dirent *de;
    bool have_journal = false;
    DIR *d;
    int rc = XL_OK;

    if (access(results, R_OK) == 0)
        return load_file(rep, results);
    d = opendir(path);
    if (!d)
        return xl_error_errno(XL_ERR_NOTFOUND, errno, "%s", path);
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);

        if (strcmp(de->d_name, XL_JOURNAL_NAME) == 0) {
            have_journal = true;
        } else if (l > 6 && strcmp(de->d_name + l - 6, ".jsonl") == 0) {
            names = xl_realloc(names, (n + 1) * sizeof(*names));
            names[n++] = xl_asprintf("%s/%s", path, de->d_name);
        }
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    for (i = 0; i < n; i++) {
        if (!rc)
            rc = load_file(rep, names[i]);
        free(names[i]);
    }
    free(names);
    if (!rc && have_journal)
        rc = load_journal(rep, path);
    if (!rc && n == 0 && !have_journal)
        rc = xl_error(XL_ERR_NOTFOUND, "%s: no results.json and no *.jsonl result files", path);
    return rc;
}

int xl_report_load(struct xl_report *rep, const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0)
        return xl_error_errno(XL_ERR_NOTFOUND, errno, "%s", path);
    return S_ISDIR(st.st_mode) ? load_dir(rep, path) : load_file(rep, path);
}

time_t xl_report_time(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long v;

    if (s && *s) {
        errno = 0;
        v = strtoll(s, &end, 10);
        if (!errno && !*end && v >= 0)
            return (time_t)v;
    }
    return time(NULL);
}

void xl_report_cell_stats(const struct xl_report_cell *c, struct xl_stats *s)
{
    xl_stats_compute(c->values, c->nr_values, s);
}

static bool ratio_of(const struct xl_report *rep, const struct xl_report_row *row, const char *num,
                     const char *den, double *r)
{
    int a = find_arm(rep, num), b = find_arm(rep, den);
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
static void md_text(FILE *out, const char *s)
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
        md_text(out, c->first_error);
        fputs(" |", out);
        return;
    }
    fprintf(out, " %.2f (dev %.2f%%", s.mean, s.dev_pct);
    if (c->failed)
        fprintf(out, ", %u of %zu failed", c->failed, c->nr_trials);
    fputs(") |", out);
}

static void write_md(const struct xl_report *rep, const char *num, const char *den, FILE *out)
{
    size_t i, a, nmin = SIZE_MAX, nmax = 0;

    fputs("| benchmark |", out);
    for (a = 0; a < rep->nr_arms; a++) {
        fputc(' ', out);
        md_text(out, rep->arms[a]);
        fputs(" |", out);
    }
    if (num)
        fprintf(out, " %s / %s |", num, den);
    fputs("\n|---|", out);
    for (a = 0; a < rep->nr_arms + (num ? 1 : 0); a++)
        fputs("---:|", out);
    fputc('\n', out);
    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_row *row = &rep->rows[i];
        double r;

        fputs("| ", out);
        md_text(out, row->label);
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
            if (ratio_of(rep, row, num, den, &r))
                fprintf(out, " %.3f |", r);
            else
                fputs(" - |", out);
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
    xl_report_md_env(rep, num, den, out);
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
        fprintf(out, ",ratio_%s_%s", num, den);
    fputc('\n', out);
    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_row *row = &rep->rows[i];
        double r;
        bool have_ratio = num && ratio_of(rep, row, num, den, &r);

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

json_object *xl_report_to_json(const struct xl_report *rep, const char *num, const char *den)
{
    json_object *o = json_object_new_object(), *arms = json_object_new_array(), *rows = json_object_new_array();
    size_t i, a, k;

    xl_json_add(o, "xenlab", xl_json_str("report/1"));
    for (a = 0; a < rep->nr_arms; a++) {
        json_object *ao = json_object_new_object();

        xl_json_add(ao, "name", xl_json_str(rep->arms[a]));
        xl_json_add(ao, "env", rep->envs[a] ? json_object_get(rep->envs[a]) : NULL);
        json_object_array_add(arms, ao);
    }
    xl_json_add(o, "arms", arms);
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
            xl_json_add(ro, "ratio", ratio);
        }
        json_object_array_add(rows, ro);
    }
    xl_json_add(o, "rows", rows);
    xl_json_add(o, "confounders", xl_report_confounders_json(rep, num, den));
    return o;
}

int xl_report_write(const struct xl_report *rep, enum xl_report_format fmt, const char *num, const char *den,
                    FILE *out)
{
    int rc;

    if (num && (find_arm(rep, num) < 0 || find_arm(rep, den) < 0))
        return xl_error(XL_ERR_INVAL, "--ratio %s/%s: no results for arm \"%s\"", num, den,
                        find_arm(rep, num) < 0 ? num : den);
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
    }
    return ferror(out) ? xl_error(XL_ERR_FAIL, "write error") : XL_OK;
}
