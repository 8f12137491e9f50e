/* point: run one sweep point of a scenario and fill its row of results.
 *
 * The dispatcher: BER points (source.kind = bits) go to sim/digital; every
 * other point builds its frame context once (sim/frame: metrics workspace,
 * projector, entropy tables, link), runs `trials` frames through its stage
 * (sim/tofc_stage for rate-distortion codecs, sim/pinr_stage otherwise),
 * averages them (sim/trials: mean and <col>_sem) and adds the columns
 * derived from the means.
 */
#ifndef FEATLINK_POINT_H
#define FEATLINK_POINT_H

#include "codec/source.h"
#include "sim/frame.h"
#include "sim/row.h"
#include "sim/config.h"

#include <stddef.h>
#include <stdint.h>

//  fl_point_load_source : load the file source a config names (npy/HDF5) into
//                      _t; 0 or a negative errno with a message in _err
int fl_point_load_source(const fl_config *c, const char *file, source_tensor *t, char *err, size_t len);
//  fl_point_run : compute point _point of config _c into _r (_ctx may be
//              NULL); 0, or a negative errno with a message in _err
//              (runtime failure, exit 1)
int fl_point_run(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len);

#endif
