#include "xe-argv.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "xl-util.h"
#include "xs-layout.h"

void xl_argv_init(struct xl_argv *a)
{
    a->v = xl_calloc(1, sizeof(*a->v));
    a->n = 0;
}

void xl_argv_dispose(struct xl_argv *a)
{
    size_t i;

    for (i = 0; a->v && i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    a->v = NULL;
    a->n = 0;
}

void xl_argv_add(struct xl_argv *a, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    a->v = xl_realloc(a->v, (a->n + 2) * sizeof(*a->v));
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

char *xl_argv_format(const struct xl_argv *a)
{
    size_t i, len = 1;
    char *s, *p;

    for (i = 0; i < a->n; i++)
        len += strlen(a->v[i]) + 3;
    s = p = xl_malloc(len);
    *p = '\0';
    for (i = 0; i < a->n; i++)
        p += sprintf(p, "%s[%s]", i ? " " : "", a->v[i]);
    return s;
}

static void start(struct xl_argv *a, const char *cmd)
{
    xl_argv_dispose(a);
    xl_argv_init(a);
    xl_argv_add(a, "xe");
    xl_argv_add(a, "%s", cmd);
}

void xl_xe_argv_clone(struct xl_argv *a, const char *src_uuid, const char *name)
{
    start(a, "vm-clone");
    xl_argv_add(a, "uuid=%s", src_uuid);
    xl_argv_add(a, "new-name-label=%s", name);
}

void xl_xe_argv_not_template(struct xl_argv *a, const char *uuid)
{
    start(a, "vm-param-set");
    xl_argv_add(a, "uuid=%s", uuid);
    xl_argv_add(a, "is-a-template=false");
}

void xl_xe_argv_disk_vdi(struct xl_argv *a, const char *uuid)
{
    start(a, "vbd-list");
    xl_argv_add(a, "vm-uuid=%s", uuid);
    xl_argv_add(a, "userdevice=0");
    xl_argv_add(a, "type=Disk");
    xl_argv_add(a, "params=vdi-uuid");
    xl_argv_add(a, "--minimal");
}

void xl_xe_argv_vdi_size(struct xl_argv *a, const char *vdi_uuid)
{
    start(a, "vdi-param-get");
    xl_argv_add(a, "uuid=%s", vdi_uuid);
    xl_argv_add(a, "param-name=virtual-size");
}

void xl_xe_argv_vdi_resize(struct xl_argv *a, const char *vdi_uuid, uint64_t bytes)
{
    start(a, "vdi-resize");
    xl_argv_add(a, "uuid=%s", vdi_uuid);
    xl_argv_add(a, "disk-size=%" PRIu64, bytes);
}

void xl_xe_argv_vcpus(struct xl_argv *a, const char *uuid, unsigned vcpus, bool grow)
{
    start(a, "vm-param-set");
    xl_argv_add(a, "uuid=%s", uuid);
    if (grow)
        xl_argv_add(a, "VCPUs-max=%u", vcpus);
    xl_argv_add(a, "VCPUs-at-startup=%u", vcpus);
    if (!grow)
        xl_argv_add(a, "VCPUs-max=%u", vcpus);
}

void xl_xe_argv_vcpu_mask(struct xl_argv *a, const char *uuid, const char *mask)
{
    start(a, "vm-param-set");
    xl_argv_add(a, "uuid=%s", uuid);
    xl_argv_add(a, "VCPUs-params:mask=%s", mask);
}

void xl_xe_argv_vcpu_hotplug(struct xl_argv *a, const char *uuid, unsigned vcpus)
{
    start(a, "vm-vcpu-hotplug");
    xl_argv_add(a, "uuid=%s", uuid);
    xl_argv_add(a, "new-vcpus=%u", vcpus);
}

void xl_xe_argv_memory_limits(struct xl_argv *a, const char *uuid, uint64_t bytes)
{
    start(a, "vm-memory-limits-set");
    xl_argv_add(a, "uuid=%s", uuid);
    xl_argv_add(a, "static-min=%" PRIu64, bytes);
    xl_argv_add(a, "dynamic-min=%" PRIu64, bytes);
    xl_argv_add(a, "dynamic-max=%" PRIu64, bytes);
    xl_argv_add(a, "static-max=%" PRIu64, bytes);
}

void xl_xe_argv_memory_dynamic(struct xl_argv *a, const char *uuid, uint64_t bytes)
{
    start(a, "vm-memory-dynamic-range-set");
    xl_argv_add(a, "uuid=%s", uuid);
    xl_argv_add(a, "min=%" PRIu64, bytes);
    xl_argv_add(a, "max=%" PRIu64, bytes);
}

static int add_xenstore_data(void *opaque, const char *path, const char *val, size_t len)
{
    xl_argv_add(opaque, "xenstore-data:%s=%.*s", path, (int)len, val);
    return XL_OK;
}

int xl_xe_argv_plan(struct xl_argv *a, const char *uuid, const char *plan, size_t len)
{
    start(a, "vm-param-set");
    xl_argv_add(a, "uuid=%s", uuid);
    return xl_xs_value_write(add_xenstore_data, a, XL_XS_PLAN_VMDATA, plan, len, XL_PLAN_MAX_BYTES);
}

void xl_xe_argv_start_paused(struct xl_argv *a, const char *uuid)
{
    start(a, "vm-start");
    xl_argv_add(a, "uuid=%s", uuid);
    xl_argv_add(a, "paused=true");
}

void xl_xe_argv_unpause(struct xl_argv *a, const char *uuid)
{
    start(a, "vm-unpause");
    xl_argv_add(a, "uuid=%s", uuid);
}

void xl_xe_argv_shutdown_force(struct xl_argv *a, const char *uuid)
{
    start(a, "vm-shutdown");
    xl_argv_add(a, "uuid=%s", uuid);
    xl_argv_add(a, "--force");
}

void xl_xe_argv_uninstall(struct xl_argv *a, const char *uuid)
{
    start(a, "vm-uninstall");
    xl_argv_add(a, "uuid=%s", uuid);
    xl_argv_add(a, "--force");
}

void xl_xe_argv_param_get(struct xl_argv *a, const char *uuid, const char *param)
{
    start(a, "vm-param-get");
    xl_argv_add(a, "uuid=%s", uuid);
    xl_argv_add(a, "param-name=%s", param);
}

void xl_xe_argv_find_vm(struct xl_argv *a, const char *name)
{
    start(a, "vm-list");
    xl_argv_add(a, "name-label=%s", name);
    xl_argv_add(a, "params=uuid");
    xl_argv_add(a, "--minimal");
}

void xl_xe_argv_host_list(struct xl_argv *a)
{
    start(a, "host-list");
    xl_argv_add(a, "params=uuid");
    xl_argv_add(a, "--minimal");
}

void xl_xe_argv_host_free_memory(struct xl_argv *a, const char *host_uuid)
{
    start(a, "host-param-get");
    xl_argv_add(a, "uuid=%s", host_uuid);
    xl_argv_add(a, "param-name=memory-free-computed");
}
