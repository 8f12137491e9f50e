/* test_metrics: proxy metrics (codec/metrics) against hand arithmetic,
 * brute-force double references and statistical expectations. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <cmocka.h>

#include "codec/metrics.h"

// ---- test helpers: fixed-seed generator (splitmix64 + Box-Muller) ----------

static uint64_t rng_state;

static void rng_seed(uint64_t s) { rng_state = s; }

static uint64_t rng_u64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rng_unif(void) { return ((rng_u64() >> 11) + 0.5) * 0x1.0p-53; }

static double rng_gauss(void)
{
    double u = rng_unif(), v = rng_unif();
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

static float *rand_tensor(size_t n, size_t d, double mean)
{
    float *m = malloc(n * d * sizeof *m);
    assert_non_null(m);
    for (size_t i = 0; i < n * d; i++)
        m[i] = (float)(mean + rng_gauss());
    return m;
}

// Brute-force greedy matching in double, straight from BERTScore's definition.
static void greedy_ref(const float *x, size_t nx, const float *y, size_t ny,
                       size_t d, double *p, double *r)
{
    double *c = malloc(nx * ny * sizeof *c);
    assert_non_null(c);
    for (size_t i = 0; i < ny; i++)
        for (size_t j = 0; j < nx; j++) {
            double xy = 0, xx = 0, yy = 0;
            for (size_t k = 0; k < d; k++) {
                xy += (double)y[i * d + k] * x[j * d + k];
                xx += (double)x[j * d + k] * x[j * d + k];
                yy += (double)y[i * d + k] * y[i * d + k];
            }
            c[i * nx + j] = (xx > 0 && yy > 0) ? xy / sqrt(xx * yy) : 0.0;
        }
    double ps = 0, rs = 0;
    for (size_t i = 0; i < ny; i++) {
        double m = -INFINITY;
        for (size_t j = 0; j < nx; j++)
            m = fmax(m, c[i * nx + j]);
        ps += m;
    }
    for (size_t j = 0; j < nx; j++) {
        double m = -INFINITY;
        for (size_t i = 0; i < ny; i++)
            m = fmax(m, c[i * nx + j]);
        rs += m;
    }
    *p = ps / ny;
    *r = rs / nx;
    free(c);
}

// ---- cosine / NMSE / SNR -------------------------------------------------------

static void test_cosine_nmse_hand_values(void **state)
{
    (void)state;
    const float x[4] = {1, 2, 3, 4}, y[4] = {1, 2, 3, 0};
    double cs, nm;
    assert_int_equal(fl_metrics_cosine(x, y, 4, &cs), 0);
    // <x,y> = 1+4+9 = 14, ‖x‖² = 30, ‖y‖² = 14: cos = 14/sqrt(420)
    assert_true(fabs(cs - 14.0 / sqrt(420.0)) < 1e-12);
    assert_int_equal(fl_metrics_nmse(x, y, 4, &nm), 0);
    // ‖x − y‖² = 16, ‖x‖² = 30
    assert_true(fabs(nm - 16.0 / 30.0) < 1e-12);
    // −10 log10(8/15) = 2.7300127... dB
    assert_true(fabs(fl_metrics_snr_db(nm) - 2.7300127206373764) < 1e-9);

    const float z[4] = {0, 0, 0, 0};
    assert_int_equal(fl_metrics_cosine(x, z, 4, &cs), 0);
    assert_true(cs == 0.0);  // zero vector: cosine 0 by definition
    assert_int_equal(fl_metrics_cosine(z, z, 4, &cs), 0);
    assert_true(cs == 0.0);
    assert_int_equal(fl_metrics_nmse(z, x, 4, &nm), -ERANGE);
    const float neg[4] = {-2, -4, -6, -8};
    assert_int_equal(fl_metrics_cosine(x, neg, 4, &cs), 0);
    assert_true(fabs(cs + 1.0) < 1e-12);
}

static void test_snr_exact_match_is_inf(void **state)
{
    (void)state;
    const float x[3] = {0.5f, -1.0f, 2.0f};
    double nm;
    assert_int_equal(fl_metrics_nmse(x, x, 3, &nm), 0);
    assert_true(nm == 0.0);
    assert_true(isinf(fl_metrics_snr_db(nm)) && fl_metrics_snr_db(nm) > 0);
    assert_true(isnan(fl_metrics_snr_db(-1.0)));
    assert_true(fabs(fl_metrics_snr_db(0.1) - 10.0) < 1e-12);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    const float x[4] = {1, 2, 3, 4};
    double v;
    metrics_report r;
    assert_int_equal(fl_metrics_cosine(NULL, x, 4, &v), -EINVAL);
    assert_int_equal(fl_metrics_cosine(x, x, 0, &v), -EINVAL);
    assert_int_equal(fl_metrics_nmse(x, NULL, 4, &v), -EINVAL);
    assert_int_equal(fl_metrics_greedy_match(x, 0, x, 1, 4, &v, NULL, NULL), -EINVAL);
    assert_int_equal(fl_metrics_greedy_match(x, 1, x, 1, 0, &v, NULL, NULL), -EINVAL);
    assert_int_equal(fl_metrics_greedy_match(NULL, 1, x, 1, 4, &v, NULL, NULL), -EINVAL);
    assert_int_equal(fl_metrics_cka(x, 2, x, 2, 1, &v), -EINVAL);
    assert_int_equal(fl_metrics_cka(x, 0, x, 2, 2, &v), -EINVAL);
    assert_int_equal(fl_metrics_compute(NULL, x, 1, x, 1, 4, METRICS_ALL, NULL), -EINVAL);
    assert_int_equal(fl_metrics_compute(NULL, x, 0, x, 1, 4, METRICS_ALL, &r), -EINVAL);
}

// ---- greedy matching --------------------------------------------------------------

static void test_greedy_identical_is_one(void **state)
{
    (void)state;
    rng_seed(11);
    size_t n = 50, d = 16;
    float *x = rand_tensor(n, d, 0.0);
    double p, r, f;
    assert_int_equal(fl_metrics_greedy_match(x, n, x, n, d, &p, &r, &f), 0);
    assert_true(fabs(p - 1.0) < 1e-6);
    assert_true(fabs(r - 1.0) < 1e-6);
    assert_true(fabs(f - 1.0) < 1e-6);
    free(x);
}

static void test_greedy_hand_case_3_vs_2(void **state)
{
    (void)state;
    // Original X, 3 tokens in 2-D; received Y, 2 tokens.
    const float x[6] = {1, 0, 0, 2, 3, 4};
    const float y[4] = {1, 1, -1, 0};
    // Unit tokens: x1=(1,0) x2=(0,1) x3=(0.6,0.8); y1=(1,1)/√2, y2=(-1,0).
    // cos(y1,x1)=1/√2, cos(y1,x2)=1/√2, cos(y1,x3)=1.4/√2
    // cos(y2,x1)=-1,   cos(y2,x2)=0,    cos(y2,x3)=-0.6
    // P = (max row y1 + max row y2)/2 = (1.4/√2 + 0)/2 = 0.7/√2
    // R = (1/√2 + 1/√2 + 1.4/√2)/3 = 3.4/(3√2)
    double pe = 0.7 / sqrt(2.0), re = 3.4 / (3.0 * sqrt(2.0));
    double fe = 2.0 * pe * re / (pe + re);
    double p, r, f;
    assert_int_equal(fl_metrics_greedy_match(x, 3, y, 2, 2, &p, &r, &f), 0);
    assert_true(fabs(p - pe) < 1e-6);
    assert_true(fabs(r - re) < 1e-6);
    assert_true(fabs(f - fe) < 1e-6);
}

static void test_greedy_zero_token_scores_zero(void **state)
{
    (void)state;
    // X = {(-1,0)}, Y = {(1,0), (0,0)}: cos(y1,x1) = -1, cos(zero, x1) = 0.
    // P = (-1 + 0)/2 = -0.5; R = max(-1, 0) = 0; F1 = 2PR/(P+R) = 0.
    const float x[2] = {-1, 0}, y[4] = {1, 0, 0, 0};
    double p, r, f;
    assert_int_equal(fl_metrics_greedy_match(x, 1, y, 2, 2, &p, &r, &f), 0);
    assert_true(fabs(p + 0.5) < 1e-7);
    assert_true(fabs(r) < 1e-7);
    assert_true(fabs(f) < 1e-7);
    // all-zero received tensor: every cosine 0, P = R = 0, F1 defined as 0
    const float z[4] = {0, 0, 0, 0};
    assert_int_equal(fl_metrics_greedy_match(y, 1, z, 2, 2, &p, &r, &f), 0);
    assert_true(p == 0.0 && r == 0.0 && f == 0.0);
}

static void test_greedy_symmetry(void **state)
{
    (void)state;
    rng_seed(12);
    size_t nx = 37, ny = 23, d = 12;
    float *x = rand_tensor(nx, d, 0.3), *y = rand_tensor(ny, d, 0.3);
    double p1, r1, p2, r2;
    assert_int_equal(fl_metrics_greedy_match(x, nx, y, ny, d, &p1, &r1, NULL), 0);
    assert_int_equal(fl_metrics_greedy_match(y, ny, x, nx, d, &p2, &r2, NULL), 0);
    // P(X,Y) = R(Y,X) and R(X,Y) = P(Y,X) (float cosines: tolerance 1e-6)
    assert_true(fabs(p1 - r2) < 1e-6);
    assert_true(fabs(r1 - p2) < 1e-6);
    free(x);
    free(y);
}

static void test_greedy_order_and_scale_invariant(void **state)
{
    (void)state;
    rng_seed(13);
    size_t nx = 40, ny = 29, d = 10;
    float *x = rand_tensor(nx, d, 0.0), *y = rand_tensor(ny, d, 0.0);
    float *x2 = malloc(nx * d * sizeof *x2), *y2 = malloc(ny * d * sizeof *y2);
    assert_non_null(x2);
    assert_non_null(y2);
    // x2 = reversed token order of x, each token scaled by a positive factor;
    // y2 = y rotated by 7 tokens, scaled.
    for (size_t t = 0; t < nx; t++) {
        float s = (float)(0.01 + 100.0 * rng_unif());
        for (size_t k = 0; k < d; k++)
            x2[t * d + k] = s * x[(nx - 1 - t) * d + k];
    }
    for (size_t t = 0; t < ny; t++) {
        float s = (float)(0.01 + 100.0 * rng_unif());
        for (size_t k = 0; k < d; k++)
            y2[t * d + k] = s * y[((t + 7) % ny) * d + k];
    }
    double p1, r1, f1, p2, r2, f2;
    assert_int_equal(fl_metrics_greedy_match(x, nx, y, ny, d, &p1, &r1, &f1), 0);
    assert_int_equal(fl_metrics_greedy_match(x2, nx, y2, ny, d, &p2, &r2, &f2), 0);
    assert_true(fabs(p1 - p2) < 1e-6);
    assert_true(fabs(r1 - r2) < 1e-6);
    assert_true(fabs(f1 - f2) < 1e-6);
    free(x); free(y); free(x2); free(y2);
}

static void check_against_brute_force(size_t nx, size_t ny, size_t d)
{
    float *x = rand_tensor(nx, d, 0.2), *y = rand_tensor(ny, d, -0.1);
    memset(x + 5 * d, 0, d * sizeof *x);  // zero tokens on both sides
    memset(y + (ny - 3) * d, 0, d * sizeof *y);
    double p, r, f, pr, rr;
    assert_int_equal(fl_metrics_greedy_match(x, nx, y, ny, d, &p, &r, &f), 0);
    greedy_ref(x, nx, y, ny, d, &pr, &rr);
    assert_true(fabs(p - pr) < 1e-6);
    assert_true(fabs(r - rr) < 1e-6);
    assert_true(fabs(f - 2 * pr * rr / (pr + rr)) < 1e-6);
    free(x);
    free(y);
}

static void test_greedy_matches_brute_force_across_tiles(void **state)
{
    (void)state;
    rng_seed(14);
    // whole matrix cached (nx ny <= METRICS_CACHE_ELEMS)
    check_against_brute_force(METRICS_TILE_COLS + 37, METRICS_TILE_ROWS + 45, 6);
    // tiled path: more entries than METRICS_CACHE_ELEMS, more rows than
    // METRICS_TILE_ROWS and columns than METRICS_TILE_COLS, partial last tiles
    size_t nx = METRICS_TILE_COLS + 37;
    check_against_brute_force(nx, METRICS_CACHE_ELEMS / nx + 45, 3);
}

// A merged tensor expanded to the grid repeats each centre; duplicates are
// refined once, the result must still equal the brute force.
static void test_greedy_repeated_tokens(void **state)
{
    (void)state;
    rng_seed(16);
    size_t n = 90, d = 16, nc = 7;
    float *x = rand_tensor(n, d, 0.4), *c = rand_tensor(nc, d, 0.4);
    float *y = malloc(n * d * sizeof *y);
    assert_non_null(y);
    for (size_t t = 0; t < n; t++)
        memcpy(y + t * d, c + (t * 5 % nc) * d, d * sizeof *y);
    memcpy(x + 10 * d, x + 20 * d, d * sizeof *x);  // a duplicate in X too
    double p, r, f, pr, rr;
    assert_int_equal(fl_metrics_greedy_match(x, n, y, n, d, &p, &r, &f), 0);
    greedy_ref(x, n, y, n, d, &pr, &rr);
    assert_true(fabs(p - pr) < 1e-6);
    assert_true(fabs(r - rr) < 1e-6);
    assert_int_equal(fl_metrics_greedy_match(x, n, c, nc, d, &p, &r, &f), 0);
    greedy_ref(x, n, c, nc, d, &pr, &rr);
    assert_true(fabs(r - rr) < 1e-6);  // same recall as the expanded tensor's
    free(x); free(c); free(y);
}

// DESIGN §5: same inputs, bit-identical outputs whatever the thread count;
// OpenBLAS's sgemm sums differ with its thread count, the refinement hides it.
static void test_greedy_bit_identical_across_blas_threads(void **state)
{
    (void)state;
    rng_seed(17);
    size_t nx = 300, ny = 200, d = 512;
    float *x = rand_tensor(nx, d, 0.3), *y = rand_tensor(ny, d, 0.3);
    int saved = openblas_get_num_threads();
    const int th[3] = {1, 2, 5};
    double v[3][3];
    for (int t = 0; t < 3; t++) {
        openblas_set_num_threads(th[t]);
        assert_int_equal(fl_metrics_greedy_match(x, nx, y, ny, d, &v[t][0], &v[t][1], &v[t][2]), 0);
    }
    openblas_set_num_threads(saved);
    for (int t = 1; t < 3; t++)
        assert_memory_equal(v[0], v[t], sizeof v[0]);
    free(x);
    free(y);
}

// CKA relies on OpenBLAS dsyrk/dgemm splitting only the output among
// threads (each entry one full-length sum), so it too must not change with
// the thread count; both the Gram and the feature form are checked.
static void test_cka_bit_identical_across_blas_threads(void **state)
{
    (void)state;
    rng_seed(18);
    const size_t cases[2][2] = {{200, 300}, {700, 96}};  // (n, d)
    int saved = openblas_get_num_threads();
    for (int c = 0; c < 2; c++) {
        size_t n = cases[c][0], d = cases[c][1];
        float *x = rand_tensor(n, d, 0.3), *y = rand_tensor(n, d, 0.3);
        for (size_t i = 0; i < n * d; i++)
            y[i] += x[i];
        const int th[3] = {1, 2, 5};
        double v[3];
        for (int t = 0; t < 3; t++) {
            openblas_set_num_threads(th[t]);
            assert_int_equal(fl_metrics_cka(x, d, y, d, n, &v[t]), 0);
        }
        assert_memory_equal(&v[0], &v[1], sizeof v[0]);
        assert_memory_equal(&v[0], &v[2], sizeof v[0]);
        free(x);
        free(y);
    }
    openblas_set_num_threads(saved);
}

// Drop (zero) round(f n) tokens chosen uniformly at random from a fresh
// "clip-like" tensor (common mean + noise), draws independent across f.
// Precision has the closed form 1 − k/n (kept tokens match themselves with
// cosine 1, zero tokens score 0); recall and F1 must fall as f grows: for each
// consecutive pair of f values the difference of the means must be positive
// with z = Δ / sqrt(se1² + se2²) > 4.
static void test_greedy_falls_with_drop_fraction(void **state)
{
    (void)state;
    rng_seed(15);
    enum { NF = 6, DRAWS = 24 };
    const double fs[NF] = {0.0, 0.15, 0.3, 0.45, 0.6, 0.75};
    const size_t n = 64, d = 24;
    double mean[3][NF], se[3][NF];
    float *y = malloc(n * d * sizeof *y);
    size_t *perm = malloc(n * sizeof *perm);
    assert_non_null(y);
    assert_non_null(perm);
    for (int fi = 0; fi < NF; fi++) {
        size_t k = (size_t)lround(fs[fi] * (double)n);
        double s[3] = {0}, s2[3] = {0};
        for (int dr = 0; dr < DRAWS; dr++) {
            float *x = rand_tensor(n, d, 0.5);
            memcpy(y, x, n * d * sizeof *y);
            for (size_t i = 0; i < n; i++)
                perm[i] = i;
            for (size_t i = 0; i < k; i++) {  // partial Fisher-Yates
                size_t j = i + (size_t)(rng_unif() * (double)(n - i));
                size_t t = perm[i]; perm[i] = perm[j]; perm[j] = t;
                memset(y + perm[i] * d, 0, d * sizeof *y);
            }
            double v[3];
            assert_int_equal(fl_metrics_greedy_match(x, n, y, n, d, &v[0], &v[1], &v[2]), 0);
            assert_true(fabs(v[0] - (1.0 - (double)k / (double)n)) < 1e-6);
            for (int m = 0; m < 3; m++) {
                s[m] += v[m];
                s2[m] += v[m] * v[m];
            }
            free(x);
        }
        for (int m = 0; m < 3; m++) {
            mean[m][fi] = s[m] / DRAWS;
            double var = (s2[m] - DRAWS * mean[m][fi] * mean[m][fi]) / (DRAWS - 1);
            se[m][fi] = sqrt(fmax(var, 0.0) / DRAWS);
        }
    }
    for (int m = 0; m < 3; m++)
        for (int fi = 0; fi + 1 < NF; fi++) {
            double diff = mean[m][fi] - mean[m][fi + 1];
            double sd = sqrt(se[m][fi] * se[m][fi] + se[m][fi + 1] * se[m][fi + 1]);
            if (sd < 1e-9)  // precision: no sampling noise, exact step k/n
                assert_true(diff > 0.1);
            else
                assert_true(diff / sd > 4.0);
        }
    free(y);
    free(perm);
}

// ---- CKA -----------------------------------------------------------------------

// Direct double-loop linear CKA: centre, then ‖YᵀX‖², ‖XᵀX‖, ‖YᵀY‖ by loops.
static double cka_ref(const float *x, size_t dx, const float *y, size_t dy, size_t n)
{
    double *xc = malloc(n * dx * sizeof *xc), *yc = malloc(n * dy * sizeof *yc);
    assert_non_null(xc);
    assert_non_null(yc);
    for (size_t k = 0; k < dx; k++) {
        double m = 0;
        for (size_t i = 0; i < n; i++) m += x[i * dx + k];
        m /= n;
        for (size_t i = 0; i < n; i++) xc[i * dx + k] = x[i * dx + k] - m;
    }
    for (size_t k = 0; k < dy; k++) {
        double m = 0;
        for (size_t i = 0; i < n; i++) m += y[i * dy + k];
        m /= n;
        for (size_t i = 0; i < n; i++) yc[i * dy + k] = y[i * dy + k] - m;
    }
    double yx = 0, xx = 0, yy = 0;
    for (size_t a = 0; a < dy; a++)
        for (size_t b = 0; b < dx; b++) {
            double s = 0;
            for (size_t i = 0; i < n; i++) s += yc[i * dy + a] * xc[i * dx + b];
            yx += s * s;
        }
    for (size_t a = 0; a < dx; a++)
        for (size_t b = 0; b < dx; b++) {
            double s = 0;
            for (size_t i = 0; i < n; i++) s += xc[i * dx + a] * xc[i * dx + b];
            xx += s * s;
        }
    for (size_t a = 0; a < dy; a++)
        for (size_t b = 0; b < dy; b++) {
            double s = 0;
            for (size_t i = 0; i < n; i++) s += yc[i * dy + a] * yc[i * dy + b];
            yy += s * s;
        }
    free(xc);
    free(yc);
    return yx / (sqrt(xx) * sqrt(yy));
}

static void test_cka_matches_double_loop_reference(void **state)
{
    (void)state;
    rng_seed(21);
    // (n, dx, dy): Gram form (n < dx+dy) and feature form (n >= dx+dy)
    const size_t cases[4][3] = {{12, 5, 9}, {40, 5, 9}, {3, 8, 8}, {64, 3, 2}};
    for (int c = 0; c < 4; c++) {
        size_t n = cases[c][0], dx = cases[c][1], dy = cases[c][2];
        float *x = rand_tensor(n, dx, 1.0), *y = rand_tensor(n, dy, -0.5);
        // correlate Y with X so CKA is well inside (0, 1)
        for (size_t i = 0; i < n; i++)
            y[i * dy] += 2.0f * x[i * dx];
        double v, ref = cka_ref(x, dx, y, dy, n);
        assert_int_equal(fl_metrics_cka(x, dx, y, dy, n, &v), 0);
        assert_true(fabs(v - ref) < 1e-10 * fmax(1.0, ref));
        assert_true(v > 0.0 && v < 1.0);
        free(x);
        free(y);
    }
}

static void test_cka_orthogonal_and_scale_invariant(void **state)
{
    (void)state;
    rng_seed(22);
    const size_t d = 8;
    // random orthogonal Q: Gram-Schmidt of a Gaussian matrix, in double
    double q[8][8];
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
            q[i][j] = rng_gauss();
    for (size_t i = 0; i < d; i++) {
        for (size_t j = 0; j < i; j++) {
            double dot = 0;
            for (size_t k = 0; k < d; k++) dot += q[i][k] * q[j][k];
            for (size_t k = 0; k < d; k++) q[i][k] -= dot * q[j][k];
        }
        double nn = 0;
        for (size_t k = 0; k < d; k++) nn += q[i][k] * q[i][k];
        for (size_t k = 0; k < d; k++) q[i][k] /= sqrt(nn);
    }
    const size_t ns[2] = {10, 100};  // Gram form and feature form
    for (int c = 0; c < 2; c++) {
        size_t n = ns[c];
        float *x = rand_tensor(n, d, 0.7);
        float *y = malloc(n * d * sizeof *y), *s = malloc(n * d * sizeof *s);
        assert_non_null(y);
        assert_non_null(s);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < d; j++) {
                double acc = 0;
                for (size_t k = 0; k < d; k++) acc += x[i * d + k] * q[k][j];
                y[i * d + j] = (float)acc;                // Y = X Q
                s[i * d + j] = 3.5f * x[i * d + j] + 2.0f; // isotropic scale + shift
            }
        double v;
        assert_int_equal(fl_metrics_cka(x, d, y, d, n, &v), 0);
        assert_true(fabs(v - 1.0) < 1e-5);  // float rounding of Y only
        assert_int_equal(fl_metrics_cka(x, d, s, d, n, &v), 0);
        assert_true(fabs(v - 1.0) < 1e-5);
        assert_int_equal(fl_metrics_cka(x, d, x, d, n, &v), 0);
        assert_true(fabs(v - 1.0) < 1e-12);
        free(x); free(y); free(s);
    }
}

static void test_cka_degenerate(void **state)
{
    (void)state;
    rng_seed(23);
    size_t n = 6, d = 3;
    float *x = rand_tensor(n, d, 0.0);
    float c[18];
    for (size_t i = 0; i < n * d; i++)
        c[i] = (float)(i % d) + 0.1f;  // every token identical: constant columns
    double v;
    assert_int_equal(fl_metrics_cka(x, d, c, d, n, &v), -ERANGE);
    assert_int_equal(fl_metrics_cka(c, d, x, d, n, &v), -ERANGE);
    metrics_report r;
    float z[18] = {0};
    assert_int_equal(fl_metrics_compute(NULL, x, n, z, n, d, METRICS_ALL, &r), 0);
    assert_true(r.cka == 0.0);  // everything lost: CKA scores 0
    assert_true(r.cosine == 0.0);
    assert_true(fabs(r.nmse - 1.0) < 1e-12);
    assert_int_equal(fl_metrics_compute(NULL, c, n, x, n, d, METRICS_CKA, &r), 0);
    assert_true(isnan(r.cka));
    free(x);
}

// ---- fl_metrics_compute / fl_metrics_normalise -------------------------------------------

static void test_compute_different_token_counts(void **state)
{
    (void)state;
    const float x[6] = {1, 0, 0, 2, 3, 4};
    const float y[4] = {1, 1, -1, 0};
    metrics_report r;
    assert_int_equal(fl_metrics_compute(NULL, x, 3, y, 2, 2, METRICS_ALL, &r), 0);
    assert_true(isnan(r.cosine) && isnan(r.nmse) && isnan(r.snr_db) && isnan(r.cka));
    assert_true(fabs(r.precision - 0.7 / sqrt(2.0)) < 1e-6);
    assert_true(fabs(r.recall - 3.4 / (3.0 * sqrt(2.0))) < 1e-6);
    assert_int_equal(fl_metrics_compute(NULL, x, 3, x, 3, 2, 0, &r), 0);
    assert_true(isnan(r.precision) && isnan(r.f1) && isnan(r.cosine));
}

static void test_compute_same_grid_all_fields(void **state)
{
    (void)state;
    // X = 2 tokens (1,2),(3,4); Y = (1,2),(3,0)
    const float x[4] = {1, 2, 3, 4}, y[4] = {1, 2, 3, 0};
    metrics_report r;
    assert_int_equal(fl_metrics_compute(NULL, x, 2, y, 2, 2, METRICS_ALL, &r), 0);
    assert_true(fabs(r.cosine - 14.0 / sqrt(420.0)) < 1e-12);
    assert_true(fabs(r.nmse - 16.0 / 30.0) < 1e-12);
    assert_true(fabs(r.snr_db - 2.7300127206373764) < 1e-9);
    // unit x1=(1,2)/√5, x2=(3,4)/5; y1=x1 direction, y2=(1,0)
    // cos(y1,x1)=1, cos(y1,x2)=11/(5√5), cos(y2,x1)=1/√5, cos(y2,x2)=0.6
    // P = (1 + 0.6)/2 = 0.8; R = (1 + 11/(5√5))/2
    double re = (1.0 + 11.0 / (5.0 * sqrt(5.0))) / 2.0;
    assert_true(fabs(r.precision - 0.8) < 1e-6);
    assert_true(fabs(r.recall - re) < 1e-6);
    assert_true(fabs(r.f1 - 1.6 * re / (0.8 + re)) < 1e-6);
    // n = 2: centred X = ±(1,1), centred Y = ±(1,-1); K = L = [[2,-2],[-2,2]]
    // (rank one), so <K,L> = 16 = ‖K‖ ‖L‖: CKA = 1 (any two-token pair)
    assert_true(fabs(r.cka - 1.0) < 1e-12);
}

static void test_normalise_by_reference(void **state)
{
    (void)state;
    metrics_report raw = {0.9, 0.2, fl_metrics_snr_db(0.2), 0.6, 0.8, 2 * 0.6 * 0.8 / 1.4, 0.5};
    metrics_report same = {0.95, 0.1, 10.0, 0.75, 0.8, 0.8, 0.625};
    metrics_report clean = {1.0, 0.0, INFINITY, 1.0, 1.0, 1.0, 1.0};
    metrics_report o;
    fl_metrics_normalise(&raw, &same, &o);
    assert_true(fabs(o.cosine - 0.9 / 0.95) < 1e-15);
    assert_true(fabs(o.precision - 0.8) < 1e-15);
    assert_true(fabs(o.recall - 1.0) < 1e-15);
    assert_true(fabs(o.f1 - (2 * 0.6 * 0.8 / 1.4) / 0.8) < 1e-15);
    assert_true(fabs(o.cka - 0.8) < 1e-15);
    assert_true(fabs(o.nmse - 2.0) < 1e-15);              // twice the reference error
    assert_true(fabs(o.snr_db + 10.0 * log10(2.0)) < 1e-12); // 3.01 dB worse
    fl_metrics_normalise(&raw, &clean, &o);  // clean: similarities /1, errors unchanged
    assert_true(o.cosine == raw.cosine && o.precision == raw.precision);
    assert_true(o.nmse == raw.nmse && o.snr_db == raw.snr_db);
    fl_metrics_normalise(&raw, &raw, &raw);  // aliasing allowed
    assert_true(fabs(raw.f1 - 1.0) < 1e-15 && fabs(raw.nmse - 1.0) < 1e-15);
    assert_true(raw.snr_db == 0.0);
}

static void test_clean_reference_from_compute(void **state)
{
    (void)state;
    rng_seed(31);
    size_t n = 20, d = 8;
    float *x = rand_tensor(n, d, 0.2);
    memset(x + 3 * d, 0, d * sizeof *x);  // one zero token: its self-cosine is 0
    metrics_report clean;
    assert_int_equal(fl_metrics_compute(NULL, x, n, x, n, d, METRICS_ALL, &clean), 0);
    assert_true(fabs(clean.precision - 19.0 / 20.0) < 1e-6);
    assert_true(fabs(clean.recall - 19.0 / 20.0) < 1e-6);
    assert_true(clean.nmse == 0.0 && isinf(clean.snr_db));
    assert_true(fabs(clean.cka - 1.0) < 1e-12);
    free(x);
}

// A workspace reused across calls of growing and shrinking shapes (both CKA
// forms, several tiles) gives the same reports, bit for bit, as fresh scratch.
static void test_workspace_reuse_matches_fresh(void **state)
{
    (void)state;
    rng_seed(41);
    const size_t shapes[5][3] = {{5, 5, 3}, {300, 300, 9}, {40, 17, 6}, {260, 260, 200}, {3, 3, 2}};
    metrics_ws *ws = NULL;
    assert_int_equal(fl_metrics_ws_create(&ws), 0);
    for (int c = 0; c < 5; c++) {
        size_t nx = shapes[c][0], ny = shapes[c][1], d = shapes[c][2];
        float *x = rand_tensor(nx, d, 0.3), *y = rand_tensor(ny, d, 0.3);
        if (nx == ny)
            for (size_t i = 0; i < nx * d; i++)
                y[i] = 0.5f * y[i] + x[i];
        metrics_report a, b;
        assert_int_equal(fl_metrics_compute(ws, x, nx, y, ny, d, METRICS_ALL, &a), 0);
        assert_int_equal(fl_metrics_compute(NULL, x, nx, y, ny, d, METRICS_ALL, &b), 0);
        assert_memory_equal(&a, &b, sizeof a);
        assert_true(nx != ny || (a.cka > 0.0 && a.cka < 1.0));
        free(x);
        free(y);
    }
    fl_metrics_ws_destroy(ws);
    fl_metrics_ws_destroy(NULL);
    assert_int_equal(fl_metrics_ws_create(NULL), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cosine_nmse_hand_values),
        cmocka_unit_test(test_snr_exact_match_is_inf),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_greedy_identical_is_one),
        cmocka_unit_test(test_greedy_hand_case_3_vs_2),
        cmocka_unit_test(test_greedy_zero_token_scores_zero),
        cmocka_unit_test(test_greedy_symmetry),
        cmocka_unit_test(test_greedy_order_and_scale_invariant),
        cmocka_unit_test(test_greedy_matches_brute_force_across_tiles),
        cmocka_unit_test(test_greedy_repeated_tokens),
        cmocka_unit_test(test_greedy_bit_identical_across_blas_threads),
        cmocka_unit_test(test_cka_bit_identical_across_blas_threads),
        cmocka_unit_test(test_greedy_falls_with_drop_fraction),
        cmocka_unit_test(test_cka_matches_double_loop_reference),
        cmocka_unit_test(test_cka_orthogonal_and_scale_invariant),
        cmocka_unit_test(test_cka_degenerate),
        cmocka_unit_test(test_compute_different_token_counts),
        cmocka_unit_test(test_compute_same_grid_all_fields),
        cmocka_unit_test(test_normalise_by_reference),
        cmocka_unit_test(test_clean_reference_from_compute),
        cmocka_unit_test(test_workspace_reuse_matches_fresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
