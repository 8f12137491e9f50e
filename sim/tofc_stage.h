/* tofc_stage: the rate-distortion frame of a sweep point (paper 001, TOFC,
 * §IV): codec.select = merge, codec.quant other than fp32, or
 * codec.entropy = laplace.
 *
 * source -> fl_tofc_encode (merge, quantise, entropy code, with the point's
 * entropy tables) -> link -> fl_tofc_decode -> merged tokens expanded with the
 * encoder-side assignment (not sent) -> metrics. Capacity: the stream
 * arrives error-free; analog: the decoded (dequantised) sent values plus
 * noise; digital: packets through the channel, lost packets erased (an
 * entropy-coded payload cannot resynchronise: any erased byte loses the
 * frame, which then arrives as zeros). Frame t is sent at t x
 * link.budget_s (fl_frame_send_time).
 *
 * Bounds for sources of known law (i.i.d. Gaussian / Laplacian of standard
 * deviation σ = source.scale): the Shannon lower bound
 *   R_SLB(D) = h(X) - ½ log2(2πe D)   (T. Berger, Rate Distortion Theory, 1971, §4.3.1)
 * with h = ½ log2(2πe σ²) (Gaussian) or log2(2e b), b = σ/√2 (Laplacian)
 * (Cover & Thomas, Elements of Information Theory, 2nd ed., Table 17.1), and
 * for the Gaussian the exact
 *   R(D) = ½ log2(σ²/D), D <= σ² (Cover & Thomas, Thm 10.3.2).
 */
#ifndef FEATLINK_TOFC_STAGE_H
#define FEATLINK_TOFC_STAGE_H

#include "codec/tofc.h"
#include "sim/frame.h"
#include "sim/row.h"
#include "sim/trials.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    tofc_params p;
} tofc_stage;

//  fl_tofc_stage_setup : the codec parameters of _f's point into _s, checked,
//      and its constant columns (snr_db, patches, tokens, dims, esn0_db on a
//      digital link, source_entropy_bits for i.i.d. synthetic laws) into _r.
//      0 or a negative errno with _err filled
int fl_tofc_stage_setup(tofc_stage *s, const frame_ctx *f, row *r, char *err, size_t len);
//  fl_tofc_stage_frame : frame _trial of source tensor _x (fl_frame_source); its
//      measured columns into _acc (_stage: a tofc_stage). 0 or a negative
//      errno with _err filled
int fl_tofc_stage_frame(const void *stage, frame_ctx *f, uint32_t trial, const float *x, trials_acc *acc, char *err,
                    size_t len);

#endif
