/* test_noise: Philox streams and the fast Gaussian generator.
 * Statistical checks use z-scores against the exact normal law (4-5 sigma),
 * fixed seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>

#include "channel/noise.h"

#define NBIG (1u << 21)

static float *gauss_big(uint32_t trial)
{
    float *g = malloc(NBIG * sizeof *g);
    assert_non_null(g);
    fl_noise_gauss_at(12345u, 7u, 0x2F0u, trial, 0, g, NBIG);
    return g;
}

/* The SoA kernel must be Random123's philox4x32 (10 rounds), including the
 * carry of the draw index into the counter's second word. */
static void philox_matches_random123(void **state)
{
    (void)state;
    enum { NB = 300 };
    uint32_t w[4 * NB];
    uint64_t b0 = (1ull << 32) - 100;
    fl_noise_u32_at(0xDEADBEEFu, 42u, 0x201u, 9u, b0, w, 4 * NB);
    for (int b = 0; b < NB; b++) {
        uint64_t c = b0 + (uint64_t)b;
        philox4x32_ctr_t ctr = {{(uint32_t)c, (uint32_t)(c >> 32), 0x201u, 9u}};
        philox4x32_key_t key = {{0xDEADBEEFu, 42u}};
        philox4x32_ctr_t r = philox4x32(ctr, key);
        for (int j = 0; j < 4; j++)
            assert_int_equal(r.v[j], w[4 * b + j]);
    }
}

/* Every output equals double-precision Box-Muller on the same words to 2e-6
 * (the accuracy documented in noise.h), in the documented planar layout:
 * value 256 g + 64 j + i from block 64 g + i, word pair j / 2. The words
 * include the extremes: 0/1 (u = 2^-32, largest radius) and values near
 * 2^32 (u -> 1, radius -> 0, where float u would lose the low bits). */
static void gauss_accuracy_vs_double(void **state)
{
    (void)state;
    enum { NB = 1 << 15 };
    uint32_t *w = malloc(4 * NB * sizeof *w);
    float *g = malloc(4 * NB * sizeof *g);
    assert_non_null(w);
    assert_non_null(g);
    fl_noise_u32_at(5u, 6u, 0x202u, 1u, 777u, w, 4 * NB);
    fl_noise_gauss_at(5u, 6u, 0x202u, 1u, 777u, g, 4 * NB);
    double maxerr = 0.0, maxabs = 0.0;
    for (size_t b = 0; b < NB; b++) {
        size_t g0 = (b / 64) * 256 + b % 64;
        for (int p = 0; p < 2; p++) {
            uint32_t wa = w[4 * b + 2 * p], wb = w[4 * b + 2 * p + 1];
            double u = (double)(wa | 1u) * 0x1p-32;
            double r = sqrt(-2.0 * log(u));
            double t = 2.0 * M_PI * (double)(wb >> 8) * 0x1p-24;
            float c = g[g0 + 128 * p], s = g[g0 + 128 * p + 64];
            double e0 = fabs(c - r * cos(t)), e1 = fabs(s - r * sin(t));
            maxerr = fmax(maxerr, fmax(e0, e1));
            maxabs = fmax(maxabs, fmax(fabs(c), fabs(s)));
        }
    }
    assert_true(maxerr < 2e-6);
    assert_true(maxabs <= NOISE_GAUSS_MAX);
    /* the smallest u (word 0 or 1) gives the documented extreme radius */
    assert_true(fabs(sqrt(-2.0 * log(0x1p-32)) - NOISE_GAUSS_MAX) < 1e-3);
    free(w);
    free(g);
}

/* The radius over the whole word range: words cannot be fed to the generator
 * directly, so check r^2 = c^2 + s^2 = -2 ln u (double reference) on every
 * pair of a 2^19-pair run whose words reach within 2^16 of 0 (u -> 0, the
 * 6.66-sigma end) and of 2^32 (u -> 1, where a float u would lose the low
 * bits): relative error 1e-5 on r^2, absolute 1e-9 near r = 0. */
static void gauss_radius_identity(void **state)
{
    (void)state;
    enum { NB = 1 << 18 };
    uint32_t *w = malloc(4 * (size_t)NB * sizeof *w);
    float *g = malloc(4 * (size_t)NB * sizeof *g);
    assert_non_null(w);
    assert_non_null(g);
    fl_noise_u32_at(17u, 1u, 0x204u, 0u, 0, w, 4 * (size_t)NB);
    fl_noise_gauss_at(17u, 1u, 0x204u, 0u, 0, g, 4 * (size_t)NB);
    uint32_t wmin = UINT32_MAX, wmax = 0;
    for (size_t b = 0; b < NB; b++) {
        size_t g0 = (b / 64) * 256 + b % 64;
        for (int p = 0; p < 2; p++) {
            uint32_t wa = w[4 * b + 2 * p];
            double r2 = -2.0 * log((double)(wa | 1u) * 0x1p-32);
            double c = g[g0 + 128 * p], s = g[g0 + 128 * p + 64];
            assert_true(fabs(c * c + s * s - r2) <= 1e-5 * r2 + 1e-9);
            wmin = wa < wmin ? wa : wmin;
            wmax = wa > wmax ? wa : wmax;
        }
    }
    /* 2^19 words reach within ~2^14 of both ends */
    assert_true(wmin < (1u << 16));
    assert_true(wmax > UINT32_MAX - (1u << 16));
    free(w);
    free(g);
}

/* mean, variance, 3rd and 4th moments within 4.5 sigma of 0, 1, 0, 3:
 * sd of the sample means: sqrt(1/N), sqrt(2/N), sqrt(15/N), sqrt(96/N). */
static void gauss_moments(void **state)
{
    (void)state;
    float *g = gauss_big(1);
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (size_t i = 0; i < NBIG; i++) {
        double x = g[i], x2 = x * x;
        m1 += x;
        m2 += x2;
        m3 += x2 * x;
        m4 += x2 * x2;
    }
    double n = NBIG;
    m1 /= n;
    m2 /= n;
    m3 /= n;
    m4 /= n;
    assert_true(fabs(m1) / sqrt(1.0 / n) < 4.5);
    assert_true(fabs(m2 - 1.0) / sqrt(2.0 / n) < 4.5);
    assert_true(fabs(m3) / sqrt(15.0 / n) < 4.5);
    assert_true(fabs(m4 - 3.0) / sqrt(96.0 / n) < 4.5);
    free(g);
}

static double phi_cdf(double x) { return 0.5 * erfc(-x / M_SQRT2); }

/* Histogram on [-4,4] in 0.25 bins plus two tail bins: every bin within 5
 * sigma of N p, and the total chi-square below dof + 5 sqrt(2 dof). */
static void gauss_histogram(void **state)
{
    (void)state;
    float *g = gauss_big(2);
    enum { NBIN = 34 };
    double cnt[NBIN] = {0};
    for (size_t i = 0; i < NBIG; i++) {
        double x = g[i];
        int b;
        if (x < -4.0)
            b = 0;
        else if (x >= 4.0)
            b = NBIN - 1;
        else
            b = 1 + (int)floor((x + 4.0) / 0.25);
        cnt[b] += 1.0;
    }
    double chi2 = 0.0, n = NBIG;
    for (int b = 0; b < NBIN; b++) {
        double lo = b == 0 ? -INFINITY : -4.0 + 0.25 * (b - 1);
        double hi = b == NBIN - 1 ? INFINITY : -4.0 + 0.25 * b;
        double p = phi_cdf(hi) - phi_cdf(lo);
        double e = n * p;
        double z = (cnt[b] - e) / sqrt(e * (1.0 - p));
        assert_true(fabs(z) < 5.0);
        chi2 += (cnt[b] - e) * (cnt[b] - e) / e;
    }
    double dof = NBIN - 1;
    assert_true(chi2 < dof + 5.0 * sqrt(2.0 * dof));
    free(g);
}

/* P(|x| > 4) = erfc(4/sqrt 2) = 6.334e-5, and P(|x| > 5) = 5.733e-7: counts
 * within 4.5 sigma of the binomial expectation (8M samples). */
static void gauss_tails(void **state)
{
    (void)state;
    const size_t n = 4 * NBIG;
    float *g = malloc(n * sizeof *g);
    assert_non_null(g);
    fl_noise_gauss_at(99u, 3u, 0x2F1u, 0u, 0, g, n);
    double c4 = 0, c5 = 0;
    for (size_t i = 0; i < n; i++) {
        c4 += fabsf(g[i]) > 4.0f;
        c5 += fabsf(g[i]) > 5.0f;
    }
    double p4 = erfc(4.0 / M_SQRT2), p5 = erfc(5.0 / M_SQRT2);
    assert_true(fabs(c4 - n * p4) / sqrt(n * p4) < 4.5);
    assert_true(fabs(c5 - n * p5) / sqrt(n * p5 + 1.0) < 4.5);
    free(g);
}

/* Same key/counter => same numbers (stream and stateless forms, any split into
 * calls of whole 256-value groups; shorter calls give prefixes; successive
 * non-group fills use disjoint blocks); different trial, purpose or point =>
 * different. */
static void determinism(void **state)
{
    (void)state;
    enum { N = 4000 };
    static float a[N], b[N], c[N];
    fl_noise_gauss_at(1u, 2u, 0x200u, 3u, 100u, a, N);
    noise *s = fl_noise_create(1u, 2u, 0x200u, 3u);
    assert_non_null(s);
    fl_noise_seek(s, 100u);
    fl_noise_gauss_fill(s, b, 512);
    fl_noise_gauss_fill(s, b + 512, 3328);
    fl_noise_gauss_fill(s, b + 3840, 160);
    /* 4000 values = 16 groups of 64 blocks */
    assert_int_equal(fl_noise_tell(s), 100u + 16 * 64);
    assert_memory_equal(a, b, sizeof a);
    fl_noise_gauss_at(1u, 2u, 0x200u, 4u, 100u, c, N);
    int same = 0;
    for (int i = 0; i < N; i++)
        same += a[i] == c[i];
    assert_true(same < 5);
    fl_noise_gauss_at(1u, 3u, 0x200u, 3u, 100u, c, N);
    same = 0;
    for (int i = 0; i < N; i++)
        same += a[i] == c[i];
    assert_true(same < 5);
    /* a partial last group: the first n values are a prefix */
    fl_noise_gauss_at(1u, 2u, 0x200u, 3u, 100u, c, 7);
    assert_memory_equal(a, c, 7 * sizeof *c);
    fl_noise_gauss_at(1u, 2u, 0x200u, 3u, 100u, c, 300);
    assert_memory_equal(a, c, 300 * sizeof *c);
    /* two fills of 10 values: the second starts a new group (block 164) */
    fl_noise_seek(s, 100u);
    fl_noise_gauss_fill(s, b, 10);
    assert_int_equal(fl_noise_tell(s), 164u);
    fl_noise_gauss_fill(s, b + 10, 10);
    assert_memory_equal(b, a, 10 * sizeof *b);
    fl_noise_gauss_at(1u, 2u, 0x200u, 3u, 164u, c, 10);
    assert_memory_equal(b + 10, c, 10 * sizeof *c);
    assert_memory_equal(c, a + 256, 10 * sizeof *c);
    fl_noise_destroy(s);
}

/* lag-1 and within-pair correlations within 4.5 / sqrt(N) */
static void independence(void **state)
{
    (void)state;
    float *g = gauss_big(3);
    double lag1 = 0, pair = 0;
    for (size_t i = 0; i + 1 < NBIG; i++)
        lag1 += (double)g[i] * g[i + 1];
    /* the two values of one Box-Muller pair lie 64 apart (planar layout) */
    for (size_t i = 0; i < NBIG; i += 256)
        for (size_t j = 0; j < 64; j++) {
            pair += (double)g[i + j] * g[i + j + 64];
            pair += (double)g[i + j + 128] * g[i + j + 192];
        }
    lag1 /= (double)(NBIG - 1);
    pair /= (double)(NBIG / 2);
    assert_true(fabs(lag1) * sqrt((double)NBIG) < 4.5);
    assert_true(fabs(pair) * sqrt((double)NBIG / 2) < 4.5);
    /* |x|^2 of a pair is Exp(mean 2) independent of the angle: corr of squares */
    double sq = 0, m = 0;
    for (size_t i = 0; i < NBIG; i += 256)
        for (size_t j = 0; j < 64; j++)
            for (size_t h = 0; h < 256; h += 128) {
                double x = g[i + h + j], y = g[i + h + j + 64];
                sq += (x * x - 1.0) * (y * y - 1.0);
                m += 1.0;
            }
    /* E[(x^2-1)(y^2-1)] = 0, Var = 2*2 = 4 for independent x, y */
    assert_true(fabs(sq / m) / sqrt(4.0 / m) < 4.5);
    free(g);
}

/* Rayleigh amplitudes: every value equals double sqrt(-ln u) on the same
 * word (planar layout, 2e-6); a^2 ~ Exp(1): mean 1 and variance 1 within 4.5
 * sigma (Var(a^2) = 1, Var((a^2-1)^2) = E(E-1)^4 - 1 = 9 - 1 = 8), and the
 * counts in 10 equiprobable bins of the Exp(1) law within 5 sigma. */
static void rayleigh_amplitudes(void **state)
{
    (void)state;
    enum { NB = 1 << 16, N = 4 * NB };
    uint32_t *w = malloc(N * sizeof *w);
    float *a = malloc(N * sizeof *a);
    assert_non_null(w);
    assert_non_null(a);
    fl_noise_u32_at(3u, 4u, 0x205u, 2u, 64u, w, N);
    fl_noise_rayleigh_at(3u, 4u, 0x205u, 2u, 64u, a, N);
    double maxerr = 0, m = 0, v = 0, cnt[10] = {0};
    for (size_t b = 0; b < NB; b++)
        for (int j = 0; j < 4; j++) {
            double ref = sqrt(-log((double)(w[4 * b + j] | 1u) * 0x1p-32));
            double x = a[(b / 64) * 256 + 64 * (size_t)j + b % 64];
            maxerr = fmax(maxerr, fabs(x - ref));
            double e = x * x;
            m += e;
            v += (e - 1.0) * (e - 1.0);
            /* bin k of Exp(1) in tenths of probability: 1 - e^-E in [k/10, (k+1)/10) */
            int k = (int)floor(10.0 * (1.0 - exp(-e)));
            cnt[k < 10 ? k : 9] += 1.0;
        }
    assert_true(maxerr < 2e-6);
    assert_true(fabs(m / N - 1.0) / sqrt(1.0 / N) < 4.5);
    assert_true(fabs(v / N - 1.0) / sqrt(8.0 / N) < 4.5);
    for (int k = 0; k < 10; k++)
        assert_true(fabs(cnt[k] - N / 10.0) / sqrt(N * 0.1 * 0.9) < 5.0);
    /* shorter call = prefix */
    fl_noise_rayleigh_at(3u, 4u, 0x205u, 2u, 64u, a + N - 300, 300);
    assert_memory_equal(a, a + N - 300, 300 * sizeof *a);
    free(w);
    free(a);
}

/* uniforms: range (0,1), mean 1/2 and variance 1/12 within 4.5 sigma */
static void uniforms(void **state)
{
    (void)state;
    enum { N = 1 << 18 };
    float *u = malloc(N * sizeof *u);
    double *d = malloc(N * sizeof *d);
    assert_non_null(u);
    assert_non_null(d);
    noise *s = fl_noise_create(8u, 8u, 0x203u, 0u);
    assert_non_null(s);
    fl_noise_uniform_fill(s, u, N);
    fl_noise_uniform_fill_d(s, d, N);
    double mu = 0, vu = 0, md = 0, vd = 0;
    for (int i = 0; i < N; i++) {
        assert_true(u[i] > 0.0f && u[i] < 1.0f);
        assert_true(d[i] > 0.0 && d[i] < 1.0);
        mu += u[i];
        vu += (u[i] - 0.5) * (u[i] - 0.5);
        md += d[i];
        vd += (d[i] - 0.5) * (d[i] - 0.5);
    }
    /* Var(U) = 1/12, Var((U-1/2)^2) = 1/80 - 1/144 = 1/180 */
    assert_true(fabs(mu / N - 0.5) / sqrt(1.0 / 12 / N) < 4.5);
    assert_true(fabs(md / N - 0.5) / sqrt(1.0 / 12 / N) < 4.5);
    assert_true(fabs(vu / N - 1.0 / 12) / sqrt(1.0 / 180 / N) < 4.5);
    assert_true(fabs(vd / N - 1.0 / 12) / sqrt(1.0 / 180 / N) < 4.5);
    /* the stream advanced by N/4 + N/2 blocks */
    assert_int_equal(fl_noise_tell(s), N / 4 + N / 2);
    fl_noise_destroy(s);
    free(u);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(philox_matches_random123),
        cmocka_unit_test(gauss_accuracy_vs_double),
        cmocka_unit_test(gauss_radius_identity),
        cmocka_unit_test(gauss_moments),
        cmocka_unit_test(gauss_histogram),
        cmocka_unit_test(gauss_tails),
        cmocka_unit_test(determinism),
        cmocka_unit_test(independence),
        cmocka_unit_test(rayleigh_amplitudes),
        cmocka_unit_test(uniforms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
