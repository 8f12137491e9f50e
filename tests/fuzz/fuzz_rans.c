/* libFuzzer target: the rANS decoder primitives on any bytes. Input: a
 * frequency table (byte 0: symbols 2..17; then one byte per symbol, each
 * frequency = byte + 1, scaled to 2^12 by the largest-remainder rule), a
 * byte choosing how many symbols to read (and whether gamma codes and raw
 * bits are interleaved), then the stream. Contracts: the decoder never reads
 * past the stream; when fl_rans_dec_finish accepts, recording the same symbols
 * and encoding them gives back exactly the input stream (rANS with the end
 * state check is canonical). */
#include "tests/fuzz/fuzz_util.h"

#include "codec/rans.h"

#include <errno.h>

#define PREC FUZZ_RANS_PREC

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    fuzz_in in = {d, n};
    uint32_t ns = 2 + fuzz_take(&in, 1) % 16, freq[17];
    fuzz_rans_table(&in, freq, ns);
    uint32_t mode = fuzz_take(&in, 1), count = 1 + (mode & 0x3F) * 8;
    rans_table t;
    FUZZ_CHECK(fl_rans_table_init(&t, freq, ns, PREC) == 0);
    rans_dec dec;
    if (fl_rans_dec_init(&dec, in.p, in.n) != 0) {
        fl_rans_table_free(&t);
        return 0;
    }
    uint32_t *sym = malloc(count * sizeof *sym);
    uint64_t *extra = malloc(count * sizeof *extra);
    for (uint32_t i = 0; i < count; i++) {
        sym[i] = rans_table_decode(&t, &dec);
        FUZZ_CHECK(sym[i] < ns);
        if (mode & 0x40)
            extra[i] = fl_rans_dec_get_gamma(&dec);
        else if (mode & 0x80)
            extra[i] = rans_dec_get_bits(&dec, 5);
    }
    if (fl_rans_dec_finish(&dec) == 0) {
        rans_rec r;
        fl_rans_rec_init(&r);
        for (uint32_t i = 0; i < count; i++) {
            fl_rans_rec_push(&r, t.cum[sym[i]], t.cum[sym[i] + 1] - t.cum[sym[i]], PREC);
            if (mode & 0x40)
                fl_rans_rec_push_gamma(&r, extra[i]);
            else if (mode & 0x80)
                fl_rans_rec_push_bits(&r, extra[i], 5);
        }
        rans_enc e;
        FUZZ_CHECK(fl_rans_enc_init(&e, 16) == 0);
        fl_rans_enc_put_rec(&e, &r);
        uint8_t *b;
        size_t nb;
        FUZZ_CHECK(fl_rans_enc_finish(&e, &b, &nb) == 0);
        FUZZ_CHECK(nb == in.n && memcmp(b, in.p, nb) == 0);
        free(b);
        fl_rans_enc_free(&e);
        fl_rans_rec_free(&r);
    }
    free(sym), free(extra);
    fl_rans_table_free(&t);
    return 0;
}
