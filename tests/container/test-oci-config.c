/* config.json for a cpus=1.5,memory=1GiB trial: golden file, plus the
 * numbers the limits hinge on checked by name. */
#include <string.h>

#include "container-spec.h"
#include "json-util.h"
#include "oci-bundle.h"
#include "tap.h"
#include "xl-util.h"

static json_object *find_path(json_object *o, const char *a, const char *b, const char *c)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(o, a, &v) || !json_object_object_get_ex(v, b, &v))
        return NULL;
    if (c && !json_object_object_get_ex(v, c, &v))
        return NULL;
    return v;
}

int main(void)
{
    struct xl_container_spec spec;
    char *args[] = { (char *)XL_CT_WORKER, (char *)"bench", (char *)"nqueens", (char *)"--n", (char *)"12", NULL };
    char *dirs[] = { (char *)"/etc", (char *)"/usr", NULL };
    struct xl_oci_params p = {
        .spec = &spec,
        .args = args,
        .runtime = "runc",
        .hostname = "xenlab-ct",
        .cgroups_path = "/xenlab/xenlab-1-abc",
        .worker_host = "/usr/libexec/xenlab/xenlab-guest",
        .work_host = "/var/tmp/xenlab-work-abc",
        .work_ct = XL_CT_WORKDIR,
        .root_path = "rootfs",
        .host_dirs = dirs,
    };
    json_object *doc, *lx;

    xl_container_spec_init(&spec);
    if (xl_container_spec_parse("cpus=1.5,memory=1GiB,runtime=runc", &spec))
        tap_skip_all("spec parse failed: %s", xl_error_message());
    doc = xl_oci_config(&p);
    tap_golden(xl_json_pretty(doc), "tests/container/data/oci-config.json", "config.json for cpus=1.5,memory=1GiB");
    lx = json_object_object_get(doc, "linux");
    TAP_EQ_INT(json_object_get_int64(find_path(lx, "resources", "cpu", "quota")), 150000, "quota = cpus * period");
    TAP_EQ_INT(json_object_get_int64(find_path(lx, "resources", "cpu", "period")), 100000, "period 100 ms");
    TAP_EQ_INT(json_object_get_int64(find_path(lx, "resources", "memory", "limit")), 1073741824, "memory limit");
    TAP_EQ_INT(json_object_get_int64(find_path(lx, "resources", "memory", "swap")), 1073741824,
               "memory+swap equal to the limit: no swap");
    TAP_EQ_STR(json_object_get_string(find_path(doc, "process", "cwd", NULL)), XL_CT_WORKDIR, "cwd is the work dir");
    json_object_put(doc);

    p.cgroupns = 1;
    doc = xl_oci_config(&p);
    tap_ok(strstr(xl_json_compact(json_object_object_get(json_object_object_get(doc, "linux"), "namespaces")),
                  "\"cgroup\"") != NULL, "cgroupns adds a cgroup namespace");
    json_object_put(doc);
    xl_container_spec_dispose(&spec);

    /* The least quota the kernel takes is 1000 us; 1e-308 CPUs used to pass
     * and round to quota 0, which runc reads as "unlimited". */
    xl_container_spec_init(&spec);
    tap_ok(xl_container_spec_parse("cpus=0.01,memory=1GiB", &spec) == 0, "cpus=0.01 is accepted");
    p.cgroupns = 0;
    doc = xl_oci_config(&p);
    TAP_EQ_INT(json_object_get_int64(find_path(json_object_object_get(doc, "linux"), "resources", "cpu", "quota")),
               1000, "cpus=0.01 gives the least quota, 1000 us");
    json_object_put(doc);
    xl_container_spec_dispose(&spec);
    {
        static const char *const bad[] = { "cpus=1e-308,memory=1GiB", "cpus=0.009,memory=1GiB",
                                           "cpus=1025,memory=1GiB", "cpus=nan,memory=1GiB" };
        size_t i;

        for (i = 0; i < XL_ARRAY_SIZE(bad); i++) {
            xl_container_spec_init(&spec);
            tap_ok(xl_container_spec_parse(bad[i], &spec) == XL_ERR_INVAL, "\"%s\" is rejected: %s", bad[i],
                   xl_error_message());
            xl_container_spec_dispose(&spec);
        }
    }
    return tap_done();
}
