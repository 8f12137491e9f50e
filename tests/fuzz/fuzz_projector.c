/* libFuzzer target: fl_projector_load on any file content (libhdf5 parses it;
 * see fuzz_hdf5.c). Contracts: 0 or -EINVAL / -EIO (never -ENOMEM for these
 * small files); on error *out is untouched and the reason non-empty; on success the sizes chain and
 * fl_projector_execute on one zero token gives finite outputs. */
#include "tests/fuzz/fuzz_util.h"

#include "codec/h5guard.h"
#include "codec/projector.h"

#include <errno.h>
#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    const char *path = fuzz_file(d, n, ".h5");
    projector *p = (projector *)(uintptr_t)1;
    char why[320] = "";
    int rc = fl_projector_load(path, &p, why, sizeof why);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EIO);
    /* every file and object handle featlink opened is closed again */
    FUZZ_CHECK(H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
    if (rc) {
        FUZZ_CHECK(p == (projector *)(uintptr_t)1);
        FUZZ_CHECK(why[0] != 0); /* every failure says why */
        return 0;
    }
    size_t in = fl_projector_in_dims(p), out = fl_projector_out_dims(p), h = fl_projector_hidden_dims(p);
    FUZZ_CHECK(in >= 1 && out >= 1 && h >= 1);
    FUZZ_CHECK((double)(in * h + out * h) * 4 <= (double)n * H5GUARD_MAX_RATIO * 2);
    float *x = calloc(in, sizeof *x), *y = malloc(out * sizeof *y);
    FUZZ_CHECK(fl_projector_execute(p, x, 1, y) == 0);
    for (size_t i = 0; i < out; i++)
        FUZZ_CHECK(!isnan(y[i]));
    free(x), free(y);
    fl_projector_destroy(p);
    return 0;
}
