/* bench_peers: featlink against its peers in ONE process, same data, same
 * run. Rounds alternate featlink and the peer; each figure is the median of
 * ROUNDS rounds, timed in thread CPU time (the machine is shared: wall time
 * would count the waits for a core), and the ratio is featlink / peer of
 * those medians.
 *   demapping   : liquid-dsp modemcf (modulate, hard, 8-bit soft) vs
 *                 fl_modem_modulate / fl_modem_demod_hard / fl_modem_demod_llr
 *   K=7 Viterbi : libfec (Karn) viterbi27 (Debian's x86-64 build has only the
 *                 portable C kernel) and VOLK's volk_8u_x4_conv_k7_r2_8u (the
 *                 dispatcher's best: Spiral SSE3 / AVX2) with a chainback
 *                 written here, vs fl_conv_decode per kernel
 *   Gaussians   : GSL gsl_ran_gaussian_ziggurat (MT19937) vs fl_noise_gauss_at
 *   VOLK math   : Gaussian and Rayleigh variates from VOLK 32f kernels vs
 *                 featlink's fused ones (tests/peers/volk_math.c)
 * featlink's side is behind flside_* (tests/peers/fl_side.h): liquid-dsp and
 * featlink once both exported modem_create (featlink's is fl_modem_create now), so featlink's objects are linked into
 * one relocatable object with only flside_* global (Makefile bench-peers). */
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fec.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_version.h>
#include <liquid/liquid.h>
#include <volk/volk.h>

#include "tests/bench_info.h"
#include "tests/peers/fl_side.h"
#include "tests/peers/peers.h"

#define ROUNDS 7
#define NS (1u << 14) /* symbols per demapping call */

/* one pair: rounds alternate (a, b), medians printed with the ratio a/b */
static void pair(const char *what, const char *unit, double scale, timed_fn a, timed_fn b,
                 void *ctx)
{
    double ra[ROUNDS], rb[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        ra[r] = a(ctx);
        rb[r] = b(ctx);
    }
    double ma = bench_median(ra, ROUNDS) / scale, mb = bench_median(rb, ROUNDS) / scale;
    printf("  %-40s %10.2f %10.2f %8.2fx  %s\n", what, ma, mb, ma / mb, unit);
}
void peers_pair(const char *what, const char *unit, double scale, timed_fn a, timed_fn b,
                void *ctx)
{
    pair(what, unit, scale, a, b, ctx);
}

/* ------------------------------------------------------------- demapping */
typedef struct {
    unsigned k;
    int exact;
    float re[NS], im[NS], llr[8 * NS], mre[NS], mim[NS];
    float complex x[NS], mx[NS];
    uint8_t bits[NS], hard[NS], soft[8 * NS]; /* bits: NS bytes >= NS k / 8 */
    unsigned sym[NS], dsym[NS];
    modemcf q;
} dm_ctx;

static const modulation_scheme liquid_scheme[9] = {
    [1] = LIQUID_MODEM_BPSK, [2] = LIQUID_MODEM_QPSK, [4] = LIQUID_MODEM_QAM16,
    [6] = LIQUID_MODEM_QAM64, [8] = LIQUID_MODEM_QAM256};

static void dm_setup(dm_ctx *c, unsigned k)
{
    c->k = k;
    float cre[256], cim[256], g[2 * NS];
    flside_constellation(k, cre, cim);
    flside_gauss(1000, g, 2 * NS);
    const float s = (float)sqrt(0.1 / 2.0); /* Es/N0 10 dB */
    for (unsigned i = 0; i < NS; i++) {
        unsigned v = (i * 2654435761u >> 13) & ((1u << k) - 1);
        c->re[i] = cre[v] + s * g[2 * i];
        c->im[i] = k > 1 ? cim[v] + s * g[2 * i + 1] : 0.0f;
        c->x[i] = c->re[i] + I * c->im[i];
        c->sym[i] = v;
    }
    for (unsigned i = 0; i < NS; i++)
        c->bits[i] = (uint8_t)(i * 131u);
    c->q = modemcf_create(liquid_scheme[k]);
}

#define DM_REPS 8
static double fl_llr(void *p)
{
    dm_ctx *c = p;
    double t0 = bench_cpu_s();
    flside_llr(c->k, c->exact, c->re, c->im, NS, 0.1f, c->llr, DM_REPS);
    return (double)DM_REPS * NS / (bench_cpu_s() - t0);
}
static double lq_soft(void *p)
{
    dm_ctx *c = p;
    double t0 = bench_cpu_s();
    for (int r = 0; r < DM_REPS; r++)
        for (unsigned i = 0; i < NS; i++)
            modemcf_demodulate_soft(c->q, c->x[i], &c->dsym[i], &c->soft[i * c->k]);
    return (double)DM_REPS * NS / (bench_cpu_s() - t0);
}
static double fl_hard(void *p)
{
    dm_ctx *c = p;
    double t0 = bench_cpu_s();
    flside_hard(c->k, c->re, c->im, NS, c->hard, DM_REPS);
    return (double)DM_REPS * NS / (bench_cpu_s() - t0);
}
static double lq_hard(void *p)
{
    dm_ctx *c = p;
    double t0 = bench_cpu_s();
    for (int r = 0; r < DM_REPS; r++)
        for (unsigned i = 0; i < NS; i++)
            modemcf_demodulate(c->q, c->x[i], &c->dsym[i]);
    return (double)DM_REPS * NS / (bench_cpu_s() - t0);
}
static double fl_mod(void *p)
{
    dm_ctx *c = p;
    double t0 = bench_cpu_s();
    flside_modulate(c->k, c->bits, NS, c->mre, c->mim, DM_REPS);
    return (double)DM_REPS * NS / (bench_cpu_s() - t0);
}
static double lq_mod(void *p)
{
    dm_ctx *c = p;
    const unsigned mask = (1u << c->k) - 1;
    double t0 = bench_cpu_s();
    for (int r = 0; r < DM_REPS; r++)
        for (unsigned i = 0; i < NS; i++)
            modemcf_modulate(c->q, (c->sym[i] + (unsigned)r) & mask, &c->mx[i]);
    return (double)DM_REPS * NS / (bench_cpu_s() - t0);
}

static void bench_demapping(void)
{
    printf("Demapping, Es/N0 10 dB, %u symbols per call (Msym/s)\n", NS);
    printf("  %-40s %10s %10s %9s\n", "", "featlink", "liquid", "ratio");
    static dm_ctx c;
    const unsigned ks[] = {1, 2, 4, 6, 8};
    const char *nm[] = {"BPSK", "QPSK", "16-QAM", "64-QAM", "256-QAM"};
    char what[96];
    for (int i = 0; i < 5; i++) {
        dm_setup(&c, ks[i]);
        c.exact = 1;
        snprintf(what, sizeof what, "%s LLR exact vs liquid soft (8-bit)", nm[i]);
        pair(what, "Msym/s", 1e6, fl_llr, lq_soft, &c);
        c.exact = 0;
        snprintf(what, sizeof what, "%s LLR max-log vs liquid soft", nm[i]);
        pair(what, "Msym/s", 1e6, fl_llr, lq_soft, &c);
        snprintf(what, sizeof what, "%s hard decision", nm[i]);
        pair(what, "Msym/s", 1e6, fl_hard, lq_hard, &c);
        snprintf(what, sizeof what, "%s modulate", nm[i]);
        pair(what, "Msym/s", 1e6, fl_mod, lq_mod, &c);
        modemcf_destroy(c.q);
    }
    printf("\n");
}

/* ---------------------------------------------------------------- Viterbi */
/* A round decodes VB distinct noisy blocks VT_PASSES times each (libfec's
 * portable kernel, 5x slower, VT_PASSES / 8), about 0.2 s a round for
 * featlink and VOLK here; bit errors are counted over the VB blocks. */
#define VN 12000 /* info bits per block */
#define VB 16    /* distinct noisy blocks */
#define VT_PASSES 96
#define VT_KARN_PASSES (VT_PASSES / 8)
typedef struct {
    int kernel;
    unsigned metric_bits;
    float llr[VB][2 * (VN + 6)];
    uint8_t sym[VB][2 * (VN + 6)], info[VB][VN], dec[VB][VN], packed[VB][VN / 8];
    void *karn;
    unsigned char *vx, *vy, *vsym[VB], *vdec, branch[64];
    uint8_t vbits[VB][VN];
} vt_ctx;

static double fl_vit(void *p)
{
    vt_ctx *c = p;
    double t0 = bench_cpu_s();
    for (int b = 0; b < VB; b++)
        flside_viterbi_bits(c->kernel, c->metric_bits, c->llr[b], VN, c->dec[b], VT_PASSES);
    return (double)VT_PASSES * VB * VN / (bench_cpu_s() - t0);
}
static void karn_decode(vt_ctx *c, int b)
{
    init_viterbi27(c->karn, 0);
    update_viterbi27_blk(c->karn, c->sym[b], VN + 6);
    chainback_viterbi27(c->karn, c->packed[b], VN, 0);
}
static double karn_vit(void *p)
{
    vt_ctx *c = p;
    double t0 = bench_cpu_s();
    for (int b = 0; b < VB; b++)
        for (int r = 0; r < VT_KARN_PASSES; r++)
            karn_decode(c, b);
    return (double)VT_KARN_PASSES * VB * VN / (bench_cpu_s() - t0);
}

/* VOLK's kernel: state = last 6 input bits, newest at bit 0; the decision
 * bit of new state ns at step t is bit ns of the 64-bit word t, 1 when the
 * predecessor had its top bit set. Branch table as GNU Radio builds it:
 * parity of (2 state) & poly, polynomials bit-reversed (0133 -> 0x6d,
 * 0171 -> 0x4f) because the newest bit is bit 0. */
static void volk_setup(vt_ctx *c)
{
    const unsigned polys[2] = {0x6d, 0x4f};
    for (unsigned st = 0; st < 32; st++)
        for (unsigned j = 0; j < 2; j++)
            c->branch[j * 32 + st] = __builtin_parity((2 * st) & polys[j]) ? 255 : 0;
    size_t al = volk_get_alignment();
    c->vx = volk_malloc(64, al);
    c->vy = volk_malloc(64, al);
    c->vdec = volk_malloc(8 * (VN + 6), al);
    for (int b = 0; b < VB; b++) {
        c->vsym[b] = volk_malloc(2 * (VN + 6), al);
        memcpy(c->vsym[b], c->sym[b], 2 * (VN + 6));
    }
}

static void volk_decode(vt_ctx *c, int b)
{
    memset(c->vdec, 0, 8 * (VN + 6));
    memset(c->vx, 63, 64);
    c->vx[0] = 0;
    memset(c->vy, 0, 64);
    volk_8u_x4_conv_k7_r2_8u(c->vy, c->vx, c->vsym[b], c->vdec, VN, 6, c->branch);
    unsigned st = 0; /* the tail ends in state 0 */
    for (size_t t = VN + 6; t-- > 0;) {
        uint64_t w;
        memcpy(&w, c->vdec + 8 * t, 8);
        if (t < VN)
            c->vbits[b][t] = (uint8_t)(st & 1u);
        st = (st >> 1) | (unsigned)((w >> st) & 1u) << 5;
    }
}

static double volk_vit(void *p)
{
    vt_ctx *c = p;
    double t0 = bench_cpu_s();
    for (int b = 0; b < VB; b++)
        for (int r = 0; r < VT_PASSES; r++)
            volk_decode(c, b);
    return (double)VT_PASSES * VB * VN / (bench_cpu_s() - t0);
}

/* errors of featlink (c->dec, after one fl_vit-style pass), libfec, VOLK */
static void vt_errors(vt_ctx *c, long *ef, long *ek, long *ev)
{
    *ef = *ek = *ev = 0;
    for (int b = 0; b < VB; b++) {
        flside_viterbi_bits(c->kernel, c->metric_bits, c->llr[b], VN, c->dec[b], 1);
        karn_decode(c, b);
        volk_decode(c, b);
        for (unsigned i = 0; i < VN; i++) {
            *ef += c->dec[b][i] != c->info[b][i];
            *ek += ((c->packed[b][i / 8] >> (7 - i % 8)) & 1u) != c->info[b][i];
            *ev += c->vbits[b][i] != c->info[b][i];
        }
    }
}

static void bench_viterbi(void)
{
    static vt_ctx c;
    static uint8_t coded[2 * (VN + 6)];
    static float g[2 * (VN + 6)];
    for (int b = 0; b < VB; b++) {
        for (unsigned i = 0; i < VN; i++)
            c.info[b][i] = (uint8_t)(((i + (unsigned)b * VN) * 2654435761u >> 17) & 1u);
        size_t nc = flside_conv_encode(c.info[b], VN, coded);
        flside_gauss(5000 + (uint64_t)b * 2 * (VN + 6), g, nc);
        /* rate 1/2 at Eb/N0 3 dB: Es/N0 0 dB, sigma^2 = 0.5 per real dimension */
        const double s2 = 0.5;
        for (size_t i = 0; i < nc; i++) {
            double y = (1.0 - 2.0 * coded[i]) + sqrt(s2) * g[i];
            c.llr[b][i] = (float)(2.0 * y / s2);
            long q = lround(128.0 - 64.0 * y); /* Karn: 0 = strong 0, 255 = strong 1 */
            c.sym[b][i] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
        }
    }
    c.karn = create_viterbi27(VN);
    volk_setup(&c);
    printf("K=7 rate-1/2 soft Viterbi, %d blocks of %d bits, Eb/N0 3 dB (Mbit/s)\n", VB, VN);
    printf("  %-40s %10s %10s %9s\n", "", "featlink", "peer", "ratio");
    const char *kn[] = {"auto", "scalar", "AVX2", "AVX-512"};
    for (int mb = 16; mb >= 8; mb -= 8)
        for (int k = 0; k < 4; k++) {
            c.kernel = k;
            c.metric_bits = (unsigned)mb;
            if (flside_viterbi_bits(k, (unsigned)mb, c.llr[0], VN, c.dec[0], 1) != 0) {
                printf("  featlink %-31s (not available here)\n", kn[k]);
                continue;
            }
            char what[96];
            if (mb == 16) {
                snprintf(what, sizeof what, "%s vs libfec viterbi27 (portable)", kn[k]);
                pair(what, "Mbit/s", 1e6, fl_vit, karn_vit, &c);
            }
            if (mb == 8 && k == 0)
                continue; /* auto = AVX-512 or AVX2 */
            snprintf(what, sizeof what, "%s%s vs VOLK conv_k7_r2 (%s)", kn[k],
                     mb == 8 ? " 8-bit" : "", volk_get_machine());
            pair(what, "Mbit/s", 1e6, fl_vit, volk_vit, &c);
        }
    long ef16, ef8, ek, ev;
    c.kernel = 0;
    c.metric_bits = 8;
    vt_errors(&c, &ef8, &ek, &ev);
    c.metric_bits = 16;
    vt_errors(&c, &ef16, &ek, &ev);
    double nb = (double)VB * VN;
    printf("  bit errors in %d x %d bits: featlink 16-bit %ld (BER %.2e), featlink 8-bit %ld "
           "(%.2e), libfec %ld (%.2e), VOLK %ld (%.2e) (peers: 8-bit symbols)\n\n",
           VB, VN, ef16, ef16 / nb, ef8, ef8 / nb, ek, ek / nb, ev, ev / nb);
    delete_viterbi27(c.karn);
    volk_free(c.vx);
    volk_free(c.vy);
    for (int b = 0; b < VB; b++)
        volk_free(c.vsym[b]);
    volk_free(c.vdec);
}

/* -------------------------------------------------------------- Gaussians */
#define GN (1u << 16)
typedef struct {
    float buf[GN];
    gsl_rng *rng;
    uint64_t at;
} g_ctx;
static double fl_gauss(void *p)
{
    g_ctx *c = p;
    double t0 = bench_cpu_s();
    for (int i = 0; i < 40; i++, c->at += GN / 4)
        flside_gauss(c->at, c->buf, GN);
    return 40.0 * GN / (bench_cpu_s() - t0);
}
static double gsl_gauss(void *p)
{
    g_ctx *c = p;
    double t0 = bench_cpu_s();
    for (int i = 0; i < 8; i++)
        for (unsigned j = 0; j < GN; j++)
            c->buf[j] = (float)gsl_ran_gaussian_ziggurat(c->rng, 1.0);
    return 8.0 * GN / (bench_cpu_s() - t0);
}

static void bench_gauss(void)
{
    static g_ctx c;
    c.rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(c.rng, 1);
    printf("N(0,1) floats (M/s)\n");
    printf("  %-40s %10s %10s %9s\n", "", "featlink", "GSL", "ratio");
    pair("Philox+Box-Muller vs MT19937 ziggurat", "M/s", 1e6, fl_gauss, gsl_gauss, &c);
    gsl_rng_free(c.rng);
    printf("\n");
}

int main(void)
{
    bench_header("bench_peers: featlink and peers in one process, one thread, rounds "
                 "alternate, medians of 7 (thread CPU time), ratio = featlink / peer");
    printf("peers: liquid-dsp %s, libfec (Debian libfec-dev), VOLK %d.%d.%d, GSL %s\n\n",
           liquid_libversion(), VOLK_VERSION_MAJOR, VOLK_VERSION_MINOR, VOLK_VERSION_MAINT,
           gsl_version);
    bench_demapping();
    bench_viterbi();
    bench_gauss();
    bench_volk_math();
    return 0;
}
