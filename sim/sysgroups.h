/* sysgroups: the device groups of a system point (sim/groups.h) as the
 * sys_group entries of its sys_config (sim/system.h).
 *
 * Without system.groups: one group of system.devices, filled by
 * fl_syspoint_config, plus its trace (system.arrival = trace). With them:
 * group g is fl_syspoint_config of the config group g sees (its devices,
 * arrivals, codec costs and visual tokens) with frames of the row's column
 * group<g>_measured_bits (its codec's mean measured_bits, sim/point.c), and
 * its own trace; everything outside sys_group (uplink, server, duration)
 * is the point's.
 */
#ifndef FEATLINK_SYSGROUPS_H
#define FEATLINK_SYSGROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/config.h"
#include "sim/row.h"
#include "sim/system.h"

//  fl_sysgroups_column : the name of group _g's frame-size column into _buf
const char *fl_sysgroups_column(int g, char *buf, size_t len);
//  fl_sysgroups_fill : the groups of _c into _y (already filled by
//                   fl_syspoint_config for group 0), traces loaded into
//                   _tr[SYS_MAX_GROUPS] (free with fl_sysgroups_free);
//                   0 or an error with its cause in _err
int fl_sysgroups_fill(const fl_config *c, int64_t point, const row *r, sys_config *y, trace *tr, char *err,
                      size_t len);
//  fl_sysgroups_free : the traces of fl_sysgroups_fill
void fl_sysgroups_free(trace *tr);

#endif
