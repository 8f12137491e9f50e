/* frametab: the /frames record table (frametab.h). */
#include "sim/frametab.h"

#include "sim/export.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    cs_type type;
    const char *unit, *desc;
} ft_col;

/* The columns after "point", in the order of frametab.h and of a journal
 * record line. */
static const ft_col ft_cols[FRAMETAB_COLUMNS] = {
    {"trial", CS_I64, "", "replication (independent system run) of the point, 0 .. trials-1"},
    {"group", CS_I64, "", "device group of the device (sim/system), 0 .. groups-1"},
    {"device", CS_I64, "", "device of the point, 0 .. devices-1"},
    {"frame", CS_I64, "frame", "frame index at its device, counted from t = 0 (warm-up frames included)"},
    {"arrival_s", CS_F64, "s", "arrival of the frame at its device"},
    {"encode_end_s", CS_F64, "s", "end of device compute (encoder + codec); device time = encode_end_s - arrival_s"},
    {"first_tx_s", CS_F64, "s", "start of the frame's first packet attempt on the uplink (NaN: dropped stale at the device)"},
    {"delivered_s", CS_F64, "s", "arrival of the frame's last packet at the server (NaN: dropped)"},
    {"server_start_s", CS_F64, "s", "start of server compute (NaN: dropped)"},
    {"completion_s", CS_F64, "s", "end of server compute (NaN: dropped); latency = completion_s - arrival_s"},
    {"bits", CS_I64, "bit", "encoded frame size"},
    {"packets", CS_I64, "packet", "packets of uplink.packet_bits the frame was cut into"},
    {"retransmissions", CS_I64, "packet", "packet attempts after the first, over all its packets"},
    {"lost_packets", CS_I64, "packet", "packets still lost after uplink.max_retx retransmissions"},
    {"dropped", CS_I64, "", "0 delivered; 1 dropped stale at the device (system.late = drop); 2 dropped for lost packets (uplink.lost = drop)"},
    {"deadline_met", CS_I64, "", "1 when completed within system.deadline_s of its arrival, else 0 (a dropped frame: 0)"},
    {"airtime_s", CS_F64, "s", "time on air of all its packet attempts"},
    {"energy_j", CS_F64, "J", "device energy: compute power x device time + transmit power x airtime"},
    {"proxy_f1", CS_F64, "", "proxy F1 of the delivered frame when the system layer decodes it; NaN otherwise (it does not yet)"},
};

/* The values of frame _f of trial _trial in column order (as doubles; the
 * int64 columns hold integers below 2^53, exact as doubles). */
static void ft_values(const sys_frame *f, uint32_t trial, double *v)
{
    const double x[] = {trial, f->group, f->device, (double)f->frame, f->arrival_s, f->encode_end_s,
                        f->first_tx_s, f->delivered_s, f->server_start_s, f->completion_s, (double)f->bits,
                        f->packets, f->retx, f->lost_packets, f->dropped, f->deadline_met, f->airtime_s,
                        f->energy_j, NAN};
    _Static_assert(sizeof x / sizeof x[0] == FRAMETAB_COLUMNS, "one value per column");
    memcpy(v, x, sizeof x);
}

/* A frame from the values of a journal record line (ft_values' order). */
static void ft_frame(const double *v, sys_frame *f, uint32_t *trial)
{
    memset(f, 0, sizeof *f);
    *trial = (uint32_t)v[0];
    f->group = (uint32_t)v[1], f->device = (uint32_t)v[2], f->frame = (uint64_t)v[3];
    f->arrival_s = v[4], f->encode_end_s = v[5], f->first_tx_s = v[6], f->delivered_s = v[7];
    f->server_start_s = v[8], f->completion_s = v[9];
    f->bits = (uint64_t)v[10], f->packets = (uint32_t)v[11], f->retx = (uint32_t)v[12];
    f->lost_packets = (uint32_t)v[13], f->dropped = (int)v[14], f->deadline_met = (int)v[15];
    f->airtime_s = v[16], f->energy_j = v[17];
}

void fl_frametab_init(frametab *b, double warmup_s, int64_t max)
{
    memset(b, 0, sizeof *b);
    b->warmup_s = warmup_s;
    b->max = max;
}

void fl_frametab_free(frametab *b)
{
    free(b->f);
    free(b->trial);
    b->f = NULL, b->trial = NULL;
    b->n = b->cap = 0;
}

void fl_frametab_reset(frametab *b) { b->n = 0; }

static int ft_push(frametab *b, const sys_frame *f, uint32_t trial)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        sys_frame *nf = realloc(b->f, cap * sizeof *nf);
        if (!nf)
            return -ENOMEM;
        b->f = nf;
        uint32_t *nt = realloc(b->trial, cap * sizeof *nt);
        if (!nt)
            return -ENOMEM;
        b->trial = nt, b->cap = cap;
    }
    b->f[b->n] = *f;
    b->trial[b->n++] = trial;
    return 0;
}

int fl_frametab_add(void *arg, const sys_frame *f)
{
    frametab *b = arg;
    /* the frames sim/syssum counts (fl_syssum_add's test), so that a point's
       records agree with its `frames` column */
    if (f->arrival_s < b->warmup_s)
        return 0;
    return ft_push(b, f, b->trial_now);
}

/* The /frames table of _t, or NULL when the run kept no records. */
static cs_table *ft_table(const results *t)
{
    for (int k = 0; k < fl_results_record_tables(t); k++)
        if (!strcmp(fl_cs_name(fl_results_record_table(t, k)), "frames"))
            return (cs_table *)fl_results_record_table(t, k);
    return NULL;
}

int fl_frametab_store(results *t, int64_t point, const frametab *b)
{
    if (!b->n)
        return 0;
    if (point < 0 || point >= fl_results_points(t))
        return -EINVAL;
    const cs_table *old = ft_table(t);
    int64_t have = old ? fl_cs_rows(old) : 0;
    if (b->n > (size_t)INT64_MAX - (size_t)have || have + (int64_t)b->n > b->max)
        return -EFBIG;
    cs_table *tab = fl_results_records(t, "frames");
    if (!tab)
        return -ENOMEM;
    int col[FRAMETAB_COLUMNS];
    for (int c = 0; c < FRAMETAB_COLUMNS; c++)
        if ((col[c] = fl_cs_column(tab, ft_cols[c].name, ft_cols[c].type, ft_cols[c].unit, ft_cols[c].desc)) < 0)
            return col[c];
    int rc = 0;
    for (size_t i = 0; i < b->n && !rc; i++) {
        double v[FRAMETAB_COLUMNS];
        ft_values(&b->f[i], b->trial[i], v);
        int64_t at = fl_cs_append(tab);
        if (at < 0)
            return (int)at;
        rc = fl_cs_put_i64(tab, 0, at, point);
        for (int c = 0; c < FRAMETAB_COLUMNS && !rc; c++)
            rc = ft_cols[c].type == CS_I64 ? fl_cs_put_i64(tab, col[c], at, (int64_t)v[c])
                                           : fl_cs_put_f64(tab, col[c], at, v[c]);
    }
    return rc;
}

/* Column _c of _tab rearranged so that row _perm[r] moves to row r. */
static void ft_permute(cs_table *tab, int c, const int64_t *perm, void *tmp)
{
    int64_t n = fl_cs_rows(tab);
    cs_type ty = fl_cs_col_type(tab, c);
    for (int64_t r = 0; r < n; r++) {
        if (ty == CS_I64)
            ((int64_t *)tmp)[r] = fl_cs_i64(tab, c, perm[r]);
        else if (ty == CS_F64)
            ((double *)tmp)[r] = fl_cs_f64(tab, c, perm[r]);
        else /* texts stay in the column's pool: the pointers remain valid */
            ((const char **)tmp)[r] = fl_cs_str(tab, c, perm[r]);
    }
    for (int64_t r = 0; r < n; r++) {
        if (ty == CS_I64)
            fl_cs_put_i64(tab, c, r, ((int64_t *)tmp)[r]);
        else if (ty == CS_F64)
            fl_cs_put_f64(tab, c, r, ((double *)tmp)[r]);
        else
            fl_cs_put_str(tab, c, r, ((const char **)tmp)[r]);
    }
}

int fl_frametab_sort(results *t)
{
    cs_table *tab = ft_table(t);
    int64_t n = tab ? fl_cs_rows(tab) : 0, np = fl_results_points(t);
    int sorted = 1;
    for (int64_t r = 1; r < n && sorted; r++)
        sorted = fl_cs_i64(tab, 0, r - 1) <= fl_cs_i64(tab, 0, r);
    if (sorted)
        return 0;
    /* a stable counting sort by point: each point's records keep their order */
    int64_t *start = calloc((size_t)np + 1, sizeof *start), *perm = malloc((size_t)n * sizeof *perm);
    void *tmp = malloc((size_t)n * 8);
    int rc = start && perm && tmp ? 0 : -ENOMEM;
    for (int64_t r = 0; !rc && r < n; r++) {
        int64_t p = fl_cs_i64(tab, 0, r);
        if (p < 0 || p >= np)
            rc = -EINVAL;
        else
            start[p + 1]++;
    }
    for (int64_t p = 0; !rc && p < np; p++)
        start[p + 1] += start[p];
    for (int64_t r = 0; !rc && r < n; r++)
        perm[start[fl_cs_i64(tab, 0, r)]++] = r;
    for (int c = 0; !rc && c < fl_cs_cols(tab); c++)
        ft_permute(tab, c, perm, tmp);
    free(start), free(perm), free(tmp);
    return rc;
}

/* ---- journal lines ---- */

#define FT_LINE_HEAD "{\"point\":"

int fl_frametab_journal_write(FILE *fp, int64_t point, const frametab *b)
{
    errno = 0;
    for (size_t i = 0; i < b->n; i++) {
        double v[FRAMETAB_COLUMNS];
        ft_values(&b->f[i], b->trial[i], v);
        if (fprintf(fp, FT_LINE_HEAD "%lld,\"k\":%zu,\"f\":[", (long long)point, i) < 0)
            return errno ? -errno : -EIO;
        for (int c = 0; c < FRAMETAB_COLUMNS; c++) {
            char num[40];
            fl_export_number(v[c], num, sizeof num);
            /* JSON has no NaN or infinities: those as the text fl_export_number gives */
            if (fprintf(fp, isfinite(v[c]) ? "%s%s" : "%s\"%s\"", c ? "," : "", num) < 0)
                return errno ? -errno : -EIO;
        }
        if (fputs("]}\n", fp) == EOF)
            return errno ? -errno : -EIO;
    }
    return 0;
}

int fl_frametab_journal_line(const char *line)
{
    size_t h = strlen(FT_LINE_HEAD);
    if (strncmp(line, FT_LINE_HEAD, h))
        return 0;
    const char *p = line + h;
    while (*p >= '0' && *p <= '9')
        p++;
    return !strncmp(p, ",\"k\":", 5);
}

/* 1 when _v can be integer column _c of a frame (ft_frame's field): a whole
 * number from 0 to the field's largest (2^53 for the 64-bit counts, 2^31 - 1
 * for dropped and deadline_met, else 2^32 - 1). A journal line with any
 * other value was not written by featlink (fuzz_journal found 1e300 cast to
 * uint32_t, undefined behaviour). */
static int ft_int_ok(int c, double v)
{
    double max = c == 3 || c == 10 ? 9007199254740992.0 : c == 14 || c == 15 ? 2147483647.0 : 4294967295.0;
    return v >= 0 && v <= max && v == floor(v);
}

/* The point, k and values of record line _line; 0 when it is whole. */
static int ft_parse(const char *line, int64_t *point, double *k, double *v)
{
    cJSON *j = cJSON_Parse(line);
    const cJSON *pi = cJSON_GetObjectItemCaseSensitive(j, "point");
    const cJSON *ki = cJSON_GetObjectItemCaseSensitive(j, "k");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "f");
    int bad = !cJSON_IsNumber(pi) || !cJSON_IsNumber(ki) || !cJSON_IsArray(f) ||
              cJSON_GetArraySize(f) != FRAMETAB_COLUMNS || pi->valuedouble < 0 || pi->valuedouble > 9e15;
    for (int c = 0; !bad && c < FRAMETAB_COLUMNS; c++) {
        const cJSON *e = cJSON_GetArrayItem(f, c);
        if (cJSON_IsNumber(e))
            v[c] = e->valuedouble;
        else if (cJSON_IsString(e)) /* "nan", "inf", "-inf" */
            v[c] = strtod(e->valuestring, NULL);
        else
            bad = 1;
        bad |= ft_cols[c].type == CS_I64 && !ft_int_ok(c, v[c]);
    }
    if (!bad)
        *point = (int64_t)pi->valuedouble, *k = ki->valuedouble;
    cJSON_Delete(j);
    return bad;
}

int fl_frametab_journal_read(frametab *b, int64_t *point, const char *line)
{
    int64_t p;
    double k, v[FRAMETAB_COLUMNS];
    if (ft_parse(line, &p, &k, v)) {
        fl_frametab_reset(b), *point = -1;
        return 0;
    }
    if (k == 0) { /* a point's records start (again: a run that stopped before its row) */
        fl_frametab_reset(b);
        *point = p;
    } else if (p != *point || k != (double)b->n) {
        fl_frametab_reset(b), *point = -1;
        return 0;
    }
    sys_frame f;
    uint32_t trial;
    ft_frame(v, &f, &trial);
    return ft_push(b, &f, trial);
}
