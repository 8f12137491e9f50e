/* point: run one sweep point of a scenario, source -> codec -> link ->
 * codec -> metrics, and fill its row of results (DESIGN.md §1).
 */
#ifndef FEATLINK_POINT_H
#define FEATLINK_POINT_H

#include "codec/source.h"
#include "sim/row.h"
#include "sim/scenario.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const source_tensor *file_source; /* the loaded npy/HDF5 tensor, or NULL */
} point_ctx;

//  point_load_source : load the file source a config names (npy/HDF5) into
//                      _t; 0 or a negative errno with a message in _err
int point_load_source(const fl_config *c, const char *file, source_tensor *t, char *err, size_t len);
//  point_source : the frame a point works on: the file tensor of _ctx, or a
//                 synthetic one generated into _own (caller source_free's _own);
//                 *_src points at whichever; 0 or a negative errno
int point_source(const fl_config *c, const point_ctx *ctx, uint32_t trial, source_tensor *own,
                 const source_tensor **src);
//  point_run : compute point _point of config _c into _r; 0, or a negative
//              errno with a message in _err (runtime failure, exit 1)
int point_run(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len);

#endif
