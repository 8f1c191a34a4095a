#include "bench.h"
#include "tap.h"

int main(void)
{
    unsigned n, threads[] = { 1, 3 };
    size_t t;

    for (t = 0; t < 2; t++) {
        for (n = 1; n <= 14; n++) {
            char name[64];

            snprintf(name, sizeof(name), "N=%u with %u thread(s)", n, threads[t]);
            TAP_EQ_INT(xl_nqueens_count(n, threads[t]), xl_nqueens_expected(n), name);
        }
    }
    /* Odd N beyond the task split's threshold: mirror halves, middle column. */
    TAP_EQ_INT(xl_nqueens_count(15, 2), 2279184, "N=15 with 2 threads");
    TAP_EQ_INT(xl_nqueens_expected(18), 666090624, "table holds N=18");
    {
        struct xl_bench_params p;
        struct xl_result r;

        xl_bench_params_init(&p);
        p.n = 10;
        p.threads = 2;
        xl_result_init(&r);
        xl_bench_run(&p, &r);
        tap_ok(r.ok && r.value > 0, "bench nqueens N=10 succeeds with a positive time");
        TAP_EQ_STR(r.variant, "n10", "variant");
        TAP_EQ_STR(r.unit, "s", "unit");
        tap_ok(r.lower_is_better, "lower is better");
        xl_result_dispose(&r);
    }
    return tap_done();
}
