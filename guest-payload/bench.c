#include "bench.h"

void xl_bench_run(const struct xl_bench_params *p, struct xl_result *r)
{
    xl_result_set_bench(r, p);
    r->ok = true;
    switch (p->kind) {
    case XL_BENCH_NQUEENS:
        xl_bench_nqueens(p, r);
        return;
    case XL_BENCH_MEMORY:
        xl_bench_memory(p, r);
        return;
    case XL_BENCH_DBENCH:
        xl_bench_dbench(p, r);
        return;
    case XL_BENCH_COMMAND:
        xl_bench_command(p, r);
        return;
    }
}
