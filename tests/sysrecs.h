/* sysrecs: the frame records of a sim/system run, kept in memory by the
 * system-layer tests (test_system, test_batch, test_sysloss).
 *
 *   sysrecs r = {0};
 *   fl_sys_run(&c, sysrecs_keep, &r, &t);   // r.f[0 .. r.n) in finish order
 *   free(r.f);
 */
#ifndef FEATLINK_TESTS_SYSRECS_H
#define FEATLINK_TESTS_SYSRECS_H

#include <stddef.h>

#include "sim/system.h"

typedef struct {
    sys_frame *f;
    size_t n, cap;
} sysrecs;

//  sysrecs_keep : fl_sys_run's frame callback: appends *_f to the sysrecs
//                 at _arg (the array doubles; a failed realloc fails the test)
int sysrecs_keep(void *arg, const sys_frame *f);

#endif
