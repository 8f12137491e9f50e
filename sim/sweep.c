/* sweep: read and expand a scenario's sweep block (sweep.h). */
#include "sim/sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void fl_sweep_none(sweep *w)
{
    memset(w, 0, sizeof *w);
    w->grid_points = w->zip_len = w->points = 1;
}

int fl_sweep_find(const sweep *w, const schema_key *key)
{
    for (int k = 0; k < w->nkeys; k++)
        if (w->key[k] == key)
            return k;
    return -1;
}

/* Check list _e of key _k value by value and index it. */
static int sweep_list(sweep *w, const schema_key *k, const cJSON *e, const char *where, schema_report *r)
{
    int n = cJSON_GetArraySize(e);
    const cJSON **item = malloc(sizeof *item * (size_t)n);
    if (!item)
        return -ENOMEM;
    int i = 0, rc = 0;
    for (const cJSON *v = e->child; v && i < n; v = v->next, i++) {
        item[i] = v;
        if (fl_schema_valid(k, v)) {
            char w2[320];
            snprintf(w2, sizeof w2, "%s[%d]", where, i);
            rc = fl_schema_check(k, v, w2, r);
            break;
        }
    }
    if (rc) {
        free(item);
        return rc;
    }
    w->key[w->nkeys] = k;
    w->item[w->nkeys] = item;
    w->len[w->nkeys] = n;
    w->nkeys++;
    return 0;
}

/* One member "KEY": [values] of grid or zip. */
static int sweep_member(sweep *w, const cJSON *e, int is_grid, int64_t *zl, schema_report *r)
{
    const char *part = is_grid ? "grid" : "zip";
    char where[300];
    snprintf(where, sizeof where, "$.sweep.%s[\"%s\"]", part, e->string);
    const schema_key *k = fl_schema_find(e->string);
    const schema_array *a = k ? NULL : fl_schema_array_of(e->string);
    if (a)
        return fl_schema_fail(r, "%s: %s and its members cannot be swept (allowed: top-level keys; sweep the key "
                              "a member falls back to, or give each value its own group)", where, a->key);
    if (!k)
        return fl_schema_unknown(r, where, e->string);
    if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) < 1)
        return fl_schema_fail(r, "%s: must be a non-empty array of values", where);
    if (fl_sweep_find(w, k) >= 0)
        return fl_schema_fail(r, "%s: key swept twice", where);
    if (w->nkeys >= SCN_MAX_SWEEP)
        return fl_schema_fail(r, "%s: at most %d swept keys", where, SCN_MAX_SWEEP);
    int64_t n = cJSON_GetArraySize(e);
    if (!is_grid && *zl >= 0 && n != *zl)
        return fl_schema_fail(r, "%s: zip lists must have equal lengths (%lld), got %lld", where, (long long)*zl,
                           (long long)n);
    if (is_grid && (double)w->grid_points * (double)n > (double)SCN_MAX_POINTS)
        return fl_schema_fail(r, "%s: the sweep exceeds %lld points", where, (long long)SCN_MAX_POINTS);
    int rc = sweep_list(w, k, e, where, r);
    if (rc)
        return rc;
    if (is_grid) {
        w->grid_points *= n;
        w->ngrid++;
    } else {
        *zl = n;
    }
    return 0;
}

/* Read part "grid" or "zip" of _obj (duplicate members were refused when the
 * file was parsed). */
static int sweep_part(sweep *w, const cJSON *obj, int is_grid, schema_report *r)
{
    const cJSON *part = cJSON_GetObjectItemCaseSensitive(obj, is_grid ? "grid" : "zip");
    if (!part)
        return 0;
    if (!cJSON_IsObject(part))
        return fl_schema_fail(r, "$.sweep.%s: must be an object {\"key\": [values...]}", part->string);
    int64_t zl = -1;
    for (const cJSON *e = part->child; e; e = e->next) {
        int rc = sweep_member(w, e, is_grid, &zl, r);
        if (rc)
            return rc;
    }
    if (!is_grid && zl > 0)
        w->zip_len = zl;
    return 0;
}

int fl_sweep_read(sweep *w, const cJSON *obj, schema_report *r)
{
    fl_sweep_none(w);
    if (!cJSON_IsObject(obj))
        return fl_schema_fail(r, "$.sweep: must be an object with \"grid\" and/or \"zip\"");
    for (const cJSON *part = obj->child; part; part = part->next)
        if (strcmp(part->string, "grid") && strcmp(part->string, "zip"))
            return fl_schema_fail(r, "$.sweep.%s: unknown key (allowed: grid, zip)", part->string);
    int rc = sweep_part(w, obj, 1, r);
    if (!rc)
        rc = sweep_part(w, obj, 0, r);
    if (rc) {
        fl_sweep_free(w);
        return rc;
    }
    int64_t stride = 1;
    for (int k = w->ngrid - 1; k >= 0; k--) {
        w->stride[k] = stride;
        stride *= w->len[k];
    }
    w->points = w->grid_points * w->zip_len;
    if (w->points > SCN_MAX_POINTS) {
        rc = fl_schema_fail(r, "$.sweep: %lld points exceeds the limit of %lld", (long long)w->points,
                         (long long)SCN_MAX_POINTS);
        fl_sweep_free(w);
    }
    return rc;
}

int64_t fl_sweep_index(const sweep *w, int64_t i, int k)
{
    return k < w->ngrid ? (i / w->stride[k]) % w->len[k] : i / w->grid_points;
}

const cJSON *fl_sweep_value(const sweep *w, int64_t i, int k) { return w->item[k][fl_sweep_index(w, i, k)]; }

void fl_sweep_free(sweep *w)
{
    for (int k = 0; k < w->nkeys; k++)
        free((void *)w->item[k]);
    fl_sweep_none(w);
}
