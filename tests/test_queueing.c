/* test_queueing: the event queue (sim/evq), stations (sim/station) and the
 * output analysis (sim/outstat) together, against queueing theory:
 *   M/M/1    mean sojourn 1/(mu - lambda), P(T > t) = exp(-(mu - lambda) t),
 *            p95 = ln(20)/(mu - lambda), utilisation lambda/mu, Little's law
 *   M/D/1, M/U/1   Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho))
 *   M/M/3    Erlang C: Wq = C(c, a) / (c mu - lambda)
 *   tandem   M/M/1 -> M/M/1 (a Jackson network): W = sum 1/(mu_i - lambda)
 *   EDF      Kleinrock's conservation law: a work-conserving, non-preemptive
 *            discipline that does not look at service times has FIFO's mean
 *            wait (Kleinrock, Queueing Systems II, §3.4)
 * Fixed seeds; each estimate must lie within two half-widths of its 95%
 * batch-means interval (about 4 standard errors) of the closed form, after
 * MSER-5 warm-up deletion. Service and interarrival draws are keyed by
 * (job, station), so two disciplines see the same jobs.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <Random123/philox.h>

#include "sim/evq.h"
#include "sim/outstat.h"
#include "tests/testutil.h"
#include "sim/station.h"

enum { SVC_EXP, SVC_DET, SVC_UNIF };
enum { EV_ARRIVE = 1, EV_DONE = 2 };

typedef struct {
    double   lambda;               /* arrivals per second */
    int      nst;                  /* stations in tandem, 1 or 2 */
    unsigned workers[2];
    int      svc[2];
    double   mu[2];                /* service rate per worker */
    station_discipline disc;
    double   deadline_max_s;       /* EDF: deadline = arrival + U(0, this) */
    uint64_t jobs;
    uint32_t seed;
} net;

typedef struct {
    double *sojourn;               /* per job id, seconds (end-to-end) */
    double *wait0;                 /* per job id, wait at station 0 */
    station_stats st[2];
    double lambda_hat;             /* arrivals per second at station 0 */
} net_out;

/* u in (0, 1) keyed by (job, stream): Philox4x32-10, purpose 0xE02 */
static double unif(uint32_t seed, uint64_t job, uint32_t stream)
{
    philox4x32_ctr_t c = {{(uint32_t)job, (uint32_t)(job >> 32), stream, 0xE02}};
    philox4x32_key_t k = {{seed, 0}};
    philox4x32_ctr_t r = philox4x32(c, k);
    return ((double)r.v[0] + 0.5) / 4294967296.0;
}

static evq_time ticks(double s)
{
    evq_time t = 0;
    assert_int_equal(fl_evq_seconds_to_ticks(s, &t), 0);
    return t;
}

static double service_s(const net *n, int st, uint64_t job)
{
    double u = unif(n->seed, job, 1 + (uint32_t)st);
    switch (n->svc[st]) {
    case SVC_DET: return 1.0 / n->mu[st];
    case SVC_UNIF: return 2.0 * u / n->mu[st];
    default: return -log(u) / n->mu[st];
    }
}

static void arrive(const net *n, station **s, evq *q, int st, evq_time now, uint64_t job,
                   evq_time first_arrival, double deadline_s)
{
    station_job j = {.id = job, .arrival = now, .service = ticks(service_s(n, st, job)),
                     .deadline = first_arrival + ticks(deadline_s)};
    int started;
    unsigned w;
    assert_int_equal(fl_station_arrive(s[st], now, &j, &started, &w), 0);
    if (started) {
        evq_event e = {.t = now + j.service, .kind = EV_DONE, .id = (uint32_t)st, .arg = w};
        assert_int_equal(fl_evq_push(q, &e, NULL), 0);
    }
}

static void simulate(const net *n, net_out *o)
{
    station *s[2] = {NULL, NULL};
    for (int i = 0; i < n->nst; i++) assert_non_null(s[i] = fl_station_create(n->workers[i], n->disc));
    evq *q = fl_evq_create(64);
    evq_time *arr = calloc(n->jobs, sizeof *arr);
    o->sojourn = calloc(n->jobs, sizeof *o->sojourn);
    o->wait0 = calloc(n->jobs, sizeof *o->wait0);
    assert_true(q && arr && o->sojourn && o->wait0);
    uint64_t next_job = 0, done = 0;
    evq_event e = {.t = 0, .kind = EV_ARRIVE};
    assert_int_equal(fl_evq_push(q, &e, NULL), 0);
    while (done < n->jobs && fl_evq_pop(q, &e) == 0) {
        if (e.kind == EV_ARRIVE) {
            uint64_t job = next_job++;
            arr[job] = e.t;
            arrive(n, s, q, 0, e.t, job, e.t, n->deadline_max_s * unif(n->seed, job, 9));
            if (next_job < n->jobs) {
                evq_event a = {.t = e.t + ticks(-log(unif(n->seed, job, 0)) / n->lambda),
                               .kind = EV_ARRIVE};
                assert_int_equal(fl_evq_push(q, &a, NULL), 0);
            }
            continue;
        }
        int st = (int)e.id, started;
        station_job fin, nxt;
        assert_int_equal(fl_station_finish(s[st], e.t, (unsigned)e.arg, &fin, &started, &nxt), 0);
        if (started) {
            evq_event d = {.t = e.t + nxt.service, .kind = EV_DONE, .id = (uint32_t)st, .arg = e.arg};
            assert_int_equal(fl_evq_push(q, &d, NULL), 0);
        }
        if (st == 0) o->wait0[fin.id] = fl_evq_ticks_to_seconds(fin.start - fin.arrival);
        if (st + 1 < n->nst) {
            arrive(n, s, q, st + 1, e.t, fin.id, arr[fin.id], 0.0);
        } else {
            o->sojourn[fin.id] = fl_evq_ticks_to_seconds(e.t - arr[fin.id]);
            done++;
        }
    }
    evq_time end = e.t;
    for (int i = 0; i < n->nst; i++) {
        fl_station_get_stats(s[i], end, &o->st[i]);
        fl_station_destroy(s[i]);
    }
    o->lambda_hat = (double)o->st[0].arrivals / o->st[0].elapsed_s;
    fl_evq_destroy(q);
    free(arr);
}

static void net_free(net_out *o)
{
    free(o->sojourn);
    free(o->wait0);
}

/* |est - theory| within two half-widths of the 95% interval */
static void check_close(const char *what, const outstat_est *e, double theory)
{
    assert_true(testutil_within_ci(what, e->est, e->ci_low, e->ci_high, theory));
}

/* mean of x after MSER-5 warm-up deletion */
static void mean_after_warmup(const double *x, size_t n, outstat_est *e)
{
    size_t d = fl_outstat_mser5(x, n);
    fl_outstat_mean(x + d, n - d, OUTSTAT_BATCHES, e);
}

static void test_mm1(void **state)
{
    net n = {.lambda = 0.8, .nst = 1, .workers = {1}, .svc = {SVC_EXP}, .mu = {1.0},
             .jobs = 400000, .seed = 11};
    net_out o;
    simulate(&n, &o);
    outstat_est e;
    mean_after_warmup(o.sojourn, n.jobs, &e);
    check_close("M/M/1 mean sojourn (s)", &e, 1.0 / (1.0 - 0.8));
    /* P(T > 10) = exp(-0.2 * 10), as a batch mean of indicators */
    double *ind = malloc(n.jobs * sizeof *ind), *work = malloc(n.jobs * sizeof *work);
    for (uint64_t i = 0; i < n.jobs; i++) ind[i] = o.sojourn[i] > 10.0;
    mean_after_warmup(ind, n.jobs, &e);
    check_close("M/M/1 P(T > 10 s)", &e, exp(-2.0));
    size_t d = fl_outstat_mser5(o.sojourn, n.jobs);
    fl_outstat_quantile(o.sojourn + d, n.jobs - d, 0.95, OUTSTAT_BATCHES, work, &e);
    check_close("M/M/1 p95 sojourn (s)", &e, log(20.0) / 0.2);
    /* utilisation: busy fraction, std about 0.003 at this length */
    assert_true(fabs(o.st[0].utilisation - 0.8) < 0.01);
    /* Little's law on the sample path: L = lambda_hat W */
    double w = 0.0;
    for (uint64_t i = 0; i < n.jobs; i++) w += o.sojourn[i];
    w /= (double)n.jobs;
    printf("  Little: L %.5g, lambda W %.5g; utilisation %.4f\n", o.st[0].mean_in_system,
           o.lambda_hat * w, o.st[0].utilisation);
    assert_true(fabs(o.st[0].mean_in_system - o.lambda_hat * w) < 0.01 * o.st[0].mean_in_system);
    free(ind);
    free(work);
    net_free(&o);
}

static void test_md1_mu1_pollaczek_khinchine(void **state)
{
    const double lambda = 0.8, rho = 0.8;
    net n = {.lambda = lambda, .nst = 1, .workers = {1}, .svc = {SVC_DET}, .mu = {1.0},
             .jobs = 300000, .seed = 12};
    net_out o;
    outstat_est e;
    simulate(&n, &o);
    mean_after_warmup(o.sojourn, n.jobs, &e);
    check_close("M/D/1 mean sojourn (s)", &e, 1.0 + lambda * 1.0 / (2 * (1 - rho)));
    net_free(&o);
    n.svc[0] = SVC_UNIF;           /* U(0, 2): E[S^2] = 4/3 */
    n.seed = 13;
    simulate(&n, &o);
    mean_after_warmup(o.sojourn, n.jobs, &e);
    check_close("M/U/1 mean sojourn (s)", &e, 1.0 + lambda * (4.0 / 3.0) / (2 * (1 - rho)));
    net_free(&o);
}

/* Erlang C: probability that an arrival waits in M/M/c with offered load a */
static double erlang_c(int c, double a)
{
    double term = 1.0, sum = 0.0;
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term * c / (c - a);   /* a^c / c! * c / (c - a) */
    return top / (sum + top);
}

static void test_mmc_erlang_c(void **state)
{
    const int c = 3;
    const double lambda = 2.4, mu = 1.0;
    net n = {.lambda = lambda, .nst = 1, .workers = {c}, .svc = {SVC_EXP}, .mu = {mu},
             .jobs = 400000, .seed = 14};
    net_out o;
    outstat_est e;
    simulate(&n, &o);
    mean_after_warmup(o.wait0, n.jobs, &e);
    check_close("M/M/3 mean wait (s)", &e, erlang_c(c, lambda / mu) / (c * mu - lambda));
    double *ind = malloc(n.jobs * sizeof *ind);
    for (uint64_t i = 0; i < n.jobs; i++) ind[i] = o.wait0[i] > 0.0;
    mean_after_warmup(ind, n.jobs, &e);
    check_close("M/M/3 P(wait > 0) = C(3, 2.4)", &e, erlang_c(c, lambda / mu));
    assert_true(fabs(o.st[0].utilisation - lambda / (c * mu)) < 0.01);
    free(ind);
    net_free(&o);
}

static void test_tandem_jackson(void **state)
{
    const double lambda = 0.8;
    net n = {.lambda = lambda, .nst = 2, .workers = {1, 1}, .svc = {SVC_EXP, SVC_EXP},
             .mu = {1.0, 1.25}, .jobs = 400000, .seed = 15};
    net_out o;
    outstat_est e;
    simulate(&n, &o);
    mean_after_warmup(o.sojourn, n.jobs, &e);
    check_close("tandem M/M/1 -> M/M/1 sojourn (s)", &e, 1 / (1.0 - lambda) + 1 / (1.25 - lambda));
    /* Little at the second station: its arrivals are the first's departures */
    assert_true(fabs(o.st[1].utilisation - lambda / 1.25) < 0.01);
    net_free(&o);
}

static void test_edf_conserves_mean_wait(void **state)
{
    net n = {.lambda = 0.8, .nst = 1, .workers = {1}, .svc = {SVC_EXP}, .mu = {1.0},
             .jobs = 400000, .seed = 16, .deadline_max_s = 20.0};
    net_out fifo, edf;
    outstat_est ef, ee;
    simulate(&n, &fifo);
    n.disc = STATION_EDF;
    simulate(&n, &edf);
    mean_after_warmup(fifo.wait0, n.jobs, &ef);
    mean_after_warmup(edf.wait0, n.jobs, &ee);
    check_close("FIFO mean wait (s)", &ef, 0.8 / (1.0 - 0.8));
    check_close("EDF mean wait (s), conservation law", &ee, 0.8 / (1.0 - 0.8));
    /* the disciplines really differ: some job waits differently */
    uint64_t differ = 0;
    for (uint64_t i = 0; i < n.jobs; i++) differ += fifo.wait0[i] != edf.wait0[i];
    assert_true(differ > n.jobs / 10);
    net_free(&fifo);
    net_free(&edf);
}

static void test_outstat_basics(void **state)
{
    /* type-7 quantile of 1..5: p = 0.5 -> 3, p = 0.9 -> 4.6 (hand computed) */
    double x[5] = {5, 1, 4, 2, 3};
    assert_true(fabs(fl_outstat_sample_quantile(x, 5, 0.5) - 3.0) < 1e-15);
    assert_true(fabs(fl_outstat_sample_quantile(x, 5, 0.9) - 4.6) < 1e-12);
    /* t quantile against the printed table value (19 dof: 2.093) */
    assert_true(fabs(fl_outstat_t975(19) - 2.093) < 5e-4);
    /* MSER-5 drops an initial transient of 100 high values, not more than
     * a few batches beyond it */
    double *y = malloc(2000 * sizeof *y);
    for (int i = 0; i < 2000; i++) y[i] = (i < 100 ? 50.0 : 0.0) + unif(1, (uint64_t)i, 0);
    size_t d = fl_outstat_mser5(y, 2000);
    assert_true(d >= 100 && d <= 120);
    free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outstat_basics),
        cmocka_unit_test(test_mm1),
        cmocka_unit_test(test_md1_mu1_pollaczek_khinchine),
        cmocka_unit_test(test_mmc_erlang_c),
        cmocka_unit_test(test_tandem_jackson),
        cmocka_unit_test(test_edf_conserves_mean_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
