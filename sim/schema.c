/* schema: the scenario key table and the checks of one value (schema.h). */
#include "sim/schema.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

/* The field of fl_config that a row fills; _Generic refuses (at compile
 * time) a number row on a field that is not a double, and so on. */
#define FLD(m) offsetof(fl_config, m), sizeof(((fl_config *)0)->m)
#define FLD_INT(m) _Generic(((fl_config *)0)->m, int: SCHEMA_I32, uint32_t: SCHEMA_U32, int64_t: SCHEMA_I64), FLD(m)
#define FLD_F64(m) _Generic(((fl_config *)0)->m, double: SCHEMA_F64), FLD(m)
#define FLD_STR(m) _Generic(((fl_config *)0)->m, char *: SCHEMA_CHARS), FLD(m)

#define NUM(k, m, lo, hi, def, fl, unit, desc) \
    {k, SCHEMA_NUM, FLD_F64(m), lo, hi, NULL, def, NULL, fl, 0, unit, desc, NULL, NULL}
#define NUM_UNSET(k, m, given, lo, hi, unit, desc) \
    {k, SCHEMA_NUM, FLD_F64(m), lo, hi, NULL, NAN, NULL, SCHEMA_UNSET, offsetof(fl_config, given), unit, desc, NULL, NULL}
#define INT(k, m, lo, hi, def, unit, desc) \
    {k, SCHEMA_INT, FLD_INT(m), lo, hi, NULL, def, NULL, 0, 0, unit, desc, NULL, NULL}
/* a choice key; ENUM_V: one holding a codec/ or channel/ enum, whose
 * choice i stores _values[i] (ENUM: i) */
#define ENUM_V(k, m, choices, values, def, desc) \
    {k, SCHEMA_ENUM, SCHEMA_CHOICE, FLD(m), 0, 0, choices, 0, def, 0, 0, "", desc, values, NULL}
#define ENUM(k, m, choices, def, desc) ENUM_V(k, m, choices, NULL, def, desc)
#define STR(k, m, def, fl, desc) {k, SCHEMA_STR, FLD_STR(m), 0, 0, NULL, 0, def, fl, 0, "", desc, NULL, NULL}

#define I31 2147483647.0

static const int fec_values[] = {CONV_RATE_NONE, CONV_RATE_1_2, CONV_RATE_2_3, CONV_RATE_3_4};
static const int viterbi_bits_values[] = {16, 8};
static const int fading_values[] = {PHY_FADING_BLOCK, PHY_FADING_FAST, PHY_FADING_GAINS};
static const int scheme_values[] = {MODEM_BPSK, MODEM_QPSK, MODEM_QAM16, MODEM_QAM64, MODEM_QAM256};
static const int demap_values[] = {BER_DEMAP_HARD, BER_DEMAP_LLR_EXACT};

static const schema_key schema_keys[] = {
    STR("name", name, "", SCHEMA_FILE_NAME, "label stored in the results"),
    INT("seed", seed, 0, 4294967295.0, 1, "", "Philox key word 0"),
    INT("trials", trials, 1, 1e9, 1, "frame",
        "frames per point (new source frame, selection and noise each); per-frame columns are averaged, "
        "each with its standard error (COLUMN_sem); BER points stop by stop.* instead"),
    ENUM("source.kind", source.kind, "synthetic|hdf5|npy|bits", "synthetic",
         "where the tensor comes from (bits: i.i.d. bits for BER runs)"),
    INT("source.patches", source.patches, 1, 1e6, 1, "patch", "patches (3-D sources)"),
    INT("source.tokens", source.tokens, 1, I31, 576, "token", "Nt, tokens per patch"),
    INT("source.dims", source.dims, 1, I31, 1024, "symbol/token", "Ns, symbols per token"),
    INT("source.bits", source.bits, 1, 64, 32, "bit/symbol",
        "Nb, bits per sent symbol (32 float32, 64 float64, 1 sign, else uniform levels over the frame's max abs value)"),
    STR("source.path", source.path, "", SCHEMA_PATH,
        "the .npy or HDF5 file, float16/32/64 of rank 2 or 3 (relative: beside the scenario file)"),
    STR("source.dataset", source.dataset, "/features", 0, "HDF5 dataset of the tensor"),
    ENUM("source.law", source.law, "clip|laplace|gaussian", "clip",
         "synthetic law: clustered clip-like, or i.i.d. laplace/gaussian"),
    INT("source.clusters", source.clusters, 1, 1e6, 16, "cluster", "clusters of the clip-like generator"),
    NUM("source.cluster_spread", source.cluster_spread, 0, 100, 0.5, 0, "", "within-cluster / between-cluster scale"),
    NUM("source.tail", source.tail, 2.01, 1000, 3.0, 0, "", "Pareto shape of per-dimension scales"),
    INT("source.outlier_dims", source.outlier_dims, 0, I31, 4, "dimension",
        "\"massive activation\" dimensions (at most source.dims)"),
    NUM("source.outlier_gain", source.outlier_gain, 1e-6, 1e6, 20, 0, "", "scale gain of the outlier dimensions"),
    NUM("source.scale", source.scale, 1e-30, 1e30, 1, 0, "value", "overall standard deviation of the synthetic source"),
    ENUM("codec.select", codec.select, "none|pinr|merge", "none",
         "token selection: none, PINR (paper 000) or DPC-KNN merge (paper 001)"),
    NUM("codec.f", codec.f, 0, 1, 0, 0, "", "PINR fraction f (paper 000)"),
    NUM("codec.g", codec.g, 0, 1, 0, 0, "", "PINR fraction g (paper 000)"),
    NUM("codec.h", codec.h, 0, 1, 0, 0, "", "PINR fraction h (paper 000)"),
    ENUM("codec.index_coding", codec.index_coding, "list|bitmask|seeded|enumerative", "list",
         "how PINR indices are sent"),
    INT("codec.clusters", codec.clusters, 1, 1e6, 32, "token", "DPC-KNN n_c, merged tokens per patch"),
    INT("codec.knn", codec.knn, 1, 1e4, 5, "", "DPC-KNN K nearest neighbours (below source.tokens)"),
    ENUM("codec.quant", codec.quant, "fp32|fp16|bf16|uniform|rdoq", "fp32", "quantiser"),
    NUM("codec.step", codec.step, 1e-9, 1e9, 0.05, 0, "value", "uniform quantiser step Δ"),
    NUM("codec.deadzone", codec.deadzone, 0, 0.5, 0.5, 0, "", "rounding offset r of the quantiser (0.5 plain rounding)"),
    NUM("codec.lambda", codec.lambda, 0, 1e9, 0.01, 0, "value²/bit", "RDOQ Lagrange multiplier λ"),
    ENUM("codec.entropy", codec.entropy, "raw|laplace", "raw",
         "entropy coder (laplace: Laplacian rANS, paper 001; needs codec.quant uniform or rdoq)"),
    INT("codec.models", codec.models, 1, 64, 1, "", "n_e Laplacian scale profiles"),
    ENUM("link.mode", link.mode, "capacity|digital|analog", "capacity",
         "link model: capacity, digital (real packets) or analog"),
    NUM("link.budget_s", link.budget_s, 1e-12, 1e12, 1, 0, "s", "time budget T of the minimum-bandwidth columns"),
    NUM("link.bandwidth_hz", link.bandwidth_hz, 1e-3, 1e15, 1e6, 0, "Hz", "bandwidth of the transfer-time columns"),
    INT("link.packet_bytes", link.packet_bytes, 1, 65535, 1500, "byte", "payload bytes per packet (digital link)"),
    ENUM_V("link.fec", link.fec, "none|conv12|conv23|conv34", fec_values, "none",
           "802.11 K=7 convolutional code and rate"),
    ENUM_V("link.viterbi_metric_bits", link.viterbi_bits, "16|8", viterbi_bits_values, "16",
           "Viterbi path metrics: 16-bit (10-bit LLRs) or 8-bit (LLRs -6..6, faster, about 0.1 dB worse; "
           "channel/conv.h)"),
    ENUM("channel.kind", channel.kind, "awgn|rayleigh|rician", "awgn", "channel: AWGN, Rayleigh or Rician fading"),
    NUM("channel.snr_db", channel.snr_db, -100, 300, 0, SCHEMA_INF, "dB Es/N0 per symbol",
        "SNR = Es/N0 per complex symbol (\"inf\": no noise)"),
    NUM_UNSET("channel.ebn0_db", channel.ebn0_db, channel.has_ebn0, -100, 300, "dB Eb/N0 per info bit",
              "Eb/N0 per information bit (rules when given)"),
    NUM("channel.k_factor", channel.k_factor, 0, 1e6, 0, 0, "", "Rician K (linear)"),
    NUM("channel.doppler_hz", channel.doppler_hz, 0, 1e9, 0, 0, "Hz", "maximum Doppler f_d (jakes fading)"),
    NUM("channel.symbol_rate_hz", channel.symbol_rate_hz, 1e-3, 1e15, 1e6, 0, "symbol/s",
        "symbol rate (airtime, Jakes sampling)"),
    NUM("channel.outage_eps", channel.outage_eps, 1e-12, 0.999999, 0.01, 0, "",
        "outage level ε of the ε-outage capacity"),
    ENUM_V("channel.fading", channel.fading, "block|fast|jakes", fading_values, "fast",
         "fading time structure: block, fast (i.i.d.) or jakes (Zheng-Xiao sum of sinusoids)"),
    INT("channel.block_symbols", channel.block_symbols, 1, 1e12, 1000, "symbol", "coherence block length (block fading)"),
    ENUM_V("modem.scheme", modem.scheme, "bpsk|qpsk|16qam|64qam|256qam", scheme_values, "bpsk",
           "Gray-mapped modulation"),
    ENUM_V("modem.demap", modem.demap, "hard|llr", demap_values, "hard", "demapper: hard decisions or LLRs"),
    ENUM("metrics.reference", metrics.reference, "none|clean|same_snr", "none",
         "normalise proxy metrics by a reference run"),
    STR("metrics.projector", metrics.projector, "", SCHEMA_PATH,
        "HDF5 file of a 2-layer MLP projector (relative: beside the scenario file)"),
    INT("stop.min_errors", stop.min_errors, 1, 1e15, 200, "bit",
        "BER runs stop after this many bit errors (at most stop.max_bits)"),
    INT("stop.max_bits", stop.max_bits, 1, 1e16, 1e7, "bit", "BER runs stop after this many bits"),
    INT("system.devices", system.devices, 0, 1048576, 0, "device",
        "devices sharing the uplink and server (0: no system run, one frame pipeline per point)"),
    ENUM("system.arrival", system.arrival, "periodic|poisson|trace", "periodic",
         "frame arrivals at each device (trace: the times of system.trace_file)"),
    STR("system.trace_file", system.trace_file, "", SCHEMA_PATH,
        "arrival trace: \"DEVICE TIME\" lines, time in s, non-decreasing, '#' comments (relative: beside the "
        "scenario file)"),
    NUM("system.frame_rate_hz", system.frame_rate_hz, 1e-6, 1e6, 1, 0, "frame/s", "frames per second per device"),
    NUM("system.jitter_s", system.jitter_s, 0, 1e6, 0, 0, "s",
        "periodic arrivals: uniform jitter in [-j, j] (below half the period)"),
    NUM("system.duration_s", system.duration_s, 1e-9, 9e6, 60, 0, "s", "simulated time of arrivals"),
    NUM("system.warmup_s", system.warmup_s, 0, 9e6, 5, 0, "s",
        "frames arriving earlier are not counted (below system.duration_s)"),
    NUM("system.deadline_s", system.deadline_s, 1e-12, 1e12, INFINITY, SCHEMA_INF, "s",
        "latency deadline per frame (\"inf\": none)"),
    ENUM("system.late", system.late, "deliver|drop", "deliver",
         "frames past their deadline before sending: delivered late, or dropped at the device"),
    ENUM("system.find", system.find, "none|max_devices", "none",
         "max_devices: the largest device count (1 .. system.find_max) meeting system.find_target, by bisection "
         "with common random numbers; the point's columns are then those of that count"),
    ENUM("system.find_metric", system.find_metric, "p95|mean|miss", "p95",
         "what system.find_target bounds: p95 or mean latency (s), or the deadline-miss rate"),
    NUM("system.find_target", system.find_target, 0, 1e9, 1, 0, "s or ratio",
        "target of system.find (a saturated count never meets it)"),
    INT("system.find_max", system.find_max, 1, 1048576, 1024, "device", "largest device count searched"),
    INT("system.max_frame_records", system.max_frame_records, 0, 67108864, 2097152, "record",
        "most /frames records (one per counted frame) a run keeps; 0: no /frames; more stops the run (exit 1)"),
    ENUM("device.compute", device.compute, "model|none", "model",
         "device compute time: FLOP model of the vision encoder, or none (0 s)"),
    NUM("device.flops_per_patch", device.flops_per_patch, 0, 1e18, 0.67e12, 0, "FLOP",
        "encoder FLOP per patch (SigLIP-SO400M at 384x384)"),
    NUM("device.peak_flops", device.peak_flops, 1, 1e18, 5.3e12, 0, "FLOP/s", "device peak (Jetson AGX Orin class)"),
    NUM("device.efficiency", device.efficiency, 1e-6, 1, 0.3, 0, "", "fraction of peak the encoder reaches"),
    NUM("device.overhead_s", device.overhead_s, 0, 1e6, 0.005, 0, "s", "fixed compute time per frame"),
    NUM("device.codec_s_per_element", device.codec_s_per_element, 0, 1, 0, 0, "s/value",
        "codec compute per feature value"),
    NUM("device.compute_power_w", device.compute_power_w, 0, 1e6, 40, 0, "W", "device power while computing"),
    NUM("device.tx_power_w", device.tx_power_w, 0, 1e6, 0.2, 0, "W", "device power while transmitting"),
    NUM("device.snr_db", device.snr_db, -100, 300, 20, 0, "dB", "mean uplink SNR over the full band"),
    NUM("device.shadowing_db", device.shadowing_db, 0, 100, 0, 0, "dB", "log-normal shadowing std per device"),
    NUM("device.distance_m", device.distance_m, 1e-3, 1e9, 100, 0, "m",
        "uplink.snr_model pathloss: distance from the device to the receiver"),
    NUM("device.tx_power_dbm", device.tx_power_dbm, -100, 100, 23, 0, "dBm",
        "uplink.snr_model pathloss: radiated power (23 dBm: 3GPP power class 3 UE)"),
    NUM("uplink.bandwidth_hz", uplink.bandwidth_hz, 1e-3, 1e15, 20e6, 0, "Hz", "shared uplink bandwidth"),
    ENUM("uplink.snr_model", uplink.snr_model, "fixed|pathloss", "fixed",
         "mean SNR: device.snr_db, or P_tx - PL(d0) - 10 n log10(d/d0) - (-174 + 10 log10 B + NF) dB "
         "(log-distance path loss; device.shadowing_db adds X_sigma either way)"),
    NUM("uplink.pathloss_exponent", uplink.pathloss_exponent, 0, 10, 3, 0, "",
        "path-loss exponent n (2 free space, 2.7-3.5 urban, 3-5 shadowed urban; Rappaport, Wireless "
        "Communications, Table 4.2)"),
    NUM("uplink.pathloss_ref_db", uplink.pathloss_ref_db, -100, 300, 40, 0, "dB",
        "path loss PL(d0) at the reference distance (40 dB: free space at 1 m and 2.4 GHz)"),
    NUM("uplink.pathloss_ref_m", uplink.pathloss_ref_m, 1e-3, 1e9, 1, 0, "m", "reference distance d0"),
    NUM("uplink.noise_figure_db", uplink.noise_figure_db, 0, 100, 5, 0, "dB",
        "receiver noise figure NF (5 dB: a typical base-station receiver)"),
    ENUM("uplink.access", uplink.access, "tdma|fdma|pf", "tdma",
         "round-robin TDMA, equal-share FDMA, or proportional fair"),
    ENUM("uplink.rate_model", uplink.rate_model, "shannon|mcs_nr|mcs_ax|fixed", "shannon",
         "per-packet rate at the instantaneous SNR: B log2(1 + SNR/gap), a 3GPP CQI table, 802.11ax HE20 "
         "MCS 0-11, or uplink.rate_bps (sim/uplink.h)"),
    ENUM("uplink.cqi_table", uplink.cqi_table, "nr|lte", "nr",
         "mcs_nr: 38.214 Table 5.2.2.1-3 (nr, 256QAM) or 36.213 Table 7.2.3-1 (lte)"),
    INT("uplink.uncoded_bits", uplink.uncoded_bits, 0, 8, 0, "bit/symbol",
        "shannon/fixed: 0 error-free, or uncoded Gray 1, 2, 4, 6, 8 bit/symbol (PER from the closed-form BER)"),
    ENUM("uplink.per_model", uplink.per_model, "closed_form|bit_true", "closed_form",
         "packet errors: drawn with the closed-form PER, or by sending each attempt's bits and CRC-32 through "
         "the uncoded modem and AWGN at its SNR (needs uplink.uncoded_bits >= 1; sim/bittrue.h)"),
    NUM("uplink.rate_bps", uplink.rate_bps, 1e-3, 1e15, 10e6, 0, "bit/s", "rate of uplink.rate_model fixed"),
    NUM("uplink.gap_db", uplink.gap_db, 0, 100, 0, 0, "dB", "Shannon gap Γ"),
    NUM("uplink.min_snr_db", uplink.min_snr_db, -300, 300, -10, 0, "dB",
        "below it a device is in outage and waits uplink.outage_retry_s"),
    INT("uplink.packet_bits", uplink.packet_bits, 1, 1e9, 12000, "bit", "payload bits per packet"),
    INT("uplink.max_retx", uplink.max_retx, 0, 255, 3, "", "ARQ retransmissions per packet"),
    ENUM("uplink.lost", uplink.lost, "conceal|drop", "conceal",
         "a frame with lost packets: delivered concealed (zero-filled), or dropped"),
    NUM("uplink.doppler_hz", uplink.doppler_hz, 0, 1e9, 0, 0, "Hz",
        "Jakes Doppler f_d of every device's fading (0: no fading)"),
    NUM("uplink.k_factor", uplink.k_factor, 0, 1e6, 0, 0, "", "Rician K of the uplink fading"),
    INT("uplink.pf_window", uplink.pf_window, 1, 1e9, 100, "", "proportional-fair averaging window (decisions)"),
    NUM("uplink.outage_retry_s", uplink.outage_retry_s, 1e-12, 1e6, 0.001, 0, "s",
        "a device in outage tries again after this"),
    INT("server.workers", server.workers, 1, 4096, 1, "", "c, parallel GPU workers"),
    ENUM("server.discipline", server.discipline, "fifo|edf", "fifo", "server queue order"),
    ENUM("server.service", server.service, "model|exponential|deterministic", "model",
         "service time: LLM model (decode + projector + prefill + generation), or a distribution of mean "
         "server.service_mean_s"),
    NUM("server.service_mean_s", server.service_mean_s, 1e-12, 1e9, 0.5, 0, "s",
        "mean service time (exponential, deterministic)"),
    NUM("server.prefill_tokens_per_s", server.prefill_tokens_per_s, 1e-6, 1e12, 11000, 0, "token/s",
        "LLM prefill rate (7B F16, RTX 4090, llama.cpp)"),
    NUM("server.prefill_quad_s_per_token2", server.prefill_quad_s_per_token2, 0, 1, 0, 0, "s/token²",
        "quadratic (attention) prefill term"),
    NUM("server.decode_tokens_per_s", server.decode_tokens_per_s, 1e-6, 1e12, 61, 0, "token/s",
        "LLM generation rate (7B F16, RTX 4090, llama.cpp)"),
    NUM("server.text_tokens", server.text_tokens, 0, 1e9, 64, 0, "token", "prompt tokens beside the visual tokens"),
    NUM("server.output_tokens", server.output_tokens, 0, 1e9, 32, 0, "token", "generated tokens per request"),
    NUM("server.projector_s", server.projector_s, 0, 1e6, 0.002, 0, "s", "feature projector per frame"),
    NUM("server.decode_s_per_element", server.decode_s_per_element, 0, 1, 0, 0, "s/value",
        "entropy decoding per feature value"),
    INT("server.batch_max", server.batch_max, 1, 4096, 1, "request",
        "requests a worker serves together: prefill summed, decode shared (sim/batch.h); 1 = no batching"),
    NUM("server.batch_max_wait_s", server.batch_max_wait_s, 0, 1e6, 0, 0, "s",
        "a free worker waits at most this after the head request for a full batch (0: takes what waits)"),
};
#define SCHEMA_NKEYS ((int)(sizeof schema_keys / sizeof schema_keys[0]))

/* system.groups[]: each member a field of scn_group, its row that of its
 * fallback (fl_schema_member); tests/test_scenario checks field sizes */
#define GFLD(m) offsetof(scn_group, m), sizeof(((scn_group *)0)->m)
#define GROUP(name, fb, m, lo, desc) {"system.groups[]." name, fb, GFLD(m), lo, desc}
/* a member named as its fallback and field, of its fallback's range and description */
#define SAME(m) GROUP(#m, #m, m, NAN, NULL)

static const schema_member group_members[] = {
    GROUP("devices", "system.devices", devices, 1, "devices of this group (at least 1)"),
    GROUP("arrival", "system.arrival", arrival, NAN, NULL),
    GROUP("frame_rate_hz", "system.frame_rate_hz", frame_rate_hz, NAN, NULL),
    GROUP("jitter_s", "system.jitter_s", jitter_s, NAN, NULL),
    GROUP("trace_file", "system.trace_file", trace_file, NAN,
          "arrival trace of this group (system.trace_file's format; its device i is the group's device i)"),
    SAME(codec.select),
    SAME(codec.f),
    SAME(codec.g),
    SAME(codec.h),
    SAME(codec.index_coding),
    SAME(codec.clusters),
    SAME(codec.knn),
    SAME(codec.quant),
    SAME(codec.step),
    SAME(codec.deadzone),
    SAME(codec.lambda),
    SAME(codec.entropy),
    SAME(codec.models),
    GROUP("device.codec_s_per_element", "device.codec_s_per_element", codec_s_per_element, NAN, NULL),
    GROUP("server.decode_s_per_element", "server.decode_s_per_element", decode_s_per_element, NAN, NULL),
};

static const schema_array schema_arrays[] = {
    {"system.groups", offsetof(fl_config, groups), sizeof(scn_group), offsetof(fl_config, ngroups),
     offsetof(scn_group, given), SCN_MAX_GROUPS,
     "device groups, each with its own devices, arrivals and codec (uncompressed, PINR and TOFC in one run); "
     "a member not given takes the top-level key's value",
     group_members, (int)(sizeof group_members / sizeof group_members[0])},
};
#define SCHEMA_NARRAYS ((int)(sizeof schema_arrays / sizeof schema_arrays[0]))
_Static_assert(sizeof group_members / sizeof group_members[0] <= 64, "at most 64 members (a uint64_t of given)");

int fl_schema_count(void) { return SCHEMA_NKEYS; }
const schema_key *fl_schema_at(int i) { return i >= 0 && i < SCHEMA_NKEYS ? &schema_keys[i] : NULL; }
int fl_schema_index(const schema_key *k) { return (int)(k - schema_keys); }

const schema_key *fl_schema_find(const char *key)
{
    for (int i = 0; i < SCHEMA_NKEYS; i++)
        if (strcmp(schema_keys[i].key, key) == 0)
            return &schema_keys[i];
    return NULL;
}

int fl_schema_is_group(const char *prefix)
{
    size_t n = strlen(prefix);
    for (int i = 0; i < SCHEMA_NKEYS; i++)
        if (strncmp(schema_keys[i].key, prefix, n) == 0 && schema_keys[i].key[n] == '.')
            return 1;
    return 0;
}

int fl_schema_arrays(void) { return SCHEMA_NARRAYS; }
const schema_array *fl_schema_array_at(int i) { return i >= 0 && i < SCHEMA_NARRAYS ? &schema_arrays[i] : NULL; }

const schema_array *fl_schema_array_of(const char *key)
{
    for (int i = 0; i < SCHEMA_NARRAYS; i++) {
        size_t n = strlen(schema_arrays[i].key);
        if (strncmp(key, schema_arrays[i].key, n) == 0 && (key[n] == 0 || key[n] == '['))
            return &schema_arrays[i];
    }
    return NULL;
}

int fl_schema_member(const schema_array *a, int j, schema_key *out)
{
    if (j < 0 || j >= a->nmembers)
        return -ENOENT;
    const schema_member *m = &a->members[j];
    const schema_key *f = fl_schema_find(m->fallback);
    if (!f)
        return -ENOENT;
    *out = *f;
    out->key = m->key;
    out->off = m->off;
    out->fallback = m->fallback;
    if (!isnan(m->lo))
        out->lo = m->lo;
    if (m->desc)
        out->desc = m->desc;
    return 0;
}

/* _a's member _j relative to the element: "codec.f" of "system.groups[].codec.f" */
static const char *schema_member_name(const schema_array *a, int j)
{
    return a->members[j].key + strlen(a->key) + 3;
}

int fl_schema_member_find(const schema_array *a, const char *name)
{
    for (int j = 0; j < a->nmembers; j++)
        if (!strcmp(schema_member_name(a, j), name))
            return j;
    return -1;
}

int fl_schema_member_is_group(const schema_array *a, const char *name)
{
    size_t n = strlen(name);
    for (int j = 0; j < a->nmembers; j++)
        if (!strncmp(schema_member_name(a, j), name, n) && schema_member_name(a, j)[n] == '.')
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* messages */

int fl_schema_fail(schema_report *r, const char *fmt, ...)
{
    int n = snprintf(r->err, r->errlen, "%s: ", r->file);
    if (n < 0 || (size_t)n >= r->errlen)
        return -EINVAL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    if (r->list && r->n < SCN_MAX_ERRORS && !strstr(r->list, r->err)) {
        int w = snprintf(r->list + r->used, r->listlen - r->used, "%s\n", r->err);
        if (w > 0 && r->used + (size_t)w < r->listlen) {
            r->used += (size_t)w;
            r->n++;
        }
    }
    return -EINVAL;
}

int fl_schema_go_on(const schema_report *r, int rc, int *bad)
{
    if (rc && r->list) {
        *bad = rc;
        return 0;
    }
    return rc;
}

/* Levenshtein distance, for "did you mean" hints. */
static int schema_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int u = d[i - 1][j] + 1, l = d[i][j - 1] + 1;
            d[i][j] = c < u ? (c < l ? c : l) : (u < l ? u : l);
        }
    return d[la][lb];
}

/* The closest key (full dotted path, or for a bare word its last part) or
 * group to _key. */
const char *fl_schema_suggest(const char *key, char *buf, size_t len)
{
    const char *best = NULL;
    int bestd = 4;
    const char *kdot = strrchr(key, '.');
    for (int i = 0; i < SCHEMA_NKEYS; i++) {
        const char *name = schema_keys[i].key, *dot = strrchr(name, '.');
        int d = schema_distance(key, name);
        if (dot && !kdot) {
            char group[64];
            snprintf(group, sizeof group, "%.*s", (int)(strchr(name, '.') - name), name);
            int d2 = schema_distance(key, dot + 1), d3 = schema_distance(key, group);
            if (d2 < d)
                d = d2;
            if (d3 < d && d3 < bestd) {
                snprintf(buf, len, "%s", group);
                bestd = d3;
                best = buf;
                continue;
            }
        }
        if (d < bestd) {
            bestd = d;
            best = name;
        }
    }
    return best;
}

int fl_schema_unknown(schema_report *r, const char *where, const char *key)
{
    char group[64];
    const char *s = fl_schema_suggest(key, group, sizeof group);
    if (s)
        return fl_schema_fail(r, "%s: unknown key \"%s\" (did you mean \"%s\"?)", where, key, s);
    return fl_schema_fail(r, "%s: unknown key \"%s\" (see README: scenario keys)", where, key);
}

/* ------------------------------------------------------------------ */
/* values */

int fl_schema_enum_index(const schema_key *k, const char *s)
{
    int idx = 0;
    size_t ls = strlen(s);
    for (const char *c = k->choices; *c; idx++) {
        const char *bar = strchr(c, '|');
        size_t n = bar ? (size_t)(bar - c) : strlen(c);
        if (n == ls && strncmp(c, s, n) == 0)
            return idx;
        if (!bar)
            break;
        c = bar + 1;
    }
    return -1;
}

int fl_schema_enum_value(const schema_key *k, const char *s, int *v)
{
    int i = fl_schema_enum_index(k, s);
    if (i < 0)
        return -EINVAL;
    *v = k->values ? k->values[i] : i;
    return 0;
}

static void schema_allowed(const schema_key *k, char *buf, size_t len)
{
    switch (k->type) {
    case SCHEMA_NUM:
        snprintf(buf, len, "a number in [%g, %g]%s", k->lo, k->hi, k->flags & SCHEMA_INF ? " or \"inf\"" : "");
        break;
    case SCHEMA_INT:
        snprintf(buf, len, "an integer in [%.0f, %.0f]", k->lo, k->hi);
        break;
    case SCHEMA_ENUM: {
        size_t n = (size_t)snprintf(buf, len, "one of ");
        for (const char *c = k->choices; *c && n + 4 < len; c++)
            buf[n++] = *c == '|' ? ',' : *c;
        buf[n] = 0;
        break;
    }
    case SCHEMA_STR:
        snprintf(buf, len, "a string");
        break;
    }
}

static void schema_got(const cJSON *v, char *got, size_t len)
{
    if (cJSON_IsNumber(v))
        snprintf(got, len, "%.17g", v->valuedouble);
    else if (cJSON_IsString(v))
        snprintf(got, len, "\"%.40s\"", v->valuestring);
    else if (cJSON_IsBool(v))
        snprintf(got, len, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v))
        snprintf(got, len, "null");
    else if (cJSON_IsArray(v))
        snprintf(got, len, "an array");
    else
        snprintf(got, len, "an object");
}

int fl_schema_valid(const schema_key *k, const cJSON *v)
{
    switch (k->type) {
    case SCHEMA_NUM:
        if ((k->flags & SCHEMA_INF) && cJSON_IsString(v) && strcmp(v->valuestring, "inf") == 0)
            return 0;
        if (cJSON_IsNumber(v) && v->valuedouble >= k->lo && v->valuedouble <= k->hi)
            return 0;
        break;
    case SCHEMA_INT:
        if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) && v->valuedouble >= k->lo &&
            v->valuedouble <= k->hi)
            return 0;
        break;
    case SCHEMA_ENUM:
        if (cJSON_IsString(v) && fl_schema_enum_index(k, v->valuestring) >= 0)
            return 0;
        break;
    case SCHEMA_STR:
        if (cJSON_IsString(v) && strlen(v->valuestring) < k->size)
            return 0;
        break;
    }
    return -EINVAL;
}

int fl_schema_check(const schema_key *k, const cJSON *v, const char *where, schema_report *r)
{
    if (!fl_schema_valid(k, v))
        return 0;
    char allowed[160], got[64];
    schema_allowed(k, allowed, sizeof allowed);
    schema_got(v, got, sizeof got);
    if (k->type == SCHEMA_STR)
        return fl_schema_fail(r, "%s: must be %s (under %zu characters), got %s", where, allowed, k->size, got);
    if (k->type == SCHEMA_ENUM || !cJSON_IsNumber(v) || (k->type == SCHEMA_INT && v->valuedouble != floor(v->valuedouble)))
        return fl_schema_fail(r, "%s: must be %s, got %s", where, allowed, got);
    if (k->type == SCHEMA_INT)
        return fl_schema_fail(r, "%s: must be in [%.0f, %.0f], got %s", where, k->lo, k->hi, got);
    return fl_schema_fail(r, "%s: must be in [%g, %g], got %s", where, k->lo, k->hi, got);
}

/* Store number _x (in range: checked) into the field _p of _k. */
static void schema_set_num(const schema_key *k, double x, char *p)
{
    switch (k->store) {
    case SCHEMA_F64: { double v = x; memcpy(p, &v, sizeof v); break; }
    case SCHEMA_I32: { int v = (int)x; memcpy(p, &v, sizeof v); break; }
    case SCHEMA_U32: { uint32_t v = (uint32_t)x; memcpy(p, &v, sizeof v); break; }
    case SCHEMA_I64: { int64_t v = (int64_t)x; memcpy(p, &v, sizeof v); break; }
    default: break;
    }
}

static void schema_set_text(const schema_key *k, const char *s, char *p)
{
    if (k->type == SCHEMA_ENUM) {
        int v = -1; /* C enums here are int-sized (checked by test_scenario) */
        fl_schema_enum_value(k, s, &v);
        memcpy(p, &v, sizeof v);
    } else {
        snprintf(p, k->size, "%s", s);
    }
}

void fl_schema_set(const schema_key *k, const cJSON *v, fl_config *c)
{
    if (k->flags & SCHEMA_UNSET) {
        int one = 1;
        memcpy((char *)c + k->given_off, &one, sizeof one);
    }
    fl_schema_store(k, v, (char *)c + k->off);
}

void fl_schema_store(const schema_key *k, const cJSON *v, void *p)
{
    if (k->type == SCHEMA_NUM || k->type == SCHEMA_INT)
        schema_set_num(k, cJSON_IsString(v) ? INFINITY : v->valuedouble, p);
    else
        schema_set_text(k, v->valuestring, p);
}

void fl_schema_defaults(fl_config *c)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < SCHEMA_NKEYS; i++) {
        const schema_key *k = &schema_keys[i];
        if (k->type == SCHEMA_NUM || k->type == SCHEMA_INT)
            schema_set_num(k, k->def_num, (char *)c + k->off);
        else
            schema_set_text(k, k->def_str, (char *)c + k->off);
    }
}

cJSON *fl_schema_default_json(const schema_key *k, const char *file)
{
    if (k->flags & SCHEMA_UNSET)
        return NULL;
    /* JSON has no infinity: an "inf" default is written as the string "inf" */
    if (k->type == SCHEMA_NUM && isinf(k->def_num) && (k->flags & SCHEMA_INF))
        return cJSON_CreateString("inf");
    if (k->type == SCHEMA_NUM || k->type == SCHEMA_INT)
        return cJSON_CreateNumber(k->def_num);
    if (k->flags & SCHEMA_FILE_NAME) {
        const char *b = strrchr(file, '/');
        return cJSON_CreateString(b ? b + 1 : file);
    }
    return cJSON_CreateString(k->def_str);
}
