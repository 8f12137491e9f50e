/* test_merge: DPC-KNN merging (codec/merge) against the direct O(n² d)
 * reference, a hand-computed case, identity, pooling and bad input. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cblas.h>
#include <Random123/philox.h>

#include "codec/merge.h"

/* ------------------------------------------------------------ helpers -- */

// Uniform in (0,1) from Philox4x32-10, counter (i, 0, purpose, 0), key (seed, 0).
static double u01(uint32_t seed, uint64_t i, uint32_t purpose)
{
    philox4x32_ctr_t c = {{(uint32_t)i, (uint32_t)(i >> 32), purpose, 0}};
    philox4x32_key_t k = {{seed, 0}};
    philox4x32_ctr_t r = philox4x32(c, k);
    return ((double)r.v[0] + 0.5) / 4294967296.0;
}

static double gauss(uint32_t seed, uint64_t i, uint32_t purpose)
{
    // Box-Muller (Box & Muller 1958)
    double a = u01(seed, 2 * i, purpose), b = u01(seed, 2 * i + 1, purpose);
    return sqrt(-2.0 * log(a)) * cos(2.0 * M_PI * b);
}

enum { KIND_GAUSS, KIND_BLOBS, KIND_DUPS, KIND_GRID, KIND_OFFSET, KIND_SAME };

// patches x n x d floats of the given kind.
static float *make_data(int kind, uint32_t seed, size_t patches, size_t n,
                        size_t d)
{
    float *x = malloc(patches * n * d * sizeof *x);
    assert_non_null(x);
    size_t total = patches * n * d;
    for (size_t e = 0; e < total; e++) {
        size_t p = e / (n * d), i = (e / d) % n, k = e % d;
        double v;
        switch (kind) {
        case KIND_GAUSS:
            v = gauss(seed, e, 1);
            break;
        case KIND_BLOBS: {   // 4 blobs, centres ±3, spread 0.3
            size_t b = (size_t)(u01(seed, p * n + i, 2) * 4.0);
            v = 3.0 * (2.0 * u01(seed, b * d + k + 1000000u * p, 3) - 1.0) +
                0.3 * gauss(seed, e, 4);
            break;
        }
        case KIND_DUPS: {   // rows copied from a pool of n/3 + 1 distinct rows
            size_t src = (size_t)(u01(seed, p * n + i, 5) * (double)(n / 3 + 1));
            v = gauss(seed, (p * n + src) * d + k, 6);
            break;
        }
        case KIND_GRID:   // small integers: many exactly equal distances
            v = floor(u01(seed, e, 7) * 3.0);
            break;
        case KIND_OFFSET:   // large common offset, tiny spread: Gram cancels
            v = 1000.0 + 1e-2 * gauss(seed, e, 8);
            break;
        default:   // every token identical
            v = gauss(seed, p * d + k, 9);
            break;
        }
        x[e] = (float)v;
    }
    return x;
}

// Runs fast and reference on x and requires identical outputs.
static void check_fast_equals_ref(const float *x, size_t patches, size_t n,
                                  size_t d, size_t nc, size_t k)
{
    merge_t q = fl_merge_create(n, d, nc, k);
    assert_non_null(q);
    size_t ncf = fl_merge_clusters(q);
    assert_int_equal(ncf, nc < n ? nc : n);
    float *y1 = malloc(patches * ncf * d * sizeof *y1);
    float *y2 = malloc(patches * ncf * d * sizeof *y2);
    int32_t *a1 = malloc(patches * n * sizeof *a1);
    int32_t *a2 = malloc(patches * n * sizeof *a2);
    int32_t *s1 = malloc(patches * ncf * sizeof *s1);
    int32_t *s2 = malloc(patches * ncf * sizeof *s2);
    int32_t *c1 = malloc(patches * ncf * sizeof *c1);
    int32_t *c2 = malloc(patches * ncf * sizeof *c2);
    assert_int_equal(fl_merge_execute(q, x, patches, y1, a1, s1, c1), 0);
    assert_int_equal(
        fl_merge_reference(x, patches, n, d, nc, k, y2, a2, s2, c2), 0);
    assert_memory_equal(c1, c2, patches * ncf * sizeof *c1);
    assert_memory_equal(a1, a2, patches * n * sizeof *a1);
    assert_memory_equal(s1, s2, patches * ncf * sizeof *s1);
    assert_memory_equal(y1, y2, patches * ncf * d * sizeof *y1);
    // Running again on the same object gives the same result (no state).
    assert_int_equal(fl_merge_execute(q, x, patches, y2, a2, s2, c2), 0);
    assert_memory_equal(a1, a2, patches * n * sizeof *a1);
    free(y1); free(y2); free(a1); free(a2);
    free(s1); free(s2); free(c1); free(c2);
    fl_merge_destroy(q);
}

/* -------------------------------------------------------------- tests -- */

static void test_fast_equals_reference_random(void **state)
{
    (void)state;
    static const size_t sz[][4] = {   // n, d, nc, K
        {2, 1, 1, 1},    {3, 2, 2, 5},    {10, 3, 3, 1},   {10, 16, 4, 9},
        {50, 8, 5, 5},   {64, 64, 8, 3},  {200, 32, 16, 5}, {120, 1, 7, 4},
        {97, 33, 96, 2}, {150, 12, 1, 6},  {100, 6, 5, 40}, {60, 4, 3, 200},
    };
    for (size_t s = 0; s < sizeof sz / sizeof sz[0]; s++) {
        float *x = make_data(KIND_GAUSS, 11 + (uint32_t)s, 2, sz[s][0], sz[s][1]);
        check_fast_equals_ref(x, 2, sz[s][0], sz[s][1], sz[s][2], sz[s][3]);
        free(x);
    }
}

static void test_fast_equals_reference_clustered(void **state)
{
    (void)state;
    for (uint32_t seed = 1; seed <= 3; seed++) {
        float *x = make_data(KIND_BLOBS, seed, 3, 100, 24);
        check_fast_equals_ref(x, 3, 100, 24, 4, 5);
        check_fast_equals_ref(x, 3, 100, 24, 12, 3);
        free(x);
    }
}

static void test_fast_equals_reference_ties(void **state)
{
    (void)state;
    // exact duplicate tokens
    float *x = make_data(KIND_DUPS, 5, 2, 90, 10);
    check_fast_equals_ref(x, 2, 90, 10, 6, 5);
    check_fast_equals_ref(x, 2, 90, 10, 40, 2);   // more centres than distinct
    free(x);
    // integer grid: many equal distances and equal densities
    x = make_data(KIND_GRID, 6, 2, 80, 3);
    check_fast_equals_ref(x, 2, 80, 3, 8, 4);
    free(x);
    // all tokens identical: every d² = 0, all decisions by index
    x = make_data(KIND_SAME, 7, 1, 40, 5);
    check_fast_equals_ref(x, 1, 40, 5, 3, 5);
    free(x);
}

static void test_fast_equals_reference_large_offset(void **state)
{
    (void)state;
    // ‖x‖² ≈ 1e6·d while d² ≈ 2e-4·d: the Gram expansion cancels almost all
    // digits, so most decisions fall back to exact distances.
    float *x = make_data(KIND_OFFSET, 8, 1, 60, 16);
    check_fast_equals_ref(x, 1, 60, 16, 5, 5);
    free(x);
}

/* Hand-computed: A(0,0) B(1,0) C(0,1) D(5,5) E(6,5), indices 0..4.
 * d²: AB=1 AC=1 AD=50 AE=61 BC=2 BD=41 BE=50 CD=41 CE=52 DE=1.
 *
 * K=1: every token has a neighbour at d²=1, so log ρ = -1 for all and the
 * density order is the index order A>B>C>D>E. δ: A (densest) = max = √61;
 * B: {A} -> 1; C: {A,B} -> min(1,√2) = 1; D: {A,B,C} -> min(√50,√41,√41) = √41;
 * E: -> min(√61,√50,√52,1) = 1. log ρ + log δ: A = -1 + ½ln61 = 1.055,
 * D = -1 + ½ln41 = 0.857, B = C = E = -1. n_c = 2: centres A, D.
 * B, C -> A (1 < 41, 1 < 41), E -> D (1 < 61). Means: (1/3, 1/3), (5.5, 5).
 *
 * K=2: log ρ: A = -(1+1)/2 = -1, B = -(1+2)/2 = -1.5, C = -1.5,
 * D = -(1+41)/2 = -21, E = -(1+50)/2 = -25.5. Order A, B, C (tie, lower index
 * denser), D, E. δ: A = √61, B = 1, C = min(AC, BC) = 1, D = √41, E = 1.
 * Score: A = 1.055, B = C = -1.5 (tie), D = -19.14, E = -25.5.
 * n_c = 3: centres A, B, C (C beats D). D: BD = CD = 41 -> tie -> B (lower
 * cluster number); E: BE = 50 < CE = 52 < AE = 61 -> B.
 * Clusters {A}, {B, D, E}, {C}; means (0,0), (4, 10/3), (0,1). */
static void test_same_result_any_blas_threads(void **state)
{
    (void)state;
    // A larger, SigLIP-like shape (d = 512): the Gram matrix is blocked and
    // threaded differently at 1 and 2 OpenBLAS threads, yet every decision
    // is taken on exact distances, so the outputs are identical and equal
    // to the reference.
    const size_t n = 256, d = 512, nc = 16, k = 5;
    float *x = make_data(KIND_BLOBS, 9, 1, n, d);
    int saved = openblas_get_num_threads();
    merge_t q = fl_merge_create(n, d, nc, k);
    assert_non_null(q);
    float *y1 = malloc(nc * d * sizeof *y1), *y2 = malloc(nc * d * sizeof *y2);
    int32_t a1[256], a2[256];
    openblas_set_num_threads(1);
    assert_int_equal(fl_merge_execute(q, x, 1, y1, a1, NULL, NULL), 0);
    openblas_set_num_threads(2);
    assert_int_equal(fl_merge_execute(q, x, 1, y2, a2, NULL, NULL), 0);
    openblas_set_num_threads(saved);
    assert_memory_equal(a1, a2, sizeof a1);
    assert_memory_equal(y1, y2, nc * d * sizeof *y1);
    assert_int_equal(fl_merge_reference(x, 1, n, d, nc, k, y2, a2, NULL, NULL), 0);
    assert_memory_equal(a1, a2, sizeof a1);
    assert_memory_equal(y1, y2, nc * d * sizeof *y1);
    free(y1);
    free(y2);
    free(x);
    fl_merge_destroy(q);
}

static void test_hand_computed_five_points(void **state)
{
    (void)state;
    const float x[10] = {0, 0, 1, 0, 0, 1, 5, 5, 6, 5};
    float y[6];
    int32_t a[5], s[3], c[3];

    merge_t q = fl_merge_create(5, 2, 2, 1);
    assert_non_null(q);
    assert_int_equal(fl_merge_execute(q, x, 1, y, a, s, c), 0);
    assert_int_equal(c[0], 0);
    assert_int_equal(c[1], 3);
    const int32_t a1[5] = {0, 0, 0, 1, 1};
    assert_memory_equal(a, a1, sizeof a1);
    assert_int_equal(s[0], 3);
    assert_int_equal(s[1], 2);
    assert_float_equal(y[0], 1.0 / 3.0, 1e-7);
    assert_float_equal(y[1], 1.0 / 3.0, 1e-7);
    assert_float_equal(y[2], 5.5, 0);
    assert_float_equal(y[3], 5.0, 0);
    fl_merge_destroy(q);

    q = fl_merge_create(5, 2, 3, 2);
    assert_non_null(q);
    assert_int_equal(fl_merge_execute(q, x, 1, y, a, s, c), 0);
    const int32_t c2[3] = {0, 1, 2};
    const int32_t a2[5] = {0, 1, 2, 1, 1};
    assert_memory_equal(c, c2, sizeof c2);
    assert_memory_equal(a, a2, sizeof a2);
    assert_int_equal(s[0], 1);
    assert_int_equal(s[1], 3);
    assert_int_equal(s[2], 1);
    assert_float_equal(y[0], 0.0, 0);
    assert_float_equal(y[1], 0.0, 0);
    assert_float_equal(y[2], 4.0, 0);
    assert_float_equal(y[3], 10.0 / 3.0, 1e-6);
    assert_float_equal(y[4], 0.0, 0);
    assert_float_equal(y[5], 1.0, 0);
    fl_merge_destroy(q);

    // the reference agrees
    assert_int_equal(fl_merge_reference(x, 1, 5, 2, 3, 2, y, a, s, c), 0);
    assert_memory_equal(a, a2, sizeof a2);
}

static void test_identity_when_clusters_cover_tokens(void **state)
{
    (void)state;
    const size_t n = 17, d = 5;
    float *x = make_data(KIND_GAUSS, 21, 2, n, d);
    for (size_t nc = n; nc <= n + 3; nc += 3) {
        merge_t q = fl_merge_create(n, d, nc, 5);
        assert_non_null(q);
        assert_int_equal(fl_merge_clusters(q), n);
        float y[2 * 17 * 5];
        int32_t a[2 * 17], s[2 * 17], c[2 * 17];
        assert_int_equal(fl_merge_execute(q, x, 2, y, a, s, c), 0);
        assert_memory_equal(y, x, sizeof y);
        for (size_t i = 0; i < 2 * n; i++) {
            assert_int_equal(a[i], (int32_t)(i % n));
            assert_int_equal(s[i], 1);
            assert_int_equal(c[i], (int32_t)(i % n));
        }
        fl_merge_destroy(q);
    }
    // one token per patch
    merge_t q = fl_merge_create(1, d, 4, 5);
    assert_non_null(q);
    float y[5];
    int32_t a[1];
    assert_int_equal(fl_merge_execute(q, x, 1, y, a, NULL, NULL), 0);
    assert_memory_equal(y, x, sizeof y);
    assert_int_equal(a[0], 0);
    fl_merge_destroy(q);
    free(x);
}

static void test_merged_is_cluster_mean_and_expand(void **state)
{
    (void)state;
    const size_t P = 2, n = 150, d = 20, nc = 9;
    float *x = make_data(KIND_BLOBS, 31, P, n, d);
    merge_t q = fl_merge_create(n, d, nc, 5);
    assert_non_null(q);
    float *y = malloc(P * nc * d * sizeof *y);
    float *xh = malloc(P * n * d * sizeof *xh);
    int32_t a[2 * 150], s[2 * 9], c[2 * 9];
    assert_int_equal(fl_merge_execute(q, x, P, y, a, s, c), 0);
    for (size_t p = 0; p < P; p++) {
        int32_t cnt[9] = {0};
        for (size_t i = 0; i < n; i++) {
            assert_in_range(a[p * n + i], 0, (int64_t)nc - 1);
            cnt[a[p * n + i]]++;
        }
        for (size_t cc = 0; cc < nc; cc++) {
            assert_int_equal(cnt[cc], s[p * nc + cc]);
            assert_true(cnt[cc] >= 1);
            // a centre belongs to its own cluster; centres ascend
            assert_int_equal(a[p * n + (size_t)c[p * nc + cc]], (int32_t)cc);
            if (cc)
                assert_true(c[p * nc + cc] > c[p * nc + cc - 1]);
            for (size_t k = 0; k < d; k++) {
                double m = 0.0;
                for (size_t i = 0; i < n; i++)
                    if (a[p * n + i] == (int32_t)cc)
                        m += x[(p * n + i) * d + k];
                m /= cnt[cc];
                assert_float_equal(y[(p * nc + cc) * d + k], m,
                                   1e-6 * (1.0 + fabs(m)));
            }
        }
        // every non-centre token is at least as close to its centre as to
        // any other centre
        for (size_t i = 0; i < n; i++) {
            const float *xi = x + (p * n + i) * d;
            double own = 0.0;
            const float *co = x + (p * n + (size_t)c[p * nc + a[p * n + i]]) * d;
            for (size_t k = 0; k < d; k++)
                own += ((double)xi[k] - co[k]) * ((double)xi[k] - co[k]);
            for (size_t cc = 0; cc < nc; cc++) {
                const float *cx = x + (p * n + (size_t)c[p * nc + cc]) * d;
                double o = 0.0;
                for (size_t k = 0; k < d; k++)
                    o += ((double)xi[k] - cx[k]) * ((double)xi[k] - cx[k]);
                assert_true(own <= o);
            }
        }
    }
    assert_int_equal(fl_merge_expand(y, a, P, n, nc, d, xh), 0);
    for (size_t p = 0; p < P; p++)
        for (size_t i = 0; i < n; i++)
            assert_memory_equal(xh + (p * n + i) * d,
                                y + (p * nc + (size_t)a[p * n + i]) * d,
                                d * sizeof *y);
    // patches are independent: patch 1 alone gives the same result
    float y1[9 * 20];
    int32_t a1[150];
    assert_int_equal(fl_merge_execute(q, x + n * d, 1, y1, a1, NULL, NULL), 0);
    assert_memory_equal(y1, y + nc * d, sizeof y1);
    assert_memory_equal(a1, a + n, sizeof a1);
    free(y);
    free(xh);
    free(x);
    fl_merge_destroy(q);
}

static void test_bad_input(void **state)
{
    (void)state;
    assert_null(fl_merge_create(0, 4, 2, 2));
    assert_null(fl_merge_create(4, 0, 2, 2));
    assert_null(fl_merge_create(4, 4, 0, 2));
    assert_null(fl_merge_create(4, 4, 2, 0));
    fl_merge_destroy(NULL);
    assert_int_equal(fl_merge_clusters(NULL), 0);

    float x[4 * 2] = {0, 0, 1, 0, 0, 1, 2, 2};
    float y[2 * 2];
    int32_t a[4];
    merge_t q = fl_merge_create(4, 2, 2, 2);
    assert_non_null(q);
    assert_int_equal(fl_merge_execute(q, NULL, 1, y, a, NULL, NULL), -EINVAL);
    assert_int_equal(fl_merge_execute(q, x, 0, y, a, NULL, NULL), -EINVAL);
    x[3] = NAN;
    assert_int_equal(fl_merge_execute(q, x, 1, y, a, NULL, NULL), -EINVAL);
    assert_int_equal(fl_merge_reference(x, 1, 4, 2, 2, 2, y, a, NULL, NULL),
                     -EINVAL);
    x[3] = INFINITY;
    assert_int_equal(fl_merge_execute(q, x, 1, y, a, NULL, NULL), -EINVAL);
    x[3] = 3e18f;   // ‖x‖² = 9e36 > 1e30
    assert_int_equal(fl_merge_execute(q, x, 1, y, a, NULL, NULL), -ERANGE);
    assert_int_equal(fl_merge_reference(x, 1, 4, 2, 2, 2, y, a, NULL, NULL),
                     -ERANGE);
    x[3] = 0;
    assert_int_equal(fl_merge_execute(q, x, 1, y, a, NULL, NULL), 0);
    fl_merge_destroy(q);

    int32_t bad[4] = {0, 1, 2, 0};   // 2 is out of range for 2 clusters
    float xh[8];
    assert_int_equal(fl_merge_expand(y, bad, 1, 4, 2, 2, xh), -EINVAL);
    bad[2] = -1;
    assert_int_equal(fl_merge_expand(y, bad, 1, 4, 2, 2, xh), -EINVAL);
    assert_int_equal(fl_merge_expand(NULL, bad, 1, 4, 2, 2, xh), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_equals_reference_random),
        cmocka_unit_test(test_fast_equals_reference_clustered),
        cmocka_unit_test(test_fast_equals_reference_ties),
        cmocka_unit_test(test_fast_equals_reference_large_offset),
        cmocka_unit_test(test_same_result_any_blas_threads),
        cmocka_unit_test(test_hand_computed_five_points),
        cmocka_unit_test(test_identity_when_clusters_cover_tokens),
        cmocka_unit_test(test_merged_is_cluster_mean_and_expand),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
