/* mpirun: sweep points over MPI ranks (docs/design-notes.md §8), built only with
 * `make MPI=1` (-DFEATLINK_MPI; sim/mpirun.c is empty otherwise).
 *
 * Every rank parses and validates the scenario itself (deterministic), so bad
 * input is refused by all ranks alike before any work. Ranks > 0 are silent
 * (their stdout and stderr go to /dev/null); what they have to say, a failed
 * point, travels to rank 0, which prints it.
 *
 * Work distribution is dynamic: rank 0 holds the list of points still to run
 * (with --resume, those missing from its journal) and deals them out one at a
 * time to every asking thread: its own --jobs threads and, over MPI, the
 * --jobs threads of every other rank. A thread of another rank sends its
 * finished row (as column values, fl_row_pack in sim/row.h) with its
 * next request. Rank 0 keeps a polling thread for this, besides its --jobs
 * computing threads; it stores every row, writes the journal and, at the end,
 * the HDF5 file. Each point draws its randomness from Philox keyed by
 * (seed, point), so the table is identical whatever the rank or thread count.
 *
 * Collectives, in the order every rank calls them: mpirun_start (once, or
 * mpirun_finish calls it in its place), the work of mpirun_points when the
 * start agreed on success, mpirun_finish.
 */
#ifndef FEATLINK_MPIRUN_H
#define FEATLINK_MPIRUN_H

#include "sim/results.h"
#include "sim/row.h"

#include <stddef.h>
#include <stdint.h>

//  mpirun_compute_fn : compute point _i into _r; 0 or a negative errno with
//                      the whole message in _err (_len bytes)
typedef int (*mpirun_compute_fn)(void *arg, int64_t i, row *r, char *err, size_t len);
//  mpirun_store_fn : keep point _i's row _r (rank 0 only, one call at a time)
typedef void (*mpirun_store_fn)(void *arg, int64_t i, const row *r);

//  mpirun_init : MPI_Init_thread; silences ranks > 0; makes an exit() before
//                mpirun_finish (--help) finalize MPI. 0 or -EIO
int mpirun_init(int *argc, char ***argv);
//  mpirun_rank, mpirun_size : this rank in MPI_COMM_WORLD, the rank count
int mpirun_rank(void);
int mpirun_size(void);
//  mpirun_start : collective; every rank gives its setup result _rc (0 or a
//                 negative errno); returns 0 when all succeeded, else -EINVAL
//                 (some rank had bad input) or -EIO
int mpirun_start(int rc);
//  mpirun_points : collective, after mpirun_start returned 0, with more than
//      one rank. Runs the points of [0, _n) that _t (rank 0: the table; NULL
//      elsewhere) does not hold, on _jobs threads per rank, _compute on
//      every rank, _store on rank 0. Returns the same status on every rank:
//      0 or the first failure's negative errno (its message in _err on rank 0)
int mpirun_points(const results *t, int64_t n, int jobs, mpirun_compute_fn compute,
                  mpirun_store_fn store, void *arg, char *err, size_t len);
//  mpirun_finish : collective; _status is this rank's exit status (0, 1, 2);
//                  returns the highest over all ranks, after MPI_Finalize
int mpirun_finish(int status);

#endif
