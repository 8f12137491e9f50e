/* libFuzzer target: fl_pinr_decode on any bytes. The shape is taken from the
 * stream's own header (bytes 8..15) when small, so the decoder goes past its
 * shape check. The last input byte is control, not stream: its top 3 bits
 * are the pad bits to drop from the stream's length, bit 0 selects an
 * erasure mask made from it. Contracts: the result is 0 or -EBADMSG; on
 * -EBADMSG the tensor is all zeros; every decoded value is finite and at most
 * the header's scale in magnitude (pinr.h); decoding is deterministic. */
#include "tests/fuzz/fuzz_util.h"

#include "codec/pinr.h"

#include <errno.h>
#include <math.h>

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 33)
        return 0;
    uint8_t ctrl = d[--n];
    int64_t nt = be32(d + 8), ns = be32(d + 12);
    if (nt < 1 || ns < 1 || nt > 1 << 16 || ns > 1 << 16 || nt * ns > 1 << 16)
        return 0;
    float scale;
    uint32_t sb = be32(d + 28);
    memcpy(&scale, &sb, 4);
    size_t m = (size_t)(nt * ns);
    float *x = malloc(m * sizeof *x), *y = malloc(m * sizeof *y);
    uint8_t *er = NULL;
    if (ctrl & 1) {
        er = calloc(n, 1);
        for (size_t i = 0; i < n; i++)
            er[i] = (uint8_t)((i * 131u + ctrl) % 97u == 0);
    }
    int64_t lost = -1;
    pinr_layout lay;
    int rc = fl_pinr_decode(d, (uint64_t)n * 8 - (ctrl >> 5), er, nt, ns, x, &lay, &lost);
    FUZZ_CHECK(rc == 0 || rc == -EBADMSG);
    if (rc)
        FUZZ_CHECK(fuzz_all_zero(x, m * sizeof *x));
    for (size_t i = 0; i < m; i++) {
        FUZZ_CHECK(isfinite(x[i]));
        if (!rc && d[6] != 32 && d[6] != 64)
            FUZZ_CHECK(fabsf(x[i]) <= scale);
    }
    int rc2 = fl_pinr_decode(d, (uint64_t)n * 8 - (ctrl >> 5), er, nt, ns, y, NULL, NULL);
    FUZZ_CHECK(rc2 == rc && memcmp(x, y, m * sizeof *x) == 0);
    free(x), free(y), free(er);
    return 0;
}
