/* libFuzzer target: the Viterbi decoders on any received values. Byte 0
 * picks the rate (mod 3), byte 1 the block length n (1..255 info bits); the
 * rest are the soft values as int8 LLRs (missing ones 0, erasures) and, by
 * sign, the hard bits. Contracts: every ACS kernel compiled in (scalar,
 * AVX2, AVX-512) gives the same bits (conv.h promises identical output);
 * packed and unpacked outputs agree; decoding the encoding of the decoded
 * bits with clean LLRs returns them (a codeword decodes to itself). */
#include "tests/fuzz/fuzz_util.h"

#include "channel/conv.h"

#include <errno.h>

#define NMAX 255

static conv *q[3];

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    fuzz_in in = {d, n};
    conv_rate rate = (conv_rate)(fuzz_take(&in, 1) % 3);
    size_t nb = 1 + fuzz_take(&in, 1) % NMAX;
    if (!q[rate])
        q[rate] = fl_conv_create(rate, NMAX);
    conv *c = q[rate];
    FUZZ_CHECK(c != NULL);
    size_t nc = fl_conv_coded_bits(rate, nb);
    float *llr = calloc(nc, sizeof *llr);
    uint8_t *hard = calloc(nc, 1), ref[NMAX], out[NMAX], packed[(NMAX + 7) / 8];
    uint8_t hp[(4 * NMAX + 64) / 8] = {0};
    for (size_t i = 0; i < nc && i < in.n; i++) {
        llr[i] = (float)(int8_t)in.p[i];
        hard[i] = (int8_t)in.p[i] < 0;
        if (hard[i])
            hp[i / 8] |= (uint8_t)(0x80u >> (i % 8));
    }
    int first = 1;
    for (int k = CONV_KERNEL_SCALAR; k <= CONV_KERNEL_AVX512; k++) {
        if (fl_conv_set_kernel(c, (conv_kernel)k) != 0)
            continue;
        FUZZ_CHECK(fl_conv_decode(c, llr, nb, out) == 0);
        if (first)
            memcpy(ref, out, nb), first = 0;
        FUZZ_CHECK(memcmp(ref, out, nb) == 0);
        FUZZ_CHECK(fl_conv_decode_packed(c, llr, nb, packed) == 0);
        for (size_t i = 0; i < nb; i++)
            FUZZ_CHECK(((packed[i / 8] >> (7 - i % 8)) & 1) == ref[i]);
        uint8_t h1[NMAX], h2[(NMAX + 7) / 8];
        FUZZ_CHECK(fl_conv_decode_hard(c, hard, nb, h1) == 0);
        FUZZ_CHECK(fl_conv_decode_hard_packed(c, hp, nb, h2) == 0);
        for (size_t i = 0; i < nb; i++)
            FUZZ_CHECK(((h2[i / 8] >> (7 - i % 8)) & 1) == h1[i]);
        static uint8_t href[NMAX];
        if (k == CONV_KERNEL_SCALAR || fl_conv_get_kernel(c) == CONV_KERNEL_SCALAR)
            memcpy(href, h1, nb);
        else
            FUZZ_CHECK(memcmp(href, h1, nb) == 0);
    }
    uint8_t *cw = malloc(nc);
    FUZZ_CHECK(fl_conv_encode(c, ref, nb, cw) == 0);
    for (size_t i = 0; i < nc; i++)
        llr[i] = cw[i] ? -8.0f : 8.0f;
    FUZZ_CHECK(fl_conv_decode(c, llr, nb, out) == 0);
    FUZZ_CHECK(memcmp(ref, out, nb) == 0);
    fl_conv_set_kernel(c, CONV_KERNEL_AUTO);
    free(llr), free(hard), free(cw);
    return 0;
}
