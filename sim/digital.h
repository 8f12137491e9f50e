/* digital: the bit-true physical chain of the digital link (link.mode =
 * digital) and the Monte-Carlo BER point of source.kind = bits.
 *
 * A chain carries one packet at a time: optional convolutional coding
 * (link.fec, channel/conv), modulation and the channel (channel/phy: AWGN,
 * Rayleigh or Rician; fast, block, or time-correlated Jakes gains from
 * channel/jakes sampled at channel.symbol_rate_hz), demodulation (hard, or
 * LLRs for soft Viterbi) and decoding. Packetisation, CRCs and erasures are
 * the link's (sim/link); the chain is created once per link and keeps its
 * Jakes process (one continuous realisation per device) across calls.
 *
 * SNR: channel.ebn0_db when given (per information bit: Es/N0 = Eb/N0 +
 * 10 log10(bits per symbol x code rate)), otherwise channel.snr_db = Es/N0.
 */
#ifndef FEATLINK_DIGITAL_H
#define FEATLINK_DIGITAL_H

#include "sim/row.h"
#include "sim/config.h"

#include <stddef.h>
#include <stdint.h>

/* Philox purposes owned by sim/ (channel range) */
#define DIGITAL_PURPOSE_BITS PURPOSE_DIGITAL_BITS

typedef struct digital_chain digital_chain;

//  digital_progress_cb : a BER point's progress, bits and bit errors so far
//      (the signature of sim/frame.h's point_progress_fn)
typedef void (*digital_progress_cb)(void *arg, int64_t point, uint64_t bits, uint64_t errors);

//  fl_digital_esn0_db : the Es/N0 a config means (see above)
double fl_digital_esn0_db(const fl_config *c);
//  fl_digital_chain_create : the chain of _c for packets of up to _max_bits
//      information bits; its Jakes process (channel.fading = jakes) is the
//      realisation (seed, point _point, trial word _device). *_out: the
//      chain (caller frees with fl_digital_chain_destroy) or NULL.
//      0, -EINVAL (no finite Es/N0, bad modem/channel), -ENOMEM
int fl_digital_chain_create(const fl_config *c, uint32_t point, uint32_t device, size_t max_bits,
                         digital_chain **out);
void fl_digital_chain_destroy(digital_chain *d);
//  fl_digital_chain_send : one packet of _n (<= max_bits) packed bits on air
//      from time _t_s (s; the Jakes gains of symbol i are h(_t_s + i / rate));
//      the noise and fading draws of channel/phy for (trial word _trial,
//      frame index _phy_frame < 2^40); _out (ceil(_n/8) bytes) gets the
//      decided bits. Returns the symbols used (>= 1), or a negative errno
int64_t fl_digital_chain_send(digital_chain *d, double t_s, uint32_t trial, uint64_t phy_frame, const uint8_t *bits,
                           size_t n, uint8_t *out);
//  fl_digital_chain_air_bits : coded bits on air for a packet of _n bits
uint64_t fl_digital_chain_air_bits(const digital_chain *d, size_t n);
//  fl_digital_ber_point : Monte-Carlo BER/SER/PER of random bits over the link
//      of _c, frames of link.packet_bytes x 8 bits, stopping at
//      stop.min_errors bit errors or stop.max_bits bits; fills _r with ber,
//      ber_ci_low/high (95% Clopper-Pearson at the effective sample size,
//      ber_design_effect: clusters are symbols or fading blocks for uncoded
//      links, frames for coded or Jakes links; channel/ber.h),
//      ber_design_effect_estimated (1: measured; 0: fewer than
//      BER_DEFF_MIN_CLUSTERS clusters had an error and the design effect is
//      its upper bound, the cluster size), fl_ber_theory
//      (uncoded closed form; NaN for coded links), ser, per, bits, errors,
//      ebn0_db, esn0_db. Frame f of a coded or Jakes point uses phy frame
//      index f, trial word 0, and starts where frame f - 1 ended in time.
//      _progress (may be NULL) gets (_progress_arg, _point, bits, bit
//      errors so far), from this thread, every BER_PROGRESS_BITS bits and
//      after the last frame (then the point's counts)
int fl_digital_ber_point(const fl_config *c, int64_t point, digital_progress_cb progress, void *progress_arg, row *r,
                      char *err, size_t len);

#endif
