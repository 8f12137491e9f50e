/* merge: DPC-KNN token merging.
 *
 * Implements paper 001 (TOFC, "Task-oriented feature compression for
 * multimodal understanding...", §IV-A, eqs. 2-3), which takes DPC-KNN from
 * Du, Ding & Jia, "Study on density peaks clustering based on k-nearest
 * neighbors and principal component analysis", Knowl.-Based Syst. 2016.
 * Changes from the paper: ρ is kept as log ρ (exp of -100s underflows), ρ·δ
 * is ranked by log ρ + log δ, and every tie is broken by index (merge.h).
 *
 * Fast path: the Gram matrix G = X Xᵀ from cblas_ssyrk gives approximate
 * squared distances e_ij = ‖x_i‖² + ‖x_j‖² - 2 G_ij (the expansion of
 * ‖a-b‖²). Float dot products of length d satisfy
 *     |fl(aᵀb) - aᵀb| <= γ_d Σ|a_k b_k| <= γ_d ‖a‖‖b‖,   γ_d = d u/(1 - d u)
 * (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., eq. 3.5,
 * any summation order, with or without FMA), plus u for storing G in float,
 * so |e_ij - d²_ij| <= τ_ij = 2(γ_d + u)‖x_i‖‖x_j‖; we use twice that. Every
 * decision (K nearest, δ, nearest centre) takes the tokens whose interval
 * [e - τ, e + τ] can still win and settles it on the exact double d² of
 * merge_dist2, the same numbers fl_merge_reference uses. Hence fast ==
 * reference bit for bit, independent of BLAS blocking and thread count.
 */
#include "codec/merge.h"

#include <cblas.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

// Largest accepted ‖x‖²: keeps float Gram entries (≈ ‖x‖²) far from FLT_MAX.
#define MERGE_MAX_NORM2 1e30

typedef struct {
    double key;
    int32_t idx;
} merge_key_t;

struct merge_s {
    size_t n, d, nc, k;   // tokens, dims, effective clusters, effective K
    float *gram;          // n x n, full (upper mirrored)
    double *nn;           // n: ‖x_i‖² (double sum)
    double *nrm;          // n: ‖x_i‖
    double *logrho;       // n
    double *score;        // n: log ρ + log δ
    double *e, *t, *w;    // n: row of approx d², tolerances, selection scratch
    double *cand_d2;      // n
    int32_t *cand_idx;    // n
    int32_t *cand_aux;    // n
    double *kbuf;         // k (small-K selection buffer)
    int32_t *order;       // n: density order / score order
    int32_t *cl_of;       // n: cluster of a centre token, -1 otherwise
    int32_t *cen;         // n (first nc used)
    int32_t *assign;      // n scratch when the caller passes NULL
    int32_t *sizes;       // n scratch
    merge_key_t *keys;    // n
    double *sums;         // nc x d
};

// Exact (reference) squared distance: double sum in index order. Both
// paths call this one function, so their decisions agree bit for bit.
static double merge_dist2(const float *a, const float *b, size_t d)
{
    double s = 0.0;
    for (size_t k = 0; k < d; k++) {
        double u = (double)a[k] - (double)b[k];
        s += u * u;
    }
    return s;
}

// Validates a patch: every value finite, every ‖x‖² < MERGE_MAX_NORM2.
// Fills nn (may be NULL).
static int merge_check_patch(const float *x, size_t n, size_t d, double *nn)
{
    for (size_t i = 0; i < n; i++) {
        const float *r = x + i * d;
        double s = 0.0;
        for (size_t k = 0; k < d; k++) {
            if (!isfinite(r[k]))
                return -EINVAL;
            s += (double)r[k] * (double)r[k];
        }
        if (!(s < MERGE_MAX_NORM2))
            return -ERANGE;
        if (nn)
            nn[i] = s;
    }
    return 0;
}

// Average pooling (001 §IV-A): y_c = mean of members, double accumulation in
// token order. sums: nc x d scratch.
static void merge_pool(const float *x, size_t n, size_t d, size_t nc,
                       const int32_t *assign, double *sums, int32_t *sizes,
                       float *y)
{
    memset(sums, 0, nc * d * sizeof *sums);
    memset(sizes, 0, nc * sizeof *sizes);
    for (size_t i = 0; i < n; i++) {
        double *s = sums + (size_t)assign[i] * d;
        const float *r = x + i * d;
        for (size_t k = 0; k < d; k++)
            s[k] += (double)r[k];
        sizes[assign[i]]++;
    }
    for (size_t c = 0; c < nc; c++) {
        double cnt = (double)sizes[c];
        for (size_t k = 0; k < d; k++)
            y[c * d + k] = (float)(sums[c * d + k] / cnt);
    }
}

// n_c >= n: each token its own cluster.
static void merge_identity(const float *x, size_t n, size_t d, float *y,
                           int32_t *assign, int32_t *sizes, int32_t *centres)
{
    memcpy(y, x, n * d * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        if (assign)
            assign[i] = (int32_t)i;
        if (sizes)
            sizes[i] = 1;
        if (centres)
            centres[i] = (int32_t)i;
    }
}

static size_t merge_eff_k(size_t knn, size_t n)
{
    return knn < n - 1 ? knn : n - 1;
}

/* ---------------------------------------------------------------- fast -- */

merge_t fl_merge_create(size_t tokens, size_t dims, size_t clusters, size_t knn)
{
    const size_t lim = (size_t)1 << 24;
    if (tokens < 1 || tokens > lim || dims < 1 || dims > lim || clusters < 1 ||
        knn < 1)
        return NULL;
    merge_t q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    size_t n = tokens;
    q->n = n;
    q->d = dims;
    q->nc = clusters < n ? clusters : n;
    q->k = n > 1 ? merge_eff_k(knn, n) : 0;
    if (q->nc == n)
        return q;   // identity: no workspace
    q->gram = malloc(n * n * sizeof *q->gram);
    q->nn = malloc(n * sizeof(double));
    q->nrm = malloc(n * sizeof(double));
    q->logrho = malloc(n * sizeof(double));
    q->score = malloc(n * sizeof(double));
    q->e = malloc(n * sizeof(double));
    q->t = malloc(n * sizeof(double));
    q->w = malloc(n * sizeof(double));
    q->cand_d2 = malloc(n * sizeof(double));
    q->cand_idx = malloc(n * sizeof(int32_t));
    q->cand_aux = malloc(n * sizeof(int32_t));
    q->kbuf = malloc((q->k + 1) * sizeof(double));
    q->order = malloc(n * sizeof(int32_t));
    q->cl_of = malloc(n * sizeof(int32_t));
    q->cen = malloc(n * sizeof(int32_t));
    q->assign = malloc(n * sizeof(int32_t));
    q->sizes = malloc(n * sizeof(int32_t));
    q->sums = malloc(q->nc * dims * sizeof(double));
    q->keys = malloc(n * sizeof *q->keys);
    if (!q->keys || !q->cand_aux || !q->kbuf || !q->gram || !q->nn || !q->nrm || !q->logrho || !q->score || !q->e ||
        !q->t || !q->w || !q->cand_d2 || !q->cand_idx || !q->order ||
        !q->cl_of || !q->cen || !q->assign || !q->sizes || !q->sums) {
        fl_merge_destroy(q);
        return NULL;
    }
    return q;
}

void fl_merge_destroy(merge_t q)
{
    if (!q)
        return;
    free(q->gram);
    free(q->nn);
    free(q->nrm);
    free(q->logrho);
    free(q->score);
    free(q->e);
    free(q->t);
    free(q->w);
    free(q->cand_d2);
    free(q->cand_idx);
    free(q->cand_aux);
    free(q->kbuf);
    free(q->order);
    free(q->cl_of);
    free(q->cen);
    free(q->assign);
    free(q->sizes);
    free(q->sums);
    free(q->keys);
    free(q);
}

size_t fl_merge_clusters(merge_t q)
{
    return q ? q->nc : 0;
}

// Squared distances from a to the rows idx[0..m-1] of x: out[c] =
// merge_dist2(a, x + idx[c] d, d), bit for bit. Four rows at a time, each
// summed in index order, so the chains run in parallel (the per-pair
// operation sequence is unchanged).
static void merge_dist2_many(const float *a, const float *x, size_t d,
                             const int32_t *idx, size_t m, double *out)
{
    size_t c = 0;
    for (; c + 4 <= m; c += 4) {
        const float *b0 = x + (size_t)idx[c] * d, *b1 = x + (size_t)idx[c + 1] * d;
        const float *b2 = x + (size_t)idx[c + 2] * d, *b3 = x + (size_t)idx[c + 3] * d;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (size_t k = 0; k < d; k++) {
            double ak = (double)a[k];
            double u0 = ak - (double)b0[k], u1 = ak - (double)b1[k];
            double u2 = ak - (double)b2[k], u3 = ak - (double)b3[k];
            s0 += u0 * u0;
            s1 += u1 * u1;
            s2 += u2 * u2;
            s3 += u3 * u3;
        }
        out[c] = s0;
        out[c + 1] = s1;
        out[c + 2] = s2;
        out[c + 3] = s3;
    }
    for (; c < m; c++)
        out[c] = merge_dist2(a, x + (size_t)idx[c] * d, d);
}

static double merge_select(double *a, size_t m, size_t k);

// K-th smallest upper bound e_j + t_j over j != i (row i in q->e, q->t).
// Small K: one pass keeping the K smallest in a sorted buffer (replacements
// are rare); large K: quickselect.
static double merge_kth_ub(merge_t q, size_t i, size_t k)
{
    const size_t n = q->n;
    if (k > 32) {
        size_t m = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i)
                q->w[m++] = q->e[j] + q->t[j];
        return merge_select(q->w, m, k - 1);
    }
    double *b = q->kbuf;
    size_t f = 0;
    for (size_t j = 0; j < n; j++) {
        if (j == i)
            continue;
        double v = q->e[j] + q->t[j];
        if (f == k && !(v < b[k - 1]))
            continue;
        size_t p = f < k ? f++ : k - 1;
        while (p > 0 && b[p - 1] > v) {
            b[p] = b[p - 1];
            p--;
        }
        b[p] = v;
    }
    return b[k - 1];
}

// k-th smallest (0-based) of a[0..m-1], m >= 1; reorders a. Hoare/Wirth
// selection (Wirth, Algorithms + Data Structures = Programs, 1976, §2.3.4),
// expected O(m).
static double merge_select(double *a, size_t m, size_t k)
{
    ptrdiff_t l = 0, r = (ptrdiff_t)m - 1, kk = (ptrdiff_t)k;
    while (l < r) {
        double x = a[kk];
        ptrdiff_t i = l, j = r;
        do {
            while (a[i] < x)
                i++;
            while (x < a[j])
                j--;
            if (i <= j) {
                double tmp = a[i];
                a[i] = a[j];
                a[j] = tmp;
                i++;
                j--;
            }
        } while (i <= j);
        if (j < kk)
            l = i;
        if (kk < i)
            r = j;
    }
    return a[kk];
}

// Fills q->e[j] (approx d², clamped >= 0) and q->t[j] (error bound) for row i
// against all j.
static void merge_row(merge_t q, size_t i, double tcoef)
{
    const size_t n = q->n;
    const float *g = q->gram + i * n;
    const double nni = q->nn[i], nri = q->nrm[i];
    for (size_t j = 0; j < n; j++) {
        double e = nni + q->nn[j] - 2.0 * (double)g[j];
        q->e[j] = e > 0.0 ? e : 0.0;
        // tcoef bounds the float Gram error; the second term covers the
        // double rounding of both d² values; the third, underflow.
        q->t[j] = tcoef * nri * q->nrm[j] + 1e-12 * (nni + q->nn[j]) + 1e-30;
    }
}

// Descending key, ascending index on equal keys (a strict total order).
static int merge_cmp_desc(const void *pa, const void *pb)
{
    const merge_key_t *a = pa, *b = pb;
    if (a->key > b->key)
        return -1;
    if (a->key < b->key)
        return 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

static int merge_cmp_i32(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

// log ρ_i from the exact d² of candidate tokens: the K smallest (d², j),
// summed in ascending order (eq. 2 in the log domain).
static double merge_logrho_of(const double *d2, const int32_t *idx, size_t m,
                              size_t k)
{
    double s = 0.0;
    double prev_d = -1.0;
    int32_t prev_j = -1;
    for (size_t r = 0; r < k; r++) {
        // next pair after (prev_d, prev_j) in (d², j) order
        size_t best = m;
        for (size_t c = 0; c < m; c++) {
            if (d2[c] < prev_d || (d2[c] == prev_d && idx[c] <= prev_j))
                continue;
            if (best == m || d2[c] < d2[best] ||
                (d2[c] == d2[best] && idx[c] < idx[best]))
                best = c;
        }
        s += d2[best];
        prev_d = d2[best];
        prev_j = idx[best];
    }
    return -s / (double)k;
}

static void merge_patch(merge_t q, const float *x, float *y, int32_t *assign,
                        int32_t *sizes, int32_t *centres)
{
    const size_t n = q->n, d = q->d, nc = q->nc, k = q->k;
    const double u = FLT_EPSILON / 2.0;
    const double tcoef = 4.0 * ((double)d * u / (1.0 - (double)d * u) + u);

    for (size_t i = 0; i < n; i++)
        q->nrm[i] = sqrt(q->nn[i]);
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)n, (int)d, 1.0f,
                x, (int)d, 0.0f, q->gram, (int)n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            q->gram[j * n + i] = q->gram[i * n + j];

    // eq. (2): K nearest neighbours, j != i.
    for (size_t i = 0; i < n; i++) {
        merge_row(q, i, tcoef);
        // Some K tokens have exact d² <= their upper bounds <= bound, so the
        // exact K-th smallest d² is <= bound too.
        double bound = merge_kth_ub(q, i, k);
        size_t c = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i && q->e[j] - q->t[j] <= bound)
                q->cand_idx[c++] = (int32_t)j;
        merge_dist2_many(x + i * d, x, d, q->cand_idx, c, q->cand_d2);
        q->logrho[i] = merge_logrho_of(q->cand_d2, q->cand_idx, c, k);
    }

    // Density order: denser first (larger log ρ, lower index on ties).
    merge_key_t *kv = q->keys;
    for (size_t i = 0; i < n; i++) {
        kv[i].key = q->logrho[i];
        kv[i].idx = (int32_t)i;
    }
    qsort(kv, n, sizeof *kv, merge_cmp_desc);
    for (size_t r = 0; r < n; r++)
        q->order[r] = kv[r].idx;

    // eq. (3): δ_i = min distance to a denser token; the densest takes the
    // max distance. Work on d² (sqrt is monotone) and take sqrt at the end.
    for (size_t r = 0; r < n; r++) {
        const size_t i = (size_t)q->order[r];
        merge_row(q, i, tcoef);
        double best;
        size_t c = 0;
        if (r == 0) {
            double lbmax = 0.0;
            for (size_t j = 0; j < n; j++)
                if (j != i && q->e[j] - q->t[j] > lbmax)
                    lbmax = q->e[j] - q->t[j];
            for (size_t j = 0; j < n; j++)
                if (j != i && q->e[j] + q->t[j] >= lbmax)
                    q->cand_idx[c++] = (int32_t)j;
            merge_dist2_many(x + i * d, x, d, q->cand_idx, c, q->cand_d2);
            best = 0.0;
            for (size_t m = 0; m < c; m++)
                if (q->cand_d2[m] > best)
                    best = q->cand_d2[m];
        } else {
            double ubmin = INFINITY;
            for (size_t s = 0; s < r; s++) {
                size_t j = (size_t)q->order[s];
                if (q->e[j] + q->t[j] < ubmin)
                    ubmin = q->e[j] + q->t[j];
            }
            for (size_t s = 0; s < r; s++) {
                int32_t j = q->order[s];
                if (q->e[j] - q->t[j] <= ubmin)
                    q->cand_idx[c++] = j;
            }
            merge_dist2_many(x + i * d, x, d, q->cand_idx, c, q->cand_d2);
            best = INFINITY;
            for (size_t m = 0; m < c; m++)
                if (q->cand_d2[m] < best)
                    best = q->cand_d2[m];
        }
        // ρ·δ ranked in the log domain: log ρ + log δ (log 0 = -inf).
        q->score[i] = q->logrho[i] + log(sqrt(best));
    }

    // Centres: the nc largest scores, lower index first on ties; clusters
    // numbered by centre index.
    for (size_t i = 0; i < n; i++) {
        kv[i].key = q->score[i];
        kv[i].idx = (int32_t)i;
    }
    qsort(kv, n, sizeof *kv, merge_cmp_desc);
    for (size_t c = 0; c < nc; c++)
        q->cen[c] = kv[c].idx;
    qsort(q->cen, nc, sizeof *q->cen, merge_cmp_i32);
    for (size_t i = 0; i < n; i++)
        q->cl_of[i] = -1;
    for (size_t c = 0; c < nc; c++)
        q->cl_of[q->cen[c]] = (int32_t)c;

    // Nearest centre, lower cluster number on equal d².
    for (size_t i = 0; i < n; i++) {
        if (q->cl_of[i] >= 0) {
            assign[i] = q->cl_of[i];
            continue;
        }
        merge_row(q, i, tcoef);
        double ubmin = INFINITY;
        for (size_t c = 0; c < nc; c++) {
            size_t j = (size_t)q->cen[c];
            if (q->e[j] + q->t[j] < ubmin)
                ubmin = q->e[j] + q->t[j];
        }
        size_t m = 0;
        for (size_t c = 0; c < nc; c++) {
            int32_t j = q->cen[c];
            if (q->e[j] - q->t[j] <= ubmin) {
                q->cand_idx[m] = j;
                q->cand_aux[m++] = (int32_t)c;
            }
        }
        merge_dist2_many(x + i * d, x, d, q->cand_idx, m, q->cand_d2);
        double best = INFINITY;
        int32_t bc = -1;
        for (size_t c = 0; c < m; c++) {   // ascending cluster numbers
            if (q->cand_d2[c] < best) {
                best = q->cand_d2[c];
                bc = q->cand_aux[c];
            }
        }
        assign[i] = bc;
    }

    merge_pool(x, n, d, nc, assign, q->sums, sizes, y);
    if (centres)
        memcpy(centres, q->cen, nc * sizeof *centres);
}

int fl_merge_execute(merge_t q, const float *x, size_t patches, float *y,
                  int32_t *assign, int32_t *sizes, int32_t *centres)
{
    if (!q || !x || !y || patches < 1)
        return -EINVAL;
    const size_t n = q->n, d = q->d, nc = q->nc;
    for (size_t p = 0; p < patches; p++) {
        const float *xp = x + p * n * d;
        float *yp = y + p * nc * d;
        int32_t *ap = assign ? assign + p * n : NULL;
        int32_t *sp = sizes ? sizes + p * nc : NULL;
        int32_t *cp = centres ? centres + p * nc : NULL;
        if (nc == n) {
            int rc = merge_check_patch(xp, n, d, NULL);
            if (rc)
                return rc;
            merge_identity(xp, n, d, yp, ap, sp, cp);
            continue;
        }
        int rc = merge_check_patch(xp, n, d, q->nn);
        if (rc)
            return rc;
        merge_patch(q, xp, yp, ap ? ap : q->assign, sp ? sp : q->sizes, cp);
    }
    return 0;
}

/* ----------------------------------------------------------- reference -- */

int fl_merge_reference(const float *x, size_t patches, size_t tokens, size_t dims,
                    size_t clusters, size_t knn, float *y, int32_t *assign,
                    int32_t *sizes, int32_t *centres)
{
    if (!x || !y || patches < 1 || tokens < 1 || dims < 1 || clusters < 1 ||
        knn < 1)
        return -EINVAL;
    const size_t n = tokens, d = dims;
    const size_t nc = clusters < n ? clusters : n;
    if (nc == n) {
        for (size_t p = 0; p < patches; p++) {
            int rc = merge_check_patch(x + p * n * d, n, d, NULL);
            if (rc)
                return rc;
            merge_identity(x + p * n * d, n, d, y + p * n * d,
                           assign ? assign + p * n : NULL,
                           sizes ? sizes + p * n : NULL,
                           centres ? centres + p * n : NULL);
        }
        return 0;
    }
    const size_t k = merge_eff_k(knn, n);
    double *D = malloc(n * n * sizeof *D);
    double *logrho = malloc(n * sizeof *logrho);
    double *score = malloc(n * sizeof *score);
    unsigned char *used = malloc(n);
    int32_t *cen = malloc(nc * sizeof *cen);
    int32_t *asg = malloc(n * sizeof *asg);
    int32_t *sz = malloc(nc * sizeof *sz);
    double *sums = malloc(nc * d * sizeof *sums);
    int rc = 0;
    if (!D || !logrho || !score || !used || !cen || !asg || !sz || !sums) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t p = 0; p < patches && rc == 0; p++) {
        const float *xp = x + p * n * d;
        rc = merge_check_patch(xp, n, d, NULL);
        if (rc)
            break;
        // All pairwise squared distances, O(n² d).
        for (size_t i = 0; i < n; i++) {
            D[i * n + i] = 0.0;
            for (size_t j = i + 1; j < n; j++)
                D[i * n + j] = D[j * n + i] =
                    merge_dist2(xp + i * d, xp + j * d, d);
        }
        // eq. (2): the K nearest by repeated minimum over (d², j).
        for (size_t i = 0; i < n; i++) {
            memset(used, 0, n);
            double s = 0.0;
            for (size_t r = 0; r < k; r++) {
                size_t b = n;
                for (size_t j = 0; j < n; j++) {
                    if (j == i || used[j])
                        continue;
                    if (b == n || D[i * n + j] < D[i * n + b])
                        b = j;
                }
                used[b] = 1;
                s += D[i * n + b];
            }
            logrho[i] = -s / (double)k;
        }
        // eq. (3)
        for (size_t i = 0; i < n; i++) {
            double mn = INFINITY, mx = 0.0;
            int any = 0;
            for (size_t j = 0; j < n; j++) {
                if (j == i)
                    continue;
                if (D[i * n + j] > mx)
                    mx = D[i * n + j];
                int denser = logrho[j] > logrho[i] ||
                             (logrho[j] == logrho[i] && j < i);
                if (denser) {
                    any = 1;
                    if (D[i * n + j] < mn)
                        mn = D[i * n + j];
                }
            }
            double delta = sqrt(any ? mn : mx);
            score[i] = logrho[i] + log(delta);
        }
        // Centres: repeated maximum of the score, lower index on ties.
        memset(used, 0, n);
        for (size_t c = 0; c < nc; c++) {
            size_t b = n;
            for (size_t i = 0; i < n; i++) {
                if (used[i])
                    continue;
                if (b == n || score[i] > score[b])
                    b = i;
            }
            used[b] = 1;
        }
        size_t c = 0;
        for (size_t i = 0; i < n; i++)
            if (used[i])
                cen[c++] = (int32_t)i;
        // Nearest centre.
        for (size_t i = 0; i < n; i++) {
            size_t b = 0;
            for (size_t cc = 1; cc < nc; cc++)
                if (D[i * n + (size_t)cen[cc]] < D[i * n + (size_t)cen[b]])
                    b = cc;
            asg[i] = (int32_t)b;
        }
        for (size_t cc = 0; cc < nc; cc++)
            asg[cen[cc]] = (int32_t)cc;
        merge_pool(xp, n, d, nc, asg, sums, sz, y + p * nc * d);
        if (assign)
            memcpy(assign + p * n, asg, n * sizeof *asg);
        if (sizes)
            memcpy(sizes + p * nc, sz, nc * sizeof *sz);
        if (centres)
            memcpy(centres + p * nc, cen, nc * sizeof *cen);
    }
out:
    free(D);
    free(logrho);
    free(score);
    free(used);
    free(cen);
    free(asg);
    free(sz);
    free(sums);
    return rc;
}

/* -------------------------------------------------------------- expand -- */

int fl_merge_expand(const float *y, const int32_t *assign, size_t patches,
                 size_t tokens, size_t clusters, size_t dims, float *x_hat)
{
    if (!y || !assign || !x_hat || clusters < 1 || dims < 1)
        return -EINVAL;
    for (size_t p = 0; p < patches; p++) {
        const int32_t *a = assign + p * tokens;
        for (size_t i = 0; i < tokens; i++)
            if (a[i] < 0 || (size_t)a[i] >= clusters)
                return -EINVAL;
        const float *yp = y + p * clusters * dims;
        float *xp = x_hat + p * tokens * dims;
        for (size_t i = 0; i < tokens; i++)
            memcpy(xp + i * dims, yp + (size_t)a[i] * dims,
                   dims * sizeof *xp);
    }
    return 0;
}
