/* pinr: "prune if not remove (PINR) by indexing", paper 000 (Balevi),
 * Algorithm 1 and §3.
 *
 * Of Nt tokens of Ns symbols each (Nb bits per symbol) the encoder removes
 * a set A of round(f Nt) tokens, chooses among the remaining tokens B a set
 * Bp of round(g |B|) tokens to prune, and drops round(h Ns) symbols of each
 * pruned token. The decoder rebuilds the tensor with zeros at every dropped
 * position. Selections are random, drawn from Philox keyed by a 64-bit frame
 * seed (fl_pinr_frame_seed), so they are reproducible per (seed, point, trial).
 *
 * Bitstream, version 1 (MSB first, see pinr.c for the exact fields):
 *   header (256 bits; +64 for the seeded index mode),
 *   index section (removed tokens, pruned tokens, pruned symbols per token),
 *   payload: every kept symbol in token-major order, Nb bits each
 *   (Nb = 32: the float32 bits; Nb = 64: the float64 bits; Nb = 1: the
 *   sign; otherwise symmetric uniform levels scaled by the frame's max |x|,
 *   which the header carries).
 *
 * Index coding modes:
 *   list       the paper's accounting: each index at ceil(log2 N) bits
 *   bitmask    Nt + |B| + |Bp| Ns one-bit flags
 *   seeded     no indices: the decoder regenerates the selection from the
 *              64-bit frame seed in the header (64 bits of overhead in all)
 *   enumerative each subset coded at about log2 C(n, k) bits (codec/enumidx)
 */
#ifndef FEATLINK_PINR_H
#define FEATLINK_PINR_H

#include <stddef.h>
#include <stdint.h>

#define PINR_MAGIC 0x464C5031u /* "FLP1" */
#define PINR_VERSION 1
#define PINR_HEADER_BITS 256
#define PINR_SEED_BITS 64

typedef enum {
    PINR_INDEX_LIST = 0,
    PINR_INDEX_BITMASK = 1,
    PINR_INDEX_SEEDED = 2,
    PINR_INDEX_ENUMERATIVE = 3
} pinr_index;

typedef struct {
    int64_t    tokens;   /* Nt >= 1 (all patches' tokens, flattened) */
    int64_t    dims;     /* Ns >= 1, symbols per token */
    int        bits;     /* Nb in [1, 64] bits per kept symbol */
    double     f, g, h;  /* fractions in [0, 1] */
    pinr_index index;
} pinr_params;

/* Paper 000 §3, real-valued (fractional set sizes, as the paper computes). */
typedef struct {
    double total_bits;      /* Nt Ns Nb */
    double saved_bits;      /* (f + h g (1-f)) Nt Ns Nb */
    double index_bits;      /* f Nt log2 Nt + g(1-f) Nt log2 Nt + g(1-f) Nt h Ns log2 Ns */
    double net_saved_bits;  /* saved - index: the paper's "overhead saving" */
    double sent_bits;       /* total - net_saved */
    double reduction_ratio; /* net_saved / total */
} pinr_analytic;

/* What one encoded frame actually holds (integer set sizes). */
typedef struct {
    int64_t  removed;          /* |A| = round(f Nt) */
    int64_t  pruned_tokens;    /* |Bp| = round(g |B|) */
    int64_t  pruned_per_token; /* k = round(h Ns) */
    int64_t  kept_symbols;     /* Nt Ns - |A| Ns - |Bp| k */
    uint64_t header_bits;
    uint64_t index_bits;
    uint64_t payload_bits;
    uint64_t total_bits;       /* header + index + payload: the stream length */
} pinr_layout;

//  fl_pinr_analytic_compute : the analytic figures of paper 000 §3 for _p
void fl_pinr_analytic_compute(const pinr_params *p, pinr_analytic *a);
//  fl_pinr_check : 0 if _p is usable, else -EINVAL (sizes) or -ERANGE (stream too long)
int fl_pinr_check(const pinr_params *p);
//  fl_pinr_plan : integer set sizes and the exact bit count of a frame for _p
//              (independent of the data); 0 or -EINVAL
int fl_pinr_plan(const pinr_params *p, pinr_layout *lay);
//  fl_pinr_frame_seed : the 64-bit seed of a frame's selections, from the
//                    scenario seed, the sweep point and the trial
uint64_t fl_pinr_frame_seed(uint32_t seed, uint32_t point, uint32_t trial);
//  fl_pinr_select : the keep mask (Nt x Ns bytes, 1 = sent) of the selection
//                drawn from _frame_seed; caller allocates _keep; 0 or -ENOMEM
int fl_pinr_select(const pinr_params *p, uint64_t frame_seed, uint8_t *keep);

//  fl_pinr_encode : encode tensor _x (Nt x Ns floats, row-major) into a new
//                buffer *_out (caller frees) of *_nbits bits; _lay may be NULL
//                returns 0, -EINVAL or -ENOMEM
int fl_pinr_encode(const pinr_params *p, const float *x, uint64_t frame_seed,
                uint8_t **out, uint64_t *nbits, pinr_layout *lay);
//  fl_pinr_decode : rebuild the Nt x Ns tensor _x from _nbits bits of _buf;
//                _erased: NULL or one flag per byte of _buf (1 = lost in the
//                channel). Dropped and erased symbols are zero-filled;
//                *_lost_symbols (may be NULL) counts the erased kept symbols.
//                Decoded values are finite, |x| <= the header's scale (a
//                corrupt level beyond the encoder's range is clamped).
//                Returns 0, or -EBADMSG when the header or index section is
//                corrupt or erased (then _x is all zeros), -ENOMEM.
int fl_pinr_decode(const uint8_t *buf, uint64_t nbits, const uint8_t *erased,
                int64_t tokens, int64_t dims, float *x,
                pinr_layout *lay, int64_t *lost_symbols);

#endif
