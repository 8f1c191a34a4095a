/* Trial statistics as the Phoronix Test Suite reports them. */
#pragma once

#include <stddef.h>

struct xl_stats {
    size_t n;
    double mean;
    double stddev;     /* sample standard deviation (n - 1), 0 when n < 2 */
    double dev_pct;    /* stddev / mean x 100, PTS's "deviation" */
    double min, max;
    double ci95_half;  /* half width of the 95 % confidence interval of the mean (Student t) */
    double ci95_low, ci95_high;
};

/* n may be 0 (all fields 0). */
void xl_stats_compute(const double *values, size_t n, struct xl_stats *s);

/* Two-sided 97.5 % quantile of Student's t with df degrees of freedom. */
double xl_student_t975(size_t df);
