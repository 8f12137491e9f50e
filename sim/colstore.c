/* colstore: typed column tables (colstore.h). Column names and the texts of
 * each string column are found through open-addressing hash tables (FNV-1a),
 * so setting a cell is O(1) expected whatever the column count. */
#include "sim/colstore.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef union {
    double d;
    int64_t i;
    uint64_t s; /* index into the column's texts; 0 is "" */
} cs_cell;

/* A text -> index hash: open addressing with linear probing over a power
 * of two of slots, each holding index + 1 (0 = empty); its owner keeps it
 * at most half full and says what text index i stands for (cs_key_fn). */
typedef struct {
    uint64_t *slot;
    size_t nslot;
} cs_index;
typedef const char *(*cs_key_fn)(const void *owner, uint64_t i);

/* Distinct strings, each stored once, with an index -> text array and a
 * text -> index hash. */
typedef struct {
    char **text;
    size_t n, cap;
    cs_index ix;
    size_t maxlen;
} cs_pool;

typedef struct {
    char *name, *unit, *desc;
    cs_type type;
    cs_cell *cell;
    cs_pool pool;
} cs_col;

struct cs_table {
    char *name;
    int64_t rows, cap;
    cs_col *col;
    int ncols, capcols;
    cs_index ix; /* column name -> column index */
};

static uint64_t cs_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static char *cs_strdup(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s ? s : "", n);
    return d;
}

/* ---- text -> index hash ---- */

/* The slot of _x that holds text _s, or the empty slot where it goes. */
static size_t index_probe(const cs_index *x, const char *s, cs_key_fn key, const void *owner)
{
    size_t h = (size_t)cs_hash(s) & (x->nslot - 1);
    while (x->slot[h] && strcmp(key(owner, x->slot[h] - 1), s))
        h = (h + 1) & (x->nslot - 1);
    return h;
}

/* _x rebuilt with _nslot slots (a power of two) over indices [_first, _n);
 * 0, or -ENOMEM with _x unchanged. */
static int index_rehash(cs_index *x, size_t nslot, uint64_t first, uint64_t n, cs_key_fn key,
                        const void *owner)
{
    cs_index y = {calloc(nslot, sizeof *y.slot), nslot};
    if (!y.slot)
        return -ENOMEM;
    for (uint64_t i = first; i < n; i++)
        y.slot[index_probe(&y, key(owner, i), key, owner)] = i + 1;
    free(x->slot);
    *x = y;
    return 0;
}

/* ---- string pool ---- */

static const char *pool_key(const void *p, uint64_t i) { return ((const cs_pool *)p)->text[i]; }

/* text 0 ("") is never in the hash: pool_intern answers it first */
static int pool_rehash(cs_pool *p, size_t nslot) { return index_rehash(&p->ix, nslot, 1, p->n, pool_key, p); }

static int pool_init(cs_pool *p)
{
    p->cap = 8;
    p->text = malloc(p->cap * sizeof *p->text);
    if (!p->text || !(p->text[0] = cs_strdup("")))
        return -ENOMEM;
    p->n = 1;
    return pool_rehash(p, 16);
}

static void pool_free(cs_pool *p)
{
    for (size_t k = 0; k < p->n; k++)
        free(p->text[k]);
    free(p->text);
    free(p->ix.slot);
}

/* The index of text _s in _p, added when new; 0 for "", -ENOMEM. */
static int64_t pool_intern(cs_pool *p, const char *s)
{
    if (!*s)
        return 0;
    size_t h = index_probe(&p->ix, s, pool_key, p);
    if (p->ix.slot[h])
        return (int64_t)p->ix.slot[h] - 1;
    if (p->n == p->cap) {
        char **nt = realloc(p->text, 2 * p->cap * sizeof *nt);
        if (!nt)
            return -ENOMEM;
        p->text = nt, p->cap *= 2;
    }
    char *d = cs_strdup(s);
    if (!d)
        return -ENOMEM;
    size_t k = p->n++;
    p->text[k] = d;
    p->ix.slot[h] = k + 1;
    size_t len = strlen(s);
    if (len > p->maxlen)
        p->maxlen = len;
    if (2 * p->n > p->ix.nslot && pool_rehash(p, 2 * p->ix.nslot)) {
        p->ix.slot[h] = 0; /* keep the table consistent: forget the text */
        free(p->text[--p->n]);
        return -ENOMEM;
    }
    return (int64_t)k;
}

/* ---- table ---- */

cs_table *fl_cs_create(const char *name, int64_t rows)
{
    cs_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->name = cs_strdup(name);
    t->ix = (cs_index){calloc(16, sizeof *t->ix.slot), 16};
    t->rows = rows > 0 ? rows : 0;
    t->cap = t->rows > 0 ? t->rows : 16;
    if (!t->name || !t->ix.slot) {
        fl_cs_destroy(t);
        return NULL;
    }
    return t;
}

void fl_cs_destroy(cs_table *t)
{
    if (!t)
        return;
    for (int c = 0; c < t->ncols; c++) {
        free(t->col[c].name), free(t->col[c].unit), free(t->col[c].desc);
        free(t->col[c].cell);
        if (t->col[c].type == CS_STR)
            pool_free(&t->col[c].pool);
    }
    free(t->col);
    free(t->ix.slot);
    free(t->name);
    free(t);
}

const char *fl_cs_name(const cs_table *t) { return t->name; }
int64_t fl_cs_rows(const cs_table *t) { return t->rows; }
int fl_cs_cols(const cs_table *t) { return t->ncols; }

static cs_cell cs_missing(cs_type type)
{
    cs_cell m;
    if (type == CS_F64)
        m.d = NAN;
    else if (type == CS_I64)
        m.i = CS_I64_MISSING;
    else
        m.s = 0;
    return m;
}

static void cs_fill(cs_col *c, int64_t from, int64_t to)
{
    cs_cell m = cs_missing(c->type);
    for (int64_t r = from; r < to; r++)
        c->cell[r] = m;
}

int64_t fl_cs_append(cs_table *t)
{
    if (t->rows == t->cap) {
        int64_t cap = 2 * t->cap;
        for (int c = 0; c < t->ncols; c++) {
            cs_cell *nc = realloc(t->col[c].cell, (size_t)cap * sizeof *nc);
            if (!nc)
                return -ENOMEM; /* columns already grown keep their larger block */
            t->col[c].cell = nc;
        }
        t->cap = cap;
    }
    for (int c = 0; c < t->ncols; c++)
        cs_fill(&t->col[c], t->rows, t->rows + 1);
    return t->rows++;
}

static const char *cs_col_key(const void *t, uint64_t i) { return ((const cs_table *)t)->col[i].name; }

int fl_cs_find(const cs_table *t, const char *name)
{
    uint64_t k = t->ix.slot[index_probe(&t->ix, name, cs_col_key, t)];
    return k ? (int)k - 1 : -1;
}

/* A new column's storage and texts, every cell missing. */
static int cs_col_init(cs_col *c, int64_t cap, int64_t rows, const char *name, cs_type type,
                       const char *unit, const char *desc)
{
    memset(c, 0, sizeof *c);
    c->type = type;
    c->name = cs_strdup(name), c->unit = cs_strdup(unit), c->desc = cs_strdup(desc);
    c->cell = malloc((size_t)cap * sizeof *c->cell);
    int rc = c->name && c->unit && c->desc && c->cell ? 0 : -ENOMEM;
    if (!rc && type == CS_STR)
        rc = pool_init(&c->pool);
    if (rc) {
        free(c->name), free(c->unit), free(c->desc), free(c->cell);
        if (type == CS_STR)
            pool_free(&c->pool);
        return rc;
    }
    cs_fill(c, 0, rows);
    return 0;
}

int fl_cs_column(cs_table *t, const char *name, cs_type type, const char *unit, const char *desc)
{
    int k = fl_cs_find(t, name);
    if (k >= 0)
        return k;
    if ((size_t)(t->ncols + 1) * 2 > t->ix.nslot &&
        index_rehash(&t->ix, 2 * t->ix.nslot, 0, (uint64_t)t->ncols, cs_col_key, t))
        return -ENOMEM;
    if (t->ncols == t->capcols) {
        int cap = t->capcols ? 2 * t->capcols : 16;
        cs_col *nc = realloc(t->col, (size_t)cap * sizeof *nc);
        if (!nc)
            return -ENOMEM;
        t->col = nc, t->capcols = cap;
    }
    int rc = cs_col_init(&t->col[t->ncols], t->cap, t->rows, name, type, unit, desc);
    if (rc)
        return rc;
    t->ix.slot[index_probe(&t->ix, name, cs_col_key, t)] = (uint64_t)++t->ncols;
    return t->ncols - 1;
}

static cs_col *cs_cell_col(const cs_table *t, int col, int64_t row, cs_type type)
{
    if (col < 0 || col >= t->ncols || row < 0 || row >= t->rows || t->col[col].type != type)
        return NULL;
    return &t->col[col];
}

/* Cell (_col, _row) of a column of type _type set to _v; -EINVAL when the
 * table has no such cell. */
static int cs_put(cs_table *t, int col, int64_t row, cs_type type, cs_cell v)
{
    cs_col *c = cs_cell_col(t, col, row, type);
    if (!c)
        return -EINVAL;
    c->cell[row] = v;
    return 0;
}

int fl_cs_put_f64(cs_table *t, int col, int64_t row, double v)
{
    return cs_put(t, col, row, CS_F64, (cs_cell){.d = v});
}

int fl_cs_put_i64(cs_table *t, int col, int64_t row, int64_t v)
{
    return cs_put(t, col, row, CS_I64, (cs_cell){.i = v});
}

int fl_cs_put_str(cs_table *t, int col, int64_t row, const char *s)
{
    cs_col *c = cs_cell_col(t, col, row, CS_STR);
    if (!c)
        return -EINVAL;
    int64_t k = pool_intern(&c->pool, s ? s : "");
    if (k < 0)
        return (int)k;
    c->cell[row].s = (uint64_t)k;
    return 0;
}

double fl_cs_f64(const cs_table *t, int col, int64_t row)
{
    const cs_col *c = cs_cell_col(t, col, row, CS_F64);
    if (c)
        return c->cell[row].d;
    c = cs_cell_col(t, col, row, CS_I64);
    return c && c->cell[row].i != CS_I64_MISSING ? (double)c->cell[row].i : NAN;
}

int64_t fl_cs_i64(const cs_table *t, int col, int64_t row)
{
    const cs_col *c = cs_cell_col(t, col, row, CS_I64);
    return c ? c->cell[row].i : CS_I64_MISSING;
}

const char *fl_cs_str(const cs_table *t, int col, int64_t row)
{
    const cs_col *c = cs_cell_col(t, col, row, CS_STR);
    return c ? c->pool.text[c->cell[row].s] : "";
}

const char *fl_cs_col_name(const cs_table *t, int col) { return t->col[col].name; }
cs_type fl_cs_col_type(const cs_table *t, int col) { return t->col[col].type; }
const char *fl_cs_col_unit(const cs_table *t, int col) { return t->col[col].unit; }
const char *fl_cs_col_desc(const cs_table *t, int col) { return t->col[col].desc; }

size_t fl_cs_str_maxlen(const cs_table *t, int col)
{
    return t->col[col].type == CS_STR ? t->col[col].pool.maxlen : 0;
}
