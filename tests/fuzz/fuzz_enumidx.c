/* libFuzzer target: fl_enumidx_decode_mask / fl_enumidx_decode on any bytes. n
 * (1..4096) and k (0..n) come from the first 4 input bytes. Contracts: 0 or
 * -EBADMSG; on error the mask is all zero; on success it has exactly k ones,
 * the index list agrees with it, and encoding the mask gives back exactly the
 * input stream (the end-state check makes the code canonical). */
#include "tests/fuzz/fuzz_util.h"

#include "codec/enumidx.h"

#include <errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    fuzz_in in = {d, n};
    int64_t nn = 1 + (int64_t)(fuzz_take(&in, 2) % 4096);
    int64_t k = (int64_t)(fuzz_take(&in, 2) % (uint32_t)(nn + 1));
    uint8_t *mask = malloc((size_t)nn);
    int64_t *idx = malloc((size_t)(k + 1) * sizeof *idx);
    memset(mask, 0x77, (size_t)nn);
    int rc = fl_enumidx_decode_mask(in.p, in.n, nn, k, mask);
    FUZZ_CHECK(rc == 0 || rc == -EBADMSG);
    int rc2 = fl_enumidx_decode(in.p, in.n, nn, k, idx);
    FUZZ_CHECK(rc2 == rc);
    if (rc) {
        FUZZ_CHECK(fuzz_all_zero(mask, (size_t)nn));
    } else {
        int64_t ones = 0;
        for (int64_t i = 0; i < nn; i++) {
            FUZZ_CHECK(mask[i] <= 1);
            if (mask[i]) {
                FUZZ_CHECK(idx[ones] == i);
                ones++;
            }
        }
        FUZZ_CHECK(ones == k);
        uint8_t *b;
        size_t nb;
        FUZZ_CHECK(fl_enumidx_encode_mask(mask, nn, k, &b, &nb, NULL) == 0);
        FUZZ_CHECK(nb == in.n && memcmp(b, in.p, nb) == 0);
        free(b);
    }
    free(mask), free(idx);
    return 0;
}
