/* xenlab collect: watch running guests and journal their results, for a
 * person (the runner uses plugin/collector.h directly). Each domain's plan is
 * read back from its XenStore home to learn its slot count. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <xenstore.h>

#include "collector.h"
#include "commands.h"
#include "json-util.h"
#include "plan.h"
#include "xl-util.h"
#include "xs-layout.h"

#define MAX_DOMAINS 256

static const char usage_text[] =
    "usage: xenlab collect --domain ID[:ARM] [--domain ...] --journal FILE [--timeout S]\n";

struct want {
    unsigned domid;
    char *arm;
};

static int read_node(void *opaque, const char *path, size_t max, char **val_r, size_t *len_r)
{
    unsigned len = 0;
    char *v = xs_read(opaque, XBT_NULL, path, &len);

    if (!v)
        return errno == ENOENT ? XL_ERR_NOTFOUND : xl_error_errno(XL_ERR_FAIL, errno, "read %s", path);
    if (len > max) {
        free(v);
        return xl_error(XL_ERR_FAIL, "%s: %u bytes, more than %zu", path, len, max);
    }
    *val_r = v;
    *len_r = len;
    return XL_OK;
}

static int read_plan(struct xs_handle *xs, unsigned domid, struct xl_plan *p)
{
    static const char *const where[] = { XL_XS_PLAN, XL_XS_PLAN_VMDATA };
    xl_autofree char *home = xl_xs_home(domid);
    int rc = XL_ERR_NOTFOUND;
    size_t i;

    for (i = 0; i < XL_ARRAY_SIZE(where) && rc == XL_ERR_NOTFOUND; i++) {
        xl_autofree char *path = xl_xs_path(home, where[i]);
        xl_autofree char *text = NULL;
        json_object *obj = NULL;
        size_t len = 0;

        rc = xl_xs_value_read(read_node, xs, path, XL_PLAN_MAX_BYTES, &text, &len);
        if (rc)
            continue;
        rc = xl_json_parse(text, len, path, &obj);
        if (!rc)
            rc = xl_plan_from_json(obj, path, p);
        json_object_put(obj);
    }
    if (rc == XL_ERR_NOTFOUND)
        rc = xl_error(XL_ERR_INVAL, "domain %u: no plan in %s/%s", domid, home, XL_XS_PLAN);
    return rc;
}

static void on_finished(void *opaque, unsigned domid, bool ok, const char *reason)
{
    (void)opaque;
    printf("domain %u: %s%s%s\n", domid, ok ? "done" : "failed", reason ? ": " : "", reason ? reason : "");
}

static void on_invalid(void *opaque, unsigned domid, long slot, const char *reason)
{
    (void)opaque;
    (void)slot;
    fprintf(stderr, "xenlab: domain %u: invalid: %s\n", domid, reason);
}

int xl_cmd_collect(int argc, char **argv)
{
    static const struct option opts[] = {
        { "domain", required_argument, NULL, 'd' },
        { "journal", required_argument, NULL, 'j' },
        { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static const struct xl_collector_ops ops = { .invalid = on_invalid, .finished = on_finished };
    struct want wants[MAX_DOMAINS];
    size_t nr = 0, i, failed = 0;
    const char *journal = NULL;
    double timeout = 0;
    struct xl_collector *c = NULL;
    struct xs_handle *xs = NULL;
    int opt, rc = XL_OK, exit_code = -1;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end = NULL;
        unsigned long id;

        switch (opt) {
        case 'd':
            errno = 0;
            id = strtoul(optarg, &end, 10);
            if (errno || end == optarg || optarg[0] == '-' || id == 0 || id >= 0x7ff0 ||
                (*end && (*end != ':' || !end[1]))) {
                rc = xl_error(XL_ERR_INVAL, "--domain: \"%s\" is not ID[:ARM] with a guest domain id", optarg);
                goto out;
            }
            if (nr == MAX_DOMAINS) {
                rc = xl_error(XL_ERR_INVAL, "--domain: at most %d domains", MAX_DOMAINS);
                goto out;
            }
            wants[nr].domid = (unsigned)id;
            wants[nr].arm = *end ? xl_strdup(end + 1) : NULL;
            nr++;
            break;
        case 'j': journal = optarg; break;
        case 't':
            timeout = strtod(optarg, &end);
            if (end == optarg || *end || timeout <= 0) {
                rc = xl_error(XL_ERR_INVAL, "--timeout: \"%s\" must be seconds > 0", optarg);
                goto out;
            }
            break;
        case 'h':
            fputs(usage_text, stdout);
            exit_code = 0;
            goto out;
        default:
            fputs(usage_text, stderr);
            /* getopt has said what was wrong; the usage line is the rest. */
            exit_code = 2;
            goto out;
        }
    }
    if (!nr || !journal || optind < argc) {
        rc = xl_error(XL_ERR_INVAL, "collect: give --domain ID[:ARM] and --journal FILE");
        goto out;
    }
    xs = xs_open(0);
    if (!xs) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "cannot open XenStore");
        goto out;
    }
    rc = xl_collector_new(journal, &ops, NULL, &c);
    for (i = 0; i < nr && !rc; i++) {
        struct xl_plan plan;
        struct xl_collect_domain d = { .domid = wants[i].domid, .arm = wants[i].arm, .timeout_s = timeout };

        xl_plan_init(&plan);
        rc = read_plan(xs, wants[i].domid, &plan);
        if (!rc) {
            d.nr_slots = xl_plan_nr_slots(&plan);
            d.max_trials = plan.policy.max_trials;
            d.plan = &plan;
            if (!d.arm)
                d.arm = plan.arm;
            rc = xl_collector_add(c, &d);
        }
        xl_plan_dispose(&plan);
    }
    if (!rc)
        rc = xl_collector_run(c, -1);
    for (i = 0; !rc && i < nr; i++)
        if (strcmp(xl_collector_status(c, wants[i].domid, NULL), "done") != 0)
            failed++;
    if (!rc && failed)
        rc = xl_error(XL_ERR_FAIL, "%zu of %zu domains failed", failed, nr);
out:
    xl_collector_free(c);
    if (xs)
        xs_close(xs);
    for (i = 0; i < nr; i++)
        free(wants[i].arm);
    if (exit_code >= 0)
        return exit_code;
    return rc ? xl_cli_fail(rc) : 0;
}
