/* trace: arrival traces for system.arrival = trace (system.trace_file).
 *
 * Format (text): one arrival a line, "DEVICE TIME" — DEVICE the 0-based
 * device index (below system.devices), TIME the arrival in seconds from
 * t = 0 (finite, in [0, TRACE_MAX_TIME_S]); fields separated by spaces or
 * tabs; '#' starts a comment to the end of the line; blank lines are
 * skipped. Lines must be in non-decreasing TIME order (the parser does not
 * sort: an out-of-order line is an error naming it). Arrivals at or after
 * system.duration_s are not simulated.
 * Limits: a file of at most TRACE_MAX_BYTES, at most TRACE_MAX_EVENTS
 * arrivals, lines of at most TRACE_MAX_LINE characters.
 */
#ifndef FEATLINK_TRACE_H
#define FEATLINK_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_MAX_BYTES  (64u << 20)   /* 64 MiB */
#define TRACE_MAX_EVENTS (1u << 24)    /* 16,777,216 arrivals */
#define TRACE_MAX_LINE   256
#define TRACE_MAX_TIME_S 9e6           /* as system.duration_s (ps ticks fit int64) */

/* arrivals grouped by device: device d's times, ascending, are
 * time_s[start[d] .. start[d + 1]) */
typedef struct {
    size_t    n;         /* arrivals */
    uint32_t  devices;   /* the device count the trace was read for */
    double   *time_s;    /* n times */
    size_t   *start;     /* devices + 1 offsets */
} trace;

//  fl_trace_parse : read trace text _buf[0.._len) for _devices devices into
//                   *_t; 0, or -EINVAL with "line N: reason (allowed ...)"
//                   in _err, or -ENOMEM / -EFBIG (too big). Any bytes.
int fl_trace_parse(const char *buf, size_t len, uint32_t devices, trace *t, char *err, size_t errlen);
//  fl_trace_load : fl_trace_parse of file _path; errors start with the path
int fl_trace_load(const char *path, uint32_t devices, trace *t, char *err, size_t errlen);
//  fl_trace_free : release *_t (zeroed; a zeroed trace is fine)
void fl_trace_free(trace *t);

#endif
