/* test_capacity: the AWGN link budget against paper 000's Table 1 (hand
 * arithmetic below), and the fading capacities against hand values, an
 * independent numerical integration, an independent Marcum-Q series and
 * Monte Carlo with a Philox Box-Muller Gaussian (99% confidence intervals).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <Random123/philox.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>

#include "channel/capacity.h"

#define Z99 2.5758293035489  // two-sided 99% normal quantile
#define TEST_PURPOSE 0x2F0u  // test-only Philox purpose (channel/ range)

static void assert_rel(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fabs(want))) {
        print_error("got %.15g want %.15g (rel %.3g > %.3g)\n", got, want, fabs(got / want - 1.0), rel);
        fail();
    }
}

// ---- paper 000, Table 1 ---------------------------------------------------------

// Bits sent by PINR (paper 000 §3): total - saved + index, with
// saved = (f + h g (1-f)) Nt Ns Nb,
// index = f Nt log2 Nt + g (1-f) Nt log2 Nt + g (1-f) Nt h Ns log2 Ns.
static double pinr_bits_sent(double f, double g, double h)
{
    const double nt = 512, ns = 1024, nb = 32, lt = 9, ls = 10;  // log2 512, log2 1024
    double total = nt * ns * nb;
    double saved = (f + h * g * (1 - f)) * total;
    double index = f * nt * lt + g * (1 - f) * nt * lt + g * (1 - f) * nt * h * ns * ls;
    return total - saved + index;
}

static void test_link_budget_table1(void **state)
{
    (void)state;
    // f = g = h = 0.2, by hand:
    //   total = 512 * 1024 * 32                     = 16777216
    //   saved = (0.2 + 0.2*0.2*0.8) * 16777216      = 0.232 * 16777216 = 3892314.112
    //   index = 0.2*512*9 + 0.16*512*9 + 0.16*512*0.2*1024*10
    //         = 921.6 + 737.28 + 167772.16          = 169431.04
    //   sent  = 16777216 - 3892314.112 + 169431.04  = 13054332.928 bits
    //   (the paper's 3.7229e6 net saving = 3892314.112 - 169431.04)
    //   0 dB : log2(1 + 1) = 1           -> B = 13054332.928 Hz = 13.054 MHz (printed 13.05)
    //   20 dB: log2(101) = 6.6582114828  -> B = 1960666.7 Hz = 1.9607 MHz (printed 1.96)
    const double sent = 13054332.928;
    assert_rel(pinr_bits_sent(0.2, 0.2, 0.2), sent, 1e-15);
    double b0 = fl_capacity_min_bandwidth_hz(sent, 1.0, 0.0);
    double b20 = fl_capacity_min_bandwidth_hz(sent, 1.0, 20.0);
    assert_rel(b0, 13054332.928, 1e-12);
    assert_rel(b20, 13054332.928 / 6.6582114827517947, 1e-12);
    assert_true(fabs(b0 / 1e6 - 13.05) <= 0.005);
    assert_true(fabs(b20 / 1e6 - 1.96) <= 0.005);
    // the other rows of Table 1 (reference/balevi_table1.csv); 20 dB column truncated: 0.01
    const double fgh[3] = {0.4, 0.6, 0.8}, mhz0[3] = {8.96, 5.05, 1.88}, mhz20[3] = {1.34, 0.75, 0.28};
    for (int r = 0; r < 3; r++) {
        double bits = pinr_bits_sent(fgh[r], fgh[r], fgh[r]);
        assert_true(fabs(fl_capacity_min_bandwidth_hz(bits, 1.0, 0.0) / 1e6 - mhz0[r]) <= 0.005);
        assert_true(fabs(fl_capacity_min_bandwidth_hz(bits, 1.0, 20.0) / 1e6 - mhz20[r]) <= 0.01);
    }
    // transfer time is the inverse: the minimum bandwidth moves the bits in exactly the budget
    assert_rel(fl_capacity_transfer_time_s(sent, b20, 20.0), 1.0, 1e-12);
    assert_rel(fl_capacity_transfer_time_s(sent, 1e6, 0.0), 13.054332928, 1e-12);
    // budget halves -> bandwidth doubles
    assert_rel(fl_capacity_min_bandwidth_hz(sent, 0.5, 0.0), 2.0 * 13054332.928, 1e-12);
}

static void test_link_budget_hand_values(void **state)
{
    (void)state;
    assert_rel(fl_capacity_db2lin(20.0), 100.0, 1e-15);
    assert_rel(fl_capacity_db2lin(-3.0), 0.50118723362727229, 1e-14);
    assert_true(fl_capacity_db2lin(0.0) == 1.0);
    assert_true(fl_capacity_awgn(0.0) == 0.0);
    assert_rel(fl_capacity_awgn(1.0), 1.0, 1e-15);
    assert_rel(fl_capacity_awgn(3.0), 2.0, 1e-15);
    assert_rel(fl_capacity_awgn(255.0), 8.0, 1e-15);
    // zero capacity (SNR = -inf dB) needs infinite bandwidth / time
    assert_true(isinf(fl_capacity_min_bandwidth_hz(1e3, 1.0, -INFINITY)));
    assert_true(isinf(fl_capacity_transfer_time_s(1e3, 1e6, -INFINITY)));
}

// ---- Rayleigh closed forms ----------------------------------------------------------

static void test_ergodic_rayleigh_hand_values(void **state)
{
    (void)state;
    const double ln2 = 0.69314718055994530942;
    // snr = 1: e E1(1) is the Gompertz constant 0.596347362323194074 (OEIS A073003)
    assert_rel(fl_capacity_ergodic_rayleigh(1.0), 0.596347362323194074 / ln2, 1e-12);
    // snr = 10: e^{0.1} E1(0.1), E1(0.1) = 1.8229239584193907 (Abramowitz & Stegun Table 5.1)
    assert_rel(fl_capacity_ergodic_rayleigh(10.0), 1.1051709180756477 * 1.8229239584193907 / ln2, 1e-12);
    // low SNR: E ln(1 + s x) = s E x - s^2 E x^2 / 2 + ... = s - s^2 (E x^2 = 2)
    assert_rel(fl_capacity_ergodic_rayleigh(1e-9), 1e-9 * (1.0 - 1e-9) / ln2, 1e-12);
    assert_rel(fl_capacity_ergodic_rayleigh(1e-250), 1e-250 / ln2, 1e-12);  // no overflow of e^{1/snr}
    // high SNR: C = log2(snr) - gamma_Euler log2(e) + O(1/snr)
    assert_true(fabs(fl_capacity_ergodic_rayleigh(1e8) - (log2(1e8) - 0.57721566490153286 / ln2)) < 1e-6);
    assert_true(fl_capacity_ergodic_rayleigh(0.0) == 0.0);
    // Jensen: fading never beats AWGN at the same mean SNR
    for (double s = 0.01; s < 1e4; s *= 3.7)
        assert_true(fl_capacity_ergodic_rayleigh(s) < fl_capacity_awgn(s));
}

static double rayleigh_integrand(double x, void *p)
{
    double s = *(const double *)p;
    return log1p(s * x) / log(2.0) * exp(-x);
}

// closed form vs an independent GSL QAGIU integration of log2(1 + s x) e^{-x}
static void test_ergodic_rayleigh_vs_integration(void **state)
{
    (void)state;
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    for (double db = -30.0; db <= 40.0; db += 5.0) {
        double s = pow(10.0, db / 10.0), r, err;
        gsl_function f = {rayleigh_integrand, &s};
        assert_int_equal(gsl_integration_qagiu(&f, 0.0, 0.0, 1e-12, 1000, w, &r, &err), 0);
        assert_rel(fl_capacity_ergodic_rayleigh(s), r, 1e-6);
    }
    gsl_integration_workspace_free(w);
}

static void test_outage_rayleigh_hand_values(void **state)
{
    (void)state;
    // snr 10, R = 1: threshold (2 - 1)/10 = 0.1, P = 1 - e^{-0.1}
    assert_rel(fl_capacity_outage_rayleigh(10.0, 1.0), 0.095162581964040427, 1e-13);
    // snr 1, R = 2: threshold 3, P = 1 - e^{-3}
    assert_rel(fl_capacity_outage_rayleigh(1.0, 2.0), 1.0 - 0.049787068367863943, 1e-13);
    assert_true(fl_capacity_outage_rayleigh(10.0, 0.0) == 0.0);
    assert_true(fl_capacity_outage_rayleigh(0.0, 1.0) == 1.0);
    // eps-outage, snr 100, eps 0.01: log2(1 - 100 ln 0.99) = log2(1 + 1.0050335853501441)
    assert_rel(fl_capacity_eps_outage_rayleigh(100.0, 0.01), log2(2.0050335853501441), 1e-13);
    assert_rel(fl_capacity_eps_outage_rayleigh(100.0, 0.01), 1.0036264027711119, 1e-13);
    // eps-outage and outage are inverse functions of each other
    for (double eps = 1e-4; eps < 0.9; eps *= 3.0)
        assert_rel(fl_capacity_outage_rayleigh(31.6, fl_capacity_eps_outage_rayleigh(31.6, eps)), eps, 1e-10);
}

// ---- Monte Carlo with a Philox Box-Muller Gaussian -------------------------------

// standard normals 2i and 2i+1 of the test stream (Box & Muller 1958)
static void mc_gauss2(uint32_t trial, uint64_t i, double *a, double *b)
{
    philox4x32_ctr_t c = {{(uint32_t)i, (uint32_t)(i >> 32), TEST_PURPOSE, trial}};
    philox4x32_key_t k = {{20240611u, 0u}};
    philox4x32_ctr_t r = philox4x32(c, k);
    double u1 = ((double)((((uint64_t)r.v[0] << 32) | r.v[1]) >> 11) + 0.5) * 0x1p-53;
    double u2 = ((double)((((uint64_t)r.v[2] << 32) | r.v[3]) >> 11) + 0.5) * 0x1p-53;
    double rad = sqrt(-2.0 * log(u1));
    *a = rad * cos(2.0 * M_PI * u2);
    *b = rad * sin(2.0 * M_PI * u2);
}

// |h|^2 for Rician K (K = 0: Rayleigh): h = sqrt(K/(K+1)) + CN(0, 1/(K+1))
static double mc_power(double k, uint32_t trial, uint64_t i)
{
    double a, b;
    mc_gauss2(trial, i, &a, &b);
    double sd = sqrt(0.5 / (k + 1.0));
    double re = sqrt(k / (k + 1.0)) + sd * a, im = sd * b;
    return re * re + im * im;
}

enum { MC_N = 200000 };

static void mc_ergodic(double k, double snr, uint32_t trial, double *mean, double *half99)
{
    double s = 0.0, s2 = 0.0;
    for (uint64_t i = 0; i < MC_N; i++) {
        double c = log2(1.0 + snr * mc_power(k, trial, i));
        s += c;
        s2 += c * c;
    }
    *mean = s / MC_N;
    double var = (s2 - s * s / MC_N) / (MC_N - 1);
    *half99 = Z99 * sqrt(var / MC_N);
}

static double mc_outage(double k, double snr, double rate, uint32_t trial, double *half99)
{
    long hits = 0;
    for (uint64_t i = 0; i < MC_N; i++)
        hits += log2(1.0 + snr * mc_power(k, trial, i)) < rate;
    double p = (double)hits / MC_N;
    *half99 = Z99 * sqrt(p * (1.0 - p) / MC_N) + 1.0 / MC_N;  // + continuity for tiny p
    return p;
}

// FEATLINK_VERBOSE=1 prints each Monte-Carlo margin
static void report(const char *what, double mc, double ref, double half99)
{
    if (getenv("FEATLINK_VERBOSE"))
        print_message("%s: MC %.6f, reference %.6f, |diff| / half-width %.2f\n", what, mc, ref,
                      fabs(mc - ref) / half99);
}

static void test_ergodic_rayleigh_vs_monte_carlo(void **state)
{
    (void)state;
    const double snrs[3] = {1.0, 10.0, 100.0};
    for (int q = 0; q < 3; q++) {
        double m, h;
        mc_ergodic(0.0, snrs[q], 1 + q, &m, &h);
        double c = fl_capacity_ergodic_rayleigh(snrs[q]);
        report("ergodic rayleigh", m, c, h);
        if (fabs(m - c) > h)
            print_error("snr %g: MC %.5f +- %.5f, closed form %.5f\n", snrs[q], m, h, c);
        assert_true(fabs(m - c) <= h);
    }
}

static void test_outage_vs_monte_carlo(void **state)
{
    (void)state;
    double h, p;
    // Rayleigh, 10 dB, R = 2 bit/s/Hz: closed form 1 - e^{-0.3}
    p = mc_outage(0.0, 10.0, 2.0, 11, &h);
    report("outage rayleigh", p, fl_capacity_outage_rayleigh(10.0, 2.0), h);
    assert_true(fabs(p - fl_capacity_outage_rayleigh(10.0, 2.0)) <= h);
    // Rician K = 4, 10 dB, R = 2.5
    double pr;
    assert_int_equal(fl_capacity_outage_rician(10.0, 4.0, 2.5, &pr), 0);
    p = mc_outage(4.0, 10.0, 2.5, 12, &h);
    report("outage rician", p, pr, h);
    assert_true(fabs(p - pr) <= h);
    // eps-outage rate has outage probability eps: Rayleigh and Rician K = 4, eps = 0.1
    p = mc_outage(0.0, 10.0, fl_capacity_eps_outage_rayleigh(10.0, 0.1), 13, &h);
    report("eps-outage rayleigh", p, 0.1, h);
    assert_true(fabs(p - 0.1) <= h);
    double ce;
    assert_int_equal(fl_capacity_eps_outage_rician(10.0, 4.0, 0.1, &ce), 0);
    p = mc_outage(4.0, 10.0, ce, 14, &h);
    report("eps-outage rician", p, 0.1, h);
    assert_true(fabs(p - 0.1) <= h);
}

// ---- Rician --------------------------------------------------------------------------

static void test_rician_k0_equals_rayleigh(void **state)
{
    (void)state;
    for (double db = -60.0; db <= 100.0; db += 10.0) {  // the log bend at 1/snr moves over decades
        double s = pow(10.0, db / 10.0), c, p, e;
        assert_int_equal(fl_capacity_ergodic_rician(s, 0.0, &c), 0);
        assert_rel(c, fl_capacity_ergodic_rayleigh(s), 1e-8);
        assert_int_equal(fl_capacity_outage_rician(s, 0.0, 1.5, &p), 0);
        assert_rel(p, fl_capacity_outage_rayleigh(s, 1.5), 1e-8);
        assert_int_equal(fl_capacity_eps_outage_rician(s, 0.0, 0.05, &e), 0);
        assert_rel(e, fl_capacity_eps_outage_rayleigh(s, 0.05), 1e-8);
    }
    // power CDF 1 - e^{-x}, tails included
    const double xs[6] = {1e-9, 1e-3, 0.5, 1.0, 5.0, 30.0};
    for (int i = 0; i < 6; i++) {
        double p;
        assert_int_equal(fl_capacity_rician_power_cdf(0.0, xs[i], &p), 0);
        assert_rel(p, -expm1(-xs[i]), 1e-8);
    }
}

static void test_rician_large_k_tends_to_awgn(void **state)
{
    (void)state;
    const double ks[2] = {1e4, 1e6};
    for (int q = 0; q < 2; q++) {
        for (double db = -10.0; db <= 30.0; db += 10.0) {
            double s = pow(10.0, db / 10.0), c, e, p;
            assert_int_equal(fl_capacity_ergodic_rician(s, ks[q], &c), 0);
            // Jensen gap ~ var(|h|^2) s^2 / (2 (1+s)^2 ln 2), var = (2K+1)/(K+1)^2 ~ 2/K
            assert_true(c <= fl_capacity_awgn(s));
            assert_rel(c, fl_capacity_awgn(s), 2.0 / ks[q]);
            // eps-outage: |h|^2 quantile ~ 1 - 2.33 sqrt(2/K) at eps = 0.01
            assert_int_equal(fl_capacity_eps_outage_rician(s, ks[q], 0.01, &e), 0);
            assert_true(e < fl_capacity_awgn(s));
            assert_rel(e, fl_capacity_awgn(s), 4.0 / sqrt(ks[q]));
            // outage is a step at the AWGN capacity: |h|^2 = 1 -+ 10% is > 7 sigma away
            assert_int_equal(fl_capacity_outage_rician(s, ks[q], fl_capacity_awgn(0.9 * s), &p), 0);
            assert_true(p < 1e-6);
            assert_int_equal(fl_capacity_outage_rician(s, ks[q], fl_capacity_awgn(1.1 * s), &p), 0);
            assert_true(p > 1.0 - 1e-6);
        }
    }
}

// Independent reference: P(|h|^2 <= x) = 1 - Q1(sqrt(2K), sqrt(2(K+1)x)) written as
// the Poisson mixture of the noncentral chi-square (Johnson, Kotz, Balakrishnan,
// Continuous Univariate Distributions vol. 2, eq. 29.2):
// sum_j e^{-K} K^j / j! * P(j + 1, (K+1) x)   (P: regularised lower incomplete gamma)
static double marcum_cdf_ref(double k, double x)
{
    double s = 0.0;
    for (int j = 0; j < 400; j++) {
        double w = exp(-k + j * log(k) - lgamma(j + 1.0));
        s += w * gsl_sf_gamma_inc_P(j + 1.0, (k + 1.0) * x);
    }
    return s;
}

static void test_rician_cdf_vs_marcum_series(void **state)
{
    (void)state;
    const double ks[3] = {1.0, 4.0, 10.0}, xs[6] = {0.01, 0.1, 0.3, 1.0, 2.0, 4.0};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 6; b++) {
            double p, ref = marcum_cdf_ref(ks[a], xs[b]);
            assert_int_equal(fl_capacity_rician_power_cdf(ks[a], xs[b], &p), 0);
            assert_rel(p, ref, 1e-8);
        }
}

static void test_rician_ergodic_vs_monte_carlo(void **state)
{
    (void)state;
    const double ks[2] = {1.0, 8.0}, snrs[2] = {3.0, 30.0};
    for (int q = 0; q < 2; q++) {
        double m, h, c;
        mc_ergodic(ks[q], snrs[q], 21 + q, &m, &h);
        assert_int_equal(fl_capacity_ergodic_rician(snrs[q], ks[q], &c), 0);
        report("ergodic rician", m, c, h);
        if (fabs(m - c) > h)
            print_error("K %g snr %g: MC %.5f +- %.5f, numeric %.5f\n", ks[q], snrs[q], m, h, c);
        assert_true(fabs(m - c) <= h);
        // more LOS, less fading: between Rayleigh and AWGN
        assert_true(c > fl_capacity_ergodic_rayleigh(snrs[q]) && c < fl_capacity_awgn(snrs[q]));
    }
}

static void test_rician_eps_outage_roundtrip(void **state)
{
    (void)state;
    const double ks[3] = {0.5, 5.0, 50.0}, epss[3] = {1e-6, 1e-3, 0.2};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            double c, p;
            assert_int_equal(fl_capacity_eps_outage_rician(20.0, ks[a], epss[b], &c), 0);
            assert_int_equal(fl_capacity_outage_rician(20.0, ks[a], c, &p), 0);
            assert_rel(p, epss[b], 1e-7);
        }
}

static void test_fading_point(void **state)
{
    (void)state;
    capacity_fading f;
    assert_int_equal(fl_capacity_fading_point(10.0, 0.0, 1.0, 0.01, &f), 0);
    assert_rel(f.ergodic_bphz, fl_capacity_ergodic_rayleigh(10.0), 1e-14);
    assert_rel(f.outage_prob, 0.095162581964040427, 1e-13);
    assert_rel(f.eps_outage_bphz, fl_capacity_eps_outage_rayleigh(10.0, 0.01), 1e-14);
    double c, p, e;
    assert_int_equal(fl_capacity_fading_point(10.0, 3.0, 2.0, 0.05, &f), 0);
    assert_int_equal(fl_capacity_ergodic_rician(10.0, 3.0, &c), 0);
    assert_int_equal(fl_capacity_outage_rician(10.0, 3.0, 2.0, &p), 0);
    assert_int_equal(fl_capacity_eps_outage_rician(10.0, 3.0, 0.05, &e), 0);
    assert_true(f.ergodic_bphz == c && f.outage_prob == p && f.eps_outage_bphz == e);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    double r;
    capacity_fading f;
    assert_true(isnan(fl_capacity_ergodic_rayleigh(-1.0)));
    assert_true(isnan(fl_capacity_ergodic_rayleigh(NAN)));
    assert_true(isnan(fl_capacity_outage_rayleigh(1.0, -1.0)));
    assert_true(isnan(fl_capacity_eps_outage_rayleigh(1.0, 0.0)));
    assert_true(isnan(fl_capacity_eps_outage_rayleigh(1.0, 1.0)));
    assert_int_equal(fl_capacity_ergodic_rician(1.0, -1.0, &r), -EINVAL);
    assert_int_equal(fl_capacity_ergodic_rician(1.0, 2e6, &r), -EINVAL);
    assert_int_equal(fl_capacity_ergodic_rician(INFINITY, 1.0, &r), -EINVAL);
    assert_int_equal(fl_capacity_ergodic_rician(1.0, 1.0, NULL), -EINVAL);
    assert_int_equal(fl_capacity_outage_rician(1.0, 1.0, NAN, &r), -EINVAL);
    assert_int_equal(fl_capacity_eps_outage_rician(1.0, 1.0, 1.5, &r), -EINVAL);
    assert_int_equal(fl_capacity_rician_power_cdf(1.0, NAN, &r), -EINVAL);
    assert_int_equal(fl_capacity_fading_point(NAN, 0.0, 1.0, 0.1, &f), -EINVAL);
    assert_int_equal(fl_capacity_fading_point(10.0, 0.0, 1.0, 0.0, &f), -EINVAL);
    assert_int_equal(fl_capacity_fading_point(10.0, 0.0, 1.0, 0.1, NULL), -EINVAL);
    assert_int_equal(fl_capacity_rician_power_cdf(3.0, -1.0, &r), 0);
    assert_true(r == 0.0);
    assert_int_equal(fl_capacity_rician_power_cdf(3.0, INFINITY, &r), 0);
    assert_true(r == 1.0);
}

int main(void)
{
    gsl_set_error_handler_off();  // as the CLI must (see channel/capacity.h)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_budget_table1),
        cmocka_unit_test(test_link_budget_hand_values),
        cmocka_unit_test(test_ergodic_rayleigh_hand_values),
        cmocka_unit_test(test_ergodic_rayleigh_vs_integration),
        cmocka_unit_test(test_outage_rayleigh_hand_values),
        cmocka_unit_test(test_ergodic_rayleigh_vs_monte_carlo),
        cmocka_unit_test(test_outage_vs_monte_carlo),
        cmocka_unit_test(test_rician_k0_equals_rayleigh),
        cmocka_unit_test(test_rician_large_k_tends_to_awgn),
        cmocka_unit_test(test_rician_cdf_vs_marcum_series),
        cmocka_unit_test(test_rician_ergodic_vs_monte_carlo),
        cmocka_unit_test(test_rician_eps_outage_roundtrip),
        cmocka_unit_test(test_fading_point),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
