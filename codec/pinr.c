/* pinr: prune-if-not-remove token/symbol dropping.
 *
 * Implements Algorithm 1 of E. Balevi, "A Compression Algorithm for
 * Distributed LMMs with Different Information Fusion Techniques" (paper 000),
 * with the overhead accounting of its §3. Changes from the paper: set sizes
 * are rounded to integers (the paper's analytic figures use f Nt etc. as
 * reals; fl_pinr_analytic_compute keeps that), and besides the paper's index
 * list the selection can be sent as bitmasks, as a 64-bit seed, or
 * enumeratively coded.
 *
 * Header fields (version 1), MSB first:
 *   magic 32 | version 8 | index mode 8 | Nb 8 | reserved 8 |
 *   Nt 32 | Ns 32 | |A| 32 | |Bp| 32 | k 32 | scale (float32 bits) 32
 *   [+ frame seed 64 in seeded mode]                       = 256 (+64) bits
 */
#include "codec/pinr.h"

#include "codec/bitio.h"
#include "codec/enumidx.h"
#include "common/purpose.h"

#include <Random123/philox.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Largest stream we agree to build: 2^40 bits (128 GiB). */
#define PINR_MAX_BITS (UINT64_C(1) << 40)

void fl_pinr_analytic_compute(const pinr_params *p, pinr_analytic *a)
{
    double nt = (double)p->tokens, ns = (double)p->dims, nb = (double)p->bits;
    double f = p->f, g = p->g, h = p->h;
    a->total_bits = nt * ns * nb;
    /* paper 000 §3: removal saves f Nt Ns symbols, pruning h g (1-f) Nt Ns */
    a->saved_bits = (f + h * g * (1.0 - f)) * nt * ns * nb;
    /* indices: f Nt log2 Nt + g(1-f) Nt log2 Nt + g(1-f) Nt h Ns log2 Ns */
    a->index_bits = f * nt * log2(nt) + g * (1.0 - f) * nt * log2(nt) +
                    g * (1.0 - f) * nt * h * ns * log2(ns);
    a->net_saved_bits = a->saved_bits - a->index_bits;
    a->sent_bits = a->total_bits - a->net_saved_bits;
    a->reduction_ratio = a->net_saved_bits / a->total_bits;
}

static int64_t pinr_round(double x) { return (int64_t)floor(x + 0.5); }

static uint64_t pinr_index_bits(const pinr_params *p, const pinr_layout *l)
{
    uint64_t nt = (uint64_t)p->tokens, ns = (uint64_t)p->dims;
    uint64_t na = (uint64_t)l->removed, nbp = (uint64_t)l->pruned_tokens;
    uint64_t k = (uint64_t)l->pruned_per_token;
    switch (p->index) {
    case PINR_INDEX_LIST:
        return (na + nbp) * (uint64_t)fl_bitio_width(nt) + nbp * k * (uint64_t)fl_bitio_width(ns);
    case PINR_INDEX_BITMASK:
        return nt + (nt - na) + nbp * ns;
    case PINR_INDEX_SEEDED:
        return 0;
    case PINR_INDEX_ENUMERATIVE:
        return 0; /* data-dependent: measured after coding */
    }
    return 0;
}

int fl_pinr_check(const pinr_params *p)
{
    if (p->tokens < 1 || p->dims < 1 || p->tokens > UINT32_MAX || p->dims > UINT32_MAX)
        return -EINVAL;
    if (p->bits < 1 || p->bits > 64)
        return -EINVAL;
    if (!(p->f >= 0 && p->f <= 1 && p->g >= 0 && p->g <= 1 && p->h >= 0 && p->h <= 1))
        return -EINVAL;
    if (p->index < PINR_INDEX_LIST || p->index > PINR_INDEX_ENUMERATIVE)
        return -EINVAL;
    /* Nt Ns Nb bounds every section; keep it far from uint64 overflow. */
    double total = (double)p->tokens * (double)p->dims * (double)p->bits;
    if (total > (double)PINR_MAX_BITS)
        return -ERANGE;
    return 0;
}

int fl_pinr_plan(const pinr_params *p, pinr_layout *l)
{
    int rc = fl_pinr_check(p);
    if (rc)
        return rc;
    memset(l, 0, sizeof *l);
    l->removed = pinr_round(p->f * (double)p->tokens);
    l->pruned_tokens = pinr_round(p->g * (double)(p->tokens - l->removed));
    l->pruned_per_token = pinr_round(p->h * (double)p->dims);
    l->kept_symbols = (p->tokens - l->removed) * p->dims - l->pruned_tokens * l->pruned_per_token;
    l->header_bits = PINR_HEADER_BITS + (p->index == PINR_INDEX_SEEDED ? PINR_SEED_BITS : 0);
    l->index_bits = pinr_index_bits(p, l);
    l->payload_bits = (uint64_t)l->kept_symbols * (uint64_t)p->bits;
    l->total_bits = l->header_bits + l->index_bits + l->payload_bits;
    return 0;
}

/* One 64-bit Philox draw: key = frame seed, counter = (i, purpose, sub). */
static uint64_t pinr_draw(uint64_t key64, uint32_t purpose, uint32_t sub, uint64_t i)
{
    philox4x32_ctr_t c = {{(uint32_t)i, (uint32_t)(i >> 32), purpose, sub}};
    philox4x32_key_t k = {{(uint32_t)key64, (uint32_t)(key64 >> 32)}};
    philox4x32_ctr_t r = philox4x32(c, k);
    return ((uint64_t)r.v[0] << 32) | r.v[1];
}

uint64_t fl_pinr_frame_seed(uint32_t seed, uint32_t point, uint32_t trial)
{
    philox4x32_ctr_t c = {{0, 0, PURPOSE_PINR_FRAMESEED, trial}};
    philox4x32_key_t k = {{seed, point}};
    philox4x32_ctr_t r = philox4x32(c, k);
    return ((uint64_t)r.v[0] << 32) | r.v[1];
}

/* Uniform integer in [0, m) by multiply-shift (Lemire 2019); the bias is
 * below m / 2^64, far under anything a sweep can resolve. */
static uint64_t pinr_below(uint64_t u, uint64_t m)
{
    return (uint64_t)(((unsigned __int128)u * m) >> 64);
}

/* Choose _k of _n positions: partial Fisher-Yates over _perm (n entries,
 * scratch), marking chosen positions in _mark (n bytes, zeroed first). */
static void pinr_sample(uint64_t key, uint32_t purpose, uint32_t sub, int64_t n, int64_t k,
                        uint32_t *perm, uint8_t *mark)
{
    for (int64_t i = 0; i < n; i++)
        perm[i] = (uint32_t)i;
    memset(mark, 0, (size_t)n);
    for (int64_t i = 0; i < k; i++) {
        int64_t j = i + (int64_t)pinr_below(pinr_draw(key, purpose, sub, (uint64_t)i),
                                            (uint64_t)(n - i));
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        mark[perm[i]] = 1;
    }
}

/* The selection: removed[t], pruned[t] flags per token and the keep mask of
 * every symbol (Nt x Ns). Scratch is allocated here, once per frame. */
static int pinr_draw_selection(const pinr_params *p, const pinr_layout *l, uint64_t key,
                               uint8_t *removed, uint8_t *pruned, uint8_t *keep)
{
    int64_t nt = p->tokens, ns = p->dims;
    if (nt < 1 || ns < 1)
        return -EINVAL;
    int64_t nmax = nt > ns ? nt : ns;
    uint32_t *perm = malloc((size_t)nmax * sizeof *perm);
    uint32_t *rest = malloc((size_t)nt * sizeof *rest);
    uint8_t *mark = malloc((size_t)nmax);
    if (!perm || !rest || !mark) {
        free(perm), free(rest), free(mark);
        return -ENOMEM;
    }
    /* Step 1 (remove): |A| tokens out of Nt. */
    pinr_sample(key, PURPOSE_PINR_REMOVE, 0, nt, l->removed, perm, removed);
    /* Step 2 (prune): |Bp| of the remaining tokens B, in ascending order. */
    int64_t nb = 0;
    for (int64_t t = 0; t < nt; t++)
        if (!removed[t])
            rest[nb++] = (uint32_t)t;
    pinr_sample(key, PURPOSE_PINR_PRUNE, 0, nb, l->pruned_tokens, perm, mark);
    memset(pruned, 0, (size_t)nt);
    for (int64_t b = 0; b < nb; b++)
        pruned[rest[b]] = mark[b];
    /* Per pruned token, k of its Ns symbols; the stream is keyed by token index. */
    for (int64_t t = 0; t < nt; t++) {
        uint8_t *kt = keep + t * ns;
        if (removed[t]) {
            memset(kt, 0, (size_t)ns);
        } else if (pruned[t]) {
            pinr_sample(key, PURPOSE_PINR_SYMBOLS, (uint32_t)t, ns, l->pruned_per_token, perm, mark);
            for (int64_t s = 0; s < ns; s++)
                kt[s] = !mark[s];
        } else {
            memset(kt, 1, (size_t)ns);
        }
    }
    free(perm), free(rest), free(mark);
    return 0;
}

int fl_pinr_select(const pinr_params *p, uint64_t frame_seed, uint8_t *keep)
{
    pinr_layout l;
    int rc = fl_pinr_plan(p, &l);
    if (rc)
        return rc;
    uint8_t *removed = malloc((size_t)p->tokens), *pruned = malloc((size_t)p->tokens);
    if (!removed || !pruned) {
        free(removed), free(pruned);
        return -ENOMEM;
    }
    rc = pinr_draw_selection(p, &l, frame_seed, removed, pruned, keep);
    free(removed), free(pruned);
    return rc;
}

/* Symbol representation at Nb bits: Nb = 32 the float32 bits, Nb = 64 the
 * float64 bits (exact), Nb = 1 the sign (reconstructed as +-scale/2, the
 * midpoint of each half-range), otherwise symmetric uniform levels in
 * [-(2^(Nb-1)-1), 2^(Nb-1)-1] over [-scale, scale], two's complement. */
static uint64_t pinr_quantise(float x, int nb, float scale)
{
    if (nb == 32) {
        uint32_t u;
        memcpy(&u, &x, sizeof u);
        return u;
    }
    if (nb == 64) {
        double d = x;
        uint64_t u;
        memcpy(&u, &d, sizeof u);
        return u;
    }
    if (nb == 1)
        return x < 0;
    /* clamp in integers: above 2^53 the double top rounds up to the sign bit */
    int64_t top = (INT64_C(1) << (nb - 1)) - 1;
    double q = scale > 0 ? floor((double)x / scale * (double)top + 0.5) : 0.0;
    int64_t qi = q >= (double)top ? top : q <= -(double)top ? -top : (int64_t)q;
    return (uint64_t)qi & ((UINT64_C(1) << nb) - 1);
}

static float pinr_dequantise(uint64_t v, int nb, float scale)
{
    if (nb == 32) {
        uint32_t u = (uint32_t)v;
        float x;
        memcpy(&x, &u, sizeof x);
        return isfinite(x) ? x : 0.0f; /* a corrupted word must not poison metrics */
    }
    if (nb == 64) {
        double d;
        memcpy(&d, &v, sizeof d);
        return isfinite(d) && fabs(d) <= FLT_MAX ? (float)d : 0.0f;
    }
    if (nb == 1)
        return v ? -0.5f * scale : 0.5f * scale;
    /* sign-extend the Nb-bit two's complement level (gcc converts
     * out-of-range unsigned values modulo 2^64) */
    uint64_t mask = (UINT64_C(1) << nb) - 1;
    int64_t q = (int64_t)(v >> (nb - 1) & 1 ? v | ~mask : v & mask);
    /* The encoder never sends the level -2^(Nb-1) (levels are clamped to
     * [-top, top]); a corrupted stream may. Clamp it to -top so |x| <= scale
     * <= FLT_MAX: level x scale must not overflow the float conversion
     * (-2 x FLT_MAX would decode as -inf). */
    int64_t itop = (INT64_C(1) << (nb - 1)) - 1;
    if (q < -itop)
        q = -itop;
    double top = (double)itop;
    double r = (double)q / top * scale;
    return (float)(r > FLT_MAX ? FLT_MAX : r < -FLT_MAX ? -FLT_MAX : r);
}

/* Write the ascending positions flagged in _mark[0.._n) at _w bits each. */
static void pinr_put_list(bitw *bw, const uint8_t *mark, int64_t n, int w)
{
    for (int64_t i = 0; i < n; i++)
        if (mark[i])
            fl_bitw_put(bw, (uint64_t)i, w);
}

static void pinr_put_mask(bitw *bw, const uint8_t *mark, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        fl_bitw_put(bw, mark[i], 1);
}

/* Enumerative coding of a subset through codec/enumidx, wrapped as
 * (32-bit byte count, bytes) so the decoder can find the section's end. */
static int pinr_put_enum(bitw *bw, const uint8_t *mark, int64_t n, int64_t k)
{
    uint8_t *buf = NULL;
    size_t nbytes = 0;
    uint64_t bits = 0;
    int rc = fl_enumidx_encode_mask(mark, n, k, &buf, &nbytes, &bits);
    if (rc)
        return rc;
    fl_bitw_put(bw, nbytes, 32);
    for (size_t i = 0; i < nbytes; i++)
        fl_bitw_put(bw, buf[i], 8);
    free(buf);
    return 0;
}

int fl_pinr_encode(const pinr_params *p, const float *x, uint64_t frame_seed,
                uint8_t **out, uint64_t *nbits, pinr_layout *lay)
{
    pinr_layout l;
    int rc = fl_pinr_plan(p, &l);
    if (rc)
        return rc;
    int64_t nt = p->tokens, ns = p->dims;
    uint8_t *removed = malloc((size_t)nt), *pruned = malloc((size_t)nt);
    uint8_t *keep = malloc((size_t)(nt * ns));
    bitw bw = {0};
    if (!removed || !pruned || !keep || fl_bitw_init(&bw, l.total_bits)) {
        rc = -ENOMEM;
        goto done;
    }
    rc = pinr_draw_selection(p, &l, frame_seed, removed, pruned, keep);
    if (rc)
        goto done;

    float scale = 0.0f;
    for (int64_t i = 0; i < nt * ns; i++)
        if (keep[i] && isfinite(x[i]) && fabsf(x[i]) > scale)
            scale = fabsf(x[i]);
    uint32_t scale_bits;
    memcpy(&scale_bits, &scale, sizeof scale_bits);

    fl_bitw_put(&bw, PINR_MAGIC, 32);
    fl_bitw_put(&bw, PINR_VERSION, 8);
    fl_bitw_put(&bw, (uint64_t)p->index, 8);
    fl_bitw_put(&bw, (uint64_t)p->bits, 8);
    fl_bitw_put(&bw, 0, 8);
    fl_bitw_put(&bw, (uint64_t)nt, 32);
    fl_bitw_put(&bw, (uint64_t)ns, 32);
    fl_bitw_put(&bw, (uint64_t)l.removed, 32);
    fl_bitw_put(&bw, (uint64_t)l.pruned_tokens, 32);
    fl_bitw_put(&bw, (uint64_t)l.pruned_per_token, 32);
    fl_bitw_put(&bw, scale_bits, 32);
    if (p->index == PINR_INDEX_SEEDED)
        fl_bitw_put(&bw, frame_seed, 64);

    uint64_t index_start = bw.nbits;
    int wt = fl_bitio_width((uint64_t)nt), ws = fl_bitio_width((uint64_t)ns);
    if (p->index == PINR_INDEX_LIST || p->index == PINR_INDEX_BITMASK ||
        p->index == PINR_INDEX_ENUMERATIVE) {
        /* B (unremoved tokens) in ascending order, flagged when pruned */
        uint8_t *bmark = malloc((size_t)nt);
        if (!bmark) {
            rc = -ENOMEM;
            goto done;
        }
        int64_t nb = 0;
        for (int64_t t = 0; t < nt; t++)
            if (!removed[t])
                bmark[nb++] = pruned[t];
        if (p->index == PINR_INDEX_LIST) {
            pinr_put_list(&bw, removed, nt, wt);
            pinr_put_list(&bw, pruned, nt, wt);
        } else if (p->index == PINR_INDEX_BITMASK) {
            pinr_put_mask(&bw, removed, nt);
            pinr_put_mask(&bw, bmark, nb);
        } else {
            rc = pinr_put_enum(&bw, removed, nt, l.removed);
            if (!rc)
                rc = pinr_put_enum(&bw, bmark, nb, l.pruned_tokens);
        }
        free(bmark);
        if (rc)
            goto done;
        /* Per pruned token: its dropped symbols (mark = !keep). */
        uint8_t *drop = malloc((size_t)ns);
        if (!drop) {
            rc = -ENOMEM;
            goto done;
        }
        for (int64_t t = 0; t < nt && !rc; t++) {
            if (!pruned[t])
                continue;
            for (int64_t s = 0; s < ns; s++)
                drop[s] = !keep[t * ns + s];
            if (p->index == PINR_INDEX_LIST)
                pinr_put_list(&bw, drop, ns, ws);
            else if (p->index == PINR_INDEX_BITMASK)
                pinr_put_mask(&bw, drop, ns);
            else
                rc = pinr_put_enum(&bw, drop, ns, l.pruned_per_token);
        }
        free(drop);
        if (rc)
            goto done;
    }
    l.index_bits = bw.nbits - index_start;

    for (int64_t i = 0; i < nt * ns; i++)
        if (keep[i])
            fl_bitw_put(&bw, pinr_quantise(x[i], p->bits, scale), p->bits);
    if (bw.err) {
        rc = bw.err;
        goto done;
    }
    l.total_bits = bw.nbits;
    *out = fl_bitw_take(&bw, nbits);
    if (lay)
        *lay = l;
done:
    fl_bitw_free(&bw);
    free(removed), free(pruned), free(keep);
    return rc;
}

/* Read an ascending list of _k positions below _n into _mark; -EBADMSG if
 * a position is out of range or not strictly increasing. */
static int pinr_get_list(bitr *br, uint8_t *mark, int64_t n, int64_t k, int w)
{
    memset(mark, 0, (size_t)n);
    int64_t prev = -1;
    for (int64_t i = 0; i < k; i++) {
        int64_t v = (int64_t)fl_bitr_get(br, w);
        if (br->err || v >= n || v <= prev)
            return -EBADMSG;
        mark[v] = 1;
        prev = v;
    }
    return 0;
}

/* Read an _n-bit mask that must hold exactly _k ones. */
static int pinr_get_mask(bitr *br, uint8_t *mark, int64_t n, int64_t k)
{
    int64_t ones = 0;
    for (int64_t i = 0; i < n; i++) {
        mark[i] = (uint8_t)fl_bitr_get(br, 1);
        ones += mark[i];
    }
    return br->err || ones != k ? -EBADMSG : 0;
}

static int pinr_get_enum(bitr *br, uint8_t *mark, int64_t n, int64_t k)
{
    uint64_t nbytes = fl_bitr_get(br, 32);
    if (br->err || nbytes * 8 > br->nbits - br->pos)
        return -EBADMSG;
    uint8_t *buf = malloc(nbytes ? nbytes : 1);
    if (!buf)
        return -ENOMEM;
    for (uint64_t i = 0; i < nbytes; i++)
        buf[i] = (uint8_t)fl_bitr_get(br, 8);
    int rc = fl_enumidx_decode_mask(buf, nbytes, n, k, mark);
    free(buf);
    return rc == -ENOMEM ? rc : rc ? -EBADMSG : 0;
}

/* 1 if any byte overlapping bits [from, to) is erased; bits at or past the
 * stream's end (nbits) count as erased and the mask (one flag per byte of
 * the stream) is never read past it (found by tests/fuzz/fuzz_pinr: a seeded
 * stream shorter than its 320-bit header read the mask out of bounds). */
static int pinr_erased(const uint8_t *erased, uint64_t nbits, uint64_t from, uint64_t to)
{
    if (!erased || to <= from)
        return 0;
    if (to > nbits)
        return 1;
    for (uint64_t b = from >> 3; b <= (to - 1) >> 3; b++)
        if (erased[b])
            return 1;
    return 0;
}

int fl_pinr_decode(const uint8_t *buf, uint64_t nbits, const uint8_t *erased,
                int64_t tokens, int64_t dims, float *x,
                pinr_layout *lay, int64_t *lost_symbols)
{
    if (tokens < 1 || dims < 1 || !x)
        return -EINVAL;
    memset(x, 0, (size_t)(tokens * dims) * sizeof *x);
    if (lost_symbols)
        *lost_symbols = 0;
    bitr br;
    fl_bitr_init(&br, buf, nbits);
    if (pinr_erased(erased, nbits, 0, nbits < PINR_HEADER_BITS ? nbits : PINR_HEADER_BITS))
        return -EBADMSG;

    pinr_params p = {0};
    pinr_layout l = {0};
    uint32_t magic = (uint32_t)fl_bitr_get(&br, 32);
    unsigned version = (unsigned)fl_bitr_get(&br, 8);
    p.index = (pinr_index)fl_bitr_get(&br, 8);
    p.bits = (int)fl_bitr_get(&br, 8);
    fl_bitr_get(&br, 8);
    p.tokens = (int64_t)fl_bitr_get(&br, 32);
    p.dims = (int64_t)fl_bitr_get(&br, 32);
    l.removed = (int64_t)fl_bitr_get(&br, 32);
    l.pruned_tokens = (int64_t)fl_bitr_get(&br, 32);
    l.pruned_per_token = (int64_t)fl_bitr_get(&br, 32);
    uint32_t scale_bits = (uint32_t)fl_bitr_get(&br, 32);
    if (br.err || magic != PINR_MAGIC || version != PINR_VERSION)
        return -EBADMSG;
    if (p.tokens != tokens || p.dims != dims || p.bits < 1 || p.bits > 64 ||
        p.index > PINR_INDEX_ENUMERATIVE)
        return -EBADMSG;
    if (l.removed > tokens || l.pruned_tokens > tokens - l.removed || l.pruned_per_token > dims)
        return -EBADMSG;
    float scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    if (!isfinite(scale) || scale < 0)
        return -EBADMSG;
    uint64_t seed = 0;
    if (p.index == PINR_INDEX_SEEDED) {
        if (pinr_erased(erased, nbits, PINR_HEADER_BITS, PINR_HEADER_BITS + PINR_SEED_BITS))
            return -EBADMSG;
        seed = fl_bitr_get(&br, 64);
    }
    l.header_bits = br.pos;
    l.kept_symbols = (tokens - l.removed) * dims - l.pruned_tokens * l.pruned_per_token;

    int64_t nt = tokens, ns = dims;
    uint8_t *removed = malloc((size_t)nt), *pruned = calloc((size_t)nt, 1);
    uint8_t *bmark = malloc((size_t)nt), *keep = malloc((size_t)(nt * ns));
    int rc = 0;
    if (!removed || !pruned || !bmark || !keep) {
        rc = -ENOMEM;
        goto done;
    }
    if (p.index == PINR_INDEX_SEEDED) {
        /* The selection is regenerated; the sizes come from the header. */
        p.f = p.g = p.h = 0; /* unused by pinr_draw_selection */
        rc = pinr_draw_selection(&p, &l, seed, removed, pruned, keep);
        if (rc)
            goto done;
    } else {
        int wt = fl_bitio_width((uint64_t)nt), ws = fl_bitio_width((uint64_t)ns);
        int64_t nb = nt - l.removed;
        if (p.index == PINR_INDEX_LIST)
            rc = pinr_get_list(&br, removed, nt, l.removed, wt);
        else if (p.index == PINR_INDEX_BITMASK)
            rc = pinr_get_mask(&br, removed, nt, l.removed);
        else
            rc = pinr_get_enum(&br, removed, nt, l.removed);
        if (rc)
            goto done;
        if (p.index == PINR_INDEX_LIST) {
            rc = pinr_get_list(&br, pruned, nt, l.pruned_tokens, wt);
            for (int64_t t = 0; t < nt && !rc; t++)
                if (pruned[t] && removed[t])
                    rc = -EBADMSG;
        } else {
            rc = p.index == PINR_INDEX_BITMASK ? pinr_get_mask(&br, bmark, nb, l.pruned_tokens)
                                               : pinr_get_enum(&br, bmark, nb, l.pruned_tokens);
            for (int64_t t = 0, b = 0; t < nt && !rc; t++)
                if (!removed[t])
                    pruned[t] = bmark[b++];
        }
        if (rc)
            goto done;
        uint8_t *drop = bmark; /* reuse: ns may exceed nt, so check */
        uint8_t *own = NULL;
        if (ns > nt) {
            own = malloc((size_t)ns);
            if (!own) {
                rc = -ENOMEM;
                goto done;
            }
            drop = own;
        }
        for (int64_t t = 0; t < nt && !rc; t++) {
            uint8_t *kt = keep + t * ns;
            if (removed[t]) {
                memset(kt, 0, (size_t)ns);
                continue;
            }
            if (!pruned[t]) {
                memset(kt, 1, (size_t)ns);
                continue;
            }
            if (p.index == PINR_INDEX_LIST)
                rc = pinr_get_list(&br, drop, ns, l.pruned_per_token, ws);
            else if (p.index == PINR_INDEX_BITMASK)
                rc = pinr_get_mask(&br, drop, ns, l.pruned_per_token);
            else
                rc = pinr_get_enum(&br, drop, ns, l.pruned_per_token);
            for (int64_t s = 0; s < ns; s++)
                kt[s] = !drop[s];
        }
        free(own);
        if (rc)
            goto done;
    }
    l.index_bits = br.pos - l.header_bits;
    if (pinr_erased(erased, nbits, l.header_bits, br.pos)) {
        rc = -EBADMSG;
        goto done;
    }
    l.payload_bits = (uint64_t)l.kept_symbols * (uint64_t)p.bits;
    l.total_bits = br.pos + l.payload_bits;
    if (l.total_bits > nbits) {
        rc = -EBADMSG;
        goto done;
    }
    int64_t lost = 0;
    for (int64_t i = 0; i < nt * ns; i++) {
        if (!keep[i])
            continue;
        uint64_t at = br.pos;
        uint64_t v = fl_bitr_get(&br, p.bits);
        if (pinr_erased(erased, nbits, at, at + (uint64_t)p.bits)) {
            lost++;
            continue;
        }
        x[i] = pinr_dequantise(v, p.bits, scale);
    }
    if (br.err)
        rc = -EBADMSG;
    if (lost_symbols)
        *lost_symbols = lost;
    if (lay)
        *lay = l;
done:
    if (rc)
        memset(x, 0, (size_t)(tokens * dims) * sizeof *x);
    free(removed), free(pruned), free(bmark), free(keep);
    return rc;
}
