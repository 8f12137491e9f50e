/* ber: Monte-Carlo bit/symbol/frame error rates of an uncoded link (phy.h),
 * with the 95% Clopper-Pearson interval and the closed form next to it.
 *
 * Frames of frame_bits random bits (Philox purpose PURPOSE_BER_BITS of common/purpose.h, frame f
 * at draw index f << 24) go through fl_phy_transmit_hard (or _llr followed by a
 * sign decision, LLR < 0 -> 1) until, after a whole frame, bit_errors >=
 * min_errors (when min_errors > 0) or bits >= max_bits. Frames are computed
 * in fixed batches of BER_BATCH_FRAMES, split over OpenMP threads, and the
 * stopping rule is applied frame by frame in order afterwards, so every
 * number is identical for any thread count.
 *
 * The interval: bit errors are not independent when a symbol carries k > 1
 * bits (a deep fade or a large noise sample hits all of them) or when fading
 * is constant over a block. The independent units are clusters: a symbol
 * (fast fading, AWGN) or a coherence block (block fading). With e_j errors
 * in n_j bits of cluster j and p = E/N the pooled BER, the design effect
 * (Kish, Survey Sampling, 1965) is
 *     deff = sum_j (e_j - p n_j)^2 / (N p (1 - p)),   clamped to >= 1,
 * the ratio of the observed variance of p to the binomial one; the 95%
 * Clopper-Pearson interval is then taken at the effective sample size
 * (E / deff errors in N / deff bits). For BPSK over AWGN or fast fading
 * deff = 1 exactly and the interval is the plain Clopper-Pearson one.
 *
 * When errors are few the measured deff cannot be trusted: it is a variance
 * over clusters, and with p small it rests on the clusters that hold errors
 * (0 errors: p = 0 and no variance at all; 1 cluster: deff ~ its error
 * count whatever the other clusters would have done). With fewer than
 * BER_DEFF_MIN_CLUSTERS clusters holding an error, deff is raised to its
 * upper bound
 *     deff_max = sum_j n_j^2 / N   (= the cluster size for equal clusters),
 * the design effect of perfectly correlated errors within a cluster (Kish's
 * deff = 1 + (n - 1) rho at rho = 1): the interval becomes the Clopper-
 * Pearson interval of the clusters as independent trials, valid whatever
 * the correlation within a cluster (with 0 errors its upper limit is that of
 * the cluster error rate, which bounds the BER). ber_deff_estimated says
 * which rule gave the interval.
 */
#ifndef FEATLINK_BER_H
#define FEATLINK_BER_H

#include <stddef.h>
#include <stdint.h>

#include "channel/phy.h"

#define BER_BATCH_FRAMES 64
/* fewer clusters with an error than this: deff = its upper bound (above) */
#define BER_DEFF_MIN_CLUSTERS 10
/* the progress callback is called at most once per this many bits (and
 * after the last frame) */
#define BER_PROGRESS_BITS ((uint64_t)1 << 20)

typedef enum {
    BER_DEMAP_HARD = 0,         // minimum-distance hard decisions
    BER_DEMAP_LLR_EXACT = 1,    // sign of exact log-MAP LLRs
    BER_DEMAP_LLR_MAXLOG = 2,   // sign of max-log LLRs
} ber_demap;

typedef struct {
    phy_config phy;       // link; phy.esn0_db is ignored (set from ebn0_db)
    double ebn0_db;       // Eb/N0 in dB per information bit
    double code_rate;     // (0, 1]; only converts Eb/N0 to Es/N0 (no FEC here)
    ber_demap demap;      // decision rule
    size_t frame_bits;    // bits per frame, 1 .. 2^26 k
    uint32_t trial;       // Philox counter word 3
    uint64_t min_errors;  // stop once this many bit errors are counted (0: unused)
    uint64_t max_bits;    // stop once this many bits are sent (>= 1)
    int threads;          // OpenMP threads (0: OpenMP default); results do not depend on it
    // progress (may be NULL): bits and bit errors counted so far, called from
    // the calling thread after a batch of frames has gone through the
    // stopping rule, once BER_PROGRESS_BITS bits have accrued since the last
    // call, and always after the last frame (then with the result's counts);
    // results do not depend on it
    void (*progress)(void *arg, uint64_t bits, uint64_t bit_errors);
    void *progress_arg;
} ber_config;

typedef struct {
    uint64_t bits, bit_errors;
    uint64_t symbols, symbol_errors;
    uint64_t frames, frame_errors;      // a frame error: >= 1 bit error in the frame
    double ber, ser, fer;
    double ber_ci_low, ber_ci_high;     // 95% Clopper-Pearson, effective sample size
    double ber_deff;                    // design effect the interval uses (>= 1)
    double ber_deff_measured;           // Kish estimate from the clusters (>= 1)
    uint64_t ber_error_clusters;        // clusters with at least one bit error
    int ber_deff_estimated;             // 1: ber_deff measured; 0: its upper bound
                                        // (fewer than BER_DEFF_MIN_CLUSTERS error clusters)
    double fl_ber_theory, ser_theory;      // closed forms (berclosed.h); NaN where none
    double ebn0_db, esn0_db;
} ber_result;

//  fl_ber_theory : closed-form BER for _pc's scheme and channel at Eb/N0
//      _ebn0_db (uncoded): AWGN, Rayleigh (fast or block: the same mean),
//      Rician with _pc->k_factor
double fl_ber_theory(const phy_config *pc, double ebn0_db);
//  fl_ber_ser_theory : closed-form SER (AWGN, Rayleigh; NaN for Rician)
double fl_ber_ser_theory(const phy_config *pc, double ebn0_db);

//  fl_ber_interval : the design effect and 95% interval (above) of _bits bits
//      with _errors bit errors in clusters with sums _sum_e2 = sum e_j^2,
//      _sum_en = sum e_j n_j, _sum_n2 = sum n_j^2, _err_clusters of them
//      with an error; sets ber_deff, ber_deff_measured, ber_error_clusters,
//      ber_deff_estimated, ber_ci_low, ber_ci_high of *_out. 0 or -EINVAL
int fl_ber_interval(uint64_t bits, uint64_t errors, double sum_e2, double sum_en, double sum_n2,
                 uint64_t err_clusters, ber_result *out);

//  fl_ber_run : one Monte-Carlo point; fills *_out. 0, -EINVAL (bad
//      configuration), -ENOMEM, -ERANGE (frame too long)
int fl_ber_run(const ber_config *cfg, ber_result *out);

#endif
