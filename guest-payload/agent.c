/* xenlab-guest-agent: the guest end of the XenStore channel (layout in
 * common/xs-layout.h). Waits for the plan with a watch, runs it through the
 * plan executor and writes each result as it completes. A separate program
 * so that the worker, xenlab-guest, links no Xen library. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "config.h"
#include "grow-root.h"
#include "inputs.h"
#include "json-util.h"
#include "oci-run.h"
#include "plan-run.h"
#include "self-path.h"
#include "text.h"
#include "trial-log.h"
#include "xl-util.h"
#include "xs-io.h"
#include "xs-layout.h"

/* A plan write that is not atomic (dom0 without a transaction) shows up as a
 * chunk set in progress: wait this long after the last change before calling
 * it malformed. */
#define PLAN_SETTLE_S 2.0

static const char usage_text[] =
    "usage: xenlab-guest-agent [--home /local/domain/ID] [--plan-file FILE]\n"
    "                          [--worker PATH] [--workdir DIR] [--plan-timeout S]\n"
    "                          [--payload DEV]   (the disk with the inputs; default: the one labelled\n"
    "                                             xenlab-payload, mounted only for a plan with inputs)\n";

struct agent {
    struct xs_handle *xs;
    char *home;
    struct xl_plan plan;
    size_t nr_slots;
    size_t done;
    unsigned long seq;
    const char *payload_dev;  /* --payload; NULL: found by label */
};

struct txn {
    struct agent *a;
    xs_transaction_t t;
};

static int xs_write_node(void *opaque, const char *path, const char *val, size_t len)
{
    struct txn *tx = opaque;

    if (!xs_write(tx->a->xs, tx->t, path, val, (unsigned)len))
        return xl_error_errno(XL_ERR_FAIL, errno, "write %s", path);
    return XL_OK;
}

/* One commit: the keys given (NULL value removes the node), then `updated`,
 * in one transaction so dom0 never sees half of it. Retried on EAGAIN. */
struct kv {
    const char *rel;
    const char *val;
    size_t chunked_max;      /* val is a (possibly chunked) document of at most this; 0: one node */
};

static int commit(struct agent *a, const struct kv *kvs, size_t n)
{
    struct txn tx = { .a = a };
    char seq[32];
    int rc = XL_OK, tries;
    size_t i;

    for (tries = 0; tries < 100; tries++) {
        tx.t = xs_transaction_start(a->xs);
        if (tx.t == XBT_NULL)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s: transaction start", a->home);
        for (i = 0; i < n && !rc; i++) {
            xl_autofree char *path = xl_xs_path(a->home, kvs[i].rel);

            if (kvs[i].chunked_max || !kvs[i].val)
                if (!xs_rm(a->xs, tx.t, path) && errno != ENOENT)
                    rc = xl_error_errno(XL_ERR_FAIL, errno, "rm %s", path);
            if (!rc && kvs[i].chunked_max)
                rc = xl_xs_value_write(xs_write_node, &tx, path, kvs[i].val, strlen(kvs[i].val),
                                       kvs[i].chunked_max);
            else if (!rc && kvs[i].val)
                rc = xs_write_node(&tx, path, kvs[i].val, strlen(kvs[i].val));
        }
        if (!rc) {
            xl_autofree char *path = xl_xs_path(a->home, XL_XS_UPDATED);

            snprintf(seq, sizeof(seq), "%lu", a->seq + 1);
            rc = xs_write_node(&tx, path, seq, strlen(seq));
        }
        if (rc) {
            xs_transaction_end(a->xs, tx.t, true);
            return rc;
        }
        if (xs_transaction_end(a->xs, tx.t, false)) {
            a->seq++;
            return XL_OK;
        }
        if (errno != EAGAIN)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s: transaction end", a->home);
    }
    return xl_error(XL_ERR_FAIL, "%s: transaction kept conflicting", a->home);
}

static int set_state(struct agent *a, enum xl_xs_state s, const char *error)
{
    struct kv kvs[] = {
        { XL_XS_STATE, xl_xs_state_name(s), 0 },
        { XL_XS_ERROR, error, 0 },
    };

    return commit(a, kvs, error ? 2 : 1);
}

static int fail(struct agent *a, int rc)
{
    xl_autofree char *msg = xl_strdup(xl_error_message());

    /* The error key: one printable line, cut to fit a node. */
    xl_text_ascii(msg, XL_XS_CHUNK_BYTES);
    fprintf(stderr, "xenlab-guest-agent: %s\n", msg);
    if (a->xs && a->home && set_state(a, XL_XS_FAILED, msg))
        fprintf(stderr, "xenlab-guest-agent: cannot report the failure: %s\n", xl_error_message());
    return rc;
}

static int plan_from_text(const char *text, size_t len, const char *what, struct xl_plan *p)
{
    json_object *obj = NULL;
    int rc = xl_json_parse(text, len, what, &obj);

    if (!rc)
        rc = xl_plan_from_json(obj, what, p);
    json_object_put(obj);
    return rc;
}

/* Tries both plan locations; XL_ERR_NOTFOUND when neither exists yet. */
static int try_read_plan(struct agent *a)
{
    static const char *const where[] = { XL_XS_PLAN, XL_XS_PLAN_VMDATA };
    size_t i;
    int rc = XL_ERR_NOTFOUND;

    for (i = 0; i < XL_ARRAY_SIZE(where) && rc == XL_ERR_NOTFOUND; i++) {
        xl_autofree char *path = xl_xs_path(a->home, where[i]);
        xl_autofree char *text = NULL;
        size_t len = 0;

        rc = xl_xs_value_read(xl_xs_read_node, a->xs, path, XL_PLAN_MAX_BYTES, &text, &len);
        if (rc == XL_OK) {
            xl_plan_dispose(&a->plan);
            xl_plan_init(&a->plan);
            rc = plan_from_text(text, len, path, &a->plan);
        }
    }
    return rc;
}

/* Waits for the plan with watches on both locations: no polling. */
static int wait_plan(struct agent *a, double timeout_s)
{
    xl_autofree char *p1 = xl_xs_path(a->home, XL_XS_PLAN);
    xl_autofree char *p2 = xl_xs_path(a->home, XL_XS_PLAN_VMDATA);
    double deadline = timeout_s > 0 ? xl_now() + timeout_s : 0, settle = 0;
    int rc;

    if (!xs_watch(a->xs, p1, "plan") || !xs_watch(a->xs, p2, "plan"))
        return xl_error_errno(XL_ERR_FAIL, errno, "watch %s", p1);
    for (;;) {
        struct pollfd pfd = { .fd = xs_fileno(a->xs), .events = POLLIN };
        double now = xl_now(), until = 0;
        char **ev;
        int r;

        rc = try_read_plan(a);
        if (rc == XL_OK || (rc != XL_ERR_NOTFOUND && rc != XL_ERR_GUEST && rc != XL_ERR_INVAL))
            break;
        if (rc != XL_ERR_NOTFOUND) {
            if (!settle)
                settle = now + PLAN_SETTLE_S;
            if (now >= settle)
                break;
            until = settle;
        }
        if (deadline && (!until || deadline < until))
            until = deadline;
        if (deadline && now >= deadline) {
            rc = xl_error(XL_ERR_TIMEOUT, "%s: no plan after %g s", p1, timeout_s);
            break;
        }
        r = poll(&pfd, 1, until ? (int)((until - now) * 1000) + 1 : -1);
        if (r < 0 && errno != EINTR) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "poll");
            break;
        }
        while ((ev = xs_check_watch(a->xs)) != NULL) {
            free(ev);
            settle = 0;
        }
    }
    xs_unwatch(a->xs, p1, "plan");
    xs_unwatch(a->xs, p2, "plan");
    return rc;
}

static int emit(void *opaque, size_t index, const struct xl_result *r)
{
    struct agent *a = opaque;
    json_object *o = xl_result_to_json(r);
    xl_autofree char *rel = xl_asprintf(XL_XS_RESULT "/%zu", index);
    xl_autofree char *log_rel = xl_asprintf(XL_XS_LOG "/%zu", index);
    /* The output beside its result, in one transaction; its share of the
     * quota (trial-log.h) may leave room for none. */
    xl_autofree char *log = r->output ? xl_log_doc_format(r->output, xl_log_doc_cap(a->nr_slots)) : NULL;
    char progress[48];
    int rc;

    a->done++;
    snprintf(progress, sizeof(progress), "%zu/%zu", a->done, a->nr_slots);
    {
        struct kv kvs[] = {
            { rel, xl_json_compact(o), XL_RESULT_MAX_BYTES },
            { XL_XS_PROGRESS, progress, 0 },
            { log_rel, log, XL_LOG_DOC_MAX_BYTES },
        };

        rc = commit(a, kvs, log ? 3 : 2);
        /* A log is extra: if XenStore refuses it (a quota), the result
         * still goes, without it. */
        if (rc && log) {
            fprintf(stderr, "xenlab-guest-agent: result %zu: its log was refused (%s); sent without it\n", index,
                    xl_error_message());
            rc = commit(a, kvs, 2);
        }
    }
    json_object_put(o);
    if (rc)
        xl_error_prefix(rc, "result %zu", index);
    return rc;
}

static int run(struct agent *a, const char *plan_file, const char *worker, const char *workdir,
               double plan_timeout)
{
    struct xl_plan_runner pr = { 0 };
    char *mnt = NULL;
    xl_autofree char *found = NULL;
    int rc;

    rc = set_state(a, XL_XS_BOOTING, NULL);
    if (rc)
        return fail(a, rc);
    if (plan_file) {
        xl_autofree char *text = NULL;
        size_t len = 0;

        rc = xl_read_file(plan_file, XL_PLAN_MAX_BYTES, &text, &len);
        if (!rc)
            rc = plan_from_text(text, len, plan_file, &a->plan);
    } else {
        rc = wait_plan(a, plan_timeout);
    }
    if (rc)
        return fail(a, xl_error_prefix(rc, "plan"));
    a->nr_slots = xl_plan_nr_slots(&a->plan);
    if (a->nr_slots > XL_XS_MAX_SLOTS)
        return fail(a, xl_error(XL_ERR_INVAL, "plan: %zu result slots, more than XenStore quotas allow (%d)",
                                a->nr_slots, XL_XS_MAX_SLOTS));
    /* Before any benchmark: the filesystem the benchmarks use must have
     * the size the arm asked for. A growth that fails fails the arm. */
    if (a->plan.grow_root) {
        struct xl_root_growth g;

        rc = set_state(a, XL_XS_GROWING, NULL);
        /* A plan reaches agents that are not a clone's too (a stand-in in
         * dom0, a test): only a Xen guest's own disk is grown unasked. */
        if (!rc && !xl_in_xen_guest())
            rc = xl_error(XL_ERR_INVAL, "growth: the plan asks to grow the disk, but this is not a Xen guest "
                          "(dom0, or no /sys/hypervisor/type \"xen\"): nothing grown");
        if (!rc)
            rc = xl_grow_root(workdir ? workdir : "/", &g);
        if (rc)
            return fail(a, rc);
        fprintf(stderr, "xenlab-guest-agent: %s: filesystem %llu -> %llu bytes%s%s\n", g.device,
                (unsigned long long)g.fs_before, (unsigned long long)g.fs_after,
                g.partition_grown ? ", partition grown on " : "", g.partition_grown ? g.disk : "");
    }
    {
        char progress[48];
        struct kv kvs[] = {
            { XL_XS_RESULT, NULL, 0 },
            { XL_XS_LOG, NULL, 0 },
            { XL_XS_ERROR, NULL, 0 },
            { XL_XS_STATE, "running", 0 },
            { XL_XS_PROGRESS, progress, 0 },
        };

        snprintf(progress, sizeof(progress), "0/%zu", a->nr_slots);
        rc = commit(a, kvs, XL_ARRAY_SIZE(kvs));
        if (rc)
            return fail(a, rc);
    }
    if (!worker) {
        found = xl_self_sibling("xenlab-guest");
        if (found && access(found, X_OK) == 0)
            worker = found;
    }
    /* The inputs dom0 put on the payload disk, read-only, for the plan's
     * commands; a plan that names some cannot run without them. */
    if (xl_bench_with_inputs(a->plan.items, a->plan.nr_items)) {
        rc = xl_inputs_mount(a->payload_dev, &a->plan, &mnt);
        if (rc)
            return fail(a, rc);
    }
    pr.plan = &a->plan;
    pr.worker = worker ? worker : "xenlab-guest";
    pr.workdir = workdir;
    pr.emit = emit;
    pr.opaque = a;
    rc = xl_plan_run(&pr);
    xl_inputs_unmount(mnt);
    if (rc)
        return fail(a, rc);
    rc = set_state(a, XL_XS_DONE, NULL);
    if (rc)
        return fail(a, rc);
    return XL_OK;
}

static int find_home(struct agent *a)
{
    unsigned len = 0;
    xl_autofree char *v = xs_read(a->xs, XBT_NULL, "domid", &len);
    size_t id;

    if (!v)
        return xl_error_errno(XL_ERR_FAIL, errno, "read domid (not in a Xen guest? give --home)");
    if (xl_xs_parse_index(v, len, 0x7fef, &id))
        return xl_error(XL_ERR_FAIL, "domid: \"%.16s\" is not a domain id", v);
    a->home = xl_xs_home((unsigned)id);
    return XL_OK;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "home", required_argument, NULL, 'h' },
        { "plan-file", required_argument, NULL, 'p' },
        { "worker", required_argument, NULL, 'w' },
        { "workdir", required_argument, NULL, 'd' },
        { "plan-timeout", required_argument, NULL, 't' },
        { "payload", required_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'H' },
        { NULL, 0, NULL, 0 },
    };
    struct agent a = { 0 };
    const char *plan_file = NULL, *worker = NULL, *workdir = NULL;
    double plan_timeout = 0;
    char *end = NULL;
    int opt, rc;

    xl_plan_init(&a.plan);
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            if (strncmp(optarg, "/local/domain/", 14) != 0 || strlen(optarg) > 40) {
                fprintf(stderr, "xenlab-guest-agent: --home: \"%s\" is not /local/domain/ID\n", optarg);
                return 2;
            }
            free(a.home);
            a.home = xl_strdup(optarg);
            break;
        case 'p': plan_file = optarg; break;
        case 'w': worker = optarg; break;
        case 'd': workdir = optarg; break;
        case 'P': a.payload_dev = optarg; break;
        case 't':
            plan_timeout = strtod(optarg, &end);
            if (end == optarg || *end || plan_timeout < 0) {
                fprintf(stderr, "xenlab-guest-agent: --plan-timeout: \"%s\" must be seconds >= 0\n", optarg);
                return 2;
            }
            break;
        case 'H':
            fputs(usage_text, stdout);
            return 0;
        default:
            fputs(usage_text, stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xenlab-guest-agent: unexpected argument \"%s\"\n%s", argv[optind], usage_text);
        return 2;
    }
    a.xs = xs_open(0);
    if (!a.xs) {
        fprintf(stderr, "xenlab-guest-agent: cannot open XenStore: %s\n", strerror(errno));
        rc = XL_ERR_FAIL;
        goto out;
    }
    if (!a.home) {
        rc = find_home(&a);
        if (rc) {
            fprintf(stderr, "xenlab-guest-agent: %s\n", xl_error_message());
            goto out;
        }
    }
    /* A previous agent (or its worker) killed mid-trial left its container behind. */
    xl_oci_reap();
    rc = run(&a, plan_file, worker, workdir, plan_timeout);
out:
    if (a.xs)
        xs_close(a.xs);
    free(a.home);
    xl_plan_dispose(&a.plan);
    return rc ? 1 : 0;
}
