/* The libvirt backend against libvirt's real in-process test driver
 * (test:///default): define, start paused, plan hook, unpause, set vcpus
 * and memory, destroy, undefine; a failure midway leaves no definition. */
#include <libvirt/libvirt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "domxml.h"
#include "tap.h"
#include "xl-util.h"

static int hook_calls;

static int hook_ok(struct xl_backend *be, uint32_t domid, void *arg)
{
    (void)be;
    (void)arg;
    hook_calls++;
    return domid > 0 ? XL_OK : xl_error(XL_ERR_FAIL, "bad domid %u", domid);
}

static int hook_fail(struct xl_backend *be, uint32_t domid, void *arg)
{
    (void)be;
    (void)domid;
    (void)arg;
    return xl_error(XL_ERR_FAIL, "plan write refused (test)");
}

/* test:///default is one shared driver per process: a second connection
 * sees what the backend's connection did. */
static virConnectPtr observer;

static virDomainPtr lookup(struct xl_backend *be, const char *name)
{
    (void)be;
    return virDomainLookupByName(observer, name);
}

/* Prepares name's domain from the shipped template, as provisioning does. */
static int prepare(struct xl_backend *be, const char *name, unsigned vcpus)
{
    const char *src = getenv("XENLAB_SRCDIR");
    xl_autofree char *tpl = xl_asprintf("%s/templates/debian-pv.xml", src ? src : ".");
    struct xl_domain_spec ov = {
        .name = name, .template = tpl, .vcpus = vcpus, .memory_kib = 1048576, .maxmem_kib = 2097152,
        .disk_path = "/nonexistent/disk.img", .disk_format = "raw", .payload_path = "/nonexistent/payload.img",
    };
    xl_autofree char *xml = NULL;
    int rc;

    rc = xl_backend_prepare(be, &ov, &xml, NULL);
    if (rc)
        tap_diag("prepare: %s", xl_error_message());
    else if (!strstr(xml, "type=\"test\"") && !strstr(xml, "type='test'"))
        tap_diag("prepare: a test:/// URI did not make the domain type test");
    return rc;
}

int main(void)
{
    struct xl_backend be;
    virDomainPtr dom;
    virDomainInfo info;
    uint64_t free_kib = 0;
    uint32_t domid = 0;
    int rc;

    observer = virConnectOpen("test:///default");
    if (!observer)
        tap_skip_all("libvirt test driver unavailable");
    if (!tap_ok(xl_backend_open(&be, "libvirt", "test:///default") == XL_OK, "open test:///default (%s)",
                xl_error_message()))
        return tap_done();
    tap_ok(be.ops->free_memory(&be, &free_kib) == XL_OK && free_kib > 0, "free memory %llu KiB",
           (unsigned long long)free_kib);

    tap_ok(prepare(&be, "clone-ok", 1) == XL_OK, "prepare from templates/debian-pv.xml");
    rc = xl_backend_start(&be, "clone-ok", hook_ok, NULL);
    tap_ok(rc == XL_OK, "define + start paused + hook + unpause (%s)", rc ? xl_error_message() : "ok");
    TAP_EQ_INT(hook_calls, 1, "plan hook ran once");
    tap_ok(be.ops->domid(&be, &domid) == XL_OK && domid > 0, "domid %u", domid);
    dom = lookup(&be, "clone-ok");
    tap_ok(dom && virDomainGetInfo(dom, &info) == 0 && info.state == VIR_DOMAIN_RUNNING, "running after unpause");
    tap_ok(be.ops->set_vcpus(&be, 2) == XL_OK, "set vcpus 2 (%s)", xl_error_message());
    tap_ok(be.ops->set_memory(&be, 1536 * 1024) == XL_OK, "set memory 1.5 GiB (%s)", xl_error_message());
    if (dom && virDomainGetInfo(dom, &info) == 0) {
        TAP_EQ_INT(info.nrVirtCpu, 2, "vcpus seen by libvirt");
        TAP_EQ_INT(info.memory, 1536 * 1024, "memory seen by libvirt (KiB)");
    }
    if (dom)
        virDomainFree(dom);
    tap_ok(xl_backend_cleanup(&be) == XL_OK, "destroy + undefine (%s)", xl_error_message());
    dom = lookup(&be, "clone-ok");
    tap_ok(!dom, "no definition left after cleanup");
    if (dom)
        virDomainFree(dom);
    xl_backend_close(&be);

    /* Failure midway: the plan hook fails after the domain exists. */
    xl_backend_open(&be, "libvirt", "test:///default");
    prepare(&be, "clone-fail", 1);
    rc = xl_backend_start(&be, "clone-fail", hook_fail, NULL);
    tap_ok(rc != XL_OK && strstr(xl_error_message(), "plan write refused"), "hook failure is reported: %s",
           xl_error_message());
    dom = lookup(&be, "clone-fail");
    tap_ok(!dom, "a failed start leaves no domain and no definition");
    if (dom)
        virDomainFree(dom);
    tap_ok(!be.created && !be.defined, "backend holds nothing after the failure");
    xl_backend_close(&be);

    /* Failure at define: invalid XML for libvirt leaves nothing either. */
    xl_backend_open(&be, "libvirt", "test:///default");
    /* The driver keeps its prepared XML as text; put a bad one in its place. */
    be.prepared = xl_strdup("<domain type='test'><name>clone-bad</name><memory>x</memory></domain>");
    rc = xl_backend_start(&be, "clone-bad", NULL, NULL);
    tap_ok(rc != XL_OK, "libvirt refuses bad XML: %s", xl_error_message());
    dom = lookup(&be, "clone-bad");
    tap_ok(!dom, "nothing defined");
    if (dom)
        virDomainFree(dom);
    xl_backend_close(&be);
    virConnectClose(observer);
    return tap_done();
}
