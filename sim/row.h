/* row: one sweep point's results, a list of named columns with units.
 *
 * Every measured quantity goes into the results file as one column
 * (/points/<name>, unit as the attribute "unit"). Columns keep the order in
 * which they were first set. Values are double (integers up to 2^53 exact)
 * or short strings (swept string keys such as modem.scheme).
 */
#ifndef FEATLINK_ROW_H
#define FEATLINK_ROW_H

#include <stddef.h>

#define ROW_MAX_COLS 128
#define ROW_NAME_LEN 48
#define ROW_UNIT_LEN 24
#define ROW_STR_LEN  32

typedef struct {
    char   name[ROW_NAME_LEN];
    char   unit[ROW_UNIT_LEN];   /* "" when dimensionless */
    int    is_str;               /* 1: text in str, 0: number in value */
    double value;
    char   str[ROW_STR_LEN];
} row_col;

typedef struct {
    int     n;
    row_col col[ROW_MAX_COLS];
} row;

//  fl_row_reset : empty the row
void fl_row_reset(row *r);
//  fl_row_set : set column _name (created on first use) to _value with _unit
//            ("" for none); returns 0, or -ENOSPC when the row is full
int fl_row_set(row *r, const char *name, double value, const char *unit);
//  row_val : one column of a list set by fl_row_set_all
typedef struct {
    const char *name;
    double      value;
    const char *unit;
} row_val;
//  fl_row_set_all : fl_row_set for each of the _n columns of _v, in order;
//            0, or the first error (the columns before it are set)
int fl_row_set_all(row *r, const row_val *v, size_t n);
//  ROW_SET_ALL(r, v) : fl_row_set_all over every entry of the array _v
#define ROW_SET_ALL(r, v) fl_row_set_all((r), (v), sizeof(v) / sizeof((v)[0]))
//  fl_row_add : add _value to column _name (created at 0 on first use)
int fl_row_add(row *r, const char *name, double value, const char *unit);
//  fl_row_set_str : as fl_row_set for a text value (truncated to ROW_STR_LEN-1)
int fl_row_set_str(row *r, const char *name, const char *value);
//  fl_row_find : the column named _name, or NULL
const row_col *fl_row_find(const row *r, const char *name);

/* A row as column values (for MPI): u16 column count, then per column u8
 * kind (0 number, 1 text), name, unit (each u8 length + bytes) and an
 * IEEE double (8 bytes, little-endian) or a text (u8 length + bytes). */
#define ROW_PACK_MAX (2 + ROW_MAX_COLS * (1 + ROW_NAME_LEN + ROW_UNIT_LEN + ROW_STR_LEN + 8))
//  fl_row_pack : _r into _buf (_cap bytes); the byte count or -ENOSPC
int fl_row_pack(const row *r, unsigned char *buf, size_t cap);
//  fl_row_unpack : _n bytes of fl_row_pack into _r; 0 or -EBADMSG (malformed)
int fl_row_unpack(row *r, const unsigned char *buf, size_t n);

#endif
