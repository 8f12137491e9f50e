/* run: execute the sweep points of a scenario into a results table. */
#ifndef FEATLINK_RUN_H
#define FEATLINK_RUN_H

#include "sim/journal.h"
#include "sim/results.h"
#include "sim/scenario.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

/* Progress, reported to the caller (library code never prints). */
typedef struct {
    int64_t total;        /* points in the sweep */
    int64_t done;         /* points finished, including those a --resume found */
    int64_t resumed;      /* points already done when the run started */
    int64_t point;        /* the point reporting progress within itself, or -1 */
    uint64_t bits;        /* within that point: bits simulated so far (BER points) */
    uint64_t errors;      /* within that point: bit errors counted so far */
} run_progress;

//  run_progress_fn : called after every finished point (point = -1) and,
//                    from long points, with their own progress. Calls are
//                    serialised (never two at once); keep it cheap.
typedef void (*run_progress_fn)(void *arg, const run_progress *p);

typedef struct {
    run_progress_fn progress;     /* may be NULL */
    void *arg;
    volatile sig_atomic_t *stop;  /* may be NULL; nonzero: take no more points,
                                     finish those running, return -EINTR */
} run_hooks;

//  fl_run_points : run every point of _s that _t does not hold yet, on _jobs
//               threads (OpenMP; results do not depend on _jobs). Each row
//               holds the swept keys first, then the measured columns.
//               _file names the scenario in messages; _journal (may be NULL)
//               gets every finished row; _hooks (may be NULL): progress
//               and an interrupt flag (-EINTR when it stopped the run).
//               0, -EINVAL (bad input, exit 2) or another negative errno
//               (runtime failure: ENOMEM, a journal write failing with
//               ENOSPC, ...) with a message naming its cause in _err.
//               MPI build (sim/mpirun.h): collective; with several ranks,
//               rank 0 passes _t and _journal and gets every row, the other
//               ranks pass NULL for both; all return the same status.
int fl_run_points(const scenario *s, const char *file, results *t, journal_file *journal, int jobs,
               const run_hooks *hooks, char *err, size_t len);

#endif
