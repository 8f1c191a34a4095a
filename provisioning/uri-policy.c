/* The libvirt URI policy: parsed with libxml2's xmlParseURI, the parser
 * libvirt itself uses (virURIParse), so both see the same parts. */
#include "uri-policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>
#include <libxml/xmlmemory.h>

#include "xl-util.h"

#define MAX_URI 1024
#define ADMIN_LIST "/etc/xenlab/xapi-uris"
#define UNSAFE_HINT "(--allow-unsafe-uri to open it anyway)"

static unsigned policy_flags;

void xl_uri_policy_set(unsigned flags)
{
    policy_flags = flags;
}

unsigned xl_uri_policy_flags(void)
{
    return policy_flags;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* Only these characters, and no leading '-': user and host names reach
 * ssh's command line. */
static bool plain_name(const char *s, const char *extra)
{
    if (!*s || *s == '-')
        return false;
    for (; *s; s++)
        if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') || ('0' <= *s && *s <= '9') ||
              strchr(extra, *s)))
            return false;
    return true;
}

/* "/system", "/session", "/": the daemon's instance, never a file. */
static bool plain_path(const char *s)
{
    return s[0] == '/' && (!s[1] || plain_name(s + 1, "/._-")) && !strstr(s, "..");
}

/* libvirt splits the raw query on '&' (and ';') and unescapes each name;
 * so do we, and every name but no_tty is refused, whatever its spelling. */
static int check_query(const char *uri, const char *query)
{
    xl_autofree char *copy = xl_strdup(query);
    char *save = NULL, *p;

    for (p = strtok_r(copy, "&;", &save); p; p = strtok_r(NULL, "&;", &save)) {
        char *eq = strchr(p, '=');
        const char *val = eq ? eq + 1 : "";
        char *name;
        bool good;

        if (eq)
            *eq = '\0';
        name = xmlURIUnescapeString(p, 0, NULL);
        good = name && strcmp(name, "no_tty") == 0 && strspn(val, "0123456789") == strlen(val);
        if (!good) {
            int rc = xl_error(XL_ERR_INVAL, "URI \"%s\": parameter \"%s\" is refused %s", uri,
                              name ? name : p, UNSAFE_HINT);

            xmlFree(name);
            return rc;
        }
        xmlFree(name);
    }
    return XL_OK;
}

static int check_parts(const char *uri, xmlURIPtr u)
{
    static const char *const drivers[] = { "xen", "qemu", "lxc", "test" };
    static const char *const transports[] = { "unix", "ssh", "libssh", "libssh2", "tls", "tcp" };
    xl_autofree char *driver = NULL;
    const char *plus;

    if (!u->scheme || u->opaque || !strstr(uri, "://"))
        return xl_error(XL_ERR_INVAL, "URI \"%s\": not driver[+transport]://[host]/path %s", uri, UNSAFE_HINT);
    plus = strchr(u->scheme, '+');
    driver = plus ? xl_strndup(u->scheme, (size_t)(plus - u->scheme)) : xl_strdup(u->scheme);
    if (!in_list(driver, drivers, XL_ARRAY_SIZE(drivers)))
        return xl_error(XL_ERR_INVAL, "URI \"%s\": driver \"%s\" is not one of xen, qemu, lxc, test %s", uri,
                        driver, UNSAFE_HINT);
    if (plus && !in_list(plus + 1, transports, XL_ARRAY_SIZE(transports)))
        return xl_error(XL_ERR_INVAL, "URI \"%s\": transport \"%s\" is refused%s %s", uri, plus + 1,
                        strcmp(plus + 1, "ext") == 0 ? " (it runs a command)" : "", UNSAFE_HINT);
    if (u->fragment)
        return xl_error(XL_ERR_INVAL, "URI \"%s\": a fragment (#...) is refused %s", uri, UNSAFE_HINT);
    if (u->user && !plain_name(u->user, "._-"))
        return xl_error(XL_ERR_INVAL, "URI \"%s\": user name \"%s\" is refused %s", uri, u->user, UNSAFE_HINT);
    if (u->server && *u->server && !plain_name(u->server, ".-_:"))
        return xl_error(XL_ERR_INVAL, "URI \"%s\": host \"%s\" is refused %s", uri, u->server, UNSAFE_HINT);
    if (u->path && !plain_path(u->path))
        return xl_error(XL_ERR_INVAL, "URI \"%s\": path \"%s\" is refused %s", uri, u->path, UNSAFE_HINT);
    /* test:///FILE reads FILE as a driver configuration. */
    if (strcmp(driver, "test") == 0 &&
        (plus || (u->server && *u->server) || !u->path || strcmp(u->path, "/default") != 0))
        return xl_error(XL_ERR_INVAL, "URI \"%s\": of the test driver only test:///default is opened %s", uri,
                        UNSAFE_HINT);
    if (u->query_raw && *u->query_raw)
        return check_query(uri, u->query_raw);
    return XL_OK;
}

int xl_uri_check(const char *uri, unsigned flags)
{
    xmlURIPtr u = NULL;
    int rc;

    if (!uri)
        return XL_OK;                /* the backend's own default, xen:///system */
    if (!*uri)
        return xl_error(XL_ERR_INVAL, "URI \"\": empty (leave --uri out for xen:///system)");
    if (strlen(uri) > MAX_URI)
        return xl_error(XL_ERR_INVAL, "URI \"%.40s...\": longer than %d bytes", uri, MAX_URI);
    u = xmlParseURI(uri);
    if (!u)
        return xl_error(XL_ERR_INVAL, "URI \"%s\": not a URI", uri);
    rc = flags & XL_URI_ALLOW_UNSAFE ? XL_OK : check_parts(uri, u);
    xmlFreeURI(u);
    return rc;
}

const char *xl_uri_admin_list_path(void)
{
    const char *env = getenv("XENLAB_XAPI_URIS_FILE");

    return env && *env ? env : ADMIN_LIST;
}

bool xl_uri_admin_listed(const char *uri)
{
    xl_autofree char *buf = NULL;
    char *line, *save = NULL;
    bool found = false;

    if (!uri || !*uri)
        return false;
    if (xl_read_file(xl_uri_admin_list_path(), 64 * 1024, &buf, NULL)) {
        xl_error_clear();
        return false;
    }
    for (line = strtok_r(buf, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save))
        found = strcmp(line, uri) == 0;
    return found;
}
