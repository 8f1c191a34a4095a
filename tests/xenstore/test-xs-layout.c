/* The XenStore value layout on the real xenstored: a plan written by dom0
 * (inline and chunked > 10 KB) reads back identical and parses; malformed
 * chunk sets are refused with a reason naming the node.
 * (Socket clients are all privileged here: that the guest cannot write its
 * plan is verified on the Xen testbed.) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xenstore.h>

#include "json-util.h"
#include "plan.h"
#include "tap.h"
#include "xl-util.h"
#include "xs-layout.h"
#include "xsd-harness.h"

struct ctx {
    struct xs_handle *xs;
    xs_transaction_t t;
};

static int rd(void *opaque, const char *path, size_t max, char **val_r, size_t *len_r)
{
    struct ctx *c = opaque;
    unsigned len = 0;
    char *v = xs_read(c->xs, XBT_NULL, path, &len);

    if (!v)
        return errno == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL;
    if (len > max) {
        free(v);
        return xl_error(XL_ERR_GUEST, "%s: %u bytes, more than %zu", path, len, max);
    }
    *val_r = v;
    *len_r = len;
    return XL_OK;
}

static int wr(void *opaque, const char *path, const char *val, size_t len)
{
    struct ctx *c = opaque;

    return xs_write(c->xs, c->t, path, val, (unsigned)len) ? XL_OK : XL_ERR_FAIL;
}

static int put_value(struct ctx *c, const char *path, const char *val)
{
    int rc;

    c->t = xs_transaction_start(c->xs);
    xs_rm(c->xs, c->t, path);
    rc = xl_xs_value_write(wr, c, path, val, strlen(val), XL_PLAN_MAX_BYTES);
    if (!xs_transaction_end(c->xs, c->t, rc != XL_OK) && !rc)
        rc = XL_ERR_FAIL;
    c->t = XBT_NULL;
    return rc;
}

static char *big_plan_text(void)
{
    struct xl_plan p;
    json_object *o;
    char *text;
    size_t i;

    xl_plan_init(&p);
    p.run_id = xl_strdup("run-big");
    p.arm = xl_strdup("vm1");
    p.replica = 1;
    p.policy.trials = p.policy.max_trials = 1;
    p.nr_items = 4;
    p.items = xl_calloc(p.nr_items, sizeof(*p.items));
    for (i = 0; i < p.nr_items; i++) {
        char dir[3001];

        xl_bench_params_init(&p.items[i]);
        p.items[i].kind = XL_BENCH_DBENCH;
        p.items[i].clients = 2;
        p.items[i].seconds = 5;
        memset(dir, 'a' + (int)i, sizeof(dir) - 1);
        dir[0] = '/';
        dir[sizeof(dir) - 1] = '\0';
        p.items[i].dir = xl_strdup(dir);
    }
    o = xl_plan_to_json(&p);
    text = xl_strdup(xl_json_compact(o));
    json_object_put(o);
    xl_plan_dispose(&p);
    return text;
}

static void round_trip(struct ctx *c, const char *path, const char *text, const char *name)
{
    char *back = NULL;
    size_t len = 0;
    json_object *obj = NULL;
    struct xl_plan p;
    int rc;

    xl_plan_init(&p);
    rc = put_value(c, path, text);
    TAP_EQ_INT(rc, XL_OK, name);
    rc = xl_xs_value_read(rd, c, path, XL_PLAN_MAX_BYTES, &back, &len);
    tap_ok(rc == XL_OK && len == strlen(text) && memcmp(back, text, len) == 0, "%s: reads back (%zu bytes)",
           name, strlen(text));
    tap_ok(rc == XL_OK && xl_json_parse(back, len, path, &obj) == XL_OK &&
               xl_plan_from_json(obj, path, &p) == XL_OK,
           "%s: parses as a plan", name);
    json_object_put(obj);
    xl_plan_dispose(&p);
    free(back);
}

static void expect_bad(struct ctx *c, const char *path, const char *want, const char *name)
{
    char *back = NULL;
    size_t len = 0;
    int rc = xl_xs_value_read(rd, c, path, XL_PLAN_MAX_BYTES, &back, &len);

    tap_ok(rc == XL_ERR_GUEST && strstr(xl_error_message(), want), "%s (%s)", name,
           rc ? xl_error_message() : "accepted");
    free(back);
}

int main(int argc, char **argv)
{
    struct xsd x;
    struct ctx c = { 0 };
    const char *why = NULL;
    const char *small = "{\"xenlab\":\"plan/1\",\"run\":\"r1\",\"arm\":\"vm1\",\"replica\":1,\"trials\":2,"
                        "\"max_trials\":2,\"target_deviation\":0,\"trial_timeout\":60,\"run_in\":\"guest\","
                        "\"items\":[{\"id\":\"nqueens\",\"n\":6}]}";
    char *big = big_plan_text();
    char path[128];
    int r;

    r = xsd_start(&x, argc > 1 ? argv[1] : NULL, &why);
    if (r == 77)
        tap_skip_all("%s", why);
    if (r) {
        printf("Bail out! xenstored: %s\n", why);
        return 1;
    }
    c.xs = xs_open(0);
    tap_ok(c.xs != NULL, "libxenstore connects to the private xenstored");
    if (!c.xs)
        goto out;

    round_trip(&c, "/local/domain/5/xenlab/plan", small, "small plan (inline)");
    tap_ok(strlen(big) > 10 * 1024, "big plan is over 10 KB (%zu bytes)", strlen(big));
    round_trip(&c, "/local/domain/5/xenlab/plan", big, "big plan (chunked)");
    {
        char *v = xs_read(c.xs, XBT_NULL, "/local/domain/5/xenlab/plan/chunks", NULL);
        unsigned n = 0;
        char **dir = xs_directory(c.xs, XBT_NULL, "/local/domain/5/xenlab/plan", &n);

        tap_ok(v && (size_t)atoi(v) == (strlen(big) + XL_XS_CHUNK_BYTES - 1) / XL_XS_CHUNK_BYTES,
               "chunks holds N = ceil(len / %d) (%s)", XL_XS_CHUNK_BYTES, v ? v : "missing");
        tap_ok(dir && n == (unsigned)atoi(v ? v : "0") + 1, "N chunk nodes plus chunks, nothing else (%u)", n);
        free(v);
        free(dir);
    }
    round_trip(&c, "/local/domain/5/xenlab/plan", small, "rewriting removes the old chunks");

    /* Malformed chunk sets, as a hostile or half-written value looks. */
    snprintf(path, sizeof(path), "/local/domain/7/data/v");
    xsd_put(c.xs, "/local/domain/7/data/v/chunks", "3");
    xsd_put(c.xs, "/local/domain/7/data/v/0", "short");
    expect_bad(&c, path, "chunk has 5 bytes", "short middle chunk refused");
    xsd_put(c.xs, "/local/domain/7/data/v/chunks", "100000");
    expect_bad(&c, path, "must be a number", "chunk count over the bound refused");
    xsd_put(c.xs, "/local/domain/7/data/v/chunks", "02");
    expect_bad(&c, path, "must be a number", "leading zero refused");
    xsd_put(c.xs, "/local/domain/7/data/v/chunks", "2");
    expect_bad(&c, path, "chunk has 5 bytes", "first chunk must be full");
    xs_rm(c.xs, XBT_NULL, "/local/domain/7/data/v");
    xsd_put(c.xs, "/local/domain/7/data/v", "caf\xc3\xa9");
    expect_bad(&c, path, "not printable ASCII", "non-ASCII value refused");
    {
        char over[1200];

        memset(over, 'x', sizeof(over) - 1);
        over[sizeof(over) - 1] = '\0';
        xsd_put(c.xs, path, over);
        expect_bad(&c, path, "more than", "an inline value over the chunk size refused");
    }
    r = xl_xs_value_write(wr, &c, path, "caf\xc3\xa9", 5, 100);
    TAP_EQ_INT(r, XL_ERR_INVAL, "the writer refuses non-ASCII");
out:
    if (c.xs)
        xs_close(c.xs);
    xsd_stop(&x);
    free(big);
    return tap_done();
}
