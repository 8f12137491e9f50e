/* evq: the event queue of the discrete-event system layer.
 *
 * Events are ordered by (time, class priority, insertion sequence): at equal
 * times the lower class runs first, and within a class the event pushed
 * first runs first (FIFO). The order is therefore a total order that depends
 * only on the pushes, never on the heap's layout, so a run is reproducible
 * event for event on every machine.
 *
 * Time is an integer count of ticks of 1 ps (EVQ_TICKS_PER_S = 1e12), not a
 * double: sums of durations are exact and associative (a frame's latency is
 * exactly the sum of its parts), equal times compare equal on every
 * platform, and the tie rule above is the only rule. int64 ticks span
 * 2^63 ps = 106 days of simulated time; fl_evq_seconds_to_ticks refuses more.
 *
 * Events may not be scheduled before the time of the last popped or peeked
 * event (-EINVAL), as in every discrete-event simulation (a peek commits the
 * queue to the peeked event running next, so its time becomes the floor
 * even before it is popped); that monotonicity lets
 * the queue be a radix heap over the integer times (sim/evq.c): a hold
 * (pop + push) costs O(1) amortised, and ties cost nothing extra. Entries
 * carry their payload; a handle names a slot and its generation, so a
 * cancel is O(1) (the entry is skipped when it surfaces), and cancelling
 * an event that already ran or was cancelled is refused (-ENOENT), never
 * removes another event; a push that asks for no handle (NULL) takes no
 * slot. Storage grows by doubling (no malloc per event once the queue has
 * reached its working size; fl_evq_create's capacity preallocates the
 * handle slots); fewer than 2^24 events pending.
 */
#ifndef FEATLINK_EVQ_H
#define FEATLINK_EVQ_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t evq_time;              /* ticks of 1 ps */
#define EVQ_TICKS_PER_S 1000000000000LL
#define EVQ_TIME_MAX INT64_MAX
#define EVQ_CLASSES 256                /* class priorities 0 (first) .. 255 */
#define EVQ_SEQ_MAX ((UINT64_C(1) << 56) - 1)

typedef uint64_t evq_handle;           /* generation << 32 | slot; 0 = none */

typedef struct {
    evq_time t;        /* when it runs (ticks) */
    unsigned cls;      /* class priority, 0..255 */
    uint32_t kind;     /* what happens: the caller's event type */
    uint32_t id;       /* e.g. a device or worker index */
    uint64_t arg;      /* e.g. a frame or packet number */
} evq_event;

typedef struct evq evq;

//  fl_evq_create : an empty queue with room for _capacity pending events
//               before its arena grows (>= 1); NULL when out of memory
evq *fl_evq_create(size_t capacity);
void fl_evq_destroy(evq *q);
//  fl_evq_clear : drop every pending event; the sequence restarts at 0
void fl_evq_clear(evq *q);
//  fl_evq_print : one line saying what the queue holds, into _buf
int fl_evq_print(const evq *q, char *buf, size_t len);

//  fl_evq_push : schedule _e (its t, cls, kind, id, arg); _h (may be NULL)
//             receives the handle that cancels it. Returns 0, -EINVAL
//             (cls > 255, or t before the last popped or peeked event's time),
//             -ENOMEM (also at 2^24 - 1 pending), or -EOVERFLOW after 2^56 pushes.
int fl_evq_push(evq *q, const evq_event *e, evq_handle *h);
//  fl_evq_pop : remove the first event into *_e; 0, or -ENOENT when empty
int fl_evq_pop(evq *q, evq_event *e);
//  fl_evq_peek : the first event without removing it; 0 or -ENOENT. Its time
//             becomes the floor of fl_evq_push (as if it had been popped)
int fl_evq_peek(evq *q, evq_event *e);
//  fl_evq_cancel : remove the pending event of _h (O(1)); 0, or -ENOENT when
//               it already ran, was cancelled, or _h is not a handle of _q
int fl_evq_cancel(evq *q, evq_handle h);
//  fl_evq_pending : number of pending events
size_t fl_evq_pending(const evq *q);

//  fl_evq_seconds_to_ticks : _s seconds as ticks, rounded to nearest;
//                         0 or -ERANGE (negative, NaN or beyond EVQ_TIME_MAX)
int fl_evq_seconds_to_ticks(double s, evq_time *t);
//  fl_evq_ticks_to_seconds : _t ticks in seconds
double fl_evq_ticks_to_seconds(evq_time t);

#endif
