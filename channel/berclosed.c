/* berclosed: closed-form error rates (see berclosed.h for the sources).
 *
 * Square M-QAM Gray BER: K. Cho, D. Yoon, IEEE Trans. Commun. 50(7) 2002,
 *   Pb = (1/log2 L) sum_{b=1}^{log2 L} Pb(b),  L = sqrt(M),
 *   Pb(b) = (1/L) sum_{i=0}^{(1-2^-b) L - 1} (-1)^{floor(i 2^{b-1} / L)}
 *           (2^{b-1} - floor(i 2^{b-1}/L + 1/2)) erfc((2i+1) sqrt(3 log2(M) g / (2 (M-1)))),
 * rewritten with erfc(x) = 2 Q(sqrt 2 x) as sum_j w_j Q(a_j sqrt(g)).
 */
#include "channel/berclosed.h"

#include <errno.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>

double fl_berclosed_db2lin(double db) { return pow(10.0, db / 10.0); }

double fl_berclosed_q(double x) { return 0.5 * erfc(x / M_SQRT2); }

static int valid_k(unsigned k) { return k == 1 || k == 2 || k == 4 || k == 6 || k == 8; }

int fl_berclosed_ber_terms(unsigned k, double *w, double *a)
{
    if (!valid_k(k))
        return 0;
    if (k == 1) { /* BPSK: Q(sqrt(2 g)), Proakis eq. 4.3-13 */
        w[0] = 1.0;
        a[0] = M_SQRT2;
        return 1;
    }
    const unsigned hb = k / 2;            /* log2 L */
    const unsigned L = 1u << hb;
    const double M = (double)(1u << k);
    const double base = sqrt(3.0 * k / (M - 1.0)); /* sqrt 2 * sqrt(3 k /(2(M-1))) */
    int n = 0;
    /* accumulate the weight of each odd multiple (2i+1) over the bit levels */
    double acc[128] = {0};
    for (unsigned b = 1; b <= hb; b++) {
        const unsigned p = 1u << (b - 1);
        const unsigned imax = (unsigned)((1.0 - ldexp(1.0, -(int)b)) * L); /* exclusive */
        for (unsigned i = 0; i < imax; i++) {
            double sgn = ((i * p) / L) % 2 ? -1.0 : 1.0;
            double c = (double)p - floor((double)(i * p) / L + 0.5);
            /* (1/L) erfc(.) = (2/L) Q(.) ; then the 1/log2 L average */
            acc[i] += sgn * c * 2.0 / L / hb;
        }
    }
    for (unsigned i = 0; i < L; i++)
        if (acc[i] != 0.0) {
            w[n] = acc[i];
            a[n] = (2.0 * i + 1.0) * base;
            n++;
        }
    return n;
}

double fl_berclosed_ber_awgn(unsigned k, double ebn0)
{
    double w[64], a[64];
    int n = fl_berclosed_ber_terms(k, w, a);
    if (n == 0 || !(ebn0 >= 0.0))
        return NAN;
    double s = 0.0;
    for (int j = 0; j < n; j++)
        s += w[j] * fl_berclosed_q(a[j] * sqrt(ebn0));
    return s;
}

/* E[Q(a sqrt(g))] for g ~ Exp(mean gm): (1/2)(1 - sqrt(c/(1+c))), c = a^2 gm / 2
 * (Simon & Alouini eq. 5.6) */
static double rayleigh_q(double a, double gm)
{
    double c = a * a * gm / 2.0;
    return 0.5 * (1.0 - sqrt(c / (1.0 + c)));
}

double fl_berclosed_ber_rayleigh(unsigned k, double ebn0)
{
    double w[64], a[64];
    int n = fl_berclosed_ber_terms(k, w, a);
    if (n == 0 || !(ebn0 >= 0.0))
        return NAN;
    double s = 0.0;
    for (int j = 0; j < n; j++)
        s += w[j] * rayleigh_q(a[j], ebn0);
    return s;
}

/* Craig's form: Q(x) = (1/pi) int_0^{pi/2} exp(-x^2/(2 sin^2 t)) dt and
 * Q^2(x) = (1/pi) int_0^{pi/4} exp(-x^2/(2 sin^2 t)) dt (Simon & Alouini
 * eqs. 4.2, 4.9); averaging over the SNR replaces exp(-s g) by the MGF
 * M(-s). Rician MGF (Simon & Alouini Table 2.2):
 *   M(-s) = (1+K)/(1+K+s gm) exp(-K s gm/(1+K+s gm)). */
struct craig {
    double a2, gm, K;
};

static double craig_integrand(double t, void *p)
{
    const struct craig *c = p;
    double st = sin(t);
    if (st <= 0.0)
        return 0.0;
    double s = c->a2 / (2.0 * st * st);
    double den = 1.0 + c->K + s * c->gm;
    return (1.0 + c->K) / den * exp(-c->K * s * c->gm / den) / M_PI;
}

static double craig_avg(double a, double gm, double K, double upper)
{
    struct craig c = {a * a, gm, K};
    gsl_function f = {craig_integrand, &c};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(256);
    if (!ws)
        return NAN;
    double r = NAN, err;
    /* smooth, bounded integrand: QAG 61-point Gauss-Kronrod, 1e-12 relative */
    int st = gsl_integration_qag(&f, 0.0, upper, 0.0, 1e-12, 256, GSL_INTEG_GAUSS61, ws, &r, &err);
    gsl_integration_workspace_free(ws);
    (void)st;
    return r;
}

double fl_berclosed_ber_rician(unsigned k, double ebn0, double k_factor)
{
    double w[64], a[64];
    int n = fl_berclosed_ber_terms(k, w, a);
    if (n == 0 || !(ebn0 >= 0.0) || !(k_factor >= 0.0))
        return NAN;
    double s = 0.0;
    for (int j = 0; j < n; j++)
        s += w[j] * craig_avg(a[j], ebn0, k_factor, M_PI / 2.0);
    return s;
}

/* square QAM: P_L = 2(1 - 1/L) Q(sqrt(3 Es/N0 / (M-1))) per axis,
 * Ps = 1 - (1 - P_L)^2 (Proakis eq. 4.3-30); BPSK Ps = Pb */
double fl_berclosed_ser_awgn(unsigned k, double ebn0)
{
    if (!valid_k(k) || !(ebn0 >= 0.0))
        return NAN;
    if (k == 1)
        return fl_berclosed_q(sqrt(2.0 * ebn0));
    double M = (double)(1u << k), L = sqrt(M);
    double pl = 2.0 * (1.0 - 1.0 / L) * fl_berclosed_q(sqrt(3.0 * k * ebn0 / (M - 1.0)));
    return 2.0 * pl - pl * pl; /* = 1 - (1 - P_L)^2 without cancellation */
}

/* Rayleigh SER: Ps = 2 c E[Q(x)] - c^2 E[Q^2(x)], c = 2(1 - 1/L),
 * x = sqrt(3 Es/N0 / (M-1)) with E[Q^2] from Craig's pi/4 form */
double fl_berclosed_ser_rayleigh(unsigned k, double ebn0)
{
    if (!valid_k(k) || !(ebn0 >= 0.0))
        return NAN;
    if (k == 1)
        return rayleigh_q(M_SQRT2, ebn0);
    double M = (double)(1u << k), L = sqrt(M);
    double c = 2.0 * (1.0 - 1.0 / L);
    double a = sqrt(3.0 * k / (M - 1.0));
    return 2.0 * c * rayleigh_q(a, ebn0) - c * c * craig_avg(a, ebn0, 0.0, M_PI / 4.0);
}

/* Regularised incomplete beta I_x(a, b) by its continued fraction evaluated
 * with the modified Lentz method (Abramowitz & Stegun 26.5.8; W. J. Lentz,
 * Appl. Opt. 15 (1976); Thompson & Barnett, J. Comput. Phys. 64 (1986)),
 * switching to I_x(a,b) = 1 - I_{1-x}(b,a) past the mean so the fraction
 * converges. Used where GSL's gsl_cdf_beta_P returns NaN (parameters ~1e6 and
 * more near the mean). Returns I_x(a,b) and, through *_q, 1 - I_x(a,b)
 * computed without cancellation. */
static double beta_cf(double x, double a, double b)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m < 10000000; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1.0 + aa / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1.0 + aa / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-15)
            break;
    }
    return h;
}

static double ibeta(double x, double a, double b, double *q)
{
    if (x <= 0.0) {
        *q = 1.0;
        return 0.0;
    }
    if (x >= 1.0) {
        *q = 0.0;
        return 1.0;
    }
    /* x^a (1-x)^b / B(a,b) in logs */
    double lf = a * log(x) + b * log1p(-x) - (lgamma(a) + lgamma(b) - lgamma(a + b));
    if (x < (a + 1.0) / (a + b + 2.0)) {
        double p = exp(lf) * beta_cf(x, a, b) / a;
        *q = 1.0 - p;
        return p;
    }
    double qq = exp(lf) * beta_cf(1.0 - x, b, a) / b;
    *q = qq;
    return 1.0 - qq;
}

static double beta_p(double x, double a, double b)
{
    double p = gsl_cdf_beta_P(x, a, b), q;
    return isfinite(p) ? p : ibeta(x, a, b, &q);
}

static double beta_q(double x, double a, double b)
{
    double q = gsl_cdf_beta_Q(x, a, b);
    if (!isfinite(q))
        ibeta(x, a, b, &q);
    return q;
}

/* Clopper & Pearson (Biometrika 26, 1934): lo = Beta^-1(alpha/2; k, n-k+1),
 * hi = Beta^-1(1-alpha/2; k+1, n-k). GSL's own beta inverse does not converge
 * for n ~ 1e10, so the quantiles are found by bisection in log x on the beta
 * CDFs (monotone), from [1e-300, 1] to a relative width of 1e-15. */
static double beta_quantile_lower(double p, double a, double b)
{
    double lo = log(1e-300), hi = 0.0; /* P(x; a, b) increasing in x */
    for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
        double mid = 0.5 * (lo + hi);
        if (beta_p(exp(mid), a, b) < p)
            lo = mid;
        else
            hi = mid;
    }
    return exp(0.5 * (lo + hi));
}

static double beta_quantile_upper(double q, double a, double b)
{
    double lo = log(1e-300), hi = 0.0; /* Q(x; a, b) decreasing in x */
    for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
        double mid = 0.5 * (lo + hi);
        if (beta_q(exp(mid), a, b) > q)
            lo = mid;
        else
            hi = mid;
    }
    return exp(0.5 * (lo + hi));
}

int fl_berclosed_clopper_pearson_real(double k, double nn, double conf, double *lo, double *hi)
{
    if (!lo || !hi || !(nn > 0) || !(k >= 0 && k <= nn) || !(conf > 0.0 && conf < 1.0))
        return -EINVAL;
    double alpha = 1.0 - conf;
    *lo = k == 0 ? 0.0 : beta_quantile_lower(alpha / 2.0, k, nn - k + 1.0);
    *hi = k == nn ? 1.0 : beta_quantile_upper(alpha / 2.0, k + 1.0, nn - k);
    return 0;
}

int fl_berclosed_clopper_pearson(uint64_t errors, uint64_t n, double conf, double *lo,
                              double *hi)
{
    if (n == 0 || errors > n)
        return -EINVAL;
    return fl_berclosed_clopper_pearson_real((double)errors, (double)n, conf, lo, hi);
}
