/* colstore: a table of typed columns, the memory layout of every results
 * table (/points and the record tables /frames, /packets, ...).
 *
 * A table has a name, a row count and any number of columns. A column has a
 * name, a type (int64, double or string), a unit and a description, and holds
 * one 8-byte cell per row (strings: an index into the column's pool of
 * distinct texts, each text stored once). Memory is O(rows x columns x 8
 * bytes) plus the distinct texts; there is no limit on the column count.
 * Cells never set read as missing: NaN (double), CS_I64_MISSING (int64), ""
 * (string). Rows are added at the end (fl_cs_append) or reserved up front
 * (fl_cs_create with _rows); columns keep the order of their creation.
 */
#ifndef FEATLINK_COLSTORE_H
#define FEATLINK_COLSTORE_H

#include <stddef.h>
#include <stdint.h>

typedef enum { CS_F64, CS_I64, CS_STR } cs_type;

#define CS_I64_MISSING INT64_MIN

typedef struct cs_table cs_table;

//  fl_cs_create : an empty-celled table _name with _rows rows; NULL on ENOMEM
cs_table *fl_cs_create(const char *name, int64_t rows);
void fl_cs_destroy(cs_table *t);
const char *fl_cs_name(const cs_table *t);
int64_t fl_cs_rows(const cs_table *t);
int fl_cs_cols(const cs_table *t);
//  fl_cs_append : add one row of missing cells; its index, or -ENOMEM
int64_t fl_cs_append(cs_table *t);
//  fl_cs_find : index of column _name, or -1 (O(1) expected)
int fl_cs_find(const cs_table *t, const char *name);
//  fl_cs_column : index of column _name, created with _type, _unit and _desc
//              (NULL: "") when new. An existing column keeps its type, unit
//              and description. Index, or -ENOMEM
int fl_cs_column(cs_table *t, const char *name, cs_type type, const char *unit, const char *desc);
//  cs_put_* : set the cell (_row, _col); 0, -EINVAL (row or column out of
//             range, or a column of another type) or -ENOMEM
int fl_cs_put_f64(cs_table *t, int col, int64_t row, double v);
int fl_cs_put_i64(cs_table *t, int col, int64_t row, int64_t v);
int fl_cs_put_str(cs_table *t, int col, int64_t row, const char *s);
//  fl_cs_f64 / fl_cs_i64 / fl_cs_str : the cell, or the missing value when out of
//  range or of another type (fl_cs_f64 of an int64 cell converts it)
double fl_cs_f64(const cs_table *t, int col, int64_t row);
int64_t fl_cs_i64(const cs_table *t, int col, int64_t row);
const char *fl_cs_str(const cs_table *t, int col, int64_t row);
//  cs_col_* : a column's name, type, unit, description
const char *fl_cs_col_name(const cs_table *t, int col);
cs_type fl_cs_col_type(const cs_table *t, int col);
const char *fl_cs_col_unit(const cs_table *t, int col);
const char *fl_cs_col_desc(const cs_table *t, int col);
//  fl_cs_str_maxlen : the longest text of string column _col (0 for others)
size_t fl_cs_str_maxlen(const cs_table *t, int col);

#endif
