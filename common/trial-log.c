#include "trial-log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "json-util.h"
#include "text.h"
#include "xl-util.h"
#include "xs-layout.h"

#define LOG_SCHEMA "log/1"

size_t xl_log_doc_cap(size_t nr_slots)
{
    size_t nodes = nr_slots ? XL_LOG_NODE_BUDGET / nr_slots : 0, cap;

    if (nodes == 0)
        return 0;
    if (nodes < 4)
        return XL_XS_CHUNK_BYTES;             /* one node, no chunk set */
    cap = (nodes - 2) * XL_XS_CHUNK_BYTES;    /* the chunk set's parent and count */
    return cap < XL_LOG_DOC_MAX_BYTES ? cap : XL_LOG_DOC_MAX_BYTES;
}

static char *format_doc(const char *text)
{
    json_object *o = json_object_new_object();
    char *s;

    xl_json_add(o, "xenlab", xl_json_str(LOG_SCHEMA));
    xl_json_add(o, "text", xl_json_str(text));
    s = xl_strdup(xl_json_compact(o));
    json_object_put(o);
    return s;
}

char *xl_log_doc_format(const char *text, size_t cap)
{
    size_t len = strlen(text), from = len > XL_LOG_MAX_BYTES ? len - XL_LOG_MAX_BYTES : 0;

    for (;;) {
        xl_autofree char *cut = from ? xl_asprintf("[... %zu bytes cut]\n%s", from, text + from) : xl_strdup(text);
        char *doc = format_doc(cut);
        size_t dlen = strlen(doc);

        if (dlen <= cap)
            return doc;
        free(doc);
        if (from >= len)
            return NULL;
        /* Escapes at most double a byte: cutting half the excess or more
         * each time ends in a few rounds. */
        from += (dlen - cap + 1) / 2 + 32;
        if (from > len)
            from = len;
    }
}

int xl_log_doc_parse(const char *doc, size_t len, const char *what, char **text_r)
{
    json_object *o = NULL, *v;
    const char *s;
    size_t n, i;
    int rc;

    *text_r = NULL;
    if (len > XL_LOG_DOC_MAX_BYTES)
        return xl_error(XL_ERR_GUEST, "%s: %zu bytes, more than %d", what, len, XL_LOG_DOC_MAX_BYTES);
    rc = xl_json_parse(doc, len, what, &o);
    if (rc)
        return rc;
    if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "xenlab", &v) ||
        !json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), LOG_SCHEMA) != 0) {
        rc = xl_error(XL_ERR_GUEST, "%s: not a \"" LOG_SCHEMA "\" document", what);
        goto out;
    }
    if (!json_object_object_get_ex(o, "text", &v) || !json_object_is_type(v, json_type_string)) {
        rc = xl_error(XL_ERR_GUEST, "%s.text: must be a string", what);
        goto out;
    }
    s = json_object_get_string(v);
    n = (size_t)json_object_get_string_len(v);
    if (n > XL_LOG_MAX_BYTES + XL_LOG_MARK_MAX) {
        rc = xl_error(XL_ERR_GUEST, "%s.text: %zu bytes, more than %d", what, n, XL_LOG_MAX_BYTES);
        goto out;
    }
    for (i = 0; i < n; i++)
        if (s[i] == '\0') {
            rc = xl_error(XL_ERR_GUEST, "%s.text: a NUL byte at %zu", what, i);
            goto out;
        }
    *text_r = xl_strndup(s, n);
    xl_text_ascii_lines(*text_r);
out:
    json_object_put(o);
    return rc;
}

bool xl_log_path_ok(const char *path)
{
    const char *p, *slash, *dot;
    size_t i;

    if (strncmp(path, "logs/", 5) != 0)
        return false;
    p = path + 5;
    slash = strchr(p, '/');
    if (!slash || slash == p || *p == '.' || slash - p > 128)
        return false;
    for (i = 0; p + i < slash; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
              p[i] == '.' || p[i] == '_' || p[i] == '-'))
            return false;
    p = slash + 1;
    dot = strchr(p, '.');
    if (!dot || dot == p || dot - p > 4 || strcmp(dot, ".log") != 0)
        return false;
    for (; p < dot; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}
