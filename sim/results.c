/* results: the points table and the record tables of a run (results.h), kept
 * in typed column stores (colstore.h). The HDF5 writer and reader, the export
 * and the journal live in h5write.c, h5read.c, export.c and journal.c. */
#include "sim/results.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct results {
    int64_t points;
    cs_table *pts;        /* one row per sweep point */
    unsigned char *has;   /* 1 where the point has run */
    cs_table **rec;       /* record tables, in creation order */
    int nrec;
};

results *fl_results_create(int64_t points)
{
    results *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->points = points > 0 ? points : 0;
    t->pts = fl_cs_create("points", t->points);
    t->has = calloc((size_t)(t->points ? t->points : 1), 1);
    if (!t->pts || !t->has) {
        fl_results_destroy(t);
        return NULL;
    }
    return t;
}

void fl_results_destroy(results *t)
{
    if (!t)
        return;
    fl_cs_destroy(t->pts);
    for (int k = 0; k < t->nrec; k++)
        fl_cs_destroy(t->rec[k]);
    free(t->rec);
    free(t->has);
    free(t);
}

/* Every cell of point _i missing again (a row replaced as a whole). */
static void results_clear(results *t, int64_t i)
{
    for (int c = 0; c < fl_cs_cols(t->pts); c++) {
        if (fl_cs_col_type(t->pts, c) == CS_STR)
            fl_cs_put_str(t->pts, c, i, "");
        else
            fl_cs_put_f64(t->pts, c, i, NAN);
    }
}

/* Row _r's cells into row _at of _tab. A column keeps the kind it was
 * created with: a cell of the other kind stays missing. */
static int results_put_row(cs_table *tab, int64_t at, const row *r)
{
    for (int k = 0; k < r->n; k++) {
        const row_col *rc = &r->col[k];
        int c = fl_cs_column(tab, rc->name, rc->is_str ? CS_STR : CS_F64, rc->unit, "");
        if (c < 0)
            return c;
        if ((fl_cs_col_type(tab, c) == CS_STR) != (rc->is_str != 0))
            continue;
        int e = rc->is_str ? fl_cs_put_str(tab, c, at, rc->str) : fl_cs_put_f64(tab, c, at, rc->value);
        if (e)
            return e;
    }
    return 0;
}

int fl_results_set(results *t, int64_t i, const row *r)
{
    if (i < 0 || i >= t->points)
        return -EINVAL;
    if (t->has[i])
        results_clear(t, i);
    int rc = results_put_row(t->pts, i, r);
    if (!rc)
        t->has[i] = 1;
    return rc;
}

int fl_results_has(const results *t, int64_t i) { return i >= 0 && i < t->points && t->has[i]; }
int64_t fl_results_points(const results *t) { return t->points; }
int fl_results_columns(const results *t) { return fl_cs_cols(t->pts); }
const char *fl_results_column_name(const results *t, int c) { return fl_cs_col_name(t->pts, c); }
const char *fl_results_column_unit(const results *t, int c) { return fl_cs_col_unit(t->pts, c); }
int fl_results_column_is_text(const results *t, int c) { return fl_cs_col_type(t->pts, c) == CS_STR; }
int fl_results_column(const results *t, const char *name) { return fl_cs_find(t->pts, name); }
const cs_table *fl_results_points_table(const results *t) { return t->pts; }

double fl_results_value(const results *t, int64_t i, int col)
{
    return fl_results_has(t, i) ? fl_cs_f64(t->pts, col, i) : NAN;
}

const char *fl_results_text(const results *t, int64_t i, int col)
{
    return fl_results_has(t, i) ? fl_cs_str(t->pts, col, i) : "";
}

/* ---- record tables ---- */

cs_table *fl_results_records(results *t, const char *name)
{
    for (int k = 0; k < t->nrec; k++)
        if (!strcmp(fl_cs_name(t->rec[k]), name))
            return t->rec[k];
    cs_table **nr = realloc(t->rec, (size_t)(t->nrec + 1) * sizeof *nr);
    if (!nr)
        return NULL;
    t->rec = nr;
    cs_table *tab = fl_cs_create(name, 0);
    if (!tab)
        return NULL;
    if (fl_cs_column(tab, "point", CS_I64, "", "sweep point this record belongs to (row of /points)") != 0) {
        fl_cs_destroy(tab);
        return NULL;
    }
    t->rec[t->nrec++] = tab;
    return tab;
}

int fl_results_record_add(results *t, const char *table, int64_t point, const row *r)
{
    if (!fl_results_record_name_ok(table) || point < 0 || point >= t->points)
        return -EINVAL;
    cs_table *tab = fl_results_records(t, table);
    if (!tab)
        return -ENOMEM;
    int64_t at = fl_cs_append(tab);
    if (at < 0)
        return (int)at;
    int rc = fl_cs_put_i64(tab, 0, at, point);
    return rc ? rc : results_put_row(tab, at, r);
}

int fl_results_record_tables(const results *t) { return t->nrec; }
const cs_table *fl_results_record_table(const results *t, int k)
{
    return k >= 0 && k < t->nrec ? t->rec[k] : NULL;
}

int fl_results_record_name_ok(const char *name)
{
    static const char *taken[] = {"points", "scenario", "scenario_effective"};
    if (!name || !*name || strlen(name) > 64)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    for (size_t k = 0; k < sizeof taken / sizeof taken[0]; k++)
        if (!strcmp(name, taken[k]))
            return 0;
    return 1;
}

cs_table *fl_results_points_store(results *t) { return t->pts; }

void fl_results_mark_all(results *t)
{
    memset(t->has, 1, (size_t)t->points);
}
