/* Issue-2 benchmark: the worker's memory kernels against a plain STREAM-style
 * loop compiled here with the same flags; the worker's N-Queens solver
 * against a plain one kept here, and its scaling over threads.
 * Figures are ratios measured in the same run, never pass/fail timings. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "size.h"
#include "sysinfo.h"
#include "xl-util.h"

#define ROUNDS 5
#define REPS 5

/* STREAM's loops as John McCalpin wrote them, on doubles and on ints. */
#define REF_LOOPS(T, SUF)                                                                         \
    __attribute__((noinline)) static void ref_##SUF(enum xl_mem_kernel k, T *a, T *b, T *c, size_t n) \
    {                                                                                             \
        size_t j;                                                                                 \
                                                                                                  \
        switch (k) {                                                                              \
        case XL_MEM_COPY:                                                                         \
            for (j = 0; j < n; j++)                                                               \
                b[j] = a[j];                                                                      \
            break;                                                                                \
        case XL_MEM_SCALE:                                                                        \
            for (j = 0; j < n; j++)                                                               \
                b[j] = (T)3 * a[j];                                                               \
            break;                                                                                \
        case XL_MEM_ADD:                                                                          \
            for (j = 0; j < n; j++)                                                               \
                c[j] = a[j] + b[j];                                                               \
            break;                                                                                \
        case XL_MEM_TRIAD:                                                                        \
            for (j = 0; j < n; j++)                                                               \
                a[j] = b[j] + (T)3 * c[j];                                                        \
            break;                                                                                \
        }                                                                                         \
    }
REF_LOOPS(double, fp)
REF_LOOPS(int, int)

/* The reference's threads: each its slice (STREAM's OpenMP static
 * schedule), first-touched by itself, a barrier around each repetition. */
struct ref_mem {
    enum xl_mem_kernel k;
    enum xl_mem_type t;
    char *a, *b, *c;
    size_t n, es;
    unsigned threads, passes;
    pthread_barrier_t bar;
    double t0, seconds[REPS];
};

struct ref_thread {
    struct ref_mem *m;
    unsigned index;
};

static void *ref_mem_worker(void *opaque)
{
    struct ref_thread *th = opaque;
    struct ref_mem *m = th->m;
    size_t per = m->n / m->threads, off = per * th->index;
    size_t n = th->index + 1 == m->threads ? m->n - off : per;
    char *a = m->a + off * m->es, *b = m->b + off * m->es, *c = m->c + off * m->es;
    unsigned rep, p;

    memset(a, 1, n * m->es);
    memset(b, 1, n * m->es);
    memset(c, 1, n * m->es);
    for (rep = 0; rep <= REPS; rep++) {
        pthread_barrier_wait(&m->bar);
        if (th->index == 0)
            m->t0 = xl_now();
        for (p = 0; p < m->passes; p++) {
            if (m->t == XL_MEM_FP)
                ref_fp(m->k, (double *)a, (double *)b, (double *)c, n);
            else
                ref_int(m->k, (int *)a, (int *)b, (int *)c, n);
        }
        pthread_barrier_wait(&m->bar);
        if (th->index == 0 && rep > 0)   /* repetition 0 warms up, as the worker's */
            m->seconds[rep - 1] = xl_now() - m->t0;
    }
    return NULL;
}

/* Mean and best MB/s over REPS timed repetitions of `passes` passes. */
static void reference_mbps(enum xl_mem_kernel k, enum xl_mem_type t, size_t bytes, unsigned threads,
                           unsigned passes, double *mean_r, double *best_r)
{
    struct ref_mem m = { .k = k, .t = t, .es = t == XL_MEM_FP ? sizeof(double) : sizeof(int),
                         .threads = threads, .passes = passes };
    struct ref_thread th[64];
    pthread_t tids[64];
    double moved, sum = 0, best = 0;
    unsigned i;

    m.n = bytes / m.es;
    m.a = malloc(bytes);
    m.b = malloc(bytes);
    m.c = malloc(bytes);
    moved = (double)xl_memory_bytes_per_pass(k, t, m.n) * passes;
    pthread_barrier_init(&m.bar, NULL, threads);
    for (i = 0; i < threads; i++)
        th[i] = (struct ref_thread){ &m, i };
    for (i = 1; i < threads; i++)
        pthread_create(&tids[i], NULL, ref_mem_worker, &th[i]);
    ref_mem_worker(&th[0]);
    for (i = 1; i < threads; i++)
        pthread_join(tids[i], NULL);
    pthread_barrier_destroy(&m.bar);
    for (i = 0; i < REPS; i++) {
        double mbps = moved / m.seconds[i] / 1e6;

        sum += mbps;
        if (mbps > best)
            best = mbps;
    }
    free(m.a);
    free(m.b);
    free(m.c);
    *mean_r = sum / REPS;
    *best_r = best;
}

/* The plain solver the worker's is measured against: Richards' bit-pattern
 * backtracking as textbooks give it, the whole board, one call per square,
 * first-row columns shared out to the threads. */
static uint64_t ref_solve(uint32_t all, uint32_t cols, uint32_t ld, uint32_t rd)
{
    uint32_t avail = all & ~(cols | ld | rd);
    uint64_t count = 0;

    if (cols == all)
        return 1;
    while (avail) {
        uint32_t bit = avail & -avail;

        avail ^= bit;
        count += ref_solve(all, cols | bit, (ld | bit) << 1, (rd | bit) >> 1);
    }
    return count;
}

struct ref_nq {
    unsigned n;
    atomic_uint next;
    atomic_uint_fast64_t total;
};

static void *ref_worker(void *opaque)
{
    struct ref_nq *q = opaque;
    uint32_t all = (uint32_t)((UINT64_C(1) << q->n) - 1);
    unsigned c;

    while ((c = atomic_fetch_add(&q->next, 1)) < q->n) {
        uint32_t bit = UINT32_C(1) << c;

        atomic_fetch_add(&q->total, ref_solve(all, bit, bit << 1, bit >> 1));
    }
    return NULL;
}

static uint64_t ref_nqueens(unsigned n, unsigned threads)
{
    struct ref_nq q = { .n = n };
    pthread_t tids[64];
    unsigned t, started = 0;

    atomic_init(&q.next, 0);
    atomic_init(&q.total, 0);
    for (t = 1; t < threads && t < 64; t++)
        if (pthread_create(&tids[started], NULL, ref_worker, &q) == 0)
            started++;
    ref_worker(&q);
    for (t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    return atomic_load(&q.total);
}

/* Best of 3 alternating runs of the worker's solver and the plain one:
 * the ratio plain/worker (> 1: the worker's is faster). */
static int nqueens_ratio(unsigned n, unsigned threads)
{
    double best_w = 1e30, best_r = 1e30;

    for (int i = 0; i < 3; i++) {
        double t0 = xl_now();

        if (xl_nqueens_count(n, threads) != xl_nqueens_expected(n))
            return 1;
        double t1 = xl_now();

        if (ref_nqueens(n, threads) != xl_nqueens_expected(n))
            return 1;
        double t2 = xl_now();

        if (t1 - t0 < best_w)
            best_w = t1 - t0;
        if (t2 - t1 < best_r)
            best_r = t2 - t1;
    }
    printf("N-Queens N=%u, %u thread%s: worker %.3f s, plain solver %.3f s, speed-up %.2f\n", n, threads,
           threads == 1 ? "" : "s", best_w, best_r, best_r / best_w);
    return 0;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;

    return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
    unsigned mib = argc > 1 ? (unsigned)atoi(argv[1]) : xl_memory_default_array_mib();
    unsigned nq = argc > 2 ? (unsigned)atoi(argv[2]) : 16;
    unsigned cpus = xl_cpus_usable();
    enum xl_mem_kernel k;
    double t1, tn;

    cpu_set_t all, one;

    sched_getaffinity(0, sizeof(all), &all);
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    sched_setaffinity(0, sizeof(one), &one);
    printf("memory kernels, %u MiB arrays, %d reps per round; ratios worker/STREAM-like loop, median of %d\n"
           "alternating rounds (best: STREAM's own measure; mean: what the worker reports); 1 thread pinned\n",
           mib, REPS, ROUNDS);
    printf("%-6s %-4s %7s %12s %12s %10s %10s\n", "kernel", "type", "threads", "worker best", "STREAM best",
           "ratio best", "ratio mean");
    for (unsigned tc = 0; tc < (cpus > 1 ? 2u : 1u); tc++) {
        unsigned threads = tc == 0 ? 1 : (cpus < 64 ? cpus : 64);

        /* One CPU for the single-thread comparison: a migration mid-pass
         * costs either side a cold prefetcher, which is noise, not the code. */
        sched_setaffinity(0, sizeof(tc == 0 ? one : all), tc == 0 ? &one : &all);
        for (enum xl_mem_type t = XL_MEM_INT; t <= XL_MEM_FP; t++) {
            for (k = XL_MEM_COPY; k <= XL_MEM_TRIAD; k++) {
                double best_ratios[ROUNDS], mean_ratios[ROUNDS], wb = 0, rb = 0, rm;
                int i;

                for (i = 0; i < ROUNDS; i++) {
                    struct xl_memory_run run;

                    if (xl_memory_measure(k, t, (size_t)mib * XL_MiB, threads, REPS, &run)) {
                        fprintf(stderr, "bench-payload: %s\n", xl_error_message());
                        return 1;
                    }
                    reference_mbps(k, t, (size_t)mib * XL_MiB, threads, run.passes_per_rep, &rm, &rb);
                    wb = run.best_mbps;
                    best_ratios[i] = wb / rb;
                    mean_ratios[i] = run.mean_mbps / rm;
                }
                qsort(best_ratios, ROUNDS, sizeof(double), cmp_double);
                qsort(mean_ratios, ROUNDS, sizeof(double), cmp_double);
                printf("%-6s %-4s %7u %12.0f %12.0f %10.3f %10.3f\n", xl_mem_kernel_name(k),
                       t == XL_MEM_FP ? "fp" : "int", threads, wb, rb, best_ratios[ROUNDS / 2],
                       mean_ratios[ROUNDS / 2]);
            }
        }
    }
    sched_setaffinity(0, sizeof(all), &all);
    if (nqueens_ratio(nq, 1) || (cpus > 1 && nqueens_ratio(nq, cpus)))
        return 1;
    t1 = xl_now();
    if (xl_nqueens_count(nq, 1) != xl_nqueens_expected(nq))
        return 1;
    t1 = xl_now() - t1;
    tn = xl_now();
    if (xl_nqueens_count(nq, cpus) != xl_nqueens_expected(nq))
        return 1;
    tn = xl_now() - tn;
    printf("N-Queens N=%u: 1 thread %.3f s, %u threads %.3f s, speed-up %.2f (ideal %u)\n", nq, t1, cpus, tn,
           t1 / tn, cpus);
    return 0;
}
