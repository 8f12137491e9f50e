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
 *    and its Gram-matrix form (same paper, §3: HSIC(K,L) = tr(KHLH)/(n−1)²,
 *    CKA = HSIC(K,L)/sqrt(HSIC(K,K) HSIC(L,L)); with centred X, Y):
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

// Scratch slots (greedy: unit X, unit Y, cosine block, float row/col maxima,
// double row/col maxima, duplicate maps, hash scratch, zero flags;
// CKA: centred X, centred Y, column means, K or XᵀX, L or YᵀY, YᵀX).
#define METRICS_WS_SLOTS 12

struct metrics_ws {
    void *buf[METRICS_WS_SLOTS];
    size_t cap[METRICS_WS_SLOTS];  // bytes
};

int fl_metrics_ws_create(metrics_ws **out)
{
    if (!out)
        return -EINVAL;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -ENOMEM;
}

void fl_metrics_ws_destroy(metrics_ws *ws)
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

int fl_metrics_cosine(const float *x, const float *y, size_t n, double *cosine)
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

int fl_metrics_nmse(const float *x, const float *y, size_t n, double *nmse)
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

double fl_metrics_snr_db(double nmse)
{
    if (isnan(nmse) || nmse < 0.0)
        return NAN;
    if (nmse == 0.0)
        return INFINITY;
    return -10.0 * log10(nmse);  // feature SNR = 10 log10(‖X‖²/‖X−X̂‖²)
}

// Dot product of two float rows accumulated in double in a fixed order
// (four interleaved partial sums, then ((s0+s1)+(s2+s3)) + tail), so the
// result is the same on every call and thread.
static double ddot_rows(const float *a, const float *b, size_t d)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t k = 0;
    for (; k + 4 <= d; k += 4) {
        s0 += (double)a[k] * (double)b[k];
        s1 += (double)a[k + 1] * (double)b[k + 1];
        s2 += (double)a[k + 2] * (double)b[k + 2];
        s3 += (double)a[k + 3] * (double)b[k + 3];
    }
    double s = (s0 + s1) + (s2 + s3);
    for (; k < d; k++)
        s += (double)a[k] * (double)b[k];
    return s;
}

// Copy n tokens of `dims` floats into dst scaled to unit L2 norm (norm in
// double); zero tokens stay zero so their cosine with anything is 0, and
// zero[t] marks them.
static void unit_rows(const float *src, float *dst, unsigned char *zero,
                      size_t n, size_t dims)
{
    for (size_t t = 0; t < n; t++) {
        const float *s = src + t * dims;
        float *d = dst + t * dims;
        double ss = ddot_rows(s, s, dims);
        double inv = ss > 0.0 ? 1.0 / sqrt(ss) : 0.0;
        for (size_t k = 0; k < dims; k++)
            d[k] = (float)((double)s[k] * inv);
        zero[t] = !(ss > 0.0);
    }
}

struct hidx {
    uint64_t h;
    size_t i;
};

static int cmp_hidx(const void *a, const void *b)
{
    const struct hidx *p = a, *q = b;
    if (p->h != q->h)
        return p->h < q->h ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

// rep[t] = smallest index whose row is bytewise identical to row t (merged
// tensors expanded to the grid repeat tokens; duplicates share one
// refinement). FNV-1a hashes, sorted, confirmed with memcmp.
static void dedupe_rows(const float *m, size_t n, size_t d, struct hidx *hs,
                        size_t *rep)
{
    // hash a sample of at most 32 evenly spaced values per row: only a
    // bucketing key, equality is always confirmed with memcmp
    size_t step = d > 32 ? d / 32 : 1;
    for (size_t t = 0; t < n; t++) {
        uint64_t h = 0xcbf29ce484222325ULL;
        for (size_t k = 0; k < d; k += step) {
            uint32_t w;
            memcpy(&w, m + t * d + k, sizeof w);
            h = (h ^ w) * 0x100000001b3ULL;  // FNV-1a on 32-bit words
        }
        hs[t].h = h;
        hs[t].i = t;
    }
    qsort(hs, n, sizeof *hs, cmp_hidx);
    for (size_t a = 0; a < n;) {
        size_t e = a + 1;
        while (e < n && hs[e].h == hs[a].h)
            e++;
        for (size_t u = a; u < e; u++) {
            size_t t = hs[u].i;
            rep[t] = t;
            for (size_t v = a; v < u; v++) {
                size_t o = hs[v].i;
                if (rep[o] == o && memcmp(m + t * d, m + o * d, d * sizeof *m) == 0) {
                    rep[t] = o;
                    break;
                }
            }
        }
        a = e;
    }
}


static double clamp_cos(double c)
{
    return c > 1.0 ? 1.0 : (c < -1.0 ? -1.0 : c);
}

// One block of the cosine matrix, C[i][j] = ŷ_{i0+i} · x̂_{j0+j}, leading dim mj.
static void cos_block(const float *yn, const float *xn, size_t dims, size_t i0,
                      size_t mi, size_t j0, size_t mj, float *c)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)mi, (int)mj,
                (int)dims, 1.0f, yn + i0 * dims, (int)dims, xn + j0 * dims,
                (int)dims, 0.0f, c, (int)mj);
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

    // Whole matrix in one block when small enough, else tiles recomputed in
    // the refinement pass.
    int cached = nx <= METRICS_CACHE_ELEMS / ny;
    size_t tr = cached ? ny : (ny < METRICS_TILE_ROWS ? ny : METRICS_TILE_ROWS);
    size_t tc = cached ? nx : (nx < METRICS_TILE_COLS ? nx : METRICS_TILE_COLS);
    size_t nmax = nx > ny ? nx : ny;
    float *xn = ws_get(ws, 0, nx * dims * sizeof *xn);
    float *yn = ws_get(ws, 1, ny * dims * sizeof *yn);
    float *tile = ws_get(ws, 2, tr * tc * sizeof *tile);
    float *rowmax = ws_get(ws, 3, ny * sizeof *rowmax);   // per received token
    float *colmax = ws_get(ws, 4, nx * sizeof *colmax);   // per original token
    double *drow = ws_get(ws, 5, ny * sizeof *drow);
    double *dcol = ws_get(ws, 6, nx * sizeof *dcol);
    size_t *repx = ws_get(ws, 7, nx * sizeof *repx);
    size_t *repy = ws_get(ws, 8, ny * sizeof *repy);
    struct hidx *hs = ws_get(ws, 9, nmax * sizeof *hs);
    unsigned char *zx = ws_get(ws, 10, nx);
    unsigned char *zy = ws_get(ws, 11, ny);
    if (!xn || !yn || !tile || !rowmax || !colmax || !drow || !dcol || !repx ||
        !repy || !hs || !zx || !zy)
        return -ENOMEM;
    unit_rows(x, xn, zx, nx, dims);
    unit_rows(y, yn, zy, ny, dims);
    dedupe_rows(xn, nx, dims, hs, repx);
    dedupe_rows(yn, ny, dims, hs, repy);
    for (size_t i = 0; i < ny; i++) {
        rowmax[i] = -INFINITY;
        drow[i] = -INFINITY;
    }
    for (size_t j = 0; j < nx; j++) {
        colmax[j] = -INFINITY;
        dcol[j] = -INFINITY;
    }

    // Pass 1: cosine matrix C = Ŷ X̂ᵀ (received rows x original columns) by
    // sgemm, block by block, reduced to float running row/column maxima.
    for (size_t i0 = 0; i0 < ny; i0 += tr) {
        size_t mi = ny - i0 < tr ? ny - i0 : tr;
        for (size_t j0 = 0; j0 < nx; j0 += tc) {
            size_t mj = nx - j0 < tc ? nx - j0 : tc;
            cos_block(yn, xn, dims, i0, mi, j0, mj, tile);
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

    // Pass 2: refinement. A float dot product of length d, in any summation
    // order, is within γ_d Σ|a_k b_k| <= γ_d ‖a‖‖b‖ of the exact one, γ_d =
    // d u/(1 − d u), u = 2^-24 (Higham, "Accuracy and Stability of Numerical
    // Algorithms", 2nd ed., eq. 3.5), and ‖x̂‖ <= 1 + u. Every entry within
    // 2γ_d(1+u)² of its row's (column's) float maximum is recomputed in double
    // in a fixed order; the true maximiser is always among them, so the maxima
    // do not depend on how OpenBLAS ordered its sums (thread count, kernel).
    // (thresholds in double, so forming them adds no float rounding; the
    // 1e-12 covers the double recomputation's own rounding)
    double du = (double)dims * 0x1.0p-24;
    double eps = du < 0.5 ? 2.0 * du / (1.0 - du) * (1.0 + 0x1.0p-22) + 1e-12
                          : INFINITY;
    for (size_t i0 = 0; i0 < ny; i0 += tr) {
        size_t mi = ny - i0 < tr ? ny - i0 : tr;
        for (size_t j0 = 0; j0 < nx; j0 += tc) {
            size_t mj = nx - j0 < tc ? nx - j0 : tc;
            if (!cached)
                cos_block(yn, xn, dims, i0, mi, j0, mj, tile);
            for (size_t i = 0; i < mi; i++) {
                size_t gi = i0 + i;
                if (repy[gi] != gi)
                    continue;  // duplicate row: same values as its representative
                const float *row = tile + i * mj;
                double rthr = (double)rowmax[gi] - eps;
                for (size_t j = 0; j < mj; j++) {
                    size_t gj = j0 + j;
                    if (repx[gj] != gj)
                        continue;
                    double c = row[j];
                    int need_r = c >= rthr, need_c = c >= (double)colmax[gj] - eps;
                    if (!need_r && !need_c)
                        continue;
                    // zero tokens: cosine exactly 0 (header's definition)
                    double v = (zy[gi] || zx[gj]) ? 0.0
                             : ddot_rows(yn + gi * dims, xn + gj * dims, dims);
                    if (need_r && v > drow[gi])
                        drow[gi] = v;
                    if (need_c && v > dcol[gj])
                        dcol[gj] = v;
                }
            }
        }
    }

    double p = 0.0, r = 0.0;
    for (size_t i = 0; i < ny; i++)
        p += clamp_cos(drow[repy[i]]);
    for (size_t j = 0; j < nx; j++)
        r += clamp_cos(dcol[repx[j]]);
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

int fl_metrics_greedy_match(const float *x, size_t nx, const float *y, size_t ny,
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

int fl_metrics_cka(const float *x, size_t dx, const float *y, size_t dy, size_t n,
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
        rc = fl_metrics_cosine(x, y, nx * dims, &r.cosine);
        if (rc)
            return rc;
        rc = fl_metrics_nmse(x, y, nx * dims, &r.nmse);
        if (rc == 0)
            r.snr_db = fl_metrics_snr_db(r.nmse);
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

int fl_metrics_compute(metrics_ws *ws, const float *x, size_t nx, const float *y,
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

void fl_metrics_normalise(const metrics_report *raw, const metrics_report *ref,
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
