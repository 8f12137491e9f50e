/* row: named result columns of one sweep point (see row.h). */
#include "sim/row.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void row_reset(row *r) { r->n = 0; }

static row_col *row_slot(row *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->col[i].name, name) == 0)
            return &r->col[i];
    if (r->n >= ROW_MAX_COLS)
        return NULL;
    row_col *c = &r->col[r->n++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    return c;
}

int row_set(row *r, const char *name, double value, const char *unit)
{
    row_col *c = row_slot(r, name);
    if (!c)
        return -ENOSPC;
    c->is_str = 0;
    c->value = value;
    snprintf(c->unit, sizeof c->unit, "%s", unit ? unit : "");
    return 0;
}

int row_add(row *r, const char *name, double value, const char *unit)
{
    const row_col *old = row_find(r, name);
    return row_set(r, name, (old && !old->is_str ? old->value : 0.0) + value, unit);
}

int row_set_str(row *r, const char *name, const char *value)
{
    row_col *c = row_slot(r, name);
    if (!c)
        return -ENOSPC;
    c->is_str = 1;
    snprintf(c->str, sizeof c->str, "%s", value);
    return 0;
}

const row_col *row_find(const row *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->col[i].name, name) == 0)
            return &r->col[i];
    return NULL;
}
