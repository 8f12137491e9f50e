/* link: capacity, analog and digital links behind fl_link_send (link.h). */
#include "sim/link.h"

#include "channel/capacity.h"
#include "channel/noise.h"
#include "channel/packet.h"
#include "sim/digital.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fl_link {
    const fl_config *c;
    link_kind mode;
    uint32_t point, device;
    digital_chain *chain;   /* digital */
    size_t frame_max;       /* digital: largest packet on air, bytes */
    uint8_t *frame, *got;   /* digital: one packet out and back */
};

void fl_link_destroy(fl_link *l)
{
    if (!l)
        return;
    fl_digital_chain_destroy(l->chain);
    free(l->frame), free(l->got);
    free(l);
}

int fl_link_create(const fl_config *c, uint32_t point, uint32_t device, fl_link **out)
{
    *out = NULL;
    uint32_t most = c->link.mode == LINK_DIGITAL ? LINK_MAX_DEVICES_DIGITAL : LINK_MAX_DEVICES_ANALOG;
    if (device >= most)
        return -ERANGE;
    fl_link *l = calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    *l = (fl_link){.c = c, .mode = c->link.mode, .point = point, .device = device};
    int rc = 0;
    if (l->mode == LINK_DIGITAL) {
        l->frame_max = (size_t)c->link.packet_bytes + PACKET_OVERHEAD_BYTES;
        l->frame = malloc(l->frame_max);
        l->got = malloc(l->frame_max);
        rc = l->frame && l->got ? fl_digital_chain_create(c, point, device, l->frame_max * 8, &l->chain) : -ENOMEM;
    }
    if (rc) {
        fl_link_destroy(l);
        return rc;
    }
    *out = l;
    return 0;
}

link_kind fl_link_mode(const fl_link *l) { return l->mode; }

/* Analog (paper 000 Fig. 3): see link.h. */
static int link_analog(const fl_link *l, const link_tx *tx, float *y)
{
    const float *x = tx->values;
    const uint8_t *keep = tx->keep;
    int64_t n = tx->nvalues;
    double p = 0, snr_db = l->c->channel.snr_db;
    int64_t sent = 0;
    for (int64_t i = 0; i < n; i++)
        if (!keep || keep[i]) {
            p += (double)x[i] * x[i];
            sent++;
        }
    p = sent ? p / (double)sent : 0.0;
    float sigma = isinf(snr_db) ? 0.0f : (float)sqrt(p / fl_capacity_db2lin(snr_db));
    float *g = malloc((size_t)n * sizeof *g + 1);
    noise *ns = fl_noise_create(l->c->seed, l->point, tx->purpose, tx->frame);
    if (!g || !ns) {
        free(g);
        fl_noise_destroy(ns);
        return -ENOMEM;
    }
    fl_noise_seek(ns, (uint64_t)l->device << 48 | (uint64_t)tx->attempt << 40);
    fl_noise_gauss_fill(ns, g, (size_t)n);
    for (int64_t i = 0; i < n; i++)
        y[i] = !keep || keep[i] ? x[i] + sigma * g[i] : 0.0f;
    free(g);
    fl_noise_destroy(ns);
    return 0;
}

/* Digital: packets, each through the chain from where the previous one
 * ended in time; a packet that fails its check is zeroed and erased. */
static int link_digital(fl_link *l, double t_s, const link_tx *tx, link_rx *rx, link_report *rep)
{
    packet_layout L;
    int rc = fl_packet_layout_init(&L, tx->nbits, (size_t)l->c->link.packet_bytes);
    if (rc)
        return rc;
    if (L.n_packets > LINK_MAX_PACKETS)
        return -ERANGE;
    uint64_t key = (uint64_t)l->device << 32 | (uint64_t)tx->attempt << 24;
    double t = t_s;
    for (size_t k = 0; k < L.n_packets; k++) {
        size_t fb = fl_packet_frame_bytes(&L, k);
        if ((rc = fl_packet_build(&L, tx->bits, k, l->frame)) != 0)
            return rc;
        int64_t nsym = fl_digital_chain_send(l->chain, t, tx->frame, key | k, l->frame, fb * 8, l->got);
        if (nsym < 0)
            return (int)nsym;
        t += (double)nsym / l->c->channel.symbol_rate_hz;
        rep->symbols += (uint64_t)nsym;
        rep->packet_bits += fb * 8;
        rep->air_bits += fl_digital_chain_air_bits(l->chain, fb * 8);
        if (fl_packet_check(&L, k, l->got, fb, rx->bits, rx->erased) == -EBADMSG)
            rep->packets_lost++;
    }
    rep->packets = L.n_packets;
    rep->airtime_s = (double)rep->symbols / l->c->channel.symbol_rate_hz;
    return 0;
}

int fl_link_send(fl_link *l, double t_s, const link_tx *tx, link_rx *rx, link_report *rep)
{
    link_report spare;
    rep = rep ? rep : &spare;
    memset(rep, 0, sizeof *rep);
    if (tx->attempt >= LINK_MAX_ATTEMPTS)
        return -ERANGE;
    size_t nbytes = (size_t)((tx->nbits + 7) / 8);
    switch (l->mode) {
    case LINK_ANALOG:
        return tx->values && rx->values ? link_analog(l, tx, rx->values) : -EINVAL;
    case LINK_DIGITAL:
        return (tx->bits || !nbytes) && rx->bits && rx->erased ? link_digital(l, t_s, tx, rx, rep) : -EINVAL;
    default:
        if ((!tx->bits && nbytes) || !rx->bits || !rx->erased)
            return -EINVAL;
        if (nbytes)
            memcpy(rx->bits, tx->bits, nbytes);
        memset(rx->erased, 0, nbytes);
        return 0;
    }
}
