/* conv: IEEE 802.11 K = 7 (133, 171) convolutional code and its Viterbi decoder.
 *
 * Code and puncturing: IEEE Std 802.11-2016 §17.3.5.6 (Figures 17-8, 17-9).
 * Decoder: A. J. Viterbi, "Error bounds for convolutional codes and an
 * asymptotically optimum decoding algorithm", IEEE Trans. IT-13, 1967; the
 * soft correlation metric sum (1 - 2c) llr is the log-likelihood of the code
 * sequence up to a constant (Proakis & Salehi, Digital Communications 5th ed.,
 * ch. 8, soft-decision Viterbi decoding). Implementation choices (not from the papers): LLRs quantised to
 * 10-bit integers, 16-bit path metrics in structure-of-arrays form, the
 * radix-2 butterfly of the shift-left trellis vectorised 16 or 32 states at a
 * time, one 64-bit decision word per step, renormalisation every 8 steps,
 * full-block traceback from the zero state the tail forces.
 */
#include "channel/conv.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__AVX2__) || defined(__AVX512BW__)
#include <immintrin.h>
#endif

/* quantiser: mean |llr| -> CONV_QMEAN, clip at CONV_QMAX (see conv.h) */
#define CONV_QMEAN 64.0f
#define CONV_QMAX  511.0f
#define CONV_QHARD 64
/* start metric of states other than 0 (the encoder starts in state 0) */
#define CONV_MINIT (-8000)
/* Metric bound: branch metric |bm| <= 2*511 = 1022; any state reaches any
 * other in 6 steps, so survivors differ by at most 6*2*1022 = 12264; after 8
 * steps without renormalisation |metric| <= 12264 + 8*1022 + 1022 = 21462
 * < 32767, so 16-bit arithmetic never saturates and all kernels agree. */
#define CONV_RENORM_MASK 7u

struct conv {
    conv_rate   rate;
    conv_kernel kernel;
    size_t      max_n;      /* max info bits */
    size_t      max_steps;  /* max_n + tail */
    int16_t    *ql;         /* 2*max_steps depunctured quantised LLRs */
    uint64_t   *dec;        /* max_steps decision words */
    int16_t     sa[32];     /* +1/-1: sign of llr_A in the butterfly's metric */
    int16_t     sc[32];     /* +1/-1: sign of llr_B */
    uint8_t     decpos[CONV_STATES]; /* state -> bit of its decision in dec[] */
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

static void conv_set_decpos(conv *q)
{
    for (unsigned s = 0; s < CONV_STATES; s++) {
        unsigned pos = s;                               /* scalar: natural */
        if (q->kernel == CONV_KERNEL_AVX2) {
            /* packs_epi16 + movemask_epi8 order, see acs_avx2 */
            unsigned h = s >> 5, r = s & 31u, l = r >> 1, odd = r & 1u;
            pos = 32 * h + 16 * (l >> 3) + (l & 7u) + 8 * odd;
        } else if (q->kernel == CONV_KERNEL_AVX512) {
#if !defined(__BMI2__)
            pos = (s & 1u) ? 32 + (s >> 1) : (s >> 1);  /* even | odd << 32 */
#endif
        }
        q->decpos[s] = (uint8_t)pos;
    }
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
    conv_set_decpos(q);
    return 0;
}

conv_kernel fl_conv_get_kernel(const conv *q) { return q->kernel; }
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
    q->max_n = max_info_bits;
    q->max_steps = max_info_bits + CONV_TAIL_BITS;
    q->ql = conv_alloc64(2 * q->max_steps * sizeof *q->ql);
    q->dec = conv_alloc64(q->max_steps * sizeof *q->dec);
    if (!q->ql || !q->dec) {
        fl_conv_destroy(q);
        return NULL;
    }
    unsigned t0 = conv_taps(CONV_G0), t1 = conv_taps(CONV_G1);
    for (unsigned r = 0; r < 128; r++)
        q->out2[r] = (uint8_t)((__builtin_parity(r & t0) << 1) | __builtin_parity(r & t1));
    /* butterfly i: old states i and i+32 -> new states 2i (input 0) and 2i+1
     * (input 1). The register of (old i, input 0) is 2i; both generators tap
     * bits 0 and 6, so the other three branches carry the complement or the
     * same pair: the metric is +-bm_i with bm_i = sa_i llr_A + sc_i llr_B. */
    for (unsigned i = 0; i < 32; i++) {
        unsigned o = q->out2[2 * i];
        q->sa[i] = (o >> 1) ? -1 : 1;
        q->sc[i] = (o & 1u) ? -1 : 1;
    }
    fl_conv_set_kernel(q, CONV_KERNEL_AUTO);
    return q;
}

void fl_conv_destroy(conv *q)
{
    if (!q) return;
    free(q->ql);
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

static inline int16_t conv_quant(float x)
{
    /* written as selects so the block loops vectorise */
    x = (x == x) ? x : 0.0f;                 /* NaN: erasure */
    x = x > CONV_QMAX ? CONV_QMAX : x;
    x = x < -CONV_QMAX ? -CONV_QMAX : x;
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
    for (; i + 16 <= n; i += 16)
        for (int j = 0; j < 16; j++) acc[j] += conv_absclip(llr[i + j]);
    for (int j = 0; i < n; i++, j++) acc[j] += conv_absclip(llr[i]);
    double s = 0.0;
    for (int j = 0; j < 16; j++) s += acc[j];
    return n ? s / (double)n : 0.0;
}

/* depuncture (stolen positions get 0) and quantise into q->ql */
static void conv_load_soft(conv *q, const float *llr, size_t steps)
{
    size_t ncoded = fl_conv_coded_bits(q->rate, steps - CONV_TAIL_BITS);
    double mean = conv_mean_abs(llr, ncoded);
    float scale = mean > 0.0 ? (float)(CONV_QMEAN / mean) : 1.0f;
    int16_t *ql = q->ql;
    if (q->rate == CONV_RATE_1_2) {
        for (size_t m = 0; m < 2 * steps; m++) ql[m] = conv_quant(llr[m] * scale);
        return;
    }
    /* whole puncturing periods unrolled (patterns of conv_keep), then the
     * incomplete last period */
    size_t m = 0, k = 0, mother = 2 * steps;
    if (q->rate == CONV_RATE_2_3) {
        for (; m + 4 <= mother; m += 4, k += 3) {
            ql[m] = conv_quant(llr[k] * scale);
            ql[m + 1] = conv_quant(llr[k + 1] * scale);
            ql[m + 2] = conv_quant(llr[k + 2] * scale);
            ql[m + 3] = 0;
        }
    } else {
        for (; m + 6 <= mother; m += 6, k += 4) {
            ql[m] = conv_quant(llr[k] * scale);
            ql[m + 1] = conv_quant(llr[k + 1] * scale);
            ql[m + 2] = conv_quant(llr[k + 2] * scale);
            ql[m + 3] = 0;
            ql[m + 4] = 0;
            ql[m + 5] = conv_quant(llr[k + 3] * scale);
        }
    }
    const uint8_t *keep = conv_keep[q->rate];
    for (unsigned p = 0; m < mother; m++, p++)
        ql[m] = keep[p] ? conv_quant(llr[k++] * scale) : 0;
}

static void conv_load_hard(conv *q, const uint8_t *coded, size_t steps, int packed)
{
    /* bit 0 -> llr +1, bit 1 -> llr -1 (scaled to CONV_QHARD) */
    if (q->rate == CONV_RATE_1_2 && !packed) {
        for (size_t m = 0; m < 2 * steps; m++)
            q->ql[m] = coded[m] ? -CONV_QHARD : CONV_QHARD;
        return;
    }
    const uint8_t *keep = conv_keep[q->rate];
    unsigned period = conv_period[q->rate], p = 0;
    size_t k = 0;
    for (size_t m = 0; m < 2 * steps; m++) {
        if (keep[p]) {
            unsigned b = packed ? (coded[k >> 3] >> (7 - (k & 7))) & 1u : coded[k] != 0;
            q->ql[m] = b ? -CONV_QHARD : CONV_QHARD;
            k++;
        } else {
            q->ql[m] = 0;
        }
        if (++p == period) p = 0;
    }
}

/* -------------------------------------------------- add-compare-select */

static void acs_scalar(conv *q, size_t steps)
{
    int16_t m[CONV_STATES], nm[CONV_STATES];
    for (int s = 0; s < CONV_STATES; s++) m[s] = CONV_MINIT;
    m[0] = 0;
    const int16_t *ql = q->ql;
    for (size_t t = 0; t < steps; t++) {
        int la = ql[2 * t], lb = ql[2 * t + 1];
        uint64_t d = 0;
        for (int i = 0; i < 32; i++) {
            int b = q->sa[i] * la + q->sc[i] * lb;
            int x = m[i], y = m[i + 32];
            int e0 = x + b, e1 = y - b;          /* into state 2i   */
            int o0 = x - b, o1 = y + b;          /* into state 2i+1 */
            nm[2 * i] = (int16_t)(e1 > e0 ? e1 : e0);
            nm[2 * i + 1] = (int16_t)(o1 > o0 ? o1 : o0);
            d |= (uint64_t)(e1 > e0) << (2 * i);
            d |= (uint64_t)(o1 > o0) << (2 * i + 1);
        }
        q->dec[t] = d;
        if ((t & CONV_RENORM_MASK) == CONV_RENORM_MASK) {
            int16_t r = nm[0];
            for (int s = 0; s < CONV_STATES; s++) nm[s] = (int16_t)(nm[s] - r);
        }
        memcpy(m, nm, sizeof m);
    }
}

#if defined(__AVX2__)
static void acs_avx2(conv *q, size_t steps)
{
    __m256i m0 = _mm256_set1_epi16(CONV_MINIT), m1 = m0, m2 = m0, m3 = m0;
    m0 = _mm256_insert_epi16(m0, 0, 0);
    const __m256i sa0 = _mm256_loadu_si256((const __m256i *)q->sa);
    const __m256i sa1 = _mm256_loadu_si256((const __m256i *)(q->sa + 16));
    const __m256i sc0 = _mm256_loadu_si256((const __m256i *)q->sc);
    const __m256i sc1 = _mm256_loadu_si256((const __m256i *)(q->sc + 16));
    const int16_t *ql = q->ql;
    uint64_t *dec = q->dec;
    for (size_t t = 0; t < steps; t++) {
        __m256i la = _mm256_set1_epi16(ql[2 * t]);
        __m256i lb = _mm256_set1_epi16(ql[2 * t + 1]);
        __m256i b0 = _mm256_adds_epi16(_mm256_sign_epi16(la, sa0), _mm256_sign_epi16(lb, sc0));
        __m256i b1 = _mm256_adds_epi16(_mm256_sign_epi16(la, sa1), _mm256_sign_epi16(lb, sc1));
        /* half 0: butterflies i = 0..15 (old m0, m2) -> new states 0..31 */
        __m256i e0 = _mm256_adds_epi16(m0, b0), e1 = _mm256_subs_epi16(m2, b0);
        __m256i o0 = _mm256_subs_epi16(m0, b0), o1 = _mm256_adds_epi16(m2, b0);
        __m256i ne = _mm256_max_epi16(e0, e1), no = _mm256_max_epi16(o0, o1);
        __m256i de = _mm256_cmpgt_epi16(e1, e0), dn = _mm256_cmpgt_epi16(o1, o0);
        __m256i lo = _mm256_unpacklo_epi16(ne, no), hi = _mm256_unpackhi_epi16(ne, no);
        __m256i n0 = _mm256_permute2x128_si256(lo, hi, 0x20);
        __m256i n1 = _mm256_permute2x128_si256(lo, hi, 0x31);
        uint32_t w0 = (uint32_t)_mm256_movemask_epi8(_mm256_packs_epi16(de, dn));
        /* half 1: butterflies i = 16..31 (old m1, m3) -> new states 32..63 */
        e0 = _mm256_adds_epi16(m1, b1); e1 = _mm256_subs_epi16(m3, b1);
        o0 = _mm256_subs_epi16(m1, b1); o1 = _mm256_adds_epi16(m3, b1);
        ne = _mm256_max_epi16(e0, e1); no = _mm256_max_epi16(o0, o1);
        de = _mm256_cmpgt_epi16(e1, e0); dn = _mm256_cmpgt_epi16(o1, o0);
        lo = _mm256_unpacklo_epi16(ne, no); hi = _mm256_unpackhi_epi16(ne, no);
        m2 = _mm256_permute2x128_si256(lo, hi, 0x20);
        m3 = _mm256_permute2x128_si256(lo, hi, 0x31);
        uint32_t w1 = (uint32_t)_mm256_movemask_epi8(_mm256_packs_epi16(de, dn));
        m0 = n0;
        m1 = n1;
        dec[t] = (uint64_t)w0 | ((uint64_t)w1 << 32);
        if ((t & CONV_RENORM_MASK) == CONV_RENORM_MASK) {
            __m256i r = _mm256_broadcastw_epi16(_mm256_castsi256_si128(m0));
            m0 = _mm256_subs_epi16(m0, r);
            m1 = _mm256_subs_epi16(m1, r);
            m2 = _mm256_subs_epi16(m2, r);
            m3 = _mm256_subs_epi16(m3, r);
        }
    }
}
#endif

#if defined(__AVX512BW__)
static void acs_avx512(conv *q, size_t steps)
{
    __m512i x = _mm512_set1_epi16(CONV_MINIT), y = x;
    x = _mm512_mask_mov_epi16(x, 1u, _mm512_setzero_si512());
    __mmask32 ka = 0, kc = 0;
    for (int i = 0; i < 32; i++) {
        if (q->sa[i] < 0) ka |= 1u << i;
        if (q->sc[i] < 0) kc |= 1u << i;
    }
    /* new state s = 2i + u: even s from the "e" maxima, odd s from "o" */
    int16_t ilo[32], ihi[32];
    for (int k = 0; k < 32; k++) {
        ilo[k] = (int16_t)((k & 1 ? 32 : 0) + (k >> 1));
        ihi[k] = (int16_t)((k & 1 ? 32 : 0) + 16 + (k >> 1));
    }
    const __m512i idx_lo = _mm512_loadu_si512(ilo), idx_hi = _mm512_loadu_si512(ihi);
    const __m512i zero = _mm512_setzero_si512();
    const int16_t *ql = q->ql;
    uint64_t *dec = q->dec;
    for (size_t t = 0; t < steps; t++) {
        __m512i la = _mm512_set1_epi16(ql[2 * t]);
        __m512i lb = _mm512_set1_epi16(ql[2 * t + 1]);
        __m512i b = _mm512_adds_epi16(_mm512_mask_sub_epi16(la, ka, zero, la),
                                      _mm512_mask_sub_epi16(lb, kc, zero, lb));
        __m512i e0 = _mm512_adds_epi16(x, b), e1 = _mm512_subs_epi16(y, b);
        __m512i o0 = _mm512_subs_epi16(x, b), o1 = _mm512_adds_epi16(y, b);
        __m512i ne = _mm512_max_epi16(e0, e1), no = _mm512_max_epi16(o0, o1);
        __mmask32 de = _mm512_cmpgt_epi16_mask(e1, e0);
        __mmask32 dn = _mm512_cmpgt_epi16_mask(o1, o0);
        x = _mm512_permutex2var_epi16(ne, idx_lo, no);
        y = _mm512_permutex2var_epi16(ne, idx_hi, no);
#if defined(__BMI2__)
        /* interleave: bit 2i = de_i (state 2i), bit 2i+1 = dn_i (state 2i+1),
         * natural state order, which shortens the traceback's dependency chain */
        dec[t] = _pdep_u64(de, 0x5555555555555555ull) | _pdep_u64(dn, 0xAAAAAAAAAAAAAAAAull);
#else
        dec[t] = (uint64_t)de | ((uint64_t)dn << 32);
#endif
        if ((t & CONV_RENORM_MASK) == CONV_RENORM_MASK) {
            __m512i r = _mm512_broadcastw_epi16(_mm512_castsi512_si128(x));
            x = _mm512_subs_epi16(x, r);
            y = _mm512_subs_epi16(y, r);
        }
    }
}
#endif

static void conv_acs(conv *q, size_t steps)
{
    switch (q->kernel) {
#if defined(__AVX512BW__)
    case CONV_KERNEL_AVX512: acs_avx512(q, steps); return;
#endif
#if defined(__AVX2__)
    case CONV_KERNEL_AVX2: acs_avx2(q, steps); return;
#endif
    default: acs_scalar(q, steps); return;
    }
}

/* Traceback from state 0 (forced by the tail). New state s came from old
 * state (s >> 1) | (d << 5) with input bit s & 1. */
static void conv_traceback(const conv *q, size_t n, uint8_t *out, int packed)
{
    size_t steps = n + CONV_TAIL_BITS;
    const uint64_t *dec = q->dec;
    unsigned s = 0;
    int natural = 1;
    for (unsigned i = 0; i < CONV_STATES; i++) natural &= q->decpos[i] == i;
    if (packed && n > 0) memset(out, 0, (n + 7) / 8);
    /* the tail steps decode nothing */
    size_t t = steps;
    while (t-- > n) {
        unsigned d = (unsigned)(dec[t] >> q->decpos[s]) & 1u;
        s = (s >> 1) | (d << 5);
    }
    t = n;
    if (natural && !packed) {
        /* dependency chain: shift, and, or (no table load) */
        while (t-- > 0) {
            out[t] = (uint8_t)(s & 1u);
            s = (s >> 1) | ((unsigned)((dec[t] >> s) & 1u) << 5);
        }
        return;
    }
    while (t-- > 0) {
        if (packed) out[t >> 3] |= (uint8_t)((s & 1u) << (7 - (t & 7)));
        else out[t] = (uint8_t)(s & 1u);
        unsigned d = (unsigned)(dec[t] >> q->decpos[s]) & 1u;
        s = (s >> 1) | (d << 5);
    }
}

static int conv_decode_soft(conv *q, const float *llr, size_t n, uint8_t *out, int packed)
{
    if (!q || (n > 0 && !out) || !llr) return -EINVAL;
    if (n > q->max_n) return -ERANGE;
    size_t steps = n + CONV_TAIL_BITS;
    conv_load_soft(q, llr, steps);
    conv_acs(q, steps);
    conv_traceback(q, n, out, packed);
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
    conv_acs(q, steps);
    conv_traceback(q, n, out, packed);
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
