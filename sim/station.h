/* station: a service station of the discrete-event system layer — c
 * parallel workers and one waiting line, FIFO or earliest deadline first —
 * with the time integrals that queueing checks need (busy workers, jobs in
 * the station), so utilisation and Little's law L = λW can be measured.
 *
 * The station does not keep time or schedule: the caller's event loop
 * (sim/evq) tells it when a job arrives and when a worker finishes, and
 * schedules the completion of every job the station starts (at start +
 * service). Non-preemptive: a started job runs to completion. Times are
 * evq ticks (1 ps).
 *
 * Workers are taken lowest index first; the waiting line is a binary heap
 * keyed by (deadline, arrival order) for EDF and by arrival order alone for
 * FIFO, so ties are broken by arrival order in both.
 */
#ifndef FEATLINK_STATION_H
#define FEATLINK_STATION_H

#include <stddef.h>
#include <stdint.h>

#include "sim/evq.h"

typedef enum { STATION_FIFO = 0, STATION_EDF = 1 } station_discipline;

typedef struct {
    uint64_t id;        /* the caller's job number */
    evq_time arrival;   /* when it reached this station */
    evq_time deadline;  /* EDF key (ignored by FIFO) */
    evq_time service;   /* how long a worker takes */
    evq_time start;     /* set by the station when a worker takes it */
} station_job;

typedef struct {
    double   elapsed_s;      /* since the last reset */
    double   utilisation;    /* busy worker-time / (workers x elapsed) */
    double   mean_in_system; /* time-average jobs waiting or in service (L) */
    double   mean_waiting;   /* time-average jobs waiting (Lq) */
    uint64_t arrivals, starts, completions;   /* since the last reset */
    uint64_t batches;        /* worker starts (= starts without batching) */
} station_stats;

typedef struct station station;

//  fl_station_create : _workers >= 1 parallel workers, discipline _d;
//                   NULL on bad arguments or no memory
station *fl_station_create(unsigned workers, station_discipline d);
//  fl_station_create_batch : the same, each worker serving up to _batch_max
//                         (1 .. STATION_BATCH_MAX) jobs together
station *fl_station_create_batch(unsigned workers, station_discipline d, size_t batch_max);
void fl_station_destroy(station *s);

//  fl_station_arrive : job _j reaches the station at _now. When a worker is
//                   free it starts at once: *_started = 1, *_worker = its
//                   index, _j->start = _now (the caller schedules the end at
//                   _now + _j->service); else it waits (*_started = 0).
//                   0, -EINVAL (_now before the last event) or -ENOMEM
int fl_station_arrive(station *s, evq_time now, station_job *j, int *started, unsigned *worker);
//  fl_station_finish : worker _w ends its job at _now; *_done receives it. If a
//                   job waits, _w takes the next one: *_started = 1 and
//                   *_next (start = _now). 0, or -EINVAL (_w idle / bad time)
int fl_station_finish(station *s, evq_time now, unsigned w, station_job *done,
                   int *started, station_job *next);
//  fl_station_reset_stats : restart the integrals and counts at _now (warm-up
//                        deletion); jobs present stay
void fl_station_reset_stats(station *s, evq_time now);
//  fl_station_get_stats : the integrals up to _now (>= the last event)
void fl_station_get_stats(const station *s, evq_time now, station_stats *out);
//  fl_station_busy / fl_station_waiting : workers busy, jobs waiting now
unsigned fl_station_busy(const station *s);
size_t fl_station_waiting(const station *s);

/* Batches (sim/batch decides when a batch starts; the station holds the
 * jobs and keeps the integrals, counting every job of a batch in service
 * in L and each busy worker once in the utilisation). A batch-serving
 * station is driven by these calls alone (not fl_station_arrive/_finish). */
#define STATION_BATCH_MAX 4096

//  fl_station_enqueue : job _j joins the waiting line at _now, even when a
//                    worker is free; 0, -EINVAL (bad time) or -ENOMEM
int fl_station_enqueue(station *s, evq_time now, const station_job *j);
//  fl_station_free_worker : 1 and the lowest free worker in *_w, or 0 if none
int fl_station_free_worker(const station *s, unsigned *w);
//  fl_station_head_arrival : arrival time of the job at the head of the line
//                         (the next one taken), EVQ_TIME_MAX when empty
evq_time fl_station_head_arrival(const station *s);
//  fl_station_take : free worker _w starts the first min(_max, waiting) jobs
//                 of the line as one batch at _now; *_jobs (valid until _w
//                 finishes) and *_n receive them in line order.
//                 0, or -EINVAL (_w busy, empty line, _max outside
//                 1 .. batch_max, bad time)
int fl_station_take(station *s, evq_time now, unsigned w, size_t max, const station_job **jobs, size_t *n);
//  fl_station_finish_batch : worker _w ends its batch at _now; *_jobs, *_n
//                         as fl_station_take gave them (valid until _w starts
//                         again). 0, or -EINVAL
int fl_station_finish_batch(station *s, evq_time now, unsigned w, const station_job **jobs, size_t *n);

#endif
