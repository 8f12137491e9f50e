/* bench_system: the whole system layer on one core — 10,000 devices, 10
 * simulated minutes, Poisson frames at 0.1833 Hz per device (about 1.1 M
 * frames, PureEdgeSim's published case size), two packets per frame over a
 * shared 100 MHz TDMA uplink with per-device Jakes fading (f_d 10 Hz,
 * evaluated at every attempt) and ARQ (Shannon rate with a 3 dB gap, outage below 0 dB, retry after 5 ms),
 * 8 server workers with exponential service. Prints events/s, frames/s and
 * wall time, with the CPU model and load average; absolute figures only.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sim/syssum.h"
#include "sim/system.h"
#include "sim/uplink.h"
#include "tests/bench_info.h"

static unsigned long frames;
static int count(void *arg, const sys_frame *f)
{
    frames++;
    return fl_syssum_add(arg, f);
}

int main(void)
{
    bench_header("system layer, 10,000 devices");
    static uplink_cfg sh = {.model = UPLINK_SHANNON, .gap_db = 3.0, .min_snr_db = 0.0};
    sys_config c = {0};
    c.ngroups = 1;
    c.groups[0] = (sys_group){.devices = 10000, .arrival = SYS_POISSON, .frame_rate_hz = 0.18333,
                              .frame_bits = 20000, .device_time_s = 0.05, .mean_snr_db = 20,
                              .shadowing_db = 4, .compute_power_w = 10, .tx_power_w = 0.2};
    c.duration_s = 600;
    c.warmup_s = 10;
    c.deadline_s = 0.5;
    c.bandwidth_hz = 100e6;
    c.access = SYS_TDMA;
    c.packet_bits = 12000;
    c.max_retx = 3;
    c.doppler_hz = 10;
    c.link = fl_uplink_link;
    c.link_arg = &sh;
    c.outage_retry_s = 0.005;
    c.workers = 8;
    c.service = SYS_SVC_EXPONENTIAL;
    c.service_mean_s = 0.003;
    c.pf_window = 100;
    c.seed = 1;
    for (int round = 0; round < 3; round++) {
        syssum_acc a;
        fl_syssum_init(&a, c.warmup_s);
        sys_totals t;
        frames = 0;
        double t0 = bench_cpu_s(), w0 = bench_now_s();
        int rc = fl_sys_run(&c, count, &a, &t);
        double dt = bench_cpu_s() - t0, wall = bench_now_s() - w0;
        syssum s;
        fl_syssum_finish(&a, &t, &s);
        printf("10,000 devices, 600 s simulated: %lu frames in %.2f s CPU (%.2f s wall; %.3g frames/s of CPU), rc %d; "
               "latency mean %.4g s, p99 %.4g s, uplink %.3f, server %.3f busy\n",
               frames, dt, wall, frames / dt, rc, s.latency.est, s.p99.est, s.uplink_utilisation,
               s.server_utilisation);
        fl_syssum_free(&a);
    }
    return 0;
}
