/* libFuzzer target: scenario text and --set strings through
 * fl_scenario_load_text. Input: the scenario text up to the first NUL, then
 * up to 8 "key=value" overrides separated by NUL bytes. Runs in an empty
 * scratch directory (relative source paths name nothing). Contracts: a NULL
 * result comes with a non-empty message; an accepted
 * scenario has >= 1 point, every point's config is made without error, and
 * its effective text (after --set, defaults written out) loads again without
 * overrides to the same effective text (README: "it loads again as the same
 * scenario"). */
#include "tests/fuzz/fuzz_util.h"

#include "sim/scenario.h"

#include <errno.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    /* libFuzzer reads its corpus by relative path: change directory only
     * for the duration of one input */
    static char home[4096], dir[64];
    if (!dir[0]) {
        FUZZ_CHECK(getcwd(home, sizeof home) != NULL);
        snprintf(dir, sizeof dir, "/tmp/featlink-fuzz-scn-%ld", (long)getpid());
        mkdir(dir, 0700);
    }
    FUZZ_CHECK(chdir(dir) == 0);
    char *buf = malloc(n + 1);
    memcpy(buf, d, n);
    buf[n] = 0;
    const char *sets[8];
    int ns = 0;
    for (size_t i = strlen(buf); i < n && ns < 8; i += strlen(buf + i + 1) + 1)
        sets[ns++] = buf + i + 1;
    char err[4096];
    err[0] = 0;
    scenario *s = fl_scenario_load_text(buf, "fz.json", sets, ns, err, sizeof err);
    if (!s) {
        FUZZ_CHECK(err[0] != 0);
        free(buf);
        FUZZ_CHECK(chdir(home) == 0);
        return 0;
    }
    int64_t np = fl_scenario_points(s);
    FUZZ_CHECK(np >= 1);
    fl_config c;
    char e2[4096];
    for (int64_t i = 0; i < np && i < 64; i++)
        FUZZ_CHECK(fl_scenario_config(s, i, &c, e2, sizeof e2) == 0);
    const char *eff = fl_scenario_text(s);
    FUZZ_CHECK(eff != NULL);
    scenario *s2 = fl_scenario_load_text(eff, "eff.json", NULL, 0, e2, sizeof e2);
    if (!s2)
        fprintf(stderr, "effective text refused: %s\n%s\n", e2, eff);
    FUZZ_CHECK(s2 != NULL);
    FUZZ_CHECK(fl_scenario_points(s2) == np);
    FUZZ_CHECK(strcmp(fl_scenario_text(s2), eff) == 0);
    fl_scenario_destroy(s2);
    fl_scenario_destroy(s);
    free(buf);
    FUZZ_CHECK(chdir(home) == 0);
    return 0;
}
