/* bench_tofc_frame: one round of TOFC encode + decode per frame, in thread
 * CPU time, built so that two commits can be set side by side
 * (tests/bench_tofc_ab.sh runs two such binaries in alternating rounds).
 *
 * Built against this tree it times what sim/tofc_stage does per frame
 * (fl_tofc_encode_with / fl_tofc_decode_with, the 64 Laplacian tables made
 * once per point) and, in the same process, fl_tofc_encode / fl_tofc_decode,
 * which still build the tables on every call. Built with
 * -DBENCH_TOFC_PRE_RENAME against the headers and libfeatlink.a of a commit
 * from before the fl_ rename and the build-once tables (4c04ca4), it times
 * that commit's only path, tofc_encode / tofc_decode (tables per call).
 *
 * Frames: merge and plain of bench_tofc_frames.h (the tofc_lambda_sweep
 * configuration, and the same without merging). Each case codes FRAMES
 * frames; a line per case and path gives the median per-frame CPU ms of
 * encode, decode and both:
 *   case <name> <path> encode_ms <e> decode_ms <d> frame_ms <e + d> bytes <n>
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_info.h"
#include "codec/source.h"
#include "codec/tofc.h"
#include "bench_tofc_frames.h"

#ifdef BENCH_TOFC_PRE_RENAME
#define fl_source_synthetic source_synthetic
#define fl_source_free source_free
#define fl_tofc_encode tofc_encode
#define fl_tofc_decode tofc_decode
#define fl_tofc_frame_free tofc_frame_free
#else
#include "codec/entropy.h"
#endif

#define FRAMES 5

typedef struct {
    double enc_ms[FRAMES], dec_ms[FRAMES], frame_ms[FRAMES];
    size_t bytes;
} timing;

/* one frame: encode, then decode, each in thread CPU ms; _tb NULL: the
 * per-call path (tables built inside each call) */
static void code_frame(const void *tb, const tofc_params *p, const float *x, timing *tm, int k)
{
    uint8_t *buf = NULL;
    size_t nbytes = 0;
    tofc_frame fr;
    memset(&fr, 0, sizeof fr);
    double t0 = bench_cpu_s();
#ifdef BENCH_TOFC_PRE_RENAME
    (void)tb;
    int rc = fl_tofc_encode(p, x, &buf, &nbytes, NULL, NULL);
#else
    int rc = tb ? fl_tofc_encode_with(tb, p, x, &buf, &nbytes, NULL, NULL) : fl_tofc_encode(p, x, &buf, &nbytes, NULL, NULL);
#endif
    double t1 = bench_cpu_s();
#ifdef BENCH_TOFC_PRE_RENAME
    if (!rc)
        rc = fl_tofc_decode(buf, nbytes, NULL, 0, &fr);
#else
    if (!rc)
        rc = tb ? fl_tofc_decode_with(tb, buf, nbytes, NULL, 0, &fr) : fl_tofc_decode(buf, nbytes, NULL, 0, &fr);
#endif
    double t2 = bench_cpu_s();
    if (rc) {
        fprintf(stderr, "bench_tofc_frame: coding failed (%d)\n", rc);
        exit(1);
    }
    tm->enc_ms[k] = 1e3 * (t1 - t0);
    tm->dec_ms[k] = 1e3 * (t2 - t1);
    tm->frame_ms[k] = 1e3 * (t2 - t0);
    tm->bytes = nbytes;
    fl_tofc_frame_free(&fr);
    free(buf);
}

static void run_case(const char *name, const char *path, const void *tb, const tofc_params *p, const float *x)
{
    timing tm;
    for (int k = 0; k < FRAMES; k++)
        code_frame(tb, p, x, &tm, k);
    double e = bench_median(tm.enc_ms, FRAMES), d = bench_median(tm.dec_ms, FRAMES);
    double f = bench_median(tm.frame_ms, FRAMES);
    printf("case %s %s encode_ms %.3f decode_ms %.3f frame_ms %.3f bytes %zu\n", name, path, e, d, f, tm.bytes);
}

int main(void)
{
    bench_header("bench_tofc_frame: TOFC encode + decode per frame, thread CPU time, median of 5 frames");
    source_tensor t;
    memset(&t, 0, sizeof t);
    if (fl_source_synthetic(&bench_tofc_source, 1, 0, &t)) {
        fprintf(stderr, "bench_tofc_frame: source failed\n");
        return 1;
    }
    const tofc_params *merge = &bench_tofc_merge, *plain = &bench_tofc_plain;
#ifdef BENCH_TOFC_PRE_RENAME
    run_case("merge", "per_call", NULL, merge, t.x);
    run_case("plain", "per_call", NULL, plain, t.x);
#else
    entropy_tables *tb = fl_entropy_tables_create(ENTROPY_PREC_DEFAULT);
    if (!tb) {
        fprintf(stderr, "bench_tofc_frame: tables failed\n");
        return 1;
    }
    run_case("merge", "once", tb, merge, t.x);
    run_case("merge", "per_call", NULL, merge, t.x);
    run_case("plain", "once", tb, plain, t.x);
    run_case("plain", "per_call", NULL, plain, t.x);
    fl_entropy_tables_destroy(tb);
#endif
    fl_source_free(&t);
    return 0;
}
