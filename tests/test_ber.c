/* test_ber: the phy pipeline and the Monte-Carlo engine. The acceptance case
 * checks, for every modem over AWGN and Rayleigh fast fading, that the closed
 * form lies inside the simulated 95% Clopper-Pearson interval in at least 95%
 * of the Eb/N0 points with >= 200 errors (fixed seed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "channel/ber.h"
#include "channel/berclosed.h"
#include "channel/noise.h"
#include "channel/phy.h"

static const modem_scheme all_schemes[] = {MODEM_BPSK, MODEM_QPSK, MODEM_QAM16, MODEM_QAM64,
                                           MODEM_QAM256};

static phy_config cfg_of(modem_scheme s, phy_channel ch, double esn0_db)
{
    phy_config c = {0};
    c.scheme = s;
    c.channel = ch;
    c.fading = PHY_FADING_FAST;
    c.k_factor = 2.0;
    c.block_symbols = 16;
    c.esn0_db = esn0_db;
    c.seed = 2024u;
    c.point = 1u;
    return c;
}

static void random_bytes(uint8_t *b, size_t n, uint32_t seed)
{
    size_t nw = (n + 3) / 4;
    uint32_t *w = malloc(nw * sizeof *w);
    fl_noise_u32_at(seed, 0, 0x2FFu, 0, 0, w, nw);
    memcpy(b, w, n);
    free(w);
}

/* Es/N0 = Eb/N0 + 10 log10(k R) */
static void snr_conversion(void **state)
{
    (void)state;
    assert_true(fabs(fl_phy_esn0_from_ebn0_db(10.0, 4, 0.5) - (10.0 + 10.0 * log10(2.0))) < 1e-12);
    assert_true(fabs(fl_phy_esn0_from_ebn0_db(3.0, 1, 1.0) - 3.0) < 1e-12);
    phy_config c = cfg_of(MODEM_QPSK, PHY_AWGN, 7.0);
    phy *p = fl_phy_create(&c);
    assert_true(fabs(fl_phy_n0(p) - pow(10.0, -0.7)) < 1e-12);
    fl_phy_destroy(p);
}

/* at a huge SNR every scheme and channel returns the input bits, for frame
 * lengths that cross the internal chunk size and do not fill the last symbol */
static void noiseless_roundtrip(void **state)
{
    (void)state;
    const size_t lens[] = {1, 13, 2400, 17000, 20001};
    const phy_channel chs[] = {PHY_AWGN, PHY_RAYLEIGH, PHY_RICIAN};
    uint8_t in[2501], out[2502];
    random_bytes(in, sizeof in, 5);
    for (int si = 0; si < 5; si++)
        for (int ci = 0; ci < 3; ci++)
            for (int bl = 0; bl < 2; bl++)
                for (size_t li = 0; li < 5; li++) {
                    phy_config c = cfg_of(all_schemes[si], chs[ci], 200.0);
                    c.fading = bl ? PHY_FADING_BLOCK : PHY_FADING_FAST;
                    phy *p = fl_phy_create(&c);
                    assert_non_null(p);
                    size_t nb = lens[li], nby = (nb + 7) / 8;
                    out[nby] = 0x5A;
                    assert_int_equal(fl_phy_transmit_hard(p, 0, 3, in, nb, out), 0);
                    for (size_t i = 0; i < nb; i++)
                        assert_int_equal((out[i / 8] >> (7 - i % 8)) & 1, (in[i / 8] >> (7 - i % 8)) & 1);
                    assert_int_equal(out[nby], 0x5A);
                    fl_phy_destroy(p);
                }
}

/* SNR convention: BPSK/AWGN LLR = 4 z / N0, so z - x = LLR N0/4 - x has
 * variance N0/2 per real dimension (chi-square: sd of the sample variance
 * sqrt(2/n) relative); 16-QAM: the quadrature dimension has the same noise */
static void noise_variance_convention(void **state)
{
    (void)state;
    enum { NB = 1 << 16 };
    static uint8_t in[NB / 8];
    static float llr[NB];
    memset(in, 0, sizeof in); /* all zeros: x = +1 */
    phy_config c = cfg_of(MODEM_BPSK, PHY_AWGN, 3.0);
    phy *p = fl_phy_create(&c);
    assert_int_equal(fl_phy_transmit_llr(p, 1, 0, in, NB, MODEM_DEMAP_EXACT, llr), 0);
    double n0 = fl_phy_n0(p), v = 0;
    for (int i = 0; i < NB; i++) {
        double e = llr[i] * n0 / 4.0 - 1.0;
        v += e * e;
    }
    v /= NB;
    assert_true(fabs(v / (n0 / 2.0) - 1.0) < 4.5 * sqrt(2.0 / NB));
    fl_phy_destroy(p);
}

/* the gains hook: h = 1 supplied by the caller gives exactly the AWGN result
 * (same noise streams); too short a gains array is -ERANGE */
static void caller_gains(void **state)
{
    (void)state;
    enum { NB = 12000 };
    static uint8_t in[NB / 8], a[NB / 8], b[NB / 8];
    static float one[NB], zero[NB];
    random_bytes(in, sizeof in, 9);
    for (int i = 0; i < NB; i++) {
        one[i] = 1.0f;
        zero[i] = 0.0f;
    }
    for (int si = 0; si < 5; si++) {
        phy_config c = cfg_of(all_schemes[si], PHY_AWGN, 4.0);
        phy *p = fl_phy_create(&c);
        c.channel = PHY_RAYLEIGH;
        phy *q = fl_phy_create(&c);
        assert_int_equal(fl_phy_transmit_hard(p, 2, 7, in, NB, a), 0);
        assert_int_equal(fl_phy_set_gains(q, one, zero, NB), 0);
        assert_int_equal(fl_phy_transmit_hard(q, 2, 7, in, NB, b), 0);
        /* z = (h x + n) conj(h)/|h|^2 with h = 1 is x + n exactly; BPSK/AWGN
         * draws no Q noise, which Re(z) does not use */
        assert_memory_equal(a, b, sizeof a);
        assert_int_equal(fl_phy_set_gains(q, one, zero, 10), 0);
        assert_int_equal(fl_phy_transmit_hard(q, 2, 7, in, NB, b), -ERANGE);
        assert_int_equal(fl_phy_set_gains(q, NULL, NULL, 0), 0);
        assert_int_equal(fl_phy_transmit_hard(q, 2, 7, in, NB, b), 0);
        fl_phy_destroy(p);
        fl_phy_destroy(q);
    }
}

/* hard decisions equal the sign of the LLRs for BPSK/QPSK (per-axis
 * decisions coincide), and max-log LLRs have the same sign as hard bits for
 * every scheme (max-log sign = nearest point's label bit) */
static void llr_sign_matches_hard(void **state)
{
    (void)state;
    enum { NB = 4800 };
    static uint8_t in[NB / 8], h[NB / 8];
    static float l[NB];
    random_bytes(in, sizeof in, 4);
    for (int si = 0; si < 5; si++) {
        phy_config c = cfg_of(all_schemes[si], PHY_RAYLEIGH, 8.0);
        phy *p = fl_phy_create(&c);
        assert_int_equal(fl_phy_transmit_hard(p, 0, 1, in, NB, h), 0);
        assert_int_equal(fl_phy_transmit_llr(p, 0, 1, in, NB, MODEM_DEMAP_MAXLOG, l), 0);
        int mism = 0;
        for (int i = 0; i < NB; i++)
            mism += ((h[i / 8] >> (7 - i % 8)) & 1) != (l[i] < 0.0f);
        assert_int_equal(mism, 0);
        fl_phy_destroy(p);
    }
}

static ber_config ber_cfg(modem_scheme s, phy_channel ch, double ebn0_db, uint32_t point)
{
    ber_config b = {0};
    b.phy = cfg_of(s, ch, 0.0);
    b.phy.seed = 77u;
    b.phy.point = point;
    b.ebn0_db = ebn0_db;
    b.code_rate = 1.0;
    b.demap = BER_DEMAP_HARD;
    b.frame_bits = 2400;
    b.trial = 0;
    b.min_errors = 300;
    b.max_bits = 10000000;
    b.threads = 0;
    return b;
}

/* the same point gives identical numbers with 1 and 2 threads; stopping
 * rules: max_bits stops at the first whole frame reaching it */
static void determinism_and_stopping(void **state)
{
    (void)state;
    ber_config b = ber_cfg(MODEM_QAM16, PHY_RAYLEIGH, 12.0, 3);
    ber_result r1, r2;
    b.threads = 1;
    assert_int_equal(fl_ber_run(&b, &r1), 0);
    b.threads = 2;
    assert_int_equal(fl_ber_run(&b, &r2), 0);
    assert_memory_equal(&r1, &r2, sizeof r1);
    assert_true(r1.bit_errors >= 300 && r1.bit_errors - r1.symbol_errors < r1.bit_errors);
    b.min_errors = 0;
    b.max_bits = 10000;
    assert_int_equal(fl_ber_run(&b, &r1), 0);
    assert_int_equal(r1.bits, 12000); /* 5 frames of 2400 */
    assert_int_equal(r1.frames, 5);
    b.frame_bits = 0;
    assert_int_equal(fl_ber_run(&b, &r1), -EINVAL);
}

/* LLR demapping: the exact-LLR sign decisions give the same BER law (a single
 * point: checked at 4.5 sigma, sd = sqrt(p(1-p)/bits)) */
static int within(const ber_result *r, double nsig)
{
    double p = r->fl_ber_theory;
    return fabs(r->ber - p) < nsig * sqrt(p * (1.0 - p) / (double)r->bits);
}

static void llr_demap_ber(void **state)
{
    (void)state;
    ber_config b = ber_cfg(MODEM_QAM16, PHY_AWGN, 8.0, 4);
    b.demap = BER_DEMAP_LLR_EXACT;
    ber_result r;
    assert_int_equal(fl_ber_run(&b, &r), 0);
    assert_true(within(&r, 4.5));
    b.demap = BER_DEMAP_LLR_MAXLOG;
    assert_int_equal(fl_ber_run(&b, &r), 0);
    assert_true(within(&r, 4.5));
}

/* Rician K=2 and Rayleigh block fading: mean BER inside the interval of a
 * long run (block: the bits of one coherence block share
 * a gain, so the spread is computed over blocks; 4.5 sigma) */
static void rician_and_block(void **state)
{
    (void)state;
    ber_config b = ber_cfg(MODEM_QPSK, PHY_RICIAN, 10.0, 5);
    ber_result r;
    assert_int_equal(fl_ber_run(&b, &r), 0);
    assert_true(within(&r, 4.5));
    b = ber_cfg(MODEM_QAM64, PHY_RICIAN, 16.0, 7);
    b.phy.k_factor = 5.0;
    assert_int_equal(fl_ber_run(&b, &r), 0);
    assert_true(within(&r, 4.5));
    b = ber_cfg(MODEM_BPSK, PHY_RAYLEIGH, 10.0, 6);
    b.phy.fading = PHY_FADING_BLOCK;
    b.phy.block_symbols = 16;
    b.min_errors = 0;
    b.max_bits = 2400 * 400;
    assert_int_equal(fl_ber_run(&b, &r), 0);
    /* variance of the mean over blocks: the BER of one block is
     * Q(sqrt(2 g)) with g ~ Exp; Var <= E[P^2] <= E[P] / 2, blocks = bits/16 */
    double nblocks = (double)r.bits / 16.0;
    double sd = sqrt(r.fl_ber_theory / 2.0 / nblocks + r.fl_ber_theory / (double)r.bits);
    assert_true(fabs(r.ber - r.fl_ber_theory) < 4.5 * sd);
}

/* Acceptance (issue 3): every modem, AWGN and Rayleigh fast fading; the
 * closed form inside the 95% interval at >= 95% of the points with >= 200
 * errors. With a correct 95% interval this fixed-seed check is one draw of
 * an event of probability about 0.6 (at most 2 misses of 41); the coverage
 * itself is tested below over many points. Seed 77 is the suite's seed. */
#define ACCEPT_SEED 77u

static void closed_form_inside_ci(void **state)
{
    (void)state;
    static const double awgn_db[5][5] = {{2, 4, 6, 8, -1},   {2, 4, 6, 8, -1},
                                         {4, 6, 8, 10, 12},  {8, 10, 12, 14, -1},
                                         {12, 14, 16, 18, -1}};
    static const double ray_db[5][5] = {{6, 10, 14, 18, -1},  {6, 10, 14, 18, -1},
                                        {10, 14, 18, 22, -1}, {14, 18, 22, 26, -1},
                                        {18, 22, 26, 30, -1}};
    int points = 0, inside = 0;
    uint32_t pt = 100;
    for (int ch = 0; ch < 2; ch++)
        for (int si = 0; si < 5; si++)
            for (int j = 0; j < 5; j++) {
                double db = ch == 0 ? awgn_db[si][j] : ray_db[si][j];
                if (db < 0)
                    continue;
                ber_config b = ber_cfg(all_schemes[si], ch == 0 ? PHY_AWGN : PHY_RAYLEIGH, db, pt++);
                b.phy.seed = ACCEPT_SEED;
                ber_result r;
                assert_int_equal(fl_ber_run(&b, &r), 0);
                if (r.bit_errors < 200)
                    continue;
                points++;
                int in = r.fl_ber_theory >= r.ber_ci_low && r.fl_ber_theory <= r.ber_ci_high;
                inside += in;
                if (!in)
                    print_message("outside: %s %s Eb/N0 %g dB: ber %.4g [%.4g, %.4g] theory %.4g\n",
                                  fl_modem_scheme_name(all_schemes[si]), ch ? "rayleigh" : "awgn", db,
                                  r.ber, r.ber_ci_low, r.ber_ci_high, r.fl_ber_theory);
            }
    print_message("closed form inside the 95%% CI at %d of %d points\n", inside, points);
    assert_true(points >= 35);
    assert_true(inside >= 0.95 * points);
}

/* The interval's coverage when bit errors cluster: 16-QAM over Rayleigh fast
 * fading puts the 4 bits of a faded symbol in error together. Over 300
 * independent points the closed form must fall outside the 95% interval
 * about 5% of the time: misses ~ Binomial(300, 0.05), mean 15, sd 3.77;
 * accept [4, 26] (3 sd). A plain Clopper-Pearson interval on bits misses
 * about 10% here (~30 points); the design effect (ber.h) restores 5%.
 * Also: BPSK over AWGN has independent bit errors, deff = 1. */
static void interval_coverage_with_clustered_errors(void **state)
{
    (void)state;
    int misses = 0, estimated = 0;
    double deff_sum = 0;
    for (uint32_t pt = 0; pt < 300; pt++) {
        ber_config b = ber_cfg(MODEM_QAM16, PHY_RAYLEIGH, 14.0, 1000 + pt);
        b.min_errors = 300;
        b.threads = 1;
        ber_result r;
        assert_int_equal(fl_ber_run(&b, &r), 0);
        misses += !(r.fl_ber_theory >= r.ber_ci_low && r.fl_ber_theory <= r.ber_ci_high);
        deff_sum += r.ber_deff;
        estimated += r.ber_deff_estimated;
    }
    print_message("16-QAM/Rayleigh: %d of 300 outside, mean deff %.3f\n", misses, deff_sum / 300);
    assert_true(misses >= 4 && misses <= 26);
    assert_int_equal(estimated, 300); /* >= 75 error symbols each: measured deff */
    assert_true(deff_sum / 300 > 1.2);
    ber_config b = ber_cfg(MODEM_BPSK, PHY_AWGN, 4.0, 7);
    ber_result r;
    assert_int_equal(fl_ber_run(&b, &r), 0);
    assert_true(fabs(r.ber_deff - 1.0) < 1e-9);
}

/* The interval rule by hand (ber.h). 100 clusters of 100 bits, 10 of them
 * with 5 errors: E = 50, N = 10000, p = 0.005, sum e^2 = 250,
 * sum e n = 5000, sum n^2 = 1e6:
 *   deff = (250 - 2 (0.005) 5000 + 0.005^2 1e6) / (10000 (0.005)(0.995))
 *        = (250 - 50 + 25) / 49.75 = 4.5226130653...
 * With 10 error clusters it is used; with the same sums said to come from 9
 * clusters the bound sum n^2 / N = 100 is. Zero errors in 20 clusters of
 * 1000 bits: deff = 1000, the interval [0, 1 - 0.025^(1/20)] = [0, 0.168433...],
 * the upper 97.5% limit of the cluster error rate over 20 trials. */
static void interval_rule_by_hand(void **state)
{
    (void)state;
    ber_result r;
    double lo, hi;
    assert_int_equal(fl_ber_interval(10000, 50, 250.0, 5000.0, 1e6, 10, &r), 0);
    assert_true(r.ber_deff_estimated == 1 && r.ber_error_clusters == 10);
    assert_true(fabs(r.ber_deff - 4.522613065326633) < 1e-12);
    assert_true(r.ber_deff == r.ber_deff_measured);
    assert_int_equal(fl_berclosed_clopper_pearson_real(50.0 / r.ber_deff, 10000.0 / r.ber_deff, 0.95, &lo, &hi), 0);
    assert_true(r.ber_ci_low == lo && r.ber_ci_high == hi);

    assert_int_equal(fl_ber_interval(10000, 50, 250.0, 5000.0, 1e6, 9, &r), 0);
    assert_true(r.ber_deff_estimated == 0);
    assert_true(fabs(r.ber_deff_measured - 4.522613065326633) < 1e-12);
    assert_true(r.ber_deff == 100.0);
    assert_int_equal(fl_berclosed_clopper_pearson_real(0.5, 100.0, 0.95, &lo, &hi), 0);
    assert_true(r.ber_ci_low == lo && r.ber_ci_high == hi);

    assert_int_equal(fl_ber_interval(20000, 0, 0.0, 0.0, 20 * 1e6, 0, &r), 0);
    assert_true(r.ber_deff_estimated == 0 && r.ber_deff_measured == 1.0 && r.ber_deff == 1000.0);
    assert_true(r.ber_ci_low == 0.0);
    assert_true(fabs(r.ber_ci_high - 0.16843347098308536) < 1e-12);
    /* bit-level clusters (BPSK over AWGN): the bound is 1, nothing widens */
    assert_int_equal(fl_ber_interval(1000, 3, 3.0, 3.0, 1000.0, 3, &r), 0);
    assert_true(r.ber_deff_estimated == 0 && r.ber_deff == 1.0);
    assert_int_equal(fl_berclosed_clopper_pearson(3, 1000, 0.95, &lo, &hi), 0);
    assert_true(r.ber_ci_low == lo && r.ber_ci_high == hi);
    assert_int_equal(fl_ber_interval(0, 0, 0.0, 0.0, 1.0, 0, &r), -EINVAL);
    assert_int_equal(fl_ber_interval(10, 11, 0.0, 0.0, 10.0, 0, &r), -EINVAL);
}

/* Coverage when few clusters hold errors: BPSK over block Rayleigh fading,
 * blocks of 1000 symbols, 20 blocks per point (20000 bits, a fixed length),
 * Eb/N0 = 15 dB: the closed form (the block mean is the fast-fading mean)
 * 0.5 (1 - sqrt(g/(1+g))), g = 10^1.5, is 7.72e-3, and errors come from
 * the one or two deeply faded blocks of a point, or none. Over 400 points
 * (fixed seeds) the measured design effect's interval (the rule before:
 * deff = 1 at zero errors) covers the closed form at 272 (68%, under the
 * nominal 95%); the conservative rule (every point has < 10 error blocks:
 * deff = 1000, each block one trial) covers it at all 400. Second case, the
 * stopping rule of a real run: blocks of 100 symbols, stop at 200 errors or
 * 200000 bits, 30 dB (2.50e-4): 343 of 400 (86%) before, 395 now, with the
 * points of >= 10 error blocks unchanged. */
static void coverage_with_few_error_clusters(void **state)
{
    (void)state;
    static const struct {
        size_t block, frame;
        uint64_t min_errors, max_bits;
        double ebn0_db;
        int new_min, old_max;
    } cases[] = {{1000, 2000, 0, 20000, 15.0, 400, 300}, {100, 2000, 200, 200000, 30.0, 390, 360}};
    for (int c = 0; c < 2; c++) {
        int cov_new = 0, cov_old = 0, estimated = 0, zero = 0;
        double truth = 0;
        for (uint32_t pt = 0; pt < 400; pt++) {
            ber_config b = ber_cfg(MODEM_BPSK, PHY_RAYLEIGH, cases[c].ebn0_db, 5000 + pt);
            b.phy.fading = PHY_FADING_BLOCK;
            b.phy.block_symbols = cases[c].block;
            b.frame_bits = cases[c].frame;
            b.min_errors = cases[c].min_errors;
            b.max_bits = cases[c].max_bits;
            b.threads = 1;
            ber_result r;
            assert_int_equal(fl_ber_run(&b, &r), 0);
            truth = r.fl_ber_theory;
            double lo, hi; /* the interval at the measured design effect alone */
            assert_int_equal(fl_berclosed_clopper_pearson_real((double)r.bit_errors / r.ber_deff_measured,
                                                            (double)r.bits / r.ber_deff_measured, 0.95, &lo,
                                                            &hi),
                             0);
            cov_old += truth >= lo && truth <= hi;
            cov_new += truth >= r.ber_ci_low && truth <= r.ber_ci_high;
            estimated += r.ber_deff_estimated;
            zero += r.bit_errors == 0;
            assert_true(r.ber_deff_estimated == (r.ber_error_clusters >= BER_DEFF_MIN_CLUSTERS));
            if (r.ber_deff_estimated) { /* many error clusters: the interval as before */
                assert_true(r.ber_ci_low == lo && r.ber_ci_high == hi);
            } else {
                assert_true(r.ber_deff == (double)cases[c].block);
                assert_true(r.ber_ci_low <= lo && r.ber_ci_high >= hi);
            }
        }
        print_message("block %zu, %g dB (BER %.3g): covered %d of 400 (measured deff alone: %d); "
                      "%d with >= 10 error blocks, %d with no error\n",
                      cases[c].block, cases[c].ebn0_db, truth, cov_new, cov_old, estimated, zero);
        assert_true(cov_new >= cases[c].new_min);
        assert_true(cov_new >= 380);      /* >= the nominal 95% */
        assert_true(cov_old <= cases[c].old_max);
    }
}

/* With many error clusters the interval is the one measured before this
 * rule, bit for bit: values from the build before it (hex floats). */
static void many_error_clusters_interval_unchanged(void **state)
{
    (void)state;
    ber_config b = ber_cfg(MODEM_QAM16, PHY_RAYLEIGH, 14.0, 1000);
    b.threads = 1;
    ber_result r;
    assert_int_equal(fl_ber_run(&b, &r), 0);
    assert_int_equal(r.bits, 14400);
    assert_int_equal(r.bit_errors, 302);
    assert_true(r.ber_deff_estimated == 1 && r.ber_deff == r.ber_deff_measured);
    assert_true(fabs(r.ber_deff / 0x1.769e94c52b93p+0 - 1.0) < 1e-12);
    assert_true(fabs(r.ber_ci_low / 0x1.2ab9a7c50f028p-6 - 1.0) < 1e-12);
    assert_true(fabs(r.ber_ci_high / 0x1.8937ae3aca1cfp-6 - 1.0) < 1e-12);
    b = ber_cfg(MODEM_BPSK, PHY_RAYLEIGH, 10.0, 6);
    b.phy.fading = PHY_FADING_BLOCK;
    b.min_errors = 0;
    b.max_bits = 2400 * 400;
    assert_int_equal(fl_ber_run(&b, &r), 0);
    assert_int_equal(r.bit_errors, 22057);
    assert_true(r.ber_deff_estimated == 1);
    assert_true(fabs(r.ber_deff / 0x1.c3425941e8e55p+1 - 1.0) < 1e-12);
    assert_true(fabs(r.ber_ci_low / 0x1.6f45cb7fb98acp-6 - 1.0) < 1e-12);
    assert_true(fabs(r.ber_ci_high / 0x1.81c5ed917ca46p-6 - 1.0) < 1e-12);
}

/* The progress callback: from the calling thread, non-decreasing counts,
 * the last call equal to the result, and the same result without it. */
struct progress_log {
    int calls, ordered;
    uint64_t bits, errors;
};

static void progress_record(void *arg, uint64_t bits, uint64_t errors)
{
    struct progress_log *g = arg;
    if (g->calls && (bits < g->bits || errors < g->errors || bits - g->bits == 0))
        g->ordered = 0;
    g->calls++;
    g->bits = bits;
    g->errors = errors;
}

static void progress_callback(void **state)
{
    (void)state;
    /* BPSK/AWGN at 6 dB (BER 2.4e-3) to 10000 errors: about 4.2e6 bits, so
     * a few calls BER_PROGRESS_BITS apart */
    ber_config b = ber_cfg(MODEM_BPSK, PHY_AWGN, 6.0, 8);
    b.min_errors = 10000;
    b.threads = 2;
    ber_result plain, watched;
    assert_int_equal(fl_ber_run(&b, &plain), 0);
    struct progress_log g = {0, 1, 0, 0};
    b.progress = progress_record;
    b.progress_arg = &g;
    assert_int_equal(fl_ber_run(&b, &watched), 0);
    assert_memory_equal(&plain, &watched, sizeof plain);
    print_message("%d progress calls for %llu bits\n", g.calls, (unsigned long long)watched.bits);
    assert_true(g.calls >= 3);
    assert_true(g.calls <= (int)(watched.bits / BER_PROGRESS_BITS) + 1);
    assert_true(g.ordered);
    assert_true(g.bits == watched.bits && g.errors == watched.bit_errors);
    /* a point of one batch: one call, at the end */
    b.min_errors = 0;
    b.max_bits = 2400;
    g = (struct progress_log){0, 1, 0, 0};
    assert_int_equal(fl_ber_run(&b, &watched), 0);
    assert_int_equal(g.calls, 1);
    assert_true(g.bits == 2400 && g.errors == watched.bit_errors);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snr_conversion),
        cmocka_unit_test(noiseless_roundtrip),
        cmocka_unit_test(noise_variance_convention),
        cmocka_unit_test(caller_gains),
        cmocka_unit_test(llr_sign_matches_hard),
        cmocka_unit_test(determinism_and_stopping),
        cmocka_unit_test(llr_demap_ber),
        cmocka_unit_test(rician_and_block),
        cmocka_unit_test(closed_form_inside_ci),
        cmocka_unit_test(interval_coverage_with_clustered_errors),
        cmocka_unit_test(interval_rule_by_hand),
        cmocka_unit_test(coverage_with_few_error_clusters),
        cmocka_unit_test(many_error_clusters_interval_unchanged),
        cmocka_unit_test(progress_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
