/* rd: one sweep point of a rate-distortion codec (paper 001, TOFC):
 * DPC-KNN merging, quantisation and Laplacian entropy coding, measured in
 * bits and in proxy metrics. */
#ifndef FEATLINK_RD_H
#define FEATLINK_RD_H

#include "sim/point.h"

//  rd_frame : one frame (trial _trial) of a point with codec.select = merge,
//             codec.quant != fp32 or codec.entropy = laplace; fills _r as
//             point_run does (point_run averages the trials)
int rd_frame(const fl_config *c, int64_t point, uint32_t trial, const point_ctx *ctx, row *r, char *err,
             size_t len);

#endif
