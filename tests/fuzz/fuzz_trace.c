/* libFuzzer target: the arrival-trace parser (sim/trace: fl_trace_parse)
 * on any bytes. Input: byte 0 = system.devices - 1 (1..256), the rest the
 * trace text. Contracts: 0, -EINVAL or -EFBIG (never another error: the
 * inputs are small); on error a message, nothing kept; on success the
 * arrivals are grouped by device (start[] non-decreasing from 0 to n),
 * every time finite in [0, TRACE_MAX_TIME_S] and each device's times
 * ascending, and parsing the same text again gives the same arrivals. */
#include "tests/fuzz/fuzz_util.h"

#include "sim/trace.h"

#include <errno.h>
#include <math.h>

static void fuzz_trace_check(const trace *t, uint32_t devices)
{
    FUZZ_CHECK(t->devices == devices && t->n >= 1 && t->start[0] == 0 && t->start[devices] == t->n);
    for (uint32_t d = 0; d < devices; d++) {
        FUZZ_CHECK(t->start[d] <= t->start[d + 1]);
        for (size_t i = t->start[d]; i < t->start[d + 1]; i++) {
            FUZZ_CHECK(isfinite(t->time_s[i]) && t->time_s[i] >= 0 && t->time_s[i] <= TRACE_MAX_TIME_S);
            FUZZ_CHECK(i == t->start[d] || t->time_s[i - 1] <= t->time_s[i]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    fuzz_in in = {d, n};
    uint32_t devices = fuzz_take(&in, 1) + 1;
    trace t, u;
    char err[512] = "";
    int rc = fl_trace_parse((const char *)in.p, in.n, devices, &t, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EFBIG);
    if (rc) {
        FUZZ_CHECK(err[0] && !t.time_s && !t.start);
        return 0;
    }
    fuzz_trace_check(&t, devices);
    FUZZ_CHECK(fl_trace_parse((const char *)in.p, in.n, devices, &u, err, sizeof err) == 0);
    FUZZ_CHECK(u.n == t.n && !memcmp(u.time_s, t.time_s, t.n * sizeof *t.time_s));
    FUZZ_CHECK(!memcmp(u.start, t.start, ((size_t)devices + 1) * sizeof *t.start));
    fl_trace_free(&u);
    fl_trace_free(&t);
    return 0;
}
