/* config: one sweep point's configuration (fl_config), the domains it is
 * made of (source, codec, link, channel, modem, metrics, stop, system,
 * device, uplink, server) and their enums. Every field is filled from one
 * row of the scenario schema (sim/schema.c); sim/scenario.h loads and
 * expands scenarios into these. A header of its own so that the schema,
 * the sweep expansion and the key rules (which fill and check a config)
 * and the frame stages (which read one) do not depend on the loader.
 */
#ifndef FEATLINK_CONFIG_H
#define FEATLINK_CONFIG_H

#include "channel/ber.h"
#include "channel/conv.h"
#include "channel/phy.h"
#include "codec/pinr.h"
#include "codec/source.h"
#include "codec/tofc.h"

#include <stddef.h>
#include <stdint.h>

#include "sim/syscap.h"
#include "sim/system.h"
#include "sim/uplink.h"

#define SCN_ERR_LEN 512
#define SCN_PATH_LEN 1024
#define SCN_MAX_SWEEP 16
#define SCN_MAX_ERRORS 50
#define SCN_MAX_POINTS 10000000LL

/* Keys whose choices are a codec/ or channel/ enum hold that enum (the
 * schema row maps each choice to its value, sim/schema.c): source.law
 * (source_law), codec.index_coding (pinr_index), codec.quant (tofc_quant),
 * codec.entropy (tofc_entropy), link.fec (conv_rate; none is
 * CONV_RATE_NONE), channel.kind (phy_channel), channel.fading (phy_fading;
 * jakes is PHY_FADING_GAINS, the gains of a channel/jakes process),
 * modem.scheme (modem_scheme, bits per symbol) and modem.demap (ber_demap:
 * hard, or the exact LLRs). The enums below are sim/'s own: where the
 * tensor comes from (sim/frame), which frame pipeline a point runs
 * (codec.select: none and merge are TOFC points, pinr the PINR pipeline of
 * sim/pinr_stage), the link model (sim/link) and the metrics reference
 * (sim/measure). */
typedef enum { SRC_SYNTHETIC, SRC_HDF5, SRC_NPY, SRC_BITS } src_kind;
typedef enum { SEL_NONE, SEL_PINR, SEL_MERGE } sel_kind;
typedef enum { LINK_CAPACITY, LINK_DIGITAL, LINK_ANALOG } link_kind;
typedef enum { REF_NONE, REF_CLEAN, REF_SAME_SNR } ref_kind;

/* where the tensor comes from (source.*) */
typedef struct {
    src_kind kind;
    int64_t  patches;         /* 3-D sources: patches x tokens x dims; 1 = 2-D */
    int64_t  tokens;          /* Nt */
    int64_t  dims;            /* Ns (symbols per token) */
    int      bits;            /* Nb, bits per transmitted symbol (1..64) */
    char     path[SCN_PATH_LEN];
    char     dataset[256];
    /* synthetic "clip-like" generator (codec/source.h) */
    source_law law;
    int      clusters;        /* token clusters */
    double   cluster_spread;  /* within-cluster std / between-cluster std */
    double   tail;            /* Pareto shape of per-dimension scales (>2) */
    int      outlier_dims;    /* dimensions with outlier_gain x scale */
    double   outlier_gain;
    double   scale;           /* overall scale */
} scn_source;

/* token selection, quantiser and entropy coder (codec.*) */
typedef struct {
    sel_kind   select;
    double     f, g, h;
    pinr_index index_coding;
    int        clusters;      /* n_c per patch (merge) */
    int        knn;           /* K of DPC-KNN */
    tofc_quant quant;
    double     step;          /* uniform quantiser step Δ */
    double     deadzone;      /* dead-zone rounding offset in [0, 0.5]; 0.5 = plain rounding */
    double     lambda;        /* RDOQ Lagrange multiplier */
    tofc_entropy entropy;
    int        models;        /* n_e Laplacian scale profiles */
} scn_codec;

/* the link model (link.*) */
typedef struct {
    link_kind mode;
    double    budget_s;
    double    bandwidth_hz;
    int       packet_bytes;
    conv_rate fec;
    int       viterbi_bits;  /* Viterbi metric precision, 16 or 8 */
} scn_link;

/* the channel (channel.*) */
typedef struct {
    phy_channel kind;
    double      snr_db;       /* Es/N0 per complex symbol (= SNR) */
    double      ebn0_db;      /* Eb/N0 per information bit */
    int         has_ebn0;     /* 1: ebn0_db was given and rules */
    double      k_factor;     /* Rician K (linear) */
    double      doppler_hz;   /* maximum Doppler f_d */
    double      symbol_rate_hz;
    double      outage_eps;   /* outage level of the eps-outage capacity */
    phy_fading  fading;
    int64_t     block_symbols;/* coherence block length for fading=block */
} scn_channel;

/* modulation and demapping (modem.*) */
typedef struct {
    modem_scheme scheme;
    ber_demap    demap;
} scn_modem;

/* the proxy metrics (metrics.*) */
typedef struct {
    ref_kind reference;
    char     projector[SCN_PATH_LEN];   /* "" = none */
} scn_metrics;

/* Monte-Carlo stopping rules of BER runs (stop.*) */
typedef struct {
    int64_t min_errors;
    int64_t max_bits;
} scn_stop;

/* The discrete-event system layer (system.*, device.*, uplink.*,
 * server.*; sim/system.h). system.devices = 0: no system run, the point is
 * one frame pipeline as before; >= 1: the point's codec frame is sent by
 * that many devices over a shared uplink to an edge server. */
typedef enum { DEV_COMPUTE_MODEL = 0, DEV_COMPUTE_NONE = 1 } dev_compute;
typedef enum { CQI_NR = 0, CQI_LTE = 1 } cqi_table_kind;
typedef enum { PER_CLOSED_FORM = 0, PER_BIT_TRUE = 1 } per_model_kind;   /* sim/bittrue.h */
/* a device's mean SNR: device.snr_db, or from its distance (fl_sysmodel_snr_db) */
typedef enum { SNR_MODEL_FIXED = 0, SNR_MODEL_PATHLOSS = 1 } snr_model_kind;

typedef enum { SYS_FIND_NONE = 0, SYS_FIND_MAX_DEVICES = 1 } sys_find;

/* One element of system.groups[] (sim/groups.h): a group of devices with
 * its own count, arrivals and codec. Each member has a schema row
 * "system.groups[].MEMBER" (sim/schema.c) whose fallback is the top-level
 * key of the same name (system.devices, codec.f, ...): a member not given
 * takes that key's value at the point (fl_groups_resolve). */
#define SCN_MAX_GROUPS 8
typedef struct {
    int64_t     devices;
    sys_arrival arrival;
    double      frame_rate_hz, jitter_s;
    char        trace_file[SCN_PATH_LEN];
    scn_codec   codec;
    double      codec_s_per_element;   /* device.codec_s_per_element */
    double      decode_s_per_element;  /* server.decode_s_per_element */
    uint64_t    given;                 /* bit j: member row j was given */
} scn_group;

typedef struct {
    int64_t         devices;
    sys_arrival     arrival;
    double          frame_rate_hz, jitter_s, duration_s, warmup_s, deadline_s;
    sys_late_policy late;
    sys_find        find;           /* max_devices: capacity search (sim/syscap) */
    syscap_metric   find_metric;
    double          find_target;
    int64_t         find_max;
    int64_t         max_frame_records; /* most /frames records of a run, 0: none (sim/frametab) */
    char            trace_file[SCN_PATH_LEN]; /* system.arrival = trace (sim/trace) */
} scn_system;

typedef struct {
    dev_compute compute;
    double      flops_per_patch, peak_flops, efficiency, overhead_s, codec_s_per_element;
    double      compute_power_w, tx_power_w, snr_db, shadowing_db;
    double      distance_m, tx_power_dbm; /* uplink.snr_model pathloss */
} scn_device;

typedef struct {
    double            bandwidth_hz;
    sys_access        access;
    uplink_rate_model rate_model;     /* sim/uplink.h */
    cqi_table_kind    cqi_table;
    int               uncoded_bits;
    per_model_kind    per_model;
    double            rate_bps, gap_db, min_snr_db;
    int64_t           packet_bits;
    int               max_retx;
    sys_lost_policy   lost;
    double            doppler_hz, k_factor;
    int               pf_window;
    double            outage_retry_s;
    snr_model_kind    snr_model;
    double            pathloss_exponent, pathloss_ref_db, pathloss_ref_m, noise_figure_db;
} scn_uplink;

typedef struct {
    int                workers;
    station_discipline discipline;
    sys_service        service;
    double             service_mean_s, prefill_tokens_per_s, prefill_quad_s_per_token2;
    double             decode_tokens_per_s, text_tokens, output_tokens, projector_s, decode_s_per_element;
    int                batch_max;          /* sim/batch: 1 = no batching */
    double             batch_max_wait_s;
} scn_server;

/* One point: the domains above plus the run keys (name, seed, trials).
 * Every field is filled from one row of the schema (sim/schema.c). */
typedef struct {
    char     name[128];
    uint32_t seed;                /* Philox key word 0 (docs/design-notes.md §5) */

    scn_source  source;
    scn_codec   codec;
    scn_link    link;
    scn_channel channel;
    scn_modem   modem;
    scn_metrics metrics;
    int64_t     trials;
    scn_stop    stop;
    scn_system  system;
    scn_device  device;
    scn_uplink  uplink;
    scn_server  server;

    /* system.groups[] (sim/groups.h): 0 = none (one group of system.devices).
     * Last, so that a point's config is copied only as far as the groups it
     * has (scenario.c: a 10^7-point validation copies 4 KiB a point, not 13) */
    int         ngroups;
    scn_group   groups[SCN_MAX_GROUPS];
} fl_config;

/* 1 when _c runs the system layer: system.devices >= 1 or system.groups given */
static inline int fl_config_system_on(const fl_config *c)
{
    return c->system.devices > 0 || c->ngroups > 0;
}


#endif
