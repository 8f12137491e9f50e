/* mpirun: sweep points over MPI ranks (mpirun.h, docs/design-notes.md §8).
 *
 * Compiled only by `make MPI=1` (-DFEATLINK_MPI); empty otherwise.
 *
 * Protocol, every message on MPI_COMM_WORLD:
 *   rank r > 0, any thread -> 0  TAG_ASK   ask_hdr [+ packed row]: "here is
 *                                          point i (or i = -1: nothing yet),
 *                                          give me the next one"
 *   0 -> that rank               TAG_GIVE  int64: the next point, -1: stop
 *   rank r > 0 -> 0              TAG_DONE  empty: all threads of r stopped
 *   0 -> all                     MPI_Bcast int: the run's status
 * Threads of one rank take turns (omp critical) for a send+receive pair, so a
 * reply always reaches the thread that asked; this needs
 * MPI_THREAD_SERIALIZED, without it a rank > 0 computes on one thread. On
 * rank 0 only the main thread (OpenMP thread 0, the server) calls MPI.
 */
#ifdef FEATLINK_MPI

#include "sim/mpirun.h"

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

enum { TAG_ASK = 1, TAG_GIVE = 2, TAG_DONE = 3 };
#define MPIRUN_MSG_LEN 512
#define MPIRUN_POLL_NS 100000 /* rank 0's server sleeps 0.1 ms between probes */

typedef struct {
    int64_t i;                 /* the finished point, -1 on the first ask */
    int32_t rc;                /* 0, or its failure (negative errno) */
    int32_t nbytes;            /* bytes of the packed row that follows (rc == 0) */
    char msg[MPIRUN_MSG_LEN];  /* the failure's message */
} ask_hdr;

/* The row travels as column values (fl_row_pack), never as struct bytes. */
typedef struct {
    ask_hdr h;
    unsigned char packed[ROW_PACK_MAX];
} ask_msg;

static int g_provided;
static int g_started;

static void mpirun_atexit(void)
{
    int ini = 0, fin = 0;
    MPI_Initialized(&ini);
    MPI_Finalized(&fin);
    if (ini && !fin)
        MPI_Finalize();
}

int mpirun_init(int *argc, char ***argv)
{
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &g_provided) != MPI_SUCCESS)
        return -EIO;
    atexit(mpirun_atexit);
    if (mpirun_rank() > 0) {
        /* rank 0 speaks for all (mpirun.h) */
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            return -EIO;
    }
    return 0;
}

int mpirun_rank(void)
{
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int mpirun_size(void)
{
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

/* exit status <-> negative errno, as the CLI maps them (2: bad input) */
static int status_of(int rc)
{
    return rc == 0 ? 0 : rc == -EINVAL ? 2 : 1;
}

static int rc_of(int status)
{
    return status == 0 ? 0 : status == 2 ? -EINVAL : -EIO;
}

int mpirun_start(int rc)
{
    int mine = status_of(rc), all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    g_started = 1;
    return rc_of(all);
}

int mpirun_finish(int status)
{
    /* a rank that stopped before mpirun_start still owes it to the others */
    if (!g_started)
        mpirun_start(rc_of(status));
    int all = status;
    MPI_Allreduce(&status, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return all;
}

/* ---- rank 0 ---- */

typedef struct {
    int64_t *pending; /* the points to run, in index order */
    int64_t npending, next;
    int failed;
    char *err;
    size_t len;
    mpirun_store_fn store;
    void *arg;
} server;

/* The next point to run, or -1 when none is left or a point failed. */
static int64_t server_take(server *sv)
{
    int64_t i = -1;
#pragma omp critical(fl_mpirun_take)
    {
        if (!sv->failed && sv->next < sv->npending)
            i = sv->pending[sv->next++];
    }
    return i;
}

/* Record a failure; the first one wins and stops the dealing. */
static void server_fail(server *sv, int rc, const char *msg)
{
#pragma omp critical(fl_mpirun_take)
    {
        if (!sv->failed) {
            sv->failed = rc;
            snprintf(sv->err, sv->len, "%s", msg);
        }
    }
}

static void server_store(server *sv, int64_t i, const row *r)
{
#pragma omp critical(fl_mpirun_store)
    sv->store(sv->arg, i, r);
}

/* Answer the other ranks until every one has sent TAG_DONE. */
static void server_loop(server *sv, int size)
{
    ask_msg *m = malloc(sizeof *m);
    row *r = malloc(sizeof *r);
    if (!m || !r)
        MPI_Abort(MPI_COMM_WORLD, 1);
    int done = 0;
    while (done < size - 1) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            struct timespec ts = {0, MPIRUN_POLL_NS};
            nanosleep(&ts, NULL);
            continue;
        }
        int src = st.MPI_SOURCE;
        if (st.MPI_TAG == TAG_DONE) {
            MPI_Recv(NULL, 0, MPI_BYTE, src, TAG_DONE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            done++;
            continue;
        }
        int count = 0;
        MPI_Get_count(&st, MPI_BYTE, &count);
        MPI_Recv(m, (int)sizeof *m, MPI_BYTE, src, TAG_ASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        m->h.msg[MPIRUN_MSG_LEN - 1] = 0;
        if (m->h.i >= 0 && m->h.rc) {
            server_fail(sv, m->h.rc, m->h.msg);
        } else if (m->h.i >= 0) {
            size_t want = sizeof m->h + (size_t)(m->h.nbytes > 0 ? m->h.nbytes : 0);
            if (m->h.nbytes < 2 || (size_t)count != want ||
                fl_row_unpack(r, m->packed, (size_t)m->h.nbytes) != 0) {
                char msg[96];
                snprintf(msg, sizeof msg, "rank %d sent a malformed row for point %lld", src,
                         (long long)m->h.i);
                server_fail(sv, -EBADMSG, msg);
            } else {
                server_store(sv, m->h.i, r);
            }
        }
        int64_t next = server_take(sv);
        MPI_Send(&next, 1, MPI_INT64_T, src, TAG_GIVE, MPI_COMM_WORLD);
    }
    free(r);
    free(m);
}

/* The --jobs computing threads of rank 0. */
static void server_compute(server *sv, mpirun_compute_fn compute)
{
    row *r = malloc(sizeof *r);
    char msg[MPIRUN_MSG_LEN];
    if (!r) {
        server_fail(sv, -ENOMEM, "out of memory");
        return;
    }
    int64_t i;
    while ((i = server_take(sv)) >= 0) {
        msg[0] = 0;
        int rc = compute(sv->arg, i, r, msg, sizeof msg);
        if (rc)
            server_fail(sv, rc, msg);
        else
            server_store(sv, i, r);
    }
    free(r);
}

/* ---- ranks > 0 ---- */

static void worker_thread(mpirun_compute_fn compute, void *arg)
{
    ask_msg *m = malloc(sizeof *m);
    row *r = malloc(sizeof *r);
    if (!m || !r)
        MPI_Abort(MPI_COMM_WORLD, 1);
    memset(&m->h, 0, sizeof m->h);
    m->h.i = -1;
    for (;;) {
        size_t bytes = sizeof m->h;
        m->h.nbytes = 0;
        if (m->h.i >= 0 && !m->h.rc) {
            int nb = fl_row_pack(r, m->packed, sizeof m->packed);
            if (nb < 0) { /* cannot happen: ROW_PACK_MAX holds any row */
                m->h.rc = nb;
                snprintf(m->h.msg, sizeof m->h.msg, "point %lld: row too large to send", (long long)m->h.i);
            } else {
                m->h.nbytes = nb;
                bytes += (size_t)nb;
            }
        }
        int64_t next = -1;
#pragma omp critical(fl_mpirun_comm)
        {
            MPI_Send(m, (int)bytes, MPI_BYTE, 0, TAG_ASK, MPI_COMM_WORLD);
            MPI_Recv(&next, 1, MPI_INT64_T, 0, TAG_GIVE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        if (next < 0)
            break;
        m->h.i = next;
        m->h.msg[0] = 0;
        m->h.rc = compute(arg, next, r, m->h.msg, sizeof m->h.msg);
    }
    free(r);
    free(m);
}

int mpirun_points(const results *t, int64_t n, int jobs, mpirun_compute_fn compute,
                  mpirun_store_fn store, void *arg, char *err, size_t len)
{
    int rank = mpirun_rank(), size = mpirun_size();
    int status = 0;
    if (rank == 0) {
        server sv = {.err = err, .len = len, .store = store, .arg = arg};
        sv.pending = malloc((size_t)(n > 0 ? n : 1) * sizeof *sv.pending);
        if (!sv.pending) {
            snprintf(err, len, "out of memory");
            sv.failed = -ENOMEM; /* deal nothing; the others stop at once */
        }
        for (int64_t i = 0; sv.pending && i < n; i++)
            if (!fl_results_has(t, i))
                sv.pending[sv.npending++] = i;
        /* thread 0 (the main thread) serves the other ranks, the rest compute */
#pragma omp parallel num_threads(jobs + 1)
        {
#ifdef _OPENMP
            int me = omp_get_thread_num();
#else
            int me = 0;
#endif
            if (me == 0)
                server_loop(&sv, size);
            else
                server_compute(&sv, compute);
        }
#ifndef _OPENMP
        server_compute(&sv, compute);
#endif
        free(sv.pending);
        status = sv.failed;
    } else {
        /* several threads calling MPI need at least MPI_THREAD_SERIALIZED */
        int threads = g_provided >= MPI_THREAD_SERIALIZED ? jobs : 1;
#pragma omp parallel num_threads(threads)
        worker_thread(compute, arg);
        MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_DONE, MPI_COMM_WORLD);
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return status;
}

#else
typedef int mpirun_not_built; /* an empty file is not valid ISO C */
#endif
