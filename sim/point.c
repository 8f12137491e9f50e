/* point: one sweep point, dispatched to its frame stage (point.h). */
#include "sim/point.h"

#include "sim/digital.h"
#include "sim/groups.h"
#include "sim/measure.h"
#include "sim/pinr_stage.h"
#include "sim/sysgroups.h"
#include "sim/syspoint.h"
#include "sim/tofc_stage.h"
#include "sim/trials.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

int fl_point_load_source(const fl_config *c, const char *file, source_tensor *t, char *err, size_t len)
{
    return fl_frame_load_source(c, file, t, err, len);
}

typedef int (*point_frame_fn)(const void *stage, frame_ctx *f, uint32_t trial, const float *x, trials_acc *acc,
                              char *err, size_t len);

/* `trials` frames of _stage, averaged into _r (mean and <col>_sem) */
static int point_trials(frame_ctx *f, point_frame_fn frame, const void *stage, trials_acc *acc, row *r, char *err,
                        size_t len)
{
    fl_trials_reset(acc);
    for (int64_t t = 0; t < f->c->trials; t++) {
        source_tensor own = {0};
        const source_tensor *src = NULL;
        int rc = fl_frame_source(f, (uint32_t)t, &own, &src);
        if (rc)
            snprintf(err, len, "source generation failed (%s)", strerror(-rc));
        else
            rc = frame(stage, f, (uint32_t)t, src->x, acc, err, len);
        fl_source_free(&own);
        if (rc == -ENOSPC)
            snprintf(err, len, "too many result columns");
        if (rc)
            return rc;
    }
    int rc = fl_trials_finish(acc, r);
    if (rc)
        snprintf(err, len, "too many result columns (%s)", strerror(-rc));
    return rc;
}

/* rate-distortion codecs (paper 001): merge, quantisers, entropy coding */
static int point_is_rd(const fl_config *c)
{
    return c->codec.select == SEL_MERGE || c->codec.quant != TOFC_QUANT_FP32 || c->codec.entropy != TOFC_ENTROPY_RAW;
}

static int point_frames(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len)
{
    int rd = point_is_rd(c);
    frame_ctx f;
    int rc = fl_frame_ctx_create(&f, c, point, ctx, rd && (c->codec.quant == TOFC_QUANT_RDOQ || c->codec.entropy == TOFC_ENTROPY_LAPLACE),
                              err, len);
    if (rc)
        return rc;
    trials_acc acc;
    if (rd) {
        tofc_stage s;
        rc = fl_tofc_stage_setup(&s, &f, r, err, len);
        if (!rc)
            rc = point_trials(&f, fl_tofc_stage_frame, &s, &acc, r, err, len);
        /* the fading capacities of the mean coded frame, as for PINR points */
        if (!rc)
            rc = fl_measure_fading_columns(c, fl_trials_mean(&acc, "measured_bits"), r, err, len);
    } else {
        pinr_stage s;
        rc = fl_pinr_stage_setup(&s, &f, r, err, len);
        if (!rc)
            rc = point_trials(&f, fl_pinr_stage_frame, &s, &acc, r, err, len);
        if (!rc)
            rc = fl_pinr_stage_finish(&s, &f, &acc, r, err, len);
    }
    fl_frame_ctx_destroy(&f);
    return rc;
}

/* system.groups: each group's codec frame (the same source frames, keyed
 * by the point), group 0's making the row's frame columns; each group's
 * mean measured_bits into column group<g>_measured_bits (sim/sysgroups), a
 * group with an earlier group's codec reusing its value */
static int point_groups(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len)
{
    row scratch;
    double bits[SCN_MAX_GROUPS];
    int rc = 0;
    for (int g = 0; !rc && g < c->ngroups; g++) {
        int same = -1;
        for (int h = 0; h < g; h++)
            if (!memcmp(&c->groups[h].codec, &c->groups[g].codec, sizeof(scn_codec)))
                same = h;
        if (same < 0) {
            fl_config gc;
            fl_groups_config(c, g, &gc);
            row *out = g ? &scratch : r;
            fl_row_reset(out);
            rc = point_frames(&gc, point, ctx, out, err, len);
            const row_col *mb = rc ? NULL : fl_row_find(out, "measured_bits");
            bits[g] = mb ? mb->value : NAN;
        } else {
            bits[g] = bits[same];
        }
        char name[ROW_NAME_LEN];
        if (!rc && (rc = fl_row_set(r, fl_sysgroups_column(g, name, sizeof name), bits[g], "bit")))
            snprintf(err, len, "too many result columns");
    }
    return rc ? rc : fl_syspoint_run_frames(c, point, r, ctx ? ctx->frames : NULL, err, len);
}

int fl_point_run(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len)
{
    fl_row_reset(r);
    if (c->source.kind == SRC_BITS)
        return fl_digital_ber_point(c, point, ctx ? ctx->progress : NULL, ctx ? ctx->progress_arg : NULL, r, err, len);
    if (c->ngroups)
        return point_groups(c, point, ctx, r, err, len);
    int rc = point_frames(c, point, ctx, r, err, len);
    /* system.devices >= 1: that frame, sent by many devices (sim/syspoint) */
    if (!rc && c->system.devices > 0)
        rc = fl_syspoint_run_frames(c, point, r, ctx ? ctx->frames : NULL, err, len);
    return rc;
}
