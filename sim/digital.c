/* digital: FEC -> modem/channel -> Viterbi for one packet, and BER points (digital.h). */
#include "sim/digital.h"

#include "channel/ber.h"
#include "channel/conv.h"
#include "channel/jakes.h"
#include "channel/noise.h"
#include "channel/phy.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double fl_digital_esn0_db(const fl_config *c)
{
    if (c->channel.has_ebn0)
        return fl_phy_esn0_from_ebn0_db(c->channel.ebn0_db, (unsigned)c->modem.scheme, fl_conv_code_rate(c->link.fec));
    return c->channel.snr_db;
}

static void digital_phy_config(const fl_config *c, uint32_t point, phy_config *pc)
{
    memset(pc, 0, sizeof *pc);
    pc->scheme = c->modem.scheme;
    pc->channel = c->channel.kind;
    pc->fading = c->channel.fading;
    pc->k_factor = c->channel.kind == PHY_RICIAN ? c->channel.k_factor : 0.0;
    pc->block_symbols = (size_t)c->channel.block_symbols;
    pc->esn0_db = fl_digital_esn0_db(c);
    pc->seed = c->seed;
    pc->point = point;
}

/* The chain: phy, optional encoder/decoder, optional Jakes process and the
 * per-packet buffers, sized for packets of up to max_bits info bits. */
struct digital_chain {
    phy   *phy;
    conv  *fec;
    jakes *fade;
    double symbol_rate_hz;
    int    soft;             /* LLR demapping (FEC, or modem.demap = llr) */
    unsigned k;
    size_t max_bits;
    uint8_t *coded;
    float   *llr, *gre, *gim;
};

void fl_digital_chain_destroy(digital_chain *d)
{
    if (!d)
        return;
    fl_phy_destroy(d->phy);
    fl_conv_destroy(d->fec);
    fl_jakes_destroy(d->fade);
    free(d->coded), free(d->llr), free(d->gre), free(d->gim);
    free(d);
}

/* the encoder and the coded-bit buffers; 0 or -ENOMEM */
static int digital_chain_buffers(digital_chain *d, const fl_config *c, size_t max_bits)
{
    size_t coded_bits = max_bits;
    if (c->link.fec != CONV_RATE_NONE) {
        if (!(d->fec = fl_conv_create(c->link.fec, max_bits)) ||
            fl_conv_set_metric_bits(d->fec, c->link.viterbi_bits == 8 ? 8u : 16u) != 0)
            return -ENOMEM;
        coded_bits = fl_conv_coded_bits(c->link.fec, max_bits);
    }
    d->soft = d->fec != NULL || c->modem.demap != BER_DEMAP_HARD;
    d->coded = malloc((coded_bits + 7) / 8);
    d->llr = d->soft ? malloc(coded_bits * sizeof *d->llr) : NULL;
    if (!d->coded || (d->soft && !d->llr))
        return -ENOMEM;
    if (c->channel.fading == PHY_FADING_GAINS && c->channel.kind != PHY_AWGN) {
        size_t nsym = (coded_bits + d->k - 1) / d->k;
        d->gre = malloc(nsym * sizeof *d->gre);
        d->gim = malloc(nsym * sizeof *d->gim);
        if (!d->gre || !d->gim)
            return -ENOMEM;
    }
    return 0;
}

int fl_digital_chain_create(const fl_config *c, uint32_t point, uint32_t device, size_t max_bits,
                         digital_chain **out)
{
    *out = NULL;
    phy_config pc;
    digital_phy_config(c, point, &pc);
    if (!isfinite(pc.esn0_db) || max_bits == 0)
        return -EINVAL;
    digital_chain *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    d->k = (unsigned)pc.scheme;
    d->max_bits = max_bits;
    d->phy = fl_phy_create(&pc);
    int rc = d->phy ? digital_chain_buffers(d, c, max_bits) : -EINVAL;
    if (!rc && d->gre) {
        /* time-correlated gains: one continuous sum-of-sinusoids process */
        d->fade = fl_jakes_create(JAKES_SOS, c->channel.doppler_hz > 0 ? c->channel.doppler_hz : 1e-9,
                               c->channel.kind == PHY_RICIAN ? c->channel.k_factor : 0.0, 0.0, 0, c->seed,
                               point, device);
        d->symbol_rate_hz = c->channel.symbol_rate_hz;
        rc = d->fade ? 0 : -ENOMEM;
    }
    if (rc) {
        fl_digital_chain_destroy(d);
        return rc;
    }
    *out = d;
    return 0;
}

uint64_t fl_digital_chain_air_bits(const digital_chain *d, size_t n)
{
    return d->fec ? fl_conv_coded_bits(fl_conv_get_rate(d->fec), n) : n;
}

/* LLR = ln P(0)/P(1) < 0 decides 1 */
static void digital_llr_hard(const float *llr, size_t n, uint8_t *out)
{
    memset(out, 0, (n + 7) / 8);
    for (size_t i = 0; i < n; i++)
        if (llr[i] < 0)
            out[i >> 3] |= (uint8_t)(0x80u >> (i & 7));
}

int64_t fl_digital_chain_send(digital_chain *d, double t_s, uint32_t trial, uint64_t phy_frame, const uint8_t *bits,
                           size_t n, uint8_t *out)
{
    if (n == 0 || n > d->max_bits)
        return -EINVAL;
    const uint8_t *tx = bits;
    size_t nc = n;
    if (d->fec) {
        nc = fl_conv_coded_bits(fl_conv_get_rate(d->fec), n);
        if (fl_conv_encode_packed(d->fec, bits, n, d->coded))
            return -EINVAL;
        tx = d->coded;
    }
    size_t nsym = (nc + d->k - 1) / d->k;
    if (d->fade) {
        int rc = fl_jakes_fill(d->fade, t_s, 1.0 / d->symbol_rate_hz, nsym, d->gre, d->gim);
        if (!rc)
            rc = fl_phy_set_gains(d->phy, d->gre, d->gim, nsym);
        if (rc)
            return rc;
    }
    int rc;
    if (d->soft) {
        rc = fl_phy_transmit_llr(d->phy, trial, phy_frame, tx, nc, MODEM_DEMAP_EXACT, d->llr);
        if (!rc && d->fec)
            rc = fl_conv_decode_packed(d->fec, d->llr, n, out);
        else if (!rc)
            digital_llr_hard(d->llr, n, out);
    } else {
        rc = fl_phy_transmit_hard(d->phy, trial, phy_frame, tx, nc, out);
    }
    return rc ? rc : (int64_t)nsym;
}

/* The point's own progress (digital.h), from channel/ber's callback. */
typedef struct {
    digital_progress_cb fn;
    void *arg;
    int64_t point;
} digital_progress;

static void digital_progress_fn(void *arg, uint64_t bits, uint64_t errors)
{
    const digital_progress *d = arg;
    d->fn(d->arg, d->point, bits, errors);
}

/* Random information bits of BER frame _f: Philox words of stream
 * DIGITAL_PURPOSE_BITS from block f << 24, MSB first. */
static void digital_ber_bits(noise *src, uint64_t f, uint32_t *words, size_t n, uint8_t *tx)
{
    fl_noise_seek(src, f << 24);
    fl_noise_u32_fill(src, words, (n + 31) / 32);
    for (size_t i = 0; i < (n + 7) / 8; i++)
        tx[i] = (uint8_t)(words[i / 4] >> (24 - 8 * (i % 4)));
}

/* Frames as clusters of the design effect (ber.h): Σe², Σen, Σn² */
typedef struct {
    double e2, en, n2;
} digital_clusters;

/* Count frame _f's errors into _o and _k; 1 when the stopping rule is met */
static int digital_ber_count(const fl_config *c, const uint8_t *tx, const uint8_t *rx, size_t n, int64_t nsym,
                             ber_result *o, digital_clusters *k)
{
    uint64_t e = 0;
    for (size_t i = 0; i < n / 8; i++)
        e += (uint64_t)__builtin_popcount(tx[i] ^ rx[i]);
    o->bits += n;
    o->bit_errors += e;
    k->e2 += (double)e * (double)e;
    k->en += (double)e * (double)n;
    k->n2 += (double)n * (double)n;
    o->frames++;
    o->frame_errors += e > 0;
    o->symbols += (uint64_t)nsym;
    return (c->stop.min_errors > 0 && o->bit_errors >= (uint64_t)c->stop.min_errors) ||
           o->bits >= (uint64_t)c->stop.max_bits;
}

/* Coded or Jakes BER: frames through one chain, back to back in time;
 * _prog (may be NULL) gets the counts as channel/ber's callback would:
 * every BER_PROGRESS_BITS bits and after the last frame. */
static int digital_ber_loop(const fl_config *c, int64_t point, const digital_progress *prog, ber_result *o)
{
    size_t n = (size_t)c->link.packet_bytes * 8;
    digital_chain *d = NULL;
    uint8_t *tx = malloc((n + 7) / 8), *rx = malloc((n + 7) / 8);
    uint32_t *words = malloc(((n + 31) / 32) * sizeof *words);
    noise *src = fl_noise_create(c->seed, (uint32_t)point, DIGITAL_PURPOSE_BITS, 0);
    int rc = tx && rx && words && src ? fl_digital_chain_create(c, (uint32_t)point, 0, n, &d) : -ENOMEM;
    memset(o, 0, sizeof *o);
    digital_clusters k = {0};
    uint64_t reported = 0;
    double t_s = 0.0;
    for (uint64_t f = 0; !rc; f++) {
        digital_ber_bits(src, f, words, n, tx);
        int64_t nsym = fl_digital_chain_send(d, t_s, 0, f, tx, n, rx);
        if (nsym < 0) {
            rc = (int)nsym;
            break;
        }
        t_s += (double)nsym / c->channel.symbol_rate_hz;
        int stop = digital_ber_count(c, tx, rx, n, nsym, o, &k);
        if (prog && (stop || o->bits - reported >= BER_PROGRESS_BITS)) {
            reported = o->bits;
            digital_progress_fn((void *)prog, o->bits, o->bit_errors);
        }
        if (stop)
            break;
    }
    if (!rc) {
        o->ber = (double)o->bit_errors / (double)o->bits;
        o->fer = (double)o->frame_errors / (double)o->frames;
        o->ser = NAN; /* symbol errors are not defined through a decoder */
        /* decoded errors come in bursts and Jakes fades span symbols: the
         * frame is the cluster of the design effect (channel/ber.h; with
         * fewer than BER_DEFF_MIN_CLUSTERS frames in error, every frame
         * counts as one trial) */
        rc = fl_ber_interval(o->bits, o->bit_errors, k.e2, k.en, k.n2, o->frame_errors, o);
    }
    fl_digital_chain_destroy(d);
    free(tx), free(rx), free(words);
    fl_noise_destroy(src);
    return rc;
}

int fl_digital_ber_point(const fl_config *c, int64_t point, digital_progress_cb progress, void *progress_arg, row *r,
                      char *err, size_t len)
{
    digital_progress prog = {progress, progress_arg, point};
    int report = progress != NULL;
    unsigned k = (unsigned)c->modem.scheme;
    double rate = fl_conv_code_rate(c->link.fec);
    double esn0 = fl_digital_esn0_db(c);
    double ebn0 = esn0 - 10.0 * log10((double)k * rate);
    ber_result o;
    phy_config pc;
    digital_phy_config(c, (uint32_t)point, &pc);
    int rc;
    if (c->link.fec == CONV_RATE_NONE && c->channel.fading != PHY_FADING_GAINS) {
        /* uncoded: the threaded Monte-Carlo engine of channel/ber */
        ber_config bc = {
            .phy = pc,
            .ebn0_db = ebn0,
            .code_rate = 1.0,
            .demap = c->modem.demap,
            .frame_bits = (size_t)c->link.packet_bytes * 8,
            .trial = 0,
            .min_errors = (uint64_t)c->stop.min_errors,
            .max_bits = (uint64_t)c->stop.max_bits,
            .threads = 1,
            .progress = report ? digital_progress_fn : NULL,
            .progress_arg = report ? &prog : NULL,
        };
        rc = fl_ber_run(&bc, &o);
    } else {
        rc = digital_ber_loop(c, point, report ? &prog : NULL, &o);
        o.fl_ber_theory = NAN;
        o.ser_theory = NAN;
    }
    if (rc) {
        snprintf(err, len, "BER simulation failed (%s)", strerror(-rc));
        return rc;
    }
    /* the uncoded closed form (berclosed.h) at the same Eb/N0 per
     * information bit, beside coded results too (the coding gain reference) */
    double uncoded = fl_ber_theory(&pc, ebn0);
    fl_row_set(r, "ebn0_db", ebn0, "dB Eb/N0 per info bit");
    fl_row_set(r, "esn0_db", esn0, "dB Es/N0 per symbol");
    fl_row_set(r, "code_rate", rate, "");
    fl_row_set(r, "bits", (double)o.bits, "bit");
    fl_row_set(r, "bit_errors", (double)o.bit_errors, "");
    fl_row_set(r, "ber", o.ber, "");
    fl_row_set(r, "ber_ci_low", o.ber_ci_low, "");
    fl_row_set(r, "ber_ci_high", o.ber_ci_high, "");
    fl_row_set(r, "ber_design_effect", o.ber_deff, "");
    fl_row_set(r, "ber_design_effect_estimated", (double)o.ber_deff_estimated, "");
    fl_row_set(r, "ber_error_clusters", (double)o.ber_error_clusters, "");
    fl_row_set(r, "ber_theory", c->link.fec == CONV_RATE_NONE ? uncoded : NAN, "");
    fl_row_set(r, "ber_uncoded_theory", uncoded, "");
    fl_row_set(r, "ser", o.ser, "");
    fl_row_set(r, "ser_theory", c->link.fec == CONV_RATE_NONE && c->channel.fading != PHY_FADING_GAINS ? o.ser_theory : NAN, "");
    fl_row_set(r, "per", o.fer, "");
    fl_row_set(r, "packets", (double)o.frames, "");
    return 0;
}
