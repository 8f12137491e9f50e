/* test_columns: every column a shipped scenario writes has a unit and a
 * description (sim/columns.c catalogue, or the scenario schema for swept
 * keys), so a results file read without featlink says what each column is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/columns.h"
#include "sim/point.h"
#include "sim/scenario.h"

#include <stdio.h>
#include <string.h>

static void check_point(const char *file, const scenario *s, int64_t i)
{
    char err[SCN_ERR_LEN];
    fl_config c;
    assert_int_equal(fl_scenario_config(s, i, &c, err, sizeof err), 0);
    row r;
    fl_row_reset(&r);
    point_ctx ctx = {0};
    if (fl_point_run(&c, i, &ctx, &r, err, sizeof err))
        fail_msg("%s point %lld: %s", file, (long long)i, err);
    for (int k = 0; k < r.n; k++) {
        const column_doc *d = fl_columns_find(r.col[k].name);
        if (!d)
            fail_msg("%s: column \"%s\" is not in sim/columns.c", file, r.col[k].name);
        if (!d->description[0])
            fail_msg("%s: column \"%s\" has no description", file, r.col[k].name);
    }
    for (int k = 0; k < fl_scenario_swept(s); k++) {
        const char *unit, *desc;
        int is_int;
        assert_int_equal(fl_scenario_key_doc(fl_scenario_swept_key(s, k), &unit, &desc, &is_int), 0);
        assert_true(desc[0] != 0);
    }
}

static void test_shipped_columns_documented(void **state)
{
    (void)state;
    /* BER points shortened: the columns do not depend on the stopping rule */
    const char *ber_sets[] = {"stop.max_bits=20000", "stop.min_errors=10"};
    const char *shipped[] = {"ber_awgn", "ber_coded", "ber_rayleigh", "pinr_fig2_fig3", "pinr_sweep",
                             "pinr_table1", "tofc_lambda_sweep", "system_groups"};
    for (size_t f = 0; f < sizeof shipped / sizeof shipped[0]; f++) {
        char path[256], err[SCN_ERR_LEN];
        snprintf(path, sizeof path, "scenarios/%s.json", shipped[f]);
        int ber = !strncmp(shipped[f], "ber_", 4);
        scenario *s = fl_scenario_load(path, ber ? ber_sets : NULL, ber ? 2 : 0, err, sizeof err);
        if (!s)
            fail_msg("%s", err);
        check_point(path, s, 0);
        check_point(path, s, fl_scenario_points(s) - 1);
        fl_scenario_destroy(s);
    }
}

/* The catalogue itself: unique names, a description each. */
static void test_catalogue_well_formed(void **state)
{
    (void)state;
    for (int i = 0; i < fl_columns_count(); i++) {
        const column_doc *a = fl_columns_at(i);
        assert_true(a->description[0] != 0);
        for (int j = 0; j < i; j++)
            if (!strcmp(a->name, fl_columns_at(j)->name))
                fail_msg("column \"%s\" listed twice", a->name);
    }
    assert_null(fl_columns_at(fl_columns_count()));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_well_formed),
        cmocka_unit_test(test_shipped_columns_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
