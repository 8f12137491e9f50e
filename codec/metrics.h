/* metrics: BERT-free proxy metrics of how much of a feature tensor survives.
 *
 * Every tensor is row-major float32, tokens x dims (one token = one row of
 * `dims` contiguous floats). X is the original (sent) tensor, Y = X̂ is what
 * the receiver reconstructed. Inner products of whole tokens run through CBLAS
 * (OpenBLAS); every sum over tokens or elements is accumulated in double.
 *
 *   cosine  : cosine similarity of the flattened tensors.
 *   nmse    : ‖X − Y‖² / ‖X‖² (Frobenius norms).
 *   snr_db  : feature SNR = −10 log10(nmse); +inf for an exact match.
 *   precision / recall / f1 : BERTScore's greedy matching (Zhang et al.,
 *             "BERTScore", ICLR 2020, §3 eqs. for P_BERT, R_BERT, F_BERT)
 *             applied to the feature tokens themselves instead of BERT
 *             embeddings; valid when X and Y have different token counts
 *             (a merged tensor against the original).
 *   cka     : linear CKA (Kornblith et al., "Similarity of Neural Network
 *             Representations Revisited", ICML 2019, eq. for linear CKA) on
 *             the same token grid.
 *
 * Zero vectors: the cosine between a zero vector (a zero token, or an
 * all-zero flattened tensor) and anything, itself included, is defined as 0.
 * So a dropped (zero-filled) token scores 0 in precision, and an original
 * zero token scores at most max(0, ...) in recall.
 *
 * Normalisation by a reference run (paper 000, §4, Figs. 2-3): compute the
 * same report for a reference pair (X, X_ref) and divide; paper 000 uses two
 * references, "clean" (X uncompressed at infinite SNR, i.e. X_ref = X) and
 * "same_snr" (X uncompressed sent over the same channel).
 */
#ifndef FEATLINK_METRICS_H
#define FEATLINK_METRICS_H

#include <stddef.h>

// Which metrics fl_metrics_compute evaluates (bit flags, OR them together).
#define METRICS_ELEMENTWISE 0x1u   // cosine, nmse, snr_db (needs equal token counts)
#define METRICS_GREEDY      0x2u   // precision, recall, f1
#define METRICS_CKA         0x4u   // cka (needs equal token counts)
#define METRICS_ALL         0x7u

// Cosine matrix of fl_metrics_greedy_match: kept whole when it has at most
// METRICS_CACHE_ELEMS entries (16 MiB of floats), otherwise formed in tiles
// of METRICS_TILE_ROWS x METRICS_TILE_COLS floats (twice: one pass for the
// float maxima, one for their refinement), so memory stays bounded.
#define METRICS_CACHE_ELEMS (4u << 20)
#define METRICS_TILE_ROWS 256
#define METRICS_TILE_COLS 4096

typedef struct metrics_report {
    double cosine;     // flattened cosine similarity, in [-1, 1]; NaN if not computed
    double nmse;       // ‖X − Y‖²/‖X‖², >= 0; NaN if not computed
    double snr_db;     // −10 log10(nmse) in dB; +inf when nmse == 0; NaN if not computed
    double precision;  // mean over received tokens of max cosine to original tokens, [-1, 1]
    double recall;     // mean over original tokens of max cosine to received tokens, [-1, 1]
    double f1;         // 2PR/(P+R); 0 when P + R == 0
    double cka;        // linear CKA in [0, 1]; NaN if not computed
} metrics_report;

// Reusable scratch memory for fl_metrics_compute (the cosine tiles, normalised
// and centred copies, Gram matrices). Buffers grow to the largest call and
// are kept, so a sweep that measures many frames does not pay for fresh
// pages every frame. Not thread-safe: one workspace per thread.
typedef struct metrics_ws metrics_ws;

//  fl_metrics_ws_create : new empty workspace
//  _out    : receives it; caller frees with fl_metrics_ws_destroy
//  returns 0, -EINVAL (NULL), -ENOMEM
int fl_metrics_ws_create(metrics_ws **out);

//  fl_metrics_ws_destroy : free a workspace and its buffers (NULL is a no-op)
void fl_metrics_ws_destroy(metrics_ws *ws);

//  fl_metrics_cosine : cosine similarity of two flattened tensors, sum x_i y_i /
//      (‖x‖ ‖y‖) accumulated in double; 0 if either vector is all zero.
//  _x, _y  : arrays of _n floats each (not modified)
//  _n      : element count, >= 1
//  _cosine : output, in [-1, 1]
//  returns 0, or -EINVAL (NULL pointer, _n == 0)
int fl_metrics_cosine(const float *x, const float *y, size_t n, double *cosine);

//  fl_metrics_nmse : normalised MSE ‖x − y‖² / ‖x‖², sums in double.
//  _x      : the reference (original) array of _n floats
//  _y      : the reconstruction, _n floats
//  _n      : element count, >= 1
//  _nmse   : output, >= 0
//  returns 0, -EINVAL (NULL pointer, _n == 0), or -ERANGE when ‖x‖ == 0
//      (NMSE undefined for an all-zero reference)
int fl_metrics_nmse(const float *x, const float *y, size_t n, double *nmse);

//  fl_metrics_snr_db : feature SNR in dB from an NMSE: −10 log10(_nmse).
//  _nmse   : >= 0; 0 gives +inf (exact match), NaN or negative gives NaN
double fl_metrics_snr_db(double nmse);

//  fl_metrics_greedy_match : BERTScore greedy matching on feature tokens.
//      Tokens are unit-normalised (to float), the cosine matrix is formed by
//      cblas_sgemm (whole or in tiles, see METRICS_CACHE_ELEMS) and reduced to
//      running row and column maxima. Every entry within the float rounding
//      bound of its row's or column's maximum is then recomputed in double,
//      so each maximum is the fixed-order double cosine of the float unit
//      tokens: bit-identical whatever OpenBLAS's thread count or CPU kernel.
//      Bytewise-duplicate tokens (merged tokens expanded to the grid) are
//      refined once. Maxima clamped to [-1, 1]; means accumulated in double.
//      Non-finite input values give unspecified (but memory-safe) results.
//  _x      : original tokens, _nx x _dims row-major
//  _nx     : original token count, >= 1
//  _y      : received tokens, _ny x _dims row-major (_ny may differ from _nx)
//  _ny     : received token count, >= 1
//  _dims   : values per token, >= 1
//  _precision, _recall, _f1 : outputs (any may be NULL); f1 = 2PR/(P+R), 0 when P+R == 0
//  returns 0, -EINVAL (NULL tensor, zero size), -ENOMEM
int fl_metrics_greedy_match(const float *x, size_t nx, const float *y, size_t ny,
                         size_t dims, double *precision, double *recall,
                         double *f1);

//  fl_metrics_cka : linear CKA between X (_n x _dx) and Y (_n x _dy) on the same
//      token grid: columns centred, CKA = ‖YᵀX‖_F² / (‖XᵀX‖_F ‖YᵀY‖_F).
//      Computed in double with BLAS: when _n < _dx + _dy through the n x n
//      Gram matrices K = XXᵀ, L = YYᵀ (dsyrk, cost n²(dx+dy)/2 flops, using
//      ‖YᵀX‖_F² = <K, L>_F and ‖XᵀX‖_F = ‖K‖_F), otherwise through the
//      d x d form XᵀX, YᵀY (dsyrk) and YᵀX (dgemm), cost n(dx+dy)²/2.
//  _x      : _n x _dx row-major
//  _dx     : columns of X, >= 1
//  _y      : _n x _dy row-major
//  _dy     : columns of Y, >= 1
//  _n      : rows (tokens) of both, >= 2
//  _cka    : output in [0, 1]
//  returns 0, -EINVAL (NULL pointer, bad size), -ENOMEM, or -ERANGE when X or
//      Y is constant over tokens (zero after centring: CKA undefined)
int fl_metrics_cka(const float *x, size_t dx, const float *y, size_t dy, size_t n,
                double *cka);

//  fl_metrics_compute : every metric selected by _flags for one pair (X, Y).
//      METRICS_ELEMENTWISE and METRICS_CKA need _ny == _nx; when the counts
//      differ (a merged tensor not expanded back to the grid) those fields
//      are left NaN and only the greedy matching is computed. Degenerate
//      cases do not fail, so one odd frame does not stop a sweep: all-zero X
//      leaves nmse and snr_db NaN; for CKA a Y constant over tokens (e.g.
//      every token lost) scores 0 when X varies, and a constant X gives NaN.
//  _ws     : scratch workspace reused across calls, or NULL (scratch is
//            allocated and freed inside this call)
//  _x      : original, _nx x _dims row-major
//  _nx     : original token count, >= 1
//  _y      : received, _ny x _dims row-major
//  _ny     : received token count, >= 1
//  _dims   : values per token, >= 1
//  _flags  : OR of METRICS_* (0 is allowed: all fields NaN)
//  _out    : output report (every field written)
//  returns 0, -EINVAL (NULL pointer, zero size), -ENOMEM
int fl_metrics_compute(metrics_ws *ws, const float *x, size_t nx, const float *y,
                    size_t ny, size_t dims, unsigned flags, metrics_report *out);

//  fl_metrics_normalise : divide a report by the report of a reference pair
//      (paper 000 Figs. 2-3 "normalized by the uncompressed reference").
//      cosine, precision, recall, f1, cka : _raw / _ref (IEEE division; a 0 or
//          NaN reference gives inf or NaN).
//      nmse   : _raw / _ref (how many times the reference's error), and
//      snr_db : _raw − _ref (dB of the same ratio), both only when the
//          reference has a finite, non-zero error; for a clean reference
//          (nmse == 0, snr +inf) they are copied from _raw unchanged.
//  _raw    : the report of (X, X̂)
//  _ref    : the report of (X, X_ref); "clean": fl_metrics_compute(ws, x, n, x, n, ...)
//            (not all ones: zero tokens of X score 0), "same_snr": X_ref =
//            uncompressed X through the same channel
//  _out    : output; may alias _raw
void fl_metrics_normalise(const metrics_report *raw, const metrics_report *ref,
                       metrics_report *out);

#endif
