/* testutil: what several test programs share: a scratch directory made
 * before a group and removed after it (cmocka group setup/teardown). */
#ifndef FEATLINK_TESTUTIL_H
#define FEATLINK_TESTUTIL_H

//  testutil_dir : the scratch directory of the running group ("" before setup)
extern char testutil_dir[256];
//  testutil_setup : make a fresh /tmp/featlink-test-XXXXXX; 0 or -1
int testutil_setup(void **state);
//  testutil_teardown : remove it and everything in it; 0 or -1
int testutil_teardown(void **state);

#endif
