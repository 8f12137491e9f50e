/* results: the points table of a run, its HDF5 file and its journal.
 *
 * HDF5 layout (docs/design-notes.md §3):
 *   /                 attributes featlink_version, git_revision, name, points,
 *                     created_utc (ISO 8601), command_line, and per input
 *                     file input_<role> (path) and sha256_<role>
 *   /scenario         the scenario file's text, verbatim (string), with the
 *                     attribute "sets": the --set overrides, one per line
 *   /scenario_effective  the scenario after --set, as featlink ran it
 *   /points/<column>  1-D dataset, one element per sweep point: float64, or
 *                     int64 for counts, or a fixed-length string for text
 *                     columns; attributes "unit" ("" when dimensionless)
 *                     and "description" (sim/columns.c, scenario schema)
 *   /points           attribute "columns": the column names in order, comma
 *                     separated
 *
 * The file is written to "<path>.tmp" and renamed, so no half-written file
 * ever carries the final name. While a run is going, every finished point is
 * appended to "<path>.journal" (one JSON line per point); --resume reads it
 * back and runs only the missing points.
 */
#ifndef FEATLINK_RESULTS_H
#define FEATLINK_RESULTS_H

#include "sim/row.h"

#include <stdint.h>
#include <stdio.h>

typedef struct results results;

typedef enum { RESULTS_CSV, RESULTS_JSON, RESULTS_MD } results_format;

//  results_create : a table for _points rows (all empty); NULL on ENOMEM
results *results_create(int64_t points);
void results_destroy(results *t);
//  results_set : store (a copy of) row _r as point _i; 0, -EINVAL, -ENOMEM
int results_set(results *t, int64_t i, const row *r);
//  results_has : 1 if point _i holds a row
int results_has(const results *t, int64_t i);
int64_t results_points(const results *t);
//  results_column : index of column _name or -1; results_value: its value at
//  point _i (NaN when missing or text)
int results_column(const results *t, const char *name);
double results_value(const results *t, int64_t i, int col);
const char *results_text(const results *t, int64_t i, int col);
int results_columns(const results *t);
const char *results_column_name(const results *t, int col);
const char *results_column_unit(const results *t, int col);

/* An input file the run read, recorded with its SHA-256. */
typedef struct {
    const char *role;     /* "scenario", "source", "projector" */
    const char *path;
} results_input;

/* What the file says about its run (any pointer may be NULL). */
typedef struct {
    const char *source;       /* the scenario text as given (/scenario) */
    const char *sets;         /* the --set lines */
    const char *effective;    /* the scenario as run, every default included */
    const char *name;
    const char *command_line; /* argv joined by spaces */
    const results_input *inputs;
    int ninputs;
} results_meta;

//  results_write_h5 : write the table to _path atomically (tmp + rename);
//                     root attributes from _m; 0 or a negative errno with a
//                     message in _err
int results_write_h5(const results *t, const char *path, const results_meta *m, char *err, size_t len);
//  results_read_h5 : read a file written by results_write_h5; *_scenario_text
//                    (may be NULL) gets a malloc'd copy of /scenario_effective
//                    (or /scenario when there is none)
int results_read_h5(const char *path, results **out, char **scenario_text, char *err, size_t errlen);
//  results_export : print the table (every column, a header row)
int results_export(const results *t, FILE *out, results_format fmt);

//  results_journal_open : open "<path>.journal" for appending; with _resume,
//                         first load its rows into _t when its scenario text
//                         matches _scenario_text (else -ESTALE). Returns a FILE
//                         or NULL with *_rc set.
FILE *results_journal_open(results *t, const char *path, const char *scenario_text, int resume,
                           int *rc);
//  results_journal_add : append point _i's row and flush
int results_journal_add(FILE *j, int64_t i, const row *r);
//  results_journal_remove : delete "<path>.journal" once the file is written
void results_journal_remove(const char *path);

#endif
