/* test_sysloss: what the system layer (sim/system) does with packets that
 * stay lost and with stale frames, against closed forms:
 *   - uplink.lost = drop: a frame of n packets, each lost after all R + 1
 *     attempts with q = p^(R+1), is dropped with 1 - (1 - q)^n (binomial
 *     z-score); with conceal the same frames (same draws) are delivered with
 *     their lost packets counted, and goodput counts only packets that came;
 *   - system.late = drop, deterministic: a device sending 20 frames/s over
 *     an uplink that carries 10/s drops a frame at the head of its line once
 *     it has waited past the deadline; worked by hand below.
 *   - uplink.per_model = bit_true (sim/bittrue): at several SNRs and
 *     modulations the packet error rate of really sent packets (payload +
 *     CRC-32, Gray modem, AWGN, hard decisions) matches the closed form
 *     1 - (1 - BER)^(L + 32), BER from channel/berclosed, within a binomial
 *     z of 4; through the system with ARQ: loss p^(R+1) and mean attempts
 *     (1 - p^(R+1)) / (1 - p) with p that closed form and with p measured;
 *     the same seed gives the same records.
 * Fixed seeds.
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

#include "sim/bittrue.h"
#include "sim/system.h"
#include "sim/uplink.h"
#include "tests/sysrecs.h"

static double fixed_per;

static int lossy_link(void *arg, uint32_t device, double snr_db, double bandwidth_hz,
                      uint64_t bits, double *rate_bps, double *per)
{
    *rate_bps = 1e6;
    *per = fixed_per;
    return 0;
}

/* one device, 1 frame/s of 10 packets of 10,000 bits at 1 Mbit/s */
static sys_config lossy_config(void)
{
    sys_config c = {0};
    c.ngroups = 1;
    c.groups[0] = (sys_group){.devices = 1, .arrival = SYS_PERIODIC, .frame_rate_hz = 1.0,
                              .frame_bits = 100000, .mean_snr_db = 20};
    c.duration_s = 5000;
    c.deadline_s = INFINITY;
    c.bandwidth_hz = 1e6;
    c.access = SYS_TDMA;
    c.packet_bits = 10000;
    c.link = lossy_link;
    c.workers = 1;
    c.service = SYS_SVC_DETERMINISTIC;
    c.service_mean_s = 0.2;
    c.pf_window = 100;
    c.outage_retry_s = 1e-3;
    c.seed = 17;
    return c;
}

static void test_lost_packets_drop_or_conceal(void **state)
{
    const double p = 0.3;
    const int R = 1, npk = 10;
    fixed_per = p;
    sys_config c = lossy_config();
    c.max_retx = R;
    c.lost = SYS_LOST_DROP;
    sysrecs d = {0}, k = {0};
    sys_totals td, tk;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &d, &td), 0);
    c.lost = SYS_LOST_CONCEAL;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &k, &tk), 0);
    assert_int_equal(d.n, 5000);
    assert_int_equal(k.n, d.n);
    double q = pow(p, R + 1), pdrop = 1 - pow(1 - q, npk);
    size_t dropped = 0, concealed = 0;
    double lost_pk = 0;
    for (size_t i = 0; i < d.n; i++) {
        /* one frame a second, 0.1 s on air per attempt round: completion order = frame order */
        assert_true(d.f[i].frame == k.f[i].frame && d.f[i].lost_packets == k.f[i].lost_packets);
        if (d.f[i].dropped) {
            assert_int_equal(d.f[i].dropped, 2);
            assert_true(d.f[i].lost_packets > 0 && isnan(d.f[i].completion_s) && !d.f[i].deadline_met);
            dropped++;
        }
        assert_int_equal(k.f[i].dropped, 0);
        assert_false(isnan(k.f[i].completion_s));
        concealed += k.f[i].lost_packets > 0;
        lost_pk += k.f[i].lost_packets;
        assert_int_equal(d.f[i].dropped != 0, d.f[i].lost_packets > 0);
    }
    double n = (double)d.n, rate = (double)dropped / n;
    double z = (rate - pdrop) / sqrt(pdrop * (1 - pdrop) / n);
    printf("  drop rate %.5f, closed form 1-(1-p^(R+1))^n = %.5f (z %+.2f)\n", rate, pdrop, z);
    assert_true(fabs(z) < 4);
    assert_int_equal(concealed, dropped);
    /* goodput: conceal delivers every frame less its lost packets; drop only
     * the frames with none lost */
    assert_true(fabs(tk.delivered_bits - (n * 100000 - lost_pk * 10000)) < 1e-6);
    assert_true(fabs(td.delivered_bits - (n - (double)dropped) * 100000) < 1e-6);
    free(d.f);
    free(k.f);
}

/* 20 frames/s (frame k arrives at t0 + 0.05 k), 0.1 s on air each, deadline
 * 0.32 s, late = drop: when the uplink frees at T it drops the head frames
 * older than 0.32 s and sends the next. By hand (times from t0): the
 * uplink decides at T = 0.1 j; frames 0..6 go at 0, 0.1, ..., 0.6 having
 * waited 0.05 k <= 0.30; at 0.7 frame 7 (age 0.35) is dropped and frame 8
 * (age 0.30) sent; from then on the head at T = 0.1 j is frame 2j - 6, age
 * 0.30, and every odd frame is dropped. The last arrival, 1999 at 99.95,
 * is 0.35 old at 100.3 (after 1998 went at 100.2): dropped. Sent: 7 + 996
 * = 1003, each waiting exactly 0.05 k (k <= 6) or 0.30. */
static void test_stale_drop_by_hand(void **state)
{
    fixed_per = 0;
    sys_config c = lossy_config();
    c.groups[0].frame_rate_hz = 20;
    c.duration_s = 100;
    c.deadline_s = 0.32;
    c.late = SYS_LATE_DROP;
    c.service_mean_s = 1e-6;
    sysrecs r = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
    assert_int_equal(r.n, 2000);
    size_t sent = 0;
    for (size_t i = 0; i < r.n; i++) {
        const sys_frame *f = &r.f[i];
        int expect_sent = f->frame <= 6 || (f->frame % 2 == 0 && f->frame < 1999);
        if (expect_sent != !f->dropped) fail_msg("frame %llu: dropped %d", (unsigned long long)f->frame, f->dropped);
        if (f->dropped) {
            assert_int_equal(f->dropped, 1);
            assert_true(isnan(f->first_tx_s) && !f->deadline_met);
            continue;
        }
        double wait = f->first_tx_s - f->arrival_s, hand = f->frame <= 6 ? 0.05 * (double)f->frame : 0.30;
        if (fabs(wait - hand) > 1e-9) fail_msg("frame %llu: waited %.12f, by hand %.2f", (unsigned long long)f->frame, wait, hand);
        sent++;
    }
    printf("  stale: %zu of %zu sent (by hand 1003)\n", sent, r.n);
    assert_int_equal(sent, 1003);
    free(r.f);
}

static void test_bit_true_per_matches_closed_form(void **state)
{
    struct { unsigned k; double snr_db; uint64_t L; } cases[] = {
        {1, 7.0, 1000}, {2, 10.0, 1000}, {2, 9.0, 200}, {4, 17.0, 1000}, {6, 22.5, 600}, {8, 28.5, 400},
    };
    const int n = 3000;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uplink_cfg u;
        assert_int_equal(fl_uplink_cfg_init(&u, UPLINK_FIXED), 0);
        u.fixed_rate_bps = 1e6;
        u.uncoded_bits = cases[c].k;
        bittrue *b = fl_bittrue_create(&u);
        assert_non_null(b);
        int lost_n = 0;
        for (int i = 0; i < n; i++) {
            sys_attempt a = {.seed = 3, .point = (uint32_t)c, .device = (uint32_t)(i % 7), .frame = (uint64_t)(i / 7),
                             .packet = 0, .attempt = 0, .snr_db = cases[c].snr_db, .bandwidth_hz = 1e6,
                             .bits = cases[c].L};
            int lost;
            assert_int_equal(fl_bittrue_attempt(b, &a, &lost), 0);
            lost_n += lost;
        }
        double p = fl_uplink_packet_error(&u, cases[c].snr_db, -1, cases[c].L + 32), got = (double)lost_n / n;
        double z = (got - p) / sqrt(p * (1 - p) / n);
        printf("  bit_true k=%u at %.1f dB, %llu bits: PER %.4f, closed form %.4f (z %+.2f)\n", cases[c].k,
               cases[c].snr_db, (unsigned long long)cases[c].L, got, p, z);
        assert_true(p > 0.05 && p < 0.95);
        assert_true(fabs(z) < 4);
        fl_bittrue_destroy(b);
    }
    uplink_cfg mcs;
    assert_int_equal(fl_uplink_cfg_init(&mcs, UPLINK_MCS_NR), 0);
    assert_null(fl_bittrue_create(&mcs));     /* no coded chain behind the tables */
}

static void test_bit_true_arq_through_the_system(void **state)
{
    const int R = 2;
    const double snr = 10.0;
    uplink_cfg u;
    assert_int_equal(fl_uplink_cfg_init(&u, UPLINK_FIXED), 0);
    u.fixed_rate_bps = 1e6;
    u.uncoded_bits = 2;
    bittrue *b = fl_bittrue_create(&u);
    assert_non_null(b);
    sys_config c = lossy_config();
    c.link = fl_uplink_link;
    c.link_arg = &u;
    c.attempt = fl_bittrue_attempt;
    c.attempt_arg = b;
    c.groups[0].mean_snr_db = snr;
    c.groups[0].frame_bits = 10000;
    c.packet_bits = 1000;
    c.max_retx = R;
    c.duration_s = 1500;
    sysrecs r = {0}, r2 = {0};
    sys_totals t;
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r, &t), 0);
    assert_int_equal(fl_sys_run(&c, sysrecs_keep, &r2, &t), 0);
    assert_int_equal(r.n, r2.n);
    assert_memory_equal(r.f, r2.f, r.n * sizeof *r.f);
    double packets = 0, retx = 0, lost = 0;
    for (size_t i = 0; i < r.n; i++) {
        packets += r.f[i].packets;
        retx += r.f[i].retx;
        lost += r.f[i].lost_packets;
    }
    double attempts = packets + retx, fails = retx + lost, p_hat = fails / attempts;
    /* the system's packets carry 1000 payload bits; bit_true adds the CRC */
    double p = fl_uplink_packet_error(&u, snr, -1, 1000 + 32);
    double mean_att = (1 - pow(p, R + 1)) / (1 - p), ploss = pow(p, R + 1);
    double ex2 = (1 - p) + 4 * p * (1 - p) + 9 * p * p, sd = sqrt((ex2 - mean_att * mean_att) / packets);
    double z_att = (attempts / packets - mean_att) / sd;
    double z_loss = (lost / packets - ploss) / sqrt(ploss * (1 - ploss) / packets);
    double z_p = (p_hat - p) / sqrt(p * (1 - p) / attempts);
    double mean_att_hat = (1 - pow(p_hat, R + 1)) / (1 - p_hat);
    printf("  bit_true ARQ: p %.4f (measured %.4f, z %+.2f), attempts/packet %.4f (theory %.4f, z %+.2f; "
           "with measured p %.4f), loss %.5f (theory %.5f, z %+.2f)\n", p, p_hat, z_p, attempts / packets,
           mean_att, z_att, mean_att_hat, lost / packets, ploss, z_loss);
    assert_true(fabs(z_p) < 4 && fabs(z_att) < 4 && fabs(z_loss) < 4);
    assert_true(fabs(attempts / packets - mean_att_hat) < 4 * sd);
    fl_bittrue_destroy(b);
    free(r.f);
    free(r2.f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lost_packets_drop_or_conceal),
        cmocka_unit_test(test_stale_drop_by_hand),
        cmocka_unit_test(test_bit_true_per_matches_closed_form),
        cmocka_unit_test(test_bit_true_arq_through_the_system),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
