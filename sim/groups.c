/* groups: device groups as configs, and their checks (groups.h). */
#include "sim/groups.h"

#include "sim/keyrules.h"
#include "sim/schema_array.h"
#include "sim/system.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const schema_array *fl_groups_array(void) { return fl_schema_array_of("system.groups"); }

void fl_groups_resolve(fl_config *c)
{
    if (c->ngroups)
        fl_schema_array_resolve(fl_groups_array(), c);
}

void fl_groups_config(const fl_config *c, int g, fl_config *gc)
{
    fl_schema_array_config(fl_groups_array(), c, g, gc);
}

/* Message _e (from a check of group _g's config, "FILE: $.KEY...") again,
 * with $.KEY as the group member's path when KEY falls back to a member. */
static int groups_fail(schema_report *r, int g, const char *e)
{
    const schema_array *a = fl_groups_array();
    const char *body = e + strlen(r->file) + 2, *p = strstr(body, "$.");
    if (strncmp(e, r->file, strlen(r->file)) || !p)
        return fl_schema_fail(r, "%s (in %s[%d])", e, a->key, g);
    size_t n = strcspn(p + 2, " :(");
    for (int j = 0; j < a->nmembers; j++) {
        const schema_member *m = &a->members[j];
        if (strlen(m->fallback) == n && !strncmp(p + 2, m->fallback, n))
            return fl_schema_fail(r, "%.*s$.%s[%d].%s%s", (int)(p - body), body, a->key, g,
                                  m->key + strlen(a->key) + 3, p + 2 + n);
    }
    return fl_schema_fail(r, "%s (in %s[%d])", body, a->key, g);
}

/* the inert-key rules for the members group _g gives, on its config _gc */
static int groups_inert(const fl_config *c, int g, const fl_config *gc, int64_t point, schema_report *q)
{
    const schema_array *a = fl_groups_array();
    unsigned char given[512] = {0};
    int first[KEYRULES_MAX];
    if (fl_schema_count() > (int)sizeof given)
        return 0;
    for (int j = 0; j < a->nmembers; j++) {
        const schema_key *f = fl_schema_find(a->members[j].fallback);
        if (f && (c->groups[g].given >> j & 1))
            given[fl_schema_index(f)] = 1;
    }
    fl_keyrules_prepare(given, first);
    return fl_keyrules_inert(gc, first, point, q);
}

/* limits over all groups together */
static int groups_totals(const fl_config *c, const char *at, schema_report *r)
{
    double devices = 0, frames = 0;
    for (int g = 0; g < c->ngroups; g++) {
        const scn_group *p = &c->groups[g];
        devices += (double)p->devices;
        frames += (double)p->devices * p->frame_rate_hz * c->system.duration_s;
    }
    if (c->system.find != SYS_FIND_NONE)
        return fl_schema_fail(r, "$.system.find%s: must be \"none\" with system.groups (the capacity search varies "
                              "the devices of one group)", at);
    if (devices > SYS_MAX_DEVICES)
        return fl_schema_fail(r, "$.system.groups%s: at most %u devices over all groups, got %.0f", at,
                              SYS_MAX_DEVICES, devices);
    if (frames > 1e9)
        return fl_schema_fail(r, "$.system.duration_s%s: devices x frame rate x duration summed over the groups "
                              "must be at most 1e9 frames, got %.3g", at, frames);
    return 0;
}

int fl_groups_check(const fl_config *c, int64_t point, schema_report *r)
{
    char at[64] = "";
    if (point >= 0)
        snprintf(at, sizeof at, " (sweep point %lld)", (long long)point);
    for (int g = 0; g < c->ngroups; g++) {
        fl_config gc;
        fl_groups_config(c, g, &gc);
        if (gc.system.devices < 1)
            return fl_schema_fail(r, "$.system.groups[%d].devices%s: must be in [1, %u], got %lld (not given: "
                                  "system.devices applies)", g, at, SYS_MAX_DEVICES, (long long)gc.system.devices);
        char e[SCN_ERR_LEN];
        schema_report q = {.file = r->file, .err = e, .errlen = sizeof e};
        int rc = groups_inert(c, g, &gc, point, &q);
        if (!rc)
            rc = fl_keyrules_check(&gc, point, &q);
        if (rc)
            return groups_fail(r, g, e);
    }
    return c->ngroups ? groups_totals(c, at, r) : 0;
}

int fl_groups_files(const fl_config *c, int64_t point, schema_report *r)
{
    if (!c->ngroups)
        return 0;
    const schema_key *k = fl_schema_find("system.trace_file");
    for (int g = 0; k && g < c->ngroups; g++) {
        fl_config gc;
        fl_groups_config(c, g, &gc);
        char e[SCN_ERR_LEN];
        schema_report q = {.file = r->file, .err = e, .errlen = sizeof e};
        if (fl_keyrules_file(&gc, k, point, &q))
            return groups_fail(r, g, e);
    }
    return 0;
}
