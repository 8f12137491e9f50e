/* libFuzzer target: fl_tofc_decode on any bytes, with max_values = 0 (the
 * library default that once let a 40-byte stream ask for 18 GiB). The last
 * input byte is control, not stream: its low bit selects an erasure mask. Contracts: 0 or -EBADMSG; on error
 * the frame is zeroed; on success every value is finite, lost values are 0,
 * the allocation is bounded by the payload (tofc.h); and a float-format
 * raw stream (canonical: 2 or 4 bytes per value) re-encodes to the same
 * bytes when no value is lost and no word is a NaN/inf. */
#include "tests/fuzz/fuzz_util.h"

#include "codec/tofc.h"

#include <errno.h>
#include <math.h>

static void reencode(const uint8_t *d, size_t n, const tofc_frame *f)
{
    if (f->select != TOFC_SELECT_NONE || f->quant > TOFC_QUANT_BF16 || f->lost_values)
        return;
    tofc_params p = {.patches = f->patches, .tokens = f->tokens, .dims = f->dims,
                     .select = TOFC_SELECT_NONE, .clusters = 1, .knn = 1, .quant = f->quant,
                     .deadzone = 0.5, .entropy = TOFC_ENTROPY_RAW};
    uint8_t *b = NULL;
    size_t nb = 0;
    int rc = fl_tofc_encode(&p, f->y, &b, &nb, NULL, NULL);
    FUZZ_CHECK(rc == 0);
    /* a decoded -0 / subnormal / NaN word may not be the canonical encoding
     * of the value it decodes to: compare only when every payload word
     * decodes to a value that maps back to it */
    FUZZ_CHECK(nb == n);
    FUZZ_CHECK(memcmp(b, d, TOFC_HEADER_BYTES) == 0);
    if (memcmp(b, d, n) != 0) {
        size_t w = f->quant == TOFC_QUANT_FP32 ? 4 : 2, nv = (n - TOFC_HEADER_BYTES) / w;
        for (size_t i = 0; i < nv; i++)
            if (memcmp(b + TOFC_HEADER_BYTES + i * w, d + TOFC_HEADER_BYTES + i * w, w))
                FUZZ_CHECK(f->y[i] == 0.0f); /* only non-finite words (decoded as 0) differ */
    }
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n == 0)
        return 0;
    uint8_t ctrl = d[--n], *er = NULL;
    if (ctrl & 1) {
        er = calloc(n, 1);
        for (size_t i = TOFC_HEADER_BYTES; i < n; i++)
            er[i] = (uint8_t)((i * 131u + ctrl) % 61u == 0);
    }
    tofc_frame f;
    memset(&f, 0xA5, sizeof f);
    int rc = fl_tofc_decode(d, n, er, 0, &f);
    FUZZ_CHECK(rc == 0 || rc == -EBADMSG);
    if (rc) {
        FUZZ_CHECK(fuzz_all_zero(&f, sizeof f));
    } else {
        size_t nv = (size_t)(f.patches * f.rows * f.dims);
        FUZZ_CHECK((double)nv <= ((double)(n - TOFC_HEADER_BYTES) * 8 + 64) / TOFC_ENTROPY_MIN_BITS);
        int64_t lost = 0;
        for (size_t i = 0; i < nv; i++) {
            FUZZ_CHECK(isfinite(f.y[i]));
            if (f.lost[i]) {
                FUZZ_CHECK(f.y[i] == 0.0f);
                lost++;
            }
        }
        FUZZ_CHECK(lost == f.lost_values);
        if (!er)
            reencode(d, n, &f);
    }
    fl_tofc_frame_free(&f);
    free(er);
    return 0;
}
