/* digital: packets -> FEC -> modem/channel -> Viterbi -> CRC (digital.h). */
#include "sim/digital.h"

#include "channel/ber.h"
#include "channel/conv.h"
#include "channel/jakes.h"
#include "channel/noise.h"
#include "channel/packet.h"
#include "channel/phy.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const modem_scheme digital_schemes[] = {MODEM_BPSK, MODEM_QPSK, MODEM_QAM16, MODEM_QAM64,
                                               MODEM_QAM256};

static double digital_code_rate(const fl_config *c)
{
    switch (c->link.fec) {
    case FEC_CONV12: return conv_code_rate(CONV_RATE_1_2);
    case FEC_CONV23: return conv_code_rate(CONV_RATE_2_3);
    case FEC_CONV34: return conv_code_rate(CONV_RATE_3_4);
    default: return 1.0;
    }
}

double digital_esn0_db(const fl_config *c)
{
    unsigned k = (unsigned)digital_schemes[c->modem.scheme];
    if (c->channel.has_ebn0)
        return phy_esn0_from_ebn0_db(c->channel.ebn0_db, k, digital_code_rate(c));
    return c->channel.snr_db;
}

static void digital_phy_config(const fl_config *c, uint32_t point, phy_config *pc)
{
    memset(pc, 0, sizeof *pc);
    pc->scheme = digital_schemes[c->modem.scheme];
    pc->channel = c->channel.kind == CH_AWGN ? PHY_AWGN : c->channel.kind == CH_RAYLEIGH ? PHY_RAYLEIGH
                                                                                        : PHY_RICIAN;
    pc->fading = c->channel.fading == FAD_BLOCK ? PHY_FADING_BLOCK : PHY_FADING_FAST;
    pc->k_factor = c->channel.kind == CH_RICIAN ? c->channel.k_factor : 0.0;
    pc->block_symbols = (size_t)c->channel.block_symbols;
    pc->esn0_db = digital_esn0_db(c);
    pc->seed = c->seed;
    pc->point = point;
}

/* One link instance: phy, optional encoder/decoder, optional Jakes process
 * and the per-frame buffers, sized for frames of up to _max_bits info bits. */
typedef struct {
    phy   *phy;
    conv  *fec;
    jakes *fade;
    double symbol_rate_hz;
    double t_s;              /* time of the next symbol (Jakes) */
    int    soft;             /* LLR demapping (FEC, or modem.demap = llr) */
    modem_demap demap;
    unsigned k;
    uint8_t *coded, *rx_coded;
    float   *llr, *gre, *gim;
} digital_link;

static void digital_link_free(digital_link *l)
{
    phy_destroy(l->phy);
    conv_destroy(l->fec);
    jakes_destroy(l->fade);
    free(l->coded), free(l->rx_coded), free(l->llr), free(l->gre), free(l->gim);
    memset(l, 0, sizeof *l);
}

static int digital_link_init(digital_link *l, const fl_config *c, uint32_t point, uint32_t trial,
                             size_t max_bits)
{
    memset(l, 0, sizeof *l);
    phy_config pc;
    digital_phy_config(c, point, &pc);
    if (!isfinite(pc.esn0_db))
        return -EINVAL;
    l->phy = phy_create(&pc);
    if (!l->phy)
        return -EINVAL;
    l->k = (unsigned)pc.scheme;
    size_t coded_bits = max_bits;
    if (c->link.fec != FEC_NONE) {
        conv_rate rate = c->link.fec == FEC_CONV12 ? CONV_RATE_1_2
                         : c->link.fec == FEC_CONV23 ? CONV_RATE_2_3 : CONV_RATE_3_4;
        l->fec = conv_create(rate, max_bits);
        if (!l->fec)
            return -ENOMEM;
        coded_bits = conv_coded_bits(rate, max_bits);
    }
    l->soft = l->fec != NULL || c->modem.demap == DEMAP_LLR;
    l->demap = MODEM_DEMAP_EXACT;
    size_t nsym = (coded_bits + l->k - 1) / l->k;
    l->coded = malloc((coded_bits + 7) / 8);
    l->rx_coded = malloc((coded_bits + 7) / 8);
    l->llr = l->soft ? malloc(coded_bits * sizeof *l->llr) : NULL;
    if (!l->coded || !l->rx_coded || (l->soft && !l->llr))
        return -ENOMEM;
    if (c->channel.fading == FAD_JAKES && c->channel.kind != CH_AWGN) {
        /* time-correlated gains: one continuous sum-of-sinusoids process */
        l->fade = jakes_create(JAKES_SOS, c->channel.doppler_hz > 0 ? c->channel.doppler_hz : 1e-9,
                               c->channel.kind == CH_RICIAN ? c->channel.k_factor : 0.0, 0.0, 0, c->seed,
                               point, trial);
        l->gre = malloc(nsym * sizeof *l->gre);
        l->gim = malloc(nsym * sizeof *l->gim);
        if (!l->fade || !l->gre || !l->gim)
            return -ENOMEM;
        l->symbol_rate_hz = c->channel.symbol_rate_hz;
    }
    return 0;
}

/* Send _n info bits (packed) of frame _frame; _out gets the decided bits.
 * Returns the number of symbols used, or a negative errno. */
static int64_t digital_link_frame(digital_link *l, uint32_t trial, uint64_t frame, const uint8_t *bits,
                                  size_t n, uint8_t *out)
{
    const uint8_t *tx = bits;
    size_t nc = n;
    if (l->fec) {
        nc = conv_coded_bits(conv_get_rate(l->fec), n);
        if (conv_encode_packed(l->fec, bits, n, l->coded))
            return -EINVAL;
        tx = l->coded;
    }
    size_t nsym = (nc + l->k - 1) / l->k;
    if (l->fade) {
        jakes_fill(l->fade, l->t_s, 1.0 / l->symbol_rate_hz, nsym, l->gre, l->gim);
        phy_set_gains(l->phy, l->gre, l->gim, nsym);
        l->t_s += (double)nsym / l->symbol_rate_hz;
    }
    int rc;
    if (l->soft) {
        rc = phy_transmit_llr(l->phy, trial, frame, tx, nc, l->demap, l->llr);
        if (!rc && l->fec)
            rc = conv_decode_packed(l->fec, l->llr, n, out);
        else if (!rc) {
            memset(out, 0, (n + 7) / 8);
            for (size_t i = 0; i < n; i++)
                if (l->llr[i] < 0) /* LLR = ln P(0)/P(1) < 0 decides 1 */
                    out[i >> 3] |= (uint8_t)(0x80u >> (i & 7));
        }
    } else {
        rc = phy_transmit_hard(l->phy, trial, frame, tx, nc, out);
    }
    return rc ? rc : (int64_t)nsym;
}

int digital_transmit(const fl_config *c, uint32_t point, uint32_t trial, const uint8_t *stream,
                     uint64_t nbits, uint8_t *rx, uint8_t *erased, digital_result *res)
{
    memset(res, 0, sizeof *res);
    packet_layout L;
    int rc = packet_layout_init(&L, nbits, (size_t)c->link.packet_bytes);
    if (rc)
        return rc;
    size_t fmax = packet_frame_bytes(&L, 0);
    digital_link l;
    uint8_t *frame = malloc(fmax ? fmax : 1), *got = malloc(fmax ? fmax : 1);
    rc = frame && got ? digital_link_init(&l, c, point, trial, fmax * 8) : -ENOMEM;
    for (size_t k = 0; !rc && k < L.n_packets; k++) {
        size_t fb = packet_frame_bytes(&L, k);
        rc = packet_build(&L, stream, k, frame);
        int64_t nsym = rc ? rc : digital_link_frame(&l, trial, k, frame, fb * 8, got);
        if (nsym < 0) {
            rc = (int)nsym;
            break;
        }
        res->symbols += (uint64_t)nsym;
        res->packet_bits += fb * 8;
        res->air_bits += l.fec ? conv_coded_bits(conv_get_rate(l.fec), fb * 8) : fb * 8;
        if (packet_check(&L, k, got, fb, rx, erased) == -EBADMSG)
            res->packets_lost++;
    }
    res->packets = L.n_packets;
    res->esn0_db = digital_esn0_db(c);
    res->airtime_s = (double)res->symbols / c->channel.symbol_rate_hz;
    digital_link_free(&l);
    free(frame), free(got);
    return rc;
}

/* The point's own progress (point.h), from channel/ber's callback. */
typedef struct {
    const point_ctx *ctx;
    int64_t point;
} digital_progress;

static void digital_progress_fn(void *arg, uint64_t bits, uint64_t errors)
{
    const digital_progress *d = arg;
    d->ctx->progress(d->ctx->progress_arg, d->point, bits, errors);
}

/* Coded or Jakes BER: frames through digital_link_frame, one at a time;
 * _prog (may be NULL) gets the counts as channel/ber's callback would:
 * every BER_PROGRESS_BITS bits and after the last frame. */
static int digital_ber_loop(const fl_config *c, int64_t point, const digital_progress *prog, ber_result *o)
{
    size_t n = (size_t)c->link.packet_bytes * 8;
    digital_link l;
    uint8_t *tx = malloc((n + 7) / 8), *rx = malloc((n + 7) / 8);
    noise *src = noise_create(c->seed, (uint32_t)point, DIGITAL_PURPOSE_BITS, 0);
    int rc = tx && rx && src ? digital_link_init(&l, c, (uint32_t)point, 0, n) : -ENOMEM;
    uint32_t *words = malloc(((n + 31) / 32) * sizeof *words);
    if (!words)
        rc = -ENOMEM;
    memset(o, 0, sizeof *o);
    double sum_e2 = 0, sum_en = 0, sum_n2 = 0; /* frames as clusters (ber.h) */
    uint64_t reported = 0;
    for (uint64_t f = 0; !rc; f++) {
        noise_seek(src, f << 24);
        noise_u32_fill(src, words, (n + 31) / 32);
        for (size_t i = 0; i < (n + 7) / 8; i++)
            tx[i] = (uint8_t)(words[i / 4] >> (24 - 8 * (i % 4)));
        int64_t nsym = digital_link_frame(&l, 0, f, tx, n, rx);
        if (nsym < 0) {
            rc = (int)nsym;
            break;
        }
        uint64_t e = 0;
        for (size_t i = 0; i < n / 8; i++)
            e += (uint64_t)__builtin_popcount(tx[i] ^ rx[i]);
        o->bits += n;
        o->bit_errors += e;
        sum_e2 += (double)e * (double)e;
        sum_en += (double)e * (double)n;
        sum_n2 += (double)n * (double)n;
        o->frames++;
        o->frame_errors += e > 0;
        o->symbols += (uint64_t)nsym;
        int stop = (c->stop.min_errors > 0 && o->bit_errors >= (uint64_t)c->stop.min_errors) ||
                   o->bits >= (uint64_t)c->stop.max_bits;
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
        rc = ber_interval(o->bits, o->bit_errors, sum_e2, sum_en, sum_n2, o->frame_errors, o);
    }
    if (l.phy || l.fec)
        digital_link_free(&l);
    free(tx), free(rx), free(words);
    noise_destroy(src);
    return rc;
}

int digital_ber_point(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len)
{
    digital_progress prog = {ctx, point};
    int report = ctx && ctx->progress;
    unsigned k = (unsigned)digital_schemes[c->modem.scheme];
    double rate = digital_code_rate(c);
    double esn0 = digital_esn0_db(c);
    double ebn0 = esn0 - 10.0 * log10((double)k * rate);
    ber_result o;
    phy_config pc;
    digital_phy_config(c, (uint32_t)point, &pc);
    int rc;
    if (c->link.fec == FEC_NONE && c->channel.fading != FAD_JAKES) {
        /* uncoded: the threaded Monte-Carlo engine of channel/ber */
        ber_config bc = {
            .phy = pc,
            .ebn0_db = ebn0,
            .code_rate = 1.0,
            .demap = c->modem.demap == DEMAP_LLR ? BER_DEMAP_LLR_EXACT : BER_DEMAP_HARD,
            .frame_bits = (size_t)c->link.packet_bytes * 8,
            .trial = 0,
            .min_errors = (uint64_t)c->stop.min_errors,
            .max_bits = (uint64_t)c->stop.max_bits,
            .threads = 1,
            .progress = report ? digital_progress_fn : NULL,
            .progress_arg = report ? &prog : NULL,
        };
        rc = ber_run(&bc, &o);
    } else {
        rc = digital_ber_loop(c, point, report ? &prog : NULL, &o);
        o.ber_theory = NAN;
        o.ser_theory = NAN;
    }
    if (rc) {
        snprintf(err, len, "BER simulation failed (%s)", strerror(-rc));
        return rc;
    }
    /* the uncoded closed form (berclosed.h) at the same Eb/N0 per
     * information bit, beside coded results too (the coding gain reference) */
    double uncoded = ber_theory(&pc, ebn0);
    row_set(r, "ebn0_db", ebn0, "dB Eb/N0 per info bit");
    row_set(r, "esn0_db", esn0, "dB Es/N0 per symbol");
    row_set(r, "code_rate", rate, "");
    row_set(r, "bits", (double)o.bits, "bit");
    row_set(r, "bit_errors", (double)o.bit_errors, "");
    row_set(r, "ber", o.ber, "");
    row_set(r, "ber_ci_low", o.ber_ci_low, "");
    row_set(r, "ber_ci_high", o.ber_ci_high, "");
    row_set(r, "ber_design_effect", o.ber_deff, "");
    row_set(r, "ber_design_effect_estimated", (double)o.ber_deff_estimated, "");
    row_set(r, "ber_error_clusters", (double)o.ber_error_clusters, "");
    row_set(r, "ber_theory", c->link.fec == FEC_NONE ? uncoded : NAN, "");
    row_set(r, "ber_uncoded_theory", uncoded, "");
    row_set(r, "ser", o.ser, "");
    row_set(r, "ser_theory", c->link.fec == FEC_NONE && c->channel.fading != FAD_JAKES ? o.ser_theory : NAN, "");
    row_set(r, "per", o.fer, "");
    row_set(r, "packets", (double)o.frames, "");
    return 0;
}
