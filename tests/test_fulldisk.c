/* A disk that fills up during a sweep, simulated with a file-size limit
 * (bash `ulimit -f`, no root needed): featlink exits 1 with a message naming
 * the file and the cause, keeps the journal, and `--resume` after the limit
 * is lifted completes to the same /points values as an uninterrupted run.
 * Two places fill: the journal during the sweep, and the results file at the
 * end. Every check goes through the binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define dir testutil_dir

/* A cheap capacity-mode PINR sweep of _nsnr x 2 points. */
static void write_scenario(const char *path, int nsnr)
{
    char snr[2048] = "", *p = snr;
    for (int i = 0; i < nsnr; i++)
        p += sprintf(p, "%s%d", i ? ", " : "", i);
    char text[4096];
    snprintf(text, sizeof text,
             "{\"name\": \"full\", \"seed\": 3,\n"
             " \"source\": {\"kind\": \"synthetic\", \"tokens\": 4, \"dims\": 8, \"bits\": 8},\n"
             " \"codec\": {\"select\": \"pinr\", \"index_coding\": \"list\"},\n"
             " \"link\": {\"mode\": \"capacity\", \"budget_s\": 1.0}, \"channel\": {\"kind\": \"awgn\"},\n"
             " \"sweep\": {\"grid\": {\"channel.snr_db\": [%s], \"codec.f\": [0.25, 0.5]}}}\n", snr);
    assert_int_equal(testutil_write(path, text), 0);
}

/* run _scn into _out under a file-size limit of _kib KiB (0: none) */
static int run_limited(const char *scn, const char *out, int kib, const char *extra, char *msg, size_t len)
{
    char cmd[1600];
    if (kib)
        snprintf(cmd, sizeof cmd, "bash -c 'ulimit -f %d; exec %s run %s -o %s --quiet -j 2 %s'", kib,
                 testutil_bin(), scn, out, extra);
    else
        snprintf(cmd, sizeof cmd, "%s run %s -o %s --quiet -j 2 %s", testutil_bin(), scn, out, extra);
    return testutil_run(cmd, msg, len);
}

static void assert_same_export(const char *a, const char *b)
{
    char cmd[1400], out[256];
    snprintf(cmd, sizeof cmd, "cmp -s <(%s export %s) <(%s export %s)", testutil_bin(), a, testutil_bin(), b);
    char bcmd[1600];
    snprintf(bcmd, sizeof bcmd, "bash -c '%s'", cmd);
    assert_int_equal(testutil_run(bcmd, out, sizeof out), 0);
}

static void fill_and_resume(int nsnr, const char *tag, const char *full_file)
{
    char scn[320], ref[320], out[320], journal[340], msg[4096], want[400];
    snprintf(scn, sizeof scn, "%s/%s.json", dir, tag);
    snprintf(ref, sizeof ref, "%s/%s_ref.h5", dir, tag);
    snprintf(out, sizeof out, "%s/%s.h5", dir, tag);
    snprintf(journal, sizeof journal, "%s.journal", out);
    write_scenario(scn, nsnr);
    assert_int_equal(run_limited(scn, ref, 0, "", msg, sizeof msg), 0);

    int st = run_limited(scn, out, 16, "", msg, sizeof msg);
    snprintf(want, sizeof want, "%s%s: ", out, full_file);
    if (st != 1 || !strstr(msg, want) || !strstr(msg, "File too large"))
        fail_msg("%s: status %d, message \"%s\" (wanted \"%s\" and the cause)", tag, st, msg, want);
    assert_non_null(strstr(msg, "kept in"));
    assert_int_equal(access(journal, F_OK), 0);
    assert_int_not_equal(access(out, F_OK), 0);

    assert_int_equal(run_limited(scn, out, 0, "--resume", msg, sizeof msg), 0);
    assert_int_not_equal(access(journal, F_OK), 0);
    assert_same_export(ref, out);
}

/* 400 points: the journal passes 16 KiB mid-sweep. */
static void test_journal_fills_up(void **state)
{
    (void)state;
    fill_and_resume(200, "sweep", ".journal");
}

/* 2 points: the journal fits, the results file (about 100 KiB) does not. */
static void test_results_file_fills_up(void **state)
{
    (void)state;
    fill_and_resume(1, "final", ".tmp");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_journal_fills_up),
        cmocka_unit_test(test_results_file_fills_up),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
