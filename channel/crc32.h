/* crc32: CRC-32 of IEEE 802.3 (the zlib / PNG / Ethernet FCS CRC).
 *
 * Reflected polynomial 0xEDB88320 (normal form 0x04C11DB7), initial value and
 * final XOR 0xFFFFFFFF, so fl_crc32_compute("123456789", 9) == 0xCBF43926.
 * Table-driven slicing-by-8 (Kounavis & Berry, "Novel table lookup-based
 * algorithms for high-performance CRC generation", IEEE Trans. Computers 2008).
 *
 * Incremental use follows zlib's convention: the running value is always the
 * finished CRC of the bytes seen so far, starting from 0 (CRC32_INIT):
 *     uint32_t c = CRC32_INIT;
 *     c = fl_crc32_update(c, a, na);
 *     c = fl_crc32_update(c, b, nb);      // == fl_crc32_compute(a||b, na+nb)
 * The functions are thread-safe and never fail.
 */
#ifndef FEATLINK_CRC32_H
#define FEATLINK_CRC32_H

#include <stddef.h>
#include <stdint.h>

//  CRC32_INIT : CRC of the empty message, the start value for fl_crc32_update
#define CRC32_INIT 0u
//  CRC32_CHECK : CRC of the ASCII string "123456789" (the standard check value)
#define CRC32_CHECK 0xCBF43926u

//  fl_crc32_update : CRC of (message so far || _buf)
//      _crc : CRC of the message so far (CRC32_INIT for none)
//      _buf : next bytes, not owned; may be NULL only when _len == 0
//      _len : number of bytes in _buf (any size)
uint32_t fl_crc32_update(uint32_t crc, const void *buf, size_t len);
//  fl_crc32_compute : CRC of _len bytes at _buf (= fl_crc32_update(CRC32_INIT, ...))
uint32_t fl_crc32_compute(const void *buf, size_t len);
//  fl_crc32_update_bytewise : same result as fl_crc32_update, one 256-entry table
//      lookup per byte (Sarwate 1988); kept as the reference and bench baseline
uint32_t fl_crc32_update_bytewise(uint32_t crc, const void *buf, size_t len);

#endif
