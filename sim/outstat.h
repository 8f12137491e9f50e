/* outstat: output analysis of a steady-state simulation — what turns a
 * sequence of correlated observations (the latencies of successive frames)
 * into an estimate with an honest confidence interval.
 *
 * - Warm-up deletion by MSER-5 (White 1997, "An effective truncation
 *   heuristic for bias reduction in simulation output", Simulation 69(6)):
 *   batch the sequence into means of 5, and drop the first d batches where
 *   d minimises the marginal standard error
 *       MSER(d) = sum_{j>d} (Z_j - mean_{j>d} Z)^2 / (m - d)^2
 *   over d <= m/2 (m batches).
 * - Non-overlapping batch means (Law, Simulation Modeling and Analysis,
 *   5th ed., §9.5.3): k equal batches, the k batch means treated as iid
 *   normal: mean ± t_{k-1, 0.975} s / sqrt(k).
 * - Quantiles: the point estimate is the sample quantile of all kept
 *   observations (type 7 of Hyndman & Fan 1996: linear between order
 *   statistics); the interval comes from the k batch quantiles the same way
 *   as for means (batch quantiles, Heidelberger & Lewis 1984).
 * - A proportion (e.g. deadline misses) is a mean of 0/1 observations:
 *   batch means again, so correlated misses widen it.
 */
#ifndef FEATLINK_OUTSTAT_H
#define FEATLINK_OUTSTAT_H

#include <stddef.h>

#define OUTSTAT_BATCHES 20   /* k; Law recommends 10 to 30 */

typedef struct {
    double est;              /* point estimate */
    double ci_low, ci_high;  /* 95% interval; NaN when it cannot be formed */
    size_t n;                /* observations used */
} outstat_est;

//  fl_outstat_mser5 : the number of leading observations of _x[0.._n) to drop
//                  (a multiple of 5, at most n/2)
size_t fl_outstat_mser5(const double *x, size_t n);
//  fl_outstat_mean : batch-means estimate of the mean of _x[0.._n) with
//                 _k >= 2 batches (NaN interval when n < 2k)
void fl_outstat_mean(const double *x, size_t n, int k, outstat_est *out);
//  fl_outstat_quantile : the _p-quantile (0 < _p < 1) of _x[0.._n), interval
//                     from _k batch quantiles; _work: n doubles of scratch
void fl_outstat_quantile(const double *x, size_t n, double p, int k, double *work, outstat_est *out);
//  fl_outstat_sample_quantile : type-7 sample quantile of _x[0.._n) (sorted
//                            in place)
double fl_outstat_sample_quantile(double *x, size_t n, double p);
//  fl_outstat_t975 : t_{dof, 0.975} (GSL), e.g. 2.093 for 19 degrees of freedom
double fl_outstat_t975(int dof);

#endif
