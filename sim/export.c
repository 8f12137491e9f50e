/* export: CSV, JSON, Markdown of the points table or a record table
 * (export.h, results.h). */
#include "sim/export.h"
#include "sim/results.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Exported numbers are exact without printing 0.20000000000000001. */
void fl_export_number(double v, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (!isfinite(v) || strtod(buf, NULL) == v)
            return;
    }
}

/* A point never run has every cell missing in the column store, so the
 * points table prints the same from its store as through fl_results_value. */
static void export_cell(const cs_table *t, int64_t i, int c, char *buf, size_t len)
{
    if (fl_cs_col_type(t, c) == CS_STR)
        snprintf(buf, len, "%s", fl_cs_str(t, c, i));
    else
        fl_export_number(fl_cs_f64(t, c, i), buf, len);
}

static void export_json(const cs_table *t, FILE *out)
{
    char cell[64];
    fprintf(out, "[\n");
    for (int64_t i = 0; i < fl_cs_rows(t); i++) {
        fprintf(out, "  {");
        for (int c = 0; c < fl_cs_cols(t); c++) {
            const char *name = fl_cs_col_name(t, c), *sep = c ? ", " : "";
            export_cell(t, i, c, cell, sizeof cell);
            if (fl_cs_col_type(t, c) == CS_STR)
                fprintf(out, "%s\"%s\": \"%s\"", sep, name, cell);
            else if (isfinite(fl_cs_f64(t, c, i)))
                fprintf(out, "%s\"%s\": %s", sep, name, cell);
            else
                fprintf(out, "%s\"%s\": null", sep, name);
        }
        fprintf(out, "}%s\n", i + 1 < fl_cs_rows(t) ? "," : "");
    }
    fprintf(out, "]\n");
}

/* CSV and Markdown: a header row, then one row per table row. */
static void export_rows(const cs_table *t, FILE *out, int md)
{
    char cell[64];
    const char *sep = md ? " | " : ",";
    fprintf(out, "%s", md ? "| " : "");
    for (int c = 0; c < fl_cs_cols(t); c++)
        fprintf(out, "%s%s", c ? sep : "", fl_cs_col_name(t, c));
    fprintf(out, "%s\n", md ? " |" : "");
    if (md) {
        fprintf(out, "|");
        for (int c = 0; c < fl_cs_cols(t); c++)
            fprintf(out, "---|");
        fprintf(out, "\n");
    }
    for (int64_t i = 0; i < fl_cs_rows(t); i++) {
        fprintf(out, "%s", md ? "| " : "");
        for (int c = 0; c < fl_cs_cols(t); c++) {
            export_cell(t, i, c, cell, sizeof cell);
            fprintf(out, "%s%s", c ? sep : "", cell);
        }
        fprintf(out, "%s\n", md ? " |" : "");
    }
}

static int export_table(const cs_table *t, FILE *out, results_format fmt)
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

int fl_results_export(const results *t, FILE *out, results_format fmt)
{
    return export_table(fl_results_points_table(t), out, fmt);
}

int fl_results_export_records(const results *t, const char *name, FILE *out, results_format fmt)
{
    for (int k = 0; k < fl_results_record_tables(t); k++)
        if (!strcmp(fl_cs_name(fl_results_record_table(t, k)), name))
            return export_table(fl_results_record_table(t, k), out, fmt);
    return -ENOENT;
}
