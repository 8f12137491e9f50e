/* run: execute the sweep points of a scenario into a results table. */
#ifndef FEATLINK_RUN_H
#define FEATLINK_RUN_H

#include "sim/results.h"
#include "sim/scenario.h"

#include <stdio.h>

//  run_points : run every point of _s that _t does not hold yet, on _jobs
//               threads (OpenMP; results do not depend on _jobs). Each row
//               holds the swept keys first, then the measured columns.
//               _file names the scenario in messages; _journal (may be NULL)
//               gets every finished row; _quiet: no progress on stderr.
//               0, -EINVAL (bad input, exit 2) or another negative errno
//               (runtime failure) with a message in _err.
//               MPI build (sim/mpirun.h): collective; with several ranks,
//               rank 0 passes _t and _journal and gets every row, the other
//               ranks pass NULL for both; all return the same status.
int run_points(const scenario *s, const char *file, results *t, FILE *journal, int jobs, int quiet,
               char *err, size_t len);

#endif
