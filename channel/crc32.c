/* crc32: CRC-32/IEEE 802.3 (reflected polynomial 0xEDB88320).
 *
 * Bytewise table method: D. V. Sarwate, "Computation of cyclic redundancy
 * checks via table look-up", CACM 31(8), 1988.
 * Slicing-by-8: M. E. Kounavis and F. L. Berry, "Novel table lookup-based
 * algorithms for high-performance CRC generation", IEEE Trans. Computers
 * 57(11), 2008. Table k holds the CRC register after byte n followed by k zero
 * bytes, so eight bytes are folded with eight independent lookups.
 * Changed from the paper: tables are built once at first use (pthread_once)
 * instead of being stored in the source.
 */
#include "channel/crc32.h"

#include <pthread.h>
#include <string.h>

#define CRC32_POLY_REFLECTED 0xEDB88320u

static uint32_t crc32_tab[8][256];
static pthread_once_t crc32_once = PTHREAD_ONCE_INIT;

static void crc32_build_tables(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        /* one register shift per message bit, LSB first (reflected CRC) */
        for (int b = 0; b < 8; b++)
            c = (c >> 1) ^ (CRC32_POLY_REFLECTED & (0u - (c & 1u)));
        crc32_tab[0][n] = c;
    }
    /* T_k[n] = T_{k-1}[n] advanced by one zero byte (Kounavis & Berry eq. 7) */
    for (int k = 1; k < 8; k++)
        for (int n = 0; n < 256; n++) {
            uint32_t c = crc32_tab[k - 1][n];
            crc32_tab[k][n] = (c >> 8) ^ crc32_tab[0][c & 0xFFu];
        }
}

static const uint32_t (*crc32_tables(void))[256]
{
    pthread_once(&crc32_once, crc32_build_tables);
    return (const uint32_t (*)[256])crc32_tab;
}

uint32_t fl_crc32_update_bytewise(uint32_t crc, const void *buf, size_t len)
{
    const uint32_t (*t)[256] = crc32_tables();
    const uint8_t *p = buf;
    uint32_t c = ~crc;
    for (size_t i = 0; i < len; i++)
        c = (c >> 8) ^ t[0][(c ^ p[i]) & 0xFFu];
    return ~c;
}

uint32_t fl_crc32_update(uint32_t crc, const void *buf, size_t len)
{
    const uint32_t (*t)[256] = crc32_tables();
    const uint8_t *p = buf;
    uint32_t c = ~crc;
    /* head: bytewise until p is 8-byte aligned (keeps the loads cheap) */
    while (len > 0 && ((uintptr_t)p & 7u) != 0) {
        c = (c >> 8) ^ t[0][(c ^ *p++) & 0xFFu];
        len--;
    }
    while (len >= 8) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + 4, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        lo = __builtin_bswap32(lo);
        hi = __builtin_bswap32(hi);
#endif
        lo ^= c;
        c = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^
            t[5][(lo >> 16) & 0xFFu] ^ t[4][lo >> 24] ^
            t[3][hi & 0xFFu] ^ t[2][(hi >> 8) & 0xFFu] ^
            t[1][(hi >> 16) & 0xFFu] ^ t[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len > 0) {
        c = (c >> 8) ^ t[0][(c ^ *p++) & 0xFFu];
        len--;
    }
    return ~c;
}

uint32_t fl_crc32_compute(const void *buf, size_t len)
{
    return fl_crc32_update(CRC32_INIT, buf, len);
}
