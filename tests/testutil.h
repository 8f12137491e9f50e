/* testutil: what several test programs share: a scratch directory made
 * before a group and removed after it (cmocka group setup/teardown), and a
 * counter-based random stream for test inputs. */
#ifndef FEATLINK_TESTUTIL_H
#define FEATLINK_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* A Philox4x32-10 stream for test inputs: key {seed, key1}, counter
 * {i low, i high, purpose, 0}, the four words of a block used last first. */
typedef struct {
    uint32_t seed, purpose;
    uint64_t i;
    uint32_t buf[4];
    int left;
} testutil_rng;

//  testutil_rng_u32 : the next 32-bit word of _r's stream under key word _key1
uint32_t testutil_rng_u32(testutil_rng *r, uint32_t key1);

//  testutil_dir : the scratch directory of the running group ("" before setup)
extern char testutil_dir[256];
//  testutil_setup : make a fresh /tmp/featlink-test-XXXXXX; 0 or -1
int testutil_setup(void **state);
//  testutil_teardown : remove it and everything in it; 0 or -1
int testutil_teardown(void **state);

//  testutil_bin : the featlink binary under test ($FEATLINK_BIN, else bin/featlink)
const char *testutil_bin(void);
//  testutil_run : run shell command _cmd, its stdout+stderr into _out
//                 (NUL-terminated, truncated to _len-1); the exit status,
//                 or 128 + signal
int testutil_run(const char *cmd, char *out, size_t len);
//  testutil_runf : testutil_run of the command printf-formatted from _fmt
int testutil_runf(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
//  testutil_within_ci : 1 when _est lies within two half-widths of its 95%
//      interval [_lo, _hi] of _theory (about 4 standard errors: a fixed seed
//      neither flakes nor passes vacuously), 0 otherwise or when the
//      interval is empty or not finite; prints one line naming _what
int testutil_within_ci(const char *what, double est, double lo, double hi, double theory);
//  testutil_write : write _text to _path; 0 or -1
int testutil_write(const char *path, const char *text);
//  testutil_csv_value : the value of column _col in data row _row (0-based)
//      of CSV text _csv (a header line, then rows); NaN with a line on
//      stderr when the column or the row is missing
double testutil_csv_value(const char *csv, const char *col, int row);
//  testutil_csv_numbers : the first _n comma-separated numbers of CSV line _line into _v
void testutil_csv_numbers(const char *line, double *v, int n);

#endif
