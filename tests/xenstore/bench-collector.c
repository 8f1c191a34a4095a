/* bench-collector SHIM [GUESTS] [RESULTS] [PACE_US]: latency from a guest's XenStore
 * write to the journal record, and collector CPU time per result, for the
 * watch-driven collector (plugin/run/collector.c) beside a naive collector that
 * polls every slot every 100 ms, measured in the same run on the real
 * xenstored. A child process plays every guest, committing results (each
 * carrying its write time) at a steady pace; the collector's CPU is this
 * process's (libxenstore's reader thread included). Run by
 * scripts/bench-collector. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "collector.h"
#include "json-util.h"
#include "xl-util.h"
#include "xs-layout.h"
#include "xsd-harness.h"

#define POLL_INTERVAL_MS 100
static unsigned nr_guests = 100, nr_results = 50;
/* One commit every this many microseconds across all guests: 1000/s, far
 * more than real guests (one result per trial, seconds apart) produce. */
static unsigned pace_us = 1000;

static int64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

/* xenstored's own CPU: polling's cost lands there, in dom0, too. */
static pid_t xsd_pid;

static double xsd_cpu_s(void)
{
    char path[64], buf[1024], *p;
    unsigned long ut = 0, st = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)xsd_pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    if (!fgets(buf, sizeof(buf), f))
        buf[0] = '\0';
    fclose(f);
    p = strrchr(buf, ')');
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return 0;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static char *result_text(unsigned guest, unsigned trial)
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
    snprintf(r.arm, sizeof(r.arm), "vm%u", guest);
    r.trial = trial;
    r.ok = true;
    r.value = 1.5;
    r.details = json_object_new_object();
    xl_json_add(r.details, "t_ns", json_object_new_int64(mono_ns()));
    o = xl_result_to_json(&r);
    s = xl_strdup(xl_json_compact(o));
    json_object_put(o);
    xl_result_dispose(&r);
    xl_bench_params_dispose(&bp);
    return s;
}

/* Every guest, round robin, one result per commit, paced. */
static int guests(unsigned base)
{
    struct xs_handle *h = xs_open(0);
    int64_t next = mono_ns();
    unsigned g, k;

    if (!h)
        return 1;
    for (k = 0; k < nr_results; k++) {
        for (g = 0; g < nr_guests; g++) {
            char path[128], seq[16];
            char *val;
            xs_transaction_t t;
            struct timespec ts;

            next += (int64_t)pace_us * 1000;
            while (mono_ns() < next) {
                int64_t left = next - mono_ns();

                ts.tv_sec = 0;
                ts.tv_nsec = left > 0 ? left : 0;
                nanosleep(&ts, NULL);
            }
            val = result_text(base + g, k + 1);
            do {
                t = xs_transaction_start(h);
                snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab/result/%u", base + g, k);
                xs_write(h, t, path, val, (unsigned)strlen(val));
                snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab/updated", base + g);
                snprintf(seq, sizeof(seq), "%u", k + 1);
                xs_write(h, t, path, seq, (unsigned)strlen(seq));
                if (k + 1 == nr_results) {
                    snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab/state", base + g);
                    xs_write(h, t, path, "done", 4);
                }
            } while (!xs_transaction_end(h, t, false) && errno == EAGAIN);
            free(val);
        }
    }
    xs_close(h);
    return 0;
}

struct lat {
    double *ms;
    size_t n;
};

static void record(struct lat *l, const struct xl_result *r)
{
    json_object *t = NULL;

    if (r->details && json_object_object_get_ex(r->details, "t_ns", &t))
        l->ms[l->n++] = (double)(mono_ns() - json_object_get_int64(t)) / 1e6;
}

static void on_result(void *opaque, unsigned domid, size_t slot, const struct xl_result *r)
{
    (void)domid;
    (void)slot;
    record(opaque, r);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double pct(struct lat *l, double p)
{
    size_t i;

    if (!l->n)
        return 0;
    qsort(l->ms, l->n, sizeof(double), cmp_double);
    i = (size_t)(p * (double)(l->n - 1) + 0.5);
    return l->ms[i];
}

static void make_homes(unsigned base)
{
    struct xs_handle *h = xs_open(0);
    unsigned g;

    for (g = 0; g < nr_guests; g++) {
        char home[64];

        snprintf(home, sizeof(home), "/local/domain/%u", base + g);
        xsd_put(h, home, "");
    }
    xs_close(h);
}

static int run_watch(const char *dir, struct lat *l, double *cpu_r, double *xsd_r)
{
    static const struct xl_collector_ops ops = { .result = on_result };
    struct xl_collector *c = NULL;
    char journal[512];
    unsigned base = 1, g;
    double cpu0;
    pid_t pid;
    int rc, st;

    make_homes(base);
    snprintf(journal, sizeof(journal), "%s/journal-watch.jsonl", dir);
    rc = xl_collector_new(journal, &ops, l, &c);
    for (g = 0; g < nr_guests && !rc; g++) {
        char arm[16];
        struct xl_collect_domain d = { .domid = base + g, .arm = arm, .nr_slots = nr_results,
                                       .max_trials = nr_results, .timeout_s = 120 };

        snprintf(arm, sizeof(arm), "vm%u", base + g);
        rc = xl_collector_add(c, &d);
    }
    if (rc)
        goto out;
    cpu0 = cpu_s();
    *xsd_r = xsd_cpu_s();
    pid = fork();
    if (pid == 0)
        _exit(guests(base));
    rc = xl_collector_run(c, 120);
    *cpu_r = cpu_s() - cpu0;
    *xsd_r = xsd_cpu_s() - *xsd_r;
    waitpid(pid, &st, 0);
out:
    if (rc)
        fprintf(stderr, "bench-collector: %s\n", xl_error_message());
    xl_collector_free(c);
    return rc;
}

/* The naive collector: every 100 ms, read every missing slot of every guest. */
static int run_polling(const char *dir, struct lat *l, double *cpu_r, double *xsd_r)
{
    struct xs_handle *h;
    unsigned base = 1001, g, k;
    unsigned char *have = xl_calloc((size_t)nr_guests * nr_results, 1);
    size_t got = 0, want = (size_t)nr_guests * nr_results;
    char journal[512];
    double cpu0;
    pid_t pid;
    int fd, st;

    make_homes(base);
    snprintf(journal, sizeof(journal), "%s/journal-poll.jsonl", dir);
    fd = open(journal, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    h = xs_open(0);
    cpu0 = cpu_s();
    *xsd_r = xsd_cpu_s();
    pid = fork();
    if (pid == 0)
        _exit(guests(base));
    while (got < want) {
        poll(NULL, 0, POLL_INTERVAL_MS);
        for (g = 0; g < nr_guests; g++) {
            for (k = 0; k < nr_results; k++) {
                char path[128];
                unsigned len = 0;
                char *v;
                json_object *obj = NULL;
                struct xl_result r;

                if (have[g * nr_results + k])
                    continue;
                snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab/result/%u", base + g, k);
                v = xs_read(h, XBT_NULL, path, &len);
                if (!v)
                    continue;
                xl_result_init(&r);
                if (len <= XL_XS_CHUNK_BYTES && xl_json_parse(v, len, path, &obj) == XL_OK &&
                    xl_result_from_json(obj, path, &r) == XL_OK) {
                    json_object *line = json_object_new_object();
                    const char *text;

                    xl_json_add(line, "event", xl_json_str("result"));
                    xl_json_add(line, "result", xl_result_to_json(&r));
                    text = xl_json_compact(line);
                    if (write(fd, text, strlen(text)) < 0 || write(fd, "\n", 1) < 0 || fsync(fd) < 0)
                        perror("journal");
                    json_object_put(line);
                    record(l, &r);
                }
                xl_result_dispose(&r);
                json_object_put(obj);
                free(v);
                have[g * nr_results + k] = 1;
                got++;
            }
        }
    }
    *cpu_r = cpu_s() - cpu0;
    *xsd_r = xsd_cpu_s() - *xsd_r;
    waitpid(pid, &st, 0);
    xs_close(h);
    close(fd);
    free(have);
    return XL_OK;
}

int main(int argc, char **argv)
{
    struct xsd x;
    const char *why = NULL;
    struct lat lw = { 0 }, lp = { 0 };
    double cw = 0, cp = 0, xw = 0, xp = 0, mw, pw, mp, pp;
    size_t n;
    int r;

    if (argc > 2)
        nr_guests = (unsigned)atoi(argv[2]);
    if (argc > 3)
        nr_results = (unsigned)atoi(argv[3]);
    if (argc > 4)
        pace_us = (unsigned)atoi(argv[4]);
    if (argc < 2 || nr_guests < 1 || nr_guests > 500 || nr_results < 1 || nr_results > XL_XS_MAX_SLOTS) {
        fprintf(stderr, "usage: bench-collector SHIM [GUESTS 1..500] [RESULTS 1..%d] [PACE_US]\n", XL_XS_MAX_SLOTS);
        return 2;
    }
    n = (size_t)nr_guests * nr_results;
    r = xsd_start(&x, argv[1], &why);
    if (r) {
        fprintf(stderr, "bench-collector: xenstored: %s\n", why);
        return 1;
    }
    lw.ms = xl_calloc(n, sizeof(double));
    lp.ms = xl_calloc(n, sizeof(double));
    xsd_pid = x.pid;
    r = run_watch(x.dir, &lw, &cw, &xw);
    if (!r)
        r = run_polling(x.dir, &lp, &cp, &xp);
    xsd_stop(&x);
    if (r)
        return 1;
    mw = pct(&lw, 0.5);
    pw = pct(&lw, 0.99);
    mp = pct(&lp, 0.5);
    pp = pct(&lp, 0.99);
    printf("collector: %u guests x %u results = %zu results, one commit every %d us, journal fsync'd\n",
           nr_guests, nr_results, n, pace_us);
    printf("%-22s %8s %10s %10s %16s %18s\n", "", "results", "median ms", "p99 ms", "collector us/res",
           "+ xenstored us/res");
    printf("%-22s %8zu %10.2f %10.2f %16.1f %18.1f\n", "watch collector", lw.n, mw, pw, cw * 1e6 / (double)n,
           (cw + xw) * 1e6 / (double)n);
    printf("%-22s %8zu %10.2f %10.2f %16.1f %18.1f\n", "polling every 100 ms", lp.n, mp, pp,
           cp * 1e6 / (double)n, (cp + xp) * 1e6 / (double)n);
    printf("watch / polling: median %.3f, p99 %.3f, collector CPU %.3f, collector + xenstored CPU %.3f\n",
           mp > 0 ? mw / mp : 0, pp > 0 ? pw / pp : 0, cp > 0 ? cw / cp : 0,
           cp + xp > 0 ? (cw + xw) / (cp + xp) : 0);
    free(lw.ms);
    free(lp.ms);
    return lw.n == n && lp.n == n ? 0 : 1;
}
