/* test_uplink: the MCS tables against values typed from the standards, the
 * threshold rules recomputed here, selection at and around thresholds, the
 * rate models against channel/capacity, the packet error model against hand
 * computation, and the ARQ closed forms against a fixed-seed Monte Carlo
 * (Philox4x32-10) with binomial / CLT z-score tolerances. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include <Random123/philox.h>
#include <gsl/gsl_cdf.h>

#include "channel/berclosed.h"
#include "channel/capacity.h"
#include "sim/mcs.h"
#include "sim/system.h"
#include "sim/uplink.h"

#define REL(a, b, tol) (fabs((a) - (b)) <= (tol) * fabs(b))

static const mcs_table *table(const char *name)
{
    const mcs_table *t = fl_mcs_table_find(name);
    assert_non_null(t);
    return t;
}

/* Spot entries typed from TS 38.214 Table 5.2.2.1-3 and TS 36.213 Table
 * 7.2.3-1: {CQI, modulation order, code rate x 1024, efficiency}. */
static void cqi_tables_match_the_standards(void **state)
{
    (void)state;
    static const double nr[][4] = {{1, 2, 78, 0.1523}, {3, 2, 449, 0.8770}, {4, 4, 378, 1.4766},
                                   {6, 4, 616, 2.4063}, {7, 6, 466, 2.7305}, {11, 6, 873, 5.1152},
                                   {12, 8, 711, 5.5547}, {15, 8, 948, 7.4063}};
    static const double lte[][4] = {{1, 2, 78, 0.1523}, {2, 2, 120, 0.2344}, {6, 2, 602, 1.1758},
                                    {7, 4, 378, 1.4766}, {10, 6, 466, 2.7305}, {15, 6, 948, 5.5547}};
    const mcs_table *tn = table("nr_cqi"), *tl = table("lte_cqi");
    assert_int_equal(tn->n, 15);
    assert_int_equal(tl->n, 15);
    for (size_t j = 0; j < sizeof(nr) / sizeof(nr[0]); j++) {
        const mcs_entry *e = &tn->e[(int)nr[j][0] - 1];
        assert_int_equal(e->index, (int)nr[j][0]);
        assert_int_equal(e->bits_per_symbol, (unsigned)nr[j][1]);
        assert_true(fabs(e->code_rate * 1024.0 - nr[j][2]) < 1e-9);
        assert_true(fabs(e->se_bphz - nr[j][3]) < 1e-12);
    }
    for (size_t j = 0; j < sizeof(lte) / sizeof(lte[0]); j++) {
        const mcs_entry *e = &tl->e[(int)lte[j][0] - 1];
        assert_int_equal(e->index, (int)lte[j][0]);
        assert_int_equal(e->bits_per_symbol, (unsigned)lte[j][1]);
        assert_true(fabs(e->code_rate * 1024.0 - lte[j][2]) < 1e-9);
        assert_true(fabs(e->se_bphz - lte[j][3]) < 1e-12);
    }
    /* every printed efficiency is Q_m x rate rounded to 4 decimals */
    const mcs_table *both[] = {tn, tl};
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < both[b]->n; i++) {
            const mcs_entry *e = &both[b]->e[i];
            assert_true(fabs(e->se_bphz - e->bits_per_symbol * e->code_rate) <= 0.5e-4 + 1e-12);
        }
}

/* 802.11ax HE-MCS 0..11, 20 MHz, NSS 1, 0.8 us GI: the printed data rates
 * (Mb/s) and the 20 MHz minimum sensitivities (dBm) */
static void ax_table_matches_the_standard(void **state)
{
    (void)state;
    static const double mbps[12] = {8.6, 17.2, 25.8, 34.4, 51.6, 68.8,
                                    77.4, 86.0, 103.2, 114.7, 129.0, 143.4};
    static const double sens[12] = {-82, -79, -77, -74, -70, -66, -65, -64, -59, -57, -54, -52};
    static const unsigned bits[12] = {1, 2, 2, 4, 4, 6, 6, 6, 8, 8, 10, 10};
    const mcs_table *t = table("ax_he20");
    assert_int_equal(t->n, 12);
    assert_int_equal(t->family, MCS_FAMILY_80211);
    for (int i = 0; i < 12; i++) {
        const mcs_entry *e = &t->e[i];
        assert_int_equal(e->index, i);
        assert_int_equal(e->bits_per_symbol, bits[i]);
        assert_true(fabs(e->rate_bps / 1e6 - mbps[i]) <= 0.05 + 1e-9);
        assert_true(REL(e->se_bphz, e->rate_bps / 20e6, 1e-15));
        assert_true(e->sens_dbm == sens[i]);
    }
    /* MCS 9: 256-QAM 5/6, 234 x 8 x 5/6 bits per 13.6 us */
    assert_true(REL(t->e[9].rate_bps, 1560.0 / 13.6e-6, 1e-14));
    assert_true(fabs(t->e[9].code_rate - 5.0 / 6) < 1e-15);
}

/* thresholds: the Shannon-gap rule (3GPP) and sensitivity - noise (ax),
 * recomputed here from their definitions */
static void thresholds_follow_their_rules(void **state)
{
    (void)state;
    double gap = -log(5.0 * 5e-5) / 1.5;
    assert_true(fabs(10 * log10(gap) - MCS_CQI_GAP_DB) < 1e-12);
    const char *g3[] = {"nr_cqi", "lte_cqi"};
    for (int b = 0; b < 2; b++) {
        const mcs_table *t = table(g3[b]);
        for (int i = 0; i < t->n; i++) {
            double want = 10 * log10(gap * (pow(2.0, t->e[i].se_bphz) - 1.0));
            assert_true(fabs(t->e[i].threshold_db - want) <= 5e-4);
        }
    }
    const mcs_table *t = table("ax_he20");
    double noise_dbm = -174.0 + 10 * log10(20e6) + 10.0;   /* kTB + NF */
    for (int i = 0; i < t->n; i++) {
        double want = t->e[i].sens_dbm - noise_dbm - 5.0;
        assert_true(fabs(t->e[i].threshold_db - want) <= 5e-4);
    }
    assert_true(fabs(t->e[0].threshold_db - 3.99) < 1e-3);
}

static void tables_are_monotone(void **state)
{
    (void)state;
    const char *names[] = {"nr_cqi", "lte_cqi", "ax_he20"};
    for (int b = 0; b < 3; b++) {
        const mcs_table *t = table(names[b]);
        assert_true(t->ref_bits > 0);
        for (int i = 1; i < t->n; i++) {
            assert_true(t->e[i].threshold_db > t->e[i - 1].threshold_db);
            assert_true(t->e[i].se_bphz > t->e[i - 1].se_bphz);
            assert_true(t->e[i].index == t->e[i - 1].index + 1);
        }
    }
    assert_null(fl_mcs_table_find("nr"));
    assert_null(fl_mcs_table_find(NULL));
}

/* the highest entry with threshold <= SNR; -1 below the lowest */
static void selection_at_and_around_thresholds(void **state)
{
    (void)state;
    const char *names[] = {"nr_cqi", "lte_cqi", "ax_he20"};
    for (int b = 0; b < 3; b++) {
        const mcs_table *t = table(names[b]);
        for (int i = 0; i < t->n; i++) {
            double th = t->e[i].threshold_db;
            assert_int_equal(fl_mcs_select(t, th), i);
            assert_int_equal(fl_mcs_select(t, nextafter(th, -INFINITY)), i - 1);
            double mid = i + 1 < t->n ? 0.5 * (th + t->e[i + 1].threshold_db) : th + 100;
            assert_int_equal(fl_mcs_select(t, mid), i);
        }
        assert_int_equal(fl_mcs_select(t, INFINITY), t->n - 1);
        assert_int_equal(fl_mcs_select(t, -INFINITY), -1);
        assert_int_equal(fl_mcs_select(t, NAN), -1);
    }
    assert_int_equal(fl_mcs_select(NULL, 10.0), -1);
    /* NR at 20 dB: CQI 9 (18.873 <= 20 < 20.850) */
    assert_int_equal(table("nr_cqi")->e[fl_mcs_select(table("nr_cqi"), 20.0)].index, 9);
}

static void shannon_rate_matches_capacity(void **state)
{
    (void)state;
    uplink_cfg c;
    assert_int_equal(fl_uplink_cfg_init(&c, UPLINK_SHANNON), 0);
    assert_int_equal(fl_uplink_cfg_check(&c), 0);
    for (double db = -30.0; db <= 40.0; db += 0.7) {
        int mcs = 7;
        double r = fl_uplink_rate_bps(&c, db, 5e6, &mcs);
        assert_true(REL(r, 5e6 * fl_capacity_awgn(fl_capacity_db2lin(db)), 1e-12));
        assert_int_equal(mcs, -1);
    }
    /* Γ = 3 dB: B log2(1 + γ / 10^0.3) */
    c.gap_db = 3.0;
    c.min_snr_db = 0.0;
    assert_int_equal(fl_uplink_cfg_check(&c), 0);
    double g = pow(10.0, 1.2);
    assert_true(REL(fl_uplink_rate_bps(&c, 12.0, 1e6, NULL), 1e6 * log2(1 + g / pow(10.0, 0.3)), 1e-12));
    assert_true(fl_uplink_rate_bps(&c, -0.01, 1e6, NULL) == 0.0);   /* below min_snr: outage */
    assert_true(fl_uplink_rate_bps(&c, 0.0, 1e6, NULL) > 0.0);
    assert_true(isnan(fl_uplink_rate_bps(&c, NAN, 1e6, NULL)));
    assert_true(isnan(fl_uplink_rate_bps(&c, 10.0, 0.0, NULL)));
    assert_true(fl_uplink_packet_error(&c, -5.0, -1, 1000) == 0.0);   /* error-free */
}

static void mcs_and_fixed_rates(void **state)
{
    (void)state;
    uplink_cfg c;
    int mcs;
    assert_int_equal(fl_uplink_cfg_init(&c, UPLINK_MCS_NR), 0);
    assert_int_equal(fl_uplink_cfg_check(&c), 0);
    assert_string_equal(c.table->name, "nr_cqi");
    /* 20 dB -> CQI 9, 3.9023 bit/s/Hz x 10 MHz */
    assert_true(REL(fl_uplink_rate_bps(&c, 20.0, 10e6, &mcs), 3.9023 * 10e6, 1e-14));
    assert_int_equal(c.table->e[mcs].index, 9);
    assert_true(fl_uplink_rate_bps(&c, -3.0, 10e6, &mcs) == 0.0);
    assert_int_equal(mcs, -1);
    c.table = table("lte_cqi");
    assert_int_equal(fl_uplink_cfg_check(&c), 0);
    assert_true(REL(fl_uplink_rate_bps(&c, 30.0, 1e6, &mcs), 5.5547e6, 1e-14));
    /* rates never fall as the SNR rises */
    double prev = 0.0;
    for (double db = -10.0; db <= 40.0; db += 0.01) {
        double r = fl_uplink_rate_bps(&c, db, 1e6, NULL);
        assert_true(r >= prev);
        prev = r;
    }
    /* ax at 40 MHz: twice the 20 MHz table rate; HE-MCS 7 at 22 dB */
    assert_int_equal(fl_uplink_cfg_init(&c, UPLINK_MCS_AX), 0);
    assert_int_equal(fl_uplink_cfg_check(&c), 0);
    double r = fl_uplink_rate_bps(&c, 22.0, 40e6, &mcs);
    assert_int_equal(mcs, 7);
    assert_true(REL(r, 2.0 * 86.02941176470588e6, 1e-12));
    assert_true(REL(fl_uplink_rate_bps(&c, 22.0, 20e6, NULL), c.table->e[7].rate_bps, 1e-14));
    assert_int_equal(fl_uplink_cfg_init(&c, UPLINK_FIXED), 0);
    assert_int_equal(fl_uplink_cfg_check(&c), -EINVAL);   /* rate not set */
    c.fixed_rate_bps = 2.5e6;
    assert_int_equal(fl_uplink_cfg_check(&c), 0);
    assert_true(fl_uplink_rate_bps(&c, -40.0, 1e3, &mcs) == 2.5e6);
    assert_int_equal(mcs, -1);
}

static void bad_configs_are_rejected(void **state)
{
    (void)state;
    uplink_cfg c;
    assert_int_equal(fl_uplink_cfg_init(NULL, UPLINK_SHANNON), -EINVAL);
    assert_int_equal(fl_uplink_cfg_init(&c, (uplink_rate_model)9), -EINVAL);
    assert_int_equal(fl_uplink_cfg_check(NULL), -EINVAL);
    fl_uplink_cfg_init(&c, UPLINK_SHANNON);
    c.gap_db = -1.0;
    assert_int_equal(fl_uplink_cfg_check(&c), -EINVAL);
    c.gap_db = NAN;
    assert_int_equal(fl_uplink_cfg_check(&c), -EINVAL);
    c.gap_db = 0.0;
    c.uncoded_bits = 3;
    assert_int_equal(fl_uplink_cfg_check(&c), -EINVAL);
    c.uncoded_bits = 0;
    c.min_snr_db = NAN;
    assert_int_equal(fl_uplink_cfg_check(&c), -EINVAL);
    fl_uplink_cfg_init(&c, UPLINK_FIXED);
    c.fixed_rate_bps = INFINITY;
    assert_int_equal(fl_uplink_cfg_check(&c), -EINVAL);
    fl_uplink_cfg_init(&c, UPLINK_MCS_NR);
    c.table = table("ax_he20");   /* wrong family */
    assert_int_equal(fl_uplink_cfg_check(&c), -EINVAL);
    c.table = NULL;
    assert_int_equal(fl_uplink_cfg_check(&c), -EINVAL);
    fl_uplink_cfg_init(&c, UPLINK_MCS_AX);
    c.table = table("nr_cqi");
    assert_int_equal(fl_uplink_cfg_check(&c), -EINVAL);
    uplink_rate_model m;
    assert_int_equal(fl_uplink_rate_model_parse("mcs_ax", &m), 0);
    assert_int_equal(m, UPLINK_MCS_AX);
    assert_int_equal(fl_uplink_rate_model_parse("mcs", &m), -EINVAL);
    assert_string_equal(fl_uplink_rate_model_name(UPLINK_FIXED), "fixed");
    assert_null(fl_uplink_rate_model_name((uplink_rate_model)4));
    char buf[160];
    fl_uplink_cfg_init(&c, UPLINK_MCS_NR);
    assert_true(fl_uplink_cfg_print(&c, buf, sizeof buf) > 0);
    assert_non_null(strstr(buf, "nr_cqi"));
}

/* uncoded PER = 1 - (1 - BER)^L against hand values of Q */
static void uncoded_per_by_hand(void **state)
{
    (void)state;
    uplink_cfg c;
    fl_uplink_cfg_init(&c, UPLINK_FIXED);
    c.fixed_rate_bps = 1e6;
    c.uncoded_bits = 1;   /* BPSK: BER = Q(sqrt(2 Es/N0)) */
    assert_int_equal(fl_uplink_cfg_check(&c), 0);
    double g = pow(10.0, 0.6), ber = 0.5 * erfc(sqrt(2 * g) / sqrt(2.0));
    assert_true(REL(fl_uplink_packet_error(&c, 6.0, -1, 1000), 1.0 - pow(1.0 - ber, 1000), 1e-10));
    c.uncoded_bits = 2;   /* QPSK: Eb/N0 = γ/2, BER = Q(sqrt(γ)) */
    ber = 0.5 * erfc(sqrt(g) / sqrt(2.0));
    assert_true(REL(fl_uplink_packet_error(&c, 6.0, -1, 200), 1.0 - pow(1.0 - ber, 200), 1e-10));
    /* 16-QAM at Es/N0 = 14 dB (Eb/N0 = γ/4): (3Q(x) + 2Q(3x) - Q(5x))/4, x = sqrt(γ/5) */
    c.uncoded_bits = 4;
    double g4 = pow(10.0, 1.4), x = sqrt(g4 / 5.0);
    ber = (3 * fl_berclosed_q(x) + 2 * fl_berclosed_q(3 * x) - fl_berclosed_q(5 * x)) / 4;
    assert_true(REL(fl_uplink_packet_error(&c, 14.0, -1, 8000), 1.0 - pow(1.0 - ber, 8000), 1e-9));
    /* tiny BER, long packet: BPSK at 16 dB (BER ~ 1e-18), L = 1e12;
     * PER = L p (1 - (L-1) p / 2 + ...) where 1 - pow(1 - p, L) gives 0 */
    c.uncoded_bits = 1;
    double p = fl_berclosed_q(sqrt(2 * pow(10.0, 1.6)));
    assert_true(p < 1e-17 && p > 1e-20);
    double L = 1e12, want = L * p * (1 - (L - 1) * p / 2);
    assert_true(REL(fl_uplink_packet_error(&c, 16.0, -1, (uint64_t)L), want, 1e-9));
    assert_true(1.0 - pow(1.0 - p, L) == 0.0);   /* the naive form loses it all */
    assert_true(fl_uplink_packet_error(&c, INFINITY, -1, 100) == 0.0);
    assert_true(fl_uplink_packet_error(&c, -INFINITY, -1, 100) > 0.999999);
    assert_true(isnan(fl_uplink_packet_error(&c, 5.0, -1, 0)));
    assert_true(isnan(fl_uplink_packet_error(&c, NAN, -1, 10)));
}

/* coded entries: PER = 10% at threshold for ref_bits, 1 - 0.9^2 for twice
 * that, and hand values Q(x* 10^(Δ/20)) elsewhere */
static void coded_per_calibration(void **state)
{
    (void)state;
    const uplink_rate_model models[] = {UPLINK_MCS_NR, UPLINK_MCS_NR, UPLINK_MCS_AX};
    const char *names[] = {"nr_cqi", "lte_cqi", "ax_he20"};
    for (int b = 0; b < 3; b++) {
        uplink_cfg c;
        fl_uplink_cfg_init(&c, models[b]);
        c.table = table(names[b]);
        assert_int_equal(fl_uplink_cfg_check(&c), 0);
        uint64_t L = c.table->ref_bits;
        double pstar = 1.0 - pow(0.9, 1.0 / (double)L);
        double xs = gsl_cdf_ugaussian_Qinv(pstar);
        for (int i = 0; i < c.table->n; i++) {
            double th = c.table->e[i].threshold_db;
            assert_true(fabs(fl_uplink_packet_error(&c, th, i, L) - 0.1) < 1e-9);
            assert_true(fabs(fl_uplink_packet_error(&c, th, i, 2 * L) - 0.19) < 1e-9);
            double q = fl_berclosed_q(xs * pow(10.0, 1.5 / 20.0));
            assert_true(REL(fl_uplink_packet_error(&c, th + 1.5, i, 1000),
                            1.0 - pow(1.0 - q, 1000), 1e-8) || q < 1e-300);
            /* monotone: falls with SNR, grows with length */
            assert_true(fl_uplink_packet_error(&c, th + 0.5, i, L) < 0.1);
            assert_true(fl_uplink_packet_error(&c, th - 0.5, i, L) > 0.1);
            assert_true(fl_uplink_packet_error(&c, th, i, L / 2) < 0.1);
            (void)q;
        }
        assert_true(fl_uplink_packet_error(&c, 50.0, -1, 100) == 1.0);   /* outage */
        assert_true(isnan(fl_uplink_packet_error(&c, 50.0, c.table->n, 100)));
    }
}

/* the waterfall: one decade in about a dB (the header's claim) */
static void coded_per_waterfall_slope(void **state)
{
    (void)state;
    uplink_cfg c;
    fl_uplink_cfg_init(&c, UPLINK_MCS_NR);
    double th = c.table->e[6].threshold_db;
    uint64_t L = c.table->ref_bits;
    double p1 = fl_uplink_packet_error(&c, th + 1.0, 6, L);
    print_message("NR CQI 7, %llu bits: PER %.3g at threshold + 1 dB, %.3g at + 2 dB, %.3g at - 1 dB\n",
                  (unsigned long long)L, p1, fl_uplink_packet_error(&c, th + 2.0, 6, L),
                  fl_uplink_packet_error(&c, th - 1.0, 6, L));
    /* the numbers sim/uplink.h and README quote */
    assert_true(fabs(p1 - 0.0095) < 0.0001);
    assert_true(fabs(fl_uplink_packet_error(&c, th - 1.0, 6, L) - 0.52) < 0.005);
}

static void link_hook(void **state)
{
    (void)state;
    uplink_cfg c;
    fl_uplink_cfg_init(&c, UPLINK_MCS_NR);
    double r = -1, per = -1;
    assert_int_equal(fl_uplink_link(&c, 3, -10.0, 1e6, 1000, &r, &per), 0);
    assert_true(r == 0.0 && per == 1.0);
    assert_int_equal(fl_uplink_link(&c, 3, 20.0, 1e6, 1000, &r, &per), 0);
    assert_true(REL(r, 3.9023e6, 1e-14));
    assert_true(per == fl_uplink_packet_error(&c, 20.0, 8, 1000));
    assert_true(per > 0.0 && per < 0.1);
    assert_int_equal(fl_uplink_link(&c, 3, NAN, 1e6, 1000, &r, &per), -EINVAL);
    assert_int_equal(fl_uplink_link(&c, 3, 10.0, -1.0, 1000, &r, &per), -EINVAL);
}

static void arq_closed_forms_by_hand(void **state)
{
    (void)state;
    assert_true(fl_uplink_arq_loss(0.5, 2) == 0.125);
    assert_true(fl_uplink_arq_mean_attempts(0.5, 2) == 1.75);
    assert_true(fl_uplink_arq_attempts_pmf(0.5, 2, 1) == 0.5);
    assert_true(fl_uplink_arq_attempts_pmf(0.5, 2, 2) == 0.25);
    assert_true(fl_uplink_arq_attempts_pmf(0.5, 2, 3) == 0.25);
    assert_true(fl_uplink_arq_attempts_pmf(0.5, 2, 4) == 0.0);
    assert_true(fl_uplink_arq_attempts_pmf(0.5, 2, 0) == 0.0);
    assert_true(fl_uplink_arq_mean_attempts(1.0, 4) == 5.0);
    assert_true(fl_uplink_arq_loss(1.0, 4) == 1.0);
    assert_true(fl_uplink_arq_mean_attempts(0.0, 4) == 1.0);
    assert_true(fl_uplink_arq_loss(0.0, 0) == 0.0);
    assert_true(fl_uplink_arq_attempts_pmf(0.0, 3, 1) == 1.0);
    assert_true(fl_uplink_arq_attempts_pmf(1.0, 3, 4) == 1.0);
    /* p = 1 - 1e-12, R = 3: 1 + p + p^2 + p^3 = 4 - 6e-12 + O(1e-24) */
    double e = 1e-12;
    assert_true(fabs(fl_uplink_arq_mean_attempts(1.0 - e, 3) - (4.0 - 6e-12)) < 2e-15);
    /* beyond 64 retransmissions the closed form: p = 0.5, R = 99: 2 - 2^-99 */
    assert_true(REL(fl_uplink_arq_mean_attempts(0.5, 99), 2.0 - ldexp(1.0, -99), 1e-15));
    assert_true(REL(fl_uplink_arq_mean_attempts(1.0 - e, 99), 100.0 - 4950e-12, 1e-14));
    assert_true(fl_uplink_arq_mean_attempts(0.3, 0) == 1.0);
    /* the pmf sums to 1 and its mean is the closed form */
    for (double p = 0.0; p <= 1.0; p += 0.125)
        for (int R = 0; R <= 6; R++) {
            double s = 0, m = 0;
            for (int n = 1; n <= R + 1; n++) {
                s += fl_uplink_arq_attempts_pmf(p, R, n);
                m += n * fl_uplink_arq_attempts_pmf(p, R, n);
            }
            assert_true(fabs(s - 1.0) < 1e-14);
            assert_true(fabs(m - fl_uplink_arq_mean_attempts(p, R)) < 1e-13);
        }
    assert_true(isnan(fl_uplink_arq_loss(1.5, 1)));
    assert_true(isnan(fl_uplink_arq_loss(0.5, -1)));
    assert_true(isnan(fl_uplink_arq_mean_attempts(-0.1, 1)));
    assert_true(isnan(fl_uplink_arq_attempts_pmf(NAN, 1, 1)));
}

/* u in (0, 1), Philox4x32-10 keyed by (packet, attempt), purpose 0xE10 */
static double unif(uint32_t seed, uint64_t packet, uint32_t attempt)
{
    philox4x32_ctr_t ctr = {{(uint32_t)packet, (uint32_t)(packet >> 32), attempt, 0xE10}};
    philox4x32_key_t key = {{seed, 0}};
    philox4x32_ctr_t r = philox4x32(ctr, key);
    return ((double)r.v[0] + 0.5) / 4294967296.0;
}

/* n packets, each attempt failing with p, up to R retransmissions: loss
 * rate (binomial z), mean attempts (CLT z with the pmf's variance) and every
 * bin of the attempts histogram (binomial z) */
static void arq_against_monte_carlo(void **state)
{
    (void)state;
    const double ps[] = {0.05, 0.3, 0.5, 0.9};
    const int Rs[] = {0, 1, 3, 7};
    const uint64_t n = 200000;
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 4; b++) {
            double p = ps[a];
            int R = Rs[b];
            uint64_t lost = 0, hist[9] = {0};
            double sum = 0;
            for (uint64_t k = 0; k < n; k++) {
                int att = 0, ok = 0;
                while (att <= R && !ok) {
                    ok = unif(0x5eed, k, (uint32_t)att) >= p;
                    att++;
                }
                lost += !ok;
                hist[att]++;
                sum += att;
            }
            double P = fl_uplink_arq_loss(p, R);
            double zl = (lost - n * P) / sqrt(n * P * (1 - P));
            double mean = fl_uplink_arq_mean_attempts(p, R), var = 0;
            for (int j = 1; j <= R + 1; j++)
                var += fl_uplink_arq_attempts_pmf(p, R, j) * (j - mean) * (j - mean);
            double zm = var > 0 ? (sum / n - mean) / sqrt(var / n) : sum / n - mean;
            assert_true(fabs(zl) < 4.5);
            assert_true(fabs(zm) < 4.5);
            for (int j = 1; j <= R + 1; j++) {
                double q = fl_uplink_arq_attempts_pmf(p, R, j);
                double zh = (hist[j] - n * q) / sqrt(n * q * (1 - q));
                assert_true(q == 1.0 ? hist[j] == n : fabs(zh) < 5.0);
            }
        }
}

typedef struct {
    uint64_t frames, packets, retx, lost;
    double airtime_s;
} sys_sums;

static int sum_frame(void *arg, const sys_frame *f)
{
    sys_sums *s = arg;
    s->frames++;
    s->packets += f->packets;
    s->retx += f->retx;
    s->lost += f->lost_packets;
    s->airtime_s += f->airtime_s;
    return 0;
}

/* fl_uplink_link plugged into sim/system: one device at a fixed SNR of 15 dB
 * (no fading) over NR CQI 7, 8448-bit packets: every attempt's airtime is
 * 8448 / (B x 2.7305) and the attempts per packet and the losses follow the
 * closed forms at the model's PER (CLT / binomial z) */
static void drives_the_system_loop(void **state)
{
    (void)state;
    uplink_cfg u;
    assert_int_equal(fl_uplink_cfg_init(&u, UPLINK_MCS_NR), 0);
    sys_config c = {0};
    c.ngroups = 1;
    c.groups[0] = (sys_group){.devices = 1, .arrival = SYS_PERIODIC, .frame_rate_hz = 1.0,
                              .frame_bits = 10 * 8448, .mean_snr_db = 15.0};
    c.duration_s = 3000;
    c.deadline_s = INFINITY;
    c.bandwidth_hz = 1e6;
    c.access = SYS_TDMA;
    c.packet_bits = 8448;
    c.max_retx = 2;
    c.link = fl_uplink_link;
    c.link_arg = &u;
    c.workers = 1;
    c.service = SYS_SVC_DETERMINISTIC;
    c.service_mean_s = 0.01;
    c.pf_window = 100;
    c.outage_retry_s = 1e-3;
    c.seed = 11;
    sys_sums s = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sum_frame, &s, &t), 0);
    int mcs;
    double rate = fl_uplink_rate_bps(&u, 15.0, 1e6, &mcs);
    assert_int_equal(u.table->e[mcs].index, 7);
    double p = fl_uplink_packet_error(&u, 15.0, mcs, 8448);
    double n = (double)s.packets, att = n + (double)s.retx;
    double mean = fl_uplink_arq_mean_attempts(p, 2), var = 0;
    for (int j = 1; j <= 3; j++)
        var += fl_uplink_arq_attempts_pmf(p, 2, j) * (j - mean) * (j - mean);
    double za = (att / n - mean) / sqrt(var / n);
    double P = fl_uplink_arq_loss(p, 2), zl = (s.lost - n * P) / sqrt(n * P * (1 - P));
    print_message("system: %.0f packets at PER %.4f: attempts/packet %.5f (theory %.5f, z %+.2f), "
                  "lost %llu (theory %.1f, z %+.2f)\n", n, p, att / n, mean, za,
                  (unsigned long long)s.lost, n * P, zl);
    assert_true(s.frames >= 2990 && p > 0.01 && p < 0.2);
    assert_true(fabs(za) < 4.5 && fabs(zl) < 4.5);
    assert_true(fabs(s.airtime_s - att * 8448.0 / rate) < 1e-9 * s.airtime_s + att * 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cqi_tables_match_the_standards),
        cmocka_unit_test(ax_table_matches_the_standard),
        cmocka_unit_test(thresholds_follow_their_rules),
        cmocka_unit_test(tables_are_monotone),
        cmocka_unit_test(selection_at_and_around_thresholds),
        cmocka_unit_test(shannon_rate_matches_capacity),
        cmocka_unit_test(mcs_and_fixed_rates),
        cmocka_unit_test(bad_configs_are_rejected),
        cmocka_unit_test(uncoded_per_by_hand),
        cmocka_unit_test(coded_per_calibration),
        cmocka_unit_test(coded_per_waterfall_slope),
        cmocka_unit_test(link_hook),
        cmocka_unit_test(arq_closed_forms_by_hand),
        cmocka_unit_test(arq_against_monte_carlo),
        cmocka_unit_test(drives_the_system_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
