/* test_projector: the 2-layer GELU MLP (codec/projector) against hand
 * arithmetic, a double-precision loop reference, and bad weight files. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "codec/projector.h"
#include "tests/h5craft.h"

// Hand-chosen net: in = 2, hidden = 3, out = 2.
static const float W1[6] = {1, 0,   // h1 = x1
                            0, 1,   // h2 = x2 - 1
                            1, 1};  // h3 = x1 + x2 + 0.5
static const float B1[3] = {0, -1, 0.5f};
static const float W2[6] = {1, 1, 0,    // y1 = g1 + g2 + 0.25
                            0, -1, 2};  // y2 = -g2 + 2 g3
static const float B2[2] = {0.25f, 0};

// Φ values from tables (standard normal CDF): Φ(1) = 0.8413447460685429,
// Φ(3.5) = 0.9997673709209645, Φ(-1) = 0.15865525393145707,
// Φ(-0.5) = 0.3085375387259869. GELU(u) = u Φ(u).
// x = (1, 2): pre-activations (1, 1, 3.5)
//   y1 = 2 Φ(1) + 0.25 = 1.9326894921370858
//   y2 = -Φ(1) + 2·3.5 Φ(3.5) = 6.1570268503781085
// x = (-1, 0): pre-activations (-1, -1, -0.5)
//   GELU(-1) = -0.15865525393145707, GELU(-0.5) = -0.15426876936299345
//   y1 = 2 GELU(-1) + 0.25 = -0.06731050786291414
//   y2 = -GELU(-1) + 2 GELU(-0.5) = -0.14988228479452983
static const float X_HAND[4] = {1, 2, -1, 0};
static const double Y_HAND[4] = {1.9326894921370858, 6.1570268503781085,
                                 -0.06731050786291414, -0.14988228479452983};

static void check_hand_outputs(const projector *p)
{
    float y[4];
    assert_int_equal(fl_projector_in_dims(p), 2);
    assert_int_equal(fl_projector_hidden_dims(p), 3);
    assert_int_equal(fl_projector_out_dims(p), 2);
    assert_int_equal(fl_projector_execute(p, X_HAND, 2, y), 0);
    for (int i = 0; i < 4; i++)
        assert_true(fabs(y[i] - Y_HAND[i]) < 2e-6 * fmax(1.0, fabs(Y_HAND[i])));
}

// ---- temp dir and HDF5 writer --------------------------------------------------

static char tmpdir[64];
static char why[320]; // fl_projector_load's reason

static int setup_dir(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/featlink_projXXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    const char *names[] = {"f32.h5", "f64.h5", "nob2.h5", "badw2.h5", "badb1.h5",
                           "rank.h5", "int.h5", "nan.h5", "text.h5", "unwritten.h5", "crafted.h5"};
    char path[128];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
        unlink(path);
    }
    return rmdir(tmpdir);
}

static void tmp_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", tmpdir, name);
}

// Write one dataset of doubles `v` with rank/dims, stored as file type ftype.
static void put(hid_t f, const char *name, hid_t ftype, int rank,
                const hsize_t *dims, const double *v)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    assert_true(sp >= 0);
    hid_t ds = H5Dcreate2(f, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(ds >= 0);
    assert_true(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(ds);
    H5Sclose(sp);
}

enum fault { OK, NO_B2, BAD_W2, BAD_B1, RANK3, INT_TYPE, NAN_W };

static void write_weights(const char *path, hid_t ftype, enum fault fault)
{
    double w1[6], b1[3], w2[8] = {0}, b2[2];
    for (int i = 0; i < 6; i++) {
        w1[i] = W1[i];
        w2[i] = W2[i];
    }
    for (int i = 0; i < 3; i++)
        b1[i] = B1[i];
    for (int i = 0; i < 2; i++)
        b2[i] = B2[i];
    if (fault == NAN_W)
        w2[4] = NAN;
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    hsize_t dw1[2] = {3, 2}, db1[1] = {3}, dw2[2] = {2, 3}, db2[1] = {2};
    hsize_t dw2bad[2] = {2, 4}, db1bad[1] = {2}, d3[3] = {3, 2, 1};
    if (fault == RANK3)
        put(f, "/w1", ftype, 3, d3, w1);
    else if (fault == INT_TYPE)
        put(f, "/w1", H5T_STD_I32LE, 2, dw1, w1);
    else
        put(f, "/w1", ftype, 2, dw1, w1);
    put(f, "/b1", ftype, 1, fault == BAD_B1 ? db1bad : db1, b1);
    put(f, "/w2", ftype, 2, fault == BAD_W2 ? dw2bad : dw2, w2);
    if (fault != NO_B2)
        put(f, "/b2", ftype, 1, db2, b2);
    H5Fclose(f);
}

// ---- tests -------------------------------------------------------------------------

static void test_create_hand_arithmetic(void **state)
{
    (void)state;
    projector *p = NULL;
    assert_int_equal(fl_projector_create(2, 3, 2, W1, B1, W2, B2, &p), 0);
    check_hand_outputs(p);
    fl_projector_destroy(p);
}

static void test_load_float32_and_float64(void **state)
{
    (void)state;
    char path[128];
    projector *p = NULL;
    tmp_path(path, sizeof path, "f32.h5");
    write_weights(path, H5T_IEEE_F32LE, OK);
    assert_int_equal(fl_projector_load(path, &p, why, sizeof why), 0);
    check_hand_outputs(p);
    fl_projector_destroy(p);
    p = NULL;
    tmp_path(path, sizeof path, "f64.h5");
    write_weights(path, H5T_IEEE_F64LE, OK);
    assert_int_equal(fl_projector_load(path, &p, why, sizeof why), 0);
    check_hand_outputs(p);
    fl_projector_destroy(p);
}

static void test_load_bad_files(void **state)
{
    (void)state;
    char path[128];
    projector *p = NULL;
    tmp_path(path, sizeof path, "does_not_exist.h5");
    assert_int_equal(fl_projector_load(path, &p, why, sizeof why), -ENOENT);
    assert_string_equal(why, "No such file or directory");

    tmp_path(path, sizeof path, "text.h5");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("this is not an HDF5 file\n", fp);
    fclose(fp);
    assert_int_equal(fl_projector_load(path, &p, why, sizeof why), -EIO);
    assert_string_equal(why, "not a readable HDF5 file");
    assert_int_equal(fl_projector_load(tmpdir, &p, why, sizeof why), -EIO);  // a directory
    assert_string_equal(why, "not a regular file");

    // each with its cause named (issue 10: errors that say why)
    const struct { const char *name; enum fault f; const char *cause; } bad[] = {
        {"nob2.h5", NO_B2, "no dataset '/b2'"},
        {"badw2.h5", BAD_W2, "shapes do not chain: w1 3x2, b1 3, w2 2x4, b2 2"},
        {"badb1.h5", BAD_B1, "shapes do not chain: w1 3x2, b1 2, w2 2x3"},
        {"rank.h5", RANK3, "dataset '/w1': rank 3"},
        {"int.h5", INT_TYPE, "dataset '/w1': type is not a 2-, 4- or 8-byte float"},
        {"nan.h5", NAN_W, "not finite"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tmp_path(path, sizeof path, bad[i].name);
        write_weights(path, H5T_IEEE_F32LE, bad[i].f);
        assert_int_equal(fl_projector_load(path, &p, why, sizeof why), -EINVAL);
        if (!strstr(why, bad[i].cause))
            fail_msg("%s: \"%s\" does not name \"%s\"", bad[i].name, why, bad[i].cause);
    }
    assert_null(p);  // never written on failure
    assert_int_equal(fl_projector_load(NULL, &p, why, sizeof why), -EINVAL);
    // no HDF5 file or object handle left open by the failed loads
    assert_int_equal(H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}

// Issue 10: weights declared but never written (chunked, no storage) are
// refused before the 1 GiB (2^14 x 2^14 float32) allocation their shape asks
// for; a shape beyond PROJECTOR_MAX_WEIGHTS likewise.
static void test_load_unwritten_weights(void **state)
{
    (void)state;
    char path[128];
    projector *p = NULL;
    const hsize_t sizes[2][2] = {{16384, 16384}, {32768, 16384}};
    for (int k = 0; k < 2; k++) {
        tmp_path(path, sizeof path, "unwritten.h5");
        hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        hsize_t chunk[2] = {64, 64};
        hid_t sp = H5Screate_simple(2, sizes[k], NULL);
        hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(pl, 2, chunk);
        hid_t ds = H5Dcreate2(f, "/w1", H5T_IEEE_F32LE, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
        H5Dclose(ds), H5Pclose(pl), H5Sclose(sp);
        // the other weights chain with w1 and are written (16384 values)
        static double v[16384];
        hsize_t dh[1] = {sizes[k][0]}, dw2[2] = {1, sizes[k][0]}, d1[1] = {1};
        if (k == 0) {
            put(f, "/b1", H5T_IEEE_F32LE, 1, dh, v);
            put(f, "/w2", H5T_IEEE_F32LE, 2, dw2, v);
        }
        put(f, "/b2", H5T_IEEE_F32LE, 1, d1, v);
        H5Fclose(f);
        assert_int_equal(fl_projector_load(path, &p, why, sizeof why), -EINVAL);
        assert_null(p);
    }
    assert_int_equal(H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}

// Issue 10, chunk guards (codec/h5guard) on projector weights: the regression
// inputs in tests/fuzz/regress/fuzz_projector/ (made by `build/tests/
// test_projector --write-crafted DIR`): w1 a written 4x4 matrix in one
// deflated 1024x1024 chunk (4 MiB allocated to read 64 bytes), and w1
// 2048x1024 in 1-element chunks (2^21 index lookups); the other weights chain.
static const struct {
    const char *file, *cause;
    int flags;
    hsize_t w1[2], chunk[2];
} crafted[] = {
    {"w1_chunk_larger_than_matrix.h5", "dataset '/w1': chunk of 1048576 elements",
     H5CRAFT_WRITE | H5CRAFT_DEFLATE, {4, 4}, {1024, 1024}},
    {"w1_chunks_1elem_2e21.h5", "dataset '/w1': spans 2097152 chunks", 0, {2048, 1024}, {1, 1}},
};
#define NCRAFTED (sizeof crafted / sizeof crafted[0])
#define REGRESS_DIR "tests/fuzz/regress/fuzz_projector"

static void write_crafted(const char *path, size_t k)
{
    static double v[2048];
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_int_equal(h5craft_chunked(f, "/w1", 2, crafted[k].w1, crafted[k].chunk, crafted[k].flags), 0);
    hsize_t db1[1] = {crafted[k].w1[0]}, dw2[2] = {1, crafted[k].w1[0]}, db2[1] = {1};
    put(f, "/b1", H5T_IEEE_F32LE, 1, db1, v);
    put(f, "/w2", H5T_IEEE_F32LE, 2, dw2, v);
    put(f, "/b2", H5T_IEEE_F32LE, 1, db2, v);
    H5Fclose(f);
}

static void test_load_chunk_guards(void **state)
{
    (void)state;
    char path[600];
    for (size_t k = 0; k < NCRAFTED; k++) {
        for (int shipped = 0; shipped < 2; shipped++) {
            projector *p = NULL;
            if (shipped)
                snprintf(path, sizeof path, "%s/%s", REGRESS_DIR, crafted[k].file);
            else {
                tmp_path(path, sizeof path, "crafted.h5");
                write_crafted(path, k);
            }
            int rc = fl_projector_load(path, &p, why, sizeof why);
            if (rc != -EINVAL || !strstr(why, crafted[k].cause))
                fail_msg("%s: rc %d, \"%s\"", path, rc, why);
            assert_null(p);
        }
    }
    assert_int_equal(H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}

static void test_create_bad_arguments(void **state)
{
    (void)state;
    projector *p = NULL;
    float nanw[6] = {1, 0, 0, 1, NAN, 1};
    assert_int_equal(fl_projector_create(0, 3, 2, W1, B1, W2, B2, &p), -EINVAL);
    assert_int_equal(fl_projector_create(2, 3, 2, NULL, B1, W2, B2, &p), -EINVAL);
    assert_int_equal(fl_projector_create(2, 3, 2, nanw, B1, W2, B2, &p), -EINVAL);
    assert_int_equal(fl_projector_create(2, 3, 2, W1, B1, W2, B2, NULL), -EINVAL);
    assert_null(p);
    assert_int_equal(fl_projector_create(2, 3, 2, W1, B1, W2, B2, &p), 0);
    float y[2];
    assert_int_equal(fl_projector_execute(p, X_HAND, 0, y), -EINVAL);
    assert_int_equal(fl_projector_execute(p, NULL, 1, y), -EINVAL);
    assert_int_equal(fl_projector_execute(NULL, X_HAND, 1, y), -EINVAL);
    fl_projector_destroy(p);
    fl_projector_destroy(NULL);
}

// Many tokens (several PROJECTOR_TILE_TOKENS blocks plus a partial one) and
// random weights against a per-token double-precision loop.
static void test_execute_matches_loop_reference(void **state)
{
    (void)state;
    const size_t in = 5, hid = 7, out = 3, n = 2 * PROJECTOR_TILE_TOKENS + 19;
    uint64_t s = 42;
    float w1[35], b1[7], w2[21], b2[3];
    float *x = malloc(n * in * sizeof *x), *y = malloc(n * out * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
#define UNIF() ((float)(((s = s * 6364136223846793005ULL + 1442695040888963407ULL) >> 40) \
                        * 0x1.0p-24 * 2.0 - 1.0))
    for (size_t i = 0; i < 35; i++) w1[i] = UNIF();
    for (size_t i = 0; i < 7; i++) b1[i] = UNIF();
    for (size_t i = 0; i < 21; i++) w2[i] = UNIF();
    for (size_t i = 0; i < 3; i++) b2[i] = UNIF();
    for (size_t i = 0; i < n * in; i++) x[i] = 3.0f * UNIF();
#undef UNIF
    projector *p = NULL;
    assert_int_equal(fl_projector_create(in, hid, out, w1, b1, w2, b2, &p), 0);
    assert_int_equal(fl_projector_execute(p, x, n, y), 0);
    for (size_t t = 0; t < n; t++) {
        double g[7];
        for (size_t j = 0; j < hid; j++) {
            double u = b1[j];
            for (size_t k = 0; k < in; k++)
                u += (double)w1[j * in + k] * x[t * in + k];
            g[j] = u * 0.5 * erfc(-u / sqrt(2.0));  // u Φ(u), Φ via erfc
        }
        for (size_t o = 0; o < out; o++) {
            double v = b2[o];
            for (size_t j = 0; j < hid; j++)
                v += (double)w2[o * hid + j] * g[j];
            assert_true(fabs(y[t * out + o] - v) < 1e-5 * fmax(1.0, fabs(v)));
        }
    }
    fl_projector_destroy(p);
    free(x);
    free(y);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-crafted")) {
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        for (size_t k = 0; k < NCRAFTED; k++) {
            char path[600];
            snprintf(path, sizeof path, "%s/%s", argv[2], crafted[k].file);
            write_crafted(path, k);
        }
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_hand_arithmetic),
        cmocka_unit_test(test_load_float32_and_float64),
        cmocka_unit_test(test_load_bad_files),
        cmocka_unit_test(test_load_unwritten_weights),
        cmocka_unit_test(test_load_chunk_guards),
        cmocka_unit_test(test_create_bad_arguments),
        cmocka_unit_test(test_execute_matches_loop_reference),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
