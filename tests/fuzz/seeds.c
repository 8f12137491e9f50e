/* seeds: write the seed corpus of every fuzz target, made by featlink's own
 * encoders and writers (valid inputs the fuzzer mutates from).
 *   seeds DIR   writes DIR/<target>/seed_NNN for each target in tests/fuzz/
 * Each input is laid out as its target reads it (see the target's comment). */
#include "tests/fuzz/fuzz_util.h"

#include "channel/conv.h"
#include "channel/packet.h"
#include "codec/entropy.h"
#include "codec/enumidx.h"
#include "codec/pinr.h"
#include "codec/rans.h"
#include "codec/tofc.h"
#include "sim/frametab.h"
#include "sim/journal.h"
#include "sim/results.h"

#include <dirent.h>
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <sys/stat.h>

static const char *root;
static int counter;

static void put(const char *target, const void *a, size_t na, const void *b, size_t nb)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, target);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/seed_%03d", root, target, counter++);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(a, 1, na, f) != na || (nb && fwrite(b, 1, nb, f) != nb)) {
        fprintf(stderr, "seeds: cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

static float *tensor(size_t n, uint32_t seed)
{
    float *x = malloc(n * sizeof *x);
    uint32_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = (float)((double)(s >> 8) / 16777216.0 - 0.5) * (float)(1 + i % 7);
    }
    return x;
}

static void seeds_pinr(void)
{
    const int bits[] = {1, 4, 8, 16, 32, 64};
    for (int m = 0; m < 4; m++)
        for (int b = 0; b < 6; b++) {
            pinr_params p = {12, 8, bits[b], 0.25, 0.5, 0.5, (pinr_index)m};
            float *x = tensor(96, (uint32_t)(m * 6 + b));
            uint8_t *out;
            uint64_t nbits;
            if (fl_pinr_encode(&p, x, 7, &out, &nbits, NULL) == 0) {
                uint8_t ctrl = (uint8_t)(((8 - nbits % 8) % 8) << 5 | (b & 1));
                put("fuzz_pinr", out, (nbits + 7) / 8, &ctrl, 1);
                free(out);
            }
            free(x);
        }
}

static void seeds_tofc(void)
{
    const int q[] = {TOFC_QUANT_FP32, TOFC_QUANT_FP16, TOFC_QUANT_BF16, TOFC_QUANT_UNIFORM,
                     TOFC_QUANT_UNIFORM, TOFC_QUANT_RDOQ};
    const int e[] = {0, 0, 0, 0, 1, 1};
    for (int k = 0; k < 6; k++)
        for (int sel = 0; sel < 2; sel++) {
            tofc_params p = {.patches = 2, .tokens = 8, .dims = 6, .select = (tofc_select)sel,
                             .clusters = 3, .knn = 2, .quant = (tofc_quant)q[k], .step = 0.05,
                             .deadzone = 0.5, .lambda = 0.001, .entropy = (tofc_entropy)e[k],
                             .models = e[k] ? 2 : 0};
            float *x = tensor(96, (uint32_t)k);
            uint8_t *out;
            size_t nb;
            if (fl_tofc_encode(&p, x, &out, &nb, NULL, NULL) == 0) {
                uint8_t ctrl = (uint8_t)(sel * 2);
                put("fuzz_tofc", out, nb, &ctrl, 1);
                free(out);
            }
            free(x);
        }
}

static void seeds_entropy(void)
{
    entropy_tables *tb = fl_entropy_tables_create(ENTROPY_PREC_DEFAULT);
    for (int k = 0; k < 8; k++) {
        int64_t t = 1 + k * 5, d = 1 + (k * 11) % 40;
        int32_t *lv = malloc((size_t)(t * d) * sizeof *lv);
        for (int64_t i = 0; i < t * d; i++)
            lv[i] = (int32_t)((i * 7919 + k) % 9) - 4 + (k == 7 && i == 3 ? 5000 : 0);
        uint8_t *out, hdr[2] = {(uint8_t)(t - 1), (uint8_t)(d - 1)};
        size_t nb;
        if (fl_entropy_encode(tb, lv, t, d, 1 + k % 4, &out, &nb, NULL) == 0) {
            put("fuzz_entropy", hdr, 2, out, nb);
            free(out);
        }
        free(lv);
    }
    fl_entropy_tables_destroy(tb);
}

static void seeds_rans(void)
{
    for (int k = 0; k < 8; k++) {
        uint8_t in[20];
        uint32_t ns = 2 + (uint32_t)(k * 5) % 16;
        in[0] = (uint8_t)(ns - 2);
        for (uint32_t i = 0; i < ns; i++)
            in[1 + i] = (uint8_t)(i * 37 + (uint32_t)k * 11);
        fuzz_in fi = {in + 1, ns};
        uint32_t freq[17];
        fuzz_rans_table(&fi, freq, ns);
        uint32_t cum[18] = {0};
        for (uint32_t i = 0; i < ns; i++)
            cum[i + 1] = cum[i] + freq[i];
        uint8_t mode = (uint8_t)(k % 3 == 1 ? 0x40 : k % 3 == 2 ? 0x80 : 0) | (uint8_t)(k * 3);
        in[1 + ns] = mode;
        uint32_t count = 1 + (mode & 0x3Fu) * 8;
        rans_rec r;
        fl_rans_rec_init(&r);
        for (uint32_t i = 0; i < count; i++) {
            uint32_t s = (i * 2654435761u >> 7) % ns;
            fl_rans_rec_push(&r, cum[s], freq[s], FUZZ_RANS_PREC);
            if (mode & 0x40)
                fl_rans_rec_push_gamma(&r, i % 40);
            else if (mode & 0x80)
                fl_rans_rec_push_bits(&r, i % 32, 5);
        }
        rans_enc e;
        fl_rans_enc_init(&e, 16);
        fl_rans_enc_put_rec(&e, &r);
        uint8_t *out;
        size_t nb;
        if (fl_rans_enc_finish(&e, &out, &nb) == 0) {
            put("fuzz_rans", in, 2 + ns, out, nb);
            free(out);
        }
        fl_rans_enc_free(&e);
        fl_rans_rec_free(&r);
    }
}

static void seeds_enumidx(void)
{
    const int64_t nk[][2] = {{1, 0}, {1, 1}, {16, 3}, {100, 50}, {1000, 7}, {4096, 4000}};
    for (int j = 0; j < 6; j++) {
        int64_t n = nk[j][0], k = nk[j][1];
        uint8_t *mask = calloc((size_t)n, 1);
        for (int64_t i = 0, got = 0; got < k; i = (i + 7) % n)
            if (!mask[i])
                mask[i] = 1, got++;
        uint8_t *out, hdr[4] = {(uint8_t)((n - 1) >> 8), (uint8_t)(n - 1), (uint8_t)(k >> 8), (uint8_t)k};
        size_t nb;
        if (fl_enumidx_encode_mask(mask, n, k, &out, &nb, NULL) == 0) {
            put("fuzz_enumidx", hdr, 4, out, nb);
            free(out);
        }
        free(mask);
    }
}

static void seeds_packet(void)
{
    const uint32_t nb_pay[][2] = {{1, 1}, {9, 1}, {100, 3}, {1000, 17}, {4096, 300}, {65536, 256}};
    for (int j = 0; j < 6; j++) {
        packet_layout L;
        fl_packet_layout_init(&L, nb_pay[j][0], nb_pay[j][1]);
        uint8_t *st = malloc(L.n_bytes), *air = malloc(fl_packet_total_bytes(&L));
        for (size_t i = 0; i < L.n_bytes; i++)
            st[i] = (uint8_t)(i * 31 + 5);
        if (L.n_bits % 8)
            st[L.n_bytes - 1] &= (uint8_t)(0xFF00u >> (L.n_bits % 8));
        fl_packet_serialise(&L, st, air);
        uint8_t hdr[4] = {(uint8_t)((nb_pay[j][0] - 1) >> 8), (uint8_t)(nb_pay[j][0] - 1),
                          (uint8_t)((nb_pay[j][1] - 1) >> 8), (uint8_t)(nb_pay[j][1] - 1)};
        put("fuzz_packet", hdr, 4, air, fl_packet_total_bytes(&L));
        free(st), free(air);
    }
}

static void seeds_viterbi(void)
{
    for (int j = 0; j < 9; j++) {
        conv_rate rate = (conv_rate)(j % 3);
        size_t n = 1 + (size_t)(j * 29) % 255;
        conv *q = fl_conv_create(rate, 255);
        uint8_t bits[255], *cw = malloc(fl_conv_coded_bits(rate, n));
        for (size_t i = 0; i < n; i++)
            bits[i] = (uint8_t)((i * 13 + (size_t)j) % 3 == 0);
        fl_conv_encode(q, bits, n, cw);
        size_t nc = fl_conv_coded_bits(rate, n);
        uint8_t *llr = malloc(nc + 2);
        llr[0] = (uint8_t)rate, llr[1] = (uint8_t)(n - 1);
        for (size_t i = 0; i < nc; i++) /* clean, with every 11th value noisy */
            llr[2 + i] = (uint8_t)(int8_t)((cw[i] ? -40 : 40) + (i % 11 == 0 ? (cw[i] ? 70 : -70) : 0));
        put("fuzz_viterbi", llr, nc + 2, NULL, 0);
        free(cw), free(llr);
        fl_conv_destroy(q);
    }
}

/* .npy v1 with the dict padded to 64 bytes, as numpy.save writes it */
static void seeds_npy(void)
{
    const char *descr[] = {"<f4", "<f2", "<f8"};
    const char *shape[] = {"(3, 4)", "(2, 3, 2)", "(1, 1)"};
    for (int j = 0; j < 3; j++) {
        char dict[160], buf[256];
        int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                         descr[j], shape[j]);
        size_t pad = (64 - (10 + (size_t)n + 1) % 64) % 64, hl = (size_t)n + pad + 1;
        memcpy(buf, "\x93NUMPY\x01\x00", 8);
        buf[8] = (char)(hl & 0xff), buf[9] = (char)(hl >> 8);
        memcpy(buf + 10, dict, (size_t)n);
        memset(buf + 10 + n, ' ', pad);
        buf[10 + hl - 1] = '\n';
        size_t el = j == 0 ? 12 : j == 1 ? 12 : 1, es = (size_t)(descr[j][2] - '0');
        uint8_t data[12 * 8];
        for (size_t i = 0; i < el * es; i++)
            data[i] = (uint8_t)(i % es == es - 1 ? 0x3f : i * 17);
        put("fuzz_npy", buf, 10 + hl, data, el * es);
    }
}

static void h5_dataset(hid_t f, const char *name, hid_t type, int rank, const hsize_t *dims,
                       int chunked, const float *v)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL), pl = H5Pcreate(H5P_DATASET_CREATE);
    if (chunked) {
        hsize_t ch[3] = {1, 1, 1};
        H5Pset_chunk(pl, rank, ch);
        H5Pset_deflate(pl, 4);
    }
    hid_t ds = H5Dcreate2(f, name, type, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(ds), H5Pclose(pl), H5Sclose(sp);
}

static void put_file(const char *target, const char *tmp)
{
    FILE *f = fopen(tmp, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    uint8_t *b = malloc((size_t)n);
    if (fread(b, 1, (size_t)n, f) != (size_t)n)
        exit(1);
    fclose(f);
    put(target, b, (size_t)n, NULL, 0);
    free(b);
    remove(tmp);
}

static void seeds_hdf5(void)
{
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s/tmp.h5", root);
    float v[24];
    for (int i = 0; i < 24; i++)
        v[i] = (float)i * 0.25f - 3;
    hsize_t d2[2] = {4, 6}, d3[3] = {2, 3, 4};
    for (int j = 0; j < 3; j++) {
        hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        h5_dataset(f, "/features", j == 1 ? H5T_IEEE_F64LE : H5T_IEEE_F32LE, j == 2 ? 3 : 2,
                   j == 2 ? d3 : d2, j == 2, v);
        H5Fclose(f);
        put_file("fuzz_hdf5", tmp);
    }
    /* projector weights: in 3, hidden 4, out 2 */
    hsize_t w1[2] = {4, 3}, b1[1] = {4}, w2[2] = {2, 4}, b2[1] = {2};
    for (int j = 0; j < 2; j++) {
        hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        hid_t ty = j ? H5T_IEEE_F64LE : H5T_IEEE_F32LE;
        h5_dataset(f, "/w1", ty, 2, w1, j, v);
        h5_dataset(f, "/b1", ty, 1, b1, 0, v);
        h5_dataset(f, "/w2", ty, 2, w2, j, v);
        h5_dataset(f, "/b2", ty, 1, b2, 0, v);
        H5Fclose(f);
        put_file("fuzz_projector", tmp);
    }
}

/* A results table of _n points: a number, an integer-valued and a text
 * column, with (when _frames) three /frames records of point 0. */
static results *seed_table(int n, int frames)
{
    results *t = fl_results_create(n);
    for (int i = 0; i < n; i++) {
        row r;
        fl_row_reset(&r);
        fl_row_set(&r, "snr_db", -2.5 + i, "dB");
        fl_row_set(&r, "bits", 100 * i, "bit");
        fl_row_set_str(&r, "codec", i % 2 ? "tofc" : "pinr");
        fl_results_set(t, i, &r);
    }
    if (frames) {
        frametab b;
        fl_frametab_init(&b, 0, 100);
        for (int k = 0; k < 3; k++) {
            sys_frame f = {.device = (uint32_t)k, .frame = (uint64_t)k, .arrival_s = 0.1 * k, .bits = 800};
            f.completion_s = f.arrival_s + 0.05;
            fl_frametab_add(&b, &f);
        }
        fl_frametab_store(t, 0, &b);
        fl_frametab_free(&b);
    }
    return t;
}

/* results files as featlink run writes them (fuzz_results) */
static void seeds_results(void)
{
    char tmp[300], err[256];
    snprintf(tmp, sizeof tmp, "%s/tmp.h5", root);
    for (int j = 0; j < 3; j++) {
        results *t = seed_table(1 + 3 * j, j == 2);
        results_meta m = {.source = "{\"name\": \"seed\"}", .effective = j ? "{\"name\": \"seed\", \"trials\": 1}" : NULL,
                          .name = "seed", .command_line = "featlink run seed.json"};
        if (fl_results_write_h5(t, tmp, &m, err, sizeof err) == 0)
            put_file("fuzz_results", tmp);
        fl_results_destroy(t);
    }
}

/* journals as featlink run --resume reads them (fuzz_journal): byte 0 the
 * points - 1, then the file, whose scenario text is "fuzz" */
static void seeds_journal(void)
{
    char out[300], jp[320], err[256];
    snprintf(out, sizeof out, "%s/tmp", root);
    snprintf(jp, sizeof jp, "%s.journal", out);
    for (int j = 0; j < 3; j++) {
        int rc, n = 2 + 3 * j;
        results *t = seed_table(n, 0);
        journal_file *jf = fl_journal_open(t, out, "fuzz", 0, &rc, err, sizeof err);
        frametab b;
        fl_frametab_init(&b, 0, 100);
        sys_frame fr = {.device = 1, .frame = 7, .arrival_s = 0.5, .completion_s = 0.75, .bits = 64};
        fl_frametab_add(&b, &fr);
        for (int i = 0; jf && i < n - j; i++) {
            row r;
            fl_row_reset(&r);
            fl_row_set(&r, "snr_db", i == 1 ? INFINITY : 0.5 * i, "dB");
            fl_row_set_str(&r, "codec", "pinr");
            if (j == 2)
                fl_journal_add_frames(jf, i, &b, err, sizeof err);
            fl_journal_add(jf, i, &r, err, sizeof err);
        }
        fl_frametab_free(&b);
        fl_journal_close(jf, err, sizeof err);
        fl_results_destroy(t);
        uint8_t pts = (uint8_t)(n - 1);
        char one[320]; /* the points byte, then the journal */
        snprintf(one, sizeof one, "%s/pts", root);
        FILE *f = fopen(one, "wb");
        fwrite(&pts, 1, 1, f);
        FILE *in = fopen(jp, "rb");
        int ch;
        while (in && (ch = fgetc(in)) != EOF)
            fputc(ch, f);
        if (in)
            fclose(in);
        fclose(f);
        remove(jp);
        put_file("fuzz_journal", one);
    }
}

/* every shipped scenario, alone and with --set overrides */
/* arrival traces as system.trace_file holds them (fuzz_trace): byte 0 the
 * device count - 1, then the text; featlink-made: the arrivals a periodic
 * and a Poisson source would give, with comments, blank lines and CRLF */
static void seeds_trace(void)
{
    static char text[8192];
    for (int j = 0; j < 4; j++) {
        uint8_t dm1 = (uint8_t)(j * 3);   /* devices - 1: 1, 4, 7, 10 devices */
        size_t k = (size_t)snprintf(text, sizeof text, "# featlink arrival trace %d: DEVICE TIME (s)\n", j);
        double t = 0.0;
        uint32_t s = 12345u + (uint32_t)j;
        for (int i = 0; i < 40 * (j + 1) && k < sizeof text - 64; i++) {
            s = s * 1664525u + 1013904223u;
            t += j % 2 ? -log(((double)(s >> 8) + 0.5) / 16777216.0) * 0.25 : 0.125;
            k += (size_t)snprintf(text + k, sizeof text - k, "%u%s%.12f%s", (unsigned)(i % (dm1 + 1)),
                                  i % 5 ? " " : "\t", t, i % 7 ? "\n" : "  # comment\r\n\n");
        }
        put("fuzz_trace", &dm1, 1, text, k);
    }
}

static void seeds_scenario(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    struct dirent *e;
    const char sets[] = "\0trials=2\0source.bits=16";
    while ((e = readdir(dp)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        static char text[1 << 16];
        size_t n = fread(text, 1, sizeof text, f);
        fclose(f);
        put("fuzz_scenario", text, n, NULL, 0);
        put("fuzz_scenario", text, n, sets, sizeof sets - 1);
    }
    closedir(dp);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: seeds DIR SCENARIO_DIR\n");
        return 2;
    }
    root = argv[1];
    mkdir(root, 0755);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    seeds_pinr();
    seeds_tofc();
    seeds_entropy();
    seeds_rans();
    seeds_enumidx();
    seeds_packet();
    seeds_viterbi();
    seeds_npy();
    seeds_hdf5();
    seeds_results();
    seeds_journal();
    seeds_trace();
    seeds_scenario(argv[2]);
    printf("seeds: %d inputs under %s\n", counter, root);
    return 0;
}
