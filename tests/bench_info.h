/* bench_info: what every benchmark prints first, so a figure can be read
 * against the machine it came from: the CPU model (/proc/cpuinfo "model
 * name"), the online cores and the load average (/proc/loadavg), plus a
 * monotonic clock and a median helper. Header-only (static functions), for
 * the benchmarks under tests/ and tests/peers/. */
#ifndef FEATLINK_BENCH_INFO_H
#define FEATLINK_BENCH_INFO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double bench_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

//  bench_cpu_s : this thread's CPU time in seconds; on a shared machine it
//      leaves out the time the thread waited for a core (wall time does not)
static inline double bench_cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline void bench_cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            char *c = strchr(line, ':');
            if (c) {
                c += c[1] == ' ' ? 2 : 1;
                c[strcspn(c, "\n")] = 0;
                snprintf(buf, len, "%s", c);
            }
            break;
        }
    fclose(f);
}

static inline void bench_loadavg(char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f)
        return;
    double a, b, c;
    if (fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
        snprintf(buf, len, "%.2f %.2f %.2f", a, b, c);
    fclose(f);
}

//  bench_header : "CPU: <model>, <n> online cores, load average <1 5 15 min>"
static inline void bench_header(const char *what)
{
    char cpu[256], load[64];
    bench_cpu_model(cpu, sizeof cpu);
    bench_loadavg(load, sizeof load);
    printf("%s\nCPU: %s, %ld online cores, load average %s (1/5/15 min)\n\n", what, cpu,
           sysconf(_SC_NPROCESSORS_ONLN), load);
}

static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

//  bench_median : median of _n values (sorts _v in place)
static inline double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#endif
