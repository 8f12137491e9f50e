/* test_berclosed: closed forms against hand values, brute-force enumeration
 * of Gray PAM decision regions, numerical fading averages and binomial
 * definitions of the Clopper-Pearson interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_bessel.h>

#include "channel/berclosed.h"

#define REL(a, b, tol) (fabs((a) - (b)) <= (tol) * fabs(b))

/* Q-function table (Abramowitz & Stegun Table 26.1, 1 - P(x)) */
static void q_table(void **state)
{
    (void)state;
    assert_true(fl_berclosed_q(0.0) == 0.5);
    assert_true(REL(fl_berclosed_q(1.0), 0.158655253931457, 1e-12));
    assert_true(REL(fl_berclosed_q(2.0), 0.022750131948179, 1e-12));
    assert_true(REL(fl_berclosed_q(3.0), 1.349898031630095e-3, 1e-12));
    assert_true(REL(fl_berclosed_q(4.0), 3.167124183311992e-5, 1e-12));
    assert_true(REL(fl_berclosed_q(-1.0), 1.0 - 0.158655253931457, 1e-12));
    assert_true(REL(fl_berclosed_db2lin(10.0), 10.0, 1e-15));
}

/* BPSK reaches 1e-5 near Eb/N0 = 9.59 dB; QPSK has the same BER per bit */
static void bpsk_qpsk_hand_values(void **state)
{
    (void)state;
    double g = fl_berclosed_db2lin(9.59);
    assert_true(REL(fl_berclosed_ber_awgn(1, g), 1e-5, 0.02));
    assert_true(REL(fl_berclosed_ber_awgn(2, g), fl_berclosed_ber_awgn(1, g), 1e-14));
    /* 0 dB: Q(sqrt 2) = 0.0786496 */
    assert_true(REL(fl_berclosed_ber_awgn(1, 1.0), 0.0786496035251426, 1e-10));
    assert_true(REL(fl_berclosed_ser_awgn(1, 1.0), 0.0786496035251426, 1e-10));
    /* QPSK SER = 1 - (1 - Q)^2 */
    double q = fl_berclosed_q(sqrt(2.0 * 4.0));
    assert_true(REL(fl_berclosed_ser_awgn(2, 4.0), 1.0 - (1.0 - q) * (1.0 - q), 1e-12));
    assert_true(isnan(fl_berclosed_ber_awgn(3, 1.0)));
}

/* 16-QAM Gray: Pb = (3Q(x) + 2Q(3x) - Q(5x))/4, x = sqrt(4 Eb/N0 / 5)
 * (expanding Cho & Yoon by hand); at 10 dB, 0.75 Q(sqrt 8) = 1.75415e-3 */
static void qam16_hand_values(void **state)
{
    (void)state;
    for (double db = -2.0; db <= 16.0; db += 2.0) {
        double g = fl_berclosed_db2lin(db), x = sqrt(0.8 * g);
        double want = (3 * fl_berclosed_q(x) + 2 * fl_berclosed_q(3 * x) - fl_berclosed_q(5 * x)) / 4;
        assert_true(REL(fl_berclosed_ber_awgn(4, g), want, 1e-12));
    }
    assert_true(REL(fl_berclosed_ber_awgn(4, 10.0), 1.75415e-3, 1e-4));
    /* SER 16-QAM: P_L = 1.5 Q(sqrt(Es/(5 N0))), Ps = 1 - (1 - P_L)^2 */
    double pl = 1.5 * fl_berclosed_q(sqrt(4.0 * 10.0 / 5.0));
    assert_true(REL(fl_berclosed_ser_awgn(4, 10.0), 1.0 - (1 - pl) * (1 - pl), 1e-12));
}

static unsigned gray(unsigned i) { return i ^ (i >> 1); }

/* exact BER and SER of one Gray PAM axis by enumerating decision regions:
 * P(j | i) = Q((2(j-i)-1) d/s) - Q((2(j-i)+1) d/s) with open outer regions */
static void pam_enumerate(unsigned k, double ebn0, double *ber, double *ser)
{
    unsigned ab = k == 1 ? 1 : k / 2, L = 1u << ab;
    double M = (double)(1u << k);
    double es = k * ebn0; /* N0 = 1 */
    double d = k == 1 ? sqrt(es) : sqrt(3.0 * es / (2.0 * (M - 1.0)));
    double s = sqrt(0.5);
    double bits = 0, wrong = 0;
    for (unsigned i = 0; i < L; i++)
        for (unsigned j = 0; j < L; j++) {
            double lo = j == 0 ? -INFINITY : (2.0 * ((double)j - i) - 1.0) * d / s;
            double hi = j == L - 1 ? INFINITY : (2.0 * ((double)j - i) + 1.0) * d / s;
            /* both limits negative: use symmetry to avoid 1 - 1 cancellation */
            double p = hi <= 0.0 ? fl_berclosed_q(-hi) - fl_berclosed_q(-lo)
                                 : fl_berclosed_q(lo) - fl_berclosed_q(hi);
            bits += p * __builtin_popcount(gray(i) ^ gray(j));
            if (i != j)
                wrong += p;
        }
    *ber = bits / (L * ab);
    double pe = wrong / L; /* per-axis error probability, no 1 - x cancellation */
    *ser = k == 1 ? pe : 2.0 * pe - pe * pe;
}

static void qam_vs_enumeration(void **state)
{
    (void)state;
    const unsigned ks[] = {1, 2, 4, 6, 8};
    for (int ki = 0; ki < 5; ki++)
        for (double db = -4.0; db <= 24.0; db += 2.0) {
            double g = fl_berclosed_db2lin(db), b, s;
            pam_enumerate(ks[ki], g, &b, &s);
            if (b > 1e-300)
                assert_true(REL(fl_berclosed_ber_awgn(ks[ki], g), b, 1e-9));
            if (s > 1e-300)
                assert_true(REL(fl_berclosed_ser_awgn(ks[ki], g), s, 1e-9));
        }
}

struct avg {
    unsigned k;
    double gm, K;
    int ser;
};

/* Rician SNR pdf (Simon & Alouini eq. 2.16), I0 scaled to avoid overflow */
static double fade_integrand(double g, void *p)
{
    const struct avg *a = p;
    double K = a->K, gm = a->gm;
    double z = 2.0 * sqrt(K * (1.0 + K) * g / gm);
    double pdf = (1.0 + K) / gm * exp(-K - (1.0 + K) * g / gm + z) * gsl_sf_bessel_I0_scaled(z);
    double e = a->ser ? fl_berclosed_ser_awgn(a->k, g) : fl_berclosed_ber_awgn(a->k, g);
    return e * pdf;
}

static double fade_numeric(unsigned k, double gm, double K, int ser)
{
    struct avg a = {k, gm, K, ser};
    gsl_function f = {fade_integrand, &a};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    double r, e;
    gsl_integration_qagiu(&f, 0.0, 0.0, 1e-10, 1000, w, &r, &e);
    gsl_integration_workspace_free(w);
    return r;
}

/* Rayleigh: BPSK hand value 1/2 (1 - sqrt(10/11)) at 10 dB; every scheme equals
 * the numerical average of the AWGN expression over the exponential pdf */
static void rayleigh_vs_numeric(void **state)
{
    (void)state;
    assert_true(REL(fl_berclosed_ber_rayleigh(1, 10.0), 0.5 * (1 - sqrt(10.0 / 11.0)), 1e-12));
    assert_true(REL(fl_berclosed_ber_rayleigh(2, 10.0), 0.5 * (1 - sqrt(10.0 / 11.0)), 1e-12));
    const unsigned ks[] = {1, 2, 4, 6, 8};
    for (int ki = 0; ki < 5; ki++)
        for (double db = 0.0; db <= 30.0; db += 10.0) {
            double g = fl_berclosed_db2lin(db);
            assert_true(REL(fl_berclosed_ber_rayleigh(ks[ki], g), fade_numeric(ks[ki], g, 0.0, 0), 1e-6));
            assert_true(REL(fl_berclosed_ser_rayleigh(ks[ki], g), fade_numeric(ks[ki], g, 0.0, 1), 1e-6));
        }
}

/* Rician: K = 0 is Rayleigh; K = 3 equals the numerical average over the
 * Rician pdf; very large K tends to AWGN */
static void rician_vs_numeric(void **state)
{
    (void)state;
    const unsigned ks[] = {1, 4, 8};
    for (int ki = 0; ki < 3; ki++) {
        double g = fl_berclosed_db2lin(12.0);
        assert_true(REL(fl_berclosed_ber_rician(ks[ki], g, 0.0), fl_berclosed_ber_rayleigh(ks[ki], g), 1e-8));
        assert_true(REL(fl_berclosed_ber_rician(ks[ki], g, 3.0), fade_numeric(ks[ki], g, 3.0, 0), 1e-6));
        assert_true(REL(fl_berclosed_ber_rician(ks[ki], g, 1e6), fl_berclosed_ber_awgn(ks[ki], g), 1e-3));
    }
}

/* Clopper-Pearson: closed forms at k = 0, 1, n; binomial tails at the bounds
 * equal alpha/2 (the definition); huge n tends to the Poisson (gamma) limit */
static void clopper_pearson(void **state)
{
    (void)state;
    double lo, hi;
    assert_int_equal(fl_berclosed_clopper_pearson(0, 10, 0.95, &lo, &hi), 0);
    assert_true(lo == 0.0 && REL(hi, 1.0 - pow(0.025, 0.1), 1e-9)); /* 0.30850 */
    assert_true(REL(hi, 0.3084971, 1e-6));
    assert_int_equal(fl_berclosed_clopper_pearson(1, 10, 0.95, &lo, &hi), 0);
    assert_true(REL(lo, 1.0 - pow(0.975, 0.1), 1e-9)); /* 0.0025286 */
    assert_true(REL(hi, 0.4450161, 1e-6));
    assert_int_equal(fl_berclosed_clopper_pearson(10, 10, 0.95, &lo, &hi), 0);
    assert_true(hi == 1.0 && REL(lo, pow(0.025, 0.1), 1e-9));
    assert_int_equal(fl_berclosed_clopper_pearson(37, 1000, 0.95, &lo, &hi), 0);
    assert_true(REL(gsl_cdf_binomial_Q(36, lo, 1000), 0.025, 1e-7));
    assert_true(REL(gsl_cdf_binomial_P(37, hi, 1000), 0.025, 1e-7));
    assert_true(lo < 0.037 && hi > 0.037);
    /* n = 1e10, k = 200: n p_lo -> Gamma(200) 2.5% quantile, n p_hi -> Gamma(201) 97.5% */
    assert_int_equal(fl_berclosed_clopper_pearson(200, 10000000000ull, 0.95, &lo, &hi), 0);
    assert_true(REL(lo * 1e10, gsl_cdf_gamma_Pinv(0.025, 200, 1), 1e-6));
    assert_true(REL(hi * 1e10, gsl_cdf_gamma_Qinv(0.025, 201, 1), 1e-6));
    /* large counts (GSL's beta CDF gives NaN there): the interval contains
     * k/n and its width matches the normal limit 2 * 1.95996 sqrt(p(1-p)/n) */
    uint64_t nb = 20001600ull, kb = 2157000ull;
    double pb = (double)kb / (double)nb;
    assert_int_equal(fl_berclosed_clopper_pearson(kb, nb, 0.95, &lo, &hi), 0);
    assert_true(lo < pb && hi > pb);
    assert_true(REL(hi - lo, 2 * 1.959964 * sqrt(pb * (1 - pb) / (double)nb), 1e-2));
    assert_true(REL(pb - lo, hi - pb, 1e-2));
    assert_int_equal(fl_berclosed_clopper_pearson(11, 10, 0.95, &lo, &hi), -EINVAL);
    assert_int_equal(fl_berclosed_clopper_pearson(1, 0, 0.95, &lo, &hi), -EINVAL);
    assert_int_equal(fl_berclosed_clopper_pearson(1, 10, 1.0, &lo, &hi), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(q_table),
        cmocka_unit_test(bpsk_qpsk_hand_values),
        cmocka_unit_test(qam16_hand_values),
        cmocka_unit_test(qam_vs_enumeration),
        cmocka_unit_test(rayleigh_vs_numeric),
        cmocka_unit_test(rician_vs_numeric),
        cmocka_unit_test(clopper_pearson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
