/* journal: the finished points of a running sweep, kept on disk so that an
 * interrupted run (Ctrl-C, a full disk, a crash) continues with --resume.
 *
 * "<out>.journal" holds one JSON line per line: first {"scenario": text},
 * then {"point": i, "row": [[name, unit, value, is_text], ...]} per finished
 * point (non-finite numbers as the strings "inf", "-inf", "nan"). Every line
 * is flushed as a whole; a last line cut short (the disk filled up) is
 * ignored on resume and that point runs again. A system point's /frames
 * records come first, one line each (sim/frametab.h); its row line commits
 * them, and records without their row are dropped on resume.
 */
#ifndef FEATLINK_JOURNAL_H
#define FEATLINK_JOURNAL_H

#include "sim/frametab.h"
#include "sim/results.h"
#include "sim/row.h"

#include <stdint.h>

typedef struct journal journal_file;

//  fl_journal_open : open "<_out>.journal"; with _resume, first load its rows
//                 into _t when its scenario text equals _scenario_text
//                 (else *_rc = -ESTALE). New journal (no _resume): created,
//                 replacing any old one. NULL with *_rc (negative errno) and
//                 a message naming the file in _err on failure
journal_file *fl_journal_open(results *t, const char *out, const char *fl_scenario_text, int resume, int *rc,
                      char *err, size_t len);
//  fl_journal_add : append point _i's row and flush; 0 or a negative errno
//                (ENOSPC, EFBIG, EIO, ...) with a message naming the file
int fl_journal_add(journal_file *j, int64_t i, const row *r, char *err, size_t len);
//  fl_journal_add_frames : append point _i's /frames records (sim/frametab),
//                       before its row (fl_journal_add), which commits them on
//                       --resume; flushed; 0 or a negative errno, message
//                       naming the file
int fl_journal_add_frames(journal_file *j, int64_t i, const frametab *b, char *err, size_t len);
//  fl_journal_close : close it; 0 or the negative errno of the last flush
int fl_journal_close(journal_file *j, char *err, size_t len);
//  fl_journal_path : "<out>.journal"
const char *fl_journal_path(const journal_file *j);
//  fl_journal_remove : delete "<_out>.journal" once the results file is written
void fl_journal_remove(const char *out);

#endif
