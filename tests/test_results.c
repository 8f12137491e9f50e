/* Tests of sim/results: the HDF5 layout of docs/design-notes.md §3, the journal that
 * --resume reads, and the export formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/testutil.h"

#include "sim/journal.h"
#include "sim/results.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define dir testutil_dir

static results *sample(void)
{
    results *t = fl_results_create(3);
    for (int i = 0; i < 3; i++) {
        row r;
        fl_row_reset(&r);
        fl_row_set_str(&r, "modem.scheme", i == 1 ? "qpsk" : "bpsk");
        fl_row_set(&r, "snr_db", i == 2 ? INFINITY : 10.0 * i, "dB");
        fl_row_set(&r, "ber", i * 0.25, "");
        fl_row_set(&r, "bit_errors", 3.0 * i, "");
        if (i == 2)
            fl_row_set(&r, "late_column", 7.5, "Hz");
        assert_int_equal(fl_results_set(t, i, &r), 0);
    }
    return t;
}

static void test_h5_layout_and_round_trip(void **state)
{
    (void)state;
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/r.h5", dir);
    results *t = sample();
    char abc[320];
    snprintf(abc, sizeof abc, "%s/abc.txt", dir);
    assert_int_equal(testutil_write(abc, "abc"), 0);
    results_input in[] = {{"scenario", abc}};
    results_meta meta = {.source = "{\"name\":   \"x\"}", .sets = "codec.f=0.5\n", .effective = "{\"name\": \"x\"}",
                         .name = "x", .command_line = "featlink run x.json", .inputs = in, .ninputs = 1};
    assert_int_equal(fl_results_write_h5(t, path, &meta, err, sizeof err), 0);
    char tmp[320];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_not_equal(access(tmp, F_OK), 0);

    /* the layout, read with plain HDF5 calls as a user would */
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Aexists(f, "featlink_version") > 0);
    assert_true(H5Aexists(f, "git_revision") > 0);
    assert_true(H5Lexists(f, "scenario", H5P_DEFAULT) > 0);
    {
        /* /scenario is the file's text verbatim, spacing included */
        hid_t sd = H5Dopen2(f, "scenario", H5P_DEFAULT);
        hid_t sty = H5Dget_type(sd);
        char txt[64] = "";
        H5Dread(sd, sty, H5S_ALL, H5S_ALL, H5P_DEFAULT, txt);
        assert_string_equal(txt, "{\"name\":   \"x\"}");
        assert_true(H5Aexists(sd, "sets") > 0);
        H5Tclose(sty);
        H5Dclose(sd);
    }
    hid_t d = H5Dopen2(f, "points/ber", H5P_DEFAULT);
    double ber[3];
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, ber) >= 0);
    assert_true(ber[0] == 0.0 && ber[1] == 0.25 && ber[2] == 0.5);
    H5Dclose(d);
    d = H5Dopen2(f, "points/snr_db", H5P_DEFAULT);
    assert_true(H5Aexists(d, "unit") > 0);
    assert_true(H5Aexists(d, "description") > 0);
    H5Dclose(d);
    /* a count is int64; its description comes from the catalogue */
    d = H5Dopen2(f, "points/bit_errors", H5P_DEFAULT);
    hid_t ty = H5Dget_type(d);
    assert_int_equal(H5Tget_class(ty), H5T_INTEGER);
    assert_int_equal((int)H5Tget_size(ty), 8);
    H5Tclose(ty);
    int64_t be[3];
    assert_true(H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, be) >= 0);
    assert_true(be[0] == 0 && be[1] == 3 && be[2] == 6);
    hid_t a = H5Aopen(d, "description", H5P_DEFAULT);
    hid_t aty = H5Aget_type(a);
    char desc[256] = "";
    H5Aread(a, aty, desc);
    assert_string_equal(desc, "bit errors counted");
    H5Tclose(aty);
    H5Aclose(a);
    H5Dclose(d);
    /* root: creation time (ISO 8601 UTC), command line, SHA-256 of inputs
       (FIPS 180-2 example: "abc") */
    const char *want[][2] = {{"sha256_scenario", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
                             {"command_line", "featlink run x.json"}, {"input_scenario", abc}};
    for (int k = 0; k < 3; k++) {
        a = H5Aopen(f, want[k][0], H5P_DEFAULT);
        assert_true(a >= 0);
        aty = H5Aget_type(a);
        char v[400] = "";
        H5Aread(a, aty, v);
        assert_string_equal(v, want[k][1]);
        H5Tclose(aty);
        H5Aclose(a);
    }
    a = H5Aopen(f, "created_utc", H5P_DEFAULT);
    aty = H5Aget_type(a);
    char when[40] = "";
    H5Aread(a, aty, when);
    int yy, mo, dd, hh, mi, ss;
    char z = 0;
    assert_int_equal(sscanf(when, "%4d-%2d-%2dT%2d:%2d:%2d%c", &yy, &mo, &dd, &hh, &mi, &ss, &z), 7);
    assert_true(z == 'Z' && yy >= 2024 && mo >= 1 && mo <= 12);
    H5Tclose(aty);
    H5Aclose(a);
    H5Fclose(f);

    results *u;
    char *text = NULL;
    assert_int_equal(fl_results_read_h5(path, &u, &text, err, sizeof err), 0);
    assert_string_equal(text, "{\"name\": \"x\"}");
    assert_int_equal(fl_results_columns(u), 5);
    assert_string_equal(fl_results_column_name(u, 0), "modem.scheme");
    assert_string_equal(fl_results_text(u, 1, 0), "qpsk");
    assert_true(isinf(fl_results_value(u, 2, fl_results_column(u, "snr_db"))));
    assert_true(isnan(fl_results_value(u, 0, fl_results_column(u, "late_column"))));
    assert_string_equal(fl_results_column_unit(u, fl_results_column(u, "late_column")), "Hz");
    free(text);
    fl_results_destroy(u);
    fl_results_destroy(t);
}

static void test_journal_resume_keeps_every_value(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/j.h5", dir);
    results *t = sample();
    int rc;
    char err[512];
    results *empty = fl_results_create(3);
    journal_file *j = fl_journal_open(empty, path, "SCN", 0, &rc, err, sizeof err);
    assert_non_null(j);
    row r;
    fl_row_reset(&r);
    fl_row_set_str(&r, "modem.scheme", "qpsk");
    fl_row_set(&r, "snr_db", INFINITY, "dB");
    fl_row_set(&r, "ber", NAN, "");
    /* values that need 16 or 17 significant digits come back bit-exact */
    fl_row_set(&r, "exact1", 4849703.029137689, "Hz");
    fl_row_set(&r, "exact2", 0.1 + 0.2, "");
    assert_int_equal(fl_journal_add(j, 1, &r, err, sizeof err), 0);
    assert_int_equal(fl_journal_close(j, err, sizeof err), 0);
    fl_results_destroy(empty);

    results *back = fl_results_create(3);
    j = fl_journal_open(back, path, "SCN", 1, &rc, err, sizeof err);
    assert_non_null(j);
    assert_int_equal(fl_journal_close(j, err, sizeof err), 0);
    assert_false(fl_results_has(back, 0));
    assert_true(fl_results_has(back, 1));
    assert_string_equal(fl_results_text(back, 1, fl_results_column(back, "modem.scheme")), "qpsk");
    assert_true(isinf(fl_results_value(back, 1, fl_results_column(back, "snr_db"))));
    assert_true(isnan(fl_results_value(back, 1, fl_results_column(back, "ber"))));
    assert_true(fl_results_value(back, 1, fl_results_column(back, "exact1")) == 4849703.029137689);
    assert_true(fl_results_value(back, 1, fl_results_column(back, "exact2")) == 0.1 + 0.2);
    fl_results_destroy(back);

    /* another scenario's journal is refused */
    back = fl_results_create(3);
    assert_null(fl_journal_open(back, path, "OTHER", 1, &rc, err, sizeof err));
    assert_int_equal(rc, -ESTALE);
    fl_results_destroy(back);
    fl_journal_remove(path);
    fl_results_destroy(t);
}

static void test_export_csv(void **state)
{
    (void)state;
    results *t = sample();
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    fl_results_export(t, m, RESULTS_CSV);
    fclose(m);
    assert_string_equal(buf, "modem.scheme,snr_db,ber,bit_errors,late_column\n"
                             "bpsk,0,0,0,nan\n"
                             "qpsk,10,0.25,3,nan\n"
                             "bpsk,inf,0.5,6,7.5\n");
    free(buf);
    fl_results_destroy(t);
}

/* ---- crafted results files (issue 10): each refused with its cause ---- */

static void put_str_attr(hid_t obj, const char *name, const char *v)
{
    hid_t ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, strlen(v) + 1);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Awrite(a, ty, v) >= 0);
    H5Aclose(a), H5Sclose(sp), H5Tclose(ty);
}

/* A 1-D float64 dataset <g>/<name> of _n values i + 0.5. */
static void put_column(hid_t g, const char *name, hsize_t n)
{
    double v[8];
    for (hsize_t i = 0; i < n && i < 8; i++)
        v[i] = (double)i + 0.5;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(g, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    put_str_attr(d, "unit", "");
    H5Dclose(d), H5Sclose(sp);
}

enum craft {
    CRAFT_2D, CRAFT_SCENARIO_ARRAY, CRAFT_ARRAY_ATTR, CRAFT_HUGE_POINTS_ATTR, CRAFT_ROWS_DIFFER,
    CRAFT_UNWRITTEN, CRAFT_VLEN_UNIT, CRAFT_COMPOUND, CRAFT_POINTS_DATASET, CRAFT_COLUMN_GROUP,
    CRAFT_BIG_CHUNK, CRAFT_CHUNKS_2E21, CRAFT_CHUNKS_2E28, CRAFT_N
};

/* Chunked column <g>/x of _n float64 rows in _chunk-element chunks
 * (extendible, so a chunk may exceed the extent; deflated when _deflate),
 * its first _written values written (0 or 1 each). */
static void put_chunked(hid_t g, hsize_t n, hsize_t chunk, int deflate, hsize_t written)
{
    hsize_t max = H5S_UNLIMITED, one = 1;
    hid_t sp = H5Screate_simple(1, &n, &max), pl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(pl, 1, &chunk) >= 0);
    if (deflate)
        assert_true(H5Pset_deflate(pl, 9) >= 0);
    hid_t d = H5Dcreate2(g, "x", H5T_IEEE_F64LE, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t ms = H5Screate_simple(1, &one, NULL);
    for (hsize_t i = 0; i < written; i++) { /* one element at a time: one chunk each */
        double v = (double)(i & 1);
        assert_true(H5Sselect_hyperslab(sp, H5S_SELECT_SET, &i, NULL, &one, NULL) >= 0);
        assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, sp, H5P_DEFAULT, &v) >= 0);
    }
    H5Sclose(ms), H5Dclose(d), H5Pclose(pl), H5Sclose(sp);
}

/* The crafted parts of case _k (the rest as featlink writes it). */
static void craft_points(hid_t f, hid_t g, int k)
{
    hsize_t dims[2] = {3, 4};
    hid_t sp, d, ty;
    double zeros[12] = {0};
    switch (k) {
    case CRAFT_2D: /* a 3x4 column: its 12 values must not land in 3 doubles */
        sp = H5Screate_simple(2, dims, NULL);
        d = H5Dcreate2(g, "x", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros);
        H5Dclose(d), H5Sclose(sp);
        break;
    case CRAFT_ARRAY_ATTR: { /* "columns" as two strings */
        hsize_t two = 2;
        const char txt[2][4] = {"x", "x"};
        ty = H5Tcopy(H5T_C_S1);
        H5Tset_size(ty, 4);
        sp = H5Screate_simple(1, &two, NULL);
        hid_t a = H5Acreate2(g, "columns", ty, sp, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, ty, txt);
        H5Aclose(a), H5Sclose(sp), H5Tclose(ty);
        put_column(g, "x", 3);
        return;
    }
    case CRAFT_HUGE_POINTS_ATTR: /* handled by the caller: valid columns */
        put_column(g, "x", 2);
        break;
    case CRAFT_ROWS_DIFFER:
        put_column(g, "x", 3);
        put_column(g, "y", 2);
        put_str_attr(g, "columns", "x,y");
        return;
    case CRAFT_UNWRITTEN: { /* 2^26 elements (512 MiB) declared, none stored */
        hsize_t n = 1u << 26, chunk = 1024;
        sp = H5Screate_simple(1, &n, NULL);
        hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(pl, 1, &chunk);
        d = H5Dcreate2(g, "x", H5T_IEEE_F64LE, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
        H5Dclose(d), H5Pclose(pl), H5Sclose(sp);
        break;
    }
    case CRAFT_VLEN_UNIT: {
        put_column(g, "y", 3);
        hsize_t n = 3;
        sp = H5Screate_simple(1, &n, NULL);
        d = H5Dcreate2(g, "x", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros);
        ty = H5Tcopy(H5T_C_S1);
        H5Tset_size(ty, H5T_VARIABLE);
        hid_t s1 = H5Screate(H5S_SCALAR);
        const char *u = "Hz";
        hid_t a = H5Acreate2(d, "unit", ty, s1, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, ty, &u);
        H5Aclose(a), H5Sclose(s1), H5Tclose(ty), H5Dclose(d), H5Sclose(sp);
        put_str_attr(g, "columns", "y,x");
        return;
    }
    case CRAFT_COMPOUND: {
        hsize_t n = 3;
        ty = H5Tcreate(H5T_COMPOUND, 16);
        H5Tinsert(ty, "a", 0, H5T_NATIVE_DOUBLE);
        H5Tinsert(ty, "b", 8, H5T_NATIVE_DOUBLE);
        sp = H5Screate_simple(1, &n, NULL);
        d = H5Dcreate2(g, "x", ty, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros);
        H5Dclose(d), H5Sclose(sp), H5Tclose(ty);
        break;
    }
    case CRAFT_COLUMN_GROUP:
        H5Gclose(H5Gcreate2(g, "x", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        break;
    case CRAFT_BIG_CHUNK: /* 3 rows in one deflated 2^20-element (8 MiB) chunk */
        put_chunked(g, 3, (hsize_t)1 << 20, 1, 3);
        break;
    case CRAFT_CHUNKS_2E21: /* 2^21 one-element chunks, 2048 written: passes the storage check */
        put_chunked(g, (hsize_t)1 << 21, 1, 0, 2048);
        break;
    case CRAFT_CHUNKS_2E28: /* 2^28 one-element chunks, none written */
        put_chunked(g, (hsize_t)1 << 28, 1, 0, 0);
        break;
    default:
        put_column(g, "x", 3);
    }
    put_str_attr(g, "columns", "x");
}

static void craft(const char *path, int k)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    put_str_attr(f, "points", k == CRAFT_HUGE_POINTS_ATTR ? "100000000" : "3");
    if (k == CRAFT_SCENARIO_ARRAY) { /* /scenario_effective: 2 strings, not 1 */
        hsize_t two = 2;
        const char txt[2][8] = {"{}", "{}"};
        hid_t ty = H5Tcopy(H5T_C_S1);
        H5Tset_size(ty, 8);
        hid_t sp = H5Screate_simple(1, &two, NULL);
        hid_t d = H5Dcreate2(f, "scenario_effective", ty, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, txt);
        H5Dclose(d), H5Sclose(sp), H5Tclose(ty);
    }
    if (k == CRAFT_POINTS_DATASET) {
        hsize_t n = 1;
        hid_t sp = H5Screate_simple(1, &n, NULL);
        hid_t d = H5Dcreate2(f, "points", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        put_str_attr(d, "columns", "x");
        H5Dclose(d), H5Sclose(sp);
    } else {
        hid_t g = H5Gcreate2(f, "points", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        craft_points(f, g, k);
        H5Gclose(g);
    }
    H5Fclose(f);
}

/* What each case's message names (besides the file). */
static const char *craft_cause[CRAFT_N] = {
    "/points/x: is not a 1-D dataset", "/scenario_effective: is not a scalar",
    "\"columns\": is not a scalar (an array-valued attribute)", NULL,
    "/points/y: has 2 rows, the columns before it 3", "/points/x: declares more rows than the file stores",
    "\"unit\": a variable-length string", "/points/x: neither a number nor a fixed-length string",
    "not a featlink results file", "/points/x: is not a dataset",
    "/points/x: chunk of 1048576 elements (8388608 bytes) is larger than the dataset (3 elements)",
    "/points/x: spans 2097152 chunks, more than the limit of 2^20",
    "/points/x: has a row count outside 1..100000000",
};

static void test_crafted_files_refused_with_cause(void **state)
{
    (void)state;
    for (int k = 0; k < CRAFT_N; k++) {
        char path[320], err[512] = "";
        snprintf(path, sizeof path, "%s/craft%d.h5", dir, k);
        craft(path, k);
        results *t = NULL;
        char *text = NULL;
        int rc = fl_results_read_h5(path, &t, &text, err, sizeof err);
        if (k == CRAFT_HUGE_POINTS_ATTR) {
            /* the row count comes from the datasets, not the attribute */
            assert_int_equal(rc, 0);
            assert_int_equal((int)fl_results_points(t), 2);
            assert_true(fl_results_value(t, 1, fl_results_column(t, "x")) == 1.5);
            fl_results_destroy(t);
            continue;
        }
        if (rc != -EINVAL || !strstr(err, craft_cause[k]) || !strstr(err, path))
            fail_msg("case %d: rc %d, message \"%s\"", k, rc, err);
        assert_null(t);
        assert_null(text);
    }
}

/* Through the binary: export and table give exit 2 and the cause. */
static void test_crafted_files_through_the_binary(void **state)
{
    (void)state;
    for (int k = 0; k < CRAFT_N; k++) {
        if (k == CRAFT_HUGE_POINTS_ATTR)
            continue;
        char path[320], cmd[800], out[2048];
        snprintf(path, sizeof path, "%s/craft%d.h5", dir, k);
        craft(path, k);
        const char *sub[2] = {"export", "table"};
        for (int s = k == CRAFT_SCENARIO_ARRAY; s < 2; s++) { /* export reads no scenario */
            snprintf(cmd, sizeof cmd, "%s %s %s", testutil_bin(), sub[s], path);
            int st = testutil_run(cmd, out, sizeof out);
            if (st != 2 || !strstr(out, path))
                fail_msg("case %d, %s: status %d, output \"%s\"", k, sub[s], st, out);
        }
    }
}

/* The regression inputs of the reader's chunk and storage guards, made by
 * `build/tests/test_results --write-crafted DIR` (main below): each refused
 * by export and table with exit 2, naming the file and the dataset. */
static const struct {
    const char *file, *cause;
    int k;
} regress[] = {
    {"chunk_larger_than_dataset.h5", "/points/x: chunk of 1048576 elements", CRAFT_BIG_CHUNK},
    {"chunks_1elem_2e21.h5", "/points/x: spans 2097152 chunks", CRAFT_CHUNKS_2E21},
    {"chunks_1elem_2e28.h5", "/points/x: has a row count outside", CRAFT_CHUNKS_2E28},
    {"unwritten_2e26.h5", "/points/x: declares more rows than the file stores", CRAFT_UNWRITTEN},
};
#define REGRESS_DIR "tests/fuzz/regress/fuzz_results"

static void test_regression_files_refused(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof regress / sizeof regress[0]; k++) {
        char out[2048];
        const char *sub[2] = {"export", "table"};
        for (int s = 0; s < 2; s++) {
            int st = testutil_runf(out, sizeof out, "%s %s %s/%s", testutil_bin(), sub[s], REGRESS_DIR, regress[k].file);
            if (st != 2 || !strstr(out, regress[k].file) || !strstr(out, regress[k].cause))
                fail_msg("%s %s: status %d, output \"%s\"", sub[s], regress[k].file, st, out);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-crafted")) {
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        for (size_t k = 0; k < sizeof regress / sizeof regress[0]; k++) {
            char path[600];
            snprintf(path, sizeof path, "%s/%s", argv[2], regress[k].file);
            craft(path, regress[k].k);
        }
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_h5_layout_and_round_trip),
        cmocka_unit_test(test_journal_resume_keeps_every_value),
        cmocka_unit_test(test_export_csv),
        cmocka_unit_test(test_crafted_files_refused_with_cause),
        cmocka_unit_test(test_crafted_files_through_the_binary),
        cmocka_unit_test(test_regression_files_refused),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
