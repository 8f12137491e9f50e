/* tofc: the frame codec of paper 001 (TOFC, §IV: "Task-oriented feature
 * compression for multimodal understanding via device-edge co-inference"),
 * as a real, versioned bitstream:
 *
 *   select    none | DPC-KNN merge to n_c tokens per patch (§IV-A, codec/merge)
 *   quantise  fp32 raw | fp16 | bf16 | uniform step Δ with rounding offset r
 *             | rdoq(λ) with the entropy model's code lengths (codec/quant)
 *   entropy   raw fixed-width words | Laplacian rANS with per-token scale
 *             side info and n_e scale profiles (§IV-B/C, codec/entropy)
 *
 * What is NOT transmitted: the DPC-KNN assignment of original tokens to
 * clusters. As in paper 001, the receiver (the LLM) consumes the n_c merged
 * tokens themselves; a simulator that wants metrics on the original token
 * grid may expand with the encoder-side assignment (fl_tofc_encode's _assign and
 * fl_merge_expand), which is side knowledge, not part of the rate.
 *
 * Stream (version 2: the entropy payload is codec/entropy's four-lane format
 * 2; version 1 streams, one lane, are refused). A 36-byte header, little-endian:
 *   off  size  field
 *    0    2    magic "TF"
 *    2    1    version (2)
 *    3    1    select (0 none, 1 merge)
 *    4    1    quant (0 fp32, 1 fp16, 2 bf16, 3 uniform, 4 rdoq)
 *    5    1    entropy (0 raw, 1 laplace)
 *    6    1    n_e models (laplace; else 0)
 *    7    1    level width w in bits (raw words of integer levels; else 0)
 *    8    4    patches
 *   12    4    tokens per patch (original)
 *   16    4    rows per patch sent (n_c when merged, else tokens)
 *   20    4    dims
 *   24    4    step Δ as IEEE binary32 bits (uniform/rdoq; else 0)
 *   28    4    payload length in bytes
 *   32    2    reserved (0)
 *   34    2    Fletcher-16 checksum of bytes 0..33
 * then the payload, patches x rows x dims values in row-major order:
 *   fp32 / fp16 / bf16 + raw : 4 / 2 / 2 bytes per value, little-endian;
 *   uniform / rdoq + raw     : w-bit two's-complement levels, MSB first,
 *                              packed (codec/bitio), zero-padded to a byte;
 *   uniform / rdoq + laplace : one codec/entropy stream (tokens = patches*rows).
 * Floating-point formats are not entropy coded (fp* + laplace is -EINVAL).
 * Reconstruction of a level v is v Δ (computed as in fl_quant_dequantize).
 *
 * Losses. The decoder takes any bytes: a wrong magic/version/checksum, a
 * length that disagrees with the header, or a corrupt entropy stream gives
 * -EBADMSG, never an out-of-bounds read. With an erasure mask (one flag per
 * received byte): an erased header byte or any erased byte of an
 * entropy-coded payload loses the whole frame (-EBADMSG: rANS cannot
 * resynchronise); for raw payloads only the values overlapping an erased
 * byte are lost (zero-filled and flagged in tofc_frame.lost). A raw float
 * word that is inf or NaN (corruption: the encoder takes finite values only)
 * is lost the same way, and dequantised levels are clamped to +-FLT_MAX, so
 * every decoded value is finite.
 */
#ifndef FEATLINK_TOFC_H
#define FEATLINK_TOFC_H

#include "codec/entropy.h"

#include <stddef.h>
#include <stdint.h>

#define TOFC_VERSION      2
#define TOFC_HEADER_BYTES 36
#define TOFC_MAX_DIM      (1ll << 24)   // largest patches, tokens, dims
// Fewest payload bits one entropy-coded value can take in a stream that
// decodes: the most probable symbol of any Laplacian table at the decoder's
// precision 16 has 65514 / 2^16 (-log2: 4.8e-4 bits), less the rANS rounding
// slack log2(1 + 2^16 / RANS_L) = 4.4e-5 bits per symbol, less the same slack
// on side information; halved for margin. fl_tofc_decode refuses a stream
// announcing more than (8 payload bytes + 64) / TOFC_ENTROPY_MIN_BITS values
// before allocating (test_tofc checks the constant against the tables).
#define TOFC_ENTROPY_MIN_BITS 2e-4

typedef enum { TOFC_SELECT_NONE = 0, TOFC_SELECT_MERGE = 1 } tofc_select;
typedef enum {
    TOFC_QUANT_FP32 = 0, TOFC_QUANT_FP16 = 1, TOFC_QUANT_BF16 = 2,
    TOFC_QUANT_UNIFORM = 3, TOFC_QUANT_RDOQ = 4
} tofc_quant;
typedef enum { TOFC_ENTROPY_RAW = 0, TOFC_ENTROPY_LAPLACE = 1 } tofc_entropy;

typedef struct {
    int64_t      patches;   // patches of the source (>= 1; 2-D sources: 1), <= TOFC_MAX_DIM
    int64_t      tokens;    // tokens per patch (>= 1), <= TOFC_MAX_DIM
    int64_t      dims;      // values per token (>= 1), <= TOFC_MAX_DIM
    tofc_select  select;
    int          clusters;  // merge: n_c per patch (>= 1; clamped to tokens)
    int          knn;       // merge: K of DPC-KNN eq. (2) (>= 1)
    tofc_quant   quant;
    double       step;      // uniform/rdoq: Δ > 0 in value units (sent as float32)
    double       deadzone;  // uniform: rounding offset r in [0, 0.5] (0.5 plain rounding)
    double       lambda;    // rdoq: λ >= 0 in squared-value units per bit (J = D + λR)
    tofc_entropy entropy;
    int          models;    // laplace: n_e scale profiles, 1..64
} tofc_params;

typedef struct {
    uint64_t bits;            // exact stream length, 8 * nbytes (header included)
    uint64_t header_bits;     // 8 * TOFC_HEADER_BYTES
    uint64_t payload_bits;    // bits - header_bits
    double   side_bits;       // header bits + the entropy side information's
                              // ideal bits (laplace: profiles, per-token scale/mean)
    double   ideal_bits;      // header bits + -Σ log2 p of the payload under the
                              // coder's model (laplace); raw: = bits
    double   empirical_bits;  // n H(levels), H the zeroth-order empirical entropy
                              // of the integer levels (ideal coding with the
                              // true histogram, no side info); NaN for fp formats
    double   rdoq_rate_bits;  // rdoq: Σ bits(level) the RDOQ search used; else NaN
    int64_t  rows;            // rows per patch sent (n_c or tokens)
    int64_t  sent_values;     // patches * rows * dims
    uint64_t escapes;         // laplace: values sent through the escape path
} tofc_stats;

//  fl_tofc_encode : compress one frame.
//  _p       : codec parameters (see tofc_params; -EINVAL when out of range or
//             a float format is combined with laplace)
//  _x       : input, _p->patches x tokens x dims floats, finite (else -EINVAL)
//  _out     : receives a malloc'd stream (caller frees)
//  _nbytes  : its length in bytes
//  _st      : NULL or receives the bit counts
//  _assign  : NULL or room for patches x tokens cluster numbers (merge: the
//             encoder-side assignment, NOT transmitted; none: the identity t)
//  returns 0, -EINVAL, -ERANGE (values too large for the step), -ENOMEM
int fl_tofc_encode(const tofc_params *p, const float *x, uint8_t **out, size_t *nbytes,
                tofc_stats *st, int32_t *assign);
//  fl_tofc_encode_with : fl_tofc_encode with the Laplacian tables _tables the
//      caller built once (fl_entropy_tables_create(ENTROPY_PREC_DEFAULT), shared
//      by every frame; read-only, so threads may share them too) instead of
//      the 64 tables fl_tofc_encode builds for each call (laplace or rdoq);
//      NULL: build them for this call. The stream records the tables'
//      precision; the same frame gives the same stream as fl_tofc_encode when
//      _tables has ENTROPY_PREC_DEFAULT
int fl_tofc_encode_with(const entropy_tables *tables, const tofc_params *p, const float *x, uint8_t **out,
                     size_t *nbytes, tofc_stats *st, int32_t *assign);

// A decoded frame: patches x rows x dims values (merged tokens when the
// stream was merged), with a loss flag per value. Arrays malloc'd by
// fl_tofc_decode; release with fl_tofc_frame_free.
typedef struct {
    int64_t  patches, tokens, rows, dims;  // from the header (tokens: original per patch)
    tofc_select select;
    tofc_quant  quant;
    tofc_entropy entropy;
    float   *y;        // patches * rows * dims values (lost ones are 0)
    uint8_t *lost;     // patches * rows * dims flags, 1 = lost
    int64_t  lost_values;
} tofc_frame;

//  fl_tofc_decode : decompress one stream.
//  _buf, _nbytes : the received bytes (any content)
//  _erased       : NULL, or _nbytes flags (non-zero = that byte was erased)
//  _max_values   : refuse streams announcing more than this many sent values
//                  (bounds the allocation a corrupt header could ask for);
//                  0 means 2^31. Independently of it, the arrays are sized
//                  by what the stream can hold: raw forms exactly, entropy-
//                  coded ones at most (8 payload bytes + 64) /
//                  TOFC_ENTROPY_MIN_BITS values (a 40-byte stream: < 1e6)
//  _f            : receives the frame (caller frees with fl_tofc_frame_free;
//                  zeroed on error)
//  returns 0, -EBADMSG (corrupt, truncated, wrong version, or a lost frame),
//      -EINVAL (NULL), -ENOMEM
int fl_tofc_decode(const uint8_t *buf, size_t nbytes, const uint8_t *erased, int64_t max_values,
                tofc_frame *f);

//  fl_tofc_decode_with : fl_tofc_decode with caller-built tables (as
//      fl_tofc_encode_with; NULL builds them for this call). An entropy-coded
//      stream of another precision than _tables' is -EBADMSG
int fl_tofc_decode_with(const entropy_tables *tables, const uint8_t *buf, size_t nbytes, const uint8_t *erased,
                     int64_t max_values, tofc_frame *f);

//  fl_tofc_frame_free : free the arrays of _f (a zeroed frame is fine)
void fl_tofc_frame_free(tofc_frame *f);

//  fl_tofc_fletcher16 : Fletcher-16 checksum of _n bytes (sums mod 255), as in the header
uint16_t fl_tofc_fletcher16(const uint8_t *b, size_t n);

#endif
