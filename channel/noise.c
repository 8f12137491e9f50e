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
 *   ln u   : u = (w | 1) 2^-32 normalised in integers to m 2^e,
 *            m in [sqrt(1/2), sqrt(2)), t = m - 1 from the exact integer,
 *            ln(1+t) = 2 atanh(s), s = t/(2+t),
 *            2 (s + s^3/3 + s^5/5 + s^7/7 + s^9/9)   (atanh series,
 *            Abramowitz & Stegun 4.1.27), truncation < 8e-10 relative;
 *   sincos : quadrant reduction in exact integer arithmetic to
 *            x in [-pi/4, pi/4], Taylor series to x^11 / x^12
 *            (truncation < x^13/13! < 3e-11).
 * Output planar per 64-block group (noise.h), no interleaving shuffle.
 */
#include "channel/noise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NOISE_CHUNK 64 /* blocks; NOISE_GAUSS_GROUP = 4 NOISE_CHUNK */

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

#if defined(__AVX512F__)
#define NOISE_HOT __attribute__((target("prefer-vector-width=512")))
#else
#define NOISE_HOT
#endif
#if defined(__AVX512F__) || defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#endif

/* out[i] = sqrtf(in[i]) for NOISE_CHUNK values >= 0. gcc 12 does not vectorise
 * sqrtf under the project's flags (errno path; neither the optimize
 * attribute nor the pragma lift it), so the vector square root is called
 * directly. Every form is the IEEE correctly rounded square root, so the
 * result is bit-identical on every path. */
NOISE_HOT static void sqrt_chunk(const float *restrict in, float *restrict out)
{
#if defined(__AVX512F__)
    for (int i = 0; i < NOISE_CHUNK; i += 16)
        _mm512_storeu_ps(out + i, _mm512_sqrt_ps(_mm512_loadu_ps(in + i)));
#elif defined(__AVX__)
    for (int i = 0; i < NOISE_CHUNK; i += 8)
        _mm256_storeu_ps(out + i, _mm256_sqrt_ps(_mm256_loadu_ps(in + i)));
#elif defined(__SSE2__)
    for (int i = 0; i < NOISE_CHUNK; i += 4)
        _mm_storeu_ps(out + i, _mm_sqrt_ps(_mm_loadu_ps(in + i)));
#else
    for (int i = 0; i < NOISE_CHUNK; i++)
        out[i] = sqrtf(in[i]);
#endif
}

struct noise {
    uint32_t seed, point, purpose, trial;
    uint64_t block;
};

/* Philox4x32-10 on counters {block0+i, hi, purpose, trial}, i < NOISE_CHUNK.
 * (A hand-written AVX-512 vpmuludq version measured no faster than what gcc
 * makes of this loop on the AMD EPYC (AVX-512) we benchmark on.) */
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


/* ln u for u = (w | 1) 2^-32 in (0, 1), ~2 float ulps relative everywhere.
 * Inlined into the vectorised loops below. */
static inline float ln_u32(uint32_t w)
{
    /* u = X 2^-32, X = w | 1 odd, u in (0, 1). Normalise in integers:
     * M = X << clz(X) in [2^31, 2^32), u = m 2^e, m = M 2^-31, e = -clz-1;
     * fold m > sqrt(2) to m/2 (e+1). t = m - 1 in [-0.293, 0.415) is then
     * formed from the exact integer M - 2^31 (or M - 2^32): rounding only
     * once, relative 2^-24, so ln u keeps full relative precision near
     * u = 1 as well as near 0. */
    uint32_t X = w | 1u;
    int32_t lz = __builtin_clz(X);
    uint32_t M = X << lz;
    int32_t fold = M > 0xB504F333u; /* m > sqrt(2): 0xB504F333 = floor(2^31.5) */
    int32_t ti = fold ? (int32_t)M : (int32_t)((M - 0x80000000u) << 1);
    float t = (float)ti * 0x1p-32f;
    float e = (float)(fold - lz - 1);
    /* ln(1+t) = 2 atanh(s), s = t/(2+t), |s| < 0.172 (A&S 4.1.27), to s^9:
     * truncation < 2 |s|^11/11 / (1 - s^2) < 8e-10 relative */
    float s = t / (2.0f + t);
    float z = s * s;
    float p = fmaf(1.0f / 9.0f, z, 1.0f / 7.0f);
    p = fmaf(p, z, 1.0f / 5.0f);
    p = fmaf(p, z, 1.0f / 3.0f);
    p = fmaf(p, z, 1.0f);
    float ln1t = 2.0f * s * p;
    /* ln u = e ln 2 + ln(1+t), ln 2 split hi + lo (hi exact times e) */
    float lnu = fmaf(e, 0.693145751953125f, fmaf(e, 1.428606765330187e-06f, ln1t));
    return lnu;
}

/* Box-Muller (Box & Muller 1958) for NOISE_CHUNK word pairs (a[i], b[i]):
 * c[i] = r cos t, s[i] = r sin t. Branch-free and written so that gcc
 * vectorises it: polynomials in fmaf (correctly rounded, so the result is
 * the same on every machine and vector width), selects as ternaries (mask
 * blends), sign flips on the integer bits, sqrt_chunk between the radius
 * and the angle loops. */
NOISE_HOT static void box_muller(const uint32_t *restrict a,
                                               const uint32_t *restrict b,
                                               float *restrict c_out, float *restrict s_out)
{
    float r2[NOISE_CHUNK] __attribute__((aligned(64)));
    float rr[NOISE_CHUNK] __attribute__((aligned(64)));
    for (int i = 0; i < NOISE_CHUNK; i++) {
        float lnu = ln_u32(a[i]);
        r2[i] = -2.0f * lnu; /* >= 0: u < 1 */
    }
    sqrt_chunk(r2, rr);
    for (int i = 0; i < NOISE_CHUNK; i++) {
        float r = rr[i];

        /* angle = 2 pi k 2^-24, k = b >> 8; quadrant q = round(k / 2^22) in 0..4,
         * x = (k - q 2^22) pi/2 2^-22 in [-pi/4, pi/4] (exact integer reduction) */
        int32_t k = (int32_t)(b[i] >> 8);
        int32_t q = (k + (1 << 21)) >> 22;
        float x = (float)(k - (q << 22)) * (0x1p-22f * 1.57079632679489662f);
        float x2 = x * x;
        /* Taylor on |x| <= pi/4: sin to x^11, cos to x^12 (truncation <
         * x^13/13! < 3e-11) */
        float sp = fmaf(-1.0f / 39916800.0f, x2, 1.0f / 362880.0f);
        sp = fmaf(sp, x2, -1.0f / 5040.0f);
        sp = fmaf(sp, x2, 1.0f / 120.0f);
        sp = fmaf(sp, x2, -1.0f / 6.0f);
        float sx = fmaf(x * x2, sp, x);
        float cp = fmaf(1.0f / 479001600.0f, x2, -1.0f / 3628800.0f);
        cp = fmaf(cp, x2, 1.0f / 40320.0f);
        cp = fmaf(cp, x2, -1.0f / 720.0f);
        cp = fmaf(cp, x2, 1.0f / 24.0f);
        cp = fmaf(cp, x2, -0.5f);
        float cx = fmaf(x2, cp, 1.0f);
        /* cos(q pi/2 + x) = (q odd ? -+sin x : +-cos x): swap on odd q, then
         * negate cos for q = 1, 2 and sin for q = 2, 3 via the sign bit */
        int odd = q & 1;
        float cc = odd ? sx : cx;
        float ss = odd ? cx : sx;
        float rc = r * cc, rs = r * ss;
        uint32_t cb, sb;
        memcpy(&cb, &rc, sizeof cb);
        memcpy(&sb, &rs, sizeof sb);
        cb ^= (uint32_t)((q + 1) & 2) << 30;
        sb ^= (uint32_t)(q & 2) << 30;
        memcpy(&c_out[i], &cb, sizeof cb);
        memcpy(&s_out[i], &sb, sizeof sb);
    }
}

/* planar group layout (noise.h): out[64 j + i] from word pair j/2 of block i */
NOISE_HOT static void gauss_chunk(uint32_t seed, uint32_t point, uint32_t purpose,
                                  uint32_t trial, uint64_t block0,
                                  float out[restrict 4 * NOISE_CHUNK])
{
    uint32_t x0[NOISE_CHUNK] __attribute__((aligned(64)));
    uint32_t x1[NOISE_CHUNK] __attribute__((aligned(64)));
    uint32_t x2[NOISE_CHUNK] __attribute__((aligned(64)));
    uint32_t x3[NOISE_CHUNK] __attribute__((aligned(64)));
    philox_chunk(seed, point, purpose, trial, block0, x0, x1, x2, x3);
    box_muller(x0, x1, out, out + NOISE_CHUNK);
    box_muller(x2, x3, out + 2 * NOISE_CHUNK, out + 3 * NOISE_CHUNK);
}

/* Rayleigh amplitudes sqrt(-ln u) = |h| for h ~ CN(0, 1): |h|^2 is Exp(1)
 * (chi-square with 2 degrees of freedom over 2; Simon & Alouini §2.2.1.1),
 * and -ln u is Exp(1) for u uniform (inversion). Same planar layout as the
 * Gaussians: out[64 j + i] from word j of block i. */
NOISE_HOT static void rayleigh_chunk(uint32_t seed, uint32_t point, uint32_t purpose,
                                     uint32_t trial, uint64_t block0,
                                     float out[restrict 4 * NOISE_CHUNK])
{
    uint32_t x[4][NOISE_CHUNK] __attribute__((aligned(64)));
    philox_chunk(seed, point, purpose, trial, block0, x[0], x[1], x[2], x[3]);
    float e[NOISE_CHUNK] __attribute__((aligned(64)));
    for (int j = 0; j < 4; j++) {
        for (int i = 0; i < NOISE_CHUNK; i++)
            e[i] = -ln_u32(x[j][i]);
        sqrt_chunk(e, out + j * NOISE_CHUNK);
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

void fl_noise_u32_at(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial,
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

/* Fill _n floats from whole chunks of _chunk starting at _block; a partial
 * last chunk goes through a scratch buffer (the layout of noise.h). */
typedef void (*noise_float_chunk)(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial,
                                  uint64_t block0, float *restrict out);

static void float_fill_at(noise_float_chunk chunk, uint32_t seed, uint32_t point, uint32_t purpose,
                          uint32_t trial, uint64_t block, float *out, size_t n)
{
    const size_t per = 4 * NOISE_CHUNK;
    size_t done = 0;
    while (n - done >= per) {
        chunk(seed, point, purpose, trial, block, out + done);
        done += per;
        block += NOISE_CHUNK;
    }
    if (done < n) {
        float tmp[4 * NOISE_CHUNK];
        chunk(seed, point, purpose, trial, block, tmp);
        memcpy(out + done, tmp, (n - done) * sizeof *out);
    }
}

void fl_noise_gauss_at(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial,
                    uint64_t block, float *out, size_t n)
{
    float_fill_at(gauss_chunk, seed, point, purpose, trial, block, out, n);
}

void fl_noise_rayleigh_at(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial,
                       uint64_t block, float *out, size_t n)
{
    float_fill_at(rayleigh_chunk, seed, point, purpose, trial, block, out, n);
}

noise *fl_noise_create(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial)
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

void fl_noise_destroy(noise *s) { free(s); }

void fl_noise_seek(noise *s, uint64_t block) { s->block = block; }

uint64_t fl_noise_tell(const noise *s) { return s->block; }

void fl_noise_set_stream(noise *s, uint32_t purpose, uint32_t trial)
{
    s->purpose = purpose;
    s->trial = trial;
    s->block = 0;
}

void fl_noise_u32_fill(noise *s, uint32_t *out, size_t n)
{
    fl_noise_u32_at(s->seed, s->point, s->purpose, s->trial, s->block, out, n);
    s->block += (n + 3) / 4;
}

void fl_noise_gauss_fill(noise *s, float *out, size_t n)
{
    fl_noise_gauss_at(s->seed, s->point, s->purpose, s->trial, s->block, out, n);
    s->block += (uint64_t)((n + NOISE_GAUSS_GROUP - 1) / NOISE_GAUSS_GROUP) * NOISE_CHUNK;
}

void fl_noise_uniform_fill(noise *s, float *out, size_t n)
{
    uint32_t w[4 * NOISE_CHUNK];
    size_t done = 0;
    while (done < n) {
        size_t m = n - done < 4 * NOISE_CHUNK ? n - done : 4 * NOISE_CHUNK;
        fl_noise_u32_fill(s, w, m);
        for (size_t i = 0; i < m; i++)
            out[done + i] = ((float)(w[i] >> 8) + 0.5f) * 0x1p-24f;
        done += m;
    }
}

void fl_noise_uniform_fill_d(noise *s, double *out, size_t n)
{
    uint32_t w[4 * NOISE_CHUNK];
    size_t done = 0;
    while (done < n) {
        size_t m = n - done < 2 * NOISE_CHUNK ? n - done : 2 * NOISE_CHUNK;
        fl_noise_u32_fill(s, w, 2 * m);
        /* 53 bits: 27 from the first word, 26 from the second */
        for (size_t i = 0; i < m; i++) {
            uint64_t v = ((uint64_t)(w[2 * i] >> 5) << 26) | (w[2 * i + 1] >> 6);
            out[done + i] = ((double)v + 0.5) * 0x1p-53;
        }
        done += m;
    }
}
