/* sysmodel: see sysmodel.h for the formulas and the defaults' sources. */
#include "sim/sysmodel.h"

#include <math.h>

sysmodel_device fl_sysmodel_device_default(void)
{
    return (sysmodel_device){.patches = 1, .flops_per_patch = SYSMODEL_SIGLIP_FLOPS_PER_PATCH,
                             .peak_flops = SYSMODEL_ORIN_PEAK_FLOPS,
                             .efficiency = SYSMODEL_ORIN_EFFICIENCY, .overhead_s = 0.005,
                             .codec_s_per_element = 0.0,
                             .elements = SYSMODEL_SIGLIP_TOKENS * SYSMODEL_SIGLIP_DIMS};
}

sysmodel_server fl_sysmodel_server_default(void)
{
    return (sysmodel_server){.decode_s_per_element = 0.0, .projector_s = 0.002,
                             .prefill_tokens_per_s = SYSMODEL_4090_PREFILL_TOKENS_PER_S,
                             .prefill_quad_s_per_token2 = 0.0,
                             .decode_tokens_per_s = SYSMODEL_4090_DECODE_TOKENS_PER_S,
                             .visual_tokens = SYSMODEL_SIGLIP_TOKENS, .text_tokens = 64,
                             .output_tokens = 32,
                             .elements = SYSMODEL_SIGLIP_TOKENS * SYSMODEL_SIGLIP_DIMS};
}

double fl_sysmodel_device_time_s(const sysmodel_device *d)
{
    return d->patches * d->flops_per_patch / (d->efficiency * d->peak_flops) + d->overhead_s +
           d->codec_s_per_element * d->elements;
}

double fl_sysmodel_snr_db(const sysmodel_radio *r)
{
    double pl = r->pl_d0_db + 10.0 * r->exponent * log10(r->distance_m / r->d0_m);
    double noise_dbm = -174.0 + 10.0 * log10(r->bandwidth_hz) + r->noise_figure_db;
    return r->tx_power_dbm - pl - noise_dbm;
}

double fl_sysmodel_server_time_s(const sysmodel_server *s)
{
    double tok = s->visual_tokens + s->text_tokens;
    return s->decode_s_per_element * s->elements + s->projector_s +
           tok / s->prefill_tokens_per_s + s->prefill_quad_s_per_token2 * tok * tok +
           s->output_tokens / s->decode_tokens_per_s;
}
