/* test_cli: what a user meets at the command line (issue 7): inert keys
 * refused, no silent overwrite, --resume needs a journal, relative paths
 * beside the scenario, validate lists every error, progress lines, Ctrl-C
 * keeps a resumable journal. Every check goes through the binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define tmpdir testutil_dir

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Run the command built from _fmt; its exit status, output in _out. */
#define run testutil_runf

static const char *SMALL = "{\"source\": {\"tokens\": 16, \"dims\": 8}, \"codec\": {\"select\": \"pinr\", \"f\": 0.25}}";

/* A key that cannot affect the point is refused, naming what makes it inert. */
static void test_inert_keys_refused(void **state)
{
    (void)state;
    char scn[512], out[8192];
    snprintf(scn, sizeof scn, "%s/inert.json", tmpdir);
    assert_int_equal(testutil_write(scn, "{\"source\": {\"tokens\": 16, \"dims\": 8}}"), 0);
    assert_int_equal(run(out, sizeof out, "%s validate %s --set codec.f=0.3", testutil_bin(), scn), 2);
    assert_non_null(strstr(out, "$.codec.f"));
    assert_non_null(strstr(out, "codec.select is \"none\""));
    /* a file source gives the shape: source.tokens is inert */
    char npy[512];
    snprintf(npy, sizeof npy, "%s/x.npy", tmpdir);
    FILE *f = fopen(npy, "wb");
    assert_non_null(f);
    const char hdr[] = "\x93NUMPY\x01\x00\x76\x00{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }";
    char h[128 + 10];
    memset(h, ' ', sizeof h);
    memcpy(h, hdr, sizeof hdr - 1);
    h[127] = '\n';
    fwrite(h, 1, 128, f);
    float v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    fwrite(v, sizeof v[0], 8, f);
    fclose(f);
    snprintf(scn, sizeof scn, "%s/file.json", tmpdir);
    assert_int_equal(testutil_write(scn, "{\"source\": {\"kind\": \"npy\", \"path\": \"x.npy\"}}"), 0);
    assert_int_equal(run(out, sizeof out, "%s validate %s", testutil_bin(), scn), 0);
    assert_int_equal(run(out, sizeof out, "%s validate %s --set source.tokens=512", testutil_bin(), scn), 2);
    assert_non_null(strstr(out, "$.source.tokens"));
    assert_non_null(strstr(out, "source.kind is a file"));
    /* a swept inert key names the sweep point */
    assert_int_equal(run(out, sizeof out, "%s validate %s --set 'sweep.grid.channel.k_factor=[1,2]'",
                         testutil_bin(), scn), 2);
    assert_non_null(strstr(out, "channel.kind is \"awgn\""));
    assert_non_null(strstr(out, "sweep point 0"));
    /* every shipped scenario passes */
    const char *shipped[] = {"ber_awgn", "ber_coded", "ber_rayleigh", "pinr_fig2_fig3", "pinr_sweep",
                             "pinr_table1", "tofc_lambda_sweep"};
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++)
        if (run(out, sizeof out, "%s validate scenarios/%s.json", testutil_bin(), shipped[i]) != 0)
            fail_msg("%s: %s", shipped[i], out);
}

/* run never overwrites silently; --resume needs its journal; -o a directory. */
static void test_no_silent_overwrite(void **state)
{
    (void)state;
    char scn[512], h5[512], out[8192];
    snprintf(scn, sizeof scn, "%s/ow.json", tmpdir);
    snprintf(h5, sizeof h5, "%s/ow.h5", tmpdir);
    assert_int_equal(testutil_write(scn, SMALL), 0);
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s --quiet", testutil_bin(), scn, h5), 0);
    struct stat st0;
    assert_int_equal(stat(h5, &st0), 0);
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s --quiet", testutil_bin(), scn, h5), 2);
    assert_non_null(strstr(out, "--force"));
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s --quiet --force", testutil_bin(), scn, h5), 0);
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s --quiet --resume", testutil_bin(), scn, h5), 2);
    assert_non_null(strstr(out, "no journal to resume from"));
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s --quiet --resume --force", testutil_bin(), scn, h5),
                     2);
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s --quiet", testutil_bin(), scn, tmpdir), 2);
    assert_non_null(strstr(out, "is a directory"));
}

/* Relative paths inside a scenario name files beside the scenario. */
static void test_relative_paths(void **state)
{
    (void)state;
    char sub[512], scn[600], out[8192];
    snprintf(sub, sizeof sub, "%s/nested", tmpdir);
    mkdir(sub, 0777);
    snprintf(scn, sizeof scn, "%s/rel.json", sub);
    assert_int_equal(testutil_write(scn, "{\"source\": {\"tokens\": 16, \"dims\": 8}, \"metrics\": "
                                         "{\"projector\": \"proj.h5\"}}"),
                     0);
    /* from another working directory the message names the resolved file */
    assert_int_equal(run(out, sizeof out, "cd / && %s%s validate %s", testutil_bin()[0] == '/' ? "" : "$OLDPWD/",
                         testutil_bin(), scn),
                     2);
    char want[600];
    snprintf(want, sizeof want, "%s/proj.h5", sub);
    assert_non_null(strstr(out, want));
}

/* validate reports every error, each with its JSON path. */
static void test_validate_lists_every_error(void **state)
{
    (void)state;
    char scn[512], out[8192];
    snprintf(scn, sizeof scn, "%s/many.json", tmpdir);
    assert_int_equal(testutil_write(scn, "{\"seed\": -1, \"codec\": {\"select\": \"pinr\", \"f\": 2, \"g\": -1},"
                                         " \"modem\": {\"schem\": 1}, \"channel\": {\"kind\": \"foo\"}}"),
                     0);
    assert_int_equal(run(out, sizeof out, "%s validate %s", testutil_bin(), scn), 2);
    const char *paths[] = {"$.seed", "$.codec.f", "$.codec.g", "$.modem.schem", "$.channel.kind"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (!strstr(out, paths[i]))
            fail_msg("missing %s in:\n%s", paths[i], out);
    assert_non_null(strstr(out, "5 errors"));
}

/* Progress: a plain line (not a terminal) with done/total; none with --quiet. */
static void test_progress_lines(void **state)
{
    (void)state;
    char scn[512], h5[512], out[8192];
    snprintf(scn, sizeof scn, "%s/prog.json", tmpdir);
    snprintf(h5, sizeof h5, "%s/prog.h5", tmpdir);
    assert_int_equal(testutil_write(scn, "{\"source\": {\"tokens\": 16, \"dims\": 8}, \"codec\": {\"select\":"
                                         " \"pinr\"}, \"sweep\": {\"grid\": {\"codec.f\": [0.1, 0.2, 0.3]}}}"),
                     0);
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s --force", testutil_bin(), scn, h5), 0);
    assert_non_null(strstr(out, "3/3 points"));
    assert_null(strchr(out, '\r'));
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s --force --quiet", testutil_bin(), scn, h5), 0);
    assert_string_equal(out, "");
}

/* SIGINT: finished points stay in the journal, one line says how to resume,
 * and --resume completes the file. */
static void test_sigint_resumable(void **state)
{
    (void)state;
    char h5[512], out[16384];
    snprintf(h5, sizeof h5, "%s/int.h5", tmpdir);
    int rc = run(out, sizeof out,
                 "%s run scenarios/ber_awgn.json -o %s --jobs 1 --set stop.min_errors=1000000 "
                 "--set stop.max_bits=1e9 & p=$!; sleep 2; kill -INT $p; wait $p",
                 testutil_bin(), h5);
    assert_int_equal(rc, 130);
    if (!strstr(out, "interrupted:"))
        fail_msg("no interrupt line in:\n%s", out);
    assert_non_null(strstr(out, "--resume"));
    char journal[600];
    snprintf(journal, sizeof journal, "%s.journal", h5);
    assert_true(exists(journal));
    assert_false(exists(h5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inert_keys_refused),
        cmocka_unit_test(test_no_silent_overwrite),
        cmocka_unit_test(test_relative_paths),
        cmocka_unit_test(test_validate_lists_every_error),
        cmocka_unit_test(test_progress_lines),
        cmocka_unit_test(test_sigint_resumable),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
