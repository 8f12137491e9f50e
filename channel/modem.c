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

modem *modem_create(modem_scheme scheme)
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

void modem_destroy(modem *m) { free(m); }

modem_scheme modem_scheme_get(const modem *m) { return m->scheme; }

unsigned modem_bits_per_symbol(const modem *m) { return m->k; }

size_t modem_symbols_for_bits(const modem *m, size_t nbits)
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

int modem_scheme_parse(const char *name, modem_scheme *out)
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

const char *modem_scheme_name(modem_scheme s)
{
    for (size_t i = 0; i < sizeof scheme_names / sizeof scheme_names[0]; i++)
        if (scheme_names[i].s == s)
            return scheme_names[i].name;
    return NULL;
}

int modem_print_config(const modem *m, char *buf, size_t len)
{
    return snprintf(buf, len, "modem %s: %u bit/symbol, Gray, Es = 1, d = %.6f",
                    modem_scheme_name(m->scheme), m->k, (double)m->d);
}

void modem_constellation(const modem *m, float *re, float *im)
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

int modem_modulate(const modem *m, const uint8_t *bits, size_t nbits, float *re, float *im)
{
    if (!m || (!bits && nbits) || (nbits && (!re || (!im && m->k > 1))))
        return -EINVAL;
    const unsigned k = m->k;
    size_t nsym = modem_symbols_for_bits(m, nbits);
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

int modem_demod_hard(const modem *m, const float *re, const float *im, size_t nbits,
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
    size_t nsym = modem_symbols_for_bits(m, nbits);
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

/* LLRs of the ab bits of one axis; c = g / N0. */
static void axis_llr(const modem *m, double z, double c, modem_demap method, float *out)
{
    const unsigned L = m->L, ab = m->ab;
    double metric[16];
    for (unsigned g = 0; g < L; g++) {
        double e = z - (double)m->amp[g];
        metric[g] = -c * e * e;
    }
    for (unsigned b = 0; b < ab; b++) {
        const unsigned sh = ab - 1 - b;
        double mx0 = -INFINITY, mx1 = -INFINITY;
        for (unsigned g = 0; g < L; g++) {
            if ((g >> sh) & 1u)
                mx1 = metric[g] > mx1 ? metric[g] : mx1;
            else
                mx0 = metric[g] > mx0 ? metric[g] : mx0;
        }
        double llr = mx0 - mx1;
        if (method == MODEM_DEMAP_EXACT) {
            /* log-sum-exp with the maximum factored out */
            double s0 = 0.0, s1 = 0.0;
            for (unsigned g = 0; g < L; g++) {
                if ((g >> sh) & 1u)
                    s1 += exp(metric[g] - mx1);
                else
                    s0 += exp(metric[g] - mx0);
            }
            llr += log(s0) - log(s1);
        }
        out[b] = (float)llr;
    }
}

int modem_demod_llr(const modem *m, const float *re, const float *im, const float *gain2,
                    float n0, modem_demap method, size_t nbits, float *llr)
{
    if (!m || (nbits && (!re || !llr || (m->k > 1 && !im))))
        return -EINVAL;
    if (!(n0 > 0.0f) || (method != MODEM_DEMAP_EXACT && method != MODEM_DEMAP_MAXLOG))
        return -EINVAL;
    const unsigned k = m->k, ab = m->ab;
    size_t nsym = modem_symbols_for_bits(m, nbits);
    float tmp[16];
    for (size_t s = 0; s < nsym; s++) {
        double c = (gain2 ? (double)gain2[s] : 1.0) / (double)n0;
        axis_llr(m, re[s], c, method, tmp);
        if (k > 1)
            axis_llr(m, im[s], c, method, tmp + ab);
        for (unsigned t = 0; t < k; t++) {
            size_t p = s * k + t;
            if (p < nbits)
                llr[p] = tmp[t];
        }
    }
    return 0;
}

void modem_pack_bits(const uint8_t *unpacked, size_t n, uint8_t *packed)
{
    size_t nbytes = (n + 7) / 8;
    memset(packed, 0, nbytes);
    for (size_t i = 0; i < n; i++)
        packed[i >> 3] |= (uint8_t)((unpacked[i] & 1u) << (7 - (i & 7)));
}

void modem_unpack_bits(const uint8_t *packed, size_t n, uint8_t *unpacked)
{
    for (size_t i = 0; i < n; i++)
        unpacked[i] = (packed[i >> 3] >> (7 - (i & 7))) & 1u;
}
