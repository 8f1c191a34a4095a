#include "config.h"

#include "workload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command-spec.h"
#include "json-util.h"
#include "text.h"
#include "xl-util.h"

const char *xl_workload_dir(void)
{
    const char *d = getenv("XENLAB_WORKLOADS_DIR");

    return d && *d ? d : XENLAB_DATADIR "/workloads";
}

/* A workload id is a file name we make, never a path. */
static bool valid_id(const char *s)
{
    return xl_name_valid(s, XL_COMMAND_NAME_MAX);
}

static int open_workload(const char *id, int *fd_r)
{
    xl_autofree char *path = NULL;
    struct stat st;
    int fd;

    if (!valid_id(id))
        return XL_ERR_NOTFOUND;
    path = xl_asprintf("%s/%s.json", xl_workload_dir(), id);
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? XL_ERR_NOTFOUND : xl_error_errno(XL_ERR_INVAL, errno, "workload %s", path);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > XL_WORKLOAD_MAX_BYTES) {
        close(fd);
        return xl_error(XL_ERR_INVAL, "workload %s: not a regular file of at most %d bytes", path,
                        XL_WORKLOAD_MAX_BYTES);
    }
    *fd_r = fd;
    return XL_OK;
}

bool xl_workload_exists(const char *id)
{
    xl_autofree char *path = NULL;
    struct stat st;

    if (!valid_id(id))
        return false;
    /* Anything by that name: opening it then says what is wrong with it. */
    path = xl_asprintf("%s/%s.json", xl_workload_dir(), id);
    return lstat(path, &st) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *xl_workload_list(void)
{
    DIR *d = opendir(xl_workload_dir());
    struct dirent *de;
    char *names[64], *out;
    size_t n = 0, i, len = 1;

    if (!d)
        return xl_strdup("");
    while ((de = readdir(d)) && n < XL_ARRAY_SIZE(names)) {
        size_t l = strlen(de->d_name);
        char *id;

        if (l <= 5 || strcmp(de->d_name + l - 5, ".json") != 0)
            continue;
        id = xl_strndup(de->d_name, l - 5);
        if (!valid_id(id)) {
            free(id);
            continue;
        }
        names[n++] = id;
        len += l + 2;
    }
    closedir(d);
    qsort(names, n, sizeof(char *), cmp_str);
    out = xl_calloc(1, len);
    for (i = 0; i < n; i++) {
        if (i)
            strcat(out, ", ");
        strcat(out, names[i]);
        free(names[i]);
    }
    return out;
}

/* A parameter value: a string or an integer, printable ASCII. */
static int param_value(json_object *v, const char *path, char **r)
{
    const char *s = NULL;
    int rc;

    if (json_object_is_type(v, json_type_int)) {
        *r = xl_asprintf("%lld", (long long)json_object_get_int64(v));
        return XL_OK;
    }
    rc = xl_json_as_string(v, path, XL_WORKLOAD_MAX_VALUE, &s);
    if (rc)
        return rc;
    if (!*s || !xl_str_is_printable(s, XL_WORKLOAD_MAX_VALUE))
        return xl_error(XL_ERR_INVAL, "%s: must be 1-%d bytes of printable ASCII", path, XL_WORKLOAD_MAX_VALUE);
    *r = xl_strdup(s);
    return XL_OK;
}

struct params {
    char *keys[XL_WORKLOAD_MAX_PARAMS];
    char *values[XL_WORKLOAD_MAX_PARAMS];
    size_t n;
};

static void params_dispose(struct params *p)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        free(p->keys[i]);
        free(p->values[i]);
    }
    p->n = 0;
}

/* s with every "{key}" replaced; an unknown "{...}" is an error (a typo in
 * the workload file would otherwise reach the guest as text). "{{" is "{". */
static int substitute(const char *s, const struct params *p, const char *what, char **r)
{
    size_t cap = strlen(s) + 1, len = 0;
    char *out = xl_malloc(cap);
    const char *c = s;

    while (*c) {
        const char *piece = c;
        size_t plen = 1;

        if (c[0] == '{' && c[1] == '{') {
            c += 2;
        } else if (c[0] == '{') {
            const char *end = strchr(c, '}');
            size_t i, kl;

            if (!end) {
                free(out);
                return xl_error(XL_ERR_INVAL, "%s: an unclosed \"{\"", what);
            }
            kl = (size_t)(end - c - 1);
            for (i = 0; i < p->n; i++)
                if (strlen(p->keys[i]) == kl && strncmp(p->keys[i], c + 1, kl) == 0)
                    break;
            if (i == p->n) {
                xl_autofree char *k = xl_strndup(c + 1, kl < 64 ? kl : 64);
                xl_autofree char *shown = xl_text_sanitise_dup(k);

                free(out);
                return xl_error(XL_ERR_INVAL, "%s: \"{%s}\" is not a parameter of the workload", what, shown);
            }
            piece = p->values[i];
            plen = strlen(piece);
            c = end + 1;
        } else {
            c++;
        }
        if (len + plen + 1 > cap) {
            cap = (len + plen + 1) * 2;
            out = xl_realloc(out, cap);
        }
        memcpy(out + len, piece, plen);
        len += plen;
        if (len > XL_COMMAND_MAX_TOTAL_BYTES) {
            free(out);
            return xl_error(XL_ERR_INVAL, "%s: longer than %d bytes once expanded", what, XL_COMMAND_MAX_TOTAL_BYTES);
        }
    }
    out[len] = '\0';
    *r = out;
    return XL_OK;
}

/* A deep copy of v with the parameters substituted in every string. */
static int expand(json_object *v, const struct params *p, const char *what, json_object **r)
{
    int rc = XL_OK;

    switch (json_object_get_type(v)) {
    case json_type_string: {
        char *s = NULL;

        rc = substitute(json_object_get_string(v), p, what, &s);
        if (!rc)
            *r = xl_json_str(s);
        free(s);
        return rc;
    }
    case json_type_array: {
        json_object *a = json_object_new_array();
        size_t i;

        for (i = 0; i < json_object_array_length(v) && !rc; i++) {
            json_object *e = NULL;

            rc = expand(json_object_array_get_idx(v, i), p, what, &e);
            if (!rc)
                json_object_array_add(a, e);
        }
        if (rc)
            json_object_put(a);
        else
            *r = a;
        return rc;
    }
    case json_type_object: {
        json_object *o = json_object_new_object();

        json_object_object_foreach(v, key, val) {
            json_object *e = NULL;

            rc = expand(val, p, what, &e);
            if (rc)
                break;
            xl_json_add(o, key, e);
        }
        if (rc)
            json_object_put(o);
        else
            *r = o;
        return rc;
    }
    case json_type_null:
    case json_type_boolean:
    case json_type_double:
    case json_type_int:
        *r = json_object_get(v);
        return XL_OK;
    }
    return XL_ERR_INVAL;
}

int xl_workload_expand(json_object *b, const char *path, json_object **cmd_r)
{
    static const char *const file_keys[] = { "xenlab", "description", "requires", "params", "command", NULL };
    static const char *const cmd_keys[] = { "argv", "setup", "cleanup", "env", "cwd", "timeout_s", "metrics", NULL };
    const char *id = json_object_get_string(json_object_object_get(b, "id"));
    xl_autofree char *file = xl_asprintf("%s/%s.json", xl_workload_dir(), id);
    xl_autofree char *buf = NULL;
    json_object *w = NULL, *defaults = NULL, *cmd = NULL, *out = NULL;
    const char *schema = NULL, *name = NULL;
    struct params p = { .n = 0 };
    ssize_t got;
    int fd = -1, rc;

    rc = open_workload(id, &fd);
    if (rc)
        return rc == XL_ERR_NOTFOUND ? xl_error(XL_ERR_INVAL, "%s: no workload %s", path, file) : rc;
    buf = xl_malloc(XL_WORKLOAD_MAX_BYTES + 1);
    got = read(fd, buf, XL_WORKLOAD_MAX_BYTES);
    close(fd);
    if (got < 0)
        return xl_error_errno(XL_ERR_INVAL, errno, "%s", file);
    /* The file is the administrator's data: checked like a spec. */
    rc = xl_json_parse(buf, (size_t)got, file, &w);
    if (!rc)
        rc = xl_json_need_object(w, file);
    if (!rc)
        rc = xl_json_check_keys(w, file, file_keys);
    if (!rc)
        rc = xl_json_get_string(w, file, "xenlab", true, 32, &schema);
    if (!rc && strcmp(schema, XL_WORKLOAD_SCHEMA) != 0)
        rc = xl_error(XL_ERR_INVAL, "%s.xenlab: must be \"%s\"", file, XL_WORKLOAD_SCHEMA);
    if (!rc)
        rc = xl_json_get_object(w, file, "params", false, &defaults);
    if (!rc)
        rc = xl_json_get_object(w, file, "command", true, &cmd);
    if (!rc) {
        xl_autofree char *cpath = xl_json_path_key(file, "command");

        rc = xl_json_check_keys(cmd, cpath, cmd_keys);
    }
    if (rc)
        goto out;
    if (defaults) {
        json_object_object_foreach(defaults, key, val) {
            xl_autofree char *kpath = xl_asprintf("%s.params.%s", file, key);

            if (p.n == XL_WORKLOAD_MAX_PARAMS || !valid_id(key)) {
                rc = xl_error(XL_ERR_INVAL, "%s: at most %d parameters, each named like a workload", kpath,
                              XL_WORKLOAD_MAX_PARAMS);
                goto out;
            }
            p.keys[p.n] = xl_strdup(key);
            p.values[p.n] = NULL;
            rc = param_value(val, kpath, &p.values[p.n]);
            p.n++;
            if (rc)
                goto out;
        }
    }
    /* The spec's own values over the defaults; anything else is a typo. */
    json_object_object_foreach(b, key, val) {
        xl_autofree char *kpath = xl_json_path_key(path, key);
        size_t i;

        if (strcmp(key, "id") == 0)
            continue;
        if (strcmp(key, "name") == 0) {
            rc = xl_json_as_string(val, kpath, 64, &name);
            if (rc)
                goto out;
            continue;
        }
        for (i = 0; i < p.n && strcmp(p.keys[i], key) != 0; i++)
            ;
        if (i == p.n) {
            xl_autofree char *shown = xl_text_sanitise_dup(key);
            char *names = xl_calloc(1, 1);
            size_t j;

            for (j = 0; j < p.n; j++) {
                char *more = xl_asprintf("%s%s%s", names, j ? ", " : "", p.keys[j]);

                free(names);
                names = more;
            }
            rc = xl_error(XL_ERR_INVAL, "%s%s%s: not a parameter of workload %s (%s)", path, *path ? "." : "", shown, id,
                          p.n ? names : "it takes none");
            free(names);
            goto out;
        }
        free(p.values[i]);
        p.values[i] = NULL;
        rc = param_value(val, kpath, &p.values[i]);
        if (rc)
            goto out;
    }
    rc = expand(cmd, &p, file, &out);
    if (rc)
        goto out;
    xl_json_add(out, "id", xl_json_str("command"));
    xl_json_add(out, "name", xl_json_str(name ? name : id));
    *cmd_r = out;
    out = NULL;
out:
    json_object_put(out);
    json_object_put(w);
    params_dispose(&p);
    return rc;
}
