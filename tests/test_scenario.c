/* Tests of sim/scenario and of the featlink CLI on good and bad input:
 * every malformed scenario gives exit status 2, a message naming the file
 * and the JSON path, and leaves no output file behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/testutil.h"

#include "sim/keyrules.h"
#include "sim/scenario.h"
#include "sim/schema.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define tmpdir testutil_dir

#define bin testutil_bin
#define run_cmd testutil_run

static void write_file(const char *path, const char *text) { assert_int_equal(testutil_write(path, text), 0); }

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ------------------------------------------------------------------ */
/* library level */

static void test_defaults_and_types(void **state)
{
    (void)state;
    char err[SCN_ERR_LEN];
    scenario *s = fl_scenario_load_text("{\"codec\": {\"select\": \"pinr\", \"f\": 0.25}}", "t.json",
                                     NULL, 0, err, sizeof err);
    assert_non_null(s);
    fl_config c;
    assert_int_equal(fl_scenario_config(s, 0, &c, err, sizeof err), 0);
    assert_int_equal(c.codec.select, SEL_PINR);
    assert_true(c.codec.f == 0.25);
    assert_int_equal(c.source.bits, 32);
    assert_true(c.link.budget_s == 1.0);
    assert_int_equal(fl_scenario_points(s), 1);
    fl_scenario_destroy(s);
}

static void test_sweep_grid_and_zip(void **state)
{
    (void)state;
    char err[SCN_ERR_LEN];
    const char *text = "{\"codec\": {\"select\": \"pinr\"}, \"link\": {\"mode\": \"digital\"},"
                       " \"sweep\": {\"zip\": {\"codec.f\": [0.1, 0.2, 0.3], \"codec.g\": [0.4, 0.5, 0.6]},"
                       " \"grid\": {\"channel.snr_db\": [0, 10], \"modem.scheme\": [\"bpsk\", \"qpsk\"]}}}";
    scenario *s = fl_scenario_load_text(text, "t.json", NULL, 0, err, sizeof err);
    assert_non_null(s);
    /* grid 2 x 2 = 4, times zip length 3 */
    assert_int_equal(fl_scenario_points(s), 12);
    assert_int_equal(fl_scenario_swept(s), 4);
    /* grid keys first; last grid key varies fastest; zip outermost */
    assert_string_equal(fl_scenario_swept_key(s, 0), "channel.snr_db");
    assert_string_equal(fl_scenario_swept_key(s, 1), "modem.scheme");
    fl_config c;
    assert_int_equal(fl_scenario_config(s, 5, &c, err, sizeof err), 0);
    /* point 5 = zip 1 (f=0.2, g=0.5), grid 1 = (snr 0, qpsk) */
    assert_true(c.codec.f == 0.2 && c.codec.g == 0.5);
    assert_true(c.channel.snr_db == 0);
    assert_int_equal(c.modem.scheme, MODEM_QPSK);
    assert_int_equal(fl_scenario_config(s, 11, &c, err, sizeof err), 0);
    assert_true(c.codec.f == 0.3 && c.channel.snr_db == 10 && c.modem.scheme == MODEM_QPSK);
    char txt[32];
    double num;
    fl_scenario_swept_value(s, 2, 1, txt, sizeof txt, &num);
    assert_string_equal(txt, "bpsk");
    assert_true(isnan(num));
    fl_scenario_destroy(s);
}

static void test_set_overrides(void **state)
{
    (void)state;
    char err[SCN_ERR_LEN];
    const char *sets[] = {"codec.f=0.75", "modem.scheme=16qam", "sweep.grid.channel.snr_db=[1,2,3]",
                          "channel.snr_db=inf"};
    scenario *s = fl_scenario_load_text("{\"codec\": {\"select\": \"pinr\", \"f\": 0.1},"
                                     " \"link\": {\"mode\": \"digital\"}}", "t.json", sets, 3, err, sizeof err);
    assert_non_null(s);
    fl_config c;
    assert_int_equal(fl_scenario_config(s, 2, &c, err, sizeof err), 0);
    assert_true(c.codec.f == 0.75);
    assert_int_equal(c.modem.scheme, MODEM_QAM16);
    assert_true(c.channel.snr_db == 3);
    assert_int_equal(fl_scenario_points(s), 3);
    fl_scenario_destroy(s);
    /* a --set of a swept key fixes it */
    s = fl_scenario_load_text("{\"codec\": {\"select\": \"pinr\"}, \"sweep\": {\"grid\": {\"codec.f\": [0.1, 0.2]}}}", "t.json", sets, 1, err,
                           sizeof err);
    assert_non_null(s);
    assert_int_equal(fl_scenario_points(s), 1);
    fl_scenario_destroy(s);
    s = fl_scenario_load_text("{}", "t.json", sets + 3, 1, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(fl_scenario_config(s, 0, &c, err, sizeof err), 0);
    assert_true(isinf(c.channel.snr_db));
    fl_scenario_destroy(s);
}

static void test_did_you_mean(void **state)
{
    (void)state;
    char err[SCN_ERR_LEN];
    scenario *s = fl_scenario_load_text("{\"codec\": {\"ff\": 0.1}}", "t.json", NULL, 0, err, sizeof err);
    assert_null(s);
    assert_non_null(strstr(err, "t.json: $.codec.ff: unknown key"));
    assert_non_null(strstr(err, "did you mean \"codec.f"));
    s = fl_scenario_load_text("{\"chanel\": {\"snr_db\": 1}}", "t.json", NULL, 0, err, sizeof err);
    assert_null(s);
    assert_non_null(strstr(err, "$.chanel"));
    assert_non_null(strstr(err, "did you mean"));
}

static void test_range_message_format(void **state)
{
    (void)state;
    char err[SCN_ERR_LEN];
    scenario *s = fl_scenario_load_text("{\"codec\": {\"f\": 1.5}}", "x.json", NULL, 0, err, sizeof err);
    assert_null(s);
    assert_string_equal(err, "x.json: $.codec.f: must be in [0, 1], got 1.5");
}

/* ------------------------------------------------------------------ */
/* CLI: bad scenarios */

static const struct {
    const char *name;
    const char *json;     /* NULL: the file is not written */
    const char *set;      /* optional --set */
    const char *expect;   /* must appear in the message */
} bad[] = {
    {"syntax", "{\"codec\": {\"f\": 0.2}", NULL, "$: JSON syntax error"},
    {"trailing_comma", "{\"codec\": {\"f\": 0.2,}}", NULL, "$: JSON syntax error"},
    {"not_object", "[1, 2]", NULL, "$: must be a JSON object"},
    {"empty", "", NULL, "$: JSON syntax error"},
    {"f_string", "{\"codec\": {\"f\": \"0.2\"}}", NULL, "$.codec.f: must be a number in [0, 1]"},
    {"f_range", "{\"codec\": {\"f\": 1.5}}", NULL, "$.codec.f: must be in [0, 1], got 1.5"},
    {"g_negative", "{\"codec\": {\"g\": -0.1}}", NULL, "$.codec.g: must be in [0, 1]"},
    {"tokens_zero", "{\"source\": {\"tokens\": 0}}", NULL, "$.source.tokens: must be in [1, 2147483647], got 0"},
    {"tokens_fraction", "{\"source\": {\"tokens\": 1.5}}", NULL, "$.source.tokens: must be an integer"},
    {"absurd_sizes", "{\"source\": {\"tokens\": 2147483647, \"dims\": 2147483647}}", NULL,
     "$.source.tokens: patches x tokens x dims"},
    {"missing_npy", "{\"source\": {\"kind\": \"npy\", \"path\": \"/nonexistent/x.npy\"}}", NULL,
     "$.source.path: file \"/nonexistent/x.npy\" does not exist"},
    {"npy_no_path", "{\"source\": {\"kind\": \"npy\"}}", NULL, "$.source.path: required"},
    {"unknown_key", "{\"codec\": {\"ff\": 0.2}}", NULL, "did you mean \"codec.f\""},
    {"unknown_group", "{\"chanel\": {\"snr_db\": 0}}", NULL, "$.chanel: unknown key"},
    {"bad_enum", "{\"link\": {\"mode\": \"satellite\"}}", NULL,
     "$.link.mode: must be one of capacity,digital,analog"},
    {"seed_negative", "{\"seed\": -1}", NULL, "$.seed: must be in [0, 4294967295]"},
    {"seed_huge", "{\"seed\": 8589934592}", NULL, "$.seed: must be in [0, 4294967295]"},
    {"snr_text", "{\"channel\": {\"snr_db\": \"loud\"}}", NULL, "$.channel.snr_db: must be a number"},
    {"budget_zero", "{\"link\": {\"budget_s\": 0}}", NULL, "$.link.budget_s: must be in"},
    {"bits_65", "{\"source\": {\"bits\": 65}}", NULL, "$.source.bits: must be in [1, 64], got 65"},
    {"group_not_object", "{\"source\": 5}", NULL, "$.source: must be an object"},
    {"sweep_not_array", "{\"sweep\": {\"grid\": {\"codec.f\": 0.2}}}", NULL,
     "$.sweep.grid[\"codec.f\"]: must be a non-empty array"},
    {"sweep_zip_lengths", "{\"sweep\": {\"zip\": {\"codec.f\": [0.1, 0.2], \"codec.g\": [0.1]}}}", NULL,
     "zip lists must have equal lengths"},
    {"sweep_value_range", "{\"sweep\": {\"grid\": {\"codec.f\": [0.2, 2]}}}", NULL,
     "$.sweep.grid[\"codec.f\"][1]: must be in [0, 1], got 2"},
    {"sweep_unknown_key", "{\"sweep\": {\"grid\": {\"codec.fg\": [0.2]}}}", NULL, "unknown key \"codec.fg\""},
    {"sweep_section", "{\"sweep\": {\"grids\": {}}}", NULL, "$.sweep.grids: unknown key (allowed: grid, zip)"},
    {"set_type", "{}", "codec.f=abc", "$.codec.f (from --set codec.f=abc): must be a number"},
    {"set_unknown", "{}", "codec.zz=1", "unknown key \"codec.zz\""},
    {"set_no_equals", "{}", "codec.f", "expected key=value"},
    {"stop_inconsistent", "{\"source\": {\"kind\": \"bits\"}, \"stop\": {\"min_errors\": 100, \"max_bits\": 10}}", NULL,
     "$.stop.min_errors: must be <= stop.max_bits"},
    {"laplace_on_floats", "{\"codec\": {\"entropy\": \"laplace\"}}", NULL,
     "$.codec.entropy: \"laplace\" codes integer levels"},
    {"digital_inf_snr", "{\"link\": {\"mode\": \"digital\"}, \"channel\": {\"snr_db\": \"inf\"}}", NULL,
     "$.channel.snr_db: must be finite for a digital link"},
    {"missing_file", NULL, NULL, "cannot open scenario file"},
    /* issue 10: duplicate members would be read as the first (or, for two
     * "zip" blocks, pass the equal-length check); dotted names inside
     * objects would be range-checked and then ignored */
    {"dup_zip", "{\"codec\": {\"select\": \"pinr\"}, \"sweep\": {\"zip\": {\"codec.f\": [0.1, 0.2]},"
     " \"zip\": {\"codec.g\": [0.1, 0.2, 0.3]}}}", NULL, "$.sweep.zip: duplicate member"},
    {"dup_grid", "{\"codec\": {\"select\": \"pinr\"}, \"sweep\": {\"grid\": {\"codec.f\": [0.1]},"
     " \"grid\": {\"codec.g\": [0.1]}}}", NULL, "$.sweep.grid: duplicate member"},
    {"dup_sweep_key", "{\"codec\": {\"select\": \"pinr\"}, \"sweep\": {\"grid\": {\"codec.f\": [0.1],"
     " \"codec.f\": [0.2, 0.3]}}}", NULL, "$.sweep.grid[\"codec.f\"]: duplicate member"},
    {"dup_sweep", "{\"sweep\": {}, \"sweep\": {}}", NULL, "$.sweep: duplicate member"},
    {"dup_key", "{\"codec\": {\"select\": \"pinr\", \"f\": 0.1, \"f\": 0.7}}", NULL,
     "$.codec.f: duplicate member"},
    {"dup_group", "{\"seed\": 3, \"codec\": {\"select\": \"pinr\"}, \"codec\": {\"f\": 0.1}}", NULL,
     "$.codec: duplicate member"},
    {"dup_deep", "{\"source\": {\"path\": [{\"a\": 1, \"a\": 2}]}}", NULL, "$.source.path[0].a: duplicate member"},
    {"dotted_top", "{\"codec.f\": 0.5}", NULL, "$[\"codec.f\"]: dotted name inside an object"},
    {"dotted_top_bad_value", "{\"codec.f\": 7}", NULL, "$[\"codec.f\"]: dotted name inside an object"},
    {"dotted_nested", "{\"codec\": {\"select\": \"pinr\", \"f.x\": 0.5}}", NULL,
     "$.codec[\"f.x\"]: dotted name inside an object"},
    {"dotted_sweep_member", "{\"sweep.grid\": {\"codec.f\": [0.5]}}", NULL, "$[\"sweep.grid\"]: dotted name"},
    {"name_too_long", "{\"name\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}", NULL, "$.name: must be a string (under 128 characters)"},
    {"swept_missing_file", "{\"sweep\": {\"grid\": {\"metrics.projector\": [\"\", \"/nonexistent/p.h5\"],"
     " \"link.budget_s\": [1, 2]}}}", NULL, "$.metrics.projector (sweep point 2): file \"/nonexistent/p.h5\" does not"},
    {"enum_number", "{\"link\": {\"mode\": 3}}", NULL, "$.link.mode: must be one of capacity,digital,analog, got 3"},
};

static void test_cli_bad_scenarios(void **state)
{
    (void)state;
    size_t n = sizeof bad / sizeof bad[0];
    assert_true(n >= 20);
    for (size_t i = 0; i < n; i++) {
        char file[512], out[512], cmd[2048], msg[4096];
        snprintf(file, sizeof file, "%s/%s.json", tmpdir, bad[i].name);
        snprintf(out, sizeof out, "%s/%s.h5", tmpdir, bad[i].name);
        if (bad[i].json)
            write_file(file, bad[i].json);
        snprintf(cmd, sizeof cmd, "%s run %s -o %s --quiet%s%s", bin(), file, out,
                 bad[i].set ? " --set " : "", bad[i].set ? bad[i].set : "");
        int rc = run_cmd(cmd, msg, sizeof msg);
        if (rc != 2 || !strstr(msg, bad[i].expect) || !strstr(msg, file))
            fail_msg("%s: exit %d, message: %s (expected \"%s\")", bad[i].name, rc, msg, bad[i].expect);
        /* nothing written: no output, no temporary, no journal */
        char tmp[600];
        assert_false(exists(out));
        snprintf(tmp, sizeof tmp, "%s.tmp", out);
        assert_false(exists(tmp));
        snprintf(tmp, sizeof tmp, "%s.journal", out);
        assert_false(exists(tmp));
        /* validate agrees */
        snprintf(cmd, sizeof cmd, "%s validate %s%s%s", bin(), file, bad[i].set ? " --set " : "",
                 bad[i].set ? bad[i].set : "");
        assert_int_equal(run_cmd(cmd, msg, sizeof msg), 2);
    }
}

static void test_cli_bad_source_file_content(void **state)
{
    (void)state;
    char npy[512], file[512], out[512], cmd[2048], msg[4096];
    snprintf(npy, sizeof npy, "%s/garbage.npy", tmpdir);
    write_file(npy, "this is not numpy");
    snprintf(file, sizeof file, "%s/garbage.json", tmpdir);
    snprintf(msg, sizeof msg, "{\"source\": {\"kind\": \"npy\", \"path\": \"%s\"}}", npy);
    write_file(file, msg);
    snprintf(out, sizeof out, "%s/garbage.h5", tmpdir);
    snprintf(cmd, sizeof cmd, "%s run %s -o %s --quiet", bin(), file, out);
    assert_int_equal(run_cmd(cmd, msg, sizeof msg), 2);
    assert_non_null(strstr(msg, "$.source.path"));
    assert_false(exists(out));
}

static void test_cli_usage_errors(void **state)
{
    (void)state;
    char cmd[1024], msg[4096];
    snprintf(cmd, sizeof cmd, "%s frobnicate", bin());
    assert_int_equal(run_cmd(cmd, msg, sizeof msg), 2);
    snprintf(cmd, sizeof cmd, "%s run", bin());
    assert_int_equal(run_cmd(cmd, msg, sizeof msg), 2);
    snprintf(cmd, sizeof cmd, "%s run x.json --jobs 0", bin());
    assert_int_equal(run_cmd(cmd, msg, sizeof msg), 2);
    snprintf(cmd, sizeof cmd, "%s export /nonexistent.h5", bin());
    assert_int_equal(run_cmd(cmd, msg, sizeof msg), 2);
    snprintf(cmd, sizeof cmd, "%s keys extra", bin());
    assert_int_equal(run_cmd(cmd, msg, sizeof msg), 2);
    const char *cmds[] = {"run", "export", "table", "validate", "keys"};
    for (int i = 0; i < 5; i++) {
        snprintf(cmd, sizeof cmd, "%s %s --help", bin(), cmds[i]);
        assert_int_equal(run_cmd(cmd, msg, sizeof msg), 0);
        assert_non_null(strstr(msg, "usage: featlink"));
        snprintf(cmd, sizeof cmd, "%s %s --version", bin(), cmds[i]);
        assert_int_equal(run_cmd(cmd, msg, sizeof msg), 0);
        assert_non_null(strstr(msg, "featlink "));
    }
}

/* --set gives the analytic figures of paper 000 §3 for any parameters;
 * expected values computed here by hand from the formulas. */
static void test_cli_set_analytic(void **state)
{
    (void)state;
    char file[512], out[512], cmd[2048], msg[65536];
    snprintf(file, sizeof file, "%s/one.json", tmpdir);
    write_file(file, "{\"source\": {\"tokens\": 100, \"dims\": 300}, \"codec\": {\"select\": \"pinr\"}}");
    snprintf(out, sizeof out, "%s/one.h5", tmpdir);
    snprintf(cmd, sizeof cmd,
             "%s run %s -o %s --quiet --set source.tokens=200 --set source.dims=50 --set source.bits=16 "
             "--set codec.f=0.1 --set codec.g=0.3 --set codec.h=0.7 --set channel.snr_db=7 "
             "--set link.budget_s=0.02 && %s export %s --format json",
             bin(), file, out, bin(), out);
    assert_int_equal(run_cmd(cmd, msg, sizeof msg), 0);
    /* Nt=200, Ns=50, Nb=16: total = 160000;
     * saved = (0.1 + 0.7*0.3*0.9) 160000 = 0.289 * 160000 = 46240;
     * index = 0.1*200*log2(200) + 0.3*0.9*200*log2(200) + 0.3*0.9*200*0.7*50*log2(50)
     *       = (20 + 54) * 7.64385618977 + 1890 * 5.64385618977 */
    double l200 = log2(200.0), l50 = log2(50.0);
    double index = 74.0 * l200 + 1890.0 * l50;
    double net = 46240.0 - index;
    double sent = 160000.0 - net;
    double bw = sent / (0.02 * log2(1.0 + pow(10.0, 0.7)));
    const struct {
        const char *key;
        double want;
    } cols[] = {{"\"total_bits\": ", 160000.0}, {"\"index_bits\": ", index},
                {"\"saved_bits\": ", net},      {"\"reduction_ratio\": ", net / 160000.0},
                {"\"sent_bits\": ", sent},      {"\"min_bandwidth_hz\": ", bw}};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        const char *p = strstr(msg, cols[i].key);
        assert_non_null(p);
        double got = strtod(p + strlen(cols[i].key), NULL);
        /* export prints the stored double exactly; the formula is evaluated
         * here in another order, so allow a few ulps */
        if (fabs(got - cols[i].want) > 1e-13 * fabs(cols[i].want) + 1e-12)
            fail_msg("%s got %.17g want %.17g", cols[i].key, got, cols[i].want);
    }
}

/* Fading capacity columns: Rayleigh at 0 dB, ergodic capacity
 * log2(e) e^{1/γ} E1(1/γ) with γ = 1: e E1(1) = 0.596347362323194 (the
 * Gompertz constant, A&S 5.1), times log2(e) = 0.860338006...; the
 * ε-outage capacity at ε = 0.01 is log2(1 - ln(0.99)) = 0.0144995... */
static void test_cli_fading_capacity_columns(void **state)
{
    (void)state;
    char out[512], cmd[2048], msg[65536];
    snprintf(out, sizeof out, "%s/fad.h5", tmpdir);
    snprintf(cmd, sizeof cmd,
             "%s run scenarios/pinr_table1.json -o %s --quiet --set channel.kind=rayleigh "
             "--set channel.snr_db=0 --set sweep.grid.channel.snr_db=[0] && %s export %s --format json",
             bin(), out, bin(), out);
    assert_int_equal(run_cmd(cmd, msg, sizeof msg), 0);
    const char *p = strstr(msg, "\"ergodic_capacity_bps_hz\": ");
    assert_non_null(p);
    double erg = strtod(p + strlen("\"ergodic_capacity_bps_hz\": "), NULL);
    assert_true(fabs(erg - 0.596347362323194 * 1.4426950408889634) < 1e-8);
    p = strstr(msg, "\"eps_outage_capacity_bps_hz\": ");
    assert_non_null(p);
    double eo = strtod(p + strlen("\"eps_outage_capacity_bps_hz\": "), NULL);
    assert_true(fabs(eo - log2(1.0 - log(0.99))) < 1e-8);
}

/* make run's job: Table 1 within 1e-4 (ratio) and 0.01 MHz of the paper,
 * against the printed values in tests/data/balevi_table1.csv. */
static void test_cli_table1_against_paper(void **state)
{
    (void)state;
    char out[512], cmd[2048], msg[65536];
    snprintf(out, sizeof out, "%s/t1.h5", tmpdir);
    snprintf(cmd, sizeof cmd, "%s run scenarios/pinr_table1.json -o %s --quiet --jobs 2 && %s export %s",
             bin(), out, bin(), out);
    assert_int_equal(run_cmd(cmd, msg, sizeof msg), 0);
    FILE *ref = fopen("tests/data/balevi_table1.csv", "r");
    assert_non_null(ref);
    char line[512];
    int checked = 0;
    while (fgets(line, sizeof line, ref)) {
        double f, g, h, total, saved, ratio, bw0, bw20;
        if (line[0] == '#' || sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &f, &g, &h, &total, &saved,
                                     &ratio, &bw0, &bw20) != 8)
            continue;
        /* find the CSV rows of this f at 0 and 20 dB: columns are
         * channel.snr_db, codec.f, ... then the named columns (header) */
        char *hdr_end = strchr(msg, '\n');
        assert_non_null(hdr_end);
        int ci_ratio = -1, ci_bw = -1, ci_f = -1, ci_snr = -1, ci = 0;
        char hdr[4096];
        snprintf(hdr, sizeof hdr, "%.*s", (int)(hdr_end - msg), msg);
        for (char *save, *tok = strtok_r(hdr, ",", &save); tok; tok = strtok_r(NULL, ",", &save), ci++) {
            if (!strcmp(tok, "reduction_ratio")) ci_ratio = ci;
            if (!strcmp(tok, "min_bandwidth_hz")) ci_bw = ci;
            if (!strcmp(tok, "f")) ci_f = ci;
            if (!strcmp(tok, "snr_db")) ci_snr = ci;
        }
        assert_true(ci_ratio >= 0 && ci_bw >= 0 && ci_f >= 0 && ci_snr >= 0);
        char body[65536];
        snprintf(body, sizeof body, "%s", hdr_end + 1);
        for (char *s1, *ln = strtok_r(body, "\n", &s1); ln; ln = strtok_r(NULL, "\n", &s1)) {
            double v[64];
            int k = 0;
            for (char *s2, *tok = strtok_r(ln, ",", &s2); tok && k < 64; tok = strtok_r(NULL, ",", &s2))
                v[k++] = strtod(tok, NULL);
            if (fabs(v[ci_f] - f) > 1e-12)
                continue;
            assert_true(fabs(v[ci_ratio] - ratio) < 1e-4);
            double want = v[ci_snr] == 0 ? bw0 : bw20;
            assert_true(fabs(v[ci_bw] / 1e6 - want) <= 0.01);
            checked++;
        }
    }
    fclose(ref);
    assert_int_equal(checked, 8);
}

static void test_cli_resume_and_jobs(void **state)
{
    (void)state;
    char out1[512], out2[512], cmd[4096], a[65536], b[65536];
    snprintf(out1, sizeof out1, "%s/j1.h5", tmpdir);
    snprintf(out2, sizeof out2, "%s/j2.h5", tmpdir);
    snprintf(cmd, sizeof cmd, "%s run scenarios/pinr_table1.json -o %s --quiet --jobs 1 && %s export %s", bin(),
             out1, bin(), out1);
    assert_int_equal(run_cmd(cmd, a, sizeof a), 0);
    snprintf(cmd, sizeof cmd, "%s run scenarios/pinr_table1.json -o %s --quiet --jobs 3 && %s export %s", bin(),
             out2, bin(), out2);
    assert_int_equal(run_cmd(cmd, b, sizeof b), 0);
    assert_string_equal(a, b);
    /* a journal from a different scenario is refused with --resume */
    snprintf(cmd, sizeof cmd, "printf '{\"scenario\":\"other\"}\\n' > %s.journal && %s run scenarios/pinr_table1.json -o %s --quiet --resume",
             out1, bin(), out1);
    assert_int_equal(run_cmd(cmd, a, sizeof a), 1);
    assert_non_null(strstr(a, "different scenario"));
}

/* A tiny valid projector (16 -> 4 -> 3) for the resume test. */
static void write_projector(const char *path)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    struct {
        const char *name;
        hsize_t dims[2];
        int rank;
    } ds[] = {{"/w1", {4, 16}, 2}, {"/b1", {4, 0}, 1}, {"/w2", {3, 4}, 2}, {"/b2", {3, 0}, 1}};
    for (int k = 0; k < 4; k++) {
        float v[64];
        for (int i = 0; i < 64; i++)
            v[i] = (float)((i * 7 + k * 3) % 11) / 11.0f - 0.4f;
        hid_t sp = H5Screate_simple(ds[k].rank, ds[k].dims, NULL);
        hid_t d = H5Dcreate2(f, ds[k].name, H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
        H5Dclose(d);
        H5Sclose(sp);
    }
    H5Fclose(f);
}

/* An interrupted sweep keeps its finished points and --resume completes it
 * to the same file as an uninterrupted run: point 1 fails at run time (its
 * projector file is not HDF5), the journal keeps point 0 and no results file
 * exists; the file is then repaired and --resume runs only point 1. */
static void test_cli_interrupted_run_resumes(void **state)
{
    (void)state;
    char scn[512], proj[512], out[512], ref[512], cmd[4096], a[65536], b[65536];
    snprintf(scn, sizeof scn, "%s/res.json", tmpdir);
    snprintf(proj, sizeof proj, "%s/proj.h5", tmpdir);
    snprintf(out, sizeof out, "%s/res.h5", tmpdir);
    snprintf(ref, sizeof ref, "%s/ref.h5", tmpdir);
    snprintf(cmd, sizeof cmd,
             "{\"source\": {\"tokens\": 32, \"dims\": 16}, \"codec\": {\"select\": \"pinr\", \"f\": 0.25,"
             " \"g\": 0.5, \"h\": 0.5}, \"link\": {\"mode\": \"analog\"}, \"channel\": {\"snr_db\": 3},"
             " \"sweep\": {\"grid\": {\"metrics.projector\": [\"\", \"%s\"]}}}",
             proj);
    write_file(scn, cmd);
    write_file(proj, "not hdf5");
    snprintf(cmd, sizeof cmd, "%s run %s -o %s --quiet", bin(), scn, out);
    assert_int_equal(run_cmd(cmd, a, sizeof a), 1);
    assert_non_null(strstr(a, "--resume"));
    assert_false(exists(out));
    char journal[600];
    snprintf(journal, sizeof journal, "%s.journal", out);
    assert_true(exists(journal));
    write_projector(proj);
    snprintf(cmd, sizeof cmd, "%s run %s -o %s --quiet --resume && %s export %s", bin(), scn, out, bin(), out);
    assert_int_equal(run_cmd(cmd, a, sizeof a), 0);
    assert_false(exists(journal));
    snprintf(cmd, sizeof cmd, "%s run %s -o %s --quiet && %s export %s", bin(), scn, ref, bin(), ref);
    assert_int_equal(run_cmd(cmd, b, sizeof b), 0);
    assert_string_equal(a, b);
}

/* /scenario_effective writes out every default that applies: it loads again
 * as the same scenario (every point's config equal), and holds keys the file
 * left out, but no key that is inert (which would be refused). */
static void test_effective_text_has_defaults_and_reloads(void **state)
{
    (void)state;
    const char *shipped[] = {"ber_awgn", "ber_coded", "ber_rayleigh", "pinr_fig2_fig3", "pinr_sweep",
                             "pinr_table1", "tofc_lambda_sweep", "system_groups"};
    for (size_t f = 0; f < sizeof shipped / sizeof shipped[0]; f++) {
        char path[256], err[SCN_ERR_LEN];
        snprintf(path, sizeof path, "scenarios/%s.json", shipped[f]);
        scenario *a = fl_scenario_load(path, NULL, 0, err, sizeof err);
        if (!a)
            fail_msg("%s", err);
        scenario *b = fl_scenario_load_text(fl_scenario_text(a), path, NULL, 0, err, sizeof err);
        if (!b)
            fail_msg("%s: effective text does not load: %s", path, err);
        assert_int_equal(fl_scenario_points(a), fl_scenario_points(b));
        for (int64_t i = 0; i < fl_scenario_points(a); i++) {
            fl_config ca, cb;
            assert_int_equal(fl_scenario_config(a, i, &ca, err, sizeof err), 0);
            assert_int_equal(fl_scenario_config(b, i, &cb, err, sizeof err), 0);
            if (memcmp(&ca, &cb, sizeof ca))
                fail_msg("%s: point %lld differs after reloading /scenario_effective", path, (long long)i);
        }
        fl_scenario_destroy(b);
        fl_scenario_destroy(a);
    }
    char err[SCN_ERR_LEN];
    scenario *s = fl_scenario_load("scenarios/pinr_table1.json", NULL, 0, err, sizeof err);
    assert_non_null(s);
    const char *t = fl_scenario_text(s);
    assert_non_null(strstr(t, "\"outlier_gain\""));    /* a default the file leaves out */
    assert_null(strstr(t, "\"symbol_rate_hz\""));     /* inert: no digital link */
    assert_non_null(strstr(t, "\"cluster_spread\""));
    assert_null(strstr(t, "\"min_errors\""));         /* inert: not a BER run */
    assert_null(strstr(t, "\"packet_bytes\""));       /* inert: capacity link */
    fl_scenario_destroy(s);
}

/* ------------------------------------------------------------------ */
/* the schema */

/* Every row fills its own field, of the size its store needs, with a range
 * the field holds and a default its own check accepts; every inert rule
 * names schema keys only. */
static void test_schema_rows_consistent(void **state)
{
    (void)state;
    static const size_t store_size[] = {[SCHEMA_F64] = sizeof(double), [SCHEMA_I32] = sizeof(int),
                                        [SCHEMA_U32] = sizeof(uint32_t), [SCHEMA_I64] = sizeof(int64_t),
                                        [SCHEMA_CHOICE] = sizeof(int)};
    unsigned char used[sizeof(fl_config)] = {0};
    assert_true(fl_schema_count() >= 50);
    for (int i = 0; i < fl_schema_count(); i++) {
        const schema_key *k = fl_schema_at(i);
        assert_ptr_equal(fl_schema_find(k->key), k);
        assert_true(k->off + k->size <= sizeof(fl_config));
        if (k->store != SCHEMA_CHARS && k->size != store_size[k->store])
            fail_msg("%s: field of %zu bytes for its store", k->key, k->size);
        for (size_t b = k->off; b < k->off + k->size; b++) {
            if (used[b])
                fail_msg("%s: its field overlaps another key's", k->key);
            used[b] = 1;
        }
        if (k->type == SCHEMA_INT || k->type == SCHEMA_NUM)
            assert_true(k->lo <= k->hi);
        if (k->store == SCHEMA_I32)
            assert_true(k->lo >= -2147483648.0 && k->hi <= 2147483647.0);
        if (k->store == SCHEMA_U32)
            assert_true(k->lo >= 0 && k->hi <= 4294967295.0);
        if (k->store == SCHEMA_I64)
            assert_true(k->hi <= 9.2e18 && k->lo >= -9.2e18);
        assert_true(k->desc[0] != 0);
        cJSON *d = fl_schema_default_json(k, "t.json");
        if (!(k->flags & SCHEMA_UNSET)) {
            assert_non_null(d);
            if (fl_schema_valid(k, d))
                fail_msg("%s: its default is outside its own range", k->key);
        }
        cJSON_Delete(d);
    }
    for (int r = 0; r < fl_keyrules_count(); r++) {
        char list[1024];
        snprintf(list, sizeof list, "%s", fl_keyrules_keys(r));
        char *save = NULL;
        for (char *k = strtok_r(list, ",", &save); k; k = strtok_r(NULL, ",", &save))
            if (!fl_schema_find(k))
                fail_msg("inert rule %d names \"%s\", not a schema key", r, k);
    }
}

/* Keys that hold a codec/ or channel/ enum: the value a choice stores (its
 * position, or the row's value map) is that enum's value, and a loaded
 * scenario's config holds it. */
static int config_enum(const fl_config *c, const char *key)
{
    static const struct {
        const char *key;
        size_t off;
    } f[] = {{"source.law", offsetof(fl_config, source.law)},
             {"codec.index_coding", offsetof(fl_config, codec.index_coding)},
             {"codec.quant", offsetof(fl_config, codec.quant)},
             {"codec.entropy", offsetof(fl_config, codec.entropy)},
             {"link.fec", offsetof(fl_config, link.fec)},
             {"link.viterbi_metric_bits", offsetof(fl_config, link.viterbi_bits)},
             {"channel.kind", offsetof(fl_config, channel.kind)},
             {"channel.fading", offsetof(fl_config, channel.fading)},
             {"modem.scheme", offsetof(fl_config, modem.scheme)},
             {"modem.demap", offsetof(fl_config, modem.demap)}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!strcmp(f[i].key, key)) {
            int v;
            memcpy(&v, (const char *)c + f[i].off, sizeof v);
            return v;
        }
    fail_msg("%s: no field", key);
    return -1;
}

static void test_schema_choices_are_codec_enums(void **state)
{
    (void)state;
    static const struct {
        const char *key, *choice, *with;
        int value;
    } m[] = {{"source.law", "clip", "", SOURCE_LAW_CLIP},
             {"source.law", "laplace", "", SOURCE_LAW_LAPLACE},
             {"source.law", "gaussian", "", SOURCE_LAW_GAUSSIAN},
             {"codec.index_coding", "list", "", PINR_INDEX_LIST},
             {"codec.index_coding", "bitmask", "", PINR_INDEX_BITMASK},
             {"codec.index_coding", "seeded", "", PINR_INDEX_SEEDED},
             {"codec.index_coding", "enumerative", "", PINR_INDEX_ENUMERATIVE},
             {"codec.quant", "fp32", "", TOFC_QUANT_FP32},
             {"codec.quant", "fp16", "", TOFC_QUANT_FP16},
             {"codec.quant", "bf16", "", TOFC_QUANT_BF16},
             {"codec.quant", "uniform", "", TOFC_QUANT_UNIFORM},
             {"codec.quant", "rdoq", "", TOFC_QUANT_RDOQ},
             {"codec.entropy", "raw", "", TOFC_ENTROPY_RAW},
             {"codec.entropy", "laplace", "", TOFC_ENTROPY_LAPLACE},
             {"channel.kind", "awgn", "", PHY_AWGN},
             {"channel.kind", "rayleigh", "", PHY_RAYLEIGH},
             {"channel.kind", "rician", "", PHY_RICIAN},
             {"link.fec", "none", "\"mode\": \"digital\"", CONV_RATE_NONE},
             {"link.fec", "conv12", "\"mode\": \"digital\"", CONV_RATE_1_2},
             {"link.fec", "conv23", "\"mode\": \"digital\"", CONV_RATE_2_3},
             {"link.fec", "conv34", "\"mode\": \"digital\"", CONV_RATE_3_4},
             {"link.viterbi_metric_bits", "16", "\"mode\": \"digital\", \"fec\": \"conv12\"", 16},
             {"link.viterbi_metric_bits", "8", "\"mode\": \"digital\", \"fec\": \"conv12\"", 8},
             {"channel.fading", "block", "\"kind\": \"rayleigh\"", PHY_FADING_BLOCK},
             {"channel.fading", "fast", "\"kind\": \"rayleigh\"", PHY_FADING_FAST},
             {"channel.fading", "jakes", "\"kind\": \"rayleigh\"", PHY_FADING_GAINS},
             {"modem.scheme", "bpsk", "", MODEM_BPSK},
             {"modem.scheme", "qpsk", "", MODEM_QPSK},
             {"modem.scheme", "16qam", "", MODEM_QAM16},
             {"modem.scheme", "64qam", "", MODEM_QAM64},
             {"modem.scheme", "256qam", "", MODEM_QAM256},
             {"modem.demap", "hard", "", BER_DEMAP_HARD},
             {"modem.demap", "llr", "", BER_DEMAP_LLR_EXACT}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        char err[SCN_ERR_LEN], text[256];
        int v = -2;
        assert_int_equal(fl_schema_enum_value(fl_schema_find(m[i].key), m[i].choice, &v), 0);
        assert_int_equal(v, m[i].value);
        const char *dot = strchr(m[i].key, '.');
        snprintf(text, sizeof text, "{\"%.*s\": {\"%s\": \"%s\"%s%s}}", (int)(dot - m[i].key), m[i].key, dot + 1,
                 m[i].choice, m[i].with[0] ? ", " : "", m[i].with);
        scenario *s = fl_scenario_load_text(text, "t.json", NULL, 0, err, sizeof err);
        if (!s) /* inert combinations: the value alone is checked */
            continue;
        fl_config c;
        assert_int_equal(fl_scenario_config(s, 0, &c, err, sizeof err), 0);
        assert_int_equal(config_enum(&c, m[i].key), m[i].value);
        fl_scenario_destroy(s);
    }
    assert_int_equal(fl_schema_enum_value(fl_schema_find("modem.scheme"), "8psk", &(int){0}), -EINVAL);
}

/* The defaults of the schema are the config of an empty scenario. */
static void test_schema_defaults_fill_config(void **state)
{
    (void)state;
    char err[SCN_ERR_LEN];
    scenario *s = fl_scenario_load_text("{}", "dir/t.json", NULL, 0, err, sizeof err);
    assert_non_null(s);
    fl_config c, d;
    assert_int_equal(fl_scenario_config(s, 0, &c, err, sizeof err), 0);
    fl_scenario_destroy(s);
    fl_schema_defaults(&d);
    snprintf(d.name, sizeof d.name, "t.json");
    assert_memory_equal(&c, &d, sizeof c);
    assert_true(c.source.tail == 3.0 && c.source.tokens == 576 && c.seed == 1 && isnan(c.channel.ebn0_db));
    assert_int_equal(c.channel.has_ebn0, 0);
    assert_int_equal(c.channel.fading, PHY_FADING_FAST);
}

/* README's key table is what `featlink keys --format md` prints. */
static void test_readme_key_table_is_generated(void **state)
{
    (void)state;
    FILE *f = fopen("README.md", "r");
    assert_non_null(f);
    static char readme[1 << 18], out[1 << 16];
    size_t n = fread(readme, 1, sizeof readme - 1, f);
    fclose(f);
    readme[n] = 0;
    const char *b = strstr(readme, "<!-- keys:begin -->\n"), *e = strstr(readme, "<!-- keys:end -->");
    assert_non_null(b);
    assert_non_null(e);
    b += strlen("<!-- keys:begin -->\n");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s keys --format md", bin());
    assert_int_equal(run_cmd(cmd, out, sizeof out), 0);
    if (strlen(out) != (size_t)(e - b) || strncmp(out, b, (size_t)(e - b)))
        fail_msg("README.md's key table differs from `featlink keys --format md`; paste its output between "
                 "the keys markers");
}

/* Arrays of objects: every member lies inside its element struct, no two
 * overlap (nor the given mask), each has a fallback row of its type with a
 * field of the same size (fl_schema_array_resolve copies it byte for
 * byte), and a range inside the fallback's. */
static void test_schema_array_members(void **state)
{
    (void)state;
    assert_true(fl_schema_arrays() >= 1);
    for (int i = 0; i < fl_schema_arrays(); i++) {
        const schema_array *a = fl_schema_array_at(i);
        assert_ptr_equal(fl_schema_array_of(a->key), a);
        assert_true(a->off + (size_t)a->max * a->elem_size <= sizeof(fl_config));
        assert_true(a->nmembers <= 64 && a->max >= 1);
        unsigned char used[4096] = {0};
        assert_true(a->elem_size <= sizeof used && a->given_off + 8 <= a->elem_size);
        memset(used + a->given_off, 1, 8);
        for (int j = 0; j < a->nmembers; j++) {
            const schema_member *m = &a->members[j];
            const schema_key *f = fl_schema_find(m->fallback);
            schema_key k;
            if (!f || fl_schema_member(a, j, &k))
                fail_msg("%s: fallback %s is no schema key", m->key, m->fallback);
            if (m->size != f->size)
                fail_msg("%s: field of %zu bytes, its fallback %s has %zu", m->key, m->size, m->fallback, f->size);
            assert_true(m->off + m->size <= a->elem_size);
            for (size_t b = m->off; b < m->off + m->size; b++) {
                if (used[b])
                    fail_msg("%s: its field overlaps another member's", m->key);
                used[b] = 1;
            }
            assert_int_equal(k.type, f->type);
            assert_true(k.lo >= f->lo && k.hi == f->hi);
            assert_int_equal(strncmp(m->key, a->key, strlen(a->key)), 0);
            assert_int_equal(fl_schema_member_find(a, m->key + strlen(a->key) + 3), j);
        }
    }
    assert_null(fl_schema_array_of("system.groupsx"));
    assert_non_null(fl_schema_array_of("system.groups[3].devices"));
}

/* --format json: one object per row, with the row's range and default. */
static void test_keys_json(void **state)
{
    (void)state;
    static char out[1 << 17];
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s keys --format json", bin());
    assert_int_equal(run_cmd(cmd, out, sizeof out), 0);
    cJSON *a = cJSON_Parse(out);
    assert_non_null(a);
    int rows = fl_schema_count();
    for (int i = 0; i < fl_schema_arrays(); i++)
        rows += 1 + fl_schema_array_at(i)->nmembers;
    assert_int_equal(cJSON_GetArraySize(a), rows);
    int seen = 0;
    for (cJSON *o = a->child; o; o = o->next) {
        const char *key = cJSON_GetObjectItem(o, "key")->valuestring;
        const schema_array *arr = fl_schema_array_of(key);
        if (arr && !strcmp(key, arr->key)) { /* the array itself */
            assert_string_equal(cJSON_GetObjectItem(o, "type")->valuestring, "array");
            assert_int_equal(cJSON_GetObjectItem(o, "max_items")->valueint, arr->max);
            continue;
        }
        schema_key mk;
        const schema_key *k = arr ? &mk : fl_schema_find(key);
        if (arr) { /* a member: "system.groups[].codec.f", its fallback named */
            assert_int_equal(fl_schema_member(arr, fl_schema_member_find(arr, key + strlen(arr->key) + 3), &mk), 0);
            assert_string_equal(cJSON_GetObjectItem(o, "fallback")->valuestring, mk.fallback);
            assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "default")));
        }
        assert_non_null(k);
        assert_string_equal(cJSON_GetObjectItem(o, "unit")->valuestring, k->unit);
        if (!strcmp(key, "source.tail")) {
            assert_true(cJSON_GetObjectItem(o, "min")->valuedouble == 2.01);
            assert_true(cJSON_GetObjectItem(o, "max")->valuedouble == 1000);
            assert_true(cJSON_GetObjectItem(o, "default")->valuedouble == 3);
            seen++;
        }
        if (!strcmp(key, "modem.scheme")) {
            assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "choices")), 5);
            assert_string_equal(cJSON_GetObjectItem(o, "default")->valuestring, "bpsk");
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    cJSON_Delete(a);
    snprintf(cmd, sizeof cmd, "%s keys --format xml", bin());
    assert_int_equal(run_cmd(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "must be one of md|json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_types),
        cmocka_unit_test(test_sweep_grid_and_zip),
        cmocka_unit_test(test_set_overrides),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_range_message_format),
        cmocka_unit_test(test_cli_bad_scenarios),
        cmocka_unit_test(test_cli_bad_source_file_content),
        cmocka_unit_test(test_cli_usage_errors),
        cmocka_unit_test(test_cli_set_analytic),
        cmocka_unit_test(test_cli_table1_against_paper),
        cmocka_unit_test(test_cli_fading_capacity_columns),
        cmocka_unit_test(test_cli_resume_and_jobs),
        cmocka_unit_test(test_cli_interrupted_run_resumes),
        cmocka_unit_test(test_effective_text_has_defaults_and_reloads),
        cmocka_unit_test(test_schema_rows_consistent),
        cmocka_unit_test(test_schema_choices_are_codec_enums),
        cmocka_unit_test(test_schema_defaults_fill_config),
        cmocka_unit_test(test_readme_key_table_is_generated),
        cmocka_unit_test(test_keys_json),
        cmocka_unit_test(test_schema_array_members),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
