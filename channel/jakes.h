/* jakes: time-correlated Rayleigh / Rician flat fading with maximum Doppler f_d.
 *
 * Two generators of a complex gain h(t) with E|h|^2 = 1 and, for K = 0, the
 * Clarke/Jakes autocorrelation E[h(t) h*(t+tau)] = J0(2 pi f_d tau):
 *
 *   JAKES_SOS  sum of sinusoids after Y. R. Zheng and C. Xiao, "Simulation
 *              models with correct statistical properties for Rayleigh fading
 *              channels", IEEE Trans. Commun. 51(6), 2003. Random angles and
 *              phases are drawn once per object; the object can then be
 *              evaluated at ANY time instant (event simulation) or over a grid.
 *   JAKES_IDFT inverse-DFT method of D. J. Young and N. C. Beaulieu, "The
 *              generation of correlated Rayleigh random variates by inverse
 *              discrete Fourier transform", IEEE Trans. Commun. 48(7), 2000.
 *              Produces blocks of N samples at a sampling rate fs (FFTW, one
 *              plan per object). Each block is an independent realisation;
 *              the sequence inside a block is circular (period N / fs).
 *
 * Rician fading (K > 0) adds the zero-mean stochastic line-of-sight sinusoid of
 * C. Xiao, Y. R. Zheng, N. C. Beaulieu, "Novel sum-of-sinusoids simulation
 * models for Rayleigh and Rician fading channels", IEEE Trans. Wireless Commun.
 * 5(12), 2006, eq. (13):
 *   h(t) = [ h_diffuse(t) + sqrt(K) exp(j(2 pi f_d cos(theta0) t + phi0)) ] / sqrt(K+1)
 * with theta0 = los_angle_rad (LOS angle of arrival relative to the direction
 * of motion, so the LOS Doppler shift is f_d cos(theta0)) and phi0 uniform in
 * [-pi, pi) drawn from the random stream (per object for SOS, per block for
 * IDFT). The envelope |h| is then Rician with factor K at every t.
 *
 * Randomness (docs/design-notes.md §5): Philox4x32-10, key = {seed, point}, counter =
 * {draw index low 32, draw index high 32, purpose, trial}, purposes (common/purpose.h) PURPOSE_JAKES_SOS (SOS angles and
 * phases theta, phi, psi_n), PURPOSE_JAKES_IDFT (IDFT Gaussian spectrum
 * samples, draw = block << 32 | k) and PURPOSE_JAKES_LOS (Rician LOS phase
 * phi0, draw 0 for SOS, draw = block << 1 for IDFT).
 * Same inputs give bit-identical outputs on any thread count.
 *
 * Threads: an object is used by one thread at a time. Distinct objects may be
 * used concurrently. FFTW plan creation/destruction (JAKES_IDFT only) is not
 * thread safe in FFTW; this module guards it with the OpenMP named critical
 * section `fftw_planner`. Any other featlink code that creates or destroys
 * FFTW plans must use `#pragma omp critical(fftw_planner)` too.
 */
#ifndef FEATLINK_JAKES_H
#define FEATLINK_JAKES_H

#include <stddef.h>
#include <stdint.h>

enum jakes_kind {
    JAKES_SOS = 1,   // Zheng-Xiao sum of sinusoids, any-time evaluation
    JAKES_IDFT = 2,  // Young-Beaulieu inverse DFT, sampled blocks
};

#define JAKES_DEFAULT_SINUSOIDS 16u  // Zheng-Xiao use M = 8; 16 gives tighter statistics

typedef struct jakes jakes;

//  fl_jakes_create : new fading process; NULL on bad parameters or no memory
//   _kind          : JAKES_SOS or JAKES_IDFT
//   _fd_hz         : maximum Doppler frequency f_d in Hz, 0 < _fd_hz < 1e9
//                    (f_d = v f_c / c; for IDFT also f_d < fs/2 at fill time)
//   _k_factor      : Rician K (linear LOS/diffuse power ratio), 0 <= K <= 1e6; 0 = Rayleigh
//   _los_angle_rad : LOS angle of arrival theta0 in rad (any real); LOS Doppler = f_d cos(theta0)
//   _n_sinusoids   : SOS: sinusoids M per quadrature branch, 1..4096 (0 = default 16);
//                    ignored for IDFT
//   _seed, _point, _trial : Philox key {seed, point} and counter trial word
jakes *fl_jakes_create(int kind, double fd_hz, double k_factor, double los_angle_rad,
                    unsigned n_sinusoids, uint32_t seed, uint32_t point, uint32_t trial);
//  fl_jakes_destroy : free the object (NULL is a no-op)
void fl_jakes_destroy(jakes *j);

//  fl_jakes_gain : h(t) of a JAKES_SOS process at time _t_s (seconds, any finite real);
//      writes *_re, *_im. Returns 0, -EINVAL for NULL arguments, non-finite t or
//      a JAKES_IDFT object (it has no continuous-time form).
int fl_jakes_gain(const jakes *j, double t_s, double *re, double *im);

//  fl_jakes_fill : _n gains at t0 + i dt, i = 0.._n-1, into caller arrays _re, _im (length _n)
//   _t0_s : time of the first sample in s (finite)
//   _dt_s : sample spacing in s, > 0 (e.g. 1 / symbol_rate)
//   JAKES_SOS : exactly h(t0 + i dt) of the object's single realisation; calls
//               with overlapping times give the same values.
//   JAKES_IDFT: one IDFT block of length _n at fs = 1/dt, block index = number of
//               earlier fl_jakes_fill calls on this object (0, 1, 2, ...): each call
//               is a fresh independent realisation; _t0_s only sets the LOS
//               phase reference. _n >= 16 and f_d dt < 0.5 required. See
//               fl_jakes_idft_fill for an explicit block index.
//   Returns 0, -EINVAL (bad arguments), -ERANGE (IDFT: _n > 2^30, or padding > 2^27), -ENOMEM.
int fl_jakes_fill(jakes *j, double t0_s, double dt_s, size_t n, float *re, float *im);

//  fl_jakes_idft_fill : one Young-Beaulieu block of a JAKES_IDFT object
//   _fs_hz : sampling rate in Hz, > 2 f_d
//   _n     : block length N, 16 <= N <= 2^30 and f_d N / fs >= 2; the FFTW plan is made on the first
//            call and remade only when N changes
//   _block : realisation index (Philox draw index high word); blocks are independent
//   _re, _im : caller arrays of length _n; sample i is h(i / fs)
//   Returns 0, -EINVAL, -ERANGE, -ENOMEM.
int fl_jakes_idft_fill(jakes *j, double fs_hz, size_t n, uint32_t block, float *re, float *im);

//  fl_jakes_generate : one-shot helper: create, fill _n gains at spacing
//      1/_symbol_rate_hz starting at t = 0 (IDFT: block 0), destroy.
//      Parameters as fl_jakes_create / fl_jakes_fill; _n_sinusoids = 0 for the default.
//      Returns 0 or a negative errno.
int fl_jakes_generate(int kind, double fd_hz, double k_factor, double los_angle_rad,
                   unsigned n_sinusoids, double symbol_rate_hz, size_t n,
                   uint32_t seed, uint32_t point, uint32_t trial, float *re, float *im);

//  fl_jakes_kind_of / fl_jakes_fd_hz / fl_jakes_k_factor : configuration accessors
int fl_jakes_kind_of(const jakes *j);
double fl_jakes_fd_hz(const jakes *j);
double fl_jakes_k_factor(const jakes *j);

#endif
