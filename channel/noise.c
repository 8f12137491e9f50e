/* noise: Philox4x32-10 streams and a vectorised float32 Box-Muller Gaussian.
 *
 * Philox4x32-10: Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11, §3 (multipliers 0xD2511F53, 0xCD9E8D57; Weyl key increments
 * 0x9E3779B9, 0xBB67AE85). Computed here in structure-of-arrays form over
 * NOISE_CHUNK counters at once so the 32x32->64 multiplies vectorise
 * (vpmuludq); the result is bit-identical to Random123's philox4x32_R(10,..),
 * which the tests check.
 *
 * Gaussian: Box-Muller (Box & Muller 1958) with
 *   ln m   : m in [sqrt(1/2), sqrt(2)), s = (m-1)/(m+1),
 *            ln m = 2 (s + s^3/3 + s^5/5 + s^7/7 + s^9/9)   (atanh series,
 *            Abramowitz & Stegun 4.1.27), truncation < 2 |s|^11/11 < 4e-9;
 *   sincos : quadrant reduction in exact integer arithmetic to
 *            x in [-pi/4, pi/4], Taylor series to x^11 / x^12
 *            (truncation < x^13/13! < 3e-11).
 */
#include "channel/noise.h"

#include <stdlib.h>
#include <string.h>

#define NOISE_CHUNK 64

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

#if defined(__AVX512F__)
#define NOISE_HOT __attribute__((target("prefer-vector-width=512")))
#else
#define NOISE_HOT
#endif

struct noise {
    uint32_t seed, point, purpose, trial;
    uint64_t block;
};

/* Philox4x32-10 on counters {block0+i, hi, purpose, trial}, i < NOISE_CHUNK. */
NOISE_HOT static void philox_chunk(uint32_t seed, uint32_t point, uint32_t purpose,
                                   uint32_t trial, uint64_t block0,
                                   uint32_t x0[restrict NOISE_CHUNK],
                                   uint32_t x1[restrict NOISE_CHUNK],
                                   uint32_t x2[restrict NOISE_CHUNK],
                                   uint32_t x3[restrict NOISE_CHUNK])
{
    for (int i = 0; i < NOISE_CHUNK; i++) {
        uint64_t c = block0 + (uint64_t)i;
        x0[i] = (uint32_t)c;
        x1[i] = (uint32_t)(c >> 32);
        x2[i] = purpose;
        x3[i] = trial;
    }
    uint32_t k0 = seed, k1 = point;
    for (int r = 0; r < 10; r++) {
        for (int i = 0; i < NOISE_CHUNK; i++) {
            uint64_t p0 = (uint64_t)PHILOX_M0 * x0[i];
            uint64_t p1 = (uint64_t)PHILOX_M1 * x2[i];
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ x1[i] ^ k0;
            uint32_t n1 = (uint32_t)p1;
            uint32_t n2 = (uint32_t)(p0 >> 32) ^ x3[i] ^ k1;
            uint32_t n3 = (uint32_t)p0;
            x0[i] = n0;
            x1[i] = n1;
            x2[i] = n2;
            x3[i] = n3;
        }
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
}

/* Box-Muller on one pair of words: (r cos t, r sin t). Branch-free. */
NOISE_HOT static inline void box_muller(uint32_t a, uint32_t b, float *c_out, float *s_out)
{
    /* u in (0,1]: (a>>1) 2^-31 + 2^-32; exact for small a, so ln u reaches
     * -32 ln 2 (the 6.66-sigma bound in noise.h) */
    float u = (float)(int32_t)(a >> 1) * 0x1p-31f + 0x1p-32f;
    uint32_t bits;
    memcpy(&bits, &u, sizeof bits);
    int32_t e = (int32_t)(bits >> 23) - 127;
    uint32_t mb = (bits & 0x007FFFFFu) | 0x3F800000u;
    float m;
    memcpy(&m, &mb, sizeof m);
    int32_t adj = (int32_t)(mb > 0x3FB504F3u);        /* m > sqrt(2) */
    m = m * (1.0f - 0.5f * (float)adj);
    e += adj;
    /* ln m = 2 atanh((m-1)/(m+1)), A&S 4.1.27 */
    float s = (m - 1.0f) / (m + 1.0f);
    float z = s * s;
    float p = 1.0f / 9.0f;
    p = p * z + 1.0f / 7.0f;
    p = p * z + 1.0f / 5.0f;
    p = p * z + 1.0f / 3.0f;
    p = p * z + 1.0f;
    float lnu_big = (float)e * 0.693147180559945f + 2.0f * s * p;
    /* near u = 1 the float u has lost the low bits of 1-u: there use
     * v = 1-u from the integer (exact) and ln(1-v) = -(v + v^2/2 + ... +
     * v^6/6) (A&S 4.1.24), truncation < v^7/7 < 4e-12 for v < 2^-5 */
    float v = (float)(int32_t)(0x7FFFFFFFu - (a >> 1)) * 0x1p-31f + 0x1p-32f;
    float t6 = 1.0f / 6.0f;
    t6 = t6 * v + 1.0f / 5.0f;
    t6 = t6 * v + 1.0f / 4.0f;
    t6 = t6 * v + 1.0f / 3.0f;
    t6 = t6 * v + 1.0f / 2.0f;
    t6 = t6 * v + 1.0f;
    float lnu_small = -v * t6;
    float near1 = (float)((a >> 1) >= 0x7C000000u);  /* v <= 2^-5 */
    float lnu = near1 * lnu_small + (1.0f - near1) * lnu_big;
    float r2 = -2.0f * lnu;                 /* >= 0: u <= 1 gives lnu <= 0 */
    /* sqrt(r2) = r2 / sqrt(r2): reciprocal square root from the exponent
     * halving trick, three Newton steps y <- y (3 - r2 y^2)/2 (relative
     * error 2e-3 -> 5e-6 -> 4e-11, i.e. float rounding). sqrtf itself would
     * keep gcc from vectorising (errno path) under the project's flags.
     * r2 = 0 gives r = 0. */
    uint32_t rb;
    memcpy(&rb, &r2, sizeof rb);
    rb = 0x5F375A86u - (rb >> 1);
    float y;
    memcpy(&y, &rb, sizeof y);
    float h = 0.5f * r2;
    y = y * (1.5f - h * y * y);
    y = y * (1.5f - h * y * y);
    y = y * (1.5f - h * y * y);
    float r = r2 * y;

    /* angle = 2 pi k 2^-24, k = b >> 8; quadrant q = round(k / 2^22) */
    int32_t k = (int32_t)(b >> 8);
    int32_t q = (k + (1 << 21)) >> 22;                 /* 0..4 */
    float x = (float)(k - (q << 22)) * (0x1p-22f * 1.57079632679489662f);
    float x2 = x * x;
    /* Taylor: sin to x^11, cos to x^12 */
    float sp = -1.0f / 39916800.0f;
    sp = sp * x2 + 1.0f / 362880.0f;
    sp = sp * x2 - 1.0f / 5040.0f;
    sp = sp * x2 + 1.0f / 120.0f;
    sp = sp * x2 - 1.0f / 6.0f;
    float sx = x + x * x2 * sp;
    float cp = 1.0f / 479001600.0f;
    cp = cp * x2 - 1.0f / 3628800.0f;
    cp = cp * x2 + 1.0f / 40320.0f;
    cp = cp * x2 - 1.0f / 720.0f;
    cp = cp * x2 + 1.0f / 24.0f;
    cp = cp * x2 - 0.5f;
    float cx = 1.0f + x2 * cp;
    /* arithmetic selects (exact: multiplications by 0 and +-1) */
    float swap = (float)(q & 1);
    float cc = swap * sx + (1.0f - swap) * cx;
    float ss = swap * cx + (1.0f - swap) * sx;
    /* cos(q pi/2 + x): q=1,2 negate; sin: q=2,3 negate */
    cc *= 1.0f - (float)((q + 1) & 2);
    ss *= 1.0f - (float)(q & 2);
    *c_out = r * cc;
    *s_out = r * ss;
}

NOISE_HOT static void gauss_chunk(uint32_t seed, uint32_t point, uint32_t purpose,
                                  uint32_t trial, uint64_t block0,
                                  float out[restrict 4 * NOISE_CHUNK])
{
    uint32_t x0[NOISE_CHUNK] __attribute__((aligned(64)));
    uint32_t x1[NOISE_CHUNK] __attribute__((aligned(64)));
    uint32_t x2[NOISE_CHUNK] __attribute__((aligned(64)));
    uint32_t x3[NOISE_CHUNK] __attribute__((aligned(64)));
    philox_chunk(seed, point, purpose, trial, block0, x0, x1, x2, x3);
    float g0[NOISE_CHUNK] __attribute__((aligned(64)));
    float g1[NOISE_CHUNK] __attribute__((aligned(64)));
    float g2[NOISE_CHUNK] __attribute__((aligned(64)));
    float g3[NOISE_CHUNK] __attribute__((aligned(64)));
    for (int i = 0; i < NOISE_CHUNK; i++) {
        box_muller(x0[i], x1[i], &g0[i], &g1[i]);
        box_muller(x2[i], x3[i], &g2[i], &g3[i]);
    }
    for (int i = 0; i < NOISE_CHUNK; i++) {
        out[4 * i + 0] = g0[i];
        out[4 * i + 1] = g1[i];
        out[4 * i + 2] = g2[i];
        out[4 * i + 3] = g3[i];
    }
}

static void u32_chunk(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial,
                      uint64_t block0, uint32_t out[4 * NOISE_CHUNK])
{
    uint32_t x0[NOISE_CHUNK], x1[NOISE_CHUNK], x2[NOISE_CHUNK], x3[NOISE_CHUNK];
    philox_chunk(seed, point, purpose, trial, block0, x0, x1, x2, x3);
    for (int i = 0; i < NOISE_CHUNK; i++) {
        out[4 * i + 0] = x0[i];
        out[4 * i + 1] = x1[i];
        out[4 * i + 2] = x2[i];
        out[4 * i + 3] = x3[i];
    }
}

void noise_u32_at(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial,
                  uint64_t block, uint32_t *out, size_t n)
{
    const size_t per = 4 * NOISE_CHUNK;
    size_t done = 0;
    while (n - done >= per) {
        u32_chunk(seed, point, purpose, trial, block, out + done);
        done += per;
        block += NOISE_CHUNK;
    }
    if (done < n) {
        uint32_t tmp[4 * NOISE_CHUNK];
        u32_chunk(seed, point, purpose, trial, block, tmp);
        memcpy(out + done, tmp, (n - done) * sizeof *out);
    }
}

void noise_gauss_at(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial,
                    uint64_t block, float *out, size_t n)
{
    const size_t per = 4 * NOISE_CHUNK;
    size_t done = 0;
    while (n - done >= per) {
        gauss_chunk(seed, point, purpose, trial, block, out + done);
        done += per;
        block += NOISE_CHUNK;
    }
    if (done < n) {
        float tmp[4 * NOISE_CHUNK];
        gauss_chunk(seed, point, purpose, trial, block, tmp);
        memcpy(out + done, tmp, (n - done) * sizeof *out);
    }
}

noise *noise_create(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial)
{
    noise *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    s->seed = seed;
    s->point = point;
    s->purpose = purpose;
    s->trial = trial;
    s->block = 0;
    return s;
}

void noise_destroy(noise *s) { free(s); }

void noise_seek(noise *s, uint64_t block) { s->block = block; }

uint64_t noise_tell(const noise *s) { return s->block; }

void noise_set_stream(noise *s, uint32_t purpose, uint32_t trial)
{
    s->purpose = purpose;
    s->trial = trial;
    s->block = 0;
}

void noise_u32_fill(noise *s, uint32_t *out, size_t n)
{
    noise_u32_at(s->seed, s->point, s->purpose, s->trial, s->block, out, n);
    s->block += (n + 3) / 4;
}

void noise_gauss_fill(noise *s, float *out, size_t n)
{
    noise_gauss_at(s->seed, s->point, s->purpose, s->trial, s->block, out, n);
    s->block += (n + 3) / 4;
}

void noise_uniform_fill(noise *s, float *out, size_t n)
{
    uint32_t w[4 * NOISE_CHUNK];
    size_t done = 0;
    while (done < n) {
        size_t m = n - done < 4 * NOISE_CHUNK ? n - done : 4 * NOISE_CHUNK;
        noise_u32_fill(s, w, m);
        for (size_t i = 0; i < m; i++)
            out[done + i] = ((float)(w[i] >> 8) + 0.5f) * 0x1p-24f;
        done += m;
    }
}

void noise_uniform_fill_d(noise *s, double *out, size_t n)
{
    uint32_t w[4 * NOISE_CHUNK];
    size_t done = 0;
    while (done < n) {
        size_t m = n - done < 2 * NOISE_CHUNK ? n - done : 2 * NOISE_CHUNK;
        noise_u32_fill(s, w, 2 * m);
        /* 53 bits: 27 from the first word, 26 from the second */
        for (size_t i = 0; i < m; i++) {
            uint64_t v = ((uint64_t)(w[2 * i] >> 5) << 26) | (w[2 * i + 1] >> 6);
            out[done + i] = ((double)v + 0.5) * 0x1p-53;
        }
        done += m;
    }
}
