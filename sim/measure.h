/* measure: what a frame stage measures on the received frame, and the
 * capacity columns of a point.
 *
 *   fl_measure_metrics    proxy metrics (codec/metrics) of the original X
 *                      against the reconstruction, in the projector's space
 *                      when metrics.projector is set
 *   fl_measure_reference  the report of the reference pair (X, X_ref) that
 *                      metrics.reference normalises by (paper 000 Figs. 2-3):
 *                      clean X_ref = X; same_snr X_ref = the uncompressed
 *                      frame through the same link: capacity = X (the link
 *                      is error-free), analog = X plus the link's noise (its
 *                      own stream), digital = the codec's uncompressed frame
 *                      sent by the stage's callback through the same packets
 *   fl_measure_put        one frame's metric columns into the trial average
 *   fl_measure_fading_columns  the capacity columns over a fading channel
 */
#ifndef FEATLINK_MEASURE_H
#define FEATLINK_MEASURE_H

#include "codec/metrics.h"
#include "sim/frame.h"
#include "sim/link.h"
#include "sim/row.h"
#include "sim/trials.h"

#include <stddef.h>

//  fl_measure_metrics : the report of X (_nx tokens of _f->dims) against the
//      reconstruction _xhat on the same grid (cosine, NMSE, SNR, CKA) and,
//      for greedy P/R/F1, the received tokens _ymerged (_ny tokens: merged
//      ones) or, when _ymerged is NULL, _xhat. 0 or a negative errno
int fl_measure_metrics(const frame_ctx *f, const float *x, const float *xhat, size_t nx, const float *ymerged,
                    size_t ny, metrics_report *m);

//  measure_digital_ref_fn : send the codec's uncompressed frame of _x through
//      the digital link _l at _t_s as frame _frame and decode it into _xref
//      (lost values 0; a lost frame all zeros). 0 or a negative errno
typedef int (*measure_digital_ref_fn)(const frame_ctx *f, double t_s, uint32_t frame, const float *x,
                                      float *xref);

//  fl_measure_reference : the reference report _mref of frame _frame (sent at
//      _t_s) for source X (_nx tokens), per metrics.reference (must not be
//      none); analog noise with Philox purpose _purpose; _digital makes the
//      digital link's reference. 0 or a negative errno
int fl_measure_reference(const frame_ctx *f, double t_s, uint32_t frame, const float *x, size_t nx,
                      uint32_t purpose, measure_digital_ref_fn digital, metrics_report *mref);

//  fl_measure_put : the metric columns of _m (cosine, nmse, feature_snr_db,
//      proxy_precision/recall/f1, cka) into _acc. 0 or -ENOSPC
int fl_measure_put(trials_acc *acc, const metrics_report *m);

//  fl_measure_link_columns : a digital frame's link columns into _acc:
//      packets, packets_lost, packet_loss_rate, packet_bits, air_bits,
//      air_symbols, airtime_s, frame_lost (_frame_lost: 1 when the frame
//      arrived as zeros), and _lost_name (the codec's unit: lost_symbols for
//      PINR, lost_values for TOFC) = _lost. 0 or -ENOSPC
int fl_measure_link_columns(trials_acc *acc, const link_report *rep, int frame_lost, const char *lost_name,
                         double lost);

//  fl_measure_fading_columns : over a fading channel (channel.kind rayleigh or
//      rician; nothing for AWGN or an infinite SNR), the capacity columns of
//      a frame of _bits bits into _r (see measure.c). 0, or a negative errno
//      with _err filled
int fl_measure_fading_columns(const fl_config *c, double bits, row *r, char *err, size_t len);

#endif
