/* test_trace: system.arrival = trace.
 *   - sim/trace on buffers: a hand-written trace (comments, blank lines,
 *     tabs, CRLF) groups into the devices' ascending times as written;
 *     unsorted, negative, NaN, inf, garbage, a device index out of range,
 *     an extra field, a too-long line, empty or comment-only text, and a
 *     buffer over TRACE_MAX_BYTES are refused with the line and the
 *     allowed range in the message;
 *   - through the binary (featlink run, export --table frames): every
 *     record's arrival_s is the trace's time for its (device, frame), the
 *     k-th line of device d being frame k of device d (the trace is the
 *     independent value: written here by hand, 1 ps resolution, so the
 *     export's 15 significant digits must give it back to within 1e-12 s);
 *     arrivals at or after system.duration_s make no frame;
 *   - bad trace files make featlink validate and run exit 2 with a message
 *     naming $.system.trace_file, the file and the line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tests/testutil.h"
#include "sim/trace.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char out[1 << 16];

/* the trace of the binary test: device, time (s); device 2 has none;
 * the 30.5 s line is past system.duration_s = 30 */
static const char *trace_text = "# device time\n"
                                "0 0.125\n"
                                "1\t0.25   # tab separated\n"
                                "\n"
                                "0 1.000000000001\r\n"
                                "1 1.000000000001\n"
                                "0 7.5\n"
                                "1 12.345678901234\n"
                                "0 29.999999999999\n"
                                "1 30.5\n";
static const struct { unsigned dev, frame; double t; } expect[] = {
    {0, 0, 0.125}, {1, 0, 0.25}, {0, 1, 1.000000000001}, {1, 1, 1.000000000001},
    {0, 2, 7.5},   {1, 2, 12.345678901234}, {0, 3, 29.999999999999}};
enum { NEXPECT = sizeof expect / sizeof expect[0] };

static void test_parse(void **state)
{
    (void)state;
    trace t;
    char err[512];
    assert_int_equal(fl_trace_parse(trace_text, strlen(trace_text), 3, &t, err, sizeof err), 0);
    assert_int_equal(t.n, NEXPECT + 1);
    assert_int_equal(t.devices, 3);
    size_t want_start[4] = {0, 4, 8, 8};
    for (int d = 0; d < 4; d++) assert_int_equal(t.start[d], want_start[d]);
    double want[8] = {0.125, 1.000000000001, 7.5, 29.999999999999, 0.25, 1.000000000001, 12.345678901234, 30.5};
    for (int i = 0; i < 8; i++) assert_true(t.time_s[i] == want[i]);
    fl_trace_free(&t);
    assert_null(t.time_s);
}

static void bad(const char *text, uint32_t devices, int want_rc, const char *want_msg)
{
    trace t;
    char err[512] = "";
    int rc = fl_trace_parse(text, strlen(text), devices, &t, err, sizeof err);
    printf("%-28.28s -> %d: %s\n", text, rc, err);
    assert_int_equal(rc, want_rc);
    assert_non_null(strstr(err, want_msg));
    assert_null(t.time_s);
}

static void test_bad(void **state)
{
    (void)state;
    bad("0 1\n0 0.5\n", 1, -EINVAL, "line 2: times must be non-decreasing (allowed: >= 1");
    bad("0 -1\n", 1, -EINVAL, "line 1: time must be a finite number of seconds in [0, 9e+06], got \"-1\"");
    bad("0 1\n0 nan\n", 1, -EINVAL, "line 2: time must be a finite");
    bad("0 inf\n", 1, -EINVAL, "line 1: time must be a finite");
    bad("0 1e7\n", 1, -EINVAL, "in [0, 9e+06]");
    bad("0 1.5x\n", 1, -EINVAL, "got \"1.5x\"");
    bad("\x01\xff garbage\n", 1, -EINVAL, "device index must be an integer in [0, 0]");
    bad("3 1\n", 3, -EINVAL, "line 1: device index must be an integer in [0, 2] (system.devices - 1), got \"3\"");
    bad("-1 1\n", 3, -EINVAL, "device index");
    bad("0 1 2\n", 1, -EINVAL, "expected \"DEVICE TIME\" (two fields), got 3 fields");
    bad("1.5\n", 1, -EINVAL, "got 1 field");
    bad("", 1, -EINVAL, "no arrivals (allowed: 1 to 16777216");
    bad("# only a comment\n\n", 1, -EINVAL, "no arrivals");
    bad("0 1\n", 0, -EINVAL, "system.devices >= 1");
    static char longline[600];
    memset(longline, ' ', sizeof longline - 3);
    memcpy(longline + sizeof longline - 6, "0 1\n", 5);
    bad(longline, 1, -EINVAL, "line 1: longer than 255 characters");
    /* too big: refused on the size alone, before reading or allocating */
    trace t;
    char err[256];
    assert_int_equal(fl_trace_parse("0 1\n", (size_t)TRACE_MAX_BYTES + 1, 1, &t, err, sizeof err), -EFBIG);
    assert_non_null(strstr(err, "allowed: at most 67108864"));
}

static void write_scenario(const char *name, const char *trace_name)
{
    char p[512], text[1024];
    snprintf(p, sizeof p, "%s/%s.json", testutil_dir, name);
    snprintf(text, sizeof text,
             "{\"name\": \"%s\", \"source\": {\"tokens\": 16, \"dims\": 8, \"bits\": 8},\n"
             " \"system\": {\"devices\": 3, \"arrival\": \"trace\", \"trace_file\": \"%s\", \"duration_s\": 30,"
             " \"warmup_s\": 0},\n"
             " \"device\": {\"compute\": \"none\"}, \"uplink\": {\"rate_model\": \"fixed\", \"rate_bps\": 1e9},\n"
             " \"server\": {\"service\": \"deterministic\", \"service_mean_s\": 0.01}}\n",
             name, trace_name);
    assert_int_equal(testutil_write(p, text), 0);
}

static void test_frames(void **state)
{
    (void)state;
    char p[512];
    snprintf(p, sizeof p, "%s/arrivals.txt", testutil_dir);
    assert_int_equal(testutil_write(p, trace_text), 0);
    write_scenario("tr", "arrivals.txt");
    int rc = testutil_runf(out, sizeof out, "%s run %s/tr.json -o %s/tr.h5 --quiet --force && %s export %s/tr.h5 "
                           "--table frames", testutil_bin(), testutil_dir, testutil_dir, testutil_bin(), testutil_dir);
    if (rc) fail_msg("run failed (%d): %s", rc, out);
    int seen[NEXPECT] = {0}, rows = 0;
    char *line = strchr(out, '\n');   /* past the header */
    assert_non_null(line);
    for (line++; *line; line = strchr(line, '\n') + 1) {
        double v[6];
        char *s = line;
        for (int c = 0; c < 6; c++) {   /* point,trial,group,device,frame,arrival_s */
            v[c] = strtod(s, &s);
            s += *s == ',';
        }
        int hit = 0;
        for (int k = 0; k < NEXPECT; k++)
            if (expect[k].dev == v[3] && expect[k].frame == v[4]) {
                printf("device %g frame %g: arrival_s %.15g, trace %.15g\n", v[3], v[4], v[5], expect[k].t);
                assert_true(fabs(v[5] - expect[k].t) <= 1e-12);
                seen[k]++;
                hit = 1;
            }
        assert_true(hit);
        rows++;
        if (!strchr(line, '\n')) break;
    }
    assert_int_equal(rows, NEXPECT);
    for (int k = 0; k < NEXPECT; k++) assert_int_equal(seen[k], 1);
}

/* a bad trace file: exit 2 from validate and run, the message naming the key, the file and the line */
static void bad_file(const char *name, const char *text, const char *want)
{
    char p[512], tn[64];
    snprintf(tn, sizeof tn, "%s.txt", name);
    snprintf(p, sizeof p, "%s/%s", testutil_dir, tn);
    assert_int_equal(testutil_write(p, text), 0);
    write_scenario(name, tn);
    const char *cmds[2] = {"validate", "run"};
    for (int i = 0; i < 2; i++) {
        int rc = testutil_runf(out, sizeof out, "%s %s %s/%s.json%s", testutil_bin(), cmds[i], testutil_dir, name,
                               i ? " -o /dev/null/x.h5" : "");
        printf("%s %s: exit %d: %s", cmds[i], name, rc, out);
        assert_int_equal(rc, 2);
        assert_non_null(strstr(out, "$.system.trace_file"));
        assert_non_null(strstr(out, tn));
        assert_non_null(strstr(out, want));
    }
}

static void test_bad_files(void **state)
{
    (void)state;
    bad_file("unsorted", "0 2\n1 1\n", "line 2: times must be non-decreasing");
    bad_file("negative", "0 -0.5\n", "line 1: time must be a finite number of seconds in [0, 9e+06]");
    bad_file("nan", "0 1\n0 NaN\n", "line 2: time must be a finite");
    bad_file("garbage", "hello world\n", "line 1: device index must be an integer in [0, 2]");
    bad_file("empty", "", "no arrivals");
    bad_file("device", "5 1\n", "line 1: device index must be an integer in [0, 2]");
    /* too big: a sparse file one byte over the limit, refused on its size */
    char p[512];
    snprintf(p, sizeof p, "%s/big.txt", testutil_dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)TRACE_MAX_BYTES, SEEK_SET), 0);
    fputc('\n', f);
    fclose(f);
    write_scenario("big", "big.txt");
    int rc = testutil_runf(out, sizeof out, "%s validate %s/big.json", testutil_bin(), testutil_dir);
    printf("validate big: exit %d: %s", rc, out);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, "67108865 bytes (allowed: at most 67108864)"));
    remove(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_frames),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
