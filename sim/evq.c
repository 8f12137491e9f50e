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
 * Ties: bucket 0 is one FIFO per class, served lowest class first. Within a
 * bucket events keep their push order through every redistribution, and
 * all events of one time are always in the same bucket, so equal times
 * leave bucket 0's FIFOs in push order: the (time, class, push order) rule.
 *
 * Cancellation is lazy: a handle names a slot and its generation; cancel
 * bumps the generation, and the queued entry, which carries the generation
 * it was pushed with, is skipped when it surfaces.
 *
 * A queued entry is 16 bytes (time, class and slot, generation); the
 * payload stays in its slot and is read once, at the pop. Each bucket
 * keeps the minimum time pushed into it, so a refill is one pass over the
 * bucket, not two; only while cancelled entries are still queued does it
 * scan for the minimum live time (a cancelled entry's time must not become
 * `last`, since that would refuse pushes the contract allows).
 */
#include "sim/evq.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {       /* a queued event: 16 bytes, moved between buckets */
    evq_time t;
    uint32_t slot;     /* class << 24 | slot index */
    uint32_t gen;      /* the slot's generation when it was pushed */
} entry;

typedef struct {       /* what the event carries, kept in its slot */
    uint64_t arg;
    uint32_t kind, id;
} payload;

typedef struct {       /* a bucket >= 1: filled by appends, emptied whole */
    entry *e;
    size_t n, cap;
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

struct evq {
    vec       b[NBUCKETS];       /* level j, digit v: b[j * DIGITS + v] */
    evq_time  bmin[NBUCKETS];    /* least time pushed into b[i] since it was emptied */
    fifo      cls0[EVQ_CLASSES];
    uint32_t  lmask;             /* bit j: level j has a non-empty bucket */
    uint64_t  bmask[LEVELS];     /* bit v: bucket (j, v) non-empty */
    uint64_t  cmask[EVQ_CLASSES / 64]; /* bit c: class c FIFO of bucket 0 non-empty */
    size_t    n0;                /* entries in bucket 0 (live or cancelled) */
    evq_time  last;
    uint32_t *gen;               /* per slot: odd while an event holds it, even when free */
    payload  *pay;
    uint32_t *next_free;
    size_t    nslots;
    uint32_t  free_head;
    size_t    pending;
    size_t    dead;              /* cancelled entries still queued */
    uint64_t  seq;
};

#define NO_SLOT UINT32_MAX

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
    if (n > SLOT_MASK + 1u) return -ENOMEM;
    uint32_t *g = realloc(q->gen, n * sizeof *g);
    if (!g) return -ENOMEM;
    q->gen = g;
    payload *p = realloc(q->pay, n * sizeof *p);
    if (!p) return -ENOMEM;
    q->pay = p;
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
    q->free_head = NO_SLOT;
    if (grow_slots(q, capacity ? (capacity < SLOT_MASK ? capacity : SLOT_MASK) : 1)) {
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
    free(q->gen);
    free(q->pay);
    free(q->next_free);
    free(q);
}

static void release(evq *q, uint32_t s)
{
    q->gen[s] += 1;                         /* odd -> even: free */
    q->next_free[s] = q->free_head;
    q->free_head = s;
}

static int live(const evq *q, const entry *x)
{
    return q->gen[x->slot & SLOT_MASK] == x->gen;
}

/* release the slots of the live entries among _e[0.._n) */
static void drop(evq *q, const entry *e, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (live(q, &e[k])) release(q, e[k].slot & SLOT_MASK);
}

void fl_evq_clear(evq *q)
{
    for (int i = 0; i < NBUCKETS; i++) {
        drop(q, q->b[i].e, q->b[i].n);
        q->b[i].n = 0;
    }
    for (int c = 0; c < EVQ_CLASSES; c++) {
        fifo *f = &q->cls0[c];
        drop(q, f->e + f->head, f->n);
        f->head = f->n = 0;
    }
    q->lmask = 0;
    memset(q->bmask, 0, sizeof q->bmask);
    memset(q->cmask, 0, sizeof q->cmask);
    q->n0 = q->pending = q->dead = 0;
    q->seq = 0;
    q->last = 0;
}

int fl_evq_print(const evq *q, char *buf, size_t len)
{
    int w = snprintf(buf, len, "evq: %zu pending, %zu slots, %llu pushed, now %lld ticks, 1 tick = 1 ps",
                     q->pending, q->nslots, (unsigned long long)q->seq, (long long)q->last);
    return w < 0 || (size_t)w >= len ? -ENOSPC : 0;
}

/* put an entry where it belongs relative to q->last */
static int place(evq *q, const entry *x)
{
    uint64_t d = (uint64_t)(x->t ^ q->last);
    if (!d) {
        unsigned c = x->slot >> SLOT_BITS;
        if (fifo_push(&q->cls0[c], x)) return -ENOMEM;
        q->cmask[c / 64] |= UINT64_C(1) << (c % 64);
        q->n0++;
        return 0;
    }
    int j = (63 - __builtin_clzll(d)) / DIGIT_BITS;
    unsigned dv = (unsigned)((uint64_t)x->t >> (j * DIGIT_BITS)) & (DIGITS - 1);
    int b = j * DIGITS + (int)dv;
    uint64_t bit = UINT64_C(1) << dv;
    vec *v = &q->b[b];
    if (v->n == v->cap && grow((void **)&v->e, &v->cap, sizeof *v->e)) return -ENOMEM;
    v->e[v->n++] = *x;
    if (!(q->bmask[j] & bit) || x->t < q->bmin[b]) q->bmin[b] = x->t;
    q->bmask[j] |= bit;
    q->lmask |= 1u << j;
    return 0;
}

int fl_evq_push(evq *q, const evq_event *e, evq_handle *h)
{
    if (e->cls >= EVQ_CLASSES || e->t < q->last) return -EINVAL;
    if (q->seq > EVQ_SEQ_MAX) return -EOVERFLOW;
    if (q->free_head == NO_SLOT) {
        int rc = grow_slots(q, 2 * q->nslots);
        if (rc) return rc;
    }
    uint32_t s = q->free_head;
    entry x = {e->t, (uint32_t)e->cls << SLOT_BITS | s, q->gen[s] + 1};
    int rc = place(q, &x);
    if (rc) return rc;
    q->pay[s] = (payload){e->arg, e->kind, e->id};
    q->free_head = q->next_free[s];
    q->gen[s] = x.gen;                      /* even -> odd: taken (wraps past 0 to 1: fine, odd) */
    q->pending++;
    q->seq++;
    if (h) *h = (evq_handle)x.gen << 32 | s;
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

/* bucket 0 empty: move the lowest non-empty bucket down around its minimum
 * live time. 0, -ENOENT (nothing live left) or -ENOMEM */
static int refill(evq *q)
{
    while (q->lmask) {
        int j = __builtin_ctz(q->lmask);
        int dv = __builtin_ctzll(q->bmask[j]);
        int b = j * DIGITS + dv;
        vec *v = &q->b[b];
        size_t n = v->n;
        evq_time mn = q->bmin[b];
        int any = !q->dead || live_min(q, v->e, n, &mn);
        q->bmask[j] &= ~(UINT64_C(1) << dv);
        if (!q->bmask[j]) q->lmask &= ~(1u << j);
        v->n = 0;
        if (!any) {                        /* only cancelled entries */
            q->dead -= n;
            continue;
        }
        q->last = mn;
        /* every entry goes to a lower level or bucket 0 (it shares digit j
         * and above with mn), so v itself is not written while it is read */
        for (size_t k = 0; k < n; k++) {
            if (q->dead && !live(q, &v->e[k])) {
                q->dead--;
                continue;
            }
            if (place(q, &v->e[k])) return -ENOMEM;
        }
        return 0;
    }
    return -ENOENT;
}

/* the first live entry of bucket 0 (refilling as needed), or NULL */
static entry *front(evq *q, fifo **from)
{
    for (;;) {
        for (int w = 0; q->n0 && w < EVQ_CLASSES / 64; w++) {
            while (q->cmask[w]) {
                int c = w * 64 + __builtin_ctzll(q->cmask[w]);
                fifo *f = &q->cls0[c];
                while (f->n && q->dead && !live(q, &f->e[f->head])) {
                    f->head++;
                    f->n--;
                    q->n0--;
                    q->dead--;
                }
                if (f->n) {
                    *from = f;
                    return &f->e[f->head];
                }
                f->head = 0;
                q->cmask[w] &= ~(UINT64_C(1) << (c % 64));
            }
        }
        if (refill(q)) return NULL;
    }
}

static void fill(const evq *q, const entry *x, evq_event *e)
{
    const payload *p = &q->pay[x->slot & SLOT_MASK];
    e->t = x->t;
    e->cls = x->slot >> SLOT_BITS;
    e->kind = p->kind;
    e->id = p->id;
    e->arg = p->arg;
}

int fl_evq_peek(evq *q, evq_event *e)
{
    fifo *f;
    entry *x = q->pending ? front(q, &f) : NULL;
    if (!x) return -ENOENT;
    fill(q, x, e);
    return 0;
}

int fl_evq_pop(evq *q, evq_event *e)
{
    fifo *f;
    entry *x = q->pending ? front(q, &f) : NULL;
    if (!x) return -ENOENT;
    fill(q, x, e);
    release(q, x->slot & SLOT_MASK);
    f->head++;
    if (--f->n == 0) f->head = 0;
    q->n0--;
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
