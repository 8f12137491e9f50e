/* test_frames_cli: the /frames record table through the binary
 * (featlink run, featlink export --table frames), on scenarios/system_mm1.json
 * with --set system.frame_rate_hz=0.5 system.duration_s=50000 (one device,
 * Poisson arrivals lambda = 0.5/s, no device compute, a fixed 1e12 bit/s
 * uplink, exponential service of mean 1 s; points: 1, 2, 3 server workers):
 *   - --jobs 1 and --jobs 2 export byte-identical /frames;
 *   - a run stopped by a full journal (ulimit -f, after point 0's records)
 *     and completed with --resume exports the same /frames byte for byte
 *     (point 0's records come back from the journal, the rest are new);
 *   - each point's record count equals its `frames` column (both count the
 *     frames arriving after system.warmup_s, dropped ones included);
 *   - per frame: completion - arrival = the sum of the components from the
 *     record's times; device time 0 (device.compute none); airtime
 *     = bits / rate_bps by hand (one 1280-bit packet at 1e12 bit/s), and
 *     delivered - first transmission equals it to the export's 15
 *     significant digits;
 *   - M/M/1 (point 0): the sojourn times completion - arrival follow
 *     P(T > t) = exp(-(mu - lambda) t) (Kleinrock, Queueing Systems I,
 *     §3.2), by a Kolmogorov-Smirnov test on every 40th frame (successive
 *     sojourns are correlated; at rho = 0.5 the relaxation time is about
 *     1 / (mu (1 - sqrt(rho))^2) = 11.7 s, some 6 frames, so frames 40
 *     apart are close to independent), at the 0.1% level: D < 1.95 / sqrt(n).
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

/* the M/M/1 of the header: lambda = 0.5/s, 50,000 s simulated */
#define MM1_SETS " --set system.frame_rate_hz=0.5 --set system.duration_s=50000"

enum { C_POINT, C_TRIAL, C_GROUP, C_DEVICE, C_FRAME, C_ARR, C_ENC, C_FTX, C_DEL, C_SST, C_CMP, C_BITS, C_AIR = 17, C_NCOL = 20 };

static const char *header =
    "point,trial,group,device,frame,arrival_s,encode_end_s,first_tx_s,delivered_s,server_start_s,completion_s,"
    "bits,packets,retransmissions,lost_packets,dropped,deadline_met,airtime_s,energy_j,proxy_f1\n";

static void run_mm1(const char *name, int jobs)
{
    int rc = testutil_runf(out, sizeof out, "%s run scenarios/system_mm1.json -o %s/%s.h5 --quiet --force --jobs %d"
                           MM1_SETS,
                           testutil_bin(), testutil_dir, name, jobs);
    if (rc) fail_msg("run failed (%d): %s", rc, out);
}

static FILE *export_frames(const char *name)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s export %s/%s.h5 --table frames", testutil_bin(), testutil_dir, name);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    return p;
}

/* FNV-1a of the whole export and its line count */
static uint64_t export_hash(const char *name, long *lines)
{
    FILE *p = export_frames(name);
    uint64_t h = 1469598103934665603ull;
    int ch;
    *lines = 0;
    while ((ch = getc(p)) != EOF) {
        h = (h ^ (unsigned char)ch) * 1099511628211ull;
        *lines += ch == '\n';
    }
    assert_int_equal(pclose(p), 0);
    return h;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* the `frames` column of the three points */
static void points_frames(const char *name, double *frames)
{
    int rc = testutil_runf(out, sizeof out, "%s export %s/%s.h5 --format json | tr ',' '\\n' | grep '\"frames\"'",
                           testutil_bin(), testutil_dir, name);
    assert_int_equal(rc, 0);
    const char *p = out;
    for (int k = 0; k < 3; k++) {
        p = strstr(p, "\"frames\":");
        assert_non_null(p);
        p += 9;
        frames[k] = strtod(p, NULL);
    }
}

static void test_frames(void **state)
{
    (void)state;
    run_mm1("j1", 1);
    run_mm1("j2", 2);
    long l1, l2;
    uint64_t h1 = export_hash("j1", &l1), h2 = export_hash("j2", &l2);
    printf("export --table frames: %ld lines at --jobs 1, %ld at --jobs 2\n", l1, l2);
    assert_true(l1 > 10000);
    assert_int_equal(l1, l2);
    assert_true(h1 == h2);

    double frames[3];
    points_frames("j1", frames);
    FILE *p = export_frames("j1");
    static char line[4096];
    assert_non_null(fgets(line, sizeof line, p));
    assert_string_equal(line, header);
    long count[3] = {0, 0, 0}, seen0 = 0;
    size_t ns = 0, caps = 4096;
    double *soj = malloc(caps * sizeof *soj), maxdev = 0.0;
    assert_non_null(soj);
    long prev_point = 0;
    while (fgets(line, sizeof line, p)) {
        double v[C_NCOL];
        testutil_csv_numbers(line, v, C_NCOL);
        long pt = (long)v[C_POINT];
        assert_true(pt >= prev_point && pt < 3); /* ordered by point */
        prev_point = pt;
        count[pt]++;
        double parts = (v[C_ENC] - v[C_ARR]) + (v[C_FTX] - v[C_ENC]) + (v[C_DEL] - v[C_FTX]) +
                       (v[C_SST] - v[C_DEL]) + (v[C_CMP] - v[C_SST]);
        double lat = v[C_CMP] - v[C_ARR];
        if (fabs(lat - parts) > maxdev) maxdev = fabs(lat - parts);
        assert_true(v[C_ENC] == v[C_ARR]);                           /* device.compute none */
        assert_true(fabs(v[C_AIR] - 1280 / 1e12) < 1e-24);                /* bits / rate */
        assert_true(fabs((v[C_DEL] - v[C_FTX]) - v[C_AIR]) < 1e-14 * v[C_DEL] + 1e-20);
        assert_true(v[C_BITS] == 1280);
        if (pt == 0 && seen0++ % 40 == 0) {
            if (ns == caps) soj = realloc(soj, (caps *= 2) * sizeof *soj);
            assert_non_null(soj);
            soj[ns++] = lat;
        }
    }
    assert_int_equal(pclose(p), 0);
    printf("largest |latency - sum of components|: %.3g s\n", maxdev);
    assert_true(maxdev < 1e-9);
    for (int k = 0; k < 3; k++) {
        printf("point %d: %ld records, frames column %.0f\n", k, count[k], frames[k]);
        assert_true((double)count[k] == frames[k]);
    }

    /* KS against Exp(mu - lambda) = Exp(0.5) */
    qsort(soj, ns, sizeof *soj, cmp_double);
    double d = 0.0, rate = 1.0 - 0.5;
    for (size_t i = 0; i < ns; i++) {
        double f = 1.0 - exp(-rate * soj[i]);
        double a = fabs(f - (double)i / ns), b = fabs((double)(i + 1) / ns - f);
        if (a > d) d = a;
        if (b > d) d = b;
    }
    double crit = 1.95 / sqrt((double)ns);
    printf("M/M/1 sojourn KS: n = %zu, D = %.4f, critical (0.1%%) %.4f\n", ns, d, crit);
    assert_true(ns >= 500);
    assert_true(d < crit);
    free(soj);
}

/* a run whose journal fills up after point 0 (its 25,000 records take about
 * 4.7 MB of journal; the limit is 6 MB), then --resume: the same /frames as
 * the uninterrupted run of test_frames (j1.h5, made there) */
static void test_resume(void **state)
{
    (void)state;
    int rc = testutil_runf(out, sizeof out,
                           "bash -c 'ulimit -f 6000; %s run scenarios/system_mm1.json -o %s/res.h5 --quiet --force --jobs 1"
                           MM1_SETS "'",
                           testutil_bin(), testutil_dir);
    printf("%s", out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "File too large"));
    assert_non_null(strstr(out, "--resume"));
    rc = testutil_runf(out, sizeof out,
                       "%s run scenarios/system_mm1.json -o %s/res.h5 --quiet --resume --jobs 2"
                       MM1_SETS,
                       testutil_bin(), testutil_dir);
    if (rc) fail_msg("resume failed (%d): %s", rc, out);
    long l1, l2;
    uint64_t h1 = export_hash("j1", &l1), h2 = export_hash("res", &l2);
    printf("resumed /frames: %ld lines, uninterrupted %ld\n", l2, l1);
    assert_int_equal(l1, l2);
    assert_true(h1 == h2);
}

/* a cap below a point's frames stops the run (exit 1) naming the key; 0
 * writes no /frames */
static void test_cap(void **state)
{
    (void)state;
    int rc = testutil_runf(out, sizeof out,
                           "%s run scenarios/system_mm1.json -o %s/cap.h5 --quiet --force --set system.duration_s=5000"
                           " --set system.max_frame_records=1000",
                           testutil_bin(), testutil_dir);
    printf("%s", out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "system.max_frame_records"));
    rc = testutil_runf(out, sizeof out,
                       "%s run scenarios/system_mm1.json -o %s/none.h5 --quiet --force --set system.duration_s=5000"
                       " --set system.max_frame_records=0"
                       " && %s export %s/none.h5 --table frames",
                       testutil_bin(), testutil_dir, testutil_bin(), testutil_dir);
    printf("%s", out);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, "/frames: no such table"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
