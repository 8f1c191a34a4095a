#include "domcfg.h"

#include <errno.h>
#include <libxl_utils.h>
#include <libxlutil.h>
#include <stdio.h>
#include <string.h>

#include "cpuset.h"
#include "size.h"
#include "xl-util.h"

#define MAX_VCPUS 512
#define MAX_DEVICES 16

static int get_str(XLU_Config *c, const char *key, char **dst)
{
    const char *v;

    if (xlu_cfg_get_string(c, key, &v, 1) == 0) {
        free(*dst);
        *dst = xl_strdup(v);
    }
    return XL_OK;
}

/* A missing key is fine; a present key of the wrong shape is not. */
static int get_long(XLU_Config *c, const char *path, const char *key, long min, long max, long *v, int *found)
{
    int r = xlu_cfg_get_bounded_long(c, key, min, max, v, 1);

    *found = r == 0;
    if (r == 0 || r == ESRCH)
        return XL_OK;
    return xl_error(XL_ERR_INVAL, "%s: %s: must be a number from %ld to %ld", path, key, min, max);
}

static int parse_mac(const char *s, libxl_mac mac)
{
    unsigned b[6];
    char tail;
    int i;

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
        return XL_ERR_INVAL;
    for (i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return XL_OK;
}

/* The subset of xl's vif syntax a benchmark guest needs. */
static int parse_vif(const char *path, const char *spec, libxl_device_nic *nic)
{
    xl_autofree char *copy = xl_strdup(spec);
    char *save = NULL, *tok;

    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq, *k, *v;

        while (*tok == ' ' || *tok == '\t')
            tok++;
        if (!*tok)
            continue;
        eq = strchr(tok, '=');
        if (!eq)
            return xl_error(XL_ERR_INVAL, "%s: vif \"%s\": expected key=value", path, spec);
        *eq = '\0';
        k = tok;
        v = eq + 1;
        if (strcmp(k, "mac") == 0) {
            if (parse_mac(v, nic->mac))
                return xl_error(XL_ERR_INVAL, "%s: vif mac \"%s\": expected xx:xx:xx:xx:xx:xx", path, v);
        } else if (strcmp(k, "bridge") == 0) {
            free(nic->bridge);
            nic->bridge = xl_strdup(v);
        } else if (strcmp(k, "ip") == 0) {
            free(nic->ip);
            nic->ip = xl_strdup(v);
        } else if (strcmp(k, "script") == 0) {
            free(nic->script);
            nic->script = xl_strdup(v);
        } else if (strcmp(k, "vifname") == 0) {
            free(nic->ifname);
            nic->ifname = xl_strdup(v);
        } else if (strcmp(k, "model") == 0) {
            free(nic->model);
            nic->model = xl_strdup(v);
        } else {
            return xl_error(XL_ERR_INVAL, "%s: vif key \"%s\" is not supported here", path, k);
        }
    }
    return XL_OK;
}

static int parse_disks(XLU_Config *c, const char *path, libxl_domain_config *cfg)
{
    XLU_ConfigList *list;
    int n = 0, i, r;

    if (xlu_cfg_get_list(c, "disk", &list, &n, 1))
        return XL_OK;
    if (n > MAX_DEVICES)
        return xl_error(XL_ERR_INVAL, "%s: disk: at most %d entries", path, MAX_DEVICES);
    cfg->disks = xl_calloc((size_t)n + 1, sizeof(*cfg->disks));
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);

        libxl_device_disk_init(&cfg->disks[i]);
        cfg->num_disks = i + 1;
        if (!spec)
            return xl_error(XL_ERR_INVAL, "%s: disk[%d]: not a string", path, i);
        r = xlu_disk_parse(c, 1, &spec, &cfg->disks[i]);
        if (r)
            return xl_error(XL_ERR_INVAL, "%s: disk[%d] \"%s\": invalid", path, i, spec);
    }
    return XL_OK;
}

static int parse_vifs(XLU_Config *c, const char *path, libxl_domain_config *cfg)
{
    XLU_ConfigList *list;
    int n = 0, i, rc;

    if (xlu_cfg_get_list(c, "vif", &list, &n, 1))
        return XL_OK;
    if (n > MAX_DEVICES)
        return xl_error(XL_ERR_INVAL, "%s: vif: at most %d entries", path, MAX_DEVICES);
    cfg->nics = xl_calloc((size_t)n + 1, sizeof(*cfg->nics));
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);

        libxl_device_nic_init(&cfg->nics[i]);
        cfg->nics[i].devid = i;
        cfg->num_nics = i + 1;
        if (!spec)
            return xl_error(XL_ERR_INVAL, "%s: vif[%d]: not a string", path, i);
        rc = parse_vif(path, spec, &cfg->nics[i]);
        if (rc)
            return rc;
    }
    return XL_OK;
}

static int parse_action(XLU_Config *c, const char *path, const char *key, libxl_action_on_shutdown *a)
{
    const char *v;

    if (xlu_cfg_get_string(c, key, &v, 1))
        return XL_OK;
    if (libxl_action_on_shutdown_from_string(v, a))
        return xl_error(XL_ERR_INVAL, "%s: %s \"%s\": not a shutdown action", path, key, v);
    return XL_OK;
}

/* libxl_bitmap's map is malloc'ed memory libxl_bitmap_dispose frees;
 * allocating it here needs no libxl context. */
static void set_vcpus(libxl_domain_build_info *bi, unsigned vcpus, unsigned maxv)
{
    unsigned i;

    bi->max_vcpus = (int)maxv;
    libxl_bitmap_dispose(&bi->avail_vcpus);
    libxl_bitmap_init(&bi->avail_vcpus);
    bi->avail_vcpus.size = (maxv + 7) / 8;
    bi->avail_vcpus.map = xl_calloc(bi->avail_vcpus.size, 1);
    for (i = 0; i < vcpus; i++)
        libxl_bitmap_set(&bi->avail_vcpus, (int)i);
}

static int parse_template(XLU_Config *c, const char *path, libxl_domain_config *cfg)
{
    libxl_domain_create_info *ci = &cfg->c_info;
    libxl_domain_build_info *bi = &cfg->b_info;
    libxl_domain_type type = LIBXL_DOMAIN_TYPE_PV;
    const char *s;
    long memory = 0, maxmem = 0, vcpus = 1, maxvcpus = 0;
    int found, rc;

    if (xlu_cfg_get_string(c, "type", &s, 1) == 0) {
        if (libxl_domain_type_from_string(s, &type) || type == LIBXL_DOMAIN_TYPE_INVALID)
            return xl_error(XL_ERR_INVAL, "%s: type \"%s\": must be pv, pvh or hvm", path, s);
    } else if (xlu_cfg_get_string(c, "builder", &s, 1) == 0 && strcmp(s, "hvm") == 0) {
        type = LIBXL_DOMAIN_TYPE_HVM;
    }
    ci->type = type;
    libxl_domain_build_info_init_type(bi, type);
    get_str(c, "name", &ci->name);

    rc = get_long(c, path, "memory", 16, 1L << 30, &memory, &found);
    if (!rc)
        rc = get_long(c, path, "maxmem", 16, 1L << 30, &maxmem, &found);
    if (!rc)
        rc = get_long(c, path, "vcpus", 1, MAX_VCPUS, &vcpus, &found);
    if (!rc)
        rc = get_long(c, path, "maxvcpus", 1, MAX_VCPUS, &maxvcpus, &found);
    if (rc)
        return rc;
    bi->target_memkb = (uint64_t)memory * 1024;
    bi->max_memkb = (uint64_t)(maxmem > memory ? maxmem : memory) * 1024;
    set_vcpus(bi, (unsigned)vcpus, (unsigned)(maxvcpus > vcpus ? maxvcpus : vcpus));

    get_str(c, "kernel", &bi->kernel);
    get_str(c, "ramdisk", &bi->ramdisk);
    get_str(c, "cmdline", &bi->cmdline);
    if (!bi->cmdline) {
        /* xl's older spelling: root= and extra= joined. */
        const char *root = NULL, *extra = NULL;

        xlu_cfg_get_string(c, "root", &root, 1);
        xlu_cfg_get_string(c, "extra", &extra, 1);
        if (root || extra)
            bi->cmdline = xl_asprintf("%s%s%s%s", root ? "root=" : "", root ? root : "",
                                      root && extra ? " " : "", extra ? extra : "");
    }
    if (type == LIBXL_DOMAIN_TYPE_PV)
        get_str(c, "bootloader", &bi->u.pv.bootloader);
    if (xlu_cfg_get_string(c, "tsc_mode", &s, 1) == 0 && libxl_tsc_mode_from_string(s, &bi->tsc_mode))
        return xl_error(XL_ERR_INVAL, "%s: tsc_mode \"%s\": not a tsc mode", path, s);
    if (type == LIBXL_DOMAIN_TYPE_HVM && xlu_cfg_get_string(c, "boot", &s, 1) == 0)
        bi->u.hvm.boot = xl_strdup(s);
    rc = parse_action(c, path, "on_poweroff", &cfg->on_poweroff);
    if (!rc)
        rc = parse_action(c, path, "on_reboot", &cfg->on_reboot);
    if (!rc)
        rc = parse_action(c, path, "on_crash", &cfg->on_crash);
    if (!rc)
        rc = parse_disks(c, path, cfg);
    if (!rc)
        rc = parse_vifs(c, path, cfg);
    return rc;
}

static libxl_device_disk *find_disk(libxl_domain_config *cfg, const char *vdev)
{
    int i;

    for (i = 0; i < cfg->num_disks; i++)
        if (cfg->disks[i].vdev && strcmp(cfg->disks[i].vdev, vdev) == 0)
            return &cfg->disks[i];
    return NULL;
}

static libxl_disk_format disk_format(const char *fmt)
{
    return fmt && strcmp(fmt, "qcow2") == 0 ? LIBXL_DISK_FORMAT_QCOW2 : LIBXL_DISK_FORMAT_RAW;
}

/* qcow2 needs qdisk (QEMU); raw clones use the phy backend on a loop device,
 * which the testbed showed works without a device model. */
static void set_disk(libxl_device_disk *d, const char *target, const char *fmt, int readwrite)
{
    free(d->pdev_path);
    d->pdev_path = xl_strdup(target);
    d->format = disk_format(fmt);
    d->backend = d->format == LIBXL_DISK_FORMAT_QCOW2 ? LIBXL_DISK_BACKEND_QDISK : LIBXL_DISK_BACKEND_PHY;
    d->readwrite = readwrite;
}

/* Every vCPU's hard affinity to cpus, as xl sets it for cpus="...". */
static int set_affinity(libxl_domain_build_info *bi, const char *cpus, unsigned maxv)
{
    struct xl_cpuset set;
    unsigned v, c, end;
    int rc = xl_cpuset_parse(cpus, "cpus", &set);

    if (rc)
        return rc;
    end = xl_cpuset_end(&set);
    for (v = 0; v < (unsigned)bi->num_vcpu_hard_affinity; v++)
        libxl_bitmap_dispose(&bi->vcpu_hard_affinity[v]);
    free(bi->vcpu_hard_affinity);
    bi->vcpu_hard_affinity = xl_calloc(maxv, sizeof(*bi->vcpu_hard_affinity));
    bi->num_vcpu_hard_affinity = (int)maxv;
    for (v = 0; v < maxv; v++) {
        libxl_bitmap *m = &bi->vcpu_hard_affinity[v];

        libxl_bitmap_init(m);
        m->size = (end + 7) / 8;
        m->map = xl_calloc(m->size, 1);
        for (c = 0; c < end; c++)
            if (xl_cpuset_has(&set, c))
                libxl_bitmap_set(m, (int)c);
    }
    return XL_OK;
}

static int apply_overrides(const char *path, const struct xl_domain_spec *ov, libxl_domain_config *cfg)
{
    libxl_domain_build_info *bi = &cfg->b_info;
    unsigned vcpus, maxv;
    libxl_device_disk *d;

    if (ov->name) {
        free(cfg->c_info.name);
        cfg->c_info.name = xl_strdup(ov->name);
    }
    if (!cfg->c_info.name)
        return xl_error(XL_ERR_INVAL, "%s: no name, and none given", path);
    if (ov->memory_kib) {
        bi->target_memkb = ov->memory_kib;
        if (bi->max_memkb < ov->memory_kib)
            bi->max_memkb = ov->memory_kib;
    }
    if (ov->maxmem_kib) {
        if (ov->maxmem_kib < bi->target_memkb)
            return xl_error(XL_ERR_INVAL, "maxmem is below memory");
        bi->max_memkb = ov->maxmem_kib;
    }
    if (!bi->target_memkb)
        return xl_error(XL_ERR_INVAL, "%s: no memory, and none given", path);
    vcpus = ov->vcpus ? ov->vcpus : (unsigned)libxl_bitmap_count_set(&bi->avail_vcpus);
    maxv = ov->maxvcpus ? ov->maxvcpus : (unsigned)bi->max_vcpus;
    if (vcpus > maxv)
        maxv = vcpus;
    if (maxv > MAX_VCPUS)
        return xl_error(XL_ERR_INVAL, "vcpus: at most %d", MAX_VCPUS);
    set_vcpus(bi, vcpus, maxv);
    if (ov->cpus) {
        int rc = set_affinity(bi, ov->cpus, maxv);

        if (rc)
            return rc;
    }

    /* A template's MAC addresses would clash between clones; libxl makes
     * one for a nic whose MAC is all zeros. */
    for (int i = 0; i < cfg->num_nics; i++)
        memset(cfg->nics[i].mac, 0, sizeof(cfg->nics[i].mac));

    if (ov->disk_path) {
        d = find_disk(cfg, "xvda");
        if (!d)
            return xl_error(XL_ERR_INVAL, "%s: no xvda disk to put the clone on", path);
        set_disk(d, ov->disk_path, ov->disk_format, 1);
    }
    if (ov->payload_path) {
        if (find_disk(cfg, "xvdb"))
            return xl_error(XL_ERR_INVAL, "%s: xvdb is taken; the payload disk goes there", path);
        cfg->disks = xl_realloc(cfg->disks, ((size_t)cfg->num_disks + 1) * sizeof(*cfg->disks));
        d = &cfg->disks[cfg->num_disks++];
        libxl_device_disk_init(d);
        d->vdev = xl_strdup("xvdb");
        set_disk(d, ov->payload_path, "raw", 0);
    }
    return XL_OK;
}

int xl_domcfg_from_xlcfg(const char *path, const struct xl_domain_spec *ov, libxl_domain_config *cfg)
{
    XLU_Config *c = NULL;
    FILE *report = NULL;
    char *msg = NULL;
    size_t msglen = 0;
    int rc, r;

    libxl_domain_config_init(cfg);
    /* libxlutil reports syntax errors on a stream; keep them for our message. */
    report = open_memstream(&msg, &msglen);
    if (!report)
        return xl_error_errno(XL_ERR_NOMEM, errno, "open_memstream");
    c = xlu_cfg_init(report, path);
    if (!c) {
        rc = xl_error(XL_ERR_NOMEM, "%s: xlu_cfg_init", path);
        goto out;
    }
    r = xlu_cfg_readfile(c, path);
    if (r) {
        fflush(report);
        /* One line: libxlutil may add a second one; the first says where. */
        if (msg && strchr(msg, '\n'))
            msglen = (size_t)(strchr(msg, '\n') - msg);
        if (msg)
            msg[msglen] = '\0';
        rc = r == ENOENT ? xl_error(XL_ERR_NOTFOUND, "%s: no such template", path)
                         : msglen ? xl_error(XL_ERR_INVAL, "%s", msg) : xl_error(XL_ERR_INVAL, "%s: %s", path, strerror(r));
        goto out;
    }
    rc = parse_template(c, path, cfg);
    if (!rc)
        rc = apply_overrides(path, ov, cfg);
out:
    if (c)
        xlu_cfg_destroy(c);
    fclose(report);
    free(msg);
    return rc;
}

int xl_domcfg_to_json(libxl_domain_config *cfg, char **json_r)
{
    *json_r = libxl_domain_config_to_json(NULL, cfg);
    if (!*json_r)
        return xl_error(XL_ERR_FAIL, "libxl could not render the domain config as JSON");
    return XL_OK;
}

int xl_domcfg_writable_disk(const char *path, char **name_r, char **disk_r, char **format_r)
{
    struct xl_domain_spec none = { 0 };
    libxl_domain_config cfg;
    libxl_device_disk *disk = NULL;
    int rc, i, writable = 0;

    *name_r = *disk_r = *format_r = NULL;
    rc = xl_domcfg_from_xlcfg(path, &none, &cfg);
    if (rc)
        goto out;
    for (i = 0; i < cfg.num_disks; i++) {
        if (cfg.disks[i].is_cdrom || !cfg.disks[i].readwrite)
            continue;   /* read-only media, shared safely */
        writable++;
        disk = &cfg.disks[i];
    }
    if (writable != 1) {
        rc = xl_error(XL_ERR_INVAL, "%s: has %d writable disks; a base is taken from a domain with one (xvda)", path,
                      writable);
        goto out;
    }
    if (!disk->vdev || strcmp(disk->vdev, "xvda") != 0) {
        rc = xl_error(XL_ERR_INVAL, "%s: its disk is %s, not xvda, where clones put theirs", path,
                      disk->vdev ? disk->vdev : "without a vdev");
        goto out;
    }
    if (!disk->pdev_path || disk->pdev_path[0] != '/') {
        rc = xl_error(XL_ERR_INVAL, "%s: its disk has no absolute target path", path);
        goto out;
    }
    if (disk->format != LIBXL_DISK_FORMAT_RAW && disk->format != LIBXL_DISK_FORMAT_QCOW2 &&
        disk->format != LIBXL_DISK_FORMAT_UNKNOWN) {
        rc = xl_error(XL_ERR_INVAL, "%s: its disk is %s; raw or qcow2 is needed", path,
                      libxl_disk_format_to_string(disk->format));
        goto out;
    }
    *name_r = xl_strdup(cfg.c_info.name);
    *disk_r = xl_strdup(disk->pdev_path);
    *format_r = xl_strdup(disk->format == LIBXL_DISK_FORMAT_QCOW2 ? "qcow2" : "raw");
out:
    libxl_domain_config_dispose(&cfg);
    return rc;
}
