/* rans: range asymmetric numeral systems coder (rANS) for featlink.
 *
 * Algorithm: J. Duda, "Asymmetric numeral systems: entropy coding combining
 * speed of Huffman coding with compression rate of arithmetic coding",
 * arXiv:1311.2540 (2013), §4 (rANS); the 64-bit-state / 32-bit-word
 * renormalisation follows F. Giesen's public description of rans64 (2014).
 *
 * Conventions
 * - State x is 64-bit and lives in [RANS_L, RANS_L * 2^32), RANS_L = 2^31.
 *   Renormalisation moves whole 32-bit words; streams are sequences of
 *   little-endian 32-bit words, so a stream's length in bits is 32 * words.
 * - A symbol is an interval [start, start + freq) of a total 2^prec, with
 *   1 <= prec <= RANS_PREC_MAX (31) and freq >= 1.  The coding loss of one
 *   step grows with 2^prec / RANS_L: keep prec <= 24 for coded data (loss
 *   below 1e-6 relative in the tests); 25..31 is for raw bits only.  Raw bits are the symbol
 *   [value, value + 1) at precision nbits (so no second mechanism is needed).
 * - The encoder is LIFO: symbols must be pushed in the REVERSE of the order
 *   in which the decoder reads them.  rans_rec records symbols in decode
 *   order (needed for adaptive models) and fl_rans_enc_put_rec pushes them back
 *   to front.
 * - The encoder starts at x = RANS_L; the decoder checks at the end that the
 *   state has returned to RANS_L and that every word was consumed
 *   (fl_rans_dec_finish): this is the end-of-stream check that turns most
 *   corruptions into -EBADMSG.  The decoder never reads past its buffer: a
 *   missing word sets a sticky error flag and zero is shifted in instead.
 * - Final flush: if x < 2^32 one word (which is >= 2^31), otherwise two
 *   words high (in [1, 2^31)) then low; the decoder tells them apart by the
 *   first word's top bit.  Coding overhead over the information content is
 *   therefore between 31 and 64 bits per stream (plus table quantisation).
 *
 * The encoder/decoder structs are exposed so that the per-symbol steps can
 * be static inline in hot loops; treat their fields as private.
 */
#ifndef FEATLINK_RANS_H
#define FEATLINK_RANS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define RANS_L        (1ull << 31)  // lower bound of the normalised state
#define RANS_PREC_MAX 31            // largest probability precision in bits
#define RANS_LANES_MAX 4            // most interleaved states of one stream

/* ---------------------------------------------------------------- encoder */

typedef struct {
    uint64_t x;      // state (lane 0)
    uint64_t xo[RANS_LANES_MAX - 1]; // states of lanes 1..lanes-1
    uint32_t *buf;   // words, filled from the end
    size_t cap;      // capacity of buf in words
    size_t pos;      // index of the first written word (== cap when empty)
    int err;         // sticky: -ENOMEM or -EINVAL
    int lanes;       // 1, 2 or 4 interleaved states
} rans_enc;

//  fl_rans_enc_init : start an empty encoder
//      _e         : encoder to initialise (caller owns the struct; free with fl_rans_enc_free)
//      _cap_words : initial buffer capacity in 32-bit words (0: a small default); grows as needed
//  returns 0 or -ENOMEM
int fl_rans_enc_init(rans_enc *e, size_t cap_words);
//  fl_rans_enc_init_lanes : as fl_rans_enc_init, with _lanes (1, 2 or 4) interleaved states.
//      Interleaved rANS (F. Giesen, "Interleaved entropy coders",
//      arXiv:1402.3392, 2014): independent states share one word buffer;
//      every symbol goes to one lane, and since the decoder undoes the
//      encoder's operations in exactly the reverse order, the words each
//      lane reads are the ones it wrote. Steps on different lanes are
//      independent, so a CPU overlaps their latency chains. The helpers
//      below work on e->x (lane 0); lane l's state is e->xo[l - 1], and hot
//      loops hold the states in locals (rans_enc_step). The stream starts
//      with the flushed states of lanes 0, 1, ... in this order; it is
//      readable only with the same number of lanes.
//  returns 0, -EINVAL (lanes) or -ENOMEM
int fl_rans_enc_init_lanes(rans_enc *e, size_t cap_words, int lanes);
//  fl_rans_enc_free : release the buffer of _e (safe on a zeroed struct)
void fl_rans_enc_free(rans_enc *e);
//  fl_rans_enc_grow : internal, doubles the buffer (called by rans_enc_put when full)
int fl_rans_enc_grow(rans_enc *e);

//  rans_enc_put : push one symbol
//      _start : cumulative frequency of the symbol, start + freq <= 2^prec
//      _freq  : frequency, >= 1
//      _prec  : precision in bits, 1..RANS_PREC_MAX
static inline void rans_enc_put(rans_enc *e, uint32_t start, uint32_t freq, unsigned prec)
{
    // Duda 2013 eq. (rANS encoding step): C(s,x) = (x/f)·M + x mod f + c_s, M = 2^prec,
    // preceded by renormalisation so that the result stays below RANS_L·2^32.
    if (freq == 0 || prec - 1 >= RANS_PREC_MAX) { // not codable: caller must escape
        e->err = e->err ? e->err : -EINVAL;
        return;
    }
    uint64_t x = e->x;
    uint64_t x_max = ((RANS_L >> prec) << 32) * freq;
    if (x >= x_max) {
        if (e->pos == 0 && fl_rans_enc_grow(e) != 0)
            return;
        e->buf[--e->pos] = (uint32_t)x;
        x >>= 32;
    }
    e->x = ((x / freq) << prec) + (x % freq) + start;
}

/* Encoder symbol with a precomputed reciprocal (for a static table): the
 * step q = floor(x / freq) becomes a 64x64->128-bit multiply-high and a
 * shift. With l = ceil(log2 freq) (freq >= 2), rcp = ceil(2^(l+63) / freq)
 * (< 2^64 since freq > 2^(l-1)) and q = mulhi(x, rcp) >> (l - 1), q is
 * exact for every state x < 2^63 = RANS_L 2^32, the whole range the encoder
 * uses (the multiply-by-reciprocal division of Alverson, "Integer division
 * using reciprocals", 1991, as rans64 uses it; tests/test_rans.c checks it
 * against the division). freq = 1 takes rcp = 2^64 - 1, shift 0 and folds
 * x mod 1 = 0 into the bias. The stream is bit-identical to rans_enc_put's. */
typedef struct {
    uint64_t rcp;    // reciprocal, see above
    uint64_t x_max;  // renormalisation bound ((RANS_L >> prec) << 32) * freq
    uint32_t bias;   // start (freq >= 2) or start + 2^prec - 1 (freq = 1)
    uint32_t cmpl;   // 2^prec - freq
    uint32_t shift;  // l - 1 (freq >= 2), 0 (freq = 1)
    uint32_t freq;   // 0: not codable (rans_enc_put_esym sets -EINVAL)
} rans_esym;

//  fl_rans_esym_init : the encoder symbol for [_start, _start + _freq) at
//      precision _prec (1..RANS_PREC_MAX); _freq = 0 or a bad _prec gives a
//      symbol that sets the encoder's error when pushed
void fl_rans_esym_init(rans_esym *s, uint32_t start, uint32_t freq, unsigned prec);

//  rans_enc_step : push symbol _s onto state _x (either lane), words into
//  _e's buffer; returns the new state (_x unchanged on error)
static inline uint64_t rans_enc_step(rans_enc *e, uint64_t x, const rans_esym *s)
{
    if (s->freq == 0) {
        e->err = e->err ? e->err : -EINVAL;
        return x;
    }
    if (x >= s->x_max) {
        if (e->pos == 0 && fl_rans_enc_grow(e) != 0)
            return x;
        e->buf[--e->pos] = (uint32_t)x;
        x >>= 32;
    }
    // x = (x / f) 2^prec + x mod f + start = x + bias + (x / f) (2^prec - f)
    uint64_t q = (uint64_t)(((unsigned __int128)x * s->rcp) >> 64) >> s->shift;
    return x + s->bias + q * s->cmpl;
}

//  fl_rans_enc_reserve : make room for _words more words, so that _words calls of
//  rans_enc_step_fast on _e's buf/pos cannot run out; returns 0 or the error
int fl_rans_enc_reserve(rans_enc *e, size_t words);

//  rans_enc_step_fast : rans_enc_step for hot loops holding the buffer
//  position in a local (*_pos, written back by the caller to e->pos): the
//  symbol must be codable (freq >= 1) and a word reserved (fl_rans_enc_reserve)
static inline uint64_t rans_enc_step_fast(uint32_t *buf, size_t *pos, uint64_t x,
                                          const rans_esym *s)
{
    // branch-free renormalisation (the branch mispredicts on ~1 symbol in
    // 6): the word is stored below the stream in any case (reserved room) and
    // kept only when x had to shrink. On x86-64 one compare sets the carry
    // for both the cmov and the position (pos - 1 + carry), which compilers
    // otherwise compute twice or turn back into a branch.
    buf[*pos - 1] = (uint32_t)x;
#if defined(__x86_64__) && defined(__GNUC__)
    uint64_t xs = x >> 32;
    __asm__("cmpq %[xm], %[x]\n\tcmovaeq %[xs], %[x]\n\tadcq $-1, %[pos]"
            : [x] "+r"(x), [pos] "+r"(*pos)
            : [xm] "rm"(s->x_max), [xs] "r"(xs)
            : "cc");
#else
    uint64_t c = x >= s->x_max;
    *pos -= c;
    x = c ? x >> 32 : x;
#endif
    uint64_t q = (uint64_t)(((unsigned __int128)x * s->rcp) >> 64) >> s->shift;
    return x + s->bias + q * s->cmpl;
}

//  rans_enc_put_esym : push one symbol on lane 0 (same stream as rans_enc_put)
static inline void rans_enc_put_esym(rans_enc *e, const rans_esym *s)
{
    e->x = rans_enc_step(e, e->x, s);
}

//  rans_enc_put_bits : push _nbits (0..31) raw bits of _value (uniform symbol)
static inline void rans_enc_put_bits(rans_enc *e, uint32_t value, unsigned nbits)
{
    if (nbits > 0)
        rans_enc_put(e, value & (uint32_t)((1ull << nbits) - 1), 1, nbits);
}

//  fl_rans_enc_put_gamma : push the Elias-gamma code of _v (v >= 1, up to 2^63)
//      (decoded as: N zero bits, a one bit, then N low bits of v)
void fl_rans_enc_put_gamma(rans_enc *e, uint64_t v);

//  fl_rans_enc_finish : flush the state and return the stream
//      _out    : receives a malloc'd byte buffer (caller frees)
//      _nbytes : its length in bytes (a multiple of 4; bits = 8 * nbytes)
//  returns 0, -ENOMEM, or the encoder's sticky error.  The encoder stays
//  allocated (call fl_rans_enc_free).
int fl_rans_enc_finish(rans_enc *e, uint8_t **out, size_t *nbytes);

/* ---------------------------------------------------------------- decoder */

typedef struct {
    uint64_t x;      // lane 0 state
    uint64_t xo[RANS_LANES_MAX - 1]; // lanes 1..lanes-1
    const uint8_t *p, *end;
    int err;         // sticky: set when a word was missing or a code invalid
    int lanes;
} rans_dec;

//  fl_rans_dec_init : start decoding _buf (not copied; must outlive _d)
//      _nbytes : length in bytes; must be a multiple of 4 and >= 4
//  returns 0 or -EBADMSG (bad length or impossible initial state)
int fl_rans_dec_init(rans_dec *d, const uint8_t *buf, size_t nbytes);

//  fl_rans_dec_init_lanes : as fl_rans_dec_init for a stream of _lanes (1, 2 or 4)
//  interleaved states (fl_rans_enc_init_lanes); -EINVAL for another _lanes
int fl_rans_dec_init_lanes(rans_dec *d, const uint8_t *buf, size_t nbytes, int lanes);

//  rans_dec_peek : the slot in [0, 2^prec) that identifies the next symbol
static inline uint32_t rans_dec_peek(const rans_dec *d, unsigned prec)
{
    return (uint32_t)(d->x & ((1ull << prec) - 1));
}

//  rans_dec_step : remove the symbol [_start, _start+_freq), found from the
//  slot _x & (2^prec - 1), from state _x (either lane), refilling from _d's
//  words; returns the new state
static inline uint64_t rans_dec_step(rans_dec *d, uint64_t x, uint32_t start, uint32_t freq,
                                     unsigned prec)
{
    // Duda 2013: D(x) = f_s·floor(x/M) + (x mod M) - c_s, then renormalise.
    uint64_t mask = (1ull << prec) - 1;
    x = (uint64_t)freq * (x >> prec) + (x & mask) - start;
    if (x < RANS_L) {
        uint32_t w = 0;
        if (d->end - d->p >= 4) {
            w = (uint32_t)d->p[0] | (uint32_t)d->p[1] << 8 | (uint32_t)d->p[2] << 16
              | (uint32_t)d->p[3] << 24;
            d->p += 4;
        } else {
            d->err = 1;
        }
        x = (x << 32) | w;
        if (x < RANS_L) { // only after corruption (x was 0): keep the state valid
            d->err = 1;
            x = RANS_L;
        }
    }
    return x;
}

//  rans_dec_step_fast : rans_dec_step for hot loops holding the read
//  position in a local (*_p, written back by the caller to d->p); a word
//  missing or a zero state sets *_err, as rans_dec_step sets d->err
static inline uint64_t rans_dec_step_fast(const uint8_t **p, const uint8_t *end, int *err,
                                          uint64_t x, uint32_t start, uint32_t freq, unsigned prec)
{
    uint64_t mask = (1ull << prec) - 1;
    x = (uint64_t)freq * (x >> prec) + (x & mask) - start;
    if (x < RANS_L) {
        // a branch, not a select: the next load's address would otherwise
        // wait for the state, and so would every following step
        uint32_t w = 0;
        if (end - *p >= 4) {
            const uint8_t *q = *p;
            w = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
            *p = q + 4;
        } else {
            *err = 1;
        }
        x = (x << 32) | w;
        if (x < RANS_L) { // only after corruption (x was 0): keep the state valid
            *err = 1;
            x = RANS_L;
        }
    }
    return x;
}

//  rans_dec_advance : remove the symbol [_start, _start+_freq) found from the peeked slot
static inline void rans_dec_advance(rans_dec *d, uint32_t start, uint32_t freq, unsigned prec)
{
    d->x = rans_dec_step(d, d->x, start, freq, prec);
}

//  rans_dec_get_bits : read _nbits (0..31) raw bits
static inline uint32_t rans_dec_get_bits(rans_dec *d, unsigned nbits)
{
    if (nbits == 0)
        return 0;
    uint32_t v = rans_dec_peek(d, nbits);
    rans_dec_advance(d, v, 1, nbits);
    return v;
}

//  fl_rans_dec_get_gamma : read an Elias-gamma code; codes longer than 2*63+1
//  bits set the error flag and return 1.
uint64_t fl_rans_dec_get_gamma(rans_dec *d);

//  fl_rans_dec_finish : end-of-stream check
//  returns 0 when no error occurred, every word was consumed and the state
//  (each lane's) is back at RANS_L; -EBADMSG otherwise
int fl_rans_dec_finish(const rans_dec *d);

/* ----------------------------------------------------------- static table */

typedef struct {
    unsigned prec;        // total = 2^prec
    uint32_t n;           // number of symbols
    uint32_t *cum;        // n + 1 cumulative frequencies, cum[0] = 0, cum[n] = 2^prec
    unsigned bucket_shift;// slot >> bucket_shift indexes bucket[]
    uint32_t *bucket;     // first symbol whose interval meets each bucket
} rans_table;

//  fl_rans_table_init : build a static table from integer frequencies
//      _t    : table to fill (free with fl_rans_table_free)
//      _freq : _n frequencies summing exactly to 2^_prec (0 allowed: symbol not codable)
//      _n    : number of symbols, 1..2^24
//      _prec : precision in bits, 1..24
//  returns 0, -EINVAL (bad sum or argument) or -ENOMEM
int fl_rans_table_init(rans_table *t, const uint32_t *freq, uint32_t n, unsigned prec);
void fl_rans_table_free(rans_table *t);

//  rans_table_lookup : the symbol whose interval holds _slot (0 <= slot < 2^prec)
static inline uint32_t rans_table_lookup(const rans_table *t, uint32_t slot)
{
    uint32_t s = t->bucket[slot >> t->bucket_shift];
    while (t->cum[s + 1] <= slot)
        s++;
    return s;
}

//  rans_table_decode : decode one symbol with table _t
static inline uint32_t rans_table_decode(const rans_table *t, rans_dec *d)
{
    uint32_t slot = rans_dec_peek(d, t->prec);
    uint32_t s = rans_table_lookup(t, slot);
    rans_dec_advance(d, t->cum[s], t->cum[s + 1] - t->cum[s], t->prec);
    return s;
}

/* -------------------------------------------------------------- recorder */

typedef struct {
    uint32_t start, freq;
    uint32_t prec;
} rans_sym;

typedef struct {
    rans_sym *s;
    size_t n, cap;
    int err;              // sticky -ENOMEM
} rans_rec;

//  fl_rans_rec_init / fl_rans_rec_free : an empty list of symbols in decode order
void fl_rans_rec_init(rans_rec *r);
void fl_rans_rec_free(rans_rec *r);
//  fl_rans_rec_push : append one symbol (same meaning as rans_enc_put)
void fl_rans_rec_push(rans_rec *r, uint32_t start, uint32_t freq, unsigned prec);
//  fl_rans_rec_push_bits : append _nbits (0..63) raw bits of _value
void fl_rans_rec_push_bits(rans_rec *r, uint64_t value, unsigned nbits);
//  fl_rans_rec_push_gamma : append the Elias-gamma code of _v >= 1
void fl_rans_rec_push_gamma(rans_rec *r, uint64_t v);
//  fl_rans_rec_info_bits : sum of -log2(freq / 2^prec) over the recorded symbols
double fl_rans_rec_info_bits(const rans_rec *r);
//  fl_rans_enc_put_rec : push the recorded symbols into _e back to front
void fl_rans_enc_put_rec(rans_enc *e, const rans_rec *r);

//  fl_rans_dec_get_bits64 : read _nbits (0..63) raw bits written by fl_rans_rec_push_bits
uint64_t fl_rans_dec_get_bits64(rans_dec *d, unsigned nbits);

/* --------------------------------------------------------- adaptive model */

// Integer-only adaptive frequency model for side information: counts start
// at 1, each coded symbol adds RANS_ADAPT_INC, all counts are halved (rounding
// up) when their total exceeds RANS_ADAPT_LIMIT; before each symbol the counts
// are mapped to frequencies summing to 2^prec (each >= 1, remainder to the
// most frequent symbol, lowest index first).  Encoder and decoder run the
// same integer updates, so they stay in lockstep on any machine.
#define RANS_ADAPT_INC   32u
#define RANS_ADAPT_LIMIT (1u << 16)
#define RANS_ADAPT_PREC  16u

typedef struct {
    uint32_t n;           // alphabet size
    uint32_t total;       // sum of counts
    uint32_t *count;      // n counts
    uint32_t *cum;        // n + 1 cumulative frequencies at RANS_ADAPT_PREC
} rans_adapt;

//  fl_rans_adapt_init : uniform model over _n symbols (2 <= n <= 4096); 0, -EINVAL or -ENOMEM
int fl_rans_adapt_init(rans_adapt *m, uint32_t n);
void fl_rans_adapt_free(rans_adapt *m);
//  fl_rans_adapt_encode : record symbol _sym (< n) into _r (decode order), then adapt
void fl_rans_adapt_encode(rans_adapt *m, uint32_t sym, rans_rec *r);
//  fl_rans_adapt_cost_bits : -log2 p(_sym) under the current state (no update)
double fl_rans_adapt_cost_bits(const rans_adapt *m, uint32_t sym);
//  fl_rans_adapt_decode : decode one symbol from _d, then adapt
uint32_t fl_rans_adapt_decode(rans_adapt *m, rans_dec *d);

#endif
