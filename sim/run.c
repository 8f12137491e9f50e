/* run: the sweep loop (run.h). Points are independent; each draws its
 * randomness from Philox keyed by (seed, point), so the table is the same
 * whatever the thread count (docs/design-notes.md §5), or the MPI rank count
 * (sim/mpirun.h, `make MPI=1`). */
#include "sim/run.h"

#include "sim/frametab.h"
#include "sim/point.h"
#ifdef FEATLINK_MPI
#include "sim/mpirun.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct {
    const scenario *s;
    const char *file;
    point_ctx ctx;
    results *t;
    journal_file *journal;
    const run_hooks *hooks;
    int64_t n, done, resumed;
    int store_rc;         /* first failure to keep a row (table or journal) */
    char store_err[512];  /* its message */
} run_state;

static void run_report(run_state *st, int64_t point, uint64_t bits, uint64_t errors)
{
    if (!st->hooks || !st->hooks->progress)
        return;
    run_progress p = {.total = st->n, .done = st->done, .resumed = st->resumed,
                      .point = point, .bits = bits, .errors = errors};
    st->hooks->progress(st->hooks->arg, &p);
}

/* A point's own progress (point.h); serialised with run_store. */
static void run_point_progress(void *arg, int64_t point, uint64_t bits, uint64_t errors)
{
#pragma omp critical(fl_results)
    run_report(arg, point, bits, errors);
}

/* Compute point _i into _full: the swept keys first, then the measured
 * columns; a system point's /frames records into _frames (NULL: not kept).
 * 0 or a negative errno with the whole message in _err. */
static int run_compute(const run_state *st, int64_t i, row *full, frametab *frames, char *err, size_t len)
{
    const scenario *s = st->s;
    fl_config c;
    row r;
    char perr[SCN_ERR_LEN];
    point_ctx ctx = st->ctx;
    ctx.frames = frames;
    if (frames)
        fl_frametab_reset(frames);
    int rc = fl_scenario_config(s, i, &c, perr, sizeof perr);
    if (!rc)
        rc = fl_point_run(&c, i, &ctx, &r, perr, sizeof perr);
    if (rc) {
        snprintf(err, len, "%s: point %lld: %s", st->file, (long long)i, perr);
        return rc;
    }
    fl_row_reset(full);
    for (int k = 0; k < fl_scenario_swept(s) && !rc; k++) {
        char txt[ROW_STR_LEN];
        double num;
        fl_scenario_swept_value(s, i, k, txt, sizeof txt, &num);
        if (num == num || strcmp(txt, "inf") == 0)
            rc = fl_row_set(full, fl_scenario_swept_key(s, k), num, "");
        else
            rc = fl_row_set_str(full, fl_scenario_swept_key(s, k), txt);
    }
    for (int k = 0; k < r.n && !rc; k++) {
        if (fl_row_find(full, r.col[k].name))
            continue;
        if (r.col[k].is_str)
            rc = fl_row_set_str(full, r.col[k].name, r.col[k].str);
        else
            rc = fl_row_set(full, r.col[k].name, r.col[k].value, r.col[k].unit);
    }
    if (rc)
        snprintf(err, len, "%s: point %lld: more than %d result columns (swept keys included)", st->file,
                 (long long)i, ROW_MAX_COLS);
    return rc;
}

#ifdef FEATLINK_MPI
/* run_compute as sim/mpirun calls it: rows only (records do not travel
 * between ranks yet) */
static int run_one(void *arg, int64_t i, row *full, char *err, size_t len)
{
    return run_compute(arg, i, full, NULL, err, len);
}
#endif

/* Keep point _i's /frames records (may be NULL) and row: table, journal
 * (records first: the row line commits them), progress. One call at a
 * time. A failure to keep them (ENOMEM, the record cap, a full disk under
 * the journal) is remembered in store_rc and stops the run. */
static void run_keep(run_state *st, int64_t i, const row *full, const frametab *frames)
{
    if (st->store_rc)
        return;
    int rc = frames ? fl_frametab_store(st->t, i, frames) : 0;
    if (rc == -EFBIG)
        snprintf(st->store_err, sizeof st->store_err,
                 "%s: point %lld: /frames would hold more than system.max_frame_records = %lld records; "
                 "raise the key (at most 67108864) or set it to 0 to keep no /frames and run again without --resume "
                 "(a journal resumes only the same effective scenario, this key included)", st->file, (long long)i,
                 (long long)frames->max);
    else if (!rc)
        rc = fl_results_set(st->t, i, full);
    if (rc && rc != -EFBIG)
        snprintf(st->store_err, sizeof st->store_err, "%s: cannot keep point %lld: %s", st->file, (long long)i,
                 strerror(-rc));
    if (!rc && st->journal && frames && frames->n)
        rc = fl_journal_add_frames(st->journal, i, frames, st->store_err, sizeof st->store_err);
    if (!rc && st->journal)
        rc = fl_journal_add(st->journal, i, full, st->store_err, sizeof st->store_err);
    st->store_rc = rc;
    st->done++;
    run_report(st, -1, 0, 0);
}

#ifdef FEATLINK_MPI
static void run_store(void *arg, int64_t i, const row *full)
{
    run_keep(arg, i, full, NULL);
}
#endif

/* The sweep on this process's threads. Nesting is left as the OpenMP
 * runtime has it (no process-wide switch): each sweep thread caps the
 * regions it opens itself (channel/ber.c) at its share of _jobs, so a nested
 * region never oversubscribes. 0 or the first failure. */
static int run_local(run_state *st, int jobs, char *err, size_t len)
{
    const run_hooks *hooks = st->hooks;
    int64_t n = st->n, pending = n - st->resumed;
    int failed = 0;
    int outer = pending < jobs ? (int)(pending > 0 ? pending : 1) : jobs;
    int inner = jobs / outer > 0 ? jobs / outer : 1;
#pragma omp parallel num_threads(outer)
    {
#ifdef _OPENMP
    omp_set_num_threads(inner); /* this thread's own nthreads-var only */
#endif
    frametab frames; /* this thread's point's records (sim/frametab) */
    fl_frametab_init(&frames, 0, 0);
#pragma omp for schedule(dynamic, 1)
    for (int64_t i = 0; i < n; i++) {
        int stop;
#pragma omp atomic read
        stop = failed;
        if (!stop && hooks && hooks->stop && *hooks->stop) {
#pragma omp critical(fl_results)
            if (!failed) {
                snprintf(err, len, "%s: interrupted", st->file);
                failed = -EINTR;
            }
            stop = 1;
        }
        if (stop || fl_results_has(st->t, i))
            continue;
        row full;
        char perr[2 * SCN_ERR_LEN]; /* file name + point + message */
        int prc = run_compute(st, i, &full, &frames, perr, sizeof perr);
#pragma omp critical(fl_results)
        {
            if (!prc) {
                run_keep(st, i, &full, &frames);
                if (st->store_rc && !failed) {
                    snprintf(err, len, "%s", st->store_err);
                    failed = st->store_rc;
                }
            } else if (!failed) {
                snprintf(err, len, "%s", perr);
                failed = prc;
            }
        }
    }
    fl_frametab_free(&frames);
    }
    return failed;
}

/* /frames in point order once every point is in (points finish in any
 * order on threads and ranks; each point's records stay in their order) */
static int run_sorted(results *t, int rc, const char *file, char *err, size_t len)
{
    if (rc || !t)
        return rc;
    rc = fl_frametab_sort(t);
    if (rc)
        snprintf(err, len, "%s: cannot order the /frames records: %s", file, strerror(-rc));
    return rc;
}

/* Run every point of _s into _t (missing points only). Returns 0 or a
 * negative errno with _err filled; _journal may be NULL. */
int fl_run_points(const scenario *s, const char *file, results *t, journal_file *journal, int jobs,
               const run_hooks *hooks, char *err, size_t len)
{
    run_state st = {.s = s, .file = file, .t = t, .journal = journal, .hooks = hooks};
    st.n = fl_scenario_points(s);
    int64_t n = st.n;
    for (int64_t i = 0; t && i < n; i++)
        st.resumed += fl_results_has(t, i);
    st.done = st.resumed;
    st.ctx.progress = run_point_progress;
    st.ctx.progress_arg = &st;
    fl_config c0;
    source_tensor fsrc = {0};
    /* bad input is -EINVAL (exit 2); running out of memory stays -ENOMEM */
    int rc = fl_scenario_config(s, 0, &c0, err, len);
    if (rc && rc != -ENOMEM)
        rc = -EINVAL;
    if (!rc && (c0.source.kind == SRC_NPY || c0.source.kind == SRC_HDF5)) {
        rc = fl_point_load_source(&c0, file, &fsrc, err, len);
        if (rc && rc != -ENOMEM)
            rc = -EINVAL;
        if (!rc)
            st.ctx.file_source = &fsrc;
    }
#ifdef FEATLINK_MPI
    /* every rank set up alike, or none starts (mpirun.h) */
    int own = rc;
    rc = mpirun_start(rc);
    if (rc && !own)
        snprintf(err, len, "%s: another MPI rank could not set up the run", file);
    if (!rc && mpirun_size() > 1) {
        rc = mpirun_points(t, n, jobs, run_one, run_store, &st, err, len);
        if (!rc && st.store_rc) {
            snprintf(err, len, "%s", st.store_err);
            rc = st.store_rc;
        }
        fl_source_free(&fsrc);
        return run_sorted(t, rc, file, err, len);
    }
#endif
    if (rc) {
        fl_source_free(&fsrc);
        return rc;
    }
    rc = run_local(&st, jobs, err, len);
    fl_source_free(&fsrc);
    return run_sorted(t, rc, file, err, len);
}
