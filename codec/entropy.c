/* entropy: discretised Laplacian entropy model (paper 001, Zhang et al.,
 * "Task-oriented feature compression for multimodal understanding", §IV-B
 * eq. (5): Laplace(mu, b) convolved with U(-1/2, 1/2), evaluated on the
 * integer levels) with n_e selectable scale profiles (§IV-C), coded by
 * codec/rans.  Changes from the paper: the learned hyperprior networks are
 * replaced by quantised per-token (mean, scale) indices coded with an
 * integer adaptive model, and the router by an exhaustive choice of the
 * profile of shortest code; profiles are fit by k-means (Lloyd 1982) on the
 * tokens' relative log-magnitudes.  See entropy.h for the stream layout.
 */
#include "codec/entropy.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rans.h"

#define SPO        (63.0 / 14.0) // grid steps per octave: b_k = 2^(-4 + k / SPO)
#define OFF_MIN    (-32)
#define OFF_MAX    31
#define MEAN_SYMS  32            // zig-zag mean delta: 0..30 direct, 31 = escape + gamma
#define KMEANS_ITERS 8
#define MAX_ELEMS  (1ll << 40)

/* round(2^32 exp(-1/(2 b_k))), b_k = 2^(-4 + 14k/63), computed once with
 * 60-digit decimal arithmetic (Python decimal) and frozen here: the only
 * non-integer input of the tables. */
static const uint32_t scale_q32[ENTROPY_SCALES] = {
    1440801u, 4514287u, 12016266u, 27813319u, 57108917u, 105815855u,
    179539837u, 282483239u, 416606087u, 581260615u, 773334167u, 987784669u,
    1218380955u, 1458464547u, 1701600415u, 1942048638u, 2175044101u, 2396907635u,
    2605029347u, 2797767981u, 2974304761u, 3134481214u, 3278640997u, 3407487659u,
    3521964074u, 3623154992u, 3712211576u, 3790295335u, 3858538339u, 3918016517u,
    3969733148u, 4014610001u, 4053484054u, 4087108117u, 4116154087u, 4141217839u,
    4162825044u, 4181437415u, 4197458989u, 4211242246u, 4223093885u, 4233280179u,
    4242031875u, 4249548615u, 4256002898u, 4261543595u, 4266299067u, 4270379890u,
    4273881259u, 4276885072u, 4279461752u, 4281671832u, 4283567318u, 4285192880u,
    4286586875u, 4287782229u, 4288807205u, 4289686054u, 4290439585u, 4291085651u,
    4291639565u, 4292114460u, 4292521604u, 4292870656u,
};

typedef struct {
    int32_t R;          // half range: symbols v = -R..R at index v + R
    uint32_t esc;       // escape symbol index, 2R + 1
    unsigned rice;      // escape payload: exp-Golomb parameter ~ log2(b ln 2)
    rans_table t;
    rans_esym *es;      // encoder symbols (reciprocals), one per table symbol
    float *cost;        // bits per symbol, prec - log2(freq)
    // decoder lookup (see build_dec): bucket j of width 2^dshift holds two
    // symbol records (DREC), dent[2j] and dent[2j + 1]
    unsigned dshift;
    uint64_t *dent;
} etab;

/* A decoder symbol record: start | freq << 24 | code << 49 (start < 2^24,
 * freq <= 2^24), code = v + DREC_BIAS for the symbols v = -R..R (R < 2^12),
 * DREC_ESC for the escape, DREC_SCAN for "search this bucket"; only these two have bit 63 (code bit
 * 14) set, so the decoder tells a rare record by its sign. */
#define DREC_BIAS 0x2000u // codes of symbols 0x1001..0x2FFF: bit 63 clear
#define DREC_ESC  0x7FFEu
#define DREC_SCAN 0x7FFFu
#define DREC(start, freq, code) \
    ((uint64_t)(start) | (uint64_t)(freq) << 24 | (uint64_t)(code) << 49)

/* One table seen from an element: the table of scale k + offset o is
 * view[k + o - OFF_MIN] (the clamp to 0..ENTROPY_SCALES-1 built in), so a
 * row loop indexes it with the offset alone. */
typedef struct {
    const rans_esym *mid;   // encoder symbols, mid[v] for v = -R..R
    const etab *et;
    int32_t R;
} etab_view;

/* The decoder's view of the same table, 16 bytes (a row loop reads one per
 * element) */
typedef struct {
    const uint64_t *dent;   // decoder records
    uint32_t dshift;
    uint32_t k;             // table index
} etab_dview;

#define VIEWS (ENTROPY_SCALES - OFF_MIN + OFF_MAX)

/* the coder's per-element steps must inline into the row loops (their
 * lane states then live in registers) */
#if defined(__GNUC__)
#define HOT_INLINE __attribute__((always_inline))
#define UNROLL_LANES _Pragma("GCC unroll 4")
#else
#define HOT_INLINE
#define UNROLL_LANES
#endif

struct entropy_tables {
    int prec;
    etab tab[ENTROPY_SCALES];
    etab_view view[VIEWS];
    etab_dview dview[VIEWS];
};

struct entropy_rdoq {
    const entropy_tables *tb;
    int64_t tokens, dims;
    uint8_t *k;         // per element scale index
    int32_t *mean;      // per token mean
};

/* ------------------------------------------------------------------ tables */

static uint64_t q32_mul(uint64_t a, uint64_t b)
{
    return (a * b + (1ull << 31)) >> 32; // a, b < 2^32: no overflow
}

static inline int clamp_k(int k)
{
    return k < 0 ? 0 : (k >= ENTROPY_SCALES ? ENTROPY_SCALES - 1 : k);
}

/* Decoder lookup without a search: 2^bb >= 4n buckets of width w = 2^dshift
 * (a power of two), each holding the records of its first symbol and of the
 * next, so that the symbol of a slot is one compare of the slot with the
 * second record's start (a bucket without a boundary holds the first twice).
 * Buckets crossed by two or more boundaries (only where symbols are
 * narrower than w: the tails, of small total mass) hold DREC_SCAN and are
 * searched in the rans_table. */
static int build_dec(etab *et, const uint32_t *cum, uint32_t n, unsigned prec)
{
    unsigned bb = 0;
    while (bb < prec && (1ull << bb) < 4ull * n)
        bb++;
    et->dshift = prec - bb;
    const uint32_t w = 1u << et->dshift;
    et->dent = malloc(((size_t)2 << bb) * sizeof *et->dent);
    if (!et->dent)
        return -ENOMEM;
    uint32_t s = 0;
    for (uint32_t j = 0; j < (1u << bb); j++) {
        uint32_t lo = j * w, hi = lo + w; // bucket [lo, hi)
        while (cum[s + 1] <= lo)
            s++;
        uint64_t a = DREC(cum[s], cum[s + 1] - cum[s],
                          s == n - 1 ? DREC_ESC : s - (n - 2) / 2 + DREC_BIAS);
        uint64_t b = a;
        if (cum[s + 1] < hi) { // a boundary inside: s + 1 < n
            uint32_t t = s + 1;
            b = DREC(cum[t], cum[t + 1] - cum[t],
                     t == n - 1 ? DREC_ESC : t - (n - 2) / 2 + DREC_BIAS);
            if (cum[t + 1] < hi)
                a = b = DREC(0, 0, DREC_SCAN);
        }
        et->dent[2 * j] = a;
        et->dent[2 * j + 1] = b;
    }
    return 0;
}

static int build_table(etab *et, uint32_t s, unsigned prec)
{
    // Eq. (5) on integer levels: P(0) = 1 - e^{-1/(2b)}; for j >= 1,
    // P(|V| >= j) = e^{-(j - 1/2)/b} = s^(2j-1) with s = e^{-1/(2b)}, so
    // P(V = +-j) = (g_j - g_{j+1}) / 2 where g_j = s q^(j-1), q = s^2.
    // The table holds v = -R..R with R the last level of mass >= 2 units of
    // 2^-prec (at most rmax); the geometric tail beyond goes to the escape.
    const uint32_t rmax = prec >= 16 ? 4095u : (1u << (prec - 4)) - 1;
    const uint64_t small = 1ull << (34 - prec); // 2 units, in doubled Q32 mass
    const uint64_t q = q32_mul(s, s);
    uint32_t R = 1;
    uint64_t g = q32_mul(s, q), gn = q32_mul(g, q); // g_{R+1}, g_{R+2}
    while (g - gn >= small && R < rmax) {
        R++;
        g = gn;
        gn = q32_mul(g, q);
    }
    uint32_t n = 2 * R + 2;
    uint64_t *gs = malloc(((size_t)R + 2) * sizeof *gs);
    uint32_t *cum = malloc(((size_t)n + 1) * sizeof *cum);
    uint32_t *freq = malloc((size_t)n * sizeof *freq);
    et->cost = malloc((size_t)n * sizeof *et->cost);
    int rc = -ENOMEM;
    if (!gs || !cum || !freq || !et->cost)
        goto out;
    gs[1] = s;
    for (uint32_t j = 2; j <= R + 1; j++)
        gs[j] = q32_mul(gs[j - 1], q);
    // doubled masses in Q32 sum to exactly 2^33: 2(2^32 - s) + 2(g_1 - g_{R+1}) + 2 g_{R+1}
    uint64_t *m2 = (uint64_t *)malloc((size_t)n * sizeof *m2);
    if (!m2)
        goto out;
    for (uint32_t i = 0; i < n; i++) {
        if (i == n - 1) {
            m2[i] = 2 * gs[R + 1];
        } else {
            int64_t v = (int64_t)i - R;
            uint32_t a = (uint32_t)(v < 0 ? -v : v);
            m2[i] = a == 0 ? 2 * ((1ull << 32) - s) : gs[a] - gs[a + 1];
        }
    }
    // Frequencies: a symbol of mass below 2 units (m2 < 2^(34-prec)) gets
    // exactly 1; the others share S = 2^prec - n_small in proportion to their
    // mass through floored cumulative sums (each gets >= 1 since n_small <=
    // 2^prec / 8; the sum telescopes to S exactly).  Integers only.
    uint64_t big_total = 0, n_small = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (m2[i] < small)
            n_small++;
        else
            big_total += m2[i];
    }
    const uint64_t S = (1ull << prec) - n_small;
    uint64_t bc = 0, prev = 0;
    cum[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t f;
        if (m2[i] < small) {
            f = 1;
        } else {
            bc += m2[i];
            uint64_t c = bc * S / big_total; // bc < 2^34, S <= 2^24: no overflow
            f = (uint32_t)(c - prev);
            prev = c;
        }
        cum[i + 1] = cum[i] + f;
    }
    free(m2);
    for (uint32_t i = 0; i < n; i++) {
        freq[i] = cum[i + 1] - cum[i];
        et->cost[i] = (float)(prec - log2((double)freq[i]));
    }
    et->R = (int32_t)R;
    et->esc = n - 1;
    et->rice = 0;
    et->es = malloc((size_t)n * sizeof *et->es);
    if (!et->es)
        goto out;
    for (uint32_t i = 0; i < n; i++)
        fl_rans_esym_init(&et->es[i], cum[i], freq[i], prec);
    rc = fl_rans_table_init(&et->t, freq, n, prec);
    if (!rc)
        rc = build_dec(et, cum, n, prec);
out:
    free(gs);
    free(cum);
    free(freq);
    return rc;
}

void fl_entropy_tables_destroy(entropy_tables *tb)
{
    if (!tb)
        return;
    for (int k = 0; k < ENTROPY_SCALES; k++) {
        fl_rans_table_free(&tb->tab[k].t);
        free(tb->tab[k].dent);
        free(tb->tab[k].es);
        free(tb->tab[k].cost);
    }
    free(tb);
}

entropy_tables *fl_entropy_tables_create(int prec_bits)
{
    if (prec_bits < ENTROPY_PREC_MIN || prec_bits > ENTROPY_PREC_MAX)
        return NULL;
    entropy_tables *tb = calloc(1, sizeof *tb);
    if (!tb)
        return NULL;
    tb->prec = prec_bits;
    for (int k = 0; k < ENTROPY_SCALES; k++) {
        if (build_table(&tb->tab[k], scale_q32[k], (unsigned)prec_bits) != 0) {
            fl_entropy_tables_destroy(tb);
            return NULL;
        }
        // Golomb's parameter for a geometric tail of mean b is ~ b ln 2
        // (Gallager & Van Voorhis 1975); log2(b_k ln 2) = (2k - 40.76) / 9
        tb->tab[k].rice = k >= 21 ? (unsigned)((2 * k - 41) / 9) : 0;
    }
    for (int i = 0; i < VIEWS; i++) {
        const etab *et = &tb->tab[clamp_k(i + OFF_MIN)];
        tb->view[i] = (etab_view){et->es + et->R, et, et->R};
        tb->dview[i] = (etab_dview){et->dent, et->dshift, (uint32_t)(et - tb->tab)};
    }
    return tb;
}

int fl_entropy_tables_prec(const entropy_tables *tb)
{
    return tb ? tb->prec : -EINVAL;
}

int fl_entropy_tables_freq(const entropy_tables *tb, int k, uint32_t *freq, int32_t *half_range)
{
    if (!tb || k < 0 || k >= ENTROPY_SCALES)
        return -EINVAL;
    const etab *et = &tb->tab[k];
    if (freq)
        for (uint32_t i = 0; i < et->t.n; i++)
            freq[i] = et->t.cum[i + 1] - et->t.cum[i];
    if (half_range)
        *half_range = et->R;
    return (int)et->t.n;
}

double fl_entropy_scale(int k)
{
    return exp2(-4.0 + k / SPO);
}

uint32_t fl_entropy_scale_q32(int k)
{
    return (k >= 0 && k < ENTROPY_SCALES) ? scale_q32[k] : 0;
}

/* --------------------------------------------------------------- costs */

static unsigned floor_log2(uint64_t v)
{
    unsigned n = 0;
    while (v >>= 1)
        n++;
    return n;
}

// bits to code level offset v with table et (escape: symbol + sign + gamma)
static inline double elem_cost(const etab *et, int64_t v)
{
    if (v >= -et->R && v <= et->R)
        return et->cost[v + et->R];
    // escape symbol + sign + exp-Golomb(m = |v| - R - 1, rice)
    uint64_t m = (uint64_t)(v < 0 ? -v : v) - (uint64_t)et->R - 1;
    return et->cost[et->esc] + 1.0 + 2.0 * floor_log2((m >> et->rice) + 1) + 1.0 + et->rice;
}

/* ----------------------------------------------------------------- fit */

void fl_entropy_model_free(entropy_model *m)
{
    if (!m)
        return;
    free(m->off);
    free(m->prof);
    free(m->scale);
    free(m->mean);
    memset(m, 0, sizeof *m);
}

static int model_alloc(entropy_model *m, int n_e, int64_t T, int64_t D)
{
    memset(m, 0, sizeof *m);
    m->n_models = n_e;
    m->tokens = T;
    m->dims = D;
    m->off = calloc((size_t)(n_e * D) + 1, 1);
    m->prof = calloc((size_t)T + 1, 1);
    m->scale = calloc((size_t)T + 1, 1);
    m->mean = calloc((size_t)T + 1, sizeof *m->mean);
    if (!m->off || !m->prof || !m->scale || !m->mean) {
        fl_entropy_model_free(m);
        return -ENOMEM;
    }
    return 0;
}

// Hoare quickselect: the lower median of a (a is permuted)
static int32_t median_i32(int32_t *a, int64_t n)
{
    int64_t k = (n - 1) / 2, lo = 0, hi = n - 1;
    while (lo < hi) {
        int32_t pivot = a[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                int32_t tmp = a[i];
                a[i] = a[j];
                a[j] = tmp;
                i++;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return a[k];
}

static double token_cost(const entropy_tables *tb, const int32_t *row, int32_t mean,
                         const int8_t *off, int k, int64_t D)
{
    double c = 0;
    for (int64_t d = 0; d < D; d++)
        c += elem_cost(&tb->tab[clamp_k(k + off[d])], (int64_t)row[d] - mean);
    return c;
}

// hill-climb on the scale index from an ML start (b = mean |v| / relative scale)
static int best_scale(const entropy_tables *tb, const int32_t *row, int32_t mean,
                      const int8_t *off, int64_t D, double *cost_out)
{
    double a = 0;
    for (int64_t d = 0; d < D; d++)
        a += fabs((double)row[d] - mean) * exp2(-off[d] / SPO);
    a /= (double)D;
    int k = a > 0 ? clamp_k((int)lround(SPO * (log2(a) + 4.0))) : 0;
    double c = token_cost(tb, row, mean, off, k, D);
    int dir = 0;
    if (k + 1 < ENTROPY_SCALES) {
        double cu = token_cost(tb, row, mean, off, k + 1, D);
        if (cu < c) {
            c = cu;
            k++;
            dir = 1;
        }
    }
    if (dir == 0 && k > 0) {
        double cd = token_cost(tb, row, mean, off, k - 1, D);
        if (cd < c) {
            c = cd;
            k--;
            dir = -1;
        }
    }
    while (dir != 0 && k + dir >= 0 && k + dir < ENTROPY_SCALES) {
        double cn = token_cost(tb, row, mean, off, k + dir, D);
        if (cn >= c)
            break;
        c = cn;
        k += dir;
    }
    *cost_out = c;
    return k;
}

/* sums with 8 independent partial accumulators in a fixed order: the
 * compiler can vectorise them without -ffast-math, results stay deterministic */
static float sqdist_f(const float *a, const float *b, int64_t n)
{
    float acc[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++)
            acc[j] += (a[i + j] - b[i + j]) * (a[i + j] - b[i + j]);
    for (; i < n; i++)
        acc[0] += (a[i] - b[i]) * (a[i] - b[i]);
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

static float dot_f(const float *a, const float *b, int64_t n)
{
    float acc[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++)
            acc[j] += a[i + j] * b[i + j];
    for (; i < n; i++)
        acc[0] += a[i] * b[i];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// For each token, the (profile, scale) of shortest code.  With several
// profiles, they are first ranked by the continuous Laplacian code length at
// the ML scale (b_d = beta r_d: D log2(2 e beta) + sum log2 r_d, beta =
// mean |v_d| / r_d), and only the best two get the exact integer-table search.
static int choose_tokens(const entropy_tables *tb, const int32_t *L, entropy_model *m)
{
    const int64_t T = m->tokens, D = m->dims;
    const int n_e = m->n_models;
    if (n_e == 1) {
        for (int64_t t = 0; t < T; t++) {
            double c;
            m->prof[t] = 0;
            m->scale[t] = (uint8_t)best_scale(tb, L + t * D, m->mean[t], m->off, D, &c);
        }
        return 0;
    }
    float *inv = malloc((size_t)(n_e * D) * sizeof *inv);
    float *av = malloc((size_t)D * sizeof *av);
    double *lsum = malloc((size_t)n_e * sizeof *lsum);
    if (!inv || !av || !lsum) {
        free(inv);
        free(av);
        free(lsum);
        return -ENOMEM;
    }
    for (int e = 0; e < n_e; e++) {
        lsum[e] = 0;
        for (int64_t d = 0; d < D; d++) {
            inv[e * D + d] = (float)exp2(-m->off[e * D + d] / SPO);
            lsum[e] += m->off[e * D + d] / SPO;
        }
    }
    for (int64_t t = 0; t < T; t++) {
        const int32_t *row = L + t * D;
        for (int64_t d = 0; d < D; d++)
            av[d] = fabsf((float)((int64_t)row[d] - m->mean[t]));
        int e1 = 0, e2 = -1;
        double c1 = INFINITY, c2 = INFINITY;
        for (int e = 0; e < n_e; e++) {
            float sacc = dot_f(av, inv + e * D, D);
            double beta = (double)sacc / (double)D;
            if (beta < 1.0 / 32)
                beta = 1.0 / 32;
            double c = (double)D * log2(2 * M_E * beta) + lsum[e];
            if (c < c1) {
                c2 = c1;
                e2 = e1;
                c1 = c;
                e1 = e;
            } else if (c < c2) {
                c2 = c;
                e2 = e;
            }
        }
        double ca, cb = INFINITY;
        int ka = best_scale(tb, row, m->mean[t], m->off + (int64_t)e1 * D, D, &ca), kb = 0;
        if (e2 >= 0)
            kb = best_scale(tb, row, m->mean[t], m->off + (int64_t)e2 * D, D, &cb);
        if (cb < ca) {
            m->prof[t] = (uint8_t)e2;
            m->scale[t] = (uint8_t)kb;
        } else {
            m->prof[t] = (uint8_t)e1;
            m->scale[t] = (uint8_t)ka;
        }
    }
    free(inv);
    free(av);
    free(lsum);
    return 0;
}

// per (profile, dim): the offset within +-2 of the current one of least total cost
static int refine_offsets(const entropy_tables *tb, const int32_t *L, entropy_model *m)
{
    const int64_t T = m->tokens, D = m->dims;
    int64_t *order = malloc((size_t)T * sizeof *order);
    int64_t *start = calloc((size_t)m->n_models + 1, sizeof *start);
    if (!order || !start) {
        free(order);
        free(start);
        return -ENOMEM;
    }
    // tokens grouped by profile (counting sort)
    for (int64_t t = 0; t < T; t++)
        start[m->prof[t] + 1]++;
    for (int e = 0; e < m->n_models; e++)
        start[e + 1] += start[e];
    for (int64_t t = 0, pos[ENTROPY_MODELS_MAX] = {0}; t < T; t++)
        order[start[m->prof[t]] + pos[m->prof[t]]++] = t;
    for (int e = 0; e < m->n_models; e++) {
        for (int64_t d = 0; d < D; d++) {
            int8_t *o = &m->off[e * D + d];
            int best_o = *o;
            double best = INFINITY;
            for (int c = *o - 2; c <= *o + 2; c++) {
                if (c < OFF_MIN || c > OFF_MAX)
                    continue;
                double sum = 0;
                for (int64_t j = start[e]; j < start[e + 1]; j++) {
                    int64_t t = order[j];
                    sum += elem_cost(&tb->tab[clamp_k(m->scale[t] + c)],
                                     (int64_t)L[t * D + d] - m->mean[t]);
                }
                if (sum < best) {
                    best = sum;
                    best_o = c;
                }
            }
            *o = (int8_t)best_o;
        }
    }
    free(order);
    free(start);
    return 0;
}

static void token_medians(const int32_t *L, int64_t T, int64_t D, int32_t *tmp, int32_t *mean)
{
    // the median is the Laplacian's ML location
    for (int64_t t = 0; t < T; t++) {
        memcpy(tmp, L + t * D, (size_t)D * sizeof *tmp);
        mean[t] = median_i32(tmp, D);
    }
}

// n_e profiles by k-means + cost refinement (T > 0, D > 0)
static int fit_profiles(const entropy_tables *tb, const int32_t *L, int64_t T, int64_t D, int n_e,
                        entropy_model *m)
{
    int rc = model_alloc(m, n_e, T, D);
    if (rc)
        return rc;
    int32_t *tmp = malloc((size_t)D * sizeof *tmp);
    float *r = malloc((size_t)(T * D) * sizeof *r);
    float *cen = malloc((size_t)(n_e * D) * sizeof *cen);
    double *acc = malloc((size_t)(n_e * D) * sizeof *acc);
    double *tsc = malloc((size_t)T * sizeof *tsc);
    int64_t *cnt = malloc((size_t)n_e * sizeof *cnt);
    if (!tmp || !r || !cen || !acc || !tsc || !cnt) {
        rc = -ENOMEM;
        fl_entropy_model_free(m);
        goto out;
    }
    // 1. per-token mean
    token_medians(L, T, D, tmp, m->mean);
    // 2. relative log-magnitudes, mean-free per token
    for (int64_t t = 0; t < T; t++) {
        double s = 0, a = 0;
        float *rt = r + t * D;
        for (int64_t d = 0; d < D; d++) {
            double av = fabs((double)L[t * D + d] - m->mean[t]);
            rt[d] = (float)log2(av + 0.5);
            s += rt[d];
            a += av;
        }
        tsc[t] = a / (double)D; // the token's overall scale
        float mu = (float)(s / (double)D);
        for (int64_t d = 0; d < D; d++)
            rt[d] -= mu;
    }
    // 3. k-means with deterministic, evenly spaced initial tokens
    for (int e = 0; e < n_e; e++)
        memcpy(cen + e * D, r + (int64_t)e * T / n_e * D, (size_t)D * sizeof *cen);
    for (int it = 0; it <= KMEANS_ITERS; it++) {
        for (int64_t t = 0; t < T; t++) {
            double best = INFINITY;
            for (int e = 0; e < n_e; e++) {
                double dd = sqdist_f(r + t * D, cen + e * D, D);
                if (dd < best) {
                    best = dd;
                    m->prof[t] = (uint8_t)e;
                }
            }
        }
        if (it == KMEANS_ITERS)
            break;
        memset(acc, 0, (size_t)(n_e * D) * sizeof *acc);
        memset(cnt, 0, (size_t)n_e * sizeof *cnt);
        for (int64_t t = 0; t < T; t++) {
            cnt[m->prof[t]]++;
            for (int64_t d = 0; d < D; d++)
                acc[m->prof[t] * D + d] += r[t * D + d];
        }
        for (int e = 0; e < n_e; e++)
            if (cnt[e])
                for (int64_t d = 0; d < D; d++)
                    cen[e * D + d] = (float)(acc[e * D + d] / cnt[e]);
    }
    // 4. initial offsets: per cluster, the ML scale of each dim relative to the tokens' scales
    memset(acc, 0, (size_t)(n_e * D) * sizeof *acc);
    memset(cnt, 0, (size_t)n_e * sizeof *cnt);
    for (int64_t t = 0; t < T; t++) {
        if (tsc[t] <= 0)
            continue;
        cnt[m->prof[t]]++;
        for (int64_t d = 0; d < D; d++)
            acc[m->prof[t] * D + d] += fabs((double)L[t * D + d] - m->mean[t]) / tsc[t];
    }
    for (int e = 0; e < n_e; e++) {
        for (int64_t d = 0; d < D; d++) {
            double b = cnt[e] ? acc[e * D + d] / cnt[e] : 1.0;
            long o = b > 0 ? lround(SPO * log2(b)) : OFF_MIN;
            m->off[e * D + d] = (int8_t)(o < OFF_MIN ? OFF_MIN : (o > OFF_MAX ? OFF_MAX : o));
        }
    }
    // 5. shortest-code choice, cost-driven offset refinement, choice again
    rc = choose_tokens(tb, L, m);
    if (!rc)
        rc = refine_offsets(tb, L, m);
    if (!rc)
        rc = choose_tokens(tb, L, m);
    if (rc)
        fl_entropy_model_free(m);
out:
    free(tmp);
    free(r);
    free(cen);
    free(acc);
    free(tsc);
    free(cnt);
    return rc;
}

static double model_total_bits(const entropy_tables *tb, const entropy_model *m, const int32_t *L);

int fl_entropy_fit(const entropy_tables *tb, const int32_t *L, int64_t T, int64_t D, int n_models,
                entropy_model *m)
{
    if (!tb || !m || T < 0 || D < 0 || (T > 0 && D > 0 && !L) || n_models < 1
        || n_models > ENTROPY_MODELS_MAX || (D > 0 && T > MAX_ELEMS / D))
        return -EINVAL;
    int n_e = n_models < T ? n_models : (T > 0 ? (int)T : 1);
    // candidate 1: a single flat profile (per-token mean and scale only)
    int rc = model_alloc(m, 1, T, D);
    if (rc || T == 0 || D == 0)
        return rc;
    int32_t *tmp = malloc((size_t)D * sizeof *tmp);
    if (!tmp) {
        fl_entropy_model_free(m);
        return -ENOMEM;
    }
    token_medians(L, T, D, tmp, m->mean);
    free(tmp);
    choose_tokens(tb, L, m);
    // candidates 2 and 3: one fitted profile, and n_e fitted profiles; keep
    // whichever codes shortest, side information included (a profile costs
    // a few bits per dim, which few tokens cannot repay)
    double best = model_total_bits(tb, m, L);
    int cand[2] = {1, n_e};
    for (int c = 0; c < (n_e > 1 ? 2 : 1); c++) {
        entropy_model p;
        rc = fit_profiles(tb, L, T, D, cand[c], &p);
        if (rc) {
            fl_entropy_model_free(m);
            return rc;
        }
        double bits = model_total_bits(tb, &p, L);
        if (bits < best) {
            best = bits;
            fl_entropy_model_free(m);
            *m = p;
        } else {
            fl_entropy_model_free(&p);
        }
    }
    return 0;
}

/* ------------------------------------------------------------- side info */

static uint64_t zigzag(int64_t v)
{
    return v < 0 ? ((uint64_t)(-(v + 1)) << 1) | 1 : (uint64_t)v << 1;
}

static int64_t unzigzag(uint64_t z)
{
    return (z & 1) ? -(int64_t)(z >> 1) - 1 : (int64_t)(z >> 1);
}

typedef struct {
    rans_adapt off, prof, scale, mean;
} side_models;

static void side_free(side_models *s)
{
    fl_rans_adapt_free(&s->off);
    fl_rans_adapt_free(&s->prof);
    fl_rans_adapt_free(&s->scale);
    fl_rans_adapt_free(&s->mean);
}

static int side_init(side_models *s, int n_e)
{
    memset(s, 0, sizeof *s);
    int rc = fl_rans_adapt_init(&s->off, OFF_MAX - OFF_MIN + 1);
    if (!rc && n_e > 1)
        rc = fl_rans_adapt_init(&s->prof, (uint32_t)n_e);
    if (!rc)
        rc = fl_rans_adapt_init(&s->scale, ENTROPY_SCALES);
    if (!rc)
        rc = fl_rans_adapt_init(&s->mean, MEAN_SYMS);
    if (rc)
        side_free(s);
    return rc;
}

static int record_side(const entropy_tables *tb, const entropy_model *m, rans_rec *rec)
{
    side_models s;
    int rc = side_init(&s, m->n_models);
    if (rc)
        return rc;
    fl_rans_rec_push_bits(rec, (uint64_t)tb->prec, 5);
    fl_rans_rec_push_bits(rec, (uint64_t)(m->n_models - 1), 6);
    for (int64_t i = 0; i < m->n_models * m->dims; i++)
        fl_rans_adapt_encode(&s.off, (uint32_t)(m->off[i] - OFF_MIN), rec);
    int32_t prev = 0;
    for (int64_t t = 0; t < m->tokens; t++) {
        if (m->n_models > 1)
            fl_rans_adapt_encode(&s.prof, m->prof[t], rec);
        fl_rans_adapt_encode(&s.scale, m->scale[t], rec);
        uint64_t z = zigzag((int64_t)m->mean[t] - prev);
        prev = m->mean[t];
        if (z < MEAN_SYMS - 1) {
            fl_rans_adapt_encode(&s.mean, (uint32_t)z, rec);
        } else {
            fl_rans_adapt_encode(&s.mean, MEAN_SYMS - 1, rec);
            fl_rans_rec_push_gamma(rec, z - (MEAN_SYMS - 2));
        }
    }
    side_free(&s);
    return rec->err;
}

static int model_check(const entropy_model *m)
{
    if (!m || m->n_models < 1 || m->n_models > ENTROPY_MODELS_MAX || m->tokens < 0 || m->dims < 0
        || (m->dims > 0 && m->tokens > MAX_ELEMS / m->dims))
        return -EINVAL;
    for (int64_t i = 0; i < m->n_models * m->dims; i++)
        if (m->off[i] < OFF_MIN || m->off[i] > OFF_MAX)
            return -EINVAL;
    for (int64_t t = 0; t < m->tokens; t++)
        if (m->prof[t] >= m->n_models || m->scale[t] >= ENTROPY_SCALES)
            return -EINVAL;
    return 0;
}

/* ---------------------------------------------------------------- encode */

/* Escape of element v (|v| > R) of table et pushed onto state x (its
 * lane). Decode order: escape, sign, gamma((m >> rice) + 1), rice low bits. */
static uint64_t enc_escape(rans_enc *e, uint64_t x, const etab *et, int64_t v)
{
    uint64_t mag = (uint64_t)(v < 0 ? -v : v) - (uint64_t)et->R - 1;
    uint64_t keep = e->x; // run the lane-0 helpers on x
    e->x = x;
    rans_enc_put_bits(e, (uint32_t)mag, et->rice);
    fl_rans_enc_put_gamma(e, (mag >> et->rice) + 1);
    rans_enc_put_bits(e, v < 0, 1);
    rans_enc_put_esym(e, &et->es[et->esc]);
    x = e->x;
    e->x = keep;
    return x;
}

/* One element v of table w onto state x; *buf / *pos are the encoder's
 * buffer and position held in locals, with `left` words reserved beyond
 * this element's */
static inline HOT_INLINE uint64_t enc_elem(rans_enc *e, uint32_t **buf, size_t *pos, uint64_t x,
                                           const etab_view *w, int64_t v, size_t left,
                                           uint64_t *escapes)
{
    if ((uint64_t)(v + w->R) <= 2 * (uint64_t)w->R)
        return rans_enc_step_fast(*buf, pos, x, &w->mid[v]);
    e->pos = *pos;
    x = enc_escape(e, x, w->et, v);
    fl_rans_enc_reserve(e, left);
    *buf = e->buf;
    *pos = e->pos;
    ++*escapes;
    return x;
}

/* Row elements D-1..0 of one token, element d on lane d % LANES, of table
 * vw[off[d]] */
#define LANES ENTROPY_LANES
static int enc_row(rans_enc *e, const etab_view *vw, const int8_t *off, const int32_t *row,
                   int32_t mean, int64_t D, uint64_t *escapes)
{
    if (fl_rans_enc_reserve(e, (size_t)D) != 0)
        return e->err;
    uint32_t *buf = e->buf;
    size_t pos = e->pos;
    uint64_t x[LANES];
    x[0] = e->x;
    for (int l = 1; l < LANES; l++)
        x[l] = e->xo[l - 1];
    // the last D % LANES elements (lanes r-1..0), then groups of LANES;
    // lane indices stay constants so that the states live in registers
    const int64_t base = D - D % LANES;
    UNROLL_LANES
    for (int l = LANES - 2; l >= 0; l--)
        if (base + l < D)
            x[l] = enc_elem(e, &buf, &pos, x[l], &vw[off[base + l]],
                            (int64_t)row[base + l] - mean, (size_t)(base + l), escapes);
    for (int64_t j = base - LANES; j >= 0; j -= LANES)
        UNROLL_LANES
        for (int l = LANES - 1; l >= 0; l--)
            x[l] = enc_elem(e, &buf, &pos, x[l], &vw[off[j + l]], (int64_t)row[j + l] - mean,
                            (size_t)(j + l), escapes);
    e->x = x[0];
    for (int l = 1; l < LANES; l++)
        e->xo[l - 1] = x[l];
    e->pos = pos;
    return e->err;
}

int fl_entropy_encode_model(const entropy_tables *tb, const entropy_model *m, const int32_t *L,
                         uint8_t **out, size_t *nbytes, entropy_stats *st)
{
    if (!out || !nbytes)
        return -EINVAL;
    *out = NULL;
    *nbytes = 0;
    if (!tb || model_check(m) != 0 || (m->tokens * m->dims > 0 && !L))
        return -EINVAL;
    const int64_t T = m->tokens, D = m->dims;
    rans_rec rec;
    fl_rans_rec_init(&rec);
    int rc = record_side(tb, m, &rec);
    rans_enc e;
    int erc = fl_rans_enc_init_lanes(&e, (size_t)(T * D / 4) + 64, ENTROPY_LANES);
    if (!rc && erc)
        rc = -ENOMEM;
    double data_bits = 0;
    uint64_t escapes = 0;
    if (!rc) {
        // LIFO: elements last to first, then the side information (lane 0)
        for (int64_t t = T - 1; t >= 0; t--) {
            const int8_t *off = m->off + (int64_t)m->prof[t] * D;
            const int32_t mean = m->mean[t];
            const etab_view *vw = tb->view + m->scale[t] - OFF_MIN;
            const int32_t *row = L + t * D;
            if (enc_row(&e, vw, off, row, mean, D, &escapes) != 0)
                break;
            if (st)
                for (int64_t d = 0; d < D; d++)
                    data_bits += elem_cost(vw[off[d]].et, (int64_t)row[d] - mean);
        }
        fl_rans_enc_put_rec(&e, &rec);
        rc = fl_rans_enc_finish(&e, out, nbytes);
    }
    if (st && !rc) {
        st->bits = 8ull * *nbytes;
        st->side_bits = fl_rans_rec_info_bits(&rec);
        st->ideal_bits = data_bits + st->side_bits;
        st->escapes = escapes;
        st->n_models = m->n_models;
    }
    fl_rans_enc_free(&e);
    fl_rans_rec_free(&rec);
    return rc;
}

int fl_entropy_encode(const entropy_tables *tb, const int32_t *levels, int64_t tokens, int64_t dims,
                   int n_models, uint8_t **out, size_t *nbytes, entropy_stats *st)
{
    if (out)
        *out = NULL;
    if (nbytes)
        *nbytes = 0;
    entropy_model m;
    int rc = fl_entropy_fit(tb, levels, tokens, dims, n_models, &m);
    if (rc)
        return rc;
    rc = fl_entropy_encode_model(tb, &m, levels, out, nbytes, st);
    fl_entropy_model_free(&m);
    return rc;
}

static double model_total_bits(const entropy_tables *tb, const entropy_model *m, const int32_t *L)
{
    rans_rec rec;
    fl_rans_rec_init(&rec);
    double b = record_side(tb, m, &rec) == 0 ? fl_rans_rec_info_bits(&rec) : INFINITY;
    fl_rans_rec_free(&rec);
    const int64_t D = m->dims;
    for (int64_t t = 0; t < m->tokens; t++)
        b += token_cost(tb, L + t * D, m->mean[t], m->off + (int64_t)m->prof[t] * D, m->scale[t], D);
    return b;
}

int fl_entropy_ideal_bits(const entropy_tables *tb, const int32_t *levels, int64_t tokens, int64_t dims,
                       int n_models, double *bits)
{
    if (!bits)
        return -EINVAL;
    entropy_model m;
    int rc = fl_entropy_fit(tb, levels, tokens, dims, n_models, &m);
    if (rc)
        return rc;
    *bits = model_total_bits(tb, &m, levels);
    fl_entropy_model_free(&m);
    return isfinite(*bits) ? 0 : -ENOMEM;
}

/* ---------------------------------------------------------------- decode */

#define DEC_BAD INT64_MIN // an escape payload out of range: corrupt stream

/* Most words one element can read: a rare element is its symbol (1 rANS
 * step), and for the escape the sign (1), the gamma code (at most 64 one-bit
 * steps, then 63 bits in 4 chunks: fl_rans_dec_get_gamma) and the rice bits
 * (1); every step reads at most one word. */
#define RARE_WORDS_MAX (1 + 1 + 64 + 4 + 1)

/* Escape payload of an element of table et, after the escape symbol, read
 * through the lane-0 helpers from d->x (the row loops hold their lane states
 * in locals, so d->x is free for it meanwhile); returns level - mean or DEC_BAD */
static int64_t dec_escape(rans_dec *d, const etab *et)
{
    uint32_t neg = rans_dec_get_bits(d, 1);
    uint64_t hi = fl_rans_dec_get_gamma(d) - 1;
    if (hi > (1ull << 33))
        return DEC_BAD;
    uint64_t mag = (hi << et->rice) | rans_dec_get_bits(d, et->rice);
    int64_t v = (int64_t)mag + et->R + 1;
    return neg ? -v : v;
}

static inline int level_ok(int64_t mean, int64_t v)
{
    return v != DEC_BAD && mean + v >= INT32_MIN && mean + v <= INT32_MAX;
}

/* The record of slot `slot` in a DREC_SCAN bucket of table et */
static uint64_t dec_scan(const etab *et, uint32_t slot)
{
    uint32_t i = rans_table_lookup(&et->t, slot);
    const uint32_t *cum = et->t.cum;
    return DREC(cum[i], cum[i + 1] - cum[i],
                i == et->esc ? DREC_ESC : (uint32_t)((int32_t)i - et->R + (int32_t)DREC_BIAS));
}

/* The rare element of table et, record r (a DREC_SCAN bucket or the
 * escape), with the lane's state in d->x and the read position in d->p;
 * returns the level, or sets d->err when it is not an int32 */
static int32_t dec_rare(rans_dec *d, const etab *et, uint64_t r, int64_t mean, unsigned prec)
{
    uint32_t slot = (uint32_t)(d->x & ((1ull << prec) - 1));
    if (r >> 49 == DREC_SCAN)
        r = dec_scan(et, slot);
    d->x = rans_dec_step(d, d->x, (uint32_t)(r & 0xFFFFFF), (uint32_t)(r >> 24) & 0x1FFFFFF, prec);
    uint32_t code = (uint32_t)(r >> 49);
    int64_t v = code == DREC_ESC ? dec_escape(d, et) : (int64_t)code - DREC_BIAS;
    if (!level_ok(mean, v)) {
        d->err = 1;
        return 0;
    }
    return (int32_t)(mean + v);
}

/* the freq field of a record (one BEXTR where the CPU has BMI1) */
static inline uint64_t drec_freq(uint64_t r)
{
#if defined(__BMI__) && defined(__GNUC__)
    return __builtin_ia32_bextr_u64(r, 24 | 25 << 8);
#else
    return (r >> 24) & 0x1FFFFFF;
#endif
}

/* the start field of a record; at a precision of at most 16 bits its bits
 * 16..23 are zero (start < 2^prec), and one zero-extending move reads it */
static inline uint64_t drec_start(uint64_t r, unsigned prec)
{
    return prec <= 16 ? (uint16_t)r : r & 0xFFFFFF;
}

/* One element of table w from state x (returned updated) into *out; *p /
 * *err are the decoder's read position and error flag held in locals. With
 * _checked 0 the caller has made sure that mean +- R is an int32 (R <
 * 2^12): only the rare elements (dec_rare) check the level. With _room 1
 * the caller has made sure that a word is left to read (end - *p >= 4).
 * The state needs no check for zero here: the record holds the slot
 * (start <= slot < start + freq), so x' = freq (x >> prec) + slot - start
 * >= x >> prec >= 2^(31 - prec) > 0 and x' << 32 >= RANS_L. */
static inline HOT_INLINE uint64_t dec_elem(rans_dec *d, const uint8_t **p, int *err, uint64_t x,
                                           const etab_dview *w, const etab *tabs, unsigned prec,
                                           int64_t mean, int checked, int room, int32_t *out)
{
    uint32_t slot = (uint32_t)(x & ((1ull << prec) - 1));
    const uint64_t *b = w->dent + 2 * (slot >> w->dshift);
    uint64_t ra = b[0], rb = b[1];
    uint64_t r = slot >= (uint32_t)(rb & 0xFFFFFF) ? rb : ra;
    if ((int64_t)r < 0) { // DREC_ESC or DREC_SCAN
        d->p = *p;
        d->err |= *err;
        d->x = x;
        *out = dec_rare(d, &tabs[w->k], r, mean, prec);
        *p = d->p;
        *err = d->err;
        return d->x;
    }
    x = drec_freq(r) * (x >> prec) + slot - (uint32_t)(r & 0xFFFFFF);
    if (x < RANS_L) {
        uint32_t wd = 0;
        if (room || d->end - *p >= 4) {
            const uint8_t *q = *p;
            wd = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16
               | (uint32_t)q[3] << 24;
            *p = q + 4;
        } else {
            *err = 1;
        }
        x = x << 32 | wd;
    }
    int64_t lv = mean + (int64_t)(r >> 49) - DREC_BIAS;
    if (checked && (lv < INT32_MIN || lv > INT32_MAX))
        *err = 1;
    *out = (int32_t)lv;
    return x;
}

/* The renormalisation of a group step without a branch: x = y < RANS_L ?
 * y << 32 | w : y, and q (the read index in words) advanced by one when a
 * word was taken. A branch here mispredicts on about one symbol in six and
 * stops the overlap of the lanes; compilers turn a C select back into a
 * branch, hence the x86-64 cmov spelled out. */
static inline HOT_INLINE uint64_t renorm_sel(uint64_t y, uint32_t w, size_t *q)
{
    uint64_t ys = y << 32 | w;
#if defined(__x86_64__) && defined(__GNUC__)
    uint64_t lim = RANS_L;
    __asm__("cmpq %[lim], %[y]\n\tcmovbq %[ys], %[y]\n\tadcq $0, %[q]"
            : [y] "+r"(y), [q] "+r"(*q)
            : [ys] "r"(ys), [lim] "r"(lim)
            : "cc");
    return y;
#else
    uint64_t c = y < RANS_L;
    *q += c;
    return c ? ys : y;
#endif
}

/* Groups of LANES elements j, j+1, ... of a row, as long as no record of a
 * group is the escape (a scan bucket is searched here) and the stream has room for every word a
 * group can read (RARE_WORDS_MAX per element, so no per-element bounds
 * check): the records of the group's lanes are found first, then the states
 * advanced with renorm_sel, the words at read indices that follow the lanes
 * in order (lane 0 reads first, as the encoder wrote). Levels go without
 * the int32 check (the caller's margin). Returns the first element not
 * done; *pp and x advanced. Out of line so that the four states, the read
 * index and the row pointers all stay in registers. */
static inline HOT_INLINE int64_t dec_groups_prec(const uint8_t **pp, const uint8_t *end,
                                                  uint64_t *xs, const etab_dview *vw,
                                                  const etab *tabs,
                                                  const int8_t *off, int32_t *row, int64_t mean,
                                                  int64_t j, int64_t D, unsigned prec)
{
    const uint8_t *p = *pp;
    const uint64_t mask = (1ull << prec) - 1;
    const int64_t lb = mean - DREC_BIAS;
    uint64_t x[LANES];
    for (int l = 0; l < LANES; l++)
        x[l] = xs[l];
    // room in words: a group starts only with q <= qmax, i.e. with at
    // least `need` words left
    const size_t words = (size_t)(end - p) / 4, need = (size_t)LANES * RARE_WORDS_MAX;
    if (words < need)
        return j;
    size_t q = 0;
    const size_t qmax = words - need;
    for (; j + LANES <= D && q <= qmax; j += LANES) {
        uint64_t r[LANES];
        int rare = 0;
        UNROLL_LANES
        for (int l = 0; l < LANES; l++) {
            const etab_dview *w = &vw[off[j + l]];
            uint64_t slot = x[l] & mask;
            const uint64_t *b = (const uint64_t *)(const void *)((const char *)w->dent
                                                               + ((slot >> w->dshift) << 4));
            uint64_t ra = b[0], rb = b[1];
            r[l] = slot >= drec_start(rb, prec) ? rb : ra;
            if ((int64_t)r[l] < 0) { // a scan bucket (1.6% of the symbols in bench_entropy)
                if (r[l] >> 49 == DREC_SCAN)
                    r[l] = dec_scan(&tabs[w->k], (uint32_t)slot);
                rare |= (int64_t)r[l] < 0; // or the escape
            }
        }
        if (rare)
            break;
        UNROLL_LANES
        for (int l = 0; l < LANES; l++) {
            uint64_t y = drec_freq(r[l]) * (x[l] >> prec) + (x[l] & mask)
                       - drec_start(r[l], prec);
            const uint8_t *wp = p + 4 * q;
            uint32_t wd = (uint32_t)wp[0] | (uint32_t)wp[1] << 8 | (uint32_t)wp[2] << 16
                        | (uint32_t)wp[3] << 24;
            x[l] = renorm_sel(y, wd, &q);
            row[j + l] = (int32_t)(lb + (int64_t)(r[l] >> 49));
        }
    }
    for (int l = 0; l < LANES; l++)
        xs[l] = x[l];
    *pp = p + 4 * q;
    return j;
}

static __attribute__((noinline)) int64_t dec_groups16(const uint8_t **pp, const uint8_t *end,
                                                      uint64_t *xs, const etab_dview *vw,
                                                      const etab *tabs, const int8_t *off,
                                                      int32_t *row, int64_t mean, int64_t j,
                                                      int64_t D)
{
    return dec_groups_prec(pp, end, xs, vw, tabs, off, row, mean, j, D, ENTROPY_PREC_DEFAULT);
}

static __attribute__((noinline)) int64_t dec_groups_any(const uint8_t **pp, const uint8_t *end,
                                                        uint64_t *xs, const etab_dview *vw,
                                                        const etab *tabs, const int8_t *off,
                                                        int32_t *row, int64_t mean, int64_t j,
                                                        int64_t D, unsigned prec)
{
    return dec_groups_prec(pp, end, xs, vw, tabs, off, row, mean, j, D, prec);
}

/* One token's row, element d from lane d % LANES of table vw[off[d]]; a
 * corrupt element sets d->err */
static inline HOT_INLINE void dec_row_prec(rans_dec *d, const etab_dview *vw, const etab *tabs,
                                           const int8_t *off, int32_t *row, int64_t mean,
                                           int64_t D, unsigned prec, int checked)
{
    const uint8_t *p = d->p;
    int err = d->err;
    uint64_t x[LANES];
    x[0] = d->x;
    for (int l = 1; l < LANES; l++)
        x[l] = d->xo[l - 1];
    int64_t j = 0;
    for (; j + LANES <= D; j += LANES) {
        // the common case: groups without a rare record, with room for
        // every word they can read (dec_groups16 / dec_groups_any)
        if (!checked) {
            j = prec == ENTROPY_PREC_DEFAULT
                    ? dec_groups16(&p, d->end, x, vw, tabs, off, row, mean, j, D)
                    : dec_groups_any(&p, d->end, x, vw, tabs, off, row, mean, j, D, prec);
            if (j + LANES > D)
                break;
        }
        if (d->end - p >= 4 * LANES * RARE_WORDS_MAX) {
            UNROLL_LANES
            for (int l = 0; l < LANES; l++)
                x[l] = dec_elem(d, &p, &err, x[l], &vw[off[j + l]], tabs, prec, mean, checked, 1,
                                &row[j + l]);
        } else {
            UNROLL_LANES
            for (int l = 0; l < LANES; l++)
                x[l] = dec_elem(d, &p, &err, x[l], &vw[off[j + l]], tabs, prec, mean, checked, 0,
                                &row[j + l]);
        }
    }
    UNROLL_LANES
    for (int l = 0; l < LANES - 1; l++) // the last D % LANES elements, constant lanes
        if (j + l < D)
            x[l] = dec_elem(d, &p, &err, x[l], &vw[off[j + l]], tabs, prec, mean, checked, 0,
                            &row[j + l]);
    d->p = p;
    d->err = err;
    d->x = x[0];
    for (int l = 1; l < LANES; l++)
        d->xo[l - 1] = x[l];
}

/* the default precision as a constant (shifts by an immediate, registers
 * freed) and, where no level of the row can leave the int32 range, without
 * the level check */
static void dec_row(rans_dec *d, const etab_dview *vw, const etab *tabs, const int8_t *off,
                    int32_t *row, int64_t mean, int64_t D, unsigned prec)
{
    const int64_t margin = 1 << 12; // > R of every table (build_table's rmax)
    if (prec == ENTROPY_PREC_DEFAULT && mean >= INT32_MIN + margin && mean <= INT32_MAX - margin)
        dec_row_prec(d, vw, tabs, off, row, mean, D, ENTROPY_PREC_DEFAULT, 0);
    else
        dec_row_prec(d, vw, tabs, off, row, mean, D, prec, 1);
}

int fl_entropy_decode(const entropy_tables *tb, const uint8_t *buf, size_t nbytes, int64_t T, int64_t D,
                   int32_t *levels)
{
    if (!tb || T < 0 || D < 0 || (D > 0 && T > MAX_ELEMS / D) || (T * D > 0 && !levels))
        return -EINVAL;
    const size_t nel = (size_t)(T * D);
    rans_dec dec;
    if (fl_rans_dec_init_lanes(&dec, buf, nbytes, ENTROPY_LANES) != 0) {
        if (nel)
            memset(levels, 0, nel * sizeof *levels);
        return -EBADMSG;
    }
    const unsigned prec = (unsigned)tb->prec;
    int rc = 0;
    if (rans_dec_get_bits(&dec, 5) != prec) {
        if (nel)
            memset(levels, 0, nel * sizeof *levels);
        return -EBADMSG;
    }
    int n_e = (int)rans_dec_get_bits(&dec, 6) + 1;
    entropy_model m;
    side_models s;
    if (model_alloc(&m, n_e, T, D) != 0)
        return -ENOMEM;
    if (side_init(&s, n_e) != 0) {
        fl_entropy_model_free(&m);
        return -ENOMEM;
    }
    for (int64_t i = 0; i < (int64_t)n_e * D; i++)
        m.off[i] = (int8_t)((int)fl_rans_adapt_decode(&s.off, &dec) + OFF_MIN);
    int64_t prev = 0;
    for (int64_t t = 0; t < T && !dec.err; t++) {
        m.prof[t] = n_e > 1 ? (uint8_t)fl_rans_adapt_decode(&s.prof, &dec) : 0;
        m.scale[t] = (uint8_t)fl_rans_adapt_decode(&s.scale, &dec);
        uint64_t z = fl_rans_adapt_decode(&s.mean, &dec);
        if (z == MEAN_SYMS - 1) {
            uint64_t g = fl_rans_dec_get_gamma(&dec);
            if (g > (1ull << 34)) {
                rc = -EBADMSG;
                goto out;
            }
            z = g + (MEAN_SYMS - 2);
        }
        int64_t mean = prev + unzigzag(z);
        if (mean < INT32_MIN || mean > INT32_MAX) {
            rc = -EBADMSG;
            goto out;
        }
        m.mean[t] = (int32_t)mean;
        prev = mean;
    }
    for (int64_t t = 0; t < T && !dec.err; t++) {
        const int8_t *off = m.off + (int64_t)m.prof[t] * D;
        const int64_t mean = m.mean[t];
        dec_row(&dec, tb->dview + m.scale[t] - OFF_MIN, tb->tab, off, levels + t * D, mean, D,
                prec);
    }
    if (fl_rans_dec_finish(&dec) != 0)
        rc = -EBADMSG;
out:
    if (rc && nel)
        memset(levels, 0, nel * sizeof *levels);
    side_free(&s);
    fl_entropy_model_free(&m);
    return rc;
}

/* ------------------------------------------------------------------ RDOQ */

entropy_rdoq *fl_entropy_rdoq_create(const entropy_tables *tb, const float *x, int64_t T, int64_t D,
                                  double step, int n_models)
{
    if (!tb || T < 0 || D < 0 || (T * D > 0 && !x) || !(step > 0)
        || (D > 0 && T > MAX_ELEMS / D))
        return NULL;
    const size_t nel = (size_t)(T * D);
    int32_t *lv = malloc((nel + 1) * sizeof *lv);
    entropy_rdoq *r = calloc(1, sizeof *r);
    if (!lv || !r)
        goto fail;
    for (size_t i = 0; i < nel; i++) {
        double q = nearbyint((double)x[i] / step);
        lv[i] = (int32_t)(q > 1e9 ? 1e9 : (q < -1e9 ? -1e9 : (isnan(q) ? 0 : q)));
    }
    entropy_model m;
    if (fl_entropy_fit(tb, lv, T, D, n_models, &m) != 0)
        goto fail;
    r->tb = tb;
    r->tokens = T;
    r->dims = D;
    r->k = malloc(nel + 1);
    r->mean = m.mean;
    m.mean = NULL;
    if (!r->k) {
        fl_entropy_model_free(&m);
        goto fail;
    }
    for (int64_t t = 0; t < T; t++)
        for (int64_t d = 0; d < D; d++)
            r->k[t * D + d] = (uint8_t)clamp_k(m.scale[t] + m.off[(int64_t)m.prof[t] * D + d]);
    fl_entropy_model_free(&m);
    free(lv);
    return r;
fail:
    free(lv);
    fl_entropy_rdoq_destroy(r);
    return NULL;
}

double fl_entropy_rdoq_bits(void *ctx, int64_t idx, int32_t level)
{
    const entropy_rdoq *r = ctx;
    if (!r || idx < 0 || idx >= r->tokens * r->dims)
        return INFINITY;
    const etab *et = &r->tb->tab[r->k[idx]];
    return elem_cost(et, (int64_t)level - r->mean[idx / r->dims]);
}

void fl_entropy_rdoq_destroy(entropy_rdoq *r)
{
    if (!r)
        return;
    free(r->k);
    free(r->mean);
    free(r);
}
