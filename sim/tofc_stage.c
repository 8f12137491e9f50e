/* tofc_stage: one TOFC frame through the point's link (tofc_stage.h). */
#include "sim/tofc_stage.h"

#include "channel/capacity.h"
#include "codec/merge.h"
#include "sim/digital.h"
#include "sim/link.h"
#include "sim/measure.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* differential entropy in bits of an i.i.d. source of std sigma; NaN if the
 * law is not known in closed form (Cover & Thomas, Table 17.1) */
static double tofc_stage_entropy_bits(source_law law, double sigma)
{
    if (law == SOURCE_LAW_GAUSSIAN)
        return 0.5 * log2(2.0 * M_PI * M_E * sigma * sigma);
    if (law == SOURCE_LAW_LAPLACE)
        return log2(2.0 * M_E * sigma / sqrt(2.0)); // b = σ/√2
    return NAN;
}

static int tofc_stage_known_law(const fl_config *c)
{
    return c->source.kind == SRC_SYNTHETIC &&
           (c->source.law == SOURCE_LAW_GAUSSIAN || c->source.law == SOURCE_LAW_LAPLACE);
}

int fl_tofc_stage_setup(tofc_stage *s, const frame_ctx *f, row *r, char *err, size_t len)
{
    const fl_config *c = f->c;
    if (c->codec.entropy == TOFC_ENTROPY_LAPLACE && (c->codec.quant == TOFC_QUANT_FP32 ||
                                                     c->codec.quant == TOFC_QUANT_FP16 ||
                                                     c->codec.quant == TOFC_QUANT_BF16)) {
        snprintf(err, len, "$.codec.entropy: \"laplace\" codes integer levels: needs codec.quant "
                           "uniform or rdoq");
        return -EINVAL;
    }
    const scn_codec *k = &c->codec;
    s->p = (tofc_params){.patches = f->patches, .tokens = f->tokens, .dims = f->dims,
                         .select = k->select == SEL_MERGE ? TOFC_SELECT_MERGE : TOFC_SELECT_NONE,
                         .clusters = k->clusters, .knn = k->knn, .quant = k->quant, .step = k->step,
                         .deadzone = k->deadzone, .lambda = k->lambda, .entropy = k->entropy, .models = k->models};
    const row_val cols[] = {{"snr_db", c->channel.snr_db, "dB Es/N0 per symbol"},
                            {"patches", (double)s->p.patches, ""},
                            {"tokens", (double)s->p.tokens, ""},
                            {"dims", (double)s->p.dims, ""},
                            {"trials", (double)c->trials, ""}};
    int rc = ROW_SET_ALL(r, cols);
    if (!rc && c->link.mode == LINK_DIGITAL)
        rc = fl_row_set(r, "esn0_db", fl_digital_esn0_db(c), "dB Es/N0 per symbol");
    if (!rc && tofc_stage_known_law(c))
        rc = fl_row_set(r, "source_entropy_bits", tofc_stage_entropy_bits(c->source.law, c->source.scale), "bit");
    if (rc)
        snprintf(err, len, "too many result columns (%s)", strerror(-rc));
    return rc;
}

/* The same_snr reference of a digital link: the uncompressed frame (fp32,
 * raw, no merging) through the same packets, modem and channel (the same
 * noise key as the compressed frame, as for PINR points), decoded with the
 * values of lost packets zero-filled; a lost header loses the whole
 * reference frame (zeros). */
static int tofc_stage_digital_ref(const frame_ctx *f, double t_s, uint32_t frame, const float *x, float *xref)
{
    tofc_params p = {.patches = f->patches, .tokens = f->tokens, .dims = f->dims,
                     .select = TOFC_SELECT_NONE, .quant = TOFC_QUANT_FP32, .entropy = TOFC_ENTROPY_RAW};
    size_t n = (size_t)(p.patches * p.tokens * p.dims), nbytes = 0;
    uint8_t *buf = NULL;
    tofc_frame fr = {0};
    int rc = fl_tofc_encode_with(f->tables, &p, x, &buf, &nbytes, NULL, NULL);
    uint8_t *rx = rc ? NULL : malloc(nbytes + 1), *erased = rc ? NULL : malloc(nbytes + 1);
    if (!rc && (!rx || !erased))
        rc = -ENOMEM;
    if (!rc) {
        link_tx tx = {.frame = frame, .bits = buf, .nbits = (uint64_t)nbytes * 8};
        link_rx lr = {.bits = rx, .erased = erased};
        rc = fl_link_send(f->link, t_s, &tx, &lr, NULL);
    }
    if (!rc) {
        rc = fl_tofc_decode_with(f->tables, rx, nbytes, erased, (int64_t)n, &fr);
        if (!rc)
            memcpy(xref, fr.y, n * sizeof *xref);
        else if (rc == -EBADMSG) {
            memset(xref, 0, n * sizeof *xref); /* a lost reference frame: a valid (bad) reference */
            rc = 0;
        }
    }
    fl_tofc_frame_free(&fr);
    free(buf), free(rx), free(erased);
    return rc;
}

/* The stream _buf (_nbytes) over the link, decoded into _fr; *_lost: the
 * frame arrived as zeros (digital: an erased header or entropy payload). */
static int tofc_stage_link(frame_ctx *f, uint32_t t, const uint8_t *buf, size_t nbytes, const tofc_stats *st,
                           tofc_frame *fr, int *lost, trials_acc *acc)
{
    double t_s = fl_frame_send_time(f, t);
    int64_t n = f->patches * f->tokens * f->dims;
    *lost = 0;
    if (fl_link_mode(f->link) == LINK_ANALOG) {
        int rc = fl_tofc_decode_with(f->tables, buf, nbytes, NULL, n, fr);
        link_tx tx = {.frame = t, .values = fr->y, .nvalues = st->sent_values, .purpose = LINK_PURPOSE_TOFC};
        link_rx rx = {.values = fr->y};
        return rc ? rc : fl_link_send(f->link, t_s, &tx, &rx, NULL);
    }
    uint8_t *rxb = malloc(nbytes + 1), *erased = malloc(nbytes + 1);
    link_tx tx = {.frame = t, .bits = buf, .nbits = (uint64_t)nbytes * 8};
    link_rx rx = {.bits = rxb, .erased = erased};
    link_report rep;
    int rc = rxb && erased ? fl_link_send(f->link, t_s, &tx, &rx, &rep) : -ENOMEM;
    if (!rc)
        rc = fl_tofc_decode_with(f->tables, rxb, nbytes, erased, n, fr);
    if (!rc || rc == -EBADMSG) {
        if (fl_link_mode(f->link) == LINK_DIGITAL) {
            *lost = rc == -EBADMSG;
            rc = fl_measure_link_columns(acc, &rep, *lost, "lost_values",
                                      *lost ? (double)st->sent_values : (double)fr->lost_values);
        }
    }
    free(rxb), free(erased);
    return rc;
}

/* Rate and distortion of the reconstruction _xhat of _x (_n values), and
 * the bounds of a known source law, into _acc. */
static int tofc_stage_rate(const frame_ctx *f, const tofc_stats *st, const float *x, const float *xhat, size_t n,
                           trials_acc *acc)
{
    const fl_config *c = f->c;
    double ne = (double)n, bits = (double)st->bits, snr_db = c->channel.snr_db, sse = 0;
    for (size_t i = 0; i < n; i++) {
        double e = (double)x[i] - xhat[i];
        sse += e * e;
    }
    double mse = sse / ne, rate = bits / ne;
    fl_trials_put(acc, "sent_tokens", (double)(f->patches * st->rows), "");
    fl_trials_put(acc, "measured_bits", bits, "bit");
    fl_trials_put(acc, "side_bits", st->side_bits, "bit");
    fl_trials_put(acc, "ideal_bits", st->ideal_bits, "bit");
    fl_trials_put(acc, "empirical_entropy_bits", st->empirical_bits, "bit");
    fl_trials_put(acc, "escapes", (double)st->escapes, "");
    /* coded bits per ORIGINAL element (001 reports the coded size) */
    fl_trials_put(acc, "rate_bits_per_element", rate, "bit");
    fl_trials_put(acc, "distortion_mse", mse, "");
    fl_trials_put(acc, "reduction_ratio", 1.0 - bits / (32.0 * ne), "");
    /* B = bits / (T log2(1 + SNR)) (paper 000, Table 1) and the transfer
     * time at link.bandwidth_hz: the AWGN capacity at channel.snr_db,
     * whatever the channel kind; over fading the point adds the ergodic and
     * ε-outage columns (sim/measure) */
    fl_trials_put(acc, "min_bandwidth_hz", fl_capacity_min_bandwidth_hz(bits, c->link.budget_s, snr_db), "Hz");
    int rc = fl_trials_put(acc, "transfer_time_s", fl_capacity_transfer_time_s(bits, c->link.bandwidth_hz, snr_db), "s");
    if (!rc && tofc_stage_known_law(c)) {
        double sig = c->source.scale, h = tofc_stage_entropy_bits(c->source.law, sig);
        double slb = mse > 0 ? fmax(0.0, h - 0.5 * log2(2.0 * M_PI * M_E * mse)) : INFINITY;
        fl_trials_put(acc, "shannon_lower_bound_bits", slb, "bit");
        rc = fl_trials_put(acc, "rd_gap_bits", rate - slb, "bit");
        if (!rc && c->source.law == SOURCE_LAW_GAUSSIAN)
            rc = fl_trials_put(acc, "rd_function_bits", mse > 0 ? fmax(0.0, 0.5 * log2(sig * sig / mse)) : INFINITY,
                            "bit");
    }
    return rc;
}

/* Metrics of the expanded grid _xhat and the received (merged) tokens,
 * normalised by the reference's when metrics.reference is set. */
static int tofc_stage_measure(const tofc_stage *s, frame_ctx *f, uint32_t t, const float *x, const float *xhat,
                              const tofc_frame *fr, int lost, trials_acc *acc)
{
    size_t nt = (size_t)(f->patches * f->tokens);
    int merged = s->p.select == TOFC_SELECT_MERGE && !lost;
    metrics_report m, mref;
    int rc = fl_measure_metrics(f, x, xhat, nt, merged ? fr->y : NULL, (size_t)(f->patches * fr->rows), &m);
    if (!rc && f->c->metrics.reference != REF_NONE) {
        rc = fl_measure_reference(f, fl_frame_send_time(f, t), t, x, nt, LINK_PURPOSE_TOFC_REF, tofc_stage_digital_ref,
                               &mref);
        if (!rc)
            rc = fl_trials_put(acc, "ref_proxy_f1", mref.f1, "");
        if (!rc)
            fl_metrics_normalise(&m, &mref, &m);
    }
    return rc ? rc : fl_measure_put(acc, &m);
}

/* Encode, send, decode and expand frame _t of _x into _xhat (back to the
 * original grid with the encoder-side assignment: side knowledge of the
 * simulator, not transmitted, codec/tofc.h); then rate, distortion and
 * metrics into _acc. */
static int tofc_stage_run(const tofc_stage *s, frame_ctx *f, uint32_t t, const float *x, float *xhat,
                          int32_t *assign, trials_acc *acc, const char **what)
{
    const tofc_params *p = &s->p;
    size_t n = (size_t)(p->patches * p->tokens * p->dims), nbytes = 0;
    uint8_t *buf = NULL;
    tofc_stats st;
    tofc_frame fr = {0};
    int lost = 0;
    *what = "TOFC encoding failed";
    int rc = fl_tofc_encode_with(f->tables, p, x, &buf, &nbytes, &st, assign);
    if (!rc) {
        *what = "link/decoding failed";
        rc = tofc_stage_link(f, t, buf, nbytes, &st, &fr, &lost, acc);
    }
    if (!rc && lost) {
        memset(xhat, 0, n * sizeof *xhat);
    } else if (!rc) {
        *what = "expanding merged tokens failed";
        rc = fl_merge_expand(fr.y, assign, (size_t)p->patches, (size_t)p->tokens, (size_t)fr.rows, (size_t)p->dims,
                          xhat);
    }
    if (!rc) {
        *what = "metrics failed";
        rc = tofc_stage_rate(f, &st, x, xhat, n, acc);
    }
    if (!rc)
        rc = tofc_stage_measure(s, f, t, x, xhat, &fr, lost, acc);
    free(buf);
    fl_tofc_frame_free(&fr);
    return rc;
}

int fl_tofc_stage_frame(const void *stage, frame_ctx *f, uint32_t trial, const float *x, trials_acc *acc, char *err,
                    size_t len)
{
    const tofc_stage *s = stage;
    size_t nt = (size_t)(f->patches * f->tokens), n = nt * (size_t)f->dims;
    int32_t *assign = malloc(nt * sizeof *assign + 1);
    float *xhat = malloc(n * sizeof *xhat + 1);
    const char *what = "out of memory";
    int rc = assign && xhat ? tofc_stage_run(s, f, trial, x, xhat, assign, acc, &what) : -ENOMEM;
    if (rc)
        snprintf(err, len, "%s (%s)", what, strerror(-rc));
    free(assign), free(xhat);
    return rc;
}
