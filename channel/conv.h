/* conv: the IEEE 802.11 convolutional code (K = 7, generators 133 and 171
 * octal, rate 1/2) punctured to rate 2/3 and 3/4, zero-tail terminated, with
 * a soft-decision Viterbi decoder.
 *
 * Code (IEEE 802.11-2016 §17.3.5.6, Figure 17-8): for input bit x[n],
 *     A[n] = x[n] ^ x[n-2] ^ x[n-3] ^ x[n-5] ^ x[n-6]    (g0 = 133 octal)
 *     B[n] = x[n] ^ x[n-1] ^ x[n-2] ^ x[n-3] ^ x[n-6]    (g1 = 171 octal)
 * sent in the order A0 B0 A1 B1 ...; the encoder starts in the all-zero state
 * and 6 zero tail bits return it there, so n info bits give N = n + 6 steps
 * and 2N mother-code bits. Puncturing (Figure 17-9), per period:
 *     rate 1/2 : A0 B0                       (nothing removed)
 *     rate 2/3 : A0 B0 A1 --                 (B1 removed)
 *     rate 3/4 : A0 B0 A1 -- -- B2           (B1 and A2 removed)
 * A last, incomplete period keeps the bits its pattern keeps (no padding).
 *
 * Bit conventions: "unpacked" arrays hold one bit per byte (0 or 1; for inputs
 * any nonzero byte is 1); "packed" arrays hold 8 bits per byte, most
 * significant bit first (bit i is (buf[i/8] >> (7 - i%8)) & 1), as in
 * codec/bitio and channel/phy. Coded bits are in the order they go on air;
 * the _packed functions pack both their input and their output.
 *
 * LLR convention: llr = ln P(b = 0 | y) / P(b = 1 | y) (positive favours 0);
 * for BPSK 0 -> +1, 1 -> -1 over AWGN with noise variance s2 per real
 * dimension, llr = 2 y / s2. Punctured positions are not in the decoder's
 * input (the decoder re-inserts them as 0). The decoder scales each block's
 * LLRs so their mean magnitude maps to 64, clips at +-511 (8x the mean) and
 * runs 16-bit add-compare-select (channel/viterbi.h: every kernel the same
 * integer recursion, ties to the path from the lower old state), so it is
 * invariant to a common positive scale of its input; NaN LLRs count as 0
 * (erasures) and infinities saturate.
 *
 * 8-bit precision (fl_conv_set_metric_bits(q, 8)): the same scaling with
 * mean |llr| -> 3.5 and clipping at +-6 (Q = 6), uint8 path metrics modulo 256,
 * each decision the sign of the int8 difference of the two entering metrics,
 * no renormalisation. Exact ML on the quantised integers because two
 * metrics that compete differ by at most 2Q x 10 = 120 < 128 (10 = weight of
 * the code's impulse response; proof in channel/viterbi8.c). Hard decisions
 * give the same output at both precisions.
 */
#ifndef FEATLINK_CONV_H
#define FEATLINK_CONV_H

#include <stddef.h>
#include <stdint.h>

#define CONV_K          7        /* constraint length */
#define CONV_STATES     64       /* 2^(K-1) trellis states */
#define CONV_TAIL_BITS  6        /* zero tail appended by the encoder */
#define CONV_G0         0133     /* first generator (output A), octal */
#define CONV_G1         0171     /* second generator (output B), octal */

//  conv_rate : CONV_RATE_NONE is no code (rate 1, nothing to create)
typedef enum {
    CONV_RATE_NONE = -1,
    CONV_RATE_1_2 = 0,
    CONV_RATE_2_3 = 1,
    CONV_RATE_3_4 = 2
} conv_rate;

/* add-compare-select kernels; AUTO picks the widest one compiled in */
typedef enum {
    CONV_KERNEL_AUTO   = 0,
    CONV_KERNEL_SCALAR = 1,      /* portable C */
    CONV_KERNEL_AVX2   = 2,      /* 16 x int16 lanes */
    CONV_KERNEL_AVX512 = 3       /* 32 x int16 lanes (AVX-512BW) */
} conv_kernel;

typedef struct conv conv;

//  fl_conv_code_rate : nominal code rate k/n of _rate (1/2, 2/3 or 3/4; 1 for
//      CONV_RATE_NONE); 0 if invalid
double fl_conv_code_rate(conv_rate rate);
//  fl_conv_coded_bits : number of coded bits (after tail and puncturing) for
//      _n_info_bits info bits at _rate (_n_info_bits for CONV_RATE_NONE: no
//      tail either); 0 if _rate is invalid.
//      Effective rate = _n_info_bits / fl_conv_coded_bits(...).
//      _n_info_bits : 0 .. SIZE_MAX/4
size_t fl_conv_coded_bits(conv_rate rate, size_t n_info_bits);

//  fl_conv_create : encoder/decoder with its workspace (no allocation per call)
//      _rate          : CONV_RATE_1_2, CONV_RATE_2_3 or CONV_RATE_3_4
//      _max_info_bits : largest block the decoder will see, 1 .. 2^28
//      returns NULL on a bad argument or out of memory; caller destroys
conv *fl_conv_create(conv_rate rate, size_t max_info_bits);
//  fl_conv_destroy : free _q (NULL is allowed)
void fl_conv_destroy(conv *q);
//  fl_conv_get_rate : the rate _q was created with
conv_rate fl_conv_get_rate(const conv *q);
//  fl_conv_max_info_bits : the _max_info_bits _q was created with
size_t fl_conv_max_info_bits(const conv *q);
//  fl_conv_set_kernel : choose the decoder's ACS kernel (all give identical
//      output); -ENOTSUP if _kernel is not compiled in, -EINVAL if unknown
int fl_conv_set_kernel(conv *q, conv_kernel kernel);
//  fl_conv_get_kernel : the kernel in use (never CONV_KERNEL_AUTO)
conv_kernel fl_conv_get_kernel(const conv *q);
//  fl_conv_set_metric_bits : decoder precision, 16 (the default: 10-bit
//      LLRs, 16-bit metrics) or 8 (LLRs quantised to -6..6 with mean |llr|
//      -> 3.5, uint8 metrics modulo 256: exact ML on those integers, about
//      0.1 dB from the 16-bit decoder, tests/test_conv.c; see below); 0, or
//      -EINVAL for another value. Every kernel gives identical output at
//      either precision.
int fl_conv_set_metric_bits(conv *q, unsigned bits);
//  fl_conv_get_metric_bits : 16 or 8
unsigned fl_conv_get_metric_bits(const conv *q);

//  fl_conv_encode : encode _n unpacked info bits, append the tail, puncture
//      _bits  : _n bytes, 0 or nonzero; not owned
//      _n     : info bits, any size (not limited by max_info_bits)
//      _coded : caller's array of fl_conv_coded_bits(rate, _n) bytes, set to 0/1
//      returns 0, or -EINVAL on NULL pointers (with _n > 0)
int fl_conv_encode(const conv *q, const uint8_t *bits, size_t n, uint8_t *coded);
//  fl_conv_encode_packed : as fl_conv_encode with packed input and output
//      _bytes : ceil(_n_bits/8) bytes, MSB first (bits past _n_bits ignored)
//      _coded : caller's ceil(fl_conv_coded_bits(rate, _n_bits)/8) bytes, MSB
//               first, pad bits of the last byte set to 0 (ready for
//               phy_transmit_*)
int fl_conv_encode_packed(const conv *q, const uint8_t *bytes, size_t n_bits,
                       uint8_t *coded);

//  fl_conv_decode : soft-decision Viterbi (maximum-likelihood sequence) decoding
//      _llr    : fl_conv_coded_bits(rate, _n) LLRs in on-air order; not owned
//      _n      : info bits in the block, 0 .. fl_conv_max_info_bits(q)
//      _bits   : caller's array of _n bytes, set to the decoded 0/1 bits
//      returns 0, -EINVAL on NULL pointers, -ERANGE if _n is too large
int fl_conv_decode(conv *q, const float *llr, size_t n, uint8_t *bits);
//  fl_conv_decode_packed : as fl_conv_decode, writing ceil(_n/8) bytes MSB-first
//      to _bytes (pad bits of the last byte are 0)
int fl_conv_decode_packed(conv *q, const float *llr, size_t n, uint8_t *bytes);
//  fl_conv_decode_hard : hard-decision Viterbi (Hamming metric, i.e. LLR = +-1)
//      _coded : fl_conv_coded_bits(rate, _n) received bits, 0 or nonzero
//      others as fl_conv_decode
int fl_conv_decode_hard(conv *q, const uint8_t *coded, size_t n, uint8_t *bits);
//  fl_conv_decode_hard_packed : as fl_conv_decode_hard with packed input
//      (ceil(fl_conv_coded_bits(rate, _n)/8) bytes, e.g. fl_phy_transmit_hard's
//      output) and packed output (ceil(_n/8) bytes, pad bits 0)
int fl_conv_decode_hard_packed(conv *q, const uint8_t *coded, size_t n, uint8_t *bytes);

#endif
