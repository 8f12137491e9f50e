/* uplink: per-packet rate and packet error models and the ARQ closed forms
 * (models and sources in sim/uplink.h). */
#include "sim/uplink.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "channel/berclosed.h"

static const char *const model_names[] = {"shannon", "mcs_nr", "mcs_ax", "fixed"};
#define NMODELS ((int)(sizeof(model_names) / sizeof(model_names[0])))

static int is_mcs(uplink_rate_model m)
{
    return m == UPLINK_MCS_NR || m == UPLINK_MCS_AX;
}

int fl_uplink_cfg_init(uplink_cfg *c, uplink_rate_model model)
{
    if (!c || (int)model < 0 || (int)model >= NMODELS)
        return -EINVAL;
    memset(c, 0, sizeof(*c));
    c->model = model;
    c->gap_db = 0.0;
    c->min_snr_db = -INFINITY;
    c->fixed_rate_bps = 0.0;
    c->uncoded_bits = 0;
    c->table = model == UPLINK_MCS_NR ? fl_mcs_table_find("nr_cqi")
             : model == UPLINK_MCS_AX ? fl_mcs_table_find("ax_he20") : NULL;
    return 0;
}

static int uncoded_ok(unsigned k)
{
    return k == 0 || k == 1 || k == 2 || k == 4 || k == 6 || k == 8;
}

int fl_uplink_cfg_check(const uplink_cfg *c)
{
    if (!c || (int)c->model < 0 || (int)c->model >= NMODELS)
        return -EINVAL;
    switch (c->model) {
    case UPLINK_SHANNON:
        if (!(c->gap_db >= 0.0 && c->gap_db <= 30.0) || isnan(c->min_snr_db) ||
            c->min_snr_db == INFINITY || !uncoded_ok(c->uncoded_bits))
            return -EINVAL;
        return 0;
    case UPLINK_FIXED:
        if (!(c->fixed_rate_bps > 0.0 && isfinite(c->fixed_rate_bps)) ||
            !uncoded_ok(c->uncoded_bits))
            return -EINVAL;
        return 0;
    case UPLINK_MCS_NR:
    case UPLINK_MCS_AX: {
        const mcs_table *t = c->table;
        mcs_family want = c->model == UPLINK_MCS_NR ? MCS_FAMILY_3GPP : MCS_FAMILY_80211;
        if (!t || t->family != want || t->n <= 0 || !t->e || t->ref_bits == 0)
            return -EINVAL;
        return 0;
    }
    }
    return -EINVAL;
}

int fl_uplink_rate_model_parse(const char *name, uplink_rate_model *out)
{
    if (!name || !out)
        return -EINVAL;
    for (int i = 0; i < NMODELS; i++)
        if (strcmp(name, model_names[i]) == 0) {
            *out = (uplink_rate_model)i;
            return 0;
        }
    return -EINVAL;
}

const char *fl_uplink_rate_model_name(uplink_rate_model m)
{
    return (int)m >= 0 && (int)m < NMODELS ? model_names[m] : NULL;
}

int fl_uplink_cfg_print(const uplink_cfg *c, char *buf, size_t len)
{
    if (!c)
        return snprintf(buf, len, "uplink: (null)");
    const char *name = fl_uplink_rate_model_name(c->model);
    switch (c->model) {
    case UPLINK_SHANNON:
        return snprintf(buf, len, "uplink: shannon, gap %g dB, outage below %g dB, %s",
                        c->gap_db, c->min_snr_db,
                        c->uncoded_bits ? "uncoded PER" : "error-free");
    case UPLINK_FIXED:
        return snprintf(buf, len, "uplink: fixed %g bit/s, %s", c->fixed_rate_bps,
                        c->uncoded_bits ? "uncoded PER" : "error-free");
    default:
        return snprintf(buf, len, "uplink: %s, table %s (%s), %d entries, 10%% BLER at %llu bits",
                        name ? name : "?", c->table ? c->table->name : "(none)",
                        c->table ? c->table->source : "", c->table ? c->table->n : 0,
                        c->table ? (unsigned long long)c->table->ref_bits : 0ull);
    }
}

double fl_uplink_rate_bps(const uplink_cfg *c, double snr_db, double bandwidth_hz, int *mcs)
{
    if (mcs)
        *mcs = -1;
    if (!c || isnan(snr_db) || !(bandwidth_hz > 0.0 && isfinite(bandwidth_hz)))
        return NAN;
    switch (c->model) {
    case UPLINK_SHANNON: {
        if (snr_db < c->min_snr_db)
            return 0.0;
        /* log2(1 + γ/Γ) with log1p for small SNR; γ/Γ = 10^((snr - gap)/10) */
        double x = pow(10.0, (snr_db - c->gap_db) / 10.0);
        return bandwidth_hz * log1p(x) / M_LN2;
    }
    case UPLINK_FIXED:
        return c->fixed_rate_bps;
    case UPLINK_MCS_NR:
    case UPLINK_MCS_AX: {
        int i = fl_mcs_select(c->table, snr_db);
        if (mcs)
            *mcs = i;
        return i < 0 ? 0.0 : bandwidth_hz * c->table->e[i].se_bphz;
    }
    }
    return NAN;
}

/* 1 - (1 - p)^L without cancellation for tiny p or long L */
static double block_error(double p, uint64_t bits)
{
    if (p <= 0.0)
        return 0.0;
    if (p >= 1.0)
        return 1.0;
    return -expm1((double)bits * log1p(-p));
}

/* equivalent-BPSK bit error probability of a coded entry (sim/uplink.h) */
static double coded_bit_error(const mcs_table *t, int i, double snr_db)
{
    double pstar = -expm1(log1p(-MCS_TARGET_BLER) / (double)t->ref_bits);
    double xstar = gsl_cdf_ugaussian_Qinv(pstar);
    double amp = pow(10.0, (snr_db - t->e[i].threshold_db) / 20.0);   /* sqrt(γ / γ_th) */
    return fl_berclosed_q(xstar * amp);
}

double fl_uplink_packet_error(const uplink_cfg *c, double snr_db, int mcs, uint64_t packet_bits)
{
    if (!c || isnan(snr_db) || packet_bits == 0)
        return NAN;
    if (is_mcs(c->model)) {
        if (!c->table || mcs < -1 || mcs >= c->table->n)
            return NAN;
        if (mcs < 0)
            return 1.0;
        return block_error(coded_bit_error(c->table, mcs, snr_db), packet_bits);
    }
    if (c->uncoded_bits == 0)
        return 0.0;
    if (snr_db == INFINITY)
        return 0.0;
    double es = fl_berclosed_db2lin(snr_db);
    double ber = fl_berclosed_ber_awgn(c->uncoded_bits, es / c->uncoded_bits);
    if (isnan(ber))
        return NAN;
    return block_error(ber, packet_bits);
}

int fl_uplink_link(void *arg, uint32_t device, double snr_db, double bandwidth_hz,
                uint64_t bits, double *rate_bps, double *per)
{
    const uplink_cfg *c = arg;
    (void)device;
    if (!c || !rate_bps || !per)
        return -EINVAL;
    int mcs;
    double r = fl_uplink_rate_bps(c, snr_db, bandwidth_hz, &mcs);
    if (isnan(r))
        return -EINVAL;
    *rate_bps = r;
    if (r == 0.0) {
        *per = 1.0;
        return 0;
    }
    double p = fl_uplink_packet_error(c, snr_db, mcs, bits ? bits : 1);
    if (isnan(p))
        return -EINVAL;
    *per = p;
    return 0;
}

static int arq_args_ok(double p, int max_retx)
{
    return p >= 0.0 && p <= 1.0 && max_retx >= 0;
}

double fl_uplink_arq_loss(double p, int max_retx)
{
    if (!arq_args_ok(p, max_retx))
        return NAN;
    return pow(p, (double)max_retx + 1.0);
}

double fl_uplink_arq_mean_attempts(double p, int max_retx)
{
    if (!arq_args_ok(p, max_retx))
        return NAN;
    double n = (double)max_retx + 1.0;
    if (p == 1.0)
        return n;
    if (max_retx <= 64) {
        /* 1 + p + ... + p^R by Horner: positive terms, relative error <= R ulp */
        double s = 1.0;
        for (int j = 0; j < max_retx; j++)
            s = 1.0 + p * s;
        return s;
    }
    /* (1 - p^n) / (1 - p) with -expm1(n ln p) so p^n near 1 keeps its digits */
    return -expm1(n * log(p)) / (1.0 - p);
}

double fl_uplink_arq_attempts_pmf(double p, int max_retx, int n)
{
    if (!arq_args_ok(p, max_retx))
        return NAN;
    if (n < 1 || n > max_retx + 1)
        return 0.0;
    double first = pow(p, (double)(n - 1));   /* pow(0, 0) = 1 */
    return n <= max_retx ? first * (1.0 - p) : first;
}
