/* pinr_stage: the PINR frame of a sweep point (paper 000), or a frame with
 * no selection (codec.select = none: f = g = h = 0): encode (codec/pinr),
 * send over the point's link (sim/link), decode, measure (sim/measure).
 *
 * Frame t of a point is drawn from source trial t and sent at
 * t x link.budget_s (fl_frame_send_time). The selection, like the synthetic
 * source, is a common random number across sweep points (fl_pinr_frame_seed
 * with point index 0): points that differ only in SNR, link or reference
 * drop the same symbols; the channel noise is keyed by the point.
 */
#ifndef FEATLINK_PINR_STAGE_H
#define FEATLINK_PINR_STAGE_H

#include "codec/pinr.h"
#include "sim/frame.h"
#include "sim/row.h"
#include "sim/trials.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    pinr_params p;
    pinr_analytic a;
} pinr_stage;

//  fl_pinr_stage_setup : the codec parameters of _f's point into _s and its
//      constant columns (f, g, h, snr_db, shape, the analytic accounting of
//      paper 000 §3, esn0_db on a digital link) into _r. 0 or a negative
//      errno with _err filled
int fl_pinr_stage_setup(pinr_stage *s, const frame_ctx *f, row *r, char *err, size_t len);
//  fl_pinr_stage_frame : frame _trial of source tensor _x (fl_frame_source); its
//      measured columns into _acc (_stage: a pinr_stage). 0 or a negative
//      errno with _err filled
int fl_pinr_stage_frame(const void *stage, frame_ctx *f, uint32_t trial, const float *x, trials_acc *acc, char *err,
                    size_t len);
//  fl_pinr_stage_finish : the columns derived from the trial means (measured
//      reduction, bandwidth, transfer time, fading capacities) into _r
int fl_pinr_stage_finish(const pinr_stage *s, const frame_ctx *f, const trials_acc *acc, row *r, char *err,
                      size_t len);

#endif
