/* modem: BPSK, QPSK and square 16/64/256-QAM with Gray mapping, unit average
 * symbol energy; hard decisions and soft demapping (exact log-MAP, max-log).
 *
 * Bits are PACKED, most significant bit first within each byte (bit i of a
 * stream is (buf[i/8] >> (7 - i%8)) & 1). Symbol s carries stream bits
 * [s k, s k + k), k = bits per symbol, first bit = MSB of the symbol value v.
 *
 * Mapping: square M-QAM is two Gray-coded PAM axes: the first k/2 bits of a
 * symbol choose the in-phase level, the last k/2 the quadrature level. On an
 * axis with L = 2^(k/2) levels the Gray label g maps to level index
 * i = gray^-1(g) and amplitude a = ((L-1) - 2 i) d, so bit value 0 lies on the
 * positive side (BPSK: bit 0 -> +1, bit 1 -> -1). d makes Es = 1:
 * d = 1 (BPSK), d = 1/sqrt(2 (M-1)/3) (square M-QAM; Proakis, Digital
 * Communications, 5th ed., eq. 3.2-43). BPSK is a real constellation (im = 0).
 *
 * LLR sign convention: LLR(b) = ln P(b = 0 | y) / P(b = 1 | y) (equiprobable
 * bits), positive means 0. Soft demapping takes the ZERO-FORCING equalised
 * symbol z = y / h and the channel power gain g = |h|^2 (perfect CSI); for
 * y = h x + n, n ~ CN(0, N0), |y - h x|^2 = g |z - x|^2, so the LLRs are the
 * exact posterior ones for the unequalised observation.
 */
#ifndef FEATLINK_MODEM_H
#define FEATLINK_MODEM_H

#include <stddef.h>
#include <stdint.h>

//  modem_scheme : the value is the number of bits per symbol
typedef enum {
    MODEM_BPSK = 1,
    MODEM_QPSK = 2,
    MODEM_QAM16 = 4,
    MODEM_QAM64 = 6,
    MODEM_QAM256 = 8,
} modem_scheme;

//  modem_demap : soft demapping rule
typedef enum {
    MODEM_DEMAP_EXACT = 0,   // log-MAP: ln sum exp over the constellation
    MODEM_DEMAP_MAXLOG = 1,  // max-log: min squared distances
} modem_demap;

typedef struct modem modem;

//  fl_modem_create : NULL on a bad _scheme or allocation failure; caller frees
//      with fl_modem_destroy
modem *fl_modem_create(modem_scheme scheme);
void fl_modem_destroy(modem *m);
//  fl_modem_scheme_get : the scheme _m was created with
modem_scheme fl_modem_scheme_get(const modem *m);
//  fl_modem_bits_per_symbol : k in {1, 2, 4, 6, 8}
unsigned fl_modem_bits_per_symbol(const modem *m);
//  fl_modem_symbols_for_bits : ceil(_nbits / k)
size_t fl_modem_symbols_for_bits(const modem *m, size_t nbits);
//  fl_modem_scheme_parse : "bpsk", "qpsk", "16qam", "64qam", "256qam" -> *_out;
//      0 or -EINVAL
int fl_modem_scheme_parse(const char *name, modem_scheme *out);
//  fl_modem_scheme_name : the name fl_modem_scheme_parse accepts, or NULL
const char *fl_modem_scheme_name(modem_scheme s);
//  fl_modem_print_config : one-line description into _buf (_len bytes, NUL
//      terminated); returns snprintf's count
int fl_modem_print_config(const modem *m, char *buf, size_t len);

//  fl_modem_constellation : the M = 2^k points, indexed by symbol value v
//      (first stream bit = MSB of v); _re, _im each hold M floats
void fl_modem_constellation(const modem *m, float *re, float *im);

//  fl_modem_modulate : map _nbits packed bits to ceil(_nbits/k) symbols.
//      _bits : ceil(_nbits/8) bytes, MSB first; the last symbol is padded
//              with 0 bits
//      _re, _im : ceil(_nbits/k) floats each (im = 0 for BPSK; for BPSK _im
//                 may be NULL and is then not written)
//      returns 0, or -EINVAL on NULL pointers
int fl_modem_modulate(const modem *m, const uint8_t *bits, size_t nbits,
                   float *re, float *im);

//  fl_modem_demod_hard : minimum-distance decisions on equalised symbols
//      _re, _im : ceil(_nbits/k) equalised symbols z = y/h (_im unused for
//                 BPSK and may be NULL there)
//      _bits    : ceil(_nbits/8) bytes written, MSB first; bits past _nbits
//                 in the last byte are 0
//      returns 0 or -EINVAL
int fl_modem_demod_hard(const modem *m, const float *re, const float *im, size_t nbits,
                     uint8_t *bits);

//  fl_modem_demod_llr : per-bit LLRs ln P(b=0|y)/P(b=1|y)
//      _re, _im : ceil(_nbits/k) equalised symbols z = y/h (_im unused for BPSK)
//      _gain2   : |h|^2 per symbol (> 0), or NULL for 1 (AWGN)
//      _n0      : noise power per complex symbol N0 (> 0), Es = 1
//                 (variance N0/2 per real dimension)
//      _method  : MODEM_DEMAP_EXACT or MODEM_DEMAP_MAXLOG
//      _llr     : _nbits floats written
//      returns 0, or -EINVAL (NULL pointers, _n0 <= 0, bad _method)
int fl_modem_demod_llr(const modem *m, const float *re, const float *im,
                    const float *gain2, float n0, modem_demap method, size_t nbits,
                    float *llr);

//  fl_modem_pack_bits / fl_modem_unpack_bits : 0/1 bytes <-> packed MSB-first bits
//      (_n bits; packed buffers hold ceil(_n/8) bytes, unused tail bits 0)
void fl_modem_pack_bits(const uint8_t *unpacked, size_t n, uint8_t *packed);
void fl_modem_unpack_bits(const uint8_t *packed, size_t n, uint8_t *unpacked);

#endif
