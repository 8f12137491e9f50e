/* bench_tofc_frames: the frames that bench_tofc and bench_tofc_frame code,
 * the tofc_lambda_sweep configuration: 2 patches x 729 tokens x 1152 dims
 * of the synthetic clip law (seed 1, trial 0), coded with DPC-KNN to 16
 * tokens per patch, K = 5, RDOQ Δ = 0.1, λ = 0.1, Laplacian rANS with 16
 * profiles (merge), and without merging, uniform Δ = 0.1, laplace 16
 * (plain). Include after codec/source.h and codec/tofc.h (of whichever
 * commit the benchmark is built against). */
#ifndef FEATLINK_BENCH_TOFC_FRAMES_H
#define FEATLINK_BENCH_TOFC_FRAMES_H

static const source_synth bench_tofc_source = {
    .patches = 2, .tokens = 729, .dims = 1152, .law = SOURCE_LAW_CLIP, .clusters = 16,
    .cluster_spread = 0.5, .tail = 3.0, .outlier_dims = 4, .outlier_gain = 20, .scale = 1.0};
static const tofc_params bench_tofc_merge = {
    .patches = 2, .tokens = 729, .dims = 1152, .select = TOFC_SELECT_MERGE, .clusters = 16, .knn = 5,
    .quant = TOFC_QUANT_RDOQ, .step = 0.1, .lambda = 0.1, .entropy = TOFC_ENTROPY_LAPLACE, .models = 16};
static const tofc_params bench_tofc_plain = {
    .patches = 2, .tokens = 729, .dims = 1152, .select = TOFC_SELECT_NONE, .quant = TOFC_QUANT_UNIFORM,
    .step = 0.1, .deadzone = 0.5, .entropy = TOFC_ENTROPY_LAPLACE, .models = 16};

#endif
