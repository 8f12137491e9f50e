/* projector: the LLaVA vision-language MLP projector, H. Liu, C. Li, Y. Li,
 * Y. J. Lee, "Improved Baselines with Visual Instruction Tuning" (LLaVA-1.5),
 * CVPR 2024, §3.2: a two-layer MLP with GELU replaces LLaVA's linear
 * projection. GELU is the exact form of D. Hendrycks, K. Gimpel, "Gaussian
 * Error Linear Units (GELUs)", arXiv:1606.08415, eq. GELU(x) = x Φ(x).
 * Changed: none (inference only; weights come from a file or memory).
 */
#include "codec/projector.h"

#include "codec/h5guard.h"

#include <cblas.h>
#include <errno.h>
#include <hdf5.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct projector {
    size_t in, hidden, out;
    float *w1;  // hidden x in
    float *b1;  // hidden
    float *w2;  // out x hidden
    float *b2;  // out
};

static int all_finite(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

static int sizes_ok(size_t in, size_t hidden, size_t out)
{
    if (in == 0 || hidden == 0 || out == 0)
        return 0;
    if (in > (size_t)INT_MAX || hidden > (size_t)INT_MAX || out > (size_t)INT_MAX)
        return 0;  // CBLAS dimensions are int
    if (hidden > SIZE_MAX / sizeof(float) / in ||
        out > SIZE_MAX / sizeof(float) / hidden ||
        hidden > SIZE_MAX / sizeof(float) / PROJECTOR_TILE_TOKENS)
        return 0;
    return 1;
}

// Allocate an empty projector of the given shape (weights uninitialised).
static int alloc_projector(size_t in, size_t hidden, size_t out, projector **res)
{
    projector *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    p->in = in;
    p->hidden = hidden;
    p->out = out;
    p->w1 = malloc(hidden * in * sizeof *p->w1);
    p->b1 = malloc(hidden * sizeof *p->b1);
    p->w2 = malloc(out * hidden * sizeof *p->w2);
    p->b2 = malloc(out * sizeof *p->b2);
    if (!p->w1 || !p->b1 || !p->w2 || !p->b2) {
        fl_projector_destroy(p);
        return -ENOMEM;
    }
    *res = p;
    return 0;
}

static int weights_finite(const projector *p)
{
    return all_finite(p->w1, p->hidden * p->in) && all_finite(p->b1, p->hidden) &&
           all_finite(p->w2, p->out * p->hidden) && all_finite(p->b2, p->out);
}

int fl_projector_create(size_t in_dims, size_t hidden_dims, size_t out_dims,
                     const float *w1, const float *b1, const float *w2,
                     const float *b2, projector **out)
{
    if (!w1 || !b1 || !w2 || !b2 || !out || !sizes_ok(in_dims, hidden_dims, out_dims))
        return -EINVAL;
    projector *p;
    int rc = alloc_projector(in_dims, hidden_dims, out_dims, &p);
    if (rc)
        return rc;
    memcpy(p->w1, w1, hidden_dims * in_dims * sizeof *w1);
    memcpy(p->b1, b1, hidden_dims * sizeof *b1);
    memcpy(p->w2, w2, out_dims * hidden_dims * sizeof *w2);
    memcpy(p->b2, b2, out_dims * sizeof *b2);
    if (!weights_finite(p)) {
        fl_projector_destroy(p);
        return -EINVAL;
    }
    *out = p;
    return 0;
}

// Reason _fmt... into _why (when given); returns _rc.
static int why_fail(char *why, size_t len, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int why_fail(char *why, size_t len, int rc, const char *fmt, ...)
{
    if (why && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, len, fmt, ap);
        va_end(ap);
    }
    return rc;
}

// Shape of dataset `name` in file f: rank into *rank (<= 2), extents into
// dims[]. The dataset passes codec/h5guard first (float of 2, 4 or 8 bytes,
// at most PROJECTOR_MAX_WEIGHTS elements, storage holding the data), so no
// allocation is sized by a shape the file cannot back.
// Returns 0, -EINVAL (missing, not a float dataset, rank > 2, too large,
// unwritten), -EIO; the reason in _why.
static int ds_shape(hid_t f, const char *name, int *rank, hsize_t dims[2], char *why, size_t len)
{
    hid_t ds = -1;
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0 || (ds = H5Dopen2(f, name, H5P_DEFAULT)) < 0)
        return why_fail(why, len, -EINVAL, "no dataset '%s'", name);
    h5guard_info gi;
    char gwhy[192];
    int rc = fl_h5guard_dataset(f, ds, 2, PROJECTOR_MAX_WEIGHTS, &gi, gwhy, sizeof gwhy);
    H5Dclose(ds);
    if (rc)
        return why_fail(why, len, rc, "dataset '%s': %s", name, gwhy);
    if (gi.type_size == 2)
        return why_fail(why, len, -EINVAL, "dataset '%s': float16 (float32 or float64 only)", name);
    *rank = gi.rank;
    dims[0] = gi.dims[0];
    dims[1] = gi.rank == 2 ? gi.dims[1] : 0;
    return 0;
}

// Read a whole dataset converted to native float (the caller checked its shape).
static int ds_read(hid_t f, const char *name, float *dst, char *why, size_t len)
{
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    herr_t e = ds < 0 ? -1 : H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst);
    if (ds >= 0)
        H5Dclose(ds);
    return e < 0 ? why_fail(why, len, -EIO, "read of dataset '%s' failed", name) : 0;
}

// The four shapes (w1: hidden x in, b1: hidden, w2: out x hidden, b2: out)
// into _in, _hidden, _outd.
static int load_shapes(hid_t f, size_t *in, size_t *hidden, size_t *outd, char *why, size_t len)
{
    int r1, rb1, r2, rb2, rc;
    hsize_t d1[2], db1[2], d2[2], db2[2];
    if ((rc = ds_shape(f, "/w1", &r1, d1, why, len)) || (rc = ds_shape(f, "/b1", &rb1, db1, why, len)) ||
        (rc = ds_shape(f, "/w2", &r2, d2, why, len)) || (rc = ds_shape(f, "/b2", &rb2, db2, why, len)))
        return rc;
    if (r1 != 2 || rb1 != 1 || r2 != 2 || rb2 != 1)
        return why_fail(why, len, -EINVAL, "ranks w1 %d, b1 %d, w2 %d, b2 %d (must be 2, 1, 2, 1)",
                        r1, rb1, r2, rb2);
    if (db1[0] != d1[0] || d2[1] != d1[0] || db2[0] != d2[0])
        return why_fail(why, len, -EINVAL,
                        "shapes do not chain: w1 %llux%llu, b1 %llu, w2 %llux%llu, b2 %llu "
                        "(w1 hidden x in, b1 hidden, w2 out x hidden, b2 out)",
                        (unsigned long long)d1[0], (unsigned long long)d1[1], (unsigned long long)db1[0],
                        (unsigned long long)d2[0], (unsigned long long)d2[1], (unsigned long long)db2[0]);
    if (d1[0] > SIZE_MAX || d1[1] > SIZE_MAX || d2[0] > SIZE_MAX ||
        !sizes_ok((size_t)d1[1], (size_t)d1[0], (size_t)d2[0]))
        return why_fail(why, len, -EINVAL, "sizes beyond the limit of 2^28 weights per matrix");
    *hidden = (size_t)d1[0], *in = (size_t)d1[1], *outd = (size_t)d2[0];
    return 0;
}

static int load_open(hid_t f, projector **out, char *why, size_t len)
{
    size_t in = 0, hidden = 0, outd = 0;
    int rc = load_shapes(f, &in, &hidden, &outd, why, len);
    if (rc)
        return rc;
    projector *p;
    if ((rc = alloc_projector(in, hidden, outd, &p)))
        return why_fail(why, len, rc, "out of memory for %zu x %zu and %zu x %zu weights",
                        hidden, in, outd, hidden);
    if ((rc = ds_read(f, "/w1", p->w1, why, len)) || (rc = ds_read(f, "/b1", p->b1, why, len)) ||
        (rc = ds_read(f, "/w2", p->w2, why, len)) || (rc = ds_read(f, "/b2", p->b2, why, len))) {
        fl_projector_destroy(p);
        return rc;
    }
    if (!weights_finite(p)) {  // also catches float64 values beyond float range
        fl_projector_destroy(p);
        return why_fail(why, len, -EINVAL, "a weight is not finite (or beyond float32 range)");
    }
    *out = p;
    return 0;
}

int fl_projector_load(const char *path, projector **out, char *why, size_t len)
{
    if (why && len)
        why[0] = 0;
    if (!path || !out)
        return why_fail(why, len, -EINVAL, "no file name or output");
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        return why_fail(why, len, e == ENOENT ? -ENOENT : -EIO, "%s", strerror(e));
    }
    if (!S_ISREG(st.st_mode))
        return why_fail(why, len, -EIO, "not a regular file");

    H5E_auto2_t old_fn;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);  // library code never prints

    int rc;
    hid_t f = -1;
    fl_h5guard_enter(path); /* the reading context (h5guard.h) */
    if (H5Fis_hdf5(path) <= 0 || (f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
        rc = why_fail(why, len, -EIO, "not a readable HDF5 file");
    } else {
        rc = load_open(f, out, why, len);
        H5Fclose(f);
    }
    fl_h5guard_leave();
    H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
    return rc;
}

size_t fl_projector_in_dims(const projector *p) { return p ? p->in : 0; }
size_t fl_projector_hidden_dims(const projector *p) { return p ? p->hidden : 0; }
size_t fl_projector_out_dims(const projector *p) { return p ? p->out : 0; }

int fl_projector_execute(const projector *p, const float *x, size_t tokens, float *y)
{
    if (!p || !x || !y || tokens == 0 || tokens > (size_t)INT_MAX ||
        tokens > SIZE_MAX / sizeof(float) / (p->in > p->out ? p->in : p->out))
        return -EINVAL;
    size_t tile = tokens < PROJECTOR_TILE_TOKENS ? tokens : PROJECTOR_TILE_TOKENS;
    float *h = malloc(tile * p->hidden * sizeof *h);
    if (!h)
        return -ENOMEM;
    const int in = (int)p->in, hid = (int)p->hidden, out = (int)p->out;

    for (size_t t0 = 0; t0 < tokens; t0 += tile) {
        size_t m = tokens - t0 < tile ? tokens - t0 : tile;
        const float *xt = x + t0 * p->in;
        float *yt = y + t0 * p->out;
        // H = X W1ᵀ + b1 (bias broadcast into H, then GEMM with beta = 1)
        for (size_t i = 0; i < m; i++)
            memcpy(h + i * p->hidden, p->b1, p->hidden * sizeof *h);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, hid, in,
                    1.0f, xt, in, p->w1, in, 1.0f, h, hid);
        // exact GELU(u) = ½ u (1 + erf(u/√2)) (Hendrycks & Gimpel 2016)
        for (size_t i = 0; i < m * p->hidden; i++) {
            double u = h[i];
            h[i] = (float)(0.5 * u * (1.0 + erf(u * M_SQRT1_2)));
        }
        // Y = H W2ᵀ + b2
        for (size_t i = 0; i < m; i++)
            memcpy(yt + i * p->out, p->b2, p->out * sizeof *yt);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, out, hid,
                    1.0f, h, hid, p->w2, hid, 1.0f, yt, out);
    }
    free(h);
    return 0;
}

void fl_projector_destroy(projector *p)
{
    if (!p)
        return;
    free(p->w1);
    free(p->b1);
    free(p->w2);
    free(p->b2);
    free(p);
}
