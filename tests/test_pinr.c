/* Tests of codec/pinr: paper 000 §3 analytic figures, bit-exact round trips
 * in every index mode, exact measured lengths, corruption and erasures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "codec/bitio.h"
#include "codec/pinr.h"

#include <Random123/philox.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Small deterministic generator for test inputs (not the code under test). */
static uint64_t test_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double test_unif(uint64_t *s) { return (double)(test_rand(s) >> 11) / 9007199254740992.0; }

/* Table 1 of paper 000 by hand: Nt = 512, Ns = 1024, Nb = 32, f = g = h = 0.2.
 *   total  = 512 * 1024 * 32                                   = 16777216
 *   saved  = (0.2 + 0.2*0.2*0.8) * 16777216 = 0.232 * 16777216 = 3892314.112
 *   index  = 0.2*512*9 + 0.2*0.8*512*9 + 0.2*0.8*512*0.2*1024*10
 *          = 921.6 + 737.28 + 167772.16                        = 169431.04
 *   net    = 3892314.112 - 169431.04                           = 3722883.072
 *   ratio  = 3722883.072 / 16777216                            = 0.22190112...
 *   sent   = 16777216 - 3722883.072                            = 13054332.928
 *   B(0dB) = sent / log2(2) = 13.054 MHz; B(20dB) = sent / log2(101) = 1.9606 MHz */
static void test_analytic_table1_by_hand(void **state)
{
    (void)state;
    pinr_params p = {512, 1024, 32, 0.2, 0.2, 0.2, PINR_INDEX_LIST};
    pinr_analytic a;
    fl_pinr_analytic_compute(&p, &a);
    assert_true(a.total_bits == 16777216.0);
    assert_true(fabs(a.saved_bits - 3892314.112) < 1e-6);
    assert_true(fabs(a.index_bits - 169431.04) < 1e-6);
    assert_true(fabs(a.net_saved_bits - 3722883.072) < 1e-6);
    assert_true(fabs(a.sent_bits - 13054332.928) < 1e-6);
    assert_true(fabs(a.reduction_ratio - 3722883.072 / 16777216.0) < 1e-15);
    /* the paper prints 0.2219 */
    assert_true(fabs(a.reduction_ratio - 0.2219) < 1e-4);
}

/* f = g = h = 0.8: saved = (0.8 + 0.8*0.8*0.2) 16777216 = 0.928 * 16777216
 * = 15569256.448; index = 0.8*512*9 + 0.8*0.2*512*9 + 0.8*0.2*512*0.8*1024*10
 * = 3686.4 + 737.28 + 671088.64 = 675512.32; net = 14893744.128 (paper 1.4894e7). */
static void test_analytic_08_by_hand(void **state)
{
    (void)state;
    pinr_params p = {512, 1024, 32, 0.8, 0.8, 0.8, PINR_INDEX_LIST};
    pinr_analytic a;
    fl_pinr_analytic_compute(&p, &a);
    assert_true(fabs(a.saved_bits - 15569256.448) < 1e-6);
    assert_true(fabs(a.index_bits - 675512.32) < 1e-6);
    assert_true(fabs(a.net_saved_bits - 14893744.128) < 1e-6);
    assert_true(fabs(a.net_saved_bits - 1.4894e7) < 0.0001e7);
}

/* Bits a frame must take, computed here from the integer set sizes. */
static uint64_t expected_bits(const pinr_params *p, int64_t na, int64_t nbp, int64_t k)
{
    uint64_t nt = (uint64_t)p->tokens, ns = (uint64_t)p->dims;
    int wt = 0, ws = 0;
    while ((UINT64_C(1) << wt) < nt)
        wt++;
    while ((UINT64_C(1) << ws) < ns)
        ws++;
    uint64_t kept = (nt - (uint64_t)na) * ns - (uint64_t)nbp * (uint64_t)k;
    uint64_t header = 256, index = 0;
    if (p->index == PINR_INDEX_LIST)
        index = ((uint64_t)na + (uint64_t)nbp) * (uint64_t)wt + (uint64_t)nbp * (uint64_t)k * (uint64_t)ws;
    else if (p->index == PINR_INDEX_BITMASK)
        index = nt + (nt - (uint64_t)na) + (uint64_t)nbp * ns;
    else if (p->index == PINR_INDEX_SEEDED)
        header += 64;
    return header + index + kept * (uint64_t)p->bits;
}

static void check_roundtrip(const pinr_params *p, uint64_t seed)
{
    int64_t n = p->tokens * p->dims;
    float *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    uint8_t *keep = malloc((size_t)n);
    uint64_t rs = seed | 1;
    for (int64_t i = 0; i < n; i++)
        x[i] = (float)(test_unif(&rs) * 8.0 - 4.0);
    uint64_t fs = fl_pinr_frame_seed((uint32_t)seed, 7, 3);
    uint8_t *buf = NULL;
    uint64_t nbits = 0;
    pinr_layout lay;
    assert_int_equal(fl_pinr_encode(p, x, fs, &buf, &nbits, &lay), 0);
    assert_int_equal(fl_pinr_select(p, fs, keep), 0);

    /* integer set sizes as the decoder sees them, counted from the mask */
    int64_t removed = 0, pruned = 0, k = -1;
    for (int64_t t = 0; t < p->tokens; t++) {
        int64_t kept_t = 0;
        for (int64_t s = 0; s < p->dims; s++)
            kept_t += keep[t * p->dims + s];
        if (kept_t == 0 && p->dims > 0 && lay.pruned_per_token < p->dims) {
            removed++;
        } else if (kept_t < p->dims) {
            pruned++;
            if (k < 0)
                k = p->dims - kept_t;
            assert_int_equal(p->dims - kept_t, k);
        }
    }
    if (lay.pruned_per_token < p->dims) {
        assert_int_equal(removed, (int64_t)floor(p->f * (double)p->tokens + 0.5));
        if (lay.pruned_per_token > 0)
            assert_int_equal(pruned, lay.pruned_tokens);
    }
    assert_int_equal(lay.removed, (int64_t)floor(p->f * (double)p->tokens + 0.5));
    if (p->index == PINR_INDEX_ENUMERATIVE) {
        /* each subset: a 32-bit length + rANS words holding at most
         * log2 C(n,k) + 64 bits (codec/enumidx), rounded up to 32-bit words */
        uint64_t payload = (uint64_t)lay.kept_symbols * (uint64_t)p->bits;
        assert_int_equal(nbits, 256 + lay.index_bits + payload);
        double bound = 0;
        int64_t nb = p->tokens - lay.removed;
        const int64_t n_[2] = {p->tokens, nb}, k_[2] = {lay.removed, lay.pruned_tokens};
        for (int i = 0; i < 2; i++)
            bound += 32 + 32 * ceil((lgamma(n_[i] + 1.0) - lgamma(k_[i] + 1.0) - lgamma(n_[i] - k_[i] + 1.0)) /
                                    log(2.0) / 32 + 2);
        double per = lgamma(p->dims + 1.0) - lgamma(lay.pruned_per_token + 1.0) -
                     lgamma(p->dims - lay.pruned_per_token + 1.0);
        bound += (double)lay.pruned_tokens * (32 + 32 * ceil(per / log(2.0) / 32 + 2));
        assert_true((double)lay.index_bits <= bound);
    } else {
        assert_int_equal(nbits, expected_bits(p, lay.removed, lay.pruned_tokens, lay.pruned_per_token));
    }

    int64_t lost = -1;
    pinr_layout dl;
    assert_int_equal(fl_pinr_decode(buf, nbits, NULL, p->tokens, p->dims, y, &dl, &lost), 0);
    assert_int_equal(lost, 0);
    assert_int_equal(dl.total_bits, nbits);
    double top = p->bits >= 2 && p->bits <= 63 ? (double)((INT64_C(1) << (p->bits - 1)) - 1) : 1.0;
    for (int64_t i = 0; i < n; i++) {
        if (!keep[i]) {
            assert_true(y[i] == 0.0f);
        } else if (p->bits == 32 || p->bits == 64) {
            assert_true(y[i] == x[i]);
        } else if (p->bits == 1) {
            /* sign kept, magnitude half the frame's max |x| (at most 4) */
            assert_true((y[i] < 0) == (x[i] < 0) && fabs(y[i]) <= 2.0 + 1e-6);
        } else {
            /* uniform levels over [-max|x|, max|x|]: error at most half a step */
            if (!(fabs((double)y[i] - (double)x[i]) <= 4.0 / top * 0.5 + 1e-6))
                fail_msg("bits %d: x %.9g decoded %.9g", p->bits, x[i], y[i]);
        }
    }
    free(buf), free(x), free(y), free(keep);
}

static void test_roundtrip_random_all_modes(void **state)
{
    (void)state;
    uint64_t rs = 12345;
    const pinr_index modes[] = {PINR_INDEX_LIST, PINR_INDEX_BITMASK, PINR_INDEX_SEEDED,
                                PINR_INDEX_ENUMERATIVE};
    for (int trial = 0; trial < 80; trial++) {
        pinr_params p;
        p.tokens = 1 + (int64_t)(test_rand(&rs) % 90);
        p.dims = 1 + (int64_t)(test_rand(&rs) % 70);
        p.bits = trial % 3 == 0 ? 32 : trial % 7 == 0 ? 64 : trial % 11 == 0 ? 1 : 2 + (int)(test_rand(&rs) % 62);
        p.f = test_unif(&rs);
        p.g = test_unif(&rs);
        p.h = test_unif(&rs);
        if (trial % 10 == 0)
            p.f = 0, p.g = 1, p.h = 1;
        if (trial % 10 == 1)
            p.f = 1;
        p.index = modes[trial % 4];
        check_roundtrip(&p, (uint64_t)trial + 1);
    }
}

static void test_table1_sizes_measured(void **state)
{
    (void)state;
    /* Nt=512, Ns=1024, f=g=h=0.2: |A| = round(102.4) = 102, |B| = 410,
     * |Bp| = round(82) = 82, k = round(204.8) = 205; list mode:
     * index = (102 + 82) 9 + 82 * 205 * 10 = 1656 + 168100 = 169756 bits */
    pinr_params p = {512, 1024, 32, 0.2, 0.2, 0.2, PINR_INDEX_LIST};
    pinr_layout l;
    assert_int_equal(fl_pinr_plan(&p, &l), 0);
    assert_int_equal(l.removed, 102);
    assert_int_equal(l.pruned_tokens, 82);
    assert_int_equal(l.pruned_per_token, 205);
    assert_int_equal(l.index_bits, 169756);
    check_roundtrip(&p, 99);
}

static void test_seeded_overhead_is_64_bits(void **state)
{
    (void)state;
    pinr_params p = {64, 32, 32, 0.3, 0.5, 0.5, PINR_INDEX_SEEDED};
    pinr_layout l;
    assert_int_equal(fl_pinr_plan(&p, &l), 0);
    assert_int_equal(l.index_bits, 0);
    assert_int_equal(l.header_bits, 256 + 64);
}

/* Any corruption: decode returns 0 or -EBADMSG, never crashes (run under SAN=1). */
static void test_corrupted_streams_survive(void **state)
{
    (void)state;
    uint64_t rs = 777;
    const pinr_index modes[] = {PINR_INDEX_LIST, PINR_INDEX_BITMASK, PINR_INDEX_SEEDED,
                                PINR_INDEX_ENUMERATIVE};
    for (int m = 0; m < 4; m++) {
        pinr_params p = {40, 24, 16, 0.25, 0.5, 0.5, modes[m]};
        float x[40 * 24], y[40 * 24];
        for (int i = 0; i < 40 * 24; i++)
            x[i] = (float)test_unif(&rs);
        uint8_t *buf;
        uint64_t nbits;
        assert_int_equal(fl_pinr_encode(&p, x, 42, &buf, &nbits, NULL), 0);
        size_t nbytes = (size_t)((nbits + 7) / 8);
        uint8_t *copy = malloc(nbytes);
        for (int trial = 0; trial < 400; trial++) {
            memcpy(copy, buf, nbytes);
            int flips = 1 + (int)(test_rand(&rs) % 8);
            for (int f = 0; f < flips; f++)
                copy[test_rand(&rs) % nbytes] ^= (uint8_t)(1u << (test_rand(&rs) % 8));
            uint64_t cut = trial % 4 == 0 ? test_rand(&rs) % (nbits + 1) : nbits;
            int rc = fl_pinr_decode(copy, cut, NULL, 40, 24, y, NULL, NULL);
            assert_true(rc == 0 || rc == -EBADMSG);
            for (int i = 0; i < 40 * 24; i++)
                assert_true(isfinite(y[i]));
        }
        /* pure garbage */
        for (int trial = 0; trial < 200; trial++) {
            for (size_t i = 0; i < nbytes; i++)
                copy[i] = (uint8_t)test_rand(&rs);
            int rc = fl_pinr_decode(copy, nbits, NULL, 40, 24, y, NULL, NULL);
            assert_true(rc == 0 || rc == -EBADMSG);
        }
        free(copy);
        free(buf);
    }
}

/* Issue 10: the level -2^(Nb-1), which the encoder never sends, times a
 * scale of FLT_MAX was -2 x FLT_MAX: -inf after the float conversion, with
 * success returned. It is clamped to -top: the value decodes as -scale. */
static void test_most_negative_level_is_clamped(void **state)
{
    (void)state;
    const int nbs[] = {2, 8, 16, 63};
    for (int k = 0; k < 4; k++) {
        pinr_params p = {1, 4, nbs[k], 0, 0, 0, PINR_INDEX_LIST};
        float x[4] = {FLT_MAX, 1, -1, 0}, y[4];
        uint8_t *buf;
        uint64_t nbits;
        pinr_layout lay;
        assert_int_equal(fl_pinr_encode(&p, x, 1, &buf, &nbits, &lay), 0);
        uint64_t at = lay.header_bits + lay.index_bits;
        /* the first symbol: sign bit 1, then zeros (MSB first) */
        for (int b = 0; b < nbs[k]; b++) {
            uint64_t bit = at + (uint64_t)b;
            uint8_t m = (uint8_t)(0x80u >> (bit % 8));
            buf[bit / 8] = (uint8_t)(b == 0 ? buf[bit / 8] | m : buf[bit / 8] & ~m);
        }
        assert_int_equal(fl_pinr_decode(buf, nbits, NULL, 1, 4, y, NULL, NULL), 0);
        assert_true(y[0] == -FLT_MAX);
        assert_true(isfinite(y[1]) && isfinite(y[2]) && y[3] == 0.0f);
        free(buf);
    }
}

/* Found by tests/fuzz/fuzz_pinr: a seeded stream cut to its 256-bit base
 * header, with an erasure mask of its 32 bytes, read the mask at bytes 32..39
 * (the seed's place) out of bounds (ASan in make test SAN=1). Missing bits
 * count as erased: -EBADMSG, zeros. */
static void test_truncated_seeded_header_with_mask(void **state)
{
    (void)state;
    pinr_params p = {8, 4, 8, 0.25, 0.5, 0.5, PINR_INDEX_SEEDED};
    float x[32], y[32];
    for (int i = 0; i < 32; i++)
        x[i] = (float)i - 16;
    uint8_t *buf;
    uint64_t nbits;
    assert_int_equal(fl_pinr_encode(&p, x, 3, &buf, &nbits, NULL), 0);
    uint8_t *mask = calloc(32, 1); /* exactly the bytes given */
    assert_int_equal(fl_pinr_decode(buf, 256, mask, 8, 4, y, NULL, NULL), -EBADMSG);
    for (int i = 0; i < 32; i++)
        assert_true(y[i] == 0.0f);
    /* the whole stream with a clean mask still decodes */
    uint8_t *full = calloc((size_t)((nbits + 7) / 8), 1);
    assert_int_equal(fl_pinr_decode(buf, nbits, full, 8, 4, y, NULL, NULL), 0);
    free(full), free(mask), free(buf);
}

/* An erased payload byte loses exactly the symbols that overlap it; an erased
 * header loses the frame. */
static void test_erasures(void **state)
{
    (void)state;
    pinr_params p = {16, 16, 32, 0.25, 0.5, 0.25, PINR_INDEX_LIST};
    float x[256], y[256];
    for (int i = 0; i < 256; i++)
        x[i] = (float)(i + 1);
    uint8_t *buf;
    uint64_t nbits;
    pinr_layout l;
    assert_int_equal(fl_pinr_encode(&p, x, 5, &buf, &nbits, &l), 0);
    size_t nbytes = (size_t)((nbits + 7) / 8);
    uint8_t *er = calloc(nbytes, 1);
    /* the last byte holds the low 8 bits of the last 32-bit symbol */
    er[nbytes - 1] = 1;
    int64_t lost = 0;
    assert_int_equal(fl_pinr_decode(buf, nbits, er, 16, 16, y, NULL, &lost), 0);
    assert_int_equal(lost, 1);
    int zeros = 0;
    for (int i = 0; i < 256; i++)
        zeros += y[i] == 0.0f;
    /* dropped symbols + the one lost symbol */
    assert_int_equal(zeros, 256 - (int)l.kept_symbols + 1);
    memset(er, 0, nbytes);
    er[3] = 1; /* inside the header */
    assert_int_equal(fl_pinr_decode(buf, nbits, er, 16, 16, y, NULL, &lost), -EBADMSG);
    for (int i = 0; i < 256; i++)
        assert_true(y[i] == 0.0f);
    free(er);
    free(buf);
}

static void test_bad_params(void **state)
{
    (void)state;
    pinr_params p = {16, 16, 32, 1.5, 0, 0, PINR_INDEX_LIST};
    pinr_layout l;
    assert_int_equal(fl_pinr_plan(&p, &l), -EINVAL);
    p.f = 0.5;
    p.bits = 65;
    assert_int_equal(fl_pinr_plan(&p, &l), -EINVAL);
    p.bits = 32;
    p.tokens = 0;
    assert_int_equal(fl_pinr_plan(&p, &l), -EINVAL);
    p.tokens = INT64_C(1) << 31;
    p.dims = INT64_C(1) << 31;
    assert_int_equal(fl_pinr_plan(&p, &l), -ERANGE);
}

static void test_bitio_roundtrip(void **state)
{
    (void)state;
    bitw w;
    assert_int_equal(fl_bitw_init(&w, 0), 0);
    uint64_t rs = 3;
    uint64_t vals[500];
    int widths[500];
    for (int i = 0; i < 500; i++) {
        widths[i] = (int)(test_rand(&rs) % 65);
        vals[i] = test_rand(&rs);
        if (widths[i] < 64)
            vals[i] &= (UINT64_C(1) << widths[i]) - 1;
        fl_bitw_put(&w, vals[i], widths[i]);
    }
    uint64_t nbits;
    uint8_t *b = fl_bitw_take(&w, &nbits);
    bitr r;
    fl_bitr_init(&r, b, nbits);
    for (int i = 0; i < 500; i++)
        assert_true(fl_bitr_get(&r, widths[i]) == vals[i]);
    assert_int_equal(r.err, 0);
    fl_bitr_get(&r, 1);
    assert_int_equal(r.err, -EBADMSG);
    assert_int_equal(fl_bitio_width(512), 9);
    assert_int_equal(fl_bitio_width(513), 10);
    assert_int_equal(fl_bitio_width(1), 0);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analytic_table1_by_hand),
        cmocka_unit_test(test_analytic_08_by_hand),
        cmocka_unit_test(test_roundtrip_random_all_modes),
        cmocka_unit_test(test_table1_sizes_measured),
        cmocka_unit_test(test_seeded_overhead_is_64_bits),
        cmocka_unit_test(test_corrupted_streams_survive),
        cmocka_unit_test(test_erasures),
        cmocka_unit_test(test_most_negative_level_is_clamped),
        cmocka_unit_test(test_truncated_seeded_header_with_mask),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_bitio_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
