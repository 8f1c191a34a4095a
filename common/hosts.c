#include "hosts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-util.h"
#include "text.h"
#include "xl-util.h"

#define MAX_HOSTS_FILE (1024 * 1024)
#define MAX_URI 300
#define MAX_PATH 255

void xl_hosts_init(struct xl_hosts *h)
{
    h->v = NULL;
    h->n = 0;
}

static void entry_dispose(struct xl_host_entry *e)
{
    free(e->name);
    free(e->uri);
    free(e->user);
    free(e->addr);
    free(e->uuid);
    free(e->xenlab);
    free(e->backend);
    free(e->toolstack_uri);
    free(e->base);
    free(e->clone_dir);
    free(e->virt_type);
}

void xl_hosts_dispose(struct xl_hosts *h)
{
    size_t i;

    for (i = 0; i < h->n; i++)
        entry_dispose(&h->v[i]);
    free(h->v);
    xl_hosts_init(h);
}

static bool span_of(const char *s, size_t n, const char *set)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!s[i] || !(isalnum((unsigned char)s[i]) || strchr(set, s[i])))
            return false;
    return true;
}

/* A user name ssh passes on as it is: POSIX portable, no option or shell
 * character. */
static bool user_ok(const char *s, size_t n)
{
    return n >= 1 && n <= 32 && (islower((unsigned char)s[0]) || s[0] == '_') && span_of(s, n, "_.-");
}

/* A DNS name or IPv4 address (letters, digits, '.', '-', not starting with
 * '-' or '.': ssh would take "-oProxyCommand=..." as an option). */
static bool dns_ok(const char *s, size_t n)
{
    return n >= 1 && n <= 253 && isalnum((unsigned char)s[0]) && span_of(s, n, ".-");
}

static bool ipv6_ok(const char *s, size_t n)
{
    size_t i;

    if (n < 2 || n > 45)
        return false;
    for (i = 0; i < n; i++)
        if (!(isxdigit((unsigned char)s[i]) || s[i] == ':' || s[i] == '.'))
            return false;
    return strchr(s, ':') && (size_t)(strchr(s, ':') - s) < n;
}

static int parse_ssh(const char *rest, const char *upath, struct xl_host_entry *e)
{
    const char *at = strchr(rest, '@'), *host = at ? at + 1 : rest, *end, *port = NULL;

    if (at && !user_ok(rest, (size_t)(at - rest)))
        return xl_error(XL_ERR_INVAL, "%s: the user must be 1-32 of a-z, 0-9, '_', '.', '-'", upath);
    if (*host == '[') {
        end = strchr(host, ']');
        if (!end || !ipv6_ok(host + 1, (size_t)(end - host - 1)))
            return xl_error(XL_ERR_INVAL, "%s: a bracketed address must be an IPv6 address", upath);
        e->addr = xl_strndup(host + 1, (size_t)(end - host - 1));
        end++;
    } else {
        end = host + strcspn(host, ":/?#");
        if (!dns_ok(host, (size_t)(end - host)))
            return xl_error(XL_ERR_INVAL, "%s: the host must be a name or address (letters, digits, '.', '-', "
                            "not starting with '-' or '.')", upath);
        e->addr = xl_strndup(host, (size_t)(end - host));
    }
    if (*end == ':') {
        char *pend = NULL;
        long p;

        port = end + 1;
        p = strtol(port, &pend, 10);
        if (!isdigit((unsigned char)*port) || *pend || p < 1 || p > 65535)
            return xl_error(XL_ERR_INVAL, "%s: the port must be 1 to 65535", upath);
        e->port = (unsigned)p;
    } else if (*end) {
        return xl_error(XL_ERR_INVAL, "%s: ssh://[USER@]HOST[:PORT] takes no path, query or fragment", upath);
    }
    if (at)
        e->user = xl_strndup(rest, (size_t)(at - rest));
    return XL_OK;
}

static bool uuid_ok(const char *s)
{
    size_t i;

    if (strlen(s) != 36)
        return false;
    for (i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

static int parse_uri(const char *uri, const char *upath, struct xl_host_entry *e)
{
    if (strcmp(uri, "local") == 0) {
        e->scheme = XL_HOST_LOCAL;
    } else if (strncmp(uri, "ssh://", 6) == 0) {
        e->scheme = XL_HOST_SSH;
        return parse_ssh(uri + 6, upath, e);
    } else if (strncmp(uri, "xapi://", 7) == 0) {
        size_t i;

        e->scheme = XL_HOST_XAPI;
        if (!uuid_ok(uri + 7))
            return xl_error(XL_ERR_INVAL, "%s: xapi://HOST-UUID takes the host's uuid (xe host-list)", upath);
        e->uuid = xl_strdup(uri + 7);
        for (i = 0; e->uuid[i]; i++)
            e->uuid[i] = (char)tolower((unsigned char)e->uuid[i]);
    } else {
        xl_autofree char *shown = xl_text_sanitise_dup(uri);

        return xl_error(XL_ERR_INVAL, "%s: \"%s\": the scheme must be local, ssh:// or xapi://", upath, shown);
    }
    return XL_OK;
}

/* A name for people and directories: "local", the host's first label, or
 * xapi-<8 digits>; lowered and cut so it is a valid name. */
static char *default_name(const struct xl_host_entry *e)
{
    char buf[XL_HOST_NAME_MAX + 1];
    size_t i, n;

    switch (e->scheme) {
    case XL_HOST_SSH:
        /* An address is named whole; a DNS name by its first label. */
        n = strchr(e->addr, ':') || isdigit((unsigned char)e->addr[0]) ? strlen(e->addr) : strcspn(e->addr, ".");
        if (n > XL_HOST_NAME_MAX - 6)
            n = XL_HOST_NAME_MAX - 6;
        for (i = 0; i < n; i++)
            buf[i] = isalnum((unsigned char)e->addr[i]) ? (char)tolower((unsigned char)e->addr[i]) : '-';
        buf[n] = '\0';
        if (e->port)
            snprintf(buf + n, sizeof(buf) - n, "-%u", e->port);
        /* "::1" gives "--1": a name starts with a letter or digit. */
        return isalnum((unsigned char)buf[0]) ? xl_strdup(buf) : xl_asprintf("h%s", buf);
    case XL_HOST_XAPI:
        return xl_asprintf("xapi-%.8s", e->uuid);
    case XL_HOST_LOCAL:
        break;
    }
    return xl_strdup("local");
}

/* A path the remote side is given: absolute, plain characters, no "..". */
static int get_abs_path(json_object *o, const char *path, const char *key, char **r)
{
    const char *s = NULL;
    int rc = xl_json_get_string(o, path, key, false, MAX_PATH, &s);

    if (rc || !s)
        return rc;
    if (s[0] != '/' || !span_of(s, strlen(s), "/._+-") || strstr(s, "/../") ||
        (strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "/..") == 0)) {
        xl_autofree char *kpath = xl_json_path_key(path, key);

        return xl_error(XL_ERR_INVAL, "%s: must be an absolute path of letters, digits and / . _ + - (no ..)", kpath);
    }
    *r = xl_strdup(s);
    return XL_OK;
}

static int get_opt_name(json_object *o, const char *path, const char *key, char **r)
{
    const char *s = NULL;

    if (!json_object_object_get_ex(o, key, NULL))
        return XL_OK;
    if (xl_json_get_name(o, path, key, XL_HOST_NAME_MAX, &s))
        return XL_ERR_INVAL;
    *r = xl_strdup(s);
    return XL_OK;
}

/* One spelling per host: a uuid in lower case (xe's). */
static char *canonical_uri(const struct xl_host_entry *e, const char *uri)
{
    return e->scheme == XL_HOST_XAPI ? xl_asprintf("xapi://%s", e->uuid) : xl_strdup(uri);
}

static int parse_entry(json_object *v, const char *path, struct xl_host_entry *e)
{
    static const char *const keys[] = { "uri", "name", "xenlab", "backend", "toolstack_uri", "base", "clone_dir",
                                        "parallel", "virt_type", NULL };
    xl_autofree char *upath = NULL;
    const char *uri = NULL;
    int64_t par = 0;
    int rc;

    if (json_object_is_type(v, json_type_string)) {
        upath = xl_strdup(path);
        rc = xl_json_as_string(v, path, MAX_URI, &uri);
        if (!rc)
            rc = parse_uri(uri, upath, e);
        if (!rc)
            e->name = default_name(e);
        if (!rc)
            e->uri = canonical_uri(e, uri);
        return rc;
    }
    if (!json_object_is_type(v, json_type_object))
        return xl_error(XL_ERR_INVAL, "%s: must be a URI string or an object with \"uri\"", path);
    rc = xl_json_check_keys(v, path, keys);
    if (!rc)
        rc = xl_json_get_string(v, path, "uri", true, MAX_URI, &uri);
    if (rc)
        return rc;
    upath = xl_json_path_key(path, "uri");
    rc = parse_uri(uri, upath, e);
    if (!rc)
        e->uri = canonical_uri(e, uri);
    if (!rc)
        rc = get_opt_name(v, path, "name", &e->name);
    if (!rc && !e->name)
        e->name = default_name(e);
    if (!rc)
        rc = get_abs_path(v, path, "xenlab", &e->xenlab);
    if (!rc)
        rc = get_opt_name(v, path, "backend", &e->backend);
    if (!rc) {
        const char *s = NULL;

        rc = xl_json_get_string(v, path, "toolstack_uri", false, 1024, &s);
        if (!rc && s && (!*s || s[0] == '-')) {
            xl_autofree char *kpath = xl_json_path_key(path, "toolstack_uri");

            rc = xl_error(XL_ERR_INVAL, "%s: must be a URI, not empty or an option", kpath);
        }
        if (!rc && s)
            e->toolstack_uri = xl_strdup(s);
    }
    if (!rc)
        rc = get_opt_name(v, path, "base", &e->base);
    if (!rc)
        rc = get_opt_name(v, path, "virt_type", &e->virt_type);
    if (!rc)
        rc = get_abs_path(v, path, "clone_dir", &e->clone_dir);
    if (!rc)
        rc = xl_json_get_int(v, path, "parallel", false, 1, 64, &par);
    if (!rc)
        e->parallel = (unsigned)par;
    if (!rc && e->scheme != XL_HOST_SSH && e->xenlab) {
        xl_autofree char *kpath = xl_json_path_key(path, "xenlab");

        rc = xl_error(XL_ERR_INVAL, "%s: only an ssh:// host runs a xenlab named here (%s uses its own)", kpath,
                      e->scheme == XL_HOST_LOCAL ? "local" : "the XAPI plugin");
    }
    return rc;
}

int xl_hosts_from_json(json_object *arr, const char *path, struct xl_hosts *h)
{
    size_t i, k, n;
    int rc = XL_OK;

    if (!json_object_is_type(arr, json_type_array))
        return xl_error(XL_ERR_INVAL, "%s: must be an array of hosts", path);
    n = json_object_array_length(arr);
    if (n < 1 || n > XL_HOSTS_MAX)
        return xl_error(XL_ERR_INVAL, "%s: must list 1 to %d hosts", path, XL_HOSTS_MAX);
    h->v = xl_calloc(n, sizeof(*h->v));
    for (i = 0; i < n && !rc; i++) {
        xl_autofree char *ipath = xl_json_path_index(path, i);

        h->n = i + 1;
        rc = parse_entry(json_object_array_get_idx(arr, i), ipath, &h->v[i]);
        for (k = 0; !rc && k < i; k++) {
            if (strcmp(h->v[k].name, h->v[i].name) == 0)
                rc = xl_error(XL_ERR_INVAL, "%s: name \"%s\" is also %s[%zu]'s (give each host its own \"name\")",
                              ipath, h->v[i].name, path, k);
            else if (strcmp(h->v[k].uri, h->v[i].uri) == 0 && h->v[i].scheme != XL_HOST_SSH)
                rc = xl_error(XL_ERR_INVAL, "%s: %s is listed twice (%s[%zu])", ipath, h->v[i].uri, path, k);
        }
    }
    if (rc)
        xl_hosts_dispose(h);
    return rc;
}

int xl_hosts_load(const char *file, struct xl_hosts *h)
{
    static const char *const keys[] = { "hosts", NULL };
    json_object *o = NULL, *arr = NULL;
    int rc;

    rc = xl_json_parse_file(file, MAX_HOSTS_FILE, &o);
    if (!rc)
        rc = xl_json_need_object(o, "");
    if (!rc)
        rc = xl_json_check_keys(o, "", keys);
    if (!rc && !json_object_object_get_ex(o, "hosts", &arr))
        rc = xl_error(XL_ERR_INVAL, "hosts: missing (a hosts file is {\"hosts\": [...]})");
    if (!rc)
        rc = xl_hosts_from_json(arr, "hosts", h);
    if (rc)
        rc = xl_error_prefix(rc, "%s", file);
    json_object_put(o);
    return rc;
}

const struct xl_host_entry *xl_hosts_find(const struct xl_hosts *h, const char *name)
{
    size_t i;

    for (i = 0; name && i < h->n; i++)
        if (strcmp(h->v[i].name, name) == 0)
            return &h->v[i];
    return NULL;
}

json_object *xl_hosts_to_json(const struct xl_hosts *h)
{
    json_object *arr = json_object_new_array();
    size_t i;

    for (i = 0; i < h->n; i++) {
        const struct xl_host_entry *e = &h->v[i];
        json_object *o = json_object_new_object();

        xl_json_add(o, "uri", xl_json_str(e->uri));
        xl_json_add(o, "name", xl_json_str(e->name));
        if (e->xenlab)
            xl_json_add(o, "xenlab", xl_json_str(e->xenlab));
        if (e->backend)
            xl_json_add(o, "backend", xl_json_str(e->backend));
        if (e->toolstack_uri)
            xl_json_add(o, "toolstack_uri", xl_json_str(e->toolstack_uri));
        if (e->base)
            xl_json_add(o, "base", xl_json_str(e->base));
        if (e->clone_dir)
            xl_json_add(o, "clone_dir", xl_json_str(e->clone_dir));
        if (e->virt_type)
            xl_json_add(o, "virt_type", xl_json_str(e->virt_type));
        if (e->parallel)
            xl_json_add(o, "parallel", json_object_new_int((int)e->parallel));
        json_object_array_add(arr, o);
    }
    return arr;
}
