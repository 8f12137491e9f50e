/* test_conv: the 802.11 K = 7 (133, 171) convolutional code and its Viterbi
 * decoder: hand-worked encoder output, coded lengths by hand, exact
 * maximum-likelihood decisions against brute force, error-correction
 * guarantees from d_free, robustness to extreme input, and the soft-decision
 * BER over BPSK/AWGN against the union bound with the code's distance
 * spectrum.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <Random123/philox.h>

#include "channel/conv.h"

static const conv_rate RATES[3] = {CONV_RATE_1_2, CONV_RATE_2_3, CONV_RATE_3_4};

static uint32_t rnd(uint32_t seed, uint32_t a, uint32_t b)
{
    philox4x32_key_t k = {{seed, 0xC0DEu}};
    philox4x32_ctr_t c = {{a, b, 0x1A0, 0}};
    return philox4x32(c, k).v[0];
}

static double u01(uint32_t x) { return ((double)x + 0.5) * (1.0 / 4294967296.0); }

/* standard normal pair by Box-Muller from one Philox draw */
static void gauss2(uint32_t seed, uint32_t a, uint32_t b, double *g0, double *g1)
{
    philox4x32_key_t k = {{seed, 0xA3C5u}};
    philox4x32_ctr_t c = {{a, b, 0x1A1, 0}};
    philox4x32_ctr_t r = philox4x32(c, k);
    double rad = sqrt(-2.0 * log(u01(r.v[0])));
    double ph = 2.0 * M_PI * u01(r.v[1]);
    *g0 = rad * cos(ph);
    *g1 = rad * sin(ph);
}

static void random_bits(uint8_t *b, size_t n, uint32_t seed, uint32_t trial)
{
    for (size_t i = 0; i < n; i++) b[i] = rnd(seed, trial, (uint32_t)i) & 1u;
}

static int n_kernels(conv_kernel *ks)
{
    conv *q = fl_conv_create(CONV_RATE_1_2, 8);
    int n = 0;
    for (int k = CONV_KERNEL_SCALAR; k <= CONV_KERNEL_AVX512; k++)
        if (fl_conv_set_kernel(q, (conv_kernel)k) == 0) ks[n++] = (conv_kernel)k;
    fl_conv_destroy(q);
    return n;
}

/* ------------------------------------------------------------- lengths */

static void test_rates_and_coded_lengths(void **state)
{
    (void)state;
    assert_true(fl_conv_code_rate(CONV_RATE_1_2) == 0.5);
    assert_true(fabs(fl_conv_code_rate(CONV_RATE_2_3) - 2.0 / 3.0) < 1e-15);
    assert_true(fl_conv_code_rate(CONV_RATE_3_4) == 0.75);
    assert_true(fl_conv_code_rate((conv_rate)7) == 0.0);
    /* n = 100: N = 106 steps, 212 mother bits.
     * 1/2: 212.  2/3: 212/4 = 53 periods x 3 = 159.
     * 3/4: 212/6 = 35 periods x 4 = 140, remainder 2 bits (A, B kept) -> 142 */
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_1_2, 100), 212);
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_2_3, 100), 159);
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_3_4, 100), 142);
    /* n = 0: only the tail, 12 mother bits: 12, 3x3 = 9, 2x4 = 8 */
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_1_2, 0), 12);
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_2_3, 0), 9);
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_3_4, 0), 8);
    /* n = 1: 14 mother bits: 2/3 -> 3x3 + 2 = 11; 3/4 -> 2x4 + 2 = 10 */
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_2_3, 1), 11);
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_3_4, 1), 10);
    /* 802.11a BPSK-3/4 OFDM symbol: 36 data bits = 48 coded bits; with the
     * 6 tail bits counted here: 42 steps, 84 mother bits, 14 x 4 = 56 */
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_3_4, 36), 56);
    assert_int_equal(fl_conv_coded_bits((conv_rate)3, 10), 0);
    assert_int_equal(fl_conv_coded_bits((conv_rate)-2, 10), 0);
    /* no code (CONV_RATE_NONE): the info bits alone, no tail, rate 1 */
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_NONE, 10), 10);
    assert_true(fl_conv_code_rate(CONV_RATE_NONE) == 1.0);
    /* the rate tends to k/n for long blocks */
    for (int r = 0; r < 3; r++) {
        size_t n = 600000;
        double eff = (double)n / (double)fl_conv_coded_bits(RATES[r], n);
        assert_true(fabs(eff - fl_conv_code_rate(RATES[r])) < 1e-4);
    }
}

/* ------------------------------------------------------------- encoder */

/* Impulse response = generator coefficients, delay 0 first:
 * g0 = 133 octal = 1 011 011 -> A_0..A_6 = 1 0 1 1 0 1 1
 * g1 = 171 octal = 1 111 001 -> B_0..B_6 = 1 1 1 1 0 0 1
 * so input "1" (+ 6 tail zeros) codes to 11 01 11 11 00 10 11. */
static void test_encoder_impulse_response(void **state)
{
    (void)state;
    conv *q = fl_conv_create(CONV_RATE_1_2, 16);
    uint8_t in[1] = {1}, out[14];
    static const uint8_t want[14] = {1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1};
    assert_int_equal(fl_conv_coded_bits(CONV_RATE_1_2, 1), 14);
    assert_int_equal(fl_conv_encode(q, in, 1, out), 0);
    assert_memory_equal(out, want, 14);
    fl_conv_destroy(q);
}

/* Input x = 1 0 1 1, tail 0 0 0 0 0 0. From 802.11 Figure 17-8,
 *   A[n] = x[n]^x[n-2]^x[n-3]^x[n-5]^x[n-6],  B[n] = x[n]^x[n-1]^x[n-2]^x[n-3]^x[n-6]
 * n=0: A = x0 = 1                         B = x0 = 1                  -> 1 1
 * n=1: A = x1 = 0                         B = x1^x0 = 0^1 = 1         -> 0 1
 * n=2: A = x2^x0 = 1^1 = 0                B = x2^x1^x0 = 1^0^1 = 0    -> 0 0
 * n=3: A = x3^x1^x0 = 1^0^1 = 0           B = x3^x2^x1^x0 = 1         -> 0 1
 * n=4: A = x4^x2^x1 = 0^1^0 = 1           B = x4^x3^x2^x1 = 0^1^1^0=0 -> 1 0
 * n=5: A = x5^x3^x2^x0 = 0^1^1^1 = 1      B = x5^x4^x3^x2 = 0^0^1^1=0 -> 1 0
 * n=6: A = x6^x4^x3^x1^x0 = 0^0^1^0^1 = 0 B = x6^x5^x4^x3^x0 = 1^1 = 0 -> 0 0
 * n=7: A = x7^x5^x4^x2^x1 = x2 = 1        B = x7^x6^x5^x4^x1 = 0      -> 1 0
 * n=8: A = x8^x6^x5^x3^x2 = 1^1 = 0       B = x8^x7^x6^x5^x2 = 1      -> 0 1
 * n=9: A = x9^x7^x6^x4^x3 = 1             B = x9^x8^x7^x6^x3 = 1      -> 1 1
 * (check by linearity: impulse responses shifted by 0, 2, 3 XOR to the same)
 * Rate 2/3 keeps A0 B0 A1 of each 2 steps: 110 000 101 001 011
 * Rate 3/4 keeps A0 B0 A1 B2 of each 3 steps: 1100 0110 0011, then A9 B9 = 11 */
static void test_encoder_hand_worked(void **state)
{
    (void)state;
    static const uint8_t x[4] = {1, 0, 1, 1};
    static const uint8_t r12[20] = {1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1};
    static const uint8_t r23[15] = {1, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1};
    static const uint8_t r34[14] = {1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1};
    const uint8_t *want[3] = {r12, r23, r34};
    static const size_t len[3] = {20, 15, 14};
    const uint8_t packed[1] = {0xB7};  /* 1011 then bits that must be ignored */
    for (int r = 0; r < 3; r++) {
        conv *q = fl_conv_create(RATES[r], 8);
        uint8_t out[20], outp[20];
        assert_int_equal(fl_conv_coded_bits(RATES[r], 4), len[r]);
        assert_int_equal(fl_conv_encode(q, x, 4, out), 0);
        assert_memory_equal(out, want[r], len[r]);
        assert_int_equal(fl_conv_encode_packed(q, packed, 4, outp), 0);
        for (size_t i = 0; i < len[r]; i++)
            assert_int_equal((outp[i / 8] >> (7 - i % 8)) & 1, want[r][i]);
        if (len[r] % 8) assert_int_equal(outp[len[r] / 8] & (0xFF >> (len[r] % 8)), 0);
        fl_conv_destroy(q);
    }
}

/* the code is linear: enc(a ^ b) = enc(a) ^ enc(b) (the tail is zero) */
static void test_encoder_linear(void **state)
{
    (void)state;
    enum { N = 333 };
    uint8_t a[N], b[N], ab[N], ca[700], cb[700], cab[700];
    for (int r = 0; r < 3; r++) {
        conv *q = fl_conv_create(RATES[r], N);
        random_bits(a, N, 11, 0);
        random_bits(b, N, 11, 1);
        for (int i = 0; i < N; i++) ab[i] = a[i] ^ b[i];
        fl_conv_encode(q, a, N, ca);
        fl_conv_encode(q, b, N, cb);
        fl_conv_encode(q, ab, N, cab);
        size_t nc = fl_conv_coded_bits(RATES[r], N);
        for (size_t i = 0; i < nc; i++) assert_int_equal(cab[i], ca[i] ^ cb[i]);
        fl_conv_destroy(q);
    }
}

/* ----------------------------------------------------- noiseless decode */

static void test_noiseless_roundtrip(void **state)
{
    (void)state;
    enum { NMAX = 3000 };
    conv_kernel ks[4];
    int nk = n_kernels(ks);
    uint8_t *b = malloc(NMAX), *c = malloc(2 * NMAX + 12), *d = malloc(NMAX);
    uint8_t *pk = malloc(NMAX / 8 + 1), *dp = malloc(NMAX / 8 + 1);
    float *l = malloc((2 * NMAX + 12) * sizeof *l);
    for (int r = 0; r < 3; r++) {
        conv *q = fl_conv_create(RATES[r], NMAX);
        for (uint32_t trial = 0; trial < 12; trial++) {
            size_t n = trial == 0 ? 0 : trial == 1 ? 1 : 1 + rnd(12, trial, 99) % NMAX;
            random_bits(b, n, 13, trial);
            fl_conv_encode(q, b, n, c);
            size_t nc = fl_conv_coded_bits(RATES[r], n);
            for (size_t i = 0; i < nc; i++) l[i] = c[i] ? -3.5f : 3.5f;
            for (int k = 0; k < nk; k++) {
                assert_int_equal(fl_conv_set_kernel(q, ks[k]), 0);
                memset(d, 7, NMAX);
                assert_int_equal(fl_conv_decode(q, l, n, d), 0);
                assert_memory_equal(d, b, n);
                memset(d, 7, NMAX);
                assert_int_equal(fl_conv_decode_hard(q, c, n, d), 0);
                assert_memory_equal(d, b, n);
            }
            /* packed in and out */
            memset(pk, 0, NMAX / 8 + 1);
            for (size_t i = 0; i < n; i++) pk[i / 8] |= (uint8_t)(b[i] << (7 - i % 8));
            uint8_t *c2 = malloc((nc + 7) / 8);
            fl_conv_encode_packed(q, pk, n, c2);
            for (size_t i = 0; i < nc; i++) assert_int_equal((c2[i / 8] >> (7 - i % 8)) & 1, c[i]);
            memset(dp, 0xFF, NMAX / 8 + 1);
            assert_int_equal(fl_conv_decode_hard_packed(q, c2, n, dp), 0);
            if (n) assert_memory_equal(dp, pk, (n + 7) / 8);
            free(c2);
            memset(dp, 0xFF, NMAX / 8 + 1);
            assert_int_equal(fl_conv_decode_packed(q, l, n, dp), 0);
            if (n) assert_memory_equal(dp, pk, (n + 7) / 8);
        }
        fl_conv_destroy(q);
    }
    free(b); free(c); free(d); free(pk); free(dp); free(l);
}

/* --------------------------------------------------- error correction */

/* d_free is 10 at rate 1/2 (Odenwalder's K=7 code) and 6 and 5 for the
 * punctured 2/3 and 3/4 codes (Yasuda, Kashiki & Hirata, IEEE Trans. Commun.
 * 32(3), 1984), so one error is always corrected, and at rate 1/2 any 4
 * (t = floor((d_free - 1) / 2)). Every position is tried. */
static void test_single_error_corrected(void **state)
{
    (void)state;
    enum { N = 60 };
    uint8_t b[N], c[140], e[140], d[N];
    float l[140];
    for (int r = 0; r < 3; r++) {
        conv *q = fl_conv_create(RATES[r], N);
        random_bits(b, N, 14, (uint32_t)r);
        fl_conv_encode(q, b, N, c);
        size_t nc = fl_conv_coded_bits(RATES[r], N);
        for (size_t pos = 0; pos < nc; pos++) {
            memcpy(e, c, nc);
            e[pos] ^= 1u;
            assert_int_equal(fl_conv_decode_hard(q, e, N, d), 0);
            assert_memory_equal(d, b, N);
            for (size_t i = 0; i < nc; i++) l[i] = e[i] ? -1.0f : 1.0f;
            l[pos] *= 3.0f;  /* a confident wrong decision */
            assert_int_equal(fl_conv_decode(q, l, N, d), 0);
            assert_memory_equal(d, b, N);
        }
        fl_conv_destroy(q);
    }
}

static void test_four_errors_corrected_rate_half(void **state)
{
    (void)state;
    enum { N = 80, NC = 2 * (N + 6) };
    uint8_t b[N], c[NC], e[NC], d[N];
    conv *q = fl_conv_create(CONV_RATE_1_2, N);
    for (uint32_t trial = 0; trial < 1500; trial++) {
        random_bits(b, N, 15, trial);
        fl_conv_encode(q, b, N, c);
        memcpy(e, c, NC);
        int nerr = 2 + (int)(trial % 3);  /* 2, 3 or 4 errors */
        for (int k = 0; k < nerr; k++) {
            size_t pos = rnd(16, trial, (uint32_t)k) % NC;
            /* distinct positions: walk forward to an unflipped one */
            while (e[pos] != c[pos]) pos = (pos + 1) % NC;
            e[pos] ^= 1u;
        }
        /* errors clustered in one window are the hardest: every 4th trial
         * puts them within 12 consecutive coded bits */
        if (trial % 4 == 0) {
            memcpy(e, c, NC);
            size_t s = rnd(17, trial, 0) % (NC - 12);
            for (int k = 0; k < 4; k++) e[s + (rnd(17, trial, 1 + k) % 12)] ^= 1u;
        }
        int diff = 0;
        for (int i = 0; i < NC; i++) diff += e[i] != c[i];
        assert_true(diff <= 4);
        assert_int_equal(fl_conv_decode_hard(q, e, N, d), 0);
        assert_memory_equal(d, b, N);
    }
    fl_conv_destroy(q);
}

/* ------------------------------------------- maximum likelihood, exactly */

/* With LLR magnitudes 2 and 6 in equal numbers the mean is 4, the decoder's
 * scale is exactly 16 and its integer metrics are the exact correlations, so
 * its output must reach the largest correlation sum(+-llr) over all 2^n
 * codewords (brute force). The hard decoder must reach the smallest Hamming
 * distance. */
static long corr_metric(const uint8_t *c, const float *l, size_t nc)
{
    long m = 0;
    for (size_t i = 0; i < nc; i++) m += c[i] ? -(long)l[i] : (long)l[i];
    return m;
}

static void test_decoder_is_ml_bruteforce(void **state)
{
    (void)state;
    enum { N = 10 };
    uint8_t b[N], d[N], c[40], cd[40], rx[40];
    float l[40];
    conv_kernel ks[4];
    int nk = n_kernels(ks);
    for (int r = 0; r < 3; r++) {
        conv *q = fl_conv_create(RATES[r], N);
        size_t nc = fl_conv_coded_bits(RATES[r], N);
        assert_true(nc % 2 == 0);
        for (uint32_t trial = 0; trial < 12; trial++) {
            /* magnitudes: half 2, half 6, shuffled; random signs */
            for (size_t i = 0; i < nc; i++) l[i] = i < nc / 2 ? 2.0f : 6.0f;
            for (size_t i = nc - 1; i > 0; i--) {
                size_t j = rnd(18, trial * 64 + (uint32_t)r, (uint32_t)i) % (i + 1);
                float t = l[i]; l[i] = l[j]; l[j] = t;
            }
            for (size_t i = 0; i < nc; i++) {
                if (rnd(19, trial * 64 + (uint32_t)r, (uint32_t)i) & 1u) l[i] = -l[i];
                rx[i] = rnd(20, trial * 64 + (uint32_t)r, (uint32_t)i) & 1u;
            }
            long best = LONG_MIN;
            int best_h = 1 << 30;
            for (uint32_t w = 0; w < (1u << N); w++) {
                for (int i = 0; i < N; i++) b[i] = (w >> i) & 1u;
                fl_conv_encode(q, b, N, c);
                long m = corr_metric(c, l, nc);
                if (m > best) best = m;
                int h = 0;
                for (size_t i = 0; i < nc; i++) h += c[i] != rx[i];
                if (h < best_h) best_h = h;
            }
            for (int k = 0; k < nk; k++) {
                fl_conv_set_kernel(q, ks[k]);
                assert_int_equal(fl_conv_decode(q, l, N, d), 0);
                fl_conv_encode(q, d, N, cd);
                assert_int_equal(corr_metric(cd, l, nc), best);
                assert_int_equal(fl_conv_decode_hard(q, rx, N, d), 0);
                fl_conv_encode(q, d, N, cd);
                int h = 0;
                for (size_t i = 0; i < nc; i++) h += cd[i] != rx[i];
                assert_int_equal(h, best_h);
            }
        }
        fl_conv_destroy(q);
    }
}

/* all ACS kernels compute the same integer recursion: identical output on
 * noisy input with many errors */
static void test_kernels_identical(void **state)
{
    (void)state;
    enum { N = 4000 };
    conv_kernel ks[4];
    int nk = n_kernels(ks);
    uint8_t *b = malloc(N), *c = malloc(2 * N + 12), *d0 = malloc(N), *d1 = malloc(N);
    float *l = malloc((2 * N + 12) * sizeof *l);
    for (int r = 0; r < 3; r++) {
        conv *q = fl_conv_create(RATES[r], N);
        random_bits(b, N, 21, (uint32_t)r);
        fl_conv_encode(q, b, N, c);
        size_t nc = fl_conv_coded_bits(RATES[r], N);
        for (size_t i = 0; i < nc; i += 2) {
            double g0, g1;
            gauss2(22, (uint32_t)r, (uint32_t)i, &g0, &g1);
            l[i] = (float)(2.0 * ((c[i] ? -1.0 : 1.0) + g0));
            if (i + 1 < nc) l[i + 1] = (float)(2.0 * ((c[i + 1] ? -1.0 : 1.0) + g1));
        }
        fl_conv_set_kernel(q, ks[0]);
        fl_conv_decode(q, l, N, d0);
        long errs = 0;
        for (int i = 0; i < N; i++) errs += d0[i] != b[i];
        assert_true(errs > 0);  /* the noise is strong enough to matter */
        for (int k = 1; k < nk; k++) {
            fl_conv_set_kernel(q, ks[k]);
            fl_conv_decode(q, l, N, d1);
            assert_memory_equal(d0, d1, N);
        }
        fl_conv_destroy(q);
    }
    free(b); free(c); free(d0); free(d1); free(l);
}

/* ------------------------------------------------------- bad input */

static void test_extreme_and_garbage_input(void **state)
{
    (void)state;
    enum { N = 500, NC = 2 * (N + 6) };
    uint8_t b[N], c[NC], d[N];
    float l[NC];
    conv *q = fl_conv_create(CONV_RATE_1_2, N);
    random_bits(b, N, 23, 0);
    fl_conv_encode(q, b, N, c);
    /* infinities and huge values with the right signs decode correctly */
    for (int i = 0; i < NC; i++) l[i] = c[i] ? -INFINITY : INFINITY;
    assert_int_equal(fl_conv_decode(q, l, N, d), 0);
    assert_memory_equal(d, b, N);
    for (int i = 0; i < NC; i++) l[i] = c[i] ? -3e38f : 3e38f;
    assert_int_equal(fl_conv_decode(q, l, N, d), 0);
    assert_memory_equal(d, b, N);
    /* tiny (subnormal) magnitudes: scale invariance */
    for (int i = 0; i < NC; i++) l[i] = c[i] ? -1e-42f : 1e-42f;
    assert_int_equal(fl_conv_decode(q, l, N, d), 0);
    assert_memory_equal(d, b, N);
    /* every 10th LLR a NaN (erasure) on a clean signal: still correct */
    for (int i = 0; i < NC; i++) l[i] = i % 10 == 3 ? NAN : (c[i] ? -2.0f : 2.0f);
    assert_int_equal(fl_conv_decode(q, l, N, d), 0);
    assert_memory_equal(d, b, N);
    /* all zero, all NaN, random bit patterns: returns 0 and valid bits */
    for (int pass = 0; pass < 4; pass++) {
        for (int i = 0; i < NC; i++) {
            if (pass == 0) l[i] = 0.0f;
            else if (pass == 1) l[i] = NAN;
            else {
                uint32_t u = rnd(24, (uint32_t)pass, (uint32_t)i);
                memcpy(&l[i], &u, 4);
            }
        }
        memset(d, 9, N);
        assert_int_equal(fl_conv_decode(q, l, N, d), 0);
        for (int i = 0; i < N; i++) assert_true(d[i] <= 1);
    }
    /* hard input bytes other than 0/1 count as 1 */
    for (int i = 0; i < NC; i++) c[i] = c[i] ? (uint8_t)(1 + i % 255) : 0;
    assert_int_equal(fl_conv_decode_hard(q, c, N, d), 0);
    assert_memory_equal(d, b, N);
    /* argument errors */
    assert_int_equal(fl_conv_decode(q, l, N + 1, d), -ERANGE);
    assert_int_equal(fl_conv_decode_hard(q, c, N + 1, d), -ERANGE);
    assert_int_equal(fl_conv_decode(q, NULL, N, d), -EINVAL);
    assert_int_equal(fl_conv_decode(q, l, N, NULL), -EINVAL);
    assert_int_equal(fl_conv_decode(NULL, l, N, d), -EINVAL);
    assert_int_equal(fl_conv_encode(q, NULL, 5, c), -EINVAL);
    assert_int_equal(fl_conv_encode(q, b, 5, NULL), -EINVAL);
    assert_int_equal(fl_conv_decode(q, l, 0, NULL), 0);
    assert_int_equal(fl_conv_set_kernel(q, (conv_kernel)42), -EINVAL);
    assert_null(fl_conv_create((conv_rate)3, 10));
    assert_null(fl_conv_create(CONV_RATE_1_2, 0));
    assert_int_equal(fl_conv_max_info_bits(q), N);
    assert_int_equal(fl_conv_get_rate(q), CONV_RATE_1_2);
    assert_int_not_equal(fl_conv_get_kernel(q), CONV_KERNEL_AUTO);
    fl_conv_destroy(q);
    fl_conv_destroy(NULL);
}

/* ------------------------------------------------------ BER in AWGN */

/* Information-weight spectrum B_d (total input-bit errors of all error events
 * of output weight d) of the K=7 (133,171) code, d = 10, 12, ..., 26 (odd d
 * have B_d = 0), as tabulated for optimum-distance-spectrum codes by Frenger,
 * Orten & Ottosson, IEEE Commun. Lett. 3(11), 1999. */
static const double SPEC_D[9] = {10, 12, 14, 16, 18, 20, 22, 24, 26};
static const double SPEC_B[9] = {36, 211, 1404, 11633, 77433, 502690, 3322763,
                                 21292910, 134365911};

static double qfunc(double x) { return 0.5 * erfc(x / sqrt(2.0)); }

/* Simulate rate-1/2 BPSK/AWGN blocks; returns BER and its batch-means
 * standard error (errors come in bursts, so blocks, not bits, are the
 * independent samples). Es/N0 = R Eb/N0, noise variance 1/(2 Es/N0) per
 * real dimension, LLR = 2y/s2 (conv.h). */
static void sim_ber_bits(int hard, unsigned metric_bits, double ebn0_db, int blocks,
                         uint32_t seed, double *ber, double *se)
{
    enum { N = 1000, NC = 2 * (N + 6) };
    uint8_t b[N], c[NC], d[N], h[NC];
    float l[NC];
    conv *q = fl_conv_create(CONV_RATE_1_2, N);
    assert_int_equal(fl_conv_set_metric_bits(q, metric_bits), 0);
    double esn0 = 0.5 * pow(10.0, ebn0_db / 10.0), s2 = 1.0 / (2.0 * esn0), s = sqrt(s2);
    double sum = 0.0, sum2 = 0.0;
    for (int k = 0; k < blocks; k++) {
        random_bits(b, N, seed, (uint32_t)k);
        fl_conv_encode(q, b, N, c);
        for (int i = 0; i < NC; i += 2) {
            double g0, g1;
            gauss2(seed, (uint32_t)k, (uint32_t)i, &g0, &g1);
            double y0 = (c[i] ? -1.0 : 1.0) + s * g0, y1 = (c[i + 1] ? -1.0 : 1.0) + s * g1;
            l[i] = (float)(2.0 * y0 / s2);
            l[i + 1] = (float)(2.0 * y1 / s2);
            h[i] = y0 < 0.0;
            h[i + 1] = y1 < 0.0;
        }
        if (hard) fl_conv_decode_hard(q, h, N, d);
        else fl_conv_decode(q, l, N, d);
        int e = 0;
        for (int i = 0; i < N; i++) e += d[i] != b[i];
        double x = (double)e / N;
        sum += x;
        sum2 += x * x;
    }
    fl_conv_destroy(q);
    *ber = sum / blocks;
    double var = (sum2 - blocks * (*ber) * (*ber)) / (blocks - 1);
    *se = sqrt(var > 0 ? var / blocks : 0.0);
}

static void sim_ber(int hard, double ebn0_db, int blocks, uint32_t seed, double *ber,
                    double *se)
{
    sim_ber_bits(hard, 16, ebn0_db, blocks, seed, ber, se);
}

/* Soft-decision union bound, Pb <= sum_d B_d Q(sqrt(2 d R Eb/N0)) (A. J.
 * Viterbi, "Convolutional codes and their performance in communication
 * systems", IEEE Trans. Commun. Technol. 19(5), 1971). At Eb/N0 = 3 dB,
 * R = 1/2, truncated at d = 26 it is 7.2e-4 (the truncated terms are
 * positive, so the full bound is larger still; the decoder must not do worse
 * than this). Its first term 36 Q(sqrt(2*10*0.5*1.995)) = 1.4e-4, the
 * nearest-neighbour (d_free) term, is the asymptotically exact error rate and
 * a floor the simulation should not fall under at this SNR (published
 * K=7 soft curves sit at a few 1e-4 here, ~1e-5 near 4.2-4.4 dB). A
 * 4.5-sigma interval of the simulation must overlap [1.4e-4, 7.2e-4];
 * uncoded BPSK would be at Q(sqrt(2 x 1.995)) = 2.3e-2. */
static void test_ber_awgn_soft_within_union_bound(void **state)
{
    (void)state;
    double ebn0 = pow(10.0, 3.0 / 10.0), ub = 0.0;
    for (int i = 0; i < 9; i++) ub += SPEC_B[i] * qfunc(sqrt(2.0 * SPEC_D[i] * 0.5 * ebn0));
    double dfree_term = SPEC_B[0] * qfunc(sqrt(2.0 * 10.0 * 0.5 * ebn0));
    assert_true(ub > 7.0e-4 && ub < 7.4e-4);             /* hand value above */
    assert_true(dfree_term > 1.3e-4 && dfree_term < 1.5e-4);
    double ber, se;
    sim_ber(0, 3.0, 2000, 25, &ber, &se);
    print_message("soft Eb/N0 3 dB: BER %.3e +- %.1e (union bound %.2e, d_free term %.2e)\n",
                  ber, se, ub, dfree_term);
    assert_true(ber - 4.5 * se < ub);
    assert_true(ber + 4.5 * se > dfree_term);
    assert_true(se > 0.0 && se < 0.35 * ber);             /* enough errors */
}

/* Hard decisions lose about 2 dB (Proakis §8.2): at 3 dB the hard-decision
 * BER must be far above the soft one (z > 4.5 on the difference). */
static void test_soft_beats_hard(void **state)
{
    (void)state;
    double bs, ss, bh, sh;
    sim_ber(0, 3.0, 600, 26, &bs, &ss);
    sim_ber(1, 3.0, 200, 26, &bh, &sh);
    print_message("Eb/N0 3 dB: soft %.3e +- %.1e, hard %.3e +- %.1e\n", bs, ss, bh, sh);
    assert_true((bh - bs) / sqrt(ss * ss + sh * sh) > 4.5);
}

/* 8-bit metrics (conv.h: -6..6, mean 3.5) lose about 0.1 dB against the
 * 16-bit decoder (this test's figures: at 2 / 3 / 4 dB the 8-bit BER is
 * 1.34 / 1.18 / 1.57x the 16-bit one and falls 2.0 / 1.9 / 3.3x over 0.25 dB,
 * i.e. 0.10 / 0.07 / 0.09 dB by log-linear interpolation). On the same noisy blocks
 * (same seeds) at Eb/N0 2, 3 and 4 dB: the 8-bit decoder at x + 0.25 dB
 * must not be worse than the 16-bit one at x (loss < 0.25 dB), and at x
 * not better than it (a coarser quantiser of the same ML decoder), both
 * beyond 3 batch-means standard errors; hard decisions are identical. */
static void test_ber_8bit_within_quarter_db(void **state)
{
    (void)state;
    static const double ebn0[3] = {2.0, 3.0, 4.0};
    static const int blocks[3] = {400, 1000, 2500};
    for (int i = 0; i < 3; i++) {
        double b16, s16, b8, s8, b8q, s8q;
        uint32_t seed = 60u + (uint32_t)i;
        sim_ber_bits(0, 16, ebn0[i], blocks[i], seed, &b16, &s16);
        sim_ber_bits(0, 8, ebn0[i], blocks[i], seed, &b8, &s8);
        sim_ber_bits(0, 8, ebn0[i] + 0.25, blocks[i], seed, &b8q, &s8q);
        print_message("Eb/N0 %.0f dB: 16-bit %.3e +- %.1e, 8-bit %.3e +- %.1e, 8-bit at "
                      "+0.25 dB %.3e +- %.1e\n", ebn0[i], b16, s16, b8, s8, b8q, s8q);
        assert_true(b8q - b16 < 3.0 * sqrt(s8q * s8q + s16 * s16));
        assert_true(b16 - b8 < 3.0 * sqrt(s8 * s8 + s16 * s16));
        assert_true(s16 > 0.0);                                  /* some errors */
    }
    double h16, hs16, h8, hs8;
    sim_ber_bits(1, 16, 3.0, 100, 62u, &h16, &hs16);
    sim_ber_bits(1, 8, 3.0, 100, 62u, &h8, &hs8);
    assert_true(h16 == h8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rates_and_coded_lengths),
        cmocka_unit_test(test_encoder_impulse_response),
        cmocka_unit_test(test_encoder_hand_worked),
        cmocka_unit_test(test_encoder_linear),
        cmocka_unit_test(test_noiseless_roundtrip),
        cmocka_unit_test(test_single_error_corrected),
        cmocka_unit_test(test_four_errors_corrected_rate_half),
        cmocka_unit_test(test_decoder_is_ml_bruteforce),
        cmocka_unit_test(test_kernels_identical),
        cmocka_unit_test(test_extreme_and_garbage_input),
        cmocka_unit_test(test_ber_awgn_soft_within_union_bound),
        cmocka_unit_test(test_soft_beats_hard),
        cmocka_unit_test(test_ber_8bit_within_quarter_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
