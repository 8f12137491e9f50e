/* test_point_capacity: the capacity columns of PINR and rate-distortion
 * points, each against the capacity its name says, computed here
 * independently of channel/capacity: the AWGN columns from log2(1 + γ), the
 * ergodic ones from Lee's closed form log2(e) e^{1/γ} E1(1/γ) with GSL's
 * unscaled E1 (the library uses the scaled one) and from a numerical
 * integral over the fading amplitude (the library integrates over the
 * power), the ε-outage ones from log2(1 - γ ln(1 - ε)). Reference values
 * (mpmath, 30 digits):
 *   γ = 10:  log2(11) = 3.45943161863730, C_erg Rayleigh = 2.90651480841480,
 *            C_erg Rician K = 3 = 3.17570454644014
 *   γ = 1:   C_erg Rayleigh = 0.860347382270886
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_bessel.h>
#include <gsl/gsl_sf_expint.h>
#include <math.h>
#include <stdio.h>

#include "sim/point.h"
#include "sim/scenario.h"

static const double LOG2E = 1.44269504088896340736;

static void assert_rel(double got, double want, double rel, const char *what)
{
    if (!(fabs(got - want) <= rel * fabs(want))) {
        print_error("%s: got %.15g want %.15g (rel %.3g > %.3g)\n", what, got, want, fabs(got / want - 1.0), rel);
        fail();
    }
}

static double col(const row *r, const char *name)
{
    const row_col *c = fl_row_find(r, name);
    if (!c)
        fail_msg("missing column %s", name);
    return c->value;
}

static void run_point(const char *json, row *r)
{
    char err[SCN_ERR_LEN] = "";
    scenario *s = fl_scenario_load_text(json, "test", NULL, 0, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    fl_config c;
    assert_int_equal(fl_scenario_config(s, 0, &c, err, sizeof err), 0);
    point_ctx ctx = {0};
    fl_row_reset(r);
    if (fl_point_run(&c, 0, &ctx, r, err, sizeof err))
        fail_msg("point_run: %s", err);
    fl_scenario_destroy(s);
}

/* Lee 1990 with the unscaled E1 */
static double lee(double g) { return LOG2E * exp(1.0 / g) * gsl_sf_expint_E1(1.0 / g); }

/* E log2(1 + γ r^2) over the Rician amplitude pdf
 * 2 (K+1) r e^{-K - (K+1) r^2} I0(2 r sqrt(K (K+1))) (K = 0: Rayleigh) */
struct amp { double k, g; };
static double amp_fn(double r, void *p)
{
    const struct amp *a = p;
    double z = 2.0 * r * sqrt(a->k * (a->k + 1.0)); /* I0(z) = I0_scaled(z) e^z */
    double pdf = 2.0 * (a->k + 1.0) * r * exp(z - a->k - (a->k + 1.0) * r * r) * gsl_sf_bessel_I0_scaled(z);
    return log2(1.0 + a->g * r * r) * pdf;
}

static double ergodic_by_amplitude(double k, double g)
{
    struct amp a = {k, g};
    gsl_function f = {amp_fn, &a};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    double lo, hi, e1, e2;
    assert_int_equal(gsl_integration_qags(&f, 0.0, 3.0, 0.0, 1e-12, 1000, w, &lo, &e1), 0);
    assert_int_equal(gsl_integration_qagiu(&f, 3.0, 0.0, 1e-12, 1000, w, &hi, &e2), 0);
    gsl_integration_workspace_free(w);
    return lo + hi;
}

/* the independent references agree with the stated values */
static void test_references(void **state)
{
    (void)state;
    assert_rel(log2(11.0), 3.45943161863730, 1e-14, "log2(11)");
    assert_rel(lee(10.0), 2.90651480841480, 1e-13, "Lee, 10 dB");
    assert_rel(lee(1.0), 0.860347382270886, 1e-13, "Lee, 0 dB");
    assert_rel(ergodic_by_amplitude(0.0, 10.0), 2.90651480841480, 1e-11, "Rayleigh integral, 10 dB");
    assert_rel(ergodic_by_amplitude(3.0, 10.0), 3.17570454644014, 1e-11, "Rician K=3 integral, 10 dB");
}

#define PINR_POINT                                                                                        \
    "{\"source\": {\"tokens\": 64, \"dims\": 32}, \"codec\": {\"select\": \"pinr\", \"f\": 0.2, \"g\": 0.2," \
    " \"h\": 0.2}, \"link\": {\"mode\": \"capacity\", \"budget_s\": 0.5, \"bandwidth_hz\": 2e6},"           \
    " \"channel\": %s}"

/* PINR over Rayleigh fading at γ = 10 dB: transfer_time_s at the AWGN
 * capacity of the mean SNR, transfer_time_ergodic_s and the bandwidths at
 * the ergodic and ε-outage capacities; by Jensen the ergodic time is longer
 * (ratio log2(11) / 2.9065148 = 1.19022). */
static void test_pinr_rayleigh(void **state)
{
    (void)state;
    char js[512];
    snprintf(js, sizeof js, PINR_POINT, "{\"kind\": \"rayleigh\", \"snr_db\": 10, \"outage_eps\": 0.01}");
    row r;
    run_point(js, &r);
    double bits = col(&r, "measured_bits"), c_erg = lee(10.0);
    assert_true(bits > 0);
    assert_rel(col(&r, "transfer_time_s"), bits / (2e6 * log2(11.0)), 1e-12, "transfer_time_s");
    assert_rel(col(&r, "ergodic_capacity_bps_hz"), c_erg, 1e-12, "ergodic_capacity_bps_hz");
    assert_rel(col(&r, "transfer_time_ergodic_s"), bits / (2e6 * c_erg), 1e-12, "transfer_time_ergodic_s");
    assert_rel(col(&r, "min_bandwidth_ergodic_hz"), bits / (0.5 * c_erg), 1e-12, "min_bandwidth_ergodic_hz");
    assert_rel(col(&r, "transfer_time_ergodic_s") / col(&r, "transfer_time_s"), 3.45943161863730 / 2.90651480841480,
               1e-12, "Jensen ratio");
    /* ε-outage: log2(1 - 10 ln 0.99) = log2(1.1005033585) = 0.1381635 */
    double c_eps = log2(1.0 - 10.0 * log(0.99));
    assert_rel(c_eps, 0.1381635, 1e-6, "eps-outage by hand");
    assert_rel(col(&r, "eps_outage_capacity_bps_hz"), c_eps, 1e-12, "eps_outage_capacity_bps_hz");
    assert_rel(col(&r, "min_bandwidth_eps_outage_hz"), bits / (0.5 * c_eps), 1e-12, "min_bandwidth_eps_outage_hz");
    double rate = bits / (0.5 * 2e6);
    assert_rel(col(&r, "required_rate_bps_hz"), rate, 1e-15, "required_rate_bps_hz");
    assert_rel(col(&r, "outage_prob"), 1.0 - exp(-(pow(2.0, rate) - 1.0) / 10.0), 1e-12, "outage_prob");
    /* the AWGN bandwidths stay the paper's formula */
    assert_rel(col(&r, "measured_min_bandwidth_hz"), bits / (0.5 * log2(11.0)), 1e-12, "measured_min_bandwidth_hz");

    /* 0 dB: C_erg = 0.8603474 against log2(2) = 1 */
    snprintf(js, sizeof js, PINR_POINT, "{\"kind\": \"rayleigh\", \"snr_db\": 0}");
    run_point(js, &r);
    bits = col(&r, "measured_bits");
    assert_rel(col(&r, "transfer_time_s"), bits / 2e6, 1e-12, "transfer_time_s at 0 dB");
    assert_rel(col(&r, "transfer_time_ergodic_s"), bits / (2e6 * 0.860347382270886), 1e-12,
               "transfer_time_ergodic_s at 0 dB");
}

/* Rician K = 3 at 10 dB against the amplitude integral */
static void test_pinr_rician(void **state)
{
    (void)state;
    char js[512];
    snprintf(js, sizeof js, PINR_POINT, "{\"kind\": \"rician\", \"k_factor\": 3, \"snr_db\": 10}");
    row r;
    run_point(js, &r);
    double bits = col(&r, "measured_bits"), c = ergodic_by_amplitude(3.0, 10.0);
    assert_rel(col(&r, "ergodic_capacity_bps_hz"), c, 1e-9, "Rician ergodic_capacity_bps_hz");
    assert_rel(col(&r, "transfer_time_ergodic_s"), bits / (2e6 * c), 1e-9, "Rician transfer_time_ergodic_s");
    assert_rel(col(&r, "transfer_time_s"), bits / (2e6 * log2(11.0)), 1e-12, "Rician transfer_time_s");
}

/* AWGN: transfer_time_s only; no fading column */
static void test_pinr_awgn(void **state)
{
    (void)state;
    char js[512];
    snprintf(js, sizeof js, PINR_POINT, "{\"kind\": \"awgn\", \"snr_db\": 10}");
    row r;
    run_point(js, &r);
    assert_rel(col(&r, "transfer_time_s"), col(&r, "measured_bits") / (2e6 * log2(11.0)), 1e-12, "AWGN transfer_time_s");
    assert_null(fl_row_find(&r, "transfer_time_ergodic_s"));
    assert_null(fl_row_find(&r, "ergodic_capacity_bps_hz"));
    assert_null(fl_row_find(&r, "min_bandwidth_ergodic_hz"));
}

/* A rate-distortion point over Rayleigh fading gets the same columns, from
 * its mean coded frame (two trials) */
static void test_rd_rayleigh(void **state)
{
    (void)state;
    const char *js = "{\"seed\": 3, \"trials\": 2, \"source\": {\"law\": \"gaussian\", \"tokens\": 32, \"dims\": 16},"
                     " \"codec\": {\"quant\": \"uniform\", \"step\": 0.1, \"entropy\": \"laplace\"},"
                     " \"link\": {\"mode\": \"capacity\", \"budget_s\": 0.5, \"bandwidth_hz\": 2e6},"
                     " \"channel\": {\"kind\": \"rayleigh\", \"snr_db\": 10}}";
    row r;
    run_point(js, &r);
    double bits = col(&r, "measured_bits"), c_erg = lee(10.0);
    assert_rel(col(&r, "transfer_time_s"), bits / (2e6 * log2(11.0)), 1e-12, "rd transfer_time_s");
    assert_rel(col(&r, "transfer_time_ergodic_s"), bits / (2e6 * c_erg), 1e-12, "rd transfer_time_ergodic_s");
    assert_rel(col(&r, "min_bandwidth_ergodic_hz"), bits / (0.5 * c_erg), 1e-12, "rd min_bandwidth_ergodic_hz");
    assert_rel(col(&r, "min_bandwidth_hz"), bits / (0.5 * log2(11.0)), 1e-12, "rd min_bandwidth_hz");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_pinr_rayleigh),
        cmocka_unit_test(test_pinr_rician),
        cmocka_unit_test(test_pinr_awgn),
        cmocka_unit_test(test_rd_rayleigh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
