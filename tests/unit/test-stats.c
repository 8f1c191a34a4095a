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
    return tap_done();
}
