/* bittrue: the `bit_true` packet-error mode of the system uplink
 * (uplink.per_model = bit_true) — instead of drawing an attempt's loss
 * with the closed-form PER (sim/uplink: 1 - (1 - BER)^L, BER from
 * channel/berclosed), the packet is really sent:
 *   L payload bits (random) + their CRC-32 (channel/crc32, over the payload
 *   packed MSB first, zero-padded to whole bytes) -> Gray BPSK/QPSK/M-QAM
 *   of uplink.uncoded_bits bits per symbol (channel/modem, Es = 1) ->
 *   AWGN at the attempt's instantaneous SNR γ (the system loop's block
 *   fading over the packet, perfect CSI: the equalised symbol sees noise
 *   CN(0, 1/γ), variance 1/(2γ) per real dimension) -> hard decisions ->
 *   CRC check; the attempt is lost when the CRC fails.
 * So its PER is that of L + 32 bits, 1 - (1 - BER)^(L+32), less the 2^-32
 * of errors the CRC misses; the airtime the system charges stays that of
 * the L payload bits, as in closed_form.
 *
 * Only the uncoded models have a bit-true chain (rate_model shannon or
 * fixed with uncoded_bits 1, 2, 4, 6 or 8); featlink has no coded MCS
 * chain to stand behind the mcs_* tables' PER abstraction.
 *
 * Randomness: one Philox4x32-10 draw in the system layout, key {seed,
 * point}, counter {device, frame, packet << 8 | attempt,
 * PURPOSE_SYS_BITTRUE_KEY << 16 | trial}, gives words r0..r3; the payload
 * is channel/noise stream (r0, r1, PURPOSE_SYS_BITTRUE_BITS, r2) and the
 * noise stream (r0, r1, PURPOSE_SYS_BITTRUE_NOISE, r2), both from block 0:
 * fresh, reproducible bits and noise per (device, frame, packet, attempt),
 * independent of the order in which attempts are sent.
 */
#ifndef FEATLINK_BITTRUE_H
#define FEATLINK_BITTRUE_H

#include "sim/system.h"
#include "sim/uplink.h"

typedef struct bittrue bittrue;

//  fl_bittrue_create : the bit-true sender for _u (copied); NULL when _u has
//                   no bit-true chain (see above) or on no memory
bittrue *fl_bittrue_create(const uplink_cfg *u);
void fl_bittrue_destroy(bittrue *b);
//  fl_bittrue_supported : 1 when _u has a bit-true chain
int fl_bittrue_supported(const uplink_cfg *u);
//  fl_bittrue_attempt : a sys_attempt_fn (_arg a bittrue *): sends attempt _a
//                    and sets *_lost; 0, -EINVAL (NaN SNR, 0 bits) or
//                    -ENOMEM. Not thread safe per object (one per run).
int fl_bittrue_attempt(void *arg, const sys_attempt *a, int *lost);

#endif
