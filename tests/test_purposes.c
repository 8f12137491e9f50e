/* test_purposes: the Philox purpose registry (common/purpose.h).
 *
 * No two purposes collide: at compile time every value is a case label of
 * one switch (a repeated value does not compile), and at run time over the
 * list. Every value equals the one used before the registry existed (a
 * renumbered stream changes results), and lies in its layer's range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/purpose.h"

typedef struct {
    const char *name;
    uint32_t value;
    const char *layer, *what;
} purpose_row;

#define ROW(name, value, layer, what) {#name, value, layer, what},
static const purpose_row rows[] = {PURPOSE_TABLE(ROW)};
#undef ROW
#define NROWS (sizeof rows / sizeof rows[0])

/* compile-time uniqueness: duplicate case values are a constraint violation */
#define CASE(name, value, layer, what) case value: return #name;
static const char *purpose_name(uint32_t v)
{
    switch (v) {
    PURPOSE_TABLE(CASE)
    default: return NULL;
    }
}
#undef CASE

static void test_no_two_collide(void **state)
{
    for (size_t i = 0; i < NROWS; i++)
        for (size_t j = i + 1; j < NROWS; j++) {
            if (rows[i].value == rows[j].value)
                fail_msg("%s and %s share 0x%X", rows[i].name, rows[j].name, rows[i].value);
            assert_string_not_equal(rows[i].name, rows[j].name);
        }
    for (size_t i = 0; i < NROWS; i++)
        assert_string_equal(purpose_name(rows[i].value), rows[i].name);
    assert_null(purpose_name(0));
}

/* the values the modules defined themselves before the registry (git
 * history: codec/pinr.h, codec/source.h, channel/phy.h, channel/ber.h,
 * channel/jakes.h, sim/link.h (sim/point.c, sim/rd.c before it), sim/digital.h,
 * sim/system.h) */
static void test_values_unchanged(void **state)
{
    static const struct {
        const char *name;
        uint32_t value;
    } old[] = {
        {"PINR_FRAMESEED", 0x100u}, {"PINR_REMOVE", 0x101u},     {"PINR_PRUNE", 0x102u},
        {"PINR_SYMBOLS", 0x103u},   {"SOURCE_SCALES", 0x110u},   {"SOURCE_OUTLIERS", 0x111u},
        {"SOURCE_CENTRES", 0x112u}, {"SOURCE_MEMBERS", 0x113u},  {"SOURCE_NOISE", 0x114u},
        {"PHY_NOISE_I", 0x210u},    {"PHY_NOISE_Q", 0x211u},     {"PHY_FADE_I", 0x212u},
        {"PHY_FADE_Q", 0x213u},     {"BER_BITS", 0x220u},        {"JAKES_SOS", 0x240u},
        {"JAKES_IDFT", 0x241u},     {"JAKES_LOS", 0x242u},       {"LINK_PINR", 0x2F0u},
        {"LINK_PINR_REF", 0x2F1u},  {"LINK_TOFC", 0x2F2u},       {"LINK_TOFC_REF", 0x2F3u},
        {"DIGITAL_BITS", 0x2F4u},   {"SYS_ARRIVAL", 0x400u},     {"SYS_OFFSET", 0x401u},
        {"SYS_ATTEMPT", 0x402u},    {"SYS_SERVICE", 0x403u},     {"SYS_SHADOW", 0x404u},
        {"SYS_BITTRUE_KEY", 0x405u}, {"SYS_BITTRUE_BITS", 0x406u}, {"SYS_BITTRUE_NOISE", 0x407u},
    };
    const size_t nold = sizeof old / sizeof old[0];
    assert_int_equal(NROWS, nold); /* a new purpose: add it here too */
    for (size_t i = 0; i < nold; i++) {
        size_t j = 0;
        while (j < NROWS && strcmp(rows[j].name, old[i].name) != 0)
            j++;
        if (j == NROWS)
            fail_msg("purpose %s missing from the registry", old[i].name);
        if (rows[j].value != old[i].value)
            fail_msg("PURPOSE_%s = 0x%X, was 0x%X", old[i].name, rows[j].value, old[i].value);
    }
    /* the enum names carry the same values as the table */
    assert_int_equal(PURPOSE_PINR_FRAMESEED, 0x100u);
    assert_int_equal(PURPOSE_DIGITAL_BITS, 0x2F4u);
    /* sim/system puts the purpose in the top 16 bits of counter word 3 */
    assert_true(PURPOSE_SYS_SHADOW < 0x10000u);
}

static void test_layer_ranges(void **state)
{
    for (size_t i = 0; i < NROWS; i++) {
        uint32_t v = rows[i].value, lo = 0, hi = 0;
        if (strcmp(rows[i].layer, "codec") == 0)
            lo = 0x100u, hi = 0x1FFu;
        else if (strcmp(rows[i].layer, "channel") == 0)
            lo = 0x200u, hi = 0x2EFu;
        else if (strcmp(rows[i].layer, "sim") == 0)
            lo = 0x2F0u, hi = 0x2FFu;
        else if (strcmp(rows[i].layer, "system") == 0)
            lo = 0x400u, hi = 0x4FFu;
        else
            fail_msg("%s: unknown layer \"%s\"", rows[i].name, rows[i].layer);
        if (v < lo || v > hi)
            fail_msg("%s = 0x%X outside the %s range 0x%X-0x%X", rows[i].name, v, rows[i].layer, lo, hi);
        assert_true(strlen(rows[i].what) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_two_collide),
        cmocka_unit_test(test_values_unchanged),
        cmocka_unit_test(test_layer_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
