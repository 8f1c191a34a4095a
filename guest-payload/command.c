/* The `command` workload (common/command-spec.h): runs the user's argv in
 * the guest (or the container), its stdout and stderr to files in a
 * directory of its own under the worker's work directory (removed after),
 * and reads one metric from what it did. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "json-util.h"
#include "text.h"
#include "xl-spawn.h"
#include "pts-read.h"
#include "trial-log.h"
#include "xl-util.h"

/* How much of an output a metric reads: the last 1 MiB (a regex's "last"
 * match and a JSON document at the end are what tools print last). */
#define PARSE_MAX (1024 * 1024)
/* Tails kept in the result's details: a result must fit XL_RESULT_MAX_BYTES. */
#define TAIL_MAX 512
#define DEFAULT_TIMEOUT_S 86400

extern char **environ;

struct output {
    char *text;        /* NUL-terminated, NULs inside replaced by spaces */
    size_t len;
    bool truncated;    /* only the last PARSE_MAX bytes were read */
};

static void output_dispose(struct output *o)
{
    free(o->text);
    memset(o, 0, sizeof(*o));
}

static int read_tail(const char *path, struct output *o)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    off_t start = 0;
    size_t got = 0, i;
    int rc = XL_OK;

    memset(o, 0, sizeof(*o));
    if (fd < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        rc = xl_error(XL_ERR_FAIL, "%s: not a regular file", path);
        goto out;
    }
    if (st.st_size > PARSE_MAX) {
        start = st.st_size - PARSE_MAX;
        o->truncated = true;
    }
    o->text = xl_malloc(PARSE_MAX + 1);
    while (got < PARSE_MAX) {
        ssize_t n = pread(fd, o->text + got, PARSE_MAX - got, start + (off_t)got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
            goto out;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    for (i = 0; i < got; i++)
        if (o->text[i] == '\0')
            o->text[i] = ' ';
    o->text[got] = '\0';
    o->len = got;
out:
    close(fd);
    return rc;
}

/* The last TAIL_MAX bytes as printable ASCII, for the details and messages. */
static char *tail_text(const struct output *o, size_t max)
{
    size_t from = o->len > max ? o->len - max : 0;
    char *t = xl_strndup(o->text ? o->text + from : "", o->len - from);

    xl_text_ascii_lines(t);
    return t;
}

/* The trial's log (common/trial-log.h): both tails, each under a header
 * saying how much of the stream it is; the agent cuts the head if the
 * plan's share of XenStore is smaller. */
static char *output_log(const struct output *out, const struct output *err)
{
    /* Under XL_LOG_MAX_BYTES with the headers: only the agent ever cuts,
     * once, and its marker counts every byte it cut. */
    const size_t half = (XL_LOG_MAX_BYTES - 256) / 2;
    xl_autofree char *ot = tail_text(out, half);
    xl_autofree char *et = tail_text(err, half);

    return xl_asprintf("--- stdout: last %zu of %s%zu bytes ---\n%s%s--- stderr: last %zu of %s%zu bytes ---\n%s",
                       strlen(ot), out->truncated ? "more than " : "", out->len, ot,
                       *ot && ot[strlen(ot) - 1] != '\n' ? "\n" : "", strlen(et),
                       err->truncated ? "more than " : "", err->len, et);
}

static char *last_line(const struct output *o)
{
    const char *end, *start;
    char *t;

    if (!o->text)
        return xl_strdup("");
    end = o->text + o->len;
    while (end > o->text && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r'))
        end--;
    start = end;
    while (start > o->text && start[-1] != '\n')
        start--;
    t = xl_strndup(start, (size_t)(end - start));
    xl_text_ascii(t, 120);
    return t;
}

/* A whole number with at most surrounding blanks: "12.5" yes, "12.5x" no. */
static int parse_number(const char *s, size_t len, double *v)
{
    char buf[64], *end;
    size_t a = 0, b = len;

    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
        b--;
    if (b == a || b - a >= sizeof(buf))
        return XL_ERR_INVAL;
    memcpy(buf, s + a, b - a);
    buf[b - a] = '\0';
    errno = 0;
    *v = strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(*v))
        return XL_ERR_INVAL;
    return XL_OK;
}

static int metric_regex(const struct xl_metric *m, const struct output *o, struct xl_result *r)
{
    const char *where = m->from == XL_METRIC_STDERR ? "stderr" : "stdout";
    regmatch_t match[10], found[10];
    const char *p = o->text ? o->text : "";
    bool any = false;
    regex_t re;
    int eflags = 0;

    if (regcomp(&re, m->pattern, REG_EXTENDED | REG_NEWLINE) != 0) {
        xl_result_set_error(r, "metric %s: the pattern does not compile here", m->name);
        return XL_ERR_FAIL;
    }
    while (regexec(&re, p, 10, match, eflags) == 0) {
        size_t k;

        for (k = 0; k < 10; k++) {
            found[k] = match[k];
            if (found[k].rm_so >= 0) {
                found[k].rm_so += (regoff_t)(p - o->text);
                found[k].rm_eo += (regoff_t)(p - o->text);
            }
        }
        any = true;
        if (!m->last)
            break;
        /* Next search after this match (at least one byte on). */
        p += match[0].rm_eo > match[0].rm_so ? match[0].rm_eo : match[0].rm_so + 1;
        if (p > o->text + o->len)
            break;
        eflags = (p > o->text && p[-1] != '\n') ? REG_NOTBOL : 0;
    }
    regfree(&re);
    if (!any) {
        xl_autofree char *line = last_line(o);

        xl_result_set_error(r, "metric %s: no match in %s%s (last line: \"%s\")", m->name, where,
                            o->truncated ? "'s last 1 MiB" : "", line);
        return XL_ERR_FAIL;
    }
    if (found[m->group].rm_so < 0) {
        xl_result_set_error(r, "metric %s: group %u did not take part in the match", m->name, m->group);
        return XL_ERR_FAIL;
    }
    {
        const char *s = o->text + found[m->group].rm_so;
        size_t len = (size_t)(found[m->group].rm_eo - found[m->group].rm_so);

        if (parse_number(s, len, &r->value)) {
            xl_autofree char *seen = xl_strndup(s, len < 40 ? len : 40);

            xl_text_ascii(seen, 40);
            xl_result_set_error(r, "metric %s: matched \"%s\", not a number", m->name, seen);
            return XL_ERR_FAIL;
        }
    }
    return XL_OK;
}

static int metric_json(const struct xl_metric *m, const char *cwd, const struct output *out, struct xl_result *r)
{
    json_object *doc = NULL, *v = NULL;
    xl_autofree char *file = NULL;
    int rc;

    if (m->from == XL_METRIC_FILE) {
        file = xl_asprintf("%s/%s", cwd, m->file);
        rc = xl_json_parse_file(file, PARSE_MAX, &doc);
    } else if (out->truncated) {
        xl_result_set_error(r, "metric %s: stdout is larger than 1 MiB, too large to read as JSON", m->name);
        return XL_ERR_FAIL;
    } else {
        rc = xl_json_parse(out->text ? out->text : "", out->len, "stdout", &doc);
    }
    if (rc) {
        xl_autofree char *why = xl_text_sanitise_dup(xl_error_message());

        xl_result_set_error(r, "metric %s: %s", m->name, why);
        return XL_ERR_FAIL;
    }
    if (json_pointer_get(doc, m->pointer, &v) != 0) {
        xl_result_set_error(r, "metric %s: no value at JSON pointer \"%s\" in %s", m->name, m->pointer,
                            m->file ? m->file : "stdout");
        rc = XL_ERR_FAIL;
    } else if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)) {
        xl_result_set_error(r, "metric %s: the value at \"%s\" is a %s, not a number", m->name, m->pointer,
                            json_type_to_name(json_object_get_type(v)));
        rc = XL_ERR_FAIL;
    } else {
        r->value = json_object_get_double(v);
        rc = isfinite(r->value) ? XL_OK : XL_ERR_FAIL;
        if (rc)
            xl_result_set_error(r, "metric %s: the value at \"%s\" is not finite", m->name, m->pointer);
    }
    json_object_put(doc);
    return rc;
}

/* pts: the result PTS wrote into its composite.xml, with PTS's own
 * identifier, description, unit and trials in the details. */
static int metric_pts(const struct xl_metric *m, const char *cwd, struct xl_result *r)
{
    xl_autofree char *file = xl_asprintf("%s/%s", cwd, m->file);
    xl_autofree char *text = NULL;
    struct xl_pts_value v;
    size_t len = 0;
    int rc;

    rc = xl_read_file(file, XL_PTS_FILE_MAX, &text, &len);
    if (!rc)
        rc = xl_pts_find(text, len, m->file, m->pts_result, m->pts_description, &v);
    if (rc) {
        xl_autofree char *why = xl_text_sanitise_dup(xl_error_message());

        xl_result_set_error(r, "metric %s: %s", m->name, why);
        return XL_ERR_FAIL;
    }
    /* PTS says which way is better; a spec that says otherwise is wrong. */
    if ((strcmp(v.proportion, "LIB") == 0 && !m->lower_is_better) ||
        (strcmp(v.proportion, "HIB") == 0 && m->lower_is_better)) {
        xl_result_set_error(r, "metric %s: %s says %s is better (%s), the spec says %s", m->name, m->file,
                            m->lower_is_better ? "higher" : "lower", v.proportion,
                            m->lower_is_better ? "lower" : "higher");
        return XL_ERR_FAIL;
    }
    r->value = v.value;
    xl_json_add(r->details, "pts_identifier", xl_json_str(m->pts_result));
    xl_json_add(r->details, "pts_title", xl_json_str(v.title));
    xl_json_add(r->details, "pts_description", xl_json_str(v.description));
    xl_json_add(r->details, "pts_scale", xl_json_str(v.scale));
    xl_json_add(r->details, "pts_arguments", xl_json_str(v.arguments));
    xl_json_add(r->details, "pts_raw", xl_json_str(v.raw));
    return XL_OK;
}

/* The worker's environment, then the spec's variables over it, then what
 * the trial is. */
static char **command_env(const struct xl_command_spec *c, unsigned trial)
{
    size_t n = 0, k = 0, i, j;
    char **env;

    while (environ[n])
        n++;
    env = xl_calloc(n + c->nr_env + 2, sizeof(char *));
    for (i = 0; i < n; i++) {
        bool replaced = strncmp(environ[i], "XENLAB_TRIAL=", 13) == 0;

        for (j = 0; j < c->nr_env && !replaced; j++) {
            size_t kl = (size_t)(strchr(c->env[j], '=') - c->env[j]) + 1;

            replaced = strncmp(environ[i], c->env[j], kl) == 0;
        }
        if (!replaced)
            env[k++] = xl_strdup(environ[i]);
    }
    for (j = 0; j < c->nr_env; j++)
        env[k++] = xl_strdup(c->env[j]);
    env[k++] = xl_asprintf("XENLAB_TRIAL=%u", trial);
    env[k] = NULL;
    return env;
}

/* One program of the workload (setup, the command, cleanup) and what it left. */
struct run {
    struct xl_spawn_result sr;
    struct output out, err;
    double seconds;
};

static void run_dispose(struct run *run)
{
    xl_spawn_result_dispose(&run->sr);
    output_dispose(&run->out);
    output_dispose(&run->err);
}

/* Runs argv (`what` "setup" or "cleanup", or NULL for the command itself)
 * with its output in dir, read back and the files removed. XL_OK when it
 * ran, whatever its status; otherwise r says why it could not. */
static int run_program(const struct xl_command_spec *c, const char *what, char *const *argv,
                       const struct xl_spawn_opts *base, const char *dir, double timeout, struct run *run,
                       struct xl_result *r)
{
    xl_autofree char *op = xl_asprintf("%s/%s.stdout", dir, what ? what : "command");
    xl_autofree char *ep = xl_asprintf("%s/%s.stderr", dir, what ? what : "command");
    struct xl_spawn_opts so = *base;
    double t0 = xl_now();
    int rc;

    memset(run, 0, sizeof(*run));
    so.out_path = op;
    so.err_path = ep;
    /* No process group of its own: the program stays in the worker's, which
     * the agent kills as a whole when the trial's own deadline passes. */
    rc = xl_spawn_with(argv, XL_SPAWN_TERM_FIRST, timeout, &so, &run->sr);
    run->seconds = xl_now() - t0;
    if (rc == XL_ERR_NOTFOUND) {
        xl_result_set_error(r, "command %s: %s%s%s is not installed where the benchmark runs (not in PATH)", c->name,
                            what ? what : "", what ? " " : "", argv[0]);
    } else if (rc) {
        xl_autofree char *why = xl_text_sanitise_dup(xl_error_message());

        xl_result_set_error(r, "command %s: %s%s%s", c->name, what ? what : "", what ? ": " : "", why);
    } else if (read_tail(op, &run->out) || read_tail(ep, &run->err)) {
        xl_result_set_error(r, "command %s: reading its %s%soutput: %s", c->name, what ? what : "", what ? " " : "",
                            xl_error_message());
        rc = XL_ERR_FAIL;
    }
    unlink(op);
    unlink(ep);
    return rc;
}

/* True, with the reason in r, when the program did not exit 0. */
static bool run_failed(const struct xl_command_spec *c, const char *what, const struct run *run, double timeout,
                       struct xl_result *r)
{
    xl_autofree char *who = what ? xl_asprintf("command %s: %s", c->name, what) : xl_asprintf("command %s", c->name);
    xl_autofree char *line = NULL;

    if (run->sr.timed_out) {
        xl_result_set_error(r, "%s did not finish within %.0f s", who, timeout);
        return true;
    }
    if (run->sr.exit_code == 0)
        return false;
    line = last_line(run->err.len ? &run->err : &run->out);
    if (run->sr.term_signal)
        xl_result_set_error(r, "%s killed by signal %d (%s): %s", who, run->sr.term_signal,
                            strsignal(run->sr.term_signal), line);
    else
        xl_result_set_error(r, "%s exited with status %d: %s", who, run->sr.exit_code, line);
    return true;
}

/* A setup or cleanup step: untimed, in the command's cwd and environment. */
static int run_step(const struct xl_command_spec *c, const char *what, char *const *argv,
                    const struct xl_spawn_opts *so, const char *dir, double timeout, struct xl_result *r)
{
    struct run run;
    int rc = run_program(c, what, argv, so, dir, timeout, &run, r);

    if (!rc && run_failed(c, what, &run, timeout, r))
        rc = XL_ERR_FAIL;
    run_dispose(&run);
    return rc;
}

void xl_bench_command(const struct xl_bench_params *p, struct xl_result *r)
{
    const struct xl_command_spec *c = p->command;
    const struct xl_metric *m = &c->metric;
    char workdir[PATH_MAX], outdir[PATH_MAX + 16] = "";
    struct run run = { 0 };
    struct xl_spawn_opts so = { 0 };
    const char *cwd;
    double timeout = c->timeout_s ? c->timeout_s : DEFAULT_TIMEOUT_S;
    char **env = NULL;
    struct stat st;
    json_object *d;

    if (!getcwd(workdir, sizeof(workdir)))
        snprintf(workdir, sizeof(workdir), ".");
    cwd = c->cwd ? c->cwd : workdir;
    errno = 0;
    if (stat(cwd, &st) < 0 || !S_ISDIR(st.st_mode)) {
        xl_result_set_error(r, "command %s: cwd %s: %s", c->name, cwd, errno ? strerror(errno) : "not a directory");
        return;
    }
    /* A directory of its own: two workers sharing a work dir must not
     * read each other's output. */
    snprintf(outdir, sizeof(outdir), "%s/cmd-XXXXXX", workdir);
    if (!mkdtemp(outdir)) {
        xl_result_set_error(r, "command %s: cannot make an output directory in %s: %s", c->name, workdir,
                            strerror(errno));
        return;
    }
    env = command_env(c, r->trial);
    so.cwd = cwd;
    so.envp = env;
    if (c->setup && run_step(c, "setup", c->setup, &so, outdir, timeout, r) != XL_OK)
        goto out;
    if (run_program(c, NULL, c->argv, &so, outdir, timeout, &run, r) != XL_OK)
        goto out;
    d = json_object_new_object();
    xl_json_add(d, "exit_code", json_object_new_int(run.sr.exit_code));
    xl_json_add(d, "seconds", json_object_new_double(run.seconds));
    if (run.sr.timed_out)
        xl_json_add(d, "timed_out", json_object_new_boolean(1));
    {
        xl_autofree char *ot = tail_text(&run.out, TAIL_MAX);
        xl_autofree char *et = tail_text(&run.err, TAIL_MAX);

        xl_json_add(d, "stdout_tail", xl_json_str(ot));
        xl_json_add(d, "stderr_tail", xl_json_str(et));
    }
    r->details = d;
    r->output = output_log(&run.out, &run.err);
    if (m->how == XL_METRIC_EXIT) {
        /* A test: a pass is a measurement, and so is a fail. */
        r->value = run.sr.exit_code == 0 && !run.sr.timed_out ? 1 : 0;
        goto out;
    }
    if (run_failed(c, NULL, &run, timeout, r))
        goto out;
    switch (m->how) {
    case XL_METRIC_TIME:
        r->value = run.seconds;
        break;
    case XL_METRIC_EXIT:
        break;
    case XL_METRIC_REGEX:
        metric_regex(m, m->from == XL_METRIC_STDERR ? &run.err : &run.out, r);
        break;
    case XL_METRIC_JSON:
        metric_json(m, cwd, &run.out, r);
        break;
    case XL_METRIC_PTS:
        metric_pts(m, cwd, r);
        break;
    }
    if (r->ok && r->value < 0)
        xl_result_set_error(r, "metric %s: %g is negative (results are non-negative: invert the unit)", m->name,
                            r->value);
out:
    if (c->cleanup) {
        struct xl_result cr;

        /* Whatever happened: a failed cleanup is noted, the measurement stands. */
        xl_result_init(&cr);
        cr.ok = true;
        if (run_step(c, "cleanup", c->cleanup, &so, outdir, timeout, &cr) != XL_OK && r->details)
            xl_json_add(r->details, "cleanup_error", xl_json_str(cr.error));
        xl_result_dispose(&cr);
    }
    rmdir(outdir);
    run_dispose(&run);
    xl_argv_free(env);
}
