/* export: CSV, JSON, Markdown of the points table (export.h, results.h). */
#include "sim/export.h"
#include "sim/results.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Exported numbers are exact without printing 0.20000000000000001. */
void export_number(double v, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (!isfinite(v) || strtod(buf, NULL) == v)
            return;
    }
}

static void export_cell(const results *t, int64_t i, int c, char *buf, size_t len)
{
    if (results_column_is_text(t, c))
        snprintf(buf, len, "%s", results_text(t, i, c));
    else
        export_number(results_value(t, i, c), buf, len);
}

static void export_json(const results *t, FILE *out)
{
    char cell[64];
    fprintf(out, "[\n");
    for (int64_t i = 0; i < results_points(t); i++) {
        fprintf(out, "  {");
        for (int c = 0; c < results_columns(t); c++) {
            const char *name = results_column_name(t, c), *sep = c ? ", " : "";
            export_cell(t, i, c, cell, sizeof cell);
            if (results_column_is_text(t, c))
                fprintf(out, "%s\"%s\": \"%s\"", sep, name, cell);
            else if (isfinite(results_value(t, i, c)))
                fprintf(out, "%s\"%s\": %s", sep, name, cell);
            else
                fprintf(out, "%s\"%s\": null", sep, name);
        }
        fprintf(out, "}%s\n", i + 1 < results_points(t) ? "," : "");
    }
    fprintf(out, "]\n");
}

/* CSV and Markdown: a header row, then one row per point. */
static void export_rows(const results *t, FILE *out, int md)
{
    char cell[64];
    const char *sep = md ? " | " : ",";
    fprintf(out, "%s", md ? "| " : "");
    for (int c = 0; c < results_columns(t); c++)
        fprintf(out, "%s%s", c ? sep : "", results_column_name(t, c));
    fprintf(out, "%s\n", md ? " |" : "");
    if (md) {
        fprintf(out, "|");
        for (int c = 0; c < results_columns(t); c++)
            fprintf(out, "---|");
        fprintf(out, "\n");
    }
    for (int64_t i = 0; i < results_points(t); i++) {
        fprintf(out, "%s", md ? "| " : "");
        for (int c = 0; c < results_columns(t); c++) {
            export_cell(t, i, c, cell, sizeof cell);
            fprintf(out, "%s%s", c ? sep : "", cell);
        }
        fprintf(out, "%s\n", md ? " |" : "");
    }
}

int results_export(const results *t, FILE *out, results_format fmt)
{
    errno = 0;
    if (fmt == RESULTS_JSON)
        export_json(t, out);
    else
        export_rows(t, out, fmt == RESULTS_MD);
    if (fflush(out) != 0 || ferror(out))
        return errno ? -errno : -EIO;
    return 0;
}
