/* test_link: the link object of sim/link: the analog link against its
 * formula with the documented counter layout, and the digital link's
 * randomness: reproducible whatever was sent before, fresh for another
 * attempt, device or frame, and Jakes gains taken at the send time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "channel/noise.h"
#include "sim/link.h"
#include "sim/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void load(const char *json, fl_config *c)
{
    char err[SCN_ERR_LEN];
    scenario *s = fl_scenario_load_text(json, "t.json", NULL, 0, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    assert_int_equal(fl_scenario_config(s, 0, c, err, sizeof err), 0);
    fl_scenario_destroy(s);
}

/* Analog: y = x + σ g on the sent values, σ² = P / SNR with P the mean
 * power of the sent values, g the Gaussian sequence of stream (seed, point,
 * purpose, frame) from block (device << 48) | (attempt << 40); unsent 0. */
static void check_analog(const fl_config *c, uint32_t device, uint32_t attempt, const float *x,
                         const uint8_t *keep, int n)
{
    fl_link *l = NULL;
    assert_int_equal(fl_link_create(c, 7, device, &l), 0);
    assert_int_equal(fl_link_mode(l), LINK_ANALOG);
    float *y = malloc((size_t)n * sizeof *y), *g = malloc((size_t)n * sizeof *g);
    link_tx tx = {.frame = 3, .attempt = attempt, .values = x, .keep = keep, .nvalues = n,
                  .purpose = LINK_PURPOSE_PINR};
    link_rx rx = {.values = y};
    assert_int_equal(fl_link_send(l, 0.0, &tx, &rx, NULL), 0);
    double p = 0;
    int sent = 0;
    for (int i = 0; i < n; i++)
        if (keep[i])
            p += (double)x[i] * x[i], sent++;
    float sigma = (float)sqrt(p / sent / pow(10.0, c->channel.snr_db / 10.0));
    noise *ns = fl_noise_create(c->seed, 7, LINK_PURPOSE_PINR, 3);
    fl_noise_seek(ns, (uint64_t)device << 48 | (uint64_t)attempt << 40);
    fl_noise_gauss_fill(ns, g, (size_t)n);
    fl_noise_destroy(ns);
    for (int i = 0; i < n; i++)
        assert_true(y[i] == (keep[i] ? x[i] + sigma * g[i] : 0.0f));
    free(y), free(g);
    fl_link_destroy(l);
}

static void test_analog_formula(void **state)
{
    (void)state;
    fl_config c;
    load("{\"seed\": 5, \"link\": {\"mode\": \"analog\"}, \"channel\": {\"snr_db\": 3}}", &c);
    enum { N = 1000 };
    float x[N];
    uint8_t keep[N];
    for (int i = 0; i < N; i++) {
        x[i] = (float)sin(0.1 * i) * 2.0f;
        keep[i] = i % 3 != 0;
    }
    check_analog(&c, 0, 0, x, keep, N);
    check_analog(&c, 0, 1, x, keep, N);
    check_analog(&c, 9, 2, x, keep, N);
}

/* one frame of _nbits random bits at _t_s; the erasure mask into _er */
static void send_digital(fl_link *l, double t_s, uint32_t frame, uint32_t attempt, const uint8_t *bits,
                         uint64_t nbits, uint8_t *rx, uint8_t *er, link_report *rep)
{
    link_tx tx = {.frame = frame, .attempt = attempt, .bits = bits, .nbits = nbits};
    link_rx r = {.bits = rx, .erased = er};
    assert_int_equal(fl_link_send(l, t_s, &tx, &r, rep), 0);
}

#define NB 40000 /* bits: 50 packets of 100 bytes */
#define JAKES_LINK                                                                                          \
    "{\"link\": {\"mode\": \"digital\", \"packet_bytes\": 100}, \"modem\": {\"scheme\": \"qpsk\"},"         \
    " \"channel\": {\"kind\": \"rayleigh\", \"fading\": \"jakes\", \"doppler_hz\": 100, \"snr_db\": 12}}"

typedef struct {
    uint8_t rx[NB / 8], er[NB / 8];
    link_report rep;
} outcome;

static void outcome_of(fl_link *l, double t, uint32_t frame, uint32_t attempt, const uint8_t *bits, outcome *o)
{
    send_digital(l, t, frame, attempt, bits, NB, o->rx, o->er, &o->rep);
}

static int same(const outcome *a, const outcome *b)
{
    return !memcmp(a->rx, b->rx, sizeof a->rx) && !memcmp(a->er, b->er, sizeof a->er);
}

static void test_digital_keys(void **state)
{
    (void)state;
    fl_config c;
    load(JAKES_LINK, &c);
    static uint8_t bits[NB / 8];
    for (int i = 0; i < NB / 8; i++)
        bits[i] = (uint8_t)(i * 37 + 11);
    fl_link *a = NULL, *b = NULL, *d1 = NULL;
    assert_int_equal(fl_link_create(&c, 2, 0, &a), 0);
    assert_int_equal(fl_link_create(&c, 2, 0, &b), 0);
    assert_int_equal(fl_link_create(&c, 2, 1, &d1), 0);
    static outcome o0, o, other;
    outcome_of(a, 0.25, 4, 0, bits, &o0);
    /* some packets lost in the fades, not all: the comparisons below can fail */
    print_message("lost %llu of %llu packets\n", (unsigned long long)o0.rep.packets_lost, (unsigned long long)o0.rep.packets);
    assert_true(o0.rep.packets_lost > 0 && o0.rep.packets_lost < o0.rep.packets);
    /* the same send on another link object, after other traffic: the same */
    outcome_of(b, 3.0, 9, 1, bits, &other);
    outcome_of(b, 0.25, 4, 0, bits, &o);
    assert_true(same(&o0, &o));
    /* a retransmission, another frame, another device: fresh draws */
    outcome_of(a, 0.25, 4, 1, bits, &o);
    assert_false(same(&o0, &o));
    outcome_of(a, 0.25, 5, 0, bits, &o);
    assert_false(same(&o0, &o));
    outcome_of(d1, 0.25, 4, 0, bits, &o);
    assert_false(same(&o0, &o));
    /* the retransmission itself is reproducible */
    outcome_of(a, 0.25, 4, 1, bits, &o);
    outcome_of(b, 0.25, 4, 1, bits, &other);
    assert_true(same(&o, &other));
    fl_link_destroy(a), fl_link_destroy(b), fl_link_destroy(d1);
}

/* Jakes at the send time: 1 ns later (1e-7 of a coherence time at 100 Hz)
 * the gains are the same to float precision and so is every decision;
 * 5 s later (500 coherence times) the fades fall elsewhere. */
static void test_jakes_send_time(void **state)
{
    (void)state;
    fl_config c;
    load(JAKES_LINK, &c);
    static uint8_t bits[NB / 8];
    for (int i = 0; i < NB / 8; i++)
        bits[i] = (uint8_t)(i * 101 + 7);
    fl_link *l = NULL;
    assert_int_equal(fl_link_create(&c, 0, 0, &l), 0);
    static outcome o0, near, far;
    outcome_of(l, 1.0, 0, 0, bits, &o0);
    outcome_of(l, 1.0 + 1e-9, 0, 0, bits, &near);
    outcome_of(l, 6.0, 0, 0, bits, &far);
    print_message("lost %llu of %llu packets\n", (unsigned long long)o0.rep.packets_lost, (unsigned long long)o0.rep.packets);
    assert_true(o0.rep.packets_lost > 0 && o0.rep.packets_lost < o0.rep.packets);
    assert_memory_equal(o0.er, near.er, sizeof o0.er);
    assert_true(memcmp(o0.er, far.er, sizeof o0.er) != 0);
    /* airtime: 50 packets of 108 bytes, QPSK: 50 x 432 symbols at 1 Msymbol/s */
    assert_int_equal(o0.rep.symbols, 50 * 432);
    assert_true(fabs(o0.rep.airtime_s - 50 * 432 / 1e6) < 1e-15);
    fl_link_destroy(l);
}

static void test_ranges(void **state)
{
    (void)state;
    fl_config c;
    load(JAKES_LINK, &c);
    fl_link *l = NULL;
    assert_int_equal(fl_link_create(&c, 0, LINK_MAX_DEVICES_DIGITAL, &l), -ERANGE);
    assert_null(l);
    assert_int_equal(fl_link_create(&c, 0, LINK_MAX_DEVICES_DIGITAL - 1, &l), 0);
    uint8_t b[4] = {1, 2, 3, 4}, rx[4], er[4];
    link_tx tx = {.attempt = LINK_MAX_ATTEMPTS, .bits = b, .nbits = 32};
    link_rx r = {.bits = rx, .erased = er};
    assert_int_equal(fl_link_send(l, 0.0, &tx, &r, NULL), -ERANGE);
    r.erased = NULL;
    tx.attempt = 0;
    assert_int_equal(fl_link_send(l, 0.0, &tx, &r, NULL), -EINVAL);
    fl_link_destroy(l);
    /* capacity: the bits arrive as sent, nothing erased */
    load("{\"link\": {\"mode\": \"capacity\"}}", &c);
    assert_int_equal(fl_link_create(&c, 0, 0, &l), 0);
    r.erased = er;
    memset(er, 9, sizeof er);
    assert_int_equal(fl_link_send(l, 0.0, &tx, &r, NULL), 0);
    assert_memory_equal(rx, b, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(er[i], 0);
    fl_link_destroy(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analog_formula),
        cmocka_unit_test(test_digital_keys),
        cmocka_unit_test(test_jakes_send_time),
        cmocka_unit_test(test_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
