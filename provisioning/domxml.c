#include "domxml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <string.h>

#include "xl-util.h"

#define XML_MAX (256 * 1024)

static xmlNodePtr child(xmlNodePtr parent, const char *name, int create)
{
    xmlNodePtr n;

    for (n = parent->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0)
            return n;
    return create ? xmlNewChild(parent, NULL, BAD_CAST name, NULL) : NULL;
}

/* A new element goes right after its sibling `after` (or first when NULL),
 * where libvirt writes it, so the output reads like the template. */
static xmlNodePtr child_at(xmlNodePtr parent, const char *name, const char *after)
{
    xmlNodePtr n = child(parent, name, 0), prev;

    if (n)
        return n;
    n = xmlNewNode(NULL, BAD_CAST name);
    prev = after ? child(parent, after, 0) : NULL;
    if (prev)
        return xmlAddNextSibling(prev, n);
    if (!after && parent->children)
        return xmlAddPrevSibling(parent->children, n);
    return xmlAddChild(parent, n);
}

static void set_text(xmlNodePtr n, const char *text)
{
    xmlNodeSetContent(n, NULL);
    xmlNodeAddContent(n, BAD_CAST text);
}

static void set_kib(xmlNodePtr root, const char *name, const char *after, uint64_t kib)
{
    xmlNodePtr n = child_at(root, name, after);
    char buf[32];

    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)kib);
    set_text(n, buf);
    xmlSetProp(n, BAD_CAST "unit", BAD_CAST "KiB");
}

static uint64_t get_kib(xmlNodePtr root, const char *name)
{
    xmlNodePtr n = child(root, name, 0);
    xmlChar *t, *unit;
    uint64_t v = 0;

    if (!n)
        return 0;
    t = xmlNodeGetContent(n);
    unit = xmlGetProp(n, BAD_CAST "unit");
    if (t)
        v = strtoull((const char *)t, NULL, 10);
    if (unit && (xmlStrcmp(unit, BAD_CAST "MiB") == 0 || xmlStrcmp(unit, BAD_CAST "M") == 0))
        v *= 1024;
    else if (unit && (xmlStrcmp(unit, BAD_CAST "GiB") == 0 || xmlStrcmp(unit, BAD_CAST "G") == 0))
        v *= 1024 * 1024;
    xmlFree(t);
    xmlFree(unit);
    return v;
}

/* The <disk> whose <target dev=...> is dev. */
static xmlNodePtr find_disk(xmlNodePtr devices, const char *dev)
{
    xmlNodePtr n, t;

    for (n = devices->children; n; n = n->next) {
        xmlChar *d;
        int same;

        if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "disk") != 0)
            continue;
        t = child(n, "target", 0);
        if (!t)
            continue;
        d = xmlGetProp(t, BAD_CAST "dev");
        same = d && xmlStrcmp(d, BAD_CAST dev) == 0;
        xmlFree(d);
        if (same)
            return n;
    }
    return NULL;
}

static void set_disk(xmlNodePtr disk, const char *dev, const char *path, const char *fmt, int readonly)
{
    xmlNodePtr drv = child_at(disk, "driver", NULL), src = child_at(disk, "source", "driver"),
               tgt = child_at(disk, "target", "source");
    int qcow2 = fmt && strcmp(fmt, "qcow2") == 0;

    xmlSetProp(disk, BAD_CAST "type", BAD_CAST "file");
    xmlSetProp(disk, BAD_CAST "device", BAD_CAST "disk");
    /* libxl's driver: phy for raw (loop device), qemu (qdisk) for qcow2. */
    xmlSetProp(drv, BAD_CAST "name", BAD_CAST(qcow2 ? "qemu" : "phy"));
    xmlSetProp(drv, BAD_CAST "type", BAD_CAST(qcow2 ? "qcow2" : "raw"));
    xmlSetProp(src, BAD_CAST "file", BAD_CAST path);
    xmlSetProp(tgt, BAD_CAST "dev", BAD_CAST dev);
    xmlSetProp(tgt, BAD_CAST "bus", BAD_CAST "xen");
    if (readonly)
        child(disk, "readonly", 1);
}

/* A template's MAC addresses would clash between clones, as its uuid
 * would: libvirt makes one for an <interface> without <mac>. */
static void drop_macs(xmlNodePtr devices)
{
    xmlNodePtr n, m;

    for (n = devices->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "interface") != 0)
            continue;
        while ((m = child(n, "mac", 0))) {
            xmlUnlinkNode(m);
            xmlFreeNode(m);
        }
    }
}

static xmlDocPtr parse(const char *what, const char *text, size_t len, int *rc_r)
{
    xmlDocPtr doc = xmlReadMemory(text, (int)len, what, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root;

    if (!doc) {
        const xmlError *e = xmlGetLastError();
        const char *m = e && e->message ? e->message : "not XML";

        *rc_r = xl_error(XL_ERR_INVAL, "%s:%d: %.*s", what, e ? e->line : 0, (int)strcspn(m, "\n"), m);
        return NULL;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || xmlStrcmp(root->name, BAD_CAST "domain") != 0) {
        xmlFreeDoc(doc);
        *rc_r = xl_error(XL_ERR_INVAL, "%s: the root element must be <domain>", what);
        return NULL;
    }
    *rc_r = XL_OK;
    return doc;
}

static char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = n ? xmlGetProp(n, BAD_CAST name) : NULL;
    char *s = v ? xl_strdup((const char *)v) : NULL;

    xmlFree(v);
    return s;
}

int xl_domxml_writable_disk(const char *xml, const char *what, char **path_r, char **format_r)
{
    xmlDocPtr doc;
    xmlNodePtr devices, n, disk = NULL;
    xl_autofree char *type = NULL, *dev = NULL;
    int rc, writable = 0;

    *path_r = *format_r = NULL;
    if (strlen(xml) > XML_MAX)
        return xl_error(XL_ERR_INVAL, "%s: domain XML longer than %d bytes", what, XML_MAX);
    doc = parse(what, xml, strlen(xml), &rc);
    if (!doc)
        return rc;
    devices = child(xmlDocGetRootElement(doc), "devices", 0);
    for (n = devices ? devices->children : NULL; n; n = n->next) {
        xl_autofree char *d = NULL;

        if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "disk") != 0 || child(n, "readonly", 0))
            continue;
        d = prop(n, "device");
        if (d && strcmp(d, "disk") != 0 && strcmp(d, "lun") != 0)
            continue;   /* a cdrom or floppy: read-only media, shared safely */
        writable++;
        disk = n;
    }
    if (writable != 1) {
        rc = xl_error(XL_ERR_INVAL, "%s: has %d writable disks; a base is taken from a domain with one (xvda)", what,
                      writable);
        goto out;
    }
    dev = prop(child(disk, "target", 0), "dev");
    if (!dev || strcmp(dev, "xvda") != 0) {
        rc = xl_error(XL_ERR_INVAL, "%s: its disk is %s, not xvda, where clones put theirs", what, dev ? dev : "without a target");
        goto out;
    }
    type = prop(disk, "type");
    if (type && strcmp(type, "file") == 0) {
        *path_r = prop(child(disk, "source", 0), "file");
    } else if (type && strcmp(type, "block") == 0) {
        *path_r = prop(child(disk, "source", 0), "dev");
    } else {
        rc = xl_error(XL_ERR_INVAL, "%s: its disk is of type %s; a file or block device is needed", what,
                      type ? type : "(none)");
        goto out;
    }
    if (!*path_r || (*path_r)[0] != '/') {
        rc = xl_error(XL_ERR_INVAL, "%s: its disk has no absolute source path", what);
        goto out;
    }
    *format_r = prop(child(disk, "driver", 0), "type");
    if (!*format_r)
        *format_r = xl_strdup("raw");
    rc = XL_OK;
out:
    if (rc) {
        free(*path_r);
        *path_r = NULL;
    }
    xmlFreeDoc(doc);
    return rc;
}

int xl_domxml_from_template(const char *path, const struct xl_domain_spec *ov, char **xml_r)
{
    xl_autofree char *text = NULL;
    xmlDocPtr doc = NULL;
    xmlNodePtr root, n, devices;
    xmlChar *out = NULL;
    size_t len = 0;
    int outlen = 0, rc;
    uint64_t mem, maxmem;
    char buf[32];

    *xml_r = NULL;
    rc = xl_read_file(path, XML_MAX, &text, &len);
    if (rc)
        return rc;
    doc = parse(path, text, len, &rc);
    if (!doc)
        return rc;
    root = xmlDocGetRootElement(doc);
    if (ov->virt_type)
        xmlSetProp(root, BAD_CAST "type", BAD_CAST ov->virt_type);
    if (ov->name)
        set_text(child_at(root, "name", NULL), ov->name);
    /* A template's uuid would clash between clones: libvirt makes one. */
    n = child(root, "uuid", 0);
    if (n) {
        xmlUnlinkNode(n);
        xmlFreeNode(n);
    }
    mem = ov->memory_kib ? ov->memory_kib : get_kib(root, "currentMemory");
    if (!mem)
        mem = get_kib(root, "memory");
    maxmem = ov->maxmem_kib ? ov->maxmem_kib : get_kib(root, "memory");
    if (maxmem < mem)
        maxmem = mem;
    if (!mem) {
        rc = xl_error(XL_ERR_INVAL, "%s: no memory, and none given", path);
        goto out;
    }
    set_kib(root, "memory", "name", maxmem);
    set_kib(root, "currentMemory", "memory", mem);
    n = child_at(root, "vcpu", "currentMemory");
    {
        xmlChar *t = xmlNodeGetContent(n), *cur = xmlGetProp(n, BAD_CAST "current");
        unsigned maxv = t ? (unsigned)strtoul((const char *)t, NULL, 10) : 0;
        unsigned v = ov->vcpus ? ov->vcpus : (cur ? (unsigned)strtoul((const char *)cur, NULL, 10) : maxv);

        xmlFree(t);
        xmlFree(cur);
        if (ov->maxvcpus)
            maxv = ov->maxvcpus;
        if (v == 0)
            v = 1;
        if (maxv < v)
            maxv = v;
        snprintf(buf, sizeof(buf), "%u", maxv);
        set_text(n, buf);
        snprintf(buf, sizeof(buf), "%u", v);
        xmlSetProp(n, BAD_CAST "current", BAD_CAST buf);
        /* Pinning: every vCPU on these pCPUs (validated by the spec).
         * libvirt ignores cpuset under placement='auto', and a template's
         * <vcpupin> would win over it: the arm's pinning replaces both. */
        if (ov->cpus) {
            xmlNodePtr tune = child(root, "cputune", 0), pin;

            xmlSetProp(n, BAD_CAST "cpuset", BAD_CAST ov->cpus);
            xmlUnsetProp(n, BAD_CAST "placement");
            while (tune && (pin = child(tune, "vcpupin", 0))) {
                xmlUnlinkNode(pin);
                xmlFreeNode(pin);
            }
        }
    }
    devices = child(root, "devices", 1);
    drop_macs(devices);
    if (ov->disk_path) {
        n = find_disk(devices, "xvda");
        if (!n) {
            rc = xl_error(XL_ERR_INVAL, "%s: no disk with target xvda to put the clone on", path);
            goto out;
        }
        set_disk(n, "xvda", ov->disk_path, ov->disk_format, 0);
    }
    if (ov->payload_path) {
        if (find_disk(devices, "xvdb")) {
            rc = xl_error(XL_ERR_INVAL, "%s: xvdb is taken; the payload disk goes there", path);
            goto out;
        }
        set_disk(xmlNewChild(devices, NULL, BAD_CAST "disk", NULL), "xvdb", ov->payload_path, "raw", 1);
    }
    xmlDocDumpFormatMemory(doc, &out, &outlen, 1);
    if (!out) {
        rc = xl_error(XL_ERR_NOMEM, "%s: cannot serialise", path);
        goto out;
    }
    *xml_r = xl_strndup((const char *)out, (size_t)outlen);
    rc = XL_OK;
out:
    xmlFree(out);
    xmlFreeDoc(doc);
    return rc;
}
