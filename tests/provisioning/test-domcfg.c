/* Golden tests (libvirt style): an xl.cfg or domain XML template and the
 * overrides of one arm in, libxl's JSON or the edited XML out, compared byte
 * for byte with tests/data/domcfg/. XENLAB_REGEN=1 rewrites them. */
#include <libxl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domcfg.h"
#include "domxml.h"
#include "tap.h"
#include "xl-util.h"

static const struct xl_domain_spec arm = {
    .name = "vm2-r1",
    .vcpus = 2,
    .memory_kib = 2 * 1024 * 1024,
    .disk_path = "/var/lib/xenlab/clones/vm2-r1/disk.img",
    .disk_format = "raw",
    .payload_path = "/var/lib/xenlab/clones/vm2-r1/payload.img",
};

static const struct xl_domain_spec none = { 0 };

/* vCPU pinning: every vCPU on pCPUs 0, 1 and 4. */
static const struct xl_domain_spec pinned = {
    .name = "pin-r1", .vcpus = 2, .cpus = "0-1,4", .memory_kib = 1024 * 1024,
    .disk_path = "/var/lib/xenlab/clones/pin-r1/disk.img", .disk_format = "raw",
};

static const struct xl_domain_spec qcow2_arm = {
    .name = "q1", .vcpus = 4, .memory_kib = 524288, .disk_path = "/clones/q1/disk.qcow2", .disk_format = "qcow2",
};

static char *src_path(const char *rel)
{
    const char *src = getenv("XENLAB_SRCDIR");

    return xl_asprintf("%s/%s", src ? src : ".", rel);
}

static void do_test_cfg(const char *in, const struct xl_domain_spec *ov, const char *golden)
{
    char *path = src_path(in), *json = NULL;
    libxl_domain_config cfg;
    int rc;

    rc = xl_domcfg_from_xlcfg(path, ov, &cfg);
    if (!rc)
        rc = xl_domcfg_to_json(&cfg, &json);
    if (tap_ok(rc == 0, "%s parses (%s)", in, rc ? xl_error_message() : "ok"))
        tap_golden(json, golden, golden);
    libxl_domain_config_dispose(&cfg);
    free(json);
    free(path);
}

static void do_test_xml(const char *in, const struct xl_domain_spec *ov, const char *type, const char *golden)
{
    char *path = src_path(in), *xml = NULL;
    struct xl_domain_spec spec = *ov;
    int rc;

    spec.virt_type = type;
    rc = xl_domxml_from_template(path, &spec, &xml);
    if (tap_ok(rc == 0, "%s edits (%s)", in, rc ? xl_error_message() : "ok"))
        tap_golden(xml, golden, golden);
    free(xml);
    free(path);
}

static void do_test_cfg_error(const char *in, const struct xl_domain_spec *ov, const char *want)
{
    char *path = src_path(in);
    libxl_domain_config cfg;
    int rc;

    rc = xl_domcfg_from_xlcfg(path, ov, &cfg);
    tap_ok(rc == XL_ERR_INVAL && strstr(xl_error_message(), want), "%s is refused: %s", in, xl_error_message());
    libxl_domain_config_dispose(&cfg);
    free(path);
}

#define D "tests/data/domcfg/"
#define DO_TEST(name, ov) do_test_cfg(D name ".cfg", ov, D name ".json")
#define DO_TEST_TEMPLATE(name) do_test_cfg("templates/" name ".cfg", &arm, D "template-" name ".json")

int main(void)
{
    DO_TEST("pv", &none);
    DO_TEST("pv-arm", &arm);
    DO_TEST("pvh", &arm);
    DO_TEST("hvm", &arm);
    DO_TEST("qcow2", &qcow2_arm);
    do_test_cfg(D "pv.cfg", &pinned, D "pv-pinned.json");
    do_test_xml("templates/debian-pv.xml", &pinned, NULL, D "template-debian-pv-pinned.xml");
    /* A template's placement='auto' and <vcpupin> would override the arm's cpuset. */
    do_test_xml(D "libvirt-autoplaced.xml", &pinned, NULL, D "libvirt-autoplaced.out.xml");
    DO_TEST_TEMPLATE("debian-pv");
    DO_TEST_TEMPLATE("debian-pv-pygrub");
    DO_TEST_TEMPLATE("debian-pvh");
    DO_TEST_TEMPLATE("debian-hvm");
    do_test_xml("templates/debian-pv.xml", &arm, NULL, D "template-debian-pv.xml");
    do_test_xml(D "libvirt-pv.xml", &arm, "test", D "libvirt-pv.out.xml");
    do_test_cfg_error(D "bad-type.cfg", &arm, "type \"pvx\"");
    do_test_cfg_error(D "bad-disk.cfg", &arm, "disk[0]");
    do_test_cfg_error(D "no-xvda.cfg", &arm, "no xvda disk");
    do_test_cfg_error(D "bad-syntax.cfg", &arm, "bad-syntax.cfg");
    return tap_done();
}
