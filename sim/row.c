/* row: named result columns of one sweep point (see row.h). */
#include "sim/row.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void fl_row_reset(row *r) { r->n = 0; }

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

int fl_row_set(row *r, const char *name, double value, const char *unit)
{
    row_col *c = row_slot(r, name);
    if (!c)
        return -ENOSPC;
    c->is_str = 0;
    c->value = value;
    snprintf(c->unit, sizeof c->unit, "%s", unit ? unit : "");
    return 0;
}

int fl_row_set_all(row *r, const row_val *v, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        rc = fl_row_set(r, v[i].name, v[i].value, v[i].unit);
    return rc;
}

int fl_row_add(row *r, const char *name, double value, const char *unit)
{
    const row_col *old = fl_row_find(r, name);
    return fl_row_set(r, name, (old && !old->is_str ? old->value : 0.0) + value, unit);
}

int fl_row_set_str(row *r, const char *name, const char *value)
{
    row_col *c = row_slot(r, name);
    if (!c)
        return -ENOSPC;
    c->is_str = 1;
    snprintf(c->str, sizeof c->str, "%s", value);
    return 0;
}

const row_col *fl_row_find(const row *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->col[i].name, name) == 0)
            return &r->col[i];
    return NULL;
}

/* ---- packed form (row.h) ---- */

static int pack_text(unsigned char *buf, size_t cap, size_t *at, const char *s, size_t max)
{
    size_t n = strnlen(s, max - 1);
    if (*at + 1 + n > cap)
        return -ENOSPC;
    buf[(*at)++] = (unsigned char)n;
    memcpy(buf + *at, s, n);
    *at += n;
    return 0;
}

int fl_row_pack(const row *r, unsigned char *buf, size_t cap)
{
    size_t at = 2;
    if (cap < 2 || r->n < 0 || r->n > ROW_MAX_COLS)
        return -ENOSPC;
    buf[0] = (unsigned char)(r->n & 0xff), buf[1] = (unsigned char)(r->n >> 8);
    for (int k = 0; k < r->n; k++) {
        const row_col *c = &r->col[k];
        if (at + 1 > cap)
            return -ENOSPC;
        buf[at++] = c->is_str ? 1 : 0;
        if (pack_text(buf, cap, &at, c->name, ROW_NAME_LEN) || pack_text(buf, cap, &at, c->unit, ROW_UNIT_LEN))
            return -ENOSPC;
        if (c->is_str) {
            if (pack_text(buf, cap, &at, c->str, ROW_STR_LEN))
                return -ENOSPC;
            continue;
        }
        uint64_t u;
        memcpy(&u, &c->value, 8);
        if (at + 8 > cap)
            return -ENOSPC;
        for (int b = 0; b < 8; b++)
            buf[at++] = (unsigned char)(u >> (8 * b));
    }
    return (int)at;
}

/* A text of at most _max - 1 bytes into _dst (NUL-terminated). */
static int unpack_text(const unsigned char *buf, size_t n, size_t *at, char *dst, size_t max)
{
    if (*at + 1 > n || buf[*at] >= max || *at + 1 + buf[*at] > n)
        return -EBADMSG;
    size_t len = buf[(*at)++];
    memcpy(dst, buf + *at, len);
    dst[len] = 0;
    *at += len;
    return memchr(dst, 0, len) ? -EBADMSG : 0;
}

int fl_row_unpack(row *r, const unsigned char *buf, size_t n)
{
    fl_row_reset(r);
    if (n < 2)
        return -EBADMSG;
    int cols = buf[0] | buf[1] << 8;
    size_t at = 2;
    if (cols > ROW_MAX_COLS)
        return -EBADMSG;
    for (int k = 0; k < cols; k++) {
        row_col c;
        memset(&c, 0, sizeof c);
        if (at + 1 > n || buf[at] > 1)
            return -EBADMSG;
        c.is_str = buf[at++];
        if (unpack_text(buf, n, &at, c.name, ROW_NAME_LEN) || unpack_text(buf, n, &at, c.unit, ROW_UNIT_LEN) ||
            !c.name[0] || fl_row_find(r, c.name))
            return -EBADMSG;
        if (c.is_str) {
            if (unpack_text(buf, n, &at, c.str, ROW_STR_LEN))
                return -EBADMSG;
        } else {
            if (at + 8 > n)
                return -EBADMSG;
            uint64_t u = 0;
            for (int b = 0; b < 8; b++)
                u |= (uint64_t)buf[at++] << (8 * b);
            memcpy(&c.value, &u, 8);
        }
        r->col[r->n++] = c;
    }
    return at == n ? 0 : -EBADMSG;
}
