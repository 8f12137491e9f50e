/* point: one sweep point through the frame pipeline (point.h). */
#include "sim/point.h"

#include "channel/capacity.h"
#include "codec/pinr.h"

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

/* The frame a point works on: the file's tensor, or a synthetic one. */
static int point_source(const fl_config *c, const point_ctx *ctx, uint32_t trial, source_tensor *own,
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

/* PINR (or no selection: f = g = h = 0) over a Shannon-capacity link. */
static int point_pinr_capacity(const fl_config *c, int64_t point, const point_ctx *ctx, row *r,
                               char *err, size_t len)
{
    source_tensor own = {0};
    const source_tensor *src = NULL;
    int rc = point_source(c, ctx, 0, &own, &src);
    if (rc) {
        snprintf(err, len, "source generation failed (%s)", strerror(-rc));
        return rc;
    }
    int sel = c->codec.select == SEL_PINR;
    pinr_params p = {
        .tokens = src->patches * src->tokens,
        .dims = src->dims,
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
    row_set(r, "snr_db", snr_db, "dB");
    row_set(r, "tokens", (double)p.tokens, "");
    row_set(r, "dims", (double)p.dims, "");
    row_set(r, "bits", (double)p.bits, "bit");
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

    uint8_t *buf = NULL;
    uint64_t nbits = 0;
    pinr_layout lay;
    rc = pinr_encode(&p, src->x, pinr_frame_seed(c->seed, (uint32_t)point, 0), &buf, &nbits, &lay);
    if (rc) {
        snprintf(err, len, "PINR encoding failed (%s)", strerror(-rc));
        source_free(&own);
        return rc;
    }
    row_set(r, "measured_bits", (double)nbits, "bit");
    row_set(r, "measured_index_bits", (double)lay.index_bits, "bit");
    row_set(r, "measured_header_bits", (double)lay.header_bits, "bit");
    row_set(r, "measured_reduction_ratio", 1.0 - (double)nbits / a.total_bits, "");
    row_set(r, "measured_min_bandwidth_hz",
            capacity_min_bandwidth_hz((double)nbits, c->link.budget_s, snr_db), "Hz");
    row_set(r, "transfer_time_s", capacity_transfer_time_s((double)nbits, c->link.bandwidth_hz, snr_db), "s");
    free(buf);
    source_free(&own);
    return 0;
}

int point_run(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len)
{
    row_reset(r);
    if (c->source.kind == SRC_BITS || c->link.mode != LINK_CAPACITY || c->codec.select == SEL_MERGE) {
        snprintf(err, len, "this combination of source.kind, codec.select and link.mode is not available in this build");
        return -ENOTSUP;
    }
    return point_pinr_capacity(c, point, ctx, r, err, len);
}
