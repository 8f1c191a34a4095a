#include "result.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json-util.h"
#include "trial-log.h"
#include "xl-util.h"

void xl_result_init(struct xl_result *r)
{
    memset(r, 0, sizeof(*r));
}

void xl_result_dispose(struct xl_result *r)
{
    json_object_put(r->details);
    json_object_put(r->env);
    free(r->output);
    xl_result_init(r);
}

void xl_result_set_bench(struct xl_result *r, const struct xl_bench_params *p)
{
    snprintf(r->benchmark, sizeof(r->benchmark), "%s", xl_bench_kind_name(p->kind));
    xl_bench_params_variant(p, r->variant, sizeof(r->variant));
    xl_bench_params_label(p, r->label, sizeof(r->label));
    snprintf(r->unit, sizeof(r->unit), "%s", xl_bench_params_unit(p));
    r->lower_is_better = xl_bench_params_lower_is_better(p);
}

void xl_result_set_error(struct xl_result *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->error, sizeof(r->error), fmt, ap);
    va_end(ap);
    r->ok = false;
}

json_object *xl_result_to_json(const struct xl_result *r)
{
    json_object *o = json_object_new_object();

    xl_json_add(o, "xenlab", xl_json_str(XL_RESULT_SCHEMA));
    xl_json_add(o, "benchmark", xl_json_str(r->benchmark));
    xl_json_add(o, "variant", xl_json_str(r->variant));
    xl_json_add(o, "label", xl_json_str(r->label));
    xl_json_add(o, "unit", xl_json_str(r->unit));
    xl_json_add(o, "better", xl_json_str(r->lower_is_better ? "lower" : "higher"));
    xl_json_add(o, "arm", xl_json_str(r->arm));
    xl_json_add(o, "trial", json_object_new_int((int)r->trial));
    xl_json_add(o, "status", xl_json_str(r->ok ? "ok" : "failed"));
    if (r->ok)
        xl_json_add(o, "value", json_object_new_double(r->value));
    else
        xl_json_add(o, "error", xl_json_str(r->error));
    if (r->ended > 0)
        xl_json_add(o, "ended", xl_json_time(r->ended));
    if (r->replica)
        xl_json_add(o, "replica", json_object_new_int((int)r->replica));
    if (r->replica_trial)
        xl_json_add(o, "replica_trial", json_object_new_int((int)r->replica_trial));
    if (r->log[0])
        xl_json_add(o, "log", xl_json_str(r->log));
    if (r->details)
        xl_json_add(o, "details", json_object_get(r->details));
    if (r->env)
        xl_json_add(o, "env", json_object_get(r->env));
    return o;
}

/* Copies a required printable string field into a fixed buffer. */
static int get_text(json_object *obj, const char *what, const char *key, bool required, char *buf,
                    size_t len)
{
    const char *s = NULL;
    int rc = xl_json_get_string(obj, what, key, required, len - 1, &s);

    if (rc || !s)
        return rc;
    if (!xl_str_is_printable(s, len - 1))
        return xl_error(XL_ERR_GUEST, "%s.%s: not printable ASCII", what, key);
    snprintf(buf, len, "%s", s);
    return XL_OK;
}

static bool is_identifier(const char *s)
{
    size_t i;

    if (!*s)
        return false;
    for (i = 0; s[i]; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

int xl_result_from_json(json_object *obj, const char *what, struct xl_result *r)
{
    char schema[16] = "", status[16] = "", better[8] = "";
    json_object *v = NULL;
    int64_t trial = 0;
    int rc;

    rc = xl_json_need_object(obj, what);
    if (rc)
        goto out;
    rc = get_text(obj, what, "xenlab", true, schema, sizeof(schema));
    if (rc)
        goto out;
    if (strcmp(schema, XL_RESULT_SCHEMA) != 0) {
        rc = xl_error(XL_ERR_GUEST, "%s.xenlab: unsupported schema \"%s\" (want %s)", what, schema,
                      XL_RESULT_SCHEMA);
        goto out;
    }
    if ((rc = get_text(obj, what, "benchmark", true, r->benchmark, sizeof(r->benchmark))) ||
        (rc = get_text(obj, what, "variant", true, r->variant, sizeof(r->variant))) ||
        (rc = get_text(obj, what, "label", true, r->label, sizeof(r->label))) ||
        (rc = get_text(obj, what, "unit", true, r->unit, sizeof(r->unit))) ||
        (rc = get_text(obj, what, "better", true, better, sizeof(better))) ||
        (rc = get_text(obj, what, "arm", false, r->arm, sizeof(r->arm))) ||
        (rc = get_text(obj, what, "status", true, status, sizeof(status))))
        goto out;
    if (!is_identifier(r->benchmark) || !is_identifier(r->variant)) {
        rc = xl_error(XL_ERR_GUEST, "%s: benchmark and variant must be lower-case identifiers", what);
        goto out;
    }
    if (strcmp(better, "lower") != 0 && strcmp(better, "higher") != 0) {
        rc = xl_error(XL_ERR_GUEST, "%s.better: must be \"lower\" or \"higher\"", what);
        goto out;
    }
    r->lower_is_better = better[0] == 'l';
    rc = xl_json_get_int(obj, what, "trial", true, 1, XL_RESULT_MAX_TRIALS, &trial);
    if (rc)
        goto out;
    r->trial = (unsigned)trial;
    if (strcmp(status, "ok") == 0) {
        r->ok = true;
        rc = xl_json_get_double(obj, what, "value", true, 0, 1e15, &r->value);
        if (rc)
            goto out;
    } else if (strcmp(status, "failed") == 0) {
        r->ok = false;
        rc = get_text(obj, what, "error", true, r->error, sizeof(r->error));
        if (rc)
            goto out;
    } else {
        rc = xl_error(XL_ERR_GUEST, "%s.status: must be \"ok\" or \"failed\"", what);
        goto out;
    }
    /* The guest's clock: any sane value, only ever shown or subtracted. */
    rc = xl_json_get_double(obj, what, "ended", false, 0, 1e11, &r->ended);
    if (rc)
        goto out;
    {
        int64_t rep = 0, rt = 0;

        rc = xl_json_get_int(obj, what, "replica", false, 1, 1024, &rep);
        if (!rc)
            rc = xl_json_get_int(obj, what, "replica_trial", false, 1, XL_RESULT_MAX_TRIALS, &rt);
        if (rc)
            goto out;
        r->replica = (unsigned)rep;
        r->replica_trial = (unsigned)rt;
    }
    if (json_object_object_get_ex(obj, "log", &v)) {
        if (!json_object_is_type(v, json_type_string) || !xl_log_path_ok(json_object_get_string(v)) ||
            (size_t)json_object_get_string_len(v) >= sizeof(r->log)) {
            rc = xl_error(XL_ERR_GUEST, "%s.log: must be \"logs/<job>/<slot>.log\"", what);
            goto out;
        }
        snprintf(r->log, sizeof(r->log), "%s", json_object_get_string(v));
    }
    if (json_object_object_get_ex(obj, "details", &v)) {
        rc = xl_json_need_object(v, "details");
        if (rc)
            goto out;
        r->details = json_object_get(v);
    }
    if (json_object_object_get_ex(obj, "env", &v)) {
        rc = xl_json_need_object(v, "env");
        if (rc)
            goto out;
        r->env = json_object_get(v);
    }
    rc = XL_OK;
out:
    if (rc == XL_ERR_INVAL)
        rc = XL_ERR_GUEST;
    return rc;
}
