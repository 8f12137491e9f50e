/* libFuzzer target: fl_packet_deserialise of any air bytes, and the CRC-32
 * kernels. n_bits (1..2^16) and the payload size (1..300) come from the
 * first 4 input bytes, the rest is the received air buffer. Contracts: the
 * slicing CRC equals the byte-wise reference on the input, also from every
 * start offset (alignment); every packet is either accepted (its frame is
 * exactly fl_packet_build of the rebuilt stream, erased flags 0) or rejected
 * (its stream bytes zero, erased flags 1); n_lost counts the rejected ones;
 * pad bits past n_bits are 0 (also when a crafted frame with a valid CRC
 * carries non-zero pad bits: then only the pad bits differ). */
#include "tests/fuzz/fuzz_util.h"

#include "channel/crc32.h"
#include "channel/packet.h"

#include <errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    for (size_t off = 0; off < 8 && off <= n; off++)
        FUZZ_CHECK(fl_crc32_update(CRC32_INIT, d + off, n - off) ==
                   fl_crc32_update_bytewise(CRC32_INIT, d + off, n - off));
    fuzz_in in = {d, n};
    uint64_t nbits = 1 + fuzz_take(&in, 2);
    size_t pay = 1 + fuzz_take(&in, 2) % 300;
    packet_layout L;
    FUZZ_CHECK(fl_packet_layout_init(&L, nbits, pay) == 0);
    uint8_t *st = malloc(L.n_bytes), *er = malloc(L.n_bytes);
    memset(st, 0xEE, L.n_bytes), memset(er, 0xEE, L.n_bytes);
    size_t lost = 0;
    FUZZ_CHECK(fl_packet_deserialise(&L, in.p, in.n, st, er, &lost) == 0);
    size_t rejected = 0;
    uint8_t frame[300 + PACKET_OVERHEAD_BYTES];
    for (size_t k = 0; k < L.n_packets; k++) {
        size_t o = k * pay, len = fl_packet_payload_len(&L, k), off = fl_packet_frame_offset(&L, k);
        if (er[o]) {
            rejected++;
            for (size_t i = o; i < o + len; i++)
                FUZZ_CHECK(er[i] == 1 && st[i] == 0);
        } else {
            for (size_t i = o; i < o + len; i++)
                FUZZ_CHECK(er[i] == 0);
            FUZZ_CHECK(fl_packet_build(&L, st, k, frame) == 0);
            FUZZ_CHECK(off + len + PACKET_OVERHEAD_BYTES <= in.n);
            /* a frame with a valid CRC but non-zero pad bits (not what a
             * sender makes) is accepted with the pad bits cleared: compare
             * all but the pad bits, and the CRC only when they were 0 */
            const uint8_t *fr = in.p + off;
            size_t last = PACKET_HEADER_BYTES + len - 1;
            uint8_t mask = k == L.n_packets - 1 && nbits % 8 ? (uint8_t)(0xFF00u >> (nbits % 8)) : 0xFF;
            FUZZ_CHECK(memcmp(frame, fr, last) == 0);
            FUZZ_CHECK(frame[last] == (fr[last] & mask));
            if (frame[last] == fr[last])
                FUZZ_CHECK(memcmp(frame + last, fr + last, 1 + PACKET_CRC_BYTES) == 0);
        }
    }
    FUZZ_CHECK(rejected == lost);
    if (nbits % 8)
        FUZZ_CHECK((st[L.n_bytes - 1] & (0xFFu >> (nbits % 8))) == 0);
    free(st), free(er);
    return 0;
}
