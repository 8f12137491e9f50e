/* testutil: scratch directories for test groups (testutil.h). */
#include "tests/testutil.h"

#include <Random123/philox.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char testutil_dir[256];

int testutil_setup(void **state)
{
    (void)state;
    snprintf(testutil_dir, sizeof testutil_dir, "/tmp/featlink-test-XXXXXX");
    return mkdtemp(testutil_dir) ? 0 : -1;
}

int testutil_teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", testutil_dir);
    return system(cmd) == 0 ? 0 : -1;
}

uint32_t testutil_rng_u32(testutil_rng *r, uint32_t key1)
{
    if (r->left == 0) {
        philox4x32_key_t k = {{r->seed, key1}};
        philox4x32_ctr_t c = {{(uint32_t)r->i, (uint32_t)(r->i >> 32), r->purpose, 0}};
        philox4x32_ctr_t o = philox4x32(c, k);
        memcpy(r->buf, o.v, sizeof r->buf);
        r->left = 4;
        r->i++;
    }
    return r->buf[--r->left];
}
