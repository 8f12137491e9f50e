/* mcs: the MCS tables (sources and threshold rules in sim/mcs.h). */
#include "sim/mcs.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* 3GPP TS 38.214 Table 5.2.2.1-3 (CQI Table 2), CQI 1..15 (modulation order, code rate
 * x 1024, efficiency as printed); threshold 10 log10(Γ (2^SE - 1)), Γ of
 * MCS_CQI_GAP_DB. */
#define CQI(i, k, r, se, th) {i, k, (r) / 1024.0, se, 0.0, th, 0.0}
static const mcs_entry nr_cqi[] = {
    CQI(1, 2, 78, 0.1523, -2.107),   CQI(2, 2, 193, 0.3770, 2.178),
    CQI(3, 2, 449, 0.8770, 6.652),   CQI(4, 4, 378, 1.4766, 9.938),
    CQI(5, 4, 490, 1.9141, 11.850),  CQI(6, 4, 616, 2.4063, 13.763),
    CQI(7, 6, 466, 2.7305, 14.937),  CQI(8, 6, 567, 3.3223, 16.970),
    CQI(9, 6, 666, 3.9023, 18.873),  CQI(10, 6, 772, 4.5234, 20.850),
    CQI(11, 6, 873, 5.1152, 22.698), CQI(12, 8, 711, 5.5547, 24.055),
    CQI(13, 8, 797, 6.2266, 26.112), CQI(14, 8, 885, 6.9141, 28.204),
    CQI(15, 8, 948, 7.4063, 29.696),
};

/* 3GPP TS 36.213 Table 7.2.3-1, CQI 1..15 */
static const mcs_entry lte_cqi[] = {
    CQI(1, 2, 78, 0.1523, -2.107),   CQI(2, 2, 120, 0.2344, -0.108),
    CQI(3, 2, 193, 0.3770, 2.178),   CQI(4, 2, 308, 0.6016, 4.565),
    CQI(5, 2, 449, 0.8770, 6.652),   CQI(6, 2, 602, 1.1758, 8.428),
    CQI(7, 4, 378, 1.4766, 9.938),   CQI(8, 4, 490, 1.9141, 11.850),
    CQI(9, 4, 616, 2.4063, 13.763),  CQI(10, 6, 466, 2.7305, 14.937),
    CQI(11, 6, 567, 3.3223, 16.970), CQI(12, 6, 666, 3.9023, 18.873),
    CQI(13, 6, 772, 4.5234, 20.850), CQI(14, 6, 873, 5.1152, 22.698),
    CQI(15, 6, 948, 5.5547, 24.055),
};
#undef CQI

/* IEEE 802.11ax-2021, HE-MCS 0..11, 242-tone RU, NSS = 1, 0.8 us GI:
 * rate = N_SD N_BPSCS R / (12.8 + 0.8) us with N_SD = 234; minimum
 * sensitivity at 20 MHz (clause 27) and the threshold
 * S + 174 - 10 log10(20e6) - MCS_AX_NF_DB - MCS_AX_IMPL_DB. */
#define AX_RATE(k, r) (234.0 * (k) * (r) / 13.6e-6)
#define AX(i, k, r, sens, th) {i, k, r, AX_RATE(k, r) / 20e6, AX_RATE(k, r), th, sens}
static const mcs_entry ax_he20[] = {
    AX(0, 1, 1.0 / 2, -82, 3.990),   AX(1, 2, 1.0 / 2, -79, 6.990),
    AX(2, 2, 3.0 / 4, -77, 8.990),   AX(3, 4, 1.0 / 2, -74, 11.990),
    AX(4, 4, 3.0 / 4, -70, 15.990),  AX(5, 6, 2.0 / 3, -66, 19.990),
    AX(6, 6, 3.0 / 4, -65, 20.990),  AX(7, 6, 5.0 / 6, -64, 21.990),
    AX(8, 8, 3.0 / 4, -59, 26.990),  AX(9, 8, 5.0 / 6, -57, 28.990),
    AX(10, 10, 3.0 / 4, -54, 31.990), AX(11, 10, 5.0 / 6, -52, 33.990),
};
#undef AX
#undef AX_RATE

#define NENT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const mcs_table tables[] = {
    {"nr_cqi", "3GPP TS 38.214 Table 5.2.2.1-3", MCS_FAMILY_3GPP, NENT(nr_cqi), 8448, nr_cqi},
    {"lte_cqi", "3GPP TS 36.213 Table 7.2.3-1", MCS_FAMILY_3GPP, NENT(lte_cqi), 6144, lte_cqi},
    {"ax_he20", "IEEE 802.11ax-2021 HE-MCS 0-11, 20 MHz, 1 SS, 0.8 us GI", MCS_FAMILY_80211,
     NENT(ax_he20), 4096 * 8, ax_he20},
};

const mcs_table *fl_mcs_table_find(const char *name)
{
    if (!name)
        return NULL;
    for (int i = 0; i < NENT(tables); i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    return NULL;
}

int fl_mcs_select(const mcs_table *t, double snr_db)
{
    if (!t || isnan(snr_db) || t->n <= 0 || snr_db < t->e[0].threshold_db)
        return -1;
    /* binary search: the last entry with threshold <= snr (thresholds increase) */
    int lo = 0, hi = t->n - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (t->e[mid].threshold_db <= snr_db)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}
