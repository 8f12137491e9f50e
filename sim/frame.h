/* frame: what a sweep point builds once and its frames share.
 *
 * fl_point_run (sim/point) makes one frame_ctx per point, on the thread that
 * runs the point, and hands it to the frame stages (sim/pinr_stage,
 * sim/tofc_stage), the link (sim/link) and the measurement (sim/measure):
 * the metrics workspace, the projector of metrics.projector (loaded once),
 * the Laplacian entropy tables of the TOFC coder (built once: codec/entropy
 * promises build-once tables), and the point's link object, which lives
 * for all the point's frames. Nothing in it is shared between threads.
 */
#ifndef FEATLINK_FRAME_H
#define FEATLINK_FRAME_H

#include "codec/entropy.h"
#include "codec/metrics.h"
#include "codec/projector.h"
#include "codec/source.h"
#include "sim/config.h"

#include <stddef.h>
#include <stdint.h>

//  point_progress_fn : a long point's own progress (BER points: bits and
//                      bit errors so far); may be called from any thread
typedef void (*point_progress_fn)(void *arg, int64_t point, uint64_t bits, uint64_t errors);

/* What the runner gives a point (sim/point.h's fl_point_run). */
typedef struct {
    const source_tensor *file_source; /* the loaded npy/HDF5 tensor, or NULL */
    point_progress_fn progress;       /* may be NULL */
    void *progress_arg;
    struct frametab *frames;          /* system points: their /frames records go here (sim/frametab), or NULL */
} point_ctx;

typedef struct fl_link fl_link; /* sim/link.h */

typedef struct {
    const fl_config *c;
    int64_t point;
    const source_tensor *file_source; /* or NULL: synthetic frames */
    int64_t patches, tokens, dims;    /* the frame shape (tokens per patch) */
    metrics_ws *ws;
    projector *proj;                  /* NULL without metrics.projector */
    entropy_tables *tables;           /* ENTROPY_PREC_DEFAULT tables, or NULL when the codec needs none */
    fl_link *link;                       /* the point's link (device 0), for all its frames */
} frame_ctx;

//  fl_frame_ctx_create : the context of point _point of _c (_ctx may be NULL);
//      loads the projector (checked against the frame's dims), builds the
//      entropy tables when _want_tables, creates the link. 0, or a negative
//      errno with a message in _err (JSON path for a bad projector); on
//      failure _f is left empty (fl_frame_ctx_destroy is a no-op)
int fl_frame_ctx_create(frame_ctx *f, const fl_config *c, int64_t point, const point_ctx *ctx, int want_tables,
                     char *err, size_t len);
//  fl_frame_ctx_destroy : free what _f owns (an empty or zeroed context is fine)
void fl_frame_ctx_destroy(frame_ctx *f);
//  fl_frame_source : the tensor frame _trial works on: the file tensor, or a
//      synthetic one generated into _own (caller fl_source_free's _own); *_src
//      points at whichever. 0 or a negative errno
int fl_frame_source(const frame_ctx *f, uint32_t trial, source_tensor *own, const source_tensor **src);
//  fl_frame_send_time : when frame _trial of a point is sent: _trial x
//      link.budget_s (one frame per budget period), in s
double fl_frame_send_time(const frame_ctx *f, uint32_t trial);
//  fl_frame_load_source : load the file source a config names (npy/HDF5) into
//      _t; 0 or a negative errno with "FILE: $.source.path: ..." in _err
int fl_frame_load_source(const fl_config *c, const char *file, source_tensor *t, char *err, size_t len);
//  fl_frame_check_projector : load the projector _c names (metrics.projector;
//      0 at once when none) and check its input dimension against _dims, then
//      free it: run checks it before any output exists. Errors in _err as
//      "_file: $.metrics.projector: ..." with the cause; 0 or a negative errno
int fl_frame_check_projector(const fl_config *c, const char *file, int64_t dims, char *err, size_t len);

#endif
