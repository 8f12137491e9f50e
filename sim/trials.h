/* trials: the one trial-averaging routine of every point that averages
 * frames (PINR and TOFC points over capacity, analog or digital links).
 *
 * Each frame puts its per-frame quantities (fl_trials_put); fl_trials_finish writes
 * for every column put its mean over the n frames and a standard error
 * column named "<col>_sem":
 *   mean = Σ x_i / n,   sem = s / √n,   s² = Σ (x_i - mean)² / (n - 1)
 * (sample standard deviation with Bessel's correction); sem is NaN when
 * n = 1 (no spread can be estimated from one frame). The variance is
 * accumulated with Welford's update (B. P. Welford, Technometrics 4(3),
 * 1962), so columns of large mean and small spread (bit counts) keep their
 * digits. A column missing from some frames is averaged over the frames
 * that put it.
 */
#ifndef FEATLINK_TRIALS_H
#define FEATLINK_TRIALS_H

#include "sim/row.h"

#include <stdint.h>

#define TRIALS_MAX_COLS 64
#define TRIALS_SEM_SUFFIX "_sem"

typedef struct {
    const char *name;   /* not copied: a string that outlives the accumulator (a literal) */
    const char *unit;
    int64_t n;          /* frames that put this column */
    double sum;         /* Σ x: the mean is sum / n */
    double mean, m2;    /* Welford's running mean and Σ (x - mean)² */
} trials_col;

typedef struct {
    int ncols;
    trials_col col[TRIALS_MAX_COLS];
} trials_acc;

//  fl_trials_reset : empty the accumulator (no frame yet)
void fl_trials_reset(trials_acc *a);
//  fl_trials_put : one frame's value _x of column _name (unit _unit, "" for
//               none); both strings must outlive _a (literals). A column
//               keeps the order of its first put. 0, or -ENOSPC beyond
//               TRIALS_MAX_COLS columns
int fl_trials_put(trials_acc *a, const char *name, double x, const char *unit);
//  fl_trials_finish : set, in order, every column's mean and its "<name>_sem"
//                  (same unit) in _r. 0, or -ENOSPC when _r is full
int fl_trials_finish(const trials_acc *a, row *r);
//  fl_trials_mean : the mean of column _name so far; NaN when never put
double fl_trials_mean(const trials_acc *a, const char *name);

#endif
