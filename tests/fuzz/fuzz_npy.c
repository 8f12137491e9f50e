/* libFuzzer target: fl_source_load_npy on any file content. Contracts: 0,
 * -EINVAL or -EIO (never -ENOMEM: sizes are checked against the file before
 * allocation, and a file this fuzzer writes is small); on error the tensor is
 * zeroed and the reason is a non-empty string; on success the shape fits the
 * limits and the file holds its data. */
#include "tests/fuzz/fuzz_util.h"

#include "codec/source.h"

#include <errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    const char *path = fuzz_file(d, n, ".npy");
    source_tensor t;
    memset(&t, 0x33, sizeof t);
    char why[256];
    memset(why, 'x', sizeof why);
    int rc = fl_source_load_npy(path, &t, why, sizeof why);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EIO);
    FUZZ_CHECK(memchr(why, 0, sizeof why) != NULL);
    if (rc) {
        FUZZ_CHECK(fuzz_all_zero(&t, sizeof t));
        FUZZ_CHECK(why[0] != 0);
    } else {
        int64_t m = t.patches * t.tokens * t.dims;
        FUZZ_CHECK(t.patches >= 1 && t.tokens >= 1 && t.dims >= 1 && m <= SOURCE_MAX_ELEMENTS);
        FUZZ_CHECK((uint64_t)m * 2 <= n);
        volatile float s = 0;
        for (int64_t i = 0; i < m; i++)
            s += t.x[i]; /* every element was written (MSan/ASan see the reads) */
        (void)s;
    }
    fl_source_free(&t);
    return 0;
}
