/* The three built-in benchmarks and the user's command. Each runs one trial and fills the result's value and
 * details; a failure is recorded in the result (r->ok false, r->error). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bench-params.h"
#include "result.h"

void xl_bench_run(const struct xl_bench_params *p, struct xl_result *r);

/* N-Queens: bitboard backtracking, tasks = valid placements of the first two
 * rows, handed out to threads from a shared counter. */
void xl_bench_nqueens(const struct xl_bench_params *p, struct xl_result *r);
uint64_t xl_nqueens_count(unsigned n, unsigned threads);
/* OEIS A000170, or 0 when n is outside the table. */
uint64_t xl_nqueens_expected(unsigned n);

/* Memory: RAMspeed SMP / STREAM kernels. */
void xl_bench_memory(const struct xl_bench_params *p, struct xl_result *r);
/* Arrays touched by a kernel: 2 for Copy/Scale, 3 for Add/Triad. */
unsigned xl_memory_arrays_moved(enum xl_mem_kernel k);
/* Bytes one pass moves over arrays of `elements` elements. */
uint64_t xl_memory_bytes_per_pass(enum xl_mem_kernel k, enum xl_mem_type t, size_t elements);
/* Default array size: 4x the last-level cache, at least 64 MiB, at most 256 MiB. */
unsigned xl_memory_default_array_mib(void);

struct xl_memory_run {
    double best_mbps;
    double mean_mbps;
    unsigned reps;
    unsigned passes_per_rep;
    uint64_t bytes_per_pass;
};
/* The measurement itself, reusable by the benchmark program. */
int xl_memory_measure(enum xl_mem_kernel k, enum xl_mem_type t, size_t array_bytes, unsigned threads,
                      unsigned reps, struct xl_memory_run *out);

/* dbench: runs the real dbench 4.0 and parses its summary line. */
void xl_bench_dbench(const struct xl_bench_params *p, struct xl_result *r);
struct xl_dbench_summary {
    double mbps;
    double max_latency_ms;
    unsigned clients;
};
/* Parses "Throughput 260.3 MB/sec  6 clients  6 procs  max_latency=12.3 ms". */
int xl_dbench_parse(const char *output, struct xl_dbench_summary *s);

/* A command workload (common/command-spec.h): its stdout and stderr go to
 * files in a private directory under the current (work) directory, read
 * for the metric and the details' tails, then removed. */
void xl_bench_command(const struct xl_bench_params *p, struct xl_result *r);
