/* test_evq: the event queue against a naive model written here (an unsorted
 * array searched for its (time, class, push order) minimum on every pop),
 * under random pushes, pops and cancels with many ties; FIFO at equal time
 * and class; handles that ran or were cancelled refused; arena growth; time
 * conversion limits. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/evq.h"
#include "tests/testutil.h"

/* the model: every pending event with its push number */
typedef struct {
    evq_event e;
    uint64_t order;
    evq_handle h;
} model_ev;

static int model_less(const model_ev *a, const model_ev *b)
{
    if (a->e.t != b->e.t) return a->e.t < b->e.t;
    if (a->e.cls != b->e.cls) return a->e.cls < b->e.cls;
    return a->order < b->order;
}

static size_t model_min(const model_ev *m, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (model_less(&m[i], &m[best])) best = i;
    return best;
}

static void assert_same_event(const evq_event *a, const evq_event *b)
{
    assert_int_equal(a->t, b->t);
    assert_int_equal(a->cls, b->cls);
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->arg, b->arg);
}

/* an offset spanning every digit level of the radix heap (sim/evq.c):
 * a random magnitude 2^0 .. 2^62, clipped so now + offset fits */
static evq_time wide_offset(testutil_rng *r, evq_time now)
{
    uint64_t x = (uint64_t)testutil_rng_u32(r, 6) << 31 | testutil_rng_u32(r, 7);
    evq_time o = (evq_time)(x >> (testutil_rng_u32(r, 8) % 63));
    return o > EVQ_TIME_MAX - now ? EVQ_TIME_MAX - now : o;
}

/* random operations; times from a small range so ties are the rule
 * (time_range 0: offsets of every magnitude, wide_offset); _no_handle_pct
 * percent of the pushes ask for no handle (sim/evq.c keeps no slot for
 * them), the others can be cancelled */
static void run_random_ops(uint32_t seed, int ops, evq_time time_range, unsigned classes,
                           unsigned no_handle_pct)
{
    testutil_rng r = {.seed = seed, .purpose = 0xE01};
    model_ev *m = calloc((size_t)ops, sizeof *m);
    assert_non_null(m);
    evq *q = fl_evq_create(4);   /* small: the arena must grow */
    assert_non_null(q);
    size_t n = 0;
    uint64_t order = 0;
    evq_time now = 0;
    for (int op = 0; op < ops; op++) {
        uint32_t u = testutil_rng_u32(&r, 0) % 10;
        if (u < 6 || n == 0) {   /* push, never before the current time */
            model_ev *x = &m[n++];
            x->e.t = now + (time_range ? (evq_time)(testutil_rng_u32(&r, 1) % (uint32_t)time_range)
                                       : wide_offset(&r, now));
            x->e.cls = testutil_rng_u32(&r, 2) % classes;
            x->e.kind = testutil_rng_u32(&r, 3);
            x->e.id = (uint32_t)op;
            x->e.arg = (uint64_t)testutil_rng_u32(&r, 4) << 32 | (uint32_t)op;
            x->order = order++;
            int bare = no_handle_pct && testutil_rng_u32(&r, 9) % 100 < no_handle_pct;
            x->h = 0;
            assert_int_equal(fl_evq_push(q, &x->e, bare ? NULL : &x->h), 0);
        } else if (u < 9) {      /* pop: the model's minimum */
            size_t b = model_min(m, n);
            evq_event got, peek;
            assert_int_equal(fl_evq_peek(q, &peek), 0);
            assert_int_equal(fl_evq_pop(q, &got), 0);
            assert_same_event(&got, &m[b].e);
            assert_same_event(&peek, &m[b].e);
            now = got.t;
            /* a handle of an event that ran cancels nothing */
            assert_int_equal(fl_evq_cancel(q, m[b].h), -ENOENT);
            m[b] = m[--n];
        } else {                 /* cancel a random pending event */
            size_t k = testutil_rng_u32(&r, 5) % n;
            if (!m[k].h) {       /* pushed without a handle: nothing to cancel it with */
                assert_int_equal(fl_evq_cancel(q, 0), -ENOENT);
                continue;
            }
            assert_int_equal(fl_evq_cancel(q, m[k].h), 0);
            assert_int_equal(fl_evq_cancel(q, m[k].h), -ENOENT);
            m[k] = m[--n];
        }
        assert_int_equal(fl_evq_pending(q), n);
    }
    while (n) {                  /* drain */
        size_t b = model_min(m, n);
        evq_event got;
        assert_int_equal(fl_evq_pop(q, &got), 0);
        assert_same_event(&got, &m[b].e);
        m[b] = m[--n];
    }
    evq_event none;
    assert_int_equal(fl_evq_pop(q, &none), -ENOENT);
    assert_int_equal(fl_evq_peek(q, &none), -ENOENT);
    fl_evq_destroy(q);
    free(m);
}

static void test_random_ops_tie_heavy(void **state)
{
    run_random_ops(1, 20000, 8, 3, 0);  /* about 8 distinct times in flight */
}

static void test_random_ops_continuous(void **state)
{
    run_random_ops(2, 20000, 1 << 30, 1, 0);
}

static void test_random_ops_every_level(void **state)
{
    run_random_ops(3, 20000, 0, 2, 0);
}

/* half the pushes without a handle, mixed with cancels of the others */
static void test_random_ops_mixed_handles(void **state)
{
    run_random_ops(4, 20000, 8, 3, 50);
    run_random_ops(5, 20000, 1 << 20, 2, 50);
    run_random_ops(6, 20000, 0, 3, 50);
}

/* events of one time and class served in place from their bucket (sim/evq.c,
 * the run) while more arrive at that time: a lower class runs before the
 * rest of the run, the same class after it, a higher class last */
static void test_run_and_same_time_pushes(void **state)
{
    evq *q = fl_evq_create(1);
    assert_non_null(q);
    for (uint32_t i = 0; i < 3; i++) {
        evq_event e = {.t = 5, .cls = 1, .id = i};
        assert_int_equal(fl_evq_push(q, &e, NULL), 0);
    }
    evq_event got;
    assert_int_equal(fl_evq_pop(q, &got), 0);
    assert_int_equal(got.id, 0);
    const uint32_t cls[3] = {2, 1, 0};
    for (uint32_t i = 0; i < 3; i++) {
        evq_event e = {.t = 5, .cls = cls[i], .id = 10 + i};
        assert_int_equal(fl_evq_push(q, &e, NULL), 0);
    }
    const uint32_t want[5] = {12, 1, 2, 11, 10};
    for (int k = 0; k < 5; k++) {
        assert_int_equal(fl_evq_pop(q, &got), 0);
        assert_int_equal(got.id, want[k]);
        assert_int_equal(got.t, 5);
    }
    assert_int_equal(fl_evq_pop(q, &got), -ENOENT);
    fl_evq_destroy(q);
}

static void test_fifo_at_equal_time_and_class(void **state)
{
    evq *q = fl_evq_create(1);
    assert_non_null(q);
    /* class 1 pushed before class 0 at the same time: class 0 runs first;
     * within a class, push order */
    for (uint32_t i = 0; i < 100; i++) {
        evq_event e = {.t = 5, .cls = 1 - (i % 2), .id = i};
        assert_int_equal(fl_evq_push(q, &e, NULL), 0);
    }
    evq_event e0 = {.t = 4, .cls = 255, .id = 1000};
    assert_int_equal(fl_evq_push(q, &e0, NULL), 0);
    evq_event got;
    assert_int_equal(fl_evq_pop(q, &got), 0);
    assert_int_equal(got.id, 1000);     /* earlier time beats any class */
    for (uint32_t k = 0; k < 100; k++) {
        assert_int_equal(fl_evq_pop(q, &got), 0);
        uint32_t want = k < 50 ? 2 * k + 1 : 2 * (k - 50);   /* class 0 = odd i */
        assert_int_equal(got.id, want);
        assert_int_equal(got.cls, k < 50 ? 0 : 1);
    }
    fl_evq_destroy(q);
}

static void test_handles_and_bad_input(void **state)
{
    evq *q = fl_evq_create(2);
    assert_non_null(q);
    evq_event e = {.t = 10};
    evq_handle h1, h2;
    assert_int_equal(fl_evq_push(q, &e, &h1), 0);
    assert_int_equal(fl_evq_cancel(q, h1), 0);
    /* the slot is reused by the next push: the old handle must not cancel it */
    assert_int_equal(fl_evq_push(q, &e, &h2), 0);
    assert_true(h1 != h2);
    assert_int_equal(fl_evq_cancel(q, h1), -ENOENT);
    assert_int_equal(fl_evq_pending(q), 1);
    assert_int_equal(fl_evq_cancel(q, 0), -ENOENT);
    assert_int_equal(fl_evq_cancel(q, (evq_handle)1 << 32 | 999999), -ENOENT);
    /* a forged handle of a free slot (generation 2 is even: free) */
    assert_int_equal(fl_evq_cancel(q, (evq_handle)2 << 32 | 1), -ENOENT);
    assert_int_equal(fl_evq_cancel(q, (evq_handle)3 << 32 | 1), -ENOENT);
    evq_event bad = {.t = 1, .cls = 256};
    assert_int_equal(fl_evq_push(q, &bad, NULL), -EINVAL);
    bad.cls = 0;
    bad.t = -1;
    assert_int_equal(fl_evq_push(q, &bad, NULL), -EINVAL);
    /* nothing before the last popped time */
    evq_event e20 = {.t = 20}, got;
    assert_int_equal(fl_evq_push(q, &e20, NULL), 0);
    assert_int_equal(fl_evq_pop(q, &got), 0);      /* the t = 10 event */
    assert_int_equal(got.t, 10);
    bad.t = 9;
    assert_int_equal(fl_evq_push(q, &bad, NULL), -EINVAL);
    bad.t = 10;
    assert_int_equal(fl_evq_push(q, &bad, NULL), 0);
    assert_int_equal(fl_evq_pop(q, &got), 0);
    assert_int_equal(got.t, 10);
    /* a peek makes the peeked time the floor (evq.h): 15 is refused once
       the t = 20 event has been peeked, 20 itself is accepted */
    assert_int_equal(fl_evq_peek(q, &got), 0);
    assert_int_equal(got.t, 20);
    bad.t = 15;
    assert_int_equal(fl_evq_push(q, &bad, NULL), -EINVAL);
    bad.t = 20;
    assert_int_equal(fl_evq_push(q, &bad, NULL), 0);
    assert_int_equal(fl_evq_pop(q, &got), 0);
    assert_int_equal(got.t, 20);
    char buf[128];
    assert_int_equal(fl_evq_print(q, buf, sizeof buf), 0);
    assert_non_null(strstr(buf, "1 pending"));
    fl_evq_clear(q);
    assert_int_equal(fl_evq_pending(q), 0);
    assert_int_equal(fl_evq_cancel(q, h2), -ENOENT);
    fl_evq_destroy(q);
}

static void test_time_conversion(void **state)
{
    evq_time t;
    assert_int_equal(fl_evq_seconds_to_ticks(1.5, &t), 0);
    assert_int_equal(t, 1500000000000LL);
    assert_int_equal(fl_evq_seconds_to_ticks(1e-12, &t), 0);
    assert_int_equal(t, 1);
    assert_int_equal(fl_evq_seconds_to_ticks(0.4e-12, &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(fl_evq_seconds_to_ticks(9.2e6, &t), 0);     /* 106 days */
    assert_int_equal(fl_evq_seconds_to_ticks(9.3e6, &t), -ERANGE);
    assert_int_equal(fl_evq_seconds_to_ticks(-1e-3, &t), -ERANGE);
    assert_int_equal(fl_evq_seconds_to_ticks(NAN, &t), -ERANGE);
    assert_int_equal(fl_evq_seconds_to_ticks(INFINITY, &t), -ERANGE);
    assert_true(fabs(fl_evq_ticks_to_seconds(2500000000000LL) - 2.5) == 0.0);
    /* integer ticks: a sum of parts equals the whole exactly */
    evq_time a, b, c;
    assert_int_equal(fl_evq_seconds_to_ticks(0.1, &a), 0);
    assert_int_equal(fl_evq_seconds_to_ticks(0.2, &b), 0);
    assert_int_equal(fl_evq_seconds_to_ticks(0.3, &c), 0);
    assert_int_equal(a + b, c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_ops_tie_heavy),
        cmocka_unit_test(test_random_ops_continuous),
        cmocka_unit_test(test_random_ops_every_level),
        cmocka_unit_test(test_random_ops_mixed_handles),
        cmocka_unit_test(test_run_and_same_time_pushes),
        cmocka_unit_test(test_fifo_at_equal_time_and_class),
        cmocka_unit_test(test_handles_and_bad_input),
        cmocka_unit_test(test_time_conversion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
