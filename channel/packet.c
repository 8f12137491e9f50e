/* packet: CRC-32 protected packetisation of a bitstream with erasures.
 *
 * Framing in the style of IEEE 802.3 / 802.11 MPDUs (header, payload, 32-bit
 * FCS over both; IEEE 802.11-2016 §9.2.4.8), reduced to what the simulator
 * needs: a 16-bit sequence number and a 16-bit length. Failed frames become
 * byte erasures, the loss model of docs/design-notes.md §2.
 */
#include "channel/packet.h"

#include <errno.h>
#include <string.h>

#include "channel/crc32.h"

int fl_packet_layout_init(packet_layout *L, uint64_t n_bits, size_t payload_bytes)
{
    if (!L || payload_bytes < 1 || payload_bytes > PACKET_MAX_PAYLOAD ||
        n_bits > ((uint64_t)1 << 60))
        return -EINVAL;
    uint64_t nb = (n_bits + 7) / 8;
    if (nb > SIZE_MAX / 2) return -EINVAL;
    L->n_bits = n_bits;
    L->n_bytes = (size_t)nb;
    L->payload_bytes = payload_bytes;
    L->n_packets = (L->n_bytes + payload_bytes - 1) / payload_bytes;
    return 0;
}

size_t fl_packet_payload_len(const packet_layout *L, size_t k)
{
    if (!L || k >= L->n_packets) return 0;
    size_t start = k * L->payload_bytes;
    size_t left = L->n_bytes - start;
    return left < L->payload_bytes ? left : L->payload_bytes;
}

size_t fl_packet_frame_bytes(const packet_layout *L, size_t k)
{
    if (!L || k >= L->n_packets) return 0;
    return fl_packet_payload_len(L, k) + PACKET_OVERHEAD_BYTES;
}

size_t fl_packet_frame_offset(const packet_layout *L, size_t k)
{
    if (!L || L->n_packets == 0) return 0;
    if (k > L->n_packets) k = L->n_packets;
    /* every frame before the last is full */
    if (k < L->n_packets) return k * (L->payload_bytes + PACKET_OVERHEAD_BYTES);
    return (L->n_packets - 1) * (L->payload_bytes + PACKET_OVERHEAD_BYTES) +
           fl_packet_frame_bytes(L, L->n_packets - 1);
}

size_t fl_packet_total_bytes(const packet_layout *L)
{
    return L ? fl_packet_frame_offset(L, L->n_packets) : 0;
}

uint64_t fl_packet_air_bits(const packet_layout *L)
{
    return 8u * (uint64_t)fl_packet_total_bytes(L);
}

/* mask of the valid bits of the stream's last byte (MSB-first packing) */
static uint8_t packet_last_mask(const packet_layout *L)
{
    unsigned r = (unsigned)(L->n_bits & 7u);
    return r ? (uint8_t)(0xFFu << (8 - r)) : 0xFFu;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p) { return ((unsigned)p[0] << 8) | p[1]; }

int fl_packet_build(const packet_layout *L, const uint8_t *stream, size_t k, uint8_t *frame)
{
    if (!L || !stream || !frame || k >= L->n_packets) return -EINVAL;
    size_t len = fl_packet_payload_len(L, k), start = k * L->payload_bytes;
    put16(frame, (unsigned)(k & 0xFFFFu));
    put16(frame + 2, (unsigned)len);
    memcpy(frame + PACKET_HEADER_BYTES, stream + start, len);
    if (k == L->n_packets - 1)   /* pad bits past n_bits go out as 0 */
        frame[PACKET_HEADER_BYTES + len - 1] &= packet_last_mask(L);
    uint32_t c = fl_crc32_compute(frame, PACKET_HEADER_BYTES + len);
    uint8_t *t = frame + PACKET_HEADER_BYTES + len;
    t[0] = (uint8_t)(c >> 24);
    t[1] = (uint8_t)(c >> 16);
    t[2] = (uint8_t)(c >> 8);
    t[3] = (uint8_t)c;
    return 0;
}

int fl_packet_check(const packet_layout *L, size_t k, const uint8_t *frame, size_t frame_len,
                 uint8_t *stream, uint8_t *erased)
{
    if (!L || !stream || k >= L->n_packets || (!frame && frame_len > 0)) return -EINVAL;
    size_t len = fl_packet_payload_len(L, k), start = k * L->payload_bytes;
    int ok = frame_len == len + PACKET_OVERHEAD_BYTES;
    if (ok) {
        const uint8_t *t = frame + PACKET_HEADER_BYTES + len;
        uint32_t got = ((uint32_t)t[0] << 24) | ((uint32_t)t[1] << 16) |
                       ((uint32_t)t[2] << 8) | t[3];
        ok = get16(frame) == (k & 0xFFFFu) && get16(frame + 2) == len &&
             fl_crc32_compute(frame, PACKET_HEADER_BYTES + len) == got;
    }
    if (ok) {
        memcpy(stream + start, frame + PACKET_HEADER_BYTES, len);
        if (k == L->n_packets - 1) stream[start + len - 1] &= packet_last_mask(L);
    } else {
        memset(stream + start, 0, len);
    }
    if (erased) memset(erased + start, ok ? 0 : 1, len);
    return ok ? 0 : -EBADMSG;
}

int fl_packet_serialise(const packet_layout *L, const uint8_t *stream, uint8_t *air)
{
    if (!L || (L->n_packets > 0 && (!stream || !air))) return -EINVAL;
    size_t off = 0;
    for (size_t k = 0; k < L->n_packets; k++) {
        fl_packet_build(L, stream, k, air + off);
        off += fl_packet_frame_bytes(L, k);
    }
    return 0;
}

int fl_packet_deserialise(const packet_layout *L, const uint8_t *air, size_t air_len,
                       uint8_t *stream, uint8_t *erased, size_t *n_lost)
{
    if (!L || (L->n_packets > 0 && !stream) || (!air && air_len > 0)) return -EINVAL;
    size_t lost = 0, off = 0;
    for (size_t k = 0; k < L->n_packets; k++) {
        size_t fb = fl_packet_frame_bytes(L, k);
        size_t avail = off < air_len ? air_len - off : 0;
        if (avail > fb) avail = fb;
        if (fl_packet_check(L, k, avail ? air + off : NULL, avail, stream, erased) != 0) lost++;
        off += fb;
    }
    if (n_lost) *n_lost = lost;
    return 0;
}
