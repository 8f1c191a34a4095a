#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpuset.h"
#include "dom0-sensors.h"
#include "journal.h"
#include "plan.h"
#include "runstore.h"
#include "json-util.h"
#include "text.h"
#include "trial-log.h"
#include "xl-util.h"

#define MAX_RESULTS_FILE (64 * 1024 * 1024)

void xl_report_init(struct xl_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    rep->cur_run = -1;
    for (size_t a = 0; a < XL_REPORT_MAX_ARMS; a++)
        rep->arm_run[a] = -1;
}

void xl_report_dispose(struct xl_report *rep)
{
    size_t i, a;

    for (i = 0; i < rep->nr_rows; i++) {
        for (a = 0; a < XL_REPORT_MAX_ARMS; a++) {
            struct xl_report_cell *c = &rep->rows[i].cells[a];
            size_t k;

            free(c->values);
            free(c->trials);
            for (k = 0; k < c->nr_runs; k++) {
                free(c->runs[k].out_tail);
                free(c->runs[k].dir);
                free(c->runs[k].err_tail);
            }
            free(c->runs);
        }
    }
    free(rep->rows);
    for (a = 0; a < rep->nr_arms; a++) {
        free(rep->arms[a]);
        json_object_put(rep->envs[a]);
    }
    free(rep->dir);
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

/* A run id from a file is data: only what xenlab's ids are made of (and
 * nothing that could split an --arms list or an "ARM@RUN" name). */
static bool run_id_ok(const char *id)
{
    size_t n = strlen(id);

    return n > 0 && n < XL_REPORT_RUN_ID_MAX && strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                          "0123456789._-") == n && id[0] != '.';
}

/* The run now being loaded: id and host, the same id twice is one run. */
static void note_run(struct xl_report *rep, const char *id, json_object *host)
{
    size_t i;

    rep->cur_run = -1;
    if (!id || !run_id_ok(id))
        return;
    for (i = 0; i < rep->nr_runs; i++) {
        if (strcmp(rep->runs[i].id, id) == 0) {
            rep->cur_run = (int)i;
            if (!rep->runs[i].host.hostname[0] && host)
                xl_host_info_read(host, &rep->runs[i].host);
            return;
        }
    }
    if (rep->nr_runs == XL_REPORT_MAX_RUNS)
        return;
    snprintf(rep->runs[i].id, sizeof(rep->runs[i].id), "%s", id);
    xl_host_info_read(host, &rep->runs[i].host);
    rep->cur_run = (int)rep->nr_runs++;
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

/* A guest's numbers: a value out of range is ignored, not believed. */
static void note_sensors(struct xl_arm_sensors *s, json_object *env)
{
    json_object *sn = NULL;
    double v = -1;
    int64_t k = 0;

    if (!env || !json_object_object_get_ex(env, "sensors", &sn) || !json_object_is_type(sn, json_type_object))
        return;
    if (xl_json_get_double(sn, "env.sensors", "steal_pct", false, 0, 100, &v) == XL_OK && v >= 0) {
        s->any = true;
        if (v > s->steal_max)
            s->steal_max = v;
    }
    v = -1;
    if (xl_json_get_double(sn, "env.sensors", "throttled_pct", false, 0, 100, &v) == XL_OK && v >= 0) {
        s->any = true;
        if (v > s->throttled_max)
            s->throttled_max = v;
    }
    if (xl_json_get_int(sn, "env.sensors", "oom_kills", false, 0, 1000000, &k) == XL_OK && k > 0)
        s->oom_kills += k;
    xl_error_clear();
}

/* A tail from the details: guest data, so bounded and made printable
 * (XML 1.0 has no place for control characters). */
/* details.KEY as one printable line into buf; false when absent. */
static bool detail_line(json_object *details, const char *key, char *buf, size_t len)
{
    json_object *v = NULL;

    buf[0] = '\0';
    if (!details || !json_object_object_get_ex(details, key, &v) || !json_object_is_type(v, json_type_string))
        return false;
    snprintf(buf, len, "%s", json_object_get_string(v));
    xl_text_ascii(buf, len - 1);
    return true;
}

static void pts_identity(struct xl_report_row *row, json_object *details)
{
    /* "NAMESPACE/NAME-VERSION" as PTS writes test identifiers (pts/, local/,
     * a user's); xenlab's own file read back is xenlab's, not PTS's. */
    if (!detail_line(details, "pts_identifier", row->pts_identifier, sizeof(row->pts_identifier)) ||
        !strchr(row->pts_identifier, '/') || strncmp(row->pts_identifier, "xenlab/", 7) == 0 ||
        strchr(row->pts_identifier, ' ')) {
        row->pts_identifier[0] = '\0';
        return;
    }
    detail_line(details, "pts_title", row->pts_title, sizeof(row->pts_title));
    detail_line(details, "pts_description", row->pts_description, sizeof(row->pts_description));
    detail_line(details, "pts_scale", row->pts_scale, sizeof(row->pts_scale));
    detail_line(details, "pts_arguments", row->pts_arguments, sizeof(row->pts_arguments));
}

static char *detail_tail(json_object *details, const char *key)
{
    json_object *v = NULL;
    const char *s;
    char *t;
    size_t len;

    if (!details || !json_object_object_get_ex(details, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    s = json_object_get_string(v);
    len = strlen(s);
    if (len > XL_REPORT_TAIL_MAX)
        s += len - XL_REPORT_TAIL_MAX;
    t = xl_strdup(s);
    xl_text_ascii_lines(t);
    return t;
}

static double detail_number(json_object *details, const char *key, double min, double max)
{
    json_object *v = NULL;
    double d;

    if (!details || !json_object_object_get_ex(details, key, &v) ||
        !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
        return -1;
    d = json_object_get_double(v);
    return isfinite(d) && d >= min && d <= max ? d : -1;
}

static void add_test_run(const struct xl_report *rep, struct xl_report_cell *c, const struct xl_result *r)
{
    struct xl_report_test_run *t;

    unsigned replica = r->replica ? r->replica : 1, trial = r->replica_trial ? r->replica_trial : r->trial;
    size_t at = c->nr_runs;

    /* Kept in (replica, trial) order, however the results arrived. */
    while (at > 0 && (c->runs[at - 1].replica > replica ||
                      (c->runs[at - 1].replica == replica && c->runs[at - 1].trial > trial)))
        at--;
    c->runs = xl_realloc(c->runs, (c->nr_runs + 1) * sizeof(*c->runs));
    memmove(&c->runs[at + 1], &c->runs[at], (c->nr_runs - at) * sizeof(*c->runs));
    c->nr_runs++;
    t = &c->runs[at];
    memset(t, 0, sizeof(*t));
    t->replica = replica;
    t->trial = trial;
    t->ran = r->ok;
    t->passed = r->ok && r->value >= 0.5;
    t->seconds = detail_number(r->details, "seconds", 0, 1e9);
    t->exit_code = (int)detail_number(r->details, "exit_code", 0, 255);
    if (!r->ok)
        snprintf(t->error, sizeof(t->error), "%s", r->error);
    snprintf(t->log, sizeof(t->log), "%s", r->log);   /* xl_log_path_ok, by xl_result_from_json */
    /* Each run's logs are under its own directory (a report may merge runs). */
    t->dir = r->log[0] && rep->dir ? xl_strdup(rep->dir) : NULL;
    t->out_tail = detail_tail(r->details, "stdout_tail");
    t->err_tail = detail_tail(r->details, "stderr_tail");
}

void xl_report_test_summary(const struct xl_report_cell *c, struct xl_test_summary *s)
{
    size_t k;

    memset(s, 0, sizeof(*s));
    for (k = 0; k < c->nr_runs; k++) {
        s->runs++;
        if (!c->runs[k].ran)
            s->not_run++;
        else if (c->runs[k].passed)
            s->passed++;
        else
            s->failed++;
    }
    s->flaky = s->passed > 0 && s->failed > 0;
}

bool xl_report_has_tests(const struct xl_report *rep)
{
    size_t i;

    for (i = 0; i < rep->nr_rows; i++)
        if (rep->rows[i].is_test)
            return true;
    return false;
}

int xl_report_add(struct xl_report *rep, const struct xl_result *r)
{
    const char *arm_name = r->arm[0] ? r->arm : "unnamed";
    xl_autofree char *by_run = NULL;
    struct xl_report_cell *c;
    struct xl_report_row *row = NULL;
    size_t i;
    int a, rc;

    if (rep->by_run && rep->cur_run >= 0) {
        by_run = xl_asprintf("%s@%s", arm_name, rep->runs[rep->cur_run].id);
        arm_name = by_run;
    }
    a = find_arm(rep, arm_name);
    if (a < 0) {
        if (rep->fixed_arms)
            return XL_OK;
        rc = add_arm(rep, arm_name);
        if (rc)
            return rc;
        a = (int)rep->nr_arms - 1;
    }
    if (rep->arm_run[a] < 0)
        rep->arm_run[a] = rep->cur_run;
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
        row->is_test = strcmp(r->benchmark, "command") == 0 && strcmp(r->unit, "pass") == 0;
    }
    if (!row->pts_identifier[0] && strcmp(r->benchmark, "command") == 0)
        pts_identity(row, r->details);
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
    if (row->is_test)
        add_test_run(rep, c, r);
    if (!rep->envs[a] && r->env)
        rep->envs[a] = json_object_get(r->env);
    note_sensors(&rep->sensors[a], r->env);
    return XL_OK;
}

/* An arm's name as this report has it (ARM@RUN when runs are merged). */
static char *report_arm_name(const struct xl_report *rep, const char *arm)
{
    if (rep->by_run && rep->cur_run >= 0)
        return xl_asprintf("%s@%s", arm, rep->runs[rep->cur_run].id);
    return xl_strdup(arm);
}

/* One of dom0's intervals (a results.json "dom0" entry or a journal
 * event): checked, then folded into its arm's sensors. */
static void note_dom0(struct xl_report *rep, json_object *o)
{
    struct xl_dom0_record rec;
    struct xl_arm_sensors *s;
    xl_autofree char *arm = NULL;
    size_t i, k;
    int a;

    if (!xl_dom0_record_read(o, &rec))
        return;
    arm = report_arm_name(rep, rec.arm);
    a = find_arm(rep, arm);
    if (a < 0) {
        if (rep->fixed_arms || add_arm(rep, arm) != XL_OK) {
            xl_error_clear();
            return;
        }
        a = (int)rep->nr_arms - 1;
        rep->arm_run[a] = rep->cur_run;
    }
    s = &rep->sensors[a];
    s->dom0 = true;
    if (rec.wall_s >= 1 && rec.vcpus) {
        double pct = 100 * rec.cpu_s / (rec.wall_s * rec.vcpus);

        /* The vCPU count said is the busiest interval's. */
        if (pct > s->dom0_cpu_max_pct || !s->dom0_vcpus) {
            s->dom0_cpu_max_pct = pct > 100 ? 100 : pct;
            s->dom0_vcpus = rec.vcpus;
        }
    } else if (!s->dom0_vcpus) {
        s->dom0_vcpus = rec.vcpus;
    }
    if (rec.pcpus[0]) {
        struct xl_cpuset have = { 0 }, add;

        if ((!s->dom0_pcpus[0] || xl_cpuset_parse(s->dom0_pcpus, "pcpus", &have) == XL_OK) &&
            xl_cpuset_parse(rec.pcpus, "pcpus", &add) == XL_OK) {
            xl_autofree char *text = NULL;

            xl_cpuset_add_all(&have, &add);
            text = xl_cpuset_format(&have, true);
            if (strlen(text) < sizeof(s->dom0_pcpus))
                snprintf(s->dom0_pcpus, sizeof(s->dom0_pcpus), "%s", text);
        }
        xl_error_clear();
    }
    for (i = 0; i < rec.nr_beside; i++) {
        xl_autofree char *other = report_arm_name(rep, rec.beside[i].arm);

        for (k = 0; k < s->nr_beside && strcmp(s->beside[k], other) != 0; k++)
            ;
        if (k == s->nr_beside) {
            if (k == XL_REPORT_MAX_BESIDE || strlen(other) >= sizeof(s->beside[0]))
                continue;
            snprintf(s->beside[k], sizeof(s->beside[0]), "%s", other);
            s->nr_beside++;
        }
        s->beside_shared[k] |= rec.beside[i].shared_pcpus;
    }
}

/* One JSON value: a result document, or an array/object holding them. */
/* Each result of a multi-host results.json under its host's run. */
static int add_json(struct xl_report *rep, json_object *v, const char *where);

static int add_multihost(struct xl_report *rep, json_object *hosts, json_object *list, const char *where)
{
    size_t i, k;
    int rc = XL_OK;

    for (i = 0; i < json_object_array_length(list) && !rc; i++) {
        json_object *res = json_object_array_get_idx(list, i), *hn = NULL;
        xl_autofree char *w = xl_asprintf("%s[%zu]", where, i);

        rep->cur_run = -1;
        if (json_object_object_get_ex(res, "host", &hn) && json_object_is_type(hn, json_type_string)) {
            for (k = 0; k < json_object_array_length(hosts) && k < 64; k++) {
                json_object *h = json_object_array_get_idx(hosts, k), *name = NULL, *run = NULL, *info = NULL;

                if (!json_object_object_get_ex(h, "name", &name) || !json_object_is_type(name, json_type_string) ||
                    strcmp(json_object_get_string(name), json_object_get_string(hn)) != 0)
                    continue;
                json_object_object_get_ex(h, "host", &info);
                if (json_object_object_get_ex(h, "run", &run) && json_object_is_type(run, json_type_string))
                    note_run(rep, json_object_get_string(run), info);
                break;
            }
        }
        rc = add_json(rep, res, w);
    }
    return rc;
}

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
    if (json_object_object_get_ex(v, "results", &list) && json_object_is_type(list, json_type_array)) {
        json_object *run = NULL, *host = NULL;

        json_object *dom0 = NULL;

        json_object *hosts = NULL;

        /* A multi-host run's results.json (plugin/run/multihost.h): each
         * result names its "host", whose entry in "hosts" names that
         * host's run and machine, so every format tells the hosts apart. */
        if (json_object_object_get_ex(v, "hosts", &hosts) && json_object_is_type(hosts, json_type_array)) {
            json_object *d0 = NULL;

            rc = add_multihost(rep, hosts, list, where);
            if (!rc && json_object_object_get_ex(v, "dom0", &d0) && json_object_is_type(d0, json_type_array))
                for (i = 0; i < json_object_array_length(d0) && i < XL_PLAN_MAX_SLOTS * XL_REPORT_MAX_ARMS; i++)
                    note_dom0(rep, json_object_array_get_idx(d0, i));
            return rc;
        }
        /* results.json: {"xenlab":"results/1","run":ID,"host":{...},"results":[...],"dom0":[...]};
         * an id that is not one gives way to the directory's name. */
        if (json_object_object_get_ex(v, "run", &run)) {
            const char *id = json_object_is_type(run, json_type_string) ? json_object_get_string(run) : NULL;

            if ((!id || !run_id_ok(id)) && rep->dir && strrchr(rep->dir, '/'))
                id = strrchr(rep->dir, '/') + 1;
            json_object_object_get_ex(v, "host", &host);
            note_run(rep, id, host);
        }
        rc = add_json(rep, list, where);
        if (!rc && json_object_object_get_ex(v, "dom0", &dom0) && json_object_is_type(dom0, json_type_array))
            for (i = 0; i < json_object_array_length(dom0) && i < XL_PLAN_MAX_SLOTS * XL_REPORT_MAX_ARMS; i++)
                note_dom0(rep, json_object_array_get_idx(dom0, i));
        return rc;
    }
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
    json_object *counters;   /* xl_run_next_trial's, as results.json numbers trials */
    json_object *seen;       /* "job/slot" -> true: a slot journalled twice counts once */
    const char *run_id;      /* the run directory's name */
    bool noted_run;
};

/* The log the collector stored for a journalled result, as results.json
 * would name it: logs/<job>/<slot>.log, when that file is there. */
static void journal_log(struct journal_ctx *ctx, json_object *ev)
{
    const struct xl_report *rep = ctx->rep;
    json_object *job = NULL, *slot = NULL, *doc = NULL;
    xl_autofree char *rel = NULL, *abs = NULL;
    struct stat st;

    if (!rep->dir || !json_object_object_get_ex(ev, "job", &job) || !json_object_is_type(job, json_type_string) ||
        !json_object_object_get_ex(ev, "slot", &slot) || !json_object_is_type(slot, json_type_int) ||
        !json_object_object_get_ex(ev, "result", &doc) || !json_object_is_type(doc, json_type_object) ||
        json_object_get_int64(slot) < 0)
        return;
    rel = xl_asprintf("logs/%s/%lld.log", json_object_get_string(job), (long long)json_object_get_int64(slot));
    abs = xl_asprintf("%s/%s", rep->dir, rel);
    if (xl_log_path_ok(rel) && strlen(rel) < sizeof(((struct xl_result *)0)->log) && lstat(abs, &st) == 0 &&
        S_ISREG(st.st_mode))
        xl_json_add(doc, "log", xl_json_str(rel));
    /* Which clone, as results.json says it: the job is "xl-<run>-<arm>-<replica>"
     * (runstore.h), and the guest's trial is that replica's own. */
    {
        const char *j = json_object_get_string(job), *dash = strrchr(j, '-');
        json_object *trial = NULL;
        char *end = NULL;
        long rep_no = dash ? strtol(dash + 1, &end, 10) : 0;

        if (dash && end && *end == '\0' && end != dash + 1 && rep_no >= 1 && rep_no <= 1024 &&
            json_object_object_get_ex(doc, "trial", &trial) && json_object_is_type(trial, json_type_int)) {
            json_object *arm = NULL, *bench = NULL, *variant = NULL;
            unsigned n;

            json_object_object_get_ex(doc, "arm", &arm);
            json_object_object_get_ex(doc, "benchmark", &bench);
            json_object_object_get_ex(doc, "variant", &variant);
            n = xl_run_next_trial(ctx->counters, json_object_get_string(arm), json_object_get_string(bench),
                                  json_object_get_string(variant));
            xl_json_add(doc, "replica", json_object_new_int((int)rep_no));
            xl_json_add(doc, "replica_trial", json_object_get(trial));
            /* An arm's trials numbered across its replicas, as results.json has them. */
            xl_json_add(doc, "trial", json_object_new_int(n));
        }
    }
}

static void journal_result(void *opaque, json_object *ev)
{
    struct journal_ctx *ctx = opaque;

    if (xl_journal_is(ev, "dom0")) {
        note_dom0(ctx->rep, ev);
        return;
    }
    /* The first "started" names the machine; the id is the directory's. */
    if (xl_journal_is(ev, "run") && !ctx->noted_run && xl_journal_str(ev, "state") &&
        strcmp(xl_journal_str(ev, "state"), "started") == 0) {
        json_object *host = NULL;

        json_object_object_get_ex(ev, "host", &host);
        note_run(ctx->rep, ctx->run_id, host);
        ctx->noted_run = true;
        return;
    }

    if (!ctx->rc && xl_journal_is(ev, "result")) {
        json_object *job = NULL, *slot = NULL;

        if (json_object_object_get_ex(ev, "job", &job) && json_object_object_get_ex(ev, "slot", &slot)) {
            xl_autofree char *key = xl_asprintf("%s/%s", json_object_get_string(job), json_object_get_string(slot));

            if (json_object_object_get_ex(ctx->seen, key, NULL))
                return;
            xl_json_add(ctx->seen, key, json_object_new_boolean(1));
        }
        journal_log(ctx, ev);
        ctx->rc = add_json(ctx->rep, ev, ctx->path);
    }
}

/* A run's journal without results.json (the run was stopped): its result
 * events, read as the runner reads them, torn lines skipped. */
static int load_journal(struct xl_report *rep, const char *dir)
{
    xl_autofree char *path = xl_asprintf("%s/" XL_JOURNAL_NAME, dir);
    xl_autofree char *real = realpath(dir, NULL);
    const char *slash = real ? strrchr(real, '/') : NULL;
    struct journal_ctx ctx = { rep, path, XL_OK, json_object_new_object(), json_object_new_object(),
                               slash ? slash + 1 : NULL, false };
    int rc = xl_journal_read(path, journal_result, &ctx, NULL);

    json_object_put(ctx.counters);
    json_object_put(ctx.seen);
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
    rep->cur_run = -1;
    /* Logs are named relative to the run directory results.json is in;
     * the reports give them as absolute paths, valid wherever they go. */
    free(rep->dir);
    {
        const char *slash = strrchr(path, '/');
        xl_autofree char *dir = S_ISDIR(st.st_mode) ? xl_strdup(path)
                                : slash ? xl_strndup(path, (size_t)(slash - path ? slash - path : 1))
                                        : xl_strdup(".");

        rep->dir = realpath(dir, NULL);
    }
    return S_ISDIR(st.st_mode) ? load_dir(rep, path) : load_file(rep, path);
}

char *xl_report_log_path(const struct xl_report *rep, const struct xl_report_test_run *t)
{
    (void)rep;
    if (!t->log[0] || !t->dir || !xl_log_path_ok(t->log))
        return NULL;
    return xl_asprintf("%s/%s", t->dir, t->log);
}

char *xl_report_log_text(const struct xl_report *rep, const struct xl_report_test_run *t)
{
    xl_autofree char *path = xl_report_log_path(rep, t);
    const size_t max = XL_LOG_MAX_BYTES + XL_LOG_MARK_MAX;
    char *text;
    struct stat st;
    ssize_t n;
    int fd;

    if (!path)
        return NULL;
    /* logs/<job>/<slot>.log one component at a time from the run directory:
     * no symlink followed anywhere below it (a moved or merged run directory
     * is the user's, its insides are data). */
    {
        char rel[sizeof(t->log)], *job, *file;
        int dfd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), d2;

        snprintf(rel, sizeof(rel), "%s", t->log);
        job = strchr(rel, '/');
        *job++ = '\0';
        file = strchr(job, '/');
        *file++ = '\0';
        d2 = dfd < 0 ? -1 : openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd >= 0)
            close(dfd);
        dfd = d2 < 0 ? -1 : openat(d2, job, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (d2 >= 0)
            close(d2);
        fd = dfd < 0 ? -1 : openat(dfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (dfd >= 0)
            close(dfd);
    }
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return NULL;
    }
    text = xl_malloc(max + 1);
    n = read(fd, text, max);
    close(fd);
    if (n < 0) {
        free(text);
        return NULL;
    }
    text[n] = '\0';
    for (ssize_t i = 0; i < n; i++)
        if (text[i] == '\0')
            text[i] = ' ';
    xl_text_ascii_lines(text);
    return text;
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

const char *xl_verdict_name(enum xl_verdict v)
{
    switch (v) {
    case XL_VERDICT_SAME: return "no difference shown";
    case XL_VERDICT_BETTER: return "better";
    case XL_VERDICT_WORSE: return "worse";
    case XL_VERDICT_NONE: break;
    }
    return "no interval";
}

void xl_report_compare_cells(const struct xl_report_cell *num, const struct xl_report_cell *den,
                             bool lower_is_better, const char *num_name, const char *den_name,
                             struct xl_report_comparison *c)
{
    double pct, lo, hi;
    bool higher;

    memset(c, 0, sizeof(*c));
    xl_ratio_ci_welch_log(num->values, num->nr_values, den->values, den->nr_values, &c->ci);
    if (!c->ci.ok) {
        snprintf(c->text, sizeof(c->text), "no interval: %s",
                 num->nr_values < 2 || den->nr_values < 2 ? "fewer than 2 trials in an arm"
                                                          : "a value that is not positive");
        return;
    }
    pct = (c->ci.ratio - 1) * 100;
    lo = (c->ci.low - 1) * 100;
    hi = (c->ci.high - 1) * 100;
    if (c->ci.low <= 1 && c->ci.high >= 1) {
        c->verdict = XL_VERDICT_SAME;
        snprintf(c->text, sizeof(c->text), "no difference shown (95 %% CI %+.1f to %+.1f %%)", lo, hi);
        return;
    }
    higher = c->ci.ratio > 1;
    c->verdict = higher == lower_is_better ? XL_VERDICT_WORSE : XL_VERDICT_BETTER;
    /* As magnitudes: "30.7 % lower (95 % CI 26.9 to 34.3 %)". */
    if (!higher) {
        double t = -hi;

        hi = -lo;
        lo = t;
        pct = -pct;
    }
    c->change_pct = pct;
    c->change_low_pct = lo;
    snprintf(c->text, sizeof(c->text), "%s is %.1f %% %s than %s, %s (95 %% CI %.1f to %.1f %%)", num_name, pct,
             higher ? "higher" : "lower", den_name, xl_verdict_name(c->verdict), lo, hi);
}

void xl_report_compare(const struct xl_report *rep, const struct xl_report_row *row, const char *num,
                       const char *den, struct xl_report_comparison *c)
{
    int a = xl_report_find_arm(rep, num), b = xl_report_find_arm(rep, den);

    if (a < 0 || b < 0) {
        memset(c, 0, sizeof(*c));
        snprintf(c->text, sizeof(c->text), "no such arm");
        return;
    }
    xl_report_compare_cells(&row->cells[a], &row->cells[b], row->lower_is_better, num, den, c);
}
