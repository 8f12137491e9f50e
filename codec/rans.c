/* rans: range ANS coder (J. Duda, arXiv:1311.2540, §4), 64-bit state,
 * 32-bit renormalisation words (F. Giesen's rans64 layout), static tables
 * with a bucketed decode lookup, a symbol recorder for LIFO encoding and an
 * integer-only adaptive frequency model.  See rans.h for the conventions.
 */
#include "codec/rans.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RAW_CHUNK 16u   // raw bits travel in chunks of at most 16 bits

/* ---------------------------------------------------------------- encoder */

int fl_rans_enc_init(rans_enc *e, size_t cap_words)
{
    return fl_rans_enc_init_lanes(e, cap_words, 1);
}

int fl_rans_enc_init_lanes(rans_enc *e, size_t cap_words, int lanes)
{
    memset(e, 0, sizeof *e);
    if (lanes != 1 && lanes != 2 && lanes != 4) {
        e->err = -EINVAL;
        return -EINVAL;
    }
    e->lanes = lanes;
    for (int l = 0; l < RANS_LANES_MAX - 1; l++)
        e->xo[l] = RANS_L;
    if (cap_words < 16)
        cap_words = 16;
    e->buf = malloc(cap_words * sizeof *e->buf);
    if (!e->buf) {
        e->err = -ENOMEM;
        return -ENOMEM;
    }
    e->cap = cap_words;
    e->pos = cap_words;
    e->x = RANS_L;
    return 0;
}

void fl_rans_enc_free(rans_enc *e)
{
    free(e->buf);
    e->buf = NULL;
    e->cap = e->pos = 0;
}

int fl_rans_enc_grow(rans_enc *e)
{
    if (e->err)
        return e->err;
    size_t used = e->cap - e->pos;
    size_t ncap = e->cap ? 2 * e->cap : 16;
    if (ncap < e->cap || ncap > SIZE_MAX / sizeof(uint32_t)) {
        e->err = -ENOMEM;
        return e->err;
    }
    uint32_t *nb = malloc(ncap * sizeof *nb);
    if (!nb) {
        e->err = -ENOMEM;
        return e->err;
    }
    if (used)
        memcpy(nb + ncap - used, e->buf + e->pos, used * sizeof *nb);
    free(e->buf);
    e->buf = nb;
    e->cap = ncap;
    e->pos = ncap - used;
    return 0;
}

int fl_rans_enc_reserve(rans_enc *e, size_t words)
{
    while (!e->err && e->pos < words)
        fl_rans_enc_grow(e);
    return e->err;
}

static void enc_put_bits64(rans_enc *e, uint64_t v, unsigned nbits)
{
    // decode order is low chunk first, so push the chunks high to low
    unsigned nch = (nbits + RAW_CHUNK - 1) / RAW_CHUNK;
    for (unsigned c = nch; c-- > 0;) {
        unsigned sh = c * RAW_CHUNK;
        unsigned len = nbits - sh < RAW_CHUNK ? nbits - sh : RAW_CHUNK;
        rans_enc_put_bits(e, (uint32_t)(v >> sh), len);
    }
}

static unsigned floor_log2_u64(uint64_t v)
{
    unsigned n = 0;
    while (v >>= 1)
        n++;
    return n;
}

void fl_rans_enc_put_gamma(rans_enc *e, uint64_t v)
{
    if (v == 0) {
        e->err = e->err ? e->err : -EINVAL;
        return;
    }
    // Elias (1975) gamma code, pushed in reverse: N zeros, a one, N low bits.
    unsigned n = floor_log2_u64(v);
    enc_put_bits64(e, v, n);
    rans_enc_put_bits(e, 1, 1);
    for (unsigned i = 0; i < n; i++)
        rans_enc_put_bits(e, 0, 1);
}

int fl_rans_enc_finish(rans_enc *e, uint8_t **out, size_t *nbytes)
{
    *out = NULL;
    *nbytes = 0;
    if (e->err)
        return e->err;
    while (e->pos < 2 * RANS_LANES_MAX)
        if (fl_rans_enc_grow(e) != 0)
            return e->err;
    // last lane first: the decoder reads lane 0's state, then lane 1's, ...
    for (int lane = e->lanes - 1; lane >= 0; lane--) {
        uint64_t x = lane ? e->xo[lane - 1] : e->x;
        e->buf[--e->pos] = (uint32_t)x;
        if (x >= (1ull << 32))
            e->buf[--e->pos] = (uint32_t)(x >> 32);
    }
    size_t words = e->cap - e->pos;
    uint8_t *b = malloc(words * 4);
    if (!b)
        return -ENOMEM;
    for (size_t i = 0; i < words; i++) {
        uint32_t w = e->buf[e->pos + i];
        b[4 * i] = (uint8_t)w;
        b[4 * i + 1] = (uint8_t)(w >> 8);
        b[4 * i + 2] = (uint8_t)(w >> 16);
        b[4 * i + 3] = (uint8_t)(w >> 24);
    }
    *out = b;
    *nbytes = words * 4;
    return 0;
}

/* ---------------------------------------------------------------- decoder */

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* one flushed state: a word >= 2^31 alone, else two words high, low */
static int dec_read_state(rans_dec *d, uint64_t *x)
{
    if (d->end - d->p < 4)
        return -EBADMSG;
    uint32_t w = rd32(d->p);
    d->p += 4;
    if (w >= (1u << 31)) {
        *x = w;
        return 0;
    }
    if (w == 0 || d->end - d->p < 4)
        return -EBADMSG;
    *x = (uint64_t)w << 32 | rd32(d->p);
    d->p += 4;
    return 0;
}

int fl_rans_dec_init(rans_dec *d, const uint8_t *buf, size_t nbytes)
{
    return fl_rans_dec_init_lanes(d, buf, nbytes, 1);
}

int fl_rans_dec_init_lanes(rans_dec *d, const uint8_t *buf, size_t nbytes, int lanes)
{
    memset(d, 0, sizeof *d);
    d->x = RANS_L;
    for (int l = 0; l < RANS_LANES_MAX - 1; l++)
        d->xo[l] = RANS_L;
    d->p = d->end = buf;
    d->lanes = lanes;
    if (lanes != 1 && lanes != 2 && lanes != 4) {
        d->err = 1;
        return -EINVAL;
    }
    if (!buf || nbytes < 4 || nbytes % 4 != 0) {
        d->err = 1;
        return -EBADMSG;
    }
    d->end = buf + nbytes;
    for (int lane = 0; lane < lanes; lane++) {
        if (dec_read_state(d, lane ? &d->xo[lane - 1] : &d->x) != 0) {
            d->err = 1;
            return -EBADMSG;
        }
    }
    return 0;
}

uint64_t fl_rans_dec_get_bits64(rans_dec *d, unsigned nbits)
{
    uint64_t v = 0;
    for (unsigned sh = 0; sh < nbits; sh += RAW_CHUNK) {
        unsigned len = nbits - sh < RAW_CHUNK ? nbits - sh : RAW_CHUNK;
        v |= (uint64_t)rans_dec_get_bits(d, len) << sh;
    }
    return v;
}

uint64_t fl_rans_dec_get_gamma(rans_dec *d)
{
    unsigned n = 0;
    while (rans_dec_get_bits(d, 1) == 0) {
        if (++n > 63 || d->err) {
            d->err = 1;
            return 1;
        }
    }
    return (1ull << n) | fl_rans_dec_get_bits64(d, n);
}

int fl_rans_dec_finish(const rans_dec *d)
{
    if (d->err || d->p != d->end || d->x != RANS_L)
        return -EBADMSG;
    for (int l = 1; l < d->lanes; l++)
        if (d->xo[l - 1] != RANS_L)
            return -EBADMSG;
    return 0;
}

/* ----------------------------------------------------------- static table */

int fl_rans_table_init(rans_table *t, const uint32_t *freq, uint32_t n, unsigned prec)
{
    memset(t, 0, sizeof *t);
    if (!freq || n == 0 || n > (1u << 24) || prec < 1 || prec > 24)
        return -EINVAL;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += freq[i];
    if (sum != (1ull << prec))
        return -EINVAL;
    // about one bucket per symbol (power of two, at most 2^prec)
    unsigned bb = 0;
    while (bb < prec && (1u << bb) < n)
        bb++;
    t->prec = prec;
    t->n = n;
    t->bucket_shift = prec - bb;
    t->cum = malloc(((size_t)n + 1) * sizeof *t->cum);
    t->bucket = malloc(((size_t)1 << bb) * sizeof *t->bucket);
    if (!t->cum || !t->bucket) {
        fl_rans_table_free(t);
        return -ENOMEM;
    }
    t->cum[0] = 0;
    for (uint32_t i = 0; i < n; i++)
        t->cum[i + 1] = t->cum[i] + freq[i];
    uint32_t s = 0;
    for (uint32_t b = 0; b < (1u << bb); b++) {
        uint32_t slot = b << t->bucket_shift;
        while (t->cum[s + 1] <= slot)
            s++;
        t->bucket[b] = s;
    }
    return 0;
}

void fl_rans_table_free(rans_table *t)
{
    free(t->cum);
    free(t->bucket);
    t->cum = t->bucket = NULL;
    t->n = 0;
}

/* -------------------------------------------------------------- recorder */

void fl_rans_rec_init(rans_rec *r)
{
    memset(r, 0, sizeof *r);
}

void fl_rans_rec_free(rans_rec *r)
{
    free(r->s);
    memset(r, 0, sizeof *r);
}

void fl_rans_rec_push(rans_rec *r, uint32_t start, uint32_t freq, unsigned prec)
{
    if (r->err)
        return;
    if (r->n == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 64;
        rans_sym *ns = realloc(r->s, nc * sizeof *ns);
        if (!ns) {
            r->err = -ENOMEM;
            return;
        }
        r->s = ns;
        r->cap = nc;
    }
    r->s[r->n++] = (rans_sym){start, freq, prec};
}

void fl_rans_rec_push_bits(rans_rec *r, uint64_t value, unsigned nbits)
{
    for (unsigned sh = 0; sh < nbits; sh += RAW_CHUNK) {
        unsigned len = nbits - sh < RAW_CHUNK ? nbits - sh : RAW_CHUNK;
        fl_rans_rec_push(r, (uint32_t)(value >> sh) & ((1u << len) - 1), 1, len);
    }
}

void fl_rans_rec_push_gamma(rans_rec *r, uint64_t v)
{
    if (v == 0) {
        r->err = r->err ? r->err : -EINVAL;
        return;
    }
    unsigned n = floor_log2_u64(v);
    for (unsigned i = 0; i < n; i++)
        fl_rans_rec_push(r, 0, 1, 1);
    fl_rans_rec_push(r, 1, 1, 1);
    fl_rans_rec_push_bits(r, v, n);
}

double fl_rans_rec_info_bits(const rans_rec *r)
{
    double b = 0;
    for (size_t i = 0; i < r->n; i++)
        b += r->s[i].prec - log2((double)r->s[i].freq);
    return b;
}

void fl_rans_enc_put_rec(rans_enc *e, const rans_rec *r)
{
    if (r->err) {
        e->err = e->err ? e->err : r->err;
        return;
    }
    for (size_t i = r->n; i-- > 0;)
        rans_enc_put(e, r->s[i].start, r->s[i].freq, r->s[i].prec);
}

/* --------------------------------------------------------- adaptive model */

static void adapt_rebuild(rans_adapt *m)
{
    // freq_i = 1 + floor(count_i (2^P - n) / total); the rounding remainder
    // goes to the first symbol of largest count.  Integer only.
    const uint64_t spare = (1u << RANS_ADAPT_PREC) - m->n;
    uint32_t best = 0;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < m->n; i++) {
        uint32_t f = 1 + (uint32_t)(m->count[i] * spare / m->total);
        m->cum[i + 1] = f;
        sum += f;
        if (m->count[i] > m->count[best])
            best = i;
    }
    m->cum[best + 1] += (uint32_t)((1u << RANS_ADAPT_PREC) - sum);
    m->cum[0] = 0;
    for (uint32_t i = 0; i < m->n; i++)
        m->cum[i + 1] += m->cum[i];
}

int fl_rans_adapt_init(rans_adapt *m, uint32_t n)
{
    memset(m, 0, sizeof *m);
    if (n < 2 || n > 4096)
        return -EINVAL;
    m->count = malloc(n * sizeof *m->count);
    m->cum = malloc(((size_t)n + 1) * sizeof *m->cum);
    if (!m->count || !m->cum) {
        fl_rans_adapt_free(m);
        return -ENOMEM;
    }
    m->n = n;
    for (uint32_t i = 0; i < n; i++)
        m->count[i] = 1;
    m->total = n;
    adapt_rebuild(m);
    return 0;
}

void fl_rans_adapt_free(rans_adapt *m)
{
    free(m->count);
    free(m->cum);
    memset(m, 0, sizeof *m);
}

static void adapt_update(rans_adapt *m, uint32_t sym)
{
    m->count[sym] += RANS_ADAPT_INC;
    m->total += RANS_ADAPT_INC;
    if (m->total > RANS_ADAPT_LIMIT) {
        m->total = 0;
        for (uint32_t i = 0; i < m->n; i++) {
            m->count[i] = (m->count[i] + 1) / 2;
            m->total += m->count[i];
        }
    }
    adapt_rebuild(m);
}

void fl_rans_adapt_encode(rans_adapt *m, uint32_t sym, rans_rec *r)
{
    if (sym >= m->n) {
        r->err = r->err ? r->err : -EINVAL;
        return;
    }
    fl_rans_rec_push(r, m->cum[sym], m->cum[sym + 1] - m->cum[sym], RANS_ADAPT_PREC);
    adapt_update(m, sym);
}

double fl_rans_adapt_cost_bits(const rans_adapt *m, uint32_t sym)
{
    if (sym >= m->n)
        return INFINITY;
    return RANS_ADAPT_PREC - log2((double)(m->cum[sym + 1] - m->cum[sym]));
}

uint32_t fl_rans_adapt_decode(rans_adapt *m, rans_dec *d)
{
    uint32_t slot = rans_dec_peek(d, RANS_ADAPT_PREC);
    // binary search for the symbol whose interval holds slot
    uint32_t lo = 0, hi = m->n;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (m->cum[mid] <= slot)
            lo = mid;
        else
            hi = mid;
    }
    rans_dec_advance(d, m->cum[lo], m->cum[lo + 1] - m->cum[lo], RANS_ADAPT_PREC);
    adapt_update(m, lo);
    return lo;
}

void fl_rans_esym_init(rans_esym *s, uint32_t start, uint32_t freq, unsigned prec)
{
    memset(s, 0, sizeof *s);
    if (freq == 0 || prec - 1 >= RANS_PREC_MAX || freq > (1u << prec))
        return; /* freq 0: pushing it sets -EINVAL */
    s->freq = freq;
    s->x_max = ((RANS_L >> prec) << 32) * freq;
    s->cmpl = (uint32_t)((1ull << prec) - freq);
    if (freq == 1) {
        s->rcp = ~0ull;
        s->shift = 0;
        s->bias = start + (uint32_t)((1ull << prec) - 1);
        return;
    }
    unsigned l = 0;
    while ((1ull << l) < freq)
        l++;
    unsigned __int128 num = ((unsigned __int128)1 << (l + 63)) + (freq - 1);
    s->rcp = (uint64_t)(num / freq);
    s->shift = l - 1;
    s->bias = start;
}
