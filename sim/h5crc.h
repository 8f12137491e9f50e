/* h5crc: the checksum a results file keeps of each of its datasets.
 *
 * Every dataset featlink writes (/points/<column>, /<table>/<column>,
 * /scenario, /scenario_effective) carries the attribute "crc32": a scalar
 * unsigned 32-bit integer, the CRC-32 of IEEE 802.3 (channel/crc32.h) of the
 * dataset's elements as stored, in order, each in the dataset's own file
 * datatype (8 little-endian bytes for float64/int64, the w bytes of a
 * fixed-length string). The root attribute "checksums" = "crc32" marks a
 * file written so; in such a file a dataset without "crc32" is refused.
 * Files written before (no "checksums") are read unverified (the CLI warns).
 */
#ifndef FEATLINK_H5CRC_H
#define FEATLINK_H5CRC_H

#include <hdf5.h>
#include <stdint.h>

#define H5CRC_ATTR "crc32"
#define H5CRC_ROOT "checksums"

//  fl_h5crc_compute : CRC-32 of scalar or 1-D dataset _d's stored bytes, read
//                  in blocks of at most 16 MiB (one element when larger);
//                  0, -ENOMEM, -EIO
int fl_h5crc_compute(hid_t d, uint32_t *crc);
//  fl_h5crc_attach : compute it and store it as attribute "crc32" of _d;
//                 0, -ENOMEM, -EIO
int fl_h5crc_attach(hid_t d);
//  fl_h5crc_stored : the "crc32" attribute of _d: 0 with *_crc, -ENOENT when
//                 absent, -EINVAL when it is not a scalar 4-byte integer
int fl_h5crc_stored(hid_t d, uint32_t *crc);

#endif
