/* jakes: Rayleigh / Rician fading processes with a Clarke (Jakes) spectrum.
 *
 * JAKES_SOS : Y. R. Zheng, C. Xiao, "Simulation models with correct statistical
 *   properties for Rayleigh fading channels", IEEE Trans. Commun. 51(6):920-928,
 *   2003, eqs. (6)-(8):
 *     Xc(t) = 2/sqrt(M) sum_n cos(psi_n) cos(w_d t cos(alpha_n) + phi)
 *     Xs(t) = 2/sqrt(M) sum_n sin(psi_n) cos(w_d t cos(alpha_n) + phi)
 *     alpha_n = (2 pi n - pi + theta) / (4M), n = 1..M,
 *   theta, phi, psi_n independent uniform on [-pi, pi). E|Xc + jXs|^2 = 2; we
 *   scale by 1/sqrt(2) so E|h|^2 = 1. Changed from the paper: nothing in the
 *   model; fl_jakes_fill evaluates the cosines on a grid by phasor rotation,
 *   re-anchored with exact sincos every JAKES_RESYNC samples.
 * JAKES_IDFT : D. J. Young, N. C. Beaulieu, "The generation of correlated
 *   Rayleigh random variates by inverse discrete Fourier transform", IEEE Trans.
 *   Commun. 48(7):1114-1127, 2000, Sec. IV and eq. (21) for the filter F[k].
 * Rician LOS term: C. Xiao, Y. R. Zheng, N. C. Beaulieu, IEEE Trans. Wireless
 *   Commun. 5(12):3667-3679, 2006, eq. (13).
 */
#include "channel/jakes.h"
#include "common/purpose.h"

#include <Random123/philox.h>
#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

// four doubles as one GCC/Clang vector (SIMD where the target has it)
typedef double jakes_v4d __attribute__((vector_size(32)));

#define JAKES_RESYNC 64            // grid samples between exact phasor re-anchors
#define JAKES_MAX_SINUSOIDS 4096u
#define JAKES_IDFT_MIN_KM 16       // min Doppler bins k_m per side when fl_jakes_fill pads
#define JAKES_IDFT_MAX_N (1ull << 27)      // padded IDFT size cap (2 GiB of buffer)
#define JAKES_IDFT_MAX_BLOCK (1ull << 30)  // fftw_plan_dft_1d takes an int size

struct jakes {
    int kind;
    double fd_hz, k_factor;
    uint32_t seed, point, trial;
    // LOS (Xiao-Zheng-Beaulieu 2006): los_amp e^{j(los_w t + phi0)}
    double los_amp, los_w;
    // SOS
    unsigned m, m_pad;           // sinusoids; m rounded up to 4 (zero-weight padding)
    double phi;                  // common phase
    double *w;                   // w_d cos(alpha_n), rad/s, [m]
    double *ac, *as;             // scaled cos(psi_n), sin(psi_n), [m]
    double *zr, *zi, *rr, *ri;   // fill scratch: phasors and per-step rotations, [m]
    double sos_los_phi;          // phi0 for SOS
    // IDFT
    size_t n_fft;                // current plan size (0: none)
    double fs_hz;                // fs of the cached filter
    size_t km;                   // Doppler bins per side, f_m N floored
    double *filt;                // F[0..km], scaled to unit total power
    fftw_complex *buf;
    fftw_plan plan;
    uint32_t next_block;         // fl_jakes_fill block counter
};

static const double TWO_PI = 6.283185307179586476925286766559;
static const double PI = 3.141592653589793238462643383279;

// Philox4x32-10 draw under docs/design-notes.md §5: key {seed, point},
// counter {draw lo, draw hi, purpose, trial}.
static philox4x32_ctr_t jakes_draw(const jakes *j, uint32_t purpose, uint64_t idx)
{
    philox4x32_ctr_t c = {{(uint32_t)idx, (uint32_t)(idx >> 32), purpose, j->trial}};
    philox4x32_key_t k = {{j->seed, j->point}};
    return philox4x32(c, k);
}

// 53-bit uniform strictly inside (0, 1) from two 32-bit words.
static double jakes_u53(uint32_t hi, uint32_t lo)
{
    uint64_t x = (((uint64_t)hi << 32) | lo) >> 11;
    return ((double)x + 0.5) * 0x1p-53;
}

// uniform on [-pi, pi): uniform number u (index) of the stream of a purpose
static double jakes_uphase(const jakes *j, uint32_t purpose, uint64_t u)
{
    philox4x32_ctr_t r = jakes_draw(j, purpose, u >> 1);
    double x = (u & 1) ? jakes_u53(r.v[2], r.v[3]) : jakes_u53(r.v[0], r.v[1]);
    return TWO_PI * x - PI;
}

jakes *fl_jakes_create(int kind, double fd_hz, double k_factor, double los_angle_rad,
                    unsigned n_sinusoids, uint32_t seed, uint32_t point, uint32_t trial)
{
    if (kind != JAKES_SOS && kind != JAKES_IDFT)
        return NULL;
    if (!(fd_hz > 0.0 && fd_hz < 1e9) || !(k_factor >= 0.0 && k_factor <= 1e6) ||
        !isfinite(los_angle_rad))
        return NULL;
    if (n_sinusoids == 0)
        n_sinusoids = JAKES_DEFAULT_SINUSOIDS;
    if (n_sinusoids > JAKES_MAX_SINUSOIDS)
        return NULL;
    jakes *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->kind = kind;
    j->fd_hz = fd_hz;
    j->k_factor = k_factor;
    j->seed = seed;
    j->point = point;
    j->trial = trial;
    // Xiao-Zheng-Beaulieu 2006 eq. (13): LOS power K/(K+1), Doppler f_d cos(theta0)
    j->los_amp = sqrt(k_factor / (k_factor + 1.0));
    j->los_w = TWO_PI * fd_hz * cos(los_angle_rad);
    if (kind == JAKES_IDFT)
        return j;

    unsigned m = n_sinusoids, mp = (m + 3u) & ~3u;
    j->m = m;
    j->m_pad = mp;
    // one block, zeroed: padded sinusoids have w = ac = as = 0 and add nothing
    j->w = calloc(7 * (size_t)mp, sizeof(double));
    if (!j->w) {
        free(j);
        return NULL;
    }
    j->ac = j->w + mp;
    j->as = j->ac + mp;
    j->zr = j->as + mp;
    j->zi = j->zr + mp;
    j->rr = j->zi + mp;
    j->ri = j->rr + mp;
    // uniform stream of PURPOSE_JAKES_SOS: 0 = theta, 1 = phi, 2.. = psi_n
    double theta = jakes_uphase(j, PURPOSE_JAKES_SOS, 0);
    j->phi = jakes_uphase(j, PURPOSE_JAKES_SOS, 1);
    // Zheng-Xiao 2003 eq. (6)-(7): amplitude 2/sqrt(M); /sqrt(2) for E|h|^2 = 1,
    // /sqrt(K+1) for the diffuse share of a Rician process.
    double s = sqrt(2.0 / m) / sqrt(k_factor + 1.0);
    double wd = TWO_PI * fd_hz;
    for (unsigned n = 0; n < m; n++) {
        // Zheng-Xiao 2003 eq. (8): alpha_n = (2 pi n - pi + theta) / (4M), n = 1..M
        double alpha = (TWO_PI * (n + 1) - PI + theta) / (4.0 * m);
        double psi = jakes_uphase(j, PURPOSE_JAKES_SOS, 2 + (uint64_t)n);
        j->w[n] = wd * cos(alpha);
        j->ac[n] = s * cos(psi);
        j->as[n] = s * sin(psi);
    }
    j->sos_los_phi = jakes_uphase(j, PURPOSE_JAKES_LOS, 0);
    return j;
}

void fl_jakes_destroy(jakes *j)
{
    if (!j)
        return;
    if (j->plan) {
#pragma omp critical(fl_fftw_planner)
        fftw_destroy_plan(j->plan);
    }
    fftw_free(j->buf);
    free(j->filt);
    free(j->w);
    free(j);
}

int fl_jakes_kind_of(const jakes *j) { return j ? j->kind : 0; }
double fl_jakes_fd_hz(const jakes *j) { return j ? j->fd_hz : NAN; }
double fl_jakes_k_factor(const jakes *j) { return j ? j->k_factor : NAN; }

int fl_jakes_gain(const jakes *j, double t_s, double *re, double *im)
{
    if (!j || !re || !im || j->kind != JAKES_SOS || !isfinite(t_s))
        return -EINVAL;
    double xr = 0.0, xi = 0.0;
    for (unsigned n = 0; n < j->m; n++) {
        double c = cos(j->w[n] * t_s + j->phi);
        xr += j->ac[n] * c;
        xi += j->as[n] * c;
    }
    double a = j->los_w * t_s + j->sos_los_phi;
    *re = xr + j->los_amp * cos(a);
    *im = xi + j->los_amp * sin(a);
    return 0;
}

// SOS on a grid: the cosines cos(w_n t_i + phi) are the real parts of phasors
// z_n(i) = e^{j(w_n t_i + phi)} advanced by r_n = e^{j w_n dt} each sample and
// recomputed exactly every JAKES_RESYNC samples (rounding drift stays ~1e-14).
static void jakes_sos_fill(jakes *j, double t0_s, double dt_s, size_t n, float *re, float *im)
{
    const unsigned mp = j->m_pad;
    double *restrict zr = j->zr, *restrict zi = j->zi, *restrict rr = j->rr, *restrict ri = j->ri;
    const double *restrict ac = j->ac, *restrict as = j->as;
    for (unsigned k = 0; k < mp; k++) {
        rr[k] = cos(j->w[k] * dt_s);
        ri[k] = sin(j->w[k] * dt_s);
    }
    double lr = cos(j->los_w * dt_s), li = sin(j->los_w * dt_s);
    double zlr = 0.0, zli = 0.0;
    for (size_t i0 = 0; i0 < n; i0 += JAKES_RESYNC) {
        size_t i1 = n - i0 < JAKES_RESYNC ? n : i0 + JAKES_RESYNC;
        double t = t0_s + (double)i0 * dt_s;
        for (unsigned k = 0; k < mp; k++) {
            double a = j->w[k] * t + j->phi;
            zr[k] = cos(a);
            zi[k] = sin(a);
        }
        double a = j->los_w * t + j->sos_los_phi;
        zlr = j->los_amp * cos(a);
        zli = j->los_amp * sin(a);
        for (size_t i = i0; i < i1; i++) {
            // four interleaved partial sums (k mod 4), one SIMD vector of 4 doubles
            jakes_v4d pr = {zlr, 0.0, 0.0, 0.0}, pi = {zli, 0.0, 0.0, 0.0};
            for (unsigned k = 0; k < mp; k += 4) {
                jakes_v4d c, sn, a4, s4, r4, q4;
                memcpy(&c, zr + k, sizeof c);
                memcpy(&sn, zi + k, sizeof sn);
                memcpy(&a4, ac + k, sizeof a4);
                memcpy(&s4, as + k, sizeof s4);
                memcpy(&r4, rr + k, sizeof r4);
                memcpy(&q4, ri + k, sizeof q4);
                pr += a4 * c;
                pi += s4 * c;
                jakes_v4d nr = c * r4 - sn * q4, ni = c * q4 + sn * r4;
                memcpy(zr + k, &nr, sizeof nr);
                memcpy(zi + k, &ni, sizeof ni);
            }
            re[i] = (float)((pr[0] + pr[1]) + (pr[2] + pr[3]));
            im[i] = (float)((pi[0] + pi[1]) + (pi[2] + pi[3]));
            double nlr = zlr * lr - zli * li;
            zli = zlr * li + zli * lr;
            zlr = nlr;
        }
    }
}

// (Re)build the plan (size nfft) and the Young-Beaulieu filter for (fs, nfft).
static int jakes_idft_prepare(jakes *j, double fs_hz, size_t nfft)
{
    if (nfft != j->n_fft) {
        if (j->plan) {
#pragma omp critical(fl_fftw_planner)
            fftw_destroy_plan(j->plan);
            j->plan = NULL;
        }
        fftw_free(j->buf);
        j->n_fft = 0;
        j->buf = fftw_malloc(nfft * sizeof(fftw_complex));
        if (!j->buf)
            return -ENOMEM;
        fftw_plan p;
        // FFTW planning is not thread safe: one named critical section for all of featlink.
#pragma omp critical(fl_fftw_planner)
        p = fftw_plan_dft_1d((int)nfft, j->buf, j->buf, FFTW_BACKWARD, FFTW_ESTIMATE);
        if (!p)
            return -ENOMEM;
        j->plan = p;
        j->n_fft = nfft;
        j->fs_hz = 0.0;  // force the filter below
    }
    if (fs_hz == j->fs_hz)
        return 0;
    // Young-Beaulieu 2000 eq. (21), f_m = f_d / fs, k_m = floor(f_m N)
    double fm = j->fd_hz / fs_hz;
    double nfm = fm * (double)nfft;
    size_t km = (size_t)floor(nfm);
    double *f = realloc(j->filt, (km + 1) * sizeof(double));
    if (!f)
        return -ENOMEM;
    j->filt = f;
    j->km = km;
    f[0] = 0.0;
    double p = 0.0;
    for (size_t k = 1; k < km; k++) {
        double x = (double)k / nfm;
        f[k] = sqrt(1.0 / (2.0 * sqrt(1.0 - x * x)));
        p += 2.0 * f[k] * f[k];
    }
    double dk = (double)km;
    f[km] = sqrt(dk / 2.0 * (PI / 2.0 - atan((dk - 1.0) / sqrt(2.0 * dk - 1.0))));
    p += 2.0 * f[km] * f[km];
    // Output power of the unnormalised backward DFT: E|u|^2 = sum_k F[k]^2 E|A - jB|^2
    // = 2 sum_k F[k]^2 (A, B unit-variance Gaussians); scale F so that it is 1/(K+1).
    double s = sqrt(1.0 / (2.0 * p * (j->k_factor + 1.0)));
    for (size_t k = 0; k <= km; k++)
        f[k] *= s;
    j->fs_hz = fs_hz;
    return 0;
}

// One block: U[k] = F[k] (A[k] - j B[k]) (Young-Beaulieu 2000, Fig. 4), u = IDFT(U).
// First n of the n_fft samples are written, plus the LOS term at t0 + i/fs.
static void jakes_idft_block(jakes *j, uint32_t block, double t0_s, size_t n, float *re, float *im)
{
    const size_t N = j->n_fft, km = j->km;
    fftw_complex *u = j->buf;
    for (size_t k = 0; k < N; k++)
        u[k][0] = u[k][1] = 0.0;
    for (size_t k = 1; k <= km; k++) {
        for (int side = 0; side < 2; side++) {
            size_t idx = side ? N - k : k;
            philox4x32_ctr_t r = jakes_draw(j, PURPOSE_JAKES_IDFT, ((uint64_t)block << 32) | idx);
            // Box-Muller (Box & Muller 1958): two independent N(0,1)
            double rad = sqrt(-2.0 * log(jakes_u53(r.v[0], r.v[1])));
            double ang = TWO_PI * jakes_u53(r.v[2], r.v[3]);
            double a = rad * cos(ang), b = rad * sin(ang);
            u[idx][0] = j->filt[k] * a;
            u[idx][1] = -j->filt[k] * b;
        }
    }
    fftw_execute(j->plan);
    double phi0 = jakes_uphase(j, PURPOSE_JAKES_LOS, (uint64_t)block << 1);
    double dt = 1.0 / j->fs_hz;
    for (size_t i = 0; i < n; i++) {
        double hr = u[i][0], hi = u[i][1];
        if (j->los_amp > 0.0) {
            double a = j->los_w * (t0_s + (double)i * dt) + phi0;
            hr += j->los_amp * cos(a);
            hi += j->los_amp * sin(a);
        }
        re[i] = (float)hr;
        im[i] = (float)hi;
    }
}

int fl_jakes_idft_fill(jakes *j, double fs_hz, size_t n, uint32_t block, float *re, float *im)
{
    if (!j || !re || !im || j->kind != JAKES_IDFT || !(fs_hz > 2.0 * j->fd_hz) ||
        !isfinite(fs_hz) || n < 16)
        return -EINVAL;
    if ((uint64_t)n > JAKES_IDFT_MAX_BLOCK)
        return -ERANGE;
    if (floor(j->fd_hz / fs_hz * (double)n) < 2.0)
        return -ERANGE;  // block shorter than 2/f_d: the filter has no Doppler bins
    int rc = jakes_idft_prepare(j, fs_hz, n);
    if (rc)
        return rc;
    jakes_idft_block(j, block, 0.0, n, re, im);
    return 0;
}

int fl_jakes_fill(jakes *j, double t0_s, double dt_s, size_t n, float *re, float *im)
{
    if (!j || !re || !im || !isfinite(t0_s) || !(dt_s > 0.0) || !isfinite(dt_s))
        return -EINVAL;
    if (j->kind == JAKES_SOS) {
        jakes_sos_fill(j, t0_s, dt_s, n, re, im);
        return 0;
    }
    double fs = 1.0 / dt_s;
    if (n < 16 || !(fs > 2.0 * j->fd_hz))
        return -EINVAL;
    if ((uint64_t)n > JAKES_IDFT_MAX_BLOCK)
        return -ERANGE;
    // Short blocks (few Doppler bins) are generated inside a longer, power-of-2
    // IDFT so that F[k] keeps >= JAKES_IDFT_MIN_KM bins per side.
    size_t nfft = n;
    if (j->fd_hz / fs * (double)n < JAKES_IDFT_MIN_KM) {
        double need = ceil(JAKES_IDFT_MIN_KM * fs / j->fd_hz);
        if (need > (double)JAKES_IDFT_MAX_N)
            return -ERANGE;
        nfft = 16;
        while ((double)nfft < need || nfft < n)
            nfft <<= 1;
    }
    int rc = jakes_idft_prepare(j, fs, nfft);
    if (rc)
        return rc;
    jakes_idft_block(j, j->next_block++, t0_s, n, re, im);
    return 0;
}

int fl_jakes_generate(int kind, double fd_hz, double k_factor, double los_angle_rad,
                   unsigned n_sinusoids, double symbol_rate_hz, size_t n,
                   uint32_t seed, uint32_t point, uint32_t trial, float *re, float *im)
{
    if (!(symbol_rate_hz > 0.0) || !isfinite(symbol_rate_hz))
        return -EINVAL;
    jakes *j = fl_jakes_create(kind, fd_hz, k_factor, los_angle_rad, n_sinusoids, seed, point, trial);
    if (!j)
        return -EINVAL;
    int rc = fl_jakes_fill(j, 0.0, 1.0 / symbol_rate_hz, n, re, im);
    fl_jakes_destroy(j);
    return rc;
}
