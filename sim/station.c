/* station: see station.h. */
#include "sim/station.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    evq_time    key;   /* deadline (EDF) or 0 (FIFO) */
    uint64_t    seq;   /* arrival order */
    station_job job;
} waiter;

struct station {
    unsigned           workers, busy;
    station_discipline disc;
    size_t             bmax;      /* jobs a worker serves together (sim/batch), >= 1 */
    uint8_t           *working;   /* per worker: 1 busy */
    station_job       *current;   /* per worker: its job(s), bmax slots from w x bmax */
    size_t            *nserv;     /* per worker: jobs in its batch */
    size_t             inservice; /* jobs in service, all workers */
    waiter            *line;      /* binary min-heap */
    size_t             nline, capline;
    uint64_t           seq;
    /* integrals since the last reset */
    evq_time last, since;
    double   area_busy, area_in, area_wait;   /* ticks x count */
    uint64_t arrivals, starts, completions, batches;
};

station *fl_station_create(unsigned workers, station_discipline d)
{
    return fl_station_create_batch(workers, d, 1);
}

station *fl_station_create_batch(unsigned workers, station_discipline d, size_t batch_max)
{
    if (workers == 0 || (d != STATION_FIFO && d != STATION_EDF)) return NULL;
    if (batch_max < 1 || batch_max > STATION_BATCH_MAX) return NULL;
    station *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->workers = workers;
    s->disc = d;
    s->bmax = batch_max;
    s->working = calloc(workers, 1);
    s->current = calloc((size_t)workers * batch_max, sizeof *s->current);
    s->nserv = calloc(workers, sizeof *s->nserv);
    if (!s->working || !s->current || !s->nserv) {
        fl_station_destroy(s);
        return NULL;
    }
    return s;
}

void fl_station_destroy(station *s)
{
    if (!s) return;
    free(s->working);
    free(s->current);
    free(s->nserv);
    free(s->line);
    free(s);
}

static int waiter_less(const waiter *a, const waiter *b)
{
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

static int line_push(station *s, const waiter *w)
{
    if (s->nline == s->capline) {
        size_t cap = s->capline ? 2 * s->capline : 16;
        waiter *l = realloc(s->line, cap * sizeof *l);
        if (!l) return -ENOMEM;
        s->line = l;
        s->capline = cap;
    }
    size_t i = s->nline++;
    while (i > 0 && waiter_less(w, &s->line[(i - 1) / 2])) {
        s->line[i] = s->line[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->line[i] = *w;
    return 0;
}

static void line_pop(station *s, waiter *out)
{
    *out = s->line[0];
    waiter last = s->line[--s->nline];
    size_t i = 0, n = s->nline;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && waiter_less(&s->line[c + 1], &s->line[c])) c++;
        if (!waiter_less(&s->line[c], &last)) break;
        s->line[i] = s->line[c];
        i = c;
    }
    if (n) s->line[i] = last;
}

/* advance the integrals to _now */
static int advance(station *s, evq_time now)
{
    if (now < s->last) return -EINVAL;
    double dt = (double)(now - s->last);
    s->area_busy += dt * s->busy;
    s->area_in += dt * (double)(s->inservice + s->nline);
    s->area_wait += dt * (double)s->nline;
    s->last = now;
    return 0;
}

static void start_on(station *s, unsigned w, evq_time now, station_job *j)
{
    j->start = now;
    s->working[w] = 1;
    s->current[(size_t)w * s->bmax] = *j;
    s->nserv[w] = 1;
    s->inservice++;
    s->busy++;
    s->starts++;
    s->batches++;
}

int fl_station_arrive(station *s, evq_time now, station_job *j, int *started, unsigned *worker)
{
    if (advance(s, now)) return -EINVAL;
    s->arrivals++;
    *started = 0;
    if (s->busy < s->workers) {
        unsigned w = 0;
        while (s->working[w]) w++;
        start_on(s, w, now, j);
        *started = 1;
        *worker = w;
        return 0;
    }
    waiter x = {s->disc == STATION_EDF ? j->deadline : 0, s->seq++, *j};
    return line_push(s, &x);
}

int fl_station_finish(station *s, evq_time now, unsigned w, station_job *done, int *started,
                   station_job *next)
{
    if (w >= s->workers || !s->working[w] || advance(s, now)) return -EINVAL;
    if (s->nserv[w] != 1) return -EINVAL;   /* a batch ends by fl_station_finish_batch */
    *done = s->current[(size_t)w * s->bmax];
    s->working[w] = 0;
    s->nserv[w] = 0;
    s->inservice--;
    s->busy--;
    s->completions++;
    *started = 0;
    if (s->nline) {
        waiter x;
        line_pop(s, &x);
        start_on(s, w, now, &x.job);
        *next = x.job;
        *started = 1;
    }
    return 0;
}

void fl_station_reset_stats(station *s, evq_time now)
{
    advance(s, now);
    s->since = now;
    s->area_busy = s->area_in = s->area_wait = 0.0;
    s->arrivals = s->starts = s->completions = s->batches = 0;
}

void fl_station_get_stats(const station *s, evq_time now, station_stats *out)
{
    double dt = now > s->last ? (double)(now - s->last) : 0.0;
    double span = (double)((now > s->last ? now : s->last) - s->since);
    memset(out, 0, sizeof *out);
    out->elapsed_s = fl_evq_ticks_to_seconds((now > s->last ? now : s->last) - s->since);
    if (span > 0) {
        out->utilisation = (s->area_busy + dt * s->busy) / (span * s->workers);
        out->mean_in_system = (s->area_in + dt * (double)(s->inservice + s->nline)) / span;
        out->mean_waiting = (s->area_wait + dt * (double)s->nline) / span;
    }
    out->arrivals = s->arrivals;
    out->starts = s->starts;
    out->completions = s->completions;
    out->batches = s->batches;
}

unsigned fl_station_busy(const station *s) { return s->busy; }
size_t fl_station_waiting(const station *s) { return s->nline; }

/* ---- batches (sim/batch decides when; the station keeps the jobs and the
 * integrals: L counts every job of a batch in service) ---- */

int fl_station_enqueue(station *s, evq_time now, const station_job *j)
{
    if (advance(s, now)) return -EINVAL;
    s->arrivals++;
    waiter x = {s->disc == STATION_EDF ? j->deadline : 0, s->seq++, *j};
    return line_push(s, &x);
}

int fl_station_free_worker(const station *s, unsigned *w)
{
    if (s->busy == s->workers) return 0;
    unsigned k = 0;
    while (s->working[k]) k++;
    *w = k;
    return 1;
}

evq_time fl_station_head_arrival(const station *s)
{
    return s->nline ? s->line[0].job.arrival : EVQ_TIME_MAX;
}

int fl_station_take(station *s, evq_time now, unsigned w, size_t max, const station_job **jobs, size_t *n)
{
    if (w >= s->workers || s->working[w] || !s->nline || max < 1 || max > s->bmax || advance(s, now))
        return -EINVAL;
    station_job *b = &s->current[(size_t)w * s->bmax];
    size_t k = 0;
    while (k < max && s->nline) {
        waiter x;
        line_pop(s, &x);
        x.job.start = now;
        b[k++] = x.job;
    }
    s->working[w] = 1;
    s->nserv[w] = k;
    s->inservice += k;
    s->busy++;
    s->starts += k;
    s->batches++;
    *jobs = b;
    *n = k;
    return 0;
}

int fl_station_finish_batch(station *s, evq_time now, unsigned w, const station_job **jobs, size_t *n)
{
    if (w >= s->workers || !s->working[w] || advance(s, now)) return -EINVAL;
    *jobs = &s->current[(size_t)w * s->bmax];
    *n = s->nserv[w];
    s->inservice -= s->nserv[w];
    s->completions += s->nserv[w];
    s->nserv[w] = 0;
    s->working[w] = 0;
    s->busy--;
    return 0;
}
