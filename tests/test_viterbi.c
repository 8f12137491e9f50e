/* test_viterbi: every compiled-in add-compare-select kernel of
 * fl_conv_decode (channel/viterbi.c) against a reference written here with
 * nothing in common with the kernels but the quantiser conv.h specifies: a
 * textbook Viterbi over 64 states with int64 path metrics (no saturation, no
 * renormalisation), each branch metric computed from the generators
 * directly (IEEE 802.11-2016 Figure 17-8), ties to decision 0 as conv.h's
 * kernels break them (the path from the lower old state), traceback from
 * state 0. Inputs: Gaussian noise, LLRs that clip at +-511 over long runs
 * (the largest branch metrics, the widest metric spread), LLRs of one
 * magnitude (ties everywhere), hard decisions, lengths around the 16-step
 * renormalisation block and the 8-bit packing, one frame of 2^17 bits; soft,
 * packed, hard and hard-packed outputs, rates 1/2, 2/3 and 3/4. The same
 * for the 8-bit metrics (fl_conv_set_metric_bits 8: quantiser mean -> 3.5,
 * clip +-6, hard +-1), and the 8-bit kernels alone on hostile integer
 * inputs (all +6, all -6, alternating, random in -6..6) with every decision
 * word compared to the int64 reference's from step 6 on, and the largest
 * difference of two competing int64 metrics checked against the bound of
 * channel/viterbi8.c (20 x 6 = 120 < 128).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "channel/conv.h"
#include "channel/viterbi.h"
#include "tests/testutil.h"

static const conv_rate RATES[3] = {CONV_RATE_1_2, CONV_RATE_2_3, CONV_RATE_3_4};
/* per puncturing period over A0 B0 A1 B1 A2 B2 (conv.h) */
static const uint8_t KEEP[3][6] = {{1, 1}, {1, 1, 1, 0}, {1, 1, 1, 0, 0, 1}};
static const unsigned PERIOD[3] = {2, 4, 6};

/* ------------------------------------------------------------ reference */

/* conv.h's quantiser: scale so the mean |llr| (NaN 0, capped 1e30, 16
 * partial sums by index mod 16 added in order) maps to 64, clip +-511, round
 * half away from 0 */
static void ref_quantise_to(const float *llr, size_t nc, int *q, double qmean, float qmax)
{
    float acc[16] = {0};
    for (size_t i = 0; i < nc; i++) {
        float a = fabsf(llr[i]);
        a = a == a ? a : 0.0f;
        acc[i % 16] += a < 1e30f ? a : 1e30f;
    }
    double s = 0.0;
    for (int j = 0; j < 16; j++) s += acc[j];
    double mean = nc ? s / (double)nc : 0.0;
    float scale = mean > 0.0 ? (float)(qmean / mean) : 1.0f;
    for (size_t i = 0; i < nc; i++) {
        float x = llr[i] * scale;
        x = x == x ? x : 0.0f;
        x = x > qmax ? qmax : x < -qmax ? -qmax : x;
        q[i] = (int)(x + (x >= 0.0f ? 0.5f : -0.5f));
    }
}

static void ref_quantise(const float *llr, size_t nc, int *q, int bits8)
{
    if (bits8) ref_quantise_to(llr, nc, q, 3.5, 6.0f);    /* conv.h, 8-bit */
    else ref_quantise_to(llr, nc, q, 64.0, 511.0f);
}

/* coded bits of register r (input in bit 0, delay k in bit k) */
static unsigned out_a(unsigned r) { return __builtin_parity(r & 0x6Du); }  /* 133 */
static unsigned out_b(unsigned r) { return __builtin_parity(r & 0x4Fu); }  /* 171 */

/* the n info bits from mother-code integer LLRs la[t], lb[t] (0 where
 * stolen); decisions to _dec_out (64 a step) when not NULL, the largest
 * |difference| of two competing metrics from step 6 on to *_spread */
static void ref_viterbi_full(const int *la, const int *lb, size_t n, uint8_t *bits,
                             uint8_t *dec_out, int64_t *spread)
{
    size_t steps = n + 6;
    uint8_t *dec = dec_out ? dec_out : malloc(steps * 64);
    int64_t m[64], nm[64];
    assert_non_null(dec);
    for (int s = 0; s < 64; s++) m[s] = s ? -8000 : 0;
    for (size_t t = 0; t < steps; t++) {
        for (unsigned s = 0; s < 64; s++) {
            int64_t best = 0;
            for (unsigned d = 0; d < 2; d++) {
                unsigned old = (s >> 1) | (d << 5), r = (old << 1) | (s & 1u);
                int64_t v = m[old] + (out_a(r) ? -la[t] : la[t]) + (out_b(r) ? -lb[t] : lb[t]);
                if (d == 1 && t >= 6 && spread && llabs(v - best) > *spread)
                    *spread = llabs(v - best);
                if (d == 0 || v > best) {
                    best = v;
                    dec[64 * t + s] = (uint8_t)d;
                }
            }
            nm[s] = best;
        }
        memcpy(m, nm, sizeof m);
    }
    unsigned s = 0;
    for (size_t t = steps; t-- > 0;) {
        if (t < n) bits[t] = (uint8_t)(s & 1u);
        s = (s >> 1) | ((unsigned)dec[64 * t + s] << 5);
    }
    if (!dec_out) free(dec);
}

static void ref_viterbi(const int *la, const int *lb, size_t n, uint8_t *bits)
{
    ref_viterbi_full(la, lb, n, bits, NULL, NULL);
}

/* depuncture on-air values v[] (nc of them) into la/lb of n + 6 steps */
static void ref_depuncture(int rate, const int *v, size_t n, int *la, int *lb)
{
    unsigned p = 0;
    size_t k = 0;
    for (size_t m = 0; m < 2 * (n + 6); m++) {
        int x = KEEP[rate][p] ? v[k++] : 0;
        if (m % 2 == 0) la[m / 2] = x;
        else lb[m / 2] = x;
        if (++p == PERIOD[rate]) p = 0;
    }
}

/* ------------------------------------------------------------ the check */

enum { INPUT_NOISE, INPUT_CLIPPED, INPUT_TIES, N_INPUTS };

static float draw_llr(int kind, uint8_t c, size_t i, size_t nc, testutil_rng *g)
{
    float sgn = c ? -1.0f : 1.0f;
    uint32_t u = testutil_rng_u32(g, 0x5171u);
    double u1 = ((double)(u >> 8) + 0.5) / 16777216.0;
    double u2 = ((double)(testutil_rng_u32(g, 0x5171u) >> 8) + 0.5) / 16777216.0;
    double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
    if (kind == INPUT_NOISE) return (float)(2.0 * (sgn + 0.9 * z));
    if (kind == INPUT_TIES) return (u & 1u) ? -1.0f : 1.0f;        /* random signs */
    /* the first eighth of the block huge with random signs (mean -> 64 puts
     * them at the clip, both LLRs of a step at +-511), the rest small */
    if (i < nc / 8) return (u & 1u) ? -1e6f : 1e6f;
    return (float)(sgn * 0.01 * (1.0 + z * z));
}

static void pack(const uint8_t *b, size_t n, uint8_t *p)
{
    memset(p, 0, (n + 7) / 8);
    for (size_t i = 0; i < n; i++) p[i / 8] |= (uint8_t)(b[i] << (7 - i % 8));
}

/* one block: reference against every kernel, soft and hard, unpacked and packed */
static void check_block_bits(int rate, size_t n, int kind, uint32_t seed, int bits8)
{
    size_t nc = fl_conv_coded_bits(RATES[rate], n);
    uint8_t *b = malloc(n + 1), *c = malloc(nc), *ref = malloc(n + 1), *d = malloc(n + 1);
    uint8_t *cp = malloc(nc / 8 + 1), *rp = malloc(n / 8 + 1), *dp = malloc(n / 8 + 1);
    float *l = malloc(nc * sizeof *l);
    int *v = malloc(nc * sizeof *v), *la = malloc((n + 6) * sizeof *la);
    int *lb = malloc((n + 6) * sizeof *lb);
    assert_true(b && c && ref && d && cp && rp && dp && l && v && la && lb);
    testutil_rng g = {.seed = seed, .purpose = (uint32_t)(kind * 16 + rate)};
    for (size_t i = 0; i < n; i++) b[i] = testutil_rng_u32(&g, 0xB175u) & 1u;
    conv *q = fl_conv_create(RATES[rate], n);
    assert_non_null(q);
    assert_int_equal(fl_conv_set_metric_bits(q, bits8 ? 8 : 16), 0);
    assert_int_equal(fl_conv_encode(q, b, n, c), 0);
    for (size_t i = 0; i < nc; i++) l[i] = draw_llr(kind, c[i], i, nc, &g);
    for (int hard = 0; hard < 2; hard++) {
        if (hard) {
            /* hard decisions of the noisy LLRs, each +-64 (conv.h; +-1 at
             * 8 bits: the same ML decisions) */
            for (size_t i = 0; i < nc; i++) c[i] = l[i] < 0.0f;
            for (size_t i = 0; i < nc; i++) v[i] = c[i] ? -64 : 64;
        } else {
            ref_quantise(l, nc, v, bits8);
        }
        ref_depuncture(rate, v, n, la, lb);
        ref_viterbi(la, lb, n, ref);
        pack(ref, n, rp);
        pack(c, nc, cp);
        for (int k = CONV_KERNEL_SCALAR; k <= CONV_KERNEL_AVX512; k++) {
            if (fl_conv_set_kernel(q, (conv_kernel)k) != 0) continue;
            memset(d, 7, n + 1);
            memset(dp, 0xA5, n / 8 + 1);
            if (hard) {
                assert_int_equal(fl_conv_decode_hard(q, c, n, d), 0);
                assert_int_equal(fl_conv_decode_hard_packed(q, cp, n, dp), 0);
            } else {
                assert_int_equal(fl_conv_decode(q, l, n, d), 0);
                assert_int_equal(fl_conv_decode_packed(q, l, n, dp), 0);
            }
            if (memcmp(d, ref, n) != 0 || memcmp(dp, rp, (n + 7) / 8) != 0)
                fail_msg("kernel %d rate %d n %zu input %d hard %d bits8 %d differs from the "
                         "reference", k, rate, n, kind, hard, bits8);
            assert_int_equal(d[n], 7);                      /* nothing past the end */
        }
    }
    fl_conv_destroy(q);
    free(b); free(c); free(ref); free(d); free(cp); free(rp); free(dp);
    free(l); free(v); free(la); free(lb);
}

static void check_block(int rate, size_t n, int kind, uint32_t seed)
{
    check_block_bits(rate, n, kind, seed, 0);
    check_block_bits(rate, n, kind, seed, 1);
}

/* ------------------------------------------- 8-bit kernels, hostile input */

enum { H_ALLPOS, H_ALLNEG, H_ALTERNATE, H_RANDOM, H_RANDOM_EXTREME, N_HOSTILE };

/* the ACS kernels directly (channel/viterbi.h) on integer LLRs in -6..6 */
static void check_hostile(int kind, size_t n, uint32_t seed)
{
    size_t steps = n + 6;
    int *la = malloc(steps * sizeof *la), *lb = malloc(steps * sizeof *lb);
    int16_t *ql = malloc(2 * steps * sizeof *ql);
    int8_t *rec = malloc(4 * steps);
    uint64_t *dec = malloc(steps * sizeof *dec);
    uint8_t *rdec = malloc(64 * steps), *ref = malloc(n), *out = malloc(n), sel[32];
    assert_true(la && lb && ql && rec && dec && rdec && ref && out);
    testutil_rng g = {.seed = seed, .purpose = 0x800u + (uint32_t)kind};
    for (size_t t = 0; t < steps; t++) {
        for (int j = 0; j < 2; j++) {
            uint32_t u = testutil_rng_u32(&g, 0x8B17u);
            int v = kind == H_ALLPOS ? 6 : kind == H_ALLNEG ? -6
                  : kind == H_ALTERNATE ? ((t + (size_t)j) % 2 ? -6 : 6)
                  : kind == H_RANDOM ? (int)(u % 13u) - 6 : (u & 1u ? 6 : -6);
            (j ? lb : la)[t] = v;
            ql[2 * t + (size_t)j] = (int16_t)v;
        }
    }
    /* butterfly i: record index of (old i, input 0), register 2i (conv.c) */
    static const uint8_t sel_of[4] = {0, 2, 3, 1};
    for (unsigned i = 0; i < 32; i++) sel[i] = sel_of[(out_a(2 * i) << 1) | out_b(2 * i)];
    int64_t spread = 0;
    ref_viterbi_full(la, lb, n, ref, rdec, &spread);
    assert_true(spread <= 120);                  /* channel/viterbi8.c's bound */
    fl_viterbi_records8(ql, steps, rec);
    for (int k = CONV_KERNEL_SCALAR; k <= CONV_KERNEL_AVX512; k++) {
        viterbi_order order = fl_viterbi_order8((conv_kernel)k);
        memset(dec, 0, steps * sizeof *dec);
        fl_viterbi_acs8((conv_kernel)k, sel, rec, steps, dec);
        for (size_t t = 6; t < steps; t++)
            for (unsigned s = 0; s < 64; s++) {
                unsigned bit = s, r = 0;
                for (int j = 0; j < 6; j++) r |= ((s >> j) & 1u) << (5 - j);
                if (order == VITERBI_ORDER_BITREV) bit = r;
                if (((dec[t] >> bit) & 1u) != rdec[64 * t + s])
                    fail_msg("8-bit kernel %d input %d step %zu state %u: decision differs", k,
                             kind, t, s);
            }
        fl_viterbi_traceback(order, dec, n, out, 0);
        if (memcmp(out, ref, n) != 0)
            fail_msg("8-bit kernel %d input %d n %zu differs from the reference", k, kind, n);
    }
    free(la); free(lb); free(ql); free(rec); free(dec); free(rdec); free(ref); free(out);
}

static void test_kernels_match_reference_short(void **state)
{
    (void)state;
    static const size_t lens[] = {1, 2, 7, 8, 9, 10, 15, 16, 17, 26, 31, 32, 33, 63, 64, 65, 200};
    for (int rate = 0; rate < 3; rate++)
        for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
            for (int kind = 0; kind < N_INPUTS; kind++)
                check_block(rate, lens[i], kind, 27u + (uint32_t)i);
}

static void test_kernels_match_reference_long(void **state)
{
    (void)state;
    for (int rate = 0; rate < 3; rate++)
        for (int kind = 0; kind < N_INPUTS; kind++) check_block(rate, 4099, kind, 28u);
    /* one long frame: 2^17 info bits, many renormalisations */
    check_block(0, (size_t)1 << 17, INPUT_NOISE, 29u);
    check_block(0, (size_t)1 << 17, INPUT_CLIPPED, 29u);
}

static void test_kernels8_hostile(void **state)
{
    (void)state;
    static const size_t lens[] = {1, 5, 6, 7, 64, 1000, 20000};
    for (int kind = 0; kind < N_HOSTILE; kind++)
        for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
            check_hostile(kind, lens[i], 40u + (uint32_t)i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernels8_hostile),
        cmocka_unit_test(test_kernels_match_reference_short),
        cmocka_unit_test(test_kernels_match_reference_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
