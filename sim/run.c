/* run: the sweep loop (run.h). Points are independent; each draws its
 * randomness from Philox keyed by (seed, point), so the table is the same
 * whatever the thread count (DESIGN.md §5). */
#include "sim/run.h"

#include "sim/point.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Run every point of _s into _t (missing points only). Returns 0 or a
 * negative errno with _err filled; _journal may be NULL. */
int run_points(const scenario *s, const char *file, results *t, FILE *journal, int jobs,
                      int quiet, char *err, size_t len)
{
    int64_t n = scenario_points(s);
    fl_config c0;
    if (scenario_config(s, 0, &c0, err, len))
        return -EINVAL;
    source_tensor fsrc = {0};
    point_ctx ctx = {0};
    if (c0.source.kind == SRC_NPY || c0.source.kind == SRC_HDF5) {
        int rc = point_load_source(&c0, file, &fsrc, err, len);
        if (rc)
            return -EINVAL;
        ctx.file_source = &fsrc;
    }
    int failed = 0;
    int64_t done = 0;
#ifdef _OPENMP
    omp_set_max_active_levels(1);
#endif
#pragma omp parallel for schedule(dynamic, 1) num_threads(jobs)
    for (int64_t i = 0; i < n; i++) {
        int stop;
#pragma omp atomic read
        stop = failed;
        if (stop || results_has(t, i))
            continue;
        fl_config c;
        row r;
        char perr[SCN_ERR_LEN];
        int rc = scenario_config(s, i, &c, perr, sizeof perr);
        if (!rc) {
            rc = point_run(&c, i, &ctx, &r, perr, sizeof perr);
            if (!rc) {
                /* swept keys first, then the measured columns */
                row full;
                row_reset(&full);
                for (int k = 0; k < scenario_swept(s); k++) {
                    char txt[ROW_STR_LEN];
                    double num;
                    scenario_swept_value(s, i, k, txt, sizeof txt, &num);
                    if (num == num || strcmp(txt, "inf") == 0)
                        row_set(&full, scenario_swept_key(s, k), num, "");
                    else
                        row_set_str(&full, scenario_swept_key(s, k), txt);
                }
                for (int k = 0; k < r.n; k++) {
                    if (row_find(&full, r.col[k].name))
                        continue;
                    if (r.col[k].is_str)
                        row_set_str(&full, r.col[k].name, r.col[k].str);
                    else
                        row_set(&full, r.col[k].name, r.col[k].value, r.col[k].unit);
                }
#pragma omp critical(results)
                {
                    results_set(t, i, &full);
                    if (journal)
                        results_journal_add(journal, i, &full);
                    done++;
                    if (!quiet)
                        fprintf(stderr, "\rfeatlink: point %lld/%lld", (long long)done, (long long)n);
                }
            }
        }
        if (rc) {
#pragma omp critical(results)
            {
                if (!failed) {
                    snprintf(err, len, "%s: point %lld: %s", file, (long long)i, perr);
                    failed = rc;
                }
            }
        }
    }
    if (!quiet)
        fprintf(stderr, "\n");
    source_free(&fsrc);
    return failed;
}

