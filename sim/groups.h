/* groups: the device groups of a point (system.groups[], sim/schema_array.h)
 * as configs, and their checks.
 *
 * Group g of a point sees the point's config with its members in place of
 * their fallback keys (system.devices, system.arrival, system.frame_rate_hz,
 * system.jitter_s, system.trace_file, codec.*, device.codec_s_per_element,
 * server.decode_s_per_element); every other key (uplink, server, source,
 * deadline, duration) is shared by all groups. Each group's config passes
 * the same cross-key limits and inert-key rules as a run without groups
 * (sim/keyrules), for the members it gives; messages name the group's path:
 *   "$.system.groups[1].codec.knn: must be in [1, source.tokens-1 = 15], got 20"
 * A limit on a key the group does not give ends in " (in system.groups[1])".
 * With groups: system.find must be "none" (the capacity search varies one
 * device count), at most 2^20 devices and 1e9 frames over all groups.
 */
#ifndef FEATLINK_GROUPS_H
#define FEATLINK_GROUPS_H

#include "sim/config.h"
#include "sim/schema.h"

//  fl_groups_array : the schema array of system.groups
const schema_array *fl_groups_array(void);
//  fl_groups_resolve : members not given take their fallback's value in _c
void fl_groups_resolve(fl_config *c);
//  fl_groups_config : _gc = what group _g of (resolved) _c sees (no groups in it)
void fl_groups_config(const fl_config *c, int g, fl_config *gc);
//  fl_groups_check : every group's limits and inert members (files not looked
//                 at); _point: sweep point or -1; 0 or -EINVAL
int fl_groups_check(const fl_config *c, int64_t point, schema_report *r);
//  fl_groups_files : every group's trace file (system.arrival trace) readable
//                 and valid for its devices; 0 or -EINVAL
int fl_groups_files(const fl_config *c, int64_t point, schema_report *r);

#endif
