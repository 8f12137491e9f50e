/* ber: Monte-Carlo error-rate engine (see ber.h). Interval: Clopper &
 * Pearson, Biometrika 26 (1934), via fl_berclosed_clopper_pearson. */
#include "channel/ber.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "channel/berclosed.h"
#include "channel/noise.h"

double fl_ber_theory(const phy_config *pc, double ebn0_db)
{
    double g = fl_berclosed_db2lin(ebn0_db);
    unsigned k = (unsigned)pc->scheme;
    switch (pc->channel) {
    case PHY_AWGN:
        return fl_berclosed_ber_awgn(k, g);
    case PHY_RAYLEIGH:
        return fl_berclosed_ber_rayleigh(k, g);
    case PHY_RICIAN:
        return fl_berclosed_ber_rician(k, g, pc->k_factor);
    }
    return NAN;
}

double fl_ber_ser_theory(const phy_config *pc, double ebn0_db)
{
    double g = fl_berclosed_db2lin(ebn0_db);
    unsigned k = (unsigned)pc->scheme;
    if (pc->channel == PHY_AWGN)
        return fl_berclosed_ser_awgn(k, g);
    if (pc->channel == PHY_RAYLEIGH)
        return fl_berclosed_ser_rayleigh(k, g);
    return NAN;
}

/* symbols of k bits with at least one bit set in the error pattern _x */
static uint64_t symbol_errors(const uint8_t *x, size_t nbits, unsigned k)
{
    uint64_t n = 0;
    size_t nbytes = (nbits + 7) / 8;
    if (k == 1) {
        for (size_t j = 0; j < nbytes; j++)
            n += (uint64_t)__builtin_popcount(x[j]);
        return n;
    }
    if (k == 2 || k == 4 || k == 8) {
        /* symbols never straddle bytes; tail bits of x are 0 */
        for (size_t j = 0; j < nbytes; j++) {
            unsigned b = x[j];
            for (unsigned t = 0; t < 8; t += k)
                n += ((b >> t) & ((1u << k) - 1)) != 0;
        }
        return n;
    }
    size_t nsym = (nbits + k - 1) / k;
    for (size_t s = 0; s < nsym; s++) {
        unsigned any = 0;
        for (unsigned t = 0; t < k; t++) {
            size_t p = s * k + t;
            if (p < nbits)
                any |= (x[p >> 3] >> (7 - (p & 7))) & 1u;
        }
        n += any;
    }
    return n;
}

struct frame_stat {
    uint64_t bit_errors, symbol_errors;
    double sum_e2, sum_en, sum_n2; /* per cluster: sum e_j^2, e_j n_j, n_j^2 */
    uint64_t err_clusters;         /* clusters with e_j > 0 */
    int rc;
};

/* Errors among bits [a, b) of the error pattern _x (MSB first). */
static uint64_t range_errors(const uint8_t *x, size_t a, size_t b)
{
    uint64_t n = 0;
    while (a < b && (a & 7)) {
        n += (x[a >> 3] >> (7 - (a & 7))) & 1u;
        a++;
    }
    for (; a + 8 <= b; a += 8)
        n += (uint64_t)__builtin_popcount(x[a >> 3]);
    for (; a < b; a++)
        n += (x[a >> 3] >> (7 - (a & 7))) & 1u;
    return n;
}

/* The cluster sums of one frame (see ber.h): clusters of _cbits bits. */
static void cluster_sums(const uint8_t *x, size_t nbits, size_t cbits, uint64_t errors,
                         struct frame_stat *st)
{
    st->sum_e2 = 0;
    st->sum_en = 0;
    st->sum_n2 = 0;
    st->err_clusters = 0;
    for (size_t a = 0; a < nbits; a += cbits) {
        size_t b = a + cbits < nbits ? a + cbits : nbits;
        double n = (double)(b - a);
        st->sum_n2 += n * n;
        /* with no error in the frame every e_j is 0 */
        double e = errors ? (double)range_errors(x, a, b) : 0.0;
        st->sum_e2 += e * e;
        st->sum_en += e * n;
        st->err_clusters += e > 0;
    }
}

struct worker {
    phy *p;
    uint32_t *words;
    uint8_t *tx, *rx, *x;
    float *llr;
};

static void run_frame(const ber_config *cfg, struct worker *w, uint64_t f,
                      struct frame_stat *st)
{
    const size_t nbits = cfg->frame_bits, nbytes = (nbits + 7) / 8;
    const unsigned k = (unsigned)cfg->phy.scheme;
    fl_noise_u32_at(cfg->phy.seed, cfg->phy.point, PURPOSE_BER_BITS, cfg->trial, f << 24, w->words,
                 (nbytes + 3) / 4);
    memcpy(w->tx, w->words, nbytes);
    if (nbits % 8)
        w->tx[nbytes - 1] &= (uint8_t)(0xFF00u >> (nbits % 8));
    int rc;
    if (cfg->demap == BER_DEMAP_HARD) {
        rc = fl_phy_transmit_hard(w->p, cfg->trial, f, w->tx, nbits, w->rx);
    } else {
        modem_demap md = cfg->demap == BER_DEMAP_LLR_EXACT ? MODEM_DEMAP_EXACT : MODEM_DEMAP_MAXLOG;
        rc = fl_phy_transmit_llr(w->p, cfg->trial, f, w->tx, nbits, md, w->llr);
        memset(w->rx, 0, nbytes);
        for (size_t i = 0; i < nbits && rc == 0; i++)
            w->rx[i >> 3] |= (uint8_t)((w->llr[i] < 0.0f) << (7 - (i & 7)));
    }
    st->rc = rc;
    if (rc)
        return;
    uint64_t be = 0;
    for (size_t j = 0; j < nbytes; j++) {
        w->x[j] = w->tx[j] ^ w->rx[j];
        be += (uint64_t)__builtin_popcount(w->x[j]);
    }
    st->bit_errors = be;
    st->symbol_errors = k == 1 ? be : symbol_errors(w->x, nbits, k);
    size_t cbits = (size_t)k * (cfg->phy.fading == PHY_FADING_BLOCK && cfg->phy.channel != PHY_AWGN
                                    ? cfg->phy.block_symbols : 1);
    cluster_sums(w->x, nbits, cbits, be, st);
}

int fl_ber_interval(uint64_t bits, uint64_t errors, double sum_e2, double sum_en, double sum_n2,
                 uint64_t err_clusters, ber_result *out)
{
    if (!out || bits == 0 || errors > bits || !(sum_n2 > 0))
        return -EINVAL;
    /* design effect of clustered errors (ber.h) */
    double nb = (double)bits, p = (double)errors / nb;
    double deff = 1.0;
    if (p > 0 && p < 1)
        deff = (sum_e2 - 2.0 * p * sum_en + p * p * sum_n2) / (nb * p * (1.0 - p));
    out->ber_deff_measured = deff > 1.0 ? deff : 1.0;
    out->ber_error_clusters = err_clusters;
    out->ber_deff_estimated = err_clusters >= BER_DEFF_MIN_CLUSTERS;
    out->ber_deff = out->ber_deff_measured;
    if (!out->ber_deff_estimated) {
        /* too few error clusters to measure the clustering: its worst case,
         * every cluster one trial (deff_max = sum n_j^2 / N, ber.h) */
        double dmax = sum_n2 / nb;
        if (dmax > out->ber_deff)
            out->ber_deff = dmax;
    }
    return fl_berclosed_clopper_pearson_real((double)errors / out->ber_deff, nb / out->ber_deff, 0.95,
                                          &out->ber_ci_low, &out->ber_ci_high);
}

int fl_ber_run(const ber_config *cfg, ber_result *out)
{
    if (!cfg || !out || cfg->frame_bits == 0 || cfg->max_bits == 0)
        return -EINVAL;
    if (!(cfg->code_rate > 0.0 && cfg->code_rate <= 1.0) || !isfinite(cfg->ebn0_db))
        return -EINVAL;
    if (cfg->demap != BER_DEMAP_HARD && cfg->demap != BER_DEMAP_LLR_EXACT &&
        cfg->demap != BER_DEMAP_LLR_MAXLOG)
        return -EINVAL;
    unsigned k = (unsigned)cfg->phy.scheme;
    phy_config pc = cfg->phy;
    pc.esn0_db = fl_phy_esn0_from_ebn0_db(cfg->ebn0_db, k, cfg->code_rate);
    int nt = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    if (nt > BER_BATCH_FRAMES)
        nt = BER_BATCH_FRAMES;
    const size_t nbits = cfg->frame_bits, nbytes = (nbits + 7) / 8;
    if ((nbits + k - 1) / k > PHY_MAX_FRAME_SYMBOLS)
        return -ERANGE;

    struct worker *ws = calloc((size_t)nt, sizeof *ws);
    if (!ws)
        return -ENOMEM;
    int rc = 0;
    for (int t = 0; t < nt && rc == 0; t++) {
        ws[t].p = fl_phy_create(&pc);
        ws[t].words = malloc(((nbytes + 3) / 4) * sizeof(uint32_t));
        ws[t].tx = malloc(nbytes);
        ws[t].rx = malloc(nbytes);
        ws[t].x = malloc(nbytes);
        ws[t].llr = cfg->demap == BER_DEMAP_HARD ? NULL : malloc(nbits * sizeof(float));
        if (!ws[t].p)
            rc = -EINVAL;
        else if (!ws[t].words || !ws[t].tx || !ws[t].rx || !ws[t].x ||
                 (cfg->demap != BER_DEMAP_HARD && !ws[t].llr))
            rc = -ENOMEM;
    }

    memset(out, 0, sizeof *out);
    struct frame_stat st[BER_BATCH_FRAMES];
    double sum_e2 = 0, sum_en = 0, sum_n2 = 0;
    uint64_t err_clusters = 0, reported = 0;
    int done = rc != 0;
    for (uint64_t f0 = 0; !done; f0 += BER_BATCH_FRAMES) {
#pragma omp parallel for schedule(static) num_threads(nt)
        for (int i = 0; i < BER_BATCH_FRAMES; i++)
            run_frame(cfg, &ws[omp_get_thread_num()], f0 + (uint64_t)i, &st[i]);
        /* the stopping rule, frame by frame in order */
        for (int i = 0; i < BER_BATCH_FRAMES && !done; i++) {
            if (st[i].rc) {
                rc = st[i].rc;
                done = 1;
                break;
            }
            out->frames++;
            out->bits += nbits;
            out->symbols += (nbits + k - 1) / k;
            out->bit_errors += st[i].bit_errors;
            out->symbol_errors += st[i].symbol_errors;
            out->frame_errors += st[i].bit_errors > 0;
            sum_e2 += st[i].sum_e2;
            sum_en += st[i].sum_en;
            sum_n2 += st[i].sum_n2;
            err_clusters += st[i].err_clusters;
            if ((cfg->min_errors > 0 && out->bit_errors >= cfg->min_errors) ||
                out->bits >= cfg->max_bits || f0 + (uint64_t)i + 1 >= ((uint64_t)1 << 40))
                done = 1;
        }
        if (cfg->progress && !rc && (done || out->bits - reported >= BER_PROGRESS_BITS)) {
            reported = out->bits;
            cfg->progress(cfg->progress_arg, out->bits, out->bit_errors);
        }
    }
    for (int t = 0; t < nt; t++) {
        fl_phy_destroy(ws[t].p);
        free(ws[t].words);
        free(ws[t].tx);
        free(ws[t].rx);
        free(ws[t].x);
        free(ws[t].llr);
    }
    free(ws);
    if (rc)
        return rc;
    out->ber = (double)out->bit_errors / (double)out->bits;
    out->ser = (double)out->symbol_errors / (double)out->symbols;
    out->fer = (double)out->frame_errors / (double)out->frames;
    rc = fl_ber_interval(out->bits, out->bit_errors, sum_e2, sum_en, sum_n2, err_clusters, out);
    if (rc)
        return rc;
    out->ebn0_db = cfg->ebn0_db;
    out->esn0_db = pc.esn0_db;
    out->fl_ber_theory = fl_ber_theory(&pc, cfg->ebn0_db);
    out->ser_theory = fl_ber_ser_theory(&pc, cfg->ebn0_db);
    if (cfg->code_rate != 1.0) { /* closed forms are for the uncoded Eb/N0 */
        double eb_unc = pc.esn0_db - 10.0 * log10((double)k);
        out->fl_ber_theory = fl_ber_theory(&pc, eb_unc);
        out->ser_theory = fl_ber_ser_theory(&pc, eb_unc);
    }
    return 0;
}
