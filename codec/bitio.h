/* bitio: MSB-first bit writer and bounds-checked bit reader for bitstreams.
 *
 * The writer grows its buffer as needed; the reader never reads past the
 * number of bits it was given and reports an overrun instead (corrupted or
 * truncated streams are normal after a noisy channel).
 */
#ifndef FEATLINK_BITIO_H
#define FEATLINK_BITIO_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *buf;      /* owned; caller takes it with fl_bitw_take */
    size_t   cap;      /* bytes allocated */
    uint64_t nbits;    /* bits written */
    int      err;      /* sticky: -ENOMEM after a failed growth */
} bitw;

typedef struct {
    const uint8_t *buf;
    uint64_t nbits;    /* bits available */
    uint64_t pos;      /* next bit to read */
    int      err;      /* sticky: -EBADMSG after an overrun */
} bitr;

//  fl_bitw_init : empty writer; _reserve_bits : initial capacity hint (may be 0)
int fl_bitw_init(bitw *w, uint64_t reserve_bits);
//  fl_bitw_put : append the low _n bits of _v, most significant first; 0 <= _n <= 64
void fl_bitw_put(bitw *w, uint64_t v, int n);
//  fl_bitw_take : hand the buffer to the caller (caller frees), with its bit count
uint8_t *fl_bitw_take(bitw *w, uint64_t *nbits);
void fl_bitw_free(bitw *w);

//  fl_bitr_init : reader over _nbits bits of _buf (not owned)
void fl_bitr_init(bitr *r, const uint8_t *buf, uint64_t nbits);
//  fl_bitr_get : next _n bits (0..64) as an unsigned value; 0 and err=-EBADMSG past the end
uint64_t fl_bitr_get(bitr *r, int n);

//  fl_bitio_width : bits needed to write any value in [0, _n-1]: ceil(log2 _n), 0 for _n <= 1
int fl_bitio_width(uint64_t n);

#endif
