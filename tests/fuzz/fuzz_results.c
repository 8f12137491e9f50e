/* libFuzzer target: the results-file reader that `featlink export` and
 * `featlink table` use (sim/h5read: fl_results_read_h5, then the /frames record
 * table with fl_results_read_records_h5) on any file content.
 * libhdf5 parses the file (not instrumented here; its own bugs are outside
 * featlink, README "Trust boundary").
 * Contracts: 0 or -EINVAL (never -ENOMEM: every allocation is sized from a
 * dataset whose storage was checked against the file); on error no table,
 * no scenario text and a non-empty reason naming the file; every HDF5
 * handle closed again; on success the table fits the file (8 bytes a cell,
 * at most the deflate ratio over the file's bytes) and exports. */
#include "tests/fuzz/fuzz_util.h"

#include "codec/h5guard.h"
#include "sim/results.h"

#include <errno.h>
#include <hdf5.h>

static void fuzz_results_records(const char *path, results *t)
{
    char why[512] = "";
    int rc = fl_results_read_records_h5(path, "frames", t, why, sizeof why);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    FUZZ_CHECK(rc == 0 || strstr(why, path) == why);
    FUZZ_CHECK(H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
    if (rc == 0) {
        FILE *null = fopen("/dev/null", "w");
        FUZZ_CHECK(null && fl_results_export_records(t, "frames", null, RESULTS_CSV) == 0);
        fclose(null);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    const char *path = fuzz_file(d, n, ".h5");
    results *t = (results *)0x1;
    char *text = (char *)0x1;
    char why[512] = "";
    int rc = fl_results_read_h5(path, &t, &text, why, sizeof why);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    FUZZ_CHECK(H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
    if (rc) {
        FUZZ_CHECK(t == NULL && text == NULL);
        FUZZ_CHECK(strstr(why, path) == why);
        return 0;
    }
    int64_t rows = fl_results_points(t), cols = fl_results_columns(t);
    FUZZ_CHECK(rows >= 1 && cols >= 1);
    FUZZ_CHECK((double)rows * (double)cols * 8 <= ((double)n + 4096) * H5GUARD_MAX_RATIO * cols);
    FILE *null = fopen("/dev/null", "w");
    FUZZ_CHECK(null && fl_results_export(t, null, RESULTS_JSON) == 0);
    fclose(null);
    fuzz_results_records(path, t);
    fl_results_destroy(t);
    free(text);
    return 0;
}
