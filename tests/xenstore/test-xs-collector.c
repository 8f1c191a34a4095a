/* The dom0 collector against hostile guests, on the real xenstored. The test
 * plays the guests: domain 9 misbehaves in every way we could think of,
 * domain 10 behaves and must be collected in full regardless; domain 11's
 * home vanishes mid-run; domain 12 never answers and times out; 13 and 14
 * relabel rows; 15 sends output logs, good and bad.
 * (Socket clients are all privileged here: guest permission enforcement is
 * verified on the Xen testbed.) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include "collector.h"
#include "json-util.h"
#include "plan.h"
#include "tap.h"
#include "xl-util.h"
#include "xsd-harness.h"

#define SLOTS 4

static char *result_text(const char *arm, unsigned trial)
{
    struct xl_bench_params bp;
    struct xl_result r;
    json_object *o;
    char *s;

    xl_bench_params_init(&bp);
    bp.kind = XL_BENCH_NQUEENS;
    bp.n = 6;
    xl_result_init(&r);
    xl_result_set_bench(&r, &bp);
    snprintf(r.arm, sizeof(r.arm), "%s", arm);
    r.trial = trial;
    r.ok = true;
    r.value = 0.001 * trial;
    o = xl_result_to_json(&r);
    s = xl_strdup(xl_json_compact(o));
    json_object_put(o);
    xl_result_dispose(&r);
    xl_bench_params_dispose(&bp);
    return s;
}

/* One guest commit: a result (or NULL) and updated, in a transaction. */
static void guest_commit(struct xs_handle *h, unsigned domid, const char *key, const char *val, unsigned seq)
{
    char path[256], num[16];
    xs_transaction_t t;

    do {
        t = xs_transaction_start(h);
        if (key) {
            snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab/%s", domid, key);
            xs_write(h, t, path, val, (unsigned)strlen(val));
        }
        snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab/updated", domid);
        snprintf(num, sizeof(num), "%u", seq);
        xs_write(h, t, path, num, (unsigned)strlen(num));
    } while (!xs_transaction_end(h, t, false));
}

/* A result and its log (common/trial-log.h) in one transaction. */
static void guest_commit_log(struct xs_handle *h, unsigned domid, unsigned slot, const char *val, const char *log,
                             unsigned seq)
{
    char path[256], num[16];
    xs_transaction_t t;

    do {
        t = xs_transaction_start(h);
        snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab/result/%u", domid, slot);
        xs_write(h, t, path, val, (unsigned)strlen(val));
        snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab-log/%u", domid, slot);
        xs_write(h, t, path, log, (unsigned)strlen(log));
        snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab/updated", domid);
        snprintf(num, sizeof(num), "%u", seq);
        xs_write(h, t, path, num, (unsigned)strlen(num));
    } while (!xs_transaction_end(h, t, false));
}

/* The guests, in a child process so the collector sees them live. */
/* A guest (domain DOMID) that writes SLOTS results, slot i with FROM[i]
 * replaced by TO[i] (NULL: as made); returns the next sequence number. */
static unsigned guest_rewrites(struct xs_handle *h, unsigned domid, const char *const *from,
                               const char *const *to, unsigned seq)
{
    char key[64], arm[16];
    unsigned i;

    snprintf(key, sizeof(key), "/local/domain/%u/data/xenlab/state", domid);
    xsd_put(h, key, "running");
    snprintf(arm, sizeof(arm), "vm%u", domid);
    for (i = 0; i < SLOTS; i++) {
        char *val = result_text(arm, i % 2 + 1), *p, *bad;

        snprintf(key, sizeof(key), "result/%u", i);
        p = from[i] ? strstr(val, from[i]) : NULL;
        bad = p ? xl_asprintf("%.*s%s%s", (int)(p - val), val, to[i], p + strlen(from[i])) : xl_strdup(val);
        guest_commit(h, domid, key, bad, seq++);
        free(bad);
        free(val);
    }
    return seq;
}

/* The journal the collector writes: domain 16's guest waits on it. */
static char journal_file[512];

static bool journal_has(const char *journal, const char *a, const char *b, const char *c)
{
    const char *needles[] = { a, b, c, NULL };

    return xsd_count_lines(journal, needles) > 0;
}

/* Until the collector has journalled domain 16 in STATE (at most 20 s). */
static void wait_journalled(const char *state)
{
    char st[48];

    snprintf(st, sizeof(st), "\"state\":\"%s\"", state);
    for (int i = 0; i < 2000 && !journal_has(journal_file, "\"event\":\"guest\"", "\"domain\":16,", st); i++)
        usleep(10000);
}

/* domain 16: a guest's way to its results, each state held until the
 * collector has journalled it, so every step is seen. */
static unsigned guest_states(struct xs_handle *h, unsigned seq)
{
    static const char *const states[] = { "booting", "growing", "running" };
    unsigned i;

    for (i = 0; i < 3; i++) {
        guest_commit(h, 16, "state", states[i], seq++);
        wait_journalled(states[i]);
    }
    for (i = 0; i < SLOTS; i++) {
        char key[32], *val = result_text("vm16", i % 2 + 1);

        snprintf(key, sizeof(key), "result/%u", i);
        guest_commit(h, 16, key, val, seq++);
        free(val);
    }
    guest_commit(h, 16, "state", "done", seq++);
    return seq;
}

static int guests(void)
{
    struct xs_handle *h = xs_open(0);
    char key[64], *val;
    unsigned seq = 1, i;
    char big[1500];

    if (!h)
        return 1;
    seq = guest_states(h, seq);
    xsd_put(h, "/local/domain/9/data/xenlab/state", "running");
    xsd_put(h, "/local/domain/10/data/xenlab/state", "running");
    xsd_put(h, "/local/domain/11/data/xenlab/state", "running");

    /* domain 9: oversize inline value */
    memset(big, '{', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    guest_commit(h, 9, "result/0", big, seq++);
    /* non-ASCII */
    guest_commit(h, 9, "result/1", "{\"xenlab\":\"result/1\",\"benchmark\":\"nq\xc3\xa9\"}", seq++);
    /* wrong JSON types */
    val = result_text("vm9", 3);
    {
        char *p = strstr(val, "\"trial\":3");
        char *wrong = xl_asprintf("%.*s\"trial\":\"3\"%s", (int)(p - val), val, p + 9);

        guest_commit(h, 9, "result/2", wrong, seq++);
        free(wrong);
    }
    free(val);
    /* not JSON at all */
    guest_commit(h, 9, "result/3", "]]]", seq++);
    /* a result index far out of range */
    guest_commit(h, 9, "result/4294967296000", "{}", seq++);
    /* 10,000 junk keys (a guest may write that many only outside real quotas) */
    for (i = 0; i < 10000; i++) {
        snprintf(key, sizeof(key), "/local/domain/9/data/xenlab/result/junk%u", i);
        xsd_put(h, key, "x");
    }
    guest_commit(h, 9, NULL, NULL, seq++);

    /* domain 10: well behaved, interleaved with the junk above */
    for (i = 0; i < SLOTS; i++) {
        snprintf(key, sizeof(key), "result/%u", i);
        val = result_text("vm10", i % 2 + 1);
        guest_commit(h, 10, key, val, seq++);
        free(val);
    }
    /* a rewrite of an acknowledged slot is ignored */
    val = result_text("vm10", 1);
    guest_commit(h, 10, "result/0", val, seq++);
    free(val);
    guest_commit(h, 10, "state", "done", seq++);

    /* domain 9 says it is done without valid results */
    guest_commit(h, 9, "state", "done", seq++);

    /* domain 11: one result, then its home vanishes (domain destroyed) */
    val = result_text("vm11", 1);
    guest_commit(h, 11, "result/0", val, seq++);
    free(val);
    usleep(200 * 1000);
    xs_rm(h, XBT_NULL, "/local/domain/11");

    /* domain 13: relabels its rows (another arm's too, in a report) */
    {
        const char *from[] = { NULL, "N-Queens, N=6", "\"unit\":\"s\"", "\"better\":\"lower\"" };
        const char *to[] = { NULL, "=HYPERLINK(\\\"http://evil\\\",\\\"Faster\\\")", "\"unit\":\"MB/s\"",
                             "\"better\":\"higher\"" };

        seq = guest_rewrites(h, 13, from, to, seq);
    }
    guest_commit(h, 13, "state", "done", seq++);

    /* domain 14: claims another benchmark for slot 0 and another variant
     * for slot 2, valid results both, so only the plan can tell */
    {
        const char *from[] = { "\"benchmark\":\"nqueens\"", NULL, "\"variant\":\"", NULL };
        const char *to[] = { "\"benchmark\":\"memory\"", NULL, "\"variant\":\"other-", NULL };

        seq = guest_rewrites(h, 14, from, to, seq);
    }
    guest_commit(h, 14, "state", "done", seq++);

    /* domain 15: logs beside its results: good, not JSON, one node over the
     * chunk size, and a good one where a symlink waits in the log dir */
    xsd_put(h, "/local/domain/15/data/xenlab/state", "running");
    {
        char huge[2001];
        const char *logs[SLOTS] = { "{\"xenlab\":\"log/1\",\"text\":\"line one\\nline two\\n\"}", "not json", huge,
                                    "{\"xenlab\":\"log/1\",\"text\":\"x\"}" };

        memset(huge, 'a', sizeof(huge) - 1);
        huge[sizeof(huge) - 1] = '\0';
        for (i = 0; i < SLOTS; i++) {
            val = result_text("vm15", i % 2 + 1);
            guest_commit_log(h, 15, i, val, logs[i], seq++);
            free(val);
        }
    }
    guest_commit(h, 15, "state", "done", seq++);
    xs_close(h);
    return 0;
}

struct seen {
    const char *journal;
    int unjournalled;         /* acknowledgements before their line was in the journal */
    int results[17];
    int invalid[17];
    int finished[17];
    int states[17];
    char state[17][16];
    double finished_at[17];
};

static void on_result(void *opaque, unsigned domid, size_t slot, const struct xl_result *r)
{
    struct seen *s = opaque;
    char dom[32], sl[32];
    const char *needles[] = { "\"event\":\"result\"", dom, sl, NULL };

    (void)r;
    /* Group commit must not acknowledge a result before its line is written. */
    snprintf(dom, sizeof(dom), "\"domain\":%u,", domid);
    snprintf(sl, sizeof(sl), "\"slot\":%zu,", slot);
    if (xsd_count_lines(s->journal, needles) != 1)
        s->unjournalled++;
    s->results[domid]++;
}

static void on_invalid(void *opaque, unsigned domid, long slot, const char *reason)
{
    struct seen *s = opaque;

    tap_diag("domain %u slot %ld invalid: %.160s", domid, slot, reason);
    s->invalid[domid]++;
}

static void on_finished(void *opaque, unsigned domid, bool ok, const char *reason)
{
    struct seen *s = opaque;

    tap_diag("domain %u %s: %s", domid, ok ? "done" : "failed", reason ? reason : "");
    s->finished[domid]++;
    s->finished_at[domid] = xl_now();
}

static void on_state(void *opaque, unsigned domid, const char *state)
{
    struct seen *s = opaque;

    s->states[domid]++;
    snprintf(s->state[domid], sizeof(s->state[domid]), "%s", state);
}

int main(int argc, char **argv)
{
    static const struct xl_collector_ops ops = {
        .result = on_result, .invalid = on_invalid, .finished = on_finished, .state = on_state
    };
    struct xsd x;
    struct seen seen = { 0 };
    struct xl_collector *c = NULL;
    struct xl_plan plan;
    const char *why = NULL, *reason = NULL;
    double t0;
    pid_t pid;
    int r, status = 0;
    unsigned d;

    xl_plan_init(&plan);
    r = xsd_start(&x, argc > 1 ? argv[1] : NULL, &why);
    if (r == 77)
        tap_skip_all("%s", why);
    if (r) {
        printf("Bail out! xenstored: %s\n", why);
        return 1;
    }
    snprintf(journal_file, sizeof(journal_file), "%s/journal.jsonl", x.dir);
    seen.journal = journal_file;
    r = xl_collector_new(journal_file, &ops, &seen, &c);
    TAP_EQ_INT(r, XL_OK, "collector opens XenStore and the journal");
    if (r)
        goto out;
    {
        /* The toolstack creates each home before the guest runs. */
        struct xs_handle *h = xs_open(0);

        for (d = 9; d <= 16; d++) {
            char home[64];

            snprintf(home, sizeof(home), "/local/domain/%u", d);
            xsd_put(h, home, "");
        }
        xs_close(h);
    }
    plan.items = xl_calloc(SLOTS / 2, sizeof(*plan.items));
    for (plan.nr_items = 0; plan.nr_items < SLOTS / 2; plan.nr_items++) {
        xl_bench_params_init(&plan.items[plan.nr_items]);
        plan.items[plan.nr_items].kind = XL_BENCH_NQUEENS;
        plan.items[plan.nr_items].n = 6;
    }
    for (d = 9; d <= 16; d++) {
        char arm[8];
        char log_dir[600];
        struct xl_collect_domain cd = { .domid = d, .arm = arm, .nr_slots = SLOTS, .max_trials = 2, .log_dir = log_dir,
                                        .timeout_s = d == 12 ? 2 : 30, .job = d == 13 ? "xl-r-vm13-1" : NULL,
                                        .plan = d >= 13 ? &plan : NULL };

        snprintf(arm, sizeof(arm), "vm%u", d);
        snprintf(log_dir, sizeof(log_dir), "%s/logs/job%u", x.dir, d);
        if (d == 15) {
            char victim[600], link[700];

            snprintf(victim, sizeof(victim), "%s/victim", x.dir);
            xl_write_file_atomic(victim, "keep", 4);
            snprintf(link, sizeof(link), "%s/logs", x.dir);
            mkdir(link, 0755);
            mkdir(log_dir, 0755);
            snprintf(link, sizeof(link), "%s/3.log", log_dir);
            if (symlink(victim, link) < 0)
                tap_ok(0, "plant a symlink: %s", strerror(errno));
        }
        r = xl_collector_add(c, &cd);      /* TAP_EQ_INT evaluates twice */
        TAP_EQ_INT(r, XL_OK, "watch a domain");
    }
    t0 = xl_now();
    pid = fork();
    if (pid == 0)
        _exit(guests());
    r = xl_collector_run(c, 60);
    waitpid(pid, &status, 0);
    TAP_EQ_INT(r, XL_OK, "collection ends without error");
    TAP_EQ_INT(seen.unjournalled, 0, "no result acknowledged before its journal line was written");
    TAP_EQ_INT(status, 0, "the guests wrote everything");
    TAP_EQ_INT(xl_collector_running(c), 0, "every domain finished");

    TAP_EQ_STR(xl_collector_status(c, 10, NULL), "done", "well-behaved domain 10 is done");
    TAP_EQ_INT(seen.results[10], SLOTS, "domain 10: every result acknowledged once");
    {
        const char *needles[] = { "\"event\":\"result\"", "\"domain\":10,", NULL };

        TAP_EQ_INT(xsd_count_lines(journal_file, needles), SLOTS, "journal: each of domain 10's results exactly once");
    }
    /* States are read back on every commit, each said once. */
    TAP_EQ_STR(xl_collector_status(c, 16, NULL), "done", "domain 16 is done");
    TAP_EQ_INT(seen.states[16], 3, "domain 16: three states before done (booting, growing, running)");
    TAP_EQ_STR(seen.state[16], "running", "  the last running");
    {
        const char *needles[] = { "\"event\":\"guest\"", "\"domain\":16,", NULL };

        TAP_EQ_INT(xsd_count_lines(journal_file, needles), 3, "journal: one guest state line per state for domain 16");
    }
    tap_ok(seen.states[10] <= 1, "domain 10: running said at most once over its %d commits", SLOTS + 1);
    TAP_EQ_STR(xl_collector_status(c, 9, &reason), "failed", "hostile domain 9 failed");
    tap_ok(reason && strstr(reason, "done with 0 of 4"), "... because none of its results was valid (%s)",
           reason ? reason : "");
    TAP_EQ_INT(seen.results[9], 0, "domain 9: nothing accepted");
    tap_ok(journal_has(journal_file, "\"domain\":9,", "\"slot\":0", "more than 960"), "oversize value rejected");
    tap_ok(journal_has(journal_file, "\"domain\":9,", "\"slot\":1", "not printable ASCII"), "non-ASCII value rejected");
    tap_ok(journal_has(journal_file, "\"domain\":9,", "\"slot\":2", "trial"), "wrong JSON type rejected");
    tap_ok(journal_has(journal_file, "\"domain\":9,", "\"slot\":3", "invalid JSON"), "non-JSON rejected");
    tap_ok(journal_has(journal_file, "\"domain\":9,", "outside the plan", "4294967296000"),
           "index far out of range reported once");
    tap_ok(journal_has(journal_file, "\"domain\":9,", "keys, more than the 4 slots", "looked at 20"),
           "10,000 junk keys: one reason");
    TAP_EQ_INT(seen.invalid[9], 6, "domain 9: six reasons, each said once");

    TAP_EQ_STR(xl_collector_status(c, 11, &reason), "failed", "domain 11 whose home vanished failed");
    tap_ok(reason && strstr(reason, "vanished") && strstr(reason, "1 of 4"), "... with the reason (%s)",
           reason ? reason : "");
    tap_ok(seen.finished_at[11] - t0 < 30, "... well within its timeout (%.1f s)", seen.finished_at[11] - t0);
    TAP_EQ_STR(xl_collector_status(c, 12, &reason), "failed", "silent domain 12 failed");
    tap_ok(reason && strstr(reason, "timed out"), "... by its timeout (%s)", reason ? reason : "");
    tap_ok(journal_has(journal_file, "\"event\":\"domain\"", "\"domain\":12,", "timed out"), "... journalled");
    TAP_EQ_INT(seen.results[13], 1, "domain 13: only the result with the plan's labels accepted");
    tap_ok(journal_has(journal_file, "\"domain\":13,", "\"slot\":1", "label is not the plan's"),
           "a relabelled row is rejected, journalled as invalid");
    tap_ok(journal_has(journal_file, "\"domain\":13,", "\"slot\":2", "unit is not the plan's"),
           "a re-united row is rejected");
    tap_ok(journal_has(journal_file, "\"domain\":13,", "\"slot\":3", "better is not the plan's"),
           "a flipped direction is rejected");
    TAP_EQ_INT(seen.results[14], 2, "domain 14: the two results of the plan's benchmark and variant accepted");
    tap_ok(journal_has(journal_file, "\"domain\":14,", "\"slot\":0", "benchmark is not the plan's"),
           "a result claiming another benchmark is rejected");
    tap_ok(journal_has(journal_file, "\"domain\":14,", "\"slot\":2", "variant is not the plan's"),
           "a result claiming another variant is rejected");
    tap_ok(journal_has(journal_file, "\"event\":\"result\"", "\"job\":\"xl-r-vm13-1\"", "\"slot\":0"),
           "the collector journals the job with each result");
    TAP_EQ_INT(seen.results[15], SLOTS, "domain 15: every result counts, whatever its log");
    {
        char path[700], *text = NULL;
        size_t len = 0;
        struct stat st;

        snprintf(path, sizeof(path), "%s/logs/job15/0.log", x.dir);
        tap_ok(xl_read_file(path, 4096, &text, &len) == XL_OK && strcmp(text, "line one\nline two\n") == 0,
               "a good log is stored as logs/<job>/<slot>.log");
        free(text);
        snprintf(path, sizeof(path), "%s/logs/job15/1.log", x.dir);
        tap_ok(access(path, F_OK) != 0 && journal_has(journal_file, "\"domain\":15,", "\"slot\":1", "log: "),
               "a log that is not JSON is not stored, and said as invalid");
        snprintf(path, sizeof(path), "%s/logs/job15/2.log", x.dir);
        tap_ok(access(path, F_OK) != 0 && journal_has(journal_file, "\"domain\":15,", "\"slot\":2", "log: "),
               "an oversized node is not stored, and said as invalid");
        snprintf(path, sizeof(path), "%s/logs/job15/3.log", x.dir);
        tap_ok(lstat(path, &st) == 0 && S_ISREG(st.st_mode), "a symlink in the log dir is replaced, not followed");
        snprintf(path, sizeof(path), "%s/victim", x.dir);
        tap_ok(xl_read_file(path, 64, &text, &len) == XL_OK && strcmp(text, "keep") == 0, "... its target intact");
        free(text);
        snprintf(path, sizeof(path), "%s/logs/job10", x.dir);
        tap_ok(access(path, F_OK) != 0, "a domain without logs gets no log dir");
    }
    for (d = 9; d <= 16; d++)
        TAP_EQ_INT(seen.finished[d], 1, "each domain finishes once");
out:
    xl_plan_dispose(&plan);
    xl_collector_free(c);
    xsd_stop(&x);
    return tap_done();
}
