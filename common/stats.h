/* Trial statistics as the Phoronix Test Suite reports them. */
#pragma once

#include <stdbool.h>
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

/* The p quantile (0.5 < p < 1) of Student's t with df > 0 degrees of
 * freedom, df not necessarily whole (Welch's are not). From the regularised
 * incomplete beta function, to 1e-10. */
double xl_student_t_quantile(double p, double df);

/* Two arms compared: the ratio of their geometric means with a 95 %
 * confidence interval, from Welch's t on the logarithms of the values.
 * Why logs: benchmark values are positive and their spread scales with
 * them, so a ratio (how much slower) is the question and log turns it into
 * the difference of means Welch's interval is for; Welch because the arms'
 * variances differ (a container adds noise). */
struct xl_ratio_ci {
    bool ok;            /* false: fewer than 2 trials in an arm, or a value <= 0 */
    double ratio;       /* geometric mean of a / geometric mean of b */
    double low, high;   /* its 95 % confidence interval */
    double df;          /* Welch-Satterthwaite degrees of freedom (INFINITY if both arms have no spread) */
};

void xl_ratio_ci_welch_log(const double *a, size_t na, const double *b, size_t nb, struct xl_ratio_ci *r);
