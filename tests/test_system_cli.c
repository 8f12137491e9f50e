/* test_system_cli: the discrete-event system layer through the binary
 * (scenario keys system.*, device.*, uplink.*, server.*):
 *   - M/M/1 and M/M/3 as the contract describes them (one device,
 *     Poisson arrivals, device.compute none, a fixed rate far above the
 *     load, exponential service): mean latency against 1/(mu - lambda) and
 *     Erlang C, within two half-widths of the run's own 95% interval;
 *   - a perfect channel, one periodic device: latency equals the component
 *     models computed here by hand (FLOP model, bits / rate, LLM model);
 *   - system keys inert without system.devices, and inert combinations,
 *     refused with exit 2 naming the key that makes them inert; cross-key
 *     limits with their JSON path;
 *   - the same results for --jobs 1 and --jobs 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tests/testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define tmpdir testutil_dir

#define run testutil_runf

#define csv_value testutil_csv_value

static char out[1 << 20];

static void run_and_export(const char *name, const char *json, const char *extra)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", tmpdir, name);
    assert_int_equal(testutil_write(path, json), 0);
    int rc = run(out, sizeof out, "%s run %s -o %s/%s.h5 --quiet --force %s && %s export %s/%s.h5 --format csv",
                 testutil_bin(), path, tmpdir, name, extra ? extra : "", testutil_bin(), tmpdir, name);
    if (rc) fail_msg("run failed (%d): %s", rc, out);
}

static void check_close(const char *what, double est, double lo, double hi, double theory)
{
    assert_true(testutil_within_ci(what, est, lo, hi, theory));
}

#define QUEUE "{\"source\": {\"tokens\": 16, \"dims\": 8, \"bits\": 8}, " \
              "\"system\": {\"devices\": 1, \"arrival\": \"poisson\", \"frame_rate_hz\": %g, " \
              "\"duration_s\": 200000, \"warmup_s\": 100}, \"device\": {\"compute\": \"none\"}, " \
              "\"uplink\": {\"rate_model\": \"fixed\", \"rate_bps\": 1e12}, " \
              "\"server\": {\"service\": \"exponential\", \"service_mean_s\": 1.0, \"workers\": %d}, \"seed\": %d}"

static void test_mm1_and_mm3(void **state)
{
    char json[2048];
    snprintf(json, sizeof json, QUEUE, 0.8, 1, 3);
    run_and_export("mm1", json, NULL);
    check_close("CLI M/M/1 mean latency (s)", csv_value(out, "latency_mean_s", 0),
                csv_value(out, "latency_mean_s_ci_low", 0), csv_value(out, "latency_mean_s_ci_high", 0),
                1.0 / (1.0 - 0.8));
    assert_true(fabs(csv_value(out, "server_utilisation", 0) - 0.8) < 0.01);
    assert_true(csv_value(out, "saturated", 0) == 0);
    /* M/M/3, a = 2.4: Erlang C = 0.647191, W = C / (3 - 2.4) + 1 */
    snprintf(json, sizeof json, QUEUE, 2.4, 3, 4);
    run_and_export("mm3", json, NULL);
    double a = 2.4, s = 1 + a + a * a / 2, top = a * a * a / 6 * 3 / (3 - a), C = top / (s + top);
    check_close("CLI M/M/3 mean latency (s)", csv_value(out, "latency_mean_s", 0),
                csv_value(out, "latency_mean_s_ci_low", 0), csv_value(out, "latency_mean_s_ci_high", 0),
                C / (3 - a) + 1);
}

static void test_replications(void **state)
{
    /* 10 replications of a shorter M/M/1: the interval is the t interval
     * over the replications' means */
    const char *json = "{\"source\": {\"tokens\": 16, \"dims\": 8, \"bits\": 8}, \"trials\": 10, "
                       "\"system\": {\"devices\": 1, \"arrival\": \"poisson\", \"frame_rate_hz\": 0.8, "
                       "\"duration_s\": 20000, \"warmup_s\": 100}, \"device\": {\"compute\": \"none\"}, "
                       "\"uplink\": {\"rate_model\": \"fixed\", \"rate_bps\": 1e12}, "
                       "\"server\": {\"service\": \"exponential\", \"service_mean_s\": 1.0}, \"seed\": 5}";
    run_and_export("reps", json, NULL);
    check_close("CLI M/M/1, 10 replications", csv_value(out, "latency_mean_s", 0),
                csv_value(out, "latency_mean_s_ci_low", 0), csv_value(out, "latency_mean_s_ci_high", 0), 5.0);
    assert_true(csv_value(out, "frames", 0) > 10 * 0.8 * 19000 * 0.95);
}

static void test_perfect_channel_by_hand(void **state)
{
    /* one device, one frame a second, no contention: every frame takes
     * device FLOP model + bits / rate + LLM model, exactly */
    run_and_export("exact",
                   "{\"source\": {\"tokens\": 64, \"dims\": 32, \"bits\": 16}, "
                   "\"system\": {\"devices\": 1, \"frame_rate_hz\": 1, \"duration_s\": 40, \"warmup_s\": 1}, "
                   "\"uplink\": {\"rate_model\": \"fixed\", \"rate_bps\": 1e6}}",
                   NULL);
    double bits = csv_value(out, "measured_bits", 0);
    double dev = 0.67e12 / (0.3 * 5.3e12) + 0.005;
    double tx = bits / 1e6;
    double srv = (64.0 + 64.0) / 11000 + 0.002 + 32.0 / 61;
    printf("  exact: %.0f bits; device %.6f + tx %.6f + server %.6f = %.6f s, measured %.9f\n", bits, dev,
           tx, srv, dev + tx + srv, csv_value(out, "latency_mean_s", 0));
    assert_true(bits == csv_value(out, "system_frame_bits", 0));
    assert_true(fabs(csv_value(out, "latency_mean_s", 0) - (dev + tx + srv)) < 1e-9);
    assert_true(fabs(csv_value(out, "latency_p99_s", 0) - (dev + tx + srv)) < 1e-9);
    assert_true(fabs(csv_value(out, "device_time_mean_s", 0) - dev) < 1e-9);
    assert_true(fabs(csv_value(out, "tx_time_mean_s", 0) - tx) < 1e-9);
    assert_true(fabs(csv_value(out, "server_time_mean_s", 0) - srv) < 1e-9);
    assert_true(csv_value(out, "uplink_wait_mean_s", 0) == 0 && csv_value(out, "server_wait_mean_s", 0) == 0);
    assert_true(csv_value(out, "deadline_miss_rate", 0) == 0);
    /* energy: 40 W x device time + 0.2 W x airtime */
    assert_true(fabs(csv_value(out, "energy_mean_j", 0) - (40 * dev + 0.2 * tx)) < 1e-9);
}

static void test_mcs_rate_through_the_binary(void **state)
{
    /* 40 dB, 10 dB above NR CQI 15's threshold (29.7 dB): 256QAM 948/1024, SE 7.4063
     * bit/s/Hz (38.214 Table 5.2.2.1-2) on 1 MHz, no packet errors */
    run_and_export("mcs",
                   "{\"source\": {\"tokens\": 64, \"dims\": 32, \"bits\": 16}, "
                   "\"system\": {\"devices\": 1, \"frame_rate_hz\": 1, \"duration_s\": 20, \"warmup_s\": 1}, "
                   "\"device\": {\"snr_db\": 40}, "
                   "\"uplink\": {\"rate_model\": \"mcs_nr\", \"bandwidth_hz\": 1e6}}",
                   NULL);
    double bits = csv_value(out, "measured_bits", 0), tx = csv_value(out, "tx_time_mean_s", 0);
    printf("  mcs_nr at 40 dB: %.0f bits in %.9f s = %.6g bit/s (B x 7.4063 = 7.4063e6)\n", bits, tx, bits / tx);
    assert_true(fabs(tx - bits / (1e6 * 7.4063)) < 1e-4 * tx);
}

static void test_max_devices_search(void **state)
{
    /* TDMA uplink as M/D/1 of the total load: lambda 0.02 per device, 1 s
     * per frame, target mean delay 2 s: W(N) = 1 + N 0.02 / (2 (1 - 0.02 N))
     * (+ the server's 1 ns) gives N = 33 */
    run_and_export("cap",
                   "{\"source\": {\"tokens\": 16, \"dims\": 8, \"bits\": 8}, "
                   "\"system\": {\"devices\": 1, \"arrival\": \"poisson\", \"frame_rate_hz\": 0.02, "
                   "\"duration_s\": 200000, \"warmup_s\": 1000, \"find\": \"max_devices\", "
                   "\"find_metric\": \"mean\", \"find_target\": 2, \"find_max\": 49}, "
                   "\"device\": {\"compute\": \"none\"}, "
                   "\"uplink\": {\"rate_model\": \"fixed\", \"rate_bps\": 1280, \"packet_bits\": 1280}, "
                   "\"server\": {\"service\": \"deterministic\", \"service_mean_s\": 1e-9, \"workers\": 64}}",
                   NULL);
    double n = csv_value(out, "max_devices", 0);
    int want = 0;
    for (int k = 1; k < 50; k++)
        if (0.02 * k < 1 && 1 + 0.02 * k / (2 * (1 - 0.02 * k)) <= 2) want = k;
    printf("  max_devices %.0f (closed form %d), metric %.4g, next %.4g, %.0f probes\n", n, want,
           csv_value(out, "max_devices_metric", 0), csv_value(out, "max_devices_next_metric", 0),
           csv_value(out, "max_devices_probes", 0));
    assert_true(fabs(n - want) <= 1);
    assert_true(csv_value(out, "max_devices_metric", 0) <= 2 && csv_value(out, "max_devices_next_metric", 0) > 2);
}

static void test_inert_and_bad_system_keys(void **state)
{
    char path[512];
    snprintf(path, sizeof path, "%s/plain.json", tmpdir);
    assert_int_equal(testutil_write(path, "{\"source\": {\"tokens\": 16, \"dims\": 8}}"), 0);
    const char *bin = testutil_bin();
    /* system keys without system.devices */
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s/x.h5 --set server.workers=4", bin, path, tmpdir), 2);
    assert_non_null(strstr(out, "server.workers"));
    assert_non_null(strstr(out, "system.devices is 0"));
    /* jitter with Poisson arrivals; a fixed rate's gap */
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s/x.h5 --set system.devices=2 --set system.arrival=poisson "
                         "--set system.jitter_s=0.01", bin, path, tmpdir), 2);
    assert_non_null(strstr(out, "system.arrival is not \"periodic\""));
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s/x.h5 --set system.devices=2 --set uplink.rate_bps=1e6",
                         bin, path, tmpdir), 2);
    assert_non_null(strstr(out, "uplink.rate_model is not \"fixed\""));
    /* warm-up at or past the duration, with its JSON path */
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s/x.h5 --set system.devices=2 --set system.duration_s=10 "
                         "--set system.warmup_s=10", bin, path, tmpdir), 2);
    assert_non_null(strstr(out, "$.system.warmup_s"));
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s/x.h5 --set system.devices=2000000", bin, path, tmpdir), 2);
    assert_non_null(strstr(out, "$.system.devices"));
}

static void test_jobs_do_not_change_results(void **state)
{
    const char *json = "{\"source\": {\"tokens\": 16, \"dims\": 8, \"bits\": 8}, "
                       "\"system\": {\"devices\": 4, \"arrival\": \"poisson\", \"frame_rate_hz\": 5, "
                       "\"duration_s\": 200, \"warmup_s\": 1}, "
                       "\"uplink\": {\"bandwidth_hz\": 1e5, \"doppler_hz\": 5, \"max_retx\": 1, \"access\": \"pf\"}, "
                       "\"server\": {\"service\": \"exponential\", \"service_mean_s\": 0.02, \"workers\": 2}, "
                       "\"sweep\": {\"grid\": {\"system.devices\": [1, 2, 3, 4], \"device.snr_db\": [0, 10]}}}";
    run_and_export("j1", json, "--jobs 1");
    char *a = strdup(out);
    run_and_export("j2", json, "--jobs 2");
    assert_string_equal(a, out);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mm1_and_mm3),
        cmocka_unit_test(test_replications),
        cmocka_unit_test(test_perfect_channel_by_hand),
        cmocka_unit_test(test_mcs_rate_through_the_binary),
        cmocka_unit_test(test_max_devices_search),
        cmocka_unit_test(test_inert_and_bad_system_keys),
        cmocka_unit_test(test_jobs_do_not_change_results),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
