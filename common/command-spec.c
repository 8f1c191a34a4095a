#include "command-spec.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "json-util.h"
#include "text.h"
#include "xl-util.h"

static const char *const how_names[] = { "time", "exit", "regex", "json", "pts" };
static const char *const from_names[] = { "stdout", "stderr", "file" };

void xl_command_spec_init(struct xl_command_spec *c)
{
    memset(c, 0, sizeof(*c));
    c->argv = xl_calloc(1, sizeof(char *));
    c->env = xl_calloc(1, sizeof(char *));
}

static char **dup_strv(char *const *v, size_t n)
{
    char **d = xl_calloc(n + 1, sizeof(char *));
    size_t i;

    for (i = 0; i < n; i++)
        d[i] = xl_strdup(v[i]);
    return d;
}

void xl_command_spec_dispose(struct xl_command_spec *c)
{
    xl_argv_free(c->argv);
    xl_argv_free(c->setup);
    xl_argv_free(c->cleanup);
    xl_argv_free(c->env);
    xl_argv_free(c->inputs);
    free(c->cwd);
    free(c->metric.file);
    free(c->metric.pattern);
    free(c->metric.pointer);
    free(c->metric.pts_result);
    free(c->metric.pts_description);
    memset(c, 0, sizeof(*c));
}

static char *dup_or_null(const char *s) { return s ? xl_strdup(s) : NULL; }

void xl_command_spec_copy(struct xl_command_spec *dst, const struct xl_command_spec *src)
{
    *dst = *src;
    dst->argv = dup_strv(src->argv, src->argc);
    dst->setup = src->setup ? dup_strv(src->setup, src->nr_setup) : NULL;
    dst->cleanup = src->cleanup ? dup_strv(src->cleanup, src->nr_cleanup) : NULL;
    dst->env = dup_strv(src->env, src->nr_env);
    dst->inputs = src->inputs ? dup_strv(src->inputs, src->nr_inputs) : NULL;
    dst->cwd = dup_or_null(src->cwd);
    dst->metric.file = dup_or_null(src->metric.file);
    dst->metric.pattern = dup_or_null(src->metric.pattern);
    dst->metric.pointer = dup_or_null(src->metric.pointer);
    dst->metric.pts_result = dup_or_null(src->metric.pts_result);
    dst->metric.pts_description = dup_or_null(src->metric.pts_description);
}


static int get_name(json_object *obj, const char *path, const char *key, char *buf, size_t len)
{
    const char *s = NULL;
    int rc = xl_json_get_name(obj, path, key, XL_COMMAND_NAME_MAX, &s);

    if (!rc)
        snprintf(buf, len, "%s", s);
    return rc;
}

/* Printable ASCII of 1..max bytes: the plan travels through XenStore as
 * text and every string here ends up in an argv, an environment or a path. */
static int get_text(json_object *obj, const char *path, const char *key, bool required, size_t max,
                    char **r)
{
    const char *s = NULL;
    int rc = xl_json_get_string(obj, path, key, required, max, &s);

    if (rc || !s)
        return rc;
    if (!*s || !xl_str_is_printable(s, max)) {
        xl_autofree char *kpath = xl_json_path_key(path, key);

        return xl_error(XL_ERR_INVAL, "%s: must be 1-%zu bytes of printable ASCII", kpath, max);
    }
    free(*r);
    *r = xl_strdup(s);
    return XL_OK;
}

/* An optional field of 1..len-1 printable bytes into a fixed buffer; *s_r
 * says whether it was there. */
static int get_fixed_text(json_object *obj, const char *path, const char *key, char *buf, size_t len,
                          const char **s_r)
{
    const char *s = NULL;
    int rc = xl_json_get_string(obj, path, key, false, len - 1, &s);

    *s_r = s;
    if (rc || !s)
        return rc;
    if (!*s || !xl_str_is_printable(s, len - 1)) {
        xl_autofree char *kpath = xl_json_path_key(path, key);

        return xl_error(XL_ERR_INVAL, "%s: must be 1-%zu bytes of printable ASCII", kpath, len - 1);
    }
    snprintf(buf, len, "%s", s);
    return XL_OK;
}

static int parse_enum(json_object *obj, const char *path, const char *key, const char *const *names, size_t n,
                      const char *list, int *r)
{
    const char *s = NULL;
    size_t i;
    int rc = xl_json_get_string(obj, path, key, false, 16, &s);

    if (rc || !s)
        return rc;
    for (i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *r = (int)i;
            return XL_OK;
        }
    }
    {
        xl_autofree char *kpath = xl_json_path_key(path, key);

        return xl_error(XL_ERR_INVAL, "%s: must be one of %s", kpath, list);
    }
}

/* An argument vector: the program (non-empty) and its arguments. */
static int parse_argv(json_object *obj, const char *path, const char *key, bool required, char ***v_r,
                      size_t *n_r, size_t *total)
{
    xl_autofree char *kpath = xl_json_path_key(path, key);
    json_object *arr = NULL;
    size_t i, n;
    int rc = xl_json_get_array(obj, path, key, required, XL_COMMAND_MAX_ARGS, &arr);

    if (rc || !arr)
        return rc;
    n = json_object_array_length(arr);
    if (n == 0)
        return xl_error(XL_ERR_INVAL, "%s: must name the program and its arguments", kpath);
    xl_argv_free(*v_r);
    *v_r = xl_calloc(n + 1, sizeof(char *));
    *n_r = 0;
    for (i = 0; i < n; i++) {
        xl_autofree char *apath = xl_json_path_index(kpath, i);
        const char *s = NULL;

        rc = xl_json_as_string(json_object_array_get_idx(arr, i), apath, XL_COMMAND_MAX_ARG_BYTES, &s);
        if (rc)
            return rc;
        /* An empty argument is legitimate, argv[0] is not. */
        if ((i == 0 && !*s) || !xl_str_is_printable(s, XL_COMMAND_MAX_ARG_BYTES))
            return xl_error(XL_ERR_INVAL, "%s: must be %sprintable ASCII", apath, i == 0 ? "a non-empty program name of " : "");
        (*v_r)[(*n_r)++] = xl_strdup(s);
        *total += strlen(s) + 1;
    }
    return XL_OK;
}

static bool valid_env_key(const char *k)
{
    size_t i;

    if (!k[0] || strlen(k) > 64 || (k[0] >= '0' && k[0] <= '9'))
        return false;
    for (i = 0; k[i]; i++) {
        char ch = k[i];

        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return false;
    }
    return true;
}

static int parse_env(json_object *obj, const char *path, struct xl_command_spec *c, size_t *total)
{
    xl_autofree char *epath = xl_json_path_key(path, "env");
    json_object *env = NULL;
    size_t n;
    int rc = xl_json_get_object(obj, path, "env", false, &env);

    if (rc || !env)
        return rc;
    n = (size_t)json_object_object_length(env);
    if (n > XL_COMMAND_MAX_ENV)
        return xl_error(XL_ERR_INVAL, "%s: %zu variables, more than %d", epath, n, XL_COMMAND_MAX_ENV);
    xl_argv_free(c->env);
    c->env = xl_calloc(n + 1, sizeof(char *));
    c->nr_env = 0;
    json_object_object_foreach(env, key, val) {
        xl_autofree char *vpath = xl_json_path_key(epath, key);
        const char *s = NULL;

        if (!valid_env_key(key)) {
            xl_autofree char *shown = xl_text_sanitise_dup(key);

            return xl_error(XL_ERR_INVAL,
                            "%s: \"%.64s\" is not a variable name (1-64 of A-Z, a-z, 0-9, '_', not starting with a digit)",
                            epath, shown);
        }
        rc = xl_json_as_string(val, vpath, XL_COMMAND_MAX_ARG_BYTES, &s);
        if (rc)
            return rc;
        if (*s && !xl_str_is_printable(s, XL_COMMAND_MAX_ARG_BYTES))
            return xl_error(XL_ERR_INVAL, "%s: must be printable ASCII", vpath);
        c->env[c->nr_env++] = xl_asprintf("%s=%s", key, s);
        *total += strlen(key) + strlen(s) + 2;
    }
    return XL_OK;
}

/* A relative path that stays under cwd: no "..", no leading "/". */
static bool relative_below(const char *p)
{
    const char *s = p;

    if (p[0] == '/')
        return false;
    while (*s) {
        const char *e = strchrnul(s, '/');

        if (e - s == 2 && s[0] == '.' && s[1] == '.')
            return false;
        s = *e ? e + 1 : e;
    }
    return true;
}

/* pts: a Phoronix Test Suite composite.xml the command wrote, relative to
 * its cwd; the result PTS identified as `result` (and `description`). */
static int parse_pts(json_object *obj, const char *path, struct xl_metric *m)
{
    static const char *const not_pts[] = { "pattern", "group", "match", "pointer", NULL };
    size_t i;
    int rc;

    for (i = 0; not_pts[i]; i++) {
        if (json_object_object_get_ex(obj, not_pts[i], NULL)) {
            xl_autofree char *kpath = xl_json_path_key(path, not_pts[i]);

            return xl_error(XL_ERR_INVAL, "%s: not used by \"how\": \"pts\" (it reads \"file\")", kpath);
        }
    }
    if (m->from != XL_METRIC_FILE && json_object_object_get_ex(obj, "from", NULL)) {
        xl_autofree char *kpath = xl_json_path_key(path, "from");

        return xl_error(XL_ERR_INVAL, "%s: a pts metric reads a file", kpath);
    }
    m->from = XL_METRIC_FILE;
    rc = get_text(obj, path, "file", true, 1024, &m->file);
    if (!rc && !relative_below(m->file)) {
        xl_autofree char *kpath = xl_json_path_key(path, "file");

        rc = xl_error(XL_ERR_INVAL, "%s: must be a path relative to the command's cwd, without \"..\"", kpath);
    }
    if (!rc)
        rc = get_text(obj, path, "result", true, XL_COMMAND_MAX_PTS_TEXT, &m->pts_result);
    if (!rc)
        rc = get_text(obj, path, "description", false, XL_COMMAND_MAX_PTS_TEXT, &m->pts_description);
    return rc;
}

static int parse_metric(json_object *obj, const char *path, struct xl_metric *m)
{
    static const char *const keys[] = { "name", "how", "label", "unit", "better", "from", "file", "pattern",
                                        "group", "match", "pointer", "result", "description", NULL };
    static const char *const better_names[] = { "lower", "higher" };
    static const char *const match_names[] = { "first", "last" };
    int how = -1, from = XL_METRIC_STDOUT, better = -1, match = 0, rc;
    int64_t group = 1;
    const char *s = NULL;

    rc = xl_json_need_object(obj, path);
    if (!rc)
        rc = xl_json_check_keys(obj, path, keys);
    if (!rc)
        rc = get_name(obj, path, "name", m->name, sizeof(m->name));
    if (!rc)
        rc = xl_json_get_string(obj, path, "how", true, 16, &s);
    if (!rc)
        rc = parse_enum(obj, path, "how", how_names, XL_ARRAY_SIZE(how_names), "time, exit, regex, json, pts", &how);
    if (!rc)
        rc = parse_enum(obj, path, "from", from_names, XL_ARRAY_SIZE(from_names), "stdout, stderr, file", &from);
    if (!rc)
        rc = parse_enum(obj, path, "better", better_names, 2, "lower, higher", &better);
    if (!rc)
        rc = parse_enum(obj, path, "match", match_names, 2, "first, last", &match);
    if (rc)
        return rc;
    m->how = (enum xl_metric_how)how;
    m->from = (enum xl_metric_from)from;
    m->last = match == 1;
    rc = get_fixed_text(obj, path, "label", m->label, sizeof(m->label), &s);
    /* s stays the unit: whether one was given decides below. */
    if (!rc)
        rc = get_fixed_text(obj, path, "unit", m->unit, sizeof(m->unit), &s);
    if (rc)
        return rc;

    switch (m->how) {
    case XL_METRIC_TIME:
    case XL_METRIC_EXIT: {
        static const char *const only[] = { "from", "file", "pattern", "group", "match", "pointer", "result",
                                            "description", NULL };
        size_t i;

        for (i = 0; only[i]; i++) {
            if (json_object_object_get_ex(obj, only[i], NULL)) {
                xl_autofree char *kpath = xl_json_path_key(path, only[i]);

                return xl_error(XL_ERR_INVAL, "%s: not used by \"how\": \"%s\"", kpath, how_names[m->how]);
            }
        }
        /* What these measure is fixed: seconds, lower; a pass, higher. */
        if (s || better >= 0) {
            xl_autofree char *kpath = xl_json_path_key(path, s ? "unit" : "better");

            return xl_error(XL_ERR_INVAL, "%s: fixed by \"how\": \"%s\"", kpath, how_names[m->how]);
        }
        snprintf(m->unit, sizeof(m->unit), "%s", m->how == XL_METRIC_TIME ? "s" : "pass");
        m->lower_is_better = m->how == XL_METRIC_TIME;
        return XL_OK;
    }
    case XL_METRIC_REGEX:
    case XL_METRIC_JSON:
    case XL_METRIC_PTS:
        if (!s || better < 0) {
            xl_autofree char *kpath = xl_json_path_key(path, !s ? "unit" : "better");

            return xl_error(XL_ERR_INVAL, "%s: required: what the number is and which way is better", kpath);
        }
        m->lower_is_better = better == 0;
        break;
    }
    if (m->how == XL_METRIC_PTS)
        return parse_pts(obj, path, m);
    if (json_object_object_get_ex(obj, "result", NULL) || json_object_object_get_ex(obj, "description", NULL)) {
        xl_autofree char *kpath = xl_json_path_key(path, json_object_object_get_ex(obj, "result", NULL)
                                                             ? "result" : "description");

        return xl_error(XL_ERR_INVAL, "%s: only with \"how\": \"pts\"", kpath);
    }
    if (m->how == XL_METRIC_REGEX) {
        regex_t re;
        int e;

        if (m->from == XL_METRIC_FILE || json_object_object_get_ex(obj, "file", NULL) ||
            json_object_object_get_ex(obj, "pointer", NULL)) {
            xl_autofree char *kpath = xl_json_path_key(path, "from");

            return xl_error(XL_ERR_INVAL, "%s: a regex reads stdout or stderr (no file, no pointer)", kpath);
        }
        rc = get_text(obj, path, "pattern", true, XL_COMMAND_MAX_PATTERN, &m->pattern);
        if (!rc)
            rc = xl_json_get_int(obj, path, "group", false, 0, 9, &group);
        if (rc)
            return rc;
        m->group = (unsigned)group;
        e = regcomp(&re, m->pattern, REG_EXTENDED | REG_NEWLINE);
        if (e != 0) {
            char why[128];
            xl_autofree char *kpath = xl_json_path_key(path, "pattern");

            regerror(e, &re, why, sizeof(why));
            return xl_error(XL_ERR_INVAL, "%s: not a POSIX extended regular expression: %s", kpath, why);
        }
        if (m->group > re.re_nsub) {
            xl_autofree char *kpath = xl_json_path_key(path, "group");

            regfree(&re);
            return xl_error(XL_ERR_INVAL, "%s: the pattern has %zu capture group%s", kpath, re.re_nsub,
                            re.re_nsub == 1 ? "" : "s");
        }
        regfree(&re);
        return XL_OK;
    }
    /* json */
    if (m->from == XL_METRIC_STDERR || json_object_object_get_ex(obj, "pattern", NULL) ||
        json_object_object_get_ex(obj, "group", NULL) || json_object_object_get_ex(obj, "match", NULL)) {
        xl_autofree char *kpath = xl_json_path_key(path, "from");

        return xl_error(XL_ERR_INVAL, "%s: a json metric reads stdout or a file (no pattern, group, match)", kpath);
    }
    s = NULL;
    rc = xl_json_get_string(obj, path, "pointer", true, XL_COMMAND_MAX_PATTERN, &s);
    if (rc)
        return rc;
    if (*s && (*s != '/' || !xl_str_is_printable(s, XL_COMMAND_MAX_PATTERN))) {
        xl_autofree char *kpath = xl_json_path_key(path, "pointer");

        return xl_error(XL_ERR_INVAL, "%s: a JSON pointer is \"\" or starts with '/' (RFC 6901)", kpath);
    }
    m->pointer = xl_strdup(s);
    if (m->from == XL_METRIC_FILE) {
        rc = get_text(obj, path, "file", true, 1024, &m->file);
        if (!rc && !relative_below(m->file)) {
            xl_autofree char *kpath = xl_json_path_key(path, "file");

            rc = xl_error(XL_ERR_INVAL, "%s: must be a path relative to the command's cwd, without \"..\"", kpath);
        }
        return rc;
    }
    if (json_object_object_get_ex(obj, "file", NULL)) {
        xl_autofree char *kpath = xl_json_path_key(path, "file");

        return xl_error(XL_ERR_INVAL, "%s: only with \"from\": \"file\"", kpath);
    }
    return XL_OK;
}

const char *xl_command_input_name(const char *input)
{
    return strrchr(input, '/') + 1;
}

/* inputs: absolute dom0 paths without "..", whose basenames are unique
 * plain names (each becomes $XENLAB_INPUTS/<basename>). What they are on
 * dom0 is checked where they are copied (xl_payload_inputs_check). */
static int parse_inputs(json_object *obj, const char *path, struct xl_command_spec *c, size_t *total)
{
    xl_autofree char *kpath = xl_json_path_key(path, "inputs");
    json_object *arr = NULL;
    size_t i, j;
    int rc = xl_json_get_array(obj, path, "inputs", false, XL_COMMAND_MAX_INPUTS, &arr);

    if (rc || !arr)
        return rc;
    if (json_object_array_length(arr) == 0)
        return xl_error(XL_ERR_INVAL, "%s: must list 1 to %d paths", kpath, XL_COMMAND_MAX_INPUTS);
    c->inputs = xl_calloc(json_object_array_length(arr) + 1, sizeof(char *));
    for (i = 0; i < json_object_array_length(arr); i++) {
        xl_autofree char *ipath = xl_json_path_index(kpath, i);
        const char *in = NULL, *base;

        rc = xl_json_as_string(json_object_array_get_idx(arr, i), ipath, 1024, &in);
        if (rc)
            return rc;
        if (!xl_str_is_printable(in, 1024))
            return xl_error(XL_ERR_INVAL, "%s: must be printable ASCII", ipath);
        c->inputs[c->nr_inputs++] = xl_strdup(in);
        *total += strlen(in) + 1;
        if (in[0] != '/' || strlen(in) > 1024 || !relative_below(in + 1) || in[strlen(in) - 1] == '/')
            return xl_error(XL_ERR_INVAL, "%s: must be an absolute dom0 path without \"..\" or a trailing '/'",
                            ipath);
        base = xl_command_input_name(in);
        if (!*base || strcmp(base, ".") == 0 || strlen(base) > 255)
            return xl_error(XL_ERR_INVAL, "%s: must end in a file or directory name", ipath);
        for (j = 0; j < i; j++)
            if (strcmp(xl_command_input_name(c->inputs[j]), base) == 0)
                return xl_error(XL_ERR_INVAL, "%s: another input is also named \"%s\" in $XENLAB_INPUTS", ipath,
                                base);
    }
    return XL_OK;
}

int xl_command_spec_from_json(json_object *obj, const char *path, struct xl_command_spec *c)
{
    static const char *const keys[] = { "id", "name", "argv", "setup", "cleanup", "env", "cwd", "timeout_s", "inputs",
                                        "metric", NULL };
    xl_autofree char *mpath = xl_json_path_key(path, "metric");
    json_object *m = NULL;
    size_t total = 0;
    int64_t timeout = 0;
    int rc;

    rc = xl_json_check_keys(obj, path, keys);
    if (!rc)
        rc = get_name(obj, path, "name", c->name, sizeof(c->name));
    if (!rc)
        rc = parse_argv(obj, path, "argv", true, &c->argv, &c->argc, &total);
    if (!rc)
        rc = parse_argv(obj, path, "setup", false, &c->setup, &c->nr_setup, &total);
    if (!rc)
        rc = parse_argv(obj, path, "cleanup", false, &c->cleanup, &c->nr_cleanup, &total);
    if (!rc)
        rc = parse_env(obj, path, c, &total);
    if (!rc)
        rc = get_text(obj, path, "cwd", false, 1024, &c->cwd);
    if (!rc && c->cwd && c->cwd[0] != '/') {
        xl_autofree char *kpath = xl_json_path_key(path, "cwd");

        rc = xl_error(XL_ERR_INVAL, "%s: must be an absolute path in the guest", kpath);
    }
    if (!rc)
        rc = xl_json_get_int(obj, path, "timeout_s", false, 1, XL_COMMAND_MAX_TIMEOUT_S, &timeout);
    if (!rc)
        rc = parse_inputs(obj, path, c, &total);
    if (!rc)
        rc = xl_json_get_object(obj, path, "metric", true, &m);
    if (!rc)
        rc = parse_metric(m, mpath, &c->metric);
    if (rc)
        return rc;
    c->timeout_s = (unsigned)timeout;
    total += c->cwd ? strlen(c->cwd) : 0;
    if (total > XL_COMMAND_MAX_TOTAL_BYTES)
        return xl_error(XL_ERR_INVAL, "%s: argv, env and cwd take %zu bytes, more than %d", path, total,
                        XL_COMMAND_MAX_TOTAL_BYTES);
    return XL_OK;
}

static json_object *strv_to_json(char *const *v, size_t n)
{
    json_object *a = json_object_new_array();
    size_t i;

    for (i = 0; i < n; i++)
        json_object_array_add(a, xl_json_str(v[i]));
    return a;
}

void xl_command_spec_to_json(const struct xl_command_spec *c, json_object *item)
{
    const struct xl_metric *m = &c->metric;
    json_object *argv = json_object_new_array(), *mo = json_object_new_object();
    size_t i;

    xl_json_add(item, "name", xl_json_str(c->name));
    for (i = 0; i < c->argc; i++)
        json_object_array_add(argv, xl_json_str(c->argv[i]));
    xl_json_add(item, "argv", argv);
    if (c->setup)
        xl_json_add(item, "setup", strv_to_json(c->setup, c->nr_setup));
    if (c->cleanup)
        xl_json_add(item, "cleanup", strv_to_json(c->cleanup, c->nr_cleanup));
    if (c->nr_env) {
        json_object *env = json_object_new_object();

        for (i = 0; i < c->nr_env; i++) {
            const char *eq = strchr(c->env[i], '=');
            xl_autofree char *key = xl_strndup(c->env[i], (size_t)(eq - c->env[i]));

            xl_json_add(env, key, xl_json_str(eq + 1));
        }
        xl_json_add(item, "env", env);
    }
    if (c->cwd)
        xl_json_add(item, "cwd", xl_json_str(c->cwd));
    if (c->timeout_s)
        xl_json_add(item, "timeout_s", json_object_new_int((int)c->timeout_s));
    if (c->inputs)
        xl_json_add(item, "inputs", strv_to_json(c->inputs, c->nr_inputs));
    xl_json_add(mo, "name", xl_json_str(m->name));
    xl_json_add(mo, "how", xl_json_str(how_names[m->how]));
    if (m->label[0])
        xl_json_add(mo, "label", xl_json_str(m->label));
    if (m->how == XL_METRIC_REGEX || m->how == XL_METRIC_JSON || m->how == XL_METRIC_PTS) {
        xl_json_add(mo, "unit", xl_json_str(m->unit));
        xl_json_add(mo, "better", xl_json_str(m->lower_is_better ? "lower" : "higher"));
        xl_json_add(mo, "from", xl_json_str(from_names[m->from]));
    }
    if (m->how == XL_METRIC_REGEX) {
        xl_json_add(mo, "pattern", xl_json_str(m->pattern));
        xl_json_add(mo, "group", json_object_new_int((int)m->group));
        xl_json_add(mo, "match", xl_json_str(m->last ? "last" : "first"));
    }
    if (m->how == XL_METRIC_JSON) {
        xl_json_add(mo, "pointer", xl_json_str(m->pointer));
        if (m->file)
            xl_json_add(mo, "file", xl_json_str(m->file));
    }
    if (m->how == XL_METRIC_PTS) {
        xl_json_add(mo, "file", xl_json_str(m->file));
        xl_json_add(mo, "result", xl_json_str(m->pts_result));
        if (m->pts_description)
            xl_json_add(mo, "description", xl_json_str(m->pts_description));
    }
    xl_json_add(item, "metric", mo);
}

void xl_command_spec_variant(const struct xl_command_spec *c, char *buf, size_t len)
{
    snprintf(buf, len, "%s-%s", c->name, c->metric.name);
}

void xl_command_spec_label(const struct xl_command_spec *c, char *buf, size_t len)
{
    if (c->metric.label[0])
        snprintf(buf, len, "%s", c->metric.label);
    else
        snprintf(buf, len, "%s %s", c->name, c->metric.name);
}
