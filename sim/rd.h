/* rd: one sweep point of a rate-distortion codec (paper 001, TOFC):
 * DPC-KNN merging, quantisation and Laplacian entropy coding, measured in
 * bits and in proxy metrics. */
#ifndef FEATLINK_RD_H
#define FEATLINK_RD_H

#include "sim/point.h"

//  rd_frame : one frame (trial _trial) of a point with codec.select = merge,
//             codec.quant != fp32 or codec.entropy = laplace; the point's
//             constant columns (snr_db, shape, source entropy) go into _r,
//             the frame's measurements into the trial average _acc
int rd_frame(const fl_config *c, int64_t point, uint32_t trial, const point_ctx *ctx, row *r,
             trials_acc *acc, char *err, size_t len);

#endif
