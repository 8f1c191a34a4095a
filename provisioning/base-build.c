/* xenlab base build. No loop device and no mount: mmdebstrap makes the root
 * in a directory, the guest's configuration and the agent are written into
 * it as files, mke2fs -d copies it into the root partition's place in the
 * image, libfdisk writes the table around it and mkswap's header is copied
 * into the swap partition. Everything runs under a work directory that is
 * renamed into the cache only once complete, so a failed or interrupted
 * build leaves nothing a later build would take for a base. */
#include "base-build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "agent-unit.h"
#include "container-spec.h"
#include "json-util.h"
#include "part.h"
#include "prepare.h"
#include "size.h"
#include "text.h"
#include "xl-spawn.h"
#include "xl-util.h"

/* What an installed Debian VM of the seed had, plus what the agent, the
 * benchmarks and the container arm need. Recommends stay out, as the
 * installer's "standard system" leaves most of them out too. */
static const char *const default_packages[] = {
    "systemd-sysv", "udev", "kmod", "linux-image-amd64", "initramfs-tools", "e2fsprogs", "fdisk",
    "procps", "iproute2", "libjson-c5", "libxenstore4", "libfdisk1", "dbench", "runc", "crun",
    "docker.io",
    /* Debian installs it by default; without apparmor_parser Docker will not start a
     * container on a kernel that has AppArmor enabled. */
    "apparmor", NULL,
};

#define ROOT_START (1 * XL_MiB)            /* as the installer aligns partition 1 */
#define EBR_GAP (1 * XL_MiB)               /* a logical partition's start inside the extended one */
#define MIN_ROOT (1 * XL_GiB)
#define SPACE_NEEDED (4 * XL_GiB)          /* the root tree, the image's data, the container image */
#define TOOL_OUTPUT_MAX (4u << 20)
#define GUEST_BINDIR XL_GUEST_BINDIR
#define CONTAINER_PACKAGES "libjson-c5,libfdisk1,dbench"

void xl_base_recipe_init(struct xl_base_recipe *r)
{
    memset(r, 0, sizeof(*r));
    r->suite = "bookworm";
    r->size = 10 * XL_GiB;
    r->swap = 512 * XL_MiB;
    r->layout = XL_BASE_LAYOUT_SEED;
    r->format = "raw";
    r->container_image = true;
}

int xl_base_layout_parse(const char *s, enum xl_base_layout *l_r)
{
    if (strcmp(s, "seed") == 0)
        *l_r = XL_BASE_LAYOUT_SEED;
    else if (strcmp(s, "single") == 0)
        *l_r = XL_BASE_LAYOUT_SINGLE;
    else
        return xl_error(XL_ERR_INVAL, "--layout: \"%s\" is not seed or single", s);
    return XL_OK;
}

/* Suites and package names go into mmdebstrap's argv and the cache key: Debian's
 * own alphabets (policy 5.6.1 for packages), nothing that could be an option. */
static bool debian_word(const char *s, bool package)
{
    size_t i, n = strlen(s);

    if (n == 0 || n > 64 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || (package && c == '+')))
            return false;
    }
    return true;
}

static int check_recipe(const struct xl_base_recipe *r)
{
    size_t i;
    int rc = xl_name_check("base build", r->name);

    if (rc)
        return rc;
    if (!debian_word(r->suite, false))
        return xl_error(XL_ERR_INVAL, "--suite: \"%s\" is not a Debian suite name", r->suite);
    if (r->mirror && strncmp(r->mirror, "http://", 7) != 0 && strncmp(r->mirror, "https://", 8) != 0 &&
        strncmp(r->mirror, "file:///", 8) != 0)
        return xl_error(XL_ERR_INVAL, "--mirror: \"%s\" is not an http://, https:// or file:/// URL", r->mirror);
    if (r->mirror && (strlen(r->mirror) > 512 || strpbrk(r->mirror, " \t\n\r")))
        return xl_error(XL_ERR_INVAL, "--mirror: not one URL");
    for (i = 0; i < r->npackages; i++)
        if (!debian_word(r->packages[i], true))
            return xl_error(XL_ERR_INVAL, "--packages: \"%s\" is not a Debian package name", r->packages[i]);
    if (strcmp(r->format, "raw") != 0 && strcmp(r->format, "qcow2") != 0)
        return xl_error(XL_ERR_INVAL, "--format: \"%s\" is not raw or qcow2", r->format);
    if (r->size % XL_MiB || r->swap % XL_MiB)
        return xl_error(XL_ERR_INVAL, "--size and --swap must be whole MiB");
    {
        uint64_t swap = r->layout == XL_BASE_LAYOUT_SEED ? r->swap + EBR_GAP : 0;

        if (r->layout == XL_BASE_LAYOUT_SEED && r->swap < 40 * XL_KiB)
            return xl_error(XL_ERR_INVAL, "--swap: at least 1 MiB for layout seed");
        if (r->size > (UINT64_C(2) << 40) - XL_MiB)
            return xl_error(XL_ERR_INVAL, "--size: an MBR disk holds at most 2 TiB");
        if (r->size < ROOT_START + MIN_ROOT + swap)
            return xl_error(XL_ERR_INVAL, "--size: too small for a %s root and the swap (at least %llu MiB)",
                            "1 GiB", (unsigned long long)((ROOT_START + MIN_ROOT + swap) / XL_MiB));
    }
    if (!r->guest_binary || access(r->guest_binary, R_OK) != 0)
        return xl_error(XL_ERR_NOTFOUND, "base build: no xenlab-guest to install (%s)",
                        r->guest_binary ? r->guest_binary : "give --guest-binary PATH");
    if (!r->template || access(r->template, R_OK) != 0)
        return xl_error(XL_ERR_NOTFOUND, "base build: no domain template (%s)",
                        r->template ? r->template : "give --template FILE, e.g. templates/debian-pv.cfg");
    return XL_OK;
}

/* xenlab-guest-agent is installed beside xenlab-guest (prepare takes it too). */
static char *agent_beside(const char *guest_binary)
{
    const char *slash = strrchr(guest_binary, '/');

    return slash ? xl_asprintf("%.*s/xenlab-guest-agent", (int)(slash - guest_binary), guest_binary)
                 : xl_strdup("xenlab-guest-agent");
}

/* Each field with its length, so "ab"+"c" and "a"+"bc" differ. */
static void fnv_field(uint64_t *h, const char *s)
{
    size_t n = s ? strlen(s) : SIZE_MAX;

    xl_fnv1a64(h, &n, sizeof(n));
    if (s)
        xl_fnv1a64(h, s, n);
}

static int fnv_file(uint64_t *h, const char *path)
{
    xl_autofree char *buf = NULL;
    size_t len = 0;
    int rc = xl_read_file(path, 256u << 20, &buf, &len);

    if (rc)
        return rc;
    xl_fnv1a64(h, &len, sizeof(len));
    xl_fnv1a64(h, buf, len);
    return XL_OK;
}

#define ENGINE_DROPIN "# made by xenlab base build: a slow first boot must not fail the engine\n[Service]\nTimeoutStartSec=15min\n"

/* The Debian tree: what mmdebstrap makes from the mirror. */
static void tree_hash(const struct xl_base_recipe *r, uint64_t *h)
{
    const char *const *p;
    size_t i;

    fnv_field(h, "xenlab base tree 1");
    fnv_field(h, r->suite);
    fnv_field(h, r->mirror);
    xl_fnv1a64(h, &r->container_image, sizeof(r->container_image));
    fnv_field(h, CONTAINER_PACKAGES);
    for (p = default_packages; *p; p++)
        fnv_field(h, *p);
    for (i = 0; i < r->npackages; i++)
        fnv_field(h, r->packages[i]);
}

static void hex(uint64_t h, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int xl_base_recipe_hash(const struct xl_base_recipe *r, char hash[17])
{
    uint64_t h = XL_FNV1A64_INIT;
    int rc;

    tree_hash(r, &h);
    fnv_field(&h, "xenlab base image 1");
    xl_fnv1a64(&h, &r->size, sizeof(r->size));
    xl_fnv1a64(&h, &r->swap, sizeof(r->swap));
    xl_fnv1a64(&h, &r->layout, sizeof(r->layout));
    fnv_field(&h, r->format);
    fnv_field(&h, XL_AGENT_UNIT);
    fnv_field(&h, ENGINE_DROPIN);
    rc = fnv_file(&h, r->guest_binary);
    if (rc)
        return rc;
    {
        xl_autofree char *agent = agent_beside(r->guest_binary);

        if (access(agent, R_OK) == 0 && (rc = fnv_file(&h, agent)))
            return rc;
    }
    hex(h, hash);
    return XL_OK;
}

struct build {
    const struct xl_base_recipe *r;
    char *work;          /* .../base-cache/HASH.tmp-PID */
    char *root;          /* .../base-cache/trees/TREEHASH: the Debian tree, kept */
    char *raw;           /* work/disk.raw */
    char root_uuid[37], swap_uuid[37];
    double t0;
};

static void step(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void step(struct build *b, const char *fmt, ...)
{
    va_list ap;
    char line[256];

    if (!b->r->progress)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    b->r->progress(line, xl_now() - b->t0, b->r->progress_arg);
}

/* The first line that says what went wrong ("E: ..." from apt and mmdebstrap:
 * the first is the cause, "E: Failed to fetch URL  Could not connect ...", the
 * later ones its consequences), else the last non-empty line: one line for the
 * user's error message. */
static void error_line(const char *out, char *buf, size_t len)
{
    const char *p = out, *best = NULL, *last = NULL;

    buf[0] = '\0';
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);

        if (n > 0) {
            last = p;
            if (!best && strncmp(p, "E: ", 3) == 0)
                best = p;
        }
        p = nl ? nl + 1 : NULL;
    }
    if (!best)
        best = last;
    if (best) {
        size_t n = strcspn(best, "\n");

        snprintf(buf, len, "%.*s", (int)n, best);
        xl_text_ascii(buf, len);
    }
}

/* Runs a build tool with no time limit (a download takes what the mirror
 * takes); a failure is one line: the tool, its status, its own last error. */
static int run(char *const argv[], const char *what)
{
    struct xl_spawn_result sr;
    char line[300];
    int rc = xl_spawn_capture(argv, XL_SPAWN_MERGE_STDERR | XL_SPAWN_NEW_PGROUP, 0, TOOL_OUTPUT_MAX, &sr);

    if (rc == XL_ERR_NOTFOUND)
        return xl_error(XL_ERR_NOTFOUND, "%s: %s is not installed", what, argv[0]);
    if (rc)
        return rc;
    if (sr.exit_code != 0) {
        error_line(sr.out ? sr.out : "", line, sizeof(line));
        rc = xl_error(XL_ERR_FAIL, "%s: %s exited with status %d%s%s", what, argv[0], sr.exit_code,
                      line[0] ? ": " : "", line);
    }
    xl_spawn_result_dispose(&sr);
    return rc;
}

static int need_program(const char *prog, const char *package)
{
    if (!xl_program_exists(prog))
        return xl_error(XL_ERR_NOTFOUND, "base build: %s is not installed (install the Debian package '%s')",
                        prog, package);
    return XL_OK;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

/* The work tree is ours: physical walk, never across a mount point. */
static void remove_tree(const char *dir)
{
    if (dir)
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* Writes a file in the new root; O_NOFOLLOW: a package's symlink at that name
 * must not redirect us out of the tree. */
static int put_bytes(struct build *b, const char *rel, const char *buf, size_t len, mode_t mode)
{
    xl_autofree char *path = xl_asprintf("%s/%s", b->root, rel);
    xl_autofree char *dir = xl_strdup(path);
    xl_autofd int fd = -1;
    int rc;

    *strrchr(dir, '/') = '\0';
    rc = xl_mkdir_p(dir);
    if (rc)
        return rc;
    if (unlink(path) < 0 && errno != ENOENT)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
    rc = xl_write_all(fd, buf, len, path);
    if (!rc && fchmod(fd, mode) < 0)
        rc = xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
    return rc;
}

static int put_file(struct build *b, const char *rel, const char *text, mode_t mode)
{
    return put_bytes(b, rel, text, strlen(text), mode);
}

static int copy_in(struct build *b, const char *src, const char *rel, mode_t mode)
{
    xl_autofree char *buf = NULL;
    size_t len = 0;
    int rc = xl_read_file(src, 256u << 20, &buf, &len);

    return rc ? rc : put_bytes(b, rel, buf, len, mode);
}

static void new_uuid(char out[37])
{
    unsigned char u[16];
    xl_autofd int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

    if (fd < 0 || read(fd, u, sizeof(u)) != (ssize_t)sizeof(u))
        memset(u, 0x5a, sizeof(u));
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
             u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static int debootstrap(struct build *b)
{
    const struct xl_base_recipe *r = b->r;
    xl_autofree char *include = NULL;
    const char *argv[16];
    size_t n = 0, i;
    const char *const *p;
    char *acc = xl_strdup("");

    for (p = default_packages; *p; p++) {
        char *next = xl_asprintf("%s%s%s", acc, acc[0] ? "," : "", *p);

        free(acc);
        acc = next;
    }
    for (i = 0; i < r->npackages; i++) {
        char *next = xl_asprintf("%s,%s", acc, r->packages[i]);

        free(acc);
        acc = next;
    }
    include = xl_asprintf("--include=%s", acc);
    free(acc);
    argv[n++] = "mmdebstrap";
    argv[n++] = "--mode=root";
    argv[n++] = "--variant=apt";
    argv[n++] = "--aptopt=APT::Install-Recommends \"false\"";
    argv[n++] = include;
    argv[n++] = r->suite;
    argv[n++] = b->root;
    if (r->mirror)
        argv[n++] = r->mirror;
    argv[n] = NULL;
    step(b, "Debian root: mmdebstrap %s, %zu packages and their dependencies, from %s", r->suite,
         XL_ARRAY_SIZE(default_packages) - 1 + r->npackages, r->mirror ? r->mirror : "deb.debian.org");
    return run((char *const *)argv, "base build: Debian root");
}

/* debian:SUITE for Docker and podman: the guests have no network to pull one,
 * so a minbase root tarball is kept in the base for the worker to import on
 * first use. The worker is bind-mounted into the container and runs there:
 * its libraries and dbench come with the image. */
static int container_image(struct build *b)
{
    const struct xl_base_recipe *r = b->r;
    xl_autofree char *dir = xl_asprintf("%s" XL_CT_IMAGE_DIR, b->root);
    xl_autofree char *tar = xl_asprintf("%s/debian-%s.tar.gz", dir, r->suite);
    const char *argv[] = { "mmdebstrap", "--mode=root", "--variant=minbase", "--include=" CONTAINER_PACKAGES,
                           r->suite, tar, r->mirror, NULL };
    int rc = xl_mkdir_p(dir);

    if (rc)
        return rc;
    step(b, "container image debian:%s (minbase) kept at " XL_CT_IMAGE_DIR, r->suite);
    return run((char *const *)argv, "base build: container image");
}

/* The newest vmlinuz-VERSION in the root's /boot: the kernel grub boots. */
static int kernel_version(struct build *b, char *kv, size_t len)
{
    xl_autofree char *boot = xl_asprintf("%s/boot", b->root);
    DIR *d = opendir(boot);
    struct dirent *e;

    kv[0] = '\0';
    if (!d)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", boot);
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "vmlinuz-", 8) == 0 && strverscmp(e->d_name + 8, kv) > 0)
            snprintf(kv, len, "%s", e->d_name + 8);
    }
    closedir(d);
    if (!kv[0])
        return xl_error(XL_ERR_FAIL, "%s: no vmlinuz-* (did linux-image-amd64 install?)", boot);
    {
        xl_autofree char *initrd = xl_asprintf("%s/initrd.img-%s", boot, kv);

        if (access(initrd, R_OK) != 0)
            return xl_error(XL_ERR_FAIL, "%s: no initramfs for kernel %s", boot, kv);
    }
    return XL_OK;
}

static int configure(struct build *b)
{
    const struct xl_base_recipe *r = b->r;
    xl_autofree char *fstab = NULL, *grub = NULL, *unit = NULL, *agent = NULL, *wants = NULL;
    char kv[128];
    int rc;

    step(b, "configuration: fstab, grub.cfg for pvgrub2/pygrub, xenlab-guest and its unit");
    rc = kernel_version(b, kv, sizeof(kv));
    if (rc)
        return rc;
    new_uuid(b->root_uuid);
    new_uuid(b->swap_uuid);
    fstab = xl_asprintf("# made by xenlab base build\n"
                        "UUID=%s / ext4 errors=remount-ro 0 1\n%s%s%s",
                        b->root_uuid, r->layout == XL_BASE_LAYOUT_SEED ? "UUID=" : "",
                        r->layout == XL_BASE_LAYOUT_SEED ? b->swap_uuid : "",
                        r->layout == XL_BASE_LAYOUT_SEED ? " none swap sw 0 0\n" : "");
    /* pvgrub2 (grub-xen-host) finds /boot/grub/grub.cfg by searching the
     * disks; pygrub parses the same file in dom0. hvc0 is a PV console. */
    grub = xl_asprintf("# made by xenlab base build: read by pvgrub2 and pygrub\n"
                       "set default=0\nset timeout=0\n"
                       "menuentry 'Debian GNU/Linux, %s' {\n"
                       "\tinsmod part_msdos\n\tinsmod ext2\n"
                       "\tsearch --no-floppy --fs-uuid --set=root %s\n"
                       "\tlinux /boot/vmlinuz-%s root=UUID=%s ro console=hvc0 quiet\n"
                       "\tinitrd /boot/initrd.img-%s\n}\n",
                       kv, b->root_uuid, kv, b->root_uuid, kv);
    if ((rc = put_file(b, "etc/fstab", fstab, 0644)) || (rc = put_file(b, "boot/grub/grub.cfg", grub, 0644)) ||
        (rc = put_file(b, "etc/hostname", "xenlab-base\n", 0644)) ||
        /* Empty: systemd gives each clone its own id on its first boot. */
        (rc = put_file(b, "etc/machine-id", "", 0444)) ||
        /* A first boot under emulation on a loaded host took containerd past
         * systemd's 90 s start timeout, and it then restarted for ever: give
         * the engines the time a slow guest needs. */
        (rc = put_file(b, "etc/systemd/system/containerd.service.d/xenlab-slow-boot.conf", ENGINE_DROPIN, 0644)) ||
        (rc = put_file(b, "etc/systemd/system/docker.service.d/xenlab-slow-boot.conf", ENGINE_DROPIN, 0644)))
        return rc;
    rc = copy_in(b, r->guest_binary, GUEST_BINDIR "/xenlab-guest", 0755);
    if (rc)
        return rc;
    agent = agent_beside(r->guest_binary);
    if (access(agent, R_OK) == 0 && (rc = copy_in(b, agent, GUEST_BINDIR "/xenlab-guest-agent", 0755)))
        return rc;
    unit = xl_agent_unit_text();
    {
        xl_autofree char *rel = xl_asprintf("etc/systemd/system/%s", XL_AGENT_UNIT_NAME);
        xl_autofree char *link = NULL, *wdir = xl_asprintf("%s/etc/systemd/system/multi-user.target.wants", b->root);

        if ((rc = put_file(b, rel, unit, 0644)) || (rc = xl_mkdir_p(wdir)))
            return rc;
        wants = xl_asprintf("/etc/systemd/system/%s", XL_AGENT_UNIT_NAME);
        link = xl_asprintf("%s/%s", wdir, XL_AGENT_UNIT_NAME);
        if ((unlink(link) < 0 && errno != ENOENT) || symlink(wants, link) < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s", link);
    }
    return XL_OK;
}

/* The layout's partitions, in bytes. */
static size_t layout(const struct xl_base_recipe *r, struct xl_part_new parts[3])
{
    if (r->layout == XL_BASE_LAYOUT_SINGLE) {
        parts[0] = (struct xl_part_new){ 0, ROOT_START, r->size - ROOT_START, 0x83 };
        return 1;
    }
    {
        uint64_t ext_start = r->size - r->swap - EBR_GAP;

        parts[0] = (struct xl_part_new){ 0, ROOT_START, ext_start - ROOT_START, 0x83 };
        parts[1] = (struct xl_part_new){ 1, ext_start, r->size - ext_start, 0x05 };
        parts[2] = (struct xl_part_new){ 4, ext_start + EBR_GAP, r->swap, 0x82 };
        return 3;
    }
}

/* mkswap writes only its first page; make it on a scratch file of the
 * partition's size and copy that page into place. */
static int write_swap(struct build *b, const struct xl_part_new *sw)
{
    xl_autofree char *scratch = xl_asprintf("%s/swap.scratch", b->work);
    char page[4096];
    xl_autofd int in = -1, out = -1;
    int rc;

    in = open(scratch, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (in < 0 || ftruncate(in, (off_t)sw->size) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", scratch);
    {
        const char *argv[] = { "mkswap", "-U", b->swap_uuid, "-L", "swap", scratch, NULL };

        rc = run((char *const *)argv, "base build: swap");
    }
    if (rc)
        return rc;
    out = open(b->raw, O_WRONLY | O_CLOEXEC);
    if (out < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", b->raw);
    if (pread(in, page, sizeof(page), 0) != (ssize_t)sizeof(page) ||
        pwrite(out, page, sizeof(page), (off_t)sw->start) != (ssize_t)sizeof(page) || fsync(out) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s: swap header", b->raw);
    unlink(scratch);
    return XL_OK;
}

static int make_disk(struct build *b)
{
    const struct xl_base_recipe *r = b->r;
    struct xl_part_new parts[3];
    size_t n = layout(r, parts);
    char offset[64], blocks[32], sz[32];
    xl_autofd int fd = -1;
    int rc;

    xl_size_format(r->size, sz, sizeof(sz));
    step(b, "disk: %s MBR, %s%s, ext4 root filled from the tree", sz,
         r->layout == XL_BASE_LAYOUT_SEED ? "root + extended partition with swap at the end" : "one root partition",
         "");
    fd = open(b->raw, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate(fd, (off_t)r->size) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", b->raw);
    snprintf(offset, sizeof(offset), "offset=%llu", (unsigned long long)parts[0].start);
    snprintf(blocks, sizeof(blocks), "%lluk", (unsigned long long)(parts[0].size / 1024));
    {
        /* -d copies owners, modes, xattrs and device nodes from the tree. */
        const char *argv[] = { "mke2fs", "-q", "-F", "-t", "ext4", "-E", offset, "-U", b->root_uuid, "-L", "root",
                               "-d", b->root, b->raw, blocks, NULL };

        rc = run((char *const *)argv, "base build: root filesystem");
    }
    if (rc)
        return rc;
    rc = xl_part_write_dos(b->raw, parts, n);
    if (!rc && r->layout == XL_BASE_LAYOUT_SEED)
        rc = write_swap(b, &parts[2]);
    return rc;
}

static bool base_registered(const char *name)
{
    char **names = NULL;
    size_t n = 0, i;
    bool found = false;

    if (xl_base_list(&names, &n) != XL_OK) {
        xl_error_clear();
        return false;
    }
    for (i = 0; i < n; i++) {
        found = found || strcmp(names[i], name) == 0;
        free(names[i]);
    }
    free(names);
    return found;
}

static int register_base(const struct xl_base_recipe *r, const char *image, struct xl_base *b_r)
{
    xl_autofree char *real = NULL;
    int rc;

    if (!base_registered(r->name))
        return xl_base_add(r->name, image, r->template, b_r);
    rc = xl_base_load(r->name, b_r);
    if (rc)
        return rc;
    real = realpath(image, NULL);
    if (real && strcmp(real, b_r->image) == 0)
        return XL_OK;
    rc = xl_error(XL_ERR_INVAL, "base %s is already registered for %s, not %s", r->name, b_r->image, image);
    xl_base_dispose(b_r);
    return rc;
}

/* The tree is cached on its own (a new xenlab-guest or disk size then costs
 * a filesystem, not a download): made in TREE.tmp-PID, renamed when whole. */
static int ensure_tree(struct build *b, const char *trees, bool *made_r)
{
    const struct xl_base_recipe *r = b->r;
    uint64_t h = XL_FNV1A64_INIT;
    char th[17];
    xl_autofree char *done = NULL, *tmp = NULL;
    const char *final_root;
    int rc;

    *made_r = false;
    tree_hash(r, &h);
    hex(h, th);
    b->root = xl_asprintf("%s/%s", trees, th);
    done = xl_asprintf("%s.done", b->root);
    if (access(done, F_OK) == 0) {
        step(b, "Debian tree %s cached (%s)", th, b->root);
        return XL_OK;
    }
    rc = xl_mkdir_p(trees);
    if (rc)
        return rc;
    tmp = xl_asprintf("%s.tmp-%ld", b->root, (long)getpid());
    remove_tree(tmp);
    final_root = b->root;
    b->root = tmp;
    rc = debootstrap(b);
    if (!rc && r->container_image)
        rc = container_image(b);
    b->root = (char *)final_root;
    if (!rc) {
        int fd;

        remove_tree(b->root);
        if (rename(tmp, b->root) < 0)
            rc = xl_error_errno(XL_ERR_FAIL, errno, "rename %s to %s", tmp, b->root);
        else if ((fd = open(done, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0 || close(fd) < 0)
            rc = xl_error_errno(XL_ERR_FAIL, errno, "%s", done);
    }
    if (rc)
        remove_tree(tmp);
    *made_r = !rc;
    return rc;
}

int xl_base_build(const struct xl_base_recipe *r, struct xl_base *b_r, bool *cached_r)
{
    struct build b = { .r = r, .t0 = xl_now() };
    xl_autofree char *cache = NULL, *trees = NULL, *final = NULL, *image = NULL, *recipe_path = NULL;
    char hash[17];
    struct statvfs vfs;
    json_object *rec = NULL;
    bool tree_made = false;
    int rc;

    if (cached_r)
        *cached_r = false;
    rc = check_recipe(r);
    if (rc)
        return rc;
    rc = xl_base_recipe_hash(r, hash);
    if (rc)
        return rc;
    cache = xl_asprintf("%s/base-cache", xl_state_dir());
    trees = xl_asprintf("%s/trees", cache);
    final = xl_asprintf("%s/%s", cache, hash);
    image = xl_asprintf("%s/disk.%s", final, r->format);
    recipe_path = xl_asprintf("%s/recipe.json", final);
    /* recipe.json is written last: its presence is what makes a cache entry. */
    if (access(recipe_path, R_OK) == 0 && access(image, R_OK) == 0) {
        step(&b, "cached: recipe %s built before (%s)", hash, final);
        if (cached_r)
            *cached_r = true;
        return register_base(r, image, b_r);
    }
    if ((rc = need_program("mmdebstrap", "mmdebstrap")) || (rc = need_program("mke2fs", "e2fsprogs")) ||
        (rc = need_program("mkswap", "util-linux")) ||
        (strcmp(r->format, "qcow2") == 0 && (rc = need_program("qemu-img", "qemu-utils"))))
        return rc;
    rc = xl_mkdir_p(cache);
    if (rc)
        return rc;
    if (statvfs(cache, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < SPACE_NEEDED) {
        char have[32], need[32];

        xl_size_format((uint64_t)vfs.f_bavail * vfs.f_frsize, have, sizeof(have));
        xl_size_format(SPACE_NEEDED, need, sizeof(need));
        return xl_error(XL_ERR_FAIL, "base build: %s has %s free, a build needs about %s", cache, have, need);
    }
    b.work = xl_asprintf("%s/%s.tmp-%ld", cache, hash, (long)getpid());
    b.raw = xl_asprintf("%s/disk.raw", b.work);
    remove_tree(b.work);
    if (mkdir(b.work, 0700) < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "%s", b.work);
        goto out;
    }
    step(&b, "building base %s, recipe %s, in %s", r->name, hash, b.work);
    if ((rc = ensure_tree(&b, trees, &tree_made)) || (rc = configure(&b)) || (rc = make_disk(&b)))
        goto out;
    if (strcmp(r->format, "qcow2") == 0) {
        xl_autofree char *q = xl_asprintf("%s/disk.qcow2", b.work);
        const char *argv[] = { "qemu-img", "convert", "-f", "raw", "-O", "qcow2", b.raw, q, NULL };

        step(&b, "qcow2: qemu-img convert");
        rc = run((char *const *)argv, "base build: qcow2");
        if (rc)
            goto out;
        unlink(b.raw);
    }
    rec = json_object_new_object();
    xl_json_add(rec, "name", xl_json_str(r->name));
    xl_json_add(rec, "hash", xl_json_str(hash));
    xl_json_add(rec, "suite", xl_json_str(r->suite));
    xl_json_add(rec, "mirror", r->mirror ? xl_json_str(r->mirror) : NULL);
    xl_json_add(rec, "size", json_object_new_int64((int64_t)r->size));
    xl_json_add(rec, "layout", xl_json_str(r->layout == XL_BASE_LAYOUT_SEED ? "seed" : "single"));
    xl_json_add(rec, "format", xl_json_str(r->format));
    xl_json_add(rec, "root_uuid", xl_json_str(b.root_uuid));
    xl_json_add(rec, "tree", xl_json_str(b.root));
    xl_json_add(rec, "tree_built_now", json_object_new_boolean(tree_made));
    xl_json_add(rec, "build_s", json_object_new_double(xl_now() - b.t0));
    {
        xl_autofree char *tmp = xl_asprintf("%s/recipe.json", b.work);
        const char *text = xl_json_pretty(rec);

        rc = xl_write_file_atomic(tmp, text, strlen(text));
    }
    if (rc)
        goto out;
    remove_tree(final);
    if (rename(b.work, final) < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "rename %s to %s", b.work, final);
        goto out;
    }
    step(&b, "built: %s", image);
    rc = register_base(r, image, b_r);
out:
    json_object_put(rec);
    if (b.work && access(b.work, F_OK) == 0)
        remove_tree(b.work);
    free(b.work);
    free(b.root);
    free(b.raw);
    return rc;
}
