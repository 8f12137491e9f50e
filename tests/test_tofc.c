/* Tests of codec/tofc: round trips for every codec combination (exact for
 * fp32, error bounds for the quantisers), exact lengths, merge vs
 * fl_merge_execute/merge_expand, corrupted/truncated streams, erasures, and the
 * RDOQ trade-off (rate falls, distortion rises as λ grows). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "codec/entropy.h"
#include "codec/merge.h"
#include "codec/quant.h"
#include "codec/tofc.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* xorshift64 + Box-Muller / inverse-CDF Laplace: test inputs only */
static uint64_t trand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}
static double tunif(uint64_t *s) { return ((double)(trand(s) >> 11) + 0.5) / 9007199254740992.0; }
static double tgauss(uint64_t *s) { return sqrt(-2 * log(tunif(s))) * cos(2 * M_PI * tunif(s)); }
static double tlaplace(uint64_t *s, double b)
{
    double u = tunif(s) - 0.5;
    return u < 0 ? b * log(1 + 2 * u) : -b * log(1 - 2 * u);
}

/* clustered tokens: a few centres plus small noise, so merging is meaningful */
static float *make_frame(int64_t patches, int64_t tokens, int64_t dims, uint64_t seed)
{
    uint64_t s = seed * 2654435761u + 1;
    float *x = malloc((size_t)(patches * tokens * dims) * sizeof *x);
    float cen[6][64];
    assert_true(dims <= 64);
    for (int k = 0; k < 6; k++)
        for (int64_t d = 0; d < dims; d++)
            cen[k][d] = (float)tgauss(&s);
    for (int64_t t = 0; t < patches * tokens; t++) {
        int k = (int)(trand(&s) % 6);
        for (int64_t d = 0; d < dims; d++)
            x[t * dims + d] = cen[k][d] + (float)(0.2 * tlaplace(&s, 1.0));
    }
    return x;
}

static tofc_params base(int64_t patches, int64_t tokens, int64_t dims)
{
    tofc_params p = {.patches = patches, .tokens = tokens, .dims = dims, .select = TOFC_SELECT_NONE,
                     .clusters = 4, .knn = 3, .quant = TOFC_QUANT_FP32, .step = 0.05, .deadzone = 0.5,
                     .lambda = 0.0, .entropy = TOFC_ENTROPY_RAW, .models = 2};
    return p;
}

/* fp32 raw: exact values; length = 36 header bytes + 4 per value, by hand */
static void test_fp32_raw_exact(void **state)
{
    (void)state;
    float *x = make_frame(2, 20, 8, 1);
    tofc_params p = base(2, 20, 8);
    uint8_t *b;
    size_t nb;
    tofc_stats st;
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, &st, NULL), 0);
    assert_int_equal(nb, 36 + 4 * 320);
    assert_true(st.bits == 8 * (36 + 4 * 320) && st.header_bits == 288);
    assert_true(st.ideal_bits == (double)st.bits && isnan(st.empirical_bits));
    tofc_frame f;
    assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), 0);
    assert_true(f.patches == 2 && f.tokens == 20 && f.rows == 20 && f.dims == 8 && f.lost_values == 0);
    assert_memory_equal(f.y, x, 320 * sizeof(float));
    fl_tofc_frame_free(&f);
    free(b), free(x);
}

/* fp16 / bf16: decoded = the quant module's conversion, and relative error
 * <= 2^-11 (fp16, normal range) or 2^-8 (bf16): half an ulp of 11/8 bits */
static void test_fp16_bf16_bounds(void **state)
{
    (void)state;
    float *x = make_frame(1, 32, 16, 2);
    for (int q = TOFC_QUANT_FP16; q <= TOFC_QUANT_BF16; q++) {
        tofc_params p = base(1, 32, 16);
        p.quant = (tofc_quant)q;
        uint8_t *b;
        size_t nb;
        assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), 0);
        assert_int_equal(nb, 36 + 2 * 512);
        tofc_frame f;
        assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), 0);
        double tol = q == TOFC_QUANT_FP16 ? ldexp(1, -11) : ldexp(1, -8);
        for (int i = 0; i < 512; i++) {
            float ref = q == TOFC_QUANT_FP16 ? fl_quant_f16_to_f32(fl_quant_f32_to_f16(x[i]))
                                             : fl_quant_bf16_to_f32(fl_quant_f32_to_bf16(x[i]));
            assert_true(f.y[i] == ref);
            if (fabsf(x[i]) > 1e-4f)
                assert_true(fabs(f.y[i] - x[i]) <= tol * fabs(x[i]));
        }
        fl_tofc_frame_free(&f);
        free(b);
    }
    free(x);
}

/* uniform (r = 0.5 and a dead zone r = 1/3) x (raw | laplace): both entropy
 * modes decode the same levels; |x - x̂| <= Δ/2 for r = 0.5 and <= (1-r)Δ
 * for a dead zone (level = sign floor(|x|/Δ + r)). Raw length by hand. */
static void test_uniform_bounds_both_entropies(void **state)
{
    (void)state;
    float *x = make_frame(2, 24, 12, 3);
    size_t n = 2 * 24 * 12;
    const double rs[2] = {0.5, 1.0 / 3.0};
    for (int k = 0; k < 2; k++) {
        float *ys[2];
        for (int e = 0; e < 2; e++) {
            tofc_params p = base(2, 24, 12);
            p.quant = TOFC_QUANT_UNIFORM, p.step = 0.125, p.deadzone = rs[k];
            p.entropy = (tofc_entropy)e;
            uint8_t *b;
            size_t nb;
            tofc_stats st;
            assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, &st, NULL), 0);
            if (e == TOFC_ENTROPY_RAW) {
                // width by hand from the largest |level|
                int32_t lv[576];
                assert_int_equal(fl_quant_uniform(x, n, 0.125, rs[k], lv), 0);
                int32_t mx = 0, mn = 0;
                for (size_t i = 0; i < n; i++)
                    mx = lv[i] > mx ? lv[i] : mx, mn = lv[i] < mn ? lv[i] : mn;
                int w = 1;
                while (mx > (1 << (w - 1)) - 1 || mn < -(1 << (w - 1)))
                    w++;
                assert_int_equal(nb, 36 + (n * (size_t)w + 7) / 8);
            }
            tofc_frame f;
            assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), 0);
            for (size_t i = 0; i < n; i++)
                assert_true(fabs((double)x[i] - f.y[i]) <= (1 - rs[k]) * 0.125 + 1e-6);
            ys[e] = f.y;
            f.y = NULL;
            fl_tofc_frame_free(&f);
            free(b);
        }
        assert_memory_equal(ys[0], ys[1], n * sizeof(float));
        free(ys[0]), free(ys[1]);
    }
    free(x);
}

/* laplace: the coded payload is within 0.1% + 64 bits a lane of -Σ log2 p
 * (issue 4 acceptance), and RDOQ with λ = 0 is exactly uniform rounding */
static void test_laplace_near_ideal_and_rdoq_lambda0(void **state)
{
    (void)state;
    float *x = make_frame(1, 64, 64, 4);
    tofc_params p = base(1, 64, 64);
    p.quant = TOFC_QUANT_UNIFORM, p.step = 0.02, p.entropy = TOFC_ENTROPY_LAPLACE, p.models = 4;
    uint8_t *b1, *b2;
    size_t n1, n2;
    tofc_stats st;
    assert_int_equal(fl_tofc_encode(&p, x, &b1, &n1, &st, NULL), 0);
    double pay_ideal = st.ideal_bits - (double)st.header_bits;
    assert_true((double)st.payload_bits >= pay_ideal - 1e-6);
    assert_true((double)st.payload_bits <= pay_ideal * 1.001 + 64 * ENTROPY_LANES); // per lane flush
    assert_true(st.side_bits > st.header_bits && st.side_bits < st.ideal_bits);
    p.quant = TOFC_QUANT_RDOQ, p.lambda = 0.0;
    assert_int_equal(fl_tofc_encode(&p, x, &b2, &n2, &st, NULL), 0);
    assert_int_equal(n1, n2);
    // identical payload; header differs only in the quant byte and checksum
    assert_memory_equal(b1 + 36, b2 + 36, n1 - 36);
    assert_true(st.rdoq_rate_bits > 0);
    free(b1), free(b2), free(x);
}

/* a version 1 stream (one-lane entropy payload, before format 2) is refused
 * by its header with -EBADMSG (checksum valid), outputs left empty */
static void test_version1_refused(void **state)
{
    (void)state;
    float *x = make_frame(1, 32, 16, 5);
    tofc_params p = base(1, 32, 16);
    p.quant = TOFC_QUANT_UNIFORM, p.step = 0.05, p.entropy = TOFC_ENTROPY_LAPLACE;
    uint8_t *b;
    size_t nb;
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), 0);
    assert_int_equal(b[2], 2);
    tofc_frame f;
    assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), 0);
    fl_tofc_frame_free(&f);
    b[2] = 1;
    uint16_t c = fl_tofc_fletcher16(b, 34);
    b[34] = (uint8_t)c, b[35] = (uint8_t)(c >> 8);
    assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), -EBADMSG);
    assert_null(f.y);
    assert_null(f.lost);
    free(b), free(x);
}

/* merge: decoded rows = fl_merge_execute's output exactly (fp32); the returned
 * assignment is fl_merge_execute's, and expanding gives merge_expand's grid */
static void test_merge_round_trip(void **state)
{
    (void)state;
    int64_t P = 2, T = 40, D = 16, C = 6;
    float *x = make_frame(P, T, D, 5);
    tofc_params p = base(P, T, D);
    p.select = TOFC_SELECT_MERGE, p.clusters = (int)C, p.knn = 4;
    uint8_t *b;
    size_t nb;
    tofc_stats st;
    int32_t *as = malloc((size_t)(P * T) * sizeof *as), *as2 = malloc((size_t)(P * T) * sizeof *as2);
    float *ym = malloc((size_t)(P * C * D) * sizeof *ym);
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, &st, as), 0);
    assert_int_equal(st.rows, C);
    assert_int_equal(nb, 36 + 4 * (size_t)(P * C * D));
    assert_int_equal(fl_merge_reference(x, (size_t)P, (size_t)T, (size_t)D, (size_t)C, 4, ym, as2, NULL, NULL), 0);
    assert_memory_equal(as, as2, (size_t)(P * T) * sizeof *as);
    tofc_frame f;
    assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), 0);
    assert_true(f.select == TOFC_SELECT_MERGE && f.rows == C && f.tokens == T);
    assert_memory_equal(f.y, ym, (size_t)(P * C * D) * sizeof *ym);
    float *g1 = malloc((size_t)(P * T * D) * sizeof *g1), *g2 = malloc((size_t)(P * T * D) * sizeof *g2);
    assert_int_equal(fl_merge_expand(f.y, as, (size_t)P, (size_t)T, (size_t)C, (size_t)D, g1), 0);
    // expansion by hand: token t of patch q gets merged row as[q T + t]
    for (int64_t q = 0; q < P; q++)
        for (int64_t t = 0; t < T; t++)
            memcpy(g2 + (q * T + t) * D, ym + (q * C + as[q * T + t]) * D, (size_t)D * sizeof *g2);
    assert_memory_equal(g1, g2, (size_t)(P * T * D) * sizeof *g1);
    // merged + uniform + laplace decodes to the quantised merged rows
    p.quant = TOFC_QUANT_UNIFORM, p.step = 0.01, p.entropy = TOFC_ENTROPY_LAPLACE;
    uint8_t *b2;
    size_t nb2;
    tofc_frame f2;
    assert_int_equal(fl_tofc_encode(&p, x, &b2, &nb2, NULL, NULL), 0);
    assert_int_equal(fl_tofc_decode(b2, nb2, NULL, 0, &f2), 0);
    for (int64_t i = 0; i < P * C * D; i++)
        assert_true(fabs((double)f2.y[i] - ym[i]) <= 0.005 + 1e-6);
    fl_tofc_frame_free(&f), fl_tofc_frame_free(&f2);
    free(b), free(b2), free(as), free(as2), free(ym), free(x), free(g1), free(g2);
}

static void test_bad_params(void **state)
{
    (void)state;
    float x[16] = {0};
    uint8_t *b;
    size_t nb;
    tofc_params p = base(1, 4, 4);
    p.entropy = TOFC_ENTROPY_LAPLACE; // fp32 + laplace
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), -EINVAL);
    p = base(1, 4, 4);
    p.quant = TOFC_QUANT_UNIFORM, p.step = 0;
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), -EINVAL);
    p = base(1, 4, 4);
    x[3] = NAN;
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), -EINVAL);
    tofc_frame f;
    assert_int_equal(fl_tofc_decode(NULL, 0, NULL, 0, &f), -EBADMSG);
}

/* every codec mode: all truncations and 300 random corruptions decode to 0 or
 * -EBADMSG without out-of-bounds access (run under SAN=1); any single-bit
 * flip in the header is caught by the checksum (Fletcher-16 detects every
 * single-byte change that is not 0x00 <-> 0xFF) */
static void test_corrupt_and_truncated(void **state)
{
    (void)state;
    float *x = make_frame(1, 24, 16, 6);
    const int modes[][3] = {{0, TOFC_QUANT_FP32, 0}, {0, TOFC_QUANT_FP16, 0}, {1, TOFC_QUANT_BF16, 0},
                            {0, TOFC_QUANT_UNIFORM, 0}, {1, TOFC_QUANT_UNIFORM, 1}, {0, TOFC_QUANT_RDOQ, 1}};
    uint64_t s = 99;
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        tofc_params p = base(1, 24, 16);
        p.select = (tofc_select)modes[m][0], p.quant = (tofc_quant)modes[m][1];
        p.entropy = (tofc_entropy)modes[m][2], p.step = 0.05, p.lambda = 0.001;
        uint8_t *b;
        size_t nb;
        assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), 0);
        tofc_frame f;
        for (size_t k = 0; k < nb; k++) {
            uint8_t *t = malloc(k + 1);
            memcpy(t, b, k);
            int rc = fl_tofc_decode(t, k, NULL, 0, &f);
            assert_int_equal(rc, -EBADMSG); // length disagrees with the header
            free(t);
        }
        for (int bit = 0; bit < 8 * TOFC_HEADER_BYTES; bit++) {
            b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), -EBADMSG);
            b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        uint8_t *c = malloc(nb);
        for (int it = 0; it < 300; it++) {
            memcpy(c, b, nb);
            int nflip = 1 + (int)(trand(&s) % 4);
            for (int j = 0; j < nflip; j++)
                c[trand(&s) % nb] ^= (uint8_t)(1 + trand(&s) % 255);
            int rc = fl_tofc_decode(c, nb, NULL, 0, &f);
            assert_true(rc == 0 || rc == -EBADMSG);
            if (rc == 0) {
                assert_true(f.y != NULL && f.rows >= 1);
                fl_tofc_frame_free(&f);
            }
        }
        free(c), free(b);
    }
    // pure noise of assorted lengths, with a valid-looking header prefix sometimes
    for (int it = 0; it < 200; it++) {
        size_t len = (size_t)(trand(&s) % 200);
        uint8_t *c = malloc(len + 1);
        for (size_t k = 0; k < len; k++)
            c[k] = (uint8_t)trand(&s);
        if (len > 3)
            c[0] = 'T', c[1] = 'F', c[2] = TOFC_VERSION;
        tofc_frame f;
        int rc = fl_tofc_decode(c, len, NULL, 0, &f);
        assert_true(rc == 0 || rc == -EBADMSG);
        fl_tofc_frame_free(&f);
        free(c);
    }
    free(x);
}

/* erasures: header byte -> frame lost; laplace payload byte -> frame lost;
 * raw fp32 byte k -> exactly value (k-36)/4 lost; fixed-width levels: the
 * values whose bits overlap the byte */
static void put32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v, b[1] = (uint8_t)(v >> 8), b[2] = (uint8_t)(v >> 16), b[3] = (uint8_t)(v >> 24);
}

/* Issue 10: a 40-byte entropy-coded stream announcing 2^31 values with
 * max_values = 0 asked for 18 GiB before decoding; the header is now refused
 * by the payload-capacity bound before any allocation. */
static void test_entropy_stream_capacity_bound(void **state)
{
    (void)state;
    uint8_t b[40] = {'T', 'F', TOFC_VERSION, TOFC_SELECT_NONE, TOFC_QUANT_UNIFORM,
                     TOFC_ENTROPY_LAPLACE, 1, 0};
    put32(b + 8, 1), put32(b + 12, 1u << 24), put32(b + 16, 1u << 24), put32(b + 20, 128);
    float one = 1.0f;
    uint32_t ob;
    memcpy(&ob, &one, 4);
    put32(b + 24, ob), put32(b + 28, 4);
    uint16_t c = fl_tofc_fletcher16(b, 34);
    b[34] = (uint8_t)c, b[35] = (uint8_t)(c >> 8);
    tofc_frame f;
    assert_int_equal(fl_tofc_decode(b, 40, NULL, 0, &f), -EBADMSG);
    assert_null(f.y);
    assert_null(f.lost);
    /* the bound is just above what 4 payload bytes can hold: 480000 values */
    put32(b + 12, 480001), put32(b + 16, 480001), put32(b + 20, 1);
    c = fl_tofc_fletcher16(b, 34);
    b[34] = (uint8_t)c, b[35] = (uint8_t)(c >> 8);
    assert_int_equal(fl_tofc_decode(b, 40, NULL, 0, &f), -EBADMSG);
    assert_null(f.y);
}

/* TOFC_ENTROPY_MIN_BITS is below the cheapest symbol of every table at the
 * decoder's precision, less the rANS slack, and an all-zero frame (the most
 * compressible one) stays within the bound and decodes. */
static void test_entropy_min_bits_constant(void **state)
{
    (void)state;
    entropy_tables *tb = fl_entropy_tables_create(ENTROPY_PREC_DEFAULT);
    assert_non_null(tb);
    double cheapest = 1e9;
    for (int k = 0; k < ENTROPY_SCALES; k++) {
        int32_t r;
        int n = fl_entropy_tables_freq(tb, k, NULL, &r);
        uint32_t *fr = malloc((size_t)n * sizeof *fr);
        fl_entropy_tables_freq(tb, k, fr, &r);
        for (int i = 0; i < n; i++) {
            double bits = -log2((double)fr[i] / 65536.0) - log2(1.0 + 65536.0 / 2147483648.0);
            cheapest = bits < cheapest ? bits : cheapest;
        }
        free(fr);
    }
    fl_entropy_tables_destroy(tb);
    assert_true(cheapest > 4.3e-4 && cheapest < 4.5e-4); /* 4.40e-4 */
    assert_true(TOFC_ENTROPY_MIN_BITS <= 0.5 * cheapest);
    tofc_params p = base(1, 2048, 256);
    p.quant = TOFC_QUANT_UNIFORM, p.entropy = TOFC_ENTROPY_LAPLACE, p.step = 1.0;
    float *x = calloc(2048 * 256, sizeof *x);
    uint8_t *b;
    size_t nb;
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), 0);
    double cap = ((double)(nb - TOFC_HEADER_BYTES) * 8 + 64) / TOFC_ENTROPY_MIN_BITS;
    assert_true(2048.0 * 256 <= cap);
    tofc_frame f;
    assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), 0);
    for (size_t i = 0; i < 2048 * 256; i++)
        assert_true(f.y[i] == 0.0f);
    fl_tofc_frame_free(&f);
    free(b);
    free(x);
}

/* Found by tests/fuzz/fuzz_tofc: a raw fp16 stream carrying an inf/NaN half
 * word (0x7C00, 0xFE00) decoded as success with a non-finite value. Such a
 * word is now a lost value (0, flagged); bf16 and fp32 likewise. A uniform
 * level x step beyond float range decodes clamped to +-FLT_MAX. */
static void test_nonfinite_words_are_lost(void **state)
{
    (void)state;
    const int q[3] = {TOFC_QUANT_FP16, TOFC_QUANT_BF16, TOFC_QUANT_FP32};
    for (int k = 0; k < 3; k++) {
        tofc_params p = base(1, 1, 3);
        p.quant = (tofc_quant)q[k];
        float x[3] = {1.0f, -2.0f, 0.5f};
        uint8_t *b;
        size_t nb;
        assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), 0);
        uint8_t *w = b + TOFC_HEADER_BYTES;
        if (k == 0)
            w[0] = 0x00, w[1] = 0x7C, w[4] = 0x00, w[5] = 0xFE;   /* +inf, NaN */
        else if (k == 1)
            w[0] = 0x80, w[1] = 0x7F, w[4] = 0xC0, w[5] = 0xFF;   /* +inf, NaN */
        else
            w[0] = 0, w[1] = 0, w[2] = 0x80, w[3] = 0xFF, w[8] = 1, w[9] = 0, w[10] = 0x80, w[11] = 0x7F;
        tofc_frame f;
        assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), 0);
        assert_true(f.y[0] == 0.0f && f.lost[0] == 1);
        assert_true(f.y[1] == -2.0f && f.lost[1] == 0);
        assert_true(f.y[2] == 0.0f && f.lost[2] == 1);
        assert_int_equal(f.lost_values, 2);
        fl_tofc_frame_free(&f);
        free(b);
    }
    /* uniform, raw levels of width w (6 here): the largest level 2^(w-1)-1 = 31
     * at step 2e37 is 6.2e38 > FLT_MAX */
    tofc_params p = base(1, 1, 2);
    p.quant = TOFC_QUANT_UNIFORM, p.step = 2e37;
    float x[2] = {3.2e38f, -3.2e38f};
    uint8_t *b;
    size_t nb;
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), 0);
    int width = b[7];
    uint8_t *w = b + TOFC_HEADER_BYTES;
    memset(w, 0, nb - TOFC_HEADER_BYTES);
    for (int i = 1; i < width; i++) /* value 0: 0111..1 (largest), value 1: 1000..0 (smallest) */
        w[i / 8] |= (uint8_t)(0x80u >> (i % 8));
    w[width / 8] |= (uint8_t)(0x80u >> (width % 8));
    tofc_frame f;
    assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), 0);
    assert_int_equal(width, 6);
    assert_true(f.y[0] == FLT_MAX);
    assert_true(f.y[1] == -FLT_MAX);
    fl_tofc_frame_free(&f);
    free(b);
}

static void test_erasures(void **state)
{
    (void)state;
    float *x = make_frame(1, 16, 8, 7);
    size_t n = 128;
    tofc_params p = base(1, 16, 8);
    uint8_t *b;
    size_t nb;
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), 0);
    uint8_t *er = calloc(nb, 1);
    tofc_frame f;
    er[5] = 1;
    assert_int_equal(fl_tofc_decode(b, nb, er, 0, &f), -EBADMSG);
    er[5] = 0;
    er[36 + 4 * 17 + 2] = 1; // value 17
    assert_int_equal(fl_tofc_decode(b, nb, er, 0, &f), 0);
    assert_int_equal(f.lost_values, 1);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(f.lost[i], i == 17);
        assert_true(f.y[i] == (i == 17 ? 0.0f : x[i]));
    }
    fl_tofc_frame_free(&f);
    free(b), free(er);

    // fixed-width levels: width w, byte k covers bits 8k..8k+7 -> values
    // floor(8k/w) .. floor((8k+7)/w)
    p.quant = TOFC_QUANT_UNIFORM, p.step = 0.01;
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), 0);
    int w = b[7];
    er = calloc(nb, 1);
    size_t k = 10;
    er[36 + k] = 1;
    assert_int_equal(fl_tofc_decode(b, nb, er, 0, &f), 0);
    size_t lo = 8 * k / (size_t)w, hi = (8 * k + 7) / (size_t)w;
    assert_int_equal(f.lost_values, (int64_t)(hi - lo + 1));
    for (size_t i = 0; i < n; i++)
        assert_int_equal(f.lost[i], i >= lo && i <= hi);
    fl_tofc_frame_free(&f);
    free(b), free(er);

    p.entropy = TOFC_ENTROPY_LAPLACE;
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, NULL, NULL), 0);
    er = calloc(nb, 1);
    assert_int_equal(fl_tofc_decode(b, nb, er, 0, &f), 0); // no erasure: fine
    fl_tofc_frame_free(&f);
    er[nb - 1] = 1;
    assert_int_equal(fl_tofc_decode(b, nb, er, 0, &f), -EBADMSG);
    free(b), free(er), free(x);
}

/* RDOQ trade-off: for i.i.d. Laplacian frames, as λ grows (0, 0.5Δ², 2Δ²,
 * 8Δ²) the coded size falls and the squared error rises. Statistical: over
 * 6 independent frames the mean change between consecutive λ must exceed
 * 5 standard errors of the per-frame changes. */
static void test_rdoq_rate_falls_distortion_rises(void **state)
{
    (void)state;
    enum { F = 6, L = 4, T = 64, D = 64 };
    const double step = 0.25, lam[L] = {0, 0.5 * step * step, 2 * step * step, 8 * step * step};
    double rate[F][L], dist[F][L];
    uint64_t s = 2024;
    float *x = malloc(T * D * sizeof *x);
    for (int fr = 0; fr < F; fr++) {
        for (int i = 0; i < T * D; i++)
            x[i] = (float)tlaplace(&s, 1.0);
        for (int l = 0; l < L; l++) {
            tofc_params p = base(1, T, D);
            p.quant = TOFC_QUANT_RDOQ, p.step = step, p.lambda = lam[l];
            p.entropy = TOFC_ENTROPY_LAPLACE, p.models = 1;
            uint8_t *b;
            size_t nb;
            tofc_stats st;
            assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, &st, NULL), 0);
            tofc_frame f;
            assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), 0);
            double sse = 0;
            for (int i = 0; i < T * D; i++)
                sse += ((double)x[i] - f.y[i]) * ((double)x[i] - f.y[i]);
            rate[fr][l] = (double)st.bits / (T * D);
            dist[fr][l] = sse / (T * D);
            fl_tofc_frame_free(&f);
            free(b);
        }
    }
    for (int l = 0; l + 1 < L; l++) {
        for (int q = 0; q < 2; q++) {
            double m = 0, v = 0, dlt[F];
            for (int fr = 0; fr < F; fr++) {
                dlt[fr] = q ? dist[fr][l + 1] - dist[fr][l] : rate[fr][l] - rate[fr][l + 1];
                m += dlt[fr] / F;
            }
            for (int fr = 0; fr < F; fr++)
                v += (dlt[fr] - m) * (dlt[fr] - m) / (F - 1);
            assert_true(m > 0);
            assert_true(m > 5 * sqrt(v / F));
        }
    }
    free(x);
}

/* Tables built once by the caller give the very stream and the very
 * decoded frame that per-call tables give (RDOQ and uniform, laplace);
 * tables of another precision make a stream that tables of the default
 * precision refuse. */
static void test_caller_tables(void **state)
{
    (void)state;
    float *x = make_frame(2, 32, 16, 8);
    entropy_tables *tb = fl_entropy_tables_create(ENTROPY_PREC_DEFAULT), *t12 = fl_entropy_tables_create(12);
    assert_non_null(tb);
    assert_non_null(t12);
    tofc_params p = {.patches = 2, .tokens = 32, .dims = 16, .select = TOFC_SELECT_MERGE, .clusters = 8, .knn = 3,
                     .quant = TOFC_QUANT_RDOQ, .step = 0.05, .lambda = 0.01, .entropy = TOFC_ENTROPY_LAPLACE,
                     .models = 4};
    for (int k = 0; k < 2; k++) {
        if (k)
            p.quant = TOFC_QUANT_UNIFORM, p.deadzone = 0.5, p.select = TOFC_SELECT_NONE;
        uint8_t *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        assert_int_equal(fl_tofc_encode(&p, x, &a, &na, NULL, NULL), 0);
        assert_int_equal(fl_tofc_encode_with(tb, &p, x, &b, &nb, NULL, NULL), 0);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
        tofc_frame fa, fb;
        assert_int_equal(fl_tofc_decode(a, na, NULL, 0, &fa), 0);
        assert_int_equal(fl_tofc_decode_with(tb, a, na, NULL, 0, &fb), 0);
        assert_int_equal(fa.rows, fb.rows);
        assert_memory_equal(fa.y, fb.y, (size_t)(fa.patches * fa.rows * fa.dims) * sizeof *fa.y);
        fl_tofc_frame_free(&fa), fl_tofc_frame_free(&fb);
        free(b);
        assert_int_equal(fl_tofc_encode_with(t12, &p, x, &b, &nb, NULL, NULL), 0);
        assert_int_equal(fl_tofc_decode_with(t12, b, nb, NULL, 0, &fb), 0);
        fl_tofc_frame_free(&fb);
        assert_int_equal(fl_tofc_decode_with(tb, b, nb, NULL, 0, &fb), -EBADMSG);
        free(a), free(b);
    }
    fl_entropy_tables_destroy(tb), fl_entropy_tables_destroy(t12);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp32_raw_exact),
        cmocka_unit_test(test_caller_tables),
        cmocka_unit_test(test_fp16_bf16_bounds),
        cmocka_unit_test(test_uniform_bounds_both_entropies),
        cmocka_unit_test(test_laplace_near_ideal_and_rdoq_lambda0),
        cmocka_unit_test(test_merge_round_trip),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_corrupt_and_truncated),
        cmocka_unit_test(test_version1_refused),
        cmocka_unit_test(test_erasures),
        cmocka_unit_test(test_nonfinite_words_are_lost),
        cmocka_unit_test(test_entropy_stream_capacity_bound),
        cmocka_unit_test(test_entropy_min_bits_constant),
        cmocka_unit_test(test_rdoq_rate_falls_distortion_rises),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
