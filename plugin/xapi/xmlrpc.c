#include "xmlrpc.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <string.h>

#include "xl-util.h"

#define MAX_SESSION 1024

void xl_rpc_call_init(struct xl_rpc_call *c)
{
    memset(c, 0, sizeof(*c));
}

void xl_rpc_call_dispose(struct xl_rpc_call *c)
{
    size_t i;

    free(c->method);
    free(c->session);
    for (i = 0; i < c->nr_args; i++) {
        free(c->keys[i]);
        free(c->vals[i]);
    }
    free(c->bad_type_arg);
    xl_rpc_call_init(c);
}

const char *xl_rpc_arg(const struct xl_rpc_call *c, const char *key)
{
    size_t i;

    for (i = 0; i < c->nr_args; i++)
        if (strcmp(c->keys[i], key) == 0)
            return c->vals[i];
    return NULL;
}

static bool is_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

static bool named(const xmlNode *n, const char *name)
{
    return strcmp((const char *)n->name, name) == 0;
}

/* The element children of parent, at most max. Blank text and comments
 * between elements are what pretty-printers add; anything else (text,
 * entity references, processing instructions) does not belong there. */
static int elements(const xmlNode *parent, xmlNode **out, size_t max, size_t *n_r)
{
    xmlNode *n;
    size_t k = 0;

    for (n = parent->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            if (k == max)
                return xl_error(XL_ERR_INVAL, "<%s>: more than %zu elements", parent->name, max);
            out[k++] = n;
        } else if (n->type == XML_TEXT_NODE && !is_blank(n->content)) {
            return xl_error(XL_ERR_INVAL, "<%s>: unexpected text", parent->name);
        } else if (n->type != XML_TEXT_NODE && n->type != XML_COMMENT_NODE) {
            return xl_error(XL_ERR_INVAL, "<%s>: unexpected node (type %d)", parent->name, (int)n->type);
        }
    }
    *n_r = k;
    return XL_OK;
}

/* The text of an element that may hold only text and CDATA. */
static int text_of(const xmlNode *el, size_t max, char **s_r)
{
    const xmlNode *n;
    size_t len = 0, l;
    char *s;

    for (n = el->children; n; n = n->next) {
        if (n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE && n->type != XML_COMMENT_NODE)
            return xl_error(XL_ERR_INVAL, "<%s>: only text allowed", el->name);
        if (n->type != XML_COMMENT_NODE)
            len += strlen((const char *)n->content);
        if (len > max)
            return xl_error(XL_ERR_INVAL, "<%s>: longer than %zu bytes", el->name, max);
    }
    s = xl_malloc(len + 1);
    len = 0;
    for (n = el->children; n; n = n->next) {
        if (n->type == XML_COMMENT_NODE)
            continue;
        l = strlen((const char *)n->content);
        memcpy(s + len, n->content, l);
        len += l;
    }
    s[len] = '\0';
    *s_r = s;
    return XL_OK;
}

/* A <value>: a string (typed or bare) into *s_r; for any other type *s_r
 * stays NULL and *type_r names it, so the caller can say which argument
 * had the wrong type. */
static int value_string(const xmlNode *value, size_t max, char **s_r, const char **type_r)
{
    xmlNode *el[1], *c;
    size_t n;
    int rc;

    *s_r = NULL;
    *type_r = NULL;
    if (!named(value, "value"))
        return xl_error(XL_ERR_INVAL, "<%s> where <value> was expected", value->name);
    for (c = value->children; c && c->type != XML_ELEMENT_NODE; c = c->next)
        ;
    if (!c)
        return text_of(value, max, s_r);     /* <value>bare text</value> */
    rc = elements(value, el, 1, &n);
    if (rc)
        return rc;
    if (named(el[0], "string"))
        return text_of(el[0], max, s_r);
    *type_r = (const char *)el[0]->name;
    return XL_OK;
}

static bool name_ok(const char *s, bool method)
{
    size_t i;

    if (!*s || strlen(s) > XL_RPC_NAME_MAX)
        return false;
    for (i = 0; s[i]; i++) {
        char ch = s[i];

        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
              ch == '-' || ch == '.' || (!method && ch == ':')))
            return false;
    }
    return true;
}

static int parse_struct(const xmlNode *st, struct xl_rpc_call *c)
{
    xmlNode *members[XL_RPC_MAX_ARGS], *mv[2];
    size_t n, i, k;
    int rc;

    rc = elements(st, members, XL_RPC_MAX_ARGS, &n);
    if (rc)
        return xl_error_prefix(rc, "arguments");
    for (i = 0; i < n; i++) {
        xl_autofree char *key = NULL;
        char *val = NULL;
        const char *type;

        if (!named(members[i], "member"))
            return xl_error(XL_ERR_INVAL, "arguments: <%s> where <member> was expected", members[i]->name);
        rc = elements(members[i], mv, 2, &k);
        if (rc)
            return xl_error_prefix(rc, "arguments");
        if (k != 2 || !named(mv[0], "name") || !named(mv[1], "value"))
            return xl_error(XL_ERR_INVAL, "arguments: a <member> needs <name> then <value>");
        rc = text_of(mv[0], XL_RPC_NAME_MAX, &key);
        if (rc)
            return xl_error_prefix(rc, "arguments");
        if (!name_ok(key, false))
            return xl_error(XL_ERR_INVAL, "arguments: bad argument name");
        if (xl_rpc_arg(c, key))
            return xl_error(XL_ERR_INVAL, "arguments: \"%s\" given twice", key);
        rc = value_string(mv[1], XL_RPC_MAX_BYTES, &val, &type);
        if (rc)
            return xl_error_prefix(rc, "argument %s", key);
        if (!val) {
            if (!c->bad_type_arg)
                c->bad_type_arg = xl_strdup(key);
            val = xl_strdup("");
        }
        c->keys[c->nr_args] = xl_steal_pointer(&key);
        c->vals[c->nr_args++] = val;
    }
    return XL_OK;
}

static int parse_params(const xmlNode *params, struct xl_rpc_call *c)
{
    xmlNode *p[2], *v[1], *st[1];
    size_t n, k;
    const char *type;
    int rc;

    rc = elements(params, p, 2, &n);
    if (rc)
        return rc;
    if (n < 1)
        return xl_error(XL_ERR_INVAL, "<params>: no session parameter");
    for (size_t i = 0; i < n; i++) {
        if (!named(p[i], "param"))
            return xl_error(XL_ERR_INVAL, "<params>: <%s> where <param> was expected", p[i]->name);
        rc = elements(p[i], v, 1, &k);
        if (rc)
            return rc;
        if (k != 1)
            return xl_error(XL_ERR_INVAL, "<param>: needs one <value>");
    }
    rc = elements(p[0], v, 1, &k);
    if (!rc)
        rc = value_string(v[0], MAX_SESSION, &c->session, &type);
    if (rc)
        return xl_error_prefix(rc, "session");
    if (!c->session)
        return xl_error(XL_ERR_INVAL, "session: a <%s>, not a string", type);
    if (n < 2)
        return XL_OK;
    rc = elements(p[1], v, 1, &k);
    if (!rc)
        rc = elements(v[0], st, 1, &k);
    if (rc)
        return xl_error_prefix(rc, "arguments");
    if (!named(v[0], "value") || k != 1 || !named(st[0], "struct"))
        return xl_error(XL_ERR_INVAL, "arguments: not a <struct>");
    return parse_struct(st[0], c);
}

int xl_rpc_parse_call(const char *xml, size_t len, struct xl_rpc_call *c)
{
    xmlDoc *doc = NULL;
    xmlNode *root, *top[2];
    size_t n;
    int rc;

    if (len > XL_RPC_MAX_BYTES)
        return xl_error(XL_ERR_INVAL, "request larger than %d bytes", XL_RPC_MAX_BYTES);
    /* No DTD at all: libxml2 keeps entity references unexpanded without
     * XML_PARSE_NOENT, but even declaring them costs memory, and no
     * XML-RPC request needs one. */
    if (memmem(xml, len, "<!DOCTYPE", 9) || memmem(xml, len, "<!ENTITY", 8))
        return xl_error(XL_ERR_INVAL, "request carries a DTD");
    /* Read as UTF-8 whatever the document claims: a UTF-16 or EBCDIC
     * request would slip a DTD past the byte check above. */
    doc = xmlReadMemory(xml, (int)len, "request.xml", "UTF-8",
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        char msg[160];

        snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "not well-formed");
        msg[strcspn(msg, "\n")] = '\0';
        return xl_error(XL_ERR_INVAL, "request is not XML: line %d: %s", e ? e->line : 0, msg);
    }
    root = xmlDocGetRootElement(doc);
    if (doc->intSubset || doc->extSubset || !root || !named(root, "methodCall")) {
        rc = xl_error(XL_ERR_INVAL, "request is not an XML-RPC <methodCall>");
        goto out;
    }
    rc = elements(root, top, 2, &n);
    if (rc)
        goto out;
    if (n < 1 || !named(top[0], "methodName")) {
        rc = xl_error(XL_ERR_INVAL, "<methodCall>: no <methodName>");
        goto out;
    }
    rc = text_of(top[0], XL_RPC_NAME_MAX, &c->method);
    if (rc)
        goto out;
    if (!name_ok(c->method, true)) {
        rc = xl_error(XL_ERR_INVAL, "<methodName>: not a function name");
        goto out;
    }
    if (n < 2 || !named(top[1], "params")) {
        rc = xl_error(XL_ERR_INVAL, "<methodCall>: no <params>");
        goto out;
    }
    rc = parse_params(top[1], c);
out:
    xmlFreeDoc(doc);
    if (rc) {
        /* A half-parsed call must not look like a call. */
        xl_autofree char *why = xl_strdup(xl_error_message());

        xl_rpc_call_dispose(c);
        xl_error(rc, "%s", why);
    }
    return rc;
}

/* One code point from s (at most n bytes); 0 bytes consumed if invalid. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp_r)
{
    uint32_t cp;
    size_t len, i;

    if (s[0] < 0x80) {
        *cp_r = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0) {
        cp = s[0] & 0x1f;
        len = 2;
    } else if ((s[0] & 0xf0) == 0xe0) {
        cp = s[0] & 0x0f;
        len = 3;
    } else if ((s[0] & 0xf8) == 0xf0) {
        cp = s[0] & 0x07;
        len = 4;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff)
        return 0;
    *cp_r = cp;
    return len;
}

/* XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
static char *xml_safe(const char *in)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t n = strlen(in), i = 0, o = 0, l;
    char *out = xl_malloc(n * 3 + 1);
    uint32_t cp = 0;

    while (i < n) {
        l = utf8_next(s + i, n - i, &cp);
        if (l && (cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
                  (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000)) {
            memcpy(out + o, s + i, l);
            o += l;
            i += l;
        } else {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i += l ? l : 1;
        }
    }
    out[o] = '\0';
    return out;
}

static void write_string(xmlTextWriterPtr w, const char *s)
{
    xl_autofree char *safe = xml_safe(s);

    xmlTextWriterStartElement(w, BAD_CAST "value");
    xmlTextWriterWriteElement(w, BAD_CAST "string", BAD_CAST safe);
    xmlTextWriterEndElement(w);
}

static void write_member_start(xmlTextWriterPtr w, const char *name)
{
    xmlTextWriterStartElement(w, BAD_CAST "member");
    xmlTextWriterWriteElement(w, BAD_CAST "name", BAD_CAST name);
}

/* status, then either value (Success) or desc[0..n) (Failure). */
static char *response(const char *status, const char *value, const char *const *desc, size_t n)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w;
    char *out;
    size_t i;

    if (!buf)
        abort();
    w = xmlNewTextWriterMemory(buf, 0);
    if (!w)
        abort();
    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "methodResponse");
    xmlTextWriterStartElement(w, BAD_CAST "params");
    xmlTextWriterStartElement(w, BAD_CAST "param");
    xmlTextWriterStartElement(w, BAD_CAST "value");
    xmlTextWriterStartElement(w, BAD_CAST "struct");
    write_member_start(w, "Status");
    write_string(w, status);
    xmlTextWriterEndElement(w);
    if (value) {
        write_member_start(w, "Value");
        write_string(w, value);
        xmlTextWriterEndElement(w);
    } else {
        write_member_start(w, "ErrorDescription");
        xmlTextWriterStartElement(w, BAD_CAST "value");
        xmlTextWriterStartElement(w, BAD_CAST "array");
        xmlTextWriterStartElement(w, BAD_CAST "data");
        for (i = 0; i < n; i++)
            write_string(w, desc[i] ? desc[i] : "");
        xmlTextWriterEndElement(w);
        xmlTextWriterEndElement(w);
        xmlTextWriterEndElement(w);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    out = xl_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return out;
}

char *xl_rpc_success(const char *value)
{
    return response("Success", value, NULL, 0);
}

char *xl_rpc_failure(const char *const *desc, size_t n)
{
    return response("Failure", NULL, desc, n);
}
