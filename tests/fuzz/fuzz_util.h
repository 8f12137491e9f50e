/* fuzz_util: what the libFuzzer targets in tests/fuzz share: a contract
 * check that aborts with its line (libFuzzer saves the input), a byte
 * reader for the parameters a target takes from the front of its input, and
 * a per-process scratch file for the readers that take a path. */
#ifndef FEATLINK_FUZZ_UTIL_H
#define FEATLINK_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_CHECK(c)                                                                  \
    do {                                                                               \
        if (!(c)) {                                                                    \
            fprintf(stderr, "%s:%d: contract broken: %s\n", __FILE__, __LINE__, #c);   \
            abort();                                                                   \
        }                                                                              \
    } while (0)

/* Take bytes from the front of the input; missing bytes read as 0. */
typedef struct {
    const uint8_t *p;
    size_t n;
} fuzz_in;

static inline uint32_t fuzz_take(fuzz_in *in, int bytes)
{
    uint32_t v = 0;
    for (int i = 0; i < bytes; i++) {
        v = v << 8 | (in->n ? *in->p : 0u);
        if (in->n)
            in->p++, in->n--;
    }
    return v;
}

static inline int fuzz_all_zero(const void *v, size_t bytes)
{
    const uint8_t *b = v;
    for (size_t i = 0; i < bytes; i++)
        if (b[i])
            return 0;
    return 1;
}

/* Write _n bytes to this process's scratch file and return its path. */
static inline const char *fuzz_file(const uint8_t *d, size_t n, const char *ext)
{
    static char path[128];
    snprintf(path, sizeof path, "/tmp/featlink-fuzz-%ld%s", (long)getpid(), ext);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (n && fwrite(d, 1, n, f) != n)
        abort();
    fclose(f);
    return path;
}

/* fuzz_rans / seeds: the frequency table of _ns symbols (2..17) read from
 * one byte each (frequency = byte + 1, scaled to 2^FUZZ_RANS_PREC, the
 * rounding remainder on the largest). */
#define FUZZ_RANS_PREC 12u
static inline void fuzz_rans_table(fuzz_in *in, uint32_t *freq, uint32_t ns)
{
    uint32_t raw[17], sum = 0;
    for (uint32_t i = 0; i < ns; i++)
        sum += raw[i] = fuzz_take(in, 1) + 1;
    uint32_t tot = 0;
    for (uint32_t i = 0; i < ns; i++) {
        freq[i] = raw[i] * (1u << FUZZ_RANS_PREC) / sum;
        if (!freq[i])
            freq[i] = 1;
        tot += freq[i];
    }
    /* fix the total to 2^FUZZ_RANS_PREC on the largest symbol */
    uint32_t big = 0;
    for (uint32_t i = 1; i < ns; i++)
        if (freq[i] > freq[big])
            big = i;
    freq[big] = freq[big] + (1u << FUZZ_RANS_PREC) - tot;
}

#endif
