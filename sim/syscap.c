/* syscap: see syscap.h. */
#include "sim/syscap.h"

#include <errno.h>
#include <math.h>

/* run with N devices in group g; *value = the metric, +inf when saturated */
static int probe(const sys_config *base, int g, uint32_t n, syscap_metric metric, double *value)
{
    sys_config c = *base;
    c.groups[g].devices = n;
    sys_totals t;
    syssum s;
    int rc = fl_syssum_run(&c, &s, &t);
    if (rc) return rc;
    *value = metric == SYSCAP_P95 ? s.p95.est : metric == SYSCAP_MEAN ? s.latency.est : s.miss_rate.est;
    if (s.saturated || isnan(*value)) *value = INFINITY;
    return 0;
}

int fl_syscap_max_devices(const sys_config *base, int g, uint32_t lo, uint32_t hi,
                       syscap_metric metric, double target, syscap_result *out)
{
    if (g < 0 || g >= base->ngroups || lo < 1 || hi < lo || !(target >= 0)) return -EINVAL;
    out->probes = 0;
    out->next = NAN;
    double v_lo, v_hi;
    int rc = probe(base, g, lo, metric, &v_lo);
    out->probes++;
    if (rc) return rc;
    if (v_lo > target) {               /* not even lo devices */
        out->n = lo - 1;
        out->value = NAN;
        out->next = v_lo;
        return 0;
    }
    if ((rc = probe(base, g, hi, metric, &v_hi))) return rc;
    out->probes++;
    if (v_hi <= target) {
        out->n = hi;
        out->value = v_hi;
        return 0;
    }
    /* invariant: lo meets the target, hi does not */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        double v;
        if ((rc = probe(base, g, mid, metric, &v))) return rc;
        out->probes++;
        if (v <= target) {
            lo = mid;
            v_lo = v;
        } else {
            hi = mid;
            v_hi = v;
        }
    }
    out->n = lo;
    out->value = v_lo;
    out->next = v_hi;
    return 0;
}
