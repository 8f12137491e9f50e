/* Tests of codec/source: the synthetic generators' laws (moments by
 * z-scores), determinism, and the .npy / HDF5 loaders on files written here
 * byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/h5craft.h"
#include "tests/testutil.h"

#include "codec/source.h"
#include "codec/h5guard.h"

#include <errno.h>
#include <hdf5.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define dir testutil_dir

/* Sample mean, variance and excess kurtosis, each checked by its z-score
 * against the law: for n i.i.d. samples of variance s2 the mean has
 * standard error sqrt(s2/n); the variance sqrt((mu4 - s2^2)/n). */
static void moments(const float *x, size_t n, double *m, double *v, double *kurt)
{
    double s = 0, s2 = 0, s4 = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    *m = s / (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - *m;
        s2 += d * d;
        s4 += d * d * d * d;
    }
    *v = s2 / (double)n;
    *kurt = (s4 / (double)n) / (*v * *v) - 3.0;
}

/* Gaussian, σ = 2: mean 0, variance 4 (mu4 = 3σ^4 = 48), excess kurtosis 0
 * (standard error sqrt(24/n)). Laplace with σ = 2 (b = sqrt 2): variance 4,
 * mu4 = 24 b^4 = 96, excess kurtosis 3 (standard error about sqrt(~700/n)
 * for the Laplace: use a 5σ band of 0.4 at n = 2^18). */
static void test_iid_laws_by_z_scores(void **state)
{
    (void)state;
    const source_law laws[] = {SOURCE_LAW_GAUSSIAN, SOURCE_LAW_LAPLACE};
    for (int k = 0; k < 2; k++) {
        source_synth p = {.patches = 2, .tokens = 256, .dims = 512, .law = laws[k], .scale = 2.0};
        source_tensor t;
        assert_int_equal(fl_source_synthetic(&p, 9, 0, &t), 0);
        size_t n = 2 * 256 * 512;
        assert_int_equal(t.patches, 2);
        double m, v, ku;
        moments(t.x, n, &m, &v, &ku);
        double mu4 = k == 0 ? 48.0 : 96.0;
        assert_true(fabs(m / sqrt(4.0 / (double)n)) < 5);
        assert_true(fabs((v - 4.0) / sqrt((mu4 - 16.0) / (double)n)) < 5);
        if (k == 0)
            assert_true(fabs(ku / sqrt(24.0 / (double)n)) < 5);
        else
            assert_true(fabs(ku - 3.0) < 0.4);
        fl_source_free(&t);
    }
}

/* The clip-like law: deterministic per (seed, trial); heavy-tailed
 * (Laplacian-like, excess kurtosis > 1); outlier dimensions carry
 * outlier_gain^2 times the power of the typical dimension. */
static void test_clip_like(void **state)
{
    (void)state;
    source_synth p = {.patches = 1, .tokens = 512, .dims = 256, .law = SOURCE_LAW_CLIP, .clusters = 8,
                      .cluster_spread = 0.5, .tail = 3.0, .outlier_dims = 2, .outlier_gain = 20, .scale = 1};
    source_tensor a, b, c;
    assert_int_equal(fl_source_synthetic(&p, 5, 0, &a), 0);
    assert_int_equal(fl_source_synthetic(&p, 5, 0, &b), 0);
    assert_int_equal(fl_source_synthetic(&p, 5, 1, &c), 0);
    assert_memory_equal(a.x, b.x, 512 * 256 * sizeof(float));
    assert_true(memcmp(a.x, c.x, 512 * 256 * sizeof(float)) != 0);
    /* per-dimension power; the two largest are the outliers */
    double pw[256], sorted[256];
    for (int j = 0; j < 256; j++) {
        pw[j] = 0;
        for (int t = 0; t < 512; t++)
            pw[j] += (double)a.x[t * 256 + j] * a.x[t * 256 + j];
        pw[j] /= 512;
        sorted[j] = pw[j];
    }
    for (int i = 0; i < 256; i++)
        for (int j = i + 1; j < 256; j++)
            if (sorted[j] > sorted[i]) {
                double tmp = sorted[i];
                sorted[i] = sorted[j];
                sorted[j] = tmp;
            }
    double median = sorted[128];
    assert_true(sorted[1] > 50 * median); /* 20^2 = 400 times, up to Pareto spread */
    /* tokens of one cluster are close: with spread s = 0.5 two members of a
     * cluster have cosine about 1/(1+s^2) = 0.8 (per-dimension scales
     * removed), tokens of different clusters about 0 +- 1/sqrt(256); with 8
     * clusters drawn uniformly, about 1/8 of the pairs are in one cluster */
    int close = 0, pairs = 0;
    for (int t = 0; t < 64; t++)
        for (int u = t + 1; u < 64; u++) {
            double d = 0, nt = 0, nu = 0;
            for (int j = 0; j < 256; j++) {
                double x = a.x[t * 256 + j] / sqrt(pw[j]), y = a.x[u * 256 + j] / sqrt(pw[j]);
                d += x * y, nt += x * x, nu += y * y;
            }
            close += d / sqrt(nt * nu) > 0.5;
            pairs++;
        }
    double frac = (double)close / pairs;
    assert_true(frac > 0.06 && frac < 0.22);
    fl_source_free(&a), fl_source_free(&b), fl_source_free(&c);
    p.tail = 2.0;
    assert_int_equal(fl_source_synthetic(&p, 5, 0, &a), -EINVAL);
}

static void write_bytes(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* A .npy v1.0 file: magic, version, header length (little endian), a dict
 * padded with spaces to a multiple of 64 bytes ending in '\n', then data. */
static size_t npy_header(char *out, const char *descr, const char *shape)
{
    char dict[128];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape);
    size_t total = 10 + (size_t)n + 1;
    size_t pad = (64 - total % 64) % 64;
    memcpy(out, "\x93NUMPY\x01\x00", 8);
    uint16_t hl = (uint16_t)(n + pad + 1);
    out[8] = (char)(hl & 0xff);
    out[9] = (char)(hl >> 8);
    memcpy(out + 10, dict, (size_t)n);
    memset(out + 10 + n, ' ', pad);
    out[10 + n + pad] = '\n';
    return 10 + (size_t)n + pad + 1;
}

static void test_npy_f4_f2_3d(void **state)
{
    (void)state;
    char path[300], why[256], buf[512];
    source_tensor t;
    /* float32, 2 x 3 */
    size_t h = npy_header(buf, "<f4", "(2, 3)");
    float v[6] = {1, -2, 3.5f, 0, 1e-3f, -7};
    memcpy(buf + h, v, sizeof v);
    snprintf(path, sizeof path, "%s/a.npy", dir);
    write_bytes(path, buf, h + sizeof v);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), 0);
    assert_int_equal(t.patches, 1);
    assert_int_equal(t.tokens, 2);
    assert_int_equal(t.dims, 3);
    assert_memory_equal(t.x, v, sizeof v);
    fl_source_free(&t);
    /* float16, 2 x 1 x 2: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF,
     * smallest subnormal 2^-24 = 0x0001 */
    h = npy_header(buf, "<f2", "(2, 1, 2)");
    const uint8_t hv[8] = {0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00};
    memcpy(buf + h, hv, sizeof hv);
    write_bytes(path, buf, h + sizeof hv);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), 0);
    assert_int_equal(t.patches, 2);
    assert_int_equal(t.tokens, 1);
    assert_int_equal(t.dims, 2);
    assert_true(t.x[0] == 1.0f && t.x[1] == -2.0f && t.x[2] == 65504.0f && t.x[3] == ldexpf(1.0f, -24));
    fl_source_free(&t);
    /* truncated data, wrong dtype, rank 1, garbage */
    h = npy_header(buf, "<f4", "(4, 4)");
    write_bytes(path, buf, h + 8);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EIO);
    h = npy_header(buf, "<i4", "(2, 2)");
    write_bytes(path, buf, h + 16);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "dtype"));
    h = npy_header(buf, "<f4", "(4,)");
    write_bytes(path, buf, h + 16);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EINVAL);
    write_bytes(path, "garbage", 7);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EINVAL);
    snprintf(path, sizeof path, "%s/missing.npy", dir);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -ENOENT);
}

static void test_hdf5_f32_f16(void **state)
{
    (void)state;
    char path[300], why[256];
    snprintf(path, sizeof path, "%s/s.h5", dir);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t d3[3] = {2, 2, 3}, d2[2] = {2, 2};
    float v[12];
    for (int i = 0; i < 12; i++)
        v[i] = (float)i - 5.5f;
    hid_t sp = H5Screate_simple(3, d3, NULL);
    hid_t ds = H5Dcreate2(f, "/features", H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(ds), H5Sclose(sp);
    /* an IEEE binary16 dataset: 1 sign, 5 exponent (bias 15), 10 mantissa bits */
    hid_t half = H5Tcopy(H5T_IEEE_F32LE);
    H5Tset_fields(half, 15, 10, 5, 0, 10);
    H5Tset_size(half, 2);
    H5Tset_ebias(half, 15);
    sp = H5Screate_simple(2, d2, NULL);
    ds = H5Dcreate2(f, "/half", half, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    float hv[4] = {1.0f, -0.5f, 2048.0f, 0.099975586f}; /* all exact in binary16 */
    H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, hv);
    H5Dclose(ds), H5Sclose(sp), H5Tclose(half);
    hsize_t d1 = 4;
    sp = H5Screate_simple(1, &d1, NULL);
    ds = H5Dcreate2(f, "/ints", H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(ds), H5Sclose(sp);
    H5Fclose(f);

    source_tensor t;
    assert_int_equal(fl_source_load_hdf5(path, "/features", &t, why, sizeof why), 0);
    assert_int_equal(t.patches, 2);
    assert_int_equal(t.tokens, 2);
    assert_int_equal(t.dims, 3);
    assert_memory_equal(t.x, v, sizeof v);
    fl_source_free(&t);
    assert_int_equal(fl_source_load_hdf5(path, "/half", &t, why, sizeof why), 0);
    assert_int_equal(t.tokens, 2);
    assert_memory_equal(t.x, hv, sizeof hv);
    fl_source_free(&t);
    assert_int_equal(fl_source_load_hdf5(path, "/nothere", &t, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "no dataset"));
    assert_int_equal(fl_source_load_hdf5(path, "/ints", &t, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "not a 2-, 4- or 8-byte float"));
    snprintf(path, sizeof path, "%s/missing.h5", dir);
    assert_int_equal(fl_source_load_hdf5(path, "/features", &t, why, sizeof why), -ENOENT);
}

/* Issue 10: a 100-byte .npy declaring 2^28 float32 (1 GiB) is refused before
 * any allocation with the sizes in the message; a shape beyond the 2^28-element
 * limit names the limit; '>f4' is refused even with '<f4' elsewhere in the
 * header; 'descr' must be exact ('<f4x' is not '<f4'). */
static void test_npy_hostile_headers(void **state)
{
    (void)state;
    char path[300], why[256], buf[512];
    source_tensor t;
    snprintf(path, sizeof path, "%s/h.npy", dir);
    /* unpadded header: 10 + 60 bytes, then 30 data bytes */
    const char *d = "{'descr':'<f4','fortran_order':False,'shape':(16384,16384),}";
    assert_int_equal(strlen(d), 60);
    memset(buf, 0, 100);
    memcpy(buf, "\x93NUMPY\x01\x00\x3c\x00", 10);
    memcpy(buf + 10, d, 60);
    write_bytes(path, buf, 100);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EIO);
    assert_non_null(strstr(why, "268435456 elements (1073741824 bytes)"));
    assert_non_null(strstr(why, "holds 30 data bytes"));
    assert_null(t.x);
    size_t h = npy_header(buf, "<f4", "(25000, 25000)");
    write_bytes(path, buf, h + 16);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "limit of 2^28"));
    /* big-endian with a decoy '<f4' in another key */
    h = npy_header(buf, ">f4', 'note': '<f4", "(2, 2)");
    write_bytes(path, buf, h + 16);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "descr"));
    h = npy_header(buf, "<f4x", "(2, 2)");
    write_bytes(path, buf, h + 16);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EINVAL);
    /* a shape with a negative or overflowing entry, 4 dimensions */
    const char *bad[] = {"(2, -2)", "(99999999999999999999999, 2)", "(1, 1, 1, 1)", "2, 2"};
    for (int i = 0; i < 4; i++) {
        h = npy_header(buf, "<f4", bad[i]);
        write_bytes(path, buf, h + 16);
        assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EINVAL);
        assert_null(t.x);
    }
    /* fortran_order True refused; a valid file one byte short is truncated */
    h = npy_header(buf, "<f4', 'fortran_order': True, 'x': 'y", "(1, 1)");
    write_bytes(path, buf, h + 4);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "fortran_order"));
    h = npy_header(buf, "<f8", "(3, 1)");
    write_bytes(path, buf, h + 23);
    assert_int_equal(fl_source_load_npy(path, &t, why, sizeof why), -EIO);
}

/* Issue 10: an HDF5 dataset declared (2^20 elements, chunked) but never
 * written has no storage and is refused before allocation; a contiguous one
 * likewise; a deflate-compressed written one loads; an integer one is refused
 * by type. */
static void test_hdf5_unwritten_and_compressed(void **state)
{
    (void)state;
    char path[300], why[256];
    snprintf(path, sizeof path, "%s/u.h5", dir);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t dims[2] = {1024, 1024}, chunk[2] = {64, 64};
    hid_t sp = H5Screate_simple(2, dims, NULL);
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(pl, 2, chunk);
    hid_t ds = H5Dcreate2(f, "/empty", H5T_IEEE_F32LE, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    H5Dclose(ds);
    ds = H5Dcreate2(f, "/flat", H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(ds);
    H5Pset_deflate(pl, 6);
    ds = H5Dcreate2(f, "/zip", H5T_IEEE_F32LE, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    float *v = calloc(1024 * 1024, sizeof *v);
    assert_non_null(v);
    v[5] = 3.0f;
    H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(ds), H5Pclose(pl), H5Sclose(sp);
    H5Fclose(f);
    source_tensor t;
    assert_int_equal(fl_source_load_hdf5(path, "/empty", &t, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "no data written"));
    assert_null(t.x);
    assert_int_equal(fl_source_load_hdf5(path, "/flat", &t, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "no data written"));
    assert_int_equal(fl_source_load_hdf5(path, "/zip", &t, why, sizeof why), 0);
    assert_int_equal(t.tokens, 1024);
    assert_memory_equal(t.x, v, 1024 * 1024 * sizeof *v);
    fl_source_free(&t);
    free(v);
}

/* Issue 10, chunk guards (codec/h5guard) on sources: the regression inputs
 * in tests/fuzz/regress/fuzz_hdf5/ (made by `build/tests/test_source
 * --write-crafted DIR`): a written 4x4 dataset in one 1024x1024 chunk (deflated) (libhdf5
 * would allocate 4 MiB to read 64 bytes), 2048x1024 elements in 1-element
 * chunks (2^21 index lookups), and the 2^28-element chunked
 * "/features" declared but never written (it once ran to 5 GB resident). */
static const struct {
    const char *file, *cause;
    int rank, flags;
    hsize_t dims[3], chunk[3];
} crafted[] = {
    {"src_chunk_larger_than_dataset.h5", "chunk of 1048576 elements", 2, H5CRAFT_WRITE | H5CRAFT_DEFLATE, {4, 4}, {1024, 1024}},
    {"src_chunks_1elem_2e21.h5", "spans 2097152 chunks", 2, 0, {2048, 1024}, {1, 1}},
    {"src_unwritten_2e28.h5", "no data written", 3, 0, {1, 16384, 16384}, {1, 256, 256}},
};
#define NCRAFTED (sizeof crafted / sizeof crafted[0])
#define REGRESS_DIR "tests/fuzz/regress/fuzz_hdf5"

static int write_crafted(const char *path, size_t k)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0)
        return -1;
    int rc = h5craft_chunked(f, "/features", crafted[k].rank, crafted[k].dims, crafted[k].chunk,
                             crafted[k].flags);
    H5Fclose(f);
    return rc;
}

/* each crafted file, as made here and as shipped, refused with its cause
 * before any allocation (tensor left zeroed) */
static void test_hdf5_chunk_guards(void **state)
{
    (void)state;
    char path[600], why[256];
    for (size_t k = 0; k < NCRAFTED; k++) {
        for (int shipped = 0; shipped < 2; shipped++) {
            if (shipped)
                snprintf(path, sizeof path, "%s/%s", REGRESS_DIR, crafted[k].file);
            else {
                snprintf(path, sizeof path, "%s/%s", dir, crafted[k].file);
                assert_int_equal(write_crafted(path, k), 0);
            }
            source_tensor t;
            memset(&t, 0x5a, sizeof t);
            int rc = fl_source_load_hdf5(path, "/features", &t, why, sizeof why);
            if (rc != -EINVAL || !strstr(why, crafted[k].cause))
                fail_msg("%s: rc %d, \"%s\"", path, rc, why);
            assert_null(t.x);
        }
        /* through the binary: exit 2 naming the scenario key, file and cause */
        char scen[700], out[2048], abs[PATH_MAX];
        assert_non_null(realpath(path, abs)); /* relative paths are the scenario's */
        snprintf(scen, sizeof scen, "%s/s.json", dir);
        FILE *fp = fopen(scen, "w");
        assert_non_null(fp);
        fprintf(fp, "{\"source\": {\"kind\": \"hdf5\", \"path\": \"%s\"}}\n", abs);
        fclose(fp);
        int st = testutil_runf(out, sizeof out, "%s run %s -o %s/x.h5", testutil_bin(), scen, dir);
        if (st != 2 || !strstr(out, "$.source.path") || !strstr(out, crafted[k].file) ||
            !strstr(out, crafted[k].cause))
            fail_msg("featlink run on %s: status %d, \"%s\"", path, st, out);
    }
}

/* fl_h5guard_type_plain against the standard types and crafted layouts
 * (tests/fuzz/regress/fuzz_results/sigbus_bit_layout_*: an 8-byte integer
 * column of precision 0 crashed libhdf5 1.10.8's conversion with SIGBUS):
 * every predefined IEEE / STD type passes; a narrowed precision, an offset,
 * moved float fields or another exponent bias are refused. */
static void test_type_bit_layouts(void **state)
{
    (void)state;
    char why[160];
    hid_t good[] = {H5T_IEEE_F64LE, H5T_IEEE_F64BE, H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_STD_I8LE,
                    H5T_STD_U16BE, H5T_STD_I32LE, H5T_STD_U64LE, H5T_STD_I64BE, H5T_NATIVE_DOUBLE};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(fl_h5guard_type_plain(good[i], why, sizeof why), 0);
    hid_t half = H5Tcopy(H5T_IEEE_F32LE); /* binary16, built as h5craft does */
    assert_true(H5Tset_fields(half, 15, 10, 5, 0, 10) >= 0 && H5Tset_precision(half, 16) >= 0 &&
                H5Tset_size(half, 2) >= 0 && H5Tset_ebias(half, 15) >= 0);
    assert_int_equal(fl_h5guard_type_plain(half, why, sizeof why), 0);
    H5Tclose(half);

    hid_t t = H5Tcopy(H5T_STD_I32LE);
    assert_true(H5Tset_precision(t, 16) >= 0);
    assert_int_equal(fl_h5guard_type_plain(t, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "precision 16 of 4 bytes"));
    assert_true(H5Tset_offset(t, 8) >= 0);
    assert_int_equal(fl_h5guard_type_plain(t, why, sizeof why), -EINVAL);
    H5Tclose(t);
    t = H5Tcopy(H5T_IEEE_F32LE);
    assert_true(H5Tset_ebias(t, 100) >= 0);
    assert_int_equal(fl_h5guard_type_plain(t, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "not IEEE 754 binary32"));
    H5Tclose(t);
    t = H5Tcopy(H5T_IEEE_F32LE);
    assert_true(H5Tset_fields(t, 31, 22, 9, 0, 22) >= 0);
    assert_int_equal(fl_h5guard_type_plain(t, why, sizeof why), -EINVAL);
    H5Tclose(t);
    assert_int_equal(fl_h5guard_type_plain(H5T_C_S1, why, sizeof why), -EINVAL);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-crafted")) {
        for (size_t k = 0; k < NCRAFTED; k++) {
            char path[600];
            snprintf(path, sizeof path, "%s/%s", argv[2], crafted[k].file);
            if (write_crafted(path, k))
                return 1;
        }
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iid_laws_by_z_scores),
        cmocka_unit_test(test_clip_like),
        cmocka_unit_test(test_npy_f4_f2_3d),
        cmocka_unit_test(test_hdf5_f32_f16),
        cmocka_unit_test(test_npy_hostile_headers),
        cmocka_unit_test(test_hdf5_unwritten_and_compressed),
        cmocka_unit_test(test_hdf5_chunk_guards),
        cmocka_unit_test(test_type_bit_layouts),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
