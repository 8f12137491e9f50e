/* test_trials: the trial average of sim/trials against hand computations,
 * through fl_point_run for PINR and TOFC points (two frames: the mean is
 * (x0 + x1) / 2 and the standard error |x0 - x1| / 2, x0 from a one-frame
 * run), and through the binary: a one-trial run exports NaN standard
 * errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/columns.h"
#include "sim/point.h"
#include "sim/scenario.h"
#include "sim/trials.h"
#include "tests/testutil.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static double col(const row *r, const char *name)
{
    const row_col *c = fl_row_find(r, name);
    if (!c)
        fail_msg("missing column %s", name);
    return c->value;
}

/* {1, 2, 4}: mean 7/3, s² = (16/9 + 1/9 + 25/9) / 2 = 7/3, sem = √(7/9) = √7 / 3 */
static void test_hand_computed(void **state)
{
    (void)state;
    trials_acc a;
    fl_trials_reset(&a);
    const double x[] = {1, 2, 4};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(fl_trials_put(&a, "x", x[i], "bit"), 0);
        /* the same spread on a mean of 1e9: Welford keeps the digits (Σx² - (Σx)²/n
         * would lose them all: 1e18 at a spacing of 128) */
        assert_int_equal(fl_trials_put(&a, "big", 1e9 + x[i], ""), 0);
    }
    row r;
    fl_row_reset(&r);
    assert_int_equal(fl_trials_finish(&a, &r), 0);
    assert_true(fabs(col(&r, "x") - 7.0 / 3.0) < 1e-15);
    assert_true(fabs(col(&r, "x_sem") - sqrt(7.0) / 3.0) < 1e-15);
    assert_true(fabs(col(&r, "big") - (1e9 + 7.0 / 3.0)) < 1e-6);
    assert_true(fabs(col(&r, "big_sem") - sqrt(7.0) / 3.0) < 1e-6);
    assert_string_equal(fl_row_find(&r, "x_sem")->unit, "bit");
    /* order: the means in first-put order, then their standard errors */
    assert_string_equal(r.col[0].name, "x");
    assert_string_equal(r.col[1].name, "big");
    assert_string_equal(r.col[2].name, "x_sem");
    assert_true(fabs(fl_trials_mean(&a, "x") - 7.0 / 3.0) < 1e-15);
    assert_true(isnan(fl_trials_mean(&a, "nothing")));
}

/* One frame: the mean is the value, the standard error NaN; a non-finite
 * value makes its standard error NaN, not 0. */
static void test_one_trial_nan(void **state)
{
    (void)state;
    trials_acc a;
    fl_trials_reset(&a);
    assert_int_equal(fl_trials_put(&a, "x", 5.5, ""), 0);
    row r;
    fl_row_reset(&r);
    assert_int_equal(fl_trials_finish(&a, &r), 0);
    assert_true(col(&r, "x") == 5.5);
    assert_true(isnan(col(&r, "x_sem")));
    fl_trials_reset(&a);
    fl_trials_put(&a, "inf", INFINITY, "");
    fl_trials_put(&a, "inf", INFINITY, "");
    fl_row_reset(&r);
    assert_int_equal(fl_trials_finish(&a, &r), 0);
    assert_true(isinf(col(&r, "inf")));
    assert_true(isnan(col(&r, "inf_sem")));
}

static void test_full(void **state)
{
    (void)state;
    static char names[TRIALS_MAX_COLS + 1][16];
    trials_acc a;
    fl_trials_reset(&a);
    for (int i = 0; i <= TRIALS_MAX_COLS; i++) {
        snprintf(names[i], sizeof names[i], "c%d", i);
        assert_int_equal(fl_trials_put(&a, names[i], 1.0, ""), i < TRIALS_MAX_COLS ? 0 : -ENOSPC);
    }
    row r;
    fl_row_reset(&r);
    /* 64 means + 64 standard errors do not fit a row of ROW_MAX_COLS */
    if (2 * TRIALS_MAX_COLS > ROW_MAX_COLS)
        assert_int_equal(fl_trials_finish(&a, &r), -ENOSPC);
}

/* a _sem column is described from its base column */
static void test_sem_documented(void **state)
{
    (void)state;
    const column_doc *d = fl_columns_find("measured_bits_sem"), *b = fl_columns_find("measured_bits");
    assert_non_null(d);
    assert_string_equal(d->name, "measured_bits_sem");
    assert_string_equal(d->unit, b->unit);
    assert_int_equal(d->is_count, 0);
    assert_non_null(strstr(d->description, "measured_bits"));
    assert_null(fl_columns_find("nothing_sem"));
    assert_null(fl_columns_find("_sem"));
}

static void run_point(const char *json, int trials, row *r)
{
    char err[SCN_ERR_LEN] = "", set[32];
    snprintf(set, sizeof set, "trials=%d", trials);
    const char *sets[] = {set};
    scenario *s = fl_scenario_load_text(json, "test", sets, 1, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    fl_config c;
    assert_int_equal(fl_scenario_config(s, 0, &c, err, sizeof err), 0);
    fl_row_reset(r);
    if (fl_point_run(&c, 0, NULL, r, err, sizeof err))
        fail_msg("point_run: %s", err);
    fl_scenario_destroy(s);
}

/* two frames: mean (x0 + x1) / 2, sem = |x0 - x1| / 2 (s² = (x0 - x1)² / 2) */
static void check_two_frames(const char *json, const char *const *names, int n)
{
    row one, two;
    run_point(json, 1, &one);
    run_point(json, 2, &two);
    assert_true(col(&two, "trials") == 2);
    int moved = 0;
    for (int i = 0; i < n; i++) {
        char sem[64];
        snprintf(sem, sizeof sem, "%s_sem", names[i]);
        double x0 = col(&one, names[i]), m = col(&two, names[i]), x1 = 2.0 * m - x0;
        double want = fabs(x0 - x1) / 2.0, got = col(&two, sem);
        if (!(fabs(got - want) <= 1e-9 * fabs(m) + 1e-12))
            fail_msg("%s: sem %.15g, want %.15g", names[i], got, want);
        assert_true(isnan(col(&one, sem)));
        moved += want > 0;
    }
    assert_true(moved > 0); /* the frames differ: the check is not 0 = 0 */
}

static void test_pinr_point(void **state)
{
    (void)state;
    const char *js = "{\"source\": {\"tokens\": 64, \"dims\": 32}, \"codec\": {\"select\": \"pinr\", \"f\": 0.2,"
                     " \"g\": 0.2, \"h\": 0.2}, \"link\": {\"mode\": \"analog\"}, \"channel\": {\"snr_db\": 5},"
                     " \"metrics\": {\"reference\": \"same_snr\"}}";
    const char *names[] = {"measured_bits", "proxy_f1", "nmse", "cosine", "ref_proxy_f1"};
    check_two_frames(js, names, 5);
}

static void test_tofc_point(void **state)
{
    (void)state;
    const char *js = "{\"source\": {\"tokens\": 64, \"dims\": 32}, \"codec\": {\"select\": \"merge\","
                     " \"clusters\": 16, \"quant\": \"uniform\", \"step\": 0.1, \"entropy\": \"laplace\"},"
                     " \"link\": {\"mode\": \"capacity\"}}";
    const char *names[] = {"measured_bits", "distortion_mse", "proxy_f1", "rate_bits_per_element", "side_bits"};
    check_two_frames(js, names, 5);
}

/* Through the binary: a one-trial PINR point exports proxy_f1_sem as NaN. */
static void test_cli_nan_at_one_trial(void **state)
{
    (void)state;
    char scn[512], h5[512], cmd[2048], out[16384];
    snprintf(scn, sizeof scn, "%s/p.json", testutil_dir);
    snprintf(h5, sizeof h5, "%s/p.h5", testutil_dir);
    assert_int_equal(testutil_write(scn, "{\"source\": {\"tokens\": 16, \"dims\": 8},"
                                         " \"codec\": {\"select\": \"pinr\", \"f\": 0.25}}"), 0);
    snprintf(cmd, sizeof cmd, "%s run %s -o %s --quiet && %s export %s --format csv", testutil_bin(), scn, h5,
             testutil_bin(), h5);
    assert_int_equal(testutil_run(cmd, out, sizeof out), 0);
    /* header line, then the one point: find proxy_f1_sem's field */
    char *nl = strchr(out, '\n');
    assert_non_null(nl);
    *nl = 0;
    int field = -1, k = 0;
    for (char *tok = strtok(out, ","); tok; tok = strtok(NULL, ","), k++)
        if (!strcmp(tok, "proxy_f1_sem"))
            field = k;
    assert_true(field >= 0);
    char *line = nl + 1, *save = NULL, *tok = strtok_r(line, ",\n", &save);
    for (k = 0; tok && k < field; k++)
        tok = strtok_r(NULL, ",\n", &save);
    assert_non_null(tok);
    assert_true(!strcasecmp(tok, "nan"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_one_trial_nan),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_sem_documented),
        cmocka_unit_test(test_pinr_point),
        cmocka_unit_test(test_tofc_point),
        cmocka_unit_test(test_cli_nan_at_one_trial),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
