/* frametab: the /frames record table of a run — one record per frame of a
 * system point (sim/system's sys_frame), the columns FRAMETAB_COLUMNS
 * below, each with its unit and description.
 *
 * Which frames: those sim/syssum counts, i.e. arriving at or after
 * system.warmup_s, dropped ones included, in every replication (`trial`
 * column, 0 .. trials-1); so a point's record count equals its `frames`
 * column. The capacity search's probes (system.find) are not recorded.
 * Order: by point, then trial, then the order the frames finished in the
 * run (completion, or the drop), which sim/system fixes for a seed — so the
 * table is byte-identical for any --jobs (fl_frametab_sort puts the points in
 * order at the end of a run; within a point the order is kept).
 *
 * Size: system.max_frame_records bounds the records of a run (0: no
 * /frames); a run that would keep more stops with -EFBIG and a message
 * naming the key. Memory: (1 + FRAMETAB_COLUMNS) x 8 bytes per record in the
 * column store, about as much again while the file is built.
 *
 * Journal (sim/journal.h): a point's records are one line each,
 * {"point": i, "k": n, "f": [values in column order]}, written before the
 * point's row line, which commits them; on --resume records whose row line
 * is missing are dropped with it (the point runs again).
 */
#ifndef FEATLINK_FRAMETAB_H
#define FEATLINK_FRAMETAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/results.h"
#include "sim/system.h"

/* columns after "point": trial group device frame, 6 times, bits packets
 * retransmissions lost_packets dropped deadline_met airtime_s energy_j
 * proxy_f1 */
#define FRAMETAB_COLUMNS 19

typedef struct frametab {
    sys_frame *f;
    uint32_t  *trial;
    size_t     n, cap;
    double     warmup_s;  /* frames arriving earlier are not kept */
    uint32_t   trial_now; /* replication the next frames belong to */
    int64_t    max;       /* system.max_frame_records: most records of a run */
} frametab;

//  fl_frametab_init : an empty buffer keeping frames from _warmup_s on, for a
//                  table of at most _max records
void fl_frametab_init(frametab *b, double warmup_s, int64_t max);
void fl_frametab_free(frametab *b);
//  fl_frametab_reset : forget the frames (keeps the memory)
void fl_frametab_reset(frametab *b);
//  fl_frametab_add : a sys_frame_fn: keep frame _f (of trial b->trial_now) when
//                 it arrived at or after warm-up; 0 or -ENOMEM
int fl_frametab_add(void *b, const sys_frame *f);
//  fl_frametab_store : append _b's frames to the /frames table of _t as point
//                   _point; at most b->max records in the table (-EFBIG when
//                   they would be more: nothing appended). 0, -EFBIG, -ENOMEM
int fl_frametab_store(results *t, int64_t point, const frametab *b);
//  fl_frametab_sort : order /frames of _t by point (stable); 0 or -ENOMEM
int fl_frametab_sort(results *t);
//  fl_frametab_journal_write : _b's frames as journal lines of point _point
//                           into _fp (not flushed); 0 or a negative errno
int fl_frametab_journal_write(FILE *fp, int64_t point, const frametab *b);
//  fl_frametab_journal_line : 1 when journal _line is a frame record line
int fl_frametab_journal_line(const char *line);
//  fl_frametab_journal_read : record line _line onto _b when it continues the
//                          records of point *_point (k = b->n), or starts a
//                          point's records (k = 0: _b reset, *_point set);
//                          any other line resets _b and *_point = -1.
//                          0 or -ENOMEM
int fl_frametab_journal_read(frametab *b, int64_t *point, const char *line);

#endif
