/* syssum: the per-point summary of a system run (sim/system) — the columns
 * a researcher reads: latency mean and p50/p95/p99 with 95% intervals, the
 * deadline-miss rate with its interval, the mean of every latency
 * component, utilisations, goodput and energy.
 *
 * Frames are counted when they arrive at or after warm-up; their sequence
 * (in completion order) gets a further MSER-5 truncation before batch
 * means and batch quantiles (sim/outstat), so an initial transient that
 * warm-up left in does not bias the estimates. The miss rate counts dropped
 * frames as misses. Where an interval cannot be formed, NaN.
 *
 * Honest flags: `saturated` is 1 when the uplink or the server was busy at
 * least 99% of the time (load at or above 1: the queue grows with the run
 * length and a mean is meaningless); `p99_few_frames` is 1 when a batch
 * holds fewer than 100 frames, so a batch's p99 has no observation above
 * it (the p99 and its interval then rest on too few frames).
 */
#ifndef FEATLINK_SYSSUM_H
#define FEATLINK_SYSSUM_H

#include <stddef.h>

#include "sim/outstat.h"
#include "sim/system.h"

typedef struct {
    double *lat, *dev, *upw, *tx, *srvw, *srv, *miss, *energy;
    size_t  n, cap;
    size_t  dropped;
    double  warmup_s;
} syssum_acc;

typedef struct {
    outstat_est latency, p50, p95, p99, miss_rate;
    double device_time_mean_s, uplink_wait_mean_s, tx_time_mean_s;
    double server_wait_mean_s, server_time_mean_s, energy_mean_j;
    double uplink_utilisation, server_utilisation, goodput_bps;
    double frames, dropped_frames;
    int    saturated, p99_few_frames;
} syssum;

//  fl_syssum_init : empty accumulator counting frames from _warmup_s on
void fl_syssum_init(syssum_acc *a, double warmup_s);
void fl_syssum_free(syssum_acc *a);
//  fl_syssum_add : a sys_frame_fn: keeps what the summary needs of frame _f;
//               0 or -ENOMEM
int fl_syssum_add(void *acc, const sys_frame *f);
//  fl_syssum_finish : the summary of the frames added, with the run's totals
//                  _t; 0 or -ENOMEM
int fl_syssum_finish(const syssum_acc *a, const sys_totals *t, syssum *out);
//  fl_syssum_run : fl_sys_run of _c with every frame summarised: the summary in
//               *_out, the run's totals in *_t; 0 or an error of fl_sys_run or
//               fl_syssum_finish
int fl_syssum_run(const sys_config *c, syssum *out, sys_totals *t);
//  fl_syssum_run_tee : fl_syssum_run, every frame also to _fn(_arg, ...) (NULL: none)
int fl_syssum_run_tee(const sys_config *c, syssum *out, sys_totals *t, sys_frame_fn fn, void *arg);

#endif
