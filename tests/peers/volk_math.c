/* volk_math: featlink's fused random-variate kernels against the same
 * functions composed from VOLK's 32f math kernels, in one process on the
 * same Philox words (issue 11 point 1, "VOLK: its 32f math kernels").
 *   N(0,1), Box-Muller (Box & Muller 1958): z0 = r cos t, z1 = r sin t with
 *     r = sqrt(-2 ln u1) = sqrt(-2 ln2 log2 u1), t = 2 pi u2
 *     featlink: fl_noise_gauss_at (Philox words -> z, one pass)
 *     VOLK:     featlink's Philox words -> u -> volk_32f_log2_32f,
 *               volk_32f_s32f_multiply_32f, volk_32f_sqrt_32f,
 *               volk_32f_cos_32f, volk_32f_sin_32f, volk_32f_x2_multiply_32f
 *   Rayleigh |h| for h ~ CN(0,1): a = sqrt(-ln u)
 *     featlink: fl_noise_rayleigh_at
 *     VOLK:     words -> u -> volk_32f_log2_32f, volk_32f_s32f_multiply_32f
 *               (-ln 2), volk_32f_sqrt_32f
 * Both sides draw as many words of the same Philox stream (u = (w | 1) 2^-32,
 * as noise.h); each side's sample mean and second moment are printed against
 * their closed forms (N(0,1): 0 and 1; Rayleigh: E a = sqrt(pi)/2 = 0.8862,
 * E a^2 = 1; standard error of a mean over 2^16 draws about 0.004), so a
 * wrong composition shows. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include <volk/volk.h>

#include "tests/bench_info.h"
#include "tests/peers/fl_side.h"
#include "tests/peers/peers.h"

#define VN (1u << 16) /* variates a call */
#define VREPS 24      /* calls a timed run */

typedef struct {
    uint32_t *w;
    float *u1, *u2, *t1, *t2, *t3, *out;
    uint64_t at;
} vm_ctx;

/* words -> uniforms in (0,1): u = (w | 1) 2^-32, as featlink's Gaussians */
static void to_uniform(const uint32_t *w, float *u, size_t n)
{
    for (size_t i = 0; i < n; i++)
        u[i] = (float)(w[i] | 1u) * 0x1p-32f;
}

static void volk_box_muller(vm_ctx *c, uint64_t at)
{
    unsigned h = VN / 2;
    flside_words(at, c->w, VN);
    to_uniform(c->w, c->u1, h);
    to_uniform(c->w + h, c->u2, h);
    volk_32f_log2_32f(c->t1, c->u1, h);
    volk_32f_s32f_multiply_32f(c->t1, c->t1, (float)(-2.0 * M_LN2), h);
    volk_32f_sqrt_32f(c->t1, c->t1, h);
    volk_32f_s32f_multiply_32f(c->t2, c->u2, (float)(2.0 * M_PI), h);
    volk_32f_cos_32f(c->t3, c->t2, h);
    volk_32f_sin_32f(c->t2, c->t2, h);
    volk_32f_x2_multiply_32f(c->out, c->t1, c->t3, h);
    volk_32f_x2_multiply_32f(c->out + h, c->t1, c->t2, h);
}

static void volk_rayleigh(vm_ctx *c, uint64_t at)
{
    flside_words(at, c->w, VN);
    to_uniform(c->w, c->u1, VN);
    volk_32f_log2_32f(c->t1, c->u1, VN);
    volk_32f_s32f_multiply_32f(c->t1, c->t1, (float)-M_LN2, VN);
    volk_32f_sqrt_32f(c->out, c->t1, VN);
}

#define TIMED(body)                                                                        \
    do {                                                                                   \
        double t0 = bench_cpu_s();                                                         \
        for (int i = 0; i < VREPS; i++, c->at += VN / 4)                                   \
            body;                                                                          \
        return (double)VREPS * VN / (bench_cpu_s() - t0);                                  \
    } while (0)

static double fl_gauss_run(void *p) { vm_ctx *c = p; TIMED(flside_gauss(c->at, c->out, VN)); }
static double vk_gauss_run(void *p) { vm_ctx *c = p; TIMED(volk_box_muller(c, c->at)); }
static double fl_ray_run(void *p) { vm_ctx *c = p; TIMED(flside_rayleigh(c->at, c->out, VN)); }
static double vk_ray_run(void *p) { vm_ctx *c = p; TIMED(volk_rayleigh(c, c->at)); }

/* sample mean and mean square of one call's VN outputs */
static void moments(const float *x, double *m1, double *m2)
{
    double s = 0, s2 = 0;
    for (unsigned i = 0; i < VN; i++) {
        s += x[i];
        s2 += (double)x[i] * x[i];
    }
    *m1 = s / VN;
    *m2 = s2 / VN;
}

static void check_line(const char *what, vm_ctx *c, void (*fill)(vm_ctx *, uint64_t))
{
    double m1, m2;
    fill(c, 12345u);
    moments(c->out, &m1, &m2);
    printf("    %-38s mean %.4f, mean square %.4f (over %u)\n", what, m1, m2, VN);
}
static void fl_gauss_fill(vm_ctx *c, uint64_t at) { flside_gauss(at, c->out, VN); }
static void fl_ray_fill(vm_ctx *c, uint64_t at) { flside_rayleigh(at, c->out, VN); }

void bench_volk_math(void)
{
    static vm_ctx c;
    size_t al = volk_get_alignment();
    float **bufs[] = {&c.u1, &c.u2, &c.t1, &c.t2, &c.t3, &c.out};
    c.w = volk_malloc(VN * sizeof(uint32_t), al);
    int ok = c.w != NULL;
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        ok &= (*bufs[i] = volk_malloc(VN * sizeof(float), al)) != NULL;
    if (ok) {
        printf("Random variates from VOLK 32f math kernels (M/s), same Philox stream\n");
        printf("  %-40s %10s %10s %9s\n", "", "featlink", "VOLK", "ratio");
        peers_pair("N(0,1) fused vs log2/sqrt/sin/cos/mul", "M/s", 1e6, fl_gauss_run,
                   vk_gauss_run, &c);
        peers_pair("Rayleigh |h| fused vs log2/mul/sqrt", "M/s", 1e6, fl_ray_run, vk_ray_run, &c);
        printf("  closed forms: N(0,1) mean 0, mean square 1; Rayleigh mean 0.8862, mean square 1\n");
        check_line("featlink N(0,1)", &c, fl_gauss_fill);
        check_line("VOLK N(0,1)", &c, volk_box_muller);
        check_line("featlink Rayleigh", &c, fl_ray_fill);
        check_line("VOLK Rayleigh", &c, volk_rayleigh);
        printf("\n");
    } else {
        printf("Random variates from VOLK 32f math kernels: out of memory, skipped\n\n");
    }
    volk_free(c.w);
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        volk_free(*bufs[i]);
}
