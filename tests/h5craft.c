/* h5craft: see h5craft.h */
#include "tests/h5craft.h"

#include <stdlib.h>

int h5craft_chunked(hid_t f, const char *name, int rank, const hsize_t *dims, const hsize_t *chunk,
                    int flags)
{
    hsize_t max[3] = {H5S_UNLIMITED, H5S_UNLIMITED, H5S_UNLIMITED}, n = 1;
    for (int i = 0; i < rank; i++)
        n *= dims[i];
    hid_t sp = H5Screate_simple(rank, dims, max), pl = H5Pcreate(H5P_DATASET_CREATE);
    int rc = (sp < 0 || pl < 0 || H5Pset_chunk(pl, rank, chunk) < 0 ||
              ((flags & H5CRAFT_DEFLATE) && H5Pset_deflate(pl, 9) < 0)) ? -1 : 0;
    hid_t d = rc ? -1 : H5Dcreate2(f, name, H5T_IEEE_F32LE, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    if (d < 0)
        rc = -1;
    if (!rc && (flags & H5CRAFT_WRITE)) {
        float *v = malloc(n * sizeof *v);
        for (hsize_t i = 0; v && i < n; i++)
            v[i] = 1.0f;
        rc = (v && H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) ? 0 : -1;
        free(v);
    }
    if (d >= 0)
        H5Dclose(d);
    H5Pclose(pl), H5Sclose(sp);
    return rc;
}
