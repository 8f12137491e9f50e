/* bittrue: see bittrue.h. */
#include "sim/bittrue.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>

#include "channel/crc32.h"
#include "channel/modem.h"
#include "channel/noise.h"

struct bittrue {
    uplink_cfg u;
    modem *mod;
    size_t cap_bits;          /* buffers sized for this many bits on air */
    uint8_t *tx, *rx, *unp;   /* packed L + 32 bits; unpacked scratch */
    float *re, *im, *gn;      /* symbols; Gaussians */
    uint32_t *words;
};

int fl_bittrue_supported(const uplink_cfg *u)
{
    unsigned k = u->uncoded_bits;
    return (u->model == UPLINK_SHANNON || u->model == UPLINK_FIXED) &&
           (k == 1 || k == 2 || k == 4 || k == 6 || k == 8);
}

void fl_bittrue_destroy(bittrue *b)
{
    if (!b) return;
    fl_modem_destroy(b->mod);
    free(b->tx), free(b->rx), free(b->unp);
    free(b->re), free(b->im), free(b->gn), free(b->words);
    free(b);
}

bittrue *fl_bittrue_create(const uplink_cfg *u)
{
    if (!u || !fl_bittrue_supported(u)) return NULL;
    bittrue *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->u = *u;
    b->mod = fl_modem_create((modem_scheme)u->uncoded_bits);
    if (!b->mod) {
        fl_bittrue_destroy(b);
        return NULL;
    }
    return b;
}

/* buffers for _n bits on air (payload + CRC) */
static int reserve(bittrue *b, size_t n)
{
    if (n <= b->cap_bits) return 0;
    size_t k = fl_modem_bits_per_symbol(b->mod), nsym = (n + k - 1) / k, nb = (n + 7) / 8;
    size_t ng = 2 * nsym + NOISE_GAUSS_GROUP, nw = (nb + 3) / 4;
    free(b->tx), free(b->rx), free(b->unp), free(b->re), free(b->im), free(b->gn), free(b->words);
    b->tx = malloc(nb), b->rx = malloc(nb), b->unp = malloc(n);
    b->re = malloc(nsym * sizeof *b->re), b->im = malloc(nsym * sizeof *b->im);
    b->gn = malloc(ng * sizeof *b->gn), b->words = malloc(nw * sizeof *b->words);
    b->cap_bits = 0;
    if (!b->tx || !b->rx || !b->unp || !b->re || !b->im || !b->gn || !b->words) return -ENOMEM;
    b->cap_bits = n;
    return 0;
}

/* the payload of _L random bits followed by its CRC-32, packed, into b->tx */
static void build_packet(bittrue *b, noise *ns, uint64_t L)
{
    size_t pb = (size_t)((L + 7) / 8), nw = (pb + 3) / 4;
    fl_noise_u32_fill(ns, b->words, nw);
    memcpy(b->tx, b->words, pb);
    if (L % 8) b->tx[pb - 1] &= (uint8_t)(0xFF00u >> (L % 8));   /* zero pad */
    uint32_t crc = fl_crc32_compute(b->tx, pb);
    fl_modem_unpack_bits(b->tx, (size_t)L, b->unp);
    for (int i = 0; i < 32; i++) b->unp[L + (uint64_t)i] = (uint8_t)(crc >> (31 - i) & 1u);
    fl_modem_pack_bits(b->unp, (size_t)L + 32, b->tx);
}

/* 1 when the received L + 32 bits in b->rx fail their CRC */
static int crc_fails(bittrue *b, uint64_t L)
{
    size_t pb = (size_t)((L + 7) / 8);
    fl_modem_unpack_bits(b->rx, (size_t)L + 32, b->unp);
    uint32_t got = 0;
    for (int i = 0; i < 32; i++) got = got << 1 | b->unp[L + (uint64_t)i];
    fl_modem_pack_bits(b->unp, (size_t)L, b->rx);   /* payload alone, zero padded */
    return fl_crc32_compute(b->rx, pb) != got;
}

int fl_bittrue_attempt(void *arg, const sys_attempt *a, int *lost)
{
    bittrue *b = arg;
    if (!b || !a || !lost || isnan(a->snr_db) || a->bits == 0 || a->bits > (1ull << 40)) return -EINVAL;
    uint64_t n = a->bits + 32;
    if (reserve(b, (size_t)n)) return -ENOMEM;
    philox4x32_ctr_t ctr = {{a->device, (uint32_t)a->frame, a->packet << 8 | a->attempt,
                             (uint32_t)PURPOSE_SYS_BITTRUE_KEY << 16 | (a->trial & 0xFFFFu)}};
    philox4x32_key_t key = {{a->seed, a->point}};
    philox4x32_ctr_t r = philox4x32(ctr, key);
    noise *ns = fl_noise_create(r.v[0], r.v[1], PURPOSE_SYS_BITTRUE_BITS, r.v[2]);
    if (!ns) return -ENOMEM;
    build_packet(b, ns, a->bits);
    size_t nsym = fl_modem_symbols_for_bits(b->mod, (size_t)n);
    fl_modem_modulate(b->mod, b->tx, (size_t)n, b->re, b->im);
    int real = fl_modem_bits_per_symbol(b->mod) == 1;
    fl_noise_set_stream(ns, PURPOSE_SYS_BITTRUE_NOISE, r.v[2]);
    fl_noise_gauss_fill(ns, b->gn, real ? nsym : 2 * nsym);
    fl_noise_destroy(ns);
    /* Es = 1, N0 = 1 / γ: sigma = sqrt(1 / (2 γ)) per real dimension */
    float sigma = a->snr_db == INFINITY ? 0.0f : (float)sqrt(0.5 / pow(10.0, a->snr_db / 10.0));
    for (size_t i = 0; i < nsym; i++) {
        b->re[i] += sigma * b->gn[real ? i : 2 * i];
        if (!real) b->im[i] += sigma * b->gn[2 * i + 1];
    }
    fl_modem_demod_hard(b->mod, b->re, real ? NULL : b->im, (size_t)n, b->rx);
    *lost = crc_fails(b, a->bits);
    return 0;
}
