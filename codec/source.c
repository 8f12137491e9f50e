/* source: synthetic clip-like generator and .npy / HDF5 loaders (source.h). */
#include "codec/source.h"

#include "codec/h5guard.h"
#include "codec/quant.h"
#include "common/purpose.h"

#include <Random123/philox.h>
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Two uniforms in (0, 1) from one Philox block, 32-bit resolution each
 * shifted by half a step so that neither end is reached. */
static void source_uniform2(uint32_t seed, uint32_t purpose, uint32_t trial, uint64_t i,
                            double *u0, double *u1)
{
    philox4x32_ctr_t c = {{(uint32_t)i, (uint32_t)(i >> 32), purpose, trial}};
    philox4x32_key_t k = {{seed, 0}};
    philox4x32_ctr_t r = philox4x32(c, k);
    const double inv = 1.0 / 4294967296.0;
    *u0 = ((double)r.v[0] + 0.5) * inv;
    *u1 = ((double)r.v[1] + 0.5) * inv;
}

/* Laplace(0, b) with b = 1/sqrt(2) (unit variance) by inversion. */
static double source_laplace(double u)
{
    const double b = 0.70710678118654752440;
    return u < 0.5 ? b * log(2.0 * u) : -b * log(2.0 * (1.0 - u));
}

int fl_source_synthetic(const source_synth *p, uint32_t seed, uint32_t trial, source_tensor *out)
{
    memset(out, 0, sizeof *out);
    if (p->patches < 1 || p->tokens < 1 || p->dims < 1 || !(p->scale > 0))
        return -EINVAL;
    if (p->law == SOURCE_LAW_CLIP &&
        (p->clusters < 1 || !(p->tail > 2) || p->outlier_dims < 0 || p->outlier_dims > p->dims ||
         !(p->outlier_gain > 0) || !(p->cluster_spread >= 0)))
        return -EINVAL;
    int64_t nt = p->patches * p->tokens, d = p->dims;
    float *x = malloc((size_t)(nt * d) * sizeof *x);
    if (!x)
        return -ENOMEM;
    double u0, u1;

    if (p->law != SOURCE_LAW_CLIP) {
        for (int64_t i = 0; i < nt * d; i++) {
            source_uniform2(seed, PURPOSE_SOURCE_NOISE, trial, (uint64_t)i, &u0, &u1);
            double v = p->law == SOURCE_LAW_LAPLACE
                           ? source_laplace(u0)
                           : sqrt(-2.0 * log(u0)) * cos(2.0 * M_PI * u1); /* Box-Muller */
            x[i] = (float)(p->scale * v);
        }
        goto done;
    }

    double *s = malloc((size_t)d * sizeof *s);
    double *c = malloc((size_t)p->clusters * (size_t)d * sizeof *c);
    if (!s || !c) {
        free(s), free(c), free(x);
        return -ENOMEM;
    }
    /* Pareto(1, tail) scales, E s^2 = tail / (tail - 2), normalised to 1. */
    double norm = sqrt(p->tail / (p->tail - 2.0));
    for (int64_t j = 0; j < d; j++) {
        source_uniform2(seed, PURPOSE_SOURCE_SCALES, trial, (uint64_t)j, &u0, &u1);
        s[j] = pow(1.0 - u0, -1.0 / p->tail) / norm;
    }
    /* Outlier dimensions: a partial Fisher-Yates choice of outlier_dims of d. */
    int64_t *perm = malloc((size_t)d * sizeof *perm);
    if (!perm) {
        free(s), free(c), free(x);
        return -ENOMEM;
    }
    for (int64_t j = 0; j < d; j++)
        perm[j] = j;
    for (int64_t j = 0; j < p->outlier_dims; j++) {
        source_uniform2(seed, PURPOSE_SOURCE_OUTLIERS, trial, (uint64_t)j, &u0, &u1);
        int64_t k = j + (int64_t)(u0 * (double)(d - j));
        if (k >= d)
            k = d - 1;
        int64_t t = perm[j];
        perm[j] = perm[k];
        perm[k] = t;
        s[perm[j]] *= p->outlier_gain;
    }
    free(perm);
    for (int64_t i = 0; i < (int64_t)p->clusters * d; i++) {
        source_uniform2(seed, PURPOSE_SOURCE_CENTRES, trial, (uint64_t)i, &u0, &u1);
        c[i] = source_laplace(u0);
    }
    /* centre + spread * noise has variance 1 + spread^2 per unit scale */
    double g = p->scale / sqrt(1.0 + p->cluster_spread * p->cluster_spread);
    for (int64_t t = 0; t < nt; t++) {
        source_uniform2(seed, PURPOSE_SOURCE_MEMBERS, trial, (uint64_t)t, &u0, &u1);
        int64_t k = (int64_t)(u0 * p->clusters);
        if (k >= p->clusters)
            k = p->clusters - 1;
        for (int64_t j = 0; j < d; j++) {
            source_uniform2(seed, PURPOSE_SOURCE_NOISE, trial, (uint64_t)(t * d + j), &u0, &u1);
            double v = c[k * d + j] + p->cluster_spread * source_laplace(u0);
            x[t * d + j] = (float)(g * s[j] * v);
        }
    }
    free(s), free(c);
done:
    out->patches = p->patches;
    out->tokens = p->tokens;
    out->dims = p->dims;
    out->x = x;
    return 0;
}

void fl_source_free(source_tensor *t)
{
    free(t->x);
    memset(t, 0, sizeof *t);
}

static int source_shape(source_tensor *out, int rank, const int64_t *dims, char *why, size_t len)
{
    if (rank != 2 && rank != 3) {
        snprintf(why, len, "rank %d, expected 2 (tokens x dims) or 3 (patches x tokens x dims)", rank);
        return -EINVAL;
    }
    for (int i = 0; i < rank; i++)
        if (dims[i] < 1 || dims[i] > (INT64_C(1) << 31)) {
            snprintf(why, len, "dimension %d is %lld, must be in [1, 2^31]", i, (long long)dims[i]);
            return -EINVAL;
        }
    out->patches = rank == 3 ? dims[0] : 1;
    out->tokens = dims[rank - 2];
    out->dims = dims[rank - 1];
    double n = (double)out->patches * (double)out->tokens * (double)out->dims;
    if (n > (double)SOURCE_MAX_ELEMENTS) {
        snprintf(why, len, "%.0f elements, more than the limit of 2^28 (%lld)", n,
                 (long long)SOURCE_MAX_ELEMENTS);
        return -EINVAL;
    }
    return 0;
}

/* The value of key _key in the .npy header dict _hdr: a pointer just past the
 * key's ':' and any spaces, or NULL when the key is absent. Keys are matched
 * as quoted strings, so a key name inside another value does not match. */
static const char *npy_value(const char *hdr, const char *key)
{
    size_t kl = strlen(key);
    for (const char *q = hdr; (q = strchr(q, '\'')) != NULL; q++) {
        if (strncmp(q + 1, key, kl) != 0 || q[kl + 1] != '\'')
            continue;
        const char *v = q + kl + 2;
        while (*v == ' ')
            v++;
        if (*v != ':')
            continue;
        v++;
        while (*v == ' ')
            v++;
        return v;
    }
    return NULL;
}

/* 'descr' must be exactly '<f2', '<f4' or '<f8' ('|' or '=' byte orders and
 * big-endian '>' are refused); returns the element size or 0. */
static int npy_descr(const char *hdr)
{
    const char *v = npy_value(hdr, "descr");
    if (!v || strncmp(v, "'<f", 3) != 0 || (v[3] != '2' && v[3] != '4' && v[3] != '8') ||
        v[4] != '\'')
        return 0;
    return v[3] - '0';
}

/* 'shape': a tuple of up to 3 non-negative integers. Returns the rank, or -1. */
static int npy_shape(const char *hdr, int64_t dims[3])
{
    const char *q = npy_value(hdr, "shape");
    if (!q || *q != '(')
        return -1;
    q++;
    int rank = 0;
    for (;;) {
        while (*q == ' ')
            q++;
        if (*q == ')')
            return rank;
        if (rank == 3 || *q < '0' || *q > '9')
            return -1;
        char *end;
        errno = 0;
        long long v = strtoll(q, &end, 10);
        if (errno)
            return -1;
        dims[rank++] = v;
        q = end;
        while (*q == ' ')
            q++;
        if (*q == ',')
            q++;
        else if (*q != ')')
            return -1;
    }
}

/* Convert _n little-endian elements of _esize bytes to float. */
static void npy_convert(const unsigned char *raw, size_t n, int esize, float *x)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char *b = raw + i * (size_t)esize;
        if (esize == 2) {
            x[i] = fl_quant_f16_to_f32((uint16_t)(b[0] | b[1] << 8));
        } else if (esize == 4) {
            uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                         (uint32_t)b[3] << 24;
            memcpy(&x[i], &u, 4);
        } else {
            uint64_t u = 0;
            for (int k = 7; k >= 0; k--)
                u = u << 8 | b[k];
            double dv;
            memcpy(&dv, &u, 8);
            x[i] = (float)dv;
        }
    }
}

/* Read and check the header; on success *esize and the shape in out are set
 * and fp is at the first data byte. */
static int npy_header(FILE *fp, source_tensor *out, int *esize, char *why, size_t len)
{
    unsigned char pre[12];
    if (fread(pre, 1, 10, fp) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        snprintf(why, len, "not a .npy file (bad magic)");
        return -EINVAL;
    }
    uint32_t hlen;
    if (pre[6] == 1) {
        hlen = (uint32_t)pre[8] | (uint32_t)pre[9] << 8;
    } else if (pre[6] == 2 || pre[6] == 3) {
        if (fread(pre + 10, 1, 2, fp) != 2) {
            snprintf(why, len, "truncated header");
            return -EINVAL;
        }
        hlen = (uint32_t)pre[8] | (uint32_t)pre[9] << 8 | (uint32_t)pre[10] << 16 |
               (uint32_t)pre[11] << 24;
    } else {
        snprintf(why, len, ".npy version %d not supported", pre[6]);
        return -EINVAL;
    }
    if (hlen > 1 << 20) {
        snprintf(why, len, "header of %u bytes, more than the limit of 1 MiB", hlen);
        return -EINVAL;
    }
    char *hdr = calloc(hlen + 1, 1);
    if (!hdr) {
        snprintf(why, len, "out of memory");
        return -ENOMEM;
    }
    int rc = -EINVAL;
    int64_t dims[3];
    int rank;
    const char *fo;
    if (fread(hdr, 1, hlen, fp) != hlen)
        snprintf(why, len, "truncated header");
    else if (memchr(hdr, 0, hlen))
        snprintf(why, len, "NUL byte in header");
    else if (!(*esize = npy_descr(hdr)))
        snprintf(why, len, "dtype ('descr') must be exactly '<f2', '<f4' or '<f8'");
    else if (!(fo = npy_value(hdr, "fortran_order")) || strncmp(fo, "False", 5) != 0)
        snprintf(why, len, "'fortran_order' must be False (save with C order)");
    else if ((rank = npy_shape(hdr, dims)) < 0)
        snprintf(why, len, "no or malformed 'shape' in header");
    else
        rc = source_shape(out, rank, dims, why, len);
    free(hdr);
    return rc;
}

/* .npy format v1/v2/v3 (NumPy NEP 1): magic, version, header length,
 * then a Python dict literal with descr, fortran_order and shape. The data
 * size the shape declares is checked against the file's size before any
 * allocation; the data is converted in blocks (no second full-size buffer). */
int fl_source_load_npy(const char *path, source_tensor *out, char *why, size_t len)
{
    memset(out, 0, sizeof *out);
    snprintf(why, len, "unreadable");
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int e = errno;
        snprintf(why, len, "cannot open: %s", strerror(e));
        return e == ENOENT ? -ENOENT : -EIO;
    }
    int esize = 0;
    int rc = npy_header(fp, out, &esize, why, len);
    if (rc)
        goto fail;
    struct stat st;
    long pos = ftell(fp);
    size_t n = (size_t)(out->patches * out->tokens * out->dims);
    if (fstat(fileno(fp), &st) != 0 || pos < 0) {
        snprintf(why, len, "cannot stat: %s", strerror(errno));
        rc = -EIO;
        goto fail;
    }
    uint64_t avail = (uint64_t)st.st_size > (uint64_t)pos ? (uint64_t)st.st_size - (uint64_t)pos : 0;
    if ((uint64_t)n * (uint64_t)esize > avail) {
        snprintf(why, len, "shape declares %zu elements (%llu bytes) but the file holds %llu data bytes",
                 n, (unsigned long long)n * (unsigned long long)esize, (unsigned long long)avail);
        rc = -EIO;
        goto fail;
    }
    out->x = malloc(n * sizeof *out->x);
    if (!out->x) {
        snprintf(why, len, "out of memory for %zu elements", n);
        rc = -ENOMEM;
        goto fail;
    }
    unsigned char raw[1 << 16];
    size_t per = sizeof raw / (size_t)esize;
    for (size_t i = 0; i < n; i += per) {
        size_t m = n - i < per ? n - i : per;
        if (fread(raw, (size_t)esize, m, fp) != m) {
            snprintf(why, len, "truncated data: expected %zu elements", n);
            rc = -EIO;
            goto fail;
        }
        npy_convert(raw, m, esize, out->x + i);
    }
    fclose(fp);
    return 0;
fail:
    fclose(fp);
    fl_source_free(out);
    return rc;
}

static int load_hdf5(const char *path, const char *dataset, source_tensor *out, char *why, size_t len)
{
    memset(out, 0, sizeof *out);
    H5E_auto2_t old_fn;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* library code does not print */
    int rc = -EINVAL;
    hid_t f = -1, d = -1;
    FILE *probe = fopen(path, "rb");
    int open_errno = probe ? 0 : errno;
    if (probe)
        fclose(probe);
    if (!probe || H5Fis_hdf5(path) <= 0) {
        snprintf(why, len, "not a readable HDF5 file%s%s", probe ? "" : ": ",
                 probe ? "" : strerror(open_errno));
        rc = -ENOENT;
        goto done;
    }
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0 || H5Lexists(f, dataset, H5P_DEFAULT) <= 0 ||
        (d = H5Dopen2(f, dataset, H5P_DEFAULT)) < 0) {
        snprintf(why, len, "no dataset '%s'", dataset);
        goto done;
    }
    h5guard_info gi;
    char gwhy[192];
    rc = fl_h5guard_dataset(f, d, 3, (uint64_t)SOURCE_MAX_ELEMENTS, &gi, gwhy, sizeof gwhy);
    if (rc) {
        snprintf(why, len, "dataset '%s': %s", dataset, gwhy);
        goto done;
    }
    int64_t dims[3];
    for (int i = 0; i < gi.rank; i++)
        dims[i] = (int64_t)gi.dims[i];
    rc = source_shape(out, gi.rank, dims, why, len);
    if (rc)
        goto done;
    size_t n = (size_t)(out->patches * out->tokens * out->dims);
    out->x = malloc(n * sizeof *out->x);
    if (!out->x) {
        snprintf(why, len, "out of memory for %zu elements", n);
        rc = -ENOMEM;
        goto done;
    }
    /* HDF5 converts any stored float width (16, 32, 64 bits) to native float. */
    if (H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->x) < 0) {
        snprintf(why, len, "read of '%s' failed", dataset);
        rc = -EIO;
        goto done;
    }
    rc = 0;
done:
    if (rc)
        fl_source_free(out);
    if (d >= 0)
        H5Dclose(d);
    if (f >= 0)
        H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
    return rc;
}

int fl_source_load_hdf5(const char *path, const char *dataset, source_tensor *out, char *why,
                     size_t len)
{
    fl_h5guard_enter(path); /* the reading context (h5guard.h) */
    int rc = load_hdf5(path, dataset, out, why, len);
    fl_h5guard_leave();
    return rc;
}
