/* test_modem: Gray mapping, unit energy, hard decisions and LLRs against
 * brute-force computations over the whole constellation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "channel/modem.h"
#include "channel/noise.h"

static const modem_scheme all_schemes[] = {MODEM_BPSK, MODEM_QPSK, MODEM_QAM16, MODEM_QAM64,
                                           MODEM_QAM256};
#define NSCHEMES 5

static int popcount(unsigned x) { return __builtin_popcount(x); }

/* every pair of points at the minimum distance differs in exactly one bit,
 * and every point has at least one such neighbour */
static void gray_neighbours(void **state)
{
    (void)state;
    for (int si = 0; si < NSCHEMES; si++) {
        modem *m = fl_modem_create(all_schemes[si]);
        assert_non_null(m);
        unsigned M = 1u << fl_modem_bits_per_symbol(m);
        float re[256], im[256];
        fl_modem_constellation(m, re, im);
        double dmin = INFINITY;
        for (unsigned a = 0; a < M; a++)
            for (unsigned b = a + 1; b < M; b++)
                dmin = fmin(dmin, hypot(re[a] - re[b], im[a] - im[b]));
        for (unsigned a = 0; a < M; a++) {
            int nb = 0;
            for (unsigned b = 0; b < M; b++) {
                if (b == a)
                    continue;
                double dd = hypot(re[a] - re[b], im[a] - im[b]);
                assert_true(dd > 0.5 * dmin); /* distinct points */
                if (dd < dmin * (1 + 1e-5)) {
                    nb++;
                    assert_int_equal(popcount(a ^ b), 1);
                }
            }
            assert_true(nb >= 1);
        }
        fl_modem_destroy(m);
    }
}

/* mean |x|^2 = 1 and mean x = 0 over the constellation; hand values */
static void unit_energy_and_known_points(void **state)
{
    (void)state;
    for (int si = 0; si < NSCHEMES; si++) {
        modem *m = fl_modem_create(all_schemes[si]);
        unsigned M = 1u << fl_modem_bits_per_symbol(m);
        float re[256], im[256];
        fl_modem_constellation(m, re, im);
        double e = 0, mr = 0, mi = 0;
        for (unsigned v = 0; v < M; v++) {
            e += (double)re[v] * re[v] + (double)im[v] * im[v];
            mr += re[v];
            mi += im[v];
        }
        assert_true(fabs(e / M - 1.0) < 1e-6);
        assert_true(fabs(mr) < 1e-5 && fabs(mi) < 1e-5);
        fl_modem_destroy(m);
    }
    float re[256], im[256];
    modem *m = fl_modem_create(MODEM_BPSK);
    fl_modem_constellation(m, re, im);
    assert_true(re[0] == 1.0f && re[1] == -1.0f && im[0] == 0.0f);
    fl_modem_destroy(m);
    m = fl_modem_create(MODEM_QPSK);
    fl_modem_constellation(m, re, im);
    assert_true(fabs(re[0] - M_SQRT1_2) < 1e-7 && fabs(im[0] - M_SQRT1_2) < 1e-7);
    assert_true(fabs(re[3] + M_SQRT1_2) < 1e-7 && fabs(im[3] + M_SQRT1_2) < 1e-7);
    fl_modem_destroy(m);
    /* 16-QAM: d = 1/sqrt(10); label 0000 -> (3d, 3d); 0111: I label 01 ->
     * level index 1 -> d, Q label 11 -> index 2 -> -d */
    m = fl_modem_create(MODEM_QAM16);
    fl_modem_constellation(m, re, im);
    double d = 1.0 / sqrt(10.0);
    assert_true(fabs(re[0] - 3 * d) < 1e-6 && fabs(im[0] - 3 * d) < 1e-6);
    assert_true(fabs(re[7] - d) < 1e-6 && fabs(im[7] + d) < 1e-6);
    fl_modem_destroy(m);
}

static void random_bytes(uint8_t *b, size_t n, uint32_t seed)
{
    uint32_t *w = malloc((n + 3) / 4 * 4 * sizeof *w);
    fl_noise_u32_at(seed, 0, 0x2FFu, 0, 0, w, (n + 3) / 4 * 4);
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
    free(w);
}

/* modulate -> hard demod of the noiseless (and slightly perturbed) symbols
 * gives back the bits, for lengths that do and do not fill the last symbol
 * and the last byte; modulate agrees with the constellation table */
static void hard_noiseless_roundtrip(void **state)
{
    (void)state;
    const size_t lens[] = {1, 7, 8, 9, 24, 25, 47, 1000, 1001, 1003, 4096, 4101};
    enum { MAXB = 4101 };
    uint8_t in[MAXB / 8 + 1], out[MAXB / 8 + 2];
    float re[MAXB], im[MAXB], pr[MAXB], pi[MAXB];
    for (int si = 0; si < NSCHEMES; si++) {
        modem *m = fl_modem_create(all_schemes[si]);
        unsigned k = fl_modem_bits_per_symbol(m);
        float cre[256], cim[256];
        fl_modem_constellation(m, cre, cim);
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            size_t nb = lens[li], nby = (nb + 7) / 8;
            random_bytes(in, nby, (uint32_t)(li + 10 * si));
            assert_int_equal(fl_modem_modulate(m, in, nb, re, im), 0);
            size_t ns = fl_modem_symbols_for_bits(m, nb);
            for (size_t s = 0; s < ns; s++) {
                unsigned v = 0;
                for (unsigned t = 0; t < k; t++) {
                    size_t p = s * k + t;
                    unsigned bit = p < nb ? (in[p / 8] >> (7 - p % 8)) & 1 : 0;
                    v = v << 1 | bit;
                }
                assert_true(re[s] == cre[v] && im[s] == cim[v]);
                /* perturb by less than half the minimum distance (d = |amp| min) */
                pr[s] = re[s] + 0.45f * fabsf(cre[0]) / (float)((1 << (k / 2 ? k / 2 : 1)) - 1) *
                                    ((s & 1) ? 1.0f : -1.0f);
                pi[s] = im[s];
            }
            memset(out, 0xA5, sizeof out);
            assert_int_equal(fl_modem_demod_hard(m, re, im, nb, out), 0);
            for (size_t p = 0; p < nb; p++)
                assert_int_equal((out[p / 8] >> (7 - p % 8)) & 1, (in[p / 8] >> (7 - p % 8)) & 1);
            for (size_t p = nb; p < nby * 8; p++)
                assert_int_equal((out[p / 8] >> (7 - p % 8)) & 1, 0);
            assert_int_equal(out[nby], 0xA5); /* nothing written past the end */
            assert_int_equal(fl_modem_demod_hard(m, pr, pi, nb, out), 0);
            for (size_t p = 0; p < nb; p++)
                assert_int_equal((out[p / 8] >> (7 - p % 8)) & 1, (in[p / 8] >> (7 - p % 8)) & 1);
        }
        fl_modem_destroy(m);
    }
}

/* hard decisions on arbitrary points equal the brute-force nearest point */
static void hard_is_nearest_point(void **state)
{
    (void)state;
    enum { N = 4000 };
    float u[2 * N];
    fl_noise_gauss_at(3, 4, 0x2FEu, 0, 0, u, 2 * N);
    for (int si = 0; si < NSCHEMES; si++) {
        modem *m = fl_modem_create(all_schemes[si]);
        unsigned k = fl_modem_bits_per_symbol(m), M = 1u << k;
        float cre[256], cim[256], re[N], im[N];
        fl_modem_constellation(m, cre, cim);
        for (int i = 0; i < N; i++) {
            re[i] = 0.8f * u[2 * i];
            im[i] = k == 1 ? 0.0f : 0.8f * u[2 * i + 1];
        }
        size_t nb = (size_t)N * k;
        uint8_t *out = malloc((nb + 7) / 8);
        assert_int_equal(fl_modem_demod_hard(m, re, im, nb, out), 0);
        for (int i = 0; i < N; i++) {
            unsigned best = 0;
            double bd = INFINITY;
            for (unsigned v = 0; v < M; v++) {
                double dd = (re[i] - cre[v]) * (re[i] - cre[v]) + (im[i] - cim[v]) * (im[i] - cim[v]);
                if (dd < bd) {
                    bd = dd;
                    best = v;
                }
            }
            unsigned got = 0;
            for (unsigned t = 0; t < k; t++) {
                size_t p = (size_t)i * k + t;
                got = got << 1 | ((out[p / 8] >> (7 - p % 8)) & 1u);
            }
            assert_int_equal(got, best);
        }
        free(out);
        fl_modem_destroy(m);
    }
}

/* brute force over all M points with the unequalised observation y = h x + n:
 * LLR_b = ln sum_{v: b=0} e^{-|y-hx_v|^2/N0} - ln sum_{v: b=1} ... (exact) and
 * the max-log form; compared with fl_modem_demod_llr(z = y/h, g = |h|^2) to
 * 1e-5 max(1, |LLR|) */
static void llr_vs_bruteforce(void **state)
{
    (void)state;
    enum { N = 600 };
    float gsrc[6 * N];
    fl_noise_gauss_at(11, 12, 0x2FDu, 0, 0, gsrc, 6 * N);
    /* 1e-3: most class sums relative to the nearest point underflow, so the
     * exact demapper's per-class fallback runs (0.02: for some symbols).
     * There an LLR moves by ~1e-5 when z moves by one float ulp, so the
     * reference uses the demapper's own inputs, met = -g |z - x|^2 / N0
     * (still brute force over all M points); the other N0 use y and h. */
    const float n0s[] = {1e-3f, 0.02f, 0.3f, 1.5f};
    for (int si = 0; si < NSCHEMES; si++) {
        modem *m = fl_modem_create(all_schemes[si]);
        unsigned k = fl_modem_bits_per_symbol(m), M = 1u << k;
        float cre[256], cim[256];
        fl_modem_constellation(m, cre, cim);
        for (int ni = 0; ni < 4; ni++) {
            float n0 = n0s[ni];
            float zr[N], zi[N], g2[N], le[N * 8], lm[N * 8];
            double yr[N], yi[N], hr[N], hi[N];
            for (int i = 0; i < N; i++) {
                unsigned v = (unsigned)(i * 37 + ni) % M;
                hr[i] = gsrc[6 * i] * M_SQRT1_2;
                hi[i] = gsrc[6 * i + 1] * M_SQRT1_2;
                double s = sqrt(n0 / 2.0);
                yr[i] = hr[i] * cre[v] - hi[i] * cim[v] + s * gsrc[6 * i + 2];
                yi[i] = hr[i] * cim[v] + hi[i] * cre[v] + s * gsrc[6 * i + 3];
                double hh = hr[i] * hr[i] + hi[i] * hi[i];
                zr[i] = (float)((yr[i] * hr[i] + yi[i] * hi[i]) / hh);
                zi[i] = (float)((yi[i] * hr[i] - yr[i] * hi[i]) / hh);
                if (k == 1) { /* a real constellation uses only Re(y/h) */
                    zi[i] = 0.0f;
                }
                g2[i] = (float)hh;
            }
            size_t nb = (size_t)N * k;
            assert_int_equal(fl_modem_demod_llr(m, zr, zi, g2, n0, MODEM_DEMAP_EXACT, nb, le), 0);
            assert_int_equal(fl_modem_demod_llr(m, zr, zi, g2, n0, MODEM_DEMAP_MAXLOG, nb, lm), 0);
            for (int i = 0; i < N; i++) {
                double met[256];
                for (unsigned v = 0; v < M; v++) {
                    double er = yr[i] - (hr[i] * cre[v] - hi[i] * cim[v]);
                    double ei = yi[i] - (hr[i] * cim[v] + hi[i] * cre[v]);
                    met[v] = -(er * er + ei * ei) / n0;
                    if (ni == 0) {
                        double dr = (double)zr[i] - cre[v], di = (double)zi[i] - cim[v];
                        met[v] = -(double)g2[i] * (dr * dr + di * di) / n0;
                    }
                }
                for (unsigned b = 0; b < k; b++) {
                    double s0 = 0, s1 = 0, m0 = -INFINITY, m1 = -INFINITY;
                    for (unsigned v = 0; v < M; v++) {
                        if ((v >> (k - 1 - b)) & 1)
                            m1 = fmax(m1, met[v]);
                        else
                            m0 = fmax(m0, met[v]);
                    }
                    /* log-sum-exp per class, each with its own maximum */
                    for (unsigned v = 0; v < M; v++) {
                        if ((v >> (k - 1 - b)) & 1)
                            s1 += exp(met[v] - m1);
                        else
                            s0 += exp(met[v] - m0);
                    }
                    double ex = (m0 + log(s0)) - (m1 + log(s1));
                    double ml = m0 - m1;
                    double ge = le[(size_t)i * k + b], gm = lm[(size_t)i * k + b];
                    if (!(fabs(ge - ex) <= 1e-5 * fmax(1.0, fabs(ex))))
                        print_message("k=%u n0=%g i=%d b=%u got %.9g want %.9g g2=%g z=%g %g\n", k,
                                      n0, i, b, ge, ex, g2[i], zr[i], zi[i]);
                    assert_true(fabs(ge - ex) <= 1e-5 * fmax(1.0, fabs(ex)));
                    assert_true(fabs(gm - ml) <= 1e-5 * fmax(1.0, fabs(ml)));
                }
            }
        }
        fl_modem_destroy(m);
    }
}

/* BPSK closed form: LLR = 4 g z / N0; the sign of an LLR is the hard decision */
static void bpsk_llr_closed_form(void **state)
{
    (void)state;
    modem *m = fl_modem_create(MODEM_BPSK);
    float z[5] = {-1.3f, -0.2f, 0.0f, 0.4f, 2.0f}, g[5] = {0.5f, 1.0f, 2.0f, 1.0f, 0.1f}, l[5];
    assert_int_equal(fl_modem_demod_llr(m, z, NULL, g, 0.25f, MODEM_DEMAP_EXACT, 5, l), 0);
    for (int i = 0; i < 5; i++)
        assert_true(fabs(l[i] - 4.0 * g[i] * z[i] / 0.25) < 1e-5 * fmax(1.0, fabs(l[i])));
    fl_modem_destroy(m);
}

static void bad_arguments(void **state)
{
    (void)state;
    assert_null(fl_modem_create((modem_scheme)3));
    assert_null(fl_modem_create((modem_scheme)0));
    modem_scheme s;
    assert_int_equal(fl_modem_scheme_parse("64qam", &s), 0);
    assert_int_equal(s, MODEM_QAM64);
    assert_int_equal(fl_modem_scheme_parse("8psk", &s), -EINVAL);
    assert_string_equal(fl_modem_scheme_name(MODEM_QAM256), "256qam");
    modem *m = fl_modem_create(MODEM_QAM16);
    float z[2] = {0}, l[8];
    assert_int_equal(fl_modem_demod_llr(m, z, z, NULL, 0.0f, MODEM_DEMAP_EXACT, 4, l), -EINVAL);
    assert_int_equal(fl_modem_demod_llr(m, z, z, NULL, 1.0f, (modem_demap)7, 4, l), -EINVAL);
    assert_int_equal(fl_modem_modulate(m, NULL, 8, z, z), -EINVAL);
    char buf[128];
    assert_true(fl_modem_print_config(m, buf, sizeof buf) > 0);
    assert_non_null(strstr(buf, "16qam"));
    fl_modem_destroy(m);
}

static void pack_unpack(void **state)
{
    (void)state;
    uint8_t u[19] = {1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1}, p[3], v[19];
    fl_modem_pack_bits(u, 19, p);
    assert_int_equal(p[0], 0xB1);
    assert_int_equal(p[1], 0xF0);
    assert_int_equal(p[2], 0xA0);
    fl_modem_unpack_bits(p, 19, v);
    assert_memory_equal(u, v, 19);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gray_neighbours),
        cmocka_unit_test(unit_energy_and_known_points),
        cmocka_unit_test(hard_noiseless_roundtrip),
        cmocka_unit_test(hard_is_nearest_point),
        cmocka_unit_test(llr_vs_bruteforce),
        cmocka_unit_test(bpsk_llr_closed_form),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(pack_unpack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
