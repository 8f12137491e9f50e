/* metrics: BERT-free proxy metrics (issue 4, item 4).
 *
 * Implements
 *  - BERTScore's greedy matching, T. Zhang, V. Kishore, F. Wu, K. Q. Weinberger,
 *    Y. Artzi, "BERTScore: Evaluating Text Generation with BERT", ICLR 2020, §3:
 *      R = 1/|x| Σ_{x_i ∈ x} max_{x̂_j ∈ x̂} x_iᵀ x̂_j,
 *      P = 1/|x̂| Σ_{x̂_j ∈ x̂} max_{x_i ∈ x} x_iᵀ x̂_j,   F = 2PR/(P+R),
 *    on pre-normalised vectors. Changed from the paper: the vectors are the
 *    feature tokens themselves (no BERT, no idf weighting, no baseline
 *    rescaling), and zero tokens have cosine 0 with everything.
 *  - linear CKA, S. Kornblith, M. Norouzi, H. Lee, G. Hinton, "Similarity of
 *    Neural Network Representations Revisited", ICML 2019, §3 (linear kernel):
 *      CKA(X, Y) = ‖YᵀX‖_F² / (‖XᵀX‖_F ‖YᵀY‖_F), X and Y column-centred,
 *    and its Gram-matrix form (same paper, eq. 3 with HSIC = tr(KHLH)):
 *      ‖YᵀX‖_F² = tr(XXᵀ YYᵀ) = <K, L>_F, ‖XᵀX‖_F = ‖K‖_F.
 *  - the paper-000 normalisation by a reference run (paper 000, §4).
 */
#include "codec/metrics.h"

#include <cblas.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

// Scratch slots (greedy: unit X, unit Y, cosine tile, row max, col max;
// CKA: centred X, centred Y, column means, K or XᵀX, L or YᵀY, YᵀX).
#define METRICS_WS_SLOTS 6

struct metrics_ws {
    void *buf[METRICS_WS_SLOTS];
    size_t cap[METRICS_WS_SLOTS];  // bytes
};

int metrics_ws_create(metrics_ws **out)
{
    if (!out)
        return -EINVAL;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -ENOMEM;
}

void metrics_ws_destroy(metrics_ws *ws)
{
    if (!ws)
        return;
    for (int i = 0; i < METRICS_WS_SLOTS; i++)
        free(ws->buf[i]);
    free(ws);
}

// Scratch slot `i` of at least `bytes` bytes (grow-only; contents not kept).
static void *ws_get(metrics_ws *ws, int i, size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    if (ws->cap[i] < bytes) {
        free(ws->buf[i]);
        ws->buf[i] = malloc(bytes);
        ws->cap[i] = ws->buf[i] ? bytes : 0;
    }
    return ws->buf[i];
}

int metrics_cosine(const float *x, const float *y, size_t n, double *cosine)
{
    if (!x || !y || !cosine || n == 0)
        return -EINVAL;
    double xy = 0.0, xx = 0.0, yy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double a = x[i], b = y[i];
        xy += a * b;
        xx += a * a;
        yy += b * b;
    }
    // cos = <x,y>/(‖x‖‖y‖); a zero vector has cosine 0 with anything (header)
    *cosine = (xx > 0.0 && yy > 0.0) ? xy / (sqrt(xx) * sqrt(yy)) : 0.0;
    return 0;
}

int metrics_nmse(const float *x, const float *y, size_t n, double *nmse)
{
    if (!x || !y || !nmse || n == 0)
        return -EINVAL;
    double err = 0.0, xx = 0.0;
    for (size_t i = 0; i < n; i++) {
        double a = x[i], d = (double)x[i] - (double)y[i];
        err += d * d;
        xx += a * a;
    }
    if (!(xx > 0.0))
        return -ERANGE;
    *nmse = err / xx;  // NMSE = ‖X − X̂‖² / ‖X‖²
    return 0;
}

double metrics_snr_db(double nmse)
{
    if (isnan(nmse) || nmse < 0.0)
        return NAN;
    if (nmse == 0.0)
        return INFINITY;
    return -10.0 * log10(nmse);  // feature SNR = 10 log10(‖X‖²/‖X−X̂‖²)
}

// Copy n tokens of `dims` floats into dst scaled to unit L2 norm (norm in
// double); zero tokens stay zero so their cosine with anything is 0.
static void unit_rows(const float *src, float *dst, size_t n, size_t dims)
{
    for (size_t t = 0; t < n; t++) {
        const float *s = src + t * dims;
        float *d = dst + t * dims;
        double ss = 0.0;
        for (size_t k = 0; k < dims; k++)
            ss += (double)s[k] * (double)s[k];
        double inv = ss > 0.0 ? 1.0 / sqrt(ss) : 0.0;
        for (size_t k = 0; k < dims; k++)
            d[k] = (float)((double)s[k] * inv);
    }
}

static double clamp_cos(float c)
{
    return c > 1.0f ? 1.0 : (c < -1.0f ? -1.0 : (double)c);
}

static int greedy_ws(metrics_ws *ws, const float *x, size_t nx, const float *y,
                     size_t ny, size_t dims, double *precision, double *recall,
                     double *f1)
{
    if (!x || !y || nx == 0 || ny == 0 || dims == 0)
        return -EINVAL;
    if (nx > (size_t)INT_MAX || ny > (size_t)INT_MAX ||
        dims > (size_t)INT_MAX || nx > SIZE_MAX / dims / sizeof(float) ||
        ny > SIZE_MAX / dims / sizeof(float))
        return -EINVAL;  // beyond what a CBLAS int dimension can address

    size_t tr = ny < METRICS_TILE_ROWS ? ny : METRICS_TILE_ROWS;
    size_t tc = nx < METRICS_TILE_COLS ? nx : METRICS_TILE_COLS;
    float *xn = ws_get(ws, 0, nx * dims * sizeof *xn);
    float *yn = ws_get(ws, 1, ny * dims * sizeof *yn);
    float *tile = ws_get(ws, 2, tr * tc * sizeof *tile);
    float *rowmax = ws_get(ws, 3, ny * sizeof *rowmax);  // per received token
    float *colmax = ws_get(ws, 4, nx * sizeof *colmax);  // per original token
    if (!xn || !yn || !tile || !rowmax || !colmax)
        return -ENOMEM;
    unit_rows(x, xn, nx, dims);
    unit_rows(y, yn, ny, dims);
    for (size_t i = 0; i < ny; i++)
        rowmax[i] = -INFINITY;
    for (size_t j = 0; j < nx; j++)
        colmax[j] = -INFINITY;

    // Cosine matrix C = Ŷ X̂ᵀ (received rows x original columns), one tile at a
    // time; only running maxima survive a tile.
    for (size_t i0 = 0; i0 < ny; i0 += tr) {
        size_t mi = ny - i0 < tr ? ny - i0 : tr;
        for (size_t j0 = 0; j0 < nx; j0 += tc) {
            size_t mj = nx - j0 < tc ? nx - j0 : tc;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)mi,
                        (int)mj, (int)dims, 1.0f, yn + i0 * dims, (int)dims,
                        xn + j0 * dims, (int)dims, 0.0f, tile, (int)mj);
            for (size_t i = 0; i < mi; i++) {
                const float *row = tile + i * mj;
                float *cm = colmax + j0;
                float rm = rowmax[i0 + i];
                for (size_t j = 0; j < mj; j++) {
                    float c = row[j];
                    rm = c > rm ? c : rm;
                    cm[j] = c > cm[j] ? c : cm[j];
                }
                rowmax[i0 + i] = rm;
            }
        }
    }

    double p = 0.0, r = 0.0;
    for (size_t i = 0; i < ny; i++)
        p += clamp_cos(rowmax[i]);
    for (size_t j = 0; j < nx; j++)
        r += clamp_cos(colmax[j]);
    p /= (double)ny;  // P_BERT: mean over received tokens
    r /= (double)nx;  // R_BERT: mean over original tokens
    if (precision)
        *precision = p;
    if (recall)
        *recall = r;
    if (f1)
        *f1 = (p + r != 0.0) ? 2.0 * p * r / (p + r) : 0.0;  // F_BERT
    return 0;
}

int metrics_greedy_match(const float *x, size_t nx, const float *y, size_t ny,
                         size_t dims, double *precision, double *recall,
                         double *f1)
{
    metrics_ws ws = {{0}, {0}};
    int rc = greedy_ws(&ws, x, nx, y, ny, dims, precision, recall, f1);
    for (int i = 0; i < METRICS_WS_SLOTS; i++)
        free(ws.buf[i]);
    return rc;
}

// True when every row of the n x d matrix equals row 0 (every column
// constant over tokens), i.e. the column-centred matrix is exactly zero.
static int rows_constant(const float *m, size_t n, size_t d)
{
    for (size_t i = 1; i < n; i++)
        if (memcmp(m + i * d, m, d * sizeof *m) != 0)
            return 0;
    return 1;
}

// Column-centre an n x d float matrix into a double copy (row-major passes;
// `mean` is d doubles of scratch).
static void centre_cols(const float *src, double *dst, double *mean, size_t n,
                        size_t d)
{
    for (size_t k = 0; k < d; k++)
        mean[k] = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++)
            mean[k] += src[i * d + k];
    for (size_t k = 0; k < d; k++)
        mean[k] /= (double)n;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++)
            dst[i * d + k] = (double)src[i * d + k] - mean[k];
}

// Frobenius inner product of two symmetric m x m matrices of which only the
// upper triangles (row-major) are filled: Σ_ii a b + 2 Σ_{i<j} a b.
static double sym_dot_upper(const double *a, const double *b, size_t m)
{
    double diag = 0.0, off = 0.0;
    for (size_t i = 0; i < m; i++) {
        diag += a[i * m + i] * b[i * m + i];
        for (size_t j = i + 1; j < m; j++)
            off += a[i * m + j] * b[i * m + j];
    }
    return diag + 2.0 * off;
}

static int cka_ws(metrics_ws *ws, const float *x, size_t dx, const float *y,
                  size_t dy, size_t n, double *cka)
{
    if (!x || !y || !cka || dx == 0 || dy == 0 || n < 2)
        return -EINVAL;
    if (n > (size_t)INT_MAX || dx > (size_t)INT_MAX ||
        dy > (size_t)INT_MAX || n > SIZE_MAX / sizeof(double) / (dx + dy) ||
        n > SIZE_MAX / sizeof(double) / n ||
        dx > SIZE_MAX / sizeof(double) / (dx + dy) ||
        dy > SIZE_MAX / sizeof(double) / (dx + dy))
        return -EINVAL;

    if (rows_constant(x, n, dx) || rows_constant(y, n, dy))
        return -ERANGE;  // centred X or Y is zero: 0/0

    double *xc = ws_get(ws, 0, n * dx * sizeof *xc);
    double *yc = ws_get(ws, 1, n * dy * sizeof *yc);
    double *mean = ws_get(ws, 2, (dx > dy ? dx : dy) * sizeof *mean);
    if (!xc || !yc || !mean)
        return -ENOMEM;
    centre_cols(x, xc, mean, n, dx);
    centre_cols(y, yc, mean, n, dy);

    int rc = 0;
    double hsic, kk, ll;
    if (n < dx + dy) {
        // Gram form: K = XXᵀ, L = YYᵀ (n x n, upper triangle by dsyrk)
        double *k = ws_get(ws, 3, n * n * sizeof *k);
        double *l = ws_get(ws, 4, n * n * sizeof *l);
        if (!k || !l) {
            rc = -ENOMEM;
        } else {
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)n, (int)dx,
                        1.0, xc, (int)dx, 0.0, k, (int)n);
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)n, (int)dy,
                        1.0, yc, (int)dy, 0.0, l, (int)n);
            hsic = sym_dot_upper(k, l, n);  // <K,L>_F = ‖YᵀX‖_F²
            kk = sym_dot_upper(k, k, n);    // ‖K‖_F² = ‖XᵀX‖_F²
            ll = sym_dot_upper(l, l, n);
        }
    } else {
        // Feature form: XᵀX (dx x dx), YᵀY (dy x dy), YᵀX (dy x dx)
        double *a = ws_get(ws, 3, dx * dx * sizeof *a);
        double *b = ws_get(ws, 4, dy * dy * sizeof *b);
        double *c = ws_get(ws, 5, dy * dx * sizeof *c);
        if (!a || !b || !c) {
            rc = -ENOMEM;
        } else {
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)dx, (int)n,
                        1.0, xc, (int)dx, 0.0, a, (int)dx);
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)dy, (int)n,
                        1.0, yc, (int)dy, 0.0, b, (int)dy);
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)dy, (int)dx,
                        (int)n, 1.0, yc, (int)dy, xc, (int)dx, 0.0, c, (int)dx);
            hsic = 0.0;
            for (size_t i = 0; i < dy * dx; i++)
                hsic += c[i] * c[i];
            kk = sym_dot_upper(a, a, dx);
            ll = sym_dot_upper(b, b, dy);
        }
    }
    if (rc)
        return rc;
    if (!(kk > 0.0) || !(ll > 0.0))
        return -ERANGE;
    *cka = hsic / (sqrt(kk) * sqrt(ll));  // Kornblith et al. 2019, linear CKA
    return 0;
}

int metrics_cka(const float *x, size_t dx, const float *y, size_t dy, size_t n,
                double *cka)
{
    metrics_ws ws = {{0}, {0}};
    int rc = cka_ws(&ws, x, dx, y, dy, n, cka);
    for (int i = 0; i < METRICS_WS_SLOTS; i++)
        free(ws.buf[i]);
    return rc;
}

static int compute_ws(metrics_ws *ws, const float *x, size_t nx, const float *y,
                      size_t ny, size_t dims, unsigned flags, metrics_report *out)
{
    metrics_report r = {NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    int rc;

    if ((flags & METRICS_ELEMENTWISE) && nx == ny) {
        rc = metrics_cosine(x, y, nx * dims, &r.cosine);
        if (rc)
            return rc;
        rc = metrics_nmse(x, y, nx * dims, &r.nmse);
        if (rc == 0)
            r.snr_db = metrics_snr_db(r.nmse);
        else if (rc != -ERANGE)
            return rc;
    }
    if (flags & METRICS_GREEDY) {
        rc = greedy_ws(ws, x, nx, y, ny, dims, &r.precision, &r.recall, &r.f1);
        if (rc)
            return rc;
    }
    if ((flags & METRICS_CKA) && nx == ny && nx >= 2) {
        rc = cka_ws(ws, x, dims, y, dims, nx, &r.cka);
        if (rc == -ERANGE) {
            // X varies but Y is constant over tokens (e.g. every token lost):
            // no linear information survives, score 0; constant X: undefined.
            r.cka = rows_constant(x, nx, dims) ? NAN : 0.0;
        } else if (rc) {
            return rc;
        }
    }
    *out = r;
    return 0;
}

int metrics_compute(metrics_ws *ws, const float *x, size_t nx, const float *y,
                    size_t ny, size_t dims, unsigned flags, metrics_report *out)
{
    if (!x || !y || !out || nx == 0 || ny == 0 || dims == 0)
        return -EINVAL;
    if (nx > SIZE_MAX / dims || ny > SIZE_MAX / dims)
        return -EINVAL;
    if (ws)
        return compute_ws(ws, x, nx, y, ny, dims, flags, out);
    metrics_ws tmp = {{0}, {0}};
    int rc = compute_ws(&tmp, x, nx, y, ny, dims, flags, out);
    for (int i = 0; i < METRICS_WS_SLOTS; i++)
        free(tmp.buf[i]);
    return rc;
}

void metrics_normalise(const metrics_report *raw, const metrics_report *ref,
                       metrics_report *out)
{
    if (!raw || !ref || !out)
        return;
    metrics_report r = *raw;
    // paper 000 §4: a score is reported relative to the reference run's score
    r.cosine = raw->cosine / ref->cosine;
    r.precision = raw->precision / ref->precision;
    r.recall = raw->recall / ref->recall;
    r.f1 = raw->f1 / ref->f1;
    r.cka = raw->cka / ref->cka;
    if (isfinite(ref->nmse) && ref->nmse > 0.0) {
        r.nmse = raw->nmse / ref->nmse;
        r.snr_db = raw->snr_db - ref->snr_db;  // 10 log10 of the inverse ratio
    }
    *out = r;
}
