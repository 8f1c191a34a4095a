#include <math.h>

#include "stats.h"
#include "tap.h"

struct seed_row {
    const char *name;
    double v[3];
    double mean;     /* as the seed's report printed them, 2 decimals */
    double dev;
};

/* ../shared/reference/seed-experiment.md: per-trial values and the table. */
static const struct seed_row rows[] = {
    { "N-Queens VM1", { 349.545, 349.602, 349.483 }, 349.54, 0.02 },
    { "N-Queens VM2", { 451.522, 443.628, 442.262 }, 445.80, 1.12 },
    { "Add VM1", { 8161.03, 8157.81, 8156.16 }, 8158.33, 0.03 },
    { "Add VM2", { 5766.53, 5665.42, 5524.49 }, 5652.15, 2.15 },
    { "Copy VM1", { 7418.64, 7398.55, 7401.9 }, 7406.36, 0.15 },
    { "Copy VM2", { 5295.3, 5427.32, 5342.62 }, 5355.08, 1.25 },
    { "dbench-6 VM1", { 255.977, 257.834, 267.091 }, 260.30, 2.29 },
    { "dbench-6 VM2", { 170.2, 169.197, 168.236 }, 169.21, 0.58 },
    { "dbench-48 VM1", { 52.143, 52.385, 53.8318 }, 52.79, 1.73 },
    { "dbench-48 VM2", { 105.816, 109.801, 108.894 }, 108.17, 1.93 },
};

/* References computed with scipy 1.10.1 (scipy.stats.t.ppf; Welch on the
 * log values, its statistic cross-checked against scipy.stats.ttest_ind
 * with equal_var=False), outside this project: vm2 / vm1 of the seed's
 * own per-trial values, and two arms with no real difference. */
static const struct { double p, df, q; } quantiles[] = {
    { 0.975, 1, 12.706204736432 },   { 0.975, 1.5, 6.016663107990 },  { 0.975, 2, 4.302652729911 },
    { 0.975, 2.7, 3.392148383176 },  { 0.975, 3.9, 2.804748011386 },  { 0.975, 10.3, 2.219373375500 },
    { 0.975, 45.2, 2.013857438215 }, { 0.975, 1000, 1.962339080826 }, { 0.95, 4, 2.131846781336 },
    { 0.995, 7.5, 3.421422688124 },
};

static const struct {
    const char *name;
    size_t vm1, vm2;     /* rows[] of each arm; SIZE_MAX: same[] */
    double ratio, low, high, df;
} welch[] = {
    { "N-Queens", 0, 1, 1.275336563430, 1.240414987967, 1.311241290858, 2.000927788 },
    { "Add", 2, 3, 0.692699467671, 0.656603917825, 0.730779301625, 2.000793885 },
    { "Copy", 4, 5, 0.723000704017, 0.701345190228, 0.745324877524, 2.054273729 },
    { "dbench-6", 6, 7, 0.650165001448, 0.617014027008, 0.685097113848, 2.259416872 },
    { "dbench-48", 8, 9, 2.049147596006, 1.965235477831, 2.136642614885, 3.944721113 },
};

static void test_welch(void)
{
    static const double same_a[] = { 10.0, 10.5, 9.5, 10.2 }, same_b[] = { 10.1, 9.9, 10.4, 9.8, 10.0 };
    static const double bad[] = { 1.0, -1.0 };
    struct xl_ratio_ci r;
    size_t i;

    for (i = 0; i < sizeof(quantiles) / sizeof(quantiles[0]); i++) {
        double q = xl_student_t_quantile(quantiles[i].p, quantiles[i].df);

        tap_ok(fabs(q - quantiles[i].q) < 1e-8, "t quantile p=%g df=%g: %.10f (scipy %.10f)", quantiles[i].p,
               quantiles[i].df, q, quantiles[i].q);
    }
    for (i = 0; i < sizeof(welch) / sizeof(welch[0]); i++) {
        xl_ratio_ci_welch_log(rows[welch[i].vm2].v, 3, rows[welch[i].vm1].v, 3, &r);
        tap_ok(r.ok && fabs(r.ratio / welch[i].ratio - 1) < 1e-9 && fabs(r.low / welch[i].low - 1) < 1e-9 &&
                   fabs(r.high / welch[i].high - 1) < 1e-9 && fabs(r.df - welch[i].df) < 1e-6,
               "%s vm2/vm1 %.4f (95%% CI %.4f-%.4f, df %.3f) as scipy's %.4f (%.4f-%.4f, df %.3f)", welch[i].name,
               r.ratio, r.low, r.high, r.df, welch[i].ratio, welch[i].low, welch[i].high, welch[i].df);
    }
    xl_ratio_ci_welch_log(same_b, 5, same_a, 4, &r);
    tap_ok(r.ok && fabs(r.ratio / 0.999458872360 - 1) < 1e-9 && fabs(r.low / 0.938632902758 - 1) < 1e-9 &&
               fabs(r.high / 1.064226530525 - 1) < 1e-9 && r.low < 1 && r.high > 1,
           "no real difference: the CI %.4f-%.4f holds 1 (scipy 0.9386-1.0642)", r.low, r.high);
    xl_ratio_ci_welch_log(same_a, 1, same_b, 5, &r);
    tap_ok(!r.ok, "one trial in an arm: no interval");
    xl_ratio_ci_welch_log(bad, 2, same_b, 5, &r);
    tap_ok(!r.ok, "a value <= 0: no interval (logs)");
}

int main(void)
{
    struct xl_stats s;
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        xl_stats_compute(rows[i].v, 3, &s);
        tap_ok(fabs(round(s.mean * 100) / 100 - rows[i].mean) < 1e-9, "%s mean %.2f (seed %.2f)", rows[i].name,
               s.mean, rows[i].mean);
        tap_ok(fabs(round(s.dev_pct * 100) / 100 - rows[i].dev) < 1e-9, "%s deviation %.2f%% (seed %.2f%%)",
               rows[i].name, s.dev_pct, rows[i].dev);
    }
    xl_stats_compute(rows[0].v, 3, &s);
    tap_ok(fabs(s.ci95_half - 4.303 * s.stddev / sqrt(3.0)) < 1e-12, "95%% CI uses t(0.975, 2) = 4.303");
    tap_ok(s.min == 349.483 && s.max == 349.602, "min and max");
    tap_ok(fabs(xl_student_t975(1) - 12.706) < 1e-9, "t(0.975, 1)");
    tap_ok(fabs(xl_student_t975(60) - 2.000) < 0.001, "t(0.975, 60) = 2.000 (%.4f)", xl_student_t975(60));
    tap_ok(fabs(xl_student_t975(120) - 1.980) < 0.001, "t(0.975, 120) = 1.980 (%.4f)", xl_student_t975(120));
    tap_ok(fabs(xl_student_t975(31) - 2.040) < 0.001, "t(0.975, 31) = 2.040 (%.4f)", xl_student_t975(31));
    xl_stats_compute(rows[0].v, 1, &s);
    tap_ok(s.n == 1 && s.stddev == 0 && s.dev_pct == 0 && s.mean == 349.545, "one trial: no spread");
    xl_stats_compute(NULL, 0, &s);
    tap_ok(s.n == 0 && s.mean == 0, "no trials: zeros");
    test_welch();
    return tap_done();
}
