// bench_evq_ns3: featlink's event queue (sim/evq) beside ns-3's schedulers
// (Debian libns3-dev 3.37: Map, the default; Heap; PriorityQueue; Calendar)
// in the same process, on the same hold model as tests/bench_evq.c: fill n
// events, then pop the first and push it back at its time plus an increment
// (exponential, mean 100 ns; tie-free in 1 ps ticks, tie-heavy rounded to
// whole ns). The increments are precomputed and shared, so every queue does
// the same work. Rounds alternate between the queues; medians of 5.
// Build and run: make bench-evq-peers (installs libns3-dev when missing).
// Options: --rounds N (instead of 5), --pq-only (evq and ns-3's
// PriorityQueue only, the fastest ns-3 scheduler in every row measured so
// far; tests/peers/evq_ab.sh runs two builds of evq that way, alternating).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <ns3/calendar-scheduler.h>
#include <ns3/heap-scheduler.h>
#include <ns3/map-scheduler.h>
#include <ns3/priority-queue-scheduler.h>
#include <ns3/ptr.h>

extern "C" {
#include "sim/evq.h"
}

/* this thread's CPU time: on a shared machine it leaves out the waits */
static double now_s()
{
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static std::vector<int64_t> inc;

static void make_increments(bool ties)
{
    inc.resize(1u << 20);
    uint64_t x = ties ? 0x9E3779B97F4A7C15ull : 0xD1B54A32D192ED03ull;   // splitmix64
    for (auto &v : inc) {
        x += 0x9E3779B97F4A7C15ull;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        double u = ((z >> 11) + 0.5) / 9007199254740992.0;
        double s = -std::log(u) * 100e-9;
        v = ties ? (int64_t)std::llround(s * 1e9) * 1000 : (int64_t)std::llround(s * 1e12);
    }
}

static double hold_evq(size_t n, uint64_t holds)
{
    evq *q = fl_evq_create(n);
    evq_event e{};
    for (size_t i = 0; i < n; i++) {
        e.t = inc[i % inc.size()] * (int64_t)(1 + i % 7);
        fl_evq_push(q, &e, nullptr);
    }
    double t0 = now_s();
    for (uint64_t h = 0; h < holds; h++) {
        fl_evq_pop(q, &e);
        e.t += inc[h & (inc.size() - 1)];
        fl_evq_push(q, &e, nullptr);
    }
    double dt = now_s() - t0;
    fl_evq_destroy(q);
    return holds / dt;
}

template <class S> static double hold_ns3(size_t n, uint64_t holds)
{
    ns3::Ptr<ns3::Scheduler> s = ns3::CreateObject<S>();
    uint32_t uid = 0;
    ns3::Scheduler::Event ev;
    ev.impl = nullptr;
    for (size_t i = 0; i < n; i++) {
        ev.key.m_ts = inc[i % inc.size()] * (uint64_t)(1 + i % 7);
        ev.key.m_uid = uid++;
        ev.key.m_context = 0;
        s->Insert(ev);
    }
    double t0 = now_s();
    for (uint64_t h = 0; h < holds; h++) {
        ev = s->RemoveNext();
        ev.key.m_ts += inc[h & (inc.size() - 1)];
        ev.key.m_uid = uid++;     // ns-3 breaks ties by uid: FIFO, as evq
        s->Insert(ev);
    }
    double dt = now_s() - t0;
    while (!s->IsEmpty()) s->RemoveNext();
    return holds / dt;
}

int main(int argc, char **argv)
{
    int rounds = 5;
    bool pq_only = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pq-only")) {
            pq_only = true;
        } else if (!strcmp(argv[i], "--rounds") && i + 1 < argc && atoi(argv[i + 1]) >= 1) {
            rounds = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: %s [--rounds N] [--pq-only]\n", argv[0]);
            return 2;
        }
    }
    char line[256], model[256] = "unknown";
    if (FILE *f = fopen("/proc/cpuinfo", "r")) {
        while (fgets(line, sizeof line, f))
            if (!strncmp(line, "model name", 10)) {
                snprintf(model, sizeof model, "%s", strchr(line, ':') + 2);
                model[strcspn(model, "\n")] = 0;
                break;
            }
        fclose(f);
    }
    double l[3] = {NAN, NAN, NAN};
    if (FILE *f = fopen("/proc/loadavg", "r")) {
        if (fscanf(f, "%lf %lf %lf", &l[0], &l[1], &l[2]) != 3) l[0] = NAN;
        fclose(f);
    }
    printf("cpu: %s; load average %.2f %.2f %.2f\n", model, l[0], l[1], l[2]);
    printf("hold model, holds per CPU second, median of %d alternating rounds (same process, same increments)\n",
           rounds);
    const char *names[] = {"featlink evq", "ns-3 Map", "ns-3 Heap", "ns-3 PriorityQueue", "ns-3 Calendar"};
    for (int ties = 0; ties <= 1; ties++) {
        make_increments(ties);
        for (size_t n : {(size_t)1000, (size_t)100000, (size_t)1000000}) {
            uint64_t holds = std::max<uint64_t>(2000000, 4 * n);
            std::vector<double> r[5];
            for (int round = 0; round < rounds; round++) {
                r[0].push_back(hold_evq(n, holds));
                r[3].push_back(hold_ns3<ns3::PriorityQueueScheduler>(n, holds));
                if (pq_only) continue;
                r[1].push_back(hold_ns3<ns3::MapScheduler>(n, holds));
                r[2].push_back(hold_ns3<ns3::HeapScheduler>(n, holds));
                // Calendar collapses on large queues (1.7e4 holds/s at 1e6, minutes
                // a round with ties): one round there, over a hundredth of the holds
                // (the rate is per hold, so it stays comparable)
                bool big = n >= 100000 && (ties || n >= 1000000);
                if (!big || round == 0) r[4].push_back(hold_ns3<ns3::CalendarScheduler>(n, big ? holds / 100 : holds));
            }
            double med[5], best_peer = 0;
            for (int k = 0; k < 5; k++) {
                if (r[k].empty()) continue;
                std::sort(r[k].begin(), r[k].end());
                med[k] = r[k][r[k].size() / 2];
                if (k > 0) best_peer = std::max(best_peer, med[k]);
            }
            printf("%s n = %-8zu", ties ? "tie-heavy" : "tie-free ", n);
            for (int k = 0; k < 5; k++)
                if (!r[k].empty()) printf("  %s %.3g", names[k], med[k]);
            printf("  | evq / fastest ns-3 %.2fx\n", med[0] / best_peer);
            fflush(stdout);
        }
    }
    return 0;
}
