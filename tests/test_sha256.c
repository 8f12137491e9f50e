/* test_sha256: the FIPS 180-2 Appendix B examples and a million 'a's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "sim/sha256.h"
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_fips_vectors(void **state)
{
    (void)state;
    char hex[65];
    fl_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    fl_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    fl_sha256_hex(m, strlen(m), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_file_million_a(void **state)
{
    (void)state;
    char path[512], hex[65];
    snprintf(path, sizeof path, "%s/a.bin", testutil_dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 1000000; i++)
        fputc('a', f);
    fclose(f);
    assert_int_equal(fl_sha256_file_hex(path, hex), 0);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    snprintf(path, sizeof path, "%s/none", testutil_dir);
    assert_true(fl_sha256_file_hex(path, hex) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fips_vectors),
        cmocka_unit_test(test_file_million_a),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
