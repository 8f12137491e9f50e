/* Tests of the results file's dataset checksums (sim/h5crc.h): the CRC is
 * the standard CRC-32 of the stored bytes (check value 0xCBF43926 for the
 * 9 bytes "123456789"), a byte flipped in a written file's dataset is
 * refused naming the file and the dataset (library -EINVAL, CLI exit 2), an
 * untouched file is accepted, a file from before checksums is read with a
 * warning, and a checksummed file that lost one dataset's crc32 is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/testutil.h"

#include "sim/h5crc.h"
#include "sim/h5util.h"
#include "sim/results.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define dir testutil_dir

/* A results file of 4 points (number, count and text columns) at _path. */
static void write_sample(const char *path)
{
    results *t = fl_results_create(4);
    for (int i = 0; i < 4; i++) {
        row r;
        fl_row_reset(&r);
        fl_row_set(&r, "snr_db", 2.5 * i, "dB");
        fl_row_set(&r, "bit_errors", 10.0 * i, "");
        fl_row_set_str(&r, "modem.scheme", i % 2 ? "qpsk" : "bpsk");
        assert_int_equal(fl_results_set(t, i, &r), 0);
    }
    results_meta m = {.source = "{}", .effective = "{\"name\": \"crc\"}", .name = "crc"};
    char err[256];
    assert_int_equal(fl_results_write_h5(t, path, &m, err, sizeof err), 0);
    fl_results_destroy(t);
}

/* The standard check value: a 9-byte fixed string dataset "123456789". */
static void test_crc_is_crc32_of_the_stored_bytes(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/check.h5", dir);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t ty = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
    H5Tset_size(ty, 9);
    H5Tset_strpad(ty, H5T_STR_NULLPAD);
    hid_t d = H5Dcreate2(f, "s", ty, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(H5Dwrite(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, "123456789") >= 0);
    uint32_t crc = 0;
    assert_int_equal(fl_h5crc_compute(d, &crc), 0);
    assert_int_equal(crc, 0xCBF43926u);
    /* int64 {1, 2}: the 16 little-endian bytes 01 00.. 02 00..; CRC-32 by
       the bitwise definition (reflected 0xEDB88320), computed here */
    hsize_t n = 2;
    hid_t sp2 = H5Screate_simple(1, &n, NULL);
    hid_t d2 = H5Dcreate2(f, "i", H5T_STD_I64LE, sp2, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int64_t v[2] = {1, 2};
    assert_true(H5Dwrite(d2, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    uint8_t bytes[16] = {1, 0, 0, 0, 0, 0, 0, 0, 2};
    uint32_t c = 0xFFFFFFFFu;
    for (int i = 0; i < 16; i++) {
        c ^= bytes[i];
        for (int b = 0; b < 8; b++)
            c = c & 1 ? c >> 1 ^ 0xEDB88320u : c >> 1;
    }
    assert_int_equal(fl_h5crc_compute(d2, &crc), 0);
    assert_int_equal(crc, c ^ 0xFFFFFFFFu);
    H5Dclose(d2), H5Sclose(sp2), H5Dclose(d), H5Sclose(sp), H5Tclose(ty), H5Fclose(f);
}

static void flip_byte(const char *path, const char *dataset, long k)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
    haddr_t at = H5Dget_offset(d);
    H5Dclose(d), H5Fclose(f);
    assert_true(at != HADDR_UNDEF);
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, (long)at + k, SEEK_SET), 0);
    int ch = fgetc(fp);
    assert_int_equal(fseek(fp, (long)at + k, SEEK_SET), 0);
    fputc(ch ^ 0x01, fp);
    fclose(fp);
}

static void test_flipped_byte_refused_untouched_accepted(void **state)
{
    (void)state;
    const char *ds[] = {"/points/snr_db", "/points/bit_errors", "/points/modem.scheme", "/scenario_effective"};
    for (int k = 0; k < 4; k++) {
        char path[300], err[512] = "", out[2048];
        snprintf(path, sizeof path, "%s/flip%d.h5", dir, k);
        write_sample(path);
        results *t = NULL;
        char *text = NULL;
        assert_int_equal(fl_results_read_h5(path, &t, &text, err, sizeof err), 0);
        assert_int_equal(fl_results_h5_checksummed(path), 1);
        fl_results_destroy(t), free(text);
        assert_int_equal(testutil_runf(out, sizeof out, "%s export %s", testutil_bin(), path), 0);
        assert_null(strstr(out, "warning"));
        flip_byte(path, ds[k], 9);
        int rc = fl_results_read_h5(path, &t, &text, err, sizeof err);
        if (rc != -EINVAL || !strstr(err, path) || !strstr(err, ds[k]) || !strstr(err, "checksum mismatch"))
            fail_msg("%s: rc %d, message \"%s\"", ds[k], rc, err);
        assert_null(t);
        const char *sub[2] = {"export", "table"};
        for (int s = k == 3; s < 2; s++) { /* export reads no scenario */
            int st = testutil_runf(out, sizeof out, "%s %s %s", testutil_bin(), sub[s], path);
            if (st != 2 || !strstr(out, ds[k]) || !strstr(out, "checksum mismatch"))
                fail_msg("%s %s: status %d, output \"%s\"", sub[s], ds[k], st, out);
        }
    }
}

static herr_t drop_crc(hid_t obj, const char *name, const H5O_info_t *info, void *arg)
{
    (void)arg;
    if (info->type == H5O_TYPE_DATASET && H5Aexists_by_name(obj, name, H5CRC_ATTR, H5P_DEFAULT) > 0)
        H5Adelete_by_name(obj, name, H5CRC_ATTR, H5P_DEFAULT);
    return 0;
}

/* A file of before checksums: no crc32 anywhere, no root "checksums". */
static void test_old_file_read_with_warning(void **state)
{
    (void)state;
    char path[300], err[512] = "", out[4096];
    snprintf(path, sizeof path, "%s/old.h5", dir);
    write_sample(path);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    H5Ovisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, drop_crc, NULL);
    H5Adelete(f, H5CRC_ROOT);
    H5Fclose(f);
    results *t = NULL;
    assert_int_equal(fl_results_read_h5(path, &t, NULL, err, sizeof err), 0);
    assert_int_equal((int)fl_results_points(t), 4);
    fl_results_destroy(t);
    assert_int_equal(fl_results_h5_checksummed(path), 0);
    assert_int_equal(testutil_runf(out, sizeof out, "%s export %s", testutil_bin(), path), 0);
    assert_non_null(strstr(out, "warning"));
    assert_non_null(strstr(out, "no dataset checksums"));
}

/* Checksummed file that lost one dataset's crc32: refused. */
static void test_missing_crc_refused(void **state)
{
    (void)state;
    char path[300], err[512] = "";
    snprintf(path, sizeof path, "%s/lost.h5", dir);
    write_sample(path);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(H5Adelete_by_name(f, "/points/bit_errors", H5CRC_ATTR, H5P_DEFAULT) >= 0);
    H5Fclose(f);
    results *t = NULL;
    int rc = fl_results_read_h5(path, &t, NULL, err, sizeof err);
    if (rc != -EINVAL || !strstr(err, "/points/bit_errors") || !strstr(err, "no crc32 attribute"))
        fail_msg("rc %d, message \"%s\"", rc, err);
}

/* H5_CLOSE (sim/h5util.h) closes each valid id with its own close call,
 * whatever its kind, and skips the -1 of a failed open: afterwards no id
 * is valid and the file is closed (no object left open in it). */
static void test_close_ids_every_kind(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/close.h5", dir);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "g", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t sp = H5Screate(H5S_SCALAR), ty = H5Tcopy(H5T_NATIVE_INT);
    hid_t d = H5Dcreate2(g, "d", ty, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t a = H5Acreate2(d, "a", ty, sp, H5P_DEFAULT, H5P_DEFAULT);
    hid_t missing = H5Aopen(d, "no such attribute", H5P_DEFAULT);
    assert_true(f >= 0 && g >= 0 && sp >= 0 && ty >= 0 && d >= 0 && a >= 0);
    assert_true(missing < 0);
    assert_int_equal(H5Fget_obj_count(f, H5F_OBJ_ALL), 4); /* the file, g, d, a */
    H5_CLOSE(a, missing, d, g, sp, ty);
    assert_int_equal(H5Fget_obj_count(f, H5F_OBJ_ALL), 1);
    H5_CLOSE(f);
    const hid_t ids[] = {f, g, sp, ty, d, a};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        assert_true(H5Iis_valid(ids[i]) <= 0);
    hid_t ty2, sp2, a2 = fl_h5util_attr_open(-1, "x", &ty2, &sp2);
    assert_true(a2 < 0 && ty2 == -1 && sp2 == -1);
    H5_CLOSE(sp2, ty2, a2);
}

int main(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc_is_crc32_of_the_stored_bytes),
        cmocka_unit_test(test_flipped_byte_refused_untouched_accepted),
        cmocka_unit_test(test_old_file_read_with_warning),
        cmocka_unit_test(test_missing_crc_refused),
        cmocka_unit_test(test_close_ids_every_kind),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
