/* capacity: Shannon-capacity link budget (C = B log2(1 + SNR), Shannon 1948)
 * and fading capacities (ergodic, outage, eps-outage; sources below). */
#include "channel/capacity.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_bessel.h>
#include <gsl/gsl_sf_expint.h>
#include <math.h>

double fl_capacity_db2lin(double db) { return pow(10.0, db / 10.0); }

/* log1p keeps full accuracy at very low SNR, where 1 + snr rounds. */
double fl_capacity_awgn(double snr) { return log1p(snr) / M_LN2; }

double fl_capacity_min_bandwidth_hz(double bits, double budget_s, double snr_db)
{
    double c = fl_capacity_awgn(fl_capacity_db2lin(snr_db));
    return c > 0.0 ? bits / (budget_s * c) : INFINITY;
}

double fl_capacity_transfer_time_s(double bits, double bandwidth_hz, double snr_db)
{
    double c = fl_capacity_awgn(fl_capacity_db2lin(snr_db));
    return c > 0.0 ? bits / (bandwidth_hz * c) : INFINITY;
}

/* Fading capacities. Rayleigh closed forms: W. C. Y. Lee, "Estimate of channel
 * capacity in Rayleigh fading environment", IEEE Trans. Veh. Technol. 39(3),
 * 1990; M.-S. Alouini, A. J. Goldsmith, IEEE Trans. Veh. Technol. 48(4), 1999.
 * Outage and eps-outage capacity: D. Tse, P. Viswanath, "Fundamentals of
 * Wireless Communication", 2005, §5.4.1. Rician: direct numerical integration
 * of the noncentral chi-square (2 degrees of freedom) power pdf with GSL's
 * adaptive Gauss-Kronrod rules (QAGP on the bulk, QAGIU on the tail).
 */

#define CAP_K_MAX 1e6
#define CAP_EPSREL 1e-10
#define CAP_LIMIT 1000
static const double LN2 = 0.69314718055994530942;
static const double LOG2E = 1.44269504088896340736;

double fl_capacity_ergodic_rayleigh(double snr)
{
    if (!(snr >= 0.0))
        return NAN;
    if (snr == 0.0 || isinf(snr))
        return snr;
    if (snr < 1e-200)  // E ln(1 + snr x) = snr - snr^2 + ... ; 1/snr would overflow
        return snr * LOG2E;
    // Lee 1990: C = log2(e) e^{1/snr} E1(1/snr); E1_scaled(x) = e^x E1(x) avoids
    // the overflow of e^{1/snr} at low SNR.
    return LOG2E * gsl_sf_expint_E1_scaled(1.0 / snr);
}

double fl_capacity_outage_rayleigh(double snr, double rate)
{
    if (!(snr >= 0.0) || !(rate >= 0.0))
        return NAN;
    if (rate == 0.0)
        return 0.0;
    if (snr == 0.0)
        return 1.0;
    // P(|h|^2 < (2^R - 1)/snr) = 1 - e^{-(2^R-1)/snr}, |h|^2 ~ Exp(1)
    return -expm1(-expm1(rate * LN2) / snr);
}

double fl_capacity_eps_outage_rayleigh(double snr, double eps)
{
    if (!(snr >= 0.0) || !(eps > 0.0 && eps < 1.0))
        return NAN;
    // Tse & Viswanath §5.4.1: C_eps = log2(1 + F^-1(eps) snr), F^-1(eps) = -ln(1 - eps)
    return log1p(-snr * log1p(-eps)) / LN2;
}

// Rician power pdf with E|h|^2 = 1 (Simon & Alouini 2005, §2.2.1.3):
// f(x) = (K+1) e^{-K} e^{-(K+1)x} I0(2 sqrt(K(K+1)x))
//      = (K+1) I0_scaled(z) exp(-(sqrt(K) - sqrt((K+1)x))^2),  z = 2 sqrt(K(K+1)x),
// the second form free of overflow for large K.
static double cap_rice_pdf(double x, double k)
{
    if (!(x >= 0.0))
        return 0.0;
    double z = 2.0 * sqrt(k * (k + 1.0) * x);
    double d = sqrt(k) - sqrt((k + 1.0) * x);
    return (k + 1.0) * gsl_sf_bessel_I0_scaled(z) * exp(-d * d);
}

static double cap_pdf_fn(double x, void *par) { return cap_rice_pdf(x, *(const double *)par); }

struct cap_erg { double k, snr; };
static double cap_erg_fn(double x, void *par)
{
    const struct cap_erg *e = par;
    return log1p(e->snr * x) / LN2 * cap_rice_pdf(x, e->k);
}

// bulk of the pdf: mean 1, std sqrt(2K+1)/(K+1) (noncentral chi-square variance)
static void cap_bulk(double k, double *lo, double *hi)
{
    double s = sqrt(2.0 * k + 1.0) / (k + 1.0);
    *lo = 1.0 - 12.0 * s > 0.0 ? 1.0 - 12.0 * s : 0.0;
    *hi = 1.0 + 12.0 * s;
}

// integral of f over [a, b] (b may be +inf), with breakpoints at the bulk edges
// and, when x0 > 0, at x0, 10 x0, 100 x0 ... below the bulk: log1p(snr x) bends at
// x ~ 1/snr, and at high SNR that bend lies decades below the pdf's bulk.
static int cap_integrate(gsl_function *f, double k, double a, double b, double x0, double *res)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(CAP_LIMIT);
    if (!w)
        return -ENOMEM;
    double lo, hi, pts[48], r, err, sum = 0.0;
    cap_bulk(k, &lo, &hi);
    int np = 0, rc = 0;
    double fin = isinf(b) ? (hi > a ? hi : a) : b;  // finite part [a, fin]
    pts[np++] = a;
    double edge = lo > 0.0 ? lo : hi;
    for (double x = x0; x0 > 0.0 && x < 0.5 * edge && np < 40; x *= 10.0)
        if (x > a && x < fin)
            pts[np++] = x;
    if (lo > pts[np - 1] && lo < fin)
        pts[np++] = lo;
    if (hi > pts[np - 1] && hi < fin)
        pts[np++] = hi;
    pts[np++] = fin;
    if (fin > a) {
        rc = gsl_integration_qagp(f, pts, (size_t)np, 0.0, CAP_EPSREL, CAP_LIMIT, w, &r, &err);
        if (rc == 0)
            sum += r;
    }
    if (rc == 0 && isinf(b)) {
        rc = gsl_integration_qagiu(f, fin, 0.0, CAP_EPSREL, CAP_LIMIT, w, &r, &err);
        if (rc == 0)
            sum += r;
    }
    gsl_integration_workspace_free(w);
    if (rc)
        return -ERANGE;
    *res = sum;
    return 0;
}

int fl_capacity_rician_power_cdf(double k_factor, double x, double *p)
{
    if (!p || !(k_factor >= 0.0 && k_factor <= CAP_K_MAX) || isnan(x))
        return -EINVAL;
    if (x <= 0.0) {
        *p = 0.0;
        return 0;
    }
    if (isinf(x)) {
        *p = 1.0;
        return 0;
    }
    double k = k_factor, r;
    gsl_function f = {cap_pdf_fn, &k};
    // below the mean integrate the lower tail, above it the upper tail, so that
    // small probabilities keep their relative accuracy
    int rc = x <= 1.0 ? cap_integrate(&f, k, 0.0, x, 0.0, &r) : cap_integrate(&f, k, x, INFINITY, 0.0, &r);
    if (rc)
        return rc;
    *p = x <= 1.0 ? r : 1.0 - r;
    if (*p < 0.0) *p = 0.0;
    if (*p > 1.0) *p = 1.0;
    return 0;
}

int fl_capacity_ergodic_rician(double snr, double k_factor, double *bits_per_hz)
{
    if (!bits_per_hz || !(snr >= 0.0) || isinf(snr) || !(k_factor >= 0.0 && k_factor <= CAP_K_MAX))
        return -EINVAL;
    if (snr == 0.0) {
        *bits_per_hz = 0.0;
        return 0;
    }
    // C = int_0^inf log2(1 + snr x) f(x) dx
    struct cap_erg e = {k_factor, snr};
    gsl_function f = {cap_erg_fn, &e};
    return cap_integrate(&f, k_factor, 0.0, INFINITY, 1.0 / snr, bits_per_hz);
}

int fl_capacity_outage_rician(double snr, double k_factor, double rate, double *p_out)
{
    if (!p_out || !(snr >= 0.0) || !(rate >= 0.0) || isinf(rate) ||
        !(k_factor >= 0.0 && k_factor <= CAP_K_MAX))
        return -EINVAL;
    if (rate == 0.0) {
        *p_out = 0.0;
        return 0;
    }
    if (snr == 0.0) {
        *p_out = 1.0;
        return 0;
    }
    // P(log2(1 + snr |h|^2) < R) = F((2^R - 1) / snr)
    return fl_capacity_rician_power_cdf(k_factor, expm1(rate * LN2) / snr, p_out);
}

struct cap_root { double k, eps; int rc; };
static double cap_root_fn(double x, void *par)
{
    struct cap_root *c = par;
    double p = 0.0;
    int rc = fl_capacity_rician_power_cdf(c->k, x, &p);
    if (rc)
        c->rc = rc;
    return p - c->eps;
}

int fl_capacity_eps_outage_rician(double snr, double k_factor, double eps, double *bits_per_hz)
{
    if (!bits_per_hz || !(snr >= 0.0) || isinf(snr) || !(eps > 0.0 && eps < 1.0) ||
        !(k_factor >= 0.0 && k_factor <= CAP_K_MAX))
        return -EINVAL;
    struct cap_root c = {k_factor, eps, 0};
    // bracket x_eps = F^-1(eps) in [lo, hi]: F(0) = 0 < eps, double hi until F(hi) >= eps
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 64 && cap_root_fn(hi, &c) < 0.0 && !c.rc; i++) {
        lo = hi;
        hi *= 2.0;
    }
    if (c.rc)
        return c.rc;
    if (cap_root_fn(hi, &c) < 0.0)
        return -ERANGE;
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return -ENOMEM;
    gsl_function f = {cap_root_fn, &c};
    int rc = gsl_root_fsolver_set(s, &f, lo, hi);
    int status = GSL_CONTINUE;
    for (int it = 0; rc == 0 && status == GSL_CONTINUE && it < 200 && !c.rc; it++) {
        rc = gsl_root_fsolver_iterate(s);
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                        0.0, 1e-13);
    }
    double x = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    if (c.rc)
        return c.rc;
    if (rc || status != GSL_SUCCESS)
        return -ERANGE;
    // Tse & Viswanath §5.4.1: C_eps = log2(1 + snr F^-1(eps))
    *bits_per_hz = log1p(snr * x) / LN2;
    return 0;
}

int fl_capacity_fading_point(double snr_db, double k_factor, double rate, double eps,
                          capacity_fading *out)
{
    if (!out || !isfinite(snr_db) || !(rate >= 0.0) || isinf(rate) || !(eps > 0.0 && eps < 1.0) ||
        !(k_factor >= 0.0 && k_factor <= CAP_K_MAX))
        return -EINVAL;
    double snr = fl_capacity_db2lin(snr_db);
    if (isinf(snr))
        return -ERANGE;
    if (k_factor == 0.0) {
        out->ergodic_bphz = fl_capacity_ergodic_rayleigh(snr);
        out->outage_prob = fl_capacity_outage_rayleigh(snr, rate);
        out->eps_outage_bphz = fl_capacity_eps_outage_rayleigh(snr, eps);
        return 0;
    }
    int rc = fl_capacity_ergodic_rician(snr, k_factor, &out->ergodic_bphz);
    if (!rc)
        rc = fl_capacity_outage_rician(snr, k_factor, rate, &out->outage_prob);
    if (!rc)
        rc = fl_capacity_eps_outage_rician(snr, k_factor, eps, &out->eps_outage_bphz);
    return rc;
}
