/* enumidx: k-of-n subsets coded position by position with the exact
 * conditional probability k_rem / n_rem (Cover 1973, "Enumerative source
 * encoding", in its arithmetic-coding form) on codec/rans at 31-bit
 * precision.  See enumidx.h.
 */
#include "codec/enumidx.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rans.h"

#define PREC 24u  // probability precision: the rans step loses ~M/L per symbol, so keep 2^24 << RANS_L

// frequency of "member" given k_rem of n_rem left (0 < k_rem < n_rem),
// round(2^31 k_rem / n_rem) kept inside [1, 2^31 - 1]
static inline uint32_t freq_one(uint64_t k_rem, uint64_t n_rem)
{
    uint64_t f = ((k_rem << PREC) + n_rem / 2) / n_rem;
    if (f < 1)
        f = 1;
    if (f > (1ull << PREC) - 1)
        f = (1ull << PREC) - 1;
    return (uint32_t)f;
}

int fl_enumidx_encode_mask(const uint8_t *mask, int64_t n, int64_t k, uint8_t **out, size_t *nbytes,
                        uint64_t *bits)
{
    if (!out || !nbytes)
        return -EINVAL;
    *out = NULL;
    *nbytes = 0;
    if (n < 0 || n > ENUMIDX_N_MAX || k < 0 || k > n || (n > 0 && !mask))
        return -EINVAL;
    // where the decoder stops: the first i with nothing left to choose
    int64_t ones = 0, stop = n;
    for (int64_t i = 0; i < n; i++) {
        if (ones == k || k - ones == n - i) {
            stop = i;
            break;
        }
        ones += mask[i] != 0;
    }
    int64_t total = ones;
    for (int64_t i = stop; i < n; i++)
        total += mask[i] != 0;
    if (total != k)
        return -EINVAL;
    rans_enc e;
    if (fl_rans_enc_init(&e, (size_t)(stop / 64) + 16) != 0)
        return -ENOMEM;
    // LIFO: last position first; ones = members in [0, i) after the decrement
    for (int64_t i = stop - 1; i >= 0; i--) {
        int bit = mask[i] != 0;
        ones -= bit;
        uint32_t f1 = freq_one((uint64_t)(k - ones), (uint64_t)(n - i));
        uint32_t f0 = (1u << PREC) - f1;
        if (bit)
            rans_enc_put(&e, f0, f1, PREC);
        else
            rans_enc_put(&e, 0, f0, PREC);
    }
    int rc = fl_rans_enc_finish(&e, out, nbytes);
    fl_rans_enc_free(&e);
    if (rc == 0 && bits)
        *bits = 8ull * *nbytes;
    return rc;
}

int fl_enumidx_encode(const int64_t *idx, int64_t k, int64_t n, uint8_t **out, size_t *nbytes,
                   uint64_t *bits)
{
    if (!out || !nbytes)
        return -EINVAL;
    *out = NULL;
    *nbytes = 0;
    if (n < 0 || n > ENUMIDX_N_MAX || k < 0 || k > n || (k > 0 && !idx))
        return -EINVAL;
    for (int64_t j = 0; j < k; j++)
        if (idx[j] < 0 || idx[j] >= n || (j > 0 && idx[j] <= idx[j - 1]))
            return -EINVAL;
    uint8_t *mask = calloc((size_t)n + 1, 1);
    if (!mask)
        return -ENOMEM;
    for (int64_t j = 0; j < k; j++)
        mask[idx[j]] = 1;
    int rc = fl_enumidx_encode_mask(mask, n, k, out, nbytes, bits);
    free(mask);
    return rc;
}

int fl_enumidx_decode_mask(const uint8_t *buf, size_t nbytes, int64_t n, int64_t k, uint8_t *mask)
{
    if (n < 0 || n > ENUMIDX_N_MAX || k < 0 || k > n || (n > 0 && !mask))
        return -EINVAL;
    rans_dec d;
    if (fl_rans_dec_init(&d, buf, nbytes) != 0) {
        if (n)
            memset(mask, 0, (size_t)n);
        return -EBADMSG;
    }
    int64_t k_rem = k;
    for (int64_t i = 0; i < n; i++) {
        if (k_rem == 0) {
            memset(mask + i, 0, (size_t)(n - i));
            break;
        }
        if (k_rem == n - i) {
            memset(mask + i, 1, (size_t)(n - i));
            break;
        }
        uint32_t f1 = freq_one((uint64_t)k_rem, (uint64_t)(n - i));
        uint32_t f0 = (1u << PREC) - f1;
        uint32_t slot = rans_dec_peek(&d, PREC);
        int bit = slot >= f0;
        if (bit)
            rans_dec_advance(&d, f0, f1, PREC);
        else
            rans_dec_advance(&d, 0, f0, PREC);
        mask[i] = (uint8_t)bit;
        k_rem -= bit;
    }
    if (fl_rans_dec_finish(&d) != 0) {
        if (n)
            memset(mask, 0, (size_t)n);
        return -EBADMSG;
    }
    return 0;
}

int fl_enumidx_decode(const uint8_t *buf, size_t nbytes, int64_t n, int64_t k, int64_t *idx)
{
    if (n < 0 || n > ENUMIDX_N_MAX || k < 0 || k > n || (k > 0 && !idx))
        return -EINVAL;
    uint8_t *mask = malloc((size_t)n + 1);
    if (!mask)
        return -ENOMEM;
    int rc = fl_enumidx_decode_mask(buf, nbytes, n, k, mask);
    if (rc == 0) {
        int64_t j = 0;
        for (int64_t i = 0; i < n; i++)
            if (mask[i])
                idx[j++] = i;
    }
    free(mask);
    return rc;
}

double fl_enumidx_log2_binom(int64_t n, int64_t k)
{
    if (k < 0 || k > n)
        return NAN;
    return (lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1)) / M_LN2;
}
