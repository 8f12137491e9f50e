/* syscap: capacity search of the system layer — the largest number of
 * devices N in one group whose latency target is still met
 * (system.find = max_devices).
 *
 * Bisection over N in [lo, hi] with common random numbers: every run uses
 * the same seed, and the system layer keys each draw by (device, frame,
 * packet, attempt), so device k sees the same arrivals and channel draws at
 * every N and the only change between runs is the added devices' traffic.
 * The criterion is assumed monotone in N (more devices, more contention);
 * with common random numbers that holds on almost every sample path, and
 * each probe's estimate is still a noisy one: the answer is the N whose
 * estimate meets the target while N + 1's does not.
 */
#ifndef FEATLINK_SYSCAP_H
#define FEATLINK_SYSCAP_H

#include <stdint.h>

#include "sim/syssum.h"
#include "sim/system.h"

typedef enum { SYSCAP_P95 = 0, SYSCAP_MEAN = 1, SYSCAP_MISS = 2 } syscap_metric;

typedef struct {
    uint32_t n;        /* the largest N meeting the target (lo - 1: none) */
    double   value;    /* its metric */
    double   next;     /* N + 1's metric (NaN when n = hi) */
    int      probes;   /* system runs made */
} syscap_result;

//  fl_syscap_max_devices : over N in [_lo, _hi] devices in group _g of _base,
//      the largest N whose _metric (p95 or mean latency in s, or miss rate)
//      is <= _target; a saturated point counts as not meeting it.
//      0, -EINVAL, -ENOMEM or an error of fl_sys_run.
int fl_syscap_max_devices(const sys_config *base, int g, uint32_t lo, uint32_t hi,
                       syscap_metric metric, double target, syscap_result *out);

#endif
