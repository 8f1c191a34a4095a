#include "clone-record.h"

#include <string.h>

#include "json-util.h"
#include "xl-util.h"

/* Longer than any path the run makes; a bound for what is believed at all. */
#define RECORD_PATH_MAX 4096

void xl_clone_record_init(struct xl_clone_record *rec)
{
    memset(rec, 0, sizeof(*rec));
}

void xl_clone_record_dispose(struct xl_clone_record *rec)
{
    free(rec->disk);
    xl_clone_record_init(rec);
}

int xl_clone_record_write(const struct xl_clone_made *m)
{
    xl_autofree char *path = xl_asprintf("%s/%s", m->dir, XL_CLONE_RECORD);
    json_object *o = json_object_new_object();
    const char *text;
    int rc;

    xl_json_add(o, "name", xl_json_str(m->name));
    xl_json_add(o, "base", xl_json_str(m->base));
    xl_json_add(o, "base_image", xl_json_str(m->base_image));
    xl_json_add(o, "disk", xl_json_str(m->disk));
    xl_json_add(o, "clone_kind", xl_json_str(xl_clone_kind_name(m->kind)));
    xl_json_add(o, "disk_size", json_object_new_int64((int64_t)m->size));
    /* Who grows the partition and filesystem: dom0 offline, or the guest. */
    xl_json_add(o, "grow", xl_json_str(m->grow));
    if (m->payload)
        xl_json_add(o, "payload", xl_json_str(m->payload));
    xl_json_add(o, "backend", xl_json_str(m->backend ? m->backend : "none"));
    text = xl_json_pretty(o);
    rc = xl_write_file_atomic(path, text, strlen(text));
    json_object_put(o);
    return rc;
}

static int kind_from_name(const char *name, enum xl_clone_kind *k_r)
{
    enum xl_clone_kind k;

    for (k = XL_CLONE_QCOW2_OVERLAY; k <= XL_CLONE_LVM_SNAPSHOT; k++) {
        if (strcmp(xl_clone_kind_name(k), name) == 0) {
            *k_r = k;
            return XL_OK;
        }
    }
    return xl_error(XL_ERR_INVAL, "clone_kind: unknown clone kind \"%s\"", name);
}

/* path is dir/file exactly, or the plain name file. */
static bool names_file(const char *path, const char *dir, const char *file)
{
    size_t n = strlen(dir);

    if (strcmp(path, file) == 0)
        return true;
    return strncmp(path, dir, n) == 0 && path[n] == '/' && strcmp(path + n + 1, file) == 0;
}

/* "/dev/VG/name", VG one component in LVM's own alphabet: what lvcreate -n
 * name made in some volume group (removal checks it is the base's). */
static bool names_lv(const char *path, const char *name)
{
    const char *vg = path + 5, *p;

    if (strncmp(path, "/dev/", 5) != 0 || vg[0] == '-' || vg[0] == '.' || strncmp(vg, "mapper/", 7) == 0)
        return false;
    for (p = vg; *p && *p != '/'; p++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_.-", *p))
            return false;
    return p > vg && *p == '/' && strcmp(p + 1, name) == 0;
}

static int parse_fields(json_object *o, const char *dir, const char *name, struct xl_clone_record *rec)
{
    const char *s = NULL, *disk = NULL, *payload = NULL;
    int rc;

    rc = xl_json_need_object(o, "");
    if (rc)
        return rc;
    rc = xl_json_get_string(o, "", "name", false, XL_NAME_LEN_MAX, &s);
    if (rc)
        return rc;
    if (s && strcmp(s, name) != 0)
        return xl_error(XL_ERR_INVAL, "name: \"%s\" is not this clone (%s)", s, name);
    s = NULL;
    rc = xl_json_get_string(o, "", "clone_kind", true, 32, &s);
    if (!rc)
        rc = kind_from_name(s, &rec->kind);
    if (!rc)
        rc = xl_json_get_string(o, "", "disk", true, RECORD_PATH_MAX, &disk);
    if (!rc)
        rc = xl_json_get_string(o, "", "payload", false, RECORD_PATH_MAX, &payload);
    if (rc)
        return rc;
    if (rec->kind == XL_CLONE_LVM_SNAPSHOT) {
        if (!names_lv(disk, name))
            return xl_error(XL_ERR_INVAL, "disk: \"%s\" is not the logical volume /dev/VG/%s this clone makes", disk,
                            name);
    } else if (!names_file(disk, dir, "disk.img") && !names_file(disk, dir, "disk.qcow2")) {
        return xl_error(XL_ERR_INVAL, "disk: \"%s\" is not %s/disk.img or %s/disk.qcow2", disk, dir, dir);
    }
    if (payload && !names_file(payload, dir, "payload.img"))
        return xl_error(XL_ERR_INVAL, "payload: \"%s\" is not %s/payload.img", payload, dir);
    rec->disk = xl_strdup(disk);
    rec->payload = payload != NULL;
    return XL_OK;
}

int xl_clone_record_parse(const char *text, size_t len, const char *what, const char *dir, const char *name,
                          struct xl_clone_record *rec)
{
    json_object *o = NULL;
    int rc;

    xl_clone_record_init(rec);
    if (len > XL_CLONE_RECORD_MAX)
        return xl_error(XL_ERR_INVAL, "%s: larger than %d bytes", what, XL_CLONE_RECORD_MAX);
    rc = xl_json_parse(text, len, what, &o);
    if (rc)
        return rc;
    rc = parse_fields(o, dir, name, rec);
    json_object_put(o);
    if (rc) {
        xl_clone_record_dispose(rec);
        return xl_error_prefix(rc, "%s", what);
    }
    return XL_OK;
}
