/* enumidx: enumerative coding of a k-of-n subset (PINR removal / pruning
 * masks) at log2 C(n,k) + O(1) bits with the rANS coder.
 *
 * Method: the positions are visited in order and position i is coded as a
 * binary symbol with the exact conditional probability that it belongs to
 * the subset, P(1) = k_rem / n_rem (k_rem members left among the n_rem
 * positions left).  The product of these conditionals is 1 / C(n,k)
 * (T. M. Cover, "Enumerative source encoding", IEEE Trans. IT 19(1), 1973,
 * gives the same count), so the information content is exactly
 * log2 C(n,k).  The probability is rounded to 24 bits (not rans' maximum
 * of 31: with the state's lower bound 2^31 a 31-bit total makes the rANS
 * step itself lossy), which costs < 1e-9 bit per position while
 * k_rem / n_rem >= 2^-20 (n up to ~10^6 for any k); coding stops as soon as
 * the rest is forced (k_rem = 0 or k_rem = n_rem).  The total length is
 * log2 C(n,k) + 31..63 bits (the rans flush; see codec/rans.h), a multiple
 * of 32 bits.  n and k are not in the stream: the caller knows them (PINR's
 * f, g, h fix them).
 */
#ifndef FEATLINK_ENUMIDX_H
#define FEATLINK_ENUMIDX_H

#include <stddef.h>
#include <stdint.h>

#define ENUMIDX_N_MAX 0xFFFFFFFFll  // largest n

//  fl_enumidx_encode_mask : code the subset {i : mask[i] != 0}
//      _mask   : n bytes, nonzero = member
//      _n      : set size, 0..ENUMIDX_N_MAX
//      _k      : subset size; must equal the number of nonzero bytes
//      _out    : receives a malloc'd byte buffer (caller frees)
//      _nbytes : its size in bytes; _bits: NULL or receives 8 * nbytes
//  returns 0, -EINVAL or -ENOMEM
int fl_enumidx_encode_mask(const uint8_t *mask, int64_t n, int64_t k, uint8_t **out, size_t *nbytes,
                        uint64_t *bits);

//  fl_enumidx_encode : as fl_enumidx_encode_mask from a sorted index list
//      _idx : k strictly increasing indices in [0, n)
int fl_enumidx_encode(const int64_t *idx, int64_t k, int64_t n, uint8_t **out, size_t *nbytes,
                   uint64_t *bits);

//  fl_enumidx_decode_mask : decode into _mask (n bytes of 0/1; exactly k ones on success)
//  returns 0, -EBADMSG (corrupt or truncated stream: mask then all zero) or -EINVAL
int fl_enumidx_decode_mask(const uint8_t *buf, size_t nbytes, int64_t n, int64_t k, uint8_t *mask);

//  fl_enumidx_decode : decode into _idx (room for k indices, increasing)
//  returns 0, -EBADMSG, -EINVAL or -ENOMEM
int fl_enumidx_decode(const uint8_t *buf, size_t nbytes, int64_t n, int64_t k, int64_t *idx);

//  fl_enumidx_log2_binom : log2 C(n, k) (lgamma; for reports), 0 <= k <= n
double fl_enumidx_log2_binom(int64_t n, int64_t k);

#endif
