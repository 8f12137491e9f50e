/* bench_fec: Viterbi decoding (IEEE 802.11 K = 7 code) and CRC-32 throughput,
 * each beside a plain baseline written here, in the same run:
 *   - baseline Viterbi: the textbook scalar form (float path metrics, two
 *     predecessors per state, one survivor byte per state and step,
 *     traceback), as in Proakis & Salehi, Digital Communications 5th ed., ch. 8;
 *   - baseline CRC: Sarwate's bytewise table (fl_crc32_update_bytewise).
 * Figures are info bits per second of decoder output (soft, rate 1/2,
 * 12000-bit blocks = one 1500-byte packet, LLRs of BPSK/AWGN at Eb/N0 3 dB)
 * and bytes per second of CRC input. One thread, thread CPU time.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>

#include "channel/conv.h"
#include "channel/crc32.h"
#include "tests/bench_info.h"

/* timed in this thread's CPU time: the machine is shared, and wall time
 * would count the waits for a core */
static double now_s(void) { return bench_cpu_s(); }

static double u01(uint32_t x) { return ((double)x + 0.5) * (1.0 / 4294967296.0); }

/* ---------------------------------------------- textbook scalar Viterbi */
typedef struct {
    size_t max_steps;
    float *pm, *npm;
    uint8_t *surv;      /* [steps][64] predecessor choice */
    uint8_t out[128];   /* register (newest bit 0) -> A<<1 | B */
} tb_viterbi;

static int parity(unsigned x) { return __builtin_parity(x); }

static tb_viterbi *tb_create(size_t max_n)
{
    tb_viterbi *v = calloc(1, sizeof *v);
    v->max_steps = max_n + 6;
    v->pm = malloc(64 * sizeof(float));
    v->npm = malloc(64 * sizeof(float));
    v->surv = malloc(v->max_steps * 64);
    /* g0 = 133, g1 = 171 octal with delay 0 as MSB -> taps 0x6D and 0x4F
     * on a register holding delay k at bit k */
    for (unsigned r = 0; r < 128; r++)
        v->out[r] = (uint8_t)((parity(r & 0x6Du) << 1) | parity(r & 0x4Fu));
    return v;
}

static void tb_destroy(tb_viterbi *v)
{
    free(v->pm); free(v->npm); free(v->surv); free(v);
}

/* rate 1/2 only: llr[2t], llr[2t+1] are A_t, B_t */
static void tb_decode(tb_viterbi *v, const float *llr, size_t n, uint8_t *bits)
{
    size_t steps = n + 6;
    for (int s = 0; s < 64; s++) v->pm[s] = -1e30f;
    v->pm[0] = 0.0f;
    for (size_t t = 0; t < steps; t++) {
        float la = llr[2 * t], lb = llr[2 * t + 1];
        for (unsigned ns = 0; ns < 64; ns++) {
            unsigned u = ns & 1u, p0 = ns >> 1, p1 = p0 | 32u;
            unsigned o0 = v->out[(p0 << 1) | u], o1 = v->out[(p1 << 1) | u];
            float m0 = v->pm[p0] + ((o0 & 2u) ? -la : la) + ((o0 & 1u) ? -lb : lb);
            float m1 = v->pm[p1] + ((o1 & 2u) ? -la : la) + ((o1 & 1u) ? -lb : lb);
            v->surv[t * 64 + ns] = m1 > m0;
            v->npm[ns] = m1 > m0 ? m1 : m0;
        }
        float *tmp = v->pm; v->pm = v->npm; v->npm = tmp;
    }
    unsigned s = 0;
    for (size_t t = steps; t-- > 0;) {
        if (t < n) bits[t] = (uint8_t)(s & 1u);
        s = (s >> 1) | ((unsigned)v->surv[t * 64 + s] << 5);
    }
}

/* noisy LLRs of BPSK over AWGN for a random block, rate r */
static void make_block(conv *q, conv_rate r, size_t n, double ebn0_db, uint8_t *b,
                       uint8_t *c, float *llr)
{
    philox4x32_key_t key = {{2024, 0}};
    for (size_t i = 0; i < n; i++) {
        philox4x32_ctr_t ct = {{(uint32_t)i, 0, 0x1F0, 0}};
        b[i] = philox4x32(ct, key).v[0] & 1u;
    }
    fl_conv_encode(q, b, n, c);
    size_t nc = fl_conv_coded_bits(r, n);
    double esn0 = fl_conv_code_rate(r) * pow(10.0, ebn0_db / 10.0);
    double s2 = 1.0 / (2.0 * esn0);
    for (size_t i = 0; i < nc; i++) {
        philox4x32_ctr_t ct = {{(uint32_t)i, 0, 0x1F1, 0}};
        philox4x32_ctr_t x = philox4x32(ct, key);
        double g = sqrt(-2.0 * log(u01(x.v[0]))) * cos(2.0 * M_PI * u01(x.v[1]));
        double y = (c[i] ? -1.0 : 1.0) + sqrt(s2) * g;
        llr[i] = (float)(2.0 * y / s2);
    }
}

static double time_conv(conv *q, const float *llr, size_t n, uint8_t *out, int hard,
                        const uint8_t *hard_in)
{
    long reps = 0;
    double t0 = now_s(), t;
    do {
        if (hard) fl_conv_decode_hard(q, hard_in, n, out);
        else fl_conv_decode(q, llr, n, out);
        reps++;
        t = now_s() - t0;
    } while (t < 0.4);
    return (double)reps * (double)n / t;
}

static long count_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
    long e = 0;
    for (size_t i = 0; i < n; i++) e += a[i] != b[i];
    return e;
}

int main(void)
{
    bench_header("bench_fec: Viterbi and CRC-32, one thread");

    /* ------------------------------------------------------------ Viterbi */
    enum { N = 12000 };
    size_t ncmax = fl_conv_coded_bits(CONV_RATE_1_2, N);
    uint8_t *b = malloc(N), *c = malloc(ncmax), *d = malloc(N), *d2 = malloc(N);
    float *llr = malloc(ncmax * sizeof *llr);
    conv *q = fl_conv_create(CONV_RATE_1_2, N);
    tb_viterbi *tb = tb_create(N);
    if (!b || !c || !d || !d2 || !llr || !q || !tb) return 1;
    make_block(q, CONV_RATE_1_2, N, 3.0, b, c, llr);

    long reps = 0;
    double t0 = now_s(), t;
    do {
        tb_decode(tb, llr, N, d2);
        reps++;
        t = now_s() - t0;
    } while (t < 0.4);
    double base = (double)reps * N / t;
    double fast = time_conv(q, llr, N, d, 0, NULL);
    printf("viterbi rate 1/2 soft, %d-bit blocks, Eb/N0 3 dB (bit errors: featlink %ld, baseline %ld)\n",
           N, count_diff(b, d, N), count_diff(b, d2, N));
    printf("  %-34s %10.1f Mbit/s\n", "baseline textbook scalar (float)", base / 1e6);
    printf("  %-34s %10.1f Mbit/s   ratio %.1fx\n", "featlink conv_decode (auto kernel)", fast / 1e6,
           fast / base);
    static const char *kname[] = {"auto", "scalar", "avx2", "avx512"};
    for (int k = CONV_KERNEL_SCALAR; k <= CONV_KERNEL_AVX512; k++) {
        if (fl_conv_set_kernel(q, (conv_kernel)k) != 0) continue;
        double r = time_conv(q, llr, N, d, 0, NULL);
        printf("  %-34s %10.1f Mbit/s   ratio %.1fx\n",
               k == CONV_KERNEL_SCALAR ? "  kernel scalar" : k == CONV_KERNEL_AVX2 ? "  kernel avx2" : "  kernel avx512",
               r / 1e6, r / base);
    }
    (void)kname;
    fl_conv_set_kernel(q, CONV_KERNEL_AUTO);
    double hr = time_conv(q, NULL, N, d, 1, c);
    printf("  %-34s %10.1f Mbit/s   ratio %.1fx\n", "featlink rate 1/2 hard decision", hr / 1e6, hr / base);
    for (int r = CONV_RATE_2_3; r <= CONV_RATE_3_4; r++) {
        conv *qr = fl_conv_create((conv_rate)r, N);
        make_block(qr, (conv_rate)r, N, 4.0, b, c, llr);
        double rr = time_conv(qr, llr, N, d, 0, NULL);
        printf("  %-34s %10.1f Mbit/s   ratio %.1fx\n", r == CONV_RATE_2_3 ? "featlink rate 2/3 soft" : "featlink rate 3/4 soft",
               rr / 1e6, rr / base);
        fl_conv_destroy(qr);
    }

    /* -------------------------------------------------------------- CRC */
    enum { CB = 1 << 24 };
    uint8_t *buf = malloc(CB);
    if (!buf) return 1;
    for (size_t i = 0; i < CB; i += 16) {
        philox4x32_ctr_t ct = {{(uint32_t)i, 0, 0, 0}};
        philox4x32_key_t key = {{7, 7}};
        philox4x32_ctr_t x = philox4x32(ct, key);
        memcpy(buf + i, x.v, 16);
    }
    uint32_t c1 = 0, c2 = 0;
    reps = 0; t0 = now_s();
    do { c1 ^= fl_crc32_update_bytewise(0, buf, CB); reps++; t = now_s() - t0; } while (t < 0.4);
    double cb = (double)reps * CB / t;
    reps = 0; t0 = now_s();
    do { c2 ^= fl_crc32_update(0, buf, CB); reps++; t = now_s() - t0; } while (t < 0.4);
    double cf = (double)reps * CB / t;
    printf("crc32 over 16 MiB (results %s)\n", fl_crc32_compute(buf, CB) == fl_crc32_update_bytewise(0, buf, CB) ? "agree" : "DIFFER");
    printf("  %-34s %10.2f GB/s\n", "baseline bytewise table", cb / 1e9);
    printf("  %-34s %10.2f GB/s   ratio %.1fx\n", "featlink slicing-by-8", cf / 1e9, cf / cb);
    (void)c1; (void)c2;

    free(buf); free(b); free(c); free(d); free(d2); free(llr);
    fl_conv_destroy(q);
    tb_destroy(tb);
    return 0;
}
