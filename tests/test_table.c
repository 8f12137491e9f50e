/* Tests of `featlink table` (sim/table): paper 000's Table 1 computed from
 * the run it reads, beside the printed values only when the run has the
 * paper's configuration, with unique headers in md, csv and tex.
 *
 * (a) the shipped pinr_table1 matches tests/data/balevi_table1.csv within
 *     the README's tolerances, paper columns present;
 * (b) --set source.bits=16, or another SNR list, drops the paper columns
 *     with a one-line note naming the key; the caption follows the run;
 * (c) every format's header has unique, non-empty names; the tex output
 *     is well formed (and compiles when pdflatex is installed);
 * (d) the analytic ratio is paper 000's formula, computed here; the
 *     measured columns are the bitstream README describes, within the
 *     rounding bound derived below of the analytic ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/testutil.h"

#include "sim/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUTLEN (1 << 17)

/* ------------------------------------------------------------------ */
/* parsing what the table prints */

typedef struct {
    int ncol, nrow;
    char *head[64];
    char *cell[64][64]; /* [row][col] */
    char buf[OUTLEN];
} csv_table;

/* Split the first non-comment line of CSV _text into the header, the
 * following lines into rows (no quoted fields: featlink's table has none). */
static void csv_read(const char *text, csv_table *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->buf, sizeof t->buf, "%s", text);
    char *save = NULL;
    int line = 0;
    for (char *l = strtok_r(t->buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (l[0] == '#')
            continue;
        char **dst = line == 0 ? t->head : t->cell[line - 1];
        int n = 0;
        for (char *p = l;; ) {
            char *comma = strchr(p, ',');
            assert_true(n < 64);
            dst[n++] = p;
            if (!comma)
                break;
            *comma = 0;
            p = comma + 1;
        }
        if (line == 0)
            t->ncol = n;
        else
            assert_int_equal(n, t->ncol);
        line++;
        assert_true(line < 64);
    }
    t->nrow = line - 1;
}

static int csv_col(const csv_table *t, const char *name)
{
    for (int c = 0; c < t->ncol; c++)
        if (strcmp(t->head[c], name) == 0)
            return c;
    return -1;
}

/* The value in column _name of the line whose first cell is _first. */
static double csv_at(const csv_table *t, const char *first, const char *name)
{
    int c = csv_col(t, name);
    if (c < 0)
        fail_msg("no column \"%s\"", name);
    for (int r = 0; r < t->nrow; r++)
        if (strcmp(t->cell[r][0], first) == 0)
            return strtod(t->cell[r][c], NULL);
    fail_msg("no line \"%s\"", first);
    return NAN;
}

/* The header names of _text in format _fmt, into _names (pointers into _buf). */
static int header_names(const char *text, const char *fmt, char *buf, size_t len, char **names)
{
    snprintf(buf, len, "%s", text);
    char *line = NULL, *save = NULL;
    int want_next = 0;
    for (char *l = strtok_r(buf, "\n", &save); l && !line; l = strtok_r(NULL, "\n", &save)) {
        if (!strcmp(fmt, "csv") && l[0] != '#')
            line = l;
        else if (!strcmp(fmt, "md") && l[0] == '|')
            line = l;
        else if (!strcmp(fmt, "tex") && want_next)
            line = l;
        else if (!strcmp(fmt, "tex") && !strcmp(l, "\\toprule"))
            want_next = 1;
    }
    assert_non_null(line);
    const char *sep = !strcmp(fmt, "csv") ? "," : !strcmp(fmt, "md") ? " | " : " & ";
    if (!strcmp(fmt, "md")) {
        assert_true(strncmp(line, "| ", 2) == 0);
        line += 2;
        size_t n = strlen(line);
        assert_true(n >= 2 && strcmp(line + n - 2, " |") == 0);
        line[n - 2] = 0;
    }
    if (!strcmp(fmt, "tex")) {
        size_t n = strlen(line);
        assert_true(n >= 3 && strcmp(line + n - 3, " \\\\") == 0);
        line[n - 3] = 0;
    }
    int k = 0;
    for (char *p = line;; ) {
        char *s = strstr(p, sep);
        assert_true(k < 128);
        names[k++] = p;
        if (!s)
            break;
        *s = 0;
        p = s + strlen(sep);
    }
    return k;
}

static int run_table(const char *what, const char *fmt, char *out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s table %s --format %s", testutil_bin(), what, fmt);
    return testutil_run(cmd, out, OUTLEN);
}

/* featlink run scenarios/pinr_table1.json with one --set into _path */
static void run_set(const char *set, const char *path)
{
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd, "%s run scenarios/pinr_table1.json --set '%s' -o '%s' --quiet", testutil_bin(),
             set, path);
    int rc = testutil_run(cmd, out, sizeof out);
    if (rc != 0)
        fail_msg("%s: exit %d: %s", cmd, rc, out);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ------------------------------------------------------------------ */
/* (a) */

static void test_shipped_matches_paper(void **state)
{
    (void)state;
    static char out[OUTLEN];
    static csv_table t;
    assert_int_equal(run_table("pinr-table1", "csv", out), 0);
    csv_read(out, &t);
    assert_int_equal(t.nrow, 4);
    assert_true(strstr(out, "Paper columns: paper 000 Table 1 as printed") != NULL);
    assert_null(strstr(out, "omitted"));
    assert_true(csv_col(&t, "ratio paper") >= 0);
    assert_true(csv_col(&t, "min BW @0dB paper (MHz)") >= 0);
    assert_true(csv_col(&t, "min BW @20dB paper (MHz)") >= 0);
    assert_true(csv_col(&t, "saved paper (bit)") >= 0);

    /* the printed values, from the test data rather than from table.c */
    FILE *f = fopen("tests/data/balevi_table1.csv", "r");
    assert_non_null(f);
    char line[512];
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        double fv, gv, hv, total, saved, ratio, bw0, bw20;
        if (line[0] == '#' || sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &fv, &gv, &hv, &total, &saved,
                                     &ratio, &bw0, &bw20) != 8)
            continue;
        char key[32];
        snprintf(key, sizeof key, "%g", fv);
        /* README: reduction ratio within 1e-4, bandwidth within 0.01 MHz */
        assert_true(fabs(csv_at(&t, key, "ratio analytic") - ratio) <= 1e-4);
        assert_true(fabs(csv_at(&t, key, "min BW @0dB analytic (MHz)") - bw0) <= 0.01);
        assert_true(fabs(csv_at(&t, key, "min BW @20dB analytic (MHz)") - bw20) <= 0.01);
        assert_true(csv_at(&t, key, "uncompressed (bit)") == total);
        /* the paper prints 5 significant digits of the saved bits */
        double half = 0.5 * pow(10, floor(log10(saved)) - 4);
        assert_true(fabs(csv_at(&t, key, "saved analytic (bit)") - saved) <= half);
        /* the paper columns are the printed values, and the differences are
         * analytic minus printed */
        assert_true(csv_at(&t, key, "ratio paper") == ratio);
        assert_true(csv_at(&t, key, "min BW @0dB paper (MHz)") == bw0);
        assert_true(csv_at(&t, key, "min BW @20dB paper (MHz)") == bw20);
        assert_true(csv_at(&t, key, "saved paper (bit)") == saved);
        assert_true(fabs(csv_at(&t, key, "ratio analytic-paper") - (csv_at(&t, key, "ratio analytic") - ratio)) < 1e-15);
        assert_true(fabs(csv_at(&t, key, "min BW @20dB analytic-paper (MHz)") -
                         (csv_at(&t, key, "min BW @20dB analytic (MHz)") - bw20)) < 1e-12);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 4);
}

/* The results file of the shipped scenario gives the same table, caption
 * from its /scenario_effective. */
static void test_shipped_from_h5(void **state)
{
    (void)state;
    static char out[OUTLEN], mem_out[OUTLEN];
    char path[512];
    snprintf(path, sizeof path, "%s/t1.h5", testutil_dir);
    run_set("trials=1", path);
    assert_int_equal(run_table(path, "md", out), 0);
    assert_non_null(strstr(out, "Nt=512 tokens, Ns=1024 symbols/token, Nb=32 bit/symbol, budget T=1 s"));
    assert_non_null(strstr(out, "index coding list"));
    assert_non_null(strstr(out, "SNR 0, 20 dB"));
    assert_non_null(strstr(out, "| 0.4 | 16777216 | 7815234 | 7.8152e+06 |"));
    /* library call into a memory stream: the same body */
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    char err[512];
    assert_int_equal(fl_table_print(path, TABLE_MD, m, err, sizeof err), 0);
    fclose(m);
    snprintf(mem_out, sizeof mem_out, "%s", buf);
    free(buf);
    assert_string_equal(strstr(mem_out, "\n|"), strstr(out, "\n|"));
}

/* ------------------------------------------------------------------ */
/* (b) */

static void check_no_paper_columns(const char *what, const char *note)
{
    static char out[OUTLEN], buf[OUTLEN];
    const char *fmts[] = {"md", "csv", "tex"};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(run_table(what, fmts[k], out), 0);
        char *names[128];
        int n = header_names(out, fmts[k], buf, sizeof buf, names);
        for (int c = 0; c < n; c++)
            if (strstr(names[c], "paper"))
                fail_msg("%s %s: header \"%s\" with the paper columns omitted", what, fmts[k], names[c]);
        assert_int_equal(count(out, "columns omitted"), 1);
        /* tex: the note is in the caption, its _ escaped */
        char want[1024];
        size_t w = 0;
        for (const char *p = note; *p && w + 2 < sizeof want; p++) {
            if (k == 2 && *p == '_')
                want[w++] = '\\';
            want[w++] = *p;
        }
        want[w] = 0;
        if (!strstr(out, want))
            fail_msg("%s %s: no note \"%s\" in\n%s", what, fmts[k], note, out);
    }
    /* the note is one line of its own in md */
    assert_int_equal(run_table(what, "md", out), 0);
    char line[1024];
    snprintf(line, sizeof line, "\n%s\n", note);
    assert_non_null(strstr(out, line));
}

static void test_bits16_omits_paper(void **state)
{
    (void)state;
    static char out[OUTLEN];
    char path[512];
    snprintf(path, sizeof path, "%s/b16.h5", testutil_dir);
    run_set("source.bits=16", path);
    check_no_paper_columns(path, "paper 000 Table 1 columns omitted: source.bits = 16 here, 32 in the paper.");
    assert_int_equal(run_table(path, "md", out), 0);
    assert_non_null(strstr(out, "Nb=16 bit/symbol"));
    assert_null(strstr(out, "channel.snr_db ="));
    /* Nb = 16 figures: uncompressed 512 * 1024 * 16 */
    static csv_table t;
    assert_int_equal(run_table(path, "csv", out), 0);
    csv_read(out, &t);
    assert_true(csv_at(&t, "0.2", "uncompressed (bit)") == 8388608);
}

static void test_snr_list_omits_paper(void **state)
{
    (void)state;
    static char out[OUTLEN];
    char path[512];
    snprintf(path, sizeof path, "%s/snr.h5", testutil_dir);
    run_set("sweep.grid.channel.snr_db=[0,10]", path);
    check_no_paper_columns(path,
                           "paper 000 Table 1 columns omitted: channel.snr_db = 0, 10 dB here, 0, 20 dB in the paper.");
    assert_int_equal(run_table(path, "md", out), 0);
    assert_non_null(strstr(out, "SNR 0, 10 dB"));
    assert_non_null(strstr(out, "Nb=32 bit/symbol"));
    assert_non_null(strstr(out, "min BW @10dB analytic (MHz)"));
    assert_non_null(strstr(out, "min BW @10dB measured (MHz)"));
    assert_null(strstr(out, "@20dB"));
}

/* A swept parameter becomes a column, and every differing key is named. */
static void test_swept_bits_and_budget(void **state)
{
    (void)state;
    static char out[OUTLEN];
    char path[512], cmd[1024];
    snprintf(path, sizeof path, "%s/swept.h5", testutil_dir);
    snprintf(cmd, sizeof cmd,
             "%s run scenarios/pinr_table1.json --set 'sweep.grid.source.bits=[16,32]' --set link.budget_s=2 "
             "-o '%s' --quiet",
             testutil_bin(), path);
    assert_int_equal(testutil_run(cmd, out, OUTLEN), 0);
    check_no_paper_columns(path, "paper 000 Table 1 columns omitted: source.bits = 16, 32 here, 32 in the "
                                 "paper; link.budget_s = 2 s here, 1 s in the paper.");
    static csv_table t;
    assert_int_equal(run_table(path, "csv", out), 0);
    csv_read(out, &t);
    assert_int_equal(t.nrow, 8);
    int c = -1;
    for (int k = 0; k < t.ncol; k++)
        if (strncmp(t.head[k], "source.bits", 11) == 0)
            c = k;
    assert_true(c >= 0);
    assert_string_equal(t.cell[0][c], "16");
    assert_string_equal(t.cell[1][c], "32");
    assert_non_null(strstr(out, "budget T=2 s"));
}

/* ------------------------------------------------------------------ */
/* (c) */

static void check_unique(const char *what, const char *fmt)
{
    static char out[OUTLEN], buf[OUTLEN];
    assert_int_equal(run_table(what, fmt, out), 0);
    char *names[128];
    int n = header_names(out, fmt, buf, sizeof buf, names);
    assert_true(n >= 5);
    for (int i = 0; i < n; i++) {
        assert_true(names[i][0] != 0);
        for (int j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                fail_msg("%s --format %s: column \"%s\" twice", what, fmt, names[i]);
    }
}

/* LaTeX: one table/tabular, booktabs rules, every line as many cells as
 * the column spec, no unescaped special characters in the cells. */
static void check_tex(const char *what)
{
    static char out[OUTLEN], buf[OUTLEN];
    assert_int_equal(run_table(what, "tex", out), 0);
    assert_int_equal(count(out, "\\begin{table}"), 1);
    assert_int_equal(count(out, "\\end{table}"), 1);
    assert_int_equal(count(out, "\\begin{tabular}{"), 1);
    assert_int_equal(count(out, "\\end{tabular}"), 1);
    assert_int_equal(count(out, "\\caption{"), 1);
    assert_int_equal(count(out, "\\toprule"), 1);
    assert_int_equal(count(out, "\\midrule"), 1);
    assert_int_equal(count(out, "\\bottomrule"), 1);
    assert_null(strstr(out, "\\hline"));
    const char *spec = strstr(out, "\\begin{tabular}{") + strlen("\\begin{tabular}{");
    int ncol = (int)(strchr(spec, '}') - spec);
    snprintf(buf, sizeof buf, "%s", out);
    char *save = NULL;
    int inside = 0, lines = 0;
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (l[0] == '%')
            continue;
        /* outside comments, every _ % # $ & is escaped, except the
         * cell separators " & " inside the tabular */
        for (char *p = l; *p; p++) {
            /* a line-end % (no space inside a box) is a comment */
            if (*p == '%' && p[1] == 0 && !inside && p > l && p[-1] == '{')
                continue;
            if (strchr("_%#$", *p) && (p == l || p[-1] != '\\'))
                fail_msg("%s: unescaped '%c' in tex line: %s", what, *p, l);
        }
        if (!strcmp(l, "\\toprule"))
            inside = 1;
        else if (!strcmp(l, "\\bottomrule"))
            inside = 0;
        else if (inside && strcmp(l, "\\midrule") != 0) {
            size_t n = strlen(l);
            assert_true(n > 3 && !strcmp(l + n - 3, " \\\\"));
            int cells = 1 + count(l, " & ");
            assert_int_equal(cells, ncol);
            for (char *p = l; *p; p++)
                if (*p == '&' && (p == l || p[-1] != '\\'))
                    assert_true(p > l && p[-1] == ' ' && p[1] == ' ');
            lines++;
        }
    }
    assert_true(lines >= 2);
    /* compile it when LaTeX is at hand (it is not a dependency) */
    if (testutil_run("command -v pdflatex && kpsewhich booktabs.sty", buf, sizeof buf) == 0) {
        char path[512], doc[512], cmd[1024];
        snprintf(path, sizeof path, "%s/t.tex", testutil_dir);
        assert_int_equal(testutil_write(path, out), 0);
        snprintf(doc, sizeof doc, "%s/doc.tex", testutil_dir);
        assert_int_equal(testutil_write(doc, "\\documentclass{article}\\usepackage{booktabs,graphicx}"
                                             "\\begin{document}\\input{t.tex}\\end{document}\n"),
                         0);
        snprintf(cmd, sizeof cmd, "cd '%s' && pdflatex -interaction=nonstopmode -halt-on-error doc.tex",
                 testutil_dir);
        int rc = testutil_run(cmd, out, OUTLEN);
        if (rc != 0)
            fail_msg("%s: pdflatex exit %d:\n%s", what, rc, out);
    }
}

static void test_headers_unique(void **state)
{
    (void)state;
    char b16[512], analog[512], out[4096];
    snprintf(b16, sizeof b16, "%s/b16u.h5", testutil_dir);
    run_set("source.bits=16", b16);
    /* a points table (not the Table 1 layout): PINR over an analog link */
    snprintf(analog, sizeof analog, "%s/analog.json", testutil_dir);
    assert_int_equal(testutil_write(analog, "{\"name\": \"small_analog\", \"source\": {\"tokens\": 16, \"dims\": 8},"
                                            " \"codec\": {\"select\": \"pinr\", \"f\": 0.25, \"g\": 0.5, \"h\": 0.5},"
                                            " \"link\": {\"mode\": \"analog\"},"
                                            " \"sweep\": {\"grid\": {\"channel.snr_db\": [0, 10]}}}"),
                     0);
    const char *whats[] = {"pinr-table1", b16, analog};
    const char *fmts[] = {"md", "csv", "tex"};
    for (int w = 0; w < 3; w++) {
        for (int k = 0; k < 3; k++)
            check_unique(whats[w], fmts[k]);
        check_tex(whats[w]);
    }
    (void)out;
}

/* ------------------------------------------------------------------ */
/* (d) */

static void test_analytic_formula_and_measured(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char err[512];
    assert_int_equal(fl_table_print("pinr-table1", TABLE_CSV, m, err, sizeof err), 0);
    fclose(m);
    static csv_table t;
    csv_read(buf, &t);
    free(buf);
    const double Nt = 512, Ns = 1024, Nb = 32, total = Nt * Ns * Nb;
    const double fs[] = {0.2, 0.4, 0.6, 0.8};
    for (int r = 0; r < 4; r++) {
        double f = fs[r], g = f, h = f;
        char key[16];
        snprintf(key, sizeof key, "%g", f);
        /* paper 000 Sec. 3: saving (f + hg(1-f)) Nt Ns Nb bits, indices
         * f Nt log2 Nt + g(1-f) Nt log2 Nt + g(1-f) Nt h Ns log2 Ns bits,
         * ratio = (saving - indices) / (Nt Ns Nb) */
        double saving = (f + h * g * (1 - f)) * Nt * Ns * Nb;
        double index = f * Nt * log2(Nt) + g * (1 - f) * Nt * log2(Nt) + g * (1 - f) * Nt * h * Ns * log2(Ns);
        double ratio = (saving - index) / total;
        assert_true(fabs(csv_at(&t, key, "ratio analytic") - ratio) <= 1e-12);
        assert_true(fabs(csv_at(&t, key, "index analytic (bit)") - index) <= 1e-6);
        assert_true(fabs(csv_at(&t, key, "saved analytic (bit)") - (saving - index)) <= 1e-6);
        double sent_a = total - (saving - index);
        assert_true(fabs(csv_at(&t, key, "sent analytic (bit)") - sent_a) <= 1e-6);

        /* README: the bitstream has integer set sizes |A| = round(f Nt),
         * |Bp| = round(g |B|), k = round(h Ns); list coding writes each
         * index at ceil(log2 N) bits; header 256 bits; kept symbols Nb bits */
        double A = round(f * Nt), B = Nt - A, Bp = round(g * B), k = round(h * Ns);
        double lt = ceil(log2(Nt)), ls = ceil(log2(Ns));
        double idx_m = (A + Bp) * lt + Bp * k * ls;
        double sent_m = 256 + idx_m + (Nt * Ns - A * Ns - Bp * k) * Nb;
        assert_true(csv_at(&t, key, "index measured (bit)") == idx_m);
        assert_true(csv_at(&t, key, "sent measured (bit)") == sent_m);
        assert_true(fabs(csv_at(&t, key, "ratio measured") - (1 - sent_m / total)) <= 1e-15);
        /* The bound between them (Nt, Ns powers of two, so ceil(log2) =
         * log2): |A| - f Nt within 1/2; |Bp| - g(1-f)Nt = (round(g|B|) -
         * g|B|) - g(|A| - f Nt) within 1/2 + g/2 <= 1; so |Bp| k - b h Ns
         * (b = g(1-f)Nt) is within k + b/2, and
         *   |sent_m - sent_a| <= 256 + 1.5 log2 Nt + (k + b/2) log2 Ns
         *                        + (Ns/2 + k + b/2) Nb */
        double b = g * (1 - f) * Nt;
        double bound = 256 + 1.5 * lt + (k + b / 2) * ls + (Ns / 2 + k + b / 2) * Nb;
        assert_true(fabs(sent_m - sent_a) <= bound);
        assert_true(fabs(csv_at(&t, key, "ratio measured") - csv_at(&t, key, "ratio analytic")) <= bound / total);
        for (int s = 0; s < 2; s++) {
            double snr = s ? 20 : 0;
            char ca[64], cm[64];
            snprintf(ca, sizeof ca, "min BW @%gdB analytic (MHz)", snr);
            snprintf(cm, sizeof cm, "min BW @%gdB measured (MHz)", snr);
            double c = log2(1 + pow(10, snr / 10));
            assert_true(fabs(csv_at(&t, key, ca) - sent_a / c / 1e6) <= 1e-9);
            assert_true(fabs(csv_at(&t, key, cm) - sent_m / c / 1e6) <= 1e-9);
            assert_true(fabs(csv_at(&t, key, cm) - csv_at(&t, key, ca)) <= bound / c / 1e6);
        }
    }
}

/* Bad input: unknown table names and non-results files are refused. */
static void test_bad_input(void **state)
{
    (void)state;
    char out[4096], cmd[1024];
    snprintf(cmd, sizeof cmd, "%s table nosuch", testutil_bin());
    assert_int_equal(testutil_run(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "unknown table"));
    char path[512];
    snprintf(path, sizeof path, "%s/x.h5", testutil_dir);
    assert_int_equal(testutil_write(path, "not hdf5"), 0);
    snprintf(cmd, sizeof cmd, "%s table '%s'", testutil_bin(), path);
    assert_int_equal(testutil_run(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "not an HDF5 file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_matches_paper),
        cmocka_unit_test(test_shipped_from_h5),
        cmocka_unit_test(test_bits16_omits_paper),
        cmocka_unit_test(test_snr_list_omits_paper),
        cmocka_unit_test(test_swept_bits_and_budget),
        cmocka_unit_test(test_headers_unique),
        cmocka_unit_test(test_analytic_formula_and_measured),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
