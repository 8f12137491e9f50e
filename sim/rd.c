/* rd: rate-distortion point of the TOFC codec (paper 001, §IV; rd.h).
 *
 * source -> tofc_encode (merge, quantise, entropy code) -> link -> tofc_decode
 * -> merged tokens expanded with the encoder-side assignment (not sent) ->
 * metrics. Bounds for sources of known law (i.i.d. Gaussian / Laplacian of
 * standard deviation σ = source.scale): the Shannon lower bound
 *   R_SLB(D) = h(X) - ½ log2(2πe D)   (T. Berger, Rate Distortion Theory, 1971, §4.3.1)
 * with h = ½ log2(2πe σ²) (Gaussian) or log2(2e b), b = σ/√2 (Laplacian)
 * (Cover & Thomas, Elements of Information Theory, 2nd ed., Table 17.1), and
 * for the Gaussian the exact
 *   R(D) = ½ log2(σ²/D), D <= σ² (Cover & Thomas, Thm 10.3.2).
 */
#include "sim/rd.h"

#include "sim/digital.h"

#include "channel/capacity.h"
#include "channel/noise.h"
#include "codec/merge.h"
#include "codec/metrics.h"
#include "codec/projector.h"
#include "codec/tofc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Philox purposes of the analog link's noise (channel range, sim-owned):
 * the compressed frame's values, and the same_snr reference. */
#define RD_PURPOSE_ANALOG     0x2F2u
#define RD_PURPOSE_ANALOG_REF 0x2F3u

/* Project _n tokens of _x into a new buffer (*_out, caller frees), or alias
 * _x when there is no projector. */
static int rd_project(const projector *proj, const float *x, size_t n, float **out, const float **view)
{
    *out = NULL;
    if (!proj) {
        *view = x;
        return 0;
    }
    float *p = malloc(n * projector_out_dims(proj) * sizeof *p + 1);
    if (!p)
        return -ENOMEM;
    int rc = projector_execute(proj, x, n, p);
    if (rc) {
        free(p);
        return rc;
    }
    *out = p;
    *view = p;
    return 0;
}

/* Metrics of the original X (nx tokens) against the grid reconstruction
 * X̂ (nx tokens: cosine, NMSE, SNR, CKA) and the received tokens Y
 * (ny tokens, merged ones when merging: greedy P/R/F1). ymerged == NULL:
 * greedy matching against X̂ as well. */
static int rd_metrics(const projector *proj, metrics_ws *ws, const float *x, const float *xhat, size_t nx,
                      const float *ymerged, size_t ny, size_t dims, metrics_report *m)
{
    float *px = NULL, *ph = NULL, *py = NULL;
    const float *vx = NULL, *vh = NULL, *vy = NULL;
    int rc = rd_project(proj, x, nx, &px, &vx);
    if (!rc)
        rc = rd_project(proj, xhat, nx, &ph, &vh);
    if (!rc && ymerged)
        rc = rd_project(proj, ymerged, ny, &py, &vy);
    size_t d = proj ? projector_out_dims(proj) : dims;
    if (!rc && !ymerged)
        rc = metrics_compute(ws, vx, nx, vh, nx, d, METRICS_ALL, m);
    if (!rc && ymerged) {
        rc = metrics_compute(ws, vx, nx, vh, nx, d, METRICS_ELEMENTWISE | METRICS_CKA, m);
        if (!rc)
            rc = metrics_greedy_match(vx, nx, vy, ny, d, &m->precision, &m->recall, &m->f1);
    }
    free(px), free(ph), free(py);
    return rc;
}

static tofc_quant rd_quant(quant_kind q)
{
    switch (q) {
    case Q_FP16: return TOFC_QUANT_FP16;
    case Q_BF16: return TOFC_QUANT_BF16;
    case Q_UNIFORM: return TOFC_QUANT_UNIFORM;
    case Q_RDOQ: return TOFC_QUANT_RDOQ;
    default: return TOFC_QUANT_FP32;
    }
}

/* differential entropy in bits of an i.i.d. source of std sigma; NaN if the
 * law is not known in closed form (Cover & Thomas, Table 17.1) */
static double rd_source_entropy_bits(src_law law, double sigma)
{
    if (law == LAW_GAUSSIAN)
        return 0.5 * log2(2.0 * M_PI * M_E * sigma * sigma);
    if (law == LAW_LAPLACE)
        return log2(2.0 * M_E * sigma / sqrt(2.0)); // b = σ/√2
    return NAN;
}

/* The same_snr reference of a digital link: the uncompressed frame (fp32,
 * raw, no merging) through the same packets, modem and channel (the same
 * noise key as the compressed frame, as for PINR points), decoded with the
 * values of lost packets zero-filled; a lost header loses the whole
 * reference frame (zeros). _xref: patches x tokens x dims values. */
static int rd_digital_reference(const fl_config *c, int64_t point, uint32_t trial, const tofc_params *p0,
                                const float *x, float *xref)
{
    tofc_params p = {.patches = p0->patches, .tokens = p0->tokens, .dims = p0->dims,
                     .select = TOFC_SELECT_NONE, .quant = TOFC_QUANT_FP32, .entropy = TOFC_ENTROPY_RAW};
    size_t n = (size_t)(p.patches * p.tokens * p.dims);
    uint8_t *buf = NULL;
    size_t nbytes = 0;
    tofc_frame fr = {0};
    int rc = tofc_encode(&p, x, &buf, &nbytes, NULL, NULL);
    uint8_t *rx = rc ? NULL : malloc(nbytes + 1), *erased = rc ? NULL : malloc(nbytes + 1);
    digital_result dr;
    if (!rc)
        rc = rx && erased ? digital_transmit(c, (uint32_t)point, trial, buf, (uint64_t)nbytes * 8, rx, erased, &dr)
                          : -ENOMEM;
    if (!rc) {
        rc = tofc_decode(rx, nbytes, erased, (int64_t)n, &fr);
        if (!rc)
            memcpy(xref, fr.y, n * sizeof *xref);
        else if (rc == -EBADMSG) {
            memset(xref, 0, n * sizeof *xref); /* a lost reference frame: a valid (bad) reference */
            rc = 0;
        }
    }
    tofc_frame_free(&fr);
    free(buf), free(rx), free(erased);
    return rc;
}

int rd_frame(const fl_config *c, int64_t point, uint32_t trial, const point_ctx *ctx, row *r,
             trials_acc *acc, char *err, size_t len)
{
    if (c->codec.entropy == ENT_LAPLACE && (c->codec.quant == Q_FP32 || c->codec.quant == Q_FP16 ||
                                            c->codec.quant == Q_BF16)) {
        snprintf(err, len, "$.codec.entropy: \"laplace\" codes integer levels: needs codec.quant "
                           "uniform or rdoq");
        return -EINVAL;
    }
    source_tensor own = {0};
    const source_tensor *src = NULL;
    int rc = point_source(c, ctx, trial, &own, &src);
    if (rc) {
        snprintf(err, len, "source generation failed (%s)", strerror(-rc));
        return rc;
    }
    tofc_params p = {
        .patches = src->patches,
        .tokens = src->tokens,
        .dims = src->dims,
        .select = c->codec.select == SEL_MERGE ? TOFC_SELECT_MERGE : TOFC_SELECT_NONE,
        .clusters = c->codec.clusters,
        .knn = c->codec.knn,
        .quant = rd_quant(c->codec.quant),
        .step = c->codec.step,
        .deadzone = c->codec.deadzone,
        .lambda = c->codec.lambda,
        .entropy = c->codec.entropy == ENT_LAPLACE ? TOFC_ENTROPY_LAPLACE : TOFC_ENTROPY_RAW,
        .models = c->codec.models,
    };
    size_t nt = (size_t)(p.patches * p.tokens), d = (size_t)p.dims, n = nt * d;
    double snr_db = c->channel.snr_db;
    uint8_t *buf = NULL;
    size_t nbytes = 0;
    tofc_stats st;
    tofc_frame fr = {0};
    int32_t *assign = malloc(nt * sizeof *assign + 1);
    float *xhat = malloc(n * sizeof *xhat + 1), *xref = NULL;
    metrics_ws *ws = NULL;
    projector *proj = NULL;
    metrics_report m, mref;
    if (!assign || !xhat || metrics_ws_create(&ws)) {
        rc = -ENOMEM;
        snprintf(err, len, "out of memory");
        goto done;
    }
    rc = tofc_encode(&p, src->x, &buf, &nbytes, &st, assign);
    if (rc) {
        snprintf(err, len, "TOFC encoding failed (%s)", strerror(-rc));
        goto done;
    }
    /* capacity: error-free at its rate; analog: the decoded (dequantised) sent
     * values plus noise; digital: packets through the channel, lost packets
     * erased (an entropy-coded payload cannot resynchronise: any erased byte
     * loses the frame, which then arrives as zeros). */
    int frame_lost = 0;
    if (c->link.mode == LINK_DIGITAL) {
        uint8_t *rx = malloc(nbytes + 1), *erased = malloc(nbytes + 1);
        digital_result dr;
        rc = rx && erased ? digital_transmit(c, (uint32_t)point, trial, buf, (uint64_t)nbytes * 8, rx, erased, &dr)
                          : -ENOMEM;
        if (!rc) {
            int drc = tofc_decode(rx, nbytes, erased, (int64_t)n, &fr);
            frame_lost = drc == -EBADMSG;
            rc = frame_lost ? 0 : drc;
            row_set(r, "esn0_db", dr.esn0_db, "dB Es/N0 per symbol");
            trials_put(acc, "packets", (double)dr.packets, "");
            trials_put(acc, "packets_lost", (double)dr.packets_lost, "");
            trials_put(acc, "packet_loss_rate", dr.packets ? (double)dr.packets_lost / (double)dr.packets : 0.0, "");
            trials_put(acc, "air_bits", (double)dr.air_bits, "bit");
            trials_put(acc, "airtime_s", dr.airtime_s, "s");
            trials_put(acc, "frame_lost", frame_lost, "");
            trials_put(acc, "lost_values", frame_lost ? (double)st.sent_values : (double)fr.lost_values, "");
        }
        free(rx), free(erased);
    } else {
        rc = tofc_decode(buf, nbytes, NULL, (int64_t)n, &fr);
    }
    if (!rc && c->link.mode == LINK_ANALOG)
        rc = point_analog(fr.y, NULL, st.sent_values, snr_db, c->seed, (uint32_t)point, RD_PURPOSE_ANALOG, trial,
                          fr.y);
    if (rc) {
        snprintf(err, len, "link/decoding failed (%s)", strerror(-rc));
        goto done;
    }
    /* back to the original grid with the encoder-side assignment (side
     * knowledge of the simulator, not transmitted: codec/tofc.h) */
    if (frame_lost)
        memset(xhat, 0, n * sizeof *xhat);
    else
        rc = merge_expand(fr.y, assign, (size_t)p.patches, (size_t)p.tokens, (size_t)fr.rows, d, xhat);
    if (rc) {
        snprintf(err, len, "expanding merged tokens failed (%s)", strerror(-rc));
        goto done;
    }

    double ne = (double)n, bits = (double)st.bits;
    double sse = 0;
    for (size_t i = 0; i < n; i++) {
        double e = (double)src->x[i] - xhat[i];
        sse += e * e;
    }
    double mse = sse / ne, rate = bits / ne;
    row_set(r, "snr_db", snr_db, "dB Es/N0 per symbol");
    row_set(r, "patches", (double)p.patches, "");
    row_set(r, "tokens", (double)p.tokens, "");
    row_set(r, "dims", (double)p.dims, "");
    trials_put(acc, "sent_tokens", (double)(p.patches * st.rows), "");
    trials_put(acc, "measured_bits", bits, "bit");
    trials_put(acc, "side_bits", st.side_bits, "bit");
    trials_put(acc, "ideal_bits", st.ideal_bits, "bit");
    trials_put(acc, "empirical_entropy_bits", st.empirical_bits, "bit");
    trials_put(acc, "escapes", (double)st.escapes, "");
    /* coded bits per ORIGINAL element (001 reports the coded size) */
    trials_put(acc, "rate_bits_per_element", rate, "bit");
    trials_put(acc, "distortion_mse", mse, "");
    trials_put(acc, "reduction_ratio", 1.0 - bits / (32.0 * ne), "");
    /* B = bits / (T log2(1 + SNR)) (paper 000, Table 1) and the transfer
     * time at link.bandwidth_hz: the AWGN capacity at channel.snr_db,
     * whatever the channel kind; over fading point_run adds the ergodic and
     * ε-outage columns (sim/point.c) */
    trials_put(acc, "min_bandwidth_hz", capacity_min_bandwidth_hz(bits, c->link.budget_s, snr_db), "Hz");
    trials_put(acc, "transfer_time_s", capacity_transfer_time_s(bits, c->link.bandwidth_hz, snr_db), "s");

    if (c->source.kind == SRC_SYNTHETIC && (c->source.law == LAW_GAUSSIAN || c->source.law == LAW_LAPLACE)) {
        double sig = c->source.scale, h = rd_source_entropy_bits(c->source.law, sig);
        double slb = mse > 0 ? fmax(0.0, h - 0.5 * log2(2.0 * M_PI * M_E * mse)) : INFINITY;
        row_set(r, "source_entropy_bits", h, "bit");
        trials_put(acc, "shannon_lower_bound_bits", slb, "bit");
        trials_put(acc, "rd_gap_bits", rate - slb, "bit");
        if (c->source.law == LAW_GAUSSIAN)
            trials_put(acc, "rd_function_bits",
                    mse > 0 ? fmax(0.0, 0.5 * log2(sig * sig / mse)) : INFINITY, "bit");
    }

    if (c->metrics.projector[0] && (rc = projector_load(c->metrics.projector, &proj)) != 0) {
        snprintf(err, len, "$.metrics.projector: cannot load \"%s\" (%s)", c->metrics.projector, strerror(-rc));
        goto done;
    }
    if (proj && projector_in_dims(proj) != d) {
        rc = -EINVAL;
        snprintf(err, len, "$.metrics.projector: input dimension %zu does not match source.dims %zu",
                 projector_in_dims(proj), d);
        goto done;
    }
    int merged = p.select == TOFC_SELECT_MERGE;
    rc = rd_metrics(proj, ws, src->x, xhat, nt, merged && !frame_lost ? fr.y : NULL,
                    (size_t)(p.patches * st.rows), d, &m);
    if (!rc && c->metrics.reference != REF_NONE) {
        /* paper 000 Figs. 2-3: normalise by the uncompressed frame, clean or
         * sent through the same analog or digital link */
        xref = malloc(n * sizeof *xref + 1);
        rc = xref ? 0 : -ENOMEM;
        if (!rc)
            memcpy(xref, src->x, n * sizeof *xref);
        if (!rc && c->metrics.reference == REF_SAME_SNR && c->link.mode == LINK_ANALOG)
            rc = point_analog(xref, NULL, (int64_t)n, snr_db, c->seed, (uint32_t)point, RD_PURPOSE_ANALOG_REF, trial,
                              xref);
        else if (!rc && c->metrics.reference == REF_SAME_SNR && c->link.mode == LINK_DIGITAL)
            rc = rd_digital_reference(c, point, trial, &p, src->x, xref);
        if (!rc)
            rc = rd_metrics(proj, ws, src->x, xref, nt, NULL, nt, d, &mref);
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
    free(buf), free(assign), free(xhat), free(xref);
    tofc_frame_free(&fr);
    metrics_ws_destroy(ws);
    projector_destroy(proj);
    source_free(&own);
    return rc;
}
