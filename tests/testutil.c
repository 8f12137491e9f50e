/* testutil: scratch directories for test groups (testutil.h). */
#include "tests/testutil.h"

#include <Random123/philox.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

char testutil_dir[256];

int testutil_setup(void **state)
{
    (void)state;
    snprintf(testutil_dir, sizeof testutil_dir, "/tmp/featlink-test-XXXXXX");
    return mkdtemp(testutil_dir) ? 0 : -1;
}

int testutil_teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", testutil_dir);
    return system(cmd) == 0 ? 0 : -1;
}

uint32_t testutil_rng_u32(testutil_rng *r, uint32_t key1)
{
    if (r->left == 0) {
        philox4x32_key_t k = {{r->seed, key1}};
        philox4x32_ctr_t c = {{(uint32_t)r->i, (uint32_t)(r->i >> 32), r->purpose, 0}};
        philox4x32_ctr_t o = philox4x32(c, k);
        memcpy(r->buf, o.v, sizeof r->buf);
        r->left = 4;
        r->i++;
    }
    return r->buf[--r->left];
}

const char *testutil_bin(void)
{
    const char *b = getenv("FEATLINK_BIN");
    return b ? b : "bin/featlink";
}

int testutil_run(const char *cmd, char *out, size_t len)
{
    size_t cl = strlen(cmd) + 16;
    char *full = malloc(cl);
    if (!full)
        return -1;
    snprintf(full, cl, "{ %s\n} 2>&1", cmd);
    FILE *p = popen(full, "r");
    free(full);
    if (!p)
        return -1;
    size_t n = 0, got;
    while (n + 1 < len && (got = fread(out + n, 1, len - 1 - n, p)) > 0)
        n += got;
    out[n] = 0;
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int testutil_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int rc = fputs(text, f) < 0 ? -1 : 0;
    return fclose(f) || rc ? -1 : 0;
}

int testutil_runf(char *out, size_t len, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return testutil_run(cmd, out, len);
}

int testutil_within_ci(const char *what, double est, double lo, double hi, double theory)
{
    double half = 0.5 * (hi - lo);
    printf("  %-36s %.5g [%.5g, %.5g], theory %.5g (%+.2f half-widths)\n", what, est, lo, hi, theory,
           (est - theory) / half);
    return isfinite(half) && half > 0 && fabs(est - theory) <= 2.0 * half;
}

double testutil_csv_value(const char *csv, const char *col, int row)
{
    const char *nl = strchr(csv, '\n');
    int idx = -1, k = 0;
    for (const char *p = csv; nl && p < nl; k++) {
        size_t n = strcspn(p, ",\n");
        if (strlen(col) == n && strncmp(p, col, n) == 0) idx = k;
        p += n + (p[n] == ',');
        if (p[-1] == '\n' || p >= nl) break;
    }
    if (idx < 0) {
        fprintf(stderr, "testutil_csv_value: no column %s\n", col);
        return NAN;
    }
    const char *line = nl + 1;
    for (int r = 0; line && r < row; r++)
        if ((line = strchr(line, '\n'))) line++;
    for (int i = 0; line && *line && i < idx; i++)
        if ((line = strchr(line, ','))) line++;
    if (!line || !*line) {
        fprintf(stderr, "testutil_csv_value: no row %d of column %s\n", row, col);
        return NAN;
    }
    return strtod(line, NULL);
}

void testutil_csv_numbers(const char *line, double *v, int n)
{
    char *s = (char *)line;
    for (int c = 0; c < n; c++) {
        v[c] = strtod(s, &s);
        s += *s == ',';
    }
}
