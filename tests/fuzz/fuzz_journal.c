/* libFuzzer target: the --resume journal reader (sim/journal: fl_journal_open
 * with resume) on any journal content.
 * Input: byte 0 = points of the sweep - 1 (1..256), the rest is the journal
 * file; the sweep's scenario text is "fuzz" (so a journal whose first line
 * is {"scenario": "fuzz"} is loaded, any other refused with -ESTALE).
 * Contracts: 0 or -ESTALE (never another error: the file is there and
 * readable); on error no journal and a message naming it; on success the
 * table keeps its point count, every /frames record belongs to a point of
 * the sweep that holds a row, and the table exports. */
#include "tests/fuzz/fuzz_util.h"

#include "sim/journal.h"

#include <errno.h>

static void fuzz_journal_check(const results *t, int64_t points)
{
    FUZZ_CHECK(fl_results_points(t) == points);
    for (int k = 0; k < fl_results_record_tables(t); k++) {
        const cs_table *tab = fl_results_record_table(t, k);
        int pc = fl_cs_find(tab, "point");
        FUZZ_CHECK(fl_cs_rows(tab) == 0 || pc == 0);
        for (int64_t i = 0; i < fl_cs_rows(tab); i++) {
            int64_t p = fl_cs_i64(tab, pc, i);
            FUZZ_CHECK(p >= 0 && p < points && fl_results_has(t, p));
        }
    }
    FILE *null = fopen("/dev/null", "w");
    FUZZ_CHECK(null && fl_results_export(t, null, RESULTS_CSV) == 0);
    fclose(null);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    fuzz_in in = {d, n};
    int64_t points = (int64_t)fuzz_take(&in, 1) + 1;
    const char *jpath = fuzz_file(in.p, in.n, ".journal");
    char out[128];
    snprintf(out, sizeof out, "%.*s", (int)(strlen(jpath) - 8), jpath);
    results *t = fl_results_create(points);
    FUZZ_CHECK(t);
    int rc = 1;
    char why[512] = "";
    journal_file *j = fl_journal_open(t, out, "fuzz", 1, &rc, why, sizeof why);
    FUZZ_CHECK((j != NULL) == (rc == 0));
    FUZZ_CHECK(rc == 0 || rc == -ESTALE);
    if (j) {
        fuzz_journal_check(t, points);
        FUZZ_CHECK(fl_journal_close(j, why, sizeof why) == 0);
    } else {
        FUZZ_CHECK(strstr(why, jpath) == why);
    }
    fl_results_destroy(t);
    return 0;
}
