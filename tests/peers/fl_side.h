/* fl_side: featlink's side of the peer benchmarks, behind flside_* names.
 * tests/peers/fl_side.c is linked with libfeatlink.a into one relocatable
 * object whose only global symbols are these (objcopy
 * --keep-global-symbols), so the peers' own modem_create & co. (liquid-dsp
 * exports the same name) cannot clash with featlink's in one process. This
 * header includes no featlink header. */
#ifndef FEATLINK_PEERS_FL_SIDE_H
#define FEATLINK_PEERS_FL_SIDE_H

#include <stddef.h>
#include <stdint.h>

//  flside_constellation : the 2^k Gray points of featlink's modem (k bits
//      per symbol, 1/2/4/6/8), symbol value v -> (re[v], im[v]); 0 or -1
int flside_constellation(unsigned k, float *re, float *im);
//  flside_llr : n symbols -> n k LLRs (exact != 0: log-MAP, else max-log),
//      AWGN with noise power n0; repeated _reps times; 0 or -1
int flside_llr(unsigned k, int exact, const float *re, const float *im, size_t n, float n0,
               float *llr, int reps);
//  flside_hard : n symbols -> n k packed bits, _reps times
int flside_hard(unsigned k, const float *re, const float *im, size_t n, uint8_t *bits, int reps);
//  flside_modulate : n k packed bits -> n symbols, _reps times
int flside_modulate(unsigned k, const uint8_t *bits, size_t n, float *re, float *im, int reps);
//  flside_gauss : n N(0,1) floats (Philox + Box-Muller), counter offset _at
void flside_gauss(uint64_t at, float *out, size_t n);
//  flside_rayleigh : n Rayleigh amplitudes sqrt(-ln u), same stream as _gauss
void flside_rayleigh(uint64_t at, float *out, size_t n);
//  flside_words : n raw Philox words of that stream, from block _at
void flside_words(uint64_t at, uint32_t *out, size_t n);
//  flside_conv_encode : K=7 rate-1/2 encoding (0133, 0171) of n info bits
//      (0/1 bytes) into 2 (n + 6) 0/1 bytes (tail included)
size_t flside_conv_encode(const uint8_t *bits, size_t n, uint8_t *coded);
//  flside_viterbi : soft decoding of n info bits from 2 (n + 6) LLRs, _reps
//      times; kernel 0 auto, 1 scalar, 2 AVX2, 3 AVX-512; -1 when the kernel
//      is not available here
int flside_viterbi(int kernel, const float *llr, size_t n, uint8_t *bits, int reps);
//  flside_viterbi_bits : as flside_viterbi with 16- or 8-bit metrics
//      (fl_conv_set_metric_bits)
int flside_viterbi_bits(int kernel, unsigned metric_bits, const float *llr, size_t n,
                        uint8_t *bits, int reps);

#endif
