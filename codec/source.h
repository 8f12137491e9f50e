/* source: feature tensors a vision encoder would send (docs/design-notes.md §1).
 *
 * A tensor is patches x tokens x dims float32, row-major (2-D sources have
 * patches = 1). Three origins:
 *
 *  - synthetic: a deterministic "clip-like" generator. law = clip draws
 *    `clusters` cluster centres, each token belongs to one (uniformly drawn)
 *    and is its centre plus Laplacian noise of relative size
 *    `cluster_spread`; every dimension d has its own scale s_d drawn from a
 *    Pareto law of shape `tail` (heavy-tailed, as CLIP/SigLIP activations
 *    are), and `outlier_dims` randomly chosen dimensions are multiplied by
 *    `outlier_gain` (the few "massive activation" channels of ViTs).
 *    Element marginals are Laplacian-like (paper 001, Fig. 4):
 *        x[t][d] = scale * s_d * (c[k_t][d] + spread * l[t][d]),
 *        c, l ~ Laplace(0, 1/sqrt 2) (unit variance), s_d = (1-u)^(-1/tail)
 *        normalised to E s_d^2 = 1 for tail > 2.
 *    law = laplace / gaussian: i.i.d. elements of standard deviation
 *    `scale` (known laws, for rate-distortion bounds).
 *    Draws come from Philox, key = (seed, 0), counter = (element, purpose,
 *    trial), purposes PURPOSE_SOURCE_* of common/purpose.h: every sweep
 *    point of a scenario sees the same frame per trial.
 *  - npy: a NumPy .npy file, 'descr' exactly '<f4', '<f2' or '<f8', C order,
 *    2-D or 3-D; the data size the shape declares must be in the file.
 *  - hdf5: a floating-point dataset (2, 4 or 8 bytes) of rank 2 or 3 in an
 *    HDF5 file whose allocated storage holds the declared data (codec/h5guard).
 * Both loaders check every size before allocating: at most
 * SOURCE_MAX_ELEMENTS elements, each dimension in [1, 2^31].
 */
#ifndef FEATLINK_SOURCE_H
#define FEATLINK_SOURCE_H

#include <stddef.h>
#include <stdint.h>

// largest tensor a file source may hold: 2^28 elements (1 GiB as float32)
#define SOURCE_MAX_ELEMENTS (INT64_C(1) << 28)

typedef enum { SOURCE_LAW_CLIP, SOURCE_LAW_LAPLACE, SOURCE_LAW_GAUSSIAN } source_law;

typedef struct {
    int64_t    patches, tokens, dims; /* each >= 1 */
    source_law law;
    int        clusters;              /* >= 1 */
    double     cluster_spread;        /* >= 0 */
    double     tail;                  /* Pareto shape > 2 */
    int        outlier_dims;          /* 0 .. dims */
    double     outlier_gain;          /* > 0 */
    double     scale;                 /* > 0 */
} source_synth;

typedef struct {
    int64_t patches, tokens, dims;
    float  *x;                        /* patches*tokens*dims, owned */
} source_tensor;

//  fl_source_synthetic : generate a frame; _seed: scenario seed; _trial: frame
//                     number. 0, -EINVAL (bad parameters) or -ENOMEM.
int fl_source_synthetic(const source_synth *p, uint32_t seed, uint32_t trial, source_tensor *out);
//  fl_source_load_npy : read a .npy file; 0, -ENOENT, -EIO (unreadable, or the
//                    file shorter than its shape declares: checked before
//                    allocating), -EINVAL (format, shape beyond the limits), -ENOMEM;
//                    on error _why holds the reason and _out is zeroed
int fl_source_load_npy(const char *path, source_tensor *out, char *why, size_t whylen);
//  fl_source_load_hdf5 : read dataset _dataset of an HDF5 file; codes as npy
int fl_source_load_hdf5(const char *path, const char *dataset, source_tensor *out,
                     char *why, size_t whylen);
void fl_source_free(source_tensor *t);

#endif
