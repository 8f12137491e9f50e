/* source: synthetic clip-like generator and .npy / HDF5 loaders (source.h). */
#include "codec/source.h"

#include "codec/quant.h"

#include <Random123/philox.h>
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int source_synthetic(const source_synth *p, uint32_t seed, uint32_t trial, source_tensor *out)
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
            source_uniform2(seed, SOURCE_PURPOSE_NOISE, trial, (uint64_t)i, &u0, &u1);
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
        source_uniform2(seed, SOURCE_PURPOSE_SCALES, trial, (uint64_t)j, &u0, &u1);
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
        source_uniform2(seed, SOURCE_PURPOSE_OUTLIERS, trial, (uint64_t)j, &u0, &u1);
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
        source_uniform2(seed, SOURCE_PURPOSE_CENTRES, trial, (uint64_t)i, &u0, &u1);
        c[i] = source_laplace(u0);
    }
    /* centre + spread * noise has variance 1 + spread^2 per unit scale */
    double g = p->scale / sqrt(1.0 + p->cluster_spread * p->cluster_spread);
    for (int64_t t = 0; t < nt; t++) {
        source_uniform2(seed, SOURCE_PURPOSE_MEMBERS, trial, (uint64_t)t, &u0, &u1);
        int64_t k = (int64_t)(u0 * p->clusters);
        if (k >= p->clusters)
            k = p->clusters - 1;
        for (int64_t j = 0; j < d; j++) {
            source_uniform2(seed, SOURCE_PURPOSE_NOISE, trial, (uint64_t)(t * d + j), &u0, &u1);
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

void source_free(source_tensor *t)
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
    if ((double)out->patches * (double)out->tokens * (double)out->dims > (double)(INT64_C(1) << 32)) {
        snprintf(why, len, "more than 2^32 elements");
        return -EINVAL;
    }
    return 0;
}

/* .npy format v1/v2/v3 (NumPy NEP 1): magic, version, header length,
 * then a Python dict literal with descr, fortran_order and shape. */
int source_load_npy(const char *path, source_tensor *out, char *why, size_t len)
{
    memset(out, 0, sizeof *out);
    snprintf(why, len, "unreadable");
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(why, len, "cannot open");
        return -ENOENT;
    }
    int rc = -EINVAL;
    char *hdr = NULL;
    unsigned char pre[10];
    if (fread(pre, 1, 10, fp) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        snprintf(why, len, "not a .npy file (bad magic)");
        goto fail;
    }
    uint32_t hlen;
    if (pre[6] == 1) {
        hlen = (uint32_t)pre[8] | (uint32_t)pre[9] << 8;
    } else if (pre[6] == 2 || pre[6] == 3) {
        unsigned char more[2];
        if (fread(more, 1, 2, fp) != 2)
            goto fail;
        hlen = (uint32_t)pre[8] | (uint32_t)pre[9] << 8 | (uint32_t)more[0] << 16 |
               (uint32_t)more[1] << 24;
    } else {
        snprintf(why, len, ".npy version %d not supported", pre[6]);
        goto fail;
    }
    if (hlen > 1 << 20) {
        snprintf(why, len, "header too long");
        goto fail;
    }
    hdr = calloc(hlen + 1, 1);
    if (!hdr) {
        rc = -ENOMEM;
        goto fail;
    }
    if (fread(hdr, 1, hlen, fp) != hlen) {
        snprintf(why, len, "truncated header");
        goto fail;
    }
    int esize = 0;
    if (strstr(hdr, "'<f4'") || strstr(hdr, "'float32'"))
        esize = 4;
    else if (strstr(hdr, "'<f2'") || strstr(hdr, "'float16'"))
        esize = 2;
    else if (strstr(hdr, "'<f8'") || strstr(hdr, "'float64'"))
        esize = 8;
    if (!esize) {
        snprintf(why, len, "dtype must be little-endian float16/32/64 ('<f2', '<f4', '<f8')");
        goto fail;
    }
    if (strstr(hdr, "True")) {
        snprintf(why, len, "fortran_order arrays are not supported; save with C order");
        goto fail;
    }
    char *sh = strstr(hdr, "'shape'");
    char *lp = sh ? strchr(sh, '(') : NULL;
    if (!lp) {
        snprintf(why, len, "no shape in header");
        goto fail;
    }
    int64_t dims[4];
    int rank = 0;
    char *q = lp + 1;
    while (rank < 4) {
        while (*q == ' ' || *q == ',')
            q++;
        if (*q == ')')
            break;
        char *end;
        long long v = strtoll(q, &end, 10);
        if (end == q) {
            snprintf(why, len, "malformed shape");
            goto fail;
        }
        dims[rank++] = v;
        q = end;
        if (*q == 'L')
            q++;
    }
    rc = source_shape(out, rank, dims, why, len);
    if (rc)
        goto fail;
    rc = -EINVAL;
    size_t n = (size_t)(out->patches * out->tokens * out->dims);
    out->x = malloc(n * sizeof *out->x);
    unsigned char *raw = malloc(n * (size_t)esize);
    if (!out->x || !raw) {
        free(raw);
        rc = -ENOMEM;
        goto fail;
    }
    if (fread(raw, (size_t)esize, n, fp) != n) {
        free(raw);
        snprintf(why, len, "truncated data: expected %zu elements", n);
        rc = -EIO;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const unsigned char *b = raw + i * (size_t)esize;
        if (esize == 2) {
            out->x[i] = quant_f16_to_f32((uint16_t)(b[0] | b[1] << 8));
        } else if (esize == 4) {
            uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                         (uint32_t)b[3] << 24;
            memcpy(&out->x[i], &u, 4);
        } else {
            uint64_t u = 0;
            for (int k = 7; k >= 0; k--)
                u = u << 8 | b[k];
            double dv;
            memcpy(&dv, &u, 8);
            out->x[i] = (float)dv;
        }
    }
    free(raw);
    free(hdr);
    fclose(fp);
    return 0;
fail:
    free(hdr);
    fclose(fp);
    source_free(out);
    return rc;
}

int source_load_hdf5(const char *path, const char *dataset, source_tensor *out, char *why,
                     size_t len)
{
    memset(out, 0, sizeof *out);
    H5E_auto2_t old_fn;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* library code does not print */
    int rc = -EINVAL;
    hid_t f = -1, d = -1, sp = -1, ty = -1;
    FILE *probe = fopen(path, "rb");
    if (probe)
        fclose(probe);
    if (!probe || H5Fis_hdf5(path) <= 0) {
        snprintf(why, len, "not a readable HDF5 file");
        rc = -ENOENT;
        goto done;
    }
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0 || H5Lexists(f, dataset, H5P_DEFAULT) <= 0 ||
        (d = H5Dopen2(f, dataset, H5P_DEFAULT)) < 0) {
        snprintf(why, len, "no dataset '%s'", dataset);
        goto done;
    }
    ty = H5Dget_type(d);
    if (H5Tget_class(ty) != H5T_FLOAT) {
        snprintf(why, len, "dataset '%s' is not floating point", dataset);
        goto done;
    }
    sp = H5Dget_space(d);
    int rank = H5Sget_simple_extent_ndims(sp);
    hsize_t hd[3] = {0, 0, 0};
    int64_t dims[3];
    if (rank < 1 || rank > 3) {
        snprintf(why, len, "rank %d, expected 2 or 3", rank);
        goto done;
    }
    H5Sget_simple_extent_dims(sp, hd, NULL);
    for (int i = 0; i < rank; i++)
        dims[i] = (int64_t)hd[i];
    rc = source_shape(out, rank, dims, why, len);
    if (rc)
        goto done;
    size_t n = (size_t)(out->patches * out->tokens * out->dims);
    out->x = malloc(n * sizeof *out->x);
    if (!out->x) {
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
        source_free(out);
    if (ty >= 0)
        H5Tclose(ty);
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    if (f >= 0)
        H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
    return rc;
}
