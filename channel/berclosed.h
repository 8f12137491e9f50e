/* berclosed: closed-form bit and symbol error rates of Gray-mapped BPSK,
 * QPSK and square M-QAM over AWGN, Rayleigh and Rician fading (coherent
 * detection, perfect CSI), and the Clopper-Pearson interval.
 *
 * SNR argument: ebn0 = Eb/N0, LINEAR (not dB), per information bit; for
 * fading channels it is the MEAN Eb/N0 (E|h|^2 = 1). For an uncoded scheme
 * with k bits per symbol Es/N0 = k Eb/N0.
 * Schemes are given by bits per symbol k: 1 BPSK, 2 QPSK, 4/6/8 square
 * 16/64/256-QAM. A bad k returns NaN.
 *
 * Sources: BPSK/QPSK: Proakis & Salehi, Digital Communications 5th ed.,
 * eq. 4.3-13, Pb = Q(sqrt(2 Eb/N0)). Square M-QAM Gray per-bit BER:
 * K. Cho, D. Yoon, "On the general BER expression of one- and
 * two-dimensional amplitude modulations", IEEE Trans. Commun. 50(7), 2002,
 * eqs. (14)-(16). SER: Proakis eq. 4.3-30. Rayleigh: each Q(a sqrt(g)) term
 * averaged over the exponential SNR pdf, (1/2)(1 - sqrt(c/(1+c))), c = a^2 g/2
 * (Simon & Alouini, Digital Communication over Fading Channels, eq. 5.6; the
 * form MATLAB's berfading uses). Rician: Craig's form with the Rician MGF
 * (Simon & Alouini eqs. 4.2, 2.17), integrated numerically with GSL QAG.
 */
#ifndef FEATLINK_BERCLOSED_H
#define FEATLINK_BERCLOSED_H

#include <stdint.h>

//  fl_berclosed_db2lin : 10^(_db/10)
double fl_berclosed_db2lin(double db);
//  fl_berclosed_q : Gaussian tail Q(_x) = erfc(_x/sqrt 2)/2, any real _x
double fl_berclosed_q(double x);

//  fl_berclosed_ber_awgn : bit error rate in AWGN; _k bits/symbol, _ebn0 linear >= 0
double fl_berclosed_ber_awgn(unsigned k, double ebn0);
//  fl_berclosed_ser_awgn : symbol error rate in AWGN
double fl_berclosed_ser_awgn(unsigned k, double ebn0);
//  fl_berclosed_ber_rayleigh : BER averaged over Rayleigh fading, _ebn0 = mean Eb/N0
double fl_berclosed_ber_rayleigh(unsigned k, double ebn0);
//  fl_berclosed_ser_rayleigh : SER averaged over Rayleigh fading (numerical
//      integration for the Q^2 term of QAM)
double fl_berclosed_ser_rayleigh(unsigned k, double ebn0);
//  fl_berclosed_ber_rician : BER averaged over Rician fading with factor
//      _k_factor (linear LOS/scatter power ratio >= 0; 0 = Rayleigh)
double fl_berclosed_ber_rician(unsigned k, double ebn0, double k_factor);

//  fl_berclosed_ber_terms : the expansion BER = sum_j w[j] Q(a[j] sqrt(Eb/N0))
//      used by every BER function above (Cho & Yoon eq. 16 with erfc = 2Q);
//      _w, _a hold at least 64 entries; returns the number of terms, or 0 for
//      a bad _k
int fl_berclosed_ber_terms(unsigned k, double *w, double *a);

//  fl_berclosed_clopper_pearson : exact binomial confidence interval for
//      _errors successes out of _n trials (_errors <= _n, _n > 0), level
//      _conf in (0,1) (0.95 for 95%); writes [*_lo, *_hi]; 0 or -EINVAL
int fl_berclosed_clopper_pearson(uint64_t errors, uint64_t n, double conf, double *lo,
                              double *hi);
//  fl_berclosed_clopper_pearson_real : the same at real-valued counts (0 <= _k
//      <= _n, _n > 0), for effective sample sizes (counts divided by a
//      design effect); 0 or -EINVAL
int fl_berclosed_clopper_pearson_real(double k, double n, double conf, double *lo, double *hi);

#endif
