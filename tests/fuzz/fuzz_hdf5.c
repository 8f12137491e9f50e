/* libFuzzer target: fl_source_load_hdf5 ("/features") on any file content.
 * libhdf5 itself parses the file (it is not instrumented here; its own bugs,
 * e.g. 1.10.8's H5O__msg_iterate_real overflow, are outside featlink).
 * Contracts: 0 or a negative errno other than -ENOMEM (allocation is sized
 * only after the dataset's storage was checked against the file); on error
 * the tensor is zeroed and the reason non-empty; on success the tensor is
 * within the limits and no larger than the file allows (compression 1100:1). */
#include "tests/fuzz/fuzz_util.h"

#include "codec/h5guard.h"
#include "codec/source.h"

#include <errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    const char *path = fuzz_file(d, n, ".h5");
    source_tensor t;
    memset(&t, 0x33, sizeof t);
    char why[256] = "";
    int rc = fl_source_load_hdf5(path, "/features", &t, why, sizeof why);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EIO || rc == -ENOENT);
    /* every file and object handle featlink opened is closed again */
    FUZZ_CHECK(H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
    if (rc) {
        FUZZ_CHECK(fuzz_all_zero(&t, sizeof t));
        FUZZ_CHECK(why[0] != 0);
    } else {
        int64_t m = t.patches * t.tokens * t.dims;
        FUZZ_CHECK(m >= 1 && m <= SOURCE_MAX_ELEMENTS);
        FUZZ_CHECK((double)m * 2 <= (double)n * H5GUARD_MAX_RATIO);
    }
    fl_source_free(&t);
    return 0;
}
