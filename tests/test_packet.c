/* test_packet: packetisation with CRC-32 and erasures: lengths and bits on
 * air by hand, clean round trips, a corrupted frame erases exactly its own
 * bytes, garbage and truncation never read out of bounds, and an end-to-end
 * coded link (packet -> conv encode -> BPSK/AWGN -> Viterbi -> CRC) where
 * every accepted packet is correct.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <Random123/philox.h>

#include "channel/conv.h"
#include "channel/crc32.h"
#include "channel/packet.h"

static uint32_t rnd(uint32_t seed, uint32_t a, uint32_t b)
{
    philox4x32_key_t k = {{seed, 0x9AC4u}};
    philox4x32_ctr_t c = {{a, b, 0x1B0, 0}};
    return philox4x32(c, k).v[0];
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)rnd(seed, (uint32_t)i, 0);
}

static void test_layout_arithmetic(void **state)
{
    (void)state;
    packet_layout L;
    /* 8003 bits -> 1001 bytes (last byte holds 3 bits); 256-byte payloads:
     * 4 packets of 256, 256, 256, 233 bytes; frames +8 bytes each:
     * 264 + 264 + 264 + 241 = 1033 bytes = 8264 bits on air */
    assert_int_equal(fl_packet_layout_init(&L, 8003, 256), 0);
    assert_int_equal(L.n_bytes, 1001);
    assert_int_equal(L.n_packets, 4);
    assert_int_equal(fl_packet_payload_len(&L, 0), 256);
    assert_int_equal(fl_packet_payload_len(&L, 3), 233);
    assert_int_equal(fl_packet_payload_len(&L, 4), 0);
    assert_int_equal(fl_packet_frame_bytes(&L, 2), 264);
    assert_int_equal(fl_packet_frame_bytes(&L, 3), 241);
    assert_int_equal(fl_packet_frame_offset(&L, 0), 0);
    assert_int_equal(fl_packet_frame_offset(&L, 3), 792);
    assert_int_equal(fl_packet_frame_offset(&L, 4), 1033);
    assert_int_equal(fl_packet_total_bytes(&L), 1033);
    assert_int_equal(fl_packet_air_bits(&L), 8264);
    /* exact multiple: 2048 bits = 256 bytes, payload 64 -> 4 x 72 = 288 bytes */
    assert_int_equal(fl_packet_layout_init(&L, 2048, 64), 0);
    assert_int_equal(L.n_packets, 4);
    assert_int_equal(fl_packet_total_bytes(&L), 288);
    /* one bit -> one 1-byte packet, 9 bytes = 72 bits on air */
    assert_int_equal(fl_packet_layout_init(&L, 1, 1500), 0);
    assert_int_equal(L.n_packets, 1);
    assert_int_equal(fl_packet_air_bits(&L), 72);
    /* empty stream: nothing to send */
    assert_int_equal(fl_packet_layout_init(&L, 0, 100), 0);
    assert_int_equal(L.n_packets, 0);
    assert_int_equal(fl_packet_total_bytes(&L), 0);
    /* bad arguments */
    assert_int_equal(fl_packet_layout_init(&L, 10, 0), -EINVAL);
    assert_int_equal(fl_packet_layout_init(&L, 10, 65536), -EINVAL);
    assert_int_equal(fl_packet_layout_init(NULL, 10, 10), -EINVAL);
}

/* frame 0 by hand: header 00 00 | 00 03, payload, CRC-32 of the first 7 bytes */
static void test_frame_format(void **state)
{
    (void)state;
    packet_layout L;
    const uint8_t s[5] = {'a', 'b', 'c', 'd', 0xFF};
    assert_int_equal(fl_packet_layout_init(&L, 36, 3), 0);   /* 5 bytes, last has 4 bits */
    uint8_t f[11];
    assert_int_equal(fl_packet_build(&L, s, 0, f), 0);
    const uint8_t hdr[7] = {0, 0, 0, 3, 'a', 'b', 'c'};
    assert_memory_equal(f, hdr, 7);
    uint32_t c = fl_crc32_compute(hdr, 7);
    assert_int_equal(f[7], c >> 24);
    assert_int_equal(f[10], c & 0xFF);
    /* frame 1: seq 1, len 2, 'd', 0xF0 (the 4 pad bits of 0xFF cleared) */
    assert_int_equal(fl_packet_frame_bytes(&L, 1), 10);
    assert_int_equal(fl_packet_build(&L, s, 1, f), 0);
    const uint8_t hdr1[6] = {0, 1, 0, 2, 'd', 0xF0};
    assert_memory_equal(f, hdr1, 6);
    assert_int_equal(fl_packet_build(&L, s, 2, f), -EINVAL);
}

static void test_clean_roundtrip(void **state)
{
    (void)state;
    for (uint32_t trial = 0; trial < 40; trial++) {
        uint64_t nbits = 1 + rnd(1, trial, 0) % 40000;
        size_t pb = 1 + rnd(1, trial, 1) % (trial < 20 ? 300 : 3000);
        packet_layout L;
        assert_int_equal(fl_packet_layout_init(&L, nbits, pb), 0);
        uint8_t *s = malloc(L.n_bytes), *r = malloc(L.n_bytes), *e = malloc(L.n_bytes);
        uint8_t *air = malloc(fl_packet_total_bytes(&L));
        fill(s, L.n_bytes, 100 + trial);
        assert_int_equal(fl_packet_serialise(&L, s, air), 0);
        size_t lost = 99;
        memset(e, 7, L.n_bytes);
        assert_int_equal(fl_packet_deserialise(&L, air, fl_packet_total_bytes(&L), r, e, &lost), 0);
        assert_int_equal(lost, 0);
        for (size_t i = 0; i < L.n_bytes; i++) assert_int_equal(e[i], 0);
        /* identical up to the pad bits, which come back as 0 */
        if (nbits % 8) s[L.n_bytes - 1] &= (uint8_t)(0xFF << (8 - nbits % 8));
        assert_memory_equal(r, s, L.n_bytes);
        free(s); free(r); free(e); free(air);
    }
}

/* flipping any bit inside frame k (header, payload or CRC) erases exactly
 * the bytes of packet k */
static void test_corrupt_frame_erases_only_it(void **state)
{
    (void)state;
    packet_layout L;
    assert_int_equal(fl_packet_layout_init(&L, 8 * 1000 + 5, 97), 0);
    uint8_t *s = malloc(L.n_bytes), *r = malloc(L.n_bytes), *e = malloc(L.n_bytes);
    size_t tot = fl_packet_total_bytes(&L);
    uint8_t *air = malloc(tot), *bad = malloc(tot);
    fill(s, L.n_bytes, 7);
    s[L.n_bytes - 1] &= 0xF8;   /* pad bits zero so clean bytes compare equal */
    fl_packet_serialise(&L, s, air);
    for (size_t k = 0; k < L.n_packets; k++)
        for (int rep = 0; rep < 6; rep++) {
            memcpy(bad, air, tot);
            size_t fb = fl_packet_frame_bytes(&L, k);
            /* rep 0: a header bit, rep 1: a CRC bit, else: anywhere in the frame */
            size_t byte = rep == 0 ? rnd(8, (uint32_t)k, 0) % 4
                        : rep == 1 ? fb - 1 - rnd(8, (uint32_t)k, 1) % 4
                                   : rnd(8, (uint32_t)k, (uint32_t)rep) % fb;
            bad[fl_packet_frame_offset(&L, k) + byte] ^= (uint8_t)(1u << (rnd(9, (uint32_t)k, (uint32_t)rep) % 8));
            size_t lost;
            assert_int_equal(fl_packet_deserialise(&L, bad, tot, r, e, &lost), 0);
            assert_int_equal(lost, 1);
            size_t a = k * L.payload_bytes, b = a + fl_packet_payload_len(&L, k);
            for (size_t i = 0; i < L.n_bytes; i++) {
                int in_k = i >= a && i < b;
                assert_int_equal(e[i], in_k);
                assert_int_equal(r[i], in_k ? 0 : s[i]);
            }
            /* the single-frame call agrees */
            assert_int_equal(fl_packet_check(&L, k, bad + fl_packet_frame_offset(&L, k), fb, r, NULL),
                             -EBADMSG);
        }
    free(s); free(r); free(e); free(air); free(bad);
}

/* valid frames in the wrong slot (seq mismatch), truncation, garbage */
static void test_bad_input(void **state)
{
    (void)state;
    packet_layout L;
    assert_int_equal(fl_packet_layout_init(&L, 8 * 300, 50), 0);   /* 6 packets of 50 */
    uint8_t s[300], r[300], e[300];
    fill(s, 300, 11);
    size_t tot = fl_packet_total_bytes(&L);
    uint8_t *air = malloc(tot);
    fl_packet_serialise(&L, s, air);
    size_t lost;
    /* swap frames 1 and 2 (same size): both CRCs are fine, both seqs wrong */
    uint8_t tmp[58];
    memcpy(tmp, air + 58, 58);
    memcpy(air + 58, air + 116, 58);
    memcpy(air + 116, tmp, 58);
    fl_packet_deserialise(&L, air, tot, r, e, &lost);
    assert_int_equal(lost, 2);
    assert_int_equal(e[49], 0);
    assert_int_equal(e[50], 1);
    assert_int_equal(e[149], 1);
    assert_int_equal(e[150], 0);
    fl_packet_serialise(&L, s, air);
    /* truncated air buffers: every cut loses exactly the frames it touches;
     * each length is a fresh heap block so ASan sees any overread */
    for (size_t cut = 0; cut <= tot; cut += 13) {
        uint8_t *part = malloc(cut ? cut : 1);
        memcpy(part, air, cut);
        fl_packet_deserialise(&L, part, cut, r, e, &lost);
        assert_int_equal(lost, L.n_packets - cut / 58);
        free(part);
    }
    /* wrong frame lengths to fl_packet_check */
    assert_int_equal(fl_packet_check(&L, 0, air, 57, r, e), -EBADMSG);
    assert_int_equal(fl_packet_check(&L, 0, air, 59, r, e), -EBADMSG);
    assert_int_equal(fl_packet_check(&L, 0, NULL, 0, r, e), -EBADMSG);
    assert_int_equal(fl_packet_check(&L, 0, air, 58, r, e), 0);
    assert_int_equal(fl_packet_check(&L, 6, air, 58, r, e), -EINVAL);
    assert_int_equal(fl_packet_check(&L, 0, air, 58, NULL, e), -EINVAL);
    /* random garbage: every packet rejected (false accept 2^-32 each) */
    for (uint32_t t = 0; t < 50; t++) {
        for (size_t i = 0; i < tot; i++) air[i] = (uint8_t)rnd(12, t, (uint32_t)i);
        fl_packet_deserialise(&L, air, tot, r, e, &lost);
        assert_int_equal(lost, L.n_packets);
        for (int i = 0; i < 300; i++) assert_int_equal(r[i], 0);
    }
    assert_int_equal(fl_packet_deserialise(&L, NULL, 0, r, e, &lost), 0);
    assert_int_equal(lost, L.n_packets);
    free(air);
}

/* The coded link as sim/ runs it: per packet, frame bytes -> conv encode
 * (rate 3/4) -> BPSK -> AWGN -> LLRs -> Viterbi -> CRC check. At a low
 * Eb/N0 some packets fail; every accepted packet must equal what was sent
 * and every failed one must be marked erased. */
static void test_coded_link_end_to_end(void **state)
{
    (void)state;
    packet_layout L;
    const size_t pb = 100;
    assert_int_equal(fl_packet_layout_init(&L, 8 * 6000 - 3, pb), 0);   /* 60 packets */
    uint8_t *s = malloc(L.n_bytes), *r = malloc(L.n_bytes), *e = malloc(L.n_bytes);
    fill(s, L.n_bytes, 31);
    s[L.n_bytes - 1] &= 0xF8;
    size_t fmax = pb + PACKET_OVERHEAD_BYTES, nmax = 8 * fmax;
    conv *q = fl_conv_create(CONV_RATE_3_4, nmax);
    size_t ncmax = fl_conv_coded_bits(CONV_RATE_3_4, nmax);
    uint8_t *frame = malloc(fmax), *rx = malloc(fmax), *coded = malloc((ncmax + 7) / 8);
    float *llr = malloc(ncmax * sizeof *llr);
    double ebn0 = pow(10.0, 3.0 / 10.0), esn0 = 0.75 * ebn0, s2 = 1.0 / (2.0 * esn0);
    size_t lost = 0;
    for (size_t k = 0; k < L.n_packets; k++) {
        size_t fb = fl_packet_frame_bytes(&L, k);
        assert_int_equal(fl_packet_build(&L, s, k, frame), 0);
        assert_int_equal(fl_conv_encode_packed(q, frame, 8 * fb, coded), 0);
        size_t nc = fl_conv_coded_bits(CONV_RATE_3_4, 8 * fb);
        for (size_t i = 0; i < nc; i++) {
            philox4x32_key_t key = {{32, (uint32_t)k}};
            philox4x32_ctr_t ctr = {{(uint32_t)i, 0, 0x1B1, 0}};
            philox4x32_ctr_t x = philox4x32(ctr, key);
            double u1 = ((double)x.v[0] + 0.5) / 4294967296.0, u2 = ((double)x.v[1] + 0.5) / 4294967296.0;
            double g = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);   /* Box-Muller */
            int bit = (coded[i / 8] >> (7 - i % 8)) & 1;   /* packed, MSB first */
            double y = (bit ? -1.0 : 1.0) + sqrt(s2) * g;
            llr[i] = (float)(2.0 * y / s2);
        }
        assert_int_equal(fl_conv_decode_packed(q, llr, 8 * fb, rx), 0);
        int same = memcmp(rx, frame, fb) == 0;
        int rc = fl_packet_check(&L, k, rx, fb, r, e);
        assert_int_equal(rc, same ? 0 : -EBADMSG);
        lost += rc != 0;
        size_t a = k * pb, len = fl_packet_payload_len(&L, k);
        for (size_t i = a; i < a + len; i++) {
            assert_int_equal(e[i], rc != 0);
            if (rc == 0) assert_int_equal(r[i], s[i]);
        }
    }
    /* rate 3/4 at 3 dB: frames of ~860 bits fail often but not always */
    print_message("coded link: %zu of %zu packets lost\n", lost, L.n_packets);
    assert_true(lost > 0 && lost < L.n_packets);
    fl_conv_destroy(q);
    free(s); free(r); free(e); free(frame); free(rx); free(coded); free(llr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_arithmetic),
        cmocka_unit_test(test_frame_format),
        cmocka_unit_test(test_clean_roundtrip),
        cmocka_unit_test(test_corrupt_frame_erases_only_it),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_coded_link_end_to_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
