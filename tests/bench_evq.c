/* bench_evq: hold-model throughput of the event queue (sim/evq), the
 * classic priority-queue benchmark (Jones 1986, "An empirical comparison of
 * priority-queue and event-set implementations", CACM 29(4)): fill the queue
 * with n events, then repeat hold = pop the first event and push one at its
 * time plus a random increment, so the size stays n.
 *   tie-free:  increments exponential, mean 100 ns, in 1 ps ticks
 *   tie-heavy: increments exponential, mean 100 ns, rounded to whole ns
 *              (many events share a time; the FIFO tie rule decides)
 * Sizes 1e3, 1e5, 1e6; median of 5 rounds of at least 2e6 holds each.
 * Prints absolute figures (holds/s, per second of this thread's CPU time)
 * with the CPU model and load average.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <Random123/philox.h>

#include "sim/evq.h"
#include "tests/bench_info.h"

/* precomputed increments (ticks), so the timed loop measures the queue */
#define NINC (1u << 20)
static evq_time inc[NINC];

static void make_increments(int ties)
{
    for (uint32_t i = 0; i < NINC; i += 4) {
        philox4x32_ctr_t c = {{i, 0xB0E, 0, 0}};
        philox4x32_key_t k = {{7, ties}};
        philox4x32_ctr_t r = philox4x32(c, k);
        for (int j = 0; j < 4; j++) {
            double u = ((double)r.v[j] + 0.5) / 4294967296.0;
            double x = -log(u) * 100e-9;            /* seconds */
            inc[i + j] = ties ? (evq_time)llround(x * 1e9) * 1000 : (evq_time)llround(x * 1e12);
        }
    }
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double hold_rate(size_t n, uint64_t holds)
{
    evq *q = fl_evq_create(n);
    if (!q) return NAN;
    evq_event e = {0};
    for (size_t i = 0; i < n; i++) {
        e.t = inc[i % NINC] * (evq_time)(1 + i % 7);
        e.id = (uint32_t)i;
        fl_evq_push(q, &e, NULL);
    }
    double t0 = bench_cpu_s();
    uint64_t sum = 0;
    for (uint64_t h = 0; h < holds; h++) {
        fl_evq_pop(q, &e);
        sum += e.id;
        e.t += inc[h & (NINC - 1)];
        fl_evq_push(q, &e, NULL);
    }
    double dt = bench_cpu_s() - t0;
    fl_evq_destroy(q);
    if (sum == 42) fputs("", stderr);   /* keep the loop's result alive */
    return (double)holds / dt;
}

int main(void)
{
    bench_header("evq hold model");
    printf("evq hold model (pop + push, queue size constant), median of 5 rounds:\n");
    const size_t sizes[] = {1000, 100000, 1000000};
    for (int ties = 0; ties <= 1; ties++) {
        make_increments(ties);
        for (int s = 0; s < 3; s++) {
            double r[5];
            uint64_t holds = sizes[s] * 4 > 2000000 ? sizes[s] * 4 : 2000000;
            for (int k = 0; k < 5; k++) r[k] = hold_rate(sizes[s], holds);
            qsort(r, 5, sizeof r[0], cmp_d);
            printf("  %-9s n = %-8zu %.3g holds/s (min %.3g, max %.3g)\n",
                   ties ? "tie-heavy" : "tie-free", sizes[s], r[2], r[0], r[4]);
        }
    }
    return 0;
}
