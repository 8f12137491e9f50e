/* frame: the per-point frame context (frame.h). */
#include "sim/frame.h"

#include "sim/link.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int fl_frame_load_source(const fl_config *c, const char *file, source_tensor *t, char *err, size_t len)
{
    char why[256] = "";
    int rc = c->source.kind == SRC_NPY ? fl_source_load_npy(c->source.path, t, why, sizeof why)
                                       : fl_source_load_hdf5(c->source.path, c->source.dataset, t, why,
                                                          sizeof why);
    if (rc)
        snprintf(err, len, "%s: $.source.path: \"%s\": %s", file, c->source.path, why);
    return rc;
}

int fl_frame_source(const frame_ctx *f, uint32_t trial, source_tensor *own, const source_tensor **src)
{
    if (f->file_source) {
        *src = f->file_source;
        return 0;
    }
    const fl_config *c = f->c;
    const scn_source *k = &c->source;
    source_synth p = {.patches = k->patches, .tokens = k->tokens, .dims = k->dims, .law = (source_law)k->law,
                      .clusters = k->clusters, .cluster_spread = k->cluster_spread, .tail = k->tail,
                      .outlier_dims = k->outlier_dims, .outlier_gain = k->outlier_gain, .scale = k->scale};
    int rc = fl_source_synthetic(&p, c->seed, trial, own);
    *src = own;
    return rc;
}

double fl_frame_send_time(const frame_ctx *f, uint32_t trial) { return (double)trial * f->c->link.budget_s; }

/* the projector _c names, its input dimension checked against _dims; errors
 * prefixed "_file: " when _file is given */
static int load_projector(const fl_config *c, const char *file, int64_t dims, projector **out, char *err,
                          size_t len)
{
    char why[320];
    const char *pre = file ? file : "", *sep = file ? ": " : "";
    int rc = fl_projector_load(c->metrics.projector, out, why, sizeof why);
    if (rc) {
        snprintf(err, len, "%s%s$.metrics.projector: cannot load \"%s\": %s", pre, sep, c->metrics.projector, why);
        return rc;
    }
    if (fl_projector_in_dims(*out) != (size_t)dims) {
        snprintf(err, len, "%s%s$.metrics.projector: \"%s\": input dimension %zu does not match source.dims %lld",
                 pre, sep, c->metrics.projector, fl_projector_in_dims(*out), (long long)dims);
        fl_projector_destroy(*out);
        *out = NULL;
        return -EINVAL;
    }
    return 0;
}

int fl_frame_check_projector(const fl_config *c, const char *file, int64_t dims, char *err, size_t len)
{
    projector *p = NULL;
    int rc = c->metrics.projector[0] ? load_projector(c, file, dims, &p, err, len) : 0;
    fl_projector_destroy(p);
    return rc;
}

static int frame_projector(frame_ctx *f, char *err, size_t len)
{
    return f->c->metrics.projector[0] ? load_projector(f->c, NULL, f->dims, &f->proj, err, len) : 0;
}

int fl_frame_ctx_create(frame_ctx *f, const fl_config *c, int64_t point, const point_ctx *ctx, int want_tables,
                     char *err, size_t len)
{
    memset(f, 0, sizeof *f);
    f->c = c;
    f->point = point;
    f->file_source = ctx ? ctx->file_source : NULL;
    const source_tensor *fs = f->file_source;
    f->patches = fs ? fs->patches : c->source.patches;
    f->tokens = fs ? fs->tokens : c->source.tokens;
    f->dims = fs ? fs->dims : c->source.dims;
    int rc = fl_metrics_ws_create(&f->ws);
    if (!rc && want_tables && !(f->tables = fl_entropy_tables_create(ENTROPY_PREC_DEFAULT)))
        rc = -ENOMEM;
    if (rc)
        snprintf(err, len, "out of memory");
    if (!rc)
        rc = frame_projector(f, err, len);
    if (!rc && (rc = fl_link_create(c, (uint32_t)point, 0, &f->link)) != 0)
        snprintf(err, len, "link setup failed (%s)", strerror(-rc));
    if (rc)
        fl_frame_ctx_destroy(f);
    return rc;
}

void fl_frame_ctx_destroy(frame_ctx *f)
{
    fl_metrics_ws_destroy(f->ws);
    fl_projector_destroy(f->proj);
    fl_entropy_tables_destroy(f->tables);
    fl_link_destroy(f->link);
    memset(f, 0, sizeof *f);
}
