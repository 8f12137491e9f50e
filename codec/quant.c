/* quant: fp16, bf16, uniform (dead-zone) and RDOQ scalar quantisers.
 *
 * Formats: IEEE 754-2008 §3.6 (binary16: 1 sign, 5 exponent (bias 15),
 * 10 fraction bits); bfloat16 = the upper half of binary32 (Google Brain
 * format, as in Intel's "BFLOAT16 - Hardware Numerics Definition", 2018).
 * Dead-zone uniform quantiser: Sullivan, "Efficient scalar quantization of
 * exponential and Laplacian random variables", IEEE Trans. IT 42(5), 1996
 * (the rounding offset of H.264/HEVC encoders). RDOQ: Lagrangian choice
 * among neighbouring levels, J = D + λR (Sullivan & Wiegand, "Rate-distortion
 * optimization for video compression", IEEE SPM 15(6), 1998; x265 rdoQuant
 * compares the rounded level, the one below and 0).
 */
#include "codec/quant.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static uint32_t quant_bits_of(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static float quant_float_of(uint32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* --------------------------------------------------------------- fp16 -- */

uint16_t fl_quant_f32_to_f16(float x)
{
    const uint32_t b = quant_bits_of(x);
    const uint16_t sign = (uint16_t)((b >> 16) & 0x8000u);
    const uint32_t exp = (b >> 23) & 0xffu;
    const uint32_t man = b & 0x7fffffu;

    if (exp == 0xffu) {
        if (man == 0)
            return sign | 0x7c00u;                       // ±inf
        return (uint16_t)(sign | 0x7e00u | (man >> 13)); // quiet NaN, payload top
    }
    // binary16 biased exponent of the same value: e = exp - 127 + 15.
    const int32_t e = (int32_t)exp - 112;
    if (e >= 31)
        return sign | 0x7c00u;   // >= 2^16: beyond the largest finite 65504
    if (e >= 1) {
        // normal: keep 10 fraction bits, round the 13 dropped bits to
        // nearest even; a carry rolls into the exponent (up to inf), which
        // is the correct result (IEEE 754 §4.3.1).
        uint32_t h = ((uint32_t)e << 10) | (man >> 13);
        const uint32_t rem = man & 0x1fffu;
        if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
            h++;
        return (uint16_t)(sign | h);
    }
    // subnormal or zero: value = m 2^(exp-150) with m = 1.man (24 bits);
    // in units of the smallest subnormal 2^-24 it is m >> (14 - e).
    if (exp == 0 || e < -10)
        return sign;   // below 2^-25 (or a binary32 subnormal): rounds to ±0
    const uint32_t m = man | 0x800000u;
    const uint32_t shift = (uint32_t)(14 - e);   // 14..24
    uint32_t h = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1u);
    const uint32_t half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (h & 1u)))
        h++;   // may become 0x400, the smallest normal: correct
    return (uint16_t)(sign | h);
}

float fl_quant_f16_to_f32(uint16_t h)
{
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    if (exp == 0x1fu)
        return quant_float_of(sign | 0x7f800000u | (man << 13));   // inf/NaN
    if (exp != 0)
        return quant_float_of(sign | ((exp + 112u) << 23) | (man << 13));
    if (man == 0)
        return quant_float_of(sign);
    // subnormal: man 2^-24, normalise into binary32
    int32_t e = 113;   // binary32 biased exponent for 2^-14
    while (!(man & 0x400u)) {
        man <<= 1;
        e--;
    }
    man &= 0x3ffu;
    return quant_float_of(sign | ((uint32_t)e << 23) | (man << 13));
}

/* --------------------------------------------------------------- bf16 -- */

uint16_t fl_quant_f32_to_bf16(float x)
{
    uint32_t b = quant_bits_of(x);
    if ((b & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((b >> 16) | 0x0040u);   // NaN: keep it a (quiet) NaN
    // round to nearest even on the 16 dropped bits; the carry may reach the
    // exponent (up to inf), as it should.
    b += 0x7fffu + ((b >> 16) & 1u);
    return (uint16_t)(b >> 16);
}

float fl_quant_bf16_to_f32(uint16_t h)
{
    return quant_float_of((uint32_t)h << 16);
}

/* ------------------------------------------------------------- arrays -- */

int fl_quant_fp16_encode(const float *x, size_t n, uint16_t *h)
{
    if (n && (!x || !h))
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        h[i] = fl_quant_f32_to_f16(x[i]);
    return 0;
}

int fl_quant_fp16_decode(const uint16_t *h, size_t n, float *x)
{
    if (n && (!x || !h))
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        x[i] = fl_quant_f16_to_f32(h[i]);
    return 0;
}

int fl_quant_bf16_encode(const float *x, size_t n, uint16_t *h)
{
    if (n && (!x || !h))
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        h[i] = fl_quant_f32_to_bf16(x[i]);
    return 0;
}

int fl_quant_bf16_decode(const uint16_t *h, size_t n, float *x)
{
    if (n && (!x || !h))
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        x[i] = fl_quant_bf16_to_f32(h[i]);
    return 0;
}

/* ------------------------------------------------------------ uniform -- */

static int quant_step_ok(double step)
{
    return isfinite(step) && step > 0.0;
}

int fl_quant_uniform(const float *x, size_t n, double step, double rounding,
                  int32_t *level)
{
    if ((n && (!x || !level)) || !quant_step_ok(step) ||
        !(rounding >= 0.0 && rounding <= 0.5))
        return -EINVAL;
    const double thr = 1.0 - rounding;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return -EINVAL;
        const double u = fabs((double)x[i]) / step;
        if (!(u + 1.0 <= (double)INT32_MAX))
            return -ERANGE;
        // floor(u + r) = floor(u) + [frac(u) >= 1 - r]; u - floor(u) is exact.
        const double fl = floor(u);
        const int32_t m = (int32_t)fl + (u - fl >= thr);
        level[i] = x[i] < 0.0f ? -m : m;
    }
    return 0;
}

int fl_quant_dequantize(const int32_t *level, size_t n, double step, float *y)
{
    if ((n && (!level || !y)) || !quant_step_ok(step))
        return -EINVAL;
    /* clamped: a level x step beyond float range (only from a corrupt
     * stream) must not overflow the conversion (-> inf, undefined in C) */
    for (size_t i = 0; i < n; i++) {
        double r = (double)level[i] * step;
        y[i] = r > FLT_MAX ? FLT_MAX : r < -FLT_MAX ? -FLT_MAX : (float)r;
    }
    return 0;
}

/* --------------------------------------------------------------- rdoq -- */

int fl_quant_rdoq(const float *x, size_t n, int64_t first_index, double step,
               double lambda, quant_bits_fn bits, void *ctx, int32_t *level,
               double *rate_bits, double *sse)
{
    if ((n && (!x || !level)) || !quant_step_ok(step) || !isfinite(lambda) ||
        lambda < 0.0 || (lambda > 0.0 && !bits))
        return -EINVAL;
    const double s2 = step * step;
    double rate = 0.0, dist = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return -EINVAL;
        const double u = fabs((double)x[i]) / step;
        if (!(u + 1.0 <= (double)INT32_MAX))
            return -ERANGE;
        const int neg = x[i] < 0.0f;
        const int64_t idx = first_index + (int64_t)i;
        // Candidates in magnitude: plain rounding first, then the other
        // neighbour, then 0. Distortion in units of Δ: (u - m)² Δ², where
        // u - floor(u) is exact, so with λ = 0 the plain level is never
        // strictly beaten (λ = 0 == uniform with r = 0.5).
        const double fl = floor(u);
        const double fr = u - fl;
        const int32_t mf = (int32_t)fl;
        const int32_t cand[3] = {fr >= 0.5 ? mf + 1 : mf, fr >= 0.5 ? mf : mf + 1,
                                 0};
        int32_t best = 0;
        double bestj = INFINITY, bestr = 0.0;
        for (int c = 0; c < 3; c++) {
            const int32_t m = cand[c];
            if (c == 2 && (cand[0] == 0 || cand[1] == 0))
                break;   // 0 already tried
            const int32_t lv = neg ? -m : m;
            const double e = u - (double)m;
            double j = e * e * s2, r = 0.0;
            if (lambda > 0.0) {
                r = bits(ctx, idx, lv);
                if (isnan(r))
                    r = INFINITY;
                j += lambda * r;
            }
            if (c == 0 || j < bestj) {
                best = lv;
                bestj = j;
                bestr = r;
            }
        }
        level[i] = best;
        if (rate_bits && lambda == 0.0 && bits)
            bestr = bits(ctx, idx, best);
        rate += bestr;
        const double err = (double)x[i] - (double)best * step;
        dist += err * err;
    }
    if (rate_bits)
        *rate_bits = rate;
    if (sse)
        *sse = dist;
    return 0;
}
