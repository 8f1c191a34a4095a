/* Removing a clone, as root, from names a journal or a record gave us: the
 * clone is dir/name exactly, opened without following a symlink, and only the
 * entries xl_provision_clone makes are removed from it, by name, relative to
 * that directory's fd. */
#include "provision.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clone-record.h"
#include "xl-util.h"

/* Besides the record: what xl_provision_clone puts in a clone directory. */
static const char *const clone_files[] = { "disk.img", "disk.qcow2", "payload.img" };
/* Left by a crash: xl_write_file_atomic's and xl_payload_build's temporaries. */
#define RECORD_TMP XL_CLONE_RECORD ".tmp."
#define PAYLOAD_STAGE "payload.img.stage."

/* The record, read through dfd without following a symlink or blocking on a
 * FIFO, at most XL_CLONE_RECORD_MAX bytes. XL_ERR_NOTFOUND if there is none. */
static int read_record(int dfd, const char *path, char **text_r, size_t *len_r)
{
    xl_autofd int fd = -1;
    struct stat st;

    fd = openat(dfd, XL_CLONE_RECORD, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return xl_error(XL_ERR_NOTFOUND, "%s: no record", path);
    if (fd < 0 && errno == ELOOP)
        return xl_error(XL_ERR_INVAL, "%s: a symlink, not a record this run wrote", path);
    if (fd < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
    if (fstat(fd, &st) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s: stat", path);
    if (!S_ISREG(st.st_mode))
        return xl_error(XL_ERR_INVAL, "%s: not a regular file, not a record this run wrote", path);
    if (st.st_size > XL_CLONE_RECORD_MAX)
        return xl_error(XL_ERR_INVAL, "%s: larger than %d bytes", path, XL_CLONE_RECORD_MAX);
    return xl_read_fd(fd, path, XL_CLONE_RECORD_MAX, text_r, len_r);
}

/* Removes one entry by name; unlinkat never follows it, so a symlink planted
 * under one of our names goes, and what it points at stays. */
static int remove_entry(int dfd, const char *dir, const char *name, int flags)
{
    if (unlinkat(dfd, name, flags) < 0 && errno != ENOENT)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s/%s: remove", dir, name);
    return XL_OK;
}

static bool is_record_tmp(const char *name)
{
    const char *p = name + strlen(RECORD_TMP);

    if (strncmp(name, RECORD_TMP, strlen(RECORD_TMP)) != 0 || !*p)
        return false;
    for (; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

/* mkdtemp's six characters. */
static bool is_payload_stage(const char *name)
{
    return strncmp(name, PAYLOAD_STAGE, strlen(PAYLOAD_STAGE)) == 0 && strlen(name) == strlen(PAYLOAD_STAGE) + 6 &&
           !strchr(name, '/');
}

/* A payload staging directory: the copies of payload files, no deeper. */
static int remove_stage(int dfd, const char *dir, const char *name)
{
    xl_autofree char *path = xl_asprintf("%s/%s", dir, name);
    int sfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct dirent *e;
    DIR *d;
    int rc = XL_OK;

    if (sfd < 0)
        return errno == ENOENT ? XL_OK : xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
    d = fdopendir(sfd);
    if (!d) {
        close(sfd);
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
    }
    while (!rc && (e = readdir(d)) != NULL) {
        struct stat st;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (fstatat(sfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
            rc = remove_entry(sfd, path, e->d_name, 0);
    }
    closedir(d);
    if (!rc)
        rc = remove_entry(dfd, dir, name, AT_REMOVEDIR);
    return rc;
}

static int remove_temporaries(int dfd, const char *dir)
{
    int fd = dup(dfd);
    struct dirent *e;
    DIR *d;
    int rc = XL_OK;

    if (fd < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", dir);
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", dir);
    }
    while (!rc && (e = readdir(d)) != NULL) {
        if (is_record_tmp(e->d_name))
            rc = remove_entry(dfd, dir, e->d_name, 0);
        else if (is_payload_stage(e->d_name))
            rc = remove_stage(dfd, dir, e->d_name);
    }
    closedir(d);
    return rc;
}

/* An lvm-snapshot record names /dev/VG/name; lvremove runs only if that is
 * the snapshot this clone of the run's base would be. */
static int check_lv(const struct xl_clone_place *p, const char *dir, const char *rec_path, const char *disk)
{
    xl_autofree char *want = NULL;
    struct xl_base b;
    int rc;

    if (!p->base)
        return xl_error(XL_ERR_INVAL, "%s: disk: lvm-snapshot %s, and no base to check its volume group against",
                        rec_path, disk);
    xl_base_init(&b);
    rc = xl_base_load(p->base, &b);
    if (rc) {
        rc = xl_error_prefix(XL_ERR_INVAL, "%s: disk: lvm-snapshot %s, and its base cannot be read", rec_path, disk);
        goto out;
    }
    if (!b.is_block) {
        rc = xl_error(XL_ERR_INVAL, "%s: disk: lvm-snapshot %s, but base %s is not a logical volume", rec_path, disk,
                      p->base);
        goto out;
    }
    want = xl_clone_disk_path(&b, dir, p->name);
    if (!want || strcmp(want, disk) != 0) {
        rc = xl_error(XL_ERR_INVAL, "%s: disk: \"%s\" is not %s, the snapshot of base %s", rec_path, disk,
                      want ? want : "?", p->base);
        goto out;
    }
    rc = XL_OK;
out:
    xl_base_dispose(&b);
    return rc;
}

int xl_provision_remove(const struct xl_clone_place *p)
{
    xl_autofree char *dir = NULL, *rec_path = NULL, *text = NULL;
    xl_autofd int pfd = -1;
    xl_autofd int dfd = -1;
    struct xl_clone_record rec;
    size_t len = 0, i;
    int rc;

    xl_clone_record_init(&rec);
    rc = xl_name_check("clone name", p->name);
    if (rc)
        return rc;
    dir = xl_asprintf("%s/%s", p->dir, p->name);
    pfd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd < 0 && errno == ENOENT)
        return XL_OK;
    if (pfd < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "clone directory %s", p->dir);
    dfd = openat(pfd, p->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0 && errno == ENOENT)
        return XL_OK;
    if (dfd < 0 && (errno == ELOOP || errno == ENOTDIR))
        return xl_error(XL_ERR_INVAL, "%s: a symlink or a file, not a clone directory this run made", dir);
    if (dfd < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", dir);
    rec_path = xl_asprintf("%s/%s", dir, XL_CLONE_RECORD);
    rc = read_record(dfd, rec_path, &text, &len);
    if (rc == XL_ERR_NOTFOUND) {
        /* The clone died before its disk was complete: no snapshot is
         * believed made, only the files a clone can hold are removed. */
        xl_error_clear();
    } else if (rc) {
        goto out;
    } else {
        rc = xl_clone_record_parse(text, len, rec_path, dir, p->name, &rec);
        if (!rc && rec.kind == XL_CLONE_LVM_SNAPSHOT) {
            rc = check_lv(p, dir, rec_path, rec.disk);
            if (!rc)
                rc = xl_clone_remove(rec.disk, rec.kind);
        }
        if (rc)
            goto out;
    }
    for (i = 0; i < XL_ARRAY_SIZE(clone_files) && !rc; i++)
        rc = remove_entry(dfd, dir, clone_files[i], 0);
    if (!rc)
        rc = remove_temporaries(dfd, dir);
    if (!rc)
        rc = remove_entry(dfd, dir, XL_CLONE_RECORD, 0);
    if (rc)
        goto out;
    /* Anything else in there is not ours to remove: the directory stays. */
    if (unlinkat(pfd, p->name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "removing clone %s", dir);
        goto out;
    }
    xl_error_clear();
    rc = XL_OK;
out:
    xl_clone_record_dispose(&rec);
    return rc;
}
