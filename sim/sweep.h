/* sweep: the points of a scenario's "sweep" block.
 *
 * "grid" is the cartesian product of its lists (the last key varies
 * fastest), "zip" lists are walked in parallel (equal lengths); grid x zip
 * when both are given, zip outermost: point i = z * grid_points + g. Every
 * list value is checked once, against its key's row, when the sweep is read,
 * and the lists are indexed into arrays, so the value of a key at a point is
 * found in O(1).
 */
#ifndef FEATLINK_SWEEP_H
#define FEATLINK_SWEEP_H

#include "sim/schema.h"

#include <stdint.h>

typedef struct {
    int nkeys, ngrid;                        /* grid keys first, then zip keys */
    const schema_key *key[SCN_MAX_SWEEP];
    const cJSON **item[SCN_MAX_SWEEP];       /* item[k][j]: value j of key k (caller's tree) */
    int64_t len[SCN_MAX_SWEEP];
    int64_t stride[SCN_MAX_SWEEP];           /* grid: product of the later grid lengths */
    int64_t grid_points, zip_len, points;
} sweep;

//  fl_sweep_read : read sweep object _obj (which must outlive _w) into _w; at
//               most SCN_MAX_POINTS points. 0, -EINVAL (message in _r) or -ENOMEM
int fl_sweep_read(sweep *w, const cJSON *obj, schema_report *r);
//  fl_sweep_none : _w as no sweep (one point)
void fl_sweep_none(sweep *w);
//  fl_sweep_index : the position in key _k's list of its value at point _i
int64_t fl_sweep_index(const sweep *w, int64_t i, int k);
//  fl_sweep_value : the value of swept key _k at point _i (0 <= _i < points)
const cJSON *fl_sweep_value(const sweep *w, int64_t i, int k);
//  fl_sweep_find : the index of swept key _key, or -1
int fl_sweep_find(const sweep *w, const schema_key *key);
//  fl_sweep_free : free the index arrays (not the tree)
void fl_sweep_free(sweep *w);

#endif
