/* Tests of sim/digital: the bit-true digital link carrying codec bitstreams
 * and the BER points of coded and time-correlated links. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "channel/berclosed.h"
#include "codec/pinr.h"
#include "sim/digital.h"
#include "sim/link.h"
#include "sim/point.h"
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

/* _nbits of _tx through a fresh link of _c (point _point, device 0) as
 * frame _frame at t = 0, as the frame stages send them */
static int transmit(const fl_config *c, uint32_t point, uint32_t frame, const uint8_t *tx, uint64_t nbits,
                    uint8_t *rx, uint8_t *er, link_report *d)
{
    fl_link *l = NULL;
    int rc = fl_link_create(c, point, 0, &l);
    link_tx t = {.frame = frame, .bits = tx, .nbits = nbits};
    link_rx r = {.bits = rx, .erased = er};
    if (!rc)
        rc = fl_link_send(l, 0.0, &t, &r, d);
    fl_link_destroy(l);
    return rc;
}

static uint8_t *stream_of(uint64_t nbits, uint64_t seed)
{
    size_t n = (size_t)((nbits + 7) / 8);
    uint8_t *b = malloc(n);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        b[i] = (uint8_t)(seed >> 56);
    }
    if (nbits % 8)
        b[n - 1] &= (uint8_t)(0xFF00u >> (nbits % 8));
    return b;
}

/* At 40 dB every packet arrives; the stream is bit-exact; the air bits are
 * the packets (8 bytes of header+CRC each) times 2 for rate 1/2 plus tails:
 * 10000 bits = 1250 bytes = 3 packets of 500, 500, 250 payload bytes ->
 * frames of 508, 508, 258 bytes = 1274 bytes = 10192 bits; rate 1/2 with 6
 * tail bits per frame: 2 (4064 + 6) + 2 (4064 + 6) + 2 (2064 + 6) = 20420
 * coded bits; 16-QAM: 2035 + 2035 + 1035 = 5105 symbols. */
static void test_clean_link_is_exact(void **state)
{
    (void)state;
    fl_config c;
    load("{\"link\": {\"mode\": \"digital\", \"packet_bytes\": 500, \"fec\": \"conv12\"},"
         " \"channel\": {\"snr_db\": 40}, \"modem\": {\"scheme\": \"16qam\"}}", &c);
    uint64_t nbits = 10000;
    uint8_t *tx = stream_of(nbits, 1), *rx = malloc(1250), *er = malloc(1250);
    link_report d;
    assert_int_equal(transmit(&c, 0, 0, tx, nbits, rx, er, &d), 0);
    assert_int_equal(d.packets, 3);
    assert_int_equal(d.packets_lost, 0);
    assert_int_equal(d.packet_bits, 10192);
    assert_int_equal(d.air_bits, 20420);
    assert_int_equal(d.symbols, 5105);
    assert_memory_equal(tx, rx, 1250);
    for (int i = 0; i < 1250; i++)
        assert_int_equal(er[i], 0);
    free(tx), free(rx), free(er);
}

/* At -10 dB Es/N0 uncoded nothing survives: every byte is erased and zero,
 * and a PINR frame over such a link is lost (header erased). */
static void test_dead_link_erases_everything(void **state)
{
    (void)state;
    fl_config c;
    load("{\"link\": {\"mode\": \"digital\", \"packet_bytes\": 100},"
         " \"channel\": {\"snr_db\": -10, \"kind\": \"rayleigh\"}}", &c);
    uint64_t nbits = 4000;
    uint8_t *tx = stream_of(nbits, 2), *rx = malloc(500), *er = malloc(500);
    link_report d;
    assert_int_equal(transmit(&c, 3, 0, tx, nbits, rx, er, &d), 0);
    assert_int_equal(d.packets_lost, d.packets);
    for (int i = 0; i < 500; i++) {
        assert_int_equal(er[i], 1);
        assert_int_equal(rx[i], 0);
    }
    float x[64 * 8];
    assert_int_equal(fl_pinr_decode(rx, nbits, er, 64, 8, x, NULL, NULL), -EBADMSG);
    free(tx), free(rx), free(er);
}

/* Same inputs, same outputs (sim/link.h counter layout); another frame differs. */
static void test_deterministic(void **state)
{
    (void)state;
    fl_config c;
    load("{\"link\": {\"mode\": \"digital\", \"packet_bytes\": 50},"
         " \"channel\": {\"snr_db\": 15, \"kind\": \"rician\", \"k_factor\": 3, \"fading\": \"jakes\","
         " \"doppler_hz\": 200, \"symbol_rate_hz\": 10000}, \"modem\": {\"scheme\": \"qpsk\"}}",
         &c);
    uint64_t nbits = 40000;
    uint8_t *tx = stream_of(nbits, 3);
    uint8_t *a = malloc(5000), *b = malloc(5000), *e1 = malloc(5000), *e2 = malloc(5000);
    link_report d1, d2;
    assert_int_equal(transmit(&c, 1, 0, tx, nbits, a, e1, &d1), 0);
    assert_int_equal(transmit(&c, 1, 0, tx, nbits, b, e2, &d2), 0);
    assert_memory_equal(a, b, 5000);
    assert_memory_equal(e1, e2, 5000);
    /* Jakes fading at 15 dB loses some packets but not all */
    assert_true(d1.packets_lost > 0 && d1.packets_lost < d1.packets);
    assert_int_equal(transmit(&c, 1, 1, tx, nbits, b, e2, &d2), 0);
    assert_true(memcmp(e1, e2, 5000) != 0);
    free(tx), free(a), free(b), free(e1), free(e2);
}

static double col(const row *r, const char *name)
{
    const row_col *c = fl_row_find(r, name);
    assert_non_null(c);
    return c->value;
}

/* Rate-1/2 soft Viterbi at Eb/N0 = 3 dB: the K=7 code's BER lies between
 * its first union-bound term (d_free = 10 with 36 information-bit errors,
 * R d_free = 5: 36 Q(sqrt(2 * 5 * 1.995)) = 36 * 3.97e-6 = 1.43e-4) and the
 * union bound over the distance spectrum (about 7.2e-4; Proakis §8.2), and
 * far below uncoded BPSK at 3 dB (2.3e-2). */
static void test_coded_ber_between_bounds(void **state)
{
    (void)state;
    fl_config c;
    load("{\"source\": {\"kind\": \"bits\"}, \"link\": {\"mode\": \"digital\", \"fec\": \"conv12\","
         " \"packet_bytes\": 500}, \"channel\": {\"ebn0_db\": 3}, \"stop\": {\"min_errors\": 300,"
         " \"max_bits\": 4000000}}", &c);
    row r;
    fl_row_reset(&r);
    char err[256];
    assert_int_equal(fl_digital_ber_point(&c, 0, NULL, NULL, &r, err, sizeof err), 0);
    double ber = col(&r, "ber"), lo = col(&r, "ber_ci_low"), hi = col(&r, "ber_ci_high");
    assert_true(hi > 1.4e-4 && lo < 7.2e-4);
    assert_true(ber < 2.3e-2 / 10);
    assert_true(fabs(col(&r, "ber_uncoded_theory") - 0.5 * erfc(sqrt(pow(10, 0.3)))) < 1e-12);
    assert_true(isnan(col(&r, "ber_theory")));
    /* 300 errors in 35 of 221 frames: the measured design effect, and the
     * interval of the build before the few-cluster rule (hex floats) */
    assert_true(col(&r, "bits") == 884000 && col(&r, "bit_errors") == 300);
    assert_true(col(&r, "ber_design_effect_estimated") == 1.0);
    assert_true(fabs(col(&r, "ber_design_effect") / 0x1.19fd7853f8c6ep+3 - 1.0) < 1e-12);
    assert_true(fabs(lo / 0x1.ed068d2b11e1cp-13 - 1.0) < 1e-12);
    assert_true(fabs(hi / 0x1.f120acaccdc04p-12 - 1.0) < 1e-12);
}

/* link.viterbi_metric_bits 8 reaches the decoder: the same point as above
 * with 8-bit metrics (about 0.1 dB worse, tests/test_conv.c) sits in the
 * same union-bound window and needs other bits for its 300 errors than the
 * 16-bit run's 884000 (same noise, other decoder). */
static void test_coded_ber_8bit_metrics(void **state)
{
    (void)state;
    fl_config c;
    load("{\"source\": {\"kind\": \"bits\"}, \"link\": {\"mode\": \"digital\", \"fec\": \"conv12\","
         " \"viterbi_metric_bits\": \"8\", \"packet_bytes\": 500}, \"channel\": {\"ebn0_db\": 3},"
         " \"stop\": {\"min_errors\": 300, \"max_bits\": 4000000}}", &c);
    assert_int_equal(c.link.viterbi_bits, 8);
    row r;
    fl_row_reset(&r);
    char err[256];
    assert_int_equal(fl_digital_ber_point(&c, 0, NULL, NULL, &r, err, sizeof err), 0);
    double lo = col(&r, "ber_ci_low"), hi = col(&r, "ber_ci_high");
    print_message("8-bit metrics: %.0f bits, %.0f errors\n", col(&r, "bits"), col(&r, "bit_errors"));
    assert_true(hi > 1.4e-4 && lo < 7.2e-4);
    assert_true(col(&r, "bits") != 884000);
}

/* Few error frames on a coded link: at Eb/N0 = 1 dB rate 1/2 the first two
 * 500-byte frames hold 339 errors; two clusters cannot measure the
 * clustering (the measured design effect of two frames is one number's
 * spread), so every frame is one trial: deff = 4000 bits, the interval is
 * Clopper-Pearson at E/4000 errors in 2 trials, [3.0e-20, 0.863], where
 * the design effect measured on the two frames (6.5) gave [0.032, 0.055]. */
static void test_coded_few_frames_conservative(void **state)
{
    (void)state;
    fl_config c;
    load("{\"source\": {\"kind\": \"bits\"}, \"link\": {\"mode\": \"digital\", \"fec\": \"conv12\","
         " \"packet_bytes\": 500}, \"channel\": {\"ebn0_db\": 1}, \"stop\": {\"min_errors\": 300,"
         " \"max_bits\": 4000000}}", &c);
    row r;
    fl_row_reset(&r);
    char err[256];
    assert_int_equal(fl_digital_ber_point(&c, 0, NULL, NULL, &r, err, sizeof err), 0);
    double e = col(&r, "bit_errors"), n = col(&r, "bits");
    print_message("conv12 at 1 dB: %g errors in %g bits, interval [%.3g, %.3g]\n", e, n, col(&r, "ber_ci_low"),
                  col(&r, "ber_ci_high"));
    assert_true(n == 8000 && e == 339);
    assert_true(col(&r, "ber_design_effect_estimated") == 0.0);
    assert_true(col(&r, "ber_design_effect") == 4000.0);
    double lo, hi;
    assert_int_equal(fl_berclosed_clopper_pearson_real(e / 4000.0, 2.0, 0.95, &lo, &hi), 0);
    assert_true(col(&r, "ber_ci_low") == lo && col(&r, "ber_ci_high") == hi);
}

/* A BER point's own progress through point_run's context: the point index,
 * non-decreasing bits and errors, the last call equal to the row's counts,
 * and the same row without a callback. Uncoded (channel/ber's engine) and
 * coded (the frame loop). */
typedef struct {
    int calls, ordered;
    int64_t point;
    uint64_t bits, errors;
} progress_log;

static void progress_record(void *arg, int64_t point, uint64_t bits, uint64_t errors)
{
    progress_log *g = arg;
    if (g->calls && (point != g->point || bits <= g->bits || errors < g->errors))
        g->ordered = 0;
    g->calls++;
    g->point = point;
    g->bits = bits;
    g->errors = errors;
}

static void test_ber_progress(void **state)
{
    (void)state;
    const char *js[] = {
        "{\"source\": {\"kind\": \"bits\"}, \"link\": {\"mode\": \"digital\", \"packet_bytes\": 1000},"
        " \"channel\": {\"ebn0_db\": 6}, \"stop\": {\"min_errors\": 10000, \"max_bits\": 100000000}}",
        "{\"source\": {\"kind\": \"bits\"}, \"link\": {\"mode\": \"digital\", \"fec\": \"conv34\","
        " \"packet_bytes\": 500}, \"channel\": {\"ebn0_db\": 4}, \"stop\": {\"min_errors\": 1000,"
        " \"max_bits\": 4000000}}",
    };
    for (int k = 0; k < 2; k++) {
        fl_config c;
        load(js[k], &c);
        row plain, watched;
        char err[256];
        fl_row_reset(&plain);
        fl_row_reset(&watched);
        assert_int_equal(fl_point_run(&c, 7, NULL, &plain, err, sizeof err), 0);
        progress_log g = {0, 1, -1, 0, 0};
        point_ctx ctx = {.file_source = NULL, .progress = progress_record, .progress_arg = &g};
        assert_int_equal(fl_point_run(&c, 7, &ctx, &watched, err, sizeof err), 0);
        assert_int_equal(plain.n, watched.n);
        for (int i = 0; i < plain.n; i++) {
            assert_string_equal(plain.col[i].name, watched.col[i].name);
            assert_memory_equal(&plain.col[i].value, &watched.col[i].value, sizeof(double));
        }
        print_message("%s: %d progress calls for %g bits\n", k ? "conv34" : "uncoded", g.calls, col(&watched, "bits"));
        assert_true(g.calls >= 2 && g.ordered && g.point == 7);
        assert_true((double)g.bits == col(&watched, "bits") && (double)g.errors == col(&watched, "bit_errors"));
    }
}

/* BPSK over Jakes Rayleigh fading with f_d Ts = 0.05 (gains decorrelate in
 * a few tens of symbols) averages to the Rayleigh closed form
 * ½(1 - sqrt(γ/(1+γ))): at 10 dB, γ = 10: 0.5 (1 - sqrt(10/11)) = 0.023269.
 * Errors cluster in fades, so the binomial interval is too narrow: allow
 * 10% relative error with 20000+ errors. */
static void test_jakes_ber_averages_to_rayleigh(void **state)
{
    (void)state;
    fl_config c;
    load("{\"source\": {\"kind\": \"bits\"}, \"link\": {\"mode\": \"digital\", \"packet_bytes\": 1000},"
         " \"channel\": {\"kind\": \"rayleigh\", \"fading\": \"jakes\", \"doppler_hz\": 500,"
         " \"symbol_rate_hz\": 10000, \"ebn0_db\": 10}, \"stop\": {\"min_errors\": 20000,"
         " \"max_bits\": 4000000}}", &c);
    row r;
    fl_row_reset(&r);
    char err[256];
    assert_int_equal(fl_digital_ber_point(&c, 0, NULL, NULL, &r, err, sizeof err), 0);
    double want = 0.5 * (1.0 - sqrt(10.0 / 11.0));
    assert_true(fabs(col(&r, "ber") - want) < 0.10 * want);
    assert_true(fabs(col(&r, "ber_uncoded_theory") - want) < 1e-9);
}

/* The same_snr reference of a digital PINR run is the uncompressed frame
 * through the same link: at 30 dB it arrives intact (F1 = 1, clean); at
 * 4 dB uncoded QPSK (BER 1.25e-2 per bit, every 1008-byte packet lost) the
 * whole reference frame is lost, its F1 is 0 and normalised values are not
 * finite. */
static void test_same_snr_reference(void **state)
{
    (void)state;
    const char *base = "{\"source\": {\"tokens\": 64, \"dims\": 32}, \"codec\": {\"select\": \"pinr\","
                       " \"f\": 0.3, \"g\": 0.3, \"h\": 0.3}, \"link\": {\"mode\": \"digital\","
                       " \"packet_bytes\": 1000}, \"channel\": {\"snr_db\": %d}, \"modem\": {\"scheme\": \"qpsk\"},"
                       " \"metrics\": {\"reference\": \"same_snr\"}}";
    char js[1024], err[SCN_ERR_LEN];
    fl_config c;
    row r;
    snprintf(js, sizeof js, base, 30);
    load(js, &c);
    fl_row_reset(&r);
    assert_int_equal(fl_point_run(&c, 0, NULL, &r, err, sizeof err), 0);
    assert_true(fabs(col(&r, "ref_proxy_f1") - 1.0) < 1e-6); /* float unit tokens */
    snprintf(js, sizeof js, base, 4);
    load(js, &c);
    fl_row_reset(&r);
    assert_int_equal(fl_point_run(&c, 0, NULL, &r, err, sizeof err), 0);
    assert_true(col(&r, "ref_proxy_f1") == 0.0);
    assert_true(col(&r, "frame_lost") == 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_link_is_exact),
        cmocka_unit_test(test_dead_link_erases_everything),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_coded_ber_between_bounds),
        cmocka_unit_test(test_coded_ber_8bit_metrics),
        cmocka_unit_test(test_coded_few_frames_conservative),
        cmocka_unit_test(test_ber_progress),
        cmocka_unit_test(test_jakes_ber_averages_to_rayleigh),
        cmocka_unit_test(test_same_snr_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
