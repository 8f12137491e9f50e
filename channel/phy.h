/* phy: one call that carries packed bits through modulation, a channel and
 * coherent demodulation with perfect CSI, returning hard bits or LLRs.
 *
 * Channel model, per complex symbol s of a frame:
 *     y[s] = h[s] x[s] + n[s],   E|x|^2 = Es = 1,   n ~ CN(0, N0),
 * i.e. noise variance N0/2 per real dimension, N0 = 10^(-EsN0_dB/10).
 * SNR conventions: Es/N0 is per complex symbol (= SNR at Nyquist signalling);
 * Eb/N0 = Es/N0 / (k R) with k bits per symbol and code rate R
 * (fl_phy_esn0_from_ebn0_db); for fading channels they are MEAN values, E|h|^2 = 1.
 *   AWGN     : h = 1
 *   Rayleigh : h ~ CN(0, 1)
 *   Rician   : h = sqrt(K/(K+1)) + CN(0, 1/(K+1)), LOS phase 0, K linear
 *   fading fast  : h independent per symbol
 *   fading block : h constant over blocks of block_symbols symbols, blocks
 *                  aligned to the start of each frame, independent per block
 *   caller gains : fl_phy_set_gains() overrides the channel with h[s] supplied
 *                  by the caller (e.g. time-correlated Jakes gains)
 * Detection: zero-forcing z = y/h (ML for these constellations with perfect
 * CSI), minimum-distance hard decisions or LLRs with |h|^2 (modem.h).
 * BPSK over AWGN draws only the in-phase noise: the quadrature component is
 * independent of the decision statistic Re(y) and is not generated.
 * BPSK over Rayleigh FAST fading uses the exactly equivalent real-valued
 * model z = x + sigma n / a, g2 = a^2, with a = |h| Rayleigh (a^2 ~ Exp(1),
 * fl_noise_rayleigh_at, stream PURPOSE_PHY_FADE_I) and n ~ N(0,1) (stream
 * PURPOSE_PHY_NOISE_I): 1 Gaussian and 1 uniform per bit instead of 4
 * Gaussians. Why it is exact: BPSK detection (hard or LLR) uses only
 * Re(z) = x + Re(conj(h) n_c) / |h|^2 and g2 = |h|^2; given h, conj(h) n_c /
 * |h| is again CN(0, N0) (n_c is circularly symmetric and |conj(h)/|h|| = 1),
 * so Re(conj(h) n_c) / |h| ~ N(0, N0/2) = sigma n, independent of h; and for
 * h ~ CN(0, 1) |h|^2 ~ Exp(1) (chi-square, 2 degrees of freedom, over 2).
 * So (Re z, g2) has the same joint law as (x + sigma n / a, a^2), the phase
 * of h never matters, and bits, errors and LLRs have the same distribution
 * as under the complex model (not the same draws). Im z is not computed.
 *
 * Randomness (docs/design-notes.md §5): key = {seed, point}; counter = {draw index,
 * purpose, trial} with the purposes PURPOSE_PHY_* (common/purpose.h); frame f, symbol s uses the
 * Gaussian number s of the fl_noise_gauss_at sequence that starts at draw index
 * f << 24 (noise.h layout: 4 per Philox block, planar groups of 256 from 64
 * blocks, fixed relative to the start, so a shorter frame sees a prefix),
 * so a frame holds at most 2^26 symbols and the result of a frame depends
 * only on (seed, point, trial, frame, bits, configuration), not on call
 * order or threads. Block fading: block j of the frame uses Gaussian number
 * j of the fading streams.
 */
#ifndef FEATLINK_PHY_H
#define FEATLINK_PHY_H

#include <stddef.h>
#include <stdint.h>

#include "channel/modem.h"

//  PHY_MAX_FRAME_SYMBOLS : most symbols in one phy_transmit_* call (2^26)
#define PHY_MAX_FRAME_SYMBOLS ((size_t)1 << 26)

typedef enum { PHY_AWGN = 0, PHY_RAYLEIGH = 1, PHY_RICIAN = 2 } phy_channel;
//  phy_fading : how the gains of a fading channel vary; PHY_FADING_GAINS:
//      the caller supplies every frame's gains (fl_phy_set_gains, e.g. from a
//      channel/jakes process), a fading frame without them is -EINVAL
typedef enum { PHY_FADING_FAST = 0, PHY_FADING_BLOCK = 1, PHY_FADING_GAINS = 2 } phy_fading;

typedef struct {
    modem_scheme scheme;   // modulation
    phy_channel channel;   // AWGN, Rayleigh or Rician
    phy_fading fading;     // fast (per symbol), block or caller gains (unused for AWGN)
    double k_factor;       // Rician K, linear power ratio LOS/scatter, >= 0
    size_t block_symbols;  // coherence block length in symbols, >= 1 (block fading)
    double esn0_db;        // Es/N0 in dB per complex symbol, finite
    uint32_t seed;         // scenario seed (Philox key word 0)
    uint32_t point;        // sweep point index (Philox key word 1)
} phy_config;

typedef struct phy phy;

//  fl_phy_esn0_from_ebn0_db : Es/N0 dB = Eb/N0 dB + 10 log10(_k _code_rate);
//      _k bits per symbol >= 1, _code_rate in (0, 1]
double fl_phy_esn0_from_ebn0_db(double ebn0_db, unsigned k, double code_rate);

//  fl_phy_create : NULL on a bad configuration or allocation failure; the
//      object holds its own modem and a fixed workspace (no allocation in
//      phy_transmit_*); caller frees with fl_phy_destroy
phy *fl_phy_create(const phy_config *cfg);
void fl_phy_destroy(phy *p);
//  fl_phy_modem : the modem used (owned by _p)
const modem *fl_phy_modem(const phy *p);
//  fl_phy_set_esn0_db : change Es/N0 (dB, finite); 0 or -EINVAL
int fl_phy_set_esn0_db(phy *p, double esn0_db);
//  fl_phy_n0 : N0 = 10^(-EsN0/10) (Es = 1)
double fl_phy_n0(const phy *p);
//  fl_phy_set_gains : use caller-supplied complex gains h[s] = _re[s] + j _im[s]
//      for symbol s of every following frame instead of the configured fading;
//      the arrays are NOT copied: they must stay valid (caller owns them) and
//      hold _n >= symbols per frame values; NULL _re clears (back to the
//      configured channel). 0 or -EINVAL (_re without _im)
int fl_phy_set_gains(phy *p, const float *re, const float *im, size_t n);

//  fl_phy_transmit_hard : bits -> channel -> hard bits
//      _trial  : trial index (Philox counter word 3)
//      _frame  : frame index < 2^40 (selects the random numbers)
//      _bits   : ceil(_nbits/8) bytes, packed MSB first
//      _nbits  : 1 .. PHY_MAX_FRAME_SYMBOLS k
//      _out    : ceil(_nbits/8) bytes written (may not alias _bits); bits
//                past _nbits in the last byte are 0
//      returns 0, -EINVAL (NULL, or PHY_FADING_GAINS over a fading channel
//      with no gains set), -ERANGE (frame too long, or caller gains shorter
//      than the frame)
int fl_phy_transmit_hard(phy *p, uint32_t trial, uint64_t frame, const uint8_t *bits,
                      size_t nbits, uint8_t *out);
//  fl_phy_transmit_llr : as fl_phy_transmit_hard, but writes _nbits LLRs
//      ln P(b=0|y)/P(b=1|y) to _llr using _method (exact or max-log)
int fl_phy_transmit_llr(phy *p, uint32_t trial, uint64_t frame, const uint8_t *bits,
                     size_t nbits, modem_demap method, float *llr);

#endif
