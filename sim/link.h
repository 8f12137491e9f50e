/* link: how a frame gets from the encoder to the decoder, one interface
 * over the three link.mode values:
 *
 *   capacity : error-free at its rate; the received bits are the sent bits
 *              (the capacity columns say what the rate costs: sim/measure)
 *   analog   : uncoded analog transmission of the values (paper 000 Fig. 3):
 *              y[i] = x[i] + n[i] for every sent value, n ~ N(0, P / SNR), P
 *              the mean power of the sent values, unsent values 0;
 *              channel.snr_db = +inf: no noise
 *   digital  : the bitstream cut into packets of link.packet_bytes with a
 *              CRC-32 each (channel/packet), each packet through the chain
 *              of sim/digital (FEC, modem, channel, demodulation, decoding)
 *              and CRC-checked; failed packets are zeroed and marked erased,
 *              byte by byte, for the codec decoder
 *
 * A link is created once per point and device and lives for all its
 * frames: its Jakes process (channel.fading = jakes) is one continuous
 * realisation per (point, device), evaluated at the send time, so frames
 * sent close together see correlated fading.
 *
 * Randomness (Philox4x32-10, channel/noise; key = {seed, point}):
 *   analog   purpose = link_tx.purpose (LINK_PURPOSE_*), trial word = frame;
 *            Gaussian draws from block (device << 48) | (attempt << 40)
 *            (device < 2^16, attempt < 256, a frame of < 2^42 values)
 *   digital  channel/phy counters with trial word = frame and phy frame index
 *              (device << 32) | (attempt << 24) | packet
 *            (packet < 2^24, attempt < 256, device < 256): every (device,
 *            frame, packet, attempt) draws fresh, reproducible noise and
 *            fading, a retransmission (attempt + 1) different noise from
 *            the first; device 0, attempt 0 is the packet index alone.
 *            Jakes: fl_jakes_create(seed, point, trial word = device).
 *            BER points (sim/digital) use the chain directly: trial word 0,
 *            phy frame index = BER frame (never mixed with fl_link_send in one point).
 */
#ifndef FEATLINK_LINK_H
#define FEATLINK_LINK_H

#include "common/purpose.h"
#include "sim/config.h"

#include <stddef.h>
#include <stdint.h>

/* Philox purposes of the analog noise (channel range, sim-owned) */
#define LINK_PURPOSE_PINR     PURPOSE_LINK_PINR /* PINR frames */
#define LINK_PURPOSE_PINR_REF PURPOSE_LINK_PINR_REF /* PINR same_snr reference */
#define LINK_PURPOSE_TOFC     PURPOSE_LINK_TOFC /* TOFC frames */
#define LINK_PURPOSE_TOFC_REF PURPOSE_LINK_TOFC_REF /* TOFC same_snr reference */

#define LINK_MAX_DEVICES_DIGITAL 256u
#define LINK_MAX_DEVICES_ANALOG  65536u
#define LINK_MAX_ATTEMPTS        256u
#define LINK_MAX_PACKETS         (1u << 24)

typedef struct fl_link fl_link;

/* One transmission. */
typedef struct {
    uint32_t frame;        /* the device's frame index (a point's trial) */
    uint32_t attempt;      /* 0: first transmission, < LINK_MAX_ATTEMPTS */
    const uint8_t *bits;   /* capacity, digital: the coded frame, ceil(nbits/8) bytes */
    uint64_t nbits;
    const float *values;   /* analog: the values sent */
    const uint8_t *keep;   /* analog: NULL (all sent) or one flag per value, 1 = sent */
    int64_t nvalues;
    uint32_t purpose;      /* analog: Philox purpose of the noise (LINK_PURPOSE_*) */
} link_tx;

/* Where the receiver's copy goes (caller's buffers). */
typedef struct {
    uint8_t *bits;         /* capacity, digital: ceil(nbits/8) bytes */
    uint8_t *erased;       /* capacity, digital: ceil(nbits/8) flags, 1 = byte lost */
    float *values;         /* analog: nvalues (may alias link_tx.values) */
} link_rx;

/* What the transmission cost (digital; capacity and analog: zeros). */
typedef struct {
    uint64_t packets, packets_lost;
    uint64_t packet_bits;  /* packets with headers and CRCs, before FEC */
    uint64_t air_bits;     /* coded bits on air */
    uint64_t symbols;      /* modulation symbols on air */
    double   airtime_s;    /* symbols / channel.symbol_rate_hz */
} link_report;

//  fl_link_create : the link of config _c for device _device of point _point;
//      *_out gets it (caller frees with fl_link_destroy) or NULL.
//      0, -EINVAL (digital: no finite Es/N0), -ERANGE (_device too large),
//      -ENOMEM
int fl_link_create(const fl_config *c, uint32_t point, uint32_t device, fl_link **out);
void fl_link_destroy(fl_link *l);
//  fl_link_mode : what the link carries (LINK_CAPACITY, LINK_ANALOG, LINK_DIGITAL):
//              analog links carry link_tx.values, the others link_tx.bits
link_kind fl_link_mode(const fl_link *l);
//  fl_link_send : send _tx at time _t_s (s, >= 0: the first symbol's time on
//      the Jakes process) into _rx; _rep (may be NULL) gets the cost.
//      0, -EINVAL (missing buffers), -ERANGE (attempt or packet count out
//      of the counter layout), -ENOMEM
int fl_link_send(fl_link *l, double t_s, const link_tx *tx, link_rx *rx, link_report *rep);

#endif
