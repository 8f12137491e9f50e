/* Tests of sim/colstore (typed column tables) and the record tables of
 * sim/results: values back as set, missing cells, no column limit, texts
 * stored once, records in the HDF5 file read back with plain HDF5 calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/testutil.h"

#include "sim/colstore.h"
#include "sim/results.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void test_types_and_missing_cells(void **state)
{
    (void)state;
    cs_table *t = fl_cs_create("points", 3);
    assert_non_null(t);
    int d = fl_cs_column(t, "ber", CS_F64, "", "bit error rate");
    int i = fl_cs_column(t, "bits", CS_I64, "bit", NULL);
    int s = fl_cs_column(t, "scheme", CS_STR, "", "");
    assert_true(d == 0 && i == 1 && s == 2);
    /* an existing column keeps its type, unit and description */
    assert_int_equal(fl_cs_column(t, "ber", CS_STR, "Hz", "other"), d);
    assert_int_equal(fl_cs_col_type(t, d), CS_F64);
    assert_string_equal(fl_cs_col_unit(t, d), "");
    assert_string_equal(fl_cs_col_desc(t, d), "bit error rate");
    assert_string_equal(fl_cs_col_unit(t, i), "bit");
    assert_string_equal(fl_cs_col_desc(t, i), "");
    assert_int_equal(fl_cs_put_f64(t, d, 1, 0.25), 0);
    assert_int_equal(fl_cs_put_i64(t, i, 2, INT64_MAX), 0);
    assert_int_equal(fl_cs_put_str(t, s, 0, "qpsk"), 0);
    /* cells never set read as missing */
    assert_true(isnan(fl_cs_f64(t, d, 0)));
    assert_true(fl_cs_i64(t, i, 0) == CS_I64_MISSING);
    assert_string_equal(fl_cs_str(t, s, 1), "");
    assert_true(fl_cs_f64(t, d, 1) == 0.25);
    assert_true(fl_cs_i64(t, i, 2) == INT64_MAX);
    assert_true(fl_cs_f64(t, i, 2) == (double)INT64_MAX);
    assert_string_equal(fl_cs_str(t, s, 0), "qpsk");
    /* a cell of another type, a row or column out of range: refused */
    assert_int_equal(fl_cs_put_f64(t, i, 0, 1.0), -EINVAL);
    assert_int_equal(fl_cs_put_str(t, d, 0, "x"), -EINVAL);
    assert_int_equal(fl_cs_put_f64(t, d, 3, 1.0), -EINVAL);
    assert_int_equal(fl_cs_put_f64(t, d, -1, 1.0), -EINVAL);
    assert_int_equal(fl_cs_put_f64(t, 7, 0, 1.0), -EINVAL);
    assert_true(isnan(fl_cs_f64(t, d, 3)));
    assert_int_equal(fl_cs_find(t, "nope"), -1);
    fl_cs_destroy(t);
}

/* 5000 columns (a row struct holds 96) over 200 appended rows: every cell
 * comes back, names are found, columns keep their creation order. */
static void test_many_columns_and_appends(void **state)
{
    (void)state;
    enum { NC = 5000, NR = 200 };
    cs_table *t = fl_cs_create("frames", 0);
    char name[32];
    for (int c = 0; c < NC; c++) {
        snprintf(name, sizeof name, "c%d", c);
        assert_int_equal(fl_cs_column(t, name, c % 2 ? CS_I64 : CS_F64, "", ""), c);
    }
    for (int64_t r = 0; r < NR; r++) {
        assert_int_equal(fl_cs_append(t), r);
        for (int c = 0; c < NC; c += 7) {
            if (c % 2)
                assert_int_equal(fl_cs_put_i64(t, c, r, r * NC + c), 0);
            else
                assert_int_equal(fl_cs_put_f64(t, c, r, 0.5 * (double)(r * NC + c)), 0);
        }
    }
    assert_int_equal(fl_cs_rows(t), NR);
    assert_int_equal(fl_cs_cols(t), NC);
    for (int c = 0; c < NC; c++) {
        snprintf(name, sizeof name, "c%d", c);
        assert_int_equal(fl_cs_find(t, name), c);
        assert_string_equal(fl_cs_col_name(t, c), name);
        for (int64_t r = 0; r < NR; r += 13) {
            if (c % 7)
                assert_true(c % 2 ? fl_cs_i64(t, c, r) == CS_I64_MISSING : isnan(fl_cs_f64(t, c, r)));
            else if (c % 2)
                assert_true(fl_cs_i64(t, c, r) == r * NC + c);
            else
                assert_true(fl_cs_f64(t, c, r) == 0.5 * (double)(r * NC + c));
        }
    }
    fl_cs_destroy(t);
}

/* 3000 distinct texts and repeats: each reads back; the longest is known. */
static void test_texts(void **state)
{
    (void)state;
    enum { NR = 6000 };
    cs_table *t = fl_cs_create("points", NR);
    int s = fl_cs_column(t, "label", CS_STR, "", "");
    char txt[32];
    for (int64_t r = 0; r < NR; r++) {
        snprintf(txt, sizeof txt, "v%lld", (long long)(r % 3000));
        assert_int_equal(fl_cs_put_str(t, s, r, txt), 0);
    }
    for (int64_t r = 0; r < NR; r++) {
        snprintf(txt, sizeof txt, "v%lld", (long long)(r % 3000));
        assert_string_equal(fl_cs_str(t, s, r), txt);
    }
    assert_int_equal((int)fl_cs_str_maxlen(t, s), 5); /* "v2999" */
    fl_cs_destroy(t);
}

static void read_i64(hid_t f, const char *name, int64_t *v)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t ty = H5Dget_type(d);
    assert_int_equal(H5Tget_class(ty), H5T_INTEGER);
    H5Tclose(ty);
    assert_true(H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
}

/* Records of two tables for points 0 and 1, written beside /points. */
static void test_record_tables_in_the_file(void **state)
{
    (void)state;
    results *t = fl_results_create(2);
    row r;
    for (int i = 0; i < 2; i++) {
        fl_row_reset(&r);
        fl_row_set(&r, "snr_db", 10.0 * i, "dB");
        assert_int_equal(fl_results_set(t, i, &r), 0);
    }
    for (int k = 0; k < 3; k++) {
        fl_row_reset(&r);
        fl_row_set(&r, "t_s", 0.5 * k, "s");
        fl_row_set_str(&r, "kind", k == 1 ? "retx" : "first");
        assert_int_equal(fl_results_record_add(t, "packets", k % 2, &r), 0);
    }
    fl_row_reset(&r);
    fl_row_set(&r, "frame_bits", 96, "bit");
    assert_int_equal(fl_results_record_add(t, "frames", 1, &r), 0);
    assert_int_equal(fl_results_record_add(t, "points", 0, &r), -EINVAL);
    assert_int_equal(fl_results_record_add(t, "Bad/name", 0, &r), -EINVAL);
    assert_int_equal(fl_results_record_add(t, "frames", 2, &r), -EINVAL);
    assert_int_equal(fl_results_record_tables(t), 2);

    char path[300], err[256];
    snprintf(path, sizeof path, "%s/rec.h5", testutil_dir);
    results_meta meta = {.source = "{}", .effective = "{}", .name = "rec"};
    assert_int_equal(fl_results_write_h5(t, path, &meta, err, sizeof err), 0);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    int64_t pt[3] = {-1, -1, -1}, fp[1] = {-1};
    read_i64(f, "packets/point", pt);
    assert_true(pt[0] == 0 && pt[1] == 1 && pt[2] == 0);
    read_i64(f, "frames/point", fp);
    assert_true(fp[0] == 1);
    double ts[3];
    hid_t d = H5Dopen2(f, "packets/t_s", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, ts) >= 0);
    assert_true(ts[0] == 0.0 && ts[1] == 0.5 && ts[2] == 1.0);
    H5Dclose(d);
    d = H5Dopen2(f, "packets/kind", H5P_DEFAULT);
    hid_t ty = H5Dget_type(d);
    char kind[3][64];
    assert_true(H5Tget_size(ty) <= 64);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, 64);
    assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, kind) >= 0);
    assert_string_equal(kind[1], "retx");
    assert_string_equal(kind[2], "first");
    H5Tclose(mt), H5Tclose(ty), H5Dclose(d);
    hid_t g = H5Gopen2(f, "packets", H5P_DEFAULT);
    hid_t a = H5Aopen(g, "columns", H5P_DEFAULT);
    hid_t aty = H5Aget_type(a);
    char cols[64] = "";
    H5Aread(a, aty, cols);
    assert_string_equal(cols, "point,t_s,kind");
    H5Tclose(aty), H5Aclose(a), H5Gclose(g);
    H5Fclose(f);
    fl_results_destroy(t);
}

/* A row as column values (MPI): back bit-exact; every cut and every byte
 * changed is either refused or gives a well-formed row. */
static void test_row_pack(void **state)
{
    (void)state;
    row r, back;
    fl_row_reset(&r);
    fl_row_set(&r, "snr_db", INFINITY, "dB Es/N0 per symbol");
    fl_row_set(&r, "ber", NAN, "");
    fl_row_set(&r, "neg_zero", -0.0, "");
    fl_row_set(&r, "exact", 0.1 + 0.2, "Hz");
    fl_row_set_str(&r, "modem.scheme", "qpsk");
    unsigned char buf[ROW_PACK_MAX];
    int n = fl_row_pack(&r, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(fl_row_unpack(&back, buf, (size_t)n), 0);
    assert_int_equal(back.n, r.n);
    for (int k = 0; k < r.n; k++) {
        assert_string_equal(back.col[k].name, r.col[k].name);
        assert_string_equal(back.col[k].unit, r.col[k].unit);
        assert_int_equal(back.col[k].is_str, r.col[k].is_str);
        assert_memory_equal(&back.col[k].value, &r.col[k].value, sizeof(double));
        assert_string_equal(back.col[k].str, r.col[k].str);
    }
    assert_int_equal(fl_row_pack(&r, buf, (size_t)n - 1), -ENOSPC);
    for (int cut = 0; cut < n; cut++)
        assert_int_equal(fl_row_unpack(&back, buf, (size_t)cut), -EBADMSG);
    for (int at = 0; at < n; at++)
        for (int bit = 0; bit < 8; bit++) {
            buf[at] ^= (unsigned char)(1u << bit);
            if (fl_row_unpack(&back, buf, (size_t)n) == 0)
                assert_true(back.n >= 0 && back.n <= ROW_MAX_COLS);
            else
                assert_int_equal(back.n >= 0, 1);
            buf[at] ^= (unsigned char)(1u << bit);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types_and_missing_cells),
        cmocka_unit_test(test_many_columns_and_appends),
        cmocka_unit_test(test_texts),
        cmocka_unit_test(test_record_tables_in_the_file),
        cmocka_unit_test(test_row_pack),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
