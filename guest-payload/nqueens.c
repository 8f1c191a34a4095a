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

/* The solver is the whole benchmark, so it gets the bit-manipulation
 * instructions of the CPU it runs on (BMI1's blsi/blsr/andn) through
 * function multi-versioning: one binary, the best clone picked at load
 * time, for any guest. Not under the sanitizers, whose runtime and ifuncs
 * do not mix. */
#if defined(__x86_64__) && defined(__has_attribute) && !defined(__SANITIZE_ADDRESS__)
#if __has_attribute(target_clones)
#define NQ_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
#endif
#ifndef NQ_CLONES
#define NQ_CLONES
#endif

#define NQ_MAX 32

/* Solutions below a partial board: cols, ld, rd are the squares of the
 * current row attacked along columns and the two diagonals, rows the rows
 * left to fill (the current one included, >= 2). Depth first with an
 * explicit stack, not a call per square; the last row is not searched: with
 * n - 1 queens placed at most one square is free there, so it is a
 * solution exactly when that square exists. */
NQ_CLONES static uint64_t count_below(uint32_t all, uint32_t cols, uint32_t ld, uint32_t rd, unsigned rows)
{
    uint32_t s_avail[NQ_MAX], s_cols[NQ_MAX], s_ld[NQ_MAX], s_rd[NQ_MAX];
    uint32_t avail = all & ~(cols | ld | rd);
    unsigned depth = 0, last = rows - 2;
    uint64_t count = 0;

    for (;;) {
        while (avail) {
            uint32_t bit = avail & -avail;
            uint32_t nc = cols | bit, nl = (ld | bit) << 1, nr = (rd | bit) >> 1;
            uint32_t next = all & ~(nc | nl | nr);

            avail &= avail - 1;
            if (depth == last) {
                count += next != 0;
                continue;
            }
            if (!next)
                continue;
            s_avail[depth] = avail;
            s_cols[depth] = cols;
            s_ld[depth] = ld;
            s_rd[depth] = rd;
            depth++;
            cols = nc;
            ld = nl;
            rd = nr;
            avail = next;
        }
        if (depth == 0)
            return count;
        depth--;
        avail = s_avail[depth];
        cols = s_cols[depth];
        ld = s_ld[depth];
        rd = s_rd[depth];
    }
}

/* A task: the first rows placed, and how many solutions each of its own
 * stands for (2: its mirror image is counted with it). */
struct nq_task {
    uint32_t cols, ld, rd;
    unsigned weight;
};

struct nq_shared {
    unsigned n, prefix;
    uint32_t all;
    struct nq_task *tasks;
    size_t nr_tasks, cap;
    atomic_size_t next;
    atomic_uint_fast64_t total;
};

static void add_task(struct nq_shared *s, uint32_t cols, uint32_t ld, uint32_t rd, unsigned weight)
{
    if (s->nr_tasks == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->tasks = xl_realloc(s->tasks, s->cap * sizeof(*s->tasks));
    }
    s->tasks[s->nr_tasks++] = (struct nq_task){ cols, ld, rd, weight };
}

/* Every consistent placement of rows row..prefix-1 below the given board,
 * each a task; allowed limits this row's columns. */
static void split(struct nq_shared *s, unsigned row, uint32_t cols, uint32_t ld, uint32_t rd, uint32_t allowed,
                  unsigned weight)
{
    uint32_t avail = allowed & ~(cols | ld | rd);

    if (row == s->prefix) {
        add_task(s, cols, ld, rd, weight);
        return;
    }
    while (avail) {
        uint32_t bit = avail & -avail;

        avail &= avail - 1;
        split(s, row + 1, cols | bit, (ld | bit) << 1, (rd | bit) >> 1, s->all, weight);
    }
}

static void *nq_worker(void *opaque)
{
    struct nq_shared *s = opaque;
    unsigned rows = s->n - s->prefix;
    uint64_t count = 0;
    size_t i;

    while ((i = atomic_fetch_add(&s->next, 1)) < s->nr_tasks) {
        const struct nq_task *t = &s->tasks[i];

        count += t->weight * count_below(s->all, t->cols, t->ld, t->rd, rows);
    }
    atomic_fetch_add(&s->total, count);
    return NULL;
}

uint64_t xl_nqueens_count(unsigned n, unsigned threads)
{
    struct nq_shared s = { .n = n, .all = (uint32_t)((UINT64_C(1) << n) - 1) };
    uint32_t left = (UINT32_C(1) << (n / 2)) - 1, mid = UINT32_C(1) << (n / 2);
    pthread_t *tids;
    unsigned t, started = 0;

    /* 1: one queen, no row below; 2 and 3: none. Beyond 31 the board
     * does not fit the masks (the spec stops at XL_NQUEENS_MAX_N). */
    if (n < 4 || n >= NQ_MAX)
        return n == 1 ? 1 : 0;
    /* Tasks of the first rows, a few thousand from N=14 on: enough for
     * threads to balance, few enough that the shared counter stays cold.
     * Mirror symmetry halves the work: a queen in the left half of row 0
     * stands for itself and its mirror image; with n odd, a queen in the
     * middle of row 0 is mirrored by its row 1 queen, which then takes the
     * left half. The bottom two rows are always left to count_below. */
    s.prefix = n >= 14 ? 4 : n >= 8 ? 3 : 2;
    {
        uint32_t avail = left;

        while (avail) {
            uint32_t bit = avail & -avail;

            avail &= avail - 1;
            split(&s, 1, bit, bit << 1, bit >> 1, s.all, 2);
        }
        if (n & 1) {
            /* Row 1 beside the middle: only its left half, twice. */
            uint32_t cols = mid, ld = mid << 1, rd = mid >> 1, r1 = left & ~(cols | ld | rd);

            while (r1) {
                uint32_t bit = r1 & -r1;

                r1 &= r1 - 1;
                split(&s, 2, cols | bit, (ld | bit) << 1, (rd | bit) >> 1, s.all, 2);
            }
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
