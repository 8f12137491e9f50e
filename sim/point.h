/* point: run one sweep point of a scenario, source -> codec -> link ->
 * codec -> metrics, and fill its row of results (DESIGN.md §1).
 */
#ifndef FEATLINK_POINT_H
#define FEATLINK_POINT_H

#include "codec/metrics.h"
#include "codec/source.h"
#include "sim/row.h"
#include "sim/scenario.h"
#include "sim/trials.h"

#include <stddef.h>
#include <stdint.h>

//  point_progress_fn : a long point's own progress (BER points: bits and
//                      bit errors so far); may be called from any thread
typedef void (*point_progress_fn)(void *arg, int64_t point, uint64_t bits, uint64_t errors);

typedef struct {
    const source_tensor *file_source; /* the loaded npy/HDF5 tensor, or NULL */
    point_progress_fn progress;       /* may be NULL */
    void *progress_arg;
} point_ctx;

//  point_load_source : load the file source a config names (npy/HDF5) into
//                      _t; 0 or a negative errno with a message in _err
int point_load_source(const fl_config *c, const char *file, source_tensor *t, char *err, size_t len);
//  point_source : the frame a point works on: the file tensor of _ctx, or a
//                 synthetic one generated into _own (caller source_free's _own);
//                 *_src points at whichever; 0 or a negative errno
int point_source(const fl_config *c, const point_ctx *ctx, uint32_t trial, source_tensor *own,
                 const source_tensor **src);
//  point_analog : the analog link (paper 000 Fig. 3): _y[i] = _x[i] + noise
//      of variance P / SNR for every sent value (_keep[i] != 0, or all when
//      _keep is NULL), P the mean power of the sent values; unsent values 0.
//      _snr_db = +inf: no noise. _y may alias _x. Noise: Philox (seed, point,
//      purpose, trial) via channel/noise. 0 or -ENOMEM
int point_analog(const float *x, const uint8_t *keep, int64_t n, double snr_db, uint32_t seed,
                 uint32_t point, uint32_t purpose, uint32_t trial, float *y);
//  point_metric_columns : one frame's proxy-metric columns of _m (cosine,
//                         nmse, feature_snr_db, proxy_precision/recall/f1,
//                         cka), put into the trial average _acc
void point_metric_columns(trials_acc *acc, const metrics_report *m);
//  point_run : compute point _point of config _c into _r; 0, or a negative
//              errno with a message in _err (runtime failure, exit 1)
int point_run(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len);

#endif
