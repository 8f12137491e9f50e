/* syspoint: see syspoint.h. */
#include "sim/syspoint.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bittrue.h"
#include "sim/frametab.h"
#include "sim/sysgroups.h"
#include "sim/syssum.h"
#include "sim/sysmodel.h"

double fl_syspoint_visual_tokens(const fl_config *c)
{
    double nt = (double)c->source.tokens, patches = (double)c->source.patches;
    if (c->codec.select == SEL_MERGE) return (double)c->codec.clusters * patches;
    if (c->codec.select == SEL_PINR) return patches * (nt - round(c->codec.f * nt));
    return patches * nt;
}

static double device_time_s(const fl_config *c)
{
    if (c->device.compute == DEV_COMPUTE_NONE) return 0.0;
    sysmodel_device d = {.patches = (double)c->source.patches, .flops_per_patch = c->device.flops_per_patch,
                         .peak_flops = c->device.peak_flops, .efficiency = c->device.efficiency,
                         .overhead_s = c->device.overhead_s,
                         .codec_s_per_element = c->device.codec_s_per_element,
                         .elements = (double)c->source.patches * c->source.tokens * c->source.dims};
    return fl_sysmodel_device_time_s(&d);
}

static double server_time_s(const fl_config *c)
{
    sysmodel_server s = {.decode_s_per_element = c->server.decode_s_per_element,
                         .projector_s = c->server.projector_s,
                         .prefill_tokens_per_s = c->server.prefill_tokens_per_s,
                         .prefill_quad_s_per_token2 = c->server.prefill_quad_s_per_token2,
                         .decode_tokens_per_s = c->server.decode_tokens_per_s,
                         .visual_tokens = fl_syspoint_visual_tokens(c), .text_tokens = c->server.text_tokens,
                         .output_tokens = c->server.output_tokens,
                         .elements = (double)c->source.patches * c->source.tokens * c->source.dims};
    return fl_sysmodel_server_time_s(&s);
}

/* The group's mean SNR over the full band: device.snr_db, or the
 * log-distance path-loss budget of fl_sysmodel_snr_db (device.shadowing_db
 * is the per-device X_sigma, drawn in sim/system). */
double fl_syspoint_mean_snr_db(const fl_config *c)
{
    if (c->uplink.snr_model == SNR_MODEL_FIXED) return c->device.snr_db;
    sysmodel_radio r = {.tx_power_dbm = c->device.tx_power_dbm, .pl_d0_db = c->uplink.pathloss_ref_db,
                        .d0_m = c->uplink.pathloss_ref_m, .exponent = c->uplink.pathloss_exponent,
                        .distance_m = c->device.distance_m, .noise_figure_db = c->uplink.noise_figure_db,
                        .bandwidth_hz = c->uplink.bandwidth_hz};
    return fl_sysmodel_snr_db(&r);
}

int fl_syspoint_config(const fl_config *c, int64_t point, double frame_bits, sys_config *s, uplink_cfg *u)
{
    if (!(frame_bits >= 1 && frame_bits < 1.8e19) || point < 0) return -EINVAL;
    if (fl_uplink_cfg_init(u, c->uplink.rate_model)) return -EINVAL;
    u->gap_db = c->uplink.gap_db;
    u->min_snr_db = c->uplink.min_snr_db;
    u->fixed_rate_bps = c->uplink.rate_bps;
    u->uncoded_bits = (unsigned)c->uplink.uncoded_bits;
    if (c->uplink.rate_model == UPLINK_MCS_NR)
        u->table = fl_mcs_table_find(c->uplink.cqi_table == CQI_LTE ? "lte_cqi" : "nr_cqi");
    if (fl_uplink_cfg_check(u)) return -EINVAL;
    const scn_uplink *up = &c->uplink;
    const scn_server *sv = &c->server;
    /* everything not named here is 0 / NULL (sys_config in sim/system.h) */
    *s = (sys_config){.ngroups = 1, .duration_s = c->system.duration_s, .warmup_s = c->system.warmup_s,
                      .deadline_s = c->system.deadline_s, .late = c->system.late,
                      .bandwidth_hz = up->bandwidth_hz, .access = up->access,
                      .packet_bits = (uint32_t)up->packet_bits, .max_retx = up->max_retx, .lost = up->lost,
                      .doppler_hz = up->doppler_hz, .k_factor = up->k_factor, .pf_window = up->pf_window,
                      .outage_retry_s = up->outage_retry_s, .link = fl_uplink_link, .link_arg = u,
                      .workers = (unsigned)sv->workers, .discipline = sv->discipline, .service = sv->service,
                      .service_mean_s = sv->service_mean_s, .batch_max = (unsigned)sv->batch_max,
                      .batch_max_wait_s = sv->batch_max_wait_s, .seed = c->seed, .point = (uint32_t)point};
    s->groups[0] = (sys_group){.devices = (uint32_t)c->system.devices, .arrival = c->system.arrival,
                               .frame_rate_hz = c->system.frame_rate_hz, .jitter_s = c->system.jitter_s,
                               .frame_bits = (uint64_t)llround(frame_bits), .device_time_s = device_time_s(c),
                               .mean_snr_db = fl_syspoint_mean_snr_db(c), .shadowing_db = c->device.shadowing_db,
                               .compute_power_w = c->device.compute_power_w,
                               .tx_power_w = c->device.tx_power_w, .server_time_s = server_time_s(c),
                               .server_shared_s = c->server.output_tokens / c->server.decode_tokens_per_s};
    return 0;
}

static int put_est(row *r, const char *name, const outstat_est *e, const char *unit)
{
    char n[64];
    int rc = fl_row_set(r, name, e->est, unit);
    snprintf(n, sizeof n, "%s_ci_low", name);
    rc = rc ? rc : fl_row_set(r, n, e->ci_low, unit);
    snprintf(n, sizeof n, "%s_ci_high", name);
    return rc ? rc : fl_row_set(r, n, e->ci_high, unit);
}

static int put_summary(row *r, const syssum *s, const sys_totals *t, const sys_config *y)
{
    const struct {
        const char *name;
        const outstat_est *e;
        const char *unit;
    } ests[] = {{"latency_mean_s", &s->latency, "s"}, {"latency_p50_s", &s->p50, "s"},
                {"latency_p95_s", &s->p95, "s"}, {"latency_p99_s", &s->p99, "s"},
                {"deadline_miss_rate", &s->miss_rate, ""}};
    int rc = 0;
    for (size_t i = 0; i < sizeof ests / sizeof ests[0] && !rc; i++)
        rc = put_est(r, ests[i].name, ests[i].e, ests[i].unit);
    const row_val cols[] = {
        {"device_time_mean_s", s->device_time_mean_s, "s"},
        {"uplink_wait_mean_s", s->uplink_wait_mean_s, "s"},
        {"tx_time_mean_s", s->tx_time_mean_s, "s"},
        {"server_wait_mean_s", s->server_wait_mean_s, "s"},
        {"server_time_mean_s", s->server_time_mean_s, "s"},
        {"uplink_utilisation", s->uplink_utilisation, ""},
        {"server_utilisation", s->server_utilisation, ""},
        {"goodput_bps", s->goodput_bps, "bit/s"},
        {"energy_mean_j", s->energy_mean_j, "J"},
        {"frames", s->frames, "frame"},
        {"dropped_frames", s->dropped_frames, "frame"},
        {"outages", (double)t->outages, ""},
        {"saturated", s->saturated, ""},
        {"p99_few_frames", s->p99_few_frames, ""},
        {"system_frame_bits", (double)y->groups[0].frame_bits, "bit"},
    };
    return rc ? rc : ROW_SET_ALL(r, cols);
}

/* combine replication _k's estimate into *_acc: mean over replications;
 * with >= 2 replications the interval is the t interval of the replication
 * estimates (independent runs: Law §9.4), else the run's own */
static void rep_combine(outstat_est *acc, const outstat_est *reps, int n)
{
    if (n == 1) {
        *acc = reps[0];
        return;
    }
    double m = 0.0, v = 0.0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(reps[i].est)) {
            m += reps[i].est;
            k++;
        }
    acc->est = k ? m / k : NAN;
    for (int i = 0; i < n; i++)
        if (!isnan(reps[i].est)) v += (reps[i].est - acc->est) * (reps[i].est - acc->est);
    double half = k >= 2 ? fl_outstat_t975(k - 1) * sqrt(v / (k - 1) / k) : NAN;
    acc->ci_low = acc->est - half;
    acc->ci_high = acc->est + half;
    acc->n = 0;
    for (int i = 0; i < n; i++) acc->n += reps[i].n;
}

/* the summary over _n replications _s[0.._n) into _out */
static void reps_summary(const syssum *s, int n, syssum *out, outstat_est *work)
{
    *out = s[0];
    const size_t offs[] = {offsetof(syssum, latency), offsetof(syssum, p50), offsetof(syssum, p95),
                           offsetof(syssum, p99), offsetof(syssum, miss_rate)};
    for (size_t j = 0; j < sizeof offs / sizeof offs[0]; j++) {
        for (int i = 0; i < n; i++) work[i] = *(const outstat_est *)((const char *)&s[i] + offs[j]);
        rep_combine((outstat_est *)((char *)out + offs[j]), work, n);
    }
    double *means[] = {&out->device_time_mean_s, &out->uplink_wait_mean_s, &out->tx_time_mean_s,
                       &out->server_wait_mean_s, &out->server_time_mean_s, &out->energy_mean_j,
                       &out->uplink_utilisation, &out->server_utilisation, &out->goodput_bps};
    for (size_t j = 0; j < sizeof means / sizeof means[0]; j++) {
        size_t off = (size_t)((char *)means[j] - (char *)out);
        double m = 0.0;
        for (int i = 0; i < n; i++) m += *(const double *)((const char *)&s[i] + off);
        *means[j] = m / n;
    }
    for (int i = 1; i < n; i++) {
        out->frames += s[i].frames;
        out->dropped_frames += s[i].dropped_frames;
        out->saturated |= s[i].saturated;
        out->p99_few_frames |= s[i].p99_few_frames;
    }
}

static int syspoint_cap_and_reps(const fl_config *c, sys_config *yp, row *r, frametab *frames, char *err,
                                 size_t len);

int fl_syspoint_run(const fl_config *c, int64_t point, row *r, char *err, size_t len)
{
    return fl_syspoint_run_frames(c, point, r, NULL, err, len);
}

int fl_syspoint_run_frames(const fl_config *c, int64_t point, row *r, frametab *frames, char *err, size_t len)
{
    if (frames) { /* this point's records only, none when the run keeps none */
        fl_frametab_reset(frames);
        frames->warmup_s = c->system.warmup_s;
        frames->max = c->system.max_frame_records;
        if (frames->max <= 0)
            frames = NULL;
    }
    const row_col *mb = fl_row_find(r, "measured_bits");
    if (!mb) {
        snprintf(err, len, "system run: the frame pipeline gave no measured_bits");
        return -EINVAL;
    }
    sys_config y;
    uplink_cfg u;
    int rc = fl_syspoint_config(c, point, mb->value, &y, &u);
    char why[384] = "";
    /* system.groups (sim/sysgroups) and traces (system.arrival = trace: the
     * arrivals, checked when the scenario loaded) */
    trace tr[SYS_MAX_GROUPS] = {{0}};
    if (!rc && (rc = fl_sysgroups_fill(c, point, r, &y, tr, err, len))) {
        fl_sysgroups_free(tr);
        return rc;
    }
    if (!rc) rc = fl_sys_check(&y, why, sizeof why);
    if (rc) {
        snprintf(err, len, "system run: %s", why[0] ? why : "bad frame size");
        fl_sysgroups_free(tr);
        return -EINVAL;
    }
    bittrue *bt = NULL;   /* uplink.per_model = bit_true: packets really sent */
    if (c->uplink.per_model == PER_BIT_TRUE && !(bt = fl_bittrue_create(&u))) {
        snprintf(err, len, "system run: bit_true needs an uncoded shannon or fixed uplink (or no memory)");
        rc = -EINVAL;
    } else if (bt) {
        y.attempt = fl_bittrue_attempt;
        y.attempt_arg = bt;
    }
    if (!rc) rc = syspoint_cap_and_reps(c, &y, r, frames, err, len);
    fl_bittrue_destroy(bt);
    fl_sysgroups_free(tr);
    return rc;
}

/* the capacity search (system.find) and the replications of a system point */
static int syspoint_cap_and_reps(const fl_config *c, sys_config *yp, row *r, frametab *frames, char *err,
                                 size_t len)
{
    sys_config y = *yp;
    int rc = 0;
    /* system.find = max_devices: search first, then summarise that count */
    syscap_result cap = {0};
    if (c->system.find == SYS_FIND_MAX_DEVICES) {
        rc = fl_syscap_max_devices(&y, 0, 1, (uint32_t)c->system.find_max, c->system.find_metric,
                                c->system.find_target, &cap);
        if (rc) {
            snprintf(err, len, "system capacity search failed (%s)", strerror(-rc));
            return rc;
        }
        y.groups[0].devices = cap.n ? cap.n : 1;
    }
    /* replications: trials independent runs (trial word t of every draw) */
    int n = (int)c->trials;
    syssum *reps = calloc((size_t)n, sizeof *reps);
    outstat_est *work = calloc((size_t)n, sizeof *work);
    sys_totals t, all = {0};
    if (!reps || !work) rc = -ENOMEM;
    for (int k = 0; !rc && k < n; k++) {
        y.trial = (uint32_t)k;
        if (frames)
            frames->trial_now = (uint32_t)k;
        rc = fl_syssum_run_tee(&y, &reps[k], &t, frames ? fl_frametab_add : NULL, frames);
        all.outages += t.outages;
    }
    syssum s;
    if (!rc) reps_summary(reps, n, &s, work);
    free(reps);
    free(work);
    if (rc) {
        snprintf(err, len, "system run failed (%s)", strerror(-rc));
        return rc;
    }
    rc = put_summary(r, &s, &all, &y);
    if (!rc && c->system.find == SYS_FIND_MAX_DEVICES) {
        rc = fl_row_set(r, "max_devices", cap.n, "device");
        rc = rc ? rc : fl_row_set(r, "max_devices_metric", cap.value, "");
        rc = rc ? rc : fl_row_set(r, "max_devices_next_metric", cap.next, "");
        rc = rc ? rc : fl_row_set(r, "max_devices_probes", cap.probes, "");
    }
    if (rc) snprintf(err, len, "too many result columns (%s)", strerror(-rc));
    return rc;
}
