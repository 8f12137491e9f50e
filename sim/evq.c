/* evq: see evq.h. A radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, "Faster
 * algorithms for the shortest path problem", J. ACM 37(2), 1990) over the
 * integer event times, which a discrete-event simulation only ever pushes
 * at or after the time of the last popped event (a monotone queue).
 *
 * Bucket b >= 1 holds the events whose time t differs from `last` (the last
 * popped time) first in bit b-1 counted from the top of the word, i.e.
 * b = 64 - clz(t ^ last); bucket 0 holds the events at t == last. A pop
 * takes from bucket 0; when it is empty, the lowest non-empty bucket is
 * emptied into lower ones around its minimum, which becomes `last`. Each
 * event moves down at most 64 times and usually once or twice, so a hold
 * costs O(1) amortised, with sequential memory access.
 *
 * Ties: bucket 0 is one FIFO per class, served lowest class first. Within a
 * bucket events keep their push order through every redistribution, and
 * all events of one time are always in the same bucket, so equal times
 * leave bucket 0's FIFOs in push order: the (time, class, push order) rule.
 *
 * Cancellation is lazy: a handle names a slot and its generation; cancel
 * bumps the generation, and the queued entry, which carries the generation
 * it was pushed with, is skipped when it surfaces.
 */
#include "sim/evq.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    evq_time t;
    uint64_t arg;
    uint32_t kind, id;
    uint32_t slot;     /* class << 24 | slot index */
    uint32_t gen;
} entry;

typedef struct {       /* a growable FIFO of entries */
    entry *e;
    size_t head, n, cap;
} fifo;

#define NBUCKETS 65
#define SLOT_BITS 24
#define SLOT_MASK ((1u << SLOT_BITS) - 1)

struct evq {
    fifo      b[NBUCKETS];       /* b[0] unused: bucket 0 is cls0[] */
    fifo      cls0[EVQ_CLASSES];
    uint64_t  bmask;             /* bit b: bucket b non-empty (b >= 1) */
    uint64_t  cmask[EVQ_CLASSES / 64]; /* bit c: class c FIFO of bucket 0 non-empty */
    evq_time  last;
    uint32_t *gen;               /* per slot: odd while an event holds it, even when free */
    uint32_t *next_free;
    size_t    nslots;
    uint32_t  free_head;
    size_t    pending;
    uint64_t  seq;
};

#define NO_SLOT UINT32_MAX

static int fifo_push(fifo *f, const entry *x)
{
    if (f->head + f->n == f->cap) {
        if (f->head > 0 && f->head >= f->n) {   /* slide down instead of growing */
            memmove(f->e, f->e + f->head, f->n * sizeof *f->e);
            f->head = 0;
        } else {
            size_t cap = f->cap ? 2 * f->cap : 16;
            entry *e = realloc(f->e, cap * sizeof *e);
            if (!e) return -ENOMEM;
            f->e = e;
            f->cap = cap;
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

evq *evq_create(size_t capacity)
{
    evq *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->free_head = NO_SLOT;
    if (grow_slots(q, capacity ? (capacity < SLOT_MASK ? capacity : SLOT_MASK) : 1)) {
        evq_destroy(q);
        return NULL;
    }
    return q;
}

void evq_destroy(evq *q)
{
    if (!q) return;
    for (int i = 0; i < NBUCKETS; i++) free(q->b[i].e);
    for (int c = 0; c < EVQ_CLASSES; c++) free(q->cls0[c].e);
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

static int live(const evq *q, const entry *x)
{
    return q->gen[x->slot & SLOT_MASK] == x->gen;
}

/* empty _f, releasing the slots of its live entries */
static void fifo_drop(evq *q, fifo *f)
{
    for (size_t k = 0; k < f->n; k++)
        if (live(q, &f->e[f->head + k])) release(q, f->e[f->head + k].slot & SLOT_MASK);
    f->head = f->n = 0;
}

void evq_clear(evq *q)
{
    for (int i = 1; i < NBUCKETS; i++) fifo_drop(q, &q->b[i]);
    for (int c = 0; c < EVQ_CLASSES; c++) fifo_drop(q, &q->cls0[c]);
    q->bmask = 0;
    memset(q->cmask, 0, sizeof q->cmask);
    q->pending = 0;
    q->seq = 0;
    q->last = 0;
}

int evq_print(const evq *q, char *buf, size_t len)
{
    int w = snprintf(buf, len, "evq: %zu pending, %zu slots, %llu pushed, now %lld ticks, 1 tick = 1 ps",
                     q->pending, q->nslots, (unsigned long long)q->seq, (long long)q->last);
    return w < 0 || (size_t)w >= len ? -ENOSPC : 0;
}

/* put an entry where it belongs relative to q->last */
static int place(evq *q, const entry *x)
{
    if (x->t == q->last) {
        unsigned c = x->slot >> SLOT_BITS;
        q->cmask[c / 64] |= UINT64_C(1) << (c % 64);
        return fifo_push(&q->cls0[c], x);
    }
    int b = 64 - __builtin_clzll((uint64_t)(x->t ^ q->last));
    q->bmask |= UINT64_C(1) << (b - 1);
    return fifo_push(&q->b[b], x);
}

int evq_push(evq *q, const evq_event *e, evq_handle *h)
{
    if (e->cls >= EVQ_CLASSES || e->t < q->last) return -EINVAL;
    if (q->seq > EVQ_SEQ_MAX) return -EOVERFLOW;
    if (q->free_head == NO_SLOT) {
        int rc = grow_slots(q, 2 * q->nslots);
        if (rc) return rc;
    }
    uint32_t s = q->free_head;
    entry x = {e->t, e->arg, e->kind, e->id, (uint32_t)e->cls << SLOT_BITS | s, q->gen[s] + 1};
    int rc = place(q, &x);
    if (rc) return rc;
    q->free_head = q->next_free[s];
    q->gen[s] = x.gen;                      /* even -> odd: taken (wraps past 0 to 1: fine, odd) */
    q->pending++;
    q->seq++;
    if (h) *h = (evq_handle)x.gen << 32 | s;
    return 0;
}

/* bucket 0 empty: move the lowest non-empty bucket down around its minimum
 * live time. 0, -ENOENT (nothing live left) or -ENOMEM */
static int refill(evq *q)
{
    while (q->bmask) {
        int b = __builtin_ctzll(q->bmask) + 1;
        fifo *f = &q->b[b];
        evq_time mn = EVQ_TIME_MAX;
        for (size_t k = 0; k < f->n; k++) {
            const entry *x = &f->e[f->head + k];
            if (x->t < mn && live(q, x)) mn = x->t;
        }
        q->bmask &= ~(UINT64_C(1) << (b - 1));
        if (mn == EVQ_TIME_MAX) {          /* only cancelled entries */
            f->head = f->n = 0;
            continue;
        }
        q->last = mn;
        for (size_t k = 0; k < f->n; k++) {
            const entry *x = &f->e[f->head + k];
            if (live(q, x) && place(q, x)) return -ENOMEM;
        }
        f->head = f->n = 0;
        return 0;
    }
    return -ENOENT;
}

/* the first live entry of bucket 0 (refilling as needed), or NULL */
static entry *front(evq *q, fifo **from)
{
    for (;;) {
        for (int w = 0; w < EVQ_CLASSES / 64; w++) {
            while (q->cmask[w]) {
                int c = w * 64 + __builtin_ctzll(q->cmask[w]);
                fifo *f = &q->cls0[c];
                while (f->n && !live(q, &f->e[f->head])) {
                    f->head++;
                    f->n--;
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

static void fill(const entry *x, evq_event *e)
{
    e->t = x->t;
    e->cls = x->slot >> SLOT_BITS;
    e->kind = x->kind;
    e->id = x->id;
    e->arg = x->arg;
}

int evq_peek(evq *q, evq_event *e)
{
    fifo *f;
    entry *x = q->pending ? front(q, &f) : NULL;
    if (!x) return -ENOENT;
    fill(x, e);
    return 0;
}

int evq_pop(evq *q, evq_event *e)
{
    fifo *f;
    entry *x = q->pending ? front(q, &f) : NULL;
    if (!x) return -ENOENT;
    fill(x, e);
    release(q, x->slot & SLOT_MASK);
    f->head++;
    if (--f->n == 0) f->head = 0;
    q->pending--;
    return 0;
}

int evq_cancel(evq *q, evq_handle h)
{
    uint32_t s = (uint32_t)h, gen = (uint32_t)(h >> 32);
    if (!(gen & 1) || s >= q->nslots || q->gen[s] != gen) return -ENOENT;
    /* only a taken slot has an odd generation, so a free one never matches */
    release(q, s);
    q->pending--;
    return 0;
}

size_t evq_pending(const evq *q) { return q->pending; }

int evq_seconds_to_ticks(double s, evq_time *t)
{
    /* 2^63 ticks = 9.22e6 s: beyond it the count would overflow */
    if (!(s >= 0.0) || s * (double)EVQ_TICKS_PER_S >= 9.2233720368547758e18) return -ERANGE;
    *t = (evq_time)llround(s * (double)EVQ_TICKS_PER_S);
    return 0;
}

double evq_ticks_to_seconds(evq_time t) { return (double)t / (double)EVQ_TICKS_PER_S; }
