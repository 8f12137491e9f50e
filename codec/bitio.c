/* bitio: MSB-first bit packing (see bitio.h). */
#include "codec/bitio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int fl_bitw_init(bitw *w, uint64_t reserve_bits)
{
    memset(w, 0, sizeof *w);
    size_t cap = (size_t)((reserve_bits + 7) / 8) + 16;
    w->buf = calloc(cap, 1);
    if (!w->buf) {
        w->err = -ENOMEM;
        return -ENOMEM;
    }
    w->cap = cap;
    return 0;
}

static int bitw_grow(bitw *w, uint64_t need_bits)
{
    size_t need = (size_t)((need_bits + 7) / 8) + 8;
    if (need <= w->cap)
        return 0;
    size_t cap = w->cap ? w->cap : 16;
    while (cap < need)
        cap *= 2;
    uint8_t *b = realloc(w->buf, cap);
    if (!b) {
        w->err = -ENOMEM;
        return -ENOMEM;
    }
    memset(b + w->cap, 0, cap - w->cap);
    w->buf = b;
    w->cap = cap;
    return 0;
}

void fl_bitw_put(bitw *w, uint64_t v, int n)
{
    if (w->err || n <= 0)
        return;
    if (bitw_grow(w, w->nbits + (uint64_t)n))
        return;
    if (n < 64)
        v &= (UINT64_C(1) << n) - 1;
    /* Write byte-sized chunks: the first fills the current partial byte. */
    while (n > 0) {
        uint64_t byte = w->nbits >> 3;
        int used = (int)(w->nbits & 7);
        int room = 8 - used;
        int take = n < room ? n : room;
        uint8_t chunk = (uint8_t)((v >> (n - take)) & ((1u << take) - 1));
        w->buf[byte] |= (uint8_t)(chunk << (room - take));
        w->nbits += (uint64_t)take;
        n -= take;
    }
}

uint8_t *fl_bitw_take(bitw *w, uint64_t *nbits)
{
    uint8_t *b = w->buf;
    if (nbits)
        *nbits = w->nbits;
    w->buf = NULL;
    w->cap = 0;
    w->nbits = 0;
    return b;
}

void fl_bitw_free(bitw *w)
{
    free(w->buf);
    memset(w, 0, sizeof *w);
}

void fl_bitr_init(bitr *r, const uint8_t *buf, uint64_t nbits)
{
    r->buf = buf;
    r->nbits = buf ? nbits : 0;
    r->pos = 0;
    r->err = 0;
}

uint64_t fl_bitr_get(bitr *r, int n)
{
    if (n <= 0 || r->err)
        return 0;
    if (n > 64 || r->pos + (uint64_t)n > r->nbits) {
        r->err = -EBADMSG;
        return 0;
    }
    uint64_t v = 0;
    while (n > 0) {
        uint64_t byte = r->pos >> 3;
        int used = (int)(r->pos & 7);
        int room = 8 - used;
        int take = n < room ? n : room;
        uint8_t bits = (uint8_t)((r->buf[byte] >> (room - take)) & ((1u << take) - 1));
        v = (v << take) | bits;
        r->pos += (uint64_t)take;
        n -= take;
    }
    return v;
}

int fl_bitio_width(uint64_t n)
{
    int w = 0;
    while (w < 64 && (UINT64_C(1) << w) < n)
        w++;
    return w;
}
