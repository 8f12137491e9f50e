/* noise: counter-based random streams (Philox4x32-10) and a fast Gaussian
 * generator for the channel simulator.
 *
 * Source: J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC'11 (Philox4x32-10, bit-identical to
 * Random123's philox4x32()); G. E. P. Box, M. E. Muller, "A note on the
 * generation of random normal deviates", Ann. Math. Stat. 29 (1958).
 *
 * Stream convention (docs/design-notes.md §5): key = {seed, point}; counter =
 * {draw_index low 32 bits, draw_index high 32 bits, purpose, trial}. One
 * counter value ("block") yields four 32-bit words. Every fill function below
 * works on whole blocks: it consumes ceil(n / per_block) blocks starting at
 * the stream position and discards the unused tail of the last block, so the
 * output depends only on (key, purpose, trial, start block, n).
 *
 * Gaussian generator (noise_gauss_*): Box-Muller on pairs of Philox words,
 * evaluated in float32 with branch-free polynomial log and sincos, fmaf and a
 * vector sqrtf, so that the compiler vectorises it (AVX2/AVX-512). The
 * output is PLANAR in groups of NOISE_GAUSS_GROUP = 256 values from 64
 * consecutive blocks (no interleaving shuffle): value 256 g + 64 j + i of a
 * call starting at block B comes from block b = B + 64 g + i, words (w0, w1)
 * for j = 0, 1 and (w2, w3) for j = 2, 3:
 *   j = 0: r0 cos t0,  j = 1: r0 sin t0    from (w0, w1)
 *   j = 2: r1 cos t1,  j = 3: r1 sin t1    from (w2, w3)
 * with u = (w | 1) 2^-32 in (0, 1), r = sqrt(-2 ln u),
 * t = 2 pi (w' >> 8) 2^-24. The mapping is fixed relative to B, so a shorter
 * call gives a prefix of a longer one; a call for n values uses (and
 * fl_noise_gauss_fill advances by) 64 ceil(n / 256) blocks, so successive fills
 * never share a block. Only group-aligned (multiple of 256) fills concatenate
 * to the same values as one call.
 * Accuracy (checked by tests/test_noise.c against double-precision
 * Box-Muller on the same words): |error| <= 2e-6 absolute for every output
 * (ln u to ~2 float ulps relative over the whole range, including u -> 1, by
 * normalising u in integer arithmetic; atanh-series truncation < 8e-10,
 * sin/cos Taylor truncation < 3e-11). Range: |x| <= sqrt(2 * 32 ln 2) = 6.66,
 * i.e. the tail beyond 6.66 sigma (probability 2.7e-11) is cut; angle
 * resolution 2^-24 of a turn.
 */
#ifndef FEATLINK_NOISE_H
#define FEATLINK_NOISE_H

#include <stddef.h>
#include <stdint.h>

#include "common/purpose.h"

//  NOISE_GAUSS_MAX : largest |x| noise_gauss_* can return (6.66 sigma)
#define NOISE_GAUSS_MAX 6.6604f
//  NOISE_GAUSS_GROUP : Gaussians per planar group (64 blocks), see above
#define NOISE_GAUSS_GROUP 256

typedef struct noise noise;

//  fl_noise_create : a stream positioned at block 0; NULL on allocation failure.
//      _seed    : scenario seed (any uint32)
//      _point   : sweep point index (any uint32)
//      _purpose : stream purpose id, one of common/purpose.h (enum purpose_id)
//      _trial   : trial index (any uint32)
//      caller frees with fl_noise_destroy.
noise *fl_noise_create(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial);
void fl_noise_destroy(noise *s);
//  fl_noise_seek : set the stream position to block _block (draw index, 0..2^64-1)
void fl_noise_seek(noise *s, uint64_t block);
//  fl_noise_tell : current stream position in blocks
uint64_t fl_noise_tell(const noise *s);
//  fl_noise_set_stream : change purpose and trial, and rewind to block 0
void fl_noise_set_stream(noise *s, uint32_t purpose, uint32_t trial);

//  fl_noise_u32_fill : _n raw 32-bit words (4 per block); _out holds _n words
void fl_noise_u32_fill(noise *s, uint32_t *out, size_t n);
//  fl_noise_uniform_fill : _n floats uniform in (0,1), 24-bit resolution
//      ((w >> 8) + 0.5) 2^-24, 4 per block
void fl_noise_uniform_fill(noise *s, float *out, size_t n);
//  fl_noise_uniform_fill_d : _n doubles uniform in (0,1), 53-bit resolution,
//      2 per block (two words each)
void fl_noise_uniform_fill_d(noise *s, double *out, size_t n);
//  fl_noise_gauss_fill : _n standard normal floats N(0,1), planar groups of
//      256 from 64 blocks (layout above); advances 64 ceil(_n/256) blocks
void fl_noise_gauss_fill(noise *s, float *out, size_t n);

/* Stateless forms: same outputs as the stream forms positioned at _block. */
//  fl_noise_u32_at : _n words from blocks _block, _block+1, ... of the stream
//      (_seed, _point, _purpose, _trial)
void fl_noise_u32_at(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial,
                  uint64_t block, uint32_t *out, size_t n);
//  fl_noise_gauss_at : _n N(0,1) floats from blocks _block, _block+1, ...
//      (64 ceil(_n/256) blocks, layout above)
void fl_noise_gauss_at(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial,
                    uint64_t block, float *out, size_t n);
//  fl_noise_rayleigh_at : _n Rayleigh amplitudes a = sqrt(-ln u) >= 0, i.e.
//      |h| for h ~ CN(0, 1) (a^2 ~ Exp(1), E a^2 = 1), u = (w | 1) 2^-32
//      as for the Gaussians; one word each, same planar layout (value
//      256 g + 64 j + i from word j of block _block + 64 g + i), same block
//      use (64 ceil(_n/256)); a <= sqrt(32 ln 2) = 4.71
void fl_noise_rayleigh_at(uint32_t seed, uint32_t point, uint32_t purpose, uint32_t trial,
                       uint64_t block, float *out, size_t n);

#endif
