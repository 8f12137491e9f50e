/* test_batch: server batching (sim/batch through sim/system) against values
 * computed by hand and queueing theory:
 *   - batch_max = 1 and 2 where no two requests ever wait together give the
 *     same records as no batching;
 *   - deterministic arrivals every 0.1 s, bulk service of 0.33 s, batches of
 *     at most 4 waiting at most 0.25 s: the batch sizes (3, 3, 4 in every
 *     second), each request's wait (worked out below), utilisation 0.99,
 *     Little's law L = lambda W with W from the table;
 *   - Poisson arrivals, exponential bulk service, greedy batches of up to K
 *     (M/M^[1,K]/1, Bailey 1954; Gross & Harris, Fundamentals of Queueing
 *     Theory, bulk service): waiting customers while busy are geometric,
 *     q_n = q_0 r^n, r the root in (0, 1) of mu z^(K+1) - (lambda + mu) z +
 *     lambda = 0, so Wq = q_0 r / ((1 - r)^2 lambda) with q_0 = 1 / (1 / (1 -
 *     r) + mu / lambda); Little's law at the server from the station's time
 *     integral against lambda x the frames' mean sojourn;
 *   - saturation with the LLM model: batches of b raise throughput by
 *     b (a + d) / (b a + d) (sim/batch.h).
 * Fixed seeds; statistical checks within two half-widths of a 95% interval.
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

#include "sim/batch.h"
#include "sim/outstat.h"
#include "sim/system.h"
#include "sim/uplink.h"
#include "tests/sysrecs.h"
#include "tests/testutil.h"

/* so fast that a frame of 1000 bits takes one tick (1 ps) */
static uplink_cfg fast = {.model = UPLINK_FIXED, .fixed_rate_bps = 1e15};

/* one device straight into the server: no compute, a 1 ps uplink */
static sys_config server_only(sys_arrival a, double rate_hz, double duration_s)
{
    sys_config c = {0};
    c.ngroups = 1;
    c.groups[0] = (sys_group){.devices = 1, .arrival = a, .frame_rate_hz = rate_hz, .frame_bits = 1000,
                              .mean_snr_db = 20};
    c.duration_s = duration_s;
    c.deadline_s = INFINITY;
    c.bandwidth_hz = 1e6;
    c.access = SYS_TDMA;
    c.packet_bits = 1000;
    c.link = fl_uplink_link;
    c.link_arg = &fast;
    c.workers = 1;
    c.service = SYS_SVC_DETERMINISTIC;
    c.service_mean_s = 0.33;
    c.pf_window = 100;
    c.outage_retry_s = 1e-3;
    c.seed = 9;
    return c;
}

static int by_frame(const void *a, const void *b)
{
    const sys_frame *x = a, *y = b;
    return (x->frame > y->frame) - (x->frame < y->frame);
}

static void test_batch_of_one_is_no_batching(void **state)
{
    /* 1 Hz into a 0.33 s server: never two waiting, so every batch is one */
    sys_config c = server_only(SYS_PERIODIC, 1.0, 100);
    sysrecs a = {0}, b = {0}, d = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &a, &t), 0);
    c.batch_max = 1;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &b, &t), 0);
    c.batch_max = 2;
    c.batch_max_wait_s = 0;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &d, &t), 0);
    assert_int_equal(a.n, 100);
    assert_int_equal(a.n, b.n);
    assert_int_equal(a.n, d.n);
    assert_memory_equal(a.f, b.f, a.n * sizeof *a.f);
    assert_memory_equal(a.f, d.f, a.n * sizeof *a.f);
    assert_int_equal(t.server_jobs, t.server_batches);
    free(a.f), free(b.f), free(d.f);
}

/* Arrivals at t0 + 0.1 k, batches of at most 4, wait at most 0.25 s, 0.33 s
 * per batch. Worked by hand (times from t0):
 *   0.25 timer of request 0 (3 wait): [0, 1, 2] until 0.58
 *   0.58 head 3 came at 0.3, due 0.55, passed: [3, 4, 5] until 0.91
 *   0.90 request 9 makes 4 waiting; 0.91: [6, 7, 8, 9] until 1.24
 *   1.24 head 10 came at 1.0, due 1.25: wait; 1.25: [10, 11, 12] ...
 * so every second from 0.25 on repeats with period 1 s: batches 3, 3, 4,
 * the server busy 3 x 0.33 of each second, and request 10 m + j waits
 * wait[j] below. */
static const double hand_wait[10] = {0.25, 0.15, 0.05, 0.28, 0.18, 0.08, 0.31, 0.21, 0.11, 0.01};

static void test_deterministic_batches_by_hand(void **state)
{
    sys_config c = server_only(SYS_PERIODIC, 10.0, 200);
    c.batch_max = 4;
    c.batch_max_wait_s = 0.25;
    c.warmup_s = 10;
    sysrecs r = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
    assert_int_equal(r.n, 2000);
    qsort(r.f, r.n, sizeof *r.f, by_frame);
    double wsum = 0;
    for (size_t i = 0; i < r.n; i++) {
        const sys_frame *f = &r.f[i];
        double wait = f->server_start_s - f->delivered_s, srv = f->completion_s - f->server_start_s;
        if (fabs(wait - hand_wait[f->frame % 10]) > 1e-9 || fabs(srv - 0.33) > 1e-9)
            fail_msg("frame %llu: wait %.12f (hand %.2f), service %.12f", (unsigned long long)f->frame,
                     wait, hand_wait[f->frame % 10], srv);
        /* batch-mates start and complete together */
        size_t lead = i - i % 10 + (i % 10 < 3 ? 0 : i % 10 < 6 ? 3 : 6);
        assert_true(f->completion_s == r.f[lead].completion_s);
        wsum += wait;
    }
    double w = wsum / (double)r.n + 0.33;              /* 0.163 + 0.33 */
    assert_true(fabs(w - 0.493) < 1e-9);
    /* 10 requests and 3 batches a second after warm-up (one second's cut) */
    double per_s = (double)t.server_jobs / t.elapsed_s, batches_per_s = (double)t.server_batches / t.elapsed_s;
    printf("  hand batches: %.4f requests/s, %.4f batches/s, utilisation %.5f, L %.4f\n", per_s,
           batches_per_s, t.server_utilisation, t.server_mean_in_system);
    assert_true(fabs(per_s - 10.0) < 0.1 && fabs(batches_per_s - 3.0) < 0.03);
    assert_true(fabs(t.server_utilisation - 0.99) < 0.006);
    /* Little: L = lambda W = 10 x 0.493 */
    assert_true(fabs(t.server_mean_in_system - 4.93) < 0.03);
    free(r.f);
}

/* root in (0, 1) of mu z^(K+1) - (lambda + mu) z + lambda (bisection) */
static double bulk_root(double lambda, double mu, int K)
{
    double lo = 1e-12, hi = 1 - 1e-12;
    for (int it = 0; it < 200; it++) {
        double z = 0.5 * (lo + hi), f = mu * pow(z, K + 1) - (lambda + mu) * z + lambda;
        if (f > 0) lo = z; else hi = z;
    }
    return 0.5 * (lo + hi);
}

static void test_bulk_service_queue_and_little(void **state)
{
    const double lambda = 3.0, mu = 1.0;
    const int K = 4;
    sys_config c = server_only(SYS_POISSON, lambda, 40000);
    c.service = SYS_SVC_EXPONENTIAL;
    c.service_mean_s = 1.0 / mu;
    c.batch_max = K;
    c.warmup_s = 200;
    sysrecs r = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
    double rr = bulk_root(lambda, mu, K), q0 = 1.0 / (1.0 / (1 - rr) + mu / lambda);
    double wq = q0 * rr / ((1 - rr) * (1 - rr)) / lambda;
    /* waits in completion order: MSER-5 and batch means */
    double *x = malloc(r.n * sizeof *x), soj = 0;
    size_t n = 0;
    for (size_t i = 0; i < r.n; i++)
        if (r.f[i].arrival_s >= c.warmup_s) {
            x[n++] = r.f[i].server_start_s - r.f[i].delivered_s;
            soj += r.f[i].completion_s - r.f[i].delivered_s;
        }
    outstat_est e;
    size_t d = fl_outstat_mser5(x, n);
    fl_outstat_mean(x + d, n - d, OUTSTAT_BATCHES, &e);
    assert_true(testutil_within_ci("M/M^[1,4]/1 mean wait (s)", e.est, e.ci_low, e.ci_high, wq));
    /* Little at the server: time-average count against lambda x sojourn */
    double lam = (double)n / (c.duration_s - c.warmup_s), little = lam * soj / (double)n;
    printf("  bulk: r %.6f, Wq theory %.5f; L %.5f, lambda W %.5f; %.3f requests per batch\n", rr, wq,
           t.server_mean_in_system, little, (double)t.server_jobs / (double)t.server_batches);
    assert_true(fabs(t.server_mean_in_system - little) < 0.01 * little);
    /* busy: P(busy) = 1 - q_idle = 1 - q0 mu / lambda */
    assert_true(fabs(t.server_utilisation - (1 - q0 * mu / lambda)) < 0.01);
    free(x);
    free(r.f);
}

static void test_saturation_throughput_factor(void **state)
{
    /* the LLM model: a = 0.1 s of own work (prefill ...), d = 0.5 s of
     * generation shared by a batch; 20 requests/s swamp both servers */
    const double a = 0.1, dd = 0.5;
    const int b = 8;
    sys_config c = server_only(SYS_PERIODIC, 20.0, 100);
    c.service = SYS_SVC_MODEL;
    c.groups[0].server_time_s = a + dd;
    c.groups[0].server_shared_s = dd;
    double thr[2];
    for (int k = 0; k < 2; k++) {
        c.batch_max = k ? b : 1;
        sysrecs r = {0};
        sys_totals t;
        assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
        double first = INFINITY, last = 0;
        for (size_t i = 0; i < r.n; i++) {
            if (r.f[i].server_start_s < first) first = r.f[i].server_start_s;
            if (r.f[i].completion_s > last) last = r.f[i].completion_s;
        }
        thr[k] = (double)r.n / (last - first);
        assert_true(t.server_utilisation > 0.999);
        free(r.f);
    }
    double factor = b * (a + dd) / (b * a + dd);
    printf("  saturation: %.4f -> %.4f requests/s, factor %.4f (model %.4f)\n", thr[0], thr[1],
           thr[1] / thr[0], factor);
    /* 2000 requests: one partial first batch and one partial last of 250 */
    assert_true(fabs(thr[1] / thr[0] / factor - 1) < 0.01);
    assert_true(fabs(thr[0] - 1 / (a + dd)) < 1e-6);
}

static void test_batch_rule_and_model(void **state)
{
    station *s = fl_station_create_batch(1, STATION_FIFO, 3);
    assert_non_null(s);
    batch_policy p = {.max = 3, .max_wait = 100};
    evq_time wake;
    assert_int_equal(fl_batch_ready(&p, s, 0, &wake), 0);
    assert_true(wake == EVQ_TIME_MAX);
    station_job j = {.id = 1, .arrival = 10};
    assert_int_equal(fl_station_enqueue(s, 10, &j), 0);
    assert_int_equal(fl_batch_ready(&p, s, 50, &wake), 0);
    assert_true(wake == 110);
    assert_int_equal(fl_batch_ready(&p, s, 110, &wake), 1);
    j.id = 2, j.arrival = 60;
    assert_int_equal(fl_station_enqueue(s, 60, &j), 0);
    j.id = 3, j.arrival = 70;
    assert_int_equal(fl_station_enqueue(s, 70, &j), 0);
    assert_int_equal(fl_batch_ready(&p, s, 70, &wake), 1);      /* full */
    const station_job *jobs;
    size_t n;
    assert_int_equal(fl_station_take(s, 70, 0, 3, &jobs, &n), 0);
    assert_int_equal(n, 3);
    assert_true(jobs[0].id == 1 && jobs[2].id == 3 && jobs[1].start == 70);
    assert_int_equal(fl_station_finish_batch(s, 170, 0, &jobs, &n), 0);
    station_stats st;
    fl_station_get_stats(s, 170, &st);
    /* L: 1 job over [10, 60), 2 over [60, 70), 3 in service over [70, 170) */
    assert_true(fabs(st.mean_in_system - (50 + 20 + 300) / 170.0) < 1e-12);
    assert_true(fabs(st.utilisation - 100 / 170.0) < 1e-12);
    fl_station_destroy(s);
    double own[3] = {0.1, 0.2, 0.3}, sh[3] = {0.5, 0.7, 0.6};
    assert_true(fabs(fl_batch_model_s(own, sh, 3) - 1.3) < 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_rule_and_model),
        cmocka_unit_test(test_batch_of_one_is_no_batching),
        cmocka_unit_test(test_deterministic_batches_by_hand),
        cmocka_unit_test(test_bulk_service_queue_and_little),
        cmocka_unit_test(test_saturation_throughput_factor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
