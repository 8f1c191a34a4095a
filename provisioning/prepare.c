#include "prepare.h"

#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent-unit.h"
#include "image.h"
#include "part.h"
#include "xl-util.h"

#define GUEST_BINDIR XL_GUEST_BINDIR
#define UNIT_DIR "/etc/systemd/system"
#define WANTS_DIR UNIT_DIR "/multi-user.target.wants"
#define INSTALL_MAX (256u << 20)

/* What prepare installed before the unit took the name of guest-payload's
 * file: an image prepared then would otherwise start the agent twice. */
#define LEGACY_UNIT "xenlab-guest.service"

/* guest-payload's unit is a template with @BINDIR@ for the install prefix. */
static void subst_bindir(char **text, size_t *len)
{
    static const char key[] = "@BINDIR@";
    char *p;

    while ((p = strstr(*text, key))) {
        char *n = xl_asprintf("%.*s%s%s", (int)(p - *text), *text, GUEST_BINDIR, p + sizeof(key) - 1);

        free(*text);
        *text = n;
    }
    *len = strlen(*text);
}

static int e2err(errcode_t e, const char *image, const char *what)
{
    return xl_error(XL_ERR_FAIL, "%s: %s: %s", image, what, error_message(e));
}

/* mkdir -p inside the filesystem. */
static int ensure_dir(ext2_filsys fs, const char *image, const char *path, ext2_ino_t *ino_r)
{
    char buf[256];
    char *save = NULL, *part;
    ext2_ino_t cur = EXT2_ROOT_INO, next;
    errcode_t e;

    snprintf(buf, sizeof(buf), "%s", path);
    for (part = strtok_r(buf, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        e = ext2fs_namei_follow(fs, EXT2_ROOT_INO, cur, part, &next);
        if (e == EXT2_ET_FILE_NOT_FOUND) {
            e = ext2fs_mkdir(fs, cur, 0, part);
            if (e == EXT2_ET_DIR_NO_SPACE) {
                e = ext2fs_expand_dir(fs, cur);
                if (!e)
                    e = ext2fs_mkdir(fs, cur, 0, part);
            }
            if (!e)
                e = ext2fs_namei(fs, EXT2_ROOT_INO, cur, part, &next);
        }
        if (e)
            return e2err(e, image, path);
        cur = next;
    }
    *ino_r = cur;
    return XL_OK;
}

/* Drops an existing entry so that prepare can run again over its own work. */
static int remove_entry(ext2_filsys fs, const char *image, ext2_ino_t dir, const char *name)
{
    struct ext2_inode inode;
    ext2_ino_t ino;
    errcode_t e;

    if (ext2fs_namei(fs, EXT2_ROOT_INO, dir, name, &ino))
        return XL_OK;
    e = ext2fs_unlink(fs, dir, name, ino, 0);
    if (!e)
        e = ext2fs_read_inode(fs, ino, &inode);
    if (e)
        return e2err(e, image, name);
    if (inode.i_links_count > 0)
        inode.i_links_count--;
    if (inode.i_links_count == 0) {
        if (ext2fs_inode_has_valid_blocks2(fs, &inode)) {
            e = ext2fs_punch(fs, ino, &inode, NULL, 0, ~0ULL);
            if (e)
                return e2err(e, image, name);
        }
        inode.i_dtime = (uint32_t)time(NULL);
        ext2fs_inode_alloc_stats2(fs, ino, -1, LINUX_S_ISDIR(inode.i_mode));
    }
    e = ext2fs_write_inode(fs, ino, &inode);
    return e ? e2err(e, image, name) : XL_OK;
}

static int link_entry(ext2_filsys fs, ext2_ino_t dir, const char *name, ext2_ino_t ino, int type)
{
    errcode_t e = ext2fs_link(fs, dir, name, ino, type);

    if (e == EXT2_ET_DIR_NO_SPACE) {
        e = ext2fs_expand_dir(fs, dir);
        if (!e)
            e = ext2fs_link(fs, dir, name, ino, type);
    }
    return (int)e;
}


/* The directory for a new entry, with any old entry of that name gone:
 * installing again replaces what an earlier prepare wrote. */
static int fresh_entry(ext2_filsys fs, const char *image, const char *dirpath, const char *name, ext2_ino_t *dir_r)
{
    int rc = ensure_dir(fs, image, dirpath, dir_r);

    if (!rc)
        rc = remove_entry(fs, image, *dir_r, name);
    return rc;
}

static int write_file(ext2_filsys fs, const char *image, const char *dirpath, const char *name,
                      const char *data, size_t len, unsigned mode)
{
    struct ext2_inode inode;
    ext2_file_t f = NULL;
    ext2_ino_t dir, ino;
    unsigned int wrote;
    errcode_t e;
    int rc;

    rc = fresh_entry(fs, image, dirpath, name, &dir);
    if (rc)
        return rc;
    e = ext2fs_new_inode(fs, dir, LINUX_S_IFREG | mode, 0, &ino);
    if (!e)
        e = link_entry(fs, dir, name, ino, EXT2_FT_REG_FILE);
    if (e)
        return e2err(e, image, name);
    ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
    memset(&inode, 0, sizeof(inode));
    inode.i_mode = LINUX_S_IFREG | mode;
    inode.i_atime = inode.i_ctime = inode.i_mtime = (uint32_t)time(NULL);
    inode.i_links_count = 1;
    if (ext2fs_has_feature_extents(fs->super))
        inode.i_flags |= EXT4_EXTENTS_FL;
    e = ext2fs_write_new_inode(fs, ino, &inode);
    if (!e && (inode.i_flags & EXT4_EXTENTS_FL)) {
        ext2_extent_handle_t h;

        e = ext2fs_extent_open2(fs, ino, &inode, &h);
        if (!e)
            ext2fs_extent_free(h);
    }
    if (!e)
        e = ext2fs_file_open(fs, ino, EXT2_FILE_WRITE, &f);
    if (!e)
        e = ext2fs_file_write(f, data, (unsigned)len, &wrote);
    if (!e && wrote != len)
        e = EXT2_ET_SHORT_WRITE;
    if (f) {
        errcode_t e2 = ext2fs_file_close(f);

        if (!e)
            e = e2;
    }
    return e ? e2err(e, image, name) : XL_OK;
}

static int write_symlink(ext2_filsys fs, const char *image, const char *dirpath, const char *name,
                         const char *target)
{
    ext2_ino_t dir;
    errcode_t e;
    int rc;

    rc = fresh_entry(fs, image, dirpath, name, &dir);
    if (rc)
        return rc;
    e = ext2fs_symlink(fs, dir, 0, name, target);
    if (e == EXT2_ET_DIR_NO_SPACE) {
        e = ext2fs_expand_dir(fs, dir);
        if (!e)
            e = ext2fs_symlink(fs, dir, 0, name, target);
    }
    return e ? e2err(e, image, name) : XL_OK;
}

static int install_host_file(ext2_filsys fs, const char *image, const char *src, const char *dirpath,
                             const char *name, unsigned mode)
{
    xl_autofree char *buf = NULL;
    size_t len = 0;
    int rc;

    rc = xl_read_file(src, INSTALL_MAX, &buf, &len);
    if (rc)
        return rc;
    return write_file(fs, image, dirpath, name, buf, len, mode);
}

/* The enablement link first: a unit left without it never starts. */
static int remove_legacy_unit(ext2_filsys fs, const char *image)
{
    ext2_ino_t dir;
    int rc = ensure_dir(fs, image, WANTS_DIR, &dir);

    if (!rc)
        rc = remove_entry(fs, image, dir, LEGACY_UNIT);
    if (!rc)
        rc = ensure_dir(fs, image, UNIT_DIR, &dir);
    if (!rc)
        rc = remove_entry(fs, image, dir, LEGACY_UNIT);
    return rc;
}

char *xl_agent_unit_text(void)
{
    char *text = xl_strdup(XL_AGENT_UNIT);
    size_t len;

    subst_bindir(&text, &len);
    return text;
}

int xl_base_prepare(const char *image, const struct xl_prepare_opts *o)
{
    xl_autofree char *agent = NULL, *unit_text = NULL, *unit_copy = NULL, *target = NULL;
    struct xl_part_layout l;
    ext2_filsys fs = NULL;
    const char *unit_name = XL_AGENT_UNIT_NAME;
    char type[8], opts[64];
    size_t unit_len = 0;
    errcode_t e;
    int rc;

    if (!o->guest_binary)
        return xl_error(XL_ERR_INVAL, "base prepare: give --guest-binary PATH (xenlab-guest)");
    if (access(o->guest_binary, R_OK) < 0)
        return xl_error_errno(XL_ERR_NOTFOUND, errno, "%s", o->guest_binary);
    if (o->unit) {
        rc = xl_read_file(o->unit, 64 * 1024, &unit_text, &unit_len);
        if (rc)
            return rc;
        unit_copy = xl_strdup(o->unit);
        unit_name = basename(unit_copy);
    } else {
        unit_text = xl_strdup(XL_AGENT_UNIT);
    }
    subst_bindir(&unit_text, &unit_len);
    rc = xl_part_read(image, &l);
    if (rc)
        return rc;
    rc = xl_image_fs_type(image, l.last_start, type, sizeof(type));
    if (rc)
        return rc;
    if (strcmp(type, "ext4") != 0)
        return xl_error(XL_ERR_INVAL, "%s: no ext4 filesystem in %s (found \"%s\")", image,
                        l.label[0] ? "its last partition" : "the whole disk", type);
    snprintf(opts, sizeof(opts), "offset=%llu", (unsigned long long)l.last_start);
    e = ext2fs_open2(image, opts, EXT2_FLAG_RW | EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &fs);
    if (e)
        return e2err(e, image, "open for writing");
    e = ext2fs_read_bitmaps(fs);
    if (e) {
        rc = e2err(e, image, "read bitmaps");
        goto out;
    }
    rc = install_host_file(fs, image, o->guest_binary, GUEST_BINDIR, "xenlab-guest", 0755);
    if (rc)
        goto out;
    {
        xl_autofree char *copy = xl_strdup(o->guest_binary);

        agent = xl_asprintf("%s/xenlab-guest-agent", dirname(copy));
    }
    if (access(agent, R_OK) == 0) {
        rc = install_host_file(fs, image, agent, GUEST_BINDIR, "xenlab-guest-agent", 0755);
        if (rc)
            goto out;
    }
    rc = write_file(fs, image, UNIT_DIR, unit_name, unit_text, unit_len, 0644);
    if (rc)
        goto out;
    target = xl_asprintf(UNIT_DIR "/%s", unit_name);
    rc = write_symlink(fs, image, WANTS_DIR, unit_name, target);
    if (rc)
        goto out;
    if (strcmp(unit_name, LEGACY_UNIT) != 0)
        rc = remove_legacy_unit(fs, image);
out:
    if (fs) {
        e = ext2fs_close_free(&fs);
        if (e && !rc)
            rc = e2err(e, image, "close");
    }
    return rc;
}
