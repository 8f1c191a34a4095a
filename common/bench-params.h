/* One benchmark variant with its parameters: what the worker runs for one
 * trial, what a plan item carries, and what a report row is keyed by. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "command-spec.h"

enum xl_bench_kind { XL_BENCH_NQUEENS, XL_BENCH_MEMORY, XL_BENCH_DBENCH, XL_BENCH_COMMAND };
enum xl_mem_kernel { XL_MEM_COPY, XL_MEM_SCALE, XL_MEM_ADD, XL_MEM_TRIAD };
enum xl_mem_type { XL_MEM_INT, XL_MEM_FP };

#define XL_NQUEENS_MAX_N 22          /* N=22 takes hours; beyond is a typo */
#define XL_MEMORY_MAX_ARRAY_MIB 65536
#define XL_DBENCH_MAX_CLIENTS 1024

struct xl_bench_params {
    enum xl_bench_kind kind;
    unsigned threads;        /* 0: the CPUs this process may use */
    unsigned n;              /* nqueens board size */
    enum xl_mem_kernel kernel;
    enum xl_mem_type type;
    unsigned array_mib;      /* 0: sized from the last-level cache */
    unsigned reps;           /* memory inner repetitions, 0: default */
    unsigned clients;        /* dbench */
    unsigned seconds;        /* dbench run time, 0: dbench's default 600 */
    char *dir;               /* dbench work dir, NULL: current directory */
    char *loadfile;          /* dbench client.txt, NULL: Debian's */
    struct xl_command_spec *command;   /* command workloads, owned */
};

void xl_bench_params_init(struct xl_bench_params *p);
void xl_bench_params_dispose(struct xl_bench_params *p);
void xl_bench_params_copy(struct xl_bench_params *dst, const struct xl_bench_params *src);

const char *xl_bench_kind_name(enum xl_bench_kind k);
int xl_bench_kind_parse(const char *s, enum xl_bench_kind *k_r);
const char *xl_mem_kernel_name(enum xl_mem_kernel k);
int xl_mem_kernel_parse(const char *s, enum xl_mem_kernel *k_r);
int xl_mem_type_parse(const char *s, enum xl_mem_type *t_r);

/* Row key ("n18", "add-fp", "clients6"), row label ("N-Queens, N=18"),
 * unit ("s", "MB/s") and direction. */
void xl_bench_params_variant(const struct xl_bench_params *p, char *buf, size_t len);
/* The first of the n items that is a command with inputs, or NULL. */
const struct xl_bench_params *xl_bench_with_inputs(const struct xl_bench_params *items, size_t n);
void xl_bench_params_label(const struct xl_bench_params *p, char *buf, size_t len);
const char *xl_bench_params_unit(const struct xl_bench_params *p);
bool xl_bench_params_lower_is_better(const struct xl_bench_params *p);

/* A plan item: {"id":"memory","kernel":"add","type":"fp"}. from_json checks
 * every field and bound, names `path` in errors, and rejects unknown fields. */
json_object *xl_bench_params_to_json(const struct xl_bench_params *p);
int xl_bench_params_from_json(json_object *obj, const char *path, struct xl_bench_params *p);

/* The worker's argument vector after "bench": {"memory", "--kernel", "add", ...};
 * a command workload passes its plan item whole: {"command", "--item", JSON};
 * NULL-terminated, caller frees with xl_argv_free (xl-util.h). */
char **xl_bench_params_to_argv(const struct xl_bench_params *p);
