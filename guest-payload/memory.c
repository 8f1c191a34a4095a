#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "json-util.h"
#include "size.h"
#include "sysinfo.h"
#include "xl-util.h"

#define DEFAULT_REPS 10
/* Each timed repetition moves at least this much, like RAMspeed's batch
 * passes, so timer resolution never matters. */
#define MIN_BYTES_PER_REP (UINT64_C(1) << 30)
#define SCALAR 3

unsigned xl_memory_arrays_moved(enum xl_mem_kernel k)
{
    return k == XL_MEM_COPY || k == XL_MEM_SCALE ? 2 : 3;
}

static size_t elem_size(enum xl_mem_type t)
{
    return t == XL_MEM_FP ? sizeof(double) : sizeof(int);
}

uint64_t xl_memory_bytes_per_pass(enum xl_mem_kernel k, enum xl_mem_type t, size_t elements)
{
    return (uint64_t)xl_memory_arrays_moved(k) * elements * elem_size(t);
}

unsigned xl_memory_default_array_mib(void)
{
    long llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
    unsigned mib;

    if (llc <= 0)
        llc = sysconf(_SC_LEVEL2_CACHE_SIZE);
    mib = llc > 0 ? (unsigned)(4 * (uint64_t)llc / XL_MiB) : 64;
    if (mib < 64)
        mib = 64;
    if (mib > 256)
        mib = 256;
    return mib;
}

/* The kernels: plain loops over restrict pointers, exactly what the compiler
 * vectorises in STREAM; noinline keeps each pass a real pass. */
#define KERNELS(T, SUF)                                                                    \
    __attribute__((noinline)) static void copy_##SUF(T *restrict b, const T *restrict a,  \
                                                     size_t n)                           \
    {                                                                                     \
        for (size_t i = 0; i < n; i++)                                                    \
            b[i] = a[i];                                                                  \
    }                                                                                     \
    __attribute__((noinline)) static void scale_##SUF(T *restrict b, const T *restrict a, \
                                                      size_t n)                          \
    {                                                                                     \
        for (size_t i = 0; i < n; i++)                                                    \
            b[i] = (T)SCALAR * a[i];                                                      \
    }                                                                                     \
    __attribute__((noinline)) static void add_##SUF(T *restrict c, const T *restrict a,   \
                                                    const T *restrict b, size_t n)        \
    {                                                                                     \
        for (size_t i = 0; i < n; i++)                                                    \
            c[i] = a[i] + b[i];                                                           \
    }                                                                                     \
    __attribute__((noinline)) static void triad_##SUF(T *restrict a, const T *restrict b, \
                                                      const T *restrict c, size_t n)      \
    {                                                                                     \
        for (size_t i = 0; i < n; i++)                                                    \
            a[i] = b[i] + (T)SCALAR * c[i];                                               \
    }

KERNELS(double, fp)
KERNELS(int, int)

struct mem_shared {
    enum xl_mem_kernel kernel;
    enum xl_mem_type type;
    char *a, *b, *c;
    size_t elements;
    unsigned threads;
    unsigned reps;
    unsigned passes;
    pthread_barrier_t barrier;
    double *rep_seconds;
};

struct mem_thread {
    struct mem_shared *s;
    unsigned index;
    pthread_t tid;
};

static void run_pass(const struct mem_shared *s, size_t off, size_t n)
{
    size_t es = elem_size(s->type);
    void *a = s->a + off * es, *b = s->b + off * es, *c = s->c + off * es;

    switch (s->kernel) {
    case XL_MEM_COPY:
        s->type == XL_MEM_FP ? copy_fp(b, a, n) : copy_int(b, a, n);
        return;
    case XL_MEM_SCALE:
        s->type == XL_MEM_FP ? scale_fp(b, a, n) : scale_int(b, a, n);
        return;
    case XL_MEM_ADD:
        s->type == XL_MEM_FP ? add_fp(c, a, b, n) : add_int(c, a, b, n);
        return;
    case XL_MEM_TRIAD:
        s->type == XL_MEM_FP ? triad_fp(a, b, c, n) : triad_int(a, b, c, n);
        return;
    }
}

static void *mem_worker(void *opaque)
{
    struct mem_thread *t = opaque;
    struct mem_shared *s = t->s;
    size_t per = s->elements / s->threads;
    size_t off = per * t->index;
    size_t n = t->index + 1 == s->threads ? s->elements - off : per;
    size_t es = elem_size(s->type);
    unsigned rep, pass;

    /* First touch by the thread that uses the slice places its pages. */
    memset(s->a + off * es, 1, n * es);
    memset(s->b + off * es, 1, n * es);
    memset(s->c + off * es, 1, n * es);
    for (rep = 0; rep <= s->reps; rep++) {
        double t0 = 0;

        pthread_barrier_wait(&s->barrier);
        if (t->index == 0)
            t0 = xl_now();
        for (pass = 0; pass < s->passes; pass++)
            run_pass(s, off, n);
        pthread_barrier_wait(&s->barrier);
        /* Repetition 0 is a warm-up: it faults nothing in but settles clocks. */
        if (t->index == 0 && rep > 0)
            s->rep_seconds[rep - 1] = xl_now() - t0;
    }
    return NULL;
}

int xl_memory_measure(enum xl_mem_kernel k, enum xl_mem_type t, size_t array_bytes, unsigned threads,
                      unsigned reps, struct xl_memory_run *out)
{
    struct mem_shared s = { .kernel = k, .type = t, .threads = threads ? threads : 1,
                            .reps = reps ? reps : DEFAULT_REPS };
    struct mem_thread *th = NULL;
    unsigned i, started = 0;
    double sum = 0, best = 0;
    int rc;

    s.elements = array_bytes / elem_size(t);
    if (s.elements < s.threads * 64) {
        rc = xl_error(XL_ERR_INVAL, "memory: array of %zu bytes is too small for %u threads", array_bytes,
                      s.threads);
        goto out_nobarrier;
    }
    out->bytes_per_pass = xl_memory_bytes_per_pass(k, t, s.elements);
    s.passes = (unsigned)((MIN_BYTES_PER_REP + out->bytes_per_pass - 1) / out->bytes_per_pass);
    /* Three separate allocations, as STREAM-style code gets them: the
     * allocator's mmap placement staggers the arrays by a page, so a[i],
     * b[i] and c[i] do not contend for the same cache sets. */
    s.a = malloc(array_bytes);
    s.b = malloc(array_bytes);
    s.c = malloc(array_bytes);
    s.rep_seconds = xl_calloc(s.reps, sizeof(double));
    if (!s.a || !s.b || !s.c) {
        rc = xl_error_errno(XL_ERR_NOMEM, errno, "memory: cannot map 3 arrays of %zu bytes", array_bytes);
        goto out_nobarrier;
    }
    pthread_barrier_init(&s.barrier, NULL, s.threads);
    th = xl_calloc(s.threads, sizeof(*th));
    for (i = 0; i < s.threads; i++) {
        th[i].s = &s;
        th[i].index = i;
    }
    for (i = 1; i < s.threads; i++) {
        if (pthread_create(&th[i].tid, NULL, mem_worker, &th[i]) != 0) {
            /* The barrier counts every thread: without all of them it would hang. */
            fprintf(stderr, "xenlab-guest: memory: cannot start thread %u\n", i);
            abort();
        }
        started++;
    }
    mem_worker(&th[0]);
    for (i = 1; i <= started; i++)
        pthread_join(th[i].tid, NULL);
    for (i = 0; i < s.reps; i++) {
        double mbps = (double)out->bytes_per_pass * s.passes / s.rep_seconds[i] / 1e6;

        sum += mbps;
        if (mbps > best)
            best = mbps;
    }
    out->best_mbps = best;
    out->mean_mbps = sum / s.reps;
    out->reps = s.reps;
    out->passes_per_rep = s.passes;
    pthread_barrier_destroy(&s.barrier);
    rc = XL_OK;
out_nobarrier:
    free(th);
    free(s.rep_seconds);
    free(s.a);
    free(s.b);
    free(s.c);
    return rc;
}

void xl_bench_memory(const struct xl_bench_params *p, struct xl_result *r)
{
    unsigned threads = p->threads ? p->threads : xl_cpus_usable();
    unsigned mib = p->array_mib ? p->array_mib : xl_memory_default_array_mib();
    struct xl_memory_run run;
    json_object *d;

    if (xl_memory_measure(p->kernel, p->type, (size_t)mib * XL_MiB, threads, p->reps, &run)) {
        xl_result_set_error(r, "%s", xl_error_message());
        return;
    }
    d = json_object_new_object();
    xl_json_add(d, "threads", json_object_new_int((int)threads));
    xl_json_add(d, "array_mib", json_object_new_int((int)mib));
    xl_json_add(d, "arrays_moved", json_object_new_int((int)xl_memory_arrays_moved(p->kernel)));
    xl_json_add(d, "reps", json_object_new_int((int)run.reps));
    xl_json_add(d, "passes_per_rep", json_object_new_int((int)run.passes_per_rep));
    xl_json_add(d, "best_mbps", json_object_new_double(run.best_mbps));
    xl_json_add(d, "mean_mbps", json_object_new_double(run.mean_mbps));
    r->details = d;
    /* RAMspeed reports the average of its batch runs; best is kept beside it. */
    r->value = run.mean_mbps;
}
