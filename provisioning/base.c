#include "base.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "json-util.h"
#include "size.h"
#include "xl-util.h"

#define BASE_JSON_MAX (64 * 1024)

void xl_base_init(struct xl_base *b)
{
    memset(b, 0, sizeof(*b));
    xl_image_info_init(&b->info);
    xl_part_layout_init(&b->layout);
}

void xl_base_dispose(struct xl_base *b)
{
    free(b->name);
    free(b->image);
    free(b->template);
    xl_image_info_dispose(&b->info);
    xl_base_init(b);
}

/* The name as it may be shown in a one-line message: control and non-ASCII
 * bytes as \xNN, cut after 80 bytes. */
static void shown_name(const char *name, char out[4 * 80 + 4])
{
    size_t i, o = 0;

    for (i = 0; name[i] && i < 80; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c < 0x20 || c >= 0x7f || c == '\\')
            o += (size_t)sprintf(out + o, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    strcpy(out + o, name[i] ? "..." : "");
}

int xl_name_check(const char *what, const char *name)
{
    size_t i, n = strlen(name);
    char shown[4 * 80 + 4];

    shown_name(name, shown);
    if (n == 0 || n > XL_NAME_LEN_MAX)
        return xl_error(XL_ERR_INVAL, "%s \"%s\": 1 to %d characters", what, shown, XL_NAME_LEN_MAX);
    for (i = 0; i < n; i++) {
        char c = name[i];
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

        if (!alnum && (i == 0 || !(c == '-' || c == '_' || c == '.')))
            return xl_error(XL_ERR_INVAL, "%s \"%s\": use letters, digits, '.', '-', '_', starting with a letter or digit",
                            what, shown);
    }
    return XL_OK;
}

static int check_name(const char *name)
{
    return xl_name_check("base name", name);
}

static char *base_path(const char *name)
{
    return xl_asprintf("%s/bases/%s.json", xl_state_dir(), name);
}

/* Size, mtime and first-MiB checksum of the image, read through a read-only fd. */
static int fingerprint(const char *image, uint64_t *size_r, int64_t *mtime_r, char sum[17], bool *is_block_r)
{
    xl_autofd int fd = open(image, O_RDONLY | O_CLOEXEC);
    uint64_t h = XL_FNV1A64_INIT, left = XL_MiB;
    unsigned char buf[65536];
    struct stat st;

    if (fd < 0)
        return xl_error_errno(errno == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, errno, "%s", image);
    if (fstat(fd, &st) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s: stat", image);
    *is_block_r = S_ISBLK(st.st_mode);
    if (S_ISBLK(st.st_mode)) {
        uint64_t sz = 0;

        if (ioctl(fd, BLKGETSIZE64, &sz) < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s: BLKGETSIZE64", image);
        *size_r = sz;
    } else if (S_ISREG(st.st_mode)) {
        *size_r = (uint64_t)st.st_size;
    } else {
        return xl_error(XL_ERR_INVAL, "%s: not a regular file or block device", image);
    }
    *mtime_r = (int64_t)st.st_mtime;
    while (left > 0) {
        ssize_t n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s: read", image);
        if (n == 0)
            break;
        xl_fnv1a64(&h, buf, (size_t)n);
        left -= (uint64_t)n;
    }
    snprintf(sum, 17, "%016llx", (unsigned long long)h);
    return XL_OK;
}

json_object *xl_base_to_json(const struct xl_base *b)
{
    json_object *o = json_object_new_object(), *l;

    xl_json_add(o, "name", xl_json_str(b->name));
    xl_json_add(o, "image", xl_json_str(b->image));
    if (b->template)
        xl_json_add(o, "template", xl_json_str(b->template));
    xl_json_add(o, "format", xl_json_str(b->info.format));
    xl_json_add(o, "virtual_size", json_object_new_int64((int64_t)b->info.virtual_size));
    xl_json_add(o, "block_device", json_object_new_boolean(b->is_block));
    xl_json_add(o, "file_size", json_object_new_int64((int64_t)b->file_size));
    xl_json_add(o, "mtime", json_object_new_int64(b->mtime));
    xl_json_add(o, "checksum_first_mib", xl_json_str(b->checksum));
    if (strcmp(b->info.format, "raw") == 0) {
        l = json_object_new_object();
        xl_json_add(l, "label", xl_json_str(b->layout.label));
        xl_json_add(l, "partitions", json_object_new_int((int)b->layout.nparts));
        xl_json_add(l, "last_partno", json_object_new_int(b->layout.last_partno));
        xl_json_add(l, "last_start", json_object_new_int64((int64_t)b->layout.last_start));
        xl_json_add(l, "last_size", json_object_new_int64((int64_t)b->layout.last_size));
        xl_json_add(l, "fs_type", xl_json_str(b->fs_type));
        xl_json_add(l, "extended", json_object_new_boolean(b->layout.has_extended));
        xl_json_add(o, "layout", l);
    }
    return o;
}

static int inspect(struct xl_base *b)
{
    int rc;

    rc = fingerprint(b->image, &b->file_size, &b->mtime, b->checksum, &b->is_block);
    if (rc)
        return rc;
    rc = xl_image_info(b->image, &b->info);
    if (rc)
        return rc;
    if (b->info.backing)
        return xl_error(XL_ERR_INVAL, "%s: has a backing file (%s); register a standalone image", b->image,
                        b->info.backing);
    if (strcmp(b->info.format, "raw") != 0)
        return XL_OK;
    rc = xl_part_read(b->image, &b->layout);
    if (rc)
        return rc;
    return xl_image_fs_type(b->image, b->layout.last_start, b->fs_type, sizeof(b->fs_type));
}

int xl_base_add(const char *name, const char *image, const char *template, struct xl_base *b_r)
{
    xl_autofree char *path = NULL, *dir = NULL, *abs = NULL, *tabs = NULL;
    json_object *o = NULL;
    const char *text;
    struct stat st;
    int rc;

    xl_base_init(b_r);
    rc = check_name(name);
    if (rc)
        return rc;
    /* A logical volume keeps the /dev/VG/LV name lvcreate -s needs;
     * realpath would give its /dev/dm-N. */
    if (strncmp(image, "/dev/", 5) == 0 && !strstr(image, "/..") && stat(image, &st) == 0 && S_ISBLK(st.st_mode))
        abs = xl_strdup(image);
    else
        abs = realpath(image, NULL);
    if (!abs)
        return xl_error_errno(errno == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, errno, "%s", image);
    if (template) {
        tabs = realpath(template, NULL);
        if (!tabs)
            return xl_error_errno(errno == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, errno, "%s", template);
    }
    path = base_path(name);
    if (stat(path, &st) == 0)
        return xl_error(XL_ERR_INVAL, "base \"%s\" is already registered (%s)", name, path);
    b_r->name = xl_strdup(name);
    b_r->image = xl_steal_pointer(&abs);
    b_r->template = xl_steal_pointer(&tabs);
    rc = inspect(b_r);
    if (rc)
        goto out;
    dir = xl_asprintf("%s/bases", xl_state_dir());
    rc = xl_mkdir_p(dir);
    if (rc)
        goto out;
    o = xl_base_to_json(b_r);
    text = xl_json_pretty(o);
    rc = xl_write_file_atomic(path, text, strlen(text));
out:
    json_object_put(o);
    if (rc)
        xl_base_dispose(b_r);
    return rc;
}

int xl_base_load(const char *name, struct xl_base *b_r)
{
    xl_autofree char *path = NULL;
    json_object *o = NULL, *l = NULL;
    const char *s;
    int64_t v;
    int rc;

    xl_base_init(b_r);
    rc = check_name(name);
    if (rc)
        return rc;
    path = base_path(name);
    rc = xl_json_parse_file(path, BASE_JSON_MAX, &o);
    if (rc == XL_ERR_NOTFOUND)
        return xl_error(XL_ERR_INVAL, "no base named \"%s\" (xenlab base add %s IMAGE)", name, name);
    if (rc)
        return rc;
    b_r->name = xl_strdup(name);
#define GET_STR(key, req, max, dst)                                     \
    do {                                                                \
        s = NULL;                                                       \
        rc = xl_json_get_string(o, "", key, req, max, &s);              \
        if (rc)                                                         \
            goto out;                                                   \
        dst;                                                            \
    } while (0)
    GET_STR("image", true, PATH_MAX, b_r->image = xl_strdup(s));
    GET_STR("template", false, PATH_MAX, b_r->template = s ? xl_strdup(s) : NULL);
    GET_STR("format", true, sizeof(b_r->info.format) - 1, snprintf(b_r->info.format, sizeof(b_r->info.format), "%s", s));
    GET_STR("checksum_first_mib", true, 16, snprintf(b_r->checksum, sizeof(b_r->checksum), "%s", s));
#undef GET_STR
    rc = xl_json_get_int(o, "", "virtual_size", true, 0, INT64_MAX, &v);
    if (rc)
        goto out;
    b_r->info.virtual_size = (uint64_t)v;
    rc = xl_json_get_int(o, "", "file_size", true, 0, INT64_MAX, &v);
    if (rc)
        goto out;
    b_r->file_size = (uint64_t)v;
    rc = xl_json_get_int(o, "", "mtime", true, INT64_MIN, INT64_MAX, &b_r->mtime);
    if (rc)
        goto out;
    rc = xl_json_get_bool(o, "", "block_device", true, &b_r->is_block);
    if (rc)
        goto out;
    rc = xl_json_get_object(o, "", "layout", false, &l);
    if (rc)
        goto out;
    if (l) {
        rc = xl_json_get_string(l, "layout", "label", true, sizeof(b_r->layout.label) - 1, &s);
        if (rc)
            goto out;
        snprintf(b_r->layout.label, sizeof(b_r->layout.label), "%s", s);
        rc = xl_json_get_string(l, "layout", "fs_type", true, sizeof(b_r->fs_type) - 1, &s);
        if (rc)
            goto out;
        snprintf(b_r->fs_type, sizeof(b_r->fs_type), "%s", s);
        rc = xl_json_get_int(l, "layout", "last_partno", true, -1, 1024, &v);
        if (rc)
            goto out;
        b_r->layout.last_partno = (int)v;
        rc = xl_json_get_int(l, "layout", "last_start", true, 0, INT64_MAX, &v);
        if (rc)
            goto out;
        b_r->layout.last_start = (uint64_t)v;
        rc = xl_json_get_int(l, "layout", "last_size", true, 0, INT64_MAX, &v);
        if (rc)
            goto out;
        b_r->layout.last_size = (uint64_t)v;
        rc = xl_json_get_bool(l, "layout", "extended", false, &b_r->layout.has_extended);
        if (rc)
            goto out;
        rc = xl_json_get_int(l, "layout", "partitions", true, 0, 1024, &v);
        if (rc)
            goto out;
        b_r->layout.nparts = (unsigned)v;
    }
out:
    if (rc)
        rc = xl_error_prefix(rc, "%s", path);
    json_object_put(o);
    if (rc)
        xl_base_dispose(b_r);
    return rc;
}

int xl_base_verify(const struct xl_base *b)
{
    uint64_t size;
    int64_t mtime;
    char sum[17];
    bool blk;
    int rc;

    rc = fingerprint(b->image, &size, &mtime, sum, &blk);
    if (rc)
        return xl_error_prefix(rc, "base \"%s\"", b->name);
    if (size != b->file_size || mtime != b->mtime || strcmp(sum, b->checksum) != 0)
        return xl_error(XL_ERR_INVAL,
                        "base \"%s\": %s changed since it was registered (size %llu->%llu, mtime %lld->%lld, "
                        "checksum %s->%s); register it again under a new name",
                        b->name, b->image, (unsigned long long)b->file_size, (unsigned long long)size,
                        (long long)b->mtime, (long long)mtime, b->checksum, sum);
    return XL_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int xl_base_list(char ***names_r, size_t *n_r)
{
    xl_autofree char *dir = xl_asprintf("%s/bases", xl_state_dir());
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;

    *names_r = NULL;
    *n_r = 0;
    if (!d) {
        if (errno == ENOENT)
            return XL_OK;
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", dir);
    }
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);

        if (len <= 5 || e->d_name[0] == '.' || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        names = xl_realloc(names, (n + 1) * sizeof(*names));
        names[n++] = xl_strndup(e->d_name, len - 5);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    *names_r = names;
    *n_r = n;
    return XL_OK;
}

static char *spec_relative(const char *spec_dir, const char *path)
{
    if (!path)
        return NULL;
    if (path[0] == '/' || !spec_dir)
        return xl_strdup(path);
    return xl_asprintf("%s/%s", spec_dir, path);
}

int xl_base_ensure(const char *name, const char *image, const char *template, const char *spec_dir,
                   char **name_r, bool *added_r)
{
    xl_autofree char *img = spec_relative(spec_dir, image), *tpl = spec_relative(spec_dir, template);
    xl_autofree char *derived = NULL, *abs = NULL, *entry = NULL;
    struct xl_base b;
    int rc;

    *name_r = NULL;
    *added_r = false;
    if (!name && !image)
        return xl_error(XL_ERR_INVAL, "no base: give --base NAME or \"base\": {\"name\": ...} in the spec");
    if (!name) {
        const char *slash = strrchr(img, '/'), *file = slash ? slash + 1 : img;

        derived = xl_strndup(file, strcspn(file, "."));
        name = derived;
    }
    rc = xl_name_check("spec base name", name);
    if (rc)
        return rc;
    xl_base_init(&b);
    entry = base_path(name);
    if (img && access(entry, F_OK) < 0 && errno == ENOENT) {
        rc = xl_base_add(name, img, tpl, &b);
        if (rc)
            rc = xl_error_prefix(rc, "the spec's base \"%s\"", name);
        else
            *added_r = true;
    } else if (!(rc = xl_base_load(name, &b)) && img) {
        abs = realpath(img, NULL);
        if (!abs || strcmp(abs, b.image) != 0)
            rc = xl_error(XL_ERR_INVAL, "the spec's base \"%s\" is %s, but base \"%s\" is registered with %s: "
                          "give another name, or --base", name, abs ? abs : img, name, b.image);
    }
    if (!rc)
        *name_r = xl_strdup(name);
    xl_base_dispose(&b);
    return rc;
}
