/* bench_metrics: greedy-match P/R/F1 and linear CKA (codec/metrics) against
 * direct loop references, single-thread OpenBLAS and default threads, in one
 * run. Prints ms per call (median of repeats) and the speed-up ratio. */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/metrics.h"
#include "tests/bench_info.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static uint64_t s = 2024;
static double gauss(void)
{
    double u[2];
    for (int i = 0; i < 2; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        u[i] = ((s >> 11) + 0.5) * 0x1.0p-53;
    }
    return sqrt(-2.0 * log(u[0])) * cos(2.0 * M_PI * u[1]);
}

// Direct reference: unit-normalise (double norms), then the triple loop over
// (received, original, dim) with a float dot product, row and column maxima.
static void greedy_naive(const float *x, size_t nx, const float *y, size_t ny,
                         size_t d, double *p, double *r)
{
    float *xn = malloc(nx * d * sizeof *xn), *yn = malloc(ny * d * sizeof *yn);
    float *cm = malloc(nx * sizeof *cm);
    for (int pass = 0; pass < 2; pass++) {
        const float *src = pass ? y : x;
        float *dst = pass ? yn : xn;
        size_t n = pass ? ny : nx;
        for (size_t t = 0; t < n; t++) {
            double ss = 0;
            for (size_t k = 0; k < d; k++) ss += (double)src[t * d + k] * src[t * d + k];
            double inv = ss > 0 ? 1 / sqrt(ss) : 0;
            for (size_t k = 0; k < d; k++) dst[t * d + k] = (float)(src[t * d + k] * inv);
        }
    }
    for (size_t j = 0; j < nx; j++) cm[j] = -INFINITY;
    double ps = 0;
    for (size_t i = 0; i < ny; i++) {
        float rm = -INFINITY;
        for (size_t j = 0; j < nx; j++) {
            float c = 0;
            for (size_t k = 0; k < d; k++) c += yn[i * d + k] * xn[j * d + k];
            rm = c > rm ? c : rm;
            cm[j] = c > cm[j] ? c : cm[j];
        }
        ps += rm;
    }
    double rs = 0;
    for (size_t j = 0; j < nx; j++) rs += cm[j];
    *p = ps / ny;
    *r = rs / nx;
    free(xn); free(yn); free(cm);
}

// Direct reference CKA in double: centre, Gram matrices K, L by loops, <K,L>.
static double cka_naive(const float *x, const float *y, size_t n, size_t d)
{
    double *xc = malloc(n * d * sizeof *xc), *yc = malloc(n * d * sizeof *yc);
    for (int pass = 0; pass < 2; pass++) {
        const float *src = pass ? y : x;
        double *dst = pass ? yc : xc;
        for (size_t k = 0; k < d; k++) {
            double m = 0;
            for (size_t i = 0; i < n; i++) m += src[i * d + k];
            m /= n;
            for (size_t i = 0; i < n; i++) dst[i * d + k] = src[i * d + k] - m;
        }
    }
    double kl = 0, kk = 0, ll = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double a = 0, b = 0;
            for (size_t k = 0; k < d; k++) {
                a += xc[i * d + k] * xc[j * d + k];
                b += yc[i * d + k] * yc[j * d + k];
            }
            kl += a * b; kk += a * a; ll += b * b;
        }
    free(xc); free(yc);
    return kl / (sqrt(kk) * sqrt(ll));
}

#define REPS 5

enum what { GREEDY, GREEDY_WS, CKA, CKA_WS };

// Median ms of REPS calls; the metric values land in *v0, *v1.
static double time_it(enum what w, metrics_ws *ws, const float *x, const float *y,
                      size_t n, size_t d, double *v0, double *v1)
{
    double ms[REPS];
    metrics_report r;
    for (int k = 0; k < REPS; k++) {
        double t0 = now_ms();
        switch (w) {
        case GREEDY: fl_metrics_greedy_match(x, n, y, n, d, v0, v1, NULL); break;
        case GREEDY_WS:
            fl_metrics_compute(ws, x, n, y, n, d, METRICS_GREEDY, &r);
            *v0 = r.precision; *v1 = r.recall; break;
        case CKA: fl_metrics_cka(x, d, y, d, n, v0); *v1 = 0; break;
        case CKA_WS:
            fl_metrics_compute(ws, x, n, y, n, d, METRICS_CKA, &r);
            *v0 = r.cka; *v1 = 0; break;
        }
        ms[k] = now_ms() - t0;
    }
    qsort(ms, REPS, sizeof *ms, cmp_d);
    return ms[REPS / 2];
}

static void bench_shape(size_t n, size_t d, int threads_default)
{
    float *x = malloc(n * d * sizeof *x), *y = malloc(n * d * sizeof *y);
    // clip-like tokens: shared offset + noise; Y = X + noise with 30 % of
    // tokens dropped (zeroed)
    for (size_t i = 0; i < n * d; i++) x[i] = (float)(0.3 + gauss());
    for (size_t i = 0; i < n * d; i++) y[i] = x[i] + (float)(0.5 * gauss());
    for (size_t t = 0; t < n; t += 10) {
        memset(y + t * d, 0, d * sizeof *y);
        if (t + 3 < n) memset(y + (t + 3) * d, 0, d * sizeof *y);
        if (t + 7 < n) memset(y + (t + 7) * d, 0, d * sizeof *y);
    }

    double t0 = now_ms(), pr, rr, cr;
    greedy_naive(x, n, y, n, d, &pr, &rr);
    double naive_ms = now_ms() - t0;
    t0 = now_ms();
    cr = cka_naive(x, y, n, d);
    double cka_naive_ms = now_ms() - t0;

    metrics_ws *ws = NULL;
    fl_metrics_ws_create(&ws);
    int thr[2] = {1, threads_default};
    printf("greedy-match P/R/F1, %zu x %zu vs %zu x %zu tokens:\n", n, d, n, d);
    printf("  direct triple loop, 1 thread             %9.2f ms\n", naive_ms);
    for (int ti = 0; ti < 2; ti++) {
        openblas_set_num_threads(thr[ti]);
        for (int wi = 0; wi < 2; wi++) {
            double p, r, ms = time_it(wi ? GREEDY_WS : GREEDY, ws, x, y, n, d, &p, &r);
            printf("  %-28s %d thr  %9.2f ms   speed-up %6.1fx   |dP| %.1e |dR| %.1e\n",
                   wi ? "metrics_compute(ws) greedy" : "metrics_greedy_match",
                   thr[ti], ms, naive_ms / ms, fabs(p - pr), fabs(r - rr));
        }
    }
    printf("linear CKA, %zu x %zu vs %zu x %zu:\n", n, d, n, d);
    printf("  direct Gram double loop, 1 thread        %9.2f ms\n", cka_naive_ms);
    for (int ti = 0; ti < 2; ti++) {
        openblas_set_num_threads(thr[ti]);
        for (int wi = 0; wi < 2; wi++) {
            double c, dummy, ms = time_it(wi ? CKA_WS : CKA, ws, x, y, n, d, &c, &dummy);
            printf("  %-28s %d thr  %9.2f ms   speed-up %6.1fx   |dCKA| %.1e\n",
                   wi ? "metrics_compute(ws) cka" : "metrics_cka", thr[ti], ms,
                   cka_naive_ms / ms, fabs(c - cr));
        }
    }
    // merged tensor (64 centres, no DPC-KNN here: every 9th token) compact
    // and expanded back to the grid (repeated tokens, deduplicated refinement)
    {
        size_t nc = 64;
        float *c = malloc(nc * d * sizeof *c), *e = malloc(n * d * sizeof *e);
        for (size_t k = 0; k < nc; k++)
            memcpy(c + k * d, x + (k * 9 % n) * d, d * sizeof *c);
        for (size_t t = 0; t < n; t++)
            memcpy(e + t * d, c + (t % nc) * d, d * sizeof *e);
        greedy_naive(x, n, c, nc, d, &pr, &rr);
        openblas_set_num_threads(threads_default);
        double ms_c[REPS], ms_e[REPS];
        metrics_report rc_, re_;
        for (int k = 0; k < REPS; k++) {
            double tm = now_ms();
            fl_metrics_compute(ws, x, n, c, nc, d, METRICS_GREEDY, &rc_);
            ms_c[k] = now_ms() - tm;
            tm = now_ms();
            fl_metrics_compute(ws, x, n, e, n, d, METRICS_GREEDY, &re_);
            ms_e[k] = now_ms() - tm;
        }
        qsort(ms_c, REPS, sizeof *ms_c, cmp_d);
        qsort(ms_e, REPS, sizeof *ms_e, cmp_d);
        printf("  merged to %zu tokens (ws, %d thr): compact %.2f ms, expanded to %zu"
               " %.2f ms   |dR| vs direct %.1e, compact vs expanded %.1e\n",
               nc, threads_default, ms_c[REPS / 2], n, ms_e[REPS / 2],
               fabs(rc_.recall - rr), fabs(rc_.recall - re_.recall));
        free(c);
        free(e);
    }
    fl_metrics_ws_destroy(ws);
    openblas_set_num_threads(threads_default);
    free(x);
    free(y);
}

int main(void)
{
    bench_header("bench_metrics: proxy metrics");
    int threads_default = openblas_get_num_threads();
    printf("bench_metrics: OpenBLAS default threads = %d (%s); median of %d runs\n",
           threads_default, openblas_get_config(), REPS);
    bench_shape(576, 1024, threads_default);   // LLaVA-1.5 CLIP ViT-L/14-336
    bench_shape(729, 1152, threads_default);   // LLaVA-OneVision SigLIP patch
    return 0;
}
