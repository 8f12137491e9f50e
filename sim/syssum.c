/* syssum: see syssum.h. */
#include "sim/syssum.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void fl_syssum_init(syssum_acc *a, double warmup_s)
{
    memset(a, 0, sizeof *a);
    a->warmup_s = warmup_s;
}

void fl_syssum_free(syssum_acc *a)
{
    double **cols[] = {&a->lat, &a->dev, &a->upw, &a->tx, &a->srvw, &a->srv, &a->miss, &a->energy};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        free(*cols[i]);
        *cols[i] = NULL;
    }
    a->n = a->cap = 0;
}

static int grow(syssum_acc *a)
{
    size_t cap = a->cap ? 2 * a->cap : 4096;
    double **cols[] = {&a->lat, &a->dev, &a->upw, &a->tx, &a->srvw, &a->srv, &a->miss, &a->energy};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        double *p = realloc(*cols[i], cap * sizeof *p);
        if (!p) return -ENOMEM;
        *cols[i] = p;
    }
    a->cap = cap;
    return 0;
}

int fl_syssum_add(void *acc, const sys_frame *f)
{
    syssum_acc *a = acc;
    if (f->arrival_s < a->warmup_s) return 0;
    if (a->n == a->cap && grow(a)) return -ENOMEM;
    size_t i = a->n++;
    a->miss[i] = !f->deadline_met;
    a->energy[i] = f->energy_j;
    if (f->dropped) {
        a->dropped++;
        /* a dropped frame has no latency: NaN, left out of the latency statistics */
        a->lat[i] = a->dev[i] = a->upw[i] = a->tx[i] = a->srvw[i] = a->srv[i] = NAN;
        return 0;
    }
    a->lat[i] = f->completion_s - f->arrival_s;
    a->dev[i] = f->encode_end_s - f->arrival_s;
    a->upw[i] = f->first_tx_s - f->encode_end_s;
    a->tx[i] = f->delivered_s - f->first_tx_s;
    a->srvw[i] = f->server_start_s - f->delivered_s;
    a->srv[i] = f->completion_s - f->server_start_s;
    return 0;
}

/* mean of the delivered frames' x after the first _skip delivered ones:
 * the frames the latency mean uses, so the component means add up to it */
static double mean_of(const double *x, const double *lat, size_t n, size_t skip)
{
    double s = 0.0;
    size_t k = 0, seen = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(lat[i]) && seen++ >= skip) {
            s += x[i];
            k++;
        }
    return k ? s / (double)k : NAN;
}

int fl_syssum_finish(const syssum_acc *a, const sys_totals *t, syssum *out)
{
    memset(out, 0, sizeof *out);
    size_t n = 0;
    double *lat = malloc((a->n ? a->n : 1) * sizeof *lat), *work = malloc((a->n ? a->n : 1) * sizeof *work);
    if (!lat || !work) {
        free(lat);
        free(work);
        return -ENOMEM;
    }
    for (size_t i = 0; i < a->n; i++)
        if (!isnan(a->lat[i])) lat[n++] = a->lat[i];
    size_t d = fl_outstat_mser5(lat, n);
    fl_outstat_mean(lat + d, n - d, OUTSTAT_BATCHES, &out->latency);
    fl_outstat_quantile(lat + d, n - d, 0.50, OUTSTAT_BATCHES, work, &out->p50);
    fl_outstat_quantile(lat + d, n - d, 0.95, OUTSTAT_BATCHES, work, &out->p95);
    fl_outstat_quantile(lat + d, n - d, 0.99, OUTSTAT_BATCHES, work, &out->p99);
    size_t dm = fl_outstat_mser5(a->miss, a->n);
    fl_outstat_mean(a->miss + dm, a->n - dm, OUTSTAT_BATCHES, &out->miss_rate);
    out->device_time_mean_s = mean_of(a->dev, a->lat, a->n, d);
    out->uplink_wait_mean_s = mean_of(a->upw, a->lat, a->n, d);
    out->tx_time_mean_s = mean_of(a->tx, a->lat, a->n, d);
    out->server_wait_mean_s = mean_of(a->srvw, a->lat, a->n, d);
    out->server_time_mean_s = mean_of(a->srv, a->lat, a->n, d);
    double e = 0.0;   /* energy of every counted frame, dropped ones included */
    for (size_t i = 0; i < a->n; i++) e += a->energy[i];
    out->energy_mean_j = a->n ? e / (double)a->n : NAN;
    out->uplink_utilisation = t->uplink_utilisation;
    out->server_utilisation = t->server_utilisation;
    out->goodput_bps = t->elapsed_s > 0 ? t->delivered_bits / t->elapsed_s : NAN;
    out->frames = (double)a->n;
    out->dropped_frames = (double)a->dropped;
    out->saturated = t->uplink_utilisation >= 0.99 || t->server_utilisation >= 0.99;
    out->p99_few_frames = (n - d) / OUTSTAT_BATCHES < 100;
    free(lat);
    free(work);
    return 0;
}

/* the frames to the summary and, when given, to _fn too */
typedef struct {
    syssum_acc *acc;
    sys_frame_fn fn;
    void *arg;
} syssum_tee;

static int syssum_tee_add(void *arg, const sys_frame *f)
{
    syssum_tee *t = arg;
    int rc = fl_syssum_add(t->acc, f);
    return rc ? rc : t->fn(t->arg, f);
}

int fl_syssum_run_tee(const sys_config *c, syssum *out, sys_totals *t, sys_frame_fn fn, void *arg)
{
    syssum_acc a;
    fl_syssum_init(&a, c->warmup_s);
    syssum_tee tee = {&a, fn, arg};
    int rc = fn ? fl_sys_run(c, syssum_tee_add, &tee, t) : fl_sys_run(c, fl_syssum_add, &a, t);
    if (!rc) rc = fl_syssum_finish(&a, t, out);
    fl_syssum_free(&a);
    return rc;
}

int fl_syssum_run(const sys_config *c, syssum *out, sys_totals *t)
{
    return fl_syssum_run_tee(c, out, t, NULL, NULL);
}
