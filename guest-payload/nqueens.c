#include <pthread.h>
#include <stdatomic.h>

#include "bench.h"
#include "json-util.h"
#include "sysinfo.h"
#include "xl-util.h"

static const uint64_t a000170[] = {
    1, 1, 0, 0, 2, 10, 4, 40, 92, 352, 724, 2680, 14200, 73712, 365596, 2279184, 14772512,
    95815104, 666090624, UINT64_C(4968057848), UINT64_C(39029188884), UINT64_C(314666222712),
    UINT64_C(2691008701644), UINT64_C(24233937684440), UINT64_C(227514171973736),
    UINT64_C(2207893435808352), UINT64_C(22317699616364044), UINT64_C(234907967154122528),
};

uint64_t xl_nqueens_expected(unsigned n)
{
    return n < XL_ARRAY_SIZE(a000170) ? a000170[n] : 0;
}

/* cols, ld, rd: squares of the next row attacked along columns and the two
 * diagonals. Bits above n are cut off by `all`. */
static uint64_t solve(uint32_t all, uint32_t cols, uint32_t ld, uint32_t rd)
{
    uint32_t avail;
    uint64_t count = 0;

    if (cols == all)
        return 1;
    avail = all & ~(cols | ld | rd);
    while (avail) {
        uint32_t bit = avail & -avail;

        avail ^= bit;
        count += solve(all, cols | bit, (ld | bit) << 1, (rd | bit) >> 1);
    }
    return count;
}

struct nq_shared {
    unsigned n;
    uint32_t all;
    /* Two-row prefixes: enough tasks (~n^2) to balance threads without the
     * counter becoming a hot spot. */
    uint32_t (*tasks)[2];
    size_t nr_tasks;
    atomic_size_t next;
    atomic_uint_fast64_t total;
};

static void *nq_worker(void *opaque)
{
    struct nq_shared *s = opaque;
    uint64_t count = 0;
    size_t i;

    while ((i = atomic_fetch_add(&s->next, 1)) < s->nr_tasks) {
        uint32_t b0 = s->tasks[i][0], b1 = s->tasks[i][1];

        count += solve(s->all, b0 | b1, ((b0 << 1) | b1) << 1, ((b0 >> 1) | b1) >> 1);
    }
    atomic_fetch_add(&s->total, count);
    return NULL;
}

uint64_t xl_nqueens_count(unsigned n, unsigned threads)
{
    struct nq_shared s = { .n = n, .all = (uint32_t)((UINT64_C(1) << n) - 1) };
    pthread_t *tids;
    unsigned c0, c1, t, started = 0;

    if (n == 1)
        return 1;
    s.tasks = xl_calloc((size_t)n * n, sizeof(*s.tasks));
    for (c0 = 0; c0 < n; c0++) {
        for (c1 = 0; c1 < n; c1++) {
            /* Row 1 must not share a column or a diagonal with row 0. */
            if (c1 == c0 || c1 + 1 == c0 || c0 + 1 == c1)
                continue;
            s.tasks[s.nr_tasks][0] = UINT32_C(1) << c0;
            s.tasks[s.nr_tasks][1] = UINT32_C(1) << c1;
            s.nr_tasks++;
        }
    }
    atomic_init(&s.next, 0);
    atomic_init(&s.total, 0);
    if (threads == 0)
        threads = 1;
    tids = xl_calloc(threads, sizeof(*tids));
    for (t = 1; t < threads; t++) {
        if (pthread_create(&tids[t], NULL, nq_worker, &s) != 0)
            break;
        started++;
    }
    nq_worker(&s);
    for (t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    free(tids);
    free(s.tasks);
    return atomic_load(&s.total);
}

void xl_bench_nqueens(const struct xl_bench_params *p, struct xl_result *r)
{
    unsigned threads = p->threads ? p->threads : xl_cpus_usable();
    uint64_t expected = xl_nqueens_expected(p->n), count;
    double t0, elapsed;
    json_object *d;

    t0 = xl_now();
    count = xl_nqueens_count(p->n, threads);
    elapsed = xl_now() - t0;
    d = json_object_new_object();
    xl_json_add(d, "n", json_object_new_int((int)p->n));
    xl_json_add(d, "threads", json_object_new_int((int)threads));
    xl_json_add(d, "solutions", json_object_new_int64((int64_t)count));
    r->details = d;
    if (count != expected) {
        xl_result_set_error(r, "N-Queens N=%u counted %llu solutions, expected %llu: the solver or the machine is broken",
                            p->n, (unsigned long long)count, (unsigned long long)expected);
        return;
    }
    r->value = elapsed;
}
