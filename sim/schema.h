/* schema: every scenario key featlink knows, as data.
 *
 * One row per key: its dotted name, type, allowed range or choices, default,
 * unit, one-line description, and the fl_config field it fills (an offset
 * and size). Validation, --set, the defaults, /scenario_effective, the unit
 * and description attributes of swept columns in HDF5 and the README key
 * table (`featlink keys --format md`) all read these rows: adding a key is
 * one row in schema.c (and its field in fl_config).
 *
 * Arrays of objects (system.groups[]): a schema_array names the array key,
 * where its elements lie in fl_config (offset, element size, count, at most
 * max elements) and its members: rows named "system.groups[].devices",
 * "system.groups[].codec.f", whose offset is into the element struct and
 * whose fallback is a top-level key. A member row is its fallback's row
 * (type, range, choices, unit) with the member's name, offset and
 * description, and optionally a narrower lower bound; a member not given
 * takes its fallback's value at each point (sim/groups.h). Messages name the
 * element: "$.system.groups[2].devices: must be in [1, 1048576], got 0".
 *
 * Messages are made here and in the modules that validate (sweep, keyrules,
 * scenario) with fl_schema_fail: "FILE: $.codec.f: must be in [0, 1], got 1.5".
 */
#ifndef FEATLINK_SCHEMA_H
#define FEATLINK_SCHEMA_H

#include "sim/config.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { SCHEMA_NUM, SCHEMA_INT, SCHEMA_ENUM, SCHEMA_STR } schema_type;
/* how a value is stored in its field */
typedef enum { SCHEMA_F64, SCHEMA_I32, SCHEMA_U32, SCHEMA_I64, SCHEMA_CHOICE, SCHEMA_CHARS } schema_store;

/* row flags */
#define SCHEMA_INF 1       /* SCHEMA_NUM: the string "inf" means +infinity */
#define SCHEMA_UNSET 2     /* no default: NaN, and the int at _given_off says whether it was given */
#define SCHEMA_PATH 4      /* a file path: relative paths name a file beside the scenario file */
#define SCHEMA_FILE_NAME 8 /* default (and "" given): the scenario file's name */

typedef struct {
    const char  *key;       /* dotted name, "codec.f" */
    schema_type  type;
    schema_store store;
    size_t       off, size; /* the field in fl_config */
    double       lo, hi;    /* SCHEMA_NUM / SCHEMA_INT: inclusive range */
    const char  *choices;   /* SCHEMA_ENUM: '|'-separated */
    double       def_num;   /* SCHEMA_NUM / SCHEMA_INT default */
    const char  *def_str;   /* SCHEMA_ENUM / SCHEMA_STR default */
    int          flags;
    size_t       given_off; /* SCHEMA_UNSET: the int set to 1 when the key is given */
    const char  *unit;      /* of the value, "" when dimensionless */
    const char  *desc;      /* one line */
    const int   *values;    /* SCHEMA_ENUM: the C enum value of each choice; NULL: its position */
    const char  *fallback;  /* member rows: the top-level key whose value applies when not given */
} schema_key;

/* One member of an array of objects: its row is the row of _fallback with
 * this name, offset (into the element), description and, when not NaN, lo. */
typedef struct {
    const char *key;        /* "system.groups[].codec.f" */
    const char *fallback;   /* "codec.f" */
    size_t      off, size;  /* the field in the element struct */
    double      lo;         /* NaN: the fallback's */
    const char *desc;       /* NULL: "as FALLBACK, for this element" */
} schema_member;

typedef struct {
    const char *key;        /* "system.groups" */
    size_t      off, elem_size, count_off, given_off; /* in fl_config; given_off: uint64_t in the element */
    int         max;        /* elements at most */
    const char *desc;
    const schema_member *members;
    int         nmembers;   /* <= 64 (a uint64_t of given members) */
} schema_array;

/* Where messages go. list == NULL: the first error stops validation (it is
 * in err). Otherwise (featlink validate) every error is also appended to
 * list, one a line, at most SCN_MAX_ERRORS, and validation goes on. */
typedef struct {
    const char *file;       /* label that starts every message */
    char   *err;            /* the last error, SCN_ERR_LEN or more */
    size_t  errlen;
    char   *list;
    size_t  listlen, used;
    int     n;              /* errors appended to list */
} schema_report;

//  fl_schema_count / fl_schema_at : walk the rows (0 <= _i < fl_schema_count())
int fl_schema_count(void);
const schema_key *fl_schema_at(int i);
//  fl_schema_find : the row of dotted _key, or NULL
const schema_key *fl_schema_find(const char *key);
//  fl_schema_index : the position of row _k in the table
int fl_schema_index(const schema_key *k);
//  fl_schema_is_group : 1 when some key starts with "_prefix."
int fl_schema_is_group(const char *prefix);
//  fl_schema_suggest : the closest known key or group to _key (into _buf), or NULL
const char *fl_schema_suggest(const char *key, char *buf, size_t len);

//  fl_schema_arrays / fl_schema_array_at : walk the arrays of objects
int fl_schema_arrays(void);
const schema_array *fl_schema_array_at(int i);
//  fl_schema_array_of : the array whose key _key is, or starts with followed
//                    by '[' (a member path), or NULL
const schema_array *fl_schema_array_of(const char *key);
//  fl_schema_member : the row of member _j of _a into *_out (its fallback's
//                  row renamed); 0, or -ENOENT when _j or the fallback is unknown
int fl_schema_member(const schema_array *a, int j, schema_key *out);
//  fl_schema_member_find : the index of _a's member named _name ("devices",
//                       "codec.f", relative to the element), or -1
int fl_schema_member_find(const schema_array *a, const char *name);
//  fl_schema_member_is_group : 1 when some member of _a starts with "_name."
int fl_schema_member_is_group(const schema_array *a, const char *name);
//  fl_schema_store : store checked value _v of _k at _p (its field, wherever it lies)
void fl_schema_store(const schema_key *k, const cJSON *v, void *p);

//  fl_schema_fail : format "FILE: " + _fmt into r->err, append it to r->list
//                when collecting; returns -EINVAL
int fl_schema_fail(schema_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
//  fl_schema_go_on : collecting: note _rc in *_bad and return 0; else _rc
int fl_schema_go_on(const schema_report *r, int rc, int *bad);
//  fl_schema_unknown : "_where: unknown key "_key" (did you mean ...)"; -EINVAL
int fl_schema_unknown(schema_report *r, const char *where, const char *key);

//  fl_schema_check : _v is a valid value of _k; _where: its JSON path. 0 or -EINVAL
int fl_schema_check(const schema_key *k, const cJSON *v, const char *where, schema_report *r);
//  fl_schema_valid : as fl_schema_check, without a message: 0 or -EINVAL
int fl_schema_valid(const schema_key *k, const cJSON *v);
//  fl_schema_set : store checked value _v of _k into config _c
void fl_schema_set(const schema_key *k, const cJSON *v, fl_config *c);
//  fl_schema_defaults : _c with every key's default (memset first: padding is 0)
void fl_schema_defaults(fl_config *c);
//  fl_schema_default_json : the default of _k as JSON (caller frees), NULL for
//                        SCHEMA_UNSET keys and on ENOMEM; _file names the
//                        scenario for SCHEMA_FILE_NAME
cJSON *fl_schema_default_json(const schema_key *k, const char *file);
//  fl_schema_enum_index : position of _s among _k's choices, or -1
int fl_schema_enum_index(const schema_key *k, const char *s);
//  fl_schema_enum_value : the C enum value that choice _s of _k stores into
//                      *_v; 0, or -EINVAL when _s is not a choice
int fl_schema_enum_value(const schema_key *k, const char *s, int *v);

typedef enum { SCHEMA_DOC_MD, SCHEMA_DOC_JSON } schema_doc_format;
//  fl_schema_print : the key table to _out (md: the README table); 0 or -ENOMEM
int fl_schema_print(FILE *out, schema_doc_format fmt);

#endif
