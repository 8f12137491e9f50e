/* evq: see evq.h. A 4-ary implicit min-heap (Johnson 1975, "Priority queues
 * with update and finding minimum spanning trees": d-ary heaps trade a
 * shallower tree, log_4 n levels, for d-1 more comparisons per level; with
 * d = 4 the children of a node share one or two cache lines) of 24-byte
 * keys, and an arena of slots holding the events' payloads and their heap
 * positions for cancellation. */
#include "sim/evq.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    evq_time t;
    uint64_t tie;   /* cls << 56 | seq */
    uint32_t slot;
} key;

typedef struct {
    uint32_t kind, id;
    uint64_t arg;
    uint32_t pos;   /* heap index while pending; next free slot while free */
    uint32_t gen;   /* bumped whenever the slot is released */
} slot;

struct evq {
    key     *heap;
    slot    *slots;
    size_t   n, cap;      /* pending, allocated (heap and slots alike) */
    uint32_t free_head;   /* UINT32_MAX: none */
    uint64_t seq;
};

#define NO_SLOT UINT32_MAX

static inline int key_less(const key *a, const key *b)
{
    return a->t < b->t || (a->t == b->t && a->tie < b->tie);
}

static int grow(evq *q, size_t cap)
{
    if (cap > NO_SLOT) return -ENOMEM;
    key *h = realloc(q->heap, cap * sizeof *h);
    if (!h) return -ENOMEM;
    q->heap = h;
    slot *s = realloc(q->slots, cap * sizeof *s);
    if (!s) return -ENOMEM;
    q->slots = s;
    /* new slots go onto the free list, lowest index first */
    for (size_t i = cap; i-- > q->cap;) {
        s[i].pos = q->free_head;
        s[i].gen = 1;
        q->free_head = (uint32_t)i;
    }
    q->cap = cap;
    return 0;
}

evq *evq_create(size_t capacity)
{
    evq *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->free_head = NO_SLOT;
    if (grow(q, capacity ? capacity : 1) != 0) {
        evq_destroy(q);
        return NULL;
    }
    return q;
}

void evq_destroy(evq *q)
{
    if (!q) return;
    free(q->heap);
    free(q->slots);
    free(q);
}

static void release(evq *q, uint32_t s)
{
    q->slots[s].gen++;
    if (q->slots[s].gen == 0) q->slots[s].gen = 1;   /* 0 never names a live event */
    q->slots[s].pos = q->free_head;
    q->free_head = s;
}

void evq_clear(evq *q)
{
    while (q->n) release(q, q->heap[--q->n].slot);
    q->seq = 0;
}

int evq_print(const evq *q, char *buf, size_t len)
{
    int w = snprintf(buf, len, "evq: %zu pending, arena %zu slots, %llu pushed, 1 tick = 1 ps",
                     q->n, q->cap, (unsigned long long)q->seq);
    return w < 0 || (size_t)w >= len ? -ENOSPC : 0;
}

static inline void place(evq *q, size_t i, const key *k)
{
    q->heap[i] = *k;
    q->slots[k->slot].pos = (uint32_t)i;
}

static void sift_up(evq *q, size_t i, key k)
{
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!key_less(&k, &q->heap[p])) break;
        place(q, i, &q->heap[p]);
        i = p;
    }
    place(q, i, &k);
}

static void sift_down(evq *q, size_t i, key k)
{
    const size_t n = q->n;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n) break;
        size_t best = c, end = c + 4 < n ? c + 4 : n;
        for (size_t j = c + 1; j < end; j++)
            if (key_less(&q->heap[j], &q->heap[best])) best = j;
        if (!key_less(&q->heap[best], &k)) break;
        place(q, i, &q->heap[best]);
        i = best;
    }
    place(q, i, &k);
}

int evq_push(evq *q, const evq_event *e, evq_handle *h)
{
    if (e->cls >= EVQ_CLASSES || e->t < 0) return -EINVAL;
    if (q->seq > EVQ_SEQ_MAX) return -EOVERFLOW;
    if (q->free_head == NO_SLOT) {
        int rc = grow(q, 2 * q->cap);
        if (rc) return rc;
    }
    uint32_t s = q->free_head;
    slot *sl = &q->slots[s];
    q->free_head = sl->pos;
    sl->kind = e->kind;
    sl->id = e->id;
    sl->arg = e->arg;
    key k = {e->t, (uint64_t)e->cls << 56 | q->seq++, s};
    sift_up(q, q->n++, k);
    if (h) *h = (evq_handle)sl->gen << 32 | s;
    return 0;
}

static void fill(const evq *q, const key *k, evq_event *e)
{
    const slot *sl = &q->slots[k->slot];
    e->t = k->t;
    e->cls = (unsigned)(k->tie >> 56);
    e->kind = sl->kind;
    e->id = sl->id;
    e->arg = sl->arg;
}

int evq_peek(const evq *q, evq_event *e)
{
    if (q->n == 0) return -ENOENT;
    fill(q, &q->heap[0], e);
    return 0;
}

/* remove the key at heap index i: the last key takes its place and moves up
 * or down to where it belongs */
static void remove_at(evq *q, size_t i)
{
    uint32_t s = q->heap[i].slot;
    key last = q->heap[--q->n];
    if (i < q->n) {
        if (i > 0 && key_less(&last, &q->heap[(i - 1) / 4]))
            sift_up(q, i, last);
        else
            sift_down(q, i, last);
    }
    release(q, s);
}

int evq_pop(evq *q, evq_event *e)
{
    if (q->n == 0) return -ENOENT;
    fill(q, &q->heap[0], e);
    remove_at(q, 0);
    return 0;
}

int evq_cancel(evq *q, evq_handle h)
{
    uint32_t s = (uint32_t)h, gen = (uint32_t)(h >> 32);
    if (gen == 0 || s >= q->cap || q->slots[s].gen != gen) return -ENOENT;
    size_t i = q->slots[s].pos;
    if (i >= q->n || q->heap[i].slot != s) return -ENOENT;
    remove_at(q, i);
    return 0;
}

size_t evq_pending(const evq *q) { return q->n; }

int evq_seconds_to_ticks(double s, evq_time *t)
{
    /* 2^63 ticks = 9.22e6 s: beyond it the count would overflow */
    if (!(s >= 0.0) || s * (double)EVQ_TICKS_PER_S >= 9.2233720368547758e18) return -ERANGE;
    *t = (evq_time)llround(s * (double)EVQ_TICKS_PER_S);
    return 0;
}

double evq_ticks_to_seconds(evq_time t) { return (double)t / (double)EVQ_TICKS_PER_S; }
