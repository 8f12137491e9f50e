/* conv: IEEE 802.11 K = 7 (133, 171) convolutional code and its Viterbi decoder.
 *
 * Code and puncturing: IEEE Std 802.11-2016 §17.3.5.6 (Figures 17-8, 17-9).
 * Decoder: A. J. Viterbi, "Error bounds for convolutional codes and an
 * asymptotically optimum decoding algorithm", IEEE Trans. IT-13, 1967; the
 * soft correlation metric sum (1 - 2c) llr is the log-likelihood of the code
 * sequence up to a constant (Proakis & Salehi, Digital Communications 5th ed.,
 * ch. 8, soft-decision Viterbi decoding). Implementation choices (not from
 * the papers): LLRs quantised to 10-bit integers, branch metrics as one
 * record of four int16 a step; the add-compare-select kernels and the
 * full-block traceback from the zero state the tail forces are in
 * channel/viterbi.c.
 */
#include "channel/conv.h"
#include "channel/viterbi.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

/* quantiser: mean |llr| -> CONV_QMEAN, clip at CONV_QMAX (see conv.h) */
#define CONV_QMEAN 64.0f
#define CONV_QMAX  511.0f
#define CONV_QHARD 64
/* 8-bit metrics (channel/viterbi8.c): |llr| <= CONV_Q8 keeps the modulo-256
 * recursion exact (20 Q < 128); mean |llr| -> CONV_QMEAN8, the value of
 * least BER loss over Eb/N0 1..4 dB (docs/design-notes.md); hard decisions
 * +-1 (a common scale of the metric changes no decision) */
#define CONV_Q8     6.0f
#define CONV_QMEAN8 3.5f
#define CONV_QHARD8 1

struct conv {
    conv_rate   rate;
    conv_kernel kernel;
    unsigned    metric_bits; /* 16 (default) or 8 */
    size_t      max_n;      /* max info bits */
    size_t      max_steps;  /* max_n + tail */
    int16_t    *ql;         /* 2*max_steps depunctured quantised LLRs */
    int16_t    *rec;        /* 4*max_steps branch-metric records (viterbi.h) */
    uint64_t   *dec;        /* max_steps decision words */
    uint8_t     sel[32];    /* butterfly -> record index (viterbi.h) */
    uint8_t     out2[128];  /* 7-bit register -> (A << 1) | B */
};

/* puncturing patterns over mother-code bits A0 B0 A1 B1 A2 B2
 * (IEEE 802.11-2016 Figure 17-9): 1 = sent, 0 = stolen */
static const uint8_t conv_keep[3][6] = {
    {1, 1, 0, 0, 0, 0},      /* 1/2, period 2 */
    {1, 1, 1, 0, 0, 0},      /* 2/3, period 4 */
    {1, 1, 1, 0, 0, 1},      /* 3/4, period 6 */
};
static const unsigned conv_period[3] = {2, 4, 6};
static const unsigned conv_kept[3] = {2, 3, 4};

static int conv_rate_ok(conv_rate r)
{
    return r == CONV_RATE_1_2 || r == CONV_RATE_2_3 || r == CONV_RATE_3_4;
}

double fl_conv_code_rate(conv_rate rate)
{
    static const double rr[3] = {1.0 / 2.0, 2.0 / 3.0, 3.0 / 4.0};
    if (rate == CONV_RATE_NONE) return 1.0;
    return conv_rate_ok(rate) ? rr[rate] : 0.0;
}

size_t fl_conv_coded_bits(conv_rate rate, size_t n_info_bits)
{
    if (rate == CONV_RATE_NONE) return n_info_bits;
    if (!conv_rate_ok(rate)) return 0;
    size_t mother = 2 * (n_info_bits + CONV_TAIL_BITS);
    size_t p = conv_period[rate];
    size_t c = (mother / p) * conv_kept[rate];
    for (size_t i = 0; i < mother % p; i++) c += conv_keep[rate][i];
    return c;
}

/* The octal generators list delay 0 first (MSB, Figure 17-8); our register
 * holds delay k at bit k (newest input in bit 0), so reverse the 7 bits. */
static unsigned conv_taps(unsigned g)
{
    unsigned t = 0;
    for (int k = 0; k < CONV_K; k++)
        if ((g >> (CONV_K - 1 - k)) & 1u) t |= 1u << k;
    return t;
}

int fl_conv_set_kernel(conv *q, conv_kernel kernel)
{
    if (!q) return -EINVAL;
    switch (kernel) {
    case CONV_KERNEL_AUTO:
#if defined(__AVX512BW__)
        kernel = CONV_KERNEL_AVX512;
#elif defined(__AVX2__)
        kernel = CONV_KERNEL_AVX2;
#else
        kernel = CONV_KERNEL_SCALAR;
#endif
        break;
    case CONV_KERNEL_SCALAR:
        break;
    case CONV_KERNEL_AVX2:
#if !defined(__AVX2__)
        return -ENOTSUP;
#endif
        break;
    case CONV_KERNEL_AVX512:
#if !defined(__AVX512BW__)
        return -ENOTSUP;
#endif
        break;
    default:
        return -EINVAL;
    }
    q->kernel = kernel;
    return 0;
}

conv_kernel fl_conv_get_kernel(const conv *q) { return q->kernel; }

int fl_conv_set_metric_bits(conv *q, unsigned bits)
{
    if (!q || (bits != 8 && bits != 16)) return -EINVAL;
    q->metric_bits = bits;
    return 0;
}

unsigned fl_conv_get_metric_bits(const conv *q) { return q->metric_bits; }
conv_rate fl_conv_get_rate(const conv *q) { return q->rate; }
size_t fl_conv_max_info_bits(const conv *q) { return q->max_n; }

static void *conv_alloc64(size_t bytes)
{
    bytes = (bytes + 63) & ~(size_t)63;
    return aligned_alloc(64, bytes ? bytes : 64);
}

conv *fl_conv_create(conv_rate rate, size_t max_info_bits)
{
    if (!conv_rate_ok(rate) || max_info_bits < 1 || max_info_bits > ((size_t)1 << 28))
        return NULL;
    conv *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->rate = rate;
    q->metric_bits = 16;
    q->max_n = max_info_bits;
    q->max_steps = max_info_bits + CONV_TAIL_BITS;
    q->ql = conv_alloc64(2 * q->max_steps * sizeof *q->ql);
    q->rec = conv_alloc64(4 * q->max_steps * sizeof *q->rec);
    q->dec = conv_alloc64(q->max_steps * sizeof *q->dec);
    if (!q->ql || !q->rec || !q->dec) {
        fl_conv_destroy(q);
        return NULL;
    }
    unsigned t0 = conv_taps(CONV_G0), t1 = conv_taps(CONV_G1);
    for (unsigned r = 0; r < 128; r++)
        q->out2[r] = (uint8_t)((__builtin_parity(r & t0) << 1) | __builtin_parity(r & t1));
    /* butterfly i: old states i and i+32 -> new states 2i (input 0) and 2i+1
     * (input 1). The register of (old i, input 0) is 2i; both generators tap
     * bits 0 and 6, so the other three branches carry the complement or the
     * same pair: the metric is +-bm_i with bm_i = sa_i llr_A + sc_i llr_B,
     * sa_i = -1 when A of (old i, input 0) is 1, sc_i likewise for B; the
     * record index (viterbi.h): 0 (+A +B), 1 (-A -B), 2 (+A -B), 3 (-A +B). */
    static const uint8_t sel_of[4] = {0, 2, 3, 1};   /* (A << 1) | B -> index */
    for (unsigned i = 0; i < 32; i++) q->sel[i] = sel_of[q->out2[2 * i]];
    fl_conv_set_kernel(q, CONV_KERNEL_AUTO);
    return q;
}

void fl_conv_destroy(conv *q)
{
    if (!q) return;
    free(q->ql);
    free(q->rec);
    free(q->dec);
    free(q);
}

/* ---------------------------------------------------------------- encoder */

static void conv_encode_core(const conv *q, const uint8_t *src, size_t n, int packed,
                             uint8_t *coded)
{
    const uint8_t *keep = conv_keep[q->rate];
    unsigned period = conv_period[q->rate], p = 0;
    unsigned s = 0;                       /* 6 most recent inputs, newest in bit 0 */
    size_t k = 0;
    if (packed) memset(coded, 0, (fl_conv_coded_bits(q->rate, n) + 7) / 8);
    for (size_t t = 0; t < n + CONV_TAIL_BITS; t++) {
        unsigned u = 0;
        if (t < n)
            u = packed ? (src[t >> 3] >> (7 - (t & 7))) & 1u : (src[t] != 0);
        unsigned reg = (s << 1) | u;
        unsigned o = q->out2[reg];
        for (unsigned j = 0; j < 2; j++) {
            if (!keep[p + j]) continue;
            unsigned bit = j == 0 ? o >> 1 : o & 1u;                /* A, then B */
            if (packed) coded[k >> 3] |= (uint8_t)(bit << (7 - (k & 7)));
            else coded[k] = (uint8_t)bit;
            k++;
        }
        p += 2;
        if (p == period) p = 0;
        s = reg & (CONV_STATES - 1);
    }
}

int fl_conv_encode(const conv *q, const uint8_t *bits, size_t n, uint8_t *coded)
{
    if (!q || !coded || (n > 0 && !bits)) return -EINVAL;
    conv_encode_core(q, bits, n, 0, coded);
    return 0;
}

int fl_conv_encode_packed(const conv *q, const uint8_t *bytes, size_t n_bits, uint8_t *coded)
{
    if (!q || !coded || (n_bits > 0 && !bytes)) return -EINVAL;
    conv_encode_core(q, bytes, n_bits, 1, coded);
    return 0;
}

/* ------------------------------------------------------ LLR quantisation */

static inline int16_t conv_quant(float x, float qmax)
{
    /* written as selects so the block loops vectorise */
    x = (x == x) ? x : 0.0f;                 /* NaN: erasure */
    x = x > qmax ? qmax : x;
    x = x < -qmax ? -qmax : x;
    x = x + (x >= 0.0f ? 0.5f : -0.5f);      /* round half away from 0 */
    return (int16_t)(int32_t)x;
}

/* |llr| for the mean: NaN counts 0, magnitudes are capped at 1e30 so the
 * float sums stay finite */
static inline float conv_absclip(float x)
{
    float a = fabsf(x);
    a = (a == a) ? a : 0.0f;
    return a < 1e30f ? a : 1e30f;
}

/* Mean |llr| with 16 fixed partial sums, one per residue of the index mod 16,
 * added in a fixed order: the same result whether or not the compiler
 * vectorises, on every machine. */
static double conv_mean_abs(const float *llr, size_t n)
{
    float acc[16] = {0};
    size_t i = 0;
#if defined(__AVX2__)
    /* the same 16 partial sums, eight per register, added in the same order */
    const __m256 nosign = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    const __m256 cap = _mm256_set1_ps(1e30f);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    for (; i + 16 <= n; i += 16) {
        __m256 x0 = _mm256_and_ps(_mm256_loadu_ps(llr + i), nosign);
        __m256 x1 = _mm256_and_ps(_mm256_loadu_ps(llr + i + 8), nosign);
        x0 = _mm256_and_ps(x0, _mm256_cmp_ps(x0, x0, _CMP_ORD_Q));     /* NaN -> 0 */
        x1 = _mm256_and_ps(x1, _mm256_cmp_ps(x1, x1, _CMP_ORD_Q));
        a0 = _mm256_add_ps(a0, _mm256_min_ps(x0, cap));
        a1 = _mm256_add_ps(a1, _mm256_min_ps(x1, cap));
    }
    _mm256_storeu_ps(acc, a0);
    _mm256_storeu_ps(acc + 8, a1);
#endif
    for (; i + 16 <= n; i += 16)
        for (int j = 0; j < 16; j++) acc[j] += conv_absclip(llr[i + j]);
    for (int j = 0; i < n; i++, j++) acc[j] += conv_absclip(llr[i]);
    double s = 0.0;
    for (int j = 0; j < 16; j++) s += acc[j];
    return n ? s / (double)n : 0.0;
}

#if defined(__AVX2__)
/* conv_quant of 16 consecutive values, as selects in the same order */
static inline void conv_quant16(const float *x, float scale, float qmax, int16_t *out)
{
    const __m256 sc = _mm256_set1_ps(scale), hi = _mm256_set1_ps(qmax);
    const __m256 lo = _mm256_set1_ps(-qmax), half = _mm256_set1_ps(0.5f);
    const __m256 sign = _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u));
    __m256i r[2];
    for (int k = 0; k < 2; k++) {
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + 8 * k), sc);
        v = _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q));
        v = _mm256_max_ps(_mm256_min_ps(v, hi), lo);
        /* +-0.5 with the sign of v: x >= 0 (+0 and -0 alike) gives +0.5;
         * -0 + -0.5 truncates to 0 as -0 + 0.5 does */
        v = _mm256_add_ps(v, _mm256_or_ps(half, _mm256_and_ps(v, sign)));
        r[k] = _mm256_cvttps_epi32(v);
    }
    __m256i p = _mm256_permute4x64_epi64(_mm256_packs_epi32(r[0], r[1]), 0xD8);
    _mm256_storeu_si256((__m256i *)out, p);
}
#endif

/* depuncture (stolen positions get 0) and quantise into q->ql: mean |llr|
 * -> _qmean, clip at +-_qmax */
static inline __attribute__((always_inline)) void
conv_load_soft(conv *q, const float *llr, size_t steps, float qmean, float qmax)
{
    size_t ncoded = fl_conv_coded_bits(q->rate, steps - CONV_TAIL_BITS);
    double mean = conv_mean_abs(llr, ncoded);
    float scale = mean > 0.0 ? (float)(qmean / mean) : 1.0f;
    int16_t *ql = q->ql;
    if (q->rate == CONV_RATE_1_2) {
        size_t m = 0;
#if defined(__AVX2__)
        for (; m + 16 <= 2 * steps; m += 16) conv_quant16(llr + m, scale, qmax, ql + m);
#endif
        for (; m < 2 * steps; m++) ql[m] = conv_quant(llr[m] * scale, qmax);
        return;
    }
    /* whole puncturing periods unrolled (patterns of conv_keep), then the
     * incomplete last period */
    size_t m = 0, k = 0, mother = 2 * steps;
    if (q->rate == CONV_RATE_2_3) {
        for (; m + 4 <= mother; m += 4, k += 3) {
            ql[m] = conv_quant(llr[k] * scale, qmax);
            ql[m + 1] = conv_quant(llr[k + 1] * scale, qmax);
            ql[m + 2] = conv_quant(llr[k + 2] * scale, qmax);
            ql[m + 3] = 0;
        }
    } else {
        for (; m + 6 <= mother; m += 6, k += 4) {
            ql[m] = conv_quant(llr[k] * scale, qmax);
            ql[m + 1] = conv_quant(llr[k + 1] * scale, qmax);
            ql[m + 2] = conv_quant(llr[k + 2] * scale, qmax);
            ql[m + 3] = 0;
            ql[m + 4] = 0;
            ql[m + 5] = conv_quant(llr[k + 3] * scale, qmax);
        }
    }
    const uint8_t *keep = conv_keep[q->rate];
    for (unsigned p = 0; m < mother; m++, p++)
        ql[m] = keep[p] ? conv_quant(llr[k++] * scale, qmax) : 0;
}

static void conv_load_hard(conv *q, const uint8_t *coded, size_t steps, int packed)
{
    /* bit 0 -> llr +1, bit 1 -> llr -1 (scaled to CONV_QHARD or CONV_QHARD8) */
    const int16_t qh = q->metric_bits == 8 ? CONV_QHARD8 : CONV_QHARD;
    if (q->rate == CONV_RATE_1_2 && !packed) {
        for (size_t m = 0; m < 2 * steps; m++)
            q->ql[m] = coded[m] ? (int16_t)-qh : qh;
        return;
    }
    const uint8_t *keep = conv_keep[q->rate];
    unsigned period = conv_period[q->rate], p = 0;
    size_t k = 0;
    for (size_t m = 0; m < 2 * steps; m++) {
        if (keep[p]) {
            unsigned b = packed ? (coded[k >> 3] >> (7 - (k & 7))) & 1u : coded[k] != 0;
            q->ql[m] = b ? (int16_t)-qh : qh;
            k++;
        } else {
            q->ql[m] = 0;
        }
        if (++p == period) p = 0;
    }
}

/* records, add-compare-select, traceback (channel/viterbi.c) */
static void conv_viterbi(conv *q, size_t n, uint8_t *out, int packed)
{
    size_t steps = n + CONV_TAIL_BITS;
    if (q->metric_bits == 8) {
        int8_t *rec8 = (int8_t *)q->rec;          /* 4 steps bytes of 8 steps */
        fl_viterbi_records8(q->ql, steps, rec8);
        fl_viterbi_acs8(q->kernel, q->sel, rec8, steps, q->dec);
        fl_viterbi_traceback(fl_viterbi_order8(q->kernel), q->dec, n, out, packed);
        return;
    }
    fl_viterbi_records(q->ql, steps, q->rec);
    fl_viterbi_acs(q->kernel, q->sel, q->rec, steps, q->dec);
    fl_viterbi_traceback(fl_viterbi_order(q->kernel), q->dec, n, out, packed);
}

static int conv_decode_soft(conv *q, const float *llr, size_t n, uint8_t *out, int packed)
{
    if (!q || (n > 0 && !out) || !llr) return -EINVAL;
    if (n > q->max_n) return -ERANGE;
    size_t steps = n + CONV_TAIL_BITS;
    if (q->metric_bits == 8) conv_load_soft(q, llr, steps, CONV_QMEAN8, CONV_Q8);
    else conv_load_soft(q, llr, steps, CONV_QMEAN, CONV_QMAX);
    conv_viterbi(q, n, out, packed);
    return 0;
}

int fl_conv_decode(conv *q, const float *llr, size_t n, uint8_t *bits)
{
    return conv_decode_soft(q, llr, n, bits, 0);
}

int fl_conv_decode_packed(conv *q, const float *llr, size_t n, uint8_t *bytes)
{
    return conv_decode_soft(q, llr, n, bytes, 1);
}

static int conv_decode_hard_core(conv *q, const uint8_t *coded, size_t n, uint8_t *out,
                                 int packed)
{
    if (!q || !coded || (n > 0 && !out)) return -EINVAL;
    if (n > q->max_n) return -ERANGE;
    size_t steps = n + CONV_TAIL_BITS;
    conv_load_hard(q, coded, steps, packed);
    conv_viterbi(q, n, out, packed);
    return 0;
}

int fl_conv_decode_hard(conv *q, const uint8_t *coded, size_t n, uint8_t *bits)
{
    return conv_decode_hard_core(q, coded, n, bits, 0);
}

int fl_conv_decode_hard_packed(conv *q, const uint8_t *coded, size_t n, uint8_t *bytes)
{
    return conv_decode_hard_core(q, coded, n, bytes, 1);
}
