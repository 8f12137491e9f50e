/* h5guard: checks made on an HDF5 dataset before its data is trusted or
 * memory is allocated for it (used by codec/source and codec/projector).
 *
 * A dataset passes when it is a simple dataspace of rank 1.._max_rank with
 * every extent >= 1, its type is IEEE floating point of 2, 4 or 8 bytes, its
 * layout is contiguous, chunked or compact (no external or virtual storage),
 * at most _max_elems elements, and its allocated storage can hold the data:
 * storage >= elements x type size for unfiltered data, and for filtered
 * (compressed) data storage > 0 and elements x type size <= storage x
 * H5GUARD_MAX_RATIO; the storage is also at most the file's size. A dataset
 * declared but never written (no allocated storage) is refused.
 *
 * Chunked layout (fl_h5guard_chunks, also applied by fl_h5guard_dataset):
 * the chunk has the dataset's rank; a chunk larger than the dataset in
 * elements is refused when it is over H5GUARD_MAX_CHUNK_BYTES (libhdf5
 * allocates whole chunks to read one), and the dataset may span at most
 * H5GUARD_MAX_CHUNKS chunks (1-element chunks on a 2^28-element dataset
 * would be 2^28 index lookups).
 */
#ifndef FEATLINK_H5GUARD_H
#define FEATLINK_H5GUARD_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

// deflate's largest compression ratio is 1032:1 (zlib tech notes); any filter
// pipeline claiming more than this is refused
#define H5GUARD_MAX_RATIO 1100

// the chunk limits above: 1 MiB (libhdf5's default chunk cache) and 2^20
#define H5GUARD_MAX_CHUNK_BYTES ((uint64_t)1 << 20)
#define H5GUARD_MAX_CHUNKS      ((uint64_t)1 << 20)

typedef struct {
    int     rank;
    hsize_t dims[3];
    size_t  type_size;  // bytes per stored element: 2, 4 or 8
    uint64_t elements;
} h5guard_info;

//  fl_h5guard_dataset : check dataset _d of file _f (see above)
//  _max_rank  : 1..3
//  _max_elems : largest element count accepted
//  _info      : receives rank, extents, type size and element count
//  _why       : receives the reason on failure (NUL-terminated, _len bytes)
//  returns 0, -EINVAL (shape, type, layout or size), -EIO (HDF5 query failed)
int fl_h5guard_dataset(hid_t f, hid_t d, int max_rank, uint64_t max_elems, h5guard_info *info,
                    char *why, size_t len);

//  fl_h5guard_chunks : the chunk checks above for dataset _d of rank _rank
//                     (1..3), extents _dims, _esize-byte elements; 0 when
//                     not chunked or within them, -EINVAL with the reason in
//                     _why, -EIO when HDF5 cannot say
int fl_h5guard_chunks(hid_t d, int rank, const hsize_t *dims, size_t esize, char *why, size_t len);

//  fl_h5guard_type_plain : 0 when number type _ty (integer or float class)
//      has the bit layout of a standard type: precision = 8 x size, offset 0,
//      and for floats of 2, 4 or 8 bytes the IEEE 754 binary16/32/64 fields
//      (sign bit, exponent position, size and bias, mantissa position and
//      size). libhdf5 converts any declared layout to the memory type and
//      trusts those fields (a crafted layout crashed 1.10.8 in H5T__bit_copy,
//      tests/fuzz/libhdf5-crash/fuzz_results/sigbus_release_*); -EINVAL with
//      the reason in _why otherwise
int fl_h5guard_type_plain(hid_t ty, char *why, size_t len);

/* The reading context: every reader of an HDF5 file that may come from a
 * stranger (sources, projector weights, results files) brackets its work
 * with _enter / _leave, so that a program can tell, from a signal handler on
 * the thread that faulted, that the fault happened inside libhdf5's parse of
 * that file (README "Trust boundary": libhdf5's own bugs on crafted files).
 * Thread-local; nesting keeps the outermost path. The path must stay valid
 * until _leave. */
void fl_h5guard_enter(const char *path);
void fl_h5guard_leave(void);
//  fl_h5guard_reading : the file the calling thread is parsing, or NULL;
//      async-signal-safe (one thread-local read)
const char *fl_h5guard_reading(void);

#endif
