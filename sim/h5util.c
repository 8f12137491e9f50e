/* h5util: see h5util.h. */
#include "sim/h5util.h"

void fl_h5util_close_ids(const hid_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hid_t id = ids[i];
        if (id < 0)
            continue;
        switch (H5Iget_type(id)) {
        case H5I_ATTR: H5Aclose(id); break;
        case H5I_DATASET: H5Dclose(id); break;
        case H5I_GROUP: H5Gclose(id); break;
        case H5I_DATASPACE: H5Sclose(id); break;
        case H5I_DATATYPE: H5Tclose(id); break;
        case H5I_FILE: H5Fclose(id); break;
        default: break;
        }
    }
}

hid_t fl_h5util_attr_open(hid_t obj, const char *name, hid_t *ty, hid_t *sp)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    *ty = a >= 0 ? H5Aget_type(a) : -1;
    *sp = a >= 0 ? H5Aget_space(a) : -1;
    return a;
}
