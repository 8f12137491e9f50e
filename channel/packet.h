/* packet: split a bitstream into CRC-protected packets and rebuild it, with
 * an erasure mask for the packets that fail their check.
 *
 * A bitstream of n_bits bits is carried as n_bytes = ceil(n_bits/8) bytes
 * (MSB-first packing as codec/bitio; pad bits past n_bits are sent as 0 and
 * returned as 0). The bytes are cut into n_packets = ceil(n_bytes /
 * payload_bytes) packets of payload_bytes bytes each, the last one shorter.
 * Frame k on air (all fields big-endian):
 *     [ seq : 16 bits = k mod 65536 ][ len : 16 bits = payload bytes ]
 *     [ payload : len bytes ][ CRC-32 (channel/crc32) of seq, len, payload : 32 bits ]
 * so a frame has PACKET_OVERHEAD_BYTES = 8 bytes more than its payload, and
 * the bits on air are 8 x sum of frame bytes. A frame is accepted only if its
 * CRC, sequence number and length all match; otherwise its payload bytes are
 * zeroed and marked erased (the codec decoder conceals them).
 *
 * The layout is a plain value (no allocation); the receiver must know n_bits
 * and payload_bytes (in a real link: a signalling field), as the sim does.
 */
#ifndef FEATLINK_PACKET_H
#define FEATLINK_PACKET_H

#include <stddef.h>
#include <stdint.h>

#define PACKET_HEADER_BYTES   4        /* seq (2) + len (2) */
#define PACKET_CRC_BYTES      4        /* CRC-32 trailer */
#define PACKET_OVERHEAD_BYTES (PACKET_HEADER_BYTES + PACKET_CRC_BYTES)
#define PACKET_MAX_PAYLOAD    65535u   /* len is a 16-bit field */

typedef struct {
    uint64_t n_bits;         /* bitstream length in bits */
    size_t   n_bytes;        /* ceil(n_bits / 8) */
    size_t   payload_bytes;  /* payload of every packet but the last */
    size_t   n_packets;      /* ceil(n_bytes / payload_bytes); 0 if n_bits == 0 */
} packet_layout;

//  fl_packet_layout_init : plan the packets of a bitstream
//      _L             : filled in (caller's storage)
//      _n_bits        : exact bitstream length in bits, 0 .. 2^60
//      _payload_bytes : payload bytes per packet, 1 .. PACKET_MAX_PAYLOAD
//      returns 0, or -EINVAL on a NULL _L or an out-of-range argument
int fl_packet_layout_init(packet_layout *L, uint64_t n_bits, size_t payload_bytes);
//  fl_packet_payload_len : payload bytes of packet _k (0 if _k >= n_packets)
size_t fl_packet_payload_len(const packet_layout *L, size_t k);
//  fl_packet_frame_bytes : bytes of frame _k on air = payload + 8 (0 if _k out of range)
size_t fl_packet_frame_bytes(const packet_layout *L, size_t k);
//  fl_packet_frame_offset : byte offset of frame _k in the concatenated air
//      buffer of fl_packet_serialise (= total bytes when _k == n_packets)
size_t fl_packet_frame_offset(const packet_layout *L, size_t k);
//  fl_packet_total_bytes : bytes of all frames together
size_t fl_packet_total_bytes(const packet_layout *L);
//  fl_packet_air_bits : bits on air of all frames = 8 * fl_packet_total_bytes
uint64_t fl_packet_air_bits(const packet_layout *L);

//  fl_packet_build : write frame _k of the bitstream
//      _stream : the n_bytes bitstream bytes; not owned
//      _k      : packet index, 0 .. n_packets-1
//      _frame  : caller's buffer of fl_packet_frame_bytes(_L, _k) bytes
//      returns 0, or -EINVAL (NULL pointer, _k out of range)
int fl_packet_build(const packet_layout *L, const uint8_t *stream, size_t k, uint8_t *frame);
//  fl_packet_check : check received frame _k and put its payload into the stream
//      _frame     : received bytes, not owned (any content)
//      _frame_len : bytes available at _frame (a wrong length is a failure)
//      _stream    : the n_bytes output bitstream; packet _k's bytes are
//                   written (payload on success, zeros on failure)
//      _erased    : n_bytes per-byte mask, packet _k's bytes set to 0 (ok)
//                   or 1 (erased); may be NULL
//      returns 0 if accepted, -EBADMSG if rejected (CRC, seq or len wrong,
//      or wrong _frame_len), -EINVAL on NULL pointers or _k out of range
int fl_packet_check(const packet_layout *L, size_t k, const uint8_t *frame, size_t frame_len,
                 uint8_t *stream, uint8_t *erased);

//  fl_packet_serialise : all frames back to back (frame k at fl_packet_frame_offset(k))
//      _air : caller's buffer of fl_packet_total_bytes(_L) bytes
int fl_packet_serialise(const packet_layout *L, const uint8_t *stream, uint8_t *air);
//  fl_packet_deserialise : check every frame of a received air buffer
//      _air, _air_len : received bytes (frames past _air_len count as lost)
//      _stream, _erased : n_bytes each, written completely (_erased may be NULL)
//      _n_lost  : number of rejected packets (may be NULL)
//      returns 0 (losses are not an error), -EINVAL on NULL pointers
int fl_packet_deserialise(const packet_layout *L, const uint8_t *air, size_t air_len,
                       uint8_t *stream, uint8_t *erased, size_t *n_lost);

#endif
