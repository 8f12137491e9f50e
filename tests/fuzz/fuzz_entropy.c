/* libFuzzer target: fl_entropy_decode on any bytes. The shape comes from the
 * first two input bytes (tokens 1..64, dims 1..64), the rest is the stream.
 * Contracts: 0, -EBADMSG (then every level is 0); decoding is deterministic;
 * an accepted stream's levels encode again (fl_entropy_encode) and that stream
 * decodes to the same levels. */
#include "tests/fuzz/fuzz_util.h"

#include "codec/entropy.h"

#include <errno.h>

static entropy_tables *tb;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (!tb)
        tb = fl_entropy_tables_create(ENTROPY_PREC_DEFAULT);
    FUZZ_CHECK(tb != NULL);
    fuzz_in in = {d, n};
    int64_t tokens = 1 + (int64_t)(fuzz_take(&in, 1) % 64), dims = 1 + (int64_t)(fuzz_take(&in, 1) % 64);
    size_t m = (size_t)(tokens * dims);
    int32_t *lv = malloc(m * sizeof *lv), *lv2 = malloc(m * sizeof *lv2);
    memset(lv, 0x5A, m * sizeof *lv);
    int rc = fl_entropy_decode(tb, in.p, in.n, tokens, dims, lv);
    FUZZ_CHECK(rc == 0 || rc == -EBADMSG);
    if (rc) {
        FUZZ_CHECK(fuzz_all_zero(lv, m * sizeof *lv));
    } else {
        FUZZ_CHECK(fl_entropy_decode(tb, in.p, in.n, tokens, dims, lv2) == 0);
        FUZZ_CHECK(memcmp(lv, lv2, m * sizeof *lv) == 0);
        uint8_t *b;
        size_t nb;
        rc = fl_entropy_encode(tb, lv, tokens, dims, 4, &b, &nb, NULL);
        FUZZ_CHECK(rc == 0 || rc == -EINVAL); /* -EINVAL: a level beyond the coder's range */
        if (rc == 0) {
            FUZZ_CHECK(fl_entropy_decode(tb, b, nb, tokens, dims, lv2) == 0);
            FUZZ_CHECK(memcmp(lv, lv2, m * sizeof *lv) == 0);
            free(b);
        }
    }
    free(lv), free(lv2);
    return 0;
}
