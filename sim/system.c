/* system: see system.h for the model. The event loop: devices (compute
 * stations), the uplink (access and ARQ, here), the server (a station). */
#include "sim/system.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>

#include "channel/jakes.h"
#include "sim/batch.h"
#include "sim/evq.h"

/* event kinds; at equal times the class orders them: what ends runs before
 * what starts, so a freed worker or channel is seen by a same-time arrival */
enum { EV_TXDONE = 1, EV_SERVED, EV_ENCODED, EV_WARMUP, EV_RETRY, EV_ARRIVE, EV_BATCH };
static const unsigned ev_class[] = {0, 0, 1, 2, 3, 4, 5, 1};

typedef struct {            /* a frame in flight (a pool slot) */
    sys_frame out;
    evq_time  arrival, encode_end, first_tx, delivered, server_start;
    double    airtime_s;
    uint32_t  packet, attempt; /* the next attempt to send */
    int       next_free;
} frame_slot;

typedef struct {
    uint32_t  group;
    uint32_t  local;     /* its index within the group */
    double    mean_snr_db;  /* with shadowing (and the FDMA band gain) */
    jakes    *fade;
    station  *cpu;
    uint32_t *txq;          /* ring of frame slots waiting for the uplink */
    size_t    qhead, qlen, qcap;
    int       sending, ready; /* attempt in flight; in the ready ring */
    uint64_t  frames;       /* frames generated */
    double    pf_avg;       /* PF average throughput (bit/s) at decision pf_at */
    uint64_t  pf_at;
    int       tx_ok;        /* outcome of the attempt in flight */
} devstate;

typedef struct {
    const sys_config *c;
    evq       *q;
    devstate    *dev;
    uint32_t   ndev;
    frame_slot *fr;
    int        nfr, free_fr;
    station   *server;
    batch_policy batch;     /* max 1: the unbatched path */
    evq_time   batch_wake;  /* the pending EV_BATCH, EVQ_TIME_MAX none */
    uint32_t  *ready;       /* TDMA/PF: ring of devices with packets waiting */
    size_t     rhead, rlen;
    int        channel_busy;
    uint64_t   decisions;
    evq_time   warmup, end;
    sys_totals *tot;
    sys_frame_fn fn;
    void      *fn_arg;
} sim;

static double draw_u(const sys_config *c, uint32_t dev, uint64_t frame, uint32_t pk_att,
                     uint32_t purpose)
{
    philox4x32_ctr_t ctr = {{dev, (uint32_t)frame, pk_att, purpose << 16 | (c->trial & 0xFFFFu)}};
    philox4x32_key_t key = {{c->seed, c->point}};
    philox4x32_ctr_t r = philox4x32(ctr, key);
    return ((double)r.v[0] + 0.5) / 4294967296.0;
}

static evq_time to_ticks(double s)
{
    evq_time t = EVQ_TIME_MAX;
    fl_evq_seconds_to_ticks(s, &t);
    return t;
}

static int push(sim *m, evq_time t, int kind, uint32_t id, uint64_t arg)
{
    evq_event e = {.t = t, .cls = ev_class[kind], .kind = (uint32_t)kind, .id = id, .arg = arg};
    return fl_evq_push(m->q, &e, NULL);
}

int fl_sys_check(const sys_config *c, char *why, size_t len)
{
#define BAD(...) do { snprintf(why, len, __VA_ARGS__); return -EINVAL; } while (0)
    if (c->ngroups < 1 || c->ngroups > SYS_MAX_GROUPS) BAD("groups must be 1..%d", SYS_MAX_GROUPS);
    uint64_t n = 0;
    for (int g = 0; g < c->ngroups; g++) {
        const sys_group *p = &c->groups[g];
        if (p->devices < 1) BAD("group %d: devices must be >= 1", g);
        n += p->devices;
        if (!(p->frame_rate_hz > 0 && p->frame_rate_hz <= 1e6)) BAD("group %d: frame rate must be in (0, 1e6] Hz", g);
        if (!(p->jitter_s >= 0 && p->jitter_s < 0.5 / p->frame_rate_hz)) BAD("group %d: jitter must be in [0, period/2)", g);
        if (p->frame_bits < 1) BAD("group %d: frame bits must be >= 1", g);
        if (p->arrival == SYS_TRACE && (!p->trace || p->trace->devices > p->devices))
            BAD("group %d: a trace arrival needs a trace of at most the group's devices", g);
        if (!(p->device_time_s >= 0 && p->server_time_s >= 0)) BAD("group %d: compute times must be >= 0", g);
        if (!isfinite(p->mean_snr_db) || !(p->shadowing_db >= 0)) BAD("group %d: mean SNR finite, shadowing >= 0", g);
        if (!(p->compute_power_w >= 0 && p->tx_power_w >= 0)) BAD("group %d: powers must be >= 0", g);
    }
    if (n > SYS_MAX_DEVICES) BAD("at most %u devices", SYS_MAX_DEVICES);
    if (!(c->duration_s > 0 && c->duration_s < 9e6)) BAD("duration must be in (0, 9e6) s");
    if (!(c->warmup_s >= 0 && c->warmup_s < c->duration_s)) BAD("warm-up must be in [0, duration)");
    if (!(c->deadline_s > 0)) BAD("deadline must be > 0 (inf for none)");
    if (!(c->bandwidth_hz > 0) || c->packet_bits < 1 || c->max_retx < 0 || c->max_retx > 255)
        BAD("bandwidth > 0, packet bits >= 1, max_retx in [0, 255]");
    for (int g = 0; g < c->ngroups; g++)
        if (c->groups[g].frame_bits / c->packet_bits >= (1u << 24)) BAD("group %d: at most 2^24 packets per frame", g);
    if (!(c->doppler_hz >= 0 && c->doppler_hz < 1e9) || !(c->k_factor >= 0)) BAD("doppler in [0, 1e9) Hz, K >= 0");
    if (c->access == SYS_PF && c->pf_window < 1) BAD("pf window must be >= 1");
    if (!(c->outage_retry_s > 0 && c->outage_retry_s < 1e6)) BAD("outage retry must be in (0, 1e6) s");
    if (!c->link) BAD("no link model");
    if (c->workers < 1 || c->workers > 4096) BAD("server workers must be 1..4096");
    if (c->service != SYS_SVC_MODEL && !(c->service_mean_s > 0)) BAD("service mean must be > 0 s");
    if (c->batch_max > STATION_BATCH_MAX) BAD("server batch max must be 1..%d", STATION_BATCH_MAX);
    if (!(c->batch_max_wait_s >= 0 && c->batch_max_wait_s < 1e6)) BAD("server batch wait must be in [0, 1e6) s");
    for (int g = 0; g < c->ngroups; g++)
        if (!(c->groups[g].server_shared_s >= 0 && c->groups[g].server_shared_s <= c->groups[g].server_time_s))
            BAD("group %d: batch-shared server time must be in [0, server time]", g);
    return 0;
#undef BAD
}

static uint32_t devices_total(const sys_config *c)
{
    uint32_t n = 0;
    for (int g = 0; g < c->ngroups; g++) n += c->groups[g].devices;
    return n;
}

/* ---- frames ---- */

static int frame_new(sim *m, uint32_t d, evq_time t)
{
    if (m->free_fr < 0) {
        int n = m->nfr ? 2 * m->nfr : 256;
        frame_slot *f = realloc(m->fr, (size_t)n * sizeof *f);
        if (!f) return -ENOMEM;
        for (int i = n - 1; i >= m->nfr; i--) {
            f[i].next_free = m->free_fr;
            m->free_fr = i;
        }
        m->fr = f;
        m->nfr = n;
    }
    int s = m->free_fr;
    frame_slot *f = &m->fr[s];
    m->free_fr = f->next_free;
    memset(f, 0, sizeof *f);
    const sys_group *g = &m->c->groups[m->dev[d].group];
    f->out.group = m->dev[d].group;
    f->out.device = d;
    f->out.frame = m->dev[d].frames++;
    f->out.bits = g->frame_bits;
    f->out.packets = (uint32_t)((g->frame_bits + m->c->packet_bits - 1) / m->c->packet_bits);
    f->arrival = t;
    return s;
}

static int frame_finish(sim *m, int s, evq_time done)
{
    frame_slot *f = &m->fr[s];
    sys_frame *o = &f->out;
    const sys_group *g = &m->c->groups[o->group];
    o->arrival_s = fl_evq_ticks_to_seconds(f->arrival);
    o->encode_end_s = fl_evq_ticks_to_seconds(f->encode_end);
    o->first_tx_s = f->out.dropped == 1 ? NAN : fl_evq_ticks_to_seconds(f->first_tx);
    o->delivered_s = o->dropped ? NAN : fl_evq_ticks_to_seconds(f->delivered);
    o->server_start_s = o->dropped ? NAN : fl_evq_ticks_to_seconds(f->server_start);
    o->completion_s = o->dropped ? NAN : fl_evq_ticks_to_seconds(done);
    o->deadline_met = !o->dropped && fl_evq_ticks_to_seconds(done - f->arrival) <= m->c->deadline_s;
    o->airtime_s = f->airtime_s;
    o->energy_j = g->compute_power_w * g->device_time_s + g->tx_power_w * f->airtime_s;
    int rc = 0;
    if (f->arrival >= m->warmup) {
        m->tot->frames_counted++;
        /* goodput counts the bits of packets that arrived */
        double lost = (double)o->lost_packets * m->c->packet_bits;
        if (!o->dropped) m->tot->delivered_bits += lost < (double)o->bits ? (double)o->bits - lost : 0.0;
    }
    if (m->fn) rc = m->fn(m->fn_arg, o);
    f->next_free = m->free_fr;
    m->free_fr = s;
    return rc;
}

/* ---- uplink ---- */

static double band_hz(const sim *m)
{
    return m->c->access == SYS_FDMA ? m->c->bandwidth_hz / m->ndev : m->c->bandwidth_hz;
}

static double snr_now(const sim *m, const devstate *d, evq_time t)
{
    if (!d->fade) return d->mean_snr_db;
    double re, im;
    fl_jakes_gain(d->fade, fl_evq_ticks_to_seconds(t), &re, &im);
    double g = re * re + im * im;
    return d->mean_snr_db + 10.0 * log10(g > 1e-30 ? g : 1e-30);
}

static uint64_t packet_bits_of(const sim *m, const frame_slot *f)
{
    uint64_t left = f->out.bits - (uint64_t)f->packet * m->c->packet_bits;
    return left < m->c->packet_bits ? left : m->c->packet_bits;
}

static void ready_add(sim *m, uint32_t d)
{
    if (m->dev[d].ready) return;
    m->dev[d].ready = 1;
    m->ready[(m->rhead + m->rlen++) % m->ndev] = d;
}

/* a device's PF average throughput now: the value it had at decision pf_at,
 * decayed by (1 - 1/window) for every decision since (lazy decay) */
static double pf_average(const sim *m, const devstate *dv)
{
    return dv->pf_avg * pow(1.0 - 1.0 / m->c->pf_window, (double)(m->decisions - dv->pf_at));
}

/* whether the attempt now starting gets through: a draw against _per, or
 * the attempt model's own verdict (uplink.per_model = bit_true) */
static int attempt_outcome(const sim *m, uint32_t d, const frame_slot *f, double snr, uint64_t bits,
                           double per, int *ok)
{
    const sys_config *c = m->c;
    if (!c->attempt) {
        *ok = draw_u(c, d, f->out.frame, f->packet << 8 | f->attempt, SYS_PURPOSE_ATTEMPT) >= per;
        return 0;
    }
    sys_attempt a = {.seed = c->seed, .point = c->point, .trial = c->trial, .device = d,
                     .frame = f->out.frame, .packet = f->packet, .attempt = f->attempt,
                     .snr_db = snr, .bandwidth_hz = band_hz(m), .bits = bits};
    int lost = 1, rc = c->attempt(c->attempt_arg, &a, &lost);
    *ok = !lost;
    return rc;
}

static int start_attempt(sim *m, uint32_t d, evq_time now)
{
    devstate *dv = &m->dev[d];
    frame_slot *f = &m->fr[dv->txq[dv->qhead]];
    if (f->packet == 0 && f->attempt == 0) f->first_tx = now;
    uint64_t bits = packet_bits_of(m, f);
    double rate, per, snr = snr_now(m, dv, now);
    int rc = m->c->link(m->c->link_arg, d, snr, band_hz(m), bits, &rate, &per);
    if (rc) return rc;
    if (!(rate >= 0) || !(per >= 0 && per <= 1)) return -ERANGE;
    if (rate == 0) {          /* outage: not scheduled now, try again later */
        m->tot->outages++;
        return push(m, now + to_ticks(m->c->outage_retry_s), EV_RETRY, d, 0);
    }
    double dur_s = (double)bits / rate;
    evq_time dur = to_ticks(dur_s);
    if (dur == EVQ_TIME_MAX || dur > EVQ_TIME_MAX - now) return -ERANGE;
    if (dur == 0) dur = 1;
    f->airtime_s += dur_s;
    if (now >= m->warmup) m->tot->uplink_busy_s += dur_s;
    if (f->attempt > 0) f->out.retx++;
    if ((rc = attempt_outcome(m, d, f, snr, bits, per, &dv->tx_ok))) return rc;
    dv->sending = 1;
    if (m->c->access != SYS_FDMA) m->channel_busy = 1;
    if (m->c->access == SYS_PF) {
        /* the served device's average takes the rate; the others decay lazily */
        dv->pf_avg = pf_average(m, dv) + rate / m->c->pf_window;
        dv->pf_at = m->decisions + 1;
    }
    m->decisions++;
    return push(m, now + dur, EV_TXDONE, d, 0);
}

/* drop stale frames at the head of a device's line (SYS_LATE_DROP) */
static int drop_stale(sim *m, uint32_t d, evq_time now)
{
    devstate *dv = &m->dev[d];
    while (m->c->late == SYS_LATE_DROP && dv->qlen) {
        frame_slot *f = &m->fr[dv->txq[dv->qhead]];
        if (f->packet || f->attempt || fl_evq_ticks_to_seconds(now - f->arrival) <= m->c->deadline_s) break;
        f->out.dropped = 1;
        dv->qhead = (dv->qhead + 1) % dv->qcap;
        dv->qlen--;
        int rc = frame_finish(m, (int)(f - m->fr), now);
        if (rc) return rc;
    }
    return 0;
}

static int pick_pf(sim *m, evq_time now, size_t *pos)
{
    double best = -1.0;
    for (size_t k = 0; k < m->rlen; k++) {
        uint32_t d = m->ready[(m->rhead + k) % m->ndev];
        devstate *dv = &m->dev[d];
        frame_slot *f = &m->fr[dv->txq[dv->qhead]];
        double rate, per;
        int rc = m->c->link(m->c->link_arg, d, snr_now(m, dv, now), band_hz(m), packet_bits_of(m, f),
                            &rate, &per);
        if (rc) return rc;
        double avg = pf_average(m, dv);
        double metric = rate / (avg > 1e-300 ? avg : 1e-300);
        if (metric > best) {       /* ties: the earlier in the ring */
            best = metric;
            *pos = k;
        }
    }
    return 0;
}

/* start what can start: FDMA device d, or the shared channel */
static int schedule(sim *m, uint32_t d, evq_time now)
{
    int rc;
    if (m->c->access == SYS_FDMA) {
        if ((rc = drop_stale(m, d, now))) return rc;
        return !m->dev[d].sending && m->dev[d].qlen ? start_attempt(m, d, now) : 0;
    }
    while (!m->channel_busy && m->rlen) {
        size_t k = 0;
        if (m->c->access == SYS_PF && (rc = pick_pf(m, now, &k))) return rc;
        /* take the k-th ready device out of the ring (order kept) */
        size_t at = (m->rhead + k) % m->ndev;
        uint32_t pick = m->ready[at];
        for (size_t j = k; j > 0; j--) {
            size_t to = (m->rhead + j) % m->ndev, from = (m->rhead + j - 1) % m->ndev;
            m->ready[to] = m->ready[from];
        }
        m->rhead = (m->rhead + 1) % m->ndev;
        m->rlen--;
        m->dev[pick].ready = 0;
        if ((rc = drop_stale(m, pick, now))) return rc;
        if (m->dev[pick].qlen && (rc = start_attempt(m, pick, now))) return rc;
    }
    return 0;
}

static int enqueue_uplink(sim *m, uint32_t d, int s, evq_time now)
{
    devstate *dv = &m->dev[d];
    if (dv->qlen == dv->qcap) {
        size_t cap = dv->qcap ? 2 * dv->qcap : 4;
        uint32_t *q = malloc(cap * sizeof *q);
        if (!q) return -ENOMEM;
        for (size_t i = 0; i < dv->qlen; i++) q[i] = dv->txq[(dv->qhead + i) % dv->qcap];
        free(dv->txq);
        dv->txq = q;
        dv->qcap = cap;
        dv->qhead = 0;
    }
    dv->txq[(dv->qhead + dv->qlen++) % dv->qcap] = (uint32_t)s;
    if (m->c->access != SYS_FDMA && !dv->sending) ready_add(m, d);
    return schedule(m, d, now);
}

/* ---- server ---- */

static evq_time service_ticks(const sim *m, const frame_slot *f)
{
    const sys_config *c = m->c;
    double s = c->groups[f->out.group].server_time_s;
    if (c->service == SYS_SVC_DETERMINISTIC) s = c->service_mean_s;
    if (c->service == SYS_SVC_EXPONENTIAL)
        s = -c->service_mean_s * log(draw_u(c, f->out.device, f->out.frame, 0, SYS_PURPOSE_SERVICE));
    return to_ticks(s);
}

static int batch_arrive(sim *m, int s, evq_time now);

static int server_arrive(sim *m, int s, evq_time now)
{
    if (m->batch.max > 1) return batch_arrive(m, s, now);
    frame_slot *f = &m->fr[s];
    f->delivered = now;
    station_job j = {.id = (uint64_t)s, .service = service_ticks(m, f),
                     .deadline = isfinite(m->c->deadline_s) ? f->arrival + to_ticks(m->c->deadline_s) : EVQ_TIME_MAX};
    int started;
    unsigned w;
    int rc = fl_station_arrive(m->server, now, &j, &started, &w);
    if (rc) return rc;
    if (!started) return 0;
    f->server_start = now;
    return push(m, now + j.service, EV_SERVED, w, (uint64_t)s);
}

/* ---- server, batched (sim/batch: when, and how long) ---- */

static evq_time batch_ticks(const sim *m, const station_job *jobs, size_t n)
{
    const sys_config *c = m->c;
    if (c->service == SYS_SVC_DETERMINISTIC) return to_ticks(c->service_mean_s);
    if (c->service == SYS_SVC_EXPONENTIAL) {  /* one draw per batch, the head request's */
        const sys_frame *h = &m->fr[jobs[0].id].out;
        return to_ticks(-c->service_mean_s * log(draw_u(c, h->device, h->frame, 0, SYS_PURPOSE_SERVICE)));
    }
    double own[STATION_BATCH_MAX], shared[STATION_BATCH_MAX];
    for (size_t i = 0; i < n; i++) {
        const sys_group *g = &c->groups[m->fr[jobs[i].id].out.group];
        own[i] = g->server_time_s - g->server_shared_s;
        shared[i] = g->server_shared_s;
    }
    return to_ticks(fl_batch_model_s(own, shared, n));
}

/* start batches on free workers while sim/batch says so; else arm its timer */
static int batch_try(sim *m, evq_time now)
{
    unsigned w;
    evq_time wake;
    while (fl_station_free_worker(m->server, &w)) {
        if (!fl_batch_ready(&m->batch, m->server, now, &wake)) {
            if (wake == EVQ_TIME_MAX || wake == m->batch_wake) return 0;
            m->batch_wake = wake;
            return push(m, wake, EV_BATCH, 0, 0);
        }
        const station_job *jobs;
        size_t n;
        int rc = fl_station_take(m->server, now, w, m->batch.max, &jobs, &n);
        if (rc) return rc;
        for (size_t i = 0; i < n; i++) m->fr[jobs[i].id].server_start = now;
        if ((rc = push(m, now + batch_ticks(m, jobs, n), EV_SERVED, w, 0))) return rc;
    }
    return 0;
}

static int batch_arrive(sim *m, int s, evq_time now)
{
    frame_slot *f = &m->fr[s];
    f->delivered = now;
    station_job j = {.id = (uint64_t)s, .arrival = now,
                     .deadline = isfinite(m->c->deadline_s) ? f->arrival + to_ticks(m->c->deadline_s) : EVQ_TIME_MAX};
    int rc = fl_station_enqueue(m->server, now, &j);
    return rc ? rc : batch_try(m, now);
}

static int batch_served(sim *m, unsigned w, evq_time now)
{
    const station_job *jobs;
    size_t n;
    int rc = fl_station_finish_batch(m->server, now, w, &jobs, &n);
    /* the jobs stay in the worker's slots until it starts again, below */
    for (size_t i = 0; !rc && i < n; i++) rc = frame_finish(m, (int)jobs[i].id, now);
    return rc ? rc : batch_try(m, now);
}

static int on_batch_timer(sim *m, evq_time now)
{
    if (now != m->batch_wake) return 0;     /* superseded */
    m->batch_wake = EVQ_TIME_MAX;
    return batch_try(m, now);
}

/* ---- events ---- */

static evq_time next_arrival(const sim *m, uint32_t d, uint64_t k, evq_time prev)
{
    const sys_group *g = &m->c->groups[m->dev[d].group];
    double period = 1.0 / g->frame_rate_hz;
    if (g->arrival == SYS_TRACE) { /* frame k of the device: its trace's k-th time, then none */
        if (m->dev[d].local >= g->trace->devices) return EVQ_TIME_MAX;
        size_t at = g->trace->start[m->dev[d].local] + k;
        return at < g->trace->start[m->dev[d].local + 1] ? to_ticks(g->trace->time_s[at]) : EVQ_TIME_MAX;
    }
    if (g->arrival == SYS_POISSON)
        return prev + to_ticks(-period * log(draw_u(m->c, d, k, 0, SYS_PURPOSE_ARRIVAL)));
    double phase = period * draw_u(m->c, d, 0, 0, SYS_PURPOSE_OFFSET);
    double jit = g->jitter_s * (2.0 * draw_u(m->c, d, k, 0, SYS_PURPOSE_ARRIVAL) - 1.0);
    return to_ticks(phase + g->jitter_s + (double)k * period + jit);
}

static int on_arrive(sim *m, uint32_t d, evq_time now)
{
    int s = frame_new(m, d, now);
    if (s < 0) return s;
    uint64_t k = m->dev[d].frames;            /* the next frame's number */
    evq_time t = next_arrival(m, d, k, now);
    int rc;
    if (t < to_ticks(m->c->duration_s) && (rc = push(m, t, EV_ARRIVE, d, 0))) return rc;
    station_job j = {.id = (uint64_t)s,
                     .service = to_ticks(m->c->groups[m->dev[d].group].device_time_s)};
    int started;
    unsigned w;
    if ((rc = fl_station_arrive(m->dev[d].cpu, now, &j, &started, &w))) return rc;
    return started ? push(m, now + j.service, EV_ENCODED, d, (uint64_t)s) : 0;
}

static int on_encoded(sim *m, uint32_t d, int s, evq_time now)
{
    station_job done, next;
    int started, rc;
    if ((rc = fl_station_finish(m->dev[d].cpu, now, 0, &done, &started, &next))) return rc;
    if (started && (rc = push(m, now + next.service, EV_ENCODED, d, next.id))) return rc;
    s = (int)done.id;
    m->fr[s].encode_end = now;
    return enqueue_uplink(m, d, s, now);
}

static int on_txdone(sim *m, uint32_t d, evq_time now)
{
    devstate *dv = &m->dev[d];
    int s = (int)dv->txq[dv->qhead];
    frame_slot *f = &m->fr[s];
    dv->sending = 0;
    m->channel_busy = 0;
    if (dv->tx_ok || f->attempt >= (uint32_t)m->c->max_retx) {
        if (!dv->tx_ok) f->out.lost_packets++;
        f->packet++;
        f->attempt = 0;
    } else {
        f->attempt++;
    }
    int rc = 0;
    if (f->packet == f->out.packets) {          /* the frame is through */
        dv->qhead = (dv->qhead + 1) % dv->qcap;
        dv->qlen--;
        if (f->out.lost_packets && m->c->lost == SYS_LOST_DROP) {
            f->out.dropped = 2;
            rc = frame_finish(m, s, now);
        } else {
            rc = server_arrive(m, s, now);
        }
        if (rc) return rc;
    }
    if (m->c->access != SYS_FDMA && dv->qlen) ready_add(m, d);
    return schedule(m, d, now);
}

static int batch_served(sim *m, unsigned w, evq_time now);

static int on_served(sim *m, unsigned w, evq_time now)
{
    if (m->batch.max > 1) return batch_served(m, w, now);
    station_job done, next;
    int started, rc;
    if ((rc = fl_station_finish(m->server, now, w, &done, &started, &next))) return rc;
    if (started) {
        m->fr[next.id].server_start = now;
        if ((rc = push(m, now + next.service, EV_SERVED, w, next.id))) return rc;
    }
    m->fr[done.id].server_start = done.start;
    return frame_finish(m, (int)done.id, now);
}

static int setup(sim *m, const sys_config *c)
{
    m->ndev = devices_total(c);
    m->dev = calloc(m->ndev, sizeof *m->dev);
    m->ready = calloc(m->ndev, sizeof *m->ready);
    m->q = fl_evq_create(4 * (size_t)m->ndev + 16);
    m->batch = (batch_policy){.max = c->batch_max > 1 ? c->batch_max : 1,
                              .max_wait = to_ticks(c->batch_max_wait_s)};
    m->batch_wake = EVQ_TIME_MAX;
    m->server = fl_station_create_batch(c->workers, c->discipline, m->batch.max);
    m->free_fr = -1;
    if (!m->dev || !m->ready || !m->q || !m->server) return -ENOMEM;
    uint32_t d = 0;
    for (int g = 0; g < c->ngroups; g++)
        for (uint32_t i = 0; i < c->groups[g].devices; i++, d++) {
            devstate *dv = &m->dev[d];
            dv->group = (uint32_t)g;
            dv->local = i;
            /* shadowing: N(0, sigma^2) dB by Box-Muller from two keyed uniforms */
            double u1 = draw_u(c, d, 0, 0, SYS_PURPOSE_SHADOW), u2 = draw_u(c, d, 0, 1, SYS_PURPOSE_SHADOW);
            dv->mean_snr_db = c->groups[g].mean_snr_db +
                              c->groups[g].shadowing_db * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
            /* FDMA: the same power in 1/N of the band sees 1/N of the noise */
            if (c->access == SYS_FDMA) dv->mean_snr_db += 10.0 * log10((double)m->ndev);
            dv->pf_avg = 1.0;
            dv->cpu = fl_station_create(1, STATION_FIFO);
            if (!dv->cpu) return -ENOMEM;
            if (c->doppler_hz > 0) {
                dv->fade = fl_jakes_create(JAKES_SOS, c->doppler_hz, c->k_factor, 0.0, 0, c->seed,
                                        c->point, (c->trial & 0xFFFu) << 20 | d);
                if (!dv->fade) return -ENOMEM;
            }
            evq_time t0 = next_arrival(m, d, 0, 0);
            if (t0 < to_ticks(c->duration_s) && push(m, t0, EV_ARRIVE, d, 0)) return -ENOMEM;
        }
    m->warmup = to_ticks(c->warmup_s);
    return push(m, m->warmup, EV_WARMUP, 0, 0);
}

static void teardown(sim *m)
{
    for (uint32_t d = 0; m->dev && d < m->ndev; d++) {
        fl_jakes_destroy(m->dev[d].fade);
        fl_station_destroy(m->dev[d].cpu);
        free(m->dev[d].txq);
    }
    free(m->dev);
    free(m->ready);
    free(m->fr);
    fl_evq_destroy(m->q);
    fl_station_destroy(m->server);
}

int fl_sys_run(const sys_config *c, sys_frame_fn fn, void *arg, sys_totals *tot)
{
    char why[256];
    int rc = fl_sys_check(c, why, sizeof why);
    if (rc) return rc;
    sim m = {.c = c, .tot = tot, .fn = fn, .fn_arg = arg};
    memset(tot, 0, sizeof *tot);
    rc = setup(&m, c);
    evq_event e;
    while (!rc && fl_evq_pop(m.q, &e) == 0) {
        m.end = e.t;
        switch (e.kind) {
        case EV_ARRIVE: rc = on_arrive(&m, e.id, e.t); break;
        case EV_ENCODED: rc = on_encoded(&m, e.id, (int)e.arg, e.t); break;
        case EV_TXDONE: rc = on_txdone(&m, e.id, e.t); break;
        case EV_SERVED: rc = on_served(&m, e.id, e.t); break;
        case EV_WARMUP: fl_station_reset_stats(m.server, e.t); break;
        case EV_BATCH: rc = on_batch_timer(&m, e.t); break;
        case EV_RETRY:
            if (c->access != SYS_FDMA && m.dev[e.id].qlen) ready_add(&m, e.id);
            rc = schedule(&m, e.id, e.t);
            break;
        default: rc = -EINVAL;
        }
    }
    if (!rc) {
        station_stats st;
        fl_station_get_stats(m.server, m.end, &st);
        tot->elapsed_s = fl_evq_ticks_to_seconds(m.end - m.warmup);
        double bands = c->access == SYS_FDMA ? (double)m.ndev : 1.0;
        tot->uplink_utilisation = tot->elapsed_s > 0 ? tot->uplink_busy_s / (tot->elapsed_s * bands) : NAN;
        tot->server_utilisation = st.utilisation;
        tot->server_mean_in_system = st.mean_in_system;
        tot->server_jobs = st.starts;
        tot->server_batches = st.batches;
    }
    teardown(&m);
    return rc;
}
