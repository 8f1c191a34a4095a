#include "pts-read.h"

#include <dlfcn.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-spec.h"
#include "text.h"
#include "xl-util.h"

/* The three calls we need; the tree is walked through libxml2's structs. */
struct libxml {
    xmlDocPtr (*read_memory)(const char *, int, const char *, const char *, int);
    xmlNodePtr (*root)(const xmlDoc *);
    void (*free_doc)(xmlDocPtr);
};

static int load_libxml(struct libxml *x)
{
    static void *handle;

    /* libxml2 2.14 took a new soname; both keep these three calls. */
    if (!handle)
        handle = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!handle)
        handle = dlopen("libxml2.so.16", RTLD_NOW | RTLD_LOCAL);
    if (!handle)
        return xl_error(XL_ERR_FAIL, "libxml2 is not installed where the benchmark runs (libxml2.so.2 or .16: %s)",
                        dlerror());
    *(void **)&x->read_memory = dlsym(handle, "xmlReadMemory");
    *(void **)&x->root = dlsym(handle, "xmlDocGetRootElement");
    *(void **)&x->free_doc = dlsym(handle, "xmlFreeDoc");
    if (!x->read_memory || !x->root || !x->free_doc)
        return xl_error(XL_ERR_FAIL, "libxml2.so.2 lacks xmlReadMemory, xmlDocGetRootElement or xmlFreeDoc");
    return XL_OK;
}

static bool is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (n = n->children; n; n = n->next)
        if (is(n, name))
            return n;
    return NULL;
}

/* The element's text (its text and CDATA children), cut to len; "" none. */
static void text_of(const xmlNode *n, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (n = n ? n->children : NULL; n; n = n->next) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            int w = snprintf(buf + used, len - used, "%s", (const char *)n->content);

            if (w < 0 || (size_t)w >= len - used) {
                used = strlen(buf);     /* cut: what snprintf kept */
                break;
            }
            used += (size_t)w;
        }
    }
    /* Trimmed, then one printable line as every guest text. */
    while (used > 0 && strchr(" \t\r\n", buf[used - 1]))
        buf[--used] = '\0';
    {
        size_t lead = strspn(buf, " \t\r\n");

        if (lead > used)
            lead = used;
        memmove(buf, buf + lead, used - lead + 1);
    }
    xl_text_ascii(buf, len - 1);
}

int xl_pts_find(const char *text, size_t len, const char *what, const char *identifier, const char *description,
                struct xl_pts_value *v)
{
    struct libxml x = { 0 };
    xmlDocPtr doc;
    const xmlNode *root, *res, *found = NULL;
    /* One more than the longest result and description a spec may name. */
    char id[XL_COMMAND_MAX_PTS_TEXT + 2], desc[XL_COMMAND_MAX_PTS_TEXT + 2], seen[512] = "";
    size_t nseen = 0;
    int rc;

    memset(v, 0, sizeof(*v));
    if (len > XL_PTS_FILE_MAX)
        return xl_error(XL_ERR_INVAL, "%s: %zu bytes, more than %d", what, len, XL_PTS_FILE_MAX);
    rc = load_libxml(&x);
    if (rc)
        return rc;
    /* No network, no DTD, entities left as they are (no XXE, no expansion). */
    doc = x.read_memory(text, (int)len, what, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return xl_error(XL_ERR_INVAL, "%s: not well-formed XML", what);
    root = x.root(doc);
    if (!root || !is(root, "PhoronixTestSuite")) {
        rc = xl_error(XL_ERR_INVAL, "%s: not a PTS result file (no <PhoronixTestSuite>)", what);
        goto out;
    }
    for (res = root->children; res; res = res->next) {
        if (!is(res, "Result"))
            continue;
        text_of(child(res, "Identifier"), id, sizeof(id));
        text_of(child(res, "Description"), desc, sizeof(desc));
        if (strcmp(id, identifier) == 0 && (!description || strcmp(desc, description) == 0)) {
            found = res;
            break;
        }
        if (nseen++ < 4) {
            size_t u = strlen(seen);

            if (snprintf(seen + u, sizeof(seen) - u, "%s%s (%s)", u ? ", " : "", id, desc) < 0)
                seen[u] = '\0';
        }
    }
    if (!found) {
        rc = xl_error(XL_ERR_NOTFOUND, "%s: no result %s%s%s%s; it has %zu: %s%s", what, identifier,
                      description ? " with description \"" : "", description ? description : "",
                      description ? "\"" : "", nseen, nseen ? seen : "none", nseen > 4 ? ", ..." : "");
        goto out;
    }
    text_of(child(found, "Title"), v->title, sizeof(v->title));
    snprintf(v->description, sizeof(v->description), "%s", desc);
    text_of(child(found, "Scale"), v->scale, sizeof(v->scale));
    text_of(child(found, "Arguments"), v->arguments, sizeof(v->arguments));
    text_of(child(found, "Proportion"), v->proportion, sizeof(v->proportion));
    {
        const xmlNode *data = child(found, "Data"), *e, *last = NULL;
        char num[64], *end;

        for (e = data ? data->children : NULL; e; e = e->next)
            if (is(e, "Entry")) {
                last = e;
                v->entries++;
            }
        if (!last) {
            rc = xl_error(XL_ERR_NOTFOUND, "%s: result %s has no <Entry> (the test did not finish?)", what,
                          identifier);
            goto out;
        }
        text_of(child(last, "Value"), num, sizeof(num));
        text_of(child(last, "RawString"), v->raw, sizeof(v->raw));
        errno = 0;
        v->value = strtod(num, &end);
        if (!num[0] || *end || errno == ERANGE || !isfinite(v->value)) {
            rc = xl_error(XL_ERR_INVAL, "%s: result %s: <Value> \"%s\" is not a number", what, identifier, num);
            goto out;
        }
    }
    rc = XL_OK;
out:
    x.free_doc(doc);
    return rc;
}
