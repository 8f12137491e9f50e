/* projector: optional 2-layer MLP applied to feature tokens before measuring,
 * so the proxy metrics (codec/metrics.h) can be taken in an LLM's embedding
 * space (LLaVA-1.5's "mlp2x_gelu" vision-language projector).
 *
 *   y = W2 · GELU(W1 x + b1) + b2,   GELU(u) = u Φ(u) = ½ u (1 + erf(u/√2))
 *
 * (exact erf GELU, not the tanh approximation), one token x (in_dims) at a time,
 * computed for all tokens with cblas_sgemm.
 *
 * Weight file layout (HDF5, read by fl_projector_load): four datasets in the root
 * group, float32 or float64 (converted to float32 on load), row-major, the same
 * orientation as a torch.nn.Linear weight (out_features x in_features):
 *   /w1 : hidden x in     (rank 2)
 *   /b1 : hidden          (rank 1)
 *   /w2 : out x hidden    (rank 2)
 *   /b2 : out             (rank 1)
 * e.g. from LLaVA: w1 = mm_projector.0.weight, b1 = mm_projector.0.bias,
 * w2 = mm_projector.2.weight, b2 = mm_projector.2.bias.
 */
#ifndef FEATLINK_PROJECTOR_H
#define FEATLINK_PROJECTOR_H

#include <stddef.h>

// Tokens per sgemm block in fl_projector_execute: the hidden activations take at
// most PROJECTOR_TILE_TOKENS x hidden_dims floats of scratch.
#define PROJECTOR_TILE_TOKENS 256

// Largest weight matrix fl_projector_load reads: 2^28 elements (1 GiB as float32;
// LLaVA-1.5-13B's 5120 x 5120 w2 has 2^24.6)
#define PROJECTOR_MAX_WEIGHTS (1ull << 28)

typedef struct projector projector;  // opaque; immutable after create/load

//  fl_projector_create : build a projector from weights in memory (copied).
//  _in_dims     : input features per token, >= 1
//  _hidden_dims : hidden width, >= 1
//  _out_dims    : output features per token, >= 1
//  _w1          : _hidden_dims x _in_dims row-major
//  _b1          : _hidden_dims
//  _w2          : _out_dims x _hidden_dims row-major
//  _b2          : _out_dims
//  _out         : receives the new projector; caller frees with fl_projector_destroy
//  returns 0, -EINVAL (NULL pointer, zero or too-large size, non-finite weight),
//      -ENOMEM
int fl_projector_create(size_t in_dims, size_t hidden_dims, size_t out_dims,
                     const float *w1, const float *b1, const float *w2,
                     const float *b2, projector **out);

//  fl_projector_load : read the weights from an HDF5 file (layout above).
//  _path : file name
//  _out  : receives the new projector; caller frees with fl_projector_destroy
//  _why  : receives the reason on failure, naming the dataset (_len bytes,
//          NUL-terminated; may be NULL with _len 0)
//  returns 0, -ENOENT (no such file), -EIO (unreadable or not HDF5, read
//      failure), -EINVAL (a dataset missing, not floating point, wrong rank,
//      shapes that do not chain, more than PROJECTOR_MAX_WEIGHTS elements,
//      declared but not stored in the file (checked before allocating, see
//      codec/h5guard.h), non-finite weight), -ENOMEM.
//      The HDF5 error stack is silenced while loading (library never prints).
int fl_projector_load(const char *path, projector **out, char *why, size_t len);

//  fl_projector_in_dims / fl_projector_hidden_dims / fl_projector_out_dims : sizes
size_t fl_projector_in_dims(const projector *p);
size_t fl_projector_hidden_dims(const projector *p);
size_t fl_projector_out_dims(const projector *p);

//  fl_projector_execute : y = W2 GELU(W1 x + b1) + b2 for every token.
//      Thread-safe on a shared projector (scratch is per call).
//  _p      : projector
//  _x      : _tokens x in_dims row-major (not modified)
//  _tokens : token count, >= 1
//  _y      : output, _tokens x out_dims row-major, caller allocated; must not
//            overlap _x
//  returns 0, -EINVAL (NULL pointer, _tokens == 0 or too large), -ENOMEM
int fl_projector_execute(const projector *p, const float *x, size_t tokens,
                      float *y);

//  fl_projector_destroy : free a projector (NULL is a no-op)
void fl_projector_destroy(projector *p);

#endif
