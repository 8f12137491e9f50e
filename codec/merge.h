/* merge: DPC-KNN token merging (paper 001, TOFC, §IV-A, eqs. 2-3; DPC-KNN of
 * Du, Ding & Jia 2016 [001's ref. 51]).
 *
 * Per patch of n tokens (rows of dims floats):
 *   d(i,j)   Euclidean distance,
 *   ρ_i      = exp(-(1/K) Σ_{j∈KNN(i,K)} d(i,j)²)          (eq. 2, j ≠ i)
 *   δ_i      = min_{j denser than i} d(i,j), or max_j d(i,j) for the densest (eq. 3)
 *   centres  = the n_c tokens of largest ρ_i·δ_i; every other token joins its
 *              nearest centre; each cluster is replaced by its mean (average pooling).
 *
 * Numerics and tie-breaking (identical in fl_merge_execute and fl_merge_reference):
 *   - d² is the double sum Σ_k (x_ik - x_jk)² over k = 0..dims-1 in order;
 *     fl_merge_execute finds candidates with a CBLAS Gram matrix
 *     (‖a‖² + ‖b‖² - 2aᵀb) and an a-priori bound on its rounding error, then
 *     decides every comparison on that exact d², so both give the same bits
 *     whatever the OpenBLAS thread count.
 *   - ρ underflows (exp of -100s), so log ρ_i = -(1/K) Σ d² is what is kept;
 *     the K distances are summed in ascending (d², j) order. ρ·δ is ranked by
 *     log ρ + log δ (δ = 0 gives -inf).
 *   - KNN(i): the K smallest (d², j) pairs, lower j first on equal d².
 *     K is clamped to n - 1.
 *   - "j denser than i": log ρ_j > log ρ_i, or equal and j < i (a strict total
 *     order, so exactly one token is the densest; of exact duplicates the
 *     lower index is the denser, the others get δ = 0).
 *   - centres: largest log ρ + log δ, lower index first on equal score.
 *   - clusters are numbered by their centre's token index, ascending; a token
 *     joins the centre of least d², the lower cluster number on equal d².
 *   - cluster means are accumulated in double over members in token order.
 *   - n_c >= n: every token is its own cluster (identity, output = input).
 *
 * Shapes: a source is patches x tokens x dims floats, row-major (2-D sources
 * are patches = 1). Output: patches x n_c x dims, n_c = fl_merge_clusters(q).
 */
#ifndef FEATLINK_MERGE_H
#define FEATLINK_MERGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct merge_s *merge_t;

//  fl_merge_create : workspace for patches of _tokens x _dims; NULL on bad
//      configuration or no memory. No allocation happens in fl_merge_execute.
//  _tokens   : tokens per patch n (1 <= n <= 2^24)
//  _dims     : features per token d (1 <= d <= 2^24)
//  _clusters : merged tokens per patch n_c (>= 1; clamped to n)
//  _knn      : neighbours K in eq. (2) (>= 1; clamped to n - 1)
merge_t fl_merge_create(size_t tokens, size_t dims, size_t clusters, size_t knn);

//  fl_merge_destroy : frees _q (NULL is fine)
void fl_merge_destroy(merge_t q);

//  fl_merge_clusters : effective n_c = min(_clusters, _tokens) rows per merged patch
size_t fl_merge_clusters(merge_t q);

//  fl_merge_execute : DPC-KNN merge of every patch.
//  _x       : input, _patches x tokens x dims floats, finite, each token with
//             ‖x‖² < 1e30 (else -ERANGE; non-finite -> -EINVAL)
//  _patches : number of patches (>= 1)
//  _y       : output, _patches x n_c x dims floats (caller allocates)
//  _assign  : output, _patches x tokens cluster numbers in [0, n_c) (may be NULL)
//  _sizes   : output, _patches x n_c member counts (may be NULL)
//  _centres : output, _patches x n_c centre token indices, ascending (may be NULL)
//  returns 0, -EINVAL (NULL or non-finite input), -ERANGE (too large values)
int fl_merge_execute(merge_t q, const float *x, size_t patches, float *y,
                  int32_t *assign, int32_t *sizes, int32_t *centres);

//  fl_merge_reference : the same merge by the direct O(n² d) method (plain loops,
//      double accumulation, full distance matrix); for tests and benches.
//      Allocates n² doubles per call. Same arguments and results as
//      fl_merge_execute (bit-identical), with the configuration passed here.
//  returns 0, -EINVAL, -ERANGE, -ENOMEM
int fl_merge_reference(const float *x, size_t patches, size_t tokens, size_t dims,
                    size_t clusters, size_t knn, float *y, int32_t *assign,
                    int32_t *sizes, int32_t *centres);

//  fl_merge_expand : decoder-side inverse for metrics: every original token gets
//      its cluster's merged vector.
//  _y        : merged, _patches x _clusters x _dims floats
//  _assign   : _patches x _tokens cluster numbers, each in [0, _clusters)
//              (else -EINVAL, _x_hat untouched from that patch on)
//  _x_hat    : output, _patches x _tokens x _dims floats (caller allocates)
int fl_merge_expand(const float *y, const int32_t *assign, size_t patches,
                 size_t tokens, size_t clusters, size_t dims, float *x_hat);

#endif
