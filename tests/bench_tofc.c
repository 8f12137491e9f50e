/* bench_tofc: TOFC encode + decode per frame (codec/tofc), with the 64
 * Laplacian tables built on every call (fl_tofc_encode / fl_tofc_decode: the
 * frame pipeline before sim/frame) and built once per point
 * (fl_tofc_encode_with / fl_tofc_decode_with, as sim/tofc_stage now does), in the
 * same run; plus the table build alone. Frames: the tofc_lambda_sweep
 * configuration (2 patches x 729 tokens x 1152 dims, synthetic clip law,
 * DPC-KNN to 16 tokens per patch, K = 5, RDOQ Δ = 0.1, λ = 0.1, Laplacian
 * rANS with 16 profiles) and the same without merging (uniform Δ = 0.1,
 * laplace), where the coder's share is larger. Medians of 7 frames. The
 * streams of both paths are compared byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/entropy.h"
#include "codec/source.h"
#include "codec/tofc.h"
#include "bench_tofc_frames.h"

#define REPS 7

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return v[n / 2];
}

static void machine(void)
{
    char line[256], model[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "model name", 10)) {
            char *c = strchr(line, ':');
            snprintf(model, sizeof model, "%s", c ? c + 2 : line);
            model[strcspn(model, "\n")] = 0;
            break;
        }
    if (f)
        fclose(f);
    double l1 = -1;
    f = fopen("/proc/loadavg", "r");
    if (f && fscanf(f, "%lf", &l1) != 1)
        l1 = -1;
    if (f)
        fclose(f);
    printf("CPU: %s; load average (1 min) %.2f\n", model, l1);
}

/* one encode + decode; _tb NULL: tables built inside each call */
static double frame_ms(const entropy_tables *tb, const tofc_params *p, const float *x, uint8_t **keep,
                       size_t *keep_n)
{
    double t0 = now_s();
    uint8_t *buf = NULL;
    size_t nbytes = 0;
    tofc_frame fr = {0};
    int rc = tb ? fl_tofc_encode_with(tb, p, x, &buf, &nbytes, NULL, NULL) : fl_tofc_encode(p, x, &buf, &nbytes, NULL, NULL);
    if (!rc)
        rc = tb ? fl_tofc_decode_with(tb, buf, nbytes, NULL, 0, &fr) : fl_tofc_decode(buf, nbytes, NULL, 0, &fr);
    double ms = 1e3 * (now_s() - t0);
    if (rc) {
        fprintf(stderr, "bench_tofc: coding failed (%d)\n", rc);
        exit(1);
    }
    fl_tofc_frame_free(&fr);
    free(*keep);
    *keep = buf, *keep_n = nbytes;
    return ms;
}

static void run_case(const char *name, const tofc_params *p, const float *x)
{
    entropy_tables *tb = fl_entropy_tables_create(ENTROPY_PREC_DEFAULT);
    double per_call[REPS], once[REPS];
    uint8_t *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    for (int r = 0; r < REPS; r++) {
        per_call[r] = frame_ms(NULL, p, x, &a, &na);
        once[r] = frame_ms(tb, p, x, &b, &nb);
    }
    int same = na == nb && !memcmp(a, b, na);
    double m0 = median(per_call, REPS), m1 = median(once, REPS);
    printf("| %s | %.2f | %.2f | %.2f ms (%.1f%%) | %s |\n", name, m0, m1, m0 - m1, 100.0 * (m0 - m1) / m0,
           same ? "identical" : "DIFFER");
    free(a), free(b);
    fl_entropy_tables_destroy(tb);
    if (!same)
        exit(1);
}

int main(void)
{
    machine();
    double build[REPS];
    for (int r = 0; r < REPS; r++) {
        double t0 = now_s();
        entropy_tables *tb = fl_entropy_tables_create(ENTROPY_PREC_DEFAULT);
        build[r] = 1e3 * (now_s() - t0);
        fl_entropy_tables_destroy(tb);
    }
    printf("entropy_tables_create (64 tables, 16-bit): %.2f ms (median of %d)\n\n", median(build, REPS), REPS);
    source_tensor t;
    memset(&t, 0, sizeof t);
    if (fl_source_synthetic(&bench_tofc_source, 1, 0, &t)) {
        fprintf(stderr, "bench_tofc: source failed\n");
        return 1;
    }
    const tofc_params *merge = &bench_tofc_merge, *plain = &bench_tofc_plain;
    printf("| frame (2 x 729 x 1152) | tables per call, ms | tables once, ms | saved | streams |\n");
    printf("|---|---|---|---|---|\n");
    run_case("merge 16, rdoq, laplace 16", merge, t.x);
    run_case("no merge, uniform, laplace 16", plain, t.x);
    fl_source_free(&t);
    return 0;
}
