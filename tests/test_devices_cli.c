/* test_devices_cli: how devices are described, through the binary:
 *   - uplink.snr_model = pathloss: the mean SNR from the log-distance link
 *     budget, SNR = P_tx - PL(d0) - 10 n log10(d / d0) - (-174 + 10 log10 B
 *     + NF) dB, worked out here by hand, seen through the transmission time
 *     of an error-free Shannon uplink, bits / (B log2(1 + SNR));
 *   - the path-loss keys inert with a fixed SNR and device.snr_db inert
 *     with path loss, refused with exit 2.
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

static char out[1 << 20];

/* run scenario _json as _name, its /points (or _table) as CSV into out */
static void run_and_export(const char *name, const char *json, const char *table)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", testutil_dir, name);
    assert_int_equal(testutil_write(path, json), 0);
    int rc = testutil_runf(out, sizeof out, "%s run %s -o %s/%s.h5 --quiet --force && %s export %s/%s.h5 --format csv%s%s",
                           testutil_bin(), path, testutil_dir, name, testutil_bin(), testutil_dir, name,
                           table ? " --table " : "", table ? table : "");
    if (rc) fail_msg("run failed (%d): %s", rc, out);
}

#define PATHLOSS "{\"source\": {\"tokens\": 64, \"dims\": 32, \"bits\": 16}, " \
                 "\"system\": {\"devices\": 1, \"frame_rate_hz\": 1, \"duration_s\": 20, \"warmup_s\": 1}, " \
                 "\"device\": {\"compute\": \"none\", \"tx_power_dbm\": 23, \"distance_m\": 100}, " \
                 "\"uplink\": {\"snr_model\": \"pathloss\", \"bandwidth_hz\": 1e6, \"pathloss_exponent\": 3, " \
                 "\"pathloss_ref_db\": 40, \"pathloss_ref_m\": 1, \"noise_figure_db\": 5}, " \
                 "\"server\": {\"service\": \"deterministic\", \"service_mean_s\": 1e-3}, " \
                 "\"sweep\": {\"grid\": {\"device.distance_m\": [100, 1000]}}}"

static void test_pathloss_snr_by_hand(void **state)
{
    run_and_export("pathloss", PATHLOSS, NULL);
    /* noise: -174 dBm/Hz + 10 log10(1e6) + 5 = -109 dBm.
     * 100 m: PL = 40 + 30 log10(100) = 100 dB, SNR = 23 - 100 + 109 = 32 dB;
     * 1000 m: PL = 130 dB, SNR = 2 dB */
    const double snr_db[] = {32.0, 2.0};
    for (int r = 0; r < 2; r++) {
        double bits = testutil_csv_value(out, "measured_bits", r);
        double tx = testutil_csv_value(out, "tx_time_mean_s", r);
        double want = bits / (1e6 * log2(1.0 + pow(10.0, snr_db[r] / 10.0)));
        printf("  pathloss %s m: %.0f bits in %.9f s, by hand (SNR %.0f dB) %.9f s\n", r ? "1000" : "100",
               bits, tx, snr_db[r], want);
        assert_true(fabs(tx - want) < 1e-9 * want);
    }
}

static void test_pathloss_keys_inert(void **state)
{
    char path[512];
    snprintf(path, sizeof path, "%s/plain.json", testutil_dir);
    assert_int_equal(testutil_write(path, "{\"source\": {\"tokens\": 16, \"dims\": 8}, \"system\": {\"devices\": 1}}"), 0);
    const char *bin = testutil_bin();
    assert_int_equal(testutil_runf(out, sizeof out, "%s run %s -o %s/x.h5 --set device.distance_m=50", bin, path,
                                   testutil_dir), 2);
    assert_non_null(strstr(out, "device.distance_m"));
    assert_non_null(strstr(out, "uplink.snr_model is \"fixed\""));
    assert_int_equal(testutil_runf(out, sizeof out, "%s run %s -o %s/x.h5 --set uplink.snr_model=pathloss "
                                   "--set device.snr_db=10", bin, path, testutil_dir), 2);
    assert_non_null(strstr(out, "device.snr_db"));
    assert_non_null(strstr(out, "uplink.snr_model is \"pathloss\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pathloss_snr_by_hand),
        cmocka_unit_test(test_pathloss_keys_inert),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
