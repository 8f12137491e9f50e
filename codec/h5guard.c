/* h5guard: dataset checks before allocation (h5guard.h). */
#include "codec/h5guard.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static _Thread_local const char *reading; /* the outermost path entered */
static _Thread_local int depth;

void fl_h5guard_enter(const char *path)
{
    if (depth++ == 0)
        reading = path;
}

void fl_h5guard_leave(void)
{
    if (depth > 0 && --depth == 0)
        reading = NULL;
}

const char *fl_h5guard_reading(void) { return reading; }

int fl_h5guard_type_plain(hid_t ty, char *why, size_t len)
{
    H5T_class_t cl = H5Tget_class(ty);
    size_t sz = H5Tget_size(ty), prec = H5Tget_precision(ty);
    int off = H5Tget_offset(ty);
    if ((cl != H5T_INTEGER && cl != H5T_FLOAT) || sz < 1 || sz > 8 || prec != 8 * sz || off != 0) {
        snprintf(why, len, "type has a non-standard bit layout (precision %zu of %zu bytes, offset %d)",
                 prec, sz, off);
        return -EINVAL;
    }
    if (cl == H5T_INTEGER)
        return 0;
    /* IEEE 754 binary16 / binary32 / binary64: sign position, exponent
       position and size, mantissa position and size, exponent bias */
    static const size_t ieee[3][6] = {{15, 10, 5, 0, 10, 15}, {31, 23, 8, 0, 23, 127},
                                      {63, 52, 11, 0, 52, 1023}};
    int k = sz == 2 ? 0 : sz == 4 ? 1 : sz == 8 ? 2 : -1;
    size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
    if (k < 0 || H5Tget_fields(ty, &spos, &epos, &esize, &mpos, &msize) < 0 || spos != ieee[k][0] ||
        epos != ieee[k][1] || esize != ieee[k][2] || mpos != ieee[k][3] || msize != ieee[k][4] ||
        H5Tget_ebias(ty) != ieee[k][5] || H5Tget_norm(ty) != H5T_NORM_IMPLIED) {
        snprintf(why, len, "a %zu-byte float that is not IEEE 754 binary%zu", sz, 8 * sz);
        return -EINVAL;
    }
    return 0;
}

static int h5guard_type(hid_t d, h5guard_info *info, char *why, size_t len)
{
    hid_t ty = H5Dget_type(d);
    if (ty < 0) {
        snprintf(why, len, "cannot read the dataset's type");
        return -EIO;
    }
    H5T_class_t cl = H5Tget_class(ty);
    size_t sz = H5Tget_size(ty);
    int plain = cl == H5T_FLOAT ? fl_h5guard_type_plain(ty, why, len) : 0;
    H5Tclose(ty);
    if (cl != H5T_FLOAT || (sz != 2 && sz != 4 && sz != 8)) {
        snprintf(why, len, "type is not a 2-, 4- or 8-byte float (class %d, %zu bytes)", (int)cl, sz);
        return -EINVAL;
    }
    if (plain)
        return plain;
    info->type_size = sz;
    return 0;
}

static int h5guard_space(hid_t d, int max_rank, uint64_t max_elems, h5guard_info *info,
                         char *why, size_t len)
{
    hid_t sp = H5Dget_space(d);
    if (sp < 0) {
        snprintf(why, len, "cannot read the dataset's dataspace");
        return -EIO;
    }
    int rc = 0;
    int rank = H5Sget_simple_extent_type(sp) == H5S_SIMPLE ? H5Sget_simple_extent_ndims(sp) : -1;
    if (rank < 1 || rank > max_rank) {
        snprintf(why, len, "rank %d, expected 1..%d", rank, max_rank);
        rc = -EINVAL;
    } else if (H5Sget_simple_extent_dims(sp, info->dims, NULL) != rank) {
        snprintf(why, len, "cannot read the dataset's extents");
        rc = -EIO;
    } else {
        info->rank = rank;
        double n = 1;
        for (int i = 0; i < rank; i++) {
            if (info->dims[i] < 1) {
                snprintf(why, len, "dimension %d is 0", i);
                rc = -EINVAL;
            }
            n *= (double)info->dims[i];
        }
        if (!rc && n > (double)max_elems) {
            snprintf(why, len, "%.0f elements, more than the limit %llu", n,
                     (unsigned long long)max_elems);
            rc = -EINVAL;
        }
        if (!rc)
            info->elements = (uint64_t)n;
    }
    H5Sclose(sp);
    return rc;
}

static int h5guard_layout(hid_t d, int *filtered, char *why, size_t len)
{
    hid_t pl = H5Dget_create_plist(d);
    if (pl < 0) {
        snprintf(why, len, "cannot read the dataset's creation properties");
        return -EIO;
    }
    H5D_layout_t lay = H5Pget_layout(pl);
    int ext = H5Pget_external_count(pl);
    int nf = lay == H5D_CHUNKED ? H5Pget_nfilters(pl) : 0;
    H5Pclose(pl);
    if ((lay != H5D_CONTIGUOUS && lay != H5D_CHUNKED && lay != H5D_COMPACT) || ext != 0 || nf < 0) {
        snprintf(why, len, "external, virtual or unknown storage layout is not supported");
        return -EINVAL;
    }
    *filtered = nf > 0;
    return 0;
}

int fl_h5guard_chunks(hid_t d, int rank, const hsize_t *dims, size_t esize, char *why, size_t len)
{
    hid_t pl = H5Dget_create_plist(d);
    if (pl < 0) {
        snprintf(why, len, "cannot read the dataset's creation properties");
        return -EIO;
    }
    hsize_t ch[3] = {0, 0, 0};
    int chunked = H5Pget_layout(pl) == H5D_CHUNKED;
    int crank = chunked && rank >= 1 && rank <= 3 ? H5Pget_chunk(pl, 3, ch) : 0;
    H5Pclose(pl);
    if (!chunked)
        return 0;
    if (crank != rank) {
        snprintf(why, len, "chunk of rank %d for a rank-%d dataset", crank, rank);
        return -EINVAL;
    }
    double celems = 1, elems = 1, count = 1; /* doubles: no overflow at 3 x 2^32 */
    for (int i = 0; i < rank; i++) {
        if (ch[i] < 1) {
            snprintf(why, len, "chunk dimension %d is 0", i);
            return -EINVAL;
        }
        celems *= (double)ch[i], elems *= (double)dims[i];
        count *= (double)((dims[i] + ch[i] - 1) / ch[i]);
    }
    if (celems > elems && celems * (double)esize > (double)H5GUARD_MAX_CHUNK_BYTES) {
        snprintf(why, len, "chunk of %.0f elements (%.0f bytes) is larger than the dataset (%.0f elements) "
                 "and than the limit of 1 MiB", celems, celems * (double)esize, elems);
        return -EINVAL;
    }
    if (count > (double)H5GUARD_MAX_CHUNKS) {
        snprintf(why, len, "spans %.0f chunks, more than the limit of 2^20 (chunk of %.0f elements)", count, celems);
        return -EINVAL;
    }
    return 0;
}

int fl_h5guard_dataset(hid_t f, hid_t d, int max_rank, uint64_t max_elems, h5guard_info *info,
                    char *why, size_t len)
{
    memset(info, 0, sizeof *info);
    int rc, filtered;
    if ((rc = h5guard_type(d, info, why, len)) ||
        (rc = h5guard_space(d, max_rank, max_elems, info, why, len)) ||
        (rc = h5guard_layout(d, &filtered, why, len)) ||
        (rc = fl_h5guard_chunks(d, info->rank, info->dims, info->type_size, why, len)))
        return rc;
    uint64_t need = info->elements * info->type_size;
    hsize_t have = H5Dget_storage_size(d);
    hsize_t fsize = 0;
    if (H5Fget_filesize(f, &fsize) < 0) {
        snprintf(why, len, "cannot read the file size");
        return -EIO;
    }
    if (have == 0) {
        snprintf(why, len, "no data written (no allocated storage for %llu bytes)",
                 (unsigned long long)need);
        return -EINVAL;
    }
    if (have > fsize) {
        snprintf(why, len, "storage of %llu bytes is larger than the file (%llu bytes)",
                 (unsigned long long)have, (unsigned long long)fsize);
        return -EINVAL;
    }
    if (filtered ? need / H5GUARD_MAX_RATIO > have : need > have) {
        snprintf(why, len, "declares %llu bytes of data but only %llu bytes are stored%s",
                 (unsigned long long)need, (unsigned long long)have,
                 filtered ? " (more than 1100:1 compression)" : "");
        return -EINVAL;
    }
    return 0;
}
