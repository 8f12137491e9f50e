/* test_enumidx: enumerative k-of-n subset coding.  Round trips for random
 * (n, k) including k = 0, k = n, n = 0, 1; coded length against log2 C(n,k)
 * from GSL's gsl_sf_lnchoose (within 64 bits, and never below it); index-list
 * and mask APIs agree; bad arguments refused; truncated and corrupted streams
 * refused without out-of-bounds reads (SAN=1).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "tests/testutil.h"

#include <gsl/gsl_sf_gamma.h>
#include <Random123/philox.h>

#include "codec/enumidx.h"

/* test inputs: tests/testutil.h, key word 0xE1 */
typedef testutil_rng rng;

static uint32_t rng_u32(rng *r) { return testutil_rng_u32(r, 0xE1u); }

/* a uniformly random k-subset of [0, n) as a mask (partial Fisher-Yates) */
static uint8_t *random_mask(rng *r, int64_t n, int64_t k)
{
    int64_t *perm = malloc((size_t)(n + 1) * sizeof *perm);
    uint8_t *m = calloc((size_t)n + 1, 1);
    for (int64_t i = 0; i < n; i++)
        perm[i] = i;
    for (int64_t i = 0; i < k; i++) {
        int64_t j = i + (int64_t)(((uint64_t)rng_u32(r) << 32 | rng_u32(r)) % (uint64_t)(n - i));
        int64_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        m[perm[i]] = 1;
    }
    free(perm);
    return m;
}

static double log2_choose(int64_t n, int64_t k)
{
    return gsl_sf_lnchoose((unsigned)n, (unsigned)k) / M_LN2;
}

static void check_case(rng *r, int64_t n, int64_t k, double *worst)
{
    uint8_t *m = random_mask(r, n, k);
    uint8_t *buf;
    size_t nb;
    uint64_t bits;
    assert_int_equal(fl_enumidx_encode_mask(m, n, k, &buf, &nb, &bits), 0);
    assert_true(bits == 8 * nb);
    double lb = log2_choose(n, k);
    // information content log2 C(n,k) + the rans flush (31..63 bits)
    if (!((double)bits <= lb + 64 && (double)bits >= lb))
        fail_msg("n %lld k %lld: %llu bits vs log2 C = %.2f", (long long)n, (long long)k,
                 (unsigned long long)bits, lb);
    if (bits - lb > *worst)
        *worst = bits - lb;
    assert_true(fabs(fl_enumidx_log2_binom(n, k) - lb) < 1e-6 * (1 + lb));
    uint8_t *d = malloc((size_t)n + 1);
    assert_int_equal(fl_enumidx_decode_mask(buf, nb, n, k, d), 0);
    if (n > 0)
        assert_memory_equal(d, m, (size_t)n);
    // index-list API: same stream, same subset
    int64_t *idx = malloc((size_t)(k + 1) * sizeof *idx);
    int64_t j = 0;
    for (int64_t i = 0; i < n; i++)
        if (m[i])
            idx[j++] = i;
    uint8_t *buf2;
    size_t nb2;
    assert_int_equal(fl_enumidx_encode(idx, k, n, &buf2, &nb2, NULL), 0);
    assert_int_equal(nb2, nb);
    assert_memory_equal(buf2, buf, nb);
    int64_t *idx2 = malloc((size_t)(k + 1) * sizeof *idx2);
    assert_int_equal(fl_enumidx_decode(buf, nb, n, k, idx2), 0);
    if (k > 0)
        assert_memory_equal(idx2, idx, (size_t)k * sizeof *idx);
    free(idx);
    free(idx2);
    free(buf2);
    free(d);
    free(buf);
    free(m);
}

static void roundtrip_and_length(void **s)
{
    (void)s;
    rng r = {1, 0x1E, 0, {0}, 0};
    double worst = 0;
    int64_t fixed[][2] = {{0, 0}, {1, 0}, {1, 1}, {2, 1}, {10, 0}, {10, 10}, {10, 9}, {10, 1},
                          {729, 0}, {729, 729}, {729, 364}, {576, 100}, {100000, 3}, {100000, 99997},
                          {200000, 100000}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        check_case(&r, fixed[i][0], fixed[i][1], &worst);
    for (int t = 0; t < 200; t++) {
        int64_t n = 1 + rng_u32(&r) % (t < 150 ? 300 : 20000);
        int64_t k = rng_u32(&r) % (n + 1);
        check_case(&r, n, k, &worst);
    }
    print_message("worst overhead over log2 C(n,k): %.2f bits\n", worst);
}

static void bad_arguments(void **s)
{
    (void)s;
    uint8_t m[4] = {1, 0, 1, 0}, *buf;
    size_t nb;
    assert_int_equal(fl_enumidx_encode_mask(m, 4, 1, &buf, &nb, NULL), -EINVAL); // popcount 2
    assert_int_equal(fl_enumidx_encode_mask(m, 4, 5, &buf, &nb, NULL), -EINVAL);
    assert_int_equal(fl_enumidx_encode_mask(m, -1, 0, &buf, &nb, NULL), -EINVAL);
    int64_t unsorted[2] = {3, 1}, dup[2] = {1, 1}, out_of_range[2] = {1, 4};
    assert_int_equal(fl_enumidx_encode(unsorted, 2, 4, &buf, &nb, NULL), -EINVAL);
    assert_int_equal(fl_enumidx_encode(dup, 2, 4, &buf, &nb, NULL), -EINVAL);
    assert_int_equal(fl_enumidx_encode(out_of_range, 2, 4, &buf, &nb, NULL), -EINVAL);
    assert_int_equal(fl_enumidx_decode_mask(NULL, 0, 4, 2, m), -EBADMSG);
    assert_int_equal(fl_enumidx_decode_mask(NULL, 0, 4, 5, m), -EINVAL);
}

/* every truncation refused; flips refused (the stream has no raw bits, so
 * the ~31-bit end-of-stream check catches them); never out of bounds */
static void corrupt_streams(void **s)
{
    (void)s;
    rng r = {2, 0x1E, 0, {0}, 0};
    const int64_t n = 5000, k = 700;
    uint8_t *m = random_mask(&r, n, k);
    uint8_t *buf, *d = malloc(n);
    size_t nb;
    assert_int_equal(fl_enumidx_encode_mask(m, n, k, &buf, &nb, NULL), 0);
    for (size_t len = 0; len < nb; len++) {
        uint8_t *cp = malloc(len ? len : 1);
        memcpy(cp, buf, len);
        assert_int_equal(fl_enumidx_decode_mask(cp, len, n, k, d), -EBADMSG);
        free(cp);
    }
    int undetected = 0;
    for (int t = 0; t < 500; t++) {
        uint8_t *cp = malloc(nb);
        memcpy(cp, buf, nb);
        int flips = 1 + (int)(rng_u32(&r) % 3);
        for (int j = 0; j < flips; j++)
            cp[rng_u32(&r) % nb] ^= (uint8_t)(1u << (rng_u32(&r) % 8));
        int rc = fl_enumidx_decode_mask(cp, nb, n, k, d);
        assert_true(rc == 0 || rc == -EBADMSG);
        undetected += rc == 0 && memcmp(cp, buf, nb) != 0;
        free(cp);
    }
    assert_int_equal(undetected, 0);
    free(d);
    free(buf);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip_and_length),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(corrupt_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
