/* mcs: modulation-and-coding tables of the shared uplink, as data, each
 * entry with the SNR threshold at which it is chosen.
 *
 * Tables ("name": source):
 *   "nr_cqi"  3GPP TS 38.214 Table 5.2.2.1-3 ("4-bit CQI Table 2", up to
 *             256QAM), CQI 1..15: modulation, code rate x 1024, spectral
 *             efficiency as printed there. (38.214 Table 5.2.2.1-2, "CQI
 *             Table 1", holds the same values as the LTE table.)
 *   "lte_cqi" 3GPP TS 36.213 Table 7.2.3-1 (4-bit CQI table), CQI 1..15.
 *   "ax_he20" IEEE 802.11ax-2021 HE-MCS 0..11, 242-tone RU (20 MHz), one
 *             spatial stream, 0.8 us GI: N_SD = 234 data subcarriers per
 *             13.6 us symbol (12.8 us + GI), rate = 234 N_BPSCS R / 13.6 us
 *             (8.6 .. 143.4 Mb/s, the standard's printed values to 0.1).
 *
 * SNR thresholds (threshold_db: the smallest SNR, signal over noise in the
 * occupied band, at which the entry is used):
 *   3GPP tables: the Shannon-gap rule SE = log2(1 + SNR / Γ) inverted,
 *     SNR_th = Γ (2^SE - 1), with Γ = -ln(5 BER) / 1.5 at BER = 5e-5
 *     (Γ = 5.5294, 7.4268 dB): the M-QAM gap of Goldsmith & Chua, "Variable-
 *     rate variable-power MQAM for fading channels", IEEE Trans. Commun.
 *     45(10), 1997: BER <= 0.2 exp(-1.5 γ / (M - 1)) solved for the
 *     bits per symbol log2 M at the target BER), as ns-3's LTE module uses it for its CQI
 *     choice (LteAmc, PiroEW2010 model; Piro et al., European Wireless
 *     2010). MCS_CQI_GAP_DB. It is conservative: turbo/LDPC link-level
 *     curves at 10% BLER sit some dB to the left of it.
 *   ax_he20: the receiver minimum input sensitivity S of IEEE 802.11ax-2021
 *     (HE PHY clause 27, receiver minimum input sensitivity table, 20 MHz
 *     column: -82 .. -52 dBm; PER <= 10% for a 4096-octet PSDU) less the
 *     noise of the receiver usually assumed in deriving the 802.11
 *     sensitivities (kTB at 20 MHz, -100.99 dBm; noise figure 10 dB;
 *     implementation margin 5 dB; both featlink's stated assumptions):
 *     SNR_th = S + 174 - 10 log10(20e6) - 10 - 5 (MCS 0: -82 dBm -> 3.99 dB).
 * The typed thresholds equal these formulas to 0.0005 dB (tests/test_uplink).
 *
 * ref_bits: the block length at which the threshold means 10% block error
 * (sim/uplink's coded-PER abstraction): NR LDPC base graph 1 maximum code
 * block K_cb = 8448 (TS 38.212 §5.2.2); LTE turbo maximum code block
 * Z = 6144 (TS 36.212 §5.1.2); 802.11ax the 4096-octet sensitivity PSDU.
 */
#ifndef FEATLINK_MCS_H
#define FEATLINK_MCS_H

#include <stdint.h>

#define MCS_CQI_GAP_DB   7.426753712438248   /* 10 log10(-ln(2.5e-4) / 1.5) */
#define MCS_AX_NF_DB     10.0                /* receiver noise figure of the 802.11 sensitivities */
#define MCS_AX_IMPL_DB   5.0                 /* their implementation margin */
#define MCS_TARGET_BLER  0.1                 /* block error rate at threshold */

typedef enum { MCS_FAMILY_3GPP = 0, MCS_FAMILY_80211 = 1 } mcs_family;

typedef struct {
    int      index;          /* CQI (1..15) or HE-MCS (0..11) as the standard numbers it */
    unsigned bits_per_symbol;/* 2 QPSK, 4 16QAM, 6 64QAM, 8 256QAM; 1 BPSK, 10 1024QAM */
    double   code_rate;      /* R (3GPP: the printed code rate x 1024, divided by 1024) */
    double   se_bphz;        /* spectral efficiency, bit/s/Hz (3GPP: as printed; ax: rate / 20 MHz) */
    double   rate_bps;       /* ax: data rate at 20 MHz, 0.8 us GI; 3GPP: 0 (use B x se) */
    double   threshold_db;   /* SNR at which the entry is chosen, dB */
    double   sens_dbm;       /* ax: minimum sensitivity (dBm) the threshold comes from; 3GPP: 0 */
} mcs_entry;

typedef struct {
    const char      *name;   /* "nr_cqi", "lte_cqi", "ax_he20" */
    const char      *source; /* the standard's table, for printing */
    mcs_family       family;
    int              n;      /* entries, thresholds strictly increasing */
    uint64_t         ref_bits;  /* block length of the 10% BLER threshold */
    const mcs_entry *e;
} mcs_table;

//  fl_mcs_table_find : the table called _name ("nr_cqi", "lte_cqi", "ax_he20"),
//                   or NULL (unknown name or NULL); static, never freed
const mcs_table *fl_mcs_table_find(const char *name);
//  fl_mcs_select : the highest entry (0-based position in _t->e) whose
//               threshold is <= _snr_db; -1 below the lowest threshold
//               (outage), for a NaN _snr_db or a NULL _t
int fl_mcs_select(const mcs_table *t, double snr_db);

#endif
