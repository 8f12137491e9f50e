/* measure: proxy metrics, references and capacity columns (measure.h). */
#include "sim/measure.h"

#include "channel/capacity.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Project _n tokens of _x into a new buffer (*_out, caller frees), or alias
 * _x when there is no projector. */
static int measure_project(const projector *proj, const float *x, size_t n, float **out, const float **view)
{
    *out = NULL;
    if (!proj) {
        *view = x;
        return 0;
    }
    float *p = malloc(n * fl_projector_out_dims(proj) * sizeof *p + 1);
    if (!p)
        return -ENOMEM;
    int rc = fl_projector_execute(proj, x, n, p);
    if (rc) {
        free(p);
        return rc;
    }
    *out = p;
    *view = p;
    return 0;
}

int fl_measure_metrics(const frame_ctx *f, const float *x, const float *xhat, size_t nx, const float *ymerged,
                    size_t ny, metrics_report *m)
{
    float *px = NULL, *ph = NULL, *py = NULL;
    const float *vx = NULL, *vh = NULL, *vy = NULL;
    int rc = measure_project(f->proj, x, nx, &px, &vx);
    if (!rc)
        rc = measure_project(f->proj, xhat, nx, &ph, &vh);
    if (!rc && ymerged)
        rc = measure_project(f->proj, ymerged, ny, &py, &vy);
    size_t d = f->proj ? fl_projector_out_dims(f->proj) : (size_t)f->dims;
    if (!rc && !ymerged)
        rc = fl_metrics_compute(f->ws, vx, nx, vh, nx, d, METRICS_ALL, m);
    if (!rc && ymerged) {
        rc = fl_metrics_compute(f->ws, vx, nx, vh, nx, d, METRICS_ELEMENTWISE | METRICS_CKA, m);
        if (!rc)
            rc = fl_metrics_greedy_match(vx, nx, vy, ny, d, &m->precision, &m->recall, &m->f1);
    }
    free(px), free(ph), free(py);
    return rc;
}

int fl_measure_reference(const frame_ctx *f, double t_s, uint32_t frame, const float *x, size_t nx,
                      uint32_t purpose, measure_digital_ref_fn digital, metrics_report *mref)
{
    const fl_config *c = f->c;
    size_t n = nx * (size_t)f->dims;
    float *xref = malloc(n * sizeof *xref + 1);
    if (!xref)
        return -ENOMEM;
    int rc = 0;
    link_kind mode = fl_link_mode(f->link);
    if (c->metrics.reference == REF_SAME_SNR && mode == LINK_ANALOG) {
        link_tx tx = {.frame = frame, .values = x, .nvalues = (int64_t)n, .purpose = purpose};
        link_rx rx = {.values = xref};
        rc = fl_link_send(f->link, t_s, &tx, &rx, NULL);
    } else if (c->metrics.reference == REF_SAME_SNR && mode == LINK_DIGITAL) {
        rc = digital(f, t_s, frame, x, xref);
    } else {
        memcpy(xref, x, n * sizeof *xref); /* clean, or an error-free capacity fl_link */
    }
    if (!rc)
        rc = fl_measure_metrics(f, x, xref, nx, NULL, nx, mref);
    free(xref);
    return rc;
}

int fl_measure_put(trials_acc *acc, const metrics_report *m)
{
    int rc = fl_trials_put(acc, "cosine", m->cosine, "");
    rc = rc ? rc : fl_trials_put(acc, "nmse", m->nmse, "");
    rc = rc ? rc : fl_trials_put(acc, "feature_snr_db", m->snr_db, "dB");
    rc = rc ? rc : fl_trials_put(acc, "proxy_precision", m->precision, "");
    rc = rc ? rc : fl_trials_put(acc, "proxy_recall", m->recall, "");
    rc = rc ? rc : fl_trials_put(acc, "proxy_f1", m->f1, "");
    return rc ? rc : fl_trials_put(acc, "cka", m->cka, "");
}

int fl_measure_link_columns(trials_acc *acc, const link_report *rep, int frame_lost, const char *lost_name,
                         double lost)
{
    double rate = rep->packets ? (double)rep->packets_lost / (double)rep->packets : 0.0;
    int rc = fl_trials_put(acc, "packets", (double)rep->packets, "");
    rc = rc ? rc : fl_trials_put(acc, "packets_lost", (double)rep->packets_lost, "");
    rc = rc ? rc : fl_trials_put(acc, "packet_loss_rate", rate, "");
    rc = rc ? rc : fl_trials_put(acc, "packet_bits", (double)rep->packet_bits, "bit");
    rc = rc ? rc : fl_trials_put(acc, "air_bits", (double)rep->air_bits, "bit");
    rc = rc ? rc : fl_trials_put(acc, "air_symbols", (double)rep->symbols, "");
    rc = rc ? rc : fl_trials_put(acc, "airtime_s", rep->airtime_s, "s");
    rc = rc ? rc : fl_trials_put(acc, "frame_lost", frame_lost ? 1.0 : 0.0, "");
    return rc ? rc : fl_trials_put(acc, lost_name, lost, "");
}

/* _bits / (_scale _bphz): the time (_scale = bandwidth) or bandwidth
 * (_scale = time) at spectral efficiency _bphz; +inf at zero capacity */
static double measure_over(double bits, double scale, double bphz)
{
    return bphz > 0.0 ? bits / (scale * bphz) : INFINITY;
}

/* Each column computed from the capacity its name says, γ the mean SNR:
 *   ergodic_capacity_bps_hz     C_erg = E log2(1 + γ|h|^2) (Rayleigh
 *                               log2(e) e^{1/γ} E1(1/γ); Rician numerically)
 *   min_bandwidth_ergodic_hz    bits / (link.budget_s C_erg)
 *   transfer_time_ergodic_s     bits / (link.bandwidth_hz C_erg)
 *   required_rate_bps_hz        R = bits / (link.budget_s link.bandwidth_hz)
 *   outage_prob                 P(log2(1 + γ|h|^2) < R)
 *   eps_outage_capacity_bps_hz  C_ε, P(log2(1 + γ|h|^2) < C_ε) = channel.outage_eps
 *   min_bandwidth_eps_outage_hz bits / (link.budget_s C_ε)
 *   transfer_time_eps_outage_s  bits / (link.bandwidth_hz C_ε) */
int fl_measure_fading_columns(const fl_config *c, double bits, row *r, char *err, size_t len)
{
    double snr_db = c->channel.snr_db;
    if (c->channel.kind == PHY_AWGN || !isfinite(snr_db))
        return 0;
    capacity_fading cf;
    double k = c->channel.kind == PHY_RICIAN ? c->channel.k_factor : 0.0;
    double rate = bits / (c->link.budget_s * c->link.bandwidth_hz);
    int rc = fl_capacity_fading_point(snr_db, k, rate, c->channel.outage_eps, &cf);
    if (rc) {
        snprintf(err, len, "fading capacity failed (%s)", strerror(-rc));
        return rc;
    }
    double T = c->link.budget_s, B = c->link.bandwidth_hz;
    rc = fl_row_set(r, "ergodic_capacity_bps_hz", cf.ergodic_bphz, "bit/s/Hz");
    rc = rc ? rc : fl_row_set(r, "min_bandwidth_ergodic_hz", measure_over(bits, T, cf.ergodic_bphz), "Hz");
    rc = rc ? rc : fl_row_set(r, "transfer_time_ergodic_s", measure_over(bits, B, cf.ergodic_bphz), "s");
    rc = rc ? rc : fl_row_set(r, "required_rate_bps_hz", rate, "bit/s/Hz");
    rc = rc ? rc : fl_row_set(r, "outage_prob", cf.outage_prob, "");
    rc = rc ? rc : fl_row_set(r, "eps_outage_capacity_bps_hz", cf.eps_outage_bphz, "bit/s/Hz");
    rc = rc ? rc : fl_row_set(r, "min_bandwidth_eps_outage_hz", measure_over(bits, T, cf.eps_outage_bphz), "Hz");
    rc = rc ? rc : fl_row_set(r, "transfer_time_eps_outage_s", measure_over(bits, B, cf.eps_outage_bphz), "s");
    if (rc)
        snprintf(err, len, "too many result columns (%s)", strerror(-rc));
    return rc;
}
