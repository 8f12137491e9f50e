/* schema_array: arrays of objects read against their member rows
 * (schema_array.h). */
#include "sim/schema_array.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int fl_schema_join_path(const char *dir, char *path, size_t cap)
{
    if (!path[0] || path[0] == '/' || !dir[0] || !strcmp(dir, "."))
        return 0;
    char joined[2 * SCN_PATH_LEN + 2];
    snprintf(joined, sizeof joined, "%s/%s", dir, path);
    if (strlen(joined) >= cap)
        return -ENAMETOOLONG;
    memcpy(path, joined, strlen(joined) + 1);
    return 0;
}

static char *array_elem(const schema_array *a, fl_config *c, int i)
{
    return (char *)c + a->off + (size_t)i * a->elem_size;
}

int fl_schema_array_count(const schema_array *a, const fl_config *c)
{
    int n;
    memcpy(&n, (const char *)c + a->count_off, sizeof n);
    return n;
}

int fl_schema_array_check(const schema_array *a, const cJSON *v, const char *where, schema_report *r)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 || cJSON_GetArraySize(v) > a->max)
        return cJSON_IsArray(v) ? fl_schema_fail(r, "%s: must be an array of 1 to %d objects (%s[]), got %d", where,
                                                 a->max, a->key, cJSON_GetArraySize(v))
                                : fl_schema_fail(r, "%s: must be an array of 1 to %d objects (%s[]), got no array",
                                                 where, a->max, a->key);
    return 0;
}

/* The members named with prefix _pre in object _o: element _e of _a, its
 * JSON path _where. */
typedef struct {
    const schema_array *a;
    char       *elem;
    const char *dir;
    schema_report *r;
} array_ctx;

static int array_unknown(const array_ctx *x, const char *where, const char *name)
{
    char list[1024];
    size_t n = 0, skip = strlen(x->a->key) + 3;
    list[0] = 0;
    for (int j = 0; j < x->a->nmembers && n + 64 < sizeof list; j++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", j ? ", " : "", x->a->members[j].key + skip);
    return fl_schema_fail(x->r, "%s: unknown member \"%s\" of %s[] (allowed: %s)", where, name, x->a->key, list);
}

static int array_member(const array_ctx *x, int j, const cJSON *v, const char *where)
{
    schema_key k;
    if (fl_schema_member(x->a, j, &k))
        return fl_schema_fail(x->r, "%s: member without a row (a featlink bug)", where);
    int rc = fl_schema_check(&k, v, where, x->r);
    if (rc)
        return rc;
    fl_schema_store(&k, v, x->elem + k.off);
    if ((k.flags & SCHEMA_PATH) && fl_schema_join_path(x->dir, x->elem + k.off, k.size))
        return fl_schema_fail(x->r, "%s: path longer than %zu characters after joining the scenario's folder", where,
                              k.size - 1);
    uint64_t given;
    memcpy(&given, x->elem + x->a->given_off, sizeof given);
    given |= UINT64_C(1) << j;
    memcpy(x->elem + x->a->given_off, &given, sizeof given);
    return 0;
}

static int array_object(const array_ctx *x, const cJSON *o, const char *pre, const char *at)
{
    int bad = 0;
    for (const cJSON *c = o->child; c; c = c->next) {
        char name[256], where[400];
        snprintf(name, sizeof name, "%s%s%s", pre, *pre ? "." : "", c->string);
        snprintf(where, sizeof where, "%s.%s", at, c->string);
        int j = fl_schema_member_find(x->a, name), rc;
        if (strchr(c->string, '.'))
            rc = fl_schema_fail(x->r, "%s: dotted name inside an object; nest it instead", where);
        else if (j >= 0)
            rc = array_member(x, j, c, where);
        else if (!fl_schema_member_is_group(x->a, name))
            rc = array_unknown(x, where, name);
        else if (!cJSON_IsObject(c))
            rc = fl_schema_fail(x->r, "%s: must be an object of %s.* members", where, name);
        else
            rc = array_object(x, c, name, where);
        if (fl_schema_go_on(x->r, rc, &bad))
            return rc;
    }
    return bad;
}

int fl_schema_array_read(const schema_array *a, const cJSON *v, const char *where, const char *dir, fl_config *c,
                         schema_report *r)
{
    int rc = fl_schema_array_check(a, v, where, r), bad = 0, i = 0;
    if (rc)
        return rc;
    for (const cJSON *e = v->child; e; e = e->next, i++) {
        char at[320];
        snprintf(at, sizeof at, "%s[%d]", where, i);
        array_ctx x = {a, array_elem(a, c, i), dir, r};
        memset(x.elem, 0, a->elem_size);
        rc = cJSON_IsObject(e) ? array_object(&x, e, "", at)
                               : fl_schema_fail(r, "%s: must be an object of %s[] members", at, a->key);
        if (fl_schema_go_on(r, rc, &bad))
            return rc;
    }
    memcpy((char *)c + a->count_off, &i, sizeof i);
    return bad;
}

void fl_schema_array_resolve(const schema_array *a, fl_config *c)
{
    int n = fl_schema_array_count(a, c);
    for (int i = 0; i < n; i++) {
        char *e = array_elem(a, c, i);
        uint64_t given;
        memcpy(&given, e + a->given_off, sizeof given);
        for (int j = 0; j < a->nmembers; j++) {
            const schema_key *f = fl_schema_find(a->members[j].fallback);
            if (!(given >> j & 1) && f)
                memcpy(e + a->members[j].off, (const char *)c + f->off, a->members[j].size);
        }
    }
}

void fl_schema_array_config(const schema_array *a, const fl_config *c, int i, fl_config *ec)
{
    memcpy(ec, c, sizeof *ec);
    const char *e = array_elem(a, ec, i);
    for (int j = 0; j < a->nmembers; j++) {
        const schema_key *f = fl_schema_find(a->members[j].fallback);
        if (f)
            memcpy((char *)ec + f->off, e + a->members[j].off, a->members[j].size);
    }
    int zero = 0;
    memcpy((char *)ec + a->count_off, &zero, sizeof zero);
}
