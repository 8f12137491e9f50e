/* h5crc: dataset checksums of a results file (h5crc.h). */
#include "sim/h5crc.h"

#include "channel/crc32.h"
#include "sim/h5util.h"
#include "codec/h5guard.h"

#include <errno.h>
#include <stdlib.h>

#define H5CRC_BLOCK_BYTES ((size_t)16 << 20)

/* Elements [_at, _at + _k) of 1-D dataset _d (rank 1) or all of a scalar
 * (_k = 0) in file type _ty into _buf. */
static int h5crc_block(hid_t d, hid_t ty, hsize_t at, hsize_t k, void *buf)
{
    if (!k)
        return H5Dread(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0 ? -EIO : 0;
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, &k, NULL);
    int rc = fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, &at, NULL, &k, NULL) >= 0 &&
                     H5Dread(d, ty, ms, fs, H5P_DEFAULT, buf) >= 0
                 ? 0 : -EIO;
    H5_CLOSE(ms, fs);
    return rc;
}

int fl_h5crc_compute(hid_t d, uint32_t *crc)
{
    *crc = CRC32_INIT;
    hid_t ty = H5Dget_type(d), sp = H5Dget_space(d);
    int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    hsize_t n = 1;
    size_t es = ty >= 0 ? H5Tget_size(ty) : 0;
    int rc = es && (rank == 0 || (rank == 1 && H5Sget_simple_extent_dims(sp, &n, NULL) == 1)) ? 0 : -EIO;
    hsize_t blk = es > H5CRC_BLOCK_BYTES ? 1 : H5CRC_BLOCK_BYTES / es;
    if (rank != 1 || n < blk)
        blk = n;
    void *buf = rc ? NULL : malloc((size_t)(blk ? blk : 1) * es);
    if (!rc && !buf)
        rc = -ENOMEM;
    for (hsize_t at = 0; !rc && at < n; at += blk) {
        hsize_t k = rank == 0 ? 0 : n - at < blk ? n - at : blk;
        rc = h5crc_block(d, ty, at, k, buf);
        if (!rc)
            *crc = fl_crc32_update(*crc, buf, (size_t)(k ? k : 1) * es);
    }
    free(buf);
    H5_CLOSE(sp, ty);
    return rc;
}

int fl_h5crc_attach(hid_t d)
{
    uint32_t crc;
    int rc = fl_h5crc_compute(d, &crc);
    if (rc)
        return rc;
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = sp >= 0 ? H5Acreate2(d, H5CRC_ATTR, H5T_STD_U32LE, sp, H5P_DEFAULT, H5P_DEFAULT) : -1;
    rc = a >= 0 && H5Awrite(a, H5T_NATIVE_UINT32, &crc) >= 0 ? 0 : -EIO;
    H5_CLOSE(a, sp);
    return rc;
}

int fl_h5crc_stored(hid_t d, uint32_t *crc)
{
    if (H5Aexists(d, H5CRC_ATTR) <= 0)
        return -ENOENT;
    hid_t ty, sp, a = fl_h5util_attr_open(d, H5CRC_ATTR, &ty, &sp);
    char why[120]; /* a crafted bit layout is never handed to libhdf5's conversion */
    int rc = ty >= 0 && sp >= 0 && H5Sget_simple_extent_type(sp) == H5S_SCALAR &&
                     H5Tget_class(ty) == H5T_INTEGER && H5Tget_size(ty) == 4 &&
                     fl_h5guard_type_plain(ty, why, sizeof why) == 0 &&
                     H5Aread(a, H5T_NATIVE_UINT32, crc) >= 0
                 ? 0 : -EINVAL;
    H5_CLOSE(sp, ty, a);
    return rc;
}
