/* The xapi backend's xe command lines against xe's documented syntax
 * (XenServer / XCP-ng CLI reference). No XAPI here: command construction
 * only, as golden argv lists, plus a check that every argument is a
 * parameter the command documents. */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "tap.h"
#include "xe-argv.h"
#include "xl-spawn.h"
#include "xl-util.h"

#define VM "0b7f4c2e-5d1a-4e8b-9c3f-1a2b3c4d5e6f"
#define BASE "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4"
#define VDI "11111111-2222-4333-8444-555555555555"
#define HOST "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

/* Parameters each command documents (xe help COMMAND); selectors: uuid. */
static const struct {
    const char *cmd;
    const char *params[8];
} documented[] = {
    { "vm-clone", { "uuid", "new-name-label", "new-name-description" } },
    { "vm-param-set", { "uuid", "is-a-template", "VCPUs-max", "VCPUs-at-startup", "VCPUs-params:mask",
                        "xenstore-data:" } },
    { "vm-param-get", { "uuid", "param-name", "param-key" } },
    { "vbd-list", { "vm-uuid", "userdevice", "type", "params", "--minimal" } },
    { "vdi-param-get", { "uuid", "param-name" } },
    { "vdi-resize", { "uuid", "disk-size", "online" } },
    { "vm-vcpu-hotplug", { "uuid", "new-vcpus" } },
    { "vm-memory-limits-set", { "uuid", "static-min", "static-max", "dynamic-min", "dynamic-max" } },
    { "vm-memory-dynamic-range-set", { "uuid", "min", "max" } },
    { "vm-start", { "uuid", "paused", "force", "on" } },
    { "vm-unpause", { "uuid" } },
    { "vm-shutdown", { "uuid", "--force" } },
    { "vm-uninstall", { "uuid", "--force" } },
    { "vm-list", { "name-label", "params", "--minimal" } },
    { "host-list", { "params", "--minimal" } },
    { "host-param-get", { "uuid", "param-name" } },
};

/* argv[0] is xe, argv[1] a command above, every other argument one of its
 * parameters as key=value (map keys as name:key=value) or a flag. */
static bool documented_syntax(const struct xl_argv *a, char *why, size_t len)
{
    size_t i, k, p;

    if (a->n < 2 || strcmp(a->v[0], "xe") != 0 || a->v[a->n] != NULL)
        return snprintf(why, len, "not an xe command"), false;
    for (k = 0; k < XL_ARRAY_SIZE(documented); k++)
        if (strcmp(documented[k].cmd, a->v[1]) == 0)
            break;
    if (k == XL_ARRAY_SIZE(documented))
        return snprintf(why, len, "undocumented command %s", a->v[1]), false;
    for (i = 2; i < a->n; i++) {
        const char *arg = a->v[i], *eq = strchr(arg, '=');
        bool found = false;

        for (p = 0; p < 8 && documented[k].params[p]; p++) {
            const char *d = documented[k].params[p];
            size_t dl = strlen(d);

            if (d[0] == '-')
                found = found || strcmp(arg, d) == 0;
            else if (d[dl - 1] == ':')
                found = found || (strncmp(arg, d, dl) == 0 && eq && eq > arg + dl);
            else
                found = found || (eq && (size_t)(eq - arg) == dl && strncmp(arg, d, dl) == 0);
        }
        if (!found)
            return snprintf(why, len, "%s: \"%s\" is not a documented parameter", a->v[1], arg), false;
    }
    return true;
}

static void emit(FILE *out, const char *doc, struct xl_argv *a)
{
    char why[256] = "";
    char *line = xl_argv_format(a);

    tap_ok(documented_syntax(a, why, sizeof(why)), "xe %s: documented syntax%s%s", a->v[1], *why ? ": " : "", why);
    fprintf(out, "# %s\n%s\n", doc, line);
    free(line);
    xl_argv_dispose(a);
    xl_argv_init(a);
}

int main(void)
{
    char *text = NULL, *plan;
    size_t len = 0, i;
    struct xl_argv a;
    FILE *out = open_memstream(&text, &len);
    int rc;

    xl_argv_init(&a);
    xl_xe_argv_clone(&a, BASE, "xl-20260101-000000-abcd-vm1-1");
    emit(out, "xe vm-clone new-name-label=<name> [<vm-selector>=<value>...]", &a);
    xl_xe_argv_not_template(&a, VM);
    emit(out, "xe vm-param-set uuid=<vm-uuid> is-a-template=false", &a);
    xl_xe_argv_disk_vdi(&a, VM);
    emit(out, "xe vbd-list vm-uuid=<vm-uuid> userdevice=0 type=Disk params=vdi-uuid --minimal", &a);
    xl_xe_argv_vdi_size(&a, VDI);
    emit(out, "xe vdi-param-get uuid=<vdi-uuid> param-name=virtual-size", &a);
    xl_xe_argv_vdi_resize(&a, VDI, 17000000000ull);
    emit(out, "xe vdi-resize uuid=<vdi-uuid> disk-size=<size>", &a);
    xl_xe_argv_vcpus(&a, VM, 4, true);
    emit(out, "xe vm-param-set uuid=<vm-uuid> VCPUs-max=<n> VCPUs-at-startup=<n> (growing: max first)", &a);
    xl_xe_argv_vcpus(&a, VM, 1, false);
    emit(out, "xe vm-param-set uuid=<vm-uuid> VCPUs-at-startup=<n> VCPUs-max=<n> (shrinking: startup first)", &a);
    xl_xe_argv_vcpu_mask(&a, VM, "0,1,4");
    emit(out, "xe vm-param-set uuid=<vm-uuid> VCPUs-params:mask=<cpus> (pinning: every CPU listed)", &a);
    xl_xe_argv_vcpu_hotplug(&a, VM, 2);
    emit(out, "xe vm-vcpu-hotplug new-vcpus=<n> [<vm-selector>=<value>...]", &a);
    xl_xe_argv_memory_limits(&a, VM, 1073741824ull);
    emit(out, "xe vm-memory-limits-set static-min=.. static-max=.. dynamic-min=.. dynamic-max=.. [<vm-selector>]",
         &a);
    xl_xe_argv_memory_dynamic(&a, VM, 2147483648ull);
    emit(out, "xe vm-memory-dynamic-range-set min=<bytes> max=<bytes> [<vm-selector>=<value>...]", &a);
    plan = xl_strdup("{\"xenlab\":\"plan/1\",\"items\":[]}");
    rc = xl_xe_argv_plan(&a, VM, plan, strlen(plan));
    free(plan);
    TAP_EQ_INT(rc, XL_OK, "a short plan is one xenstore-data key");
    emit(out, "xe vm-param-set uuid=<vm-uuid> xenstore-data:vm-data/xenlab/plan=<json>", &a);
    /* 2500 bytes: chunks of 960, 960, 580 and the count, as xs-layout.h says. */
    plan = xl_malloc(2501);
    for (i = 0; i < 2500; i++)
        plan[i] = (char)('a' + i % 26);
    plan[2500] = '\0';
    rc = xl_xe_argv_plan(&a, VM, plan, 2500);
    TAP_EQ_INT(rc, XL_OK, "a 2500-byte plan is chunked");
    TAP_EQ_INT(a.n, 2 + 1 + 3 + 1, "uuid, three chunks and the count");
    tap_ok(a.n == 7 && strcmp(a.v[6], "xenstore-data:vm-data/xenlab/plan/chunks=3") == 0 &&
               strlen(a.v[3]) == strlen("xenstore-data:vm-data/xenlab/plan/0=") + 960,
           "chunk 0 is 960 bytes, plan/chunks=3 comes last");
    emit(out, "xe vm-param-set uuid=<vm-uuid> xenstore-data:vm-data/xenlab/plan/<i>=<chunk> ... plan/chunks=<n>",
         &a);
    plan[7] = '\n';
    rc = xl_xe_argv_plan(&a, VM, plan, 2500);
    TAP_EQ_INT(rc, XL_ERR_INVAL, "a plan with a control character is refused");
    xl_argv_dispose(&a);
    xl_argv_init(&a);
    free(plan);
    plan = xl_malloc(70000);
    memset(plan, 'x', 70000);
    rc = xl_xe_argv_plan(&a, VM, plan, 70000);
    TAP_EQ_INT(rc, XL_ERR_INVAL, "a plan over 64 KiB is refused");
    free(plan);
    xl_argv_dispose(&a);
    xl_argv_init(&a);
    xl_xe_argv_start_paused(&a, VM);
    emit(out, "xe vm-start [<vm-selector>=<value>...] paused=true", &a);
    xl_xe_argv_unpause(&a, VM);
    emit(out, "xe vm-unpause [<vm-selector>=<value>...]", &a);
    xl_xe_argv_shutdown_force(&a, VM);
    emit(out, "xe vm-shutdown [<vm-selector>=<value>...] --force", &a);
    xl_xe_argv_uninstall(&a, VM);
    emit(out, "xe vm-uninstall [<vm-selector>=<value>...] --force (the VM and its own disks)", &a);
    xl_xe_argv_param_get(&a, VM, "dom-id");
    emit(out, "xe vm-param-get uuid=<vm-uuid> param-name=dom-id", &a);
    xl_xe_argv_find_vm(&a, "xl-20260101-000000-abcd-vm1-1");
    emit(out, "xe vm-list name-label=<name> params=uuid --minimal", &a);
    xl_xe_argv_host_list(&a);
    emit(out, "xe host-list params=uuid --minimal", &a);
    xl_xe_argv_host_free_memory(&a, HOST);
    emit(out, "xe host-param-get uuid=<host-uuid> param-name=memory-free-computed", &a);
    xl_argv_dispose(&a);
    fclose(out);
    tap_golden(text, "tests/xapi/golden/xe-argv.txt",
               "xapi-argv-golden (no XAPI here: command construction only)");
    free(text);

    /* The backend itself needs xe; without it, opening says so. */
    if (!xl_program_exists("xe")) {
        struct xl_backend be;

        rc = xl_backend_open(&be, "xapi", NULL);
        tap_ok(rc == XL_ERR_NOTFOUND && strstr(xl_error_message(), "no xe in PATH"),
               "xl_backend_open(xapi) without xe: not found, saying why (no XAPI here)");
    } else {
        tap_ok(true, "xl_backend_open(xapi) # SKIP xe exists: a unit test does not drive a real XAPI");
    }
    return tap_done();
}
