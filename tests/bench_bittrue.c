/* bench_bittrue: what uplink.per_model = bit_true costs beside closed_form
 * (sim/bittrue against the closed-form PER draw of sim/system):
 *   - one attempt of a 12,000-bit packet, uncoded QPSK at 10 dB (the
 *     default uplink.packet_bits): thread CPU time per attempt, each way;
 *   - a whole system run: 50 devices, Poisson 2 frames/s of 4 packets,
 *     60 s simulated, fixed 100 Mbit/s uplink, uncoded QPSK at 14 dB, ARQ
 *     R = 3: thread CPU time of the run, each way, and their ratio.
 * Absolute figures with the CPU model and load average; medians of 3.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/bittrue.h"
#include "sim/syssum.h"
#include "sim/system.h"
#include "sim/uplink.h"
#include "tests/bench_info.h"

static double run_system(int bit_true, uint64_t *frames)
{
    uplink_cfg u;
    fl_uplink_cfg_init(&u, UPLINK_FIXED);
    u.fixed_rate_bps = 100e6;
    u.uncoded_bits = 2;
    bittrue *b = fl_bittrue_create(&u);
    sys_config c = {0};
    c.ngroups = 1;
    c.groups[0] = (sys_group){.devices = 50, .arrival = SYS_POISSON, .frame_rate_hz = 2.0, .frame_bits = 48000,
                              .mean_snr_db = 14.0};
    c.duration_s = 60;
    c.warmup_s = 1;
    c.deadline_s = INFINITY;
    c.bandwidth_hz = 50e6;
    c.access = SYS_TDMA;
    c.packet_bits = 12000;
    c.max_retx = 3;
    c.link = fl_uplink_link;
    c.link_arg = &u;
    c.attempt = bit_true ? fl_bittrue_attempt : NULL;
    c.attempt_arg = b;
    c.workers = 8;
    c.service = SYS_SVC_EXPONENTIAL;
    c.service_mean_s = 0.003;
    c.pf_window = 100;
    c.outage_retry_s = 0.005;
    c.seed = 1;
    syssum s;
    sys_totals t;
    double t0 = bench_cpu_s();
    int rc = fl_syssum_run(&c, &s, &t);
    double dt = bench_cpu_s() - t0;
    *frames = rc ? 0 : (uint64_t)s.frames;
    fl_bittrue_destroy(b);
    return rc ? NAN : dt;
}

int main(void)
{
    bench_header("bit_true packet errors against closed_form");
    uplink_cfg u;
    fl_uplink_cfg_init(&u, UPLINK_FIXED);
    u.fixed_rate_bps = 1e6;
    u.uncoded_bits = 2;
    bittrue *b = fl_bittrue_create(&u);
    const int n = 2000;
    double per_bt[3], per_cf[3];
    for (int round = 0; round < 3; round++) {
        int lost, sum = 0;
        double t0 = bench_cpu_s();
        for (int i = 0; i < n; i++) {
            sys_attempt a = {.seed = 1, .device = (uint32_t)i, .snr_db = 10.0, .bandwidth_hz = 1e6, .bits = 12000};
            fl_bittrue_attempt(b, &a, &lost);
            sum += lost;
        }
        per_bt[round] = (bench_cpu_s() - t0) / n;
        double rate, per, acc = 0;
        t0 = bench_cpu_s();
        for (int i = 0; i < 100 * n; i++) {
            fl_uplink_link(&u, 0, 10.0 + 1e-9 * i, 1e6, 12000, &rate, &per);
            acc += per;
        }
        per_cf[round] = (bench_cpu_s() - t0) / (100 * n);
        if (acc < 0 || sum < 0) return 1;
    }
    double bt = bench_median(per_bt, 3), cf = bench_median(per_cf, 3);
    printf("one 12,000-bit QPSK attempt: bit_true %.3g us, closed_form PER %.3g us (%.0fx)\n", bt * 1e6, cf * 1e6,
           bt / cf);
    fl_bittrue_destroy(b);
    double sy_bt[3], sy_cf[3];
    uint64_t f_bt = 0, f_cf = 0;
    for (int round = 0; round < 3; round++) {
        sy_cf[round] = run_system(0, &f_cf);
        sy_bt[round] = run_system(1, &f_bt);
    }
    double a = bench_median(sy_cf, 3), c = bench_median(sy_bt, 3);
    printf("system, 50 devices, 60 s, ~6,000 frames of 4 packets: closed_form %.3f s CPU (%llu frames), "
           "bit_true %.3f s CPU (%llu frames): %.1fx\n", a, (unsigned long long)f_cf, c,
           (unsigned long long)f_bt, c / a);
    return 0;
}
