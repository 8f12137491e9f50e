/* h5read: read a results file's /points table (results.h) without trusting
 * it: every attribute and dataset is checked for rank, dimensions, type
 * class and size, and a dataset's declared size against the storage it
 * really has, before anything is allocated or read. */
#include "sim/results.h"

#include "sim/h5crc.h"
#include "sim/h5util.h"

#include "codec/h5guard.h"

#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits (README "Limits"): rows of a results table, bytes of a string
 * attribute or of /scenario_effective, bytes of one text cell. */
#define H5R_MAX_ROWS    100000000LL
#define H5R_MAX_TEXT    (64u << 20)
#define H5R_MAX_CELL    4096u
/* Deflate cannot shrink data more than about 1032:1: a dataset declaring
 * more than that over its stored bytes was never written. */
#define H5R_MAX_RATIO   1100u

typedef struct {
    const char *path;
    char *err;
    size_t len;
    const char *grp, *col; /* the table read: "/points" and "/points/%s" */
    int is_int;            /* the last column checked holds integers */
    int sums;              /* the root says every dataset has its crc32 */
} h5r;

static int h5r_fail(h5r *r, int rc, const char *fmt, const char *what, const char *why)
{
    char what_s[256];
    snprintf(what_s, sizeof what_s, fmt, what);
    snprintf(r->err, r->len, "%s: %s: %s", r->path, what_s, why);
    return rc;
}

/* A fixed-length string type of at most _max bytes; 0 or a reason. */
static const char *h5r_string_type(hid_t ty, size_t max, size_t *size)
{
    if (ty < 0 || H5Tget_class(ty) != H5T_STRING)
        return "not a string";
    if (H5Tis_variable_str(ty) != 0)
        return "a variable-length string (featlink writes fixed-length ones)";
    *size = H5Tget_size(ty);
    if (*size < 1 || *size > max)
        return "a string of an unsupported size";
    return NULL;
}

/* Read the _n-byte fixed-length string of attribute (_attr = 1) or dataset
 * _obj into a new *_out (NUL-terminated); on failure *_out is NULL and the
 * reason, named by _fmt and _what as h5r_fail does, is in r->err.
 * 0, -EINVAL, -ENOMEM. */
static int h5r_string_read(h5r *r, hid_t obj, int attr, size_t n, const char *fmt, const char *what,
                           char **out)
{
    if (!(*out = calloc(n + 1, 1)))
        return h5r_fail(r, -ENOMEM, fmt, what, strerror(ENOMEM));
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, n + 1);
    herr_t e = attr ? H5Aread(obj, mt, *out) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out);
    H5Tclose(mt);
    if (e >= 0)
        return 0;
    free(*out);
    *out = NULL;
    return h5r_fail(r, -EINVAL, fmt, what, "cannot be read");
}

/* String attribute _name of _obj: scalar, fixed-length; malloc'd text into
 * *_out (NULL when absent). 0, -EINVAL, -ENOMEM. */
static int h5r_attr_str(h5r *r, hid_t obj, const char *where, const char *name, char **out)
{
    *out = NULL;
    if (H5Aexists(obj, name) <= 0)
        return 0;
    hid_t ty, sp, a = fl_h5util_attr_open(obj, name, &ty, &sp);
    size_t n = 0;
    const char *why = a < 0 ? "cannot be opened" : H5Sget_simple_extent_type(sp) != H5S_SCALAR
                                                       ? "is not a scalar (an array-valued attribute)"
                                                       : h5r_string_type(ty, H5R_MAX_TEXT, &n);
    char at[200];
    snprintf(at, sizeof at, "%s attribute \"%s\"", where, name);
    int rc = why ? h5r_fail(r, -EINVAL, "%s", at, why) : h5r_string_read(r, a, 1, n, "%s", at, out);
    H5_CLOSE(sp, ty, a);
    return rc;
}

/* Dataset _d (named by _fmt and _what as h5r_fail does) against its
 * "crc32" attribute (sim/h5crc.h). A mismatch, a malformed attribute, or a
 * missing one in a file whose root says "checksums", is -EINVAL naming the
 * dataset; a file from before checksums passes unverified. */
static int h5r_verify(h5r *r, hid_t d, const char *fmt, const char *what)
{
    uint32_t want, got;
    int rc = fl_h5crc_stored(d, &want);
    if (rc == -ENOENT)
        return r->sums ? h5r_fail(r, -EINVAL, fmt, what,
                                  "has no crc32 attribute, but the file says every dataset has one")
                       : 0;
    if (rc)
        return h5r_fail(r, -EINVAL, fmt, what, "has a crc32 attribute that is not a scalar 32-bit integer");
    rc = fl_h5crc_compute(d, &got);
    if (rc)
        return h5r_fail(r, rc == -ENOMEM ? rc : -EINVAL, fmt, what, rc == -ENOMEM ? strerror(ENOMEM) : "cannot be read");
    if (got == want)
        return 0;
    char why[200];
    snprintf(why, sizeof why, "checksum mismatch (crc32 stored 0x%08x, computed 0x%08x): "
             "the file was changed or damaged after featlink wrote it", (unsigned)want, (unsigned)got);
    return h5r_fail(r, -EINVAL, fmt, what, why);
}

/* The element count of 1-D dataset _d of _esize-byte elements, checked
 * against the limit and its stored bytes; -1 with the reason in _err. */
static int64_t h5r_extent(h5r *r, hid_t d, const char *what, const char *name, size_t esize)
{
    hid_t sp = H5Dget_space(d);
    int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    hsize_t n = 0;
    const char *why = NULL;
    if (rank != 1 || H5Sget_simple_extent_type(sp) != H5S_SIMPLE)
        why = "is not a 1-D dataset";
    else if (H5Sget_simple_extent_dims(sp, &n, NULL) != 1 || n < 1 || n > (hsize_t)H5R_MAX_ROWS)
        why = "has a row count outside 1..100000000";
    else if ((double)H5Dget_storage_size(d) * H5R_MAX_RATIO < (double)n * (double)esize)
        why = "declares more rows than the file stores";
    char chunk[200];
    if (!why && fl_h5guard_chunks(d, 1, &n, esize, chunk, sizeof chunk))
        why = chunk;
    if (sp >= 0)
        H5Sclose(sp);
    if (why) {
        h5r_fail(r, -EINVAL, what, name, why);
        return -1;
    }
    return (int64_t)n;
}

/* The element size of a column's type: a fixed-length string (at most
 * H5R_MAX_CELL bytes), a float of 4 or 8 bytes, an integer of 1..8 bytes.
 * 0 with the reason in _err when it is none of them. */
static size_t h5r_column_type(h5r *r, hid_t ty, const char *name, int *is_text)
{
    size_t w = 0;
    H5T_class_t cl = H5Tget_class(ty);
    *is_text = cl == H5T_STRING;
    const char *why = NULL;
    if (cl == H5T_STRING)
        why = h5r_string_type(ty, H5R_MAX_CELL, &w);
    else if (cl == H5T_FLOAT || cl == H5T_INTEGER)
        w = H5Tget_size(ty), why = (cl == H5T_FLOAT ? w == 4 || w == 8 : w >= 1 && w <= 8) ? NULL : "a number of an unsupported size";
    else
        why = "neither a number nor a fixed-length string";
    char layout[120];
    if (!why && cl != H5T_STRING && fl_h5guard_type_plain(ty, layout, sizeof layout))
        why = layout;
    r->is_int = cl == H5T_INTEGER;
    if (why) {
        h5r_fail(r, -EINVAL, r->col, name, why);
        return 0;
    }
    return w;
}

/* The cells of column _d (checked: _w-byte elements) into column _c. */
static int h5r_read_cells(h5r *r, cs_table *pts, int c, hid_t d, size_t w, int is_text, const char *name)
{
    int64_t n = fl_cs_rows(pts);
    size_t cell = is_text ? w + 1 : sizeof(double);
    char *buf = malloc((size_t)n * cell);
    if (!buf)
        return h5r_fail(r, -ENOMEM, r->col, name, strerror(ENOMEM));
    int as_int = fl_cs_col_type(pts, c) == CS_I64; /* a record table's integers (its point column) */
    hid_t mt = is_text ? H5Tcopy(H5T_C_S1) : H5Tcopy(as_int ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE);
    if (is_text)
        H5Tset_size(mt, w + 1);
    int rc = H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0
                 ? h5r_fail(r, -EINVAL, r->col, name, "cannot be read") : 0;
    H5Tclose(mt);
    for (int64_t i = 0; !rc && i < n; i++) {
        if (is_text) {
            buf[(size_t)i * cell + w] = 0;
            rc = fl_cs_put_str(pts, c, i, buf + (size_t)i * cell);
        } else if (as_int) {
            rc = fl_cs_put_i64(pts, c, i, ((int64_t *)buf)[i]);
        } else {
            rc = fl_cs_put_f64(pts, c, i, ((double *)buf)[i]);
        }
    }
    free(buf);
    return rc == -ENOMEM ? h5r_fail(r, rc, r->col, name, strerror(ENOMEM)) : rc;
}

/* Open /points/<name> and check it: its row count into *_n (all columns
 * agree), its element size and kind. The dataset, or -1 with *_rc set
 * (0: no such dataset, skipped as before). */
static hid_t h5r_column(h5r *r, hid_t g, const char *name, int64_t *n, size_t *w, int *is_text, int *rc)
{
    *rc = 0;
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0)
        return -1;
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    if (d < 0) {
        *rc = h5r_fail(r, -EINVAL, r->col, name, "is not a dataset");
        return -1;
    }
    hid_t ty = H5Dget_type(d);
    *w = ty >= 0 ? h5r_column_type(r, ty, name, is_text) : 0;
    if (ty >= 0)
        H5Tclose(ty);
    int64_t m = *w ? h5r_extent(r, d, r->col, name, *w) : -1;
    if (m > 0 && *n > 0 && m != *n) {
        char why[96];
        snprintf(why, sizeof why, "has %lld rows, the columns before it %lld", (long long)m, (long long)*n);
        h5r_fail(r, -EINVAL, r->col, name, why);
        m = -1;
    }
    if (m < 0) {
        H5Dclose(d);
        *rc = -EINVAL;
        return -1;
    }
    *n = m;
    return d;
}

/* The row count of the columns the "columns" attribute _cols names, each
 * checked (row count, type). 0 or -EINVAL with the reason. */
static int h5r_count(h5r *r, hid_t g, const char *cols, int64_t *n)
{
    int rc = 0, any = 0;
    size_t w;
    int is_text;
    char *save = NULL, *copy = strdup(cols);
    if (!copy)
        return h5r_fail(r, -ENOMEM, "%s", r->grp, strerror(ENOMEM));
    for (char *name = strtok_r(copy, ",", &save); name && !rc; name = strtok_r(NULL, ",", &save)) {
        hid_t d = h5r_column(r, g, name, n, &w, &is_text, &rc);
        any |= d >= 0;
        if (d >= 0)
            H5Dclose(d);
    }
    free(copy);
    if (!rc && !any)
        rc = h5r_fail(r, -EINVAL, "%s", r->grp, "holds none of the datasets its \"columns\" attribute names");
    return rc;
}

/* The columns _cols names (h5r_count checked them) into _tab, whose rows
 * are there; integers as int64 columns when _ints (record tables), else
 * as float64 (/points, as before). */
static int h5r_fill(h5r *r, hid_t g, char *cols, cs_table *tab, int ints)
{
    int64_t n = fl_cs_rows(tab);
    int rc = 0, is_text;
    size_t w;
    char *save = NULL;
    for (char *name = strtok_r(cols, ",", &save); name && !rc; name = strtok_r(NULL, ",", &save)) {
        hid_t d = h5r_column(r, g, name, &n, &w, &is_text, &rc);
        if (d < 0)
            continue;
        char *unit = NULL, *desc = NULL, where[300];
        snprintf(where, sizeof where, r->col, name);
        rc = h5r_verify(r, d, r->col, name);
        if (!rc)
            rc = h5r_attr_str(r, d, where, "unit", &unit);
        if (!rc)
            rc = h5r_attr_str(r, d, where, "description", &desc);
        cs_type ty = is_text ? CS_STR : ints && r->is_int ? CS_I64 : CS_F64;
        int c = rc ? -1 : fl_cs_column(tab, name, ty, unit, desc);
        if (!rc && c < 0)
            rc = h5r_fail(r, c, r->col, name, strerror(-c));
        if (!rc && fl_cs_col_type(tab, c) == ty)
            rc = h5r_read_cells(r, tab, c, d, w, is_text, name);
        free(unit), free(desc);
        H5Dclose(d);
    }
    return rc;
}

/* The /points table into a new *_out. */
static int h5r_points(h5r *r, hid_t g, char *cols, results **out)
{
    int64_t n = 0;
    int rc = h5r_count(r, g, cols, &n);
    if (rc)
        return rc;
    results *t = fl_results_create(n);
    if (!t)
        return h5r_fail(r, -ENOMEM, "%s", "/points", strerror(ENOMEM));
    rc = h5r_fill(r, g, cols, fl_results_points_store(t), 0);
    if (rc) {
        fl_results_destroy(t);
        return rc;
    }
    fl_results_mark_all(t);
    *out = t;
    return 0;
}

/* Scalar fixed-length string dataset _name: malloc'd text into *_out. */
static int h5r_text(h5r *r, hid_t f, const char *name, char **out)
{
    *out = NULL;
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    hid_t ty = d >= 0 ? H5Dget_type(d) : -1, sp = d >= 0 ? H5Dget_space(d) : -1;
    size_t n = 0;
    const char *why = d < 0 ? "is not a dataset" : H5Sget_simple_extent_type(sp) != H5S_SCALAR ? "is not a scalar"
                                                                                              : h5r_string_type(ty, H5R_MAX_TEXT, &n);
    if (!why && (double)H5Dget_storage_size(d) * H5R_MAX_RATIO < (double)n)
        why = "declares more text than the file stores";
    int rc = why ? h5r_fail(r, -EINVAL, "/%s", name, why) : h5r_verify(r, d, "/%s", name);
    if (!rc)
        rc = h5r_string_read(r, d, 0, n, "/%s", name, out);
    H5_CLOSE(sp, ty, d);
    return rc;
}

/* Open _path as HDF5: -ENOENT/-EACCES/... (the cause), -EINVAL. */
static hid_t h5r_open(h5r *r, int *rc)
{
    FILE *probe = fopen(r->path, "rb");
    if (!probe) {
        *rc = -errno;
        snprintf(r->err, r->len, "%s: cannot open: %s", r->path, strerror(errno));
        return -1;
    }
    fclose(probe);
    hid_t f = H5Fis_hdf5(r->path) > 0 ? H5Fopen(r->path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    if (f < 0)
        *rc = h5r_fail(r, -EINVAL, "%s", "file", "not an HDF5 file (or a damaged one)");
    else
        r->sums = H5Aexists(f, H5CRC_ROOT) > 0;
    return f;
}

/* Group _name of _f with its "columns" attribute into *_g and *_cols;
 * -EINVAL naming what is missing. */
static int h5r_group(h5r *r, hid_t f, const char *name, hid_t *g, char **cols)
{
    *cols = NULL;
    *g = H5Lexists(f, name, H5P_DEFAULT) > 0 ? H5Gopen2(f, name, H5P_DEFAULT) : -1;
    int rc = *g >= 0 ? h5r_attr_str(r, *g, r->grp, "columns", cols) : 0;
    if (!rc && !*cols)
        rc = !strcmp(name, "points")
                 ? h5r_fail(r, -EINVAL, "%s", "file",
                            "no /points group with a \"columns\" attribute (not a featlink results file)")
                 : h5r_fail(r, -EINVAL, "%s", r->grp, "no such table in the file (a group with a \"columns\" attribute)");
    return rc;
}

/* The file (h5r_open) and its group _name with the "columns" attribute
 * (h5r_group); ids that could not be opened are -1, so the caller closes
 * with free(*_cols) and H5_CLOSE(*_g, *_f) whatever happened. */
static int h5r_begin(h5r *r, const char *name, hid_t *f, hid_t *g, char **cols)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rc = 0;
    *g = -1;
    *cols = NULL;
    *f = h5r_open(r, &rc);
    return *f < 0 ? rc : h5r_group(r, *f, name, g, cols);
}

static int read_points(const char *path, results **out, char **fl_scenario_text, char *err, size_t len)
{
    h5r r = {path, err, len, "/points", "/points/%s", 0, 0};
    *out = NULL;
    if (fl_scenario_text)
        *fl_scenario_text = NULL;
    char *cols;
    hid_t f, g;
    int rc = h5r_begin(&r, "points", &f, &g, &cols);
    if (!rc)
        rc = h5r_points(&r, g, cols, out);
    if (!rc && fl_scenario_text) {
        const char *which = H5Lexists(f, "scenario_effective", H5P_DEFAULT) > 0 ? "scenario_effective" : "scenario";
        if (H5Lexists(f, which, H5P_DEFAULT) > 0)
            rc = h5r_text(&r, f, which, fl_scenario_text);
    }
    if (rc) {
        fl_results_destroy(*out);
        *out = NULL;
    }
    free(cols);
    H5_CLOSE(g, f);
    return rc;
}

static int read_records(const char *path, const char *name, results *t, char *err, size_t len)
{
    char grp[80], col[84];
    snprintf(grp, sizeof grp, "/%s", name);
    snprintf(col, sizeof col, "/%s/%%s", name);
    h5r r = {path, err, len, grp, col, 0, 0};
    if (!fl_results_record_name_ok(name)) {
        snprintf(err, len, "%s: /%s: not a record table name ([a-z0-9_], not points or scenario*)", path, name);
        return -EINVAL;
    }
    char *cols;
    hid_t f, g;
    int64_t n = 0;
    int rc = h5r_begin(&r, name, &f, &g, &cols);
    if (!rc)
        rc = h5r_count(&r, g, cols, &n);
    cs_table *tab = rc ? NULL : fl_results_records(t, name);
    if (!rc && (!tab || fl_cs_rows(tab) != 0))
        rc = h5r_fail(&r, tab ? -EINVAL : -ENOMEM, "%s", grp, tab ? "read twice" : strerror(ENOMEM));
    for (int64_t i = 0; !rc && i < n; i++)
        if (fl_cs_append(tab) < 0)
            rc = h5r_fail(&r, -ENOMEM, "%s", grp, strerror(ENOMEM));
    if (!rc)
        rc = h5r_fill(&r, g, cols, tab, 1);
    free(cols);
    H5_CLOSE(g, f);
    return rc;
}

static int checksummed(const char *path)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fis_hdf5(path) > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    if (f < 0)
        return -EINVAL;
    int yes = H5Aexists(f, H5CRC_ROOT) > 0;
    H5Fclose(f);
    return yes;
}

/* the public readers: each inside the reading context (codec/h5guard.h) */
int fl_results_read_h5(const char *path, results **out, char **fl_scenario_text, char *err, size_t len)
{
    fl_h5guard_enter(path);
    int rc = read_points(path, out, fl_scenario_text, err, len);
    fl_h5guard_leave();
    return rc;
}

int fl_results_read_records_h5(const char *path, const char *name, results *t, char *err, size_t len)
{
    fl_h5guard_enter(path);
    int rc = read_records(path, name, t, err, len);
    fl_h5guard_leave();
    return rc;
}

int fl_results_h5_checksummed(const char *path)
{
    fl_h5guard_enter(path);
    int rc = checksummed(path);
    fl_h5guard_leave();
    return rc;
}
