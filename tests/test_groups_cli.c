/* test_groups_cli: device groups (system.groups[]) through the binary, on
 * scenario files written here; every value checked against one computed by
 * hand or from queueing theory:
 *   - codecs per group: source 16 tokens x 8 dims at 8 bits; group 0
 *     uncompressed (codec.select none): 256 header bits + 16 x 8 x 8 = 1280
 *     bits; group 1 PINR f = 0.5 with list indices: round(0.5 x 16) = 8
 *     tokens removed, 8 indices of ceil(log2 16) = 4 bits, 8 x 8 x 8 kept
 *     bits: 256 + 32 + 512 = 800 bits (README, "What the numbers are");
 *     group 2 TOFC (merge, uniform, laplace): its records carry its
 *     group2_measured_bits. Over a fixed 1e6 bit/s uplink with one packet a
 *     frame and no errors, each frame's airtime and delivered - first
 *     transmission equal bits / rate exactly: 1.28 ms and 0.8 ms;
 *   - two Poisson groups (1 device at 0.3/s, 2 devices at 0.25/s) into one
 *     exponential server of mean 1 s are M/M/1 with lambda = 0.8/s
 *     (Kleinrock, Queueing Systems I, §3.2): mean sojourn 1/(mu - lambda)
 *     = 5 s, the same for each group (FIFO, the classes see one queue),
 *     within the batch-means interval; per-group frame counts lambda_g T
 *     by a Poisson z-score;
 *   - fallback: a member not given takes the top-level key's value at each
 *     sweep point (frame counts follow a swept system.frame_rate_hz);
 *   - --set system.groups[1].devices=3 (and N = length appends a group);
 *   - bad groups exit 2 naming the member's path and its allowed range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tests/testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char out[1 << 16];

enum { C_POINT, C_TRIAL, C_GROUP, C_DEVICE, C_FRAME, C_ARR, C_ENC, C_FTX, C_DEL, C_SST, C_CMP, C_BITS, C_AIR = 17,
       C_NCOL = 20 };

/* write scenario _name.json in the scratch directory */
static void scenario(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", testutil_dir, name);
    assert_int_equal(testutil_write(path, text), 0);
}

static void run(const char *name, const char *sets)
{
    int rc = testutil_runf(out, sizeof out, "%s run %s/%s.json -o %s/%s.h5 --quiet --force %s", testutil_bin(),
                           testutil_dir, name, testutil_dir, name, sets);
    if (rc) fail_msg("run %s failed (%d): %s", name, rc, out);
}

/* the points table of _name as CSV into out */
static const char *points(const char *name)
{
    int rc = testutil_runf(out, sizeof out, "%s export %s/%s.h5 --format csv", testutil_bin(), testutil_dir, name);
    assert_int_equal(rc, 0);
    return out;
}

/* every /frames record of _name: _fn(_arg, values) */
static void each_frame(const char *name, void (*fn)(void *, const double *), void *arg)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s export %s/%s.h5 --table frames", testutil_bin(), testutil_dir, name);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    static char line[4096];
    assert_non_null(fgets(line, sizeof line, p)); /* header */
    while (fgets(line, sizeof line, p)) {
        double v[C_NCOL];
        testutil_csv_numbers(line, v, C_NCOL);
        fn(arg, v);
    }
    assert_int_equal(pclose(p), 0);
}

/* append _x to the growing array *_a of *_n values (capacity *_cap) */
static void push(double **a, long *n, long *cap, double x)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 1024;
        *a = realloc(*a, (size_t)*cap * sizeof **a);
        assert_non_null(*a);
    }
    (*a)[(*n)++] = x;
}

#define SRC "\"source\": {\"tokens\": 16, \"dims\": 8, \"bits\": 8}, "

/* ------------------------------------------------------------------ */

static const char *codecs_json =
    "{" SRC "\"device\": {\"compute\": \"none\"},"
    " \"system\": {\"arrival\": \"poisson\", \"frame_rate_hz\": 0.5, \"duration_s\": 400, \"warmup_s\": 10,"
    "   \"groups\": [{\"devices\": 2},"
    "              {\"devices\": 3, \"codec\": {\"select\": \"pinr\", \"f\": 0.5}},"
    "              {\"devices\": 1, \"codec\": {\"select\": \"merge\", \"clusters\": 4, \"knn\": 3,"
    "                                          \"quant\": \"uniform\", \"step\": 0.1, \"entropy\": \"laplace\"}}]},"
    " \"uplink\": {\"rate_model\": \"fixed\", \"rate_bps\": 1e6, \"packet_bits\": 1000000, \"max_retx\": 0},"
    " \"server\": {\"service\": \"deterministic\", \"service_mean_s\": 0.01}}";

typedef struct {
    double bits[3];
    long n[3], lo[3], hi[3];   /* records, first and last device index (devices are numbered across groups) */
    double worst;      /* largest |airtime - bits/rate| and |tx time - airtime|, relative */
    double *tx;        /* bits/rate of every record, in order */
    long nall, cap;
} codec_seen;

static void codec_frame(void *arg, const double *v)
{
    codec_seen *s = arg;
    int g = (int)v[C_GROUP];
    assert_true(g >= 0 && g < 3);
    long d = (long)v[C_DEVICE];
    if (!s->n[g] || d < s->lo[g]) s->lo[g] = d;
    if (!s->n[g] || d > s->hi[g]) s->hi[g] = d;
    assert_true(v[C_BITS] == s->bits[g]);
    double t = s->bits[g] / 1e6;
    double e1 = fabs(v[C_AIR] - t) / t, e2 = fabs((v[C_DEL] - v[C_FTX]) - t) / t;
    if (e1 > s->worst) s->worst = e1;
    if (e2 > s->worst) s->worst = e2;
    s->n[g]++;
    push(&s->tx, &s->nall, &s->cap, t);
}

static void test_group_codecs(void **state)
{
    (void)state;
    scenario("codecs", codecs_json);
    run("codecs", "");
    const char *csv = points("codecs");
    double b0 = testutil_csv_value(csv, "group0_measured_bits", 0);
    double b1 = testutil_csv_value(csv, "group1_measured_bits", 0);
    double b2 = testutil_csv_value(csv, "group2_measured_bits", 0);
    printf("frame bits per group: %.0f (hand 1280), %.0f (hand 800), %.0f (TOFC)\n", b0, b1, b2);
    assert_true(b0 == 256 + 16 * 8 * 8);
    assert_true(b1 == 256 + 8 * 4 + 8 * 8 * 8);
    assert_true(b2 >= 1 && b2 < b1 && b2 == floor(b2));
    assert_true(testutil_csv_value(csv, "measured_bits", 0) == b0); /* the row's frame is group 0's */
    codec_seen s = {.bits = {b0, b1, b2}};
    each_frame("codecs", codec_frame, &s);
    printf("records %ld %ld %ld, devices %ld-%ld %ld-%ld %ld-%ld, worst relative tx-time error %.3g\n", s.n[0],
           s.n[1], s.n[2], s.lo[0], s.hi[0], s.lo[1], s.hi[1], s.lo[2], s.hi[2], s.worst);
    assert_true(s.worst < 1e-9);
    long lo[3] = {0, 2, 5}, hi[3] = {1, 4, 5}; /* 2, 3 and 1 devices */
    for (int g = 0; g < 3; g++) {
        assert_int_equal(s.lo[g], lo[g]);
        assert_int_equal(s.hi[g], hi[g]);
    }
    assert_true(s.n[0] > 100 && s.n[1] > 100 && s.n[2] > 50);
    /* the point's column keeps its meaning, all frames: the mean of bits/rate
     * over the frames after the MSER-5 truncation point (sim/syssum), some
     * suffix of the records in the order they finished */
    double tx = testutil_csv_value(csv, "tx_time_mean_s", 0), sum = 0;
    long k = s.nall, hit = -1;
    while (k-- > 0 && hit < 0) {
        sum += s.tx[k];
        if (fabs(sum / (double)(s.nall - k) - tx) < 1e-9 * tx) hit = k;
    }
    printf("tx_time_mean_s %.12g: the mean of bits/rate over records %ld.. of %ld\n", tx, hit, s.nall);
    assert_true(hit >= 0 && hit < s.nall / 2);
    free(s.tx);
}

/* ------------------------------------------------------------------ */

static const char *mm1_json =
    "{" SRC "\"device\": {\"compute\": \"none\"}, \"seed\": 7,"
    " \"system\": {\"arrival\": \"poisson\", \"duration_s\": 60000, \"warmup_s\": 200,"
    "   \"groups\": [{\"devices\": 1, \"frame_rate_hz\": 0.3},"
    "              {\"devices\": 2, \"frame_rate_hz\": 0.25, \"codec\": {\"select\": \"pinr\", \"f\": 0.5}}]},"
    " \"uplink\": {\"rate_model\": \"fixed\", \"rate_bps\": 1e12},"
    " \"server\": {\"service\": \"exponential\", \"service_mean_s\": 1.0}}";

#define MM1_BATCHES 20
typedef struct {
    long n[2];
    double *soj[2];
    long cap[2];
} mm1_seen;

static void mm1_frame(void *arg, const double *v)
{
    mm1_seen *s = arg;
    int g = (int)v[C_GROUP];
    assert_true(g == 0 || g == 1);
    push(&s->soj[g], &s->n[g], &s->cap[g], v[C_CMP] - v[C_ARR]);
}

/* batch means of _n sojourns (records in completion order within a group:
 * consecutive batches of a long run are close to independent) */
static void batch_means(const double *x, long n, double *mean, double *half)
{
    double b[MM1_BATCHES], m = 0, v = 0;
    long per = n / MM1_BATCHES;
    for (int k = 0; k < MM1_BATCHES; k++) {
        b[k] = 0;
        for (long i = k * per; i < (k + 1) * per; i++) b[k] += x[i];
        b[k] /= (double)per;
        m += b[k] / MM1_BATCHES;
    }
    for (int k = 0; k < MM1_BATCHES; k++) v += (b[k] - m) * (b[k] - m) / (MM1_BATCHES - 1);
    *mean = m;
    *half = 2.093 * sqrt(v / MM1_BATCHES); /* t(0.975, 19) */
}

static void test_two_poisson_groups_mm1(void **state)
{
    (void)state;
    scenario("mm1", mm1_json);
    run("mm1", "");
    const char *csv = points("mm1");
    double lat = testutil_csv_value(csv, "latency_mean_s", 0);
    assert_true(testutil_within_ci("latency_mean_s (M/M/1 of lambda1 + lambda2)", lat,
                                   testutil_csv_value(csv, "latency_mean_s_ci_low", 0),
                                   testutil_csv_value(csv, "latency_mean_s_ci_high", 0), 1.0 / (1.0 - 0.8)));
    mm1_seen s = {{0, 0}, {NULL, NULL}, {0, 0}};
    each_frame("mm1", mm1_frame, &s);
    const double lambda[2] = {0.3, 2 * 0.25}, t = 60000 - 200;
    for (int g = 0; g < 2; g++) {
        double m, h, want = lambda[g] * t, z = ((double)s.n[g] - want) / sqrt(want);
        printf("group %d: %ld frames, lambda T = %.0f, z = %.2f\n", g, s.n[g], want, z);
        assert_true(fabs(z) < 4);
        batch_means(s.soj[g], s.n[g], &m, &h);
        char what[64];
        snprintf(what, sizeof what, "group %d mean sojourn", g);
        assert_true(testutil_within_ci(what, m, m - h, m + h, 5.0));
        free(s.soj[g]);
    }
    assert_true((double)(s.n[0] + s.n[1]) == testutil_csv_value(points("mm1"), "frames", 0));
}

/* ------------------------------------------------------------------ */

static const char *fallback_json =
    "{" SRC "\"device\": {\"compute\": \"none\"},"
    " \"system\": {\"arrival\": \"periodic\", \"duration_s\": 1000, \"warmup_s\": 0,"
    "   \"groups\": [{\"devices\": 2}, {\"devices\": 1, \"frame_rate_hz\": 0.05}]},"
    " \"uplink\": {\"rate_model\": \"fixed\", \"rate_bps\": 1e12},"
    " \"server\": {\"service\": \"deterministic\", \"service_mean_s\": 0.001},"
    " \"sweep\": {\"grid\": {\"system.frame_rate_hz\": [0.1, 0.2]}}}";

static void count_frame(void *arg, const double *v)
{
    long (*n)[3] = arg; /* [point][group] */
    n[(int)v[C_POINT]][(int)v[C_GROUP]]++;
}

static void test_member_fallback_follows_sweep(void **state)
{
    (void)state;
    scenario("fallback", fallback_json);
    run("fallback", "--set system.groups[2].devices=1");   /* N = length: a third group, all else fallback */
    long n[2][3] = {{0}};
    each_frame("fallback", count_frame, n);
    /* periodic arrivals over 1000 s: rate x 1000 frames a device, +-1 for the phase */
    const double rate[2] = {0.1, 0.2};
    for (int p = 0; p < 2; p++) {
        printf("point %d: group frames %ld %ld %ld\n", p, n[p][0], n[p][1], n[p][2]);
        assert_true(labs(n[p][0] - (long)(2 * rate[p] * 1000)) <= 2);  /* falls back: follows the sweep */
        assert_true(labs(n[p][1] - 50) <= 1);                          /* its own rate at both points */
        assert_true(labs(n[p][2] - (long)(rate[p] * 1000)) <= 1);      /* the appended group */
    }
    run("fallback", "--set system.groups[1].devices=3");
    memset(n, 0, sizeof n);
    each_frame("fallback", count_frame, n);
    assert_true(labs(n[0][1] - 150) <= 3);
}

/* ------------------------------------------------------------------ */

static const char *base_json =
    "{" SRC "\"device\": {\"compute\": \"none\"},"
    " \"system\": {\"arrival\": \"poisson\", \"duration_s\": 100, \"warmup_s\": 1,"
    "   \"groups\": [{\"devices\": 1}, {\"devices\": 2, \"codec\": {\"select\": \"pinr\", \"f\": 0.5}}]}}";

/* `featlink validate base.json _sets` exits 2 with _want in its message */
static void refused(const char *sets, const char *want)
{
    int rc = testutil_runf(out, sizeof out, "%s validate %s/base.json %s", testutil_bin(), testutil_dir, sets);
    printf("%s\n  -> %s", sets, out);
    assert_int_equal(rc, 2);
    if (!strstr(out, want)) fail_msg("expected \"%s\" in: %s", want, out);
}

static void test_bad_groups_exit_2(void **state)
{
    (void)state;
    scenario("base", base_json);
    assert_int_equal(testutil_runf(out, sizeof out, "%s validate %s/base.json", testutil_bin(), testutil_dir), 0);
    refused("--set 'system.groups[1].devices=0'", "$.system.groups[1].devices (from --set system.groups[1].devices=0): "
                                                  "must be in [1, 1048576], got 0");
    refused("--set 'system.groups=[{\"devices\":1},{}]'", "$.system.groups[1].devices: must be in [1, 1048576], got 0");
    refused("--set 'system.groups[0].colour=3'", "unknown member \"colour\" of system.groups[]");
    refused("--set 'system.groups=[{\"devices\":1,\"colour\":3}]'",
            "$.system.groups[0].colour: unknown member \"colour\" of system.groups[] (allowed: devices,");
    refused("--set 'system.groups=[{},{},{},{},{},{},{},{},{}]'",
            "$.system.groups (from --set system.groups=[{},{},{},{},{},{},{},{},{}]): must be an array of 1 to 8 "
            "objects");
    refused("--set 'system.groups[1].codec.f=1.5'", "$.system.groups[1].codec.f (from --set system.groups[1].codec.f=1.5):"
                                                    " must be in [0, 1], got 1.5");
    refused("--set 'system.groups=[{\"devices\":1,\"codec\":{\"f\":1.5}}]'",
            "$.system.groups[0].codec.f: must be in [0, 1], got 1.5");
    refused("--set 'system.groups=[{\"devices\":1},{\"devices\":1,\"codec\":{\"select\":\"merge\",\"knn\":40}}]'",
            "$.system.groups[1].codec.knn: must be in [1, source.tokens-1 = 15], got 40");
    refused("--set 'system.groups[1].codec.select=merge'", "$.system.groups[1].codec.f: has no effect because "
                                                           "codec.select is \"merge\"");
    refused("--set 'system.groups[0].jitter_s=0.1'", "$.system.groups[0].jitter_s: has no effect because "
                                                     "system.arrival is not \"periodic\"");
    refused("--set 'system.groups[1].codec.select=none'", "$.system.groups[1].codec.f: has no effect because "
                                                          "codec.select is \"none\"");
    refused("--set 'system.groups[0].arrival=periodic' --set 'system.groups[0].jitter_s=0.6'",
            "$.system.groups[0].jitter_s: must be below half the period (0.5 s), got 0.6");
    refused("--set 'system.groups[5].devices=1'", "system.groups has 2 elements (N = 2 appends one)");
    refused("--set 'system.groups=[1]'", "$.system.groups[0]: must be an object of system.groups[] members");
    refused("--set 'sweep.grid.system.groups[1].devices=[1,2]'", "system.groups and its members cannot be swept");
    refused("--set system.find=max_devices", "$.system.find: must be \"none\" with system.groups");
    refused("--set 'system.groups[0].arrival=trace' --set 'system.groups[0].trace_file=nonexistent.txt'",
            "$.system.groups[0].trace_file: file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_codecs),
        cmocka_unit_test(test_two_poisson_groups_mm1),
        cmocka_unit_test(test_member_fallback_follows_sweep),
        cmocka_unit_test(test_bad_groups_exit_2),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
