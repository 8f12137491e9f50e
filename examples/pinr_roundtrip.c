/* pinr_roundtrip: one PINR frame (paper 000, Algorithm 1) encoded and
 * decoded. Checked against values computed here, not by codec/pinr:
 *   - set sizes |A| = round(f Nt), |Bp| = round(g (Nt - |A|)), k = round(h Ns)
 *     and the stream length 256 (header) + index list + kept symbols x Nb,
 *     the index list holding |A| + |Bp| token numbers of ceil(log2 Nt) bits
 *     and |Bp| k symbol numbers of ceil(log2 Ns) bits;
 *   - decode(encode(x)): the symbols fl_pinr_select drops (|A| Ns + |Bp| k of
 *     them) are 0, and every kept one is within half a quantiser step
 *     (max|x| / (2^(Nb-1) - 1)) of x.
 * Uses codec/ only. Exit 0 when all agree, 1 otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "codec/pinr.h"

#define NT 96
#define NS 64

static int64_t round_half_up(double v) { return (int64_t)floor(v + 0.5); }
static int ceil_log2(int64_t n) { int b = 0; while (((int64_t)1 << b) < n) b++; return b; }

int main(void)
{
    pinr_params p = {.tokens = NT, .dims = NS, .bits = 8, .f = 0.25, .g = 0.5, .h = 0.5,
                     .index = PINR_INDEX_LIST};
    static float x[NT * NS], y[NT * NS];
    double xmax = 0;
    for (int i = 0; i < NT * NS; i++) { /* a smooth tensor, off the quantiser grid */
        x[i] = (float)(2.0 * sin(0.011 * i * i + 0.3) + 0.5 * cos(0.7 * i));
        xmax = fmax(xmax, fabs(x[i]));
    }
    int64_t a = round_half_up(p.f * NT), bp = round_half_up(p.g * (NT - a)), k = round_half_up(p.h * NS);
    uint64_t index = (uint64_t)(a + bp) * ceil_log2(NT) + (uint64_t)(bp * k) * ceil_log2(NS);
    int64_t kept = NT * NS - a * NS - bp * k;
    uint64_t expect_bits = 256 + index + (uint64_t)kept * p.bits;

    uint8_t *buf = NULL;
    uint64_t nbits = 0;
    pinr_layout lay;
    if (fl_pinr_encode(&p, x, fl_pinr_frame_seed(1, 0, 0), &buf, &nbits, &lay) ||
        fl_pinr_decode(buf, nbits, NULL, NT, NS, y, NULL, NULL)) {
        fprintf(stderr, "pinr_encode/decode failed\n");
        return 1;
    }
    free(buf);
    static uint8_t keep[NT * NS];
    if (fl_pinr_select(&p, fl_pinr_frame_seed(1, 0, 0), keep)) {
        fprintf(stderr, "pinr_select failed\n");
        return 1;
    }
    double half_step = 0.5 * xmax / 127.0, maxerr = 0;
    int64_t zeros = 0, nonzero_dropped = 0;
    for (int i = 0; i < NT * NS; i++) {
        if (!keep[i]) {
            zeros++;
            nonzero_dropped += y[i] != 0.0f;
        } else {
            maxerr = fmax(maxerr, fabs((double)y[i] - x[i]));
        }
    }
    printf("PINR Nt=%d Ns=%d Nb=%d f=%.2f g=%.2f h=%.2f: |A|=%lld |Bp|=%lld k=%lld\n", NT, NS, p.bits,
           p.f, p.g, p.h, (long long)lay.removed, (long long)lay.pruned_tokens,
           (long long)lay.pruned_per_token);
    printf("stream %llu bits (computed here %llu), of which index %llu (here %llu)\n",
           (unsigned long long)nbits, (unsigned long long)expect_bits,
           (unsigned long long)lay.index_bits, (unsigned long long)index);
    printf("decoded: %lld dropped symbols (computed here %lld), %lld of them not 0;\n"
           "         max error on the kept ones %.4g (half step %.4g)\n",
           (long long)zeros, (long long)(NT * NS - kept), (long long)nonzero_dropped, maxerr, half_step);
    int ok = lay.removed == a && lay.pruned_tokens == bp && lay.pruned_per_token == k &&
             nbits == expect_bits && lay.index_bits == index && zeros == NT * NS - kept && nonzero_dropped == 0 &&
             maxerr <= half_step * (1 + 1e-6);
    printf(ok ? "agree\n" : "DISAGREE\n");
    return ok ? 0 : 1;
}
