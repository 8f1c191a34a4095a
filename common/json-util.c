#include "json-util.h"

#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "xl-util.h"

int xl_json_parse(const char *text, size_t len, const char *what, json_object **obj_r)
{
    json_tokener *tok = NULL;
    json_object *obj = NULL;
    size_t off;
    int rc;

    if (len > INT32_MAX) {
        rc = xl_error(XL_ERR_INVAL, "%s: too large to parse", what);
        goto out;
    }
    tok = json_tokener_new_ex(XL_JSON_MAX_DEPTH);
    if (!tok) {
        rc = xl_error(XL_ERR_NOMEM, "%s: cannot allocate JSON parser", what);
        goto out;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    obj = json_tokener_parse_ex(tok, text, (int)len);
    if (json_tokener_get_error(tok) != json_tokener_success) {
        enum json_tokener_error e = json_tokener_get_error(tok);

        if (e == json_tokener_continue)
            rc = xl_error(XL_ERR_INVAL, "%s: incomplete JSON", what);
        else
            rc = xl_error(XL_ERR_INVAL, "%s: invalid JSON at byte %zu: %s", what,
                          json_tokener_get_parse_end(tok), json_tokener_error_desc(e));
        goto out;
    }
    for (off = json_tokener_get_parse_end(tok); off < len; off++) {
        if (!isspace((unsigned char)text[off])) {
            rc = xl_error(XL_ERR_INVAL, "%s: unexpected data after JSON value at byte %zu", what, off);
            goto out;
        }
    }
    *obj_r = xl_steal_pointer(&obj);
    rc = XL_OK;
out:
    json_object_put(obj);
    if (tok)
        json_tokener_free(tok);
    return rc;
}

int xl_json_parse_file(const char *path, size_t max_bytes, json_object **obj_r)
{
    xl_autofree char *buf = NULL;
    size_t len;
    int rc;

    rc = xl_read_file(path, max_bytes, &buf, &len);
    if (rc)
        return rc;
    return xl_json_parse(buf, len, path, obj_r);
}

char *xl_json_path_key(const char *path, const char *key)
{
    return path && *path ? xl_asprintf("%s.%s", path, key) : xl_strdup(key);
}

char *xl_json_path_index(const char *path, size_t i)
{
    return xl_asprintf("%s[%zu]", path ? path : "", i);
}

static const char *type_name(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null:    return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double:  return "a number";
    case json_type_int:     return "an integer";
    case json_type_object:  return "an object";
    case json_type_array:   return "an array";
    case json_type_string:  return "a string";
    }
    return "unknown";
}

static const char *shown(const char *path)
{
    return path && *path ? path : "(top level)";
}

int xl_json_need_object(json_object *v, const char *path)
{
    if (!json_object_is_type(v, json_type_object))
        return xl_error(XL_ERR_INVAL, "%s: must be an object, not %s", shown(path), type_name(v));
    return XL_OK;
}

/* Looks up key; sets *v_r to NULL when absent. A key that is present with
 * the value null is not absent: '"trials": null' would otherwise quietly
 * mean the default. `want` is what the caller needs ("an integer"). */
static int lookup(json_object *obj, const char *path, const char *key, bool required,
                  const char *want, json_object **v_r, char **kpath_r)
{
    json_object *v = NULL;

    *v_r = NULL;
    *kpath_r = xl_json_path_key(path, key);
    if (!json_object_object_get_ex(obj, key, &v)) {
        if (required)
            return xl_error(XL_ERR_INVAL, "%s: missing required field", *kpath_r);
        return XL_OK;
    }
    if (!v)
        return xl_error(XL_ERR_INVAL, "%s: must be %s, not null", *kpath_r, want);
    *v_r = v;
    return XL_OK;
}

int xl_json_get_object(json_object *obj, const char *path, const char *key, bool required,
                       json_object **r)
{
    xl_autofree char *kpath = NULL;
    json_object *v;
    int rc = lookup(obj, path, key, required, "an object", &v, &kpath);

    if (rc || !v)
        return rc;
    rc = xl_json_need_object(v, kpath);
    if (!rc)
        *r = v;
    return rc;
}

int xl_json_get_array(json_object *obj, const char *path, const char *key, bool required,
                      size_t max_len, json_object **r)
{
    xl_autofree char *kpath = NULL;
    json_object *v;
    int rc = lookup(obj, path, key, required, "an array", &v, &kpath);

    if (rc || !v)
        return rc;
    if (!json_object_is_type(v, json_type_array))
        return xl_error(XL_ERR_INVAL, "%s: must be an array, not %s", kpath, type_name(v));
    if (json_object_array_length(v) > max_len)
        return xl_error(XL_ERR_INVAL, "%s: more than %zu elements", kpath, max_len);
    *r = v;
    return XL_OK;
}

int xl_json_as_string(json_object *v, const char *path, size_t max_len, const char **r)
{
    if (!json_object_is_type(v, json_type_string))
        return xl_error(XL_ERR_INVAL, "%s: must be a string, not %s", shown(path), type_name(v));
    if ((size_t)json_object_get_string_len(v) > max_len)
        return xl_error(XL_ERR_INVAL, "%s: longer than %zu bytes", shown(path), max_len);
    if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
        return xl_error(XL_ERR_INVAL, "%s: contains a NUL byte", shown(path));
    *r = json_object_get_string(v);
    return XL_OK;
}

int xl_json_as_int(json_object *v, const char *path, int64_t min, int64_t max, int64_t *r)
{
    int64_t x;

    if (!json_object_is_type(v, json_type_int))
        return xl_error(XL_ERR_INVAL, "%s: must be an integer, not %s", shown(path), type_name(v));
    errno = 0;
    x = json_object_get_int64(v);
    if (errno == ERANGE || x < min || x > max)
        return xl_error(XL_ERR_INVAL, "%s: must be between %lld and %lld",
                        shown(path), (long long)min, (long long)max);
    *r = x;
    return XL_OK;
}

int xl_json_as_double(json_object *v, const char *path, double min, double max, double *r)
{
    double x;

    if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
        return xl_error(XL_ERR_INVAL, "%s: must be a number, not %s", shown(path), type_name(v));
    x = json_object_get_double(v);
    if (!isfinite(x) || x < min || x > max)
        return xl_error(XL_ERR_INVAL, "%s: must be between %g and %g", shown(path), min, max);
    *r = x;
    return XL_OK;
}

int xl_json_get_string(json_object *obj, const char *path, const char *key, bool required,
                       size_t max_len, const char **r)
{
    xl_autofree char *kpath = NULL;
    json_object *v;
    int rc = lookup(obj, path, key, required, "a string", &v, &kpath);

    if (rc || !v)
        return rc;
    return xl_json_as_string(v, kpath, max_len, r);
}

int xl_json_get_int(json_object *obj, const char *path, const char *key, bool required,
                    int64_t min, int64_t max, int64_t *r)
{
    xl_autofree char *kpath = NULL;
    json_object *v;
    int rc = lookup(obj, path, key, required, "an integer", &v, &kpath);

    if (rc || !v)
        return rc;
    return xl_json_as_int(v, kpath, min, max, r);
}

int xl_json_get_double(json_object *obj, const char *path, const char *key, bool required,
                       double min, double max, double *r)
{
    xl_autofree char *kpath = NULL;
    json_object *v;
    int rc = lookup(obj, path, key, required, "a number", &v, &kpath);

    if (rc || !v)
        return rc;
    return xl_json_as_double(v, kpath, min, max, r);
}

int xl_json_get_bool(json_object *obj, const char *path, const char *key, bool required, bool *r)
{
    xl_autofree char *kpath = NULL;
    json_object *v;
    int rc = lookup(obj, path, key, required, "true or false", &v, &kpath);

    if (rc || !v)
        return rc;
    if (!json_object_is_type(v, json_type_boolean))
        return xl_error(XL_ERR_INVAL, "%s: must be true or false, not %s", kpath, type_name(v));
    *r = json_object_get_boolean(v);
    return XL_OK;
}

int xl_json_check_keys(json_object *obj, const char *path, const char *const *allowed)
{
    json_object_object_foreach(obj, key, val) {
        const char *const *a;

        (void)val;
        for (a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                break;
        if (!*a) {
            xl_autofree char *kpath = xl_json_path_key(path, key);

            return xl_error(XL_ERR_INVAL, "%s: unknown field", kpath);
        }
    }
    return XL_OK;
}

bool xl_str_is_printable(const char *s, size_t max_len)
{
    size_t i;

    for (i = 0; s[i]; i++) {
        if (i >= max_len)
            return false;
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
    }
    return true;
}

const char *xl_json_compact(json_object *obj)
{
    return json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

const char *xl_json_pretty(json_object *obj)
{
    return json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                JSON_C_TO_STRING_NOSLASHESCAPE);
}

json_object *xl_json_time(double t)
{
    char text[32];

    snprintf(text, sizeof(text), "%.3f", t);
    return json_object_new_double_s(t, text);
}

json_object *xl_json_str(const char *s)
{
    json_object *o = json_object_new_string(s ? s : "");

    if (!o)
        abort();
    return o;
}

void xl_json_add(json_object *obj, const char *key, json_object *val)
{
    if (json_object_object_add(obj, key, val) < 0)
        abort();
}

int xl_json_get_name(json_object *obj, const char *path, const char *key, size_t max, const char **r)
{
    const char *s = NULL;
    int rc = xl_json_get_string(obj, path, key, true, 256, &s);

    if (rc)
        return rc;
    if (!xl_name_valid(s, max)) {
        xl_autofree char *kpath = xl_json_path_key(path, key);
        xl_autofree char *shown = xl_text_sanitise_dup(s);

        return xl_error(XL_ERR_INVAL, "%s: \"%s\" must be 1-%zu of a-z, 0-9, '-', '_', starting with a letter or digit",
                        kpath, shown, max);
    }
    *r = s;
    return XL_OK;
}
