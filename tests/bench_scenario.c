/* bench_scenario: how long `featlink validate` takes on big scenarios
 * (issue 10 point 3): a 1e7-point grid (100 x 100 x 1000) and one list of
 * 1e5 values, through fl_scenario_validate, the call `validate` makes (every
 * point checked). Goals: under 10 s and under 0.1 s. Before the schema
 * rewrite (every point a copied cJSON tree, list values found by O(n)
 * walks) the 1e5 list took 23 s here and the 1e7 grid about 20 minutes. */
#include "sim/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "[v0, v0 + step, ...]" of _n values into a malloc'd string */
static char *list(int n, double step)
{
    char *s = malloc((size_t)n * 24 + 3);
    if (!s)
        return NULL;
    size_t k = 0;
    s[k++] = '[';
    for (int i = 0; i < n; i++)
        k += (size_t)sprintf(s + k, "%s%.9g", i ? "," : "", i * step);
    s[k++] = ']';
    s[k] = 0;
    return s;
}

/* CPU seconds of fl_scenario_validate on _text (best of _reps; *_wall: the
 * wall time of that round), -1 on failure. On a shared machine the wall
 * time includes waiting for a core, so the CPU time is the figure. */
static double time_validate(const char *dir, const char *name, const char *text, int reps, long long *points,
                            double *wall)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f))
        return -1;
    static char errs[SCN_MAX_ERRORS * (SCN_ERR_LEN + 1) + 1];
    double best = -1;
    for (int r = 0; r < reps; r++) {
        int n = 0;
        double w0 = clock_s(CLOCK_MONOTONIC), t0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        scenario *s = fl_scenario_validate(path, NULL, 0, errs, sizeof errs, &n);
        double t = clock_s(CLOCK_PROCESS_CPUTIME_ID) - t0, w = clock_s(CLOCK_MONOTONIC) - w0;
        if (!s) {
            fprintf(stderr, "%s", errs);
            return -1;
        }
        *points = (long long)fl_scenario_points(s);
        fl_scenario_destroy(s);
        if (best < 0 || t < best)
            best = t, *wall = w;
    }
    unlink(path);
    return best;
}

int main(void)
{
    char dir[] = "/tmp/featlink-bench-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char *a = list(100, 0.01), *b = list(1000, 0.001), *c = list(100000, 1e-5);
    size_t need = strlen(c) + 2 * strlen(a) + strlen(b) + 256;
    char *text = malloc(need);
    if (!a || !b || !c || !text)
        return 1;
    long long pts = 0;
    double wg = 0, wl = 0, load[1] = {0};
    getloadavg(load, 1);
    printf("load average %.2f (wall times include waiting for a core)\n", load[0]);
    snprintf(text, need, "{\"codec\": {\"select\": \"pinr\"}, \"sweep\": {\"grid\": {\"codec.f\": %s, "
             "\"codec.g\": %s, \"codec.h\": %s}}}", a, a, b);
    double tg = time_validate(dir, "grid.json", text, 1, &pts, &wg);
    printf("validate, grid of 100 x 100 x 1000 = %lld points: %.3f s CPU, %.3f s wall (%.0f ns/point; "
           "goal < 10 s: %s)\n", pts, tg, wg, 1e9 * tg / (double)(pts ? pts : 1), tg >= 0 && tg < 10 ? "met" : "NOT met");
    snprintf(text, need, "{\"codec\": {\"select\": \"pinr\"}, \"sweep\": {\"grid\": {\"codec.f\": %s}}}", c);
    double tl = time_validate(dir, "list.json", text, 5, &pts, &wl);
    printf("validate, one list of %lld values (%zu bytes): %.4f s CPU, %.4f s wall, best of 5 (goal < 0.1 s: %s)\n",
           pts, strlen(text), tl, wl, tl >= 0 && tl < 0.1 ? "met" : "NOT met");
    free(a), free(b), free(c), free(text);
    rmdir(dir);
    return tg < 0 || tl < 0;
}
