/* testutil: scratch directories for test groups (testutil.h). */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>

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
