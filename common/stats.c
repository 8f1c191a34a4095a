#include "stats.h"

#include <math.h>

/* t(0.975, df) for df = 1..30; beyond that the Cornish-Fisher expansion is
 * exact to the printed digits, so no bigger table is needed. */
static const double t975[30] = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

double xl_student_t975(size_t df)
{
    const double z = 1.959963984540054;
    double d;

    if (df == 0)
        return INFINITY;
    if (df <= 30)
        return t975[df - 1];
    d = (double)df;
    return z + (z * z * z + z) / (4 * d) +
           (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

void xl_stats_compute(const double *v, size_t n, struct xl_stats *s)
{
    double sum = 0, ss = 0;
    size_t i;

    *s = (struct xl_stats){ .n = n };
    if (n == 0)
        return;
    s->min = s->max = v[0];
    for (i = 0; i < n; i++) {
        sum += v[i];
        if (v[i] < s->min)
            s->min = v[i];
        if (v[i] > s->max)
            s->max = v[i];
    }
    s->mean = sum / (double)n;
    /* Two-pass variance: trials agree to many digits, so the one-pass
     * formula would cancel catastrophically. */
    for (i = 0; i < n; i++)
        ss += (v[i] - s->mean) * (v[i] - s->mean);
    if (n >= 2) {
        s->stddev = sqrt(ss / (double)(n - 1));
        s->ci95_half = xl_student_t975(n - 1) * s->stddev / sqrt((double)n);
    }
    s->dev_pct = s->mean != 0 ? s->stddev / fabs(s->mean) * 100.0 : 0;
    s->ci95_low = s->mean - s->ci95_half;
    s->ci95_high = s->mean + s->ci95_half;
}
