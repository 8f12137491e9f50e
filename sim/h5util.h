/* h5util: small HDF5 helpers that the results reader, writer and checksum
 * code (sim/h5read.c, sim/h5write.c, sim/h5crc.c) share. */
#ifndef FEATLINK_H5UTIL_H
#define FEATLINK_H5UTIL_H

#include <hdf5.h>
#include <stddef.h>

//  fl_h5util_close_ids : close every id of _ids[0.._n) that is >= 0, in
//                 order, with the call its kind takes (H5Aclose, H5Dclose,
//                 H5Gclose, H5Sclose, H5Tclose, H5Fclose); negative ids (a
//                 failed open or create) are skipped
void fl_h5util_close_ids(const hid_t *ids, size_t n);
//  H5_CLOSE(id, ...) : fl_h5util_close_ids over the ids named, in order
#define H5_CLOSE(...)                                                                                  \
    fl_h5util_close_ids((const hid_t[]){__VA_ARGS__}, sizeof((const hid_t[]){__VA_ARGS__}) / sizeof(hid_t))
//  fl_h5util_attr_open : attribute _name of _obj with its file type *_ty and
//                 dataspace *_sp; each id is -1 when it cannot be had (all
//                 three -1 when the attribute cannot be opened); close them
//                 with H5_CLOSE(*_sp, *_ty, a)
hid_t fl_h5util_attr_open(hid_t obj, const char *name, hid_t *ty, hid_t *sp);

#endif
