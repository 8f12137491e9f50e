/* scenario: load a scenario file, apply --set, check every key and every
 * sweep point, and hand out the points' configs (scenario.h).
 *
 * The keys and their ranges are rows of the schema (schema.c), the sweep
 * block is read by sweep.c, the checks across keys and the inert-key rules
 * are keyrules.c. Loading parses the JSON once, refuses duplicate members
 * and dotted names inside objects, walks the tree against the schema while
 * filling a base config, then builds each point as the base config plus its
 * swept values: validating a sweep costs O(points x keys).
 */
#include "sim/scenario.h"

#include "sim/groups.h"
#include "sim/keyrules.h"
#include "sim/schema.h"
#include "sim/schema_array.h"
#include "sim/sweep.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scenario {
    char         *file;        /* label used in messages */
    char         *dir;         /* folder of the scenario file: relative paths
                                  inside it resolve against it ("" for text) */
    cJSON        *base;        /* effective tree (after --set), without "sweep" */
    cJSON        *sweep_tree;  /* the detached sweep object (NULL: none) */
    sweep         sw;          /* its lists, indexed */
    fl_config     base_cfg;    /* defaults + the base tree, paths resolved */
    unsigned char *given;      /* per schema row: in the base tree */
    int           first[KEYRULES_MAX]; /* fl_keyrules_prepare of base + swept keys */
    uint64_t      fired;       /* inert rules that hold at some point */
    char         *text;        /* /scenario_effective (validate: made when asked) */
    char         *source_text; /* the scenario as given, verbatim */
    char         *sets;        /* the --set overrides, one per line */
};

static int scn_oom(schema_report *r)
{
    snprintf(r->err, r->errlen, "%s: out of memory", r->file);
    return -ENOMEM;
}

/* ------------------------------------------------------------------ */
/* paths */

/* A relative path in the scenario names a file beside the scenario file (as
 * every tool that reads config files does); absolute paths and text
 * scenarios (no folder) stay as given. 0 or -EINVAL (message in _r). */
static int scn_resolve(const scenario *s, const schema_key *k, fl_config *c, int64_t point, schema_report *r)
{
    if (fl_schema_join_path(s->dir, (char *)c + k->off, k->size)) {
        char at[64] = "";
        if (point >= 0)
            snprintf(at, sizeof at, " (sweep point %lld)", (long long)point);
        return fl_schema_fail(r, "$.%s%s: path longer than %zu characters after joining the scenario's folder",
                           k->key, at, k->size - 1);
    }
    return 0;
}

static void scn_default_name(const scenario *s, fl_config *c)
{
    if (!c->name[0]) {
        const char *b = strrchr(s->file, '/');
        snprintf(c->name, sizeof c->name, "%s", b ? b + 1 : s->file);
    }
}

/* ------------------------------------------------------------------ */
/* the base tree */

/* Append member _name (".name", or ["name"] when it is not a plain word)
 * to the JSON path in _path. */
static void scn_path_member(char *path, size_t cap, const char *name)
{
    size_t n = strlen(path);
    int plain = name[0] != 0;
    for (const char *c = name; *c; c++)
        plain &= (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_';
    snprintf(path + n, cap - n, plain ? ".%.100s" : "[\"%.100s\"]", name);
}

/* A member such as "codec.f" inside an object: refused, since a lookup
 * walks nested objects and would never see it. */
static int scn_dotted(const char *prefix, const char *name, schema_report *r)
{
    char where[300] = "$";
    if (*prefix)
        scn_path_member(where, sizeof where, prefix);
    scn_path_member(where, sizeof where, name);
    const char *dot = strchr(name, '.');
    return fl_schema_fail(r, "%s: dotted name inside an object; nest it instead (\"%.*s\": {\"%.100s\": ...}); "
                       "dotted paths are for --set and sweep lists", where, (int)(dot - name), name, dot + 1);
}

/* Walk the base tree: every leaf must be a known key with a valid value,
 * stored into s->base_cfg and marked given; groups must be objects. */
static int scn_walk(scenario *s, const cJSON *obj, const char *prefix, schema_report *r)
{
    int bad = 0, rc = 0;
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (!*prefix && strcmp(c->string, "sweep") == 0)
            continue; /* read by sweep.c */
        char key[256], where[300];
        snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", c->string);
        snprintf(where, sizeof where, "$.%s", key);
        const schema_key *k = fl_schema_find(key);
        const schema_array *a = k ? NULL : fl_schema_array_of(key);
        if (strchr(c->string, '.')) {
            rc = scn_dotted(prefix, c->string, r);
        } else if (a && !strcmp(a->key, key)) {
            rc = fl_schema_array_read(a, c, where, s->dir, &s->base_cfg, r);
        } else if (k) {
            rc = fl_schema_check(k, c, where, r);
            if (!rc) {
                fl_schema_set(k, c, &s->base_cfg);
                s->given[fl_schema_index(k)] = 1;
            }
        } else if (!fl_schema_is_group(key)) {
            rc = fl_schema_unknown(r, where, key);
        } else if (!cJSON_IsObject(c)) {
            rc = fl_schema_fail(r, "%s: must be an object of %s.* keys", where, key);
        } else {
            rc = scn_walk(s, c, key, r);
        }
        if (fl_schema_go_on(r, rc, &bad))
            return rc;
    }
    return bad;
}

/* ------------------------------------------------------------------ */
/* duplicate members */

static int scn_name_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string, y->string);
}

/* The first member of object _o whose name an earlier member has, or NULL;
 * O(m log m) in the m members. */
static const cJSON *scn_duplicate(const cJSON *o, int *oom)
{
    int m = cJSON_GetArraySize(o);
    if (m < 2)
        return NULL;
    const cJSON **v = malloc(sizeof *v * (size_t)m);
    if (!v) {
        *oom = 1;
        return NULL;
    }
    int i = 0;
    for (const cJSON *c = o->child; c && i < m; c = c->next)
        v[i++] = c;
    qsort(v, (size_t)i, sizeof *v, scn_name_cmp);
    const cJSON *dup = NULL;
    for (int j = 1; j < i && !dup; j++)
        if (!strcmp(v[j - 1]->string, v[j]->string))
            dup = v[j];
    free(v);
    return dup;
}

/* Refuse duplicate members anywhere in the tree under _node (JSON path in
 * _path): cJSON would keep both and every lookup would see the first. */
static int scn_dups(const cJSON *node, char *path, size_t cap, schema_report *r)
{
    int bad = 0, oom = 0;
    if (cJSON_IsObject(node)) {
        const cJSON *d = scn_duplicate(node, &oom);
        if (oom)
            return scn_oom(r);
        size_t n = strlen(path);
        if (d)
            scn_path_member(path, cap, d->string);
        int rc = d ? fl_schema_fail(r, "%s: duplicate member (allowed: each key once in an object)", path) : 0;
        path[n] = 0;
        if (fl_schema_go_on(r, rc, &bad))
            return rc;
    }
    size_t n = strlen(path);
    int i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
            continue;
        if (cJSON_IsObject(node))
            scn_path_member(path, cap, c->string);
        else
            snprintf(path + n, cap - n, "[%d]", i);
        int rc = scn_dups(c, path, cap, r);
        path[n] = 0;
        if (rc == -ENOMEM || fl_schema_go_on(r, rc, &bad))
            return rc;
    }
    return bad;
}

/* ------------------------------------------------------------------ */
/* --set */

/* Set dotted _key to _val (takes ownership), creating groups on the way. */
static int scn_put(cJSON *root, const char *key, cJSON *val)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", key);
    cJSON *node = root;
    char *save = NULL;
    for (char *part = strtok_r(buf, ".", &save), *next; part; part = next) {
        next = strtok_r(NULL, ".", &save);
        if (!next) {
            if (cJSON_GetObjectItemCaseSensitive(node, part))
                cJSON_ReplaceItemInObjectCaseSensitive(node, part, val);
            else
                cJSON_AddItemToObject(node, part, val);
            return 0;
        }
        cJSON *child = cJSON_GetObjectItemCaseSensitive(node, part);
        if (child && !cJSON_IsObject(child)) {
            cJSON *obj = cJSON_CreateObject();
            if (obj)
                cJSON_ReplaceItemInObjectCaseSensitive(node, part, obj);
            child = obj;
        } else if (!child) {
            child = cJSON_AddObjectToObject(node, part);
        }
        if (!child)
            break;
        node = child;
    }
    cJSON_Delete(val);
    return -ENOMEM;
}

/* --set sweep.grid.KEY=[...] / sweep.zip.KEY=[...]: add or replace a list
 * (its values are checked when the sweep is read). */
static int scn_set_sweep(cJSON *root, const char *key, cJSON *val, const char *where, schema_report *r)
{
    int grid = key[6] == 'g';
    const char *sub = key + (grid ? 11 : 10);
    if (!fl_schema_find(sub) && !fl_schema_array_of(sub)) { /* array members: refused by sweep.c */
        cJSON_Delete(val);
        return fl_schema_unknown(r, where, sub);
    }
    cJSON *sw = cJSON_GetObjectItemCaseSensitive(root, "sweep");
    if (sw && !cJSON_IsObject(sw)) {
        cJSON_Delete(val);
        return fl_schema_fail(r, "$.sweep: must be an object with \"grid\" and/or \"zip\"");
    }
    if (!sw)
        sw = cJSON_AddObjectToObject(root, "sweep");
    cJSON *part = sw ? cJSON_GetObjectItemCaseSensitive(sw, grid ? "grid" : "zip") : NULL;
    if (sw && !part)
        part = cJSON_AddObjectToObject(sw, grid ? "grid" : "zip");
    if (!part) {
        cJSON_Delete(val);
        return scn_oom(r);
    }
    if (cJSON_GetObjectItemCaseSensitive(part, sub))
        cJSON_ReplaceItemInObjectCaseSensitive(part, sub, val);
    else
        cJSON_AddItemToObject(part, sub, val);
    return 0;
}

/* The node at dotted _key under _root, or NULL. */
static cJSON *scn_get(cJSON *root, const char *key)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", key);
    cJSON *node = root;
    for (char *part = strtok_r(buf, ".", &save); part && node; part = strtok_r(NULL, ".", &save))
        node = cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, part) : NULL;
    return node;
}

/* --set ARRAY=[...] (the whole array) or ARRAY[N].MEMBER=value: element N
 * of the scenario's array, or a new last one when N is its length. */
static int scn_set_array(cJSON *root, const schema_array *a, const char *key, cJSON *val, const char *where,
                         schema_report *r)
{
    if (!strcmp(key, a->key))
        return fl_schema_array_check(a, val, where, r) ? -EINVAL : scn_put(root, key, val) ? scn_oom(r) : 0;
    const char *rest = key + strlen(a->key);
    char *end = NULL;
    long n = rest[0] == '[' && rest[1] >= '0' && rest[1] <= '9' ? strtol(rest + 1, &end, 10) : -1;
    int used = end ? (int)(end - rest) + 1 : 0;
    if (n < 0 || n >= a->max || *end != ']' || rest[used] != '.' || !rest[used + 1])
        return fl_schema_fail(r, "%s: expected %s[N].MEMBER with N in [0, %d]", where, a->key, a->max - 1);
    int j = fl_schema_member_find(a, rest + used + 1);
    schema_key k;
    if (j < 0 || fl_schema_member(a, j, &k))
        return fl_schema_fail(r, "%s: unknown member \"%s\" of %s[] (see README: scenario keys)", where,
                              rest + used + 1, a->key);
    if (fl_schema_check(&k, val, where, r))
        return -EINVAL;
    cJSON *arr = scn_get(root, a->key);
    if (arr && !cJSON_IsArray(arr))
        return fl_schema_fail(r, "%s: the scenario's %s is not an array of objects", where, a->key);
    int len = arr ? cJSON_GetArraySize(arr) : 0;
    if (n > len)
        return fl_schema_fail(r, "%s: %s has %d elements (N = %d appends one)", where, a->key, len, len);
    if (!arr && scn_put(root, a->key, arr = cJSON_CreateArray()))
        return scn_oom(r);
    cJSON *e = n < len ? cJSON_GetArrayItem(arr, (int)n) : cJSON_CreateObject();
    if (n == len && (!e || !cJSON_AddItemToArray(arr, e))) {
        cJSON_Delete(e);
        return scn_oom(r);
    }
    if (!cJSON_IsObject(e))
        return fl_schema_fail(r, "%s: %s[%ld] must be an object", where, a->key, n);
    return scn_put(e, rest + used + 1, val) ? scn_oom(r) : 0;
}

static int scn_apply_set(cJSON *root, const char *set, schema_report *r)
{
    const char *eq = strchr(set, '=');
    if (!eq || eq == set)
        return fl_schema_fail(r, "--set %s: expected key=value", set);
    char key[256];
    size_t kl = (size_t)(eq - set);
    if (kl >= sizeof key)
        return fl_schema_fail(r, "--set %s: key too long", set);
    memcpy(key, set, kl);
    key[kl] = 0;
    cJSON *val = cJSON_ParseWithOpts(eq + 1, NULL, 1);
    if (!val)
        val = cJSON_CreateString(eq + 1); /* bare words are strings: modem.scheme=qpsk */
    if (!val)
        return scn_oom(r);
    char where[600];
    snprintf(where, sizeof where, "$.%s (from --set %.200s)", key, set);
    if (strncmp(key, "sweep.grid.", 11) == 0 || strncmp(key, "sweep.zip.", 10) == 0)
        return scn_set_sweep(root, key, val, where, r);
    const schema_key *k = fl_schema_find(key);
    const schema_array *a = k ? NULL : fl_schema_array_of(key);
    if (a) {
        int rc = scn_set_array(root, a, key, val, where, r);
        if (rc == -EINVAL)
            cJSON_Delete(val);
        return rc;
    }
    int rc = k ? fl_schema_check(k, val, where, r) : fl_schema_unknown(r, where, key);
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
    return scn_put(root, key, val) ? scn_oom(r) : 0;
}

/* ------------------------------------------------------------------ */
/* points */

/* Point _i's config: the base config with the swept values, then the
 * inert-key rules and the cross-key limits (files not looked at). The
 * groups past base_cfg.ngroups are not copied: _c must hold base_cfg's
 * (a copy of it made once; groups are not swept and a point changes only
 * the groups it has). */
static int scn_point(const scenario *s, int64_t i, fl_config *c, schema_report *r)
{
    int64_t at = s->sw.points > 1 ? i : -1;
    memcpy(c, &s->base_cfg, offsetof(fl_config, groups) + (size_t)s->base_cfg.ngroups * sizeof(scn_group));
    for (int k = 0; k < s->sw.nkeys; k++) {
        const schema_key *key = s->sw.key[k];
        fl_schema_set(key, fl_sweep_value(&s->sw, i, k), c);
        if ((key->flags & SCHEMA_PATH) && scn_resolve(s, key, c, at, r))
            return -EINVAL;
    }
    scn_default_name(s, c);
    fl_groups_resolve(c);
    int rc = fl_keyrules_inert(c, s->first, at, r);
    rc = rc ? rc : fl_keyrules_check(c, at, r);
    return rc ? rc : fl_groups_check(c, at, r);
}

/* Files are looked at once per value a path key takes (access() costs
 * microseconds, and a path may be swept): for the k-th path key, seen[k][0]
 * stands for its base value and seen[k][1 + j] for position j of its list;
 * 1 once found readable. */
typedef struct {
    unsigned char **seen;
    const schema_key **key;
    int *swept;            /* the key's index in the sweep, or -1 */
    int n;
} scn_file_memo;

static void scn_memo_free(scn_file_memo *m)
{
    for (int k = 0; m->seen && k < m->n; k++)
        free(m->seen[k]);
    free(m->seen);
    free(m->key);
    free(m->swept);
}

static int scn_memo_init(const scenario *s, scn_file_memo *m)
{
    size_t nk = (size_t)fl_schema_count();
    m->n = 0;
    m->seen = calloc(nk, sizeof *m->seen);
    m->key = calloc(nk, sizeof *m->key);
    m->swept = calloc(nk, sizeof *m->swept);
    if (!m->seen || !m->key || !m->swept)
        return -ENOMEM;
    for (int k = 0; k < fl_schema_count(); k++) {
        const schema_key *d = fl_schema_at(k);
        if (!(d->flags & SCHEMA_PATH))
            continue;
        int j = fl_sweep_find(&s->sw, d);
        m->key[m->n] = d;
        m->swept[m->n] = j;
        m->seen[m->n] = calloc(1 + (size_t)(j >= 0 ? s->sw.len[j] : 0), 1);
        if (!m->seen[m->n++])
            return -ENOMEM;
    }
    return 0;
}

/* fl_keyrules_file for every path key of point _i, each value checked once. */
static int scn_point_files(const scenario *s, scn_file_memo *m, int64_t i, const fl_config *c, schema_report *r)
{
    for (int k = 0; k < m->n; k++) {
        if (!fl_keyrules_file_needed(c, m->key[k]))
            continue;
        int j = m->swept[k];
        int64_t v = j < 0 ? 0 : 1 + fl_sweep_index(&s->sw, i, j);
        if (m->seen[k][v])
            continue;
        int rc = fl_keyrules_file(c, m->key[k], s->sw.points > 1 ? i : -1, r);
        if (rc)
            return rc;
        m->seen[k][v] = 1;
    }
    return fl_groups_files(c, s->sw.points > 1 ? i : -1, r);
}

/* Every point must make a valid config before any work starts; *_fired
 * collects the inert rules that hold at some valid point. */
static int scn_check_points(const scenario *s, schema_report *r, uint64_t *fired)
{
    scn_file_memo memo;
    if (scn_memo_init(s, &memo)) {
        scn_memo_free(&memo);
        return scn_oom(r);
    }
    fl_config c;
    memcpy(&c, &s->base_cfg, sizeof c); /* scn_point copies only the groups in use */
    int bad = 0, rc = 0;
    for (int64_t i = 0; i < s->sw.points; i++) {
        rc = scn_point(s, i, &c, r);
        if (!rc)
            rc = scn_point_files(s, &memo, i, &c, r);
        if (!rc)
            *fired |= fl_keyrules_fired(&c);
        if (fl_schema_go_on(r, rc, &bad) || (bad && r->n >= SCN_MAX_ERRORS))
            break;
    }
    scn_memo_free(&memo);
    return rc ? rc : bad;
}

/* /scenario_effective: the scenario after --set with every default that
 * applies written out (keys inert at some point stay out, so the text
 * loads again as the same scenario), and the sweep. */
static int scn_effective_text(scenario *s)
{
    unsigned char *inert = calloc((size_t)fl_schema_count(), 1);
    if (!inert)
        return -ENOMEM;
    fl_keyrules_mask(s->fired, inert);
    cJSON *t = cJSON_Duplicate(s->base, 1);
    if (!t) {
        free(inert);
        return -ENOMEM;
    }
    for (int k = 0; k < fl_schema_count(); k++) {
        const schema_key *d = fl_schema_at(k);
        if (inert[k] || s->given[k] || fl_sweep_find(&s->sw, d) >= 0 || (d->flags & SCHEMA_UNSET))
            continue;
        cJSON *v = fl_schema_default_json(d, s->file);
        if (!v || scn_put(t, d->key, v)) {
            free(inert);
            cJSON_Delete(t);
            return -ENOMEM;
        }
    }
    free(inert);
    cJSON *sw = s->sweep_tree ? cJSON_Duplicate(s->sweep_tree, 1) : NULL;
    if (s->sweep_tree && (!sw || !cJSON_AddItemToObject(t, "sweep", sw))) {
        cJSON_Delete(sw);
        cJSON_Delete(t);
        return -ENOMEM;
    }
    char *text = cJSON_Print(t);
    cJSON_Delete(t);
    if (!text)
        return -ENOMEM;
    free(s->text);
    s->text = text;
    return 0;
}

/* ------------------------------------------------------------------ */
/* load */

/* Parse _text: a JSON object, or NULL with the message in _r. */
static cJSON *scn_parse(const char *text, schema_report *r)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        int line = 1, col = 1;
        size_t off = end ? (size_t)(end - text) : 0;
        for (size_t i = 0; i < off && text[i]; i++) {
            col = text[i] == '\n' ? 1 : col + 1;
            line += text[i] == '\n';
        }
        fl_schema_fail(r, "$: JSON syntax error at line %d, column %d (near \"%.20s\")", line, col, end ? end : "");
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        fl_schema_fail(r, "$: must be a JSON object of scenario keys");
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* The text fields of _s: the verbatim source and the --set lines. */
static int scn_keep_text(scenario *s, const char *text, const char *const *sets, int n_sets)
{
    size_t sl = 1;
    for (int i = 0; i < n_sets; i++)
        sl += strlen(sets[i]) + 1;
    s->source_text = strdup(text);
    s->sets = calloc(sl, 1);
    if (!s->source_text || !s->sets)
        return -ENOMEM;
    for (int i = 0, n = 0; i < n_sets; i++)
        n += snprintf(s->sets + n, sl - (size_t)n, "%s\n", sets[i]);
    return 0;
}

/* Everything the points need from the checked tree _root (taken over). */
static int scn_prepare(scenario *s, cJSON *root, schema_report *r)
{
    s->base = root;
    s->sweep_tree = cJSON_DetachItemFromObjectCaseSensitive(root, "sweep");
    int rc = s->sweep_tree ? fl_sweep_read(&s->sw, s->sweep_tree, r) : 0;
    if (rc)
        return rc == -ENOMEM ? scn_oom(r) : rc;
    for (int k = 0; k < fl_schema_count(); k++)
        if ((fl_schema_at(k)->flags & SCHEMA_PATH) && scn_resolve(s, fl_schema_at(k), &s->base_cfg, -1, r))
            return -EINVAL;
    scn_default_name(s, &s->base_cfg);
    unsigned char *all = malloc((size_t)fl_schema_count());
    if (!all)
        return scn_oom(r);
    memcpy(all, s->given, (size_t)fl_schema_count());
    for (int k = 0; k < s->sw.nkeys; k++)
        all[fl_schema_index(s->sw.key[k])] = 1;
    fl_keyrules_prepare(all, s->first);
    free(all);
    return 0;
}

/* _want_text: make /scenario_effective now (validate does not need it). */
static scenario *scn_load_text(const char *text, const char *dir, const char *const *sets, int n_sets,
                               int want_text, schema_report *r)
{
    scenario *s = calloc(1, sizeof *s);
    if (!s || !(s->file = strdup(r->file)) || !(s->dir = strdup(dir)) ||
        !(s->given = calloc((size_t)fl_schema_count(), 1))) {
        scn_oom(r);
        fl_scenario_destroy(s);
        return NULL;
    }
    fl_sweep_none(&s->sw);
    fl_schema_defaults(&s->base_cfg);
    cJSON *root = scn_parse(text, r);
    if (!root) {
        fl_scenario_destroy(s);
        return NULL;
    }
    int bad = 0;
    char path[1024] = "$";
    int rc = fl_schema_go_on(r, scn_dups(root, path, sizeof path, r), &bad);
    for (int i = 0; !rc && i < n_sets; i++)
        rc = fl_schema_go_on(r, scn_apply_set(root, sets[i], r), &bad);
    if (!rc)
        rc = fl_schema_go_on(r, scn_walk(s, root, "", r), &bad);
    if (!rc && !bad && scn_keep_text(s, text, sets, n_sets))
        rc = scn_oom(r);
    if (rc || bad) {
        cJSON_Delete(root);
        fl_scenario_destroy(s);
        return NULL;
    }
    if ((rc = scn_prepare(s, root, r)) || (rc = scn_check_points(s, r, &s->fired)) ||
        (want_text && scn_effective_text(s))) {
        if (!rc)
            scn_oom(r);
        fl_scenario_destroy(s);
        return NULL;
    }
    return s;
}

scenario *fl_scenario_load_text(const char *text, const char *label, const char *const *sets, int n_sets,
                             char *err, size_t len)
{
    schema_report r = {.file = label, .err = err, .errlen = len};
    return scn_load_text(text, "", sets, n_sets, 1, &r);
}

/* Read file r->file whole (at most 64 MiB, no NUL byte): malloc'd text or
 * NULL with the message in _r. */
static char *scn_read_file(schema_report *r)
{
    FILE *fp = fopen(r->file, "rb");
    if (!fp) {
        snprintf(r->err, r->errlen, "%s: cannot open scenario file: %s", r->file, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t n = 0, cap = 0, got = 4096;
    while (got == 4096) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *t = cap > (64u << 20) ? NULL : realloc(text, cap);
            if (!t) {
                snprintf(r->err, r->errlen, cap > (64u << 20) ? "%s: scenario file larger than 64 MiB"
                                                              : "%s: out of memory", r->file);
                fclose(fp);
                free(text);
                return NULL;
            }
            text = t;
        }
        got = fread(text + n, 1, 4096, fp);
        n += got;
    }
    fclose(fp);
    text[n] = 0;
    if (strlen(text) != n) {
        free(text);
        snprintf(r->err, r->errlen, "%s: $: scenario file contains a NUL byte (not JSON text)", r->file);
        return NULL;
    }
    return text;
}

static scenario *scn_load_file(const char *const *sets, int n_sets, int want_text, schema_report *r)
{
    char *text = scn_read_file(r);
    if (!text)
        return NULL;
    char dir[SCN_PATH_LEN] = ".";
    const char *slash = strrchr(r->file, '/');
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - r->file), slash == r->file ? "/" : r->file);
    scenario *s = scn_load_text(text, dir, sets, n_sets, want_text, r);
    free(text);
    return s;
}

scenario *fl_scenario_load(const char *file, const char *const *sets, int n_sets, char *err, size_t len)
{
    schema_report r = {.file = file, .err = err, .errlen = len};
    return scn_load_file(sets, n_sets, 1, &r);
}

scenario *fl_scenario_validate(const char *file, const char *const *sets, int n_sets, char *errors, size_t len,
                            int *n_errors)
{
    char err[SCN_ERR_LEN] = "";
    errors[0] = 0;
    schema_report r = {.file = file, .err = err, .errlen = sizeof err, .list = errors, .listlen = len};
    scenario *s = scn_load_file(sets, n_sets, 0, &r);
    if (!s && r.n == 0) /* an error outside the checks (unreadable file, out of memory) */
        snprintf(errors, len, "%s\n", err);
    *n_errors = s ? 0 : r.n ? r.n : 1;
    return s;
}

void fl_scenario_destroy(scenario *s)
{
    if (!s)
        return;
    fl_sweep_free(&s->sw);
    cJSON_Delete(s->sweep_tree);
    cJSON_Delete(s->base);
    free(s->given);
    free(s->text);
    free(s->source_text);
    free(s->sets);
    free(s->file);
    free(s->dir);
    free(s);
}

int fl_scenario_config(const scenario *s, int64_t i, fl_config *c, char *err, size_t len)
{
    schema_report r = {.file = s->file, .err = err, .errlen = len};
    if (i < 0 || i >= s->sw.points)
        return fl_schema_fail(&r, "point %lld out of range", (long long)i);
    memcpy(c, &s->base_cfg, sizeof *c);
    int rc = scn_point(s, i, c, &r);
    rc = rc ? rc : fl_keyrules_files(c, s->sw.points > 1 ? i : -1, &r);
    return rc ? rc : fl_groups_files(c, s->sw.points > 1 ? i : -1, &r);
}

int fl_scenario_key_doc(const char *key, const char **unit, const char **desc, int *is_int)
{
    const schema_key *k = fl_schema_find(key);
    if (!k)
        return -ENOENT;
    *unit = k->unit;
    *desc = k->desc;
    *is_int = k->type == SCHEMA_INT;
    return 0;
}

int64_t fl_scenario_points(const scenario *s) { return s->sw.points; }
int fl_scenario_swept(const scenario *s) { return s->sw.nkeys; }
const char *fl_scenario_swept_key(const scenario *s, int k) { return s->sw.key[k]->key; }

void fl_scenario_swept_value(const scenario *s, int64_t i, int k, char *buf, size_t len, double *num)
{
    const cJSON *v = fl_sweep_value(&s->sw, i, k);
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

const char *fl_scenario_text(const scenario *s)
{
    if (!s->text)
        scn_effective_text((scenario *)s); /* after fl_scenario_validate; NULL on ENOMEM */
    return s->text;
}
const char *fl_scenario_source_text(const scenario *s) { return s->source_text; }
const char *fl_scenario_sets(const scenario *s) { return s->sets; }
