/* schema_array: arrays of objects in a scenario (system.groups[]), read
 * against their member rows (sim/schema.h: schema_array, schema_member).
 *
 * Reading: the value must be an array of at most max objects; every member
 * of an element must be a member row (nested objects for dotted members:
 * {"codec": {"f": 0.5}}), checked with its row and stored into the element,
 * its bit set in the element's given mask. Messages name the element's JSON
 * path: "$.system.groups[2].devices: must be in [1, 1048576], got 0",
 * "$.system.groups[0].colour: unknown member ...".
 *
 * At each point: fl_schema_array_resolve gives every member not given its
 * fallback's value (the top-level key, swept or not), and
 * fl_schema_array_config makes the config element i sees: the fallback keys
 * set to the element's members.
 */
#ifndef FEATLINK_SCHEMA_ARRAY_H
#define FEATLINK_SCHEMA_ARRAY_H

#include "sim/schema.h"

//  fl_schema_array_read : array _v of _a (at JSON path _where) into _c; relative
//                      path members resolved against folder _dir ("" none);
//                      0 or -EINVAL (every error reported when collecting)
int fl_schema_array_read(const schema_array *a, const cJSON *v, const char *where, const char *dir, fl_config *c,
                         schema_report *r);
//  fl_schema_array_check : _v may be given as the whole of _a (an array of at
//                       most max objects; members are checked when read)
int fl_schema_array_check(const schema_array *a, const cJSON *v, const char *where, schema_report *r);
//  fl_schema_array_count : elements of _a in _c
int fl_schema_array_count(const schema_array *a, const fl_config *c);
//  fl_schema_array_resolve : members not given take their fallback's value in _c
void fl_schema_array_resolve(const schema_array *a, fl_config *c);
//  fl_schema_array_config : _ec = _c with element _i's members in its fallback
//                        keys and no elements of _a
void fl_schema_array_config(const schema_array *a, const fl_config *c, int i, fl_config *ec);
//  fl_schema_join_path : relative _path (capacity _cap) made relative to _dir's
//                     folder ("", "." and absolute paths unchanged);
//                     0 or -ENAMETOOLONG (left unchanged)
int fl_schema_join_path(const char *dir, char *path, size_t cap);

#endif
