/* sysmodel: the closed-form component models that feed the system layer
 * (sim/system) — how long a device computes, what mean SNR its distance
 * gives, how long the edge server takes per frame. Pure functions, one
 * formula each, so every number in a latency breakdown can be recomputed by
 * hand from the scenario.
 *
 * Defaults (what a scenario gets when it says nothing), with sources:
 *   encoder      SigLIP-SO400M/14 at 384 x 384: 729 patches-tokens x 1152
 *                features (Zhai et al., "Sigmoid loss for language image
 *                pre-training", ICCV 2023; paper 001 §V uses it), about
 *                0.67 TFLOP per 384 x 384 image (issue 9's figure: 2 x
 *                ~0.4 B parameters x 729 tokens ~ 0.6 TFLOP plus attention)
 *   device       Jetson AGX Orin class: 275 TOPS int8 sparse, about 5.3
 *                TFLOP/s dense FP32 on the GPU; efficiency 0.3 of peak; 40 W
 *   server       a 7B F16 LLM on an RTX 4090 (llama.cpp published figures):
 *                prefill about 11,000 tokens/s, decode about 61 tokens/s
 * Path loss: log-distance, PL(d) = PL(d0) + 10 n log10(d / d0) dB;
 * noise: -174 dBm/Hz + 10 log10(B) + NF; SNR = P_tx - PL - noise (dB).
 */
#ifndef FEATLINK_SYSMODEL_H
#define FEATLINK_SYSMODEL_H

typedef struct {
    double patches;            /* images (patches) per frame */
    double flops_per_patch;    /* encoder FLOP per patch */
    double peak_flops;         /* device peak FLOP/s */
    double efficiency;         /* fraction of peak reached, (0, 1] */
    double overhead_s;         /* fixed per frame (launch, I/O) */
    double codec_s_per_element;/* the codec's own cost per feature value */
    double elements;           /* feature values per frame (tokens x dims) */
} sysmodel_device;

typedef struct {
    double tx_power_dbm;
    double pl_d0_db;           /* path loss at d0 */
    double d0_m;
    double exponent;           /* n */
    double distance_m;
    double noise_figure_db;
    double bandwidth_hz;
} sysmodel_radio;

typedef struct {
    double decode_s_per_element;   /* entropy decode at the server */
    double projector_s;            /* vision projector per frame */
    double prefill_tokens_per_s;   /* linear prefill rate */
    double prefill_quad_s_per_token2; /* attention term: s per token^2 */
    double decode_tokens_per_s;    /* generation rate */
    double visual_tokens, text_tokens, output_tokens;
    double elements;               /* feature values to decode */
} sysmodel_server;

#define SYSMODEL_SIGLIP_FLOPS_PER_PATCH 0.67e12
#define SYSMODEL_SIGLIP_TOKENS 729
#define SYSMODEL_SIGLIP_DIMS 1152
#define SYSMODEL_ORIN_PEAK_FLOPS 5.3e12
#define SYSMODEL_ORIN_EFFICIENCY 0.3
#define SYSMODEL_4090_PREFILL_TOKENS_PER_S 11000.0
#define SYSMODEL_4090_DECODE_TOKENS_PER_S 61.0

//  fl_sysmodel_device_default : the defaults above (one patch, SigLIP, Orin)
sysmodel_device fl_sysmodel_device_default(void);
//  fl_sysmodel_server_default : the defaults above (7B F16 on a 4090, 729
//                            visual + 64 text tokens, 32 output tokens)
sysmodel_server fl_sysmodel_server_default(void);
//  fl_sysmodel_device_time_s : patches x FLOP / (efficiency x peak) + overhead
//                           + codec cost x elements (s)
double fl_sysmodel_device_time_s(const sysmodel_device *d);
//  fl_sysmodel_snr_db : mean SNR of _r (dB)
double fl_sysmodel_snr_db(const sysmodel_radio *r);
//  fl_sysmodel_server_time_s : decode + projector + prefill (linear + quadratic
//                           in visual + text tokens) + output / decode rate (s)
double fl_sysmodel_server_time_s(const sysmodel_server *s);

#endif
