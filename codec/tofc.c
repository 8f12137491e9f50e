/* tofc: TOFC frame codec (paper 001, §IV; see tofc.h for the stream).
 *
 * Paper 001 learns its hyperprior and router; this is the non-learned
 * counterpart: DPC-KNN merging (codec/merge), scalar quantisation
 * (codec/quant), and the discretised-Laplacian model with per-token
 * integer side information and n_e k-means profiles (codec/entropy).
 * The rate-distortion trade-off L = D + λR of 001 eq. (9) is applied per
 * value by RDOQ instead of by training.
 */
#include "codec/tofc.h"

#include "codec/bitio.h"
#include "codec/entropy.h"
#include "codec/merge.h"
#include "codec/quant.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

uint16_t fl_tofc_fletcher16(const uint8_t *b, size_t n)
{
    // Fletcher, IEEE Trans. Commun. 30(1), 1982: two running sums mod 255
    uint32_t s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        s1 = (s1 + b[i]) % 255u;
        s2 = (s2 + s1) % 255u;
    }
    return (uint16_t)(s2 << 8 | s1);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float bits_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static int is_level_quant(tofc_quant q)
{
    return q == TOFC_QUANT_UNIFORM || q == TOFC_QUANT_RDOQ;
}

static int check_params(const tofc_params *p)
{
    if (!p || p->patches < 1 || p->tokens < 1 || p->dims < 1 || p->patches > TOFC_MAX_DIM ||
        p->tokens > TOFC_MAX_DIM || p->dims > TOFC_MAX_DIM)
        return -EINVAL;
    if (p->select != TOFC_SELECT_NONE && p->select != TOFC_SELECT_MERGE)
        return -EINVAL;
    if (p->select == TOFC_SELECT_MERGE && (p->clusters < 1 || p->knn < 1))
        return -EINVAL;
    if ((unsigned)p->quant > TOFC_QUANT_RDOQ || (unsigned)p->entropy > TOFC_ENTROPY_LAPLACE)
        return -EINVAL;
    if (is_level_quant(p->quant)) {
        float s = (float)p->step;
        if (!(p->step > 0) || !isfinite(s) || s <= 0)
            return -EINVAL;
        if (p->quant == TOFC_QUANT_UNIFORM && !(p->deadzone >= 0 && p->deadzone <= 0.5))
            return -EINVAL;
        if (p->quant == TOFC_QUANT_RDOQ && !(p->lambda >= 0 && isfinite(p->lambda)))
            return -EINVAL;
    } else if (p->entropy == TOFC_ENTROPY_LAPLACE) {
        return -EINVAL; // float formats are sent raw
    }
    if (p->entropy == TOFC_ENTROPY_LAPLACE && (p->models < 1 || p->models > ENTROPY_MODELS_MAX))
        return -EINVAL;
    int64_t rows = p->select == TOFC_SELECT_MERGE && p->clusters < p->tokens ? p->clusters : p->tokens;
    // sent values and payload length must fit the 32-bit header fields
    if ((double)p->patches * (double)rows * (double)p->dims > (double)(1ll << 31))
        return -EINVAL;
    return 0;
}

/* n H_emp(levels): zeroth-order empirical entropy times n (Shannon 1948),
 * the rate of ideal coding with the true histogram. NaN if the level range
 * is too wide to histogram (> 2^24) or memory fails. */
static double empirical_bits(const int32_t *lv, size_t n)
{
    if (n == 0)
        return 0.0;
    int32_t lo = lv[0], hi = lv[0];
    for (size_t i = 1; i < n; i++) {
        lo = lv[i] < lo ? lv[i] : lo;
        hi = lv[i] > hi ? lv[i] : hi;
    }
    int64_t range = (int64_t)hi - lo + 1;
    if (range > (1 << 24))
        return NAN;
    uint64_t *cnt = calloc((size_t)range, sizeof *cnt);
    if (!cnt)
        return NAN;
    for (size_t i = 0; i < n; i++)
        cnt[lv[i] - lo]++;
    double h = 0.0, dn = (double)n;
    for (int64_t k = 0; k < range; k++)
        if (cnt[k])
            h -= (double)cnt[k] * log2((double)cnt[k] / dn);
    free(cnt);
    return h;
}

/* smallest w in 1..32 with every level in [-2^(w-1), 2^(w-1) - 1] */
static int level_width(const int32_t *lv, size_t n)
{
    int w = 1;
    for (size_t i = 0; i < n; i++) {
        int32_t v = lv[i];
        uint32_t m = v < 0 ? ~(uint32_t)v : (uint32_t)v; // magnitude bits needed, sign apart
        int b = 1;
        while (b < 32 && (m >> (b - 1)) != 0)
            b++;
        w = b > w ? b : w;
    }
    return w;
}

int fl_tofc_encode(const tofc_params *p, const float *x, uint8_t **out, size_t *nbytes,
                tofc_stats *st, int32_t *assign)
{
    return fl_tofc_encode_with(NULL, p, x, out, nbytes, st, assign);
}

int fl_tofc_encode_with(const entropy_tables *tables, const tofc_params *p, const float *x, uint8_t **out,
                     size_t *nbytes, tofc_stats *st, int32_t *assign)
{
    if (!x || !out || !nbytes)
        return -EINVAL;
    int rc = check_params(p);
    if (rc)
        return rc;
    *out = NULL, *nbytes = 0;
    size_t n_in = (size_t)(p->patches * p->tokens * p->dims);
    for (size_t i = 0; i < n_in; i++)
        if (!isfinite(x[i]))
            return -EINVAL;

    /* 1. select */
    int64_t rows = p->tokens;
    const float *y = x;
    float *merged = NULL;
    merge_t mq = NULL;
    if (p->select == TOFC_SELECT_MERGE) {
        mq = fl_merge_create((size_t)p->tokens, (size_t)p->dims, (size_t)p->clusters, (size_t)p->knn);
        if (!mq)
            return -ENOMEM;
        rows = (int64_t)fl_merge_clusters(mq);
        merged = malloc((size_t)(p->patches * rows * p->dims) * sizeof *merged);
        if (!merged) {
            fl_merge_destroy(mq);
            return -ENOMEM;
        }
        rc = fl_merge_execute(mq, x, (size_t)p->patches, merged, assign, NULL, NULL);
        fl_merge_destroy(mq);
        if (rc) {
            free(merged);
            return rc;
        }
        y = merged;
    } else if (assign) {
        for (int64_t q = 0; q < p->patches; q++)
            for (int64_t t = 0; t < p->tokens; t++)
                assign[q * p->tokens + t] = (int32_t)t;
    }
    size_t n = (size_t)(p->patches * rows * p->dims);
    int64_t ent_tokens = p->patches * rows;

    /* 2. quantise */
    int32_t *lv = NULL;
    uint16_t *h16 = NULL;
    entropy_tables *own = NULL; // built here when the caller gave none
    const entropy_tables *tb = tables;
    double rdoq_bits = NAN;
    float stepf = (float)p->step;
    double step = (double)stepf; // the decoder sees the float32 step
    if (p->quant == TOFC_QUANT_FP16 || p->quant == TOFC_QUANT_BF16) {
        h16 = malloc(n * sizeof *h16 + 1);
        if (!h16) {
            rc = -ENOMEM;
            goto fail;
        }
        rc = p->quant == TOFC_QUANT_FP16 ? fl_quant_fp16_encode(y, n, h16) : fl_quant_bf16_encode(y, n, h16);
    } else if (is_level_quant(p->quant)) {
        lv = malloc(n * sizeof *lv + 1);
        if (!lv) {
            rc = -ENOMEM;
            goto fail;
        }
        if (p->quant == TOFC_QUANT_UNIFORM) {
            rc = fl_quant_uniform(y, n, step, p->deadzone, lv);
        } else {
            // RDOQ: J = (x - x̂)² + λ bits(x̂) (001 eq. (9) per value), bits from the
            // Laplacian model fitted to the plain-rounding levels
            if (!tb)
                tb = own = fl_entropy_tables_create(ENTROPY_PREC_DEFAULT);
            int nm = p->entropy == TOFC_ENTROPY_LAPLACE ? p->models : 1;
            entropy_rdoq *ctx = tb ? fl_entropy_rdoq_create(tb, y, ent_tokens, p->dims, step, nm) : NULL;
            if (!ctx) {
                rc = -ENOMEM;
                goto fail;
            }
            rc = fl_quant_rdoq(y, n, 0, step, p->lambda, fl_entropy_rdoq_bits, ctx, lv, &rdoq_bits, NULL);
            fl_entropy_rdoq_destroy(ctx);
        }
    }
    if (rc)
        goto fail;

    /* 3. entropy / payload */
    uint8_t *pay = NULL;
    size_t pay_n = 0;
    int width = 0;
    entropy_stats es = {0};
    if (p->entropy == TOFC_ENTROPY_LAPLACE) {
        if (!tb)
            tb = own = fl_entropy_tables_create(ENTROPY_PREC_DEFAULT);
        if (!tb) {
            rc = -ENOMEM;
            goto fail;
        }
        rc = fl_entropy_encode(tb, lv, ent_tokens, p->dims, p->models, &pay, &pay_n, &es);
        if (rc)
            goto fail;
    } else if (lv) {
        width = level_width(lv, n);
        bitw w;
        if ((rc = fl_bitw_init(&w, (uint64_t)n * (uint64_t)width)) != 0)
            goto fail;
        for (size_t i = 0; i < n; i++)
            fl_bitw_put(&w, (uint64_t)(uint32_t)lv[i], width);
        if (w.err) {
            rc = w.err;
            fl_bitw_free(&w);
            goto fail;
        }
        uint64_t nb;
        pay = fl_bitw_take(&w, &nb);
        pay_n = (size_t)((nb + 7) / 8);
        if (!pay && pay_n) {
            rc = -ENOMEM;
            goto fail;
        }
    } else {
        size_t bpv = h16 ? 2 : 4;
        pay_n = n * bpv;
        pay = malloc(pay_n + 1);
        if (!pay) {
            rc = -ENOMEM;
            goto fail;
        }
        for (size_t i = 0; i < n; i++) {
            if (h16) {
                pay[2 * i] = (uint8_t)h16[i];
                pay[2 * i + 1] = (uint8_t)(h16[i] >> 8);
            } else {
                put_u32(pay + 4 * i, f32_bits(y[i]));
            }
        }
    }
    if (pay_n > 0xFFFFFFFFu) {
        free(pay);
        rc = -EINVAL;
        goto fail;
    }

    /* 4. header + payload */
    uint8_t *s = malloc(TOFC_HEADER_BYTES + pay_n);
    if (!s) {
        free(pay);
        rc = -ENOMEM;
        goto fail;
    }
    memset(s, 0, TOFC_HEADER_BYTES);
    s[0] = 'T', s[1] = 'F', s[2] = TOFC_VERSION;
    s[3] = (uint8_t)p->select, s[4] = (uint8_t)p->quant, s[5] = (uint8_t)p->entropy;
    s[6] = (uint8_t)(p->entropy == TOFC_ENTROPY_LAPLACE ? p->models : 0);
    s[7] = (uint8_t)width;
    put_u32(s + 8, (uint32_t)p->patches);
    put_u32(s + 12, (uint32_t)p->tokens);
    put_u32(s + 16, (uint32_t)rows);
    put_u32(s + 20, (uint32_t)p->dims);
    put_u32(s + 24, is_level_quant(p->quant) ? f32_bits(stepf) : 0u);
    put_u32(s + 28, (uint32_t)pay_n);
    uint16_t ck = fl_tofc_fletcher16(s, 34);
    s[34] = (uint8_t)ck, s[35] = (uint8_t)(ck >> 8);
    if (pay_n)
        memcpy(s + TOFC_HEADER_BYTES, pay, pay_n);
    free(pay);

    if (st) {
        memset(st, 0, sizeof *st);
        st->bits = 8ull * (TOFC_HEADER_BYTES + pay_n);
        st->header_bits = 8ull * TOFC_HEADER_BYTES;
        st->payload_bits = 8ull * pay_n;
        st->side_bits = (double)st->header_bits + (p->entropy == TOFC_ENTROPY_LAPLACE ? es.side_bits : 0.0);
        st->ideal_bits = p->entropy == TOFC_ENTROPY_LAPLACE ? (double)st->header_bits + es.ideal_bits
                                                            : (double)st->bits;
        st->empirical_bits = lv ? empirical_bits(lv, n) : NAN;
        st->rdoq_rate_bits = p->quant == TOFC_QUANT_RDOQ ? rdoq_bits : NAN;
        st->rows = rows;
        st->sent_values = (int64_t)n;
        st->escapes = es.escapes;
    }
    *out = s;
    *nbytes = TOFC_HEADER_BYTES + pay_n;
    rc = 0;
fail:
    fl_entropy_tables_destroy(own);
    free(lv), free(h16), free(merged);
    return rc;
}

void fl_tofc_frame_free(tofc_frame *f)
{
    if (!f)
        return;
    free(f->y), free(f->lost);
    f->y = NULL, f->lost = NULL;
}

/* any erased byte in [a, b) */
static int erased_in(const uint8_t *er, size_t a, size_t b)
{
    if (!er)
        return 0;
    for (size_t i = a; i < b; i++)
        if (er[i])
            return 1;
    return 0;
}

int fl_tofc_decode(const uint8_t *buf, size_t nbytes, const uint8_t *erased, int64_t max_values,
                tofc_frame *f)
{
    return fl_tofc_decode_with(NULL, buf, nbytes, erased, max_values, f);
}

int fl_tofc_decode_with(const entropy_tables *tables, const uint8_t *buf, size_t nbytes, const uint8_t *erased,
                     int64_t max_values, tofc_frame *f)
{
    if (!f || (!buf && nbytes))
        return -EINVAL;
    memset(f, 0, sizeof *f);
    if (max_values <= 0)
        max_values = 1ll << 31;
    if (nbytes < TOFC_HEADER_BYTES || erased_in(erased, 0, TOFC_HEADER_BYTES))
        return -EBADMSG;
    const uint8_t *h = buf;
    if (h[0] != 'T' || h[1] != 'F' || h[2] != TOFC_VERSION)
        return -EBADMSG;
    if (fl_tofc_fletcher16(h, 34) != (uint16_t)(h[34] | h[35] << 8) || h[32] || h[33])
        return -EBADMSG;
    unsigned sel = h[3], qu = h[4], en = h[5], models = h[6], width = h[7];
    int64_t patches = get_u32(h + 8), tokens = get_u32(h + 12), rows = get_u32(h + 16),
            dims = get_u32(h + 20);
    uint32_t stepbits = get_u32(h + 24);
    size_t pay_n = get_u32(h + 28);
    if (sel > TOFC_SELECT_MERGE || qu > TOFC_QUANT_RDOQ || en > TOFC_ENTROPY_LAPLACE)
        return -EBADMSG;
    if (patches < 1 || tokens < 1 || rows < 1 || dims < 1 || patches > TOFC_MAX_DIM ||
        tokens > TOFC_MAX_DIM || dims > TOFC_MAX_DIM || rows > tokens ||
        (sel == TOFC_SELECT_NONE && rows != tokens))
        return -EBADMSG;
    double nv = (double)patches * (double)rows * (double)dims;
    if (nv > (double)max_values)
        return -EBADMSG;
    if (pay_n != nbytes - TOFC_HEADER_BYTES)
        return -EBADMSG;
    int lvq = is_level_quant((tofc_quant)qu);
    float stepf = bits_f32(stepbits);
    if (lvq ? !(isfinite(stepf) && stepf > 0) : stepbits != 0)
        return -EBADMSG;
    if (en == TOFC_ENTROPY_LAPLACE ? (!lvq || models < 1 || models > ENTROPY_MODELS_MAX || width)
                                   : (models || (lvq ? (width < 1 || width > 32) : width != 0)))
        return -EBADMSG;
    size_t n = (size_t)nv;
    // exact payload sizes of the raw forms
    if (en == TOFC_ENTROPY_RAW) {
        uint64_t need = lvq ? ((uint64_t)n * width + 7) / 8 : (uint64_t)n * (qu == TOFC_QUANT_FP32 ? 4 : 2);
        if (need != pay_n)
            return -EBADMSG;
    }
    const uint8_t *pay = buf + TOFC_HEADER_BYTES;
    const uint8_t *per = erased ? erased + TOFC_HEADER_BYTES : NULL;
    if (en == TOFC_ENTROPY_LAPLACE && erased_in(per, 0, pay_n))
        return -EBADMSG; // an entropy-coded stream cannot resynchronise
    // bound the allocation by what the stream can hold: every coded value
    // takes at least TOFC_ENTROPY_MIN_BITS of the payload (tofc.h); the raw
    // forms were checked exactly above
    if (en == TOFC_ENTROPY_LAPLACE && nv > ((double)pay_n * 8 + 64) / TOFC_ENTROPY_MIN_BITS)
        return -EBADMSG;

    f->y = malloc(n * sizeof *f->y + 1);
    f->lost = calloc(n + 1, 1);
    int32_t *lv = lvq ? malloc(n * sizeof *lv + 1) : NULL;
    int rc = 0;
    if (!f->y || !f->lost || (lvq && !lv)) {
        rc = -ENOMEM;
        goto fail;
    }
    double step = (double)stepf;
    if (en == TOFC_ENTROPY_LAPLACE) {
        entropy_tables *own = tables ? NULL : fl_entropy_tables_create(ENTROPY_PREC_DEFAULT);
        if (!tables && !own) {
            rc = -ENOMEM;
            goto fail;
        }
        rc = fl_entropy_decode(tables ? tables : own, pay, pay_n, patches * rows, dims, lv);
        fl_entropy_tables_destroy(own);
        if (rc)
            goto fail;
        rc = fl_quant_dequantize(lv, n, step, f->y);
        if (rc)
            goto fail;
    } else if (lvq) {
        bitr r;
        fl_bitr_init(&r, pay, (uint64_t)pay_n * 8);
        for (size_t i = 0; i < n; i++) {
            uint64_t u = fl_bitr_get(&r, (int)width);
            // sign-extend the w-bit two's-complement word
            int64_t v = (u >> (width - 1)) & 1 ? (int64_t)u - ((int64_t)1 << width) : (int64_t)u;
            lv[i] = (int32_t)v;
            size_t b0 = (size_t)(((uint64_t)i * width) / 8), b1 = (size_t)(((uint64_t)(i + 1) * width + 7) / 8);
            if (erased_in(per, b0, b1)) {
                lv[i] = 0;
                f->lost[i] = 1;
            }
        }
        if (r.err) {
            rc = -EBADMSG;
            goto fail;
        }
        rc = fl_quant_dequantize(lv, n, step, f->y);
        if (rc)
            goto fail;
    } else {
        size_t bpv = qu == TOFC_QUANT_FP32 ? 4 : 2;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *q = pay + bpv * i;
            if (erased_in(per, bpv * i, bpv * (i + 1))) {
                f->y[i] = 0.0f;
                f->lost[i] = 1;
                continue;
            }
            if (bpv == 4) {
                f->y[i] = bits_f32(get_u32(q));
            } else {
                uint16_t c = (uint16_t)(q[0] | q[1] << 8);
                f->y[i] = qu == TOFC_QUANT_FP16 ? fl_quant_f16_to_f32(c) : fl_quant_bf16_to_f32(c);
            }
            if (!isfinite(f->y[i]))
                f->lost[i] = 1; // an inf/NaN word (never sent: fl_tofc_encode takes finite x) is lost
        }
    }
    for (size_t i = 0; i < n; i++)
        if (f->lost[i]) {
            f->y[i] = 0.0f;
            f->lost_values++;
        }
    f->patches = patches, f->tokens = tokens, f->rows = rows, f->dims = dims;
    f->select = (tofc_select)sel, f->quant = (tofc_quant)qu, f->entropy = (tofc_entropy)en;
    free(lv);
    return 0;
fail:
    free(lv);
    fl_tofc_frame_free(f);
    memset(f, 0, sizeof *f);
    return rc;
}
