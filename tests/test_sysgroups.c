/* test_sysgroups: device groups of sim/system (sys_config.groups[],
 * several groups of devices, each with its own traffic and frame, in one
 * run; devices numbered globally in group order):
 *   - two Poisson groups, lambda1 = 0.3/s (one device) and lambda2 = 0.5/s
 *     (two devices of 0.25/s), into one exponential server of mu = 1/s
 *     with a link so fast it adds 1 ps: the merged arrivals are Poisson of
 *     lambda1 + lambda2, an M/M/1 queue, mean sojourn 1/(mu - lambda1 -
 *     lambda2) = 5 s for the frames of each group (FIFO, Poisson arrivals see
 *     time averages: Kleinrock, Queueing Systems I, §3.2), checked within
 *     two half-widths of the batch-means 95% interval after MSER-5;
 *     per-group frame counts against lambda_i T (Poisson counts: z-score,
 *     |z| < 4); every record carries its group's frame size;
 *   - appending a group leaves the earlier devices' per-frame draws
 *     unchanged: same seed, one group, then the same group and another
 *     after it: group 0's arrival times, retransmissions, lost packets and
 *     (exponential) service times are identical frame by frame.
 */
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
#include "sim/system.h"
#include "sim/uplink.h"
#include "tests/sysrecs.h"
#include "tests/testutil.h"

static uplink_cfg fast = {.model = UPLINK_FIXED, .fixed_rate_bps = 1e15};

static sys_group poisson_group(uint32_t devices, double rate, uint64_t bits)
{
    return (sys_group){.devices = devices, .arrival = SYS_POISSON, .frame_rate_hz = rate, .frame_bits = bits,
                       .mean_snr_db = 20};
}

static sys_config two_groups(void)
{
    sys_config c = {0};
    c.ngroups = 2;
    c.groups[0] = poisson_group(1, 0.3, 1);
    c.groups[1] = poisson_group(2, 0.25, 7);
    c.duration_s = 400000;
    c.warmup_s = 100;
    c.deadline_s = INFINITY;
    c.bandwidth_hz = 1e6;
    c.access = SYS_TDMA;
    c.packet_bits = 8;
    c.link = fl_uplink_link;
    c.link_arg = &fast;
    c.workers = 1;
    c.service = SYS_SVC_EXPONENTIAL;
    c.service_mean_s = 1.0;
    c.pf_window = 100;
    c.outage_retry_s = 1e-3;
    c.seed = 91;
    return c;
}

static int by_arrival(const void *a, const void *b)
{
    double x = ((const sys_frame *)a)->arrival_s, y = ((const sys_frame *)b)->arrival_s;
    return (x > y) - (x < y);
}

static void test_two_poisson_groups_mm1(void **state)
{
    (void)state;
    sys_config c = two_groups();
    sysrecs r = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
    qsort(r.f, r.n, sizeof *r.f, by_arrival);
    double *x = malloc(r.n * sizeof *x);
    assert_non_null(x);
    const double lambda[2] = {0.3, 0.5}, T = c.duration_s - c.warmup_s;
    for (uint32_t g = 0; g < 2; g++) {
        size_t n = 0;
        for (size_t i = 0; i < r.n; i++) {
            assert_true(r.f[i].bits == c.groups[r.f[i].group].frame_bits);
            if (r.f[i].group == g && r.f[i].arrival_s >= c.warmup_s)
                x[n++] = r.f[i].completion_s - r.f[i].arrival_s;
        }
        double z = ((double)n - lambda[g] * T) / sqrt(lambda[g] * T);
        printf("group %u: %zu frames after warm-up, lambda T = %.0f, z = %+.2f\n", g, n, lambda[g] * T, z);
        assert_true(fabs(z) < 4);
        size_t d = fl_outstat_mser5(x, n);
        outstat_est e;
        fl_outstat_mean(x + d, n - d, OUTSTAT_BATCHES, &e);
        char what[96];
        snprintf(what, sizeof what, "group %u in M/M/1 of lambda1 + lambda2: mean sojourn (s)", g);
        assert_true(testutil_within_ci(what, e.est, e.ci_low, e.ci_high, 1.0 / (1.0 - 0.8)));
    }
    printf("server utilisation %.4f (lambda/mu = 0.8)\n", t.server_utilisation);
    assert_true(fabs(t.server_utilisation - 0.8) < 0.01);
    free(x);
    free(r.f);
}

static double lossy_per;

static int lossy_link(void *arg, uint32_t device, double snr_db, double bandwidth_hz, uint64_t bits,
                      double *rate_bps, double *per)
{
    *rate_bps = 1e6;
    *per = lossy_per;
    return 0;
}

static int by_device_frame(const void *a, const void *b)
{
    const sys_frame *x = a, *y = b;
    if (x->device != y->device) return (x->device > y->device) - (x->device < y->device);
    return (x->frame > y->frame) - (x->frame < y->frame);
}

/* group 0's records of _c, sorted by (device, frame), into *_r */
static void group0_records(const sys_config *c, sysrecs *r)
{
    sys_totals t;
    sysrecs all = {0};
    assert_int_equal(fl_sys_run(c, sysrecs_keep, &all, &t), 0);
    r->n = 0;
    for (size_t i = 0; i < all.n; i++)
        if (all.f[i].group == 0) assert_int_equal(sysrecs_keep(r, &all.f[i]), 0);
    qsort(r->f, r->n, sizeof *r->f, by_device_frame);
    free(all.f);
}

static void test_appending_a_group_keeps_draws(void **state)
{
    (void)state;
    lossy_per = 0.3;
    sys_config c = two_groups();
    c.ngroups = 1;
    c.groups[0] = poisson_group(3, 0.5, 40);
    c.duration_s = 2000;
    c.warmup_s = 0;
    c.link = lossy_link;
    c.max_retx = 2;
    c.service_mean_s = 0.3;
    sysrecs one = {0}, two = {0};
    group0_records(&c, &one);
    c.ngroups = 2;
    c.groups[1] = poisson_group(2, 1.0, 100);
    group0_records(&c, &two);
    printf("group 0: %zu frames alone, %zu beside a second group\n", one.n, two.n);
    assert_true(one.n > 2000);
    assert_int_equal(one.n, two.n);
    size_t retx = 0, differ_latency = 0;
    for (size_t i = 0; i < one.n; i++) {
        const sys_frame *a = &one.f[i], *b = &two.f[i];
        assert_true(a->device == b->device && a->frame == b->frame);
        assert_true(a->arrival_s == b->arrival_s);
        assert_int_equal(a->retx, b->retx);
        assert_int_equal(a->lost_packets, b->lost_packets);
        assert_true(fabs((a->completion_s - a->server_start_s) - (b->completion_s - b->server_start_s)) < 1e-11);
        retx += a->retx;
        differ_latency += a->completion_s != b->completion_s;
    }
    /* the draws are the same, the queues are not: the second group delays some frames */
    printf("retransmissions %zu; frames whose completion moved: %zu\n", retx, differ_latency);
    assert_true(retx > 0 && differ_latency > 0);
    free(one.f);
    free(two.f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_poisson_groups_mm1),
        cmocka_unit_test(test_appending_a_group_keeps_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
