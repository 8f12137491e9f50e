/* rd: one sweep point of a rate-distortion codec (paper 001, TOFC):
 * DPC-KNN merging, quantisation and Laplacian entropy coding, measured in
 * bits and in proxy metrics. */
#ifndef FEATLINK_RD_H
#define FEATLINK_RD_H

#include "sim/point.h"

//  rd_point : as point_run, for codec.select = merge or codec.quant != fp32
//             or codec.entropy = laplace
int rd_point(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len);

#endif
