/* results: the tables of a run, its HDF5 file, its export and its journal.
 *
 * HDF5 layout (docs/design-notes.md §3):
 *   /                 attributes featlink_version, git_revision, name, points,
 *                     created_utc (ISO 8601), command_line, checksums
 *                     ("crc32"), and per input file input_<role> (path) and
 *                     sha256_<role>
 *   every dataset     attribute "crc32": CRC-32 of its stored bytes
 *                     (sim/h5crc.h), verified on reading
 *   /scenario         the scenario file's text, verbatim (string), with the
 *                     attribute "sets": the --set overrides, one per line
 *   /scenario_effective  the scenario after --set, as featlink ran it
 *   /points/<column>  1-D dataset, one element per sweep point: float64, or
 *                     int64 for counts, or a fixed-length string for text
 *                     columns; attributes "unit" ("" when dimensionless)
 *                     and "description" (sim/columns.c, scenario schema)
 *   /points           attribute "columns": the column names in order, comma
 *                     separated
 *   /<table>/<column> record tables (/frames, /packets, ...), present only
 *                     when a run appended records: 1-D datasets of one
 *                     length per table, the int64 column "point" (the row
 *                     of /points each record belongs to) first; attributes
 *                     as in /points
 *
 * Memory: the tables are typed column stores (sim/colstore.h), 8 bytes per
 * cell. Modules: results.c (tables), h5write.c, h5read.c, export.c,
 * journal.c (sim/journal.h).
 *
 * The file is written to "<path>.tmp" and renamed, so no half-written file
 * ever carries the final name.
 */
#ifndef FEATLINK_RESULTS_H
#define FEATLINK_RESULTS_H

#include "sim/colstore.h"
#include "sim/row.h"

#include <stdint.h>
#include <stdio.h>

typedef struct results results;

typedef enum { RESULTS_CSV, RESULTS_JSON, RESULTS_MD } results_format;

//  fl_results_create : a table for _points rows (all empty); NULL on ENOMEM
results *fl_results_create(int64_t points);
void fl_results_destroy(results *t);
//  fl_results_set : store (a copy of) row _r as point _i (replacing what it
//                held); 0, -EINVAL (_i out of range), -ENOMEM. A column keeps
//                the kind (number or text) of its first value; a value of
//                the other kind reads as missing (NaN or "")
int fl_results_set(results *t, int64_t i, const row *r);
//  fl_results_has : 1 if point _i holds a row
int fl_results_has(const results *t, int64_t i);
int64_t fl_results_points(const results *t);
//  fl_results_column : index of column _name or -1; fl_results_value: its value at
//  point _i (NaN when missing or text)
int fl_results_column(const results *t, const char *name);
double fl_results_value(const results *t, int64_t i, int col);
const char *fl_results_text(const results *t, int64_t i, int col);
int fl_results_columns(const results *t);
const char *fl_results_column_name(const results *t, int col);
const char *fl_results_column_unit(const results *t, int col);
int fl_results_column_is_text(const results *t, int col);
//  fl_results_points_table : the /points column store (read only)
const cs_table *fl_results_points_table(const results *t);

//  fl_results_points_store, fl_results_mark_all : for readers that fill the
//  points table column by column: its store, then every point marked as run
cs_table *fl_results_points_store(results *t);
void fl_results_mark_all(results *t);

//  fl_results_record_add : append one record to table _table (created when new;
//                       a name of [a-z0-9_], at most 64 characters, not
//                       "points" or "scenario*") for point _point: its int64
//                       "point" column, then _r's columns. 0, -EINVAL, -ENOMEM
int fl_results_record_add(results *t, const char *table, int64_t point, const row *r);
//  fl_results_records : record table _name, created empty when new; NULL on ENOMEM
cs_table *fl_results_records(results *t, const char *name);
int fl_results_record_tables(const results *t);
const cs_table *fl_results_record_table(const results *t, int k);
//  fl_results_record_name_ok : 1 when _name may name a record table
int fl_results_record_name_ok(const char *name);

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

//  fl_results_write_h5 : write the table to _path atomically (tmp + rename);
//                     root attributes from _m; 0 or a negative errno with a
//                     message in _err
int fl_results_write_h5(const results *t, const char *path, const results_meta *m, char *err, size_t len);
//  fl_results_read_h5 : read the /points table of a file written by
//                    fl_results_write_h5; *_scenario_text (may be NULL) gets a
//                    malloc'd copy of /scenario_effective (or /scenario when
//                    there is none). Every dataset and attribute is checked
//                    (rank, dimensions, type class and size, backing storage)
//                    before it is read; the row count comes from the
//                    datasets. 0, -EINVAL (not a featlink results file, the
//                    cause in _err), -ENOENT/-EACCES, -ENOMEM
int fl_results_read_h5(const char *path, results **out, char **fl_scenario_text, char *err, size_t errlen);
//  fl_results_h5_checksummed : 1 when results file _path carries dataset
//                    checksums (sim/h5crc.h: fl_results_read_h5 and
//                    fl_results_read_records_h5 verify them, a mismatch is
//                    -EINVAL naming the dataset), 0 for a file written
//                    before them (read unverified), -EINVAL when _path is
//                    no HDF5 file
int fl_results_h5_checksummed(const char *path);
//  fl_results_read_records_h5 : read record table /_name (/frames, ...) of a
//                    results file into _t's record table of that name (empty
//                    before), checked as fl_results_read_h5 checks /points;
//                    integer columns as int64. 0, -EINVAL (no such table, or
//                    not a valid one: the cause in _err), -ENOENT, -ENOMEM
int fl_results_read_records_h5(const char *path, const char *name, results *t, char *err, size_t len);
//  fl_results_export_records : print record table _name of _t as
//                    fl_results_export prints /points; 0, -ENOENT (no such
//                    table), or -errno when writing _out failed
int fl_results_export_records(const results *t, const char *name, FILE *out, results_format fmt);
//  fl_results_export : print the points table (every column, a header row);
//                   0, or -errno when writing _out failed
int fl_results_export(const results *t, FILE *out, results_format fmt);

#endif
