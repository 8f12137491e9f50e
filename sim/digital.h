/* digital: the bit-true digital link of a scenario (link.mode = digital)
 * and the Monte-Carlo BER point of source.kind = bits.
 *
 * A bitstream is cut into packets of link.packet_bytes with a CRC-32 each
 * (channel/packet), each packet is optionally convolutionally coded
 * (link.fec, channel/conv), modulated and sent through the channel
 * (channel/phy: AWGN, Rayleigh or Rician; fast, block, or time-correlated
 * Jakes gains from channel/jakes at channel.symbol_rate_hz), demodulated
 * (hard, or LLRs for soft Viterbi), decoded and CRC-checked. Packets that
 * fail are zeroed and marked erased, byte by byte, for the codec decoder.
 *
 * SNR: channel.ebn0_db when given (per information bit: Es/N0 = Eb/N0 +
 * 10 log10(bits per symbol x code rate)), otherwise channel.snr_db = Es/N0.
 */
#ifndef FEATLINK_DIGITAL_H
#define FEATLINK_DIGITAL_H

#include "sim/point.h"
#include "sim/row.h"
#include "sim/scenario.h"

#include <stddef.h>
#include <stdint.h>

/* Philox purposes owned by sim/ (channel range) */
#define DIGITAL_PURPOSE_BITS 0x2F4u

typedef struct {
    uint64_t packets, packets_lost;
    uint64_t packet_bits;     /* packets with headers and CRCs, before FEC */
    uint64_t air_bits;        /* coded bits on air */
    uint64_t symbols;         /* modulation symbols on air */
    double   airtime_s;       /* symbols / channel.symbol_rate_hz */
    double   esn0_db;
} digital_result;

//  digital_esn0_db : the Es/N0 a config means (see above)
double digital_esn0_db(const fl_config *c);
//  digital_transmit : carry _nbits bits of _stream over the link of _c;
//      _rx (ceil(_nbits/8) bytes) gets the received stream, _erased (same
//      size, may be NULL) one flag per byte; _trial selects the randomness.
//      0, -EINVAL (config), -ENOMEM
int digital_transmit(const fl_config *c, uint32_t point, uint32_t trial, const uint8_t *stream,
                     uint64_t nbits, uint8_t *rx, uint8_t *erased, digital_result *res);
//  digital_ber_point : Monte-Carlo BER/SER/PER of random bits over the link
//      of _c, frames of link.packet_bytes x 8 bits, stopping at
//      stop.min_errors bit errors or stop.max_bits bits; fills _r with ber,
//      ber_ci_low/high (95% Clopper-Pearson at the effective sample size,
//      ber_design_effect: clusters are symbols or fading blocks for uncoded
//      links, frames for coded or Jakes links; channel/ber.h),
//      ber_design_effect_estimated (1: measured; 0: fewer than
//      BER_DEFF_MIN_CLUSTERS clusters had an error and the design effect is
//      its upper bound, the cluster size), ber_theory
//      (uncoded closed form; NaN for coded links), ser, per, bits, errors,
//      ebn0_db, esn0_db. _ctx (may be NULL): its progress callback gets the
//      bits and bit errors so far, from this thread, every BER_PROGRESS_BITS
//      bits and after the last frame (then the point's counts)
int digital_ber_point(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err,
                      size_t len);

#endif
