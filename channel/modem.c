/* modem: Gray-mapped BPSK/QPSK/square QAM, hard and soft demapping.
 *
 * Constellations: J. G. Proakis, M. Salehi, Digital Communications, 5th ed.,
 * §3.2 (square QAM as two PAM axes, Es = 2 (M-1) d^2 / 3, eq. 3.2-43).
 * Gray labels per axis: binary-reflected Gray code g = i ^ (i >> 1).
 * Soft demapping: per-axis log-likelihoods; for a square QAM with independent
 * Gray axes and circular noise the 2-D likelihood factorises, so the per-axis
 * log-sum-exp equals the brute-force one over all M points (tests check it).
 *   exact   : LLR_b = ln sum_{a: b=0} e^{-g (z-a)^2 / N0}
 *                   - ln sum_{a: b=1} e^{-g (z-a)^2 / N0}
 *   max-log : LLR_b = g/N0 (min_{a: b=1} (z-a)^2 - min_{a: b=0} (z-a)^2)
 */
#include "channel/modem.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__AVX512F__)
#define MODEM_HOT __attribute__((target("prefer-vector-width=512")))
#else
#define MODEM_HOT
#endif

#define MODEM_CHUNK 256

struct modem {
    modem_scheme scheme;
    unsigned k;        /* bits per symbol */
    unsigned ab;       /* bits per axis (BPSK: 1 on the in-phase axis only) */
    unsigned L;        /* levels per axis */
    float d;           /* half the distance between neighbouring levels */
    float inv_d;
    float amp[16];     /* amplitude of Gray label g on an axis */
    float cre[256], cim[256];
};

static unsigned gray_inverse(unsigned g)
{
    unsigned i = g;
    for (unsigned s = 1; s < 16; s <<= 1)
        i ^= i >> s;
    return i;
}

modem *fl_modem_create(modem_scheme scheme)
{
    unsigned k = (unsigned)scheme;
    if (k != 1 && k != 2 && k != 4 && k != 6 && k != 8)
        return NULL;
    modem *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->scheme = scheme;
    m->k = k;
    m->ab = k == 1 ? 1 : k / 2;
    m->L = 1u << m->ab;
    unsigned M = 1u << k;
    /* Es = 1: BPSK d = 1; square QAM d^2 = 3 / (2 (M-1)) (Proakis eq. 3.2-43) */
    m->d = k == 1 ? 1.0f : (float)sqrt(3.0 / (2.0 * (M - 1)));
    m->inv_d = 1.0f / m->d;
    for (unsigned g = 0; g < m->L; g++) {
        unsigned i = gray_inverse(g);
        m->amp[g] = (float)(((int)m->L - 1) - 2 * (int)i) * m->d;
    }
    for (unsigned v = 0; v < M; v++) {
        if (k == 1) {
            m->cre[v] = m->amp[v];
            m->cim[v] = 0.0f;
        } else {
            m->cre[v] = m->amp[v >> m->ab];
            m->cim[v] = m->amp[v & (m->L - 1)];
        }
    }
    return m;
}

void fl_modem_destroy(modem *m) { free(m); }

modem_scheme fl_modem_scheme_get(const modem *m) { return m->scheme; }

unsigned fl_modem_bits_per_symbol(const modem *m) { return m->k; }

size_t fl_modem_symbols_for_bits(const modem *m, size_t nbits)
{
    return (nbits + m->k - 1) / m->k;
}

static const struct {
    const char *name;
    modem_scheme s;
} scheme_names[] = {
    {"bpsk", MODEM_BPSK},   {"qpsk", MODEM_QPSK},     {"16qam", MODEM_QAM16},
    {"64qam", MODEM_QAM64}, {"256qam", MODEM_QAM256},
};

int fl_modem_scheme_parse(const char *name, modem_scheme *out)
{
    if (!name || !out)
        return -EINVAL;
    for (size_t i = 0; i < sizeof scheme_names / sizeof scheme_names[0]; i++)
        if (strcmp(name, scheme_names[i].name) == 0) {
            *out = scheme_names[i].s;
            return 0;
        }
    return -EINVAL;
}

const char *fl_modem_scheme_name(modem_scheme s)
{
    for (size_t i = 0; i < sizeof scheme_names / sizeof scheme_names[0]; i++)
        if (scheme_names[i].s == s)
            return scheme_names[i].name;
    return NULL;
}

int fl_modem_print_config(const modem *m, char *buf, size_t len)
{
    return snprintf(buf, len, "modem %s: %u bit/symbol, Gray, Es = 1, d = %.6f",
                    fl_modem_scheme_name(m->scheme), m->k, (double)m->d);
}

void fl_modem_constellation(const modem *m, float *re, float *im)
{
    unsigned M = 1u << m->k;
    memcpy(re, m->cre, M * sizeof *re);
    memcpy(im, m->cim, M * sizeof *im);
}

/* k bits starting at stream bit _pos, bits at or past _nbits read as 0 */
static unsigned get_bits(const uint8_t *b, size_t nbits, size_t pos, unsigned k)
{
    unsigned v = 0;
    for (unsigned t = 0; t < k; t++) {
        size_t p = pos + t;
        unsigned bit = p < nbits ? (b[p >> 3] >> (7 - (p & 7))) & 1u : 0u;
        v = (v << 1) | bit;
    }
    return v;
}

MODEM_HOT static void mod_bpsk(const uint8_t *restrict b, size_t nbytes,
                               float *restrict re, float *restrict im)
{
    for (size_t j = 0; j < nbytes; j++) {
        int by = b[j];
        for (int t = 0; t < 8; t++)
            re[8 * j + t] = (float)(1 - 2 * ((by >> (7 - t)) & 1));
    }
    if (im)
        for (size_t i = 0; i < 8 * nbytes; i++)
            im[i] = 0.0f;
}

/* symbols per whole byte group: k=1,2,4,8 -> 8/k symbols per byte;
 * k=6 -> 4 symbols per 3 bytes */
MODEM_HOT static void mod_table(const modem *m, const uint8_t *restrict b, size_t ngroups,
                                float *restrict re, float *restrict im)
{
    const unsigned k = m->k;
    if (k == 6) {
        for (size_t j = 0; j < ngroups; j++) {
            uint32_t w = (uint32_t)b[3 * j] << 16 | (uint32_t)b[3 * j + 1] << 8 | b[3 * j + 2];
            for (int t = 0; t < 4; t++) {
                unsigned v = (w >> (18 - 6 * t)) & 63u;
                re[4 * j + t] = m->cre[v];
                im[4 * j + t] = m->cim[v];
            }
        }
        return;
    }
    const unsigned per = 8 / k, mask = (1u << k) - 1;
    for (size_t j = 0; j < ngroups; j++) {
        unsigned by = b[j];
        for (unsigned t = 0; t < per; t++) {
            unsigned v = (by >> (8 - k * (t + 1))) & mask;
            re[per * j + t] = m->cre[v];
            im[per * j + t] = m->cim[v];
        }
    }
}

int fl_modem_modulate(const modem *m, const uint8_t *bits, size_t nbits, float *re, float *im)
{
    if (!m || (!bits && nbits) || (nbits && (!re || (!im && m->k > 1))))
        return -EINVAL;
    const unsigned k = m->k;
    size_t nsym = fl_modem_symbols_for_bits(m, nbits);
    /* whole groups of bytes on the fast path, then the tail symbol by symbol */
    size_t gbytes = k == 6 ? 3 : 1, gsyms = k == 6 ? 4 : 8 / k;
    size_t ngroups = nbits / (8 * gbytes);
    if (k == 1)
        mod_bpsk(bits, ngroups, re, im);
    else
        mod_table(m, bits, ngroups, re, im);
    for (size_t s = ngroups * gsyms; s < nsym; s++) {
        unsigned v = get_bits(bits, nbits, s * k, k);
        re[s] = m->cre[v];
        if (im)
            im[s] = m->cim[v];
    }
    return 0;
}

/* Gray label of the nearest level to _z on an axis: level index
 * i = clamp(round(((L-1) - z/d) / 2)), label i ^ (i >> 1). Branch-free. */
static inline unsigned axis_label(float z, float inv_d, float lm1)
{
    float t = (lm1 - z * inv_d) * 0.5f;
    t = t < 0.0f ? 0.0f : t;
    t = t > lm1 ? lm1 : t;
    unsigned i = (unsigned)(int)(t + 0.5f);
    return i ^ (i >> 1);
}

MODEM_HOT static void hard_bpsk(const float *restrict re, size_t nbytes, uint8_t *restrict out)
{
    for (size_t j = 0; j < nbytes; j++) {
        unsigned by = 0;
        for (int t = 0; t < 8; t++)
            by |= (unsigned)(re[8 * j + t] < 0.0f) << (7 - t);
        out[j] = (uint8_t)by;
    }
}

MODEM_HOT static void hard_labels(const modem *m, const float *restrict re,
                                  const float *restrict im, size_t n, uint8_t *restrict v)
{
    const float inv_d = m->inv_d, lm1 = (float)(m->L - 1);
    const unsigned ab = m->ab;
    for (size_t s = 0; s < n; s++)
        v[s] = (uint8_t)(axis_label(re[s], inv_d, lm1) << ab | axis_label(im[s], inv_d, lm1));
}

static void pack_labels(const uint8_t *restrict v, size_t ngroups, unsigned k,
                        uint8_t *restrict out)
{
    if (k == 6) {
        for (size_t j = 0; j < ngroups; j++) {
            uint32_t w = (uint32_t)v[4 * j] << 18 | (uint32_t)v[4 * j + 1] << 12 |
                         (uint32_t)v[4 * j + 2] << 6 | v[4 * j + 3];
            out[3 * j] = (uint8_t)(w >> 16);
            out[3 * j + 1] = (uint8_t)(w >> 8);
            out[3 * j + 2] = (uint8_t)w;
        }
        return;
    }
    const unsigned per = 8 / k;
    for (size_t j = 0; j < ngroups; j++) {
        unsigned by = 0;
        for (unsigned t = 0; t < per; t++)
            by |= (unsigned)v[per * j + t] << (8 - k * (t + 1));
        out[j] = (uint8_t)by;
    }
}

int fl_modem_demod_hard(const modem *m, const float *re, const float *im, size_t nbits,
                     uint8_t *bits)
{
    if (!m || (nbits && (!re || !bits || (m->k > 1 && !im))))
        return -EINVAL;
    const unsigned k = m->k;
    const size_t nbytes = (nbits + 7) / 8;
    if (nbits == 0)
        return 0;
    memset(bits + nbytes - 1, 0, 1);
    size_t gbytes = k == 6 ? 3 : 1, gsyms = k == 6 ? 4 : 8 / k;
    size_t ngroups = nbits / (8 * gbytes);
    size_t s_done;
    if (k == 1) {
        hard_bpsk(re, ngroups, bits);
        s_done = ngroups * 8;
    } else {
        uint8_t v[MODEM_CHUNK];
        const size_t gpc = MODEM_CHUNK / gsyms; /* groups per chunk */
        for (size_t g0 = 0; g0 < ngroups; g0 += gpc) {
            size_t ng = ngroups - g0 < gpc ? ngroups - g0 : gpc;
            hard_labels(m, re + g0 * gsyms, im + g0 * gsyms, ng * gsyms, v);
            pack_labels(v, ng, k, bits + g0 * gbytes);
        }
        s_done = ngroups * gsyms;
    }
    /* tail: remaining bits one by one (the last byte was zeroed above, and
     * every byte before it is fully written by the fast path or here) */
    size_t nsym = fl_modem_symbols_for_bits(m, nbits);
    const float inv_d = m->inv_d, lm1 = (float)(m->L - 1);
    for (size_t s = s_done; s < nsym; s++) {
        unsigned v;
        if (k == 1)
            v = re[s] < 0.0f;
        else
            v = axis_label(re[s], inv_d, lm1) << m->ab | axis_label(im[s], inv_d, lm1);
        for (unsigned t = 0; t < k; t++) {
            size_t p = s * k + t;
            if (p >= nbits)
                break;
            uint8_t mask = (uint8_t)(0x80u >> (p & 7));
            if ((v >> (k - 1 - t)) & 1u)
                bits[p >> 3] |= mask;
            else
                bits[p >> 3] &= (uint8_t)~mask;
        }
    }
    return 0;
}

/* Soft demapping, vectorised over chunks of LLR_CHUNK symbols (the loops
 * run over symbols innermost, so the compiler keeps them in SIMD lanes).
 * Square Gray QAM: the per-axis likelihoods factorise, so each axis is a
 * Gray PAM with L = sqrt(M) levels and each bit costs L metric terms.
 * Arithmetic in double, as before: metric_g = -c (z - a_g)^2, c = g / N0;
 * max-log LLR = max_{class 0} - max_{class 1}; exact adds
 * ln sum_{class 0} e^{metric - max0} - ln sum_{class 1} e^{metric - max1}
 * (each class's sum >= 1, so no underflow whatever the SNR). */
#define LLR_CHUNK 64

/* e^x for x <= 0 (x < -700 gives e^-700; such terms sit next to a term of
 * 1 and change nothing): x = n ln2 + r, |r| <= ln2/2, degree-8 Taylor for
 * e^r (relative error < 1e-9), 2^n built in the exponent bits. */
static inline double exp_nonpos(double x)
{
    x = x < -700.0 ? -700.0 : x;
    const double magic = 6755399441055744.0; /* 1.5 * 2^52 */
    double t = x * 1.4426950408889634 + magic;
    double n = t - magic;
    double r = x - n * 0.6931471805598903 - n * 5.497923018708371e-14;
    double p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 +
               r * (1.0 / 720 + r * (1.0 / 5040 + r * (1.0 / 40320))))))));
    uint64_t tb, pb;
    memcpy(&tb, &t, sizeof tb);
    memcpy(&pb, &p, sizeof pb);
    pb += tb << 52; /* the low bits of t hold n (two's complement) */
    memcpy(&p, &pb, sizeof p);
    return p;
}

/* ln s for a positive normal double: s = 2^e m, m in [sqrt(1/2), sqrt(2)),
 * ln m = 2 atanh(u), u = (m-1)/(m+1), |u| < 0.172 (series to u^13,
 * error < 1e-12) */
static inline double log_pos(double s)
{
    uint64_t b;
    memcpy(&b, &s, sizeof b);
    /* shift m from [1,2) to [sqrt(1/2), sqrt(2)) by borrowing from e */
    uint64_t adj = b + (0x3ff0000000000000ull - 0x3fe6a09e667f3bcdull);
    int64_t e = (int64_t)(adj >> 52) - 1023;
    uint64_t mb = (adj & 0x000fffffffffffffull) + 0x3fe6a09e667f3bcdull;
    double mm;
    memcpy(&mm, &mb, sizeof mm);
    double u = (mm - 1.0) / (mm + 1.0), u2 = u * u;
    double q = 1.0 + u2 * (1.0 / 3 + u2 * (1.0 / 5 + u2 * (1.0 / 7 + u2 * (1.0 / 9 +
               u2 * (1.0 / 11 + u2 * (1.0 / 13))))));
    return 2.0 * u * q + (double)e * 0.6931471805599453;
}

/* 1 bit per axis (BPSK, QPSK): exact = max-log = c ((z+d)^2 - (z-d)^2) in
 * the same operation order as the metric form (bit-identical to it) */
MODEM_HOT static void axis1_llr(double d, const double *restrict z, const double *restrict c,
                                size_t n, float *restrict out)
{
    for (size_t s = 0; s < n; s++) {
        double e0 = z[s] - d, e1 = z[s] + d;
        out[s] = (float)(-c[s] * e0 * e0 - -c[s] * e1 * e1);
    }
}

/* bit _sh of an axis with L levels: max (and, exact, the sums) per class */
MODEM_HOT static void axisb_llr(const float *amp, unsigned L, unsigned sh, int exact,
                                const double *restrict z, const double *restrict c, size_t n,
                                float *restrict out)
{
    double mx[2][LLR_CHUNK], sum[2][LLR_CHUNK];
    for (size_t s = 0; s < n; s++)
        mx[0][s] = mx[1][s] = -INFINITY;
    for (unsigned g = 0; g < L; g++) {
        const double a = amp[g];
        double *restrict mc = mx[(g >> sh) & 1u];
        for (size_t s = 0; s < n; s++) {
            double e = z[s] - a, met = -c[s] * e * e;
            mc[s] = met > mc[s] ? met : mc[s];
        }
    }
    if (!exact) {
        for (size_t s = 0; s < n; s++)
            out[s] = (float)(mx[0][s] - mx[1][s]);
        return;
    }
    for (size_t s = 0; s < n; s++)
        sum[0][s] = sum[1][s] = 0.0;
    for (unsigned g = 0; g < L; g++) {
        const double a = amp[g];
        const unsigned cl = (g >> sh) & 1u;
        const double *restrict mc = mx[cl];
        double *restrict sc = sum[cl];
        for (size_t s = 0; s < n; s++) {
            double e = z[s] - a, met = -c[s] * e * e;
            sc[s] += exp_nonpos(met - mc[s]);
        }
    }
    for (size_t s = 0; s < n; s++)
        out[s] = (float)((mx[0][s] - mx[1][s]) + (log_pos(sum[0][s]) - log_pos(sum[1][s])));
}

/* exact LLRs of all _ab bits of an axis with one e^x per level: with
 * M = max_g metric_g, LLR_b = ln sum_{class 0} e^{metric - M}
 * - ln sum_{class 1} e^{metric - M}. A class whose terms all lie more than
 * ~665 below M (only at very high SNR) would underflow: such a bit, in this
 * chunk, falls back to axisb_llr's per-class maxima (returns those bits). */
MODEM_HOT static void axis_exact_shared(const modem *m, const double *restrict z,
                                        const double *restrict c, size_t n, float (*out)[LLR_CHUNK])
{
    const unsigned L = m->L, ab = m->ab;
    double mx[LLR_CHUNK], e[16][LLR_CHUNK], s0[LLR_CHUNK], s1[LLR_CHUNK];
    for (size_t s = 0; s < n; s++)
        mx[s] = -INFINITY;
    for (unsigned g = 0; g < L; g++) {
        const double a = m->amp[g];
        for (size_t s = 0; s < n; s++) {
            double d = z[s] - a, met = -c[s] * d * d;
            e[g][s] = met;
            mx[s] = met > mx[s] ? met : mx[s];
        }
    }
    for (unsigned g = 0; g < L; g++)
        for (size_t s = 0; s < n; s++)
            e[g][s] = exp_nonpos(e[g][s] - mx[s]);
    for (unsigned b = 0; b < ab; b++) {
        const unsigned sh = ab - 1 - b;
        for (size_t s = 0; s < n; s++)
            s0[s] = s1[s] = 0.0;
        for (unsigned g = 0; g < L; g++) {
            double *restrict acc = (g >> sh) & 1u ? s1 : s0;
            for (size_t s = 0; s < n; s++)
                acc[s] += e[g][s];
        }
        int under = 0;
        for (size_t s = 0; s < n; s++) {
            under |= (s0[s] < 1e-290) | (s1[s] < 1e-290);
            out[b][s] = (float)(log_pos(s0[s]) - log_pos(s1[s]));
        }
        if (under)
            axisb_llr(m->amp, L, sh, 1, z, c, n, out[b]);
    }
}

/* LLRs of _n symbols (the caller checked the arguments; _n <= LLR_CHUNK) */
static void llr_chunk(const modem *m, const float *re, const float *im, const float *gain2,
                      double n0, int exact, size_t n, float *out)
{
    const unsigned k = m->k, ab = m->ab;
    double z[LLR_CHUNK], c[LLR_CHUNK];
    float per[8][LLR_CHUNK]; /* per[t][s]: bit t of symbol s */
    for (size_t s = 0; s < n; s++)
        c[s] = (gain2 ? (double)gain2[s] : 1.0) / n0;
    for (unsigned axis = 0; axis < (k > 1 ? 2u : 1u); axis++) {
        const float *src = axis ? im : re;
        for (size_t s = 0; s < n; s++)
            z[s] = src[s];
        if (ab == 1)
            axis1_llr((double)m->amp[0], z, c, n, per[axis]);
        else if (exact)
            axis_exact_shared(m, z, c, n, per + axis * ab);
        else
            for (unsigned b = 0; b < ab; b++)
                axisb_llr(m->amp, m->L, ab - 1 - b, 0, z, c, n, per[axis * ab + b]);
    }
    for (size_t s = 0; s < n; s++)
        for (unsigned t = 0; t < k; t++)
            out[s * k + t] = per[t][s];
}

int fl_modem_demod_llr(const modem *m, const float *re, const float *im, const float *gain2,
                    float n0, modem_demap method, size_t nbits, float *llr)
{
    if (!m || (nbits && (!re || !llr || (m->k > 1 && !im))))
        return -EINVAL;
    if (!(n0 > 0.0f) || (method != MODEM_DEMAP_EXACT && method != MODEM_DEMAP_MAXLOG))
        return -EINVAL;
    const unsigned k = m->k;
    const int exact = method == MODEM_DEMAP_EXACT;
    const size_t nsym = fl_modem_symbols_for_bits(m, nbits), whole = nbits / k;
    float tail[8 * LLR_CHUNK];
    for (size_t s0 = 0; s0 < nsym; s0 += LLR_CHUNK) {
        size_t n = nsym - s0 < LLR_CHUNK ? nsym - s0 : LLR_CHUNK;
        const float *g = gain2 ? gain2 + s0 : NULL;
        const float *q = k > 1 ? im + s0 : NULL;
        if (s0 + n <= whole) {
            llr_chunk(m, re + s0, q, g, (double)n0, exact, n, llr + s0 * k);
        } else { /* the last symbol carries fewer than k bits */
            llr_chunk(m, re + s0, q, g, (double)n0, exact, n, tail);
            memcpy(llr + s0 * k, tail, (nbits - s0 * k) * sizeof *llr);
        }
    }
    return 0;
}

void fl_modem_pack_bits(const uint8_t *unpacked, size_t n, uint8_t *packed)
{
    size_t nbytes = (n + 7) / 8;
    memset(packed, 0, nbytes);
    for (size_t i = 0; i < n; i++)
        packed[i >> 3] |= (uint8_t)((unpacked[i] & 1u) << (7 - (i & 7)));
}

void fl_modem_unpack_bits(const uint8_t *packed, size_t n, uint8_t *unpacked)
{
    for (size_t i = 0; i < n; i++)
        unpacked[i] = (packed[i >> 3] >> (7 - (i & 7))) & 1u;
}
