/* trials: mean and standard error over a point's frames (trials.h). */
#include "sim/trials.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void fl_trials_reset(trials_acc *a) { a->ncols = 0; }

static trials_col *trials_find(const trials_acc *a, const char *name)
{
    for (int i = 0; i < a->ncols; i++)
        if (strcmp(a->col[i].name, name) == 0)
            return (trials_col *)&a->col[i];
    return NULL;
}

int fl_trials_put(trials_acc *a, const char *name, double x, const char *unit)
{
    trials_col *c = trials_find(a, name);
    if (!c) {
        if (a->ncols >= TRIALS_MAX_COLS)
            return -ENOSPC;
        c = &a->col[a->ncols++];
        *c = (trials_col){.name = name, .unit = unit ? unit : ""};
    }
    c->n++;
    c->sum += x;
    double d = x - c->mean;
    c->mean += d / (double)c->n;
    c->m2 += d * (x - c->mean);
    return 0;
}

/* s / √n with s² = m2 / (n - 1); NaN for one frame */
static double trials_sem(const trials_col *c)
{
    if (c->n < 2)
        return NAN;
    double n = (double)c->n, var = c->m2 / (n - 1.0);
    return sqrt(var < 0.0 ? 0.0 : var / n); /* NaN stays NaN */
}

int fl_trials_finish(const trials_acc *a, row *r)
{
    for (int i = 0; i < a->ncols; i++) {
        const trials_col *c = &a->col[i];
        int rc = fl_row_set(r, c->name, c->sum / (double)c->n, c->unit);
        if (rc)
            return rc;
    }
    for (int i = 0; i < a->ncols; i++) {
        const trials_col *c = &a->col[i];
        char sem[128];
        snprintf(sem, sizeof sem, "%s%s", c->name, TRIALS_SEM_SUFFIX);
        int rc = fl_row_set(r, sem, trials_sem(c), c->unit);
        if (rc)
            return rc;
    }
    return 0;
}

double fl_trials_mean(const trials_acc *a, const char *name)
{
    const trials_col *c = trials_find(a, name);
    return c && c->n ? c->sum / (double)c->n : NAN;
}
