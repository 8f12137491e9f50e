/* uplink: the per-packet link-level model of the shared uplink — the rate a
 * packet is sent at and the probability that it is lost, at the SNR the
 * system loop (sim/system) samples at the attempt's start (block fading:
 * the SNR holds for the packet), and the closed forms of ARQ.
 *
 * SNR: signal over noise in the band the packet uses (linear γ =
 * 10^(snr_db/10)), AWGN formulas at that instantaneous SNR.
 *
 * Rate models (uplink.rate_model):
 *   shannon  B log2(1 + γ / Γ), gap Γ = gap_db (Cioffi's SNR gap; Γ = 0 dB
 *            is capacity); outage (rate 0) below min_snr_db.
 *   mcs_nr   B x SE of the highest entry of a 3GPP CQI table (sim/mcs:
 *            nr_cqi by default, or lte_cqi) whose threshold <= snr_db;
 *            below the lowest: outage. No overhead is taken off (DMRS, CP,
 *            guard bands): B x SE is the rate of the resource elements.
 *   mcs_ax   the same over the 802.11ax HE20 table: the entry's 20 MHz data
 *            rate scaled by B / 20 MHz (= B x SE, SE = rate / 20 MHz).
 *   fixed    fixed_rate_bps at any SNR.
 *
 * Packet error probability (PER) of _bits bits:
 *   shannon, fixed: 0 (a capacity-approaching code below capacity) unless
 *     uncoded_bits = k in {1, 2, 4, 6, 8}: uncoded Gray BPSK/QPSK/M-QAM,
 *     BER = fl_berclosed_ber_awgn(k, γ / k) (channel/berclosed; Es/N0 = γ) and
 *     PER = 1 - (1 - BER)^L, evaluated as -expm1(L log1p(-BER)).
 *   mcs_*: a coded-block abstraction calibrated at the table's threshold
 *     (featlink's own, stated here): the code behaves as an equivalent BPSK
 *     channel whose bit error probability is
 *        p(γ) = Q(x* sqrt(γ / γ_th)),  x* = Q^-1(p*),
 *        p*   = 1 - (1 - 0.1)^(1 / L_ref),
 *     so that a block of L_ref = table->ref_bits bits has PER exactly 10%
 *     at the entry's threshold γ_th (the 10% BLER that defines a CQI, TS
 *     36.213 §7.2.3, and the 802.11 sensitivity), and a packet of L bits
 *     PER = 1 - (1 - p(γ))^L: L = 2 L_ref fails as two independent
 *     code blocks would (0.19 at threshold). The curve has the shape of an
 *     uncoded BPSK block of the same length, moved to the threshold: about
 *     one decade per dB near 10% (NR CQI 7, 8448 bits: 0.52 at -1 dB,
 *     0.0095 at +1 dB), gentler than the waterfall of long turbo/LDPC
 *     blocks; short packets are not penalised for their weaker codes.
 *
 * ARQ (uplink.max_retx = R retransmissions, each attempt independent with
 * error probability p): lost after all R + 1 attempts with p^(R+1); attempts
 * N has P(N = n) = p^(n-1) (1 - p) for n <= R and P(N = R + 1) = p^R; mean
 * E N = (1 - p^(R+1)) / (1 - p) (R + 1 when p = 1).
 *
 * All functions are pure (no state, no allocation, no printing) and thread
 * safe.
 */
#ifndef FEATLINK_UPLINK_H
#define FEATLINK_UPLINK_H

#include <stddef.h>
#include <stdint.h>

#include "sim/mcs.h"

typedef enum {
    UPLINK_SHANNON = 0,
    UPLINK_MCS_NR = 1,
    UPLINK_MCS_AX = 2,
    UPLINK_FIXED = 3,
} uplink_rate_model;

typedef struct {
    uplink_rate_model model;
    double   gap_db;          /* shannon: Γ in dB, 0 <= gap_db <= 30 */
    double   min_snr_db;      /* shannon: outage below it; -INFINITY = never */
    double   fixed_rate_bps;  /* fixed: 0 < rate < inf */
    const mcs_table *table;   /* mcs_nr: a 3GPP table, mcs_ax: ax_he20 */
    unsigned uncoded_bits;    /* shannon/fixed PER: 0 error-free, or k = 1, 2, 4, 6, 8 */
} uplink_cfg;

//  fl_uplink_cfg_init : defaults for _model into _c: gap 0 dB, no outage
//                    threshold, fixed rate 0 (set it), the model's table
//                    (nr_cqi for mcs_nr, ax_he20 for mcs_ax, else NULL),
//                    error-free; 0, or -EINVAL for a NULL _c or bad _model
int fl_uplink_cfg_init(uplink_cfg *c, uplink_rate_model model);
//  fl_uplink_cfg_check : 0 when _c is usable (ranges above; the table's family
//                     matches the model), else -EINVAL; prints nothing
int fl_uplink_cfg_check(const uplink_cfg *c);
//  fl_uplink_rate_model_parse : "shannon", "mcs_nr", "mcs_ax", "fixed" -> *_out;
//                            0 or -EINVAL
int fl_uplink_rate_model_parse(const char *name, uplink_rate_model *out);
//  fl_uplink_rate_model_name : the name _parse accepts, or NULL
const char *fl_uplink_rate_model_name(uplink_rate_model m);
//  fl_uplink_cfg_print : one line describing _c into _buf (_len bytes, NUL
//                     terminated); snprintf's count
int fl_uplink_cfg_print(const uplink_cfg *c, char *buf, size_t len);

//  fl_uplink_rate_bps : rate of one packet in bit/s (0 = outage)
//      _c            : a config that passed fl_uplink_cfg_check
//      _snr_db       : instantaneous SNR in the packet's band, dB (+-inf allowed)
//      _bandwidth_hz : the packet's band, > 0 and finite
//      _mcs          : out (may be NULL): the chosen entry of _c->table
//                      (0-based), -1 in outage or for shannon/fixed
//      returns the rate (shannon: +inf at +inf SNR), or NaN for a NaN
//      _snr_db or a bad _bandwidth_hz
double fl_uplink_rate_bps(const uplink_cfg *c, double snr_db, double bandwidth_hz, int *mcs);
//  fl_uplink_packet_error : PER of one attempt of _packet_bits bits (>= 1) at
//      _snr_db with entry _mcs (as fl_uplink_rate_bps gave; ignored by
//      shannon/fixed); 1 for _mcs = -1 on an mcs model (nothing can be
//      sent); NaN for a NaN _snr_db, _packet_bits = 0 or an _mcs outside
//      the table
double fl_uplink_packet_error(const uplink_cfg *c, double snr_db, int mcs, uint64_t packet_bits);
//  fl_uplink_link : the sys_link_fn of sim/system: rate and PER for one
//      attempt; _arg is a const uplink_cfg *; outage gives rate 0, PER 1;
//      0, or -EINVAL for a NaN SNR or bad bandwidth
int fl_uplink_link(void *arg, uint32_t device, double snr_db, double bandwidth_hz,
                uint64_t bits, double *rate_bps, double *per);

//  fl_uplink_arq_loss : P(all R + 1 attempts fail) = _p^(_max_retx + 1);
//                    _p in [0, 1], _max_retx >= 0; NaN otherwise
double fl_uplink_arq_loss(double p, int max_retx);
//  fl_uplink_arq_mean_attempts : E N = (1 - p^(R+1)) / (1 - p), R + 1 at p = 1;
//                             NaN for bad arguments
double fl_uplink_arq_mean_attempts(double p, int max_retx);
//  fl_uplink_arq_attempts_pmf : P(N = _n) for _n = 1 .. R + 1 (0 outside);
//                            NaN for bad _p or _max_retx
double fl_uplink_arq_attempts_pmf(double p, int max_retx, int n);

#endif
