/* entropy: discretised-Laplacian entropy model and coder for quantised
 * feature tensors (paper 001, §IV-B eq. (5) and §IV-C), on top of codec/rans.
 *
 * Model.  Element (t, d) of a tokens x dims tensor of integer levels is coded
 * with p(v) = (Laplace(mu_t, b) * U(-1/2, 1/2))(v), i.e. the Laplacian CDF
 * differenced at v +- 1/2 (eq. (5)), where
 *   mu_t : per-token integer mean (side information),
 *   b    = b_k, k = clamp(scale_t + off[e_t][d], 0, 63): a 64-level log grid
 *          b_k = 2^(-4 + 14 k / 63), i.e. 1/16 .. 1024 quantisation steps
 *          (4.5 levels per octave; worst-case mismatch loss ~0.005 bit),
 *   e_t  : the token's scale profile, one of n_e per-dimension vectors of
 *          integer log-scale offsets (grid steps) fit by k-means on the
 *          source's tokens and sent as side information; each token uses
 *          the profile (and scale) giving the shortest code (paper 001 §IV-C,
 *          non-learned).
 * Side information (n_e profiles, then per token e_t, scale_t, mu_t as a
 * zig-zag delta) is coded with rans' integer adaptive model: the non-learned
 * counterpart of 001's hyperprior.  Table k holds the levels v = -R_k..R_k
 * whose mass is at least 2 units of 2^-prec (R_k <= 4095); a value beyond is
 * sent as the escape symbol (carrying the tail mass) + a sign bit + the
 * exp-Golomb code of m = |v| - R_k - 1 with parameter ~log2(b_k ln 2)
 * (Elias-gamma of (m >> r) + 1, then r raw bits): near-optimal for the
 * geometric tail, and bounded for outliers.
 *
 * Determinism.  The 64 tables are built with integer arithmetic only: the
 * constants s_k = round(2^32 exp(-1/(2 b_k))) are literals in entropy.c; the
 * tail masses P(|V| >= j) = s^(2j-1) are Q32 fixed-point products; the
 * cumulative frequencies are the Q33 CDF shifted to the precision, then made
 * strictly increasing (every symbol >= 1) by one forward and one backward
 * pass.  Frequencies sum to exactly 2^prec; a stream decodes bit-identically
 * on any machine.  Floating point is only used by the encoder's model
 * fitting (whose result travels as integers) and in cost reports.
 *
 * Stream (format 2; decode order, one rANS stream of ENTROPY_LANES = 4 interleaved lanes,
 * codec/rans fl_rans_enc_init_lanes): on lane 0, 5 raw bits prec, 6 raw bits
 * n_e-1, profile offsets, per-token side info; then the elements row-major,
 * element (t, d) on lane d % 4 together with its escape payload. Format 1
 * (one lane, before 2026-12) is not readable: its end-of-stream check fails
 * (-EBADMSG); TOFC version 2 carries format 2.
 * Shape (tokens, dims) is not in the stream: the container carries it.
 */
#ifndef FEATLINK_ENTROPY_H
#define FEATLINK_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

#define ENTROPY_SCALES     64     // scale grid size
#define ENTROPY_MODELS_MAX 64     // largest n_e
#define ENTROPY_PREC_MIN   12     // probability precision range in bits
#define ENTROPY_PREC_MAX   24
#define ENTROPY_PREC_DEFAULT 16
#define ENTROPY_LANES      4      // interleaved rANS states of the stream

typedef struct entropy_tables entropy_tables;

//  fl_entropy_tables_create : build the 64 Laplacian tables once (read-only
//  afterwards, shareable between threads)
//      _prec_bits : probability precision, ENTROPY_PREC_MIN..ENTROPY_PREC_MAX
//  returns the tables (caller frees with fl_entropy_tables_destroy) or NULL
//  (bad argument or out of memory)
entropy_tables *fl_entropy_tables_create(int prec_bits);
void fl_entropy_tables_destroy(entropy_tables *tb);
//  fl_entropy_tables_prec : the precision the tables were built with
int fl_entropy_tables_prec(const entropy_tables *tb);
//  fl_entropy_tables_freq : copy table _k's frequencies (symbols v = -R..R then escape)
//      _k    : scale index 0..63
//      _freq : NULL or room for 2R+2 values
//      _half_range : receives R
//  returns the number of symbols 2R+2, or -EINVAL
int fl_entropy_tables_freq(const entropy_tables *tb, int k, uint32_t *freq, int32_t *half_range);
//  fl_entropy_scale : the Laplacian scale b_k of grid index _k (0..63), in quantisation steps
double fl_entropy_scale(int k);
//  fl_entropy_scale_q32 : the integer constant round(2^32 exp(-1/(2 b_k))) behind table _k
uint32_t fl_entropy_scale_q32(int k);

typedef struct {
    uint64_t bits;        // exact coded length, = 8 * nbytes
    double ideal_bits;    // -sum log2 p of everything coded (data, side info, raw escape bits)
    double side_bits;     // the side-information part of ideal_bits
    uint64_t escapes;     // elements sent through the escape path
    int n_models;         // profiles actually used (min(n_e, tokens), >= 1)
} entropy_stats;

/* A fitted model: what the side information carries.  Arrays are malloc'd
 * by fl_entropy_fit and released by fl_entropy_model_free. */
typedef struct {
    int n_models;         // n_e actually used, 1..ENTROPY_MODELS_MAX
    int64_t tokens, dims;
    int8_t *off;          // n_models x dims log-scale offsets in grid steps, -32..31
    uint8_t *prof;        // per token profile index, < n_models
    uint8_t *scale;       // per token scale index, 0..63
    int32_t *mean;        // per token integer mean level
} entropy_model;

//  fl_entropy_fit : choose the model for a tensor: per-token median mean,
//  k-means profiles on the tokens' relative log-magnitudes, then per token the
//  (profile, scale) of shortest code and a cost-driven refinement of the
//  offsets.  Deterministic, single-threaded.
//      _levels, _tokens, _dims, _n_models : as fl_entropy_encode
//      _m : receives the model (caller frees with fl_entropy_model_free)
//  returns 0, -EINVAL or -ENOMEM
int fl_entropy_fit(const entropy_tables *tb, const int32_t *levels, int64_t tokens, int64_t dims,
                int n_models, entropy_model *m);
void fl_entropy_model_free(entropy_model *m);

//  fl_entropy_encode_model : code _levels with a given model (as fl_entropy_encode, no fitting)
int fl_entropy_encode_model(const entropy_tables *tb, const entropy_model *m, const int32_t *levels,
                         uint8_t **out, size_t *nbytes, entropy_stats *st);

//  fl_entropy_encode : fl_entropy_fit + fl_entropy_encode_model
//      _tb       : tables (its precision is written to the stream)
//      _levels   : tokens x dims int32 levels, row-major
//      _tokens   : >= 0;  _dims : >= 0; tokens * dims <= 2^40
//      _n_models : n_e, 1..ENTROPY_MODELS_MAX (capped at tokens)
//      _out      : receives a malloc'd byte buffer (caller frees)
//      _nbytes   : its size in bytes
//      _st       : NULL or receives the bit counts
//  returns 0, -EINVAL or -ENOMEM
int fl_entropy_encode(const entropy_tables *tb, const int32_t *levels, int64_t tokens, int64_t dims,
                   int n_models, uint8_t **out, size_t *nbytes, entropy_stats *st);

//  fl_entropy_decode : decode a stream made by fl_entropy_encode with the same shape
//      _buf, _nbytes : the stream (any bytes: corrupt input is detected, never read out of bounds)
//      _levels       : room for tokens x dims levels (zero-filled on error)
//  returns 0, -EBADMSG (corrupt, truncated, or other precision), -EINVAL or -ENOMEM
int fl_entropy_decode(const entropy_tables *tb, const uint8_t *buf, size_t nbytes, int64_t tokens,
                   int64_t dims, int32_t *levels);

//  fl_entropy_ideal_bits : -sum log2 p under the model fl_entropy_encode would use
//  (same fit, same integer tables); equals entropy_stats.ideal_bits
//      _bits : receives the information content in bits
//  returns 0, -EINVAL or -ENOMEM
int fl_entropy_ideal_bits(const entropy_tables *tb, const int32_t *levels, int64_t tokens, int64_t dims,
                       int n_models, double *bits);

/* RDOQ cost context.  fl_entropy_rdoq_bits has the signature of codec/quant's
 *   typedef double (*quant_bits_fn)(void *ctx, int64_t elem_index, int32_t level);
 * and returns the bits the coder spends on `level` at element `elem_index`
 * (row-major index) under the model fitted to round(x / step). */
typedef struct entropy_rdoq entropy_rdoq;

//  fl_entropy_rdoq_create : fit the model to the provisional levels round(_x[i] / _step)
//      _tb       : tables (must outlive the context)
//      _x        : tokens x dims unquantised values, row-major
//      _step     : quantisation step > 0 (same unit as x)
//      _n_models : n_e, 1..ENTROPY_MODELS_MAX
//  returns the context (caller frees with fl_entropy_rdoq_destroy) or NULL
entropy_rdoq *fl_entropy_rdoq_create(const entropy_tables *tb, const float *x, int64_t tokens,
                                  int64_t dims, double step, int n_models);
//  fl_entropy_rdoq_bits : bits for _level at element _elem_index (0 <= idx < tokens*dims;
//  out-of-range index gives +inf); _ctx is an entropy_rdoq *
double fl_entropy_rdoq_bits(void *ctx, int64_t elem_index, int32_t level);
void fl_entropy_rdoq_destroy(entropy_rdoq *r);

#endif
