/* xs-guest-hostile: a broken or malicious guest, run inside a testbed guest by
 * tests/xen/guest-hostile.
 *
 * 1. Answers dom0's clock pings: for each new xenlab-test/ping = K (written by
 *    dom0's xs-ping) it writes data/xenlab-test/pong/K = its wall clock, until
 *    dom0 writes xenlab-test/go.  dom0 gets the guest's clock offset from that.
 *    With --pong (beside the good guest's agent) it only does this, forever,
 *    so each guest's own offset is measured before and after its results.
 * 2. Tries what xenstored must refuse: rewriting or removing its own plan (dom0's
 *    xenlab/plan in its home), writing or removing another domain's results and
 *    plan (the domid in xenlab-test/victim), changing permissions.
 * 3. Writes into data/xenlab what a collector must survive: garbage and binary
 *    results, JSON with the wrong arm and types, oversize and chunk-lying values,
 *    a slot far out of range, a bogus state and progress, then 5,000 junk keys
 *    (xenstored's node quota stops it somewhere) with the commit marker bumped
 *    all along, and finally state "done" without one valid result.
 * 4. Removes the junk (to get its quota back) and reports every outcome under
 *    data/xenlab-test/: deny-<probe> = errno name or "ALLOWED", junk-written,
 *    junk-refused, junk-errno, oversize-<n> = outcome, then done = ok|fail. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "xs-test-util.h"

#define JUNK_KEYS 5000

static struct xs_handle *xs;

static bool put_len(const char *path, const char *value, size_t len)
{
    return xs_write(xs, XBT_NULL, path, value, (unsigned)len);
}

static bool put(const char *path, const char *value)
{
    return xst_put(xs, path, value);
}

/* Guest-side record of one outcome, kept until the quota is free again. */
struct outcome {
    char key[48];
    char value[48];
};
static struct outcome outcomes[64];
static size_t nr_outcomes;

static void note(const char *key, const char *value)
{
    if (nr_outcomes < sizeof(outcomes) / sizeof(outcomes[0])) {
        snprintf(outcomes[nr_outcomes].key, sizeof(outcomes[0].key), "%s", key);
        snprintf(outcomes[nr_outcomes].value, sizeof(outcomes[0].value), "%s", value);
        nr_outcomes++;
    }
    printf("xs-guest-hostile: %s: %s\n", key, value);
}

static char *get(const char *path)
{
    unsigned len = 0;

    return xs_read(xs, XBT_NULL, path, &len);
}

static void clock_pings(bool forever)
{
    char *go;
    long last = 0;

    for (;;) {
        char *ping = get("xenlab-test/ping");

        if (ping) {
            long k = strtol(ping, NULL, 10);

            if (k != last) {
                struct timespec ts;
                char path[64], val[32];

                clock_gettime(CLOCK_REALTIME, &ts);
                snprintf(val, sizeof(val), "%lld.%06ld", (long long)ts.tv_sec, ts.tv_nsec / 1000);
                snprintf(path, sizeof(path), "data/xenlab-test/pong/%ld", k);
                put(path, val);
                last = k;
            }
            free(ping);
        }
        go = forever ? NULL : get("xenlab-test/go");
        if (go) {
            free(go);
            return;
        }
        {
            unsigned n;
            char **ev = xs_read_watch(xs, &n);

            free(ev);
        }
    }
}

/* Each of these must be refused with EACCES. */
static bool denied_probes(unsigned victim)
{
    char vdata[64], vstate[64], vplan[64], vresult[64];
    struct xs_permissions all = { .id = 0, .perms = XS_PERM_READ | XS_PERM_WRITE };
    struct {
        const char *name, *path, *op;
    } probes[] = {
        { "deny-own-plan-write", "xenlab/plan", "write" },
        { "deny-own-plan-rm", "xenlab/plan", "rm" },
        { "deny-own-plan-chmod", "xenlab/plan", "chmod" },
        { "deny-victim-result", vresult, "write" },
        { "deny-victim-state", vstate, "write" },
        { "deny-victim-plan", vplan, "write" },
        { "deny-victim-data-rm", vdata, "rm" },
        { "deny-dom0-home", "/local/domain/0/xenlab-test", "write" },
    };
    bool all_denied = true;
    size_t i;

    snprintf(vdata, sizeof(vdata), "/local/domain/%u/data/xenlab", victim);
    snprintf(vstate, sizeof(vstate), "/local/domain/%u/data/xenlab/state", victim);
    snprintf(vplan, sizeof(vplan), "/local/domain/%u/xenlab/plan", victim);
    snprintf(vresult, sizeof(vresult), "/local/domain/%u/data/xenlab/result/0", victim);
    for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        bool ok;

        errno = 0;
        if (strcmp(probes[i].op, "rm") == 0)
            ok = xs_rm(xs, XBT_NULL, probes[i].path);
        else if (strcmp(probes[i].op, "chmod") == 0)
            ok = xs_set_permissions(xs, XBT_NULL, probes[i].path, &all, 1);
        else
            ok = put(probes[i].path, "{\"xenlab\":\"plan/1\",\"guest\":\"was here\"}");
        if (ok || errno != EACCES)
            all_denied = false;
        note(probes[i].name, ok ? "ALLOWED" : xst_errno_name(errno));
    }
    return all_denied;
}

static void commit_marker(unsigned *seq)
{
    char v[16];

    snprintf(v, sizeof(v), "%u", ++*seq);
    put("data/xenlab/updated", v);
}

static void garbage(unsigned *seq)
{
    static char big[4096];
    const char binary[] = { 0x01, 0x7f, (char)0xff, 0x00, 'x', '\n', '{' };
    char key[64];
    unsigned i;

    put("data/xenlab/state", "running");
    commit_marker(seq);
    put("data/xenlab/result/0", "{not json at all");
    put_len("data/xenlab/result/1", binary, sizeof(binary));
    /* well-formed, but another arm's trial */
    put("data/xenlab/result/2", "{\"xenlab\":\"result/1\",\"benchmark\":\"nqueens\",\"variant\":\"n8\","
                                "\"label\":\"N-Queens, N=8\",\"unit\":\"s\",\"better\":\"lower\",\"arm\":\"good\","
                                "\"trial\":3,\"status\":\"ok\",\"value\":0.001}");
    put("data/xenlab/result/3", "{\"xenlab\":\"result/1\",\"trial\":\"1\",\"value\":\"fast\"}");
    /* deep nesting, as long as xenstored lets one value be */
    memset(big, '[', 2000);
    put_len("data/xenlab/result/4", big, 2000);
    /* a chunk count that lies, and a chunk set with a hole */
    put("data/xenlab/result/5", "");
    put("data/xenlab/result/5/chunks", "99999");
    put("data/xenlab/result/6", "");
    put("data/xenlab/result/6/chunks", "3");
    put("data/xenlab/result/6/0", "{\"xenlab\":");
    put("data/xenlab/result/6/2", "}");
    put("data/xenlab/result/4294967296000", "{}");
    put("data/xenlab/result/-1", "{}");
    put("data/xenlab/progress", "99999999999999999999/1");
    put("data/xenlab/state", "exploded");
    commit_marker(seq);
    /* oversize values: what xenstored itself takes and refuses */
    memset(big, 'x', sizeof(big));
    for (i = 0; i < 3; i++) {
        static const size_t sizes[] = { 1500, 2100, 4000 };
        char name[32];

        snprintf(key, sizeof(key), "data/xenlab/result/%u", 7 + i);
        errno = 0;
        snprintf(name, sizeof(name), "oversize-%zu", sizes[i]);
        note(name, put_len(key, big, sizes[i]) ? "stored" : xst_errno_name(errno));
    }
    errno = 0;
    note("oversize-error-2000", put_len("data/xenlab/error", big, 2000) ? "stored" : xst_errno_name(errno));
    commit_marker(seq);
}

static void junk(unsigned *seq)
{
    unsigned i, written = 0, refused = 0;
    int first_errno = 0;
    char key[64], v[32];

    for (i = 0; i < JUNK_KEYS; i++) {
        snprintf(key, sizeof(key), "data/xenlab/result/junk%u", i);
        errno = 0;
        if (put(key, "\x7f junk \x01"))
            written++;
        else {
            refused++;
            if (!first_errno)
                first_errno = errno;
        }
        if (i % 100 == 99)
            commit_marker(seq);
    }
    snprintf(v, sizeof(v), "%u", written);
    note("junk-written", v);
    snprintf(v, sizeof(v), "%u", refused);
    note("junk-refused", v);
    note("junk-errno", first_errno ? xst_errno_name(first_errno) : "none");
}

int main(int argc, char **argv)
{
    unsigned seq = 0, victim;
    bool ok;
    char *v;
    size_t i;

    setvbuf(stdout, NULL, _IOLBF, 0);
    xs = xs_open(0);
    if (!xs) {
        printf("xs-guest-hostile: cannot open XenStore: %s\n", strerror(errno));
        return 2;
    }
    if (!xs_watch(xs, "xenlab-test", "t")) {
        printf("xs-guest-hostile: watch xenlab-test: %s\n", strerror(errno));
        return 2;
    }
    if (argc > 1 && strcmp(argv[1], "--pong") == 0) {
        put("data/xenlab-test/pong-ready", "1");
        clock_pings(true);
        return 0;
    }
    put("data/xenlab-test/ready", "1");
    clock_pings(false);
    {
        unsigned len;

        v = xst_wait_read(xs, "xenlab-test/victim", -1, &len);
    }
    if (!v) {
        printf("xs-guest-hostile: waiting for xenlab-test/victim: %s\n", strerror(errno));
        return 2;
    }
    victim = (unsigned)strtoul(v, NULL, 10);
    free(v);

    ok = denied_probes(victim);
    garbage(&seq);
    junk(&seq);
    put("data/xenlab/state", "done");
    commit_marker(&seq);
    /* Leave the junk in place while dom0's collector looks, then take it back. */
    sleep(5);
    xs_rm(xs, XBT_NULL, "data/xenlab/result");
    for (i = 0; i < nr_outcomes; i++) {
        char path[128];

        snprintf(path, sizeof(path), "data/xenlab-test/%.47s", outcomes[i].key);
        if (!put(path, outcomes[i].value))
            ok = false;
    }
    put("data/xenlab-test/done", ok ? "ok" : "fail");
    xs_close(xs);
    return ok ? 0 : 1;
}
