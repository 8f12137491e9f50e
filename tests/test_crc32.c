/* test_crc32: CRC-32/IEEE 802.3 against published check values, a bit-serial
 * reference written here, and its error-detection guarantees (exhaustive
 * single, double and triple bit errors on a short message; every burst of
 * length <= 32).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <Random123/philox.h>

#include "channel/crc32.h"

/* bit-serial reference straight from the definition: reflected register,
 * poly 0xEDB88320, init and final XOR 0xFFFFFFFF (IEEE 802.3 clause 3.2.9) */
static uint32_t ref_crc(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static void fill_random(uint8_t *buf, size_t n, uint32_t seed)
{
    philox4x32_key_t k = {{seed, 0x7E57u}};
    for (size_t i = 0; i < n; i += 16) {
        philox4x32_ctr_t c = {{(uint32_t)(i / 16), 0, 0, 0}};
        philox4x32_ctr_t r = philox4x32(c, k);
        uint8_t tmp[16];
        memcpy(tmp, r.v, 16);
        for (size_t j = 0; j < 16 && i + j < n; j++)
            buf[i + j] = tmp[j];
    }
}

static void test_check_values(void **state)
{
    (void)state;
    /* catalogued check value (Williams; reveng CRC-32/ISO-HDLC) */
    assert_int_equal(fl_crc32_compute("123456789", 9), 0xCBF43926u);
    assert_int_equal(CRC32_CHECK, 0xCBF43926u);
    /* zlib crc32() values: "a" and the pangram */
    assert_int_equal(fl_crc32_compute("a", 1), 0xE8B7BE43u);
    const char *fox = "The quick brown fox jumps over the lazy dog";
    assert_int_equal(fl_crc32_compute(fox, strlen(fox)), 0x414FA339u);
    assert_int_equal(fl_crc32_update_bytewise(0, "123456789", 9), 0xCBF43926u);
}

static void test_empty(void **state)
{
    (void)state;
    assert_int_equal(fl_crc32_compute("", 0), 0u);
    assert_int_equal(fl_crc32_compute(NULL, 0), 0u);
    assert_int_equal(fl_crc32_update(0x12345678u, NULL, 0), 0x12345678u);
    assert_int_equal(fl_crc32_update_bytewise(0xCAFEBABEu, NULL, 0), 0xCAFEBABEu);
}

/* every length 0..300 at every alignment 0..7 against the bit-serial form */
static void test_matches_bitserial_reference(void **state)
{
    (void)state;
    uint8_t buf[320];
    fill_random(buf, sizeof buf, 1);
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off <= 308 && n <= 300; n++) {
            uint32_t r = ref_crc(buf + off, n);
            assert_int_equal(fl_crc32_compute(buf + off, n), r);
            assert_int_equal(fl_crc32_update_bytewise(0, buf + off, n), r);
        }
}

static void test_incremental_equals_oneshot(void **state)
{
    (void)state;
    enum { N = 4096 };
    static uint8_t buf[N];
    fill_random(buf, N, 2);
    uint32_t whole = fl_crc32_compute(buf, N);
    /* every split point of a 200-byte prefix, then random multi-piece splits */
    uint32_t w200 = fl_crc32_compute(buf, 200);
    for (size_t s = 0; s <= 200; s++)
        assert_int_equal(fl_crc32_update(fl_crc32_compute(buf, s), buf + s, 200 - s), w200);
    philox4x32_key_t k = {{3, 0}};
    for (uint32_t trial = 0; trial < 200; trial++) {
        uint32_t c = CRC32_INIT;
        size_t pos = 0;
        for (uint32_t piece = 0; pos < N; piece++) {
            philox4x32_ctr_t ctr = {{trial, piece, 0, 0}};
            size_t len = philox4x32(ctr, k).v[0] % 97u;
            if (len > N - pos) len = N - pos;
            c = (piece & 1) ? fl_crc32_update(c, buf + pos, len)
                            : fl_crc32_update_bytewise(c, buf + pos, len);
            pos += len;
        }
        assert_int_equal(c, whole);
    }
}

/* appending the CRC (little-endian, as Ethernet sends the FCS) gives the
 * fixed residue 0x2144DF1C for any message: a property of the code, not of
 * this implementation (Koopman & Chakravarty 2004, "good residue") */
static void test_residue_after_appended_crc(void **state)
{
    (void)state;
    uint8_t buf[100];
    for (size_t n = 0; n <= 96; n += 7) {
        fill_random(buf, n, 4 + (uint32_t)n);
        uint32_t c = fl_crc32_compute(buf, n);
        for (int i = 0; i < 4; i++) buf[n + i] = (uint8_t)(c >> (8 * i));
        assert_int_equal(fl_crc32_compute(buf, n + 4), 0x2144DF1Cu);
    }
}

/* CRC-32 has Hamming distance >= 4 up to 91607 message bits (Koopman 2002),
 * so every 1-, 2- and 3-bit error of a 16-byte message is detected. */
static void test_all_one_two_three_bit_errors_detected(void **state)
{
    (void)state;
    enum { NB = 16, NBITS = NB * 8 };
    uint8_t m[NB], e[NB];
    fill_random(m, NB, 5);
    uint32_t good = fl_crc32_compute(m, NB);
    long checked = 0;
    for (int i = 0; i < NBITS; i++) {
        memcpy(e, m, NB);
        e[i >> 3] ^= (uint8_t)(1u << (i & 7));
        assert_int_not_equal(fl_crc32_compute(e, NB), good);
        for (int j = i + 1; j < NBITS; j++) {
            e[j >> 3] ^= (uint8_t)(1u << (j & 7));
            assert_int_not_equal(fl_crc32_compute(e, NB), good);
            for (int l = j + 1; l < NBITS; l++) {
                e[l >> 3] ^= (uint8_t)(1u << (l & 7));
                if (fl_crc32_compute(e, NB) == good) fail_msg("3-bit error %d %d %d missed", i, j, l);
                e[l >> 3] ^= (uint8_t)(1u << (l & 7));
                checked++;
            }
            e[j >> 3] ^= (uint8_t)(1u << (j & 7));
        }
    }
    assert_int_equal(checked, (long)NBITS * (NBITS - 1) * (NBITS - 2) / 6);
}

/* a degree-32 CRC detects every burst of length <= 32 (the error polynomial
 * x^i b(x), deg b < 32, b(0) = 1, is never a multiple of the generator).
 * Every start bit of a 64-byte message, every length 1..32, 6 random
 * interior patterns each (first and last bit of a burst are always set). */
static void test_all_bursts_up_to_32_detected(void **state)
{
    (void)state;
    enum { NB = 64, NBITS = NB * 8 };
    uint8_t m[NB], e[NB];
    fill_random(m, NB, 6);
    uint32_t good = fl_crc32_compute(m, NB);
    philox4x32_key_t k = {{7, 0}};
    for (int start = 0; start < NBITS; start++)
        for (int len = 1; len <= 32 && start + len <= NBITS; len++)
            for (int pat = 0; pat < 6; pat++) {
                philox4x32_ctr_t ctr = {{(uint32_t)start, (uint32_t)len, (uint32_t)pat, 0}};
                uint32_t b = philox4x32(ctr, k).v[0];
                b |= 1u;                          /* first bit of the burst */
                b |= 1u << (len - 1);             /* last bit of the burst */
                if (len < 32) b &= (1u << len) - 1u;
                memcpy(e, m, NB);
                for (int t = 0; t < len; t++)
                    if ((b >> t) & 1u) {
                        int bit = start + t;
                        e[bit >> 3] ^= (uint8_t)(1u << (bit & 7));
                    }
                if (fl_crc32_compute(e, NB) == good)
                    fail_msg("burst start %d len %d missed", start, len);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_matches_bitserial_reference),
        cmocka_unit_test(test_incremental_equals_oneshot),
        cmocka_unit_test(test_residue_after_appended_crc),
        cmocka_unit_test(test_all_one_two_three_bit_errors_detected),
        cmocka_unit_test(test_all_bursts_up_to_32_detected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
