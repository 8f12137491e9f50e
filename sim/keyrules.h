/* keyrules: the checks across scenario keys, on a filled config.
 *
 * Cross-key limits (the tensor size, outlier_dims <= dims, knn < tokens,
 * laplace needs integer levels, min_errors <= max_bits, a finite SNR for
 * digital links, file sources and projectors that exist), and inert keys: a
 * key given in the scenario (or swept) that cannot affect the point, given
 * the other keys, is refused, naming the key that makes it inert; otherwise
 * a user would believe a result depends on it.
 *
 * The keys a scenario gives are the same at every point of its sweep, so
 * fl_keyrules_prepare finds once, for every rule, the first given key it would
 * refuse; a point then costs one predicate per rule.
 */
#ifndef FEATLINK_KEYRULES_H
#define FEATLINK_KEYRULES_H

#include "sim/schema.h"

#include <stdint.h>

/* Largest tensor a scenario may ask for: 2^30 elements (4 GiB of float32). */
#define KEYRULES_MAX_ELEMENTS (INT64_C(1) << 30)
#define KEYRULES_MAX 64

//  fl_keyrules_count : number of inert rules (<= KEYRULES_MAX)
int fl_keyrules_count(void);
//  fl_keyrules_keys : the ','-separated keys rule _r makes inert
const char *fl_keyrules_keys(int r);
//  fl_keyrules_prepare : _first[r] = schema index of the first key of rule r that
//                     _given (one byte per schema row) marks, or -1
void fl_keyrules_prepare(const unsigned char *given, int *first);
//  fl_keyrules_inert : 0, or -EINVAL naming the first given key (per _first)
//                   that _c makes inert; _point: sweep point, -1 for none
int fl_keyrules_inert(const fl_config *c, const int *first, int64_t point, schema_report *r);
//  fl_keyrules_fired : bit r set when rule r makes its keys inert for _c
uint64_t fl_keyrules_fired(const fl_config *c);
//  fl_keyrules_mask : mark in _inert (one byte per schema row) the keys of
//                  every rule in _fired
void fl_keyrules_mask(uint64_t fired, unsigned char *inert);
//  fl_keyrules_check : cross-key limits of _c (files not looked at); 0 or -EINVAL
int fl_keyrules_check(const fl_config *c, int64_t point, schema_report *r);
//  fl_keyrules_file_needed : 1 when _c reads the file that path key _k names
//                         (source.path of a file source, a metrics.projector)
int fl_keyrules_file_needed(const fl_config *c, const schema_key *k);
//  fl_keyrules_file : that file, when needed, is readable; 0 or -EINVAL
int fl_keyrules_file(const fl_config *c, const schema_key *k, int64_t point, schema_report *r);
//  fl_keyrules_files : fl_keyrules_file for every path key of _c
int fl_keyrules_files(const fl_config *c, int64_t point, schema_report *r);

#endif
