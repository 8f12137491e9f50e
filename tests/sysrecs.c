/* sysrecs: see sysrecs.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tests/sysrecs.h"

#include <stdlib.h>

int sysrecs_keep(void *arg, const sys_frame *f)
{
    sysrecs *r = arg;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->f = realloc(r->f, r->cap * sizeof *r->f);
        assert_non_null(r->f);
    }
    r->f[r->n++] = *f;
    return 0;
}
