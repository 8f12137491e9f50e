/* point: one sweep point through the frame pipeline (point.h). */
#include "sim/point.h"

#include "channel/capacity.h"
#include "channel/noise.h"
#include "codec/metrics.h"
#include "codec/pinr.h"
#include "codec/projector.h"
#include "sim/digital.h"
#include "sim/rd.h"
#include "sim/trials.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int point_load_source(const fl_config *c, const char *file, source_tensor *t, char *err, size_t len)
{
    char why[256] = "";
    int rc = c->source.kind == SRC_NPY ? source_load_npy(c->source.path, t, why, sizeof why)
                                       : source_load_hdf5(c->source.path, c->source.dataset, t, why,
                                                          sizeof why);
    if (rc)
        snprintf(err, len, "%s: $.source.path: \"%s\": %s", file, c->source.path, why);
    return rc;
}

int point_source(const fl_config *c, const point_ctx *ctx, uint32_t trial, source_tensor *own,
                        const source_tensor **src)
{
    if (ctx && ctx->file_source) {
        *src = ctx->file_source;
        return 0;
    }
    source_synth p = {
        .patches = c->source.patches,
        .tokens = c->source.tokens,
        .dims = c->source.dims,
        .law = (source_law)c->source.law,
        .clusters = c->source.clusters,
        .cluster_spread = c->source.cluster_spread,
        .tail = c->source.tail,
        .outlier_dims = c->source.outlier_dims,
        .outlier_gain = c->source.outlier_gain,
        .scale = c->source.scale,
    };
    int rc = source_synthetic(&p, c->seed, trial, own);
    *src = own;
    return rc;
}

static pinr_index point_index_mode(idx_kind k)
{
    switch (k) {
    case IDX_BITMASK: return PINR_INDEX_BITMASK;
    case IDX_SEEDED: return PINR_INDEX_SEEDED;
    case IDX_ENUMERATIVE: return PINR_INDEX_ENUMERATIVE;
    default: return PINR_INDEX_LIST;
    }
}

/* Philox purpose of the analog link's noise (channel range, sim-owned). */
#define POINT_PURPOSE_ANALOG 0x2F0u

/* Analog link (paper 000 Fig. 3): see point.h. */
int point_analog(const float *x, const uint8_t *keep, int64_t n, double snr_db, uint32_t seed,
                        uint32_t point, uint32_t purpose, uint32_t trial, float *y)
{
    double p = 0;
    int64_t sent = 0;
    for (int64_t i = 0; i < n; i++)
        if (!keep || keep[i]) {
            p += (double)x[i] * x[i];
            sent++;
        }
    p = sent ? p / (double)sent : 0.0;
    float sigma = isinf(snr_db) ? 0.0f : (float)sqrt(p / capacity_db2lin(snr_db));
    float *g = malloc((size_t)n * sizeof *g);
    noise *ns = noise_create(seed, point, purpose, trial);
    if (!g || !ns) {
        free(g);
        noise_destroy(ns);
        return -ENOMEM;
    }
    noise_gauss_fill(ns, g, (size_t)n);
    for (int64_t i = 0; i < n; i++)
        y[i] = !keep || keep[i] ? x[i] + sigma * g[i] : 0.0f;
    free(g);
    noise_destroy(ns);
    return 0;
}

/* Proxy metrics of (x, y) (codec/metrics.h), optionally in the projector's
 * space; tokens x dims both. */
static int point_metrics(const float *x, const float *y, int64_t tokens, int64_t dims,
                         const projector *proj, metrics_ws *ws, metrics_report *m)
{
    if (!proj)
        return metrics_compute(ws, x, (size_t)tokens, y, (size_t)tokens, (size_t)dims, METRICS_ALL, m);
    size_t od = projector_out_dims(proj);
    float *px = malloc((size_t)tokens * od * sizeof *px), *py = malloc((size_t)tokens * od * sizeof *py);
    int rc = px && py ? 0 : -ENOMEM;
    if (!rc)
        rc = projector_execute(proj, x, (size_t)tokens, px);
    if (!rc)
        rc = projector_execute(proj, y, (size_t)tokens, py);
    if (!rc)
        rc = metrics_compute(ws, px, (size_t)tokens, py, (size_t)tokens, od, METRICS_ALL, m);
    free(px), free(py);
    return rc;
}

void point_metric_columns(trials_acc *acc, const metrics_report *m)
{
    trials_put(acc, "cosine", m->cosine, "");
    trials_put(acc, "nmse", m->nmse, "");
    trials_put(acc, "feature_snr_db", m->snr_db, "dB");
    trials_put(acc, "proxy_precision", m->precision, "");
    trials_put(acc, "proxy_recall", m->recall, "");
    trials_put(acc, "proxy_f1", m->f1, "");
    trials_put(acc, "cka", m->cka, "");
}

/* The same_snr reference of a digital link: the uncompressed frame (f = g =
 * h = 0, same Nb) through the same packets, modem and channel, decoded with
 * its losses concealed. */
static int point_digital_reference(const fl_config *c, int64_t point, uint32_t t, const pinr_params *p0,
                                   const float *x, float *yref)
{
    pinr_params p = *p0;
    p.f = p.g = p.h = 0.0;
    uint8_t *buf = NULL;
    uint64_t nbits = 0;
    int rc = pinr_encode(&p, x, pinr_frame_seed(c->seed, 0, t), &buf, &nbits, NULL);
    size_t nbytes = (size_t)((nbits + 7) / 8);
    uint8_t *rx = malloc(nbytes + 1), *erased = malloc(nbytes + 1);
    digital_result dr;
    if (!rc)
        rc = rx && erased ? digital_transmit(c, (uint32_t)point, t, buf, nbits, rx, erased, &dr) : -ENOMEM;
    if (!rc) {
        rc = pinr_decode(rx, nbits, erased, p.tokens, p.dims, yref, NULL, NULL);
        if (rc == -EBADMSG)
            rc = 0; /* a lost reference frame is all zeros: a valid (bad) reference */
    }
    free(buf), free(rx), free(erased);
    return rc;
}

/* One PINR frame (trial _t): encode, send over the configured link, decode,
 * measure. Per-trial quantities are added to _acc (averaged by the caller). */
static int point_pinr_trial(const fl_config *c, int64_t point, const point_ctx *ctx, uint32_t t,
                            const pinr_params *p0, const projector *proj, metrics_ws *ws, trials_acc *acc,
                            char *err, size_t len)
{
    source_tensor own = {0};
    const source_tensor *src = NULL;
    int rc = point_source(c, ctx, t, &own, &src);
    if (rc) {
        snprintf(err, len, "source generation failed (%s)", strerror(-rc));
        return rc;
    }
    pinr_params p = *p0;
    double snr_db = c->channel.snr_db;
    int64_t n = p.tokens * p.dims;
    /* the selection, like the synthetic source, is a common random number
     * across sweep points (point index 0): points that differ only in SNR,
     * link or reference drop the same symbols; the channel noise is keyed
     * by the point */
    uint64_t fseed = pinr_frame_seed(c->seed, 0, t);
    uint8_t *buf = NULL, *keep = NULL;
    float *y = malloc((size_t)n * sizeof *y), *yref = NULL;
    uint64_t nbits = 0;
    pinr_layout lay;
    metrics_report m, mref;
    if (!y) {
        rc = -ENOMEM;
        snprintf(err, len, "out of memory");
        goto done;
    }
    rc = pinr_encode(&p, src->x, fseed, &buf, &nbits, &lay);
    if (rc) {
        snprintf(err, len, "PINR encoding failed (%s)", strerror(-rc));
        goto done;
    }
    trials_put(acc, "measured_bits", (double)nbits, "bit");
    trials_put(acc, "measured_index_bits", (double)lay.index_bits, "bit");
    trials_put(acc, "measured_header_bits", (double)lay.header_bits, "bit");

    if (c->link.mode == LINK_ANALOG) {
        keep = malloc((size_t)n);
        rc = keep ? pinr_select(&p, fseed, keep) : -ENOMEM;
        if (!rc)
            rc = point_analog(src->x, keep, n, snr_db, c->seed, (uint32_t)point, POINT_PURPOSE_ANALOG, t, y);
    } else if (c->link.mode == LINK_DIGITAL) {
        /* packets, FEC, modem, channel, CRC: lost packets are erased bytes,
         * which the decoder zero-fills (or loses the frame when they hit the
         * header or the indices) */
        size_t nbytes = (size_t)((nbits + 7) / 8);
        uint8_t *rx = malloc(nbytes ? nbytes : 1), *erased = malloc(nbytes ? nbytes : 1);
        digital_result dr;
        rc = rx && erased ? digital_transmit(c, (uint32_t)point, t, buf, nbits, rx, erased, &dr) : -ENOMEM;
        int64_t lost = 0;
        if (!rc) {
            int drc = pinr_decode(rx, nbits, erased, p.tokens, p.dims, y, NULL, &lost);
            trials_put(acc, "packets", (double)dr.packets, "");
            trials_put(acc, "packets_lost", (double)dr.packets_lost, "");
            trials_put(acc, "packet_loss_rate", dr.packets ? (double)dr.packets_lost / (double)dr.packets : 0.0, "");
            trials_put(acc, "packet_bits", (double)dr.packet_bits, "bit");
            trials_put(acc, "air_bits", (double)dr.air_bits, "bit");
            trials_put(acc, "air_symbols", (double)dr.symbols, "");
            trials_put(acc, "airtime_s", dr.airtime_s, "s");
            trials_put(acc, "frame_lost", drc == -EBADMSG ? 1.0 : 0.0, "");
            trials_put(acc, "lost_symbols", drc == -EBADMSG ? (double)lay.kept_symbols : (double)lost, "");
            if (drc && drc != -EBADMSG)
                rc = drc;
        }
        free(rx), free(erased);
    } else {
        /* capacity: the link is error-free at its rate; decode the stream */
        rc = pinr_decode(buf, nbits, NULL, p.tokens, p.dims, y, NULL, NULL);
    }
    if (rc) {
        snprintf(err, len, "link/decoding failed (%s)", strerror(-rc));
        goto done;
    }
    rc = point_metrics(src->x, y, p.tokens, p.dims, proj, ws, &m);
    if (!rc && c->metrics.reference != REF_NONE) {
        /* paper 000 Figs. 2-3: normalise by the uncompressed reference, sent
         * without noise (clean) or through the same channel (same_snr) */
        yref = malloc((size_t)n * sizeof *yref);
        rc = yref ? 0 : -ENOMEM;
        if (!rc && c->metrics.reference == REF_SAME_SNR && c->link.mode == LINK_ANALOG)
            rc = point_analog(src->x, NULL, n, snr_db, c->seed, (uint32_t)point, POINT_PURPOSE_ANALOG + 1, t,
                              yref);
        else if (!rc && c->metrics.reference == REF_SAME_SNR && c->link.mode == LINK_DIGITAL)
            rc = point_digital_reference(c, point, t, &p, src->x, yref);
        else if (!rc)
            memcpy(yref, src->x, (size_t)n * sizeof *yref);
        if (!rc)
            rc = point_metrics(src->x, yref, p.tokens, p.dims, proj, ws, &mref);
        if (!rc) {
            trials_put(acc, "ref_proxy_f1", mref.f1, "");
            metrics_normalise(&m, &mref, &m);
        }
    }
    if (rc) {
        snprintf(err, len, "metrics failed (%s)", strerror(-rc));
        goto done;
    }
    point_metric_columns(acc, &m);
done:
    free(buf), free(keep), free(y), free(yref);
    source_free(&own);
    return rc;
}

/* _bits / (_scale _bphz): the time (_scale = bandwidth) or bandwidth
 * (_scale = time) at spectral efficiency _bphz; +inf at zero capacity */
static double point_over(double bits, double scale, double bphz)
{
    return bphz > 0.0 ? bits / (scale * bphz) : INFINITY;
}

/* Over a fading channel (channel.kind rayleigh or rician; nothing for AWGN
 * or an infinite SNR), the capacity columns of a frame of _bits bits, each
 * computed from the capacity its name says, with γ the mean SNR:
 *   ergodic_capacity_bps_hz     C_erg = E log2(1 + γ|h|^2) (Rayleigh
 *                               log2(e) e^{1/γ} E1(1/γ); Rician numerically)
 *   min_bandwidth_ergodic_hz    bits / (link.budget_s C_erg)
 *   transfer_time_ergodic_s     bits / (link.bandwidth_hz C_erg)
 *   required_rate_bps_hz        R = bits / (link.budget_s link.bandwidth_hz)
 *   outage_prob                 P(log2(1 + γ|h|^2) < R)
 *   eps_outage_capacity_bps_hz  C_ε, P(log2(1 + γ|h|^2) < C_ε) = channel.outage_eps
 *   min_bandwidth_eps_outage_hz bits / (link.budget_s C_ε)
 * 0, or a negative errno with _err filled. */
static int point_fading_columns(const fl_config *c, double bits, row *r, char *err, size_t len)
{
    double snr_db = c->channel.snr_db;
    if (c->channel.kind == CH_AWGN || !isfinite(snr_db))
        return 0;
    capacity_fading cf;
    double k = c->channel.kind == CH_RICIAN ? c->channel.k_factor : 0.0;
    double rate = bits / (c->link.budget_s * c->link.bandwidth_hz);
    int rc = capacity_fading_point(snr_db, k, rate, c->channel.outage_eps, &cf);
    if (rc) {
        snprintf(err, len, "fading capacity failed (%s)", strerror(-rc));
        return rc;
    }
    row_set(r, "ergodic_capacity_bps_hz", cf.ergodic_bphz, "bit/s/Hz");
    row_set(r, "min_bandwidth_ergodic_hz", point_over(bits, c->link.budget_s, cf.ergodic_bphz), "Hz");
    row_set(r, "transfer_time_ergodic_s", point_over(bits, c->link.bandwidth_hz, cf.ergodic_bphz), "s");
    row_set(r, "required_rate_bps_hz", rate, "bit/s/Hz");
    row_set(r, "outage_prob", cf.outage_prob, "");
    row_set(r, "eps_outage_capacity_bps_hz", cf.eps_outage_bphz, "bit/s/Hz");
    row_set(r, "min_bandwidth_eps_outage_hz", point_over(bits, c->link.budget_s, cf.eps_outage_bphz), "Hz");
    row_set(r, "transfer_time_eps_outage_s", point_over(bits, c->link.bandwidth_hz, cf.eps_outage_bphz), "s");
    return 0;
}

/* PINR (or no selection: f = g = h = 0) over a capacity, analog or digital
 * link; `trials` frames, per-frame quantities averaged. */
static int point_pinr(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err,
                      size_t len)
{
    int64_t tokens = ctx && ctx->file_source ? ctx->file_source->patches * ctx->file_source->tokens
                                             : c->source.patches * c->source.tokens;
    int64_t dims = ctx && ctx->file_source ? ctx->file_source->dims : c->source.dims;
    int sel = c->codec.select == SEL_PINR;
    pinr_params p = {
        .tokens = tokens,
        .dims = dims,
        .bits = c->source.bits,
        .f = sel ? c->codec.f : 0.0,
        .g = sel ? c->codec.g : 0.0,
        .h = sel ? c->codec.h : 0.0,
        .index = point_index_mode(c->codec.index_coding),
    };
    pinr_analytic a;
    pinr_analytic_compute(&p, &a);
    double snr_db = c->channel.snr_db;

    row_set(r, "f", p.f, "");
    row_set(r, "g", p.g, "");
    row_set(r, "h", p.h, "");
    row_set(r, "snr_db", snr_db, "dB Es/N0 per symbol");
    row_set(r, "tokens", (double)p.tokens, "");
    row_set(r, "dims", (double)p.dims, "");
    row_set(r, "symbol_bits", (double)p.bits, "bit/symbol");
    row_set(r, "trials", (double)c->trials, "");
    /* paper 000 §3: total Nt Ns Nb; saved is the paper's "overhead saving
     * w/ compression" = dropped bits - index bits */
    row_set(r, "total_bits", a.total_bits, "bit");
    row_set(r, "dropped_bits", a.saved_bits, "bit");
    row_set(r, "index_bits", a.index_bits, "bit");
    row_set(r, "saved_bits", a.net_saved_bits, "bit");
    row_set(r, "sent_bits", a.sent_bits, "bit");
    row_set(r, "reduction_ratio", a.reduction_ratio, "");
    /* B = bits / (T log2(1 + SNR)), paper 000 Table 1 */
    row_set(r, "min_bandwidth_hz", capacity_min_bandwidth_hz(a.sent_bits, c->link.budget_s, snr_db), "Hz");
    if (c->link.mode == LINK_DIGITAL)
        row_set(r, "esn0_db", digital_esn0_db(c), "dB Es/N0 per symbol");

    metrics_ws *ws = NULL;
    projector *proj = NULL;
    int rc = metrics_ws_create(&ws);
    if (rc) {
        snprintf(err, len, "out of memory");
        return rc;
    }
    if (c->metrics.projector[0] && (rc = projector_load(c->metrics.projector, &proj)) != 0) {
        snprintf(err, len, "$.metrics.projector: cannot load \"%s\" (%s)", c->metrics.projector, strerror(-rc));
        goto done;
    }
    if (proj && projector_in_dims(proj) != (size_t)p.dims) {
        rc = -EINVAL;
        snprintf(err, len, "$.metrics.projector: input dimension %zu does not match source.dims %lld",
                 projector_in_dims(proj), (long long)p.dims);
        goto done;
    }
    trials_acc acc;
    trials_reset(&acc);
    for (int64_t t = 0; t < c->trials && !rc; t++)
        rc = point_pinr_trial(c, point, ctx, (uint32_t)t, &p, proj, ws, &acc, err, len);
    if (rc)
        goto done;
    if ((rc = trials_finish(&acc, r)) != 0) {
        snprintf(err, len, "too many result columns (%s)", strerror(-rc));
        goto done;
    }
    double mbits = trials_mean(&acc, "measured_bits");
    row_set(r, "measured_reduction_ratio", 1.0 - mbits / a.total_bits, "");
    row_set(r, "measured_min_bandwidth_hz", capacity_min_bandwidth_hz(mbits, c->link.budget_s, snr_db), "Hz");
    /* the AWGN capacity log2(1 + SNR) at channel.snr_db, whatever the
     * channel kind (over fading: a non-fading link at the mean SNR); the
     * fading capacities have their own columns */
    row_set(r, "transfer_time_s", capacity_transfer_time_s(mbits, c->link.bandwidth_hz, snr_db), "s");
    rc = point_fading_columns(c, mbits, r, err, len);
done:
    metrics_ws_destroy(ws);
    projector_destroy(proj);
    return rc;
}

/* Rate-distortion points: every per-frame column averaged over the trials. */
static int point_rd(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len)
{
    trials_acc acc;
    trials_reset(&acc);
    for (int64_t t = 0; t < c->trials; t++) {
        int rc = rd_frame(c, point, (uint32_t)t, ctx, r, &acc, err, len);
        if (rc)
            return rc;
    }
    row_set(r, "trials", (double)c->trials, "");
    int rc = trials_finish(&acc, r);
    if (rc) {
        snprintf(err, len, "too many result columns (%s)", strerror(-rc));
        return rc;
    }
    /* the fading capacities of the mean coded frame, as for PINR points */
    return point_fading_columns(c, trials_mean(&acc, "measured_bits"), r, err, len);
}

int point_run(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len)
{
    row_reset(r);
    /* rate-distortion codecs (paper 001): merge, quantisers, entropy coding */
    if (c->source.kind != SRC_BITS &&
        (c->codec.select == SEL_MERGE || c->codec.quant != Q_FP32 || c->codec.entropy != ENT_RAW))
        return point_rd(c, point, ctx, r, err, len);
    if (c->source.kind == SRC_BITS)
        return digital_ber_point(c, point, ctx, r, err, len);
    return point_pinr(c, point, ctx, r, err, len);
}
