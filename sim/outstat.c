/* outstat: see outstat.h for the methods and their sources. */
#include "sim/outstat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

double fl_outstat_t975(int dof) { return gsl_cdf_tdist_Pinv(0.975, (double)dof); }

size_t fl_outstat_mser5(const double *x, size_t n)
{
    size_t m = n / 5;
    if (m < 2) return 0;
    double *z = malloc(m * sizeof *z);
    if (!z) return 0;
    for (size_t j = 0; j < m; j++) {
        double s = 0.0;
        for (int i = 0; i < 5; i++) s += x[5 * j + (size_t)i];
        z[j] = s / 5.0;
    }
    /* suffix sums give every MSER(d) in one backward pass */
    double s1 = 0.0, s2 = 0.0, best = INFINITY;
    size_t bestd = 0;
    for (size_t d = m; d-- > 0;) {
        s1 += z[d];
        s2 += z[d] * z[d];
        if (d > m / 2) continue;
        double r = (double)(m - d);
        double ss = s2 - s1 * s1 / r;          /* sum of squared deviations */
        double mser = (ss > 0 ? ss : 0) / (r * r);
        if (mser <= best) {                    /* ties: the smaller d */
            best = mser;
            bestd = d;
        }
    }
    free(z);
    return 5 * bestd;
}

/* interval from k batch statistics b[0..k) around the point estimate est */
static void interval(const double *b, int k, double est, outstat_est *out)
{
    double m = 0.0, v = 0.0;
    for (int j = 0; j < k; j++) m += b[j];
    m /= k;
    for (int j = 0; j < k; j++) v += (b[j] - m) * (b[j] - m);
    double half = fl_outstat_t975(k - 1) * sqrt(v / (k - 1) / k);
    out->est = est;
    out->ci_low = est - half;
    out->ci_high = est + half;
}

void fl_outstat_mean(const double *x, size_t n, int k, outstat_est *out)
{
    out->n = n;
    out->est = out->ci_low = out->ci_high = NAN;
    if (n == 0 || k < 2) return;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i];
    out->est = s / (double)n;
    size_t bs = n / (size_t)k;
    if (bs < 2) return;
    double b[64];
    if (k > 64) k = 64;
    for (int j = 0; j < k; j++) {
        double t = 0.0;
        for (size_t i = 0; i < bs; i++) t += x[(size_t)j * bs + i];
        b[j] = t / (double)bs;
    }
    interval(b, k, out->est, out);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double fl_outstat_sample_quantile(double *x, size_t n, double p)
{
    if (n == 0) return NAN;
    qsort(x, n, sizeof *x, cmp_d);
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n) return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

void fl_outstat_quantile(const double *x, size_t n, double p, int k, double *work, outstat_est *out)
{
    out->n = n;
    out->est = out->ci_low = out->ci_high = NAN;
    if (n == 0 || !(p > 0 && p < 1) || k < 2) return;
    if (k > 64) k = 64;
    size_t bs = n / (size_t)k;
    double b[64];
    /* batch quantiles first (work holds one batch at a time), then the
     * whole sample */
    int ok = bs >= 2 && (double)bs * (1 - p) >= 1.0;
    for (int j = 0; ok && j < k; j++) {
        memcpy(work, x + (size_t)j * bs, bs * sizeof *x);
        b[j] = fl_outstat_sample_quantile(work, bs, p);
    }
    memcpy(work, x, n * sizeof *x);
    double est = fl_outstat_sample_quantile(work, n, p);
    if (ok)
        interval(b, k, est, out);
    else
        out->est = est;
}
