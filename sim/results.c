/* results: points table, HDF5 writer/reader, journal (results.h). */
#include "sim/results.h"
#include "sim/columns.h"
#include "sim/scenario.h"
#include "sim/sha256.h"
#include "sim/version.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct results {
    int64_t points;
    row   **rows;             /* NULL where the point has not run */
    int     ncols;
    row_col cols[ROW_MAX_COLS]; /* names, units and kinds, in first-seen order */
};

results *results_create(int64_t points)
{
    results *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->points = points;
    t->rows = calloc((size_t)(points > 0 ? points : 1), sizeof *t->rows);
    if (!t->rows) {
        free(t);
        return NULL;
    }
    return t;
}

void results_destroy(results *t)
{
    if (!t)
        return;
    for (int64_t i = 0; i < t->points; i++)
        free(t->rows[i]);
    free(t->rows);
    free(t);
}

int results_set(results *t, int64_t i, const row *r)
{
    if (i < 0 || i >= t->points)
        return -EINVAL;
    if (!t->rows[i] && !(t->rows[i] = malloc(sizeof(row))))
        return -ENOMEM;
    *t->rows[i] = *r;
    for (int c = 0; c < r->n; c++) {
        if (results_column(t, r->col[c].name) >= 0)
            continue;
        if (t->ncols >= ROW_MAX_COLS)
            return -ENOSPC;
        t->cols[t->ncols++] = r->col[c];
    }
    return 0;
}

int results_has(const results *t, int64_t i) { return i >= 0 && i < t->points && t->rows[i]; }
int64_t results_points(const results *t) { return t->points; }
int results_columns(const results *t) { return t->ncols; }
const char *results_column_name(const results *t, int c) { return t->cols[c].name; }
const char *results_column_unit(const results *t, int c) { return t->cols[c].unit; }

int results_column(const results *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->cols[c].name, name) == 0)
            return c;
    return -1;
}

double results_value(const results *t, int64_t i, int col)
{
    if (!results_has(t, i) || col < 0 || col >= t->ncols)
        return NAN;
    const row_col *c = row_find(t->rows[i], t->cols[col].name);
    return c && !c->is_str ? c->value : NAN;
}

const char *results_text(const results *t, int64_t i, int col)
{
    if (!results_has(t, i) || col < 0 || col >= t->ncols)
        return "";
    const row_col *c = row_find(t->rows[i], t->cols[col].name);
    return c && c->is_str ? c->str : "";
}

/* ------------------------------------------------------------------ */
/* HDF5 */

static int h5_attr_str(hid_t obj, const char *name, const char *value)
{
    hid_t ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, strlen(value) + 1);
    H5Tset_strpad(ty, H5T_STR_NULLTERM);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a >= 0 && H5Awrite(a, ty, value) >= 0 ? 0 : -EIO;
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(ty);
    return rc;
}

static char *h5_read_attr_str(hid_t obj, const char *name)
{
    if (H5Aexists(obj, name) <= 0)
        return NULL;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t ty = H5Aget_type(a);
    size_t n = H5Tget_size(ty);
    char *s = calloc(n + 1, 1);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, n + 1);
    if (s && H5Aread(a, mt, s) < 0) {
        free(s);
        s = NULL;
    }
    H5Tclose(mt);
    H5Tclose(ty);
    H5Aclose(a);
    return s;
}

/* Unit, description and count flag of column _name: a swept key's from the
 * scenario schema, a measured column's from the catalogue (columns.h); a
 * column in neither keeps the unit its producer gave. */
static void column_info(const results *t, int c, const char **unit, const char **desc, int *is_count)
{
    const char *name = t->cols[c].name;
    *unit = t->cols[c].unit;
    *desc = "";
    *is_count = 0;
    const char *ku, *kd;
    int kint;
    if (scenario_key_doc(name, &ku, &kd, &kint) == 0) {
        *unit = ku, *desc = kd, *is_count = kint;
        return;
    }
    const column_doc *d = columns_find(name);
    if (d)
        *unit = d->unit, *desc = d->description, *is_count = d->is_count;
}

/* A count column is stored as int64 when every value is an integer that
 * int64 holds (means over trials may not be: then float64). */
static int column_integral(const results *t, int c)
{
    for (int64_t i = 0; i < t->points; i++) {
        double v = results_value(t, i, c);
        if (!(v == floor(v) && fabs(v) < 9.2e18))
            return 0;
    }
    return 1;
}

static int h5_write_column(hid_t g, const results *t, int c)
{
    const char *unit, *desc;
    int is_count;
    column_info(t, c, &unit, &desc, &is_count);
    hsize_t n = (hsize_t)t->points;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t d, ty = -1;
    int rc = 0;
    if (t->cols[c].is_str) {
        ty = H5Tcopy(H5T_C_S1);
        H5Tset_size(ty, ROW_STR_LEN);
        H5Tset_strpad(ty, H5T_STR_NULLTERM);
        char *buf = calloc((size_t)n, ROW_STR_LEN);
        if (!buf) {
            H5Tclose(ty);
            H5Sclose(sp);
            return -ENOMEM;
        }
        for (int64_t i = 0; i < t->points; i++)
            snprintf(buf + i * ROW_STR_LEN, ROW_STR_LEN, "%s", results_text(t, i, c));
        d = H5Dcreate2(g, t->cols[c].name, ty, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        rc = d >= 0 && H5Dwrite(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0 ? 0 : -EIO;
        free(buf);
    } else {
        double *buf = malloc((size_t)n * sizeof *buf);
        if (!buf) {
            H5Sclose(sp);
            return -ENOMEM;
        }
        for (int64_t i = 0; i < t->points; i++)
            buf[i] = results_value(t, i, c);
        if (is_count && column_integral(t, c)) {
            int64_t *iv = (int64_t *)buf; /* same size; converted in place, in order */
            for (int64_t i = 0; i < t->points; i++)
                iv[i] = (int64_t)buf[i];
            d = H5Dcreate2(g, t->cols[c].name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            rc = d >= 0 && H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, iv) >= 0 ? 0 : -EIO;
        } else {
            d = H5Dcreate2(g, t->cols[c].name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            rc = d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0 ? 0 : -EIO;
        }
        free(buf);
    }
    if (d >= 0) {
        if (!rc)
            rc = h5_attr_str(d, "unit", unit);
        if (!rc)
            rc = h5_attr_str(d, "description", desc);
        H5Dclose(d);
    } else {
        rc = -EIO;
    }
    if (ty >= 0)
        H5Tclose(ty);
    H5Sclose(sp);
    return rc;
}

/* A scalar string dataset _name holding _text, with an optional string
 * attribute. */
static int h5_write_text(hid_t f, const char *name, const char *text, const char *attr,
                         const char *attr_value)
{
    hid_t ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, strlen(text) + 1);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(f, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = d >= 0 && H5Dwrite(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) >= 0 ? 0 : -EIO;
    if (!rc && attr)
        rc = h5_attr_str(d, attr, attr_value);
    if (d >= 0)
        H5Dclose(d);
    H5Sclose(sp);
    H5Tclose(ty);
    return rc;
}

int results_write_h5(const results *t, const char *path, const results_meta *m, char *err, size_t len)
{
    const char *source = m->source, *sets = m->sets, *effective = m->effective, *name = m->name;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) {
        snprintf(err, len, "%s: cannot create HDF5 file", tmp);
        return -EIO;
    }
    int rc = 0;
    char num[32];
    rc |= h5_attr_str(f, "featlink_version", featlink_version());
    rc |= h5_attr_str(f, "git_revision", featlink_git_revision());
    rc |= h5_attr_str(f, "name", name ? name : "");
    snprintf(num, sizeof num, "%lld", (long long)t->points);
    rc |= h5_attr_str(f, "points", num);
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    rc |= h5_attr_str(f, "created_utc", when);
    rc |= h5_attr_str(f, "command_line", m->command_line ? m->command_line : "");
    /* what the run read: sha256_<role> = digest, input_<role> = path */
    for (int k = 0; k < m->ninputs && !rc; k++) {
        char an[64], hex[65];
        int hrc = sha256_file_hex(m->inputs[k].path, hex);
        if (hrc) {
            snprintf(err, len, "%s: cannot read it for its SHA-256: %s", m->inputs[k].path, strerror(-hrc));
            H5Fclose(f);
            unlink(tmp);
            return hrc;
        }
        char role[40];
        snprintf(role, sizeof role, "%s", m->inputs[k].role);
        for (int j = 0, seen = 0; j < k; j++)
            if (!strcmp(m->inputs[j].role, m->inputs[k].role))
                snprintf(role, sizeof role, "%s_%d", m->inputs[k].role, ++seen + 1);
        snprintf(an, sizeof an, "sha256_%s", role);
        rc |= h5_attr_str(f, an, hex);
        snprintf(an, sizeof an, "input_%s", role);
        rc |= h5_attr_str(f, an, m->inputs[k].path);
    }

    /* /scenario: the file's text verbatim; /scenario_effective: as run */
    rc |= h5_write_text(f, "scenario", source ? source : "", "sets", sets ? sets : "");
    rc |= h5_write_text(f, "scenario_effective", effective ? effective : "", NULL, NULL);

    hid_t g = H5Gcreate2(f, "points", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    size_t clen = 1;
    for (int c = 0; c < t->ncols; c++)
        clen += strlen(t->cols[c].name) + 1;
    char *cl = calloc(clen, 1);
    for (int c = 0; cl && c < t->ncols; c++) {
        if (c)
            strcat(cl, ",");
        strcat(cl, t->cols[c].name);
    }
    rc |= g >= 0 && cl ? h5_attr_str(g, "columns", cl) : -EIO;
    free(cl);
    for (int c = 0; c < t->ncols && !rc && g >= 0; c++)
        rc |= h5_write_column(g, t, c);
    if (g >= 0)
        H5Gclose(g);
    if (H5Fclose(f) < 0)
        rc = -EIO;
    if (rc) {
        unlink(tmp);
        snprintf(err, len, "%s: writing HDF5 failed", path);
        return -EIO;
    }
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        snprintf(err, len, "%s: cannot rename %s into place: %s", path, tmp, strerror(errno));
        return -EIO;
    }
    return 0;
}

int results_read_h5(const char *path, results **out, char **scenario_text, char *err, size_t len)
{
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        snprintf(err, len, "%s: cannot open: %s", path, strerror(errno));
        return -ENOENT;
    }
    fclose(probe);
    if (H5Fis_hdf5(path) <= 0) {
        snprintf(err, len, "%s: not an HDF5 file", path);
        return -EINVAL;
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        snprintf(err, len, "%s: cannot open HDF5 file", path);
        return -EIO;
    }
    int rc = -EINVAL;
    results *t = NULL;
    char *cols = NULL;
    hid_t g = H5Lexists(f, "points", H5P_DEFAULT) > 0 ? H5Gopen2(f, "points", H5P_DEFAULT) : -1;
    if (g < 0 || !(cols = h5_read_attr_str(g, "columns"))) {
        snprintf(err, len, "%s: no /points group with a \"columns\" attribute (not a featlink results file)", path);
        goto done;
    }
    char *pts = h5_read_attr_str(f, "points");
    int64_t n = pts ? strtoll(pts, NULL, 10) : 0;
    free(pts);
    if (n < 1 || n > 100000000) {
        snprintf(err, len, "%s: bad \"points\" attribute", path);
        goto done;
    }
    t = results_create(n);
    row *rows = calloc((size_t)n, sizeof *rows);
    if (!t || !rows) {
        free(rows);
        rc = -ENOMEM;
        goto done;
    }
    char *save = NULL;
    for (char *name = strtok_r(cols, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        if (H5Lexists(g, name, H5P_DEFAULT) <= 0)
            continue;
        hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
        hid_t sp = H5Dget_space(d);
        hsize_t dn = 0;
        H5Sget_simple_extent_dims(sp, &dn, NULL);
        hid_t ty = H5Dget_type(d);
        char *unit = h5_read_attr_str(d, "unit");
        if ((int64_t)dn == n && H5Tget_class(ty) == H5T_STRING) {
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, ROW_STR_LEN);
            char *buf = calloc((size_t)n, ROW_STR_LEN);
            if (buf && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0)
                for (int64_t i = 0; i < n; i++) {
                    buf[i * ROW_STR_LEN + ROW_STR_LEN - 1] = 0;
                    row_set_str(&rows[i], name, buf + i * ROW_STR_LEN);
                }
            free(buf);
            H5Tclose(mt);
        } else if ((int64_t)dn == n) {
            double *buf = malloc((size_t)n * sizeof *buf);
            if (buf && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0)
                for (int64_t i = 0; i < n; i++)
                    row_set(&rows[i], name, buf[i], unit ? unit : "");
            free(buf);
        }
        free(unit);
        H5Tclose(ty);
        H5Sclose(sp);
        H5Dclose(d);
    }
    for (int64_t i = 0; i < n; i++)
        results_set(t, i, &rows[i]);
    free(rows);
    if (scenario_text) {
        *scenario_text = NULL;
        const char *which = H5Lexists(f, "scenario_effective", H5P_DEFAULT) > 0 ? "scenario_effective"
                                                                                 : "scenario";
        if (H5Lexists(f, which, H5P_DEFAULT) > 0) {
            hid_t d = H5Dopen2(f, which, H5P_DEFAULT);
            hid_t ty = H5Dget_type(d);
            size_t sz = H5Tget_size(ty);
            char *s = calloc(sz + 1, 1);
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, sz + 1);
            if (s && H5Dread(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) >= 0)
                *scenario_text = s;
            else
                free(s);
            H5Tclose(mt);
            H5Tclose(ty);
            H5Dclose(d);
        }
    }
    rc = 0;
    *out = t;
    t = NULL;
done:
    results_destroy(t);
    free(cols);
    if (g >= 0)
        H5Gclose(g);
    H5Fclose(f);
    return rc;
}

/* ------------------------------------------------------------------ */
/* export */

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double:
 * exported numbers are exact without printing 0.20000000000000001. */
static void results_number(double v, char *buf, size_t len)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (!isfinite(v) || strtod(buf, NULL) == v)
            return;
    }
}

static void results_cell(const results *t, int64_t i, int c, char *buf, size_t len)
{
    if (t->cols[c].is_str)
        snprintf(buf, len, "%s", results_text(t, i, c));
    else
        results_number(results_value(t, i, c), buf, len);
}

int results_export(const results *t, FILE *out, results_format fmt)
{
    char cell[64];
    if (fmt == RESULTS_JSON) {
        fprintf(out, "[\n");
        for (int64_t i = 0; i < t->points; i++) {
            fprintf(out, "  {");
            for (int c = 0; c < t->ncols; c++) {
                results_cell(t, i, c, cell, sizeof cell);
                double v = results_value(t, i, c);
                if (t->cols[c].is_str)
                    fprintf(out, "%s\"%s\": \"%s\"", c ? ", " : "", t->cols[c].name, cell);
                else if (isfinite(v))
                    fprintf(out, "%s\"%s\": %s", c ? ", " : "", t->cols[c].name, cell);
                else
                    fprintf(out, "%s\"%s\": null", c ? ", " : "", t->cols[c].name);
            }
            fprintf(out, "}%s\n", i + 1 < t->points ? "," : "");
        }
        fprintf(out, "]\n");
        return 0;
    }
    const char *sep = fmt == RESULTS_CSV ? "," : " | ";
    if (fmt == RESULTS_MD)
        fprintf(out, "| ");
    for (int c = 0; c < t->ncols; c++)
        fprintf(out, "%s%s", c ? sep : "", t->cols[c].name);
    fprintf(out, "%s\n", fmt == RESULTS_MD ? " |" : "");
    if (fmt == RESULTS_MD) {
        fprintf(out, "|");
        for (int c = 0; c < t->ncols; c++)
            fprintf(out, "---|");
        fprintf(out, "\n");
    }
    for (int64_t i = 0; i < t->points; i++) {
        if (fmt == RESULTS_MD)
            fprintf(out, "| ");
        for (int c = 0; c < t->ncols; c++) {
            results_cell(t, i, c, cell, sizeof cell);
            fprintf(out, "%s%s", c ? sep : "", cell);
        }
        fprintf(out, "%s\n", fmt == RESULTS_MD ? " |" : "");
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* journal: line 1 {"scenario": text}, then
 * {"point": i, "row": [[name, unit, value, is_text], ...]} (non-finite
 * numbers as the strings "inf", "-inf", "nan") */

static char *results_journal_path(const char *path)
{
    size_t n = strlen(path) + 9;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s.journal", path);
    return p;
}

static void results_journal_load(results *t, FILE *fp)
{
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, fp) > 0) {
        cJSON *j = cJSON_Parse(line);
        const cJSON *pi = cJSON_GetObjectItemCaseSensitive(j, "point");
        const cJSON *cols = cJSON_GetObjectItemCaseSensitive(j, "row");
        if (cJSON_IsNumber(pi) && cJSON_IsArray(cols)) {
            row r;
            row_reset(&r);
            const cJSON *c;
            cJSON_ArrayForEach(c, cols)
            {
                const cJSON *nm = cJSON_GetArrayItem(c, 0), *un = cJSON_GetArrayItem(c, 1);
                const cJSON *v = cJSON_GetArrayItem(c, 2);
                int is_str = cJSON_IsTrue(cJSON_GetArrayItem(c, 3));
                if (!cJSON_IsString(nm) || !cJSON_IsString(un))
                    continue;
                if (is_str && cJSON_IsString(v))
                    row_set_str(&r, nm->valuestring, v->valuestring);
                else if (cJSON_IsString(v)) /* non-finite numbers: "inf", "-inf", "nan" */
                    row_set(&r, nm->valuestring, strtod(v->valuestring, NULL), un->valuestring);
                else
                    row_set(&r, nm->valuestring, cJSON_IsNumber(v) ? v->valuedouble : NAN,
                            un->valuestring);
            }
            results_set(t, (int64_t)pi->valuedouble, &r);
        }
        cJSON_Delete(j);
    }
    free(line);
}

FILE *results_journal_open(results *t, const char *path, const char *scenario_text, int resume, int *rc)
{
    char *jp = results_journal_path(path);
    *rc = 0;
    if (!jp) {
        *rc = -ENOMEM;
        return NULL;
    }
    if (resume) {
        FILE *old = fopen(jp, "r");
        if (old) {
            char *line = NULL;
            size_t cap = 0;
            int ok = 0;
            if (getline(&line, &cap, old) > 0) {
                cJSON *h = cJSON_Parse(line);
                const cJSON *s = cJSON_GetObjectItemCaseSensitive(h, "scenario");
                ok = cJSON_IsString(s) && strcmp(s->valuestring, scenario_text) == 0;
                cJSON_Delete(h);
            }
            free(line);
            if (!ok) {
                fclose(old);
                free(jp);
                *rc = -ESTALE;
                return NULL;
            }
            results_journal_load(t, old);
            fclose(old);
            FILE *fp = fopen(jp, "a");
            free(jp);
            if (!fp)
                *rc = -EIO;
            return fp;
        }
    }
    FILE *fp = fopen(jp, "w");
    free(jp);
    if (!fp) {
        *rc = -EIO;
        return NULL;
    }
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "scenario", scenario_text);
    char *s = cJSON_PrintUnformatted(h);
    fprintf(fp, "%s\n", s ? s : "{}");
    free(s);
    cJSON_Delete(h);
    fflush(fp);
    return fp;
}

int results_journal_add(FILE *j, int64_t i, const row *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "point", (double)i);
    cJSON *arr = cJSON_AddArrayToObject(o, "row");
    for (int c = 0; c < r->n; c++) {
        cJSON *e = cJSON_CreateArray();
        cJSON_AddItemToArray(e, cJSON_CreateString(r->col[c].name));
        cJSON_AddItemToArray(e, cJSON_CreateString(r->col[c].unit));
        double v = r->col[c].value;
        if (r->col[c].is_str)
            cJSON_AddItemToArray(e, cJSON_CreateString(r->col[c].str));
        else if (isfinite(v)) {
            /* cJSON prints 15 digits when they compare equal within an
             * epsilon: write the exact shortest form ourselves */
            char num[40];
            results_number(v, num, sizeof num);
            cJSON_AddItemToArray(e, cJSON_CreateRaw(num));
        }
        else /* JSON has no infinities: keep them as text */
            cJSON_AddItemToArray(e, cJSON_CreateString(isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"));
        cJSON_AddItemToArray(e, cJSON_CreateBool(r->col[c].is_str));
        cJSON_AddItemToArray(arr, e);
    }
    char *s = cJSON_PrintUnformatted(o);
    int rc = s && fprintf(j, "%s\n", s) > 0 && fflush(j) == 0 ? 0 : -EIO;
    free(s);
    cJSON_Delete(o);
    return rc;
}

void results_journal_remove(const char *path)
{
    char *jp = results_journal_path(path);
    if (jp)
        unlink(jp);
    free(jp);
}
