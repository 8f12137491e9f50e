/* capacity: Shannon-capacity link budget and closed-form capacities.
 *
 * SNR convention: snr is the linear ratio of received signal power to noise
 * power in the signal bandwidth (= Es/N0 per complex symbol at Nyquist
 * signalling). snr_db = 10 log10(snr).
 *
 * Fading closed forms (flat fading, perfect CSI at the receiver, no CSI at the
 * transmitter): snr is the AVERAGE received SNR and the instantaneous SNR is
 * snr |h|^2 with E|h|^2 = 1; Rayleigh: |h|^2 ~ Exp(1); Rician with factor K:
 * |h|^2 is noncentral chi-square with 2 degrees of freedom, pdf
 *   f(x) = (K+1) e^{-K} e^{-(K+1)x} I0(2 sqrt(K(K+1)x))   (Simon & Alouini, Digital Communication over
 *   Fading Channels, 2nd ed. 2005, §2.2.1.3 (Nakagami-n / Rice)).
 * Rates are spectral efficiencies in bit/s/Hz (multiply by the bandwidth).
 *
 * The Rician functions use GSL numerical integration and root finding. GSL
 * reports failures through its error handler, which aborts by default: a
 * program using them must call gsl_set_error_handler_off() once at start-up
 * (the functions then return -ERANGE on a convergence failure).
 */
#ifndef FEATLINK_CAPACITY_H
#define FEATLINK_CAPACITY_H

#include <stdint.h>

//  fl_capacity_db2lin : 10^(_db/10)
double fl_capacity_db2lin(double db);
//  fl_capacity_awgn : AWGN spectral efficiency log2(1 + _snr) in bit/s/Hz; _snr linear >= 0
double fl_capacity_awgn(double snr);
//  fl_capacity_min_bandwidth_hz : smallest B with B log2(1+SNR) T >= _bits,
//      i.e. _bits / (_budget_s log2(1 + 10^(_snr_db/10))) (paper 000, Table 1);
//      _budget_s > 0. Returns +inf when the capacity is 0.
double fl_capacity_min_bandwidth_hz(double bits, double budget_s, double snr_db);
//  fl_capacity_transfer_time_s : _bits / (_bandwidth_hz log2(1+SNR)); _bandwidth_hz > 0
double fl_capacity_transfer_time_s(double bits, double bandwidth_hz, double snr_db);


//  fl_capacity_ergodic_rayleigh : E[log2(1 + _snr |h|^2)], Rayleigh, in bit/s/Hz:
//      log2(e) e^{1/snr} E1(1/snr) (W. C. Y. Lee, IEEE Trans. Veh. Technol. 39(3), 1990;
//      Alouini & Goldsmith, IEEE Trans. Veh. Technol. 48(4), 1999).
//      _snr : average SNR, linear, 0 <= _snr < inf. NaN for negative or NaN _snr.
double fl_capacity_ergodic_rayleigh(double snr);
//  fl_capacity_outage_rayleigh : P(log2(1 + _snr |h|^2) < _rate) = 1 - e^{-(2^R - 1)/snr}
//      _snr : average SNR, linear, >= 0;  _rate : target rate R in bit/s/Hz, >= 0
//      (0 for _rate = 0). NaN for bad arguments.
double fl_capacity_outage_rayleigh(double snr, double rate);
//  fl_capacity_eps_outage_rayleigh : largest R with P_out(R) <= _eps:
//      log2(1 - snr ln(1 - eps)) in bit/s/Hz (Tse & Viswanath 2005, §5.4.1)
//      _snr : average SNR, linear, >= 0;  _eps : outage probability, 0 < _eps < 1. NaN if bad.
double fl_capacity_eps_outage_rayleigh(double snr, double eps);

//  fl_capacity_rician_power_cdf : P(|h|^2 <= _x) for Rician fading with E|h|^2 = 1,
//      i.e. 1 - Q1(sqrt(2K), sqrt(2(K+1)x)) (Marcum Q), by numerical integration of f(x).
//   _k_factor : Rician K, linear, 0 <= K <= 1e6 (0 = Rayleigh)
//   _x        : power threshold, any real (<= 0 gives 0)
//   _p        : out, the probability (relative accuracy ~1e-10, tails included)
//   Returns 0, -EINVAL, -ERANGE (integration did not converge).
int fl_capacity_rician_power_cdf(double k_factor, double x, double *p);
//  fl_capacity_ergodic_rician : E[log2(1 + _snr |h|^2)] for Rician |h|, bit/s/Hz, by
//      adaptive Gauss-Kronrod integration over f(x) (GSL QAGP + QAGIU), rel. tol. 1e-10.
//   _snr : average SNR, linear, 0 <= _snr < inf;  _k_factor : 0 <= K <= 1e6
//   _bits_per_hz : out. Returns 0, -EINVAL, -ERANGE.
int fl_capacity_ergodic_rician(double snr, double k_factor, double *bits_per_hz);
//  fl_capacity_outage_rician : P(log2(1 + _snr |h|^2) < _rate) for Rician |h|
//   _snr >= 0 linear; _k_factor in [0, 1e6]; _rate >= 0 in bit/s/Hz; _p_out : out
//   Returns 0, -EINVAL, -ERANGE.
int fl_capacity_outage_rician(double snr, double k_factor, double rate, double *p_out);
//  fl_capacity_eps_outage_rician : the rate R with P_out(R) = _eps (Brent root of the
//      Rician power CDF, x_eps = F^-1(eps), R = log2(1 + snr x_eps)), bit/s/Hz
//   _snr >= 0 linear; _k_factor in [0, 1e6]; _eps in (0, 1); _bits_per_hz : out
//   Returns 0, -EINVAL, -ERANGE.
int fl_capacity_eps_outage_rician(double snr, double k_factor, double eps, double *bits_per_hz);

// The capacity columns of one fading sweep point.
typedef struct {
    double ergodic_bphz;     // ergodic capacity, bit/s/Hz
    double outage_prob;      // P(log2(1 + SNR |h|^2) < rate)
    double eps_outage_bphz;  // eps-outage capacity, bit/s/Hz
} capacity_fading;

//  fl_capacity_fading_point : the three columns for one point; K = 0 uses the Rayleigh
//      closed forms, K > 0 the Rician numerics.
//   _snr_db : average SNR in dB, finite;  _k_factor : Rician K, linear, [0, 1e6]
//   _rate   : target rate for the outage column, bit/s/Hz, >= 0
//   _eps    : outage level for the eps-outage column, (0, 1)
//   _out    : filled on success. Returns 0, -EINVAL, -ERANGE.
int fl_capacity_fading_point(double snr_db, double k_factor, double rate, double eps,
                          capacity_fading *out);

#endif
