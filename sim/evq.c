/* evq: see evq.h. A radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, "Faster
 * algorithms for the shortest path problem", J. ACM 37(2), 1990) over the
 * integer event times, which a discrete-event simulation only ever pushes
 * at or after the time of the last popped event (a monotone queue), with
 * digits of DIGIT_BITS = 6 bits instead of single bits (the base-2^k
 * variant of the same paper, §4; a multi-level bucket structure, Denardo &
 * Fox 1979).
 *
 * With `last` the last popped time and d = t ^ last, an event at t != last
 * is kept at level j = (63 - clz(d)) / 6, the digit where t first differs
 * from last, in the bucket of its digit value v = (t >> 6j) & 63 there
 * (v > last's digit, since t > last). Every event of bucket (j, v) is below
 * every event of (j, v') for v < v' and of any level above j, so the least
 * event lies in the lowest non-empty bucket of the lowest non-empty level
 * (two ctz on bit masks). Events at t == last are bucket 0. A pop takes
 * from bucket 0; when it is empty, the least bucket is emptied into lower
 * ones around its minimum, which becomes `last`: each of its events shares
 * digits j and above with that minimum, so it moves to a lower level or to
 * bucket 0, and buckets above are still valid for the new `last`. An event
 * moves at most 11 times and, over a spread of 2^s ticks, about s/6 times
 * (2 to 3 in the hold benchmarks, against 6 to 9 with single-bit buckets).
 *
 * Bucket 0 (the events at time `last`) is a run plus one FIFO per class.
 * A refill that finds a bucket of one time (a level-0 bucket, or one
 * entry) makes it the run without moving its entries (its array and the
 * empty run's swap; one entry is copied); a spread puts the entries at the
 * new `last` into the run, in push order. A run of one class is served in
 * place; a run of mixed classes goes into the FIFOs. Events pushed at
 * time `last` go to their class FIFO: they were pushed after every entry
 * of the run, so a FIFO of a lower class than the run's is served before
 * the run, the run's class and above after it.
 *
 * Ties: within a bucket events keep their push order through every
 * redistribution, and all events of one time are always in the same
 * bucket, so equal times leave bucket 0 in push order within a class,
 * served lowest class first: the (time, class, push order) rule.
 *
 * Cancellation is lazy: a handle names a slot and its generation; cancel
 * bumps the generation, and the queued entry, which carries the generation
 * it was pushed with, is skipped when it surfaces. A push without a handle
 * takes no slot (its entry says NO_SLOT), so the hold loop of a simulation
 * that never cancels touches no slot array.
 *
 * A queued entry is 32 bytes and carries its payload (time, argument,
 * kind, id, class and slot, generation), so a pop reads nothing outside
 * the bucket it serves (with the payload in a per-slot array, a pop missed
 * the cache once per event at 1e5 pending events and more). Each bucket
 * keeps the minimum time pushed into it (a cmov, no branch), so a refill
 * is one pass over the bucket, not two; only while cancelled entries are
 * still queued does it scan for the minimum live time (a cancelled
 * entry's time must not become `last`, since that would refuse pushes the
 * contract allows).
 */
#include "sim/evq.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {       /* a queued event: 32 bytes, its payload included */
    evq_time t;
    uint64_t arg;
    uint32_t kind, id;
    uint32_t meta;     /* class << 24 | slot index (NO_SLOT: pushed without a handle) */
    uint32_t gen;      /* the slot's generation when it was pushed */
} entry;

typedef struct {       /* a bucket >= 1, or the run: filled by appends, emptied whole */
    entry   *e;
    uint32_t n, cap;
    evq_time min;      /* least time appended since it was last emptied */
} vec;

typedef struct {       /* one class of bucket 0: a FIFO */
    entry *e;
    size_t head, n, cap;
} fifo;

#define DIGIT_BITS 6
#define DIGITS 64                        /* 2^DIGIT_BITS buckets per level */
#define LEVELS 11                        /* ceil(64 / DIGIT_BITS) */
#define NBUCKETS (LEVELS * DIGITS)
#define SLOT_BITS 24
#define SLOT_MASK ((1u << SLOT_BITS) - 1)
#define NO_SLOT SLOT_MASK                /* in meta: no handle, no slot */
#define PENDING_MAX SLOT_MASK            /* fewer than 2^24 pending (evq.h) */
#define NO_FREE UINT32_MAX

struct evq {
    vec       b[NBUCKETS];       /* level j, digit v: b[j * DIGITS + v] */
    vec       run;               /* bucket 0's run: entries at time `last`, one class */
    uint32_t  rhead;             /* next entry of the run to serve */
    unsigned  rcls;              /* the run's class */
    fifo      cls0[EVQ_CLASSES];
    uint64_t  bmask[LEVELS];     /* bit v: bucket (j, v) non-empty */
    uint64_t  cmask[EVQ_CLASSES / 64]; /* bit c: class c FIFO of bucket 0 non-empty */
    uint32_t  lmask;             /* bit j: level j has a non-empty bucket */
    size_t    nfifo;             /* entries in bucket 0's FIFOs (live or cancelled) */
    evq_time  last;
    uint32_t *gen;               /* per slot: odd while an event holds it, even when free */
    uint32_t *next_free;
    size_t    nslots;
    uint32_t  free_head;
    size_t    pending;
    size_t    dead;              /* cancelled entries still queued */
    uint64_t  seq;
};

/* room for one more element in an array of _size-byte elements */
static int grow(void **e, size_t *cap, size_t size)
{
    size_t c = *cap ? 2 * *cap : 16;
    void *p = realloc(*e, c * size);
    if (!p) return -ENOMEM;
    *e = p;
    *cap = c;
    return 0;
}

static int vec_grow(vec *v)
{
    size_t cap = v->cap;
    if (grow((void **)&v->e, &cap, sizeof *v->e)) return -ENOMEM;
    v->cap = (uint32_t)cap;             /* at most 2^25: pending < 2^24 */
    return 0;
}

static int fifo_push(fifo *f, const entry *x)
{
    if (f->head + f->n == f->cap) {
        if (f->head > 0 && f->head >= f->n) {   /* slide down instead of growing */
            memmove(f->e, f->e + f->head, f->n * sizeof *f->e);
            f->head = 0;
        } else if (grow((void **)&f->e, &f->cap, sizeof *f->e)) {
            return -ENOMEM;
        }
    }
    f->e[f->head + f->n++] = *x;
    return 0;
}

static int grow_slots(evq *q, size_t n)
{
    if (n > SLOT_MASK) n = SLOT_MASK;
    if (n <= q->nslots) return -ENOMEM;
    uint32_t *g = realloc(q->gen, n * sizeof *g);
    if (!g) return -ENOMEM;
    q->gen = g;
    uint32_t *nf = realloc(q->next_free, n * sizeof *nf);
    if (!nf) return -ENOMEM;
    q->next_free = nf;
    for (size_t i = n; i-- > q->nslots;) {
        g[i] = 2;
        nf[i] = q->free_head;
        q->free_head = (uint32_t)i;
    }
    q->nslots = n;
    return 0;
}

evq *fl_evq_create(size_t capacity)
{
    evq *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->free_head = NO_FREE;
    if (grow_slots(q, capacity ? capacity : 1) || vec_grow(&q->run)) {
        fl_evq_destroy(q);
        return NULL;
    }
    return q;
}

void fl_evq_destroy(evq *q)
{
    if (!q) return;
    for (int i = 0; i < NBUCKETS; i++) free(q->b[i].e);
    for (int c = 0; c < EVQ_CLASSES; c++) free(q->cls0[c].e);
    free(q->run.e);
    free(q->gen);
    free(q->next_free);
    free(q);
}

static void release(evq *q, uint32_t s)
{
    q->gen[s] += 1;                         /* odd -> even: free */
    q->next_free[s] = q->free_head;
    q->free_head = s;
}

/* not cancelled: pushed without a handle, or its slot still holds it */
static int live(const evq *q, const entry *x)
{
    uint32_t s = x->meta & SLOT_MASK;
    return s == NO_SLOT || q->gen[s] == x->gen;
}

/* release the slots of the live entries among _e[0.._n) */
static void drop(evq *q, const entry *e, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if ((e[k].meta & SLOT_MASK) != NO_SLOT && live(q, &e[k])) release(q, e[k].meta & SLOT_MASK);
}

void fl_evq_clear(evq *q)
{
    for (int i = 0; i < NBUCKETS; i++) {
        drop(q, q->b[i].e, q->b[i].n);
        q->b[i].n = 0;
    }
    drop(q, q->run.e + q->rhead, q->run.n - q->rhead);
    q->run.n = q->rhead = 0;
    for (int c = 0; c < EVQ_CLASSES; c++) {
        fifo *f = &q->cls0[c];
        drop(q, f->e + f->head, f->n);
        f->head = f->n = 0;
    }
    q->lmask = 0;
    memset(q->bmask, 0, sizeof q->bmask);
    memset(q->cmask, 0, sizeof q->cmask);
    q->nfifo = q->pending = q->dead = 0;
    q->seq = 0;
    q->last = 0;
}

int fl_evq_print(const evq *q, char *buf, size_t len)
{
    int w = snprintf(buf, len, "evq: %zu pending, %zu slots, %llu pushed, now %lld ticks, 1 tick = 1 ps",
                     q->pending, q->nslots, (unsigned long long)q->seq, (long long)q->last);
    return w < 0 || (size_t)w >= len ? -ENOSPC : 0;
}

/* put an entry at a time other than q->last (d = t ^ last != 0) into the
 * bucket of the digit where it first differs from q->last */
static inline __attribute__((always_inline)) int place_up(evq *q, const entry *x, uint64_t d)
{
    int j = (63 - __builtin_clzll(d)) / DIGIT_BITS;
    unsigned dv = (unsigned)((uint64_t)x->t >> (j * DIGIT_BITS)) & (DIGITS - 1);
    uint64_t bit = UINT64_C(1) << dv;
    vec *v = &q->b[j * DIGITS + (int)dv];
    if (v->n == v->cap && vec_grow(v)) return -ENOMEM;
    evq_time t = x->t, m = v->min;
    v->e[v->n++] = *x;
    v->min = (q->bmask[j] & bit) && m < t ? m : t;     /* branch-free: a cmov */
    q->bmask[j] |= bit;
    q->lmask |= 1u << j;
    return 0;
}

/* append _x to its class FIFO of bucket 0 (time q->last) */
static int fifo_add(evq *q, const entry *x)
{
    unsigned c = x->meta >> SLOT_BITS;
    if (fifo_push(&q->cls0[c], x)) return -ENOMEM;
    q->cmask[c / 64] |= UINT64_C(1) << (c % 64);
    q->nfifo++;
    return 0;
}

/* take a free slot for a handle into *_s (not yet marked taken) */
static int free_slot(evq *q, uint32_t *s)
{
    if (q->free_head == NO_FREE && grow_slots(q, 2 * q->nslots)) return -ENOMEM;
    *s = q->free_head;
    return 0;
}

int fl_evq_push(evq *q, const evq_event *e, evq_handle *h)
{
    if (e->cls >= EVQ_CLASSES || e->t < q->last) return -EINVAL;
    if (q->seq > EVQ_SEQ_MAX) return -EOVERFLOW;
    if (q->pending >= PENDING_MAX) return -ENOMEM;
    uint32_t s = NO_SLOT;
    if (h && free_slot(q, &s)) return -ENOMEM;
    entry x = {e->t, e->arg, e->kind, e->id, (uint32_t)e->cls << SLOT_BITS | s, h ? q->gen[s] + 1 : 0};
    uint64_t d = (uint64_t)(x.t ^ q->last);
    int rc = d ? place_up(q, &x, d) : fifo_add(q, &x);
    if (rc) return rc;
    if (h) {
        q->free_head = q->next_free[s];
        q->gen[s] = x.gen;                  /* even -> odd: taken (wraps past 0 to 1: fine, odd) */
        *h = (evq_handle)x.gen << 32 | s;
    }
    q->pending++;
    q->seq++;
    return 0;
}

/* the least live time among _e[0.._n) into *_mn; 0 when none is live (a
 * live event may itself be at EVQ_TIME_MAX, so that is no sentinel) */
static int live_min(const evq *q, const entry *e, size_t n, evq_time *mn)
{
    int found = 0;
    for (size_t k = 0; k < n; k++)
        if ((!found || e[k].t < *mn) && live(q, &e[k])) {
            *mn = e[k].t;
            found = 1;
        }
    return found;
}

/* the live entries of _e[0.._n) into bucket 0's class FIFOs, in order */
static int to_fifos(evq *q, const entry *e, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (q->dead && !live(q, &e[k])) {
            q->dead--;
            continue;
        }
        if (fifo_add(q, &e[k])) return -ENOMEM;
    }
    return 0;
}

/* the run just filled (bucket 0 was empty): served in place when all its
 * entries have one class (the usual case), else moved into the class FIFOs */
static int settle_run(evq *q, uint32_t or_meta, uint32_t and_meta)
{
    q->rhead = 0;
    q->rcls = or_meta >> SLOT_BITS;
    if ((or_meta ^ and_meta) >> SLOT_BITS == 0) return 0;
    size_t n = q->run.n;
    q->run.n = 0;
    return to_fifos(q, q->run.e, n);
}

/* bucket _v of one time (level 0, or a single entry) becomes the run
 * without moving its entries: its array and the empty run's swap */
static int take_run(evq *q, vec *v)
{
    if (v->n == 1) {
        q->run.e[0] = v->e[0];
        q->run.n = 1;
        v->n = 0;
        q->rhead = 0;
        q->rcls = q->run.e[0].meta >> SLOT_BITS;
        return 0;
    }
    uint32_t o = 0, a = UINT32_MAX;
    for (uint32_t k = 0; k < v->n; k++) {
        o |= v->e[k].meta;
        a &= v->e[k].meta;
    }
    vec t = q->run;
    q->run = *v;
    *v = t;
    v->n = 0;
    return settle_run(q, o, a);
}

/* empty bucket _v around its least live time q->last: the entries at that
 * time into the run, in order, the others into lower buckets (each shares
 * the bucket's digit and those above with q->last, so none returns to _v,
 * and _v is not written while it is read) */
static int spread(evq *q, vec *v)
{
    uint32_t o = 0, a = UINT32_MAX, n = v->n;
    vec *r = &q->run;
    v->n = 0;
    for (uint32_t k = 0; k < n; k++) {
        const entry *x = &v->e[k];
        if (q->dead && !live(q, x)) {
            q->dead--;
            continue;
        }
        uint64_t d = (uint64_t)(x->t ^ q->last);
        if (d) {
            if (place_up(q, x, d)) return -ENOMEM;
            continue;
        }
        if (r->n == r->cap && vec_grow(r)) return -ENOMEM;
        r->e[r->n++] = *x;
        o |= x->meta;
        a &= x->meta;
    }
    return settle_run(q, o, a);
}

/* bucket 0 (run and FIFOs) empty: the lowest non-empty bucket becomes the
 * run (one time) or is spread around its least live time, the new
 * q->last. 0, -ENOENT (nothing live left) or -ENOMEM */
static int refill(evq *q)
{
    while (q->lmask) {
        int j = __builtin_ctz(q->lmask);
        int dv = __builtin_ctzll(q->bmask[j]);
        vec *v = &q->b[j * DIGITS + dv];
        evq_time mn = v->min;
        int any = !q->dead || live_min(q, v->e, v->n, &mn);
        q->bmask[j] &= ~(UINT64_C(1) << dv);
        q->lmask &= ~((uint32_t)(q->bmask[j] == 0) << j);
        if (!any) {                        /* only cancelled entries */
            q->dead -= v->n;
            v->n = 0;
            continue;
        }
        q->last = mn;
        return j == 0 || v->n == 1 ? take_run(q, v) : spread(q, v);
    }
    return -ENOENT;
}

/* the lowest non-empty class FIFO of bucket 0 below class _lim (cancelled
 * heads dropped), or NULL */
static fifo *fifo_front(evq *q, unsigned lim)
{
    for (unsigned w = 0; q->nfifo && w < EVQ_CLASSES / 64 && w * 64 < lim; w++) {
        while (q->cmask[w]) {
            unsigned c = w * 64 + (unsigned)__builtin_ctzll(q->cmask[w]);
            if (c >= lim) return NULL;
            fifo *f = &q->cls0[c];
            while (f->n && q->dead && !live(q, &f->e[f->head])) {
                f->head++;
                f->n--;
                q->nfifo--;
                q->dead--;
            }
            if (f->n) return f;
            f->head = 0;
            q->cmask[w] &= ~(UINT64_C(1) << (c % 64));
        }
    }
    return NULL;
}

/* the first live entry of bucket 0 (refilling as needed), or NULL; *_from
 * is its FIFO, or NULL when it is the run's head. The run's entries were
 * all pushed before any entry of the FIFOs (those came at time q->last,
 * after the refill that made the run), so a FIFO of a lower class goes
 * first and one of the run's class or above after the run. */
static entry *front(evq *q, fifo **from)
{
    for (;;) {
        while (q->dead && q->rhead < q->run.n && !live(q, &q->run.e[q->rhead])) {
            q->rhead++;
            q->dead--;
        }
        int have_run = q->rhead < q->run.n;
        fifo *f = q->nfifo ? fifo_front(q, have_run ? q->rcls : EVQ_CLASSES) : NULL;
        *from = f;
        if (f) return &f->e[f->head];
        if (have_run) return &q->run.e[q->rhead];
        q->rhead = q->run.n = 0;
        if (refill(q)) return NULL;
    }
}

static void fill(const entry *x, evq_event *e)
{
    e->t = x->t;
    e->cls = x->meta >> SLOT_BITS;
    e->kind = x->kind;
    e->id = x->id;
    e->arg = x->arg;
}

int fl_evq_peek(evq *q, evq_event *e)
{
    fifo *f;
    entry *x = q->pending ? front(q, &f) : NULL;
    if (!x) return -ENOENT;
    fill(x, e);
    return 0;
}

int fl_evq_pop(evq *q, evq_event *e)
{
    fifo *f;
    entry *x = q->pending ? front(q, &f) : NULL;
    if (!x) return -ENOENT;
    fill(x, e);
    if ((x->meta & SLOT_MASK) != NO_SLOT) release(q, x->meta & SLOT_MASK);
    if (f) {
        f->head++;
        if (--f->n == 0) f->head = 0;
        q->nfifo--;
    } else {
        q->rhead++;
    }
    q->pending--;
    return 0;
}

int fl_evq_cancel(evq *q, evq_handle h)
{
    uint32_t s = (uint32_t)h, gen = (uint32_t)(h >> 32);
    if (!(gen & 1) || s >= q->nslots || q->gen[s] != gen) return -ENOENT;
    /* only a taken slot has an odd generation, so a free one never matches */
    release(q, s);
    q->pending--;
    q->dead++;
    return 0;
}

size_t fl_evq_pending(const evq *q) { return q->pending; }

int fl_evq_seconds_to_ticks(double s, evq_time *t)
{
    /* 2^63 ticks = 9.22e6 s: beyond it the count would overflow */
    if (!(s >= 0.0) || s * (double)EVQ_TICKS_PER_S >= 9.2233720368547758e18) return -ERANGE;
    *t = (evq_time)llround(s * (double)EVQ_TICKS_PER_S);
    return 0;
}

double fl_evq_ticks_to_seconds(evq_time t) { return (double)t / (double)EVQ_TICKS_PER_S; }
