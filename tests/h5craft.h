/* h5craft: crafted HDF5 datasets for the readers' guard tests (issue 10),
 * shared by test_source and test_projector. */
#ifndef FEATLINK_TESTS_H5CRAFT_H
#define FEATLINK_TESTS_H5CRAFT_H

#include <hdf5.h>

//  h5craft_chunked : float32 dataset _name in file _f, rank _rank, extents
//                    _dims, chunk _chunk (extendible, so a chunk may exceed
//                    the extent); _flags: H5CRAFT_WRITE writes every element
//                    as 1.0 (else no storage is allocated), H5CRAFT_DEFLATE
//                    compresses the chunks (a large chunk stays a small file);
//                    0 or -1
#define H5CRAFT_WRITE   1
#define H5CRAFT_DEFLATE 2
int h5craft_chunked(hid_t f, const char *name, int rank, const hsize_t *dims, const hsize_t *chunk,
                    int flags);

#endif
