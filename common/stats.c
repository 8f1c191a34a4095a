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

/* One term of the modified Lentz method: updates c and d, returns c*d. */
static double lentz_step(double aa, double *c, double *d)
{
    const double tiny = 1e-300;

    *d = 1 + aa * *d;
    if (fabs(*d) < tiny)
        *d = tiny;
    *c = 1 + aa / *c;
    if (fabs(*c) < tiny)
        *c = tiny;
    *d = 1 / *d;
    return *d * *c;
}

static double betacf(double a, double b, double x)
{
    /* The continued fraction of the incomplete beta function, evaluated
     * with the modified Lentz method. */
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1), h;
    int m;

    if (fabs(d) < tiny)
        d = tiny;
    d = 1 / d;
    h = d;
    for (m = 1; m <= 300; m++) {
        double m2 = 2.0 * m, del;

        h *= lentz_step(m * (b - m) * x / ((a + m2 - 1) * (a + m2)), &c, &d);
        del = lentz_step(-(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)), &c, &d);
        h *= del;
        if (fabs(del - 1) < 1e-15)
            break;
    }
    return h;
}

/* Regularised incomplete beta I_x(a, b). */
static double ibeta(double a, double b, double x)
{
    double front;

    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2))
        return front * betacf(a, b, x) / a;
    return 1 - front * betacf(b, a, 1 - x) / b;
}

/* P(T <= t) for t >= 0. */
static double t_cdf(double t, double df)
{
    return 1 - 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
}

double xl_student_t_quantile(double p, double df)
{
    double lo = 0, hi = 1, mid;
    int i;

    if (!(df > 0) || !(p > 0.5 && p < 1))
        return NAN;
    while (t_cdf(hi, df) < p && hi < 1e12)
        hi *= 2;
    for (i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
        mid = (lo + hi) / 2;
        if (t_cdf(mid, df) < p)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

static bool log_stats(const double *v, size_t n, double *mean_r, double *var_r)
{
    double sum = 0, ss = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!(v[i] > 0) || !isfinite(v[i]))
            return false;
        sum += log(v[i]);
    }
    *mean_r = sum / (double)n;
    for (i = 0; i < n; i++)
        ss += (log(v[i]) - *mean_r) * (log(v[i]) - *mean_r);
    *var_r = ss / (double)(n - 1);
    return true;
}

void xl_ratio_ci_welch_log(const double *a, size_t na, const double *b, size_t nb, struct xl_ratio_ci *r)
{
    double ma, va, mb, vb, sa, sb, se, d, t;

    *r = (struct xl_ratio_ci){ .ok = false };
    if (na < 2 || nb < 2 || !log_stats(a, na, &ma, &va) || !log_stats(b, nb, &mb, &vb))
        return;
    sa = va / (double)na;
    sb = vb / (double)nb;
    se = sqrt(sa + sb);
    d = ma - mb;
    r->ok = true;
    r->ratio = exp(d);
    if (se == 0) {
        r->df = INFINITY;
        r->low = r->high = r->ratio;
        return;
    }
    r->df = (sa + sb) * (sa + sb) / (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));
    t = xl_student_t_quantile(0.975, r->df);
    r->low = exp(d - t * se);
    r->high = exp(d + t * se);
}
