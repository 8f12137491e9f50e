/* columns: the catalogue of measured results columns (columns.h). Where a
 * column is computed is named in brackets; README "Results (HDF5)" explains
 * the formulas. Per-frame columns of points with trials > 1 are means over
 * the frames. */
#include "sim/columns.h"

#include "sim/trials.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const column_doc catalogue[] = {
    /* PINR analytic accounting, paper 000 §3 (codec/pinr) */
    {"f", "", 0, "PINR fraction f of tokens dropped (paper 000)"},
    {"g", "", 0, "PINR fraction g of symbols dropped in kept tokens (paper 000)"},
    {"h", "", 0, "PINR fraction h applied to the remaining symbols (paper 000)"},
    {"snr_db", "dB Es/N0 per symbol", 0, "channel SNR of the point (Es/N0 per complex symbol)"},
    {"tokens", "token", 1, "Nt: tokens per frame (all patches)"},
    {"dims", "symbol/token", 1, "Ns: symbols per token"},
    {"symbol_bits", "bit/symbol", 1, "Nb: bits per transmitted symbol"},
    {"patches", "patch", 1, "patches per frame"},
    {"trials", "frame", 1, "frames averaged into this point"},
    {"total_bits", "bit", 0, "uncompressed frame, Nt Ns Nb (paper 000)"},
    {"dropped_bits", "bit", 0, "payload bits removed by dropping (paper 000, before index cost)"},
    {"index_bits", "bit", 0, "analytic index cost of the dropped positions (paper 000 accounting)"},
    {"saved_bits", "bit", 0, "dropped bits minus index bits (paper 000)"},
    {"sent_bits", "bit", 0, "analytic bits sent: total minus saved (paper 000)"},
    {"reduction_ratio", "", 0, "1 - sent / uncompressed bits (PINR: analytic, paper 000; TOFC: vs fp32)"},
    {"min_bandwidth_hz", "Hz", 0, "bandwidth to send the frame within link.budget_s at the AWGN capacity log2(1+SNR)"},
    {"measured_bits", "bit", 0, "length of the real encoded bitstream"},
    {"measured_index_bits", "bit", 0, "index bits in the real PINR bitstream"},
    {"measured_header_bits", "bit", 0, "header bits in the real PINR bitstream"},
    {"measured_reduction_ratio", "", 0, "1 - measured bits / uncompressed bits"},
    {"measured_min_bandwidth_hz", "Hz", 0, "min_bandwidth_hz for the measured bitstream"},
    {"transfer_time_s", "s", 0, "measured bitstream at link.bandwidth_hz and the AWGN capacity log2(1+SNR) at channel.snr_db (over fading: the mean SNR)"},
    {"transfer_time_eps_outage_s", "s", 0, "measured bitstream at link.bandwidth_hz and the ε-outage capacity"},
    {"transfer_time_ergodic_s", "s", 0, "measured bitstream at link.bandwidth_hz and the ergodic capacity of the fading channel"},
    /* fading channel in capacity mode (channel/capacity) */
    {"ergodic_capacity_bps_hz", "bit/s/Hz", 0, "ergodic capacity E[log2(1+γ|h|²)] of the fading channel"},
    {"min_bandwidth_ergodic_hz", "Hz", 0, "bandwidth to send the measured bitstream within the budget at the ergodic capacity"},
    {"required_rate_bps_hz", "bit/s/Hz", 0, "measured bits / (link.budget_s x link.bandwidth_hz)"},
    {"outage_prob", "", 0, "probability that log2(1+γ|h|²) is below the required rate"},
    {"eps_outage_capacity_bps_hz", "bit/s/Hz", 0, "ε-outage capacity at channel.outage_eps"},
    {"min_bandwidth_eps_outage_hz", "Hz", 0, "bandwidth to send the measured bitstream within the budget at the ε-outage capacity"},
    /* proxy metrics of the received tensor (codec/metrics) */
    {"cosine", "", 0, "mean cosine similarity of sent and received tokens (÷ reference with metrics.reference)"},
    {"nmse", "", 0, "normalised MSE ||x - y||² / ||x||² (÷ reference with metrics.reference)"},
    {"feature_snr_db", "dB", 0, "-10 log10 NMSE (minus the reference's with metrics.reference)"},
    {"proxy_precision", "", 0, "BERTScore-style greedy precision over feature tokens (÷ reference)"},
    {"proxy_recall", "", 0, "BERTScore-style greedy recall over feature tokens (÷ reference)"},
    {"proxy_f1", "", 0, "BERTScore-style greedy F1 over feature tokens (÷ reference)"},
    {"cka", "", 0, "linear CKA of sent and received token matrices (÷ reference)"},
    {"ref_proxy_f1", "", 0, "proxy F1 of the reference run (metrics.reference)"},
    /* digital link (sim/digital, channel/packet) */
    {"esn0_db", "dB Es/N0 per symbol", 0, "Es/N0 per modulated symbol on the link"},
    {"ebn0_db", "dB Eb/N0 per info bit", 0, "Eb/N0 per information bit"},
    {"code_rate", "", 0, "FEC code rate (1 uncoded)"},
    {"packets", "packet", 1, "packets sent (BER points: frames of link.packet_bytes)"},
    {"packets_lost", "packet", 1, "packets whose CRC failed"},
    {"packet_loss_rate", "", 0, "packets_lost / packets"},
    {"packet_bits", "bit", 1, "packet bits before FEC, 8-byte header+CRC per packet included"},
    {"air_bits", "bit", 1, "coded bits on the air (after FEC)"},
    {"air_symbols", "symbol", 1, "modulated symbols on the air"},
    {"airtime_s", "s", 0, "air_symbols / channel.symbol_rate_hz"},
    {"frame_lost", "", 0, "1 when a lost packet hit the header or indices: the frame arrives as zeros"},
    {"lost_symbols", "symbol", 1, "PINR symbols lost in dropped packets (concealed as zeros)"},
    {"lost_values", "value", 1, "TOFC values lost in dropped packets (concealed as zeros)"},
    /* rate-distortion codecs, paper 001 (codec/tofc, codec/entropy) */
    {"sent_tokens", "token", 1, "tokens sent after merging"},
    {"side_bits", "bit", 0, "per-token model indices (side information)"},
    {"ideal_bits", "bit", 0, "-Σ log2 p under the entropy coder's model"},
    {"empirical_entropy_bits", "bit", 0, "empirical entropy of the quantised levels"},
    {"escapes", "value", 1, "levels sent through the escape code"},
    {"rate_bits_per_element", "bit/element", 0, "all coded bits (header, side information included) per original value"},
    {"distortion_mse", "value²", 0, "MSE on the original grid, merged tokens expanded"},
    {"source_entropy_bits", "bit/element", 0, "differential entropy h(X) of the i.i.d. synthetic source"},
    {"shannon_lower_bound_bits", "bit/element", 0, "h(X) - ½ log2(2πe D): Shannon lower bound of R(D)"},
    {"rd_gap_bits", "bit/element", 0, "rate_bits_per_element - shannon_lower_bound_bits"},
    {"rd_function_bits", "bit/element", 0, "Gaussian R(D) = ½ log2(σ²/D)"},
    /* BER points (channel/ber, channel/berclosed) */
    {"bits", "bit", 1, "information bits simulated"},
    {"bit_errors", "bit", 1, "bit errors counted"},
    {"ber", "", 0, "bit_errors / bits"},
    {"ber_ci_low", "", 0, "95% Clopper-Pearson lower limit at the effective sample size"},
    {"ber_ci_high", "", 0, "95% Clopper-Pearson upper limit at the effective sample size"},
    {"ber_design_effect", "", 0, "design effect the interval uses: Kish's measured value, or its bound Σn²/N when too few clusters hold an error"},
    {"ber_error_clusters", "cluster", 1, "clusters (symbols, fading blocks or frames) with at least one bit error"},
    {"ber_design_effect_estimated", "", 0, "1: design effect measured; 0: too few error clusters, conservative bound used"},
    {"ber_theory", "", 0, "closed-form BER of the uncoded link (NaN for coded links)"},
    {"ber_uncoded_theory", "", 0, "closed-form BER of the uncoded link at the same Eb/N0"},
    {"ser", "", 0, "symbol error rate (NaN through a decoder)"},
    {"ser_theory", "", 0, "closed-form SER (NaN where none)"},
    {"per", "", 0, "packet (frame) error rate"},
    /* system layer (sim/system, sim/syssum): frames arriving after system.warmup_s, MSER-5 truncated;
     * intervals: 95% batch means / batch quantiles over 20 batches (sim/outstat) */
    {"latency_mean_s", "s", 0, "mean end-to-end latency: arrival at the device to completion at the server"},
    {"latency_mean_s_ci_low", "s", 0, "95% batch-means lower limit of latency_mean_s"},
    {"latency_mean_s_ci_high", "s", 0, "95% batch-means upper limit of latency_mean_s"},
    {"latency_p50_s", "s", 0, "median latency (type-7 sample quantile)"},
    {"latency_p50_s_ci_low", "s", 0, "95% batch-means lower limit of latency_p50_s"},
    {"latency_p50_s_ci_high", "s", 0, "95% batch-means upper limit of latency_p50_s"},
    {"latency_p95_s", "s", 0, "95th percentile of latency"},
    {"latency_p95_s_ci_low", "s", 0, "95% batch-means lower limit of latency_p95_s"},
    {"latency_p95_s_ci_high", "s", 0, "95% batch-means upper limit of latency_p95_s"},
    {"latency_p99_s", "s", 0, "99th percentile of latency (see p99_few_frames)"},
    {"latency_p99_s_ci_low", "s", 0, "95% batch-means lower limit of latency_p99_s"},
    {"latency_p99_s_ci_high", "s", 0, "95% batch-means upper limit of latency_p99_s"},
    {"deadline_miss_rate", "", 0, "fraction of frames completing after system.deadline_s or dropped"},
    {"deadline_miss_rate_ci_low", "", 0, "95% batch-means lower limit of deadline_miss_rate"},
    {"deadline_miss_rate_ci_high", "", 0, "95% batch-means upper limit of deadline_miss_rate"},
    {"device_time_mean_s", "s", 0, "mean time at the device: queue + encoder + codec compute"},
    {"uplink_wait_mean_s", "s", 0, "mean wait from encode end to the first transmission (uplink queue, outage)"},
    {"tx_time_mean_s", "s", 0, "mean first transmission to delivery: airtime, retransmissions, interleaved turns"},
    {"server_wait_mean_s", "s", 0, "mean wait in the server queue"},
    {"server_time_mean_s", "s", 0, "mean server compute per frame"},
    {"uplink_utilisation", "", 0, "airtime / (elapsed time x bands) after warm-up"},
    {"server_utilisation", "", 0, "busy worker time / (workers x elapsed time) after warm-up"},
    {"goodput_bps", "bit/s", 0, "bits of delivered packets per second after warm-up"},
    {"energy_mean_j", "J", 0, "device energy per frame: compute power x compute time + tx power x airtime"},
    {"frames", "frame", 1, "frames counted (arrived after warm-up)"},
    {"dropped_frames", "frame", 1, "counted frames dropped (stale at the device, or lost packets with uplink.lost drop)"},
    {"outages", "", 1, "attempts deferred because the device was in outage"},
    {"saturated", "", 1, "1: uplink or server busy >= 99% of the time (load >= 1, means grow with the run)"},
    {"p99_few_frames", "", 1, "1: fewer than 100 frames per batch, so the p99 rests on too few frames"},
    {"max_devices", "device", 1, "system.find max_devices: largest count meeting system.find_target (0: not even 1)"},
    {"max_devices_metric", "", 0, "the searched metric (s, or miss ratio) at max_devices, trial 0; inf when saturated"},
    {"max_devices_next_metric", "", 0, "the searched metric at max_devices + 1 (NaN at system.find_max)"},
    {"max_devices_probes", "", 1, "system runs the bisection made"},
    {"system_frame_bits", "bit", 1, "bits per frame each device sends (the codec's mean measured_bits; group 0's with system.groups)"},
    {"group0_measured_bits", "bit", 0, "system.groups[0]: its codec's mean measured_bits (its frame size)"},
    {"group1_measured_bits", "bit", 0, "system.groups[1]: its codec's mean measured_bits (its frame size)"},
    {"group2_measured_bits", "bit", 0, "system.groups[2]: its codec's mean measured_bits (its frame size)"},
    {"group3_measured_bits", "bit", 0, "system.groups[3]: its codec's mean measured_bits (its frame size)"},
    {"group4_measured_bits", "bit", 0, "system.groups[4]: its codec's mean measured_bits (its frame size)"},
    {"group5_measured_bits", "bit", 0, "system.groups[5]: its codec's mean measured_bits (its frame size)"},
    {"group6_measured_bits", "bit", 0, "system.groups[6]: its codec's mean measured_bits (its frame size)"},
    {"group7_measured_bits", "bit", 0, "system.groups[7]: its codec's mean measured_bits (its frame size)"},
};

#define NCOLS ((int)(sizeof catalogue / sizeof catalogue[0]))

/* "<col>_sem" of every catalogued column (sim/trials.h), derived once:
 * same unit, not a count, a description naming its base column. */
#define SEM_NAME_LEN 64
#define SEM_DESC_LEN 160
static char sem_names[NCOLS][SEM_NAME_LEN], sem_descs[NCOLS][SEM_DESC_LEN];
static column_doc sem_docs[NCOLS];
static pthread_once_t sem_once = PTHREAD_ONCE_INIT;

static void columns_sem_init(void)
{
    for (int i = 0; i < NCOLS; i++) {
        snprintf(sem_names[i], SEM_NAME_LEN, "%s%s", catalogue[i].name, TRIALS_SEM_SUFFIX);
        snprintf(sem_descs[i], SEM_DESC_LEN,
                 "standard error of the mean %s over the trials: sample std (n-1) / sqrt(n); NaN at one trial",
                 catalogue[i].name);
        sem_docs[i] = (column_doc){sem_names[i], catalogue[i].unit, 0, sem_descs[i]};
    }
}

static int columns_index(const char *name, size_t len)
{
    for (int i = 0; i < NCOLS; i++)
        if (strlen(catalogue[i].name) == len && strncmp(catalogue[i].name, name, len) == 0)
            return i;
    return -1;
}

const column_doc *fl_columns_find(const char *name)
{
    size_t n = strlen(name), ns = strlen(TRIALS_SEM_SUFFIX);
    int i = columns_index(name, n);
    if (i >= 0)
        return &catalogue[i];
    if (n <= ns || strcmp(name + n - ns, TRIALS_SEM_SUFFIX) != 0 || (i = columns_index(name, n - ns)) < 0)
        return NULL;
    pthread_once(&sem_once, columns_sem_init);
    return &sem_docs[i];
}

int fl_columns_count(void) { return NCOLS; }

const column_doc *fl_columns_at(int i) { return i >= 0 && i < NCOLS ? &catalogue[i] : NULL; }
