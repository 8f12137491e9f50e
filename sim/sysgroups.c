/* sysgroups: device groups into a sys_config (sysgroups.h). */
#include "sim/sysgroups.h"

#include "sim/groups.h"
#include "sim/syspoint.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *fl_sysgroups_column(int g, char *buf, size_t len)
{
    snprintf(buf, len, "group%d_measured_bits", g);
    return buf;
}

/* group _g's trace when it has trace arrivals; _c its config */
static int sysgroups_trace(const fl_config *c, int g, sys_group *p, trace *tr, char *err, size_t len)
{
    if (c->system.arrival != SYS_TRACE)
        return 0;
    char why[384] = "";
    int rc = fl_trace_load(c->system.trace_file, p->devices, tr, why, sizeof why);
    if (rc) {
        if (g < 0)
            snprintf(err, len, "$.system.trace_file: %s", why);
        else
            snprintf(err, len, "$.system.groups[%d].trace_file: %s", g, why);
        return rc == -ENOMEM ? rc : -EINVAL;
    }
    p->trace = tr;
    return 0;
}

int fl_sysgroups_fill(const fl_config *c, int64_t point, const row *r, sys_config *y, trace *tr, char *err,
                      size_t len)
{
    if (!c->ngroups)
        return sysgroups_trace(c, -1, &y->groups[0], &tr[0], err, len);
    for (int g = 0; g < c->ngroups && g < SYS_MAX_GROUPS; g++) {
        char name[ROW_NAME_LEN];
        const row_col *b = fl_row_find(r, fl_sysgroups_column(g, name, sizeof name));
        fl_config gc;
        fl_groups_config(c, g, &gc);
        sys_config one;
        uplink_cfg u;
        if (!b || fl_syspoint_config(&gc, point, b->value, &one, &u)) {
            snprintf(err, len, "system run: group %d has no valid frame size (%s)", g, name);
            return -EINVAL;
        }
        y->groups[g] = one.groups[0];
        int rc = sysgroups_trace(&gc, g, &y->groups[g], &tr[g], err, len);
        if (rc)
            return rc;
    }
    y->ngroups = c->ngroups;
    return 0;
}

void fl_sysgroups_free(trace *tr)
{
    for (int g = 0; g < SYS_MAX_GROUPS; g++)
        fl_trace_free(&tr[g]);
}
