/* fl_side: featlink's workloads for the peer benchmarks (see fl_side.h).
 * Each entry point creates what it needs, runs the call _reps times and
 * frees it, so the timing in peers_main.c covers the calls, not setup
 * (creation is done once outside the repetitions). */
#include "tests/peers/fl_side.h"

#include "channel/conv.h"
#include "channel/modem.h"
#include "channel/noise.h"

int flside_constellation(unsigned k, float *re, float *im)
{
    modem *m = fl_modem_create((modem_scheme)k);
    if (!m)
        return -1;
    fl_modem_constellation(m, re, im);
    fl_modem_destroy(m);
    return 0;
}

int flside_llr(unsigned k, int exact, const float *re, const float *im, size_t n, float n0,
               float *llr, int reps)
{
    modem *m = fl_modem_create((modem_scheme)k);
    if (!m)
        return -1;
    int rc = 0;
    for (int r = 0; r < reps && rc == 0; r++)
        rc = fl_modem_demod_llr(m, re, im, NULL, n0, exact ? MODEM_DEMAP_EXACT : MODEM_DEMAP_MAXLOG,
                             n * k, llr);
    fl_modem_destroy(m);
    return rc ? -1 : 0;
}

int flside_hard(unsigned k, const float *re, const float *im, size_t n, uint8_t *bits, int reps)
{
    modem *m = fl_modem_create((modem_scheme)k);
    if (!m)
        return -1;
    int rc = 0;
    for (int r = 0; r < reps && rc == 0; r++)
        rc = fl_modem_demod_hard(m, re, im, n * k, bits);
    fl_modem_destroy(m);
    return rc ? -1 : 0;
}

int flside_modulate(unsigned k, const uint8_t *bits, size_t n, float *re, float *im, int reps)
{
    modem *m = fl_modem_create((modem_scheme)k);
    if (!m)
        return -1;
    int rc = 0;
    for (int r = 0; r < reps && rc == 0; r++)
        rc = fl_modem_modulate(m, bits, n * k, re, im);
    fl_modem_destroy(m);
    return rc ? -1 : 0;
}

void flside_gauss(uint64_t at, float *out, size_t n)
{
    fl_noise_gauss_at(1u, 2u, 0x2F0u, 0u, at, out, n);
}

void flside_rayleigh(uint64_t at, float *out, size_t n)
{
    fl_noise_rayleigh_at(1u, 2u, 0x2F0u, 0u, at, out, n);
}

void flside_words(uint64_t at, uint32_t *out, size_t n)
{
    fl_noise_u32_at(1u, 2u, 0x2F0u, 0u, at, out, n);
}

size_t flside_conv_encode(const uint8_t *bits, size_t n, uint8_t *coded)
{
    conv *q = fl_conv_create(CONV_RATE_1_2, n);
    if (!q)
        return 0;
    fl_conv_encode(q, bits, n, coded);
    size_t nc = fl_conv_coded_bits(CONV_RATE_1_2, n);
    fl_conv_destroy(q);
    return nc;
}

int flside_viterbi(int kernel, const float *llr, size_t n, uint8_t *bits, int reps)
{
    return flside_viterbi_bits(kernel, 16, llr, n, bits, reps);
}

int flside_viterbi_bits(int kernel, unsigned metric_bits, const float *llr, size_t n,
                        uint8_t *bits, int reps)
{
    conv *q = fl_conv_create(CONV_RATE_1_2, n);
    if (!q)
        return -1;
    if (fl_conv_set_kernel(q, (conv_kernel)kernel) != 0 ||
        fl_conv_set_metric_bits(q, metric_bits) != 0) {
        fl_conv_destroy(q);
        return -1;
    }
    int rc = 0;
    for (int r = 0; r < reps && rc == 0; r++)
        rc = fl_conv_decode(q, llr, n, bits);
    fl_conv_destroy(q);
    return rc ? -1 : 0;
}
