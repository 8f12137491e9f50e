/* Tests of sim/tofc_stage (rate-distortion points through codec/tofc): high-rate
 * theory for an i.i.d. Gaussian source, columns recomputed by hand from the
 * regenerated source, the analog link's noise level, and merging's identity
 * case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "codec/source.h"
#include "codec/tofc.h"
#include "sim/point.h"
#include "sim/tofc_stage.h"
#include "sim/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double col(const row *r, const char *name)
{
    const row_col *c = fl_row_find(r, name);
    if (!c)
        fail_msg("missing column %s", name);
    return c->value;
}

/* run point 0 of a scenario text through fl_point_run (which dispatches to sim/tofc_stage) */
static void run_point(const char *json, row *r)
{
    char err[SCN_ERR_LEN] = "";
    scenario *s = fl_scenario_load_text(json, "test", NULL, 0, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    fl_config c;
    assert_int_equal(fl_scenario_config(s, 0, &c, err, sizeof err), 0);
    point_ctx ctx = {NULL};
    int rc = fl_point_run(&c, 0, &ctx, r, err, sizeof err);
    if (rc)
        fail_msg("point_run: %s", err);
    fl_scenario_destroy(s);
}

/* The frame fl_point_run sees: fl_source_synthetic with key (seed, 0), trial 0. */
static float *regen(source_law law, int64_t tokens, int64_t dims, double scale, uint32_t seed)
{
    source_synth p = {.patches = 1, .tokens = tokens, .dims = dims, .law = law, .clusters = 16,
                      .cluster_spread = 0.5, .tail = 3.0, .outlier_dims = 4, .outlier_gain = 20,
                      .scale = scale};
    source_tensor t = {0};
    assert_int_equal(fl_source_synthetic(&p, seed, 0, &t), 0);
    return t.x;
}

/* i.i.d. Gaussian, σ = 1, uniform Δ = 0.05 (high rate). Ideal coding of the
 * levels (the empirical entropy H of the levels, i.e. the true histogram)
 * must land within 0.05 bit of h(X) - ½ log2(12 D) [Gish & Pierce 1968,
 * D ≈ Δ²/12], which is ½ log2(2πe/12) = 0.2546 bit above the Shannon lower
 * bound h - ½ log2(2πe D). Stated numbers: h = ½ log2(2πe) = 2.0471 bit,
 * D ≈ 2.083e-4, H ≈ h - log2 Δ = 6.3690 bit, SLB ≈ 6.1144 bit.
 * The Laplacian coder's data rate on Gaussian data additionally pays the
 * model mismatch: cross-entropy of N(0,σ²) under the best Laplace (b = σ√(2/π))
 * minus h = log2(2√(2/π)) + log2 e - ½ log2(2πe) = 0.0699 bit. */
static void test_gaussian_high_rate_uniform(void **state)
{
    (void)state;
    const int64_t T = 256, D = 256;
    const double n = (double)(T * D), step = 0.05;
    float *x = regen(SOURCE_LAW_GAUSSIAN, T, D, 1.0, 11);
    tofc_params p = {.patches = 1, .tokens = T, .dims = D, .select = TOFC_SELECT_NONE,
                     .quant = TOFC_QUANT_UNIFORM, .step = step, .deadzone = 0.5,
                     .entropy = TOFC_ENTROPY_LAPLACE, .models = 1};
    uint8_t *b;
    size_t nb;
    tofc_stats st;
    assert_int_equal(fl_tofc_encode(&p, x, &b, &nb, &st, NULL), 0);
    tofc_frame f;
    assert_int_equal(fl_tofc_decode(b, nb, NULL, 0, &f), 0);
    double sse = 0;
    for (int64_t i = 0; i < T * D; i++)
        sse += ((double)x[i] - f.y[i]) * ((double)x[i] - f.y[i]);
    double dist = sse / n;
    double h = 0.5 * log2(2 * M_PI * M_E);
    double H = st.empirical_bits / n;
    double hr = h - 0.5 * log2(12 * dist);              // high-rate prediction
    double slb = h - 0.5 * log2(2 * M_PI * M_E * dist); // Shannon lower bound
    print_message("  D = %.4e (Δ²/12 = %.4e), H = %.4f, h - ½log2(12D) = %.4f, SLB = %.4f, "
                  "H - SLB = %.4f (theory 0.2546)\n", dist, step * step / 12, H, hr, slb, H - slb);
    assert_true(fabs(dist - step * step / 12) < 0.02 * step * step / 12);
    assert_true(fabs(H - hr) < 0.05);
    assert_true(fabs((H - slb) - 0.5 * log2(2 * M_PI * M_E / 12)) < 0.05);
    assert_true(fabs(0.5 * log2(2 * M_PI * M_E / 12) - 0.2546) < 1e-4);
    // the Laplacian coder: H + 0.0699 (mismatch) + side info, within 0.03
    double coder = ((double)st.payload_bits) / n;
    double mism = log2(2 * sqrt(2 / M_PI)) + log2(M_E) - 0.5 * log2(2 * M_PI * M_E);
    print_message("  Laplacian coder %.4f bit/value, H + mismatch %.4f = %.4f\n", coder, mism, H + mism);
    assert_true(fabs(mism - 0.0699) < 1e-4);
    assert_true(fabs(coder - (H + mism)) < 0.03);
    fl_tofc_frame_free(&f);
    free(b), free(x);
}

/* Columns of a Gaussian uniform/laplace point recomputed by hand from the
 * regenerated source and the row's own bit count: rate, reduction ratio,
 * min bandwidth (paper 000 Table 1 formula at 10 dB: log2(11) = 3.459432),
 * NMSE and feature SNR, SLB = R(D) = ½ log2(σ²/D) for the Gaussian, gap. */
static void test_columns_by_hand(void **state)
{
    (void)state;
    const char *js = "{\"name\":\"t\",\"seed\":5,"
                     "\"source\":{\"kind\":\"synthetic\",\"law\":\"gaussian\",\"scale\":2,\"tokens\":128,\"dims\":96},"
                     "\"codec\":{\"quant\":\"uniform\",\"step\":0.1,\"entropy\":\"laplace\",\"models\":2},"
                     "\"link\":{\"mode\":\"capacity\",\"budget_s\":0.5},\"channel\":{\"snr_db\":10}}";
    row r;
    run_point(js, &r);
    const double n = 128.0 * 96.0, sig = 2.0;
    float *x = regen(SOURCE_LAW_GAUSSIAN, 128, 96, sig, 5);
    double bits = col(&r, "measured_bits"), D = col(&r, "distortion_mse");
    assert_true(fmod(bits, 8.0) == 0 && bits > 288);
    assert_true(fabs(col(&r, "rate_bits_per_element") - bits / n) < 1e-12);
    assert_true(fabs(col(&r, "reduction_ratio") - (1 - bits / (32 * n))) < 1e-12);
    assert_true(fabs(col(&r, "min_bandwidth_hz") - bits / (0.5 * 3.459432)) < 1e-5 * bits);
    // distortion: uniform error variance Δ²/12 = 8.333e-4; sd of the mean
    // Δ² sqrt(1/80 - 1/144) / sqrt(n); 5 sigma
    double d0 = 0.01 / 12, sd = 0.01 * sqrt(1.0 / 80 - 1.0 / 144) / sqrt(n);
    assert_true(fabs(D - d0) < 5 * sd);
    double px = 0;
    for (int i = 0; i < 128 * 96; i++)
        px += (double)x[i] * x[i];
    double nmse = D * n / px;
    assert_true(fabs(col(&r, "nmse") - nmse) < 1e-9 * nmse);
    assert_true(fabs(col(&r, "feature_snr_db") + 10 * log10(nmse)) < 1e-7);
    double slb = 0.5 * log2(sig * sig / D); // Gaussian: h - ½log2(2πeD) = ½log2(σ²/D)
    assert_true(fabs(col(&r, "shannon_lower_bound_bits") - slb) < 1e-9);
    assert_true(fabs(col(&r, "rd_function_bits") - slb) < 1e-9);
    assert_true(fabs(col(&r, "rd_gap_bits") - (bits / n - slb)) < 1e-9);
    assert_true(fabs(col(&r, "source_entropy_bits") - (0.5 * log2(2 * M_PI * M_E) + 1.0)) < 1e-12);
    // side info and ideal bits are reported and ordered
    assert_true(col(&r, "side_bits") >= 288 && col(&r, "ideal_bits") <= bits);
    assert_true(col(&r, "cosine") > 0.999 && col(&r, "cka") > 0.999);
    free(x);
}

/* Laplace law: SLB = log2(2e b) - ½ log2(2πe D), b = σ/√2 */
static void test_laplace_slb_column(void **state)
{
    (void)state;
    const char *js = "{\"name\":\"t\",\"seed\":6,"
                     "\"source\":{\"kind\":\"synthetic\",\"law\":\"laplace\",\"scale\":1.5,\"tokens\":64,\"dims\":64},"
                     "\"codec\":{\"quant\":\"rdoq\",\"step\":0.2,\"lambda\":0.01,\"entropy\":\"laplace\"},"
                     "\"link\":{\"mode\":\"capacity\"}}";
    row r;
    run_point(js, &r);
    double D = col(&r, "distortion_mse"), b = 1.5 / sqrt(2.0);
    double slb = log2(2 * M_E * b) - 0.5 * log2(2 * M_PI * M_E * D);
    assert_true(fabs(col(&r, "shannon_lower_bound_bits") - slb) < 1e-9);
    assert_null(fl_row_find(&r, "rd_function_bits"));
    // a real coder is above the bound
    assert_true(col(&r, "rd_gap_bits") > 0);
}

/* analog link at 10 dB: noise variance = (power of the sent values) / 10, so
 * NMSE ≈ 0.1 + Δ²/12/σ² = 0.1000083 for σ = 1, Δ = 0.01; the estimate's
 * relative sd is about sqrt(2/n) (chi-square), tolerance 5 sd. */
static void test_analog_noise_level(void **state)
{
    (void)state;
    const char *js = "{\"name\":\"t\",\"seed\":7,"
                     "\"source\":{\"kind\":\"synthetic\",\"law\":\"gaussian\",\"tokens\":128,\"dims\":128},"
                     "\"codec\":{\"quant\":\"uniform\",\"step\":0.01},"
                     "\"link\":{\"mode\":\"analog\"},\"channel\":{\"snr_db\":10}}";
    row r;
    run_point(js, &r);
    double n = 128.0 * 128.0, want = 0.1 + 0.0001 / 12;
    assert_true(fabs(col(&r, "nmse") - want) < 5 * 0.1 * sqrt(2 / n));
    assert_true(fabs(col(&r, "feature_snr_db") - 10.0) < 0.1);
}

/* merging into n_c >= tokens is the identity: fp32 values arrive exactly,
 * proxy P = R = F1 = CKA = cosine = 1, and the rate is (288 + 32 n)/n */
static void test_merge_identity_point(void **state)
{
    (void)state;
    const char *js = "{\"name\":\"t\",\"seed\":8,"
                     "\"source\":{\"kind\":\"synthetic\",\"patches\":2,\"tokens\":30,\"dims\":40},"
                     "\"codec\":{\"select\":\"merge\",\"clusters\":30,\"knn\":3},"
                     "\"link\":{\"mode\":\"capacity\"}}";
    row r;
    run_point(js, &r);
    double n = 2.0 * 30 * 40;
    assert_true(col(&r, "measured_bits") == 288 + 32 * n);
    assert_true(col(&r, "distortion_mse") == 0);
    assert_true(fabs(col(&r, "proxy_precision") - 1) < 1e-6 && fabs(col(&r, "proxy_recall") - 1) < 1e-6);
    assert_true(fabs(col(&r, "proxy_f1") - 1) < 1e-6 && fabs(col(&r, "cka") - 1) < 1e-9);
    assert_true(col(&r, "sent_tokens") == 60);
    // and merging to 5 tokens per patch: precision (received merged tokens
    // vs originals) stays high, distortion > 0, 10 tokens sent
    run_point("{\"name\":\"t\",\"seed\":8,"
              "\"source\":{\"kind\":\"synthetic\",\"patches\":2,\"tokens\":30,\"dims\":40},"
              "\"codec\":{\"select\":\"merge\",\"clusters\":5,\"knn\":3},"
              "\"link\":{\"mode\":\"capacity\"}}", &r);
    assert_true(col(&r, "sent_tokens") == 10);
    assert_true(col(&r, "measured_bits") == 288 + 32 * 10 * 40);
    assert_true(col(&r, "distortion_mse") > 0 && col(&r, "proxy_f1") < 1);
}

/* bad combinations are refused when the scenario is validated, with a
 * JSON path, before any work */
static void test_bad_combinations(void **state)
{
    (void)state;
    char err[SCN_ERR_LEN] = "";
    const char *js = "{\"name\":\"t\",\"source\":{\"tokens\":8,\"dims\":8},"
                     "\"codec\":{\"quant\":\"fp16\",\"entropy\":\"laplace\"}}";
    scenario *s = fl_scenario_load_text(js, "t", NULL, 0, err, sizeof err);
    assert_null(s);
    assert_non_null(strstr(err, "t: $.codec.entropy: \"laplace\" codes integer levels"));
}

/* The RD codec over the digital link: at 40 dB nothing is lost and the
 * result equals the capacity link's; at -5 dB the entropy-coded frame is
 * lost and arrives as zeros (NMSE 1). */
static void test_digital_link(void **state)
{
    (void)state;
    const char *base = "{\"name\":\"t\",\"source\":{\"tokens\":64,\"dims\":32},"
                       "\"codec\":{\"select\":\"merge\",\"clusters\":16,\"quant\":\"uniform\","
                       "\"step\":0.1,\"entropy\":\"laplace\"},\"link\":{\"mode\":\"%s\"%s},"
                       "\"channel\":{\"snr_db\":%s}%s}";
    /* packet and modem keys only on the digital link (inert keys are refused) */
    const char *dlink = ",\"packet_bytes\":200", *dmodem = ",\"modem\":{\"scheme\":\"qpsk\"}";
    char js[1024];
    row cap, dig, bad;
    fl_row_reset(&cap), fl_row_reset(&dig), fl_row_reset(&bad);
    snprintf(js, sizeof js, base, "capacity", "", "40", "");
    run_point(js, &cap);
    snprintf(js, sizeof js, base, "digital", dlink, "40", dmodem);
    run_point(js, &dig);
    assert_true(col(&dig, "packets_lost") == 0 && col(&dig, "frame_lost") == 0);
    assert_true(col(&dig, "distortion_mse") == col(&cap, "distortion_mse"));
    assert_true(col(&dig, "proxy_f1") == col(&cap, "proxy_f1"));
    snprintf(js, sizeof js, base, "digital", dlink, "-5", dmodem);
    run_point(js, &bad);
    assert_true(col(&bad, "frame_lost") == 1);
    assert_true(fabs(col(&bad, "nmse") - 1.0) < 1e-12);
}

/* metrics.reference = same_snr over the digital link: the uncompressed fp32
 * frame through the same packets. At 40 dB it arrives intact and the point
 * equals metrics.reference = clean, column for column; at 12 dB (uncoded
 * QPSK, Eb/N0 9 dB, BER 3.4e-5, about 5% of 208-byte packets lost) the
 * reference loses values: its F1 is below 1 and the normalised metrics
 * differ from clean's. (Before the fix same_snr silently equalled clean.) */
static void test_digital_same_snr(void **state)
{
    (void)state;
    const char *base = "{\"name\":\"t\",\"seed\":2,\"source\":{\"patches\":2,\"tokens\":64,\"dims\":32},"
                       "\"codec\":{\"select\":\"merge\",\"clusters\":16,\"quant\":\"uniform\","
                       "\"step\":0.1,\"entropy\":\"laplace\"},\"link\":{\"mode\":\"digital\","
                       "\"packet_bytes\":200},\"modem\":{\"scheme\":\"qpsk\"},"
                       "\"channel\":{\"snr_db\":%s},\"metrics\":{\"reference\":\"%s\"}}";
    const char *metric[] = {"cosine", "nmse", "feature_snr_db", "proxy_precision", "proxy_recall",
                            "proxy_f1", "cka", "ref_proxy_f1"};
    char js[1024];
    row clean, same;
    snprintf(js, sizeof js, base, "40", "clean");
    run_point(js, &clean);
    snprintf(js, sizeof js, base, "40", "same_snr");
    run_point(js, &same);
    for (size_t i = 0; i < sizeof metric / sizeof *metric; i++)
        if (col(&clean, metric[i]) != col(&same, metric[i]))
            fail_msg("40 dB: %s same_snr %.17g != clean %.17g", metric[i], col(&same, metric[i]),
                     col(&clean, metric[i]));
    snprintf(js, sizeof js, base, "12", "clean");
    run_point(js, &clean);
    snprintf(js, sizeof js, base, "12", "same_snr");
    run_point(js, &same);
    assert_true(fabs(col(&clean, "ref_proxy_f1") - 1.0) < 1e-6); /* float unit tokens */
    print_message("12 dB: %g of %g packets lost, reference F1 %.6f\n", col(&same, "packets_lost"),
                  col(&same, "packets"), col(&same, "ref_proxy_f1"));
    assert_true(col(&same, "ref_proxy_f1") < 1.0 - 1e-3);
    assert_true(col(&same, "nmse") != col(&clean, "nmse"));
    // the premise: the compressed frame (4 packets, all arrive with p ~ 0.95^4)
    // arrives whole; seed 2 is one where it does (with seed 0 the stream of
    // the 4-lane entropy format loses a packet and the frame: F1 0 both ways)
    assert_true(col(&same, "frame_lost") == 0);
    assert_true(col(&same, "proxy_f1") != col(&clean, "proxy_f1"));
    /* same compressed frame: the link columns do not depend on the reference */
    assert_true(col(&same, "packets_lost") == col(&clean, "packets_lost"));
}

/* Both references on the other links: over a capacity link same_snr is
 * clean (the link is error-free), column for column; over an analog link
 * at 0 dB the reference is the noisy uncompressed frame (F1 below 1). */
static void test_references_capacity_analog(void **state)
{
    (void)state;
    const char *base = "{\"name\":\"t\",\"source\":{\"tokens\":64,\"dims\":32},"
                       "\"codec\":{\"select\":\"merge\",\"clusters\":16,\"quant\":\"uniform\","
                       "\"step\":0.1,\"entropy\":\"laplace\"},\"link\":{\"mode\":\"%s\"},"
                       "\"channel\":{\"snr_db\":0},\"metrics\":{\"reference\":\"%s\"}}";
    const char *metric[] = {"cosine", "nmse", "feature_snr_db", "proxy_f1", "cka", "ref_proxy_f1"};
    char js[1024];
    row clean, same;
    snprintf(js, sizeof js, base, "capacity", "clean");
    run_point(js, &clean);
    snprintf(js, sizeof js, base, "capacity", "same_snr");
    run_point(js, &same);
    for (size_t i = 0; i < sizeof metric / sizeof *metric; i++)
        assert_true(col(&clean, metric[i]) == col(&same, metric[i]));
    snprintf(js, sizeof js, base, "analog", "clean");
    run_point(js, &clean);
    snprintf(js, sizeof js, base, "analog", "same_snr");
    run_point(js, &same);
    assert_true(fabs(col(&clean, "ref_proxy_f1") - 1.0) < 1e-6);
    assert_true(col(&same, "ref_proxy_f1") < 0.99);
    /* the same received frame, normalised by a worse reference */
    assert_true(col(&same, "proxy_f1") > col(&clean, "proxy_f1"));
    assert_true(col(&same, "distortion_mse") == col(&clean, "distortion_mse"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gaussian_high_rate_uniform),
        cmocka_unit_test(test_columns_by_hand),
        cmocka_unit_test(test_laplace_slb_column),
        cmocka_unit_test(test_analog_noise_level),
        cmocka_unit_test(test_merge_identity_point),
        cmocka_unit_test(test_bad_combinations),
        cmocka_unit_test(test_digital_link),
        cmocka_unit_test(test_digital_same_snr),
        cmocka_unit_test(test_references_capacity_analog),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
