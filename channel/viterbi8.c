/* viterbi8: the 8-bit-metric add-compare-select kernels of the K = 7
 * decoder (viterbi.h; Viterbi, IEEE Trans. IT-13, 1967). Metrics are uint8
 * taken modulo 256 and never renormalised: a decision is the sign of the
 * int8 difference of the two entering metrics, exact while that difference
 * stays within +-127. Bound (conv.h's 8-bit quantiser, |llr| <= Q = 6):
 * let x, y = x + 32 be the two old states of a butterfly at step t >= 6 and
 * a the state at step t - 6 on the survivor of x. The path from a that
 * differs from x's survivor only in its first input reaches y (x and y
 * differ only in their oldest bit), so its metric is a lower bound of y's;
 * extended by the branch into the same new state, the two 7-step paths
 * differ in every coded bit where the impulse response of the code is 1:
 * weight 5 + 5 = 10 (generators 133 and 171 have five taps each). Each
 * differing bit moves the metric by at most 2|llr| <= 2Q, so
 * e_x - e_y <= 20Q, and by symmetry |e_x - e_y| <= 20Q = 120 < 128.
 * (The spread bound of K - 1 steps, 6 x 4Q = 24Q on survivors plus 4Q for
 * the branch, would allow only Q = 4.) Before step 6 no state with its
 * oldest bit set is reachable from state 0, so those steps take decision 0
 * everywhere and the start metrics do not matter (all 0).
 * Implementation choices (not from the papers): the AVX-512 kernel keeps
 * the 64 states in one zmm, lane k (k < 32) and 32 + k both for butterfly
 * bitrev5(k), so its compare mask is the decision word in bit-reversed
 * order as it stands; the scalar and AVX2 kernels write natural order.
 */
#include "channel/viterbi.h"

#include <string.h>

#if defined(__AVX2__) || defined(__AVX512BW__)
#include <immintrin.h>
#endif

/* steps before every state is reachable from state 0 (K - 1) */
#define VIT8_WARM 6u

static inline uint32_t rec32(const int8_t *rec, size_t t)
{
    uint32_t w;
    memcpy(&w, rec + 4 * t, sizeof w);
    return w;
}

void fl_viterbi_records8(const int16_t *ql, size_t steps, int8_t *rec)
{
    size_t t = 0;
#if defined(__AVX2__)
    /* eight steps a pass: the int16 records (viterbi.h), packed to bytes
     * lane by lane, which puts steps 0-3 | 4-7 in order */
    for (; t + 8 <= steps; t += 8) {
        __m256i lo, hi;
        viterbi_records8x(ql + 2 * t, &lo, &hi);
        _mm256_storeu_si256((__m256i *)(rec + 4 * t), _mm256_packs_epi16(lo, hi));
    }
#endif
    for (; t < steps; t++) {
        int p = ql[2 * t] + ql[2 * t + 1], m = ql[2 * t] - ql[2 * t + 1];
        int8_t *r = rec + 4 * t;                /* +-(la + lb), +-(la - lb) */
        r[0] = (int8_t)p;
        r[1] = (int8_t)-p;
        r[2] = (int8_t)m;
        r[3] = (int8_t)-m;
    }
}

viterbi_order fl_viterbi_order8(conv_kernel kernel)
{
#if defined(__AVX512BW__) && defined(__AVX512VBMI__)
    if (kernel == CONV_KERNEL_AVX512) return VITERBI_ORDER_BITREV;
#endif
    return VITERBI_ORDER_NATURAL;
}

/* ------------------------------------------------------------- scalar */

static void acs8_scalar(const uint8_t *sel, const int8_t *rec, size_t steps, uint64_t *dec)
{
    uint8_t m[64] = {0}, nm[64];
    for (size_t t = 0; t < steps; t++) {
        uint64_t d = 0, live = t >= VIT8_WARM;
        for (unsigned i = 0; i < 32; i++) {
            uint8_t b = (uint8_t)rec[4 * t + sel[i]];
            uint8_t x = m[i], y = m[i + 32];
            uint8_t e0 = (uint8_t)(x + b), e1 = (uint8_t)(y - b);   /* into 2i   */
            uint8_t o0 = (uint8_t)(x - b), o1 = (uint8_t)(y + b);   /* into 2i+1 */
            /* sign of the int8 difference: e1 beats e0 (ties to e0) */
            uint64_t de = live & (uint8_t)(e0 - e1) >> 7, dn = live & (uint8_t)(o0 - o1) >> 7;
            nm[2 * i] = de ? e1 : e0;
            nm[2 * i + 1] = dn ? o1 : o0;
            d |= de << (2 * i) | dn << (2 * i + 1);
        }
        dec[t] = d;
        memcpy(m, nm, sizeof m);
    }
}

/* --------------------------------------------------------------- AVX2 */

#if defined(__AVX2__)
/* x = old states 0..31, y = 32..63, byte j of each for butterfly j; the
 * new metrics interleave (unpack) into [0..15 | 32..47] and [16..31 |
 * 48..63] and two lane permutes restore x and y. The decision masks are
 * interleaved the same way; their movemasks hold 16-bit groups of states
 * 0, 32, 16, 48, swapped here into natural order. */
static inline __attribute__((always_inline)) void
step8_avx2(__m256i *x, __m256i *y, __m256i b, uint64_t *dec, int live)
{
    __m256i e0 = _mm256_add_epi8(*x, b), e1 = _mm256_sub_epi8(*y, b);
    __m256i o0 = _mm256_sub_epi8(*x, b), o1 = _mm256_add_epi8(*y, b);
    __m256i de = _mm256_sub_epi8(e0, e1), dn = _mm256_sub_epi8(o0, o1);
    if (!live) de = dn = _mm256_setzero_si256();
    /* the winner as e1 + max(e0 - e1, 0) modulo 256 (e0 when not live) */
    const __m256i z = _mm256_setzero_si256();
    __m256i ne = live ? _mm256_add_epi8(e1, _mm256_max_epi8(de, z)) : e0;
    __m256i no = live ? _mm256_add_epi8(o1, _mm256_max_epi8(dn, z)) : o0;
    __m256i lo = _mm256_unpacklo_epi8(ne, no), hi = _mm256_unpackhi_epi8(ne, no);
    *x = _mm256_permute2x128_si256(lo, hi, 0x20);
    *y = _mm256_permute2x128_si256(lo, hi, 0x31);
    uint64_t a = (uint32_t)_mm256_movemask_epi8(_mm256_unpacklo_epi8(de, dn));
    uint64_t c = (uint32_t)_mm256_movemask_epi8(_mm256_unpackhi_epi8(de, dn));
    uint64_t w = a | c << 32;              /* groups: 0-15, 32-47, 16-31, 48-63 */
    *dec = (w & 0xFFFF00000000FFFFull) | (w & 0x00000000FFFF0000ull) << 16 |
           (w >> 16 & 0x00000000FFFF0000ull);
}

static void acs8_avx2(const uint8_t *sel, const int8_t *rec, size_t steps, uint64_t *dec)
{
    const __m256i cs = _mm256_loadu_si256((const __m256i *)sel);   /* pshufb indices 0..3 */
    __m256i x = _mm256_setzero_si256(), y = x;
    size_t t = 0;
    for (; t < steps && t < VIT8_WARM; t++)
        step8_avx2(&x, &y, _mm256_shuffle_epi8(_mm256_set1_epi32((int)rec32(rec, t)), cs),
                   dec + t, 0);
    for (; t < steps; t++)
        step8_avx2(&x, &y, _mm256_shuffle_epi8(_mm256_set1_epi32((int)rec32(rec, t)), cs),
                   dec + t, 1);
}
#endif

/* ------------------------------------------------------------ AVX-512 */

#if defined(__AVX512BW__) && defined(__AVX512VBMI__)
/* X = [x | x], Y = [y | y] with lane k (and 32 + k) of x old state
 * bitrev5(k), of y bitrev5(k) + 32; B = [b | -b]. Then E = X + B holds
 * (e0 | o0) and F = Y - B (e1 | o1): lane k is new state 2 bitrev5(k), lane
 * 32 + k new state 2 bitrev5(k) + 1, i.e. bit bitrev6 of that state, so the
 * sign mask of E - F is the bit-reversed decision word. Next X and Y are
 * vpermb gathers of the selected metrics. */
static inline unsigned pos8(unsigned w) { return (w & 1u ? 32u : 0u) + viterbi_brev5(w >> 1); }

static void acs8_avx512(const uint8_t *sel, const int8_t *rec, size_t steps, uint64_t *dec)
{
    uint8_t ib[64], ix[64], iy[64];
    for (unsigned k = 0; k < 64; k++) {
        unsigned s = viterbi_brev5(k & 31u);
        ib[k] = (uint8_t)(sel[s] ^ (k >> 5));    /* record index ^ 1 negates */
        ix[k] = (uint8_t)pos8(s);
        iy[k] = (uint8_t)pos8(s + 32);
    }
    const __m512i vb = _mm512_loadu_si512(ib), vx = _mm512_loadu_si512(ix);
    const __m512i vy = _mm512_loadu_si512(iy);
    /* f: the metrics of the last step (all 0 at the start) */
    __m512i f = _mm512_setzero_si512();
    size_t t = 0;
    for (; t < steps && t < VIT8_WARM; t++) {       /* decisions 0: e wins */
        __m512i b = _mm512_shuffle_epi8(_mm512_set1_epi32((int)rec32(rec, t)), vb);
        f = _mm512_add_epi8(_mm512_permutexvar_epi8(vx, f), b);
        dec[t] = 0;
    }
    /* Then the winner is f + max(e - f, 0) modulo 256, kept as its two
     * terms f and g = max(e - f, 0), each gathered on its own (a gather is
     * linear), so that a step's dependency chain is g -> vpermb -> add ->
     * sub -> max (6 cycles) while f's gathers and the branch metric run
     * beside it. */
    __m512i g = _mm512_setzero_si512();
    const __m512i z = _mm512_setzero_si512();
    for (; t < steps; t++) {
        __m512i b = _mm512_shuffle_epi8(_mm512_set1_epi32((int)rec32(rec, t)), vb);
        __m512i fx = _mm512_add_epi8(_mm512_permutexvar_epi8(vx, f), b);
        __m512i fy = _mm512_sub_epi8(_mm512_permutexvar_epi8(vy, f), b);
        __m512i e = _mm512_add_epi8(_mm512_permutexvar_epi8(vx, g), fx);
        f = _mm512_add_epi8(_mm512_permutexvar_epi8(vy, g), fy);
        __m512i d = _mm512_sub_epi8(e, f);
        g = _mm512_max_epi8(d, z);
        dec[t] = (uint64_t)_mm512_movepi8_mask(d);
    }
}
#endif

void fl_viterbi_acs8(conv_kernel kernel, const uint8_t *sel, const int8_t *rec, size_t steps,
                     uint64_t *dec)
{
    switch (kernel) {
#if defined(__AVX512BW__) && defined(__AVX512VBMI__)
    case CONV_KERNEL_AVX512: acs8_avx512(sel, rec, steps, dec); return;
#endif
#if defined(__AVX2__)
#if !(defined(__AVX512BW__) && defined(__AVX512VBMI__))
    case CONV_KERNEL_AVX512: /* AVX512BW without VBMI: the AVX2 kernel */
#endif
    case CONV_KERNEL_AVX2: acs8_avx2(sel, rec, steps, dec); return;
#endif
    default: acs8_scalar(sel, rec, steps, dec); return;
    }
}
