/* viterbi: add-compare-select kernels and traceback of the K = 7 decoder
 * (see viterbi.h; Viterbi, IEEE Trans. IT-13, 1967). Implementation choices
 * (not from the papers): int16 metrics; the AVX-512 kernel writes decisions
 * in bit-reversed state order, the scalar and AVX2 kernels in natural order;
 * the AVX-512 kernel keeps butterfly bitrev5(k) in lane k, so its two
 * decision masks are the two halves of the word as they stand and the new
 * metrics are gathered in that order by one two-source permute each.
 */
#include "channel/viterbi.h"

#include <string.h>

#if defined(__AVX2__) || defined(__AVX512BW__)
#include <immintrin.h>
#endif

/* start metric of states other than 0 (the encoder starts in state 0) */
#define VIT_MINIT (-8000)
/* Metric bound: branch metric |bm| <= 2*511 = 1022; any state reaches any
 * other in 6 steps, so survivors differ by at most 6*2*1022 = 12264 and are
 * within that of state 0 after a renormalisation; 16 steps later every sum
 * is within 12264 + 16*1022 = 28616 < 32767, so 16-bit arithmetic never
 * saturates, all kernels agree, and when the common offset is removed does
 * not change a decision. */
#define VIT_RENORM 16u
#define VIT_RENORM_MASK (VIT_RENORM - 1u)

/* the record of step t as one 64-bit word (memcpy: no aliasing assumption) */
static inline uint64_t rec64(const int16_t *rec, size_t t)
{
    uint64_t w;
    memcpy(&w, rec + 4 * t, sizeof w);
    return w;
}

void fl_viterbi_records(const int16_t *ql, size_t steps, int16_t *rec)
{
    size_t t = 0;
#if defined(__AVX2__)
    /* eight steps a pass (viterbi.h) */
    for (; t + 8 <= steps; t += 8) {
        __m256i lo, hi;
        viterbi_records8x(ql + 2 * t, &lo, &hi);
        _mm256_storeu_si256((__m256i *)(rec + 4 * t), _mm256_permute2x128_si256(lo, hi, 0x20));
        _mm256_storeu_si256((__m256i *)(rec + 4 * t + 16),
                            _mm256_permute2x128_si256(lo, hi, 0x31));
    }
#endif
    for (; t < steps; t++) {
        int la = ql[2 * t], lb = ql[2 * t + 1];
        rec[4 * t] = (int16_t)(la + lb);
        rec[4 * t + 1] = (int16_t)(-la - lb);
        rec[4 * t + 2] = (int16_t)(la - lb);
        rec[4 * t + 3] = (int16_t)(lb - la);
    }
}

viterbi_order fl_viterbi_order(conv_kernel kernel)
{
    return kernel == CONV_KERNEL_AVX512 ? VITERBI_ORDER_BITREV : VITERBI_ORDER_NATURAL;
}

/* ------------------------------------------------------------- scalar */

/* natural order; written as plain loops over the 32 butterflies so that the
 * compiler can vectorise them */
static void acs_scalar(const uint8_t *sel, const int16_t *rec, size_t steps, uint64_t *dec)
{
    int16_t m[64], nm[64], sa[32], sc[32];
    for (int i = 0; i < 32; i++) {                /* record index -> signs */
        sa[i] = (int16_t)(sel[i] == 0 || sel[i] == 2 ? 1 : -1);
        sc[i] = (int16_t)(sel[i] == 0 || sel[i] == 3 ? 1 : -1);
    }
    for (int s = 0; s < 64; s++) m[s] = VIT_MINIT;
    m[0] = 0;
    for (size_t t = 0; t < steps; t++) {
        /* la = (p + m) / 2, lb = (p - m) / 2 from p = la + lb, m = la - lb */
        int la = (rec[4 * t] + rec[4 * t + 2]) / 2, lb = (rec[4 * t] - rec[4 * t + 2]) / 2;
        uint64_t d = 0;
        for (int i = 0; i < 32; i++) {
            int b = sa[i] * la + sc[i] * lb;
            int x = m[i], y = m[i + 32];
            int e0 = x + b, e1 = y - b;          /* into state 2i   */
            int o0 = x - b, o1 = y + b;          /* into state 2i+1 */
            nm[2 * i] = (int16_t)(e1 > e0 ? e1 : e0);
            nm[2 * i + 1] = (int16_t)(o1 > o0 ? o1 : o0);
            d |= (uint64_t)(e1 > e0) << (2 * i);
            d |= (uint64_t)(o1 > o0) << (2 * i + 1);
        }
        dec[t] = d;
        if ((t & VIT_RENORM_MASK) == VIT_RENORM_MASK) {
            int16_t r0 = nm[0];
            for (int s = 0; s < 64; s++) nm[s] = (int16_t)(nm[s] - r0);
        }
        memcpy(m, nm, sizeof m);
    }
}

/* --------------------------------------------------------------- AVX2 */

#if defined(__AVX2__)
/* Registers m0..m3 hold states 0-15, 16-31, 32-47, 48-63 (natural order);
 * half h pairs m_h (old states 16h + j) with m_{h+2} (32 + 16h + j). */
static void acs_avx2(const uint8_t *sel, const int16_t *rec, size_t steps, uint64_t *dec)
{
    uint8_t cb[2][32];
    for (unsigned h = 0; h < 2; h++)
        for (unsigned j = 0; j < 16; j++) {          /* pshufb within 128-bit lanes */
            cb[h][2 * j] = (uint8_t)(2 * sel[16 * h + j]);
            cb[h][2 * j + 1] = (uint8_t)(2 * sel[16 * h + j] + 1);
        }
    const __m256i c0 = _mm256_loadu_si256((const __m256i *)cb[0]);
    const __m256i c1 = _mm256_loadu_si256((const __m256i *)cb[1]);
    const __m256i hib = _mm256_set1_epi16((short)0xFF00);   /* odd bytes: from dn */
    __m256i m0 = _mm256_set1_epi16(VIT_MINIT), m1 = m0, m2 = m0, m3 = m0;
    m0 = _mm256_insert_epi16(m0, 0, 0);
    for (size_t t = 0; t < steps; t++) {
        __m256i r = _mm256_set1_epi64x((long long)rec64(rec, t));
        __m256i b0 = _mm256_shuffle_epi8(r, c0), b1 = _mm256_shuffle_epi8(r, c1);
        /* half 0: butterflies 0..15 -> new states 0..31 */
        __m256i e0 = _mm256_adds_epi16(m0, b0), e1 = _mm256_subs_epi16(m2, b0);
        __m256i o0 = _mm256_subs_epi16(m0, b0), o1 = _mm256_adds_epi16(m2, b0);
        __m256i ne = _mm256_max_epi16(e0, e1), no = _mm256_max_epi16(o0, o1);
        __m256i de = _mm256_cmpgt_epi16(e1, e0), dn = _mm256_cmpgt_epi16(o1, o0);
        __m256i lo = _mm256_unpacklo_epi16(ne, no), hi = _mm256_unpackhi_epi16(ne, no);
        __m256i n0 = _mm256_permute2x128_si256(lo, hi, 0x20);
        __m256i n1 = _mm256_permute2x128_si256(lo, hi, 0x31);
        /* byte 2j: state 2j, byte 2j+1: state 2j+1 -> natural bit order */
        uint32_t w0 = (uint32_t)_mm256_movemask_epi8(_mm256_blendv_epi8(de, dn, hib));
        /* half 1: butterflies 16..31 -> new states 32..63 */
        e0 = _mm256_adds_epi16(m1, b1); e1 = _mm256_subs_epi16(m3, b1);
        o0 = _mm256_subs_epi16(m1, b1); o1 = _mm256_adds_epi16(m3, b1);
        ne = _mm256_max_epi16(e0, e1); no = _mm256_max_epi16(o0, o1);
        de = _mm256_cmpgt_epi16(e1, e0); dn = _mm256_cmpgt_epi16(o1, o0);
        lo = _mm256_unpacklo_epi16(ne, no); hi = _mm256_unpackhi_epi16(ne, no);
        m2 = _mm256_permute2x128_si256(lo, hi, 0x20);
        m3 = _mm256_permute2x128_si256(lo, hi, 0x31);
        uint32_t w1 = (uint32_t)_mm256_movemask_epi8(_mm256_blendv_epi8(de, dn, hib));
        m0 = n0;
        m1 = n1;
        dec[t] = (uint64_t)w0 | ((uint64_t)w1 << 32);
        if ((t & VIT_RENORM_MASK) == VIT_RENORM_MASK) {
            __m256i z = _mm256_broadcastw_epi16(_mm256_castsi256_si128(m0));
            m0 = _mm256_subs_epi16(m0, z);
            m1 = _mm256_subs_epi16(m1, z);
            m2 = _mm256_subs_epi16(m2, z);
            m3 = _mm256_subs_epi16(m3, z);
        }
    }
}
#endif

/* ------------------------------------------------------------ AVX-512 */

#if defined(__AVX512BW__)
/* Lane k of x holds old state bitrev5(k), lane k of y old state
 * bitrev5(k) + 32. The "e" maxima (new state 2 bitrev5(k)) then sit at bit
 * bitrev6(2 bitrev5(k)) = k of the word and the "o" maxima at 32 + k, so the
 * two compare masks are the word's halves; the next step's x and y are
 * gathered from (ne, no) by one vpermt2w each. */
static void acs_avx512(const uint8_t *sel, const int16_t *rec, size_t steps, uint64_t *dec)
{
    int16_t ib[32], ix[32], iy[32];
    for (unsigned k = 0; k < 32; k++) {
        /* states wanted in lane k */
        unsigned sx = viterbi_brev5(k), sy = viterbi_brev5(k) + 32;
        ib[k] = (int16_t)sel[viterbi_brev5(k)];
        ix[k] = (int16_t)(viterbi_brev5(sx >> 1) + ((sx & 1u) ? 32 : 0));
        iy[k] = (int16_t)(viterbi_brev5(sy >> 1) + ((sy & 1u) ? 32 : 0));
    }
    const __m512i vb = _mm512_loadu_si512(ib);
#if defined(__AVX512VBMI__)
    /* the same gathers as byte permutes: vpermt2b is one uop of latency 3
     * where vpermt2w takes three (Ice Lake and later) */
    uint8_t bx[64], by[64];
    for (unsigned k = 0; k < 64; k++) {
        unsigned wx = (unsigned)ix[k >> 1], wy = (unsigned)iy[k >> 1];
        bx[k] = (uint8_t)(2 * (wx & 31u) + (k & 1u) + (wx & 32u ? 64 : 0));
        by[k] = (uint8_t)(2 * (wy & 31u) + (k & 1u) + (wy & 32u ? 64 : 0));
    }
    const __m512i vx = _mm512_loadu_si512(bx), vy = _mm512_loadu_si512(by);
#define VIT_GATHER(a, i, b) _mm512_permutex2var_epi8(a, i, b)
#else
    const __m512i vx = _mm512_loadu_si512(ix), vy = _mm512_loadu_si512(iy);
#define VIT_GATHER(a, i, b) _mm512_permutex2var_epi16(a, i, b)
#endif
    __m512i x = _mm512_set1_epi16(VIT_MINIT), y = x;
    x = _mm512_mask_mov_epi16(x, 1u, _mm512_setzero_si512());   /* state 0 in lane 0 */
    unsigned char *d8 = (unsigned char *)dec;
    size_t t = 0;
#define VIT_STEP512()                                                                   \
    do {                                                                                \
        __m512i b = _mm512_permutexvar_epi16(vb, _mm512_set1_epi64((long long)rec64(rec, t))); \
        __m512i e0 = _mm512_adds_epi16(x, b), e1 = _mm512_subs_epi16(y, b);            \
        __m512i o0 = _mm512_subs_epi16(x, b), o1 = _mm512_adds_epi16(y, b);            \
        __m512i ne = _mm512_max_epi16(e0, e1), no = _mm512_max_epi16(o0, o1);          \
        uint32_t de = (uint32_t)_mm512_cmpgt_epi16_mask(e1, e0);                       \
        uint32_t dn = (uint32_t)_mm512_cmpgt_epi16_mask(o1, o0);                       \
        x = VIT_GATHER(ne, vx, no);                                                     \
        y = VIT_GATHER(ne, vy, no);                                                     \
        memcpy(d8 + 8 * t, &de, 4); /* little-endian: low half */                       \
        memcpy(d8 + 8 * t + 4, &dn, 4);                                                 \
        t++;                                                                            \
    } while (0)
    /* whole blocks of VIT_RENORM steps, each followed by the renormalisation,
     * then the rest (shorter than a block, so never renormalised) */
    while (t + VIT_RENORM <= steps) {
        for (unsigned k = 0; k < VIT_RENORM; k++) VIT_STEP512();
        __m512i z = _mm512_broadcastw_epi16(_mm512_castsi512_si128(x));
        x = _mm512_subs_epi16(x, z);
        y = _mm512_subs_epi16(y, z);
    }
    while (t < steps) VIT_STEP512();
#undef VIT_STEP512
#undef VIT_GATHER
}
#endif

void fl_viterbi_acs(conv_kernel kernel, const uint8_t *sel, const int16_t *rec, size_t steps,
                    uint64_t *dec)
{
    switch (kernel) {
#if defined(__AVX512BW__)
    case CONV_KERNEL_AVX512: acs_avx512(sel, rec, steps, dec); return;
#endif
#if defined(__AVX2__)
    case CONV_KERNEL_AVX2: acs_avx2(sel, rec, steps, dec); return;
#endif
    default: acs_scalar(sel, rec, steps, dec); return;
    }
}

/* ---------------------------------------------------------- traceback */

/* bit-reversal of a byte (Anderson's "Bit Twiddling Hacks", 64-bit
 * multiply form) */
static inline uint8_t rev8(unsigned x)
{
    return (uint8_t)((((uint64_t)x * 0x80200802ull) & 0x0884422110ull) * 0x0101010101ull >> 32);
}

/* The block ends in state 0 (tail). At step t = j + 6 the state holds inputs
 * j+6 .. j+1 and its decision is input j. Natural order: state s, next
 * state (s >> 1) | (d << 5). Bit-reversed order: R mod 64 = bitrev6(state),
 * so R = 2R + d walks the trellis and R's low bits are the decoded bits,
 * newest (lowest index) in bit 0: a packed byte is rev8 of R's low byte. */
static void traceback_natural(const uint64_t *dec, size_t n, uint8_t *out, int packed)
{
    unsigned s = 0, acc = 0;
    for (size_t j = n; j-- > 0;) {
        unsigned d = (unsigned)(dec[j + 6] >> s) & 1u;
        s = (s >> 1) | (d << 5);
        if (packed) {
            acc = (acc << 1) | d;
            if ((j & 7u) == 0) out[j >> 3] = rev8(acc & 0xFFu);
        } else {
            out[j] = (uint8_t)d;
        }
    }
}

static void traceback_bitrev(const uint64_t *dec, size_t n, uint8_t *out, int packed)
{
    uint64_t r = 0;
    if (packed) {
        for (size_t j = n; j-- > 0;) {
            r = 2 * r + ((dec[j + 6] >> (r & 63u)) & 1u);
            if ((j & 7u) == 0) out[j >> 3] = rev8((unsigned)(r & 0xFFu));
        }
        return;
    }
    for (size_t j = n; j-- > 0;) {
#if defined(__x86_64__) && defined(__GNUC__)
        /* CF = bit (r mod 64) of the word, r = 2r + CF: two dependent
         * one-cycle instructions a bit (the C form below takes three) */
        __asm__("btq %0, %1\n\tadcq %0, %0" : "+r"(r) : "r"(dec[j + 6]) : "cc");
#else
        r = 2 * r + ((dec[j + 6] >> (r & 63u)) & 1u);
#endif
        out[j] = (uint8_t)(r & 1u);
    }
}

void fl_viterbi_traceback(viterbi_order order, const uint64_t *dec, size_t n, uint8_t *out,
                          int packed)
{
    if (order == VITERBI_ORDER_BITREV) traceback_bitrev(dec, n, out, packed);
    else traceback_natural(dec, n, out, packed);
}
