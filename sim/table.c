/* table: paper tables beside featlink's numbers (table.h). */
#include "sim/table.h"

#include "sim/results.h"
#include "sim/run.h"
#include "sim/scenario.h"
#include "sim/version.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Paper 000 (Balevi), Table 1 as printed (strings: the printed digits).
 * Its configuration: Nt = 512, Ns = 1024, Nb = 32, budget 1 s, AWGN, SNRs
 * 0 and 20 dB, rows f = g = h = 0.2, 0.4, 0.6, 0.8. The 20 dB column is
 * truncated, not rounded (1.346 -> 1.34). */
static const struct {
    double fgh;
    const char *saved_bits, *ratio, *bw0_mhz, *bw20_mhz;
} paper_table1[] = {
    {0.2, "3.7229e+06", "0.2219", "13.05", "1.96"},
    {0.4, "7.8152e+06", "0.4658", "8.96", "1.34"},
    {0.6, "1.1723e+07", "0.6988", "5.05", "0.75"},
    {0.8, "1.4894e+07", "0.8877", "1.88", "0.28"},
};
#define PAPER_ROWS 4
#define PAPER_NT 512.0
#define PAPER_NS 1024.0
#define PAPER_NB 32.0
#define PAPER_BUDGET_S 1.0
static const double paper_snrs[] = {0, 20};

/* ------------------------------------------------------------------ */
/* small helpers */

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* The shortest %g text that reads back as _v exactly (integers in full). */
static void shortest(char *buf, size_t len, double v)
{
    char tmp[40];
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(tmp, sizeof tmp, "%.0f", v);
    } else {
        for (int p = 1; p <= 17; p++) {
            snprintf(tmp, sizeof tmp, "%.*g", p, v);
            if (strtod(tmp, NULL) == v || isnan(v))
                break;
        }
    }
    size_t n = strlen(tmp);
    if (len == 0)
        return;
    n = n < len ? n : len - 1;
    memcpy(buf, tmp, n);
    buf[n] = 0;
}

/* The value of dotted _key in a nested JSON object (or a literal dotted key). */
static const cJSON *json_get(const cJSON *root, const char *key)
{
    const cJSON *lit = cJSON_GetObjectItemCaseSensitive(root, key);
    if (lit)
        return lit;
    char part[128];
    const cJSON *node = root;
    for (const char *p = key; node && *p;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof part)
            return NULL;
        memcpy(part, p, n);
        part[n] = 0;
        node = cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, part) : NULL;
        p += n + (dot ? 1 : 0);
    }
    return node == root ? NULL : node;
}

/* A growing array of malloc'd strings. */
typedef struct {
    char **v;
    int n, cap;
} strv;

static int strv_push(strv *s, const char *text)
{
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 64;
        char **v = realloc(s->v, (size_t)cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        s->v = v, s->cap = cap;
    }
    if (!(s->v[s->n] = strdup(text)))
        return -ENOMEM;
    s->n++;
    return 0;
}

static int strv_pushf(strv *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strv_push(s, buf);
}

static void strv_free(strv *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL, s->n = s->cap = 0;
}

/* LaTeX text-mode escaping of _s. */
static void tex_puts(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '_': case '%': case '&': case '#': case '$': case '{': case '}':
            fputc('\\', out), fputc(*s, out);
            break;
        case '\\': fputs("\\textbackslash{}", out); break;
        case '^': fputs("\\textasciicircum{}", out); break;
        case '~': fputs("\\textasciitilde{}", out); break;
        case '<': fputs("\\textless{}", out); break;
        case '>': fputs("\\textgreater{}", out); break;
        case '|': fputs("\\textbar{}", out); break;
        default: fputc(*s, out);
        }
    }
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_puts(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* md: '|' would end the cell */
static void md_puts(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', out);
        fputc(*s, out);
    }
}

/* A TeX label from _s: lower-case letters, digits and '-'. */
static void tex_label(FILE *out, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        fputc((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '-', out);
    }
}

/* ------------------------------------------------------------------ */
/* printing a grid of cells with a caption and notes, in every format */

typedef struct {
    int ncol;
    strv cells;       /* header row first, then the body, row-major */
    const char *align; /* 'l' or 'r' per column */
} grid;

static void grid_print(const grid *g, table_format fmt, FILE *out, const char *caption,
                       const strv *notes, const char *label)
{
    int nrow = g->cells.n / g->ncol;
    if (fmt == TABLE_CSV) {
        fprintf(out, "# %s\n", caption);
        for (int i = 0; i < notes->n; i++)
            fprintf(out, "# %s\n", notes->v[i]);
        for (int r = 0; r < nrow; r++)
            for (int c = 0; c < g->ncol; c++) {
                csv_puts(out, g->cells.v[r * g->ncol + c]);
                fputs(c + 1 < g->ncol ? "," : "\n", out);
            }
        return;
    }
    if (fmt == TABLE_MD) {
        fprintf(out, "%s\n\n", caption);
        for (int r = 0; r < nrow; r++) {
            fputs("|", out);
            for (int c = 0; c < g->ncol; c++) {
                fputc(' ', out);
                md_puts(out, g->cells.v[r * g->ncol + c]);
                fputs(" |", out);
            }
            fputc('\n', out);
            if (r == 0) {
                fputs("|", out);
                for (int c = 0; c < g->ncol; c++)
                    fputs(g->align[c] == 'l' ? ":---|" : "---:|", out);
                fputc('\n', out);
            }
        }
        for (int i = 0; i < notes->n; i++)
            fprintf(out, "\n%s\n", notes->v[i]);
        return;
    }
    /* LaTeX: booktabs rules throughout */
    fprintf(out, "%% featlink %s (%s); needs \\usepackage{booktabs,graphicx}\n", featlink_version(),
            featlink_git_revision());
    fputs("\\begin{table}[htbp]\n\\centering\n\\caption{", out);
    tex_puts(out, caption);
    for (int i = 0; i < notes->n; i++) {
        fputc(' ', out);
        tex_puts(out, notes->v[i]);
    }
    fputs("}\n\\label{tab:", out);
    tex_label(out, label);
    fputs("}\n\\resizebox{\\linewidth}{!}{%\n\\begin{tabular}{", out);
    for (int c = 0; c < g->ncol; c++)
        fputc(g->align[c], out);
    fputs("}\n\\toprule\n", out);
    for (int r = 0; r < nrow; r++) {
        for (int c = 0; c < g->ncol; c++) {
            if (c)
                fputs(" & ", out);
            tex_puts(out, g->cells.v[r * g->ncol + c]);
        }
        fputs(" \\\\\n", out);
        if (r == 0)
            fputs("\\midrule\n", out);
    }
    fputs("\\bottomrule\n\\end{tabular}}\n\\end{table}\n", out);
}

/* ------------------------------------------------------------------ */
/* the run a table is made from */

typedef struct {
    results *t;
    cJSON *scn;       /* the effective scenario (may be NULL) */
    char *label;      /* where it came from, for the caption */
    char *name;       /* the scenario's name */
} table_src;

static double col(const results *t, int64_t i, const char *name)
{
    return fl_results_value(t, i, fl_results_column(t, name));
}

/* A scenario key's value at point _i as text: its swept column when there
 * is one, else the effective scenario, else _def. */
static void key_text(const table_src *s, int64_t i, const char *key, const char *def, char *buf,
                     size_t len)
{
    int c = fl_results_column(s->t, key);
    if (c >= 0) {
        const char *txt = fl_results_text(s->t, i, c);
        if (txt && *txt)
            snprintf(buf, len, "%s", txt);
        else
            shortest(buf, len, fl_results_value(s->t, i, c));
        return;
    }
    const cJSON *j = s->scn ? json_get(s->scn, key) : NULL;
    if (cJSON_IsString(j))
        snprintf(buf, len, "%s", j->valuestring);
    else if (cJSON_IsNumber(j))
        shortest(buf, len, j->valuedouble);
    else
        snprintf(buf, len, "%s", def);
}

/* Distinct texts of a per-point quantity, in point order, joined by ", ". */
typedef void (*point_text_fn)(const table_src *s, int64_t i, const void *arg, char *buf, size_t len);

static void distinct_texts(const table_src *s, point_text_fn fn, const void *arg, strv *out)
{
    char buf[128];
    for (int64_t i = 0; i < fl_results_points(s->t); i++) {
        fn(s, i, arg, buf, sizeof buf);
        int seen = 0;
        for (int k = 0; k < out->n && !seen; k++)
            seen = strcmp(out->v[k], buf) == 0;
        if (!seen && strv_push(out, buf))
            return;
    }
}

static void join(const strv *v, const char *unit, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (int k = 0; k < v->n && n < len; k++) {
        if (k == 8 && v->n > 9) {
            n += (size_t)snprintf(buf + n, len - n, ", ... (%d values)", v->n);
            break;
        }
        n += (size_t)snprintf(buf + n, len - n, "%s%s", k ? ", " : "", v->v[k]);
    }
    if (n < len && unit)
        snprintf(buf + n, len - n, "%s", unit);
}

static void pt_column(const table_src *s, int64_t i, const void *arg, char *buf, size_t len)
{
    shortest(buf, len, col(s->t, i, (const char *)arg));
}

static void pt_key(const table_src *s, int64_t i, const void *arg, char *buf, size_t len)
{
    const char *const *kd = arg; /* {key, default} */
    key_text(s, i, kd[0], kd[1], buf, len);
}

static void pt_fgh(const table_src *s, int64_t i, const void *arg, char *buf, size_t len)
{
    double f = col(s->t, i, "f"), g = col(s->t, i, "g"), h = col(s->t, i, "h");
    char a[32], b[32], c[32];
    shortest(a, sizeof a, f), shortest(b, sizeof b, g), shortest(c, sizeof c, h);
    if (f == g && g == h)
        snprintf(buf, len, "%s", a);
    else
        snprintf(buf, len, "%s/%s/%s", a, b, c);
}

/* ------------------------------------------------------------------ */
/* paper 000, Table 1 layout: one line per (f, g, h) and swept keys other
 * than the SNR; analytic, measured and (same configuration only) printed
 * columns; a column group per SNR */

static const char *const pinr_cols[] = {"f", "g", "h", "snr_db", "tokens", "dims",
                                        "total_bits", "index_bits", "saved_bits", "sent_bits",
                                        "reduction_ratio", "min_bandwidth_hz"};

/* Nb's column: symbol_bits (files before it was renamed: bits) */
static const char *nb_column(const results *t)
{
    return fl_results_column(t, "symbol_bits") >= 0 ? "symbol_bits" : "bits";
}

/* 1 when _t holds the columns a PINR point writes */
static int is_pinr(const results *t)
{
    if (fl_results_column(t, nb_column(t)) < 0)
        return 0;
    for (size_t k = 0; k < sizeof pinr_cols / sizeof *pinr_cols; k++)
        if (fl_results_column(t, pinr_cols[k]) < 0)
            return 0;
    return 1;
}

/* 1 when every point ran over the capacity link */
static int all_capacity(const table_src *s)
{
    const char *kd[] = {"link.mode", "capacity"};
    char buf[64];
    for (int64_t i = 0; i < fl_results_points(s->t); i++) {
        pt_key(s, i, kd, buf, sizeof buf);
        if (strcmp(buf, "capacity") != 0)
            return 0;
    }
    return 1;
}

/* Columns that tell lines apart besides f, g, h: swept keys (dotted names)
 * other than the SNR and the PINR fractions. */
static int is_line_key(const char *name)
{
    return strchr(name, '.') && strcmp(name, "channel.snr_db") != 0 && strcmp(name, "codec.f") != 0 &&
           strcmp(name, "codec.g") != 0 && strcmp(name, "codec.h") != 0;
}

static int same_line(const results *t, int64_t i, int64_t j)
{
    if (col(t, i, "f") != col(t, j, "f") || col(t, i, "g") != col(t, j, "g") || col(t, i, "h") != col(t, j, "h"))
        return 0;
    for (int c = 0; c < fl_results_columns(t); c++) {
        if (!is_line_key(fl_results_column_name(t, c)))
            continue;
        const char *a = fl_results_text(t, i, c), *b = fl_results_text(t, j, c);
        if ((a && *a) || (b && *b)) {
            if (strcmp(a ? a : "", b ? b : "") != 0)
                return 0;
        } else {
            double x = fl_results_value(t, i, c), y = fl_results_value(t, j, c);
            if (!(x == y || (isnan(x) && isnan(y))))
                return 0;
        }
    }
    return 1;
}

/* Compare the run's configuration with the paper's; one clause per
 * differing parameter into _why (empty when the run is the paper's). */
static void table1_compare(const table_src *s, const double *snrs, int nsnr, char *why, size_t len)
{
    size_t n = 0;
    why[0] = 0;
#define WHY(...) (n += (size_t)snprintf(why + (n < len ? n : len - 1), n < len ? len - n : 1, "%s", n ? "; " : ""), \
                  n += (size_t)snprintf(why + (n < len ? n : len - 1), n < len ? len - n : 1, __VA_ARGS__))
    char here[256];
    strv v = {0};
    struct {
        const char *key, *column;
        double paper;
        const char *unit;
    } scalars[] = {
        {"source.tokens", "tokens", PAPER_NT, ""},
        {"source.dims", "dims", PAPER_NS, ""},
        {"source.bits", nb_column(s->t), PAPER_NB, ""},
    };
    for (size_t k = 0; k < sizeof scalars / sizeof *scalars; k++) {
        distinct_texts(s, pt_column, scalars[k].column, &v);
        char p[32];
        shortest(p, sizeof p, scalars[k].paper);
        if (v.n != 1 || strcmp(v.v[0], p) != 0) {
            join(&v, NULL, here, sizeof here);
            WHY("%s = %s here, %s in the paper", scalars[k].key, here, p);
        }
        strv_free(&v);
    }
    const char *budget[] = {"link.budget_s", "1"};
    distinct_texts(s, pt_key, budget, &v);
    if (v.n != 1 || strtod(v.v[0], NULL) != PAPER_BUDGET_S) {
        join(&v, " s", here, sizeof here);
        WHY("link.budget_s = %s here, 1 s in the paper", here);
    }
    strv_free(&v);
    const char *kind[] = {"channel.kind", "awgn"};
    distinct_texts(s, pt_key, kind, &v);
    if (v.n != 1 || strcmp(v.v[0], "awgn") != 0) {
        join(&v, NULL, here, sizeof here);
        WHY("channel.kind = %s here, awgn in the paper", here);
    }
    strv_free(&v);
    int snr_same = nsnr == 2;
    for (int k = 0; k < nsnr && snr_same; k++)
        snr_same = snrs[k] == paper_snrs[0] || snrs[k] == paper_snrs[1];
    snr_same = snr_same && snrs[0] != snrs[1];
    if (!snr_same) {
        for (int k = 0; k < nsnr; k++) {
            char b[32];
            shortest(b, sizeof b, snrs[k]);
            strv_push(&v, b);
        }
        join(&v, " dB", here, sizeof here);
        WHY("channel.snr_db = %s here, 0, 20 dB in the paper", here);
        strv_free(&v);
    }
    /* the lines: exactly the paper's f = g = h values */
    distinct_texts(s, pt_fgh, NULL, &v);
    int rows_same = v.n == PAPER_ROWS;
    for (int k = 0; k < v.n && rows_same; k++) {
        int found = 0;
        for (int r = 0; r < PAPER_ROWS; r++) {
            char b[32];
            shortest(b, sizeof b, paper_table1[r].fgh);
            found |= strcmp(v.v[k], b) == 0;
        }
        rows_same = found;
    }
    if (!rows_same) {
        join(&v, NULL, here, sizeof here);
        WHY("codec.f/g/h = %s here, f = g = h = 0.2, 0.4, 0.6, 0.8 in the paper", here);
    }
    strv_free(&v);
#undef WHY
}

typedef enum {
    C_FGH, C_KEY, C_TOTAL, C_SAVED_A, C_SAVED_P, C_INDEX_A, C_INDEX_M, C_SENT_A, C_SENT_M,
    C_RATIO_A, C_RATIO_P, C_RATIO_D, C_RATIO_M, C_BW_A, C_BW_P, C_BW_D, C_BW_M
} ckind;

typedef struct {
    ckind kind;
    int arg;           /* C_KEY: the results column; C_BW_*: the SNR index */
} cdesc;

static int paper_row(double f, double g, double h)
{
    for (int k = 0; k < PAPER_ROWS; k++)
        if (f == g && g == h && fabs(f - paper_table1[k].fgh) < 1e-12)
            return k;
    return -1;
}

static const char *paper_bw(int pr, double snr)
{
    if (pr < 0)
        return NULL;
    return snr == 0 ? paper_table1[pr].bw0_mhz : snr == 20 ? paper_table1[pr].bw20_mhz : NULL;
}

/* a number cell: csv exact, md/tex in the display format _disp */
static int cell_num(strv *cells, table_format fmt, const char *disp, double v)
{
    char buf[64];
    if (isnan(v))
        return strv_push(cells, fmt == TABLE_CSV ? "" : fmt == TABLE_TEX ? "--" : "-");
    if (fmt == TABLE_CSV)
        shortest(buf, sizeof buf, v);
    else
        snprintf(buf, sizeof buf, disp, v);
    return strv_push(cells, buf);
}

/* What table_pinr1 works from: the run's distinct SNRs, its lines (first
 * point of each distinct f, g, h and other swept keys), the columns shown. */
typedef struct {
    const table_src *s;
    const results *t;
    table_format fmt;
    int64_t np, nline;
    double *snrs;
    int nsnr;
    int64_t *line_of, *first;
    cdesc *cd;
    int nc;
    int paper, measured, measured_bw, all_equal;
} t1_ctx;

/* distinct SNRs in point order */
static void t1_snrs(t1_ctx *x)
{
    x->nsnr = 0;
    for (int64_t i = 0; i < x->np; i++) {
        double v = col(x->t, i, "snr_db");
        int seen = 0;
        for (int k = 0; k < x->nsnr; k++)
            seen |= x->snrs[k] == v || (isnan(v) && isnan(x->snrs[k]));
        if (!seen)
            x->snrs[x->nsnr++] = v;
    }
}

/* lines: first point of each distinct (f, g, h, other swept keys) */
static void t1_lines(t1_ctx *x)
{
    x->nline = 0;
    for (int64_t i = 0; i < x->np; i++) {
        x->line_of[i] = -1;
        for (int64_t l = 0; l < x->nline && x->line_of[i] < 0; l++)
            if (same_line(x->t, x->first[l], i))
                x->line_of[i] = l;
        if (x->line_of[i] < 0) {
            x->first[x->nline] = i;
            x->line_of[i] = x->nline++;
        }
    }
}

/* the columns, into x->cd (room for 16 + columns + 4 per SNR) */
static void t1_columns(t1_ctx *x)
{
    cdesc *cd = x->cd;
    int nc = 0;
#define ADD(k, a) (cd[nc].kind = (k), cd[nc].arg = (a), nc++)
    ADD(C_FGH, 0);
    for (int c = 0; c < fl_results_columns(x->t); c++)
        if (is_line_key(fl_results_column_name(x->t, c)))
            ADD(C_KEY, c);
    ADD(C_TOTAL, 0);
    ADD(C_SAVED_A, 0);
    if (x->paper)
        ADD(C_SAVED_P, 0);
    ADD(C_INDEX_A, 0);
    if (x->measured)
        ADD(C_INDEX_M, 0);
    ADD(C_SENT_A, 0);
    if (x->measured)
        ADD(C_SENT_M, 0);
    ADD(C_RATIO_A, 0);
    if (x->paper)
        ADD(C_RATIO_P, 0), ADD(C_RATIO_D, 0);
    if (x->measured)
        ADD(C_RATIO_M, 0);
    for (int k = 0; k < x->nsnr; k++) {
        ADD(C_BW_A, k);
        if (x->paper)
            ADD(C_BW_P, k), ADD(C_BW_D, k);
        if (x->measured_bw)
            ADD(C_BW_M, k);
    }
#undef ADD
    x->nc = nc;
}

/* the header cell of column c */
static int t1_header(const t1_ctx *x, int c, strv *cells)
{
    const results *t = x->t;
    const cdesc *cd = &x->cd[c];
    char snr[32] = "";
    if (cd->kind >= C_BW_A)
        shortest(snr, sizeof snr, x->snrs[cd->arg]);
    const char *unit = cd->kind == C_KEY ? fl_results_column_unit(t, cd->arg) : "";
    switch (cd->kind) {
    case C_FGH: return strv_push(cells, x->all_equal ? "f=g=h" : "f/g/h");
    case C_KEY:
        return unit && *unit ? strv_pushf(cells, "%s (%s)", fl_results_column_name(t, cd->arg), unit)
                             : strv_push(cells, fl_results_column_name(t, cd->arg));
    case C_TOTAL: return strv_push(cells, "uncompressed (bit)");
    case C_SAVED_A: return strv_push(cells, "saved analytic (bit)");
    case C_SAVED_P: return strv_push(cells, "saved paper (bit)");
    case C_INDEX_A: return strv_push(cells, "index analytic (bit)");
    case C_INDEX_M: return strv_push(cells, "index measured (bit)");
    case C_SENT_A: return strv_push(cells, "sent analytic (bit)");
    case C_SENT_M: return strv_push(cells, "sent measured (bit)");
    case C_RATIO_A: return strv_push(cells, "ratio analytic");
    case C_RATIO_P: return strv_push(cells, "ratio paper");
    case C_RATIO_D: return strv_push(cells, "ratio analytic-paper");
    case C_RATIO_M: return strv_push(cells, "ratio measured");
    case C_BW_A: return strv_pushf(cells, "min BW @%sdB analytic (MHz)", snr);
    case C_BW_P: return strv_pushf(cells, "min BW @%sdB paper (MHz)", snr);
    case C_BW_D: return strv_pushf(cells, "min BW @%sdB analytic-paper (MHz)", snr);
    case C_BW_M: return strv_pushf(cells, "min BW @%sdB measured (MHz)", snr);
    }
    return 0;
}

/* the cell of line l (first point i, paper row pr) in column c */
static int t1_cell(const t1_ctx *x, int64_t l, int64_t i, int pr, int c, strv *cells)
{
    const results *t = x->t;
    const cdesc *cd = &x->cd[c];
    table_format fmt = x->fmt;
    /* the point of this line at the column's SNR */
    int64_t j = -1;
    if (cd->kind >= C_BW_A)
        for (int64_t q = 0; q < x->np && j < 0; q++)
            if (x->line_of[q] == l && col(t, q, "snr_db") == x->snrs[cd->arg])
                j = q;
    const char *pb = j >= 0 ? paper_bw(pr, x->snrs[cd->arg]) : NULL;
    char buf[128];
    switch (cd->kind) {
    case C_FGH: pt_fgh(x->s, i, NULL, buf, sizeof buf); return strv_push(cells, buf);
    case C_KEY: {
        const char *txt = fl_results_text(t, i, cd->arg);
        if (txt && *txt)
            return strv_push(cells, txt);
        return cell_num(cells, fmt, "%g", fl_results_value(t, i, cd->arg));
    }
    case C_TOTAL: return cell_num(cells, fmt, "%.0f", col(t, i, "total_bits"));
    case C_SAVED_A: return cell_num(cells, fmt, "%.0f", col(t, i, "saved_bits"));
    case C_SAVED_P: return strv_push(cells, pr >= 0 ? paper_table1[pr].saved_bits : "");
    case C_INDEX_A: return cell_num(cells, fmt, "%.0f", col(t, i, "index_bits"));
    case C_INDEX_M: return cell_num(cells, fmt, "%.0f", col(t, i, "measured_index_bits"));
    case C_SENT_A: return cell_num(cells, fmt, "%.0f", col(t, i, "sent_bits"));
    case C_SENT_M: return cell_num(cells, fmt, "%.0f", col(t, i, "measured_bits"));
    case C_RATIO_A: return cell_num(cells, fmt, "%.6f", col(t, i, "reduction_ratio"));
    case C_RATIO_P: return strv_push(cells, pr >= 0 ? paper_table1[pr].ratio : "");
    case C_RATIO_D:
        return cell_num(cells, fmt, "%+.1e",
                        pr >= 0 ? col(t, i, "reduction_ratio") - strtod(paper_table1[pr].ratio, NULL) : NAN);
    case C_RATIO_M: return cell_num(cells, fmt, "%.6f", col(t, i, "measured_reduction_ratio"));
    case C_BW_A: return cell_num(cells, fmt, "%.3f", j >= 0 ? col(t, j, "min_bandwidth_hz") / 1e6 : NAN);
    case C_BW_P: return strv_push(cells, pb ? pb : "");
    case C_BW_D:
        return cell_num(cells, fmt, "%+.3f", pb ? col(t, j, "min_bandwidth_hz") / 1e6 - strtod(pb, NULL) : NAN);
    case C_BW_M:
        return cell_num(cells, fmt, "%.3f", j >= 0 ? col(t, j, "measured_min_bandwidth_hz") / 1e6 : NAN);
    }
    return 0;
}

/* header row, then one row per line */
static int t1_cells(const t1_ctx *x, strv *cells)
{
    int rc = 0;
    for (int c = 0; c < x->nc && !rc; c++)
        rc = t1_header(x, c, cells);
    for (int64_t l = 0; l < x->nline && !rc; l++) {
        int64_t i = x->first[l];
        int pr = x->paper ? paper_row(col(x->t, i, "f"), col(x->t, i, "g"), col(x->t, i, "h")) : -1;
        for (int c = 0; c < x->nc && !rc; c++)
            rc = t1_cell(x, l, i, pr, c, cells);
    }
    return rc;
}

/* the caption, from the run */
static void t1_caption(const t1_ctx *x, char *caption, size_t len)
{
    const table_src *s = x->s;
    char nt[256], ns[256], nb[256], bud[256], ic[256], ch[256], sn[256], sel[256];
    strv v = {0};
    distinct_texts(s, pt_column, "tokens", &v), join(&v, NULL, nt, sizeof nt), strv_free(&v);
    distinct_texts(s, pt_column, "dims", &v), join(&v, NULL, ns, sizeof ns), strv_free(&v);
    distinct_texts(s, pt_column, nb_column(x->t), &v), join(&v, NULL, nb, sizeof nb), strv_free(&v);
    const char *kb[] = {"link.budget_s", "1"}, *ki[] = {"codec.index_coding", "list"},
               *kc[] = {"channel.kind", "awgn"}, *ks[] = {"codec.select", "none"};
    distinct_texts(s, pt_key, kb, &v), join(&v, NULL, bud, sizeof bud), strv_free(&v);
    distinct_texts(s, pt_key, ki, &v), join(&v, NULL, ic, sizeof ic), strv_free(&v);
    distinct_texts(s, pt_key, kc, &v), join(&v, NULL, ch, sizeof ch), strv_free(&v);
    distinct_texts(s, pt_key, ks, &v), join(&v, NULL, sel, sizeof sel), strv_free(&v);
    for (int k = 0; k < x->nsnr; k++) {
        char b[32];
        shortest(b, sizeof b, x->snrs[k]);
        strv_push(&v, b);
    }
    join(&v, NULL, sn, sizeof sn), strv_free(&v);
    if (strcmp(ch, "awgn") == 0)
        snprintf(ch, sizeof ch, "AWGN");
    snprintf(caption, len,
             "Paper 000 (Balevi) Table 1 layout, computed by featlink %s from %s: "
             "selection %s, index coding %s, Nt=%s tokens, Ns=%s symbols/token, Nb=%s bit/symbol, "
             "budget T=%s s, %s capacity link at SNR %s dB. "
             "Analytic: paper 000 Sec. 3 with real-valued set sizes; measured: the encoded bitstream "
             "(integer set sizes, header included); ratio = saved / uncompressed bits; "
             "min BW = sent bits / (T log2(1 + SNR)).",
             featlink_version(), s->label, sel, ic, nt, ns, nb, bud, ch, sn);
}

static int table_pinr1(const table_src *s, table_format fmt, FILE *out, char *err, size_t len)
{
    const results *t = s->t;
    t1_ctx x = {.s = s, .t = t, .fmt = fmt, .np = fl_results_points(t)};
    x.snrs = malloc((size_t)x.np * sizeof *x.snrs);
    x.line_of = malloc((size_t)x.np * sizeof *x.line_of);
    x.first = malloc((size_t)x.np * sizeof *x.first);
    grid g = {0};
    strv notes = {0};
    char *align = NULL;
    int rc = -ENOMEM;
    if (!x.snrs || !x.line_of || !x.first)
        goto done;
    t1_snrs(&x);
    t1_lines(&x);
    char why[1024];
    table1_compare(s, x.snrs, x.nsnr, why, sizeof why);
    x.paper = why[0] == 0;
    x.measured = fl_results_column(t, "measured_bits") >= 0 && fl_results_column(t, "measured_index_bits") >= 0 &&
                 fl_results_column(t, "measured_reduction_ratio") >= 0;
    x.measured_bw = fl_results_column(t, "measured_min_bandwidth_hz") >= 0;
    x.all_equal = 1;
    for (int64_t i = 0; i < x.np; i++)
        x.all_equal &= col(t, i, "f") == col(t, i, "g") && col(t, i, "g") == col(t, i, "h");
    int maxc = 16 + fl_results_columns(t) + 4 * x.nsnr;
    x.cd = malloc((size_t)maxc * sizeof *x.cd);
    align = malloc((size_t)maxc + 1);
    if (!x.cd || !align)
        goto done;
    t1_columns(&x);
    g.ncol = x.nc;
    for (int c = 0; c < x.nc; c++)
        align[c] = x.cd[c].kind == C_FGH || x.cd[c].kind == C_KEY ? 'l' : 'r';
    align[x.nc] = 0;
    g.align = align;
    rc = t1_cells(&x, &g.cells);
    if (rc)
        goto done;
    char caption[4096];
    t1_caption(&x, caption, sizeof caption);
    if (x.paper)
        rc = strv_push(&notes, "Paper columns: paper 000 Table 1 as printed. The paper truncates its 20 dB "
                               "column (exact 1.346 is printed 1.34), so differences up to 0.01 MHz there "
                               "are expected.");
    else
        rc = strv_pushf(&notes, "paper 000 Table 1 columns omitted: %s.", why);
    if (rc)
        goto done;
    grid_print(&g, fmt, out, caption, &notes, s->name && *s->name ? s->name : "featlink-table");
    rc = 0;
done:
    if (rc == -ENOMEM)
        snprintf(err, len, "out of memory");
    free(x.snrs), free(x.line_of), free(x.first), free(x.cd), free(align);
    strv_free(&g.cells);
    strv_free(&notes);
    return rc;
}

/* Any other run: its points table, every column. */
static int table_generic(const table_src *s, table_format fmt, FILE *out, char *err, size_t len)
{
    const results *t = s->t;
    int nc = fl_results_columns(t);
    grid g = {.ncol = nc};
    strv notes = {0};
    char *align = malloc((size_t)nc + 1);
    int rc = align ? 0 : -ENOMEM;
    for (int c = 0; c < nc && !rc; c++) {
        const char *unit = fl_results_column_unit(t, c);
        align[c] = 'r';
        rc = unit && *unit ? strv_pushf(&g.cells, "%s (%s)", fl_results_column_name(t, c), unit)
                           : strv_push(&g.cells, fl_results_column_name(t, c));
    }
    for (int64_t i = 0; i < fl_results_points(t) && !rc; i++)
        for (int c = 0; c < nc && !rc; c++) {
            const char *txt = fl_results_text(t, i, c);
            if (txt && *txt) {
                align[c] = 'l';
                rc = strv_push(&g.cells, txt);
            } else {
                rc = cell_num(&g.cells, fmt, "%.6g", fl_results_value(t, i, c));
            }
        }
    if (!rc) {
        align[nc] = 0;
        g.align = align;
        char caption[1024];
        snprintf(caption, sizeof caption, "Points of %s, computed by featlink %s (%lld points).", s->label,
                 featlink_version(), (long long)fl_results_points(t));
        if (nc == 0)
            fprintf(out, "%s\n", caption);
        else
            grid_print(&g, fmt, out, caption, &notes, s->name && *s->name ? s->name : "featlink-table");
    } else {
        snprintf(err, len, "out of memory");
    }
    free(align);
    strv_free(&g.cells);
    return rc;
}

/* ------------------------------------------------------------------ */

static int table_run(const char *file, table_src *src, char *err, size_t len)
{
    scenario *s = fl_scenario_load(file, NULL, 0, err, len);
    if (!s)
        return -EINVAL;
    src->t = fl_results_create(fl_scenario_points(s));
    src->scn = cJSON_Parse(fl_scenario_text(s));
    int rc = src->t ? fl_run_points(s, file, src->t, NULL, 1, NULL, err, len) : -ENOMEM;
    fl_scenario_destroy(s);
    return rc;
}

static char *scenario_name(const cJSON *scn, const char *file)
{
    const cJSON *n = scn ? cJSON_GetObjectItemCaseSensitive(scn, "name") : NULL;
    if (cJSON_IsString(n))
        return strdup(n->valuestring);
    /* the default: the file name without directory and extension */
    const char *b = strrchr(file, '/');
    b = b ? b + 1 : file;
    char *name = strdup(b);
    char *dot = name ? strrchr(name, '.') : NULL;
    if (dot)
        *dot = 0;
    return name;
}

int fl_table_print(const char *what, table_format fmt, FILE *out, char *err, size_t len)
{
    table_src src = {0};
    char label[4200];
    const char *file = what;
    int rc;
    if (strcmp(what, "pinr-table1") == 0) {
        /* the source tree's scenarios/, or the installed copy beside the
         * binary: <prefix>/bin/featlink -> <prefix>/share/featlink/scenarios */
        char installed[4096] = "";
        char exe[4000];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = 0;
            char *slash = strrchr(exe, '/');
            if (slash) {
                *slash = 0;
                snprintf(installed, sizeof installed, "%s/../share/featlink/scenarios/pinr_table1.json", exe);
            }
        }
        const char *cands[] = {"scenarios/pinr_table1.json", installed};
        file = NULL;
        for (int i = 0; i < 2 && !file; i++)
            if (cands[i][0] && access(cands[i], R_OK) == 0)
                file = cands[i];
        if (!file) {
            snprintf(err, len, "pinr-table1: scenarios/pinr_table1.json not found (run from the featlink directory or install it)");
            return -ENOENT;
        }
        snprintf(label, sizeof label, "scenario %s (run in memory)",
                 file == cands[0] ? "scenarios/pinr_table1.json" : "pinr_table1.json (installed)");
        rc = table_run(file, &src, err, len);
    } else if (ends_with(what, ".h5")) {
        char *text = NULL;
        snprintf(label, sizeof label, "results file %s", what);
        rc = fl_results_read_h5(what, &src.t, &text, err, len);
        if (!rc)
            src.scn = cJSON_Parse(text ? text : "");
        free(text);
    } else if (ends_with(what, ".json")) {
        snprintf(label, sizeof label, "scenario %s (run in memory)", what);
        rc = table_run(what, &src, err, len);
    } else {
        snprintf(err, len, "%s: unknown table (allowed: pinr-table1, a scenario .json, a results .h5)", what);
        return -EINVAL;
    }
    if (!rc) {
        src.label = label;
        src.name = scenario_name(src.scn, file);
        if (is_pinr(src.t) && all_capacity(&src))
            rc = table_pinr1(&src, fmt, out, err, len);
        else
            rc = table_generic(&src, fmt, out, err, len);
    }
    fl_results_destroy(src.t);
    cJSON_Delete(src.scn);
    free(src.name);
    return rc;
}
