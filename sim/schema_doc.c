/* schema_doc: the key table printed for people (the README's scenario key
 * table, `featlink keys --format md`) and for programs (--format json). */
#include "sim/schema.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {"number", "integer", "choice", "string"};

/* A number as people write it: %g when that reads back exactly, with the
 * exponent compact (1e6, 1e-12), else every digit needed. */
static void doc_num(double x, char *buf, size_t len)
{
    snprintf(buf, len, "%g", x);
    if (strtod(buf, NULL) != x)
        snprintf(buf, len, "%.17g", x);
    char *e = strchr(buf, 'e');
    if (!e)
        return;
    char *d = e + 1, *s = d;
    if (*s == '+')
        s++;
    else if (*s == '-')
        *d++ = *s++;
    while (*s == '0' && s[1])
        s++;
    memmove(d, s, strlen(s) + 1);
}

static void doc_range(const schema_key *k, char *buf, size_t len)
{
    char lo[32], hi[32];
    switch (k->type) {
    case SCHEMA_NUM:
    case SCHEMA_INT:
        doc_num(k->lo, lo, sizeof lo);
        doc_num(k->hi, hi, sizeof hi);
        snprintf(buf, len, "[%s, %s]%s", lo, hi, k->flags & SCHEMA_INF ? " or \"inf\"" : "");
        break;
    case SCHEMA_ENUM: {
        size_t n = 0;
        for (const char *c = k->choices; *c && n + 3 < len; c++) {
            if (*c == '|') {
                buf[n++] = ',';
                buf[n++] = ' ';
            } else {
                buf[n++] = *c;
            }
        }
        buf[n] = 0;
        break;
    }
    case SCHEMA_STR:
        snprintf(buf, len, "up to %zu characters", k->size - 1);
        break;
    }
}

static void doc_default(const schema_key *k, char *buf, size_t len)
{
    if (k->fallback)
        snprintf(buf, len, "`%s`", k->fallback);
    else if (k->flags & SCHEMA_UNSET)
        snprintf(buf, len, "unset");
    else if (k->flags & SCHEMA_FILE_NAME)
        snprintf(buf, len, "scenario file name");
    else if (k->type == SCHEMA_NUM || k->type == SCHEMA_INT)
        doc_num(k->def_num, buf, len);
    else if (!k->def_str[0])
        snprintf(buf, len, "\"\"");
    else
        snprintf(buf, len, "%s", k->def_str);
}

static void doc_md_row(FILE *out, const schema_key *k)
{
    char range[256], def[64];
    doc_range(k, range, sizeof range);
    doc_default(k, def, sizeof def);
    fprintf(out, "| `%s` | %s | %s | %s | %s | ", k->key, type_names[k->type], range, def, k->unit);
    for (const char *c = k->desc; *c; c++)
        fputs(*c == '|' ? "\\|" : (char[2]){*c, 0}, out);
    fprintf(out, " |\n");
}

/* The array of objects whose rows follow row _i (the last row of the
 * array's first dotted part: system.groups after the last system.* row),
 * or NULL. */
static const schema_array *doc_array_after(int i)
{
    const char *key = fl_schema_at(i)->key, *next = i + 1 < fl_schema_count() ? fl_schema_at(i + 1)->key : "";
    for (int a = 0; a < fl_schema_arrays(); a++) {
        const char *ak = fl_schema_array_at(a)->key;
        size_t n = strcspn(ak, ".") + 1;
        if (!strncmp(key, ak, n) && strncmp(next, ak, n))
            return fl_schema_array_at(a);
    }
    return NULL;
}

static int doc_md(FILE *out)
{
    fprintf(out, "| key | type | range or choices | default | unit | description |\n");
    fprintf(out, "|---|---|---|---|---|---|\n");
    for (int i = 0; i < fl_schema_count(); i++) {
        doc_md_row(out, fl_schema_at(i));
        const schema_array *a = doc_array_after(i);
        if (!a)
            continue;
        fprintf(out, "| `%s` | array | 1 to %d objects | none | | %s |\n", a->key, a->max, a->desc);
        for (int j = 0; j < a->nmembers; j++) {
            schema_key k;
            if (!fl_schema_member(a, j, &k))
                doc_md_row(out, &k);
        }
    }
    return 0;
}

/* One row as a JSON object; NULL on ENOMEM. */
static cJSON *doc_json_row(const schema_key *k)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    int ok = cJSON_AddStringToObject(o, "key", k->key) && cJSON_AddStringToObject(o, "type", type_names[k->type]);
    if (k->type == SCHEMA_NUM || k->type == SCHEMA_INT) {
        ok = ok && cJSON_AddNumberToObject(o, "min", k->lo) && cJSON_AddNumberToObject(o, "max", k->hi);
        ok = ok && cJSON_AddBoolToObject(o, "inf_allowed", (k->flags & SCHEMA_INF) != 0);
    } else if (k->type == SCHEMA_ENUM) {
        cJSON *ch = cJSON_AddArrayToObject(o, "choices");
        ok = ok && ch;
        for (const char *c = k->choices; ok && *c;) {
            const char *bar = strchr(c, '|');
            size_t n = bar ? (size_t)(bar - c) : strlen(c);
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)n, c);
            cJSON *s = cJSON_CreateString(name);
            ok = s && cJSON_AddItemToArray(ch, s);
            c += n + (bar != NULL);
        }
    } else {
        ok = ok && cJSON_AddNumberToObject(o, "max_length", (double)(k->size - 1));
    }
    if (k->fallback)
        ok = ok && cJSON_AddStringToObject(o, "fallback", k->fallback);
    cJSON *def = k->flags & SCHEMA_FILE_NAME || k->fallback ? NULL : fl_schema_default_json(k, "");
    if (def)
        ok = ok && cJSON_AddItemToObject(o, "default", def);
    else
        ok = ok && cJSON_AddNullToObject(o, "default");
    ok = ok && cJSON_AddBoolToObject(o, "path", (k->flags & SCHEMA_PATH) != 0);
    ok = ok && cJSON_AddStringToObject(o, "unit", k->unit) && cJSON_AddStringToObject(o, "description", k->desc);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Array _a as an object: key, type "array", max_items, description; NULL on ENOMEM */
static cJSON *doc_json_array(const schema_array *a)
{
    cJSON *o = cJSON_CreateObject();
    if (o && cJSON_AddStringToObject(o, "key", a->key) && cJSON_AddStringToObject(o, "type", "array") &&
        cJSON_AddNumberToObject(o, "max_items", a->max) && cJSON_AddStringToObject(o, "description", a->desc))
        return o;
    cJSON_Delete(o);
    return NULL;
}

/* Append _o to _a; on failure both are deleted and NULL returned */
static cJSON *doc_json_add(cJSON *a, cJSON *o)
{
    if (o && cJSON_AddItemToArray(a, o))
        return a;
    cJSON_Delete(o);
    cJSON_Delete(a);
    return NULL;
}

static int doc_json(FILE *out)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < fl_schema_count(); i++) {
        a = doc_json_add(a, doc_json_row(fl_schema_at(i)));
        const schema_array *arr = a ? doc_array_after(i) : NULL;
        if (arr)
            a = doc_json_add(a, doc_json_array(arr));
        for (int j = 0; a && arr && j < arr->nmembers; j++) {
            schema_key k;
            if (!fl_schema_member(arr, j, &k))
                a = doc_json_add(a, doc_json_row(&k));
        }
    }
    char *text = a ? cJSON_Print(a) : NULL;
    cJSON_Delete(a);
    if (!text)
        return -ENOMEM;
    fprintf(out, "%s\n", text);
    free(text);
    return 0;
}

int fl_schema_print(FILE *out, schema_doc_format fmt)
{
    return fmt == SCHEMA_DOC_JSON ? doc_json(out) : doc_md(out);
}
