/* test_system: the discrete-event system layer (sim/system) against exact
 * sums and queueing theory:
 *   - perfect channel, one device, no contention: every frame's latency is
 *     exactly device + transmission + server time, components sum exactly;
 *   - one device, Poisson arrivals, no compute, a fixed rate far above the
 *     load, exponential service: M/M/1 (mean 1/(mu - lambda)); M/M/3 with 3
 *     workers (Erlang C); utilisation lambda / (c mu);
 *   - ARQ with a fixed packet error probability p and R retransmissions:
 *     loss p^(R+1), mean attempts (1 - p^(R+1)) / (1 - p) (binomial z-scores);
 *   - shared uplink, Poisson traffic, one packet per frame: round-robin TDMA
 *     is M/D/1 with the total load, FDMA is N M/D/1 queues with N times the
 *     transmission time (Bertsekas & Gallager, Data Networks, 2nd ed., §3.5);
 *   - determinism: same config, same records; adding a device leaves the
 *     others' arrivals unchanged; stale frames are dropped at the device.
 * Fixed seeds; estimates within two half-widths of their 95% batch-means
 * interval after MSER-5 warm-up deletion (about 4 standard errors).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/outstat.h"
#include "tests/testutil.h"
#include "sim/syscap.h"
#include "sim/syssum.h"
#include "sim/sysmodel.h"
#include "sim/system.h"
#include "sim/uplink.h"
#include "tests/sysrecs.h"

/* fixed-rate links of sim/uplink: 1 Mbit/s, and one so fast a frame takes 1 ps */
static uplink_cfg fixed_1m = {.model = UPLINK_FIXED, .fixed_rate_bps = 1e6};
static uplink_cfg fixed_fast = {.model = UPLINK_FIXED, .fixed_rate_bps = 1e15};

#define FINGERPRINT 0xd5c74c948b3e5639ull   /* see test_event_order_fingerprint */

/* one device, periodic, fixed rate, deterministic server */
static sys_config base_config(void)
{
    sys_config c = {0};
    c.ngroups = 1;
    c.groups[0] = (sys_group){.devices = 1, .arrival = SYS_PERIODIC, .frame_rate_hz = 1.0,
                              .frame_bits = 100000, .device_time_s = 0.1, .mean_snr_db = 20,
                              .compute_power_w = 10, .tx_power_w = 0.5};
    c.duration_s = 50;
    c.deadline_s = INFINITY;
    c.bandwidth_hz = 1e6;
    c.access = SYS_TDMA;
    c.packet_bits = 10000;
    c.link = fl_uplink_link;
    c.link_arg = &fixed_1m;
    c.workers = 1;
    c.service = SYS_SVC_DETERMINISTIC;
    c.service_mean_s = 0.2;
    c.pf_window = 100;
    c.outage_retry_s = 1e-3;
    c.seed = 5;
    return c;
}

static void check_close(const char *what, const outstat_est *e, double theory)
{
    assert_true(testutil_within_ci(what, e->est, e->ci_low, e->ci_high, theory));
}

/* latencies of counted frames in arrival order, after MSER-5 */
static void latency_mean(const sysrecs *r, double warmup, outstat_est *e)
{
    double *x = malloc(r->n * sizeof *x);
    size_t n = 0;
    /* records come in completion order; sort by arrival via frame number
     * (one device) or keep completion order (FIFO systems: the same) */
    for (size_t i = 0; i < r->n; i++)
        if (r->f[i].arrival_s >= warmup && !r->f[i].dropped)
            x[n++] = r->f[i].completion_s - r->f[i].arrival_s;
    size_t d = fl_outstat_mser5(x, n);
    fl_outstat_mean(x + d, n - d, OUTSTAT_BATCHES, e);
    free(x);
}

static void test_perfect_channel_components_sum_exactly(void **state)
{
    sys_config c = base_config();
    sysrecs r = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
    assert_int_equal(r.n, 50);
    for (size_t i = 0; i < r.n; i++) {
        const sys_frame *f = &r.f[i];
        double dev = f->encode_end_s - f->arrival_s, wait = f->first_tx_s - f->encode_end_s;
        double tx = f->delivered_s - f->first_tx_s, sw = f->server_start_s - f->delivered_s;
        double srv = f->completion_s - f->server_start_s;
        /* 0.1 s compute, 10 packets of 1e4 bits at 1 Mbit/s, 0.2 s server */
        assert_true(fabs(dev - 0.1) < 1e-12 && wait == 0.0 && fabs(tx - 0.1) < 1e-12);
        assert_true(sw == 0.0 && fabs(srv - 0.2) < 1e-12);
        assert_true(fabs(f->completion_s - f->arrival_s - 0.4) < 1e-12);
        assert_int_equal(f->packets, 10);
        assert_int_equal(f->retx, 0);
        assert_true(f->deadline_met);
        /* energy: 10 W x 0.1 s + 0.5 W x 0.1 s airtime */
        assert_true(fabs(f->energy_j - 1.05) < 1e-9);
    }
    /* utilisations over the whole run (no warm-up): 0.1 and 0.2 of each second */
    assert_true(fabs(t.uplink_utilisation - 0.1 * 50 / t.elapsed_s) < 1e-9);
    assert_true(fabs(t.server_utilisation - 0.2 * 50 / t.elapsed_s) < 1e-9);
    free(r.f);
}

/* M/M/c through the whole system: Poisson arrivals, no device compute, a
 * link so fast it adds 1 ps per frame, exponential service of mean 1 s */
static void run_mmc(unsigned c_workers, double lambda, uint32_t seed, sysrecs *r, sys_totals *t)
{
    sys_config c = base_config();
    c.groups[0].arrival = SYS_POISSON;
    c.groups[0].frame_rate_hz = lambda;
    c.groups[0].device_time_s = 0;
    c.groups[0].frame_bits = 1;
    c.packet_bits = 1;
    c.link_arg = &fixed_fast;
    c.workers = c_workers;
    c.service = SYS_SVC_EXPONENTIAL;
    c.service_mean_s = 1.0;
    c.duration_s = 300000.0 / lambda;
    c.warmup_s = 100.0;
    c.seed = seed;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, r, t), 0);
}

static double erlang_c(int c, double a)
{
    double term = 1.0, sum = 0.0;
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term * c / (c - a);
    return top / (sum + top);
}

static void test_mm1_and_mm3_through_the_system(void **state)
{
    sysrecs r = {0};
    sys_totals t;
    outstat_est e;
    run_mmc(1, 0.8, 21, &r, &t);
    latency_mean(&r, 100.0, &e);
    check_close("system as M/M/1: mean latency (s)", &e, 1.0 / (1.0 - 0.8));
    assert_true(fabs(t.server_utilisation - 0.8) < 0.01);
    r.n = 0;
    run_mmc(3, 2.4, 22, &r, &t);
    latency_mean(&r, 100.0, &e);
    check_close("system as M/M/3: mean latency (s)", &e, erlang_c(3, 2.4) / (3 - 2.4) + 1.0);
    assert_true(fabs(t.server_utilisation - 0.8) < 0.01);
    free(r.f);
}

static double fixed_per;

static int lossy_link(void *arg, uint32_t device, double snr_db, double bandwidth_hz,
                      uint64_t bits, double *rate_bps, double *per)
{
    *rate_bps = 1e6;
    *per = fixed_per;
    return 0;
}

static void test_arq_closed_forms(void **state)
{
    const double p = 0.3;
    const int R = 2;
    fixed_per = p;
    sys_config c = base_config();
    c.link = lossy_link;
    c.max_retx = R;
    c.duration_s = 4000;
    sysrecs r = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
    double packets = 0, attempts = 0, lost = 0;
    for (size_t i = 0; i < r.n; i++) {
        packets += r.f[i].packets;
        attempts += r.f[i].packets + r.f[i].retx;
        lost += r.f[i].lost_packets;
    }
    double ploss = pow(p, R + 1), mean_att = (1 - pow(p, R + 1)) / (1 - p);
    /* attempts per packet: values 1, 2, 3 with P = 1-p, p(1-p), p^2 */
    double ex2 = (1 - p) + 4 * p * (1 - p) + 9 * p * p;
    double sd_att = sqrt((ex2 - mean_att * mean_att) / packets);
    double z_att = (attempts / packets - mean_att) / sd_att;
    double z_loss = (lost / packets - ploss) / sqrt(ploss * (1 - ploss) / packets);
    printf("  ARQ: %.0f packets, attempts/packet %.5f (theory %.5f, z %+.2f), loss %.5f "
           "(theory %.5f, z %+.2f)\n", packets, attempts / packets, mean_att, z_att,
           lost / packets, ploss, z_loss);
    assert_true(fabs(z_att) < 4 && fabs(z_loss) < 4);
    free(r.f);
}

/* rate proportional to the band: 1 bit/s/Hz whatever the SNR */
static int band_link(void *arg, uint32_t device, double snr_db, double bandwidth_hz,
                     uint64_t bits, double *rate_bps, double *per)
{
    *rate_bps = bandwidth_hz;
    *per = 0;
    return 0;
}

static void uplink_only(sys_access a, uint32_t seed, sysrecs *r)
{
    sys_config c = base_config();
    c.groups[0] = (sys_group){.devices = 4, .arrival = SYS_POISSON, .frame_rate_hz = 0.15,
                              .frame_bits = 1000, .mean_snr_db = 10};
    c.bandwidth_hz = 1000;      /* full band: 1 s per frame; FDMA: 4 s */
    c.packet_bits = 1000;
    c.link = band_link;
    c.access = a;
    c.workers = 64;
    c.service_mean_s = 1e-9;
    c.duration_s = 400000;
    c.warmup_s = 1000;
    c.seed = seed;
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, r, &t), 0);
}

static void test_tdma_versus_fdma(void **state)
{
    sysrecs r = {0};
    outstat_est e;
    /* TDMA: M/D/1, lambda = 0.6, T = 1: W = T + lambda T^2 / (2 (1 - rho)) */
    uplink_only(SYS_TDMA, 31, &r);
    latency_mean(&r, 1000, &e);
    check_close("TDMA round robin mean delay (s)", &e, 1.0 + 0.6 / (2 * 0.4) + 1e-9);
    /* FDMA: each device M/D/1, lambda = 0.15, T = 4, rho = 0.6 */
    r.n = 0;
    uplink_only(SYS_FDMA, 31, &r);
    latency_mean(&r, 1000, &e);
    check_close("FDMA mean delay (s)", &e, 4.0 + 0.15 * 16 / (2 * 0.4) + 1e-9);
    free(r.f);
}

static uint64_t fingerprint(const sysrecs *r, uint32_t device)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < r->n; i++) {
        if (r->f[i].device != device) continue;
        double v[2] = {r->f[i].arrival_s, (double)r->f[i].retx};
        const unsigned char *b = (const unsigned char *)v;
        for (size_t k = 0; k < sizeof v; k++) h = (h ^ b[k]) * 1099511628211ull;
    }
    return h;
}

static void test_determinism_and_device_independence(void **state)
{
    fixed_per = 0.2;
    sys_config c = base_config();
    c.groups[0].devices = 3;
    c.groups[0].arrival = SYS_POISSON;
    c.link = lossy_link;
    c.max_retx = 3;
    sysrecs a = {0}, b = {0}, d = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &a, &t), 0);
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &b, &t), 0);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.f, b.f, a.n * sizeof *a.f);
    c.groups[0].devices = 4;    /* one more device: the others' draws stay */
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &d, &t), 0);
    for (uint32_t k = 0; k < 3; k++) assert_true(fingerprint(&a, k) == fingerprint(&d, k));
    free(a.f);
    free(b.f);
    free(d.f);
}

static void test_stale_frames_dropped(void **state)
{
    sys_config c = base_config();
    c.groups[0].frame_rate_hz = 20;    /* 20 frames/s, 0.1 s of airtime each */
    c.groups[0].device_time_s = 0.0;
    c.duration_s = 10;
    c.deadline_s = 0.5;
    c.late = SYS_LATE_DROP;
    sysrecs r = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
    size_t dropped = 0;
    for (size_t i = 0; i < r.n; i++) {
        if (r.f[i].dropped == 1) {
            dropped++;
            assert_false(r.f[i].deadline_met);
            assert_true(isnan(r.f[i].completion_s));
        } else {
            /* started within the deadline */
            assert_true(r.f[i].first_tx_s - r.f[i].arrival_s <= 0.5 + 1e-12);
        }
    }
    assert_int_equal(r.n, 200);
    /* the uplink carries 10 frames/s of 20: about half are dropped */
    printf("  stale: %zu of %zu dropped\n", dropped, r.n);
    assert_true(dropped > 80 && dropped < 120);
    free(r.f);
}

static int calls;

/* outage on every other call: each packet is deferred once */
static int flaky_link(void *arg, uint32_t device, double snr_db, double bandwidth_hz,
                      uint64_t bits, double *rate_bps, double *per)
{
    *rate_bps = calls++ % 2 ? 1e6 : 0.0;
    *per = 0;
    return 0;
}

static void test_outage_defers_by_the_retry_time(void **state)
{
    sys_config c = base_config();
    c.link = flaky_link;
    c.packet_bits = 100000;        /* one packet per frame */
    c.outage_retry_s = 0.004;
    calls = 0;
    sysrecs r = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
    assert_int_equal(t.outages, 50);
    for (size_t i = 0; i < r.n; i++) {
        /* 0.1 compute + 4 ms deferred + 0.1 s on air + 0.2 s server */
        assert_true(fabs(r.f[i].first_tx_s - r.f[i].encode_end_s - 0.004) < 1e-12);
        assert_true(fabs(r.f[i].completion_s - r.f[i].arrival_s - 0.404) < 1e-12);
    }
    free(r.f);
}

/* capacity search on a TDMA uplink that is M/D/1 with the total load:
 * W(N) = T + N lambda T^2 / (2 (1 - N lambda T)); the closed-form largest N
 * with W <= target, against the bisection (within one device: each probe's
 * estimate is noisy near the boundary) */
static void test_capacity_search_against_md1(void **state)
{
    const double lambda = 0.02, T = 1.0, target = 2.0;
    sys_config c = base_config();
    c.groups[0] = (sys_group){.devices = 1, .arrival = SYS_POISSON, .frame_rate_hz = lambda,
                              .frame_bits = 1000, .mean_snr_db = 10};
    c.bandwidth_hz = 1000;
    c.packet_bits = 1000;
    c.link = band_link;
    c.workers = 256;
    c.service_mean_s = 1e-9;
    c.duration_s = 200000;
    c.warmup_s = 1000;
    uint32_t want = 0;
    for (uint32_t n = 1; n < 50; n++) {
        double rho = n * lambda * T;
        if (rho < 1 && T + n * lambda * T * T / (2 * (1 - rho)) <= target) want = n;
    }
    syscap_result r;
    assert_int_equal(fl_syscap_max_devices(&c, 0, 1, 49, SYSCAP_MEAN, target, &r), 0);
    printf("  max devices with mean delay <= %.1f s: %u (closed form %u), %d probes, "
           "W(N) %.4g, W(N+1) %.4g\n", target, r.n, want, r.probes, r.value, r.next);
    assert_true(r.n + 1 >= want && r.n <= want + 1);
    assert_true(r.value <= target && r.next > target);
    assert_true(r.probes <= 2 + 6);     /* bisection: log2(48) probes */
}

/* Event-order fingerprint: FNV-1a over every record of a run that mixes
 * ties (periodic arrivals on a common grid), ARQ, PF scheduling, fading and
 * EDF. The constant is this run's fingerprint when the order rule was last
 * changed on purpose; any other change of event order, tie breaking or
 * random-stream layout changes it. Update it only with a commit that says
 * why the order changed. */
static void test_event_order_fingerprint(void **state)
{
    static uplink_cfg sh = {.model = UPLINK_SHANNON, .gap_db = 0.0, .min_snr_db = -5.0};
    fixed_per = 0.1;
    sys_config c = base_config();
    c.groups[0] = (sys_group){.devices = 6, .arrival = SYS_PERIODIC, .frame_rate_hz = 4.0,
                              .frame_bits = 30000, .device_time_s = 0.01, .mean_snr_db = 5,
                              .shadowing_db = 3, .compute_power_w = 5, .tx_power_w = 0.2};
    c.ngroups = 2;
    c.groups[1] = c.groups[0];
    c.groups[1].arrival = SYS_POISSON;
    c.groups[1].devices = 3;
    c.access = SYS_PF;
    c.link = fl_uplink_link;
    c.link_arg = &sh;
    c.doppler_hz = 20;
    c.bandwidth_hz = 2e6;
    c.packet_bits = 8000;
    c.max_retx = 2;
    c.workers = 2;
    c.discipline = STATION_EDF;
    c.deadline_s = 0.3;
    c.service = SYS_SVC_EXPONENTIAL;
    c.service_mean_s = 0.05;
    c.duration_s = 30;
    sysrecs r = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < r.n; i++) {
        /* integers only: who, which frame, when (integer ticks), what happened */
        const sys_frame *f = &r.f[i];
        int64_t v[11] = {f->device, (int64_t)f->frame, llround(f->arrival_s * 1e12),
                         isnan(f->first_tx_s) ? -1 : llround(f->first_tx_s * 1e12),
                         isnan(f->completion_s) ? -1 : llround(f->completion_s * 1e12),
                         f->retx, f->lost_packets, f->dropped, f->deadline_met, f->packets,
                         isnan(f->server_start_s) ? -1 : llround(f->server_start_s * 1e12)};
        const unsigned char *b = (const unsigned char *)v;
        for (size_t k = 0; k < sizeof v; k++) h = (h ^ b[k]) * 1099511628211ull;
    }
    printf("  %zu frames, %llu outages, fingerprint 0x%016llx\n", r.n,
           (unsigned long long)t.outages, (unsigned long long)h);
    assert_true(r.n > 500);
    assert_true(h == FINGERPRINT);
    free(r.f);
}

static void test_bad_config(void **state)
{
    sys_config c = base_config();
    char why[256];
    assert_int_equal(fl_sys_check(&c, why, sizeof why), 0);
    c.groups[0].jitter_s = 0.6;    /* more than half the period */
    assert_int_equal(fl_sys_check(&c, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "jitter"));
    c = base_config();
    c.workers = 0;
    assert_int_equal(fl_sys_check(&c, why, sizeof why), -EINVAL);
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, NULL, NULL, &t), -EINVAL);
}

static void test_component_models_by_hand(void **state)
{
    sysmodel_device d = fl_sysmodel_device_default();
    /* 0.67e12 FLOP / (0.3 x 5.3e12 FLOP/s) + 5 ms */
    assert_true(fabs(fl_sysmodel_device_time_s(&d) - (0.67e12 / 1.59e12 + 0.005)) < 1e-12);
    /* 23 dBm, 40 dB at 1 m, n = 3, 100 m: PL = 100 dB; noise -174 + 70 + 7 = -97 dBm */
    sysmodel_radio r = {.tx_power_dbm = 23, .pl_d0_db = 40, .d0_m = 1, .exponent = 3,
                        .distance_m = 100, .noise_figure_db = 7, .bandwidth_hz = 1e7};
    assert_true(fabs(fl_sysmodel_snr_db(&r) - 20.0) < 1e-12);
    sysmodel_server s = fl_sysmodel_server_default();
    /* (729 + 64) / 11000 + 2 ms + 32 / 61 */
    assert_true(fabs(fl_sysmodel_server_time_s(&s) - (793.0 / 11000 + 0.002 + 32.0 / 61)) < 1e-12);
    s.prefill_quad_s_per_token2 = 1e-8;
    assert_true(fabs(fl_sysmodel_server_time_s(&s) - (793.0 / 11000 + 0.002 + 32.0 / 61 + 793.0 * 793 * 1e-8)) < 1e-12);
}

/* the summary of an M/M/1 run: mean, quantiles of the exponential sojourn
 * (rate mu - lambda = 0.2), miss rate P(T > 10) = e^-2, utilisation */
static void test_summary_of_mm1(void **state)
{
    sys_config c = base_config();
    c.groups[0].arrival = SYS_POISSON;
    c.groups[0].frame_rate_hz = 0.8;
    c.groups[0].device_time_s = 0;
    c.groups[0].frame_bits = 1;
    c.packet_bits = 1;
    c.link_arg = &fixed_fast;
    c.service = SYS_SVC_EXPONENTIAL;
    c.service_mean_s = 1.0;
    c.duration_s = 400000;
    c.warmup_s = 100;
    c.deadline_s = 10;
    c.seed = 41;
    syssum_acc a;
    fl_syssum_init(&a, c.warmup_s);
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, fl_syssum_add, &a, &t), 0);
    syssum s;
    assert_int_equal(fl_syssum_finish(&a, &t, &s), 0);
    check_close("summary: latency mean (s)", &s.latency, 5.0);
    check_close("summary: p50 (s)", &s.p50, log(2.0) / 0.2);
    check_close("summary: p95 (s)", &s.p95, log(20.0) / 0.2);
    check_close("summary: p99 (s)", &s.p99, log(100.0) / 0.2);
    check_close("summary: deadline miss rate", &s.miss_rate, exp(-2.0));
    assert_true(fabs(s.server_utilisation - 0.8) < 0.01);
    assert_true(fabs(s.goodput_bps - 0.8) < 0.01);   /* 1 bit per frame */
    assert_int_equal(s.saturated, 0);
    assert_int_equal(s.p99_few_frames, 0);
    /* components: no compute, 1 ps on air; the rest is the server */
    assert_true(s.device_time_mean_s == 0.0 && s.tx_time_mean_s < 1e-11);
    assert_true(fabs(s.server_wait_mean_s + s.server_time_mean_s - s.latency.est) < 1e-9);
    fl_syssum_free(&a);
    /* overload: lambda 1.2 > mu: flagged */
    c.groups[0].frame_rate_hz = 1.2;
    c.duration_s = 2000;
    fl_syssum_init(&a, c.warmup_s);
    assert_int_equal(fl_sys_run(&c, fl_syssum_add, &a, &t), 0);
    assert_int_equal(fl_syssum_finish(&a, &t, &s), 0);
    assert_int_equal(s.saturated, 1);
    fl_syssum_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perfect_channel_components_sum_exactly),
        cmocka_unit_test(test_mm1_and_mm3_through_the_system),
        cmocka_unit_test(test_arq_closed_forms),
        cmocka_unit_test(test_tdma_versus_fdma),
        cmocka_unit_test(test_determinism_and_device_independence),
        cmocka_unit_test(test_stale_frames_dropped),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_capacity_search_against_md1),
        cmocka_unit_test(test_event_order_fingerprint),
        cmocka_unit_test(test_outage_defers_by_the_retry_time),
        cmocka_unit_test(test_component_models_by_hand),
        cmocka_unit_test(test_summary_of_mm1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
