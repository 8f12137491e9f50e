/* test_quant: fp16/bf16 bit patterns, uniform and dead-zone quantisers,
 * RDOQ (codec/quant). */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <Random123/philox.h>

#include "codec/quant.h"

/* ------------------------------------------------------------ helpers -- */

static double u01(uint32_t seed, uint64_t i, uint32_t purpose)
{
    philox4x32_ctr_t c = {{(uint32_t)i, (uint32_t)(i >> 32), purpose, 0}};
    philox4x32_key_t k = {{seed, 0}};
    philox4x32_ctr_t r = philox4x32(c, k);
    return ((double)r.v[0] + 0.5) / 4294967296.0;
}

static double gauss(uint32_t seed, uint64_t i)
{
    double a = u01(seed, 2 * i, 1), b = u01(seed, 2 * i + 1, 1);
    return sqrt(-2.0 * log(a)) * cos(2.0 * M_PI * b);   // Box-Muller
}

static float *gauss_array(uint32_t seed, size_t n, double sigma)
{
    float *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(sigma * gauss(seed, i));
    return x;
}

static float f_of(uint32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static uint32_t b_of(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* --------------------------------------------------------------- fp16 -- */

static void test_fp16_hand_values(void **state)
{
    (void)state;
    // value -> binary16 bits, worked out by hand from s eeeee ffffffffff
    assert_int_equal(fl_quant_f32_to_f16(1.0f), 0x3c00);      // 0 01111 0
    assert_int_equal(fl_quant_f32_to_f16(-2.0f), 0xc000);     // 1 10000 0
    assert_int_equal(fl_quant_f32_to_f16(0.0f), 0x0000);
    assert_int_equal(fl_quant_f32_to_f16(-0.0f), 0x8000);
    assert_int_equal(fl_quant_f32_to_f16(65504.0f), 0x7bff);  // largest finite
    assert_int_equal(fl_quant_f32_to_f16(65519.0f), 0x7bff);  // below the midpoint
    assert_int_equal(fl_quant_f32_to_f16(65520.0f), 0x7c00);  // midpoint, odd -> inf
    assert_int_equal(fl_quant_f32_to_f16(1e6f), 0x7c00);      // overflow
    assert_int_equal(fl_quant_f32_to_f16(-1e6f), 0xfc00);
    assert_int_equal(fl_quant_f32_to_f16(INFINITY), 0x7c00);
    assert_int_equal(fl_quant_f32_to_f16(-INFINITY), 0xfc00);
    assert_int_equal(fl_quant_f32_to_f16(0x1p-14f), 0x0400);  // smallest normal
    assert_int_equal(fl_quant_f32_to_f16(0x1p-24f), 0x0001);  // smallest subnormal
    assert_int_equal(fl_quant_f32_to_f16(0x3ffp-24f), 0x03ff);// largest subnormal
    assert_int_equal(fl_quant_f32_to_f16(0x1p-25f), 0x0000);  // tie -> even 0
    assert_int_equal(fl_quant_f32_to_f16(nextafterf(0x1p-25f, 1.0f)), 0x0001);
    assert_int_equal(fl_quant_f32_to_f16(0x3p-25f), 0x0002);  // 1.5 units -> 2
    assert_int_equal(fl_quant_f32_to_f16(0x5p-25f), 0x0002);  // 2.5 units -> 2
    assert_int_equal(fl_quant_f32_to_f16(1e-10f), 0x0000);    // underflow
    assert_int_equal(fl_quant_f32_to_f16(-1e-10f), 0x8000);
    assert_int_equal(fl_quant_f32_to_f16(f_of(1)), 0x0000);   // binary32 subnormal
    // 0x1.ffcp-15: 2^-14 - 2^-25 is 1023.5 units of 2^-24 -> even 1024 = 0x0400
    assert_int_equal(fl_quant_f32_to_f16(0x1.ffep-15f), 0x0400);
    // ties in the normal range: 1 + 2^-11 is halfway 0x3c00..0x3c01 -> even
    assert_int_equal(fl_quant_f32_to_f16(1.0f + 0x1p-11f), 0x3c00);
    assert_int_equal(fl_quant_f32_to_f16(1.0f + 0x3p-11f), 0x3c02);
    assert_int_equal(fl_quant_f32_to_f16(nextafterf(1.0f + 0x1p-11f, 2.0f)), 0x3c01);
    assert_int_equal(fl_quant_f32_to_f16(2049.0f), 0x6800);   // ulp 2: 2048 (even)
    assert_int_equal(fl_quant_f32_to_f16(2051.0f), 0x6802);   // -> 2052 (even)
    // 0.1 = 1.6 * 2^-4: e = 11 (01011), fraction 0.6*1024 = 614.4 -> 614 = 0x266
    assert_int_equal(fl_quant_f32_to_f16(0.1f), 0x2e66);
    // 1/3 = 1.333 * 2^-2: e = 13, 0.3333*1024 = 341.33 -> 341 = 0x155
    assert_int_equal(fl_quant_f32_to_f16(1.0f / 3.0f), 0x3555);

    // NaN stays NaN, also a signalling NaN whose payload is in low bits only
    uint16_t h = fl_quant_f32_to_f16(NAN);
    assert_int_equal(h & 0x7c00, 0x7c00);
    assert_true((h & 0x03ff) != 0);
    h = fl_quant_f32_to_f16(f_of(0x7f800001u));
    assert_int_equal(h & 0x7c00, 0x7c00);
    assert_true((h & 0x03ff) != 0);
    assert_true(isnan(fl_quant_f16_to_f32(h)));

    // decoding
    assert_float_equal(fl_quant_f16_to_f32(0x3c00), 1.0, 0);
    assert_float_equal(fl_quant_f16_to_f32(0x7bff), 65504.0, 0);
    assert_float_equal(fl_quant_f16_to_f32(0x0001), 0x1p-24, 0);
    assert_float_equal(fl_quant_f16_to_f32(0x03ff), 1023.0 * 0x1p-24, 0);
    assert_float_equal(fl_quant_f16_to_f32(0x3555), 0.333251953125, 0);
    assert_float_equal(fl_quant_f16_to_f32(0xc000), -2.0, 0);
    assert_true(isinf(fl_quant_f16_to_f32(0xfc00)) && fl_quant_f16_to_f32(0xfc00) < 0);
    assert_int_equal(b_of(fl_quant_f16_to_f32(0x8000)), 0x80000000u);
}

static void test_fp16_roundtrip_all_codes(void **state)
{
    (void)state;
    // every binary16 value is exact in binary32, so f16 -> f32 -> f16 is
    // the identity on all 63488 + 2 non-NaN codes and NaN -> NaN
    for (uint32_t h = 0; h < 65536; h++) {
        float f = fl_quant_f16_to_f32((uint16_t)h);
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) {
            assert_true(isnan(f));
            continue;
        }
        assert_int_equal(fl_quant_f32_to_f16(f), h);
        // the value is the textbook one: (-1)^s 2^(e-15) (1 + f/1024), or
        // 2^-14 f/1024 for e = 0
        unsigned e = (h >> 10) & 31, m = h & 1023;
        double v = e == 31 ? INFINITY
                 : e == 0  ? ldexp((double)m, -24)
                           : ldexp(1.0 + m / 1024.0, (int)e - 15);
        if (h & 0x8000)
            v = -v;
        assert_true((double)f == v);
    }
}

static void test_fp16_nearest_even_property(void **state)
{
    (void)state;
    // For random binary32 values in the fp16 range, the result is the
    // nearest binary16 value (checked against both neighbours), ties to the
    // even code. Independent of the bit manipulation.
    for (uint64_t i = 0; i < 200000; i++) {
        double v = (u01(3, i, 2) - 0.5) * 2.0 * ldexp(1.0, (int)(u01(3, i, 3) * 40.0) - 24);
        float x = (float)v;
        uint16_t h = fl_quant_f32_to_f16(x);
        double q = fl_quant_f16_to_f32(h);
        if (isinf(q))
            continue;
        uint16_t up = (uint16_t)(h + 1), dn = (uint16_t)(h - 1);
        double err = fabs(q - x);
        if ((h & 0x7fff) != 0x7bff) {
            double qu = fl_quant_f16_to_f32(up);
            assert_true(err <= fabs(qu - x));
            if (err == fabs(qu - x))
                assert_int_equal(h & 1, 0);
        }
        if ((h & 0x7fff) != 0) {
            double qd = fl_quant_f16_to_f32(dn);
            assert_true(err <= fabs(qd - x));
            if (err == fabs(qd - x))
                assert_int_equal(h & 1, 0);
        }
#if defined(__FLT16_MAX__)
        // gcc's _Float16 (F16C or libgcc, exact round to nearest even)
        _Float16 g = (_Float16)x;
        uint16_t gb;
        memcpy(&gb, &g, sizeof gb);
        assert_int_equal(h, gb);
#endif
    }
}

/* --------------------------------------------------------------- bf16 -- */

static void test_bf16_hand_values(void **state)
{
    (void)state;
    assert_int_equal(fl_quant_f32_to_bf16(1.0f), 0x3f80);
    assert_int_equal(fl_quant_f32_to_bf16(-1.5f), 0xbfc0);
    assert_int_equal(fl_quant_f32_to_bf16(0.0f), 0x0000);
    assert_int_equal(fl_quant_f32_to_bf16(-0.0f), 0x8000);
    // ties: dropped half exactly 0x8000
    assert_int_equal(fl_quant_f32_to_bf16(f_of(0x3f808000u)), 0x3f80);   // even
    assert_int_equal(fl_quant_f32_to_bf16(f_of(0x3f818000u)), 0x3f82);   // up to even
    assert_int_equal(fl_quant_f32_to_bf16(f_of(0x3f808001u)), 0x3f81);   // above tie
    assert_int_equal(fl_quant_f32_to_bf16(f_of(0x3f807fffu)), 0x3f80);   // below tie
    assert_int_equal(fl_quant_f32_to_bf16(f_of(0x40490fdbu)), 0x4049);   // pi
    // overflow: FLT_MAX (0x7f7fffff) rounds past 0x7f7f to inf
    assert_int_equal(fl_quant_f32_to_bf16(FLT_MAX), 0x7f80);
    assert_int_equal(fl_quant_f32_to_bf16(-FLT_MAX), 0xff80);
    assert_int_equal(fl_quant_f32_to_bf16(f_of(0x7f7f7fffu)), 0x7f7f);   // largest finite
    assert_int_equal(fl_quant_f32_to_bf16(INFINITY), 0x7f80);
    // subnormals
    assert_int_equal(fl_quant_f32_to_bf16(f_of(0x00000001u)), 0x0000);
    assert_int_equal(fl_quant_f32_to_bf16(f_of(0x00008000u)), 0x0000);   // tie -> 0
    assert_int_equal(fl_quant_f32_to_bf16(f_of(0x00018000u)), 0x0002);   // tie -> 2
    assert_int_equal(fl_quant_f32_to_bf16(f_of(0x00010000u)), 0x0001);
    // NaN stays NaN (quiet and signalling with a low payload)
    uint16_t h = fl_quant_f32_to_bf16(NAN);
    assert_true(isnan(fl_quant_bf16_to_f32(h)));
    h = fl_quant_f32_to_bf16(f_of(0x7f800001u));
    assert_true(isnan(fl_quant_bf16_to_f32(h)));
    h = fl_quant_f32_to_bf16(f_of(0xffffffffu));
    assert_true(isnan(fl_quant_bf16_to_f32(h)));
    // decoding is the upper half
    assert_float_equal(fl_quant_bf16_to_f32(0x3f80), 1.0, 0);
    assert_float_equal(fl_quant_bf16_to_f32(0x4049), 3.140625, 0);
    // every non-NaN code round-trips
    for (uint32_t c = 0; c < 65536; c++) {
        if ((c & 0x7f80) == 0x7f80 && (c & 0x7f))
            continue;
        assert_int_equal(fl_quant_f32_to_bf16(fl_quant_bf16_to_f32((uint16_t)c)), c);
    }
}

static void test_array_wrappers(void **state)
{
    (void)state;
    const float x[4] = {1.0f, -2.0f, 65504.0f, 0x1p-24f};
    uint16_t h[4];
    float y[4];
    assert_int_equal(fl_quant_fp16_encode(x, 4, h), 0);
    assert_int_equal(h[2], 0x7bff);
    assert_int_equal(fl_quant_fp16_decode(h, 4, y), 0);
    assert_memory_equal(x, y, sizeof x);
    assert_int_equal(fl_quant_bf16_encode(x, 4, h), 0);
    assert_int_equal(h[0], 0x3f80);
    assert_int_equal(fl_quant_bf16_decode(h, 4, y), 0);
    assert_float_equal(y[1], -2.0, 0);
    assert_int_equal(fl_quant_fp16_encode(NULL, 4, h), -EINVAL);
    assert_int_equal(fl_quant_fp16_decode(h, 4, NULL), -EINVAL);
    assert_int_equal(fl_quant_bf16_encode(x, 4, NULL), -EINVAL);
    assert_int_equal(fl_quant_bf16_decode(NULL, 4, y), -EINVAL);
    assert_int_equal(fl_quant_fp16_encode(NULL, 0, NULL), 0);
}

/* ------------------------------------------------------------ uniform -- */

static void test_uniform_hand_values(void **state)
{
    (void)state;
    // Δ = 0.5: u = |x|/Δ = 0.48, 0.5, 0.52, 0.5, 2.6, 2.6, 0, 0.9
    const float x[8] = {0.24f, 0.25f, 0.26f, -0.25f, 1.3f, -1.3f, 0.0f, 0.45f};
    int32_t l[8];
    assert_int_equal(fl_quant_uniform(x, 8, 0.5, 0.5, l), 0);
    const int32_t plain[8] = {0, 1, 1, -1, 3, -3, 0, 1};
    assert_memory_equal(l, plain, sizeof plain);
    // r = 0.2: rounds up only when frac(u) >= 0.8
    assert_int_equal(fl_quant_uniform(x, 8, 0.5, 0.2, l), 0);
    const int32_t dz[8] = {0, 0, 0, 0, 2, -2, 0, 1};
    assert_memory_equal(l, dz, sizeof dz);
    // r = 0: truncation toward zero
    assert_int_equal(fl_quant_uniform(x, 8, 0.5, 0.0, l), 0);
    const int32_t tr[8] = {0, 0, 0, 0, 2, -2, 0, 0};
    assert_memory_equal(l, tr, sizeof tr);
    float y[8];
    assert_int_equal(fl_quant_dequantize(plain, 8, 0.5, y), 0);
    assert_float_equal(y[4], 1.5, 0);
    assert_float_equal(y[5], -1.5, 0);
    // the u + r rounding trap: u = 0.5 - 2^-54 must give 0, not 1
    const float t[1] = {0x1.fffffep-2f};   // largest float below 0.5
    assert_int_equal(fl_quant_uniform(t, 1, 1.0, 0.5, l), 0);
    assert_int_equal(l[0], 0);
}

static void test_uniform_error_bound_and_mse(void **state)
{
    (void)state;
    // Smooth source (Gaussian σ = 1, Δ = 0.1 << σ): the error is ~uniform on
    // [-Δ/2, Δ/2] (Bennett 1948), so MSE = Δ²/12 with standard error
    // sqrt(Var(e²)/N), Var(e²) = Δ⁴/80 - Δ⁴/144 = Δ⁴/180.
    const size_t N = 200000;
    const double D = 0.1;
    float *x = gauss_array(41, N, 1.0);
    int32_t *l = malloc(N * sizeof *l);
    float *y = malloc(N * sizeof *y);
    assert_int_equal(fl_quant_uniform(x, N, D, 0.5, l), 0);
    assert_int_equal(fl_quant_dequantize(l, N, D, y), 0);
    double mse = 0.0;
    for (size_t i = 0; i < N; i++) {
        double e = (double)x[i] - (double)y[i];
        // Δ/2 plus the float rounding of x̂ (|x̂| < 8, ulp/2 <= 2^-21)
        assert_true(fabs(e) <= D / 2 + 0x1p-21);
        mse += e * e;
    }
    mse /= (double)N;
    double expect = D * D / 12.0, se = D * D / sqrt(180.0 * (double)N);
    assert_true(fabs(mse - expect) <= 5.0 * se);
    free(x);
    free(l);
    free(y);
}

static void test_dead_zone_zeroes_more(void **state)
{
    (void)state;
    // P(level = 0) = P(|x| < (1 - r)Δ) = erf((1 - r)Δ / (σ√2)); binomial z-test
    const size_t N = 100000;
    const double D = 0.5, rs[3] = {0.5, 1.0 / 3.0, 1.0 / 6.0};
    float *x = gauss_array(42, N, 1.0);
    int32_t *l = malloc(N * sizeof *l), *l0 = malloc(N * sizeof *l0);
    assert_int_equal(fl_quant_uniform(x, N, D, 0.5, l0), 0);
    size_t prev = 0;
    for (int k = 0; k < 3; k++) {
        assert_int_equal(fl_quant_uniform(x, N, D, rs[k], l), 0);
        size_t z = 0;
        for (size_t i = 0; i < N; i++) {
            z += l[i] == 0;
            // a dead zone only moves levels toward 0, by at most one
            assert_true(abs(l[i]) <= abs(l0[i]) && abs(l0[i]) - abs(l[i]) <= 1);
        }
        double p = erf((1.0 - rs[k]) * D / M_SQRT2);
        double zsc = ((double)z - N * p) / sqrt(N * p * (1 - p));
        assert_true(fabs(zsc) < 5.0);
        assert_true(z > prev);
        prev = z;
    }
    free(x);
    free(l);
    free(l0);
}

static void test_uniform_bad_input(void **state)
{
    (void)state;
    float x[2] = {1.0f, 2.0f};
    int32_t l[2];
    float y[2];
    assert_int_equal(fl_quant_uniform(x, 2, 0.0, 0.5, l), -EINVAL);
    assert_int_equal(fl_quant_uniform(x, 2, -1.0, 0.5, l), -EINVAL);
    assert_int_equal(fl_quant_uniform(x, 2, NAN, 0.5, l), -EINVAL);
    assert_int_equal(fl_quant_uniform(x, 2, 0.1, 0.6, l), -EINVAL);
    assert_int_equal(fl_quant_uniform(x, 2, 0.1, -0.1, l), -EINVAL);
    assert_int_equal(fl_quant_uniform(NULL, 2, 0.1, 0.5, l), -EINVAL);
    assert_int_equal(fl_quant_dequantize(l, 2, 0.0, y), -EINVAL);
    x[1] = NAN;
    assert_int_equal(fl_quant_uniform(x, 2, 0.1, 0.5, l), -EINVAL);
    x[1] = 1e30f;
    assert_int_equal(fl_quant_uniform(x, 2, 1e-3, 0.5, l), -ERANGE);
}

/* --------------------------------------------------------------- rdoq -- */

// Discretised Laplacian in level units with a per-element scale b:
// P(0) = 1 - e^{-1/(2b)}, P(l) = ½(e^{-(|l|-½)/b} - e^{-(|l|+½)/b});
// bits = -log2 P. ctx: array of scales indexed by elem_index - base.
typedef struct {
    const double *b;
    int64_t base;
    size_t n;
    size_t calls;
} lap_ctx_t;

static double lap_bits(void *ctx, int64_t idx, int32_t level)
{
    lap_ctx_t *c = ctx;
    c->calls++;
    assert_true(idx >= c->base && (size_t)(idx - c->base) < c->n);
    double b = c->b[idx - c->base];
    double a = fabs((double)level), p;
    if (level == 0)
        p = -expm1(-0.5 / b);
    else
        p = 0.5 * (exp(-(a - 0.5) / b) - exp(-(a + 0.5) / b));
    return -log2(p);
}

static double cost(float x, int32_t l, double D, double lam, lap_ctx_t *c,
                   int64_t idx)
{
    double e = (double)x - (double)l * D;
    return e * e + lam * lap_bits(c, idx, l);
}

static void test_rdoq_lambda_zero_is_rounding(void **state)
{
    (void)state;
    const size_t N = 50000;
    const double D = 0.125;
    float *x = gauss_array(43, N, 1.0);
    for (size_t i = 0; i < 200; i++)   // exact ties (k + ½)Δ
        x[i] = (float)(((double)((int)i - 100) + 0.5) * D);
    int32_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    assert_int_equal(fl_quant_uniform(x, N, D, 0.5, a), 0);
    double sse = -1.0, rate = -1.0;
    assert_int_equal(fl_quant_rdoq(x, N, 0, D, 0.0, NULL, NULL, b, &rate, &sse), 0);
    assert_memory_equal(a, b, N * sizeof *a);
    assert_float_equal(rate, 0.0, 0);
    double s = 0.0;
    for (size_t i = 0; i < N; i++) {
        double e = (double)x[i] - (double)a[i] * D;
        s += e * e;
    }
    assert_float_equal(sse, s, 1e-9 * s);
    free(x);
    free(a);
    free(b);
}

static void test_rdoq_rate_falls_distortion_rises(void **state)
{
    (void)state;
    // Per element, J = D + λR over a fixed candidate set: for λ1 < λ2 the
    // choices satisfy (λ2 - λ1)(R2 - R1) <= 0, so the rate cannot rise and
    // the distortion cannot fall as λ grows (for any sample).
    const size_t N = 20000;
    const double D = 0.1;
    float *x = gauss_array(44, N, 1.0);
    double *bs = malloc(N * sizeof *bs);
    for (size_t i = 0; i < N; i++)
        bs[i] = 2.0 + 3.0 * (double)(i % 7);   // 2..20 levels: σ/Δ ≈ 10
    lap_ctx_t c = {bs, 0, N, 0};
    int32_t *l = malloc(N * sizeof *l);
    const double lams[] = {0.0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 1.0};
    double prev_r = INFINITY, prev_d = -1.0, r0 = 0.0, d0 = 0.0;
    for (size_t k = 0; k < sizeof lams / sizeof lams[0]; k++) {
        double r, s;
        assert_int_equal(
            fl_quant_rdoq(x, N, 0, D, lams[k], lap_bits, &c, l, &r, &s), 0);
        assert_true(r <= prev_r * (1.0 + 1e-12));
        assert_true(s >= prev_d * (1.0 - 1e-12));
        if (k == 0) {
            r0 = r;
            d0 = s;
        }
        prev_r = r;
        prev_d = s;
    }
    // and the effect is real: at λ = 1 (one bit costs 100 Δ²) every value
    // below about ±1.5 goes to 0; level 0 itself costs 1.7-5.3 bits under
    // these wide scales, so the total falls by about a quarter (0.76 r0 here)
    // while the distortion grows by orders of magnitude.
    assert_true(prev_r < 0.85 * r0);
    assert_true(prev_d > 100.0 * d0);
    free(x);
    free(bs);
    free(l);
}

static void test_rdoq_is_argmin_over_candidates(void **state)
{
    (void)state;
    // Brute force over the window plain-3 .. plain+3 (and 0): among the
    // levels that are candidates (magnitude floor(u), floor(u)+1 or 0, sign
    // of x) the chosen one has the least J, J computed here as
    // (x - lΔ)² + λ bits(l). Also chunked calls with first_index agree.
    const size_t N = 5000;
    const double D = 0.2;
    float *x = gauss_array(45, N, 1.5);
    double *bs = malloc(N * sizeof *bs);
    for (size_t i = 0; i < N; i++)
        bs[i] = 0.3 + 0.4 * (double)(i % 11);
    const int64_t base = 1000;
    lap_ctx_t c = {bs, base, N, 0};
    int32_t *l = malloc(N * sizeof *l), *l2 = malloc(N * sizeof *l2);
    const double lams[] = {1e-3, 1e-2, 5e-2};
    for (size_t k = 0; k < 3; k++) {
        double lam = lams[k], rate, sse;
        assert_int_equal(
            fl_quant_rdoq(x, N, base, D, lam, lap_bits, &c, l, &rate, &sse), 0);
        double rs = 0.0, ss = 0.0;
        size_t moved = 0;
        for (size_t i = 0; i < N; i++) {
            int64_t idx = base + (int64_t)i;
            double u = fabs((double)x[i]) / D;
            int32_t fl = (int32_t)floor(u);
            int32_t sg = x[i] < 0 ? -1 : 1;
            int32_t plain = sg * (fl + (u - fl >= 0.5));
            double best = INFINITY;
            for (int32_t w = plain - 3; w <= plain + 3; w++) {
                int32_t m = abs(w);
                int cand = (w == 0) ||
                           ((w > 0) == (sg > 0) && (m == fl || m == fl + 1));
                if (!cand)
                    continue;
                double j = cost(x[i], w, D, lam, &c, idx);
                if (j < best)
                    best = j;
            }
            double jc = cost(x[i], l[i], D, lam, &c, idx);
            assert_true(l[i] == 0 || (sg * l[i] == fl || sg * l[i] == fl + 1));
            assert_true(jc <= best + 1e-12 * (1.0 + best));
            moved += l[i] != plain;
            rs += lap_bits(&c, idx, l[i]);
            double e = (double)x[i] - (double)l[i] * D;
            ss += e * e;
        }
        assert_true(moved > 0);   // λ > 0 really changes some levels
        assert_float_equal(rate, rs, 1e-9 * rs);
        assert_float_equal(sse, ss, 1e-9 * ss);
        // two chunks with first_index give the same levels
        size_t h = N / 3;
        assert_int_equal(
            fl_quant_rdoq(x, h, base, D, lam, lap_bits, &c, l2, NULL, NULL), 0);
        assert_int_equal(fl_quant_rdoq(x + h, N - h, base + (int64_t)h, D, lam,
                                    lap_bits, &c, l2 + h, NULL, NULL),
                         0);
        assert_memory_equal(l, l2, N * sizeof *l);
    }
    free(x);
    free(bs);
    free(l);
    free(l2);
}

static double toy_bits(void *ctx, int64_t idx, int32_t level)
{
    (void)ctx;
    (void)idx;
    // a toy table: 0 -> 1 bit, ±1 -> 3, ±2 -> 5, others impossible
    switch (abs(level)) {
    case 0: return 1.0;
    case 1: return 3.0;
    case 2: return 5.0;
    default: return level > 0 ? INFINITY : NAN;
    }
}

static void test_rdoq_toy_table_by_hand(void **state)
{
    (void)state;
    // Δ = 1, λ = 0.1, J = (x - l)² + 0.1 bits(l):
    //  x = 0.6f (= 0.60000002): 1: 0.16 + 0.3 = 0.46 - 2e-8; 0: 0.36 + 0.1 =
    //           0.46 + 3e-8 -> 1 (in exact 0.6 the two tie and plain 1 stays)
    //  x = 0.7: 1: 0.09 + 0.3 = 0.39 < 0: 0.49 + 0.1 = 0.59 -> 1
    //  x = 0.55: 1: 0.2025 + 0.3 = 0.5025 > 0: 0.3025 + 0.1 = 0.4025 -> 0
    //  x = 1.6f: 2: 0.16 + 0.5 = 0.66 - 2e-8; 1: 0.36 + 0.3 = 0.66 + 3e-8;
    //           0: 2.56 + 0.1 -> 2
    //  x = 2.9: 3: inf; 2: 0.81 + 0.5 = 1.31; 0: 8.41 + 0.1 = 8.51 -> 2
    //  x = -3.2: -3: NaN bits = inf; -4: NaN = inf; 0: 10.24 + 0.1 -> 0
    const float x[6] = {0.6f, 0.7f, 0.55f, 1.6f, 2.9f, -3.2f};
    int32_t l[6];
    assert_int_equal(fl_quant_rdoq(x, 6, 0, 1.0, 0.1, toy_bits, NULL, l, NULL, NULL), 0);
    const int32_t want[6] = {1, 1, 0, 2, 2, 0};
    assert_memory_equal(l, want, sizeof want);
}

static void test_rdoq_bad_input(void **state)
{
    (void)state;
    float x[2] = {1.0f, 2.0f};
    int32_t l[2];
    assert_int_equal(fl_quant_rdoq(x, 2, 0, 0.1, 0.1, NULL, NULL, l, NULL, NULL), -EINVAL);
    assert_int_equal(fl_quant_rdoq(x, 2, 0, 0.1, -1.0, toy_bits, NULL, l, NULL, NULL), -EINVAL);
    assert_int_equal(fl_quant_rdoq(x, 2, 0, 0.1, NAN, toy_bits, NULL, l, NULL, NULL), -EINVAL);
    assert_int_equal(fl_quant_rdoq(x, 2, 0, 0.0, 0.1, toy_bits, NULL, l, NULL, NULL), -EINVAL);
    x[0] = INFINITY;
    assert_int_equal(fl_quant_rdoq(x, 2, 0, 0.1, 0.1, toy_bits, NULL, l, NULL, NULL), -EINVAL);
    x[0] = 1e30f;
    assert_int_equal(fl_quant_rdoq(x, 2, 0, 1e-3, 0.1, toy_bits, NULL, l, NULL, NULL), -ERANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp16_hand_values),
        cmocka_unit_test(test_fp16_roundtrip_all_codes),
        cmocka_unit_test(test_fp16_nearest_even_property),
        cmocka_unit_test(test_bf16_hand_values),
        cmocka_unit_test(test_array_wrappers),
        cmocka_unit_test(test_uniform_hand_values),
        cmocka_unit_test(test_uniform_error_bound_and_mse),
        cmocka_unit_test(test_dead_zone_zeroes_more),
        cmocka_unit_test(test_uniform_bad_input),
        cmocka_unit_test(test_rdoq_lambda_zero_is_rounding),
        cmocka_unit_test(test_rdoq_rate_falls_distortion_rises),
        cmocka_unit_test(test_rdoq_is_argmin_over_candidates),
        cmocka_unit_test(test_rdoq_toy_table_by_hand),
        cmocka_unit_test(test_rdoq_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
