/* pinr_stage: one PINR frame through the point's link (pinr_stage.h). */
#include "sim/pinr_stage.h"

#include "channel/capacity.h"
#include "sim/digital.h"
#include "sim/link.h"
#include "sim/measure.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void pinr_stage_params(const frame_ctx *f, pinr_params *p)
{
    const fl_config *c = f->c;
    int sel = c->codec.select == SEL_PINR;
    *p = (pinr_params){
        .tokens = f->patches * f->tokens,
        .dims = f->dims,
        .bits = c->source.bits,
        .f = sel ? c->codec.f : 0.0,
        .g = sel ? c->codec.g : 0.0,
        .h = sel ? c->codec.h : 0.0,
        .index = c->codec.index_coding,
    };
}

int fl_pinr_stage_setup(pinr_stage *s, const frame_ctx *f, row *r, char *err, size_t len)
{
    const fl_config *c = f->c;
    pinr_stage_params(f, &s->p);
    fl_pinr_analytic_compute(&s->p, &s->a);
    const pinr_analytic *a = &s->a;
    double snr_db = c->channel.snr_db;
    const row_val cols[] = {
        {"f", s->p.f, ""},
        {"g", s->p.g, ""},
        {"h", s->p.h, ""},
        {"snr_db", snr_db, "dB Es/N0 per symbol"},
        {"tokens", (double)s->p.tokens, ""},
        {"dims", (double)s->p.dims, ""},
        {"symbol_bits", (double)s->p.bits, "bit/symbol"},
        {"trials", (double)c->trials, ""},
        /* paper 000 §3: total Nt Ns Nb; saved is the paper's "overhead saving
         * w/ compression" = dropped bits - index bits */
        {"total_bits", a->total_bits, "bit"},
        {"dropped_bits", a->saved_bits, "bit"},
        {"index_bits", a->index_bits, "bit"},
        {"saved_bits", a->net_saved_bits, "bit"},
        {"sent_bits", a->sent_bits, "bit"},
        {"reduction_ratio", a->reduction_ratio, ""},
        /* B = bits / (T log2(1 + SNR)), paper 000 Table 1 */
        {"min_bandwidth_hz", fl_capacity_min_bandwidth_hz(a->sent_bits, c->link.budget_s, snr_db), "Hz"},
    };
    int rc = ROW_SET_ALL(r, cols);
    if (!rc && c->link.mode == LINK_DIGITAL)
        rc = fl_row_set(r, "esn0_db", fl_digital_esn0_db(c), "dB Es/N0 per symbol");
    if (rc)
        snprintf(err, len, "too many result columns (%s)", strerror(-rc));
    return rc;
}

/* The same_snr reference of a digital link (measure.h): the uncompressed
 * frame (f = g = h = 0, same Nb) through the same packets, modem and
 * channel, decoded with its losses concealed. */
static int pinr_stage_digital_ref(const frame_ctx *f, double t_s, uint32_t frame, const float *x, float *xref)
{
    pinr_params p;
    pinr_stage_params(f, &p);
    p.f = p.g = p.h = 0.0;
    uint8_t *buf = NULL;
    uint64_t nbits = 0;
    int rc = fl_pinr_encode(&p, x, fl_pinr_frame_seed(f->c->seed, 0, frame), &buf, &nbits, NULL);
    size_t nbytes = (size_t)((nbits + 7) / 8);
    uint8_t *rx = malloc(nbytes + 1), *erased = malloc(nbytes + 1);
    if (!rc && (!rx || !erased))
        rc = -ENOMEM;
    if (!rc) {
        link_tx tx = {.frame = frame, .bits = buf, .nbits = nbits};
        link_rx lr = {.bits = rx, .erased = erased};
        rc = fl_link_send(f->link, t_s, &tx, &lr, NULL);
    }
    if (!rc) {
        rc = fl_pinr_decode(rx, nbits, erased, p.tokens, p.dims, xref, NULL, NULL);
        if (rc == -EBADMSG)
            rc = 0; /* a lost reference frame is all zeros: a valid (bad) reference */
    }
    free(buf), free(rx), free(erased);
    return rc;
}

/* The encoded frame _buf (_nbits bits, layout _lay) of source _x over the
 * link into _y: analog sends the kept values themselves; capacity and
 * digital send the bits, and the decoder zero-fills erased symbols (or
 * loses the frame when an erasure hits the header or the indices). */
static int pinr_stage_link(const pinr_params *p, frame_ctx *f, uint32_t t, const float *x, const uint8_t *buf,
                           uint64_t nbits, const pinr_layout *lay, float *y, trials_acc *acc)
{
    double t_s = fl_frame_send_time(f, t);
    int64_t n = p->tokens * p->dims;
    if (fl_link_mode(f->link) == LINK_ANALOG) {
        uint8_t *keep = malloc((size_t)n + 1);
        int rc = keep ? fl_pinr_select(p, fl_pinr_frame_seed(f->c->seed, 0, t), keep) : -ENOMEM;
        link_tx tx = {.frame = t, .values = x, .keep = keep, .nvalues = n, .purpose = LINK_PURPOSE_PINR};
        link_rx rx = {.values = y};
        if (!rc)
            rc = fl_link_send(f->link, t_s, &tx, &rx, NULL);
        free(keep);
        return rc;
    }
    size_t nbytes = (size_t)((nbits + 7) / 8);
    uint8_t *rxb = malloc(nbytes + 1), *erased = malloc(nbytes + 1);
    link_tx tx = {.frame = t, .bits = buf, .nbits = nbits};
    link_rx rx = {.bits = rxb, .erased = erased};
    link_report rep;
    int rc = rxb && erased ? fl_link_send(f->link, t_s, &tx, &rx, &rep) : -ENOMEM;
    if (!rc) {
        int64_t lost = 0;
        rc = fl_pinr_decode(rxb, nbits, erased, p->tokens, p->dims, y, NULL, &lost);
        if (fl_link_mode(f->link) == LINK_DIGITAL) {
            int frame_lost = rc == -EBADMSG;
            int prc = fl_measure_link_columns(acc, &rep, frame_lost, "lost_symbols",
                                           frame_lost ? (double)lay->kept_symbols : (double)lost);
            rc = frame_lost ? prc : rc ? rc : prc;
        }
    }
    free(rxb), free(erased);
    return rc;
}

/* The metrics of the received frame _y, normalised by the reference's
 * when metrics.reference is set, into _acc. */
static int pinr_stage_measure(const pinr_params *p, frame_ctx *f, uint32_t t, const float *x, const float *y,
                              trials_acc *acc)
{
    metrics_report m, mref;
    int rc = fl_measure_metrics(f, x, y, (size_t)p->tokens, NULL, (size_t)p->tokens, &m);
    if (!rc && f->c->metrics.reference != REF_NONE) {
        rc = fl_measure_reference(f, fl_frame_send_time(f, t), t, x, (size_t)p->tokens, LINK_PURPOSE_PINR_REF,
                               pinr_stage_digital_ref, &mref);
        if (!rc)
            rc = fl_trials_put(acc, "ref_proxy_f1", mref.f1, "");
        if (!rc)
            fl_metrics_normalise(&m, &mref, &m);
    }
    return rc ? rc : fl_measure_put(acc, &m);
}

int fl_pinr_stage_frame(const void *stage, frame_ctx *f, uint32_t trial, const float *x, trials_acc *acc, char *err,
                    size_t len)
{
    const pinr_params *p = &((const pinr_stage *)stage)->p;
    uint8_t *buf = NULL;
    uint64_t nbits = 0;
    pinr_layout lay;
    float *y = malloc((size_t)(p->tokens * p->dims) * sizeof *y + 1);
    const char *what = y ? "PINR encoding failed" : "out of memory";
    int rc = y ? fl_pinr_encode(p, x, fl_pinr_frame_seed(f->c->seed, 0, trial), &buf, &nbits, &lay) : -ENOMEM;
    if (!rc) {
        fl_trials_put(acc, "measured_bits", (double)nbits, "bit");
        fl_trials_put(acc, "measured_index_bits", (double)lay.index_bits, "bit");
        rc = fl_trials_put(acc, "measured_header_bits", (double)lay.header_bits, "bit");
    }
    if (!rc) {
        what = "link/decoding failed";
        rc = pinr_stage_link(p, f, trial, x, buf, nbits, &lay, y, acc);
    }
    if (!rc) {
        what = "metrics failed";
        rc = pinr_stage_measure(p, f, trial, x, y, acc);
    }
    if (rc)
        snprintf(err, len, "%s (%s)", what, strerror(-rc));
    free(buf), free(y);
    return rc;
}

int fl_pinr_stage_finish(const pinr_stage *s, const frame_ctx *f, const trials_acc *acc, row *r, char *err,
                      size_t len)
{
    const fl_config *c = f->c;
    double snr_db = c->channel.snr_db, mbits = fl_trials_mean(acc, "measured_bits");
    int rc = fl_row_set(r, "measured_reduction_ratio", 1.0 - mbits / s->a.total_bits, "");
    rc = rc ? rc : fl_row_set(r, "measured_min_bandwidth_hz", fl_capacity_min_bandwidth_hz(mbits, c->link.budget_s, snr_db), "Hz");
    /* the AWGN capacity log2(1 + SNR) at channel.snr_db, whatever the
     * channel kind (over fading: a non-fading link at the mean SNR); the
     * fading capacities have their own columns */
    rc = rc ? rc : fl_row_set(r, "transfer_time_s", fl_capacity_transfer_time_s(mbits, c->link.bandwidth_hz, snr_db), "s");
    if (rc) {
        snprintf(err, len, "too many result columns (%s)", strerror(-rc));
        return rc;
    }
    return fl_measure_fading_columns(c, mbits, r, err, len);
}
