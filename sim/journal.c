/* journal: finished points on disk for --resume (journal.h). */
#include "sim/journal.h"

#include "sim/export.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct journal {
    FILE *fp;
    char *path;
};

static char *journal_name(const char *out)
{
    size_t n = strlen(out) + 9;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s.journal", out);
    return p;
}

/* One column [name, unit, value, is_text] of a journal line into _r. */
static int journal_col(row *r, const cJSON *c)
{
    const cJSON *nm = cJSON_GetArrayItem(c, 0), *un = cJSON_GetArrayItem(c, 1);
    const cJSON *v = cJSON_GetArrayItem(c, 2);
    int is_str = cJSON_IsTrue(cJSON_GetArrayItem(c, 3));
    if (!cJSON_IsString(nm) || !cJSON_IsString(un))
        return 0;
    if (is_str && cJSON_IsString(v))
        return fl_row_set_str(r, nm->valuestring, v->valuestring);
    if (cJSON_IsString(v)) /* non-finite numbers: "inf", "-inf", "nan" */
        return fl_row_set(r, nm->valuestring, strtod(v->valuestring, NULL), un->valuestring);
    return fl_row_set(r, nm->valuestring, cJSON_IsNumber(v) ? v->valuedouble : NAN, un->valuestring);
}

/* One point line into _t, with the /frames records _pend of that point
 * read just before it (sim/frametab). Lines that are not a point of this
 * sweep (a last line cut short, a point index out of range) are skipped:
 * those points run again. 0 or -ENOMEM. */
static int journal_line(results *t, const char *line, frametab *pend, int64_t *pend_point)
{
    cJSON *j = cJSON_Parse(line);
    const cJSON *pi = cJSON_GetObjectItemCaseSensitive(j, "point");
    const cJSON *cols = cJSON_GetObjectItemCaseSensitive(j, "row");
    int rc = 0;
    double p = cJSON_IsNumber(pi) ? pi->valuedouble : -1;
    if (cJSON_IsArray(cols) && p >= 0 && p < (double)fl_results_points(t) && p == floor(p)) {
        row r;
        fl_row_reset(&r);
        const cJSON *c;
        int bad = 0;
        cJSON_ArrayForEach(c, cols) bad |= journal_col(&r, c) != 0;
        if (!bad) /* a row with more columns than a row holds is not ours */
            rc = fl_results_set(t, (int64_t)p, &r);
        /* the row commits the records written just before it */
        if (!bad && !rc && *pend_point == (int64_t)p)
            rc = fl_frametab_store(t, (int64_t)p, pend);
    }
    cJSON_Delete(j);
    fl_frametab_reset(pend);
    *pend_point = -1;
    return rc == -ENOMEM ? rc : 0;
}

/* Load the point lines after the header into _t; *_cut = 1 when the last
 * line lacks its newline (cut short). */
static int journal_load(results *t, FILE *fp, int *cut)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    ssize_t n;
    frametab pend;
    int64_t pend_point = -1;
    fl_frametab_init(&pend, -INFINITY, INT64_MAX); /* what the journal holds was within the cap */
    errno = 0;
    while (!rc && (n = getline(&line, &cap, fp)) > 0) {
        *cut = line[n - 1] != '\n';
        if (fl_frametab_journal_line(line))
            rc = fl_frametab_journal_read(&pend, &pend_point, line);
        else
            rc = journal_line(t, line, &pend, &pend_point);
    }
    if (!rc && ferror(fp))
        rc = errno ? -errno : -EIO;
    fl_frametab_free(&pend);
    free(line);
    return rc;
}

/* 1 when the first line of _fp names _scenario_text; 0 when it names
 * another; -1 when it names none (not a featlink journal). */
static int journal_matches(FILE *fp, const char *fl_scenario_text)
{
    char *line = NULL;
    size_t cap = 0;
    int ok = 0;
    if (getline(&line, &cap, fp) > 0) {
        cJSON *h = cJSON_Parse(line);
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(h, "scenario");
        ok = !cJSON_IsString(s) ? -1 : strcmp(s->valuestring, fl_scenario_text) == 0;
        cJSON_Delete(h);
    }
    free(line);
    return ok;
}

static journal_file *journal_fail(journal_file *j, int *rc, int e, char *err, size_t len, const char *what)
{
    *rc = e;
    /* -ESTALE is featlink's own "not this scenario": _what says it all */
    snprintf(err, len, "%s: %s%s%s", j && j->path ? j->path : "journal", what, e == -ESTALE ? "" : ": ",
             e == -ESTALE ? "" : strerror(-e));
    if (j) {
        if (j->fp)
            fclose(j->fp);
        free(j->path);
        free(j);
    }
    return NULL;
}

/* Write the header line of a new journal. */
static int journal_header(FILE *fp, const char *fl_scenario_text)
{
    cJSON *h = cJSON_CreateObject();
    char *s = h && cJSON_AddStringToObject(h, "scenario", fl_scenario_text) ? cJSON_PrintUnformatted(h) : NULL;
    cJSON_Delete(h);
    if (!s)
        return -ENOMEM;
    errno = 0;
    int rc = fprintf(fp, "%s\n", s) > 0 && fflush(fp) == 0 ? 0 : errno ? -errno : -EIO;
    free(s);
    return rc;
}

journal_file *fl_journal_open(results *t, const char *out, const char *fl_scenario_text, int resume, int *rc,
                      char *err, size_t len)
{
    journal_file *j = calloc(1, sizeof *j);
    *rc = 0;
    if (!j || !(j->path = journal_name(out)))
        return journal_fail(j, rc, -ENOMEM, err, len, "cannot open");
    if (resume) {
        FILE *old = fopen(j->path, "r");
        if (!old)
            return journal_fail(j, rc, -errno, err, len, "cannot read");
        int cut = 0, m = journal_matches(old, fl_scenario_text);
        int e = m == 1 ? journal_load(t, old, &cut) : -ESTALE;
        fclose(old);
        if (m < 0)
            return journal_fail(j, rc, e, err, len, "is not a featlink journal (its first line names no scenario); remove it or run without --resume");
        if (e == -ESTALE)
            return journal_fail(j, rc, e, err, len, "belongs to a different scenario (the effective scenario, --set included, must be the same); remove it or run without --resume");
        if (e)
            return journal_fail(j, rc, e, err, len, "cannot load");
        if (!(j->fp = fopen(j->path, "a")))
            return journal_fail(j, rc, -errno, err, len, "cannot append");
        /* end a line cut short, so the next point starts a line of its own */
        errno = 0;
        if (cut && (fputc('\n', j->fp) == EOF || fflush(j->fp) != 0))
            return journal_fail(j, rc, errno ? -errno : -EIO, err, len, "cannot append");
        return j;
    }
    if (!(j->fp = fopen(j->path, "w")))
        return journal_fail(j, rc, -errno, err, len, "cannot create");
    int e = journal_header(j->fp, fl_scenario_text);
    if (e)
        return journal_fail(j, rc, e, err, len, "cannot write");
    return j;
}

/* One point as a journal line (malloc'd), or NULL on ENOMEM. */
static char *journal_format(int64_t i, const row *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = o && cJSON_AddNumberToObject(o, "point", (double)i) ? cJSON_AddArrayToObject(o, "row") : NULL;
    int ok = arr != NULL;
    for (int c = 0; ok && c < r->n; c++) {
        cJSON *e = cJSON_CreateArray();
        double v = r->col[c].value;
        char num[40];
        cJSON *val;
        if (r->col[c].is_str)
            val = cJSON_CreateString(r->col[c].str);
        else if (isfinite(v)) /* the exact shortest form, not cJSON's */
            fl_export_number(v, num, sizeof num), val = cJSON_CreateRaw(num);
        else /* JSON has no infinities: keep them as text */
            val = cJSON_CreateString(isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        ok = e && cJSON_AddItemToArray(arr, e) && cJSON_AddItemToArray(e, cJSON_CreateString(r->col[c].name)) &&
             cJSON_AddItemToArray(e, cJSON_CreateString(r->col[c].unit)) && val && cJSON_AddItemToArray(e, val) &&
             cJSON_AddItemToArray(e, cJSON_CreateBool(r->col[c].is_str));
    }
    char *s = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

int fl_journal_add(journal_file *j, int64_t i, const row *r, char *err, size_t len)
{
    char *s = journal_format(i, r);
    int rc = -ENOMEM;
    if (s) {
        errno = 0;
        rc = fputs(s, j->fp) >= 0 && fputc('\n', j->fp) != EOF && fflush(j->fp) == 0 ? 0 : errno ? -errno : -EIO;
    }
    free(s);
    if (rc)
        snprintf(err, len, "%s: cannot append point %lld: %s", j->path, (long long)i, strerror(-rc));
    return rc;
}

int fl_journal_add_frames(journal_file *j, int64_t i, const frametab *b, char *err, size_t len)
{
    int rc = fl_frametab_journal_write(j->fp, i, b);
    errno = 0;
    if (!rc && fflush(j->fp) != 0)
        rc = errno ? -errno : -EIO;
    if (rc)
        snprintf(err, len, "%s: cannot append the /frames records of point %lld: %s", j->path, (long long)i,
                 strerror(-rc));
    return rc;
}

int fl_journal_close(journal_file *j, char *err, size_t len)
{
    if (!j)
        return 0;
    errno = 0;
    int rc = fclose(j->fp) == 0 ? 0 : errno ? -errno : -EIO;
    if (rc)
        snprintf(err, len, "%s: cannot close: %s", j->path, strerror(-rc));
    free(j->path);
    free(j);
    return rc;
}

const char *fl_journal_path(const journal_file *j) { return j->path; }

void fl_journal_remove(const char *out)
{
    char *jp = journal_name(out);
    if (jp)
        unlink(jp);
    free(jp);
}
