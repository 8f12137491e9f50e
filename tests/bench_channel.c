/* bench_channel: the physical-layer hot paths against their baselines, in one
 * run, single thread:
 *   1. N(0,1) samples/s: fl_noise_gauss_at vs GSL gsl_ran_gaussian_ziggurat
 *      (MT19937), goal >= 3x;
 *   2. uncoded bits-in -> bits-out throughput (random bits from Philox,
 *      fl_phy_transmit_hard, error count), hard decisions, BPSK and 16-QAM over
 *      AWGN and Rayleigh fast fading: absolute figures only (a ratio against
 *      a peer is a claim only when both ran in the same run: AFF3CT's are in
 *      tests/peers/aff3ct.sh, which alternates it with this loop).
 * Each figure is the best of 5 repetitions (the machine is shared).
 * `bench_channel --links` runs only the four uncoded cases, one round each
 * timed in thread CPU time, one line per case ("case <i> <Mbit/s> <bit
 * errors>"), for tests/peers/aff3ct.sh to alternate with AFF3CT. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "channel/noise.h"
#include "channel/phy.h"
#include "tests/bench_info.h"

#define GN (1u << 16)

static double bench_gauss_ours(void)
{
    static float buf[GN];
    double best = 0, sink = 0;
    for (int rep = 0; rep < 5; rep++) {
        const int iters = 400;
        double t0 = bench_now_s();
        for (int i = 0; i < iters; i++) {
            fl_noise_gauss_at(1u, 2u, 0x2F0u, 0u, (uint64_t)i * (GN / 4), buf, GN);
            sink += buf[i];
        }
        double r = (double)iters * GN / (bench_now_s() - t0);
        best = r > best ? r : best;
    }
    if (sink == 12345.678)
        printf("#");
    return best;
}

static double bench_gauss_gsl(void)
{
    static float buf[GN];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1);
    double best = 0, sink = 0;
    for (int rep = 0; rep < 5; rep++) {
        const int iters = 60;
        double t0 = bench_now_s();
        for (int i = 0; i < iters; i++) {
            for (unsigned j = 0; j < GN; j++)
                buf[j] = (float)gsl_ran_gaussian_ziggurat(rng, 1.0);
            sink += buf[i];
        }
        double r = (double)iters * GN / (bench_now_s() - t0);
        best = r > best ? r : best;
    }
    gsl_rng_free(rng);
    if (sink == 12345.678)
        printf("#");
    return best;
}

#define FB (1u << 16) /* bits per frame */

//  bench_link : bits-in -> bits-out rate, best of _reps rounds; _cpu: timed in
//      thread CPU time (else monotonic wall time)
static double bench_link(modem_scheme s, phy_channel ch, int reps, int cpu, uint64_t *errs)
{
    phy_config c = {0};
    c.scheme = s;
    c.channel = ch;
    c.fading = PHY_FADING_FAST;
    c.esn0_db = 10.0;
    c.seed = 1;
    c.point = 0;
    phy *p = fl_phy_create(&c);
    static uint32_t words[FB / 32];
    static uint8_t out[FB / 8];
    double best = 0;
    uint64_t e = 0;
    for (int rep = 0; rep < reps; rep++) {
        const int frames = s == MODEM_BPSK && ch == PHY_AWGN ? 400 : 150;
        double t0 = cpu ? bench_cpu_s() : bench_now_s();
        for (int f = 0; f < frames; f++) {
            uint64_t fr = (uint64_t)rep * 1000 + (uint64_t)f;
            fl_noise_u32_at(1u, 0u, 0x220u, 0u, fr << 24, words, FB / 32);
            const uint8_t *in = (const uint8_t *)words;
            fl_phy_transmit_hard(p, 0, fr, in, FB, out);
            const uint64_t *a = (const uint64_t *)words, *b = (const uint64_t *)(void *)out;
            for (unsigned j = 0; j < FB / 64; j++)
                e += (uint64_t)__builtin_popcountll(a[j] ^ b[j]);
        }
        double r = (double)frames * FB / ((cpu ? bench_cpu_s() : bench_now_s()) - t0);
        best = r > best ? r : best;
    }
    fl_phy_destroy(p);
    *errs = e;
    return best;
}

static const struct {
    const char *name;
    modem_scheme s;
    phy_channel ch;
} cases[] = {
    {"BPSK   / AWGN", MODEM_BPSK, PHY_AWGN},
    {"BPSK   / Rayleigh", MODEM_BPSK, PHY_RAYLEIGH},
    {"16-QAM / AWGN", MODEM_QAM16, PHY_AWGN},
    {"16-QAM / Rayleigh", MODEM_QAM16, PHY_RAYLEIGH},
};

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--links") == 0) {
        for (int i = 0; i < 4; i++) {
            uint64_t e;
            double r = bench_link(cases[i].s, cases[i].ch, 1, 1, &e) / 1e6;
            printf("case %d %.1f %llu\n", i, r, (unsigned long long)e);
        }
        return 0;
    }
    bench_header("bench_channel: single thread");
    double ours = bench_gauss_ours(), gsl = bench_gauss_gsl();
    printf("Gaussian N(0,1) samples/s (same run)\n");
    printf("  %-34s %10.1f M/s\n", "noise_gauss_at (Philox+Box-Muller)", ours / 1e6);
    printf("  %-34s %10.1f M/s\n", "gsl_ran_gaussian_ziggurat (MT19937)", gsl / 1e6);
    printf("  ratio %.2fx\n\n", ours / gsl);

    printf("Uncoded bits-in -> bits-out, hard decision, Es/N0 10 dB, %u-bit frames\n", FB);
    printf("  %-18s %12s %14s\n", "case", "Mbit/s", "bit errors");
    for (int i = 0; i < 4; i++) {
        uint64_t e;
        double r = bench_link(cases[i].s, cases[i].ch, 5, 0, &e) / 1e6;
        printf("  %-18s %12.1f %14llu\n", cases[i].name, r, (unsigned long long)e);
        if (e == 0)
            printf("  (no bit errors counted?)\n");
    }
    return 0;
}
