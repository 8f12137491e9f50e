/* quant: scalar quantisers for feature values.
 *
 *   fp16  IEEE 754-2008 binary16, round to nearest, ties to even; subnormals
 *         kept; |x| >= 65520 -> ±inf; NaN stays NaN (quiet, sign and top
 *         payload bits kept).
 *   bf16  the top 16 bits of binary32, round to nearest, ties to even;
 *         overflow -> ±inf; NaN stays NaN (quiet).
 *   uniform  step Δ, rounding offset r:
 *         level = sign(x) floor(|x|/Δ + r),  x̂ = level Δ.
 *         r = 0.5: plain rounding (ties away from zero); r < 0.5: dead zone
 *         (|x| < (1 - r)Δ -> 0, every interval shifted toward 0; H.264/HEVC
 *         use r = 1/3 intra, 1/6 inter). Computed as floor(u) + (frac(u) >= 1 - r),
 *         u = |x|/Δ, to avoid the rounding of u + r.
 *   rdoq  rate-distortion optimised quantisation (the x265 idea, Sullivan &
 *         Wiegand, IEEE SPM 1998): for u = |x|/Δ the candidates are the
 *         plain-rounding level, the other of floor(u) and floor(u) + 1, and
 *         0, each with the sign of x; the level minimising
 *             J = (x - level Δ)² + λ bits(level)
 *         is kept. The plain-rounding level is tried first and another
 *         candidate replaces it only when strictly cheaper, so λ = 0 gives
 *         exactly the uniform quantiser with r = 0.5.
 */
#ifndef FEATLINK_QUANT_H
#define FEATLINK_QUANT_H

#include <stddef.h>
#include <stdint.h>

#ifndef QUANT_BITS_FN_DEFINED
#define QUANT_BITS_FN_DEFINED
//  quant_bits_fn : code length in bits of _level for element _elem_index
//      under the entropy model (>= 0; +inf for a level that cannot be coded).
//  _ctx        : the model, owned by the caller
//  _elem_index : index of the element in the caller's numbering
//  _level      : quantisation level (signed integer)
typedef double (*quant_bits_fn)(void *ctx, int64_t elem_index, int32_t level);
#endif

/* ------------------------------------------------------------ scalars -- */

//  fl_quant_f32_to_f16 : binary16 bits of _x (round to nearest even)
uint16_t fl_quant_f32_to_f16(float x);
//  fl_quant_f16_to_f32 : value of binary16 bits _h (exact)
float fl_quant_f16_to_f32(uint16_t h);
//  fl_quant_f32_to_bf16 : bfloat16 bits of _x (round to nearest even)
uint16_t fl_quant_f32_to_bf16(float x);
//  fl_quant_bf16_to_f32 : value of bfloat16 bits _h (exact)
float fl_quant_bf16_to_f32(uint16_t h);

/* ------------------------------------------------------------- arrays -- */

//  fl_quant_fp16_encode / fl_quant_bf16_encode : _n floats _x -> _n 16-bit codes _h
//  fl_quant_fp16_decode / fl_quant_bf16_decode : _n codes _h -> _n floats _x
//  returns 0, -EINVAL (NULL with _n > 0)
int fl_quant_fp16_encode(const float *x, size_t n, uint16_t *h);
int fl_quant_fp16_decode(const uint16_t *h, size_t n, float *x);
int fl_quant_bf16_encode(const float *x, size_t n, uint16_t *h);
int fl_quant_bf16_decode(const uint16_t *h, size_t n, float *x);

//  fl_quant_uniform : levels of _n values.
//  _x        : input, finite (else -EINVAL)
//  _step     : Δ > 0, finite
//  _rounding : r in [0, 0.5]; 0.5 plain rounding, less is a dead zone
//  _level    : output, _n levels (caller allocates)
//  returns 0, -EINVAL, -ERANGE (|x|/Δ + 1 > INT32_MAX)
int fl_quant_uniform(const float *x, size_t n, double step, double rounding,
                  int32_t *level);

//  fl_quant_dequantize : _y[i] = (float)(_level[i] _step), clamped to +-FLT_MAX;
//                     _step > 0, finite.
//  returns 0, -EINVAL
int fl_quant_dequantize(const int32_t *level, size_t n, double step, float *y);

//  fl_quant_rdoq : rate-distortion optimised levels (see top of file).
//  _x           : input, finite (else -EINVAL)
//  _first_index : elem_index passed to _bits for _x[0]; _x[i] gets _first_index + i
//  _step        : Δ > 0, finite
//  _lambda      : λ >= 0, finite, in squared-value units per bit
//                 (0: no rate term, _bits is not called)
//  _bits        : entropy-model callback (NULL only when _lambda = 0);
//                 a NaN result counts as +inf
//  _ctx         : passed to _bits
//  _level       : output, _n levels
//  _rate_bits   : output, Σ bits(level) of the chosen levels (may be NULL;
//                 0 when _bits is NULL)
//  _sse         : output, Σ (x - level Δ)² (may be NULL)
//  returns 0, -EINVAL, -ERANGE (|x|/Δ + 1 > INT32_MAX); on error _level is
//      filled up to the failing element only
int fl_quant_rdoq(const float *x, size_t n, int64_t first_index, double step,
               double lambda, quant_bits_fn bits, void *ctx, int32_t *level,
               double *rate_bits, double *sse);

#endif
