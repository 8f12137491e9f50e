/* scenario: load, validate, override and expand scenario files (scenario.h).
 *
 * Every key featlink knows is one row of the schema below: its dotted path,
 * type, allowed range or choices, and default. Validation walks the JSON
 * tree against the schema, so an unknown key, a wrong type or a value out
 * of range is refused with its JSON path before any work starts.
 */
#include "sim/scenario.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCN_MAX_POINTS 10000000LL
/* Largest tensor a scenario may ask for: 2^30 elements (4 GiB of float32). */
#define SCN_MAX_ELEMENTS (INT64_C(1) << 30)

typedef enum { K_NUM, K_INT, K_ENUM, K_STR } ktype;

typedef struct {
    const char *key;
    ktype type;
    double lo, hi;              /* K_NUM / K_INT range, inclusive */
    const char *choices;        /* K_ENUM: '|'-separated */
    double def_num;
    const char *def_str;
    int allow_inf;              /* K_NUM: the string "inf" means +infinity */
    const char *unit;           /* of the value, "" when dimensionless */
    const char *desc;           /* one line: README table, HDF5 description */
} kdef;

static const kdef scn_keys[] = {
    {"name", K_STR, 0, 0, NULL, 0, "", 0, "", "label stored in the results"},
    {"seed", K_INT, 0, 4294967295.0, NULL, 1, NULL, 0, "", "Philox key word 0"},
    {"trials", K_INT, 1, 1e9, NULL, 1, NULL, 0, "frame", "frames per point, averaged (BER points stop by stop.* instead)"},
    {"source.kind", K_ENUM, 0, 0, "synthetic|hdf5|npy|bits", 0, "synthetic", 0, "", "where the tensor comes from (bits: i.i.d. bits for BER runs)"},
    {"source.patches", K_INT, 1, 1e6, NULL, 1, NULL, 0, "patch", "patches (3-D sources)"},
    {"source.tokens", K_INT, 1, 2147483647.0, NULL, 576, NULL, 0, "token", "Nt, tokens per patch"},
    {"source.dims", K_INT, 1, 2147483647.0, NULL, 1024, NULL, 0, "symbol/token", "Ns, symbols per token"},
    {"source.bits", K_INT, 1, 64, NULL, 32, NULL, 0, "bit/symbol", "Nb, bits per sent symbol (32 float32, 64 float64, 1 sign, else uniform levels)"},
    {"source.path", K_STR, 0, 0, NULL, 0, "", 0, "", "the .npy or HDF5 file (relative: beside the scenario file)"},
    {"source.dataset", K_STR, 0, 0, NULL, 0, "/features", 0, "", "HDF5 dataset of the tensor"},
    {"source.law", K_ENUM, 0, 0, "clip|laplace|gaussian", 0, "clip", 0, "", "synthetic law: clustered clip-like, or i.i.d. laplace/gaussian"},
    {"source.clusters", K_INT, 1, 1e6, NULL, 16, NULL, 0, "cluster", "clusters of the clip-like generator"},
    {"source.cluster_spread", K_NUM, 0, 100, NULL, 0.5, NULL, 0, "", "within-cluster / between-cluster scale"},
    {"source.tail", K_NUM, 2.01, 1000, NULL, 3.0, NULL, 0, "", "Pareto shape of per-dimension scales"},
    {"source.outlier_dims", K_INT, 0, 2147483647.0, NULL, 4, NULL, 0, "dimension", "massive-activation dimensions"},
    {"source.outlier_gain", K_NUM, 1e-6, 1e6, NULL, 20, NULL, 0, "", "scale gain of the outlier dimensions"},
    {"source.scale", K_NUM, 1e-30, 1e30, NULL, 1, NULL, 0, "value", "overall standard deviation of the synthetic source"},
    {"codec.select", K_ENUM, 0, 0, "none|pinr|merge", 0, "none", 0, "", "token selection: none, PINR (paper 000) or DPC-KNN merge (paper 001)"},
    {"codec.f", K_NUM, 0, 1, NULL, 0, NULL, 0, "", "PINR fraction f (paper 000)"},
    {"codec.g", K_NUM, 0, 1, NULL, 0, NULL, 0, "", "PINR fraction g (paper 000)"},
    {"codec.h", K_NUM, 0, 1, NULL, 0, NULL, 0, "", "PINR fraction h (paper 000)"},
    {"codec.index_coding", K_ENUM, 0, 0, "list|bitmask|seeded|enumerative", 0, "list", 0, "", "how PINR indices are sent"},
    {"codec.clusters", K_INT, 1, 1e6, NULL, 32, NULL, 0, "token", "DPC-KNN n_c, merged tokens per patch"},
    {"codec.knn", K_INT, 1, 1e4, NULL, 5, NULL, 0, "", "DPC-KNN K nearest neighbours"},
    {"codec.quant", K_ENUM, 0, 0, "fp32|fp16|bf16|uniform|rdoq", 0, "fp32", 0, "", "quantiser"},
    {"codec.step", K_NUM, 1e-9, 1e9, NULL, 0.05, NULL, 0, "value", "uniform quantiser step Δ"},
    {"codec.deadzone", K_NUM, 0, 0.5, NULL, 0.5, NULL, 0, "", "rounding offset r of the quantiser (0.5 plain rounding)"},
    {"codec.lambda", K_NUM, 0, 1e9, NULL, 0.01, NULL, 0, "value²/bit", "RDOQ Lagrange multiplier λ"},
    {"codec.entropy", K_ENUM, 0, 0, "raw|laplace", 0, "raw", 0, "", "entropy coder (laplace: Laplacian rANS, paper 001)"},
    {"codec.models", K_INT, 1, 64, NULL, 1, NULL, 0, "", "n_e Laplacian scale profiles"},
    {"link.mode", K_ENUM, 0, 0, "capacity|digital|analog", 0, "capacity", 0, "", "link model: capacity, digital (real packets) or analog"},
    {"link.budget_s", K_NUM, 1e-12, 1e12, NULL, 1, NULL, 0, "s", "time budget T of the minimum-bandwidth columns"},
    {"link.bandwidth_hz", K_NUM, 1e-3, 1e15, NULL, 1e6, NULL, 0, "Hz", "bandwidth of the transfer-time columns"},
    {"link.packet_bytes", K_INT, 1, 65535, NULL, 1500, NULL, 0, "byte", "payload bytes per packet (digital link)"},
    {"link.fec", K_ENUM, 0, 0, "none|conv12|conv23|conv34", 0, "none", 0, "", "802.11 K=7 convolutional code and rate"},
    {"channel.kind", K_ENUM, 0, 0, "awgn|rayleigh|rician", 0, "awgn", 0, "", "channel: AWGN, Rayleigh or Rician fading"},
    {"channel.snr_db", K_NUM, -100, 300, NULL, 0, NULL, 1, "dB Es/N0 per symbol", "SNR = Es/N0 per complex symbol"},
    {"channel.ebn0_db", K_NUM, -100, 300, NULL, NAN, NULL, 0, "dB Eb/N0 per info bit", "Eb/N0 per information bit (rules when given)"},
    {"channel.k_factor", K_NUM, 0, 1e6, NULL, 0, NULL, 0, "", "Rician K (linear)"},
    {"channel.doppler_hz", K_NUM, 0, 1e9, NULL, 0, NULL, 0, "Hz", "maximum Doppler f_d (jakes fading)"},
    {"channel.symbol_rate_hz", K_NUM, 1e-3, 1e15, NULL, 1e6, NULL, 0, "symbol/s", "symbol rate (airtime, Jakes sampling)"},
    {"channel.outage_eps", K_NUM, 1e-12, 0.999999, NULL, 0.01, NULL, 0, "", "outage level ε of the ε-outage capacity"},
    {"channel.fading", K_ENUM, 0, 0, "block|fast|jakes", 0, "fast", 0, "", "fading time structure: block, fast (i.i.d.) or jakes"},
    {"channel.block_symbols", K_INT, 1, 1e12, NULL, 1000, NULL, 0, "symbol", "coherence block length (block fading)"},
    {"modem.scheme", K_ENUM, 0, 0, "bpsk|qpsk|16qam|64qam|256qam", 0, "bpsk", 0, "", "Gray-mapped modulation"},
    {"modem.demap", K_ENUM, 0, 0, "hard|llr", 0, "hard", 0, "", "demapper: hard decisions or LLRs"},
    {"metrics.reference", K_ENUM, 0, 0, "none|clean|same_snr", 0, "none", 0, "", "normalise proxy metrics by a reference run"},
    {"metrics.projector", K_STR, 0, 0, NULL, 0, "", 0, "", "HDF5 file of a 2-layer MLP projector (relative: beside the scenario file)"},
    {"stop.min_errors", K_INT, 1, 1e15, NULL, 200, NULL, 0, "bit", "BER runs stop after this many bit errors"},
    {"stop.max_bits", K_INT, 1, 1e16, NULL, 1e7, NULL, 0, "bit", "BER runs stop after this many bits"},
};
#define SCN_NKEYS (sizeof scn_keys / sizeof scn_keys[0])

struct scenario {
    char    *file;        /* label used in messages */
    char    *dir;         /* folder of the scenario file: relative paths inside
                             it resolve against it ("" for text scenarios) */
    cJSON   *base;        /* effective tree (after --set), without "sweep" */
    char    *text;        /* effective scenario JSON, with sweep */
    char    *source_text; /* the scenario as given, verbatim */
    char    *sets;        /* the --set overrides, one per line */
    int      ngrid, nzip;
    char    *sweep_key[SCN_MAX_SWEEP];
    cJSON   *sweep_vals[SCN_MAX_SWEEP]; /* arrays, owned by the sweep copy */
    cJSON   *sweep;       /* detached copy of the sweep object */
    int64_t  grid_points, zip_len, points;
};

/* ------------------------------------------------------------------ */
/* messages */

/* validate's collector: while set, every error is also appended to it (one
 * line each, at most SCN_MAX_ERRORS) and validation goes on past it. */
typedef struct {
    char *buf;
    size_t len, used;
    int n;
} scn_collect;
static _Thread_local scn_collect *scn_col;

static void scn_err(char *err, size_t len, const char *file, const char *fmt, ...)
{
    int n = snprintf(err, len, "%s: ", file);
    if (n < 0 || (size_t)n >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, len - (size_t)n, fmt, ap);
    va_end(ap);
    if (scn_col && scn_col->n < SCN_MAX_ERRORS && !strstr(scn_col->buf, err)) {
        int w = snprintf(scn_col->buf + scn_col->used, scn_col->len - scn_col->used, "%s\n", err);
        if (w > 0 && scn_col->used + (size_t)w < scn_col->len) {
            scn_col->used += (size_t)w;
            scn_col->n++;
        }
    }
}

/* Collecting: the error is kept, validation continues (0 but *_bad set). */
static int scn_go_on(int rc, int *bad)
{
    if (rc && scn_col) {
        *bad = rc;
        return 0;
    }
    return rc;
}

static const kdef *scn_key(const char *key)
{
    for (size_t i = 0; i < SCN_NKEYS; i++)
        if (strcmp(scn_keys[i].key, key) == 0)
            return &scn_keys[i];
    return NULL;
}

/* Levenshtein distance, for "did you mean" hints. */
static int scn_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int u = d[i - 1][j] + 1, l = d[i][j - 1] + 1;
            d[i][j] = c < u ? (c < l ? c : l) : (u < l ? u : l);
        }
    return d[la][lb];
}

/* The closest known key (full dotted path, or its last component) to _key. */
static const char *scn_suggest(const char *key)
{
    const char *best = NULL;
    int bestd = 4;
    for (size_t i = 0; i < SCN_NKEYS; i++) {
        int d = scn_distance(key, scn_keys[i].key);
        const char *dot = strrchr(scn_keys[i].key, '.');
        const char *kdot = strrchr(key, '.');
        if (dot && !kdot) {
            /* a bare word: compare with the key's last part and its group */
            char group[64];
            snprintf(group, sizeof group, "%.*s", (int)(strchr(scn_keys[i].key, '.') - scn_keys[i].key),
                     scn_keys[i].key);
            int d2 = scn_distance(key, dot + 1), d3 = scn_distance(key, group);
            if (d2 < d)
                d = d2;
            if (d3 < d && d3 < bestd) {
                static char group_hint[64]; /* validation is single-threaded */
                snprintf(group_hint, sizeof group_hint, "%s", group);
                bestd = d3;
                best = group_hint;
                continue;
            }
        }
        if (d < bestd) {
            bestd = d;
            best = scn_keys[i].key;
        }
    }
    if (!best && (!strcmp(key, "sweep.grid") || !strcmp(key, "sweep.zip")))
        return NULL;
    return best;
}

static void scn_allowed(const kdef *k, char *buf, size_t len)
{
    switch (k->type) {
    case K_NUM:
        snprintf(buf, len, "a number in [%g, %g]%s", k->lo, k->hi, k->allow_inf ? " or \"inf\"" : "");
        break;
    case K_INT:
        snprintf(buf, len, "an integer in [%.0f, %.0f]", k->lo, k->hi);
        break;
    case K_ENUM: {
        snprintf(buf, len, "one of ");
        size_t n = strlen(buf);
        for (const char *c = k->choices; *c && n + 4 < len; c++)
            buf[n++] = *c == '|' ? ',' : *c;
        buf[n] = 0;
        break;
    }
    case K_STR:
        snprintf(buf, len, "a string");
        break;
    }
}

static int scn_enum_index(const kdef *k, const char *s)
{
    int idx = 0;
    const char *c = k->choices;
    size_t ls = strlen(s);
    while (*c) {
        const char *bar = strchr(c, '|');
        size_t n = bar ? (size_t)(bar - c) : strlen(c);
        if (n == ls && strncmp(c, s, n) == 0)
            return idx;
        idx++;
        if (!bar)
            break;
        c = bar + 1;
    }
    return -1;
}

/* Check one value against its key. _where: the JSON path for messages. */
static int scn_check_value(const kdef *k, const cJSON *v, const char *file, const char *where,
                           char *err, size_t len)
{
    char allowed[160], got[64];
    scn_allowed(k, allowed, sizeof allowed);
    if (cJSON_IsNumber(v))
        snprintf(got, sizeof got, "%.17g", v->valuedouble);
    else if (cJSON_IsString(v))
        snprintf(got, sizeof got, "\"%.40s\"", v->valuestring);
    else if (cJSON_IsBool(v))
        snprintf(got, sizeof got, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v))
        snprintf(got, sizeof got, "null");
    else if (cJSON_IsArray(v))
        snprintf(got, sizeof got, "an array");
    else
        snprintf(got, sizeof got, "an object");

    switch (k->type) {
    case K_NUM:
        if (k->allow_inf && cJSON_IsString(v) && strcmp(v->valuestring, "inf") == 0)
            return 0;
        if (!cJSON_IsNumber(v)) {
            scn_err(err, len, file, "%s: must be %s, got %s", where, allowed, got);
            return -EINVAL;
        }
        if (!(v->valuedouble >= k->lo && v->valuedouble <= k->hi)) {
            scn_err(err, len, file, "%s: must be in [%g, %g], got %s", where, k->lo, k->hi, got);
            return -EINVAL;
        }
        return 0;
    case K_INT:
        if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)) {
            scn_err(err, len, file, "%s: must be %s, got %s", where, allowed, got);
            return -EINVAL;
        }
        if (!(v->valuedouble >= k->lo && v->valuedouble <= k->hi)) {
            scn_err(err, len, file, "%s: must be in [%.0f, %.0f], got %s", where, k->lo, k->hi, got);
            return -EINVAL;
        }
        return 0;
    case K_ENUM:
        if (!cJSON_IsString(v) || scn_enum_index(k, v->valuestring) < 0) {
            scn_err(err, len, file, "%s: must be %s, got %s", where, allowed, got);
            return -EINVAL;
        }
        return 0;
    case K_STR:
        if (!cJSON_IsString(v) || strlen(v->valuestring) >= SCN_PATH_LEN) {
            scn_err(err, len, file, "%s: must be %s (under %d characters), got %s", where, allowed,
                    SCN_PATH_LEN, got);
            return -EINVAL;
        }
        return 0;
    }
    return 0;
}

static int scn_unknown(const char *file, const char *where, const char *key, char *err, size_t len)
{
    const char *s = scn_suggest(key);
    if (s)
        scn_err(err, len, file, "%s: unknown key \"%s\" (did you mean \"%s\"?)", where, key, s);
    else
        scn_err(err, len, file, "%s: unknown key \"%s\" (see README: scenario keys)", where, key);
    return -EINVAL;
}

/* Walk an object: every leaf must be a known key with a valid value. */
static int scn_check_tree(const cJSON *obj, const char *prefix, const char *file, char *err,
                          size_t len)
{
    int bad = 0;
    for (const cJSON *c = obj->child; c; c = c->next) {
        char key[256], where[300];
        snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", c->string);
        snprintf(where, sizeof where, "$.%s", key);
        if (!*prefix && strcmp(c->string, "sweep") == 0)
            continue; /* checked on its own */
        const kdef *k = scn_key(key);
        if (k) {
            int rc = scn_go_on(scn_check_value(k, c, file, where, err, len), &bad);
            if (rc)
                return rc;
            continue;
        }
        /* a group such as "codec": known if some key starts with "codec." */
        int group = 0;
        size_t lk = strlen(key);
        for (size_t i = 0; i < SCN_NKEYS && !group; i++)
            group = strncmp(scn_keys[i].key, key, lk) == 0 && scn_keys[i].key[lk] == '.';
        if (group) {
            if (!cJSON_IsObject(c)) {
                scn_err(err, len, file, "%s: must be an object of %s.* keys", where, key);
                if (scn_go_on(-EINVAL, &bad))
                    return -EINVAL;
                continue;
            }
            int rc = scn_go_on(scn_check_tree(c, key, file, err, len), &bad);
            if (rc)
                return rc;
            continue;
        }
        int rc = scn_go_on(scn_unknown(file, where, key, err, len), &bad);
        if (rc)
            return rc;
    }
    return bad;
}

/* Find the value of dotted _key in the tree (nested objects). */
static cJSON *scn_get(const cJSON *root, const char *key)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", key);
    const cJSON *node = root;
    char *save = NULL;
    for (char *part = strtok_r(buf, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
        if (!cJSON_IsObject(node))
            return NULL;
        node = cJSON_GetObjectItemCaseSensitive(node, part);
        if (!node)
            return NULL;
    }
    return (cJSON *)node;
}

/* Set dotted _key to _val (takes ownership), creating groups on the way. */
static int scn_put(cJSON *root, const char *key, cJSON *val)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", key);
    cJSON *node = root;
    char *save = NULL;
    char *part = strtok_r(buf, ".", &save);
    while (part) {
        char *next = strtok_r(NULL, ".", &save);
        if (!next) {
            if (cJSON_GetObjectItemCaseSensitive(node, part))
                cJSON_ReplaceItemInObjectCaseSensitive(node, part, val);
            else
                cJSON_AddItemToObject(node, part, val);
            return 0;
        }
        cJSON *child = cJSON_GetObjectItemCaseSensitive(node, part);
        if (!child) {
            child = cJSON_AddObjectToObject(node, part);
        } else if (!cJSON_IsObject(child)) {
            cJSON *obj = cJSON_CreateObject();
            cJSON_ReplaceItemInObjectCaseSensitive(node, part, obj);
            child = obj;
        }
        if (!child)
            return -ENOMEM;
        node = child;
        part = next;
    }
    cJSON_Delete(val);
    return -EINVAL;
}

/* ------------------------------------------------------------------ */
/* typed config */

static double scn_num(const cJSON *root, const char *key)
{
    const kdef *k = scn_key(key);
    const cJSON *v = scn_get(root, key);
    if (v && cJSON_IsString(v) && k->allow_inf)
        return INFINITY;
    return v && cJSON_IsNumber(v) ? v->valuedouble : k->def_num;
}

static const char *scn_str(const cJSON *root, const char *key)
{
    const kdef *k = scn_key(key);
    const cJSON *v = scn_get(root, key);
    return v && cJSON_IsString(v) ? v->valuestring : k->def_str;
}

static int scn_enum(const cJSON *root, const char *key)
{
    return scn_enum_index(scn_key(key), scn_str(root, key));
}

static void scn_fill(const cJSON *t, fl_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", scn_str(t, "name"));
    c->seed = (uint32_t)scn_num(t, "seed");
    c->trials = (int64_t)scn_num(t, "trials");
    c->source.kind = (src_kind)scn_enum(t, "source.kind");
    c->source.patches = (int64_t)scn_num(t, "source.patches");
    c->source.tokens = (int64_t)scn_num(t, "source.tokens");
    c->source.dims = (int64_t)scn_num(t, "source.dims");
    c->source.bits = (int)scn_num(t, "source.bits");
    snprintf(c->source.path, sizeof c->source.path, "%s", scn_str(t, "source.path"));
    snprintf(c->source.dataset, sizeof c->source.dataset, "%s", scn_str(t, "source.dataset"));
    c->source.law = (src_law)scn_enum(t, "source.law");
    c->source.clusters = (int)scn_num(t, "source.clusters");
    c->source.cluster_spread = scn_num(t, "source.cluster_spread");
    c->source.tail = scn_num(t, "source.tail");
    c->source.outlier_dims = (int)scn_num(t, "source.outlier_dims");
    c->source.outlier_gain = scn_num(t, "source.outlier_gain");
    c->source.scale = scn_num(t, "source.scale");
    c->codec.select = (sel_kind)scn_enum(t, "codec.select");
    c->codec.f = scn_num(t, "codec.f");
    c->codec.g = scn_num(t, "codec.g");
    c->codec.h = scn_num(t, "codec.h");
    c->codec.index_coding = (idx_kind)scn_enum(t, "codec.index_coding");
    c->codec.clusters = (int)scn_num(t, "codec.clusters");
    c->codec.knn = (int)scn_num(t, "codec.knn");
    c->codec.quant = (quant_kind)scn_enum(t, "codec.quant");
    c->codec.step = scn_num(t, "codec.step");
    c->codec.deadzone = scn_num(t, "codec.deadzone");
    c->codec.lambda = scn_num(t, "codec.lambda");
    c->codec.entropy = (ent_kind)scn_enum(t, "codec.entropy");
    c->codec.models = (int)scn_num(t, "codec.models");
    c->link.mode = (link_kind)scn_enum(t, "link.mode");
    c->link.budget_s = scn_num(t, "link.budget_s");
    c->link.bandwidth_hz = scn_num(t, "link.bandwidth_hz");
    c->link.packet_bytes = (int)scn_num(t, "link.packet_bytes");
    c->link.fec = (fec_kind)scn_enum(t, "link.fec");
    c->channel.kind = (chan_kind)scn_enum(t, "channel.kind");
    c->channel.snr_db = scn_num(t, "channel.snr_db");
    c->channel.ebn0_db = scn_num(t, "channel.ebn0_db");
    c->channel.has_ebn0 = scn_get(t, "channel.ebn0_db") != NULL;
    c->channel.k_factor = scn_num(t, "channel.k_factor");
    c->channel.doppler_hz = scn_num(t, "channel.doppler_hz");
    c->channel.symbol_rate_hz = scn_num(t, "channel.symbol_rate_hz");
    c->channel.outage_eps = scn_num(t, "channel.outage_eps");
    c->channel.fading = (fading_kind)scn_enum(t, "channel.fading");
    c->channel.block_symbols = (int64_t)scn_num(t, "channel.block_symbols");
    c->modem.scheme = (mod_kind)scn_enum(t, "modem.scheme");
    c->modem.demap = (demap_kind)scn_enum(t, "modem.demap");
    c->metrics.reference = (ref_kind)scn_enum(t, "metrics.reference");
    snprintf(c->metrics.projector, sizeof c->metrics.projector, "%s", scn_str(t, "metrics.projector"));
    c->stop.min_errors = (int64_t)scn_num(t, "stop.min_errors");
    c->stop.max_bits = (int64_t)scn_num(t, "stop.max_bits");
}

/* Checks across keys, on a filled config; _at names the point for sweeps. */
static int scn_check_config(const fl_config *c, const char *file, const char *at, char *err,
                            size_t len)
{
    if (c->source.kind == SRC_SYNTHETIC || c->source.kind == SRC_BITS) {
        double n = (double)c->source.patches * (double)c->source.tokens * (double)c->source.dims;
        if (n > (double)SCN_MAX_ELEMENTS) {
            scn_err(err, len, file,
                    "$.source.tokens%s: patches x tokens x dims = %.0f elements exceeds the limit "
                    "of 2^30 (allowed: patches*tokens*dims <= 1073741824)",
                    at, n);
            return -EINVAL;
        }
        if (c->source.outlier_dims > c->source.dims) {
            scn_err(err, len, file, "$.source.outlier_dims%s: must be in [0, source.dims = %lld], got %d",
                    at, (long long)c->source.dims, c->source.outlier_dims);
            return -EINVAL;
        }
    }
    if (c->source.kind == SRC_HDF5 || c->source.kind == SRC_NPY) {
        if (!c->source.path[0]) {
            scn_err(err, len, file, "$.source.path%s: required when source.kind is %s (allowed: a readable file)",
                    at, c->source.kind == SRC_HDF5 ? "hdf5" : "npy");
            return -EINVAL;
        }
        if (access(c->source.path, R_OK) != 0) {
            scn_err(err, len, file, "$.source.path%s: file \"%s\" does not exist or is not readable",
                    at, c->source.path);
            return -EINVAL;
        }
    }
    if (c->metrics.projector[0] && access(c->metrics.projector, R_OK) != 0) {
        scn_err(err, len, file, "$.metrics.projector%s: file \"%s\" does not exist or is not readable",
                at, c->metrics.projector);
        return -EINVAL;
    }
    if (c->codec.select == SEL_MERGE && c->source.kind != SRC_HDF5 && c->source.kind != SRC_NPY &&
        c->codec.knn >= c->source.tokens) {
        scn_err(err, len, file, "$.codec.knn%s: must be in [1, source.tokens-1 = %lld], got %d", at,
                (long long)c->source.tokens - 1, c->codec.knn);
        return -EINVAL;
    }
    if ((c->link.mode == LINK_DIGITAL || c->source.kind == SRC_BITS) && !c->channel.has_ebn0 &&
        !isfinite(c->channel.snr_db)) {
        scn_err(err, len, file, "$.channel.snr_db%s: must be finite for a digital link or BER run "
                "(allowed: a number in [-100, 300])", at);
        return -EINVAL;
    }
    if (c->codec.entropy == ENT_LAPLACE && c->codec.quant != Q_UNIFORM && c->codec.quant != Q_RDOQ) {
        scn_err(err, len, file, "$.codec.entropy%s: \"laplace\" codes integer levels: needs codec.quant "
                "uniform or rdoq (allowed: raw with fp32/fp16/bf16)", at);
        return -EINVAL;
    }
    if (c->stop.min_errors > c->stop.max_bits) {
        scn_err(err, len, file, "$.stop.min_errors%s: must be <= stop.max_bits (%lld), got %lld", at,
                (long long)c->stop.max_bits, (long long)c->stop.min_errors);
        return -EINVAL;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* inert keys: a key given in the scenario (or swept) that cannot affect
 * the point, given the other keys, is refused, naming the key that makes it
 * inert; otherwise a user would believe a result depends on it. */

typedef struct {
    const char *keys;     /* ','-separated keys made inert */
    int (*inert)(const fl_config *c);
    const char *because;  /* the key (and value) that makes them inert */
} inert_rule;

static int in_select_none(const fl_config *c) { return c->codec.select == SEL_NONE; }
static int in_select_pinr(const fl_config *c) { return c->codec.select == SEL_PINR; }
static int in_select_merge(const fl_config *c) { return c->codec.select == SEL_MERGE; }
/* the TOFC pipeline runs (sim/point.c): it merges or selects nothing */
static int in_rd_pinr(const fl_config *c)
{
    return c->codec.select == SEL_PINR && c->source.kind != SRC_BITS &&
           (c->codec.quant != Q_FP32 || c->codec.entropy != ENT_RAW);
}
static int in_file_source(const fl_config *c) { return c->source.kind == SRC_NPY || c->source.kind == SRC_HDF5; }
static int in_npy(const fl_config *c) { return c->source.kind == SRC_NPY; }
static int in_not_file(const fl_config *c) { return !in_file_source(c); }
static int in_iid_law(const fl_config *c) { return !in_file_source(c) && c->source.law != LAW_CLIP; }
static int in_bits(const fl_config *c) { return c->source.kind == SRC_BITS; }
static int in_not_bits(const fl_config *c) { return c->source.kind != SRC_BITS; }
static int in_bits_not_digital(const fl_config *c) { return c->source.kind == SRC_BITS && c->link.mode != LINK_DIGITAL; }
static int in_no_step(const fl_config *c) { return c->codec.quant != Q_UNIFORM && c->codec.quant != Q_RDOQ; }
static int in_no_rdoq(const fl_config *c) { return c->codec.quant != Q_RDOQ; }
static int in_raw(const fl_config *c) { return c->codec.entropy != ENT_LAPLACE; }
static int in_no_modem(const fl_config *c) { return c->link.mode != LINK_DIGITAL && c->source.kind != SRC_BITS; }
static int in_awgn(const fl_config *c) { return c->channel.kind == CH_AWGN; }
static int in_rayleigh(const fl_config *c) { return c->channel.kind == CH_RAYLEIGH; }
static int in_not_block(const fl_config *c) { return c->channel.kind != CH_AWGN && c->channel.fading != FAD_BLOCK; }
static int in_not_jakes(const fl_config *c) { return c->channel.kind != CH_AWGN && c->channel.fading != FAD_JAKES; }
static int in_ebn0(const fl_config *c) { return c->channel.has_ebn0; }

static const inert_rule inert_rules[] = {
    {"codec.f,codec.g,codec.h,codec.index_coding,codec.clusters,codec.knn", in_select_none,
     "codec.select is \"none\" (no token selection)"},
    {"codec.clusters,codec.knn", in_select_pinr, "codec.select is \"pinr\" (DPC-KNN keys are for \"merge\")"},
    {"codec.f,codec.g,codec.h,codec.index_coding", in_select_merge,
     "codec.select is \"merge\" (PINR keys are for \"pinr\")"},
    {"codec.select,codec.f,codec.g,codec.h,codec.index_coding", in_rd_pinr,
     "codec.quant/codec.entropy select the rate-distortion (TOFC) pipeline, which does no PINR selection "
     "(PINR needs codec.quant fp32 and codec.entropy raw)"},
    {"source.patches,source.tokens,source.dims,source.law,source.clusters,source.cluster_spread,source.tail,"
     "source.outlier_dims,source.outlier_gain,source.scale", in_file_source,
     "source.kind is a file (its shape and values come from the file)"},
    {"source.dataset", in_npy, "source.kind is \"npy\" (a .npy file holds one array)"},
    {"source.path,source.dataset", in_not_file, "source.kind is not \"npy\" or \"hdf5\""},
    {"source.clusters,source.cluster_spread,source.tail,source.outlier_dims,source.outlier_gain", in_iid_law,
     "source.law is not \"clip\" (i.i.d. laws have no clusters or outliers)"},
    {"codec.select,codec.f,codec.g,codec.h,codec.index_coding,codec.clusters,codec.knn,codec.quant,codec.step,"
     "codec.deadzone,codec.lambda,codec.entropy,codec.models,source.patches,source.tokens,source.dims,source.law,"
     "source.clusters,source.cluster_spread,source.tail,source.outlier_dims,source.outlier_gain,source.scale,"
     "source.bits,metrics.reference,metrics.projector,trials,link.budget_s,link.bandwidth_hz",
     in_bits, "source.kind is \"bits\" (a BER run: random bits through the digital link)"},
    {"link.mode", in_bits_not_digital, "source.kind is \"bits\" (BER runs always use the digital link)"},
    {"stop.min_errors,stop.max_bits", in_not_bits, "source.kind is not \"bits\" (stopping rules are for BER runs)"},
    {"codec.step,codec.deadzone", in_no_step, "codec.quant is not \"uniform\" or \"rdoq\""},
    {"codec.lambda", in_no_rdoq, "codec.quant is not \"rdoq\""},
    {"codec.models", in_raw, "codec.entropy is not \"laplace\""},
    {"modem.scheme,modem.demap,link.packet_bytes,link.fec,channel.symbol_rate_hz", in_no_modem,
     "link.mode is not \"digital\""},
    {"channel.k_factor,channel.doppler_hz,channel.fading,channel.block_symbols,channel.outage_eps", in_awgn,
     "channel.kind is \"awgn\" (no fading)"},
    {"channel.k_factor", in_rayleigh, "channel.kind is \"rayleigh\" (K is for \"rician\")"},
    {"channel.block_symbols", in_not_block, "channel.fading is not \"block\""},
    {"channel.doppler_hz", in_not_jakes, "channel.fading is not \"jakes\""},
    {"channel.snr_db", in_ebn0, "channel.ebn0_db is given (Eb/N0 rules)"},
};

/* The first key given in _t that a rule makes inert for _c. */
static int scn_check_inert(const cJSON *t, const fl_config *c, const char *file, const char *at, char *err,
                           size_t len)
{
    for (size_t r = 0; r < sizeof inert_rules / sizeof inert_rules[0]; r++) {
        if (!inert_rules[r].inert(c))
            continue;
        for (const char *k = inert_rules[r].keys; *k;) {
            const char *comma = strchr(k, ',');
            size_t n = comma ? (size_t)(comma - k) : strlen(k);
            char key[64];
            snprintf(key, sizeof key, "%.*s", (int)n, k);
            if (scn_get(t, key)) {
                scn_err(err, len, file, "$.%s%s: has no effect because %s; remove it", key, at,
                        inert_rules[r].because);
                return -EINVAL;
            }
            k += n + (comma != NULL);
        }
    }
    return 0;
}

/* Mark in _mask (one byte per schema key) every key inert for _c. */
static void scn_inert_mask(const fl_config *c, unsigned char *mask)
{
    for (size_t r = 0; r < sizeof inert_rules / sizeof inert_rules[0]; r++) {
        if (!inert_rules[r].inert(c))
            continue;
        for (size_t k = 0; k < SCN_NKEYS; k++) {
            const char *hit = strstr(inert_rules[r].keys, scn_keys[k].key);
            size_t n = strlen(scn_keys[k].key);
            while (hit && !((hit == inert_rules[r].keys || hit[-1] == ',') && (hit[n] == ',' || !hit[n])))
                hit = strstr(hit + 1, scn_keys[k].key);
            if (hit)
                mask[k] = 1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* sweep */

static int scn_read_sweep(scenario *s, const cJSON *sw, char *err, size_t len)
{
    const char *file = s->file;
    if (!cJSON_IsObject(sw)) {
        scn_err(err, len, file, "$.sweep: must be an object with \"grid\" and/or \"zip\"");
        return -EINVAL;
    }
    s->grid_points = 1;
    s->zip_len = 1;
    for (const cJSON *part = sw->child; part; part = part->next) {
        int is_grid = strcmp(part->string, "grid") == 0, is_zip = strcmp(part->string, "zip") == 0;
        if (!is_grid && !is_zip) {
            scn_err(err, len, file, "$.sweep.%s: unknown key (allowed: grid, zip)", part->string);
            return -EINVAL;
        }
        if (!cJSON_IsObject(part)) {
            scn_err(err, len, file, "$.sweep.%s: must be an object {\"key\": [values...]}", part->string);
            return -EINVAL;
        }
        int64_t zl = -1;
        for (const cJSON *e = part->child; e; e = e->next) {
            char where[300];
            snprintf(where, sizeof where, "$.sweep.%s[\"%s\"]", part->string, e->string);
            const kdef *k = scn_key(e->string);
            if (!k)
                return scn_unknown(file, where, e->string, err, len);
            if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) < 1) {
                scn_err(err, len, file, "%s: must be a non-empty array of values", where);
                return -EINVAL;
            }
            for (int i = 0; i < s->ngrid + s->nzip; i++)
                if (strcmp(s->sweep_key[i], e->string) == 0) {
                    scn_err(err, len, file, "%s: key swept twice", where);
                    return -EINVAL;
                }
            int n = cJSON_GetArraySize(e), i = 0;
            for (const cJSON *v = e->child; v; v = v->next, i++) {
                char w2[320];
                snprintf(w2, sizeof w2, "%s[%d]", where, i);
                int rc = scn_check_value(k, v, file, w2, err, len);
                if (rc)
                    return rc;
            }
            if (s->ngrid + s->nzip >= SCN_MAX_SWEEP) {
                scn_err(err, len, file, "%s: at most %d swept keys", where, SCN_MAX_SWEEP);
                return -EINVAL;
            }
            if (is_zip) {
                if (zl >= 0 && n != zl) {
                    scn_err(err, len, file, "%s: zip lists must have equal lengths (%lld), got %d",
                            where, (long long)zl, n);
                    return -EINVAL;
                }
                zl = n;
            } else {
                if ((double)s->grid_points * n > (double)SCN_MAX_POINTS) {
                    scn_err(err, len, file, "%s: the sweep exceeds %lld points", where, SCN_MAX_POINTS);
                    return -EINVAL;
                }
                s->grid_points *= n;
            }
            int slot = s->ngrid + s->nzip;
            s->sweep_key[slot] = strdup(e->string);
            s->sweep_vals[slot] = (cJSON *)e;
            if (!s->sweep_key[slot])
                return -ENOMEM;
            if (is_grid)
                s->ngrid++;
            else
                s->nzip++;
        }
        if (is_zip && zl > 0)
            s->zip_len = zl;
    }
    /* grid keys must come first in sweep_key: reorder if "zip" preceded "grid" */
    if (s->ngrid && s->nzip && scn_get(sw, "zip") == sw->child) {
        char *k[SCN_MAX_SWEEP];
        cJSON *v[SCN_MAX_SWEEP];
        int n = s->ngrid + s->nzip;
        for (int i = 0; i < n; i++) {
            int src = i < s->ngrid ? s->nzip + i : i - s->ngrid;
            k[i] = s->sweep_key[src];
            v[i] = s->sweep_vals[src];
        }
        memcpy(s->sweep_key, k, sizeof(char *) * (size_t)n);
        memcpy(s->sweep_vals, v, sizeof(cJSON *) * (size_t)n);
    }
    s->points = s->grid_points * s->zip_len;
    if (s->points > SCN_MAX_POINTS) {
        scn_err(err, len, file, "$.sweep: %lld points exceeds the limit of %lld", (long long)s->points,
                SCN_MAX_POINTS);
        return -EINVAL;
    }
    return 0;
}

/* The array element that point _i takes for swept key _k. */
static const cJSON *scn_point_value(const scenario *s, int64_t i, int k)
{
    int64_t idx;
    if (k < s->ngrid) {
        int64_t g = i % s->grid_points;
        /* last grid key varies fastest */
        for (int j = s->ngrid - 1; j > k; j--)
            g /= cJSON_GetArraySize(s->sweep_vals[j]);
        idx = g % cJSON_GetArraySize(s->sweep_vals[k]);
    } else {
        idx = i / s->grid_points;
    }
    return cJSON_GetArrayItem(s->sweep_vals[k], (int)idx);
}

static cJSON *scn_point_tree(const scenario *s, int64_t i)
{
    cJSON *t = cJSON_Duplicate(s->base, 1);
    if (!t)
        return NULL;
    for (int k = 0; k < s->ngrid + s->nzip; k++)
        scn_put(t, s->sweep_key[k], cJSON_Duplicate(scn_point_value(s, i, k), 1));
    return t;
}

/* ------------------------------------------------------------------ */
/* --set */

static int scn_apply_set(scenario *s, cJSON *root, const char *set, char *err, size_t len)
{
    const char *eq = strchr(set, '=');
    if (!eq || eq == set) {
        scn_err(err, len, s->file, "--set %s: expected key=value", set);
        return -EINVAL;
    }
    char key[256];
    size_t kl = (size_t)(eq - set);
    if (kl >= sizeof key) {
        scn_err(err, len, s->file, "--set %s: key too long", set);
        return -EINVAL;
    }
    memcpy(key, set, kl);
    key[kl] = 0;
    const char *text = eq + 1;
    cJSON *val = cJSON_ParseWithOpts(text, NULL, 1);
    if (!val)
        val = cJSON_CreateString(text); /* bare words are strings: modem.scheme=qpsk */
    if (!val)
        return -ENOMEM;
    char where[320];
    snprintf(where, sizeof where, "$.%s (from --set %s)", key, set);
    if (strncmp(key, "sweep.grid.", 11) == 0 || strncmp(key, "sweep.zip.", 10) == 0) {
        int grid = key[6] == 'g';
        const char *sub = key + (grid ? 11 : 10);
        if (!scn_key(sub)) {
            cJSON_Delete(val);
            return scn_unknown(s->file, where, sub, err, len);
        }
        cJSON *sw = cJSON_GetObjectItemCaseSensitive(root, "sweep");
        if (!sw)
            sw = cJSON_AddObjectToObject(root, "sweep");
        cJSON *part = cJSON_GetObjectItemCaseSensitive(sw, grid ? "grid" : "zip");
        if (!part)
            part = cJSON_AddObjectToObject(sw, grid ? "grid" : "zip");
        if (!part) {
            cJSON_Delete(val);
            return -ENOMEM;
        }
        if (cJSON_GetObjectItemCaseSensitive(part, sub))
            cJSON_ReplaceItemInObjectCaseSensitive(part, sub, val);
        else
            cJSON_AddItemToObject(part, sub, val);
        return 0;
    }
    const kdef *k = scn_key(key);
    if (!k) {
        cJSON_Delete(val);
        return scn_unknown(s->file, where, key, err, len);
    }
    int rc = scn_check_value(k, val, s->file, where, err, len);
    if (rc) {
        cJSON_Delete(val);
        return rc;
    }
    /* a --set of a swept key fixes it: drop it from the sweep */
    cJSON *sw = cJSON_GetObjectItemCaseSensitive(root, "sweep");
    if (cJSON_IsObject(sw)) {
        cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(sw, "grid"), key);
        cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(sw, "zip"), key);
    }
    return scn_put(root, key, val);
}

/* ------------------------------------------------------------------ */
/* load */

/* Line and column of byte _off in _text, for syntax errors. */
static void scn_where(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static scenario *scenario_load_text_in(const char *text, const char *label, const char *dir,
                                       const char *const *sets, int n_sets, char *err, size_t len);
static int scn_effective_text(scenario *s, const unsigned char *inert);

scenario *scenario_load_text(const char *text, const char *label, const char *const *sets,
                             int n_sets, char *err, size_t len)
{
    return scenario_load_text_in(text, label, "", sets, n_sets, err, len);
}

static scenario *scenario_load_text_in(const char *text, const char *label, const char *dir,
                                       const char *const *sets, int n_sets, char *err, size_t len)
{
    scenario *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, len, "%s: out of memory", label);
        return NULL;
    }
    s->file = strdup(label);
    s->dir = strdup(dir);
    if (!s->file || !s->dir) {
        snprintf(err, len, "%s: out of memory", label);
        scenario_destroy(s);
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        int line, col;
        size_t off = end ? (size_t)(end - text) : 0;
        scn_where(text, off, &line, &col);
        scn_err(err, len, label, "$: JSON syntax error at line %d, column %d (near \"%.20s\")", line,
                col, end ? end : "");
        scenario_destroy(s);
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        scn_err(err, len, label, "$: must be a JSON object of scenario keys");
        cJSON_Delete(root);
        scenario_destroy(s);
        return NULL;
    }
    int bad = 0;
    for (int i = 0; i < n_sets; i++)
        if (scn_go_on(scn_apply_set(s, root, sets[i], err, len), &bad)) {
            cJSON_Delete(root);
            scenario_destroy(s);
            return NULL;
        }
    if (scn_check_tree(root, "", label, err, len) || bad) {
        cJSON_Delete(root);
        scenario_destroy(s);
        return NULL;
    }
    s->text = cJSON_Print(root);
    s->source_text = strdup(text);
    size_t sl = 1;
    for (int i = 0; i < n_sets; i++)
        sl += strlen(sets[i]) + 1;
    s->sets = calloc(sl, 1);
    for (int i = 0; s->sets && i < n_sets; i++) {
        strcat(s->sets, sets[i]);
        strcat(s->sets, "\n");
    }
    if (!s->text || !s->source_text || !s->sets) {
        snprintf(err, len, "%s: out of memory", label);
        cJSON_Delete(root);
        scenario_destroy(s);
        return NULL;
    }
    s->sweep = cJSON_DetachItemFromObjectCaseSensitive(root, "sweep");
    s->base = root;
    s->points = s->grid_points = s->zip_len = 1;
    if (s->sweep && scn_read_sweep(s, s->sweep, err, len)) {
        scenario_destroy(s);
        return NULL;
    }
    /* Every point must make a valid config before any work starts. */
    unsigned char inert[SCN_NKEYS] = {0};
    for (int64_t i = 0; i < s->points; i++) {
        fl_config c;
        int prc = scenario_config(s, i, &c, err, len);
        if (!prc)
            scn_inert_mask(&c, inert);
        if (scn_go_on(prc, &bad) ||
            (bad && (!scn_col || scn_col->n >= SCN_MAX_ERRORS))) {
            scenario_destroy(s);
            return NULL;
        }
        /* points differ only in swept keys; when none touch cross-key
         * checks, the first point stands for all. */
        if (i == 0 && s->ngrid + s->nzip == 0)
            break;
    }
    if (bad || scn_effective_text(s, inert)) {
        if (!bad)
            snprintf(err, len, "%s: out of memory", label);
        scenario_destroy(s);
        return NULL;
    }
    return s;
}

scenario *scenario_load(const char *file, const char *const *sets, int n_sets, char *err, size_t len)
{
    FILE *fp = fopen(file, "rb");
    if (!fp) {
        snprintf(err, len, "%s: cannot open scenario file: %s", file, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            if (cap > (64u << 20)) {
                fclose(fp);
                free(text);
                snprintf(err, len, "%s: scenario file larger than 64 MiB", file);
                return NULL;
            }
            char *t = realloc(text, cap);
            if (!t) {
                fclose(fp);
                free(text);
                snprintf(err, len, "%s: out of memory", file);
                return NULL;
            }
            text = t;
        }
        size_t got = fread(text + n, 1, 4096, fp);
        n += got;
        if (got < 4096)
            break;
    }
    fclose(fp);
    text[n] = 0;
    if (strlen(text) != n) {
        free(text);
        snprintf(err, len, "%s: $: scenario file contains a NUL byte (not JSON text)", file);
        return NULL;
    }
    char dir[SCN_PATH_LEN] = ".";
    const char *slash = strrchr(file, '/');
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - file), slash == file ? "/" : file);
    scenario *s = scenario_load_text_in(text, file, dir, sets, n_sets, err, len);
    free(text);
    return s;
}

scenario *scenario_validate(const char *file, const char *const *sets, int n_sets, char *errors,
                            size_t len, int *n_errors)
{
    scn_collect col = {.buf = errors, .len = len, .used = 0, .n = 0};
    errors[0] = 0;
    char err[SCN_ERR_LEN] = "";
    scn_col = &col;
    scenario *s = scenario_load(file, sets, n_sets, err, sizeof err);
    scn_col = NULL;
    if (!s && col.n == 0) /* an error outside the schema walk (unreadable file, syntax) */
        snprintf(errors, len, "%s\n", err);
    *n_errors = s ? 0 : col.n ? col.n : 1;
    return s;
}

void scenario_destroy(scenario *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->ngrid + s->nzip; i++)
        free(s->sweep_key[i]);
    cJSON_Delete(s->sweep);
    cJSON_Delete(s->base);
    free(s->text);
    free(s->source_text);
    free(s->sets);
    free(s->file);
    free(s->dir);
    free(s);
}

int64_t scenario_points(const scenario *s) { return s->points; }

/* /scenario_effective: the scenario after --set with every default that
 * applies written out (keys inert at some point, per _inert, stay out, so
 * the text loads again as the same scenario), and the sweep. */
static int scn_effective_text(scenario *s, const unsigned char *inert)
{
    cJSON *t = cJSON_Duplicate(s->base, 1);
    if (!t)
        return -ENOMEM;
    for (size_t k = 0; k < SCN_NKEYS; k++) {
        const kdef *d = &scn_keys[k];
        if (inert[k] || scn_get(t, d->key))
            continue;
        int swept = 0;
        for (int j = 0; j < s->ngrid + s->nzip; j++)
            swept |= !strcmp(s->sweep_key[j], d->key);
        if (swept)
            continue;
        cJSON *v = NULL;
        if (d->type == K_NUM || d->type == K_INT) {
            if (!isnan(d->def_num))
                v = cJSON_CreateNumber(d->def_num);
            else
                continue; /* no default: unset (channel.ebn0_db) */
        } else if (!strcmp(d->key, "name")) {
            const char *b = strrchr(s->file, '/');
            v = cJSON_CreateString(b ? b + 1 : s->file);
        } else {
            v = cJSON_CreateString(d->def_str);
        }
        if (!v || scn_put(t, d->key, v)) {
            cJSON_Delete(t);
            return -ENOMEM;
        }
    }
    if (s->sweep) {
        cJSON *sw = cJSON_Duplicate(s->sweep, 1);
        if (!sw) {
            cJSON_Delete(t);
            return -ENOMEM;
        }
        cJSON_AddItemToObject(t, "sweep", sw);
    }
    char *text = cJSON_Print(t);
    cJSON_Delete(t);
    if (!text)
        return -ENOMEM;
    free(s->text);
    s->text = text;
    return 0;
}

int scenario_key_doc(const char *key, const char **unit, const char **desc, int *is_int)
{
    const kdef *k = scn_key(key);
    if (!k)
        return -ENOENT;
    *unit = k->unit;
    *desc = k->desc;
    *is_int = k->type == K_INT;
    return 0;
}

/* A relative path in the scenario names a file beside the scenario file
 * (as every tool that reads config files does); absolute paths and text
 * scenarios (no folder) stay as given. 0 or -ENAMETOOLONG. */
static int scn_resolve(const scenario *s, char *path, size_t cap)
{
    if (!path[0] || path[0] == '/' || !s->dir[0] || !strcmp(s->dir, "."))
        return 0;
    char joined[2 * SCN_PATH_LEN + 2];
    snprintf(joined, sizeof joined, "%s/%s", s->dir, path);
    if (strlen(joined) >= cap)
        return -ENAMETOOLONG;
    memcpy(path, joined, strlen(joined) + 1);
    return 0;
}

int scenario_config(const scenario *s, int64_t i, fl_config *c, char *err, size_t len)
{
    if (i < 0 || i >= s->points) {
        scn_err(err, len, s->file, "point %lld out of range", (long long)i);
        return -EINVAL;
    }
    cJSON *t = scn_point_tree(s, i);
    if (!t) {
        scn_err(err, len, s->file, "out of memory");
        return -ENOMEM;
    }
    scn_fill(t, c);
    char at[64] = "";
    if (s->points > 1)
        snprintf(at, sizeof at, " (sweep point %lld)", (long long)i);
    int irc = scn_check_inert(t, c, s->file, at, err, len);
    cJSON_Delete(t);
    if (irc)
        return irc;
    if (scn_resolve(s, c->source.path, sizeof c->source.path) ||
        scn_resolve(s, c->metrics.projector, sizeof c->metrics.projector)) {
        scn_err(err, len, s->file, "$.source.path or $.metrics.projector: path longer than %d characters "
                "after joining the scenario's folder", SCN_PATH_LEN - 1);
        return -EINVAL;
    }
    if (!c->name[0]) {
        const char *b = strrchr(s->file, '/');
        snprintf(c->name, sizeof c->name, "%s", b ? b + 1 : s->file);
    }
    return scn_check_config(c, s->file, at, err, len);
}

int scenario_swept(const scenario *s) { return s->ngrid + s->nzip; }

const char *scenario_swept_key(const scenario *s, int k) { return s->sweep_key[k]; }

void scenario_swept_value(const scenario *s, int64_t i, int k, char *buf, size_t len, double *num)
{
    const cJSON *v = scn_point_value(s, i, k);
    if (cJSON_IsNumber(v)) {
        snprintf(buf, len, "%.17g", v->valuedouble);
        *num = v->valuedouble;
    } else if (cJSON_IsString(v)) {
        snprintf(buf, len, "%s", v->valuestring);
        *num = strcmp(v->valuestring, "inf") == 0 ? INFINITY : NAN;
    } else {
        snprintf(buf, len, "?");
        *num = NAN;
    }
}

const char *scenario_text(const scenario *s) { return s->text; }
const char *scenario_source_text(const scenario *s) { return s->source_text; }
const char *scenario_sets(const scenario *s) { return s->sets; }
