/* viterbi: the add-compare-select kernels and the traceback behind
 * fl_conv_decode (channel/conv.c), for the 64-state shift-left trellis of a
 * K = 7 rate-1/2 code. Internal to channel/: conv.c quantises the LLRs and
 * calls these; users call fl_conv_decode.
 *
 * Trellis: state s holds the last 6 input bits, newest in bit 0. Butterfly i
 * (0..31) joins old states i and i+32 to new states 2i (input 0) and 2i+1
 * (input 1); its branch metric is +-bm_i with bm_i = sa_i llr_A + sc_i llr_B
 * (signs from the generators, conv.c). Each step t reads one record of four
 * int16 at rec[4t]: (la + lb, -(la + lb), la - lb, lb - la), and butterfly i
 * takes rec[4t + sel[i]] (sel = 0: +A +B, 1: -A -B, 2: +A -B, 3: -A +B).
 *
 * Metrics are int16; every kernel computes the same integer recursion (the
 * bound in conv.c keeps it clear of saturation): new metric = max of the two
 * entering paths, ties to the path from the lower old state (decision 0),
 * renormalised every 8 steps by the metric of state 0. Decisions are one
 * 64-bit word per step, in one of two bit orders (viterbi_order): natural
 * (bit s = decision of state s) or bit-reversed (bit bitrev6(s)). The
 * bit-reversed order lets the traceback keep the decoded bits themselves as
 * its state: R = 2R + bit(w, R mod 64), two dependent instructions a bit.
 */
#ifndef FEATLINK_VITERBI_H
#define FEATLINK_VITERBI_H

#include <stddef.h>
#include <stdint.h>

#include "channel/conv.h"

typedef enum {
    VITERBI_ORDER_NATURAL = 0,   /* bit s of a word: state s */
    VITERBI_ORDER_BITREV = 1     /* bit bitrev6(s) of a word: state s */
} viterbi_order;

//  viterbi_brev5 : the 5-bit reversal of _x (lane layouts of the kernels)
static inline unsigned viterbi_brev5(unsigned x)
{
    return ((x & 1u) << 4) | ((x & 2u) << 2) | (x & 4u) | ((x & 8u) >> 2) | ((x & 16u) >> 4);
}

#if defined(__AVX2__)
#include <immintrin.h>
//  viterbi_records8x : the int16 records of 8 steps from 16 quantised LLRs
//      at _ql: q = (la, lb) pairs, w = (lb, la); q + w = (p, p) signed to
//      (p, -p), q - w = (la - lb, lb - la); *_lo holds steps 0, 1 | 4, 5 and
//      *_hi steps 2, 3 | 6, 7 (128-bit lanes)
static inline void viterbi_records8x(const int16_t *ql, __m256i *lo, __m256i *hi)
{
    const __m256i pm = _mm256_set1_epi32((int)0xFFFF0001);       /* +1, -1 words */
    __m256i q = _mm256_loadu_si256((const __m256i *)ql);
    __m256i w = _mm256_or_si256(_mm256_slli_epi32(q, 16), _mm256_srli_epi32(q, 16));
    __m256i p = _mm256_sign_epi16(_mm256_add_epi16(q, w), pm);
    __m256i d = _mm256_sub_epi16(q, w);
    *lo = _mm256_unpacklo_epi32(p, d);
    *hi = _mm256_unpackhi_epi32(p, d);
}
#endif

//  fl_viterbi_records : branch-metric records from quantised LLR pairs
//      _ql  : 2 _steps int16 (llr_A, llr_B per step), |value| <= 511
//      _rec : caller's 4 _steps int16, set as described above
void fl_viterbi_records(const int16_t *ql, size_t steps, int16_t *rec);

//  fl_viterbi_order : the decision-word order _kernel writes (AUTO invalid)
viterbi_order fl_viterbi_order(conv_kernel kernel);

//  fl_viterbi_acs : run _steps trellis steps from state 0 (other states start
//      at -8000) with _kernel (SCALAR, AVX2 or AVX512, compiled
//      in), writing _steps decision words to _dec
//      _sel : 32 record indices (0..3), one per butterfly
void fl_viterbi_acs(conv_kernel kernel, const uint8_t *sel, const int16_t *rec, size_t steps,
                    uint64_t *dec);

//  fl_viterbi_traceback : the _n info bits of a block of _n + 6 steps ending
//      in state 0, from its decision words in _order; unpacked (one 0/1 byte
//      a bit) or _packed (ceil(_n/8) bytes MSB first, pad bits 0) into _out
void fl_viterbi_traceback(viterbi_order order, const uint64_t *dec, size_t n, uint8_t *out,
                          int packed);

//  fl_viterbi_records8 : 8-bit records (same layout, int8) from quantised
//      LLR pairs with |value| <= 6 (conv.h's 8-bit quantiser)
void fl_viterbi_records8(const int16_t *ql, size_t steps, int8_t *rec);

//  fl_viterbi_order8 : the decision-word order the 8-bit _kernel writes
viterbi_order fl_viterbi_order8(conv_kernel kernel);

//  fl_viterbi_acs8 : as fl_viterbi_acs with uint8 metrics modulo 256
//      (channel/viterbi8.c: exact for |record| <= 12, decisions 0 in the
//      first 6 steps, no renormalisation); every kernel the same decisions
void fl_viterbi_acs8(conv_kernel kernel, const uint8_t *sel, const int8_t *rec, size_t steps,
                     uint64_t *dec);

#endif
