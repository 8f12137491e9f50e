/* bench_modem: soft and hard demapping throughput, single thread, every
 * scheme: fl_modem_demod_llr exact (log-MAP) and max-log, fl_modem_demod_hard.
 * Symbols: random constellation points plus AWGN at Es/N0 10 dB. Each figure
 * is the median of 7 rounds (thread CPU time), in Msym/s (absolute figures only; same-run
 * comparisons with peers are in `make bench-peers`). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "channel/modem.h"
#include "channel/noise.h"
#include "tests/bench_info.h"

#define NS (1u << 14) /* symbols per call */
#define ROUNDS 7

static float zr[NS], zi[NS], llr[8 * NS];
static uint8_t hard[NS];

static void make_symbols(modem *m)
{
    unsigned k = fl_modem_bits_per_symbol(m);
    static uint32_t w[NS / 4 + 1];
    static float g[2 * NS];
    fl_noise_u32_at(5u, 0u, 0x3A0u, 0u, 0u, w, NS / 4 + 1);
    fl_modem_modulate(m, (const uint8_t *)w, (size_t)NS * k, zr, zi);
    fl_noise_gauss_at(5u, 1u, 0x3A1u, 0u, 0u, g, 2 * NS);
    const float s = (float)sqrt(0.1 / 2.0);
    for (unsigned i = 0; i < NS; i++) {
        zr[i] += s * g[2 * i];
        zi[i] = k > 1 ? zi[i] + s * g[2 * i + 1] : 0.0f;
    }
}

/* Msym/s, median of ROUNDS; _what: 0 exact, 1 max-log, 2 hard */
static double rate(modem *m, int what)
{
    unsigned k = fl_modem_bits_per_symbol(m);
    double r[ROUNDS];
    int calls = what == 0 ? 20 : 60;
    for (int rd = 0; rd < ROUNDS; rd++) {
        double t0 = bench_cpu_s();
        for (int c = 0; c < calls; c++) {
            if (what == 2)
                fl_modem_demod_hard(m, zr, zi, (size_t)NS * k, hard);
            else
                fl_modem_demod_llr(m, zr, zi, NULL, 0.1f,
                                what ? MODEM_DEMAP_MAXLOG : MODEM_DEMAP_EXACT, (size_t)NS * k,
                                llr);
        }
        r[rd] = (double)calls * NS / (bench_cpu_s() - t0) / 1e6;
    }
    return bench_median(r, ROUNDS);
}

int main(void)
{
    bench_header("bench_modem: demapping, one thread, Es/N0 10 dB, median of 7 rounds, thread CPU time");
    printf("  %-8s %14s %14s %14s   (Msym/s)\n", "scheme", "LLR exact", "LLR max-log", "hard");
    const modem_scheme sch[] = {MODEM_BPSK, MODEM_QPSK, MODEM_QAM16, MODEM_QAM64, MODEM_QAM256};
    for (int i = 0; i < 5; i++) {
        modem *m = fl_modem_create(sch[i]);
        make_symbols(m);
        double e = rate(m, 0), ml = rate(m, 1), h = rate(m, 2);
        printf("  %-8s %14.1f %14.1f %14.1f\n", fl_modem_scheme_name(sch[i]), e, ml, h);
        fl_modem_destroy(m);
    }
    return 0;
}
