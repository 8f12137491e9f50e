/* keyrules: cross-key checks and inert keys (keyrules.h). */
#include "sim/keyrules.h"
#include "sim/trace.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* " (sweep point N)" when _point >= 0 */
static const char *keyrules_at(int64_t point, char *buf, size_t len)
{
    buf[0] = 0;
    if (point >= 0)
        snprintf(buf, len, " (sweep point %lld)", (long long)point);
    return buf;
}

/* ------------------------------------------------------------------ */
/* inert keys */

typedef struct {
    const char *keys;     /* ','-separated keys made inert */
    int (*inert)(const fl_config *c);
    const char *because;  /* the key (and value) that makes them inert */
} inert_rule;

static int in_select_none(const fl_config *c) { return c->codec.select == SEL_NONE; }
static int in_select_pinr(const fl_config *c) { return c->codec.select == SEL_PINR; }
static int in_select_merge(const fl_config *c) { return c->codec.select == SEL_MERGE; }
/* the TOFC pipeline runs (sim/point.c): it merges or selects nothing */
static int in_rd_pinr(const fl_config *c)
{
    return c->codec.select == SEL_PINR && c->source.kind != SRC_BITS &&
           (c->codec.quant != TOFC_QUANT_FP32 || c->codec.entropy != TOFC_ENTROPY_RAW);
}
static int in_file_source(const fl_config *c) { return c->source.kind == SRC_NPY || c->source.kind == SRC_HDF5; }
static int in_npy(const fl_config *c) { return c->source.kind == SRC_NPY; }
static int in_not_file(const fl_config *c) { return !in_file_source(c); }
static int in_iid_law(const fl_config *c) { return !in_file_source(c) && c->source.law != SOURCE_LAW_CLIP; }
static int in_bits(const fl_config *c) { return c->source.kind == SRC_BITS; }
static int in_not_bits(const fl_config *c) { return c->source.kind != SRC_BITS; }
static int in_bits_not_digital(const fl_config *c) { return c->source.kind == SRC_BITS && c->link.mode != LINK_DIGITAL; }
static int in_no_step(const fl_config *c) { return c->codec.quant != TOFC_QUANT_UNIFORM && c->codec.quant != TOFC_QUANT_RDOQ; }
static int in_no_rdoq(const fl_config *c) { return c->codec.quant != TOFC_QUANT_RDOQ; }
static int in_raw(const fl_config *c) { return c->codec.entropy != TOFC_ENTROPY_LAPLACE; }
static int in_no_modem(const fl_config *c) { return c->link.mode != LINK_DIGITAL && c->source.kind != SRC_BITS; }
static int in_awgn(const fl_config *c) { return c->channel.kind == PHY_AWGN; }
static int in_no_fec(const fl_config *c) { return c->link.fec == CONV_RATE_NONE; }
static int in_rayleigh(const fl_config *c) { return c->channel.kind == PHY_RAYLEIGH; }
static int in_not_block(const fl_config *c) { return c->channel.kind != PHY_AWGN && c->channel.fading != PHY_FADING_BLOCK; }
static int in_not_jakes(const fl_config *c) { return c->channel.kind != PHY_AWGN && c->channel.fading != PHY_FADING_GAINS; }
static int in_ebn0(const fl_config *c) { return c->channel.has_ebn0; }
static int in_no_system(const fl_config *c) { return !fl_config_system_on(c); }
static int in_no_device_model(const fl_config *c) { return fl_config_system_on(c) && c->device.compute != DEV_COMPUTE_MODEL; }
static int in_not_fixed(const fl_config *c) { return fl_config_system_on(c) && c->uplink.rate_model != UPLINK_FIXED; }
static int in_fixed(const fl_config *c) { return fl_config_system_on(c) && c->uplink.rate_model == UPLINK_FIXED; }
static int in_not_shannon(const fl_config *c) { return fl_config_system_on(c) && c->uplink.rate_model != UPLINK_SHANNON; }
static int in_not_nr(const fl_config *c) { return fl_config_system_on(c) && c->uplink.rate_model != UPLINK_MCS_NR; }
static int in_mcs(const fl_config *c)
{
    return fl_config_system_on(c) && (c->uplink.rate_model == UPLINK_MCS_NR || c->uplink.rate_model == UPLINK_MCS_AX);
}
static int in_not_pf(const fl_config *c) { return fl_config_system_on(c) && c->uplink.access != SYS_PF; }
static int in_snr_fixed(const fl_config *c) { return fl_config_system_on(c) && c->uplink.snr_model == SNR_MODEL_FIXED; }
static int in_snr_pathloss(const fl_config *c) { return fl_config_system_on(c) && c->uplink.snr_model == SNR_MODEL_PATHLOSS; }
static int in_no_fading(const fl_config *c) { return fl_config_system_on(c) && c->uplink.doppler_hz == 0; }
static int in_server_dist(const fl_config *c) { return fl_config_system_on(c) && c->server.service != SYS_SVC_MODEL; }
static int in_server_model(const fl_config *c) { return fl_config_system_on(c) && c->server.service == SYS_SVC_MODEL; }
static int in_not_periodic(const fl_config *c) { return fl_config_system_on(c) && c->system.arrival != SYS_PERIODIC; }
static int in_not_trace(const fl_config *c) { return fl_config_system_on(c) && c->system.arrival != SYS_TRACE; }
static int in_no_find(const fl_config *c) { return fl_config_system_on(c) && c->system.find == SYS_FIND_NONE; }
static int in_no_batch(const fl_config *c) { return fl_config_system_on(c) && c->server.batch_max == 1; }
static int in_no_deadline(const fl_config *c) { return fl_config_system_on(c) && !(c->system.deadline_s < INFINITY); }

static const inert_rule inert_rules[] = {
    {"codec.f,codec.g,codec.h,codec.index_coding,codec.clusters,codec.knn", in_select_none,
     "codec.select is \"none\" (no token selection)"},
    {"codec.clusters,codec.knn", in_select_pinr, "codec.select is \"pinr\" (DPC-KNN keys are for \"merge\")"},
    {"codec.f,codec.g,codec.h,codec.index_coding", in_select_merge,
     "codec.select is \"merge\" (PINR keys are for \"pinr\")"},
    {"codec.select,codec.f,codec.g,codec.h,codec.index_coding", in_rd_pinr,
     "codec.quant/codec.entropy select the rate-distortion (TOFC) pipeline, which does no PINR selection "
     "(PINR needs codec.quant fp32 and codec.entropy raw)"},
    {"source.patches,source.tokens,source.dims,source.law,source.clusters,source.cluster_spread,source.tail,"
     "source.outlier_dims,source.outlier_gain,source.scale", in_file_source,
     "source.kind is a file (its shape and values come from the file)"},
    {"source.dataset", in_npy, "source.kind is \"npy\" (a .npy file holds one array)"},
    {"source.path,source.dataset", in_not_file, "source.kind is not \"npy\" or \"hdf5\""},
    {"source.clusters,source.cluster_spread,source.tail,source.outlier_dims,source.outlier_gain", in_iid_law,
     "source.law is not \"clip\" (i.i.d. laws have no clusters or outliers)"},
    {"codec.select,codec.f,codec.g,codec.h,codec.index_coding,codec.clusters,codec.knn,codec.quant,codec.step,"
     "codec.deadzone,codec.lambda,codec.entropy,codec.models,source.patches,source.tokens,source.dims,source.law,"
     "source.clusters,source.cluster_spread,source.tail,source.outlier_dims,source.outlier_gain,source.scale,"
     "source.bits,metrics.reference,metrics.projector,trials,link.budget_s,link.bandwidth_hz,system.devices",
     in_bits, "source.kind is \"bits\" (a BER run: random bits through the digital link)"},
    {"link.mode", in_bits_not_digital, "source.kind is \"bits\" (BER runs always use the digital link)"},
    {"stop.min_errors,stop.max_bits", in_not_bits, "source.kind is not \"bits\" (stopping rules are for BER runs)"},
    {"codec.step,codec.deadzone", in_no_step, "codec.quant is not \"uniform\" or \"rdoq\""},
    {"codec.lambda", in_no_rdoq, "codec.quant is not \"rdoq\""},
    {"codec.models", in_raw, "codec.entropy is not \"laplace\""},
    {"modem.scheme,modem.demap,link.packet_bytes,link.fec,link.viterbi_metric_bits,channel.symbol_rate_hz",
     in_no_modem, "link.mode is not \"digital\""},
    {"link.viterbi_metric_bits", in_no_fec, "link.fec is \"none\" (no Viterbi decoder)"},
    {"channel.k_factor,channel.doppler_hz,channel.fading,channel.block_symbols,channel.outage_eps", in_awgn,
     "channel.kind is \"awgn\" (no fading)"},
    {"channel.k_factor", in_rayleigh, "channel.kind is \"rayleigh\" (K is for \"rician\")"},
    {"channel.block_symbols", in_not_block, "channel.fading is not \"block\""},
    {"channel.doppler_hz", in_not_jakes, "channel.fading is not \"jakes\""},
    {"channel.snr_db", in_ebn0, "channel.ebn0_db is given (Eb/N0 rules)"},
    /* one cause, two rules: tests/test_scenario reads a list into 1 KiB */
    {"system.find,system.find_metric,system.find_target,system.find_max,system.arrival,system.frame_rate_hz,"
     "system.jitter_s,system.duration_s,system.warmup_s,system.deadline_s,system.late,device.compute,"
     "device.flops_per_patch,device.peak_flops,device.efficiency,device.overhead_s,device.codec_s_per_element,"
     "device.compute_power_w,device.tx_power_w,device.snr_db,device.shadowing_db,device.distance_m,"
     "device.tx_power_dbm", in_no_system,
     "system.devices is 0 and no system.groups are given (no system run)"},
    {"uplink.bandwidth_hz,uplink.snr_model,uplink.pathloss_exponent,uplink.pathloss_ref_db,"
     "uplink.pathloss_ref_m,uplink.noise_figure_db,uplink.access,uplink.rate_model,uplink.cqi_table,"
     "uplink.uncoded_bits,uplink.per_model,uplink.rate_bps,uplink.gap_db,uplink.min_snr_db,uplink.packet_bits,"
     "uplink.max_retx,uplink.lost,uplink.doppler_hz,uplink.k_factor,uplink.pf_window,uplink.outage_retry_s,"
     "server.workers,server.discipline,server.service,server.service_mean_s,server.prefill_tokens_per_s,"
     "server.prefill_quad_s_per_token2,server.decode_tokens_per_s,server.text_tokens,server.output_tokens,"
     "server.projector_s,server.decode_s_per_element,server.batch_max,server.batch_max_wait_s", in_no_system,
     "system.devices is 0 and no system.groups are given (no system run)"},
    {"device.flops_per_patch,device.peak_flops,device.efficiency,device.overhead_s,device.codec_s_per_element",
     in_no_device_model, "device.compute is \"none\""},
    {"uplink.rate_bps", in_not_fixed, "uplink.rate_model is not \"fixed\""},
    {"uplink.outage_retry_s", in_fixed, "uplink.rate_model is \"fixed\" (no SNR dependence, no outage)"},
    {"uplink.gap_db,uplink.min_snr_db", in_not_shannon, "uplink.rate_model is not \"shannon\""},
    {"uplink.cqi_table", in_not_nr, "uplink.rate_model is not \"mcs_nr\""},
    {"uplink.uncoded_bits", in_mcs, "uplink.rate_model is an MCS table (its coded PER model rules)"},
    {"uplink.pf_window", in_not_pf, "uplink.access is not \"pf\""},
    {"uplink.k_factor", in_no_fading, "uplink.doppler_hz is 0 (no fading)"},
    {"device.distance_m,device.tx_power_dbm,uplink.pathloss_exponent,uplink.pathloss_ref_db,uplink.pathloss_ref_m,"
     "uplink.noise_figure_db", in_snr_fixed, "uplink.snr_model is \"fixed\" (device.snr_db sets the mean SNR)"},
    {"device.snr_db", in_snr_pathloss, "uplink.snr_model is \"pathloss\" (the distance sets the mean SNR)"},
    {"server.prefill_tokens_per_s,server.prefill_quad_s_per_token2,server.decode_tokens_per_s,server.text_tokens,"
     "server.output_tokens,server.projector_s,server.decode_s_per_element", in_server_dist,
     "server.service is a distribution (only server.service_mean_s sets it)"},
    {"server.service_mean_s", in_server_model, "server.service is \"model\""},
    {"system.jitter_s", in_not_periodic, "system.arrival is not \"periodic\""},
    {"system.find_metric,system.find_target,system.find_max", in_no_find, "system.find is \"none\""},
    {"system.trace_file", in_not_trace, "system.arrival is not \"trace\""},
    {"system.late", in_no_deadline, "system.deadline_s is \"inf\" (no deadline)"},
    {"server.batch_max_wait_s", in_no_batch, "server.batch_max is 1 (no batching)"},
};
#define NRULES ((int)(sizeof inert_rules / sizeof inert_rules[0]))
_Static_assert(NRULES <= KEYRULES_MAX, "at most 64 inert rules (a uint64_t of fired rules)");

int fl_keyrules_count(void) { return NRULES; }
const char *fl_keyrules_keys(int r) { return r >= 0 && r < NRULES ? inert_rules[r].keys : ""; }

/* The schema index of the _j-th key of rule _r's list (-1 past its end);
 * every name in the lists is a schema key (checked by test_scenario). */
static int rule_key(int r, int j)
{
    const char *k = inert_rules[r].keys;
    for (; j > 0 && k; j--) {
        k = strchr(k, ',');
        k = k ? k + 1 : NULL;
    }
    if (!k || !*k)
        return -1;
    char key[64];
    size_t n = strcspn(k, ",");
    snprintf(key, sizeof key, "%.*s", (int)n, k);
    const schema_key *d = fl_schema_find(key);
    return d ? fl_schema_index(d) : -1;
}

void fl_keyrules_prepare(const unsigned char *given, int *first)
{
    for (int r = 0; r < NRULES; r++) {
        first[r] = -1;
        for (int j = 0, k; first[r] < 0 && (k = rule_key(r, j)) >= 0; j++)
            if (given[k])
                first[r] = k;
    }
}

int fl_keyrules_inert(const fl_config *c, const int *first, int64_t point, schema_report *r)
{
    for (int i = 0; i < NRULES; i++) {
        if (first[i] < 0 || !inert_rules[i].inert(c))
            continue;
        char at[64];
        return fl_schema_fail(r, "$.%s%s: has no effect because %s; remove it", fl_schema_at(first[i])->key,
                           keyrules_at(point, at, sizeof at), inert_rules[i].because);
    }
    return 0;
}

uint64_t fl_keyrules_fired(const fl_config *c)
{
    uint64_t f = 0;
    for (int i = 0; i < NRULES; i++)
        if (inert_rules[i].inert(c))
            f |= UINT64_C(1) << i;
    return f;
}

void fl_keyrules_mask(uint64_t fired, unsigned char *inert)
{
    for (int i = 0; i < NRULES; i++)
        if (fired >> i & 1)
            for (int j = 0, k; (k = rule_key(i, j)) >= 0; j++)
                inert[k] = 1;
}

/* ------------------------------------------------------------------ */
/* cross-key limits */

static int keyrules_source(const fl_config *c, const char *at, schema_report *r)
{
    if (c->source.kind == SRC_SYNTHETIC || c->source.kind == SRC_BITS) {
        double n = (double)c->source.patches * (double)c->source.tokens * (double)c->source.dims;
        if (n > (double)KEYRULES_MAX_ELEMENTS)
            return fl_schema_fail(r, "$.source.tokens%s: patches x tokens x dims = %.0f elements exceeds the limit "
                               "of 2^30 (allowed: patches*tokens*dims <= 1073741824)", at, n);
        if (c->source.outlier_dims > c->source.dims)
            return fl_schema_fail(r, "$.source.outlier_dims%s: must be in [0, source.dims = %lld], got %d", at,
                               (long long)c->source.dims, c->source.outlier_dims);
    }
    if ((c->source.kind == SRC_HDF5 || c->source.kind == SRC_NPY) && !c->source.path[0])
        return fl_schema_fail(r, "$.source.path%s: required when source.kind is %s (allowed: a readable file)", at,
                           c->source.kind == SRC_HDF5 ? "hdf5" : "npy");
    return 0;
}

/* the system layer's limits across keys (sim/system.c fl_sys_check holds the same) */
static int keyrules_system(const fl_config *c, const char *at, schema_report *r)
{
    const scn_system *y = &c->system;
    if (!fl_config_system_on(c))
        return 0;
    if (y->warmup_s >= y->duration_s)
        return fl_schema_fail(r, "$.system.warmup_s%s: must be below system.duration_s (%g s), got %g", at,
                           y->duration_s, y->warmup_s);
    if (y->arrival == SYS_PERIODIC && y->jitter_s >= 0.5 / y->frame_rate_hz)
        return fl_schema_fail(r, "$.system.jitter_s%s: must be below half the period (%g s), got %g", at,
                           0.5 / y->frame_rate_hz, y->jitter_s);
    if (y->arrival == SYS_TRACE && !y->trace_file[0])
        return fl_schema_fail(r, "$.system.trace_file%s: system.arrival \"trace\" needs a trace file", at);
    if (y->arrival == SYS_TRACE && y->find != SYS_FIND_NONE)
        return fl_schema_fail(r, "$.system.find%s: must be \"none\" with system.arrival \"trace\" (the trace "
                           "fixes the devices)", at);
    if (c->trials > 4096)
        return fl_schema_fail(r, "$.trials%s: a system run's replications must be at most 4096 (distinct fading "
                           "streams), got %lld", at, (long long)c->trials);
    int ub = c->uplink.uncoded_bits;
    if (ub != 0 && ub != 1 && ub != 2 && ub != 4 && ub != 6 && ub != 8)
        return fl_schema_fail(r, "$.uplink.uncoded_bits%s: must be 0, 1, 2, 4, 6 or 8, got %d", at, ub);
    if (c->uplink.per_model == PER_BIT_TRUE &&
        (ub == 0 || (c->uplink.rate_model != UPLINK_SHANNON && c->uplink.rate_model != UPLINK_FIXED)))
        return fl_schema_fail(r, "$.uplink.per_model%s: \"bit_true\" needs uplink.rate_model shannon or fixed with "
                           "uplink.uncoded_bits 1, 2, 4, 6 or 8 (no coded MCS chain), got %s with %d", at,
                           fl_uplink_rate_model_name(c->uplink.rate_model), ub);
    if ((double)y->devices * y->frame_rate_hz * y->duration_s > 1e9)
        return fl_schema_fail(r, "$.system.duration_s%s: devices x frame rate x duration must be at most 1e9 frames, "
                           "got %.3g", at, (double)y->devices * y->frame_rate_hz * y->duration_s);
    return 0;
}

int fl_keyrules_check(const fl_config *c, int64_t point, schema_report *r)
{
    char at[64];
    keyrules_at(point, at, sizeof at);
    int rc = keyrules_source(c, at, r);
    if (rc)
        return rc;
    if (c->codec.select == SEL_MERGE && c->source.kind != SRC_HDF5 && c->source.kind != SRC_NPY &&
        c->codec.knn >= c->source.tokens)
        return fl_schema_fail(r, "$.codec.knn%s: must be in [1, source.tokens-1 = %lld], got %d", at,
                           (long long)c->source.tokens - 1, c->codec.knn);
    if ((c->link.mode == LINK_DIGITAL || c->source.kind == SRC_BITS) && !c->channel.has_ebn0 &&
        !isfinite(c->channel.snr_db))
        return fl_schema_fail(r, "$.channel.snr_db%s: must be finite for a digital link or BER run "
                           "(allowed: a number in [-100, 300])", at);
    if (c->codec.entropy == TOFC_ENTROPY_LAPLACE && c->codec.quant != TOFC_QUANT_UNIFORM && c->codec.quant != TOFC_QUANT_RDOQ)
        return fl_schema_fail(r, "$.codec.entropy%s: \"laplace\" codes integer levels: needs codec.quant "
                           "uniform or rdoq (allowed: raw with fp32/fp16/bf16)", at);
    if (c->stop.min_errors > c->stop.max_bits)
        return fl_schema_fail(r, "$.stop.min_errors%s: must be <= stop.max_bits (%lld), got %lld", at,
                           (long long)c->stop.max_bits, (long long)c->stop.min_errors);
    return keyrules_system(c, at, r);
}

int fl_keyrules_file_needed(const fl_config *c, const schema_key *k)
{
    const char *path = (const char *)c + k->off;
    if (!(k->flags & SCHEMA_PATH) || !path[0])
        return 0;
    if (k->off == offsetof(fl_config, source.path))
        return c->source.kind == SRC_HDF5 || c->source.kind == SRC_NPY;
    if (k->off == offsetof(fl_config, system.trace_file))
        return fl_config_system_on(c) && c->ngroups == 0 && c->system.arrival == SYS_TRACE;
    return 1;
}

int fl_keyrules_file(const fl_config *c, const schema_key *k, int64_t point, schema_report *r)
{
    const char *path = (const char *)c + k->off;
    char at[64];
    keyrules_at(point, at, sizeof at);
    if (!fl_keyrules_file_needed(c, k))
        return 0;
    if (access(path, R_OK) != 0)
        return fl_schema_fail(r, "$.%s%s: file \"%s\" does not exist or is not readable", k->key, at, path);
    if (k->off != offsetof(fl_config, system.trace_file))
        return 0;
    trace t;   /* a trace is read whole here, so a bad one stops the run before it starts */
    char why[384];
    int rc = fl_trace_load(path, (uint32_t)c->system.devices, &t, why, sizeof why);
    fl_trace_free(&t);
    return rc ? fl_schema_fail(r, "$.%s%s: %s", k->key, at, why) : 0;
}

int fl_keyrules_files(const fl_config *c, int64_t point, schema_report *r)
{
    for (int i = 0; i < fl_schema_count(); i++) {
        int rc = fl_keyrules_file(c, fl_schema_at(i), point, r);
        if (rc)
            return rc;
    }
    return 0;
}
