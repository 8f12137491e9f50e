/* phy: modulate -> AWGN / Rayleigh / Rician channel -> coherent detection.
 *
 * Model and SNR conventions: phy.h. Rician gain h = sqrt(K/(K+1)) +
 * sqrt(1/(K+1)) CN(0,1) (Simon & Alouini, Digital Communication over Fading
 * Channels, §2.2.1.4, E|h|^2 = 1). Zero-forcing z = y conj(h) / |h|^2 is
 * the ML front end for coherent detection with perfect CSI (Proakis &
 * Salehi, 5th ed., §13.3).
 *
 * The frame is processed in chunks of PHY_CHUNK symbols that stay in L1;
 * every pass over a chunk is a contiguous float loop the compiler vectorises.
 */
#include "channel/phy.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "channel/noise.h"

#if defined(__AVX512F__)
#define PHY_HOT __attribute__((target("prefer-vector-width=512")))
#else
#define PHY_HOT
#endif

/* symbols; a multiple of 8 so chunks start on byte boundaries and of
 * NOISE_GAUSS_GROUP so each chunk's Gaussians start a group */
#define PHY_CHUNK 2048
#define PHY_WS (PHY_CHUNK + NOISE_GAUSS_GROUP) /* floats per workspace array */

struct phy {
    phy_config cfg;
    modem *m;
    unsigned k;
    double n0;
    float sigma;           /* sqrt(N0/2) per real dimension */
    float los, scat;       /* Rician: sqrt(K/(K+1)), sqrt(1/(2(K+1))) per dimension */
    const float *gre, *gim;
    size_t gn;
    float *xr, *xi, *nr, *ni, *hr, *hi, *zr, *zi, *g2, *bf_r, *bf_i;
};

double fl_phy_esn0_from_ebn0_db(double ebn0_db, unsigned k, double code_rate)
{
    return ebn0_db + 10.0 * log10((double)k * code_rate);
}

static int set_snr(phy *p, double esn0_db)
{
    if (!isfinite(esn0_db))
        return -EINVAL;
    p->cfg.esn0_db = esn0_db;
    p->n0 = pow(10.0, -esn0_db / 10.0);
    p->sigma = (float)sqrt(p->n0 / 2.0);
    return 0;
}

phy *fl_phy_create(const phy_config *cfg)
{
    if (!cfg || cfg->channel < PHY_AWGN || cfg->channel > PHY_RICIAN)
        return NULL;
    if (cfg->fading != PHY_FADING_FAST && cfg->fading != PHY_FADING_BLOCK && cfg->fading != PHY_FADING_GAINS)
        return NULL;
    if (cfg->fading == PHY_FADING_BLOCK && cfg->block_symbols < 1)
        return NULL;
    if (!(cfg->k_factor >= 0.0) || !isfinite(cfg->k_factor) || !isfinite(cfg->esn0_db))
        return NULL;
    phy *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->cfg = *cfg;
    p->m = fl_modem_create(cfg->scheme);
    float *ws = malloc(11 * PHY_WS * sizeof *ws);
    if (!p->m || !ws) {
        fl_modem_destroy(p->m);
        free(ws);
        free(p);
        return NULL;
    }
    float **arr[11] = {&p->xr, &p->xi, &p->nr, &p->ni, &p->hr, &p->hi,
                       &p->zr, &p->zi, &p->g2, &p->bf_r, &p->bf_i};
    for (int i = 0; i < 11; i++)
        *arr[i] = ws + (size_t)i * PHY_WS;
    p->k = fl_modem_bits_per_symbol(p->m);
    double K = cfg->channel == PHY_RICIAN ? cfg->k_factor : 0.0;
    p->los = (float)sqrt(K / (K + 1.0));
    p->scat = (float)sqrt(1.0 / (2.0 * (K + 1.0)));
    set_snr(p, cfg->esn0_db);
    return p;
}

void fl_phy_destroy(phy *p)
{
    if (!p)
        return;
    fl_modem_destroy(p->m);
    free(p->xr); /* start of the workspace */
    free(p);
}

const modem *fl_phy_modem(const phy *p) { return p->m; }

int fl_phy_set_esn0_db(phy *p, double esn0_db) { return set_snr(p, esn0_db); }

double fl_phy_n0(const phy *p) { return p->n0; }

int fl_phy_set_gains(phy *p, const float *re, const float *im, size_t n)
{
    if (!p || (re && !im))
        return -EINVAL;
    p->gre = re;
    p->gim = re ? im : NULL;
    p->gn = re ? n : 0;
    return 0;
}

PHY_HOT static void add_real(float *restrict z, const float *restrict x,
                             const float *restrict n, float sigma, size_t c)
{
    for (size_t i = 0; i < c; i++)
        z[i] = x[i] + sigma * n[i];
}

/* y = h x + sigma n, then z = y conj(h) / |h|^2 and g2 = |h|^2 */
PHY_HOT static void fade_equalise(const float *restrict xr, const float *restrict xi,
                                  const float *restrict hr, const float *restrict hi,
                                  const float *restrict nr, const float *restrict ni,
                                  float sigma, size_t c, float *restrict zr,
                                  float *restrict zi, float *restrict g2)
{
    for (size_t i = 0; i < c; i++) {
        float yr = hr[i] * xr[i] - hi[i] * xi[i] + sigma * nr[i];
        float yi = hr[i] * xi[i] + hi[i] * xr[i] + sigma * ni[i];
        float g = hr[i] * hr[i] + hi[i] * hi[i];
        float inv = 1.0f / g;
        zr[i] = (yr * hr[i] + yi * hi[i]) * inv;
        zi[i] = (yi * hr[i] - yr * hi[i]) * inv;
        g2[i] = g;
    }
}

PHY_HOT static void scale_gains(float *restrict hr, float *restrict hi, float los, float scat,
                                size_t c)
{
    for (size_t i = 0; i < c; i++) {
        hr[i] = los + scat * hr[i];
        hi[i] = scat * hi[i];
    }
}

/* BPSK over Rayleigh fast fading, real-valued equivalent (see the header):
 * z = x + sigma n / a, g2 = a^2 with a = |h| Rayleigh, n ~ N(0, 1) */
PHY_HOT static void bpsk_rayleigh(const float *restrict x, const float *restrict a,
                                  const float *restrict n, float sigma, size_t c,
                                  float *restrict z, float *restrict g2)
{
    for (size_t i = 0; i < c; i++) {
        z[i] = x[i] + sigma * n[i] / a[i];
        g2[i] = a[i] * a[i];
    }
}

/* the channel for symbols [s0, s0+c) of a frame: leaves z (equalised), g2 */
static int run_chunk(phy *p, uint32_t trial, uint64_t base, const uint8_t *bits,
                     size_t nbits_chunk, size_t s0, size_t c, int *faded)
{
    const phy_config *cf = &p->cfg;
    const uint32_t seed = cf->seed, point = cf->point;
    const int fading = p->gre != NULL || cf->channel != PHY_AWGN;
    /* BPSK never reads the quadrature part, except through a complex h */
    const int bpsk_real = p->k == 1 && (!fading || (!p->gre && cf->channel == PHY_RAYLEIGH &&
                                                    cf->fading == PHY_FADING_FAST));
    fl_modem_modulate(p->m, bits, nbits_chunk, p->xr, bpsk_real ? NULL : p->xi);
    *faded = fading;
    fl_noise_gauss_at(seed, point, PURPOSE_PHY_NOISE_I, trial, base + s0 / 4, p->nr, c);
    if (!fading) {
        add_real(p->zr, p->xr, p->nr, p->sigma, c);
        if (p->k > 1) {
            fl_noise_gauss_at(seed, point, PURPOSE_PHY_NOISE_Q, trial, base + s0 / 4, p->ni, c);
            add_real(p->zi, p->xi, p->ni, p->sigma, c);
        }
        return 0;
    }
    if (p->k == 1 && !p->gre && cf->channel == PHY_RAYLEIGH && cf->fading == PHY_FADING_FAST) {
        fl_noise_rayleigh_at(seed, point, PURPOSE_PHY_FADE_I, trial, base + s0 / 4, p->hr, c);
        bpsk_rayleigh(p->xr, p->hr, p->nr, p->sigma, c, p->zr, p->g2);
        return 0;
    }
    fl_noise_gauss_at(seed, point, PURPOSE_PHY_NOISE_Q, trial, base + s0 / 4, p->ni, c);
    const float *hr = p->hr, *hi = p->hi;
    if (p->gre) {
        hr = p->gre + s0;
        hi = p->gim + s0;
    } else if (cf->fading == PHY_FADING_FAST) {
        fl_noise_gauss_at(seed, point, PURPOSE_PHY_FADE_I, trial, base + s0 / 4, p->hr, c);
        fl_noise_gauss_at(seed, point, PURPOSE_PHY_FADE_Q, trial, base + s0 / 4, p->hi, c);
        scale_gains(p->hr, p->hi, p->los, p->scat, c);
    } else {
        /* block j = s / N uses Gaussian number j of the fading streams */
        size_t N = cf->block_symbols;
        size_t jlo = s0 / N, jhi = (s0 + c - 1) / N;
        size_t a = jlo & ~(size_t)(NOISE_GAUSS_GROUP - 1); /* group aligned */
        size_t nb = jhi - a + 1;
        if (nb > PHY_WS) /* cannot happen for N >= 1 */
            return -ERANGE;
        fl_noise_gauss_at(seed, point, PURPOSE_PHY_FADE_I, trial, base + a / 4, p->bf_r, nb);
        fl_noise_gauss_at(seed, point, PURPOSE_PHY_FADE_Q, trial, base + a / 4, p->bf_i, nb);
        scale_gains(p->bf_r, p->bf_i, p->los, p->scat, nb);
        for (size_t i = 0; i < c; i++) {
            size_t j = (s0 + i) / N - a;
            p->hr[i] = p->bf_r[j];
            p->hi[i] = p->bf_i[j];
        }
    }
    fade_equalise(p->xr, p->xi, hr, hi, p->nr, p->ni, p->sigma, c, p->zr, p->zi, p->g2);
    return 0;
}

static int check_args(const phy *p, uint64_t frame, const void *bits, size_t nbits,
                      const void *out)
{
    if (!p || !bits || !out || nbits == 0)
        return -EINVAL;
    size_t nsym = fl_modem_symbols_for_bits(p->m, nbits);
    if (nsym > PHY_MAX_FRAME_SYMBOLS || frame >= ((uint64_t)1 << 40))
        return -ERANGE;
    if (p->gre && p->gn < nsym)
        return -ERANGE;
    if (!p->gre && p->cfg.fading == PHY_FADING_GAINS && p->cfg.channel != PHY_AWGN)
        return -EINVAL;
    return 0;
}

int fl_phy_transmit_hard(phy *p, uint32_t trial, uint64_t frame, const uint8_t *bits,
                      size_t nbits, uint8_t *out)
{
    int rc = check_args(p, frame, bits, nbits, out);
    if (rc)
        return rc;
    const uint64_t base = frame << 24;
    const size_t bits_per_chunk = (size_t)PHY_CHUNK * p->k; /* multiple of 8 */
    for (size_t b0 = 0; b0 < nbits; b0 += bits_per_chunk) {
        size_t nb = nbits - b0 < bits_per_chunk ? nbits - b0 : bits_per_chunk;
        size_t s0 = b0 / p->k, c = fl_modem_symbols_for_bits(p->m, nb);
        int faded;
        rc = run_chunk(p, trial, base, bits + b0 / 8, nb, s0, c, &faded);
        if (rc)
            return rc;
        fl_modem_demod_hard(p->m, p->zr, p->zi, nb, out + b0 / 8);
    }
    return 0;
}

int fl_phy_transmit_llr(phy *p, uint32_t trial, uint64_t frame, const uint8_t *bits,
                     size_t nbits, modem_demap method, float *llr)
{
    int rc = check_args(p, frame, bits, nbits, llr);
    if (rc)
        return rc;
    if (method != MODEM_DEMAP_EXACT && method != MODEM_DEMAP_MAXLOG)
        return -EINVAL;
    const uint64_t base = frame << 24;
    const size_t bits_per_chunk = (size_t)PHY_CHUNK * p->k;
    for (size_t b0 = 0; b0 < nbits; b0 += bits_per_chunk) {
        size_t nb = nbits - b0 < bits_per_chunk ? nbits - b0 : bits_per_chunk;
        size_t s0 = b0 / p->k, c = fl_modem_symbols_for_bits(p->m, nb);
        int faded;
        rc = run_chunk(p, trial, base, bits + b0 / 8, nb, s0, c, &faded);
        if (rc)
            return rc;
        rc = fl_modem_demod_llr(p->m, p->zr, p->zi, faded ? p->g2 : NULL, (float)p->n0, method, nb,
                             llr + b0);
        if (rc)
            return rc;
    }
    return 0;
}
