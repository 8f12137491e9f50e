/* bench_merge: DPC-KNN merge of one 729 x 1152 patch (LLaVA-OneVision /
 * SigLIP, paper 001 §V-A: n_c = 32, K = 5): codec/merge's CBLAS path against
 * the direct O(n² d) triple-loop reference, side by side, with OpenBLAS at
 * 1 thread (per-core figure) and at its default thread count.
 * Goal (issue 4): >= 10x faster than the reference. */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <Random123/philox.h>

#include "codec/merge.h"
#include "tests/bench_info.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double u01(uint64_t i, uint32_t purpose)
{
    philox4x32_ctr_t c = {{(uint32_t)i, (uint32_t)(i >> 32), purpose, 0}};
    philox4x32_key_t k = {{12345u, 0}};
    philox4x32_ctr_t r = philox4x32(c, k);
    return ((double)r.v[0] + 0.5) / 4294967296.0;
}

static double gauss(uint64_t i, uint32_t purpose)
{
    double a = u01(2 * i, purpose), b = u01(2 * i + 1, purpose);
    return sqrt(-2.0 * log(a)) * cos(2.0 * M_PI * b);   // Box-Muller
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// Median of reps timings of fl_merge_execute, in ms.
static double time_fast(merge_t q, const float *x, float *y, int32_t *a,
                        int reps)
{
    double t[64];
    for (int r = 0; r < reps; r++) {
        double t0 = now_s();
        if (fl_merge_execute(q, x, 1, y, a, NULL, NULL) != 0)
            return -1.0;
        t[r] = 1e3 * (now_s() - t0);
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp_d);
    return t[reps / 2];
}

int main(void)
{
    bench_header("bench_merge: DPC-KNN token merging");
    const size_t n = 729, d = 1152, nc = 32, k = 5, blobs = 48;
    float *x = malloc(n * d * sizeof *x);
    float *y1 = malloc(nc * d * sizeof *y1), *y2 = malloc(nc * d * sizeof *y2);
    int32_t *a1 = malloc(n * sizeof *a1), *a2 = malloc(n * sizeof *a2);
    if (!x || !y1 || !y2 || !a1 || !a2)
        return 1;
    // Clip-like synthetic patch: 48 blob centres ~ N(0, 0.5²) per dim,
    // tokens = centre + N(0, 0.3²): within-blob d² ≈ 200, between ≈ 780.
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)(u01(i, 1) * (double)blobs);
        for (size_t j = 0; j < d; j++)
            x[i * d + j] = (float)(0.5 * gauss(b * d + j, 2) +
                                   0.3 * gauss(i * d + j, 3));
    }
    merge_t q = fl_merge_create(n, d, nc, k);
    if (!q)
        return 1;
    const int def_threads = openblas_get_num_threads();
    printf("DPC-KNN merge, one patch %zu x %zu, n_c = %zu, K = %zu\n", n, d, nc, k);
    printf("OpenBLAS: %s; default threads %d\n", openblas_get_config(),
           def_threads);

    double t0 = now_s();
    if (fl_merge_reference(x, 1, n, d, nc, k, y2, a2, NULL, NULL) != 0)
        return 1;
    double ref_ms = 1e3 * (now_s() - t0);

    openblas_set_num_threads(1);
    double f1 = time_fast(q, x, y1, a1, 15);
    int same = memcmp(a1, a2, n * sizeof *a1) == 0 &&
               memcmp(y1, y2, nc * d * sizeof *y1) == 0;
    openblas_set_num_threads(def_threads);
    double fd = time_fast(q, x, y1, a1, 15);
    same = same && memcmp(a1, a2, n * sizeof *a1) == 0;

    printf("%-34s %10s %10s %8s\n", "", "featlink", "reference", "ratio");
    printf("%-34s %10.2f %10.2f %7.1fx\n", "ms/patch, OpenBLAS 1 thread", f1,
           ref_ms, ref_ms / f1);
    printf("OpenBLAS %-2d threads%-15s %10.2f %10.2f %7.1fx\n", def_threads,
           ",", fd, ref_ms, ref_ms / fd);
    printf("(reference: single-threaded direct triple loop, 1 run; featlink: "
           "median of 15)\n");
    printf("fast == reference (assignment and merged tensor): %s\n",
           same ? "yes" : "NO");
    printf("goal >= 10x at 1 thread: %s\n", ref_ms / f1 >= 10.0 ? "met" : "MISSED");
    fl_merge_destroy(q);
    free(x); free(y1); free(y2); free(a1); free(a2);
    return same ? 0 : 1;
}
