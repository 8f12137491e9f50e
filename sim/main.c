/* featlink: the command-line interface (docs/design-notes.md §3).
 *
 *   featlink run SCENARIO.json [-o OUT.h5] [--set key=value]... [--jobs N] [--resume] [--quiet]
 *   featlink export OUT.h5 [--format csv|json|md] [--table points|frames]
 *   featlink table NAME|SCENARIO.json|OUT.h5 [--format md|csv|tex]
 *   featlink validate SCENARIO.json [--set key=value]...
 *   featlink keys [--format md|json]
 *
 * Exit status: 0 success, 1 runtime failure, 2 usage error or bad input.
 */
#include "sim/point.h"
#ifdef FEATLINK_MPI
#include "sim/mpirun.h"
#endif
#include "sim/run.h"
#include "sim/results.h"
#include "sim/version.h"
#include "sim/scenario.h"
#include "sim/schema.h"
#include "sim/table.h"
#include "codec/h5guard.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <time.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

/* A fault inside libhdf5's parse of a file that may come from a stranger
 * (a thread inside fl_h5guard_enter/_leave, codec/h5guard.h; README "Trust
 * boundary") ends with exit status 1 and a message naming the file, not
 * with a signal: libhdf5 1.10 has heap overflows on crafted files that
 * featlink cannot fix (tests/fuzz/libhdf5-crash/). A fault anywhere else is
 * featlink's own bug and keeps its signal: the default action is restored
 * and the signal raised again. Only write(2) and _exit(2) here
 * (async-signal-safe). Not installed under the sanitizers, whose handlers
 * report the fault with its stack. */
static const char *fault_journal; /* OUT.h5 while its journal is open */

static void fault_say(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    while (n > 0) {
        ssize_t w = write(2, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void on_fault(int sig)
{
    const char *path = fl_h5guard_reading();
    if (!path) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    const char *name = sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGABRT ? "SIGABRT"
                     : sig == SIGFPE ? "SIGFPE" : "SIGILL";
    fault_say("featlink: ");
    fault_say(path);
    fault_say(": libhdf5 crashed (");
    fault_say(name);
    fault_say(") while parsing this file: it is damaged or crafted, and cannot be read "
              "(README \"Trust boundary\")\n");
    if (fault_journal) {
        fault_say("featlink: finished points are kept in ");
        fault_say(fault_journal);
        fault_say(".journal (use --resume)\n");
    }
    _exit(EXIT_RUNTIME);
}

#if defined(__SANITIZE_ADDRESS__)
#define FAULT_HANDLERS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FAULT_HANDLERS 0
#endif
#endif
#ifndef FAULT_HANDLERS
#define FAULT_HANDLERS 1
#endif

static void fault_handlers_install(void)
{
    if (!FAULT_HANDLERS)
        return;
    /* an alternate stack, so that a stack overflow in a deep parse is caught */
    static char altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {.sa_handler = on_fault, .sa_flags = SA_ONSTACK | SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static const char *usage_main =
    "usage: featlink COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.json     run every sweep point, write results (HDF5)\n"
    "  export OUT.h5         print the points table or a record table (csv, json or md)\n"
    "  table NAME|FILE       print a paper table computed by featlink (pinr-table1)\n"
    "  validate SCENARIO.json  check a scenario; every error with its JSON path\n"
    "  keys                  print every scenario key: type, range, default, unit (md or json)\n"
    "\n"
    "featlink COMMAND --help for the options of each; featlink --version.\n";

static const char *usage_run =
    "usage: featlink run SCENARIO.json [-o OUT.h5] [--set key=value]... [--jobs N] [--resume|--force] [--quiet]\n"
    "\n"
    "  -o, --output OUT.h5   results file (default results/<scenario name>.h5)\n"
    "  -s, --set key=value   override a scenario key (dotted path), repeatable;\n"
    "                        sweep.grid.KEY=[...] / sweep.zip.KEY=[...] add sweeps\n"
    "  -j, --jobs N          run points on N threads (default: the online cores;\n"
    "                        results do not depend on N)\n"
    "  -r, --resume          continue an interrupted run from OUT.h5.journal\n"
    "  -F, --force           replace OUT.h5 when it exists (refused otherwise)\n"
    "  -q, --quiet           no progress on stderr\n"
    "\n"
    "Progress goes to stderr: one redrawn line on a terminal (points done/total,\n"
    "points/s, elapsed, ETA, a long point's bits and errors), otherwise a line\n"
    "every 10 s. Ctrl-C keeps the finished points in OUT.h5.journal and says how\n"
    "to resume.\n";

static const char *usage_export =
    "usage: featlink export OUT.h5 [--format csv|json|md] [--table points|frames]\n"
    "\n"
    "  -f, --format FMT      csv (default), json or md\n"
    "  -t, --table NAME      points (default: one row per sweep point) or a record\n"
    "                        table of the file, e.g. frames (one row per frame of\n"
    "                        the system points)\n";

static const char *usage_table =
    "usage: featlink table NAME|SCENARIO.json|OUT.h5 [--format md|csv|tex]\n"
    "\n"
    "  NAME: pinr-table1 (paper 000, Table 1, beside the printed values)\n"
    "  -f, --format FMT      md (default), csv or tex\n";

static const char *usage_validate =
    "usage: featlink validate SCENARIO.json [--set key=value]...\n";

static const char *usage_keys =
    "usage: featlink keys [--format md|json]\n"
    "\n"
    "  -f, --format FMT      md (default: the README's key table) or json\n";

#define MAX_SETS 256

/* The command line as given, for the results file (root attribute). */
static char command_line[8192];

typedef struct {
    const char *file;
    const char *out;
    const char *sets[MAX_SETS];
    int nsets;
    int jobs, resume, quiet, force;
    const char *format;
    const char *table;
} cli;

/* Common option parsing (GNU getopt permutes, so options may follow the
 * positional argument); _allowed: the short options the command takes. */
static int cli_parse(int argc, char **argv, const char *usage, const char *allowed, cli *o)
{
    static const struct option longs[] = {
        {"output", required_argument, 0, 'o'}, {"set", required_argument, 0, 's'},
        {"jobs", required_argument, 0, 'j'},   {"resume", no_argument, 0, 'r'},
        {"quiet", no_argument, 0, 'q'},        {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},         {"version", no_argument, 0, 'V'},
        {"force", no_argument, 0, 'F'},        {"table", required_argument, 0, 't'},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cores >= 1 && cores <= 1024 ? (int)cores : 1;
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "o:s:j:rqf:hVFt:", longs, NULL)) != -1) {
        if (ch == 'h') {
            fputs(usage, stdout);
            exit(0);
        }
        if (ch == 'V') {
            printf("featlink %s (git %s)\n", featlink_version(), featlink_git_revision());
            exit(0);
        }
        if (ch == '?' || !strchr(allowed, ch)) {
            fprintf(stderr, "featlink %s: unknown option or missing value: '%s'\n%s", argv[0],
                    argv[optind - 1], usage);
            return EXIT_USAGE;
        }
        switch (ch) {
        case 'o': o->out = optarg; break;
        case 't': o->table = optarg; break;
        case 's':
            if (o->nsets >= MAX_SETS) {
                fprintf(stderr, "featlink: at most %d --set options\n", MAX_SETS);
                return EXIT_USAGE;
            }
            o->sets[o->nsets++] = optarg;
            break;
        case 'j': {
            char *end;
            long j = strtol(optarg, &end, 10);
            if (*end || j < 1 || j > 1024) {
                fprintf(stderr, "featlink run: --jobs: must be an integer in [1, 1024], got '%s'\n", optarg);
                return EXIT_USAGE;
            }
            o->jobs = (int)j;
            break;
        }
        case 'r': o->resume = 1; break;
        case 'q': o->quiet = 1; break;
        case 'F': o->force = 1; break;
        case 'f': o->format = optarg; break;
        }
    }
    if (optind < argc)
        o->file = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "featlink %s: unexpected argument '%s'\n%s", argv[0], argv[optind], usage);
        return EXIT_USAGE;
    }
    if (!o->file) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    return 0;
}

/* mkdir -p of the directory part of _path (0 or -errno). */
static int make_parent_dirs(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = 0;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    return mkdir(dir, 0777) != 0 && errno != EEXIST ? -errno : 0;
}

static void default_output(const char *file, char *buf, size_t len)
{
    const char *b = strrchr(file, '/');
    b = b ? b + 1 : file;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".json") == 0)
        n -= 5;
    snprintf(buf, len, "results/%.*s.h5", (int)n, b);
}

/* Before any work: the output must not be a directory, an existing file
 * is replaced only with --force (or completed with --resume), and --resume
 * needs its journal. 0 or the exit status, with the message printed. */
static int check_output(const cli *o)
{
    struct stat st;
    char journal[4200];
    snprintf(journal, sizeof journal, "%s.journal", o->out);
    if (o->resume && o->force) {
        fprintf(stderr, "featlink run: --resume and --force exclude each other\n");
        return EXIT_USAGE;
    }
    if (stat(o->out, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "featlink: %s: is a directory (allowed: a file path for the results)\n", o->out);
        return EXIT_USAGE;
    }
    int have_journal = access(journal, F_OK) == 0;
    if (o->resume && !have_journal) {
        fprintf(stderr, "featlink: %s: no journal to resume from (a finished run leaves none; "
                        "run without --resume)\n", journal);
        return EXIT_USAGE;
    }
    if (!o->resume && !o->force && access(o->out, F_OK) == 0) {
        fprintf(stderr, "featlink: %s: exists; give --force to replace it (or -o another file)\n", o->out);
        return EXIT_USAGE;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* progress: drawn here, reported by the runner through run_hooks */

typedef struct {
    int tty;              /* stderr is a terminal: one line redrawn with \r */
    double t0, last;      /* start, last line drawn (monotonic seconds) */
    int drawn;            /* a \r line is on screen */
    int64_t last_point;   /* the point of the last in-point report */
    uint64_t bits, errors;
} progress_view;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void hms(double s, char *buf, size_t len)
{
    if (!(s >= 0) || s > 1e8) {
        snprintf(buf, len, "--:--");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* Points done/total, points/s and ETA over the points of this run (a
 * --resume starts at the points already done), elapsed; the latest long
 * point's own bits and errors. Terminal: redrawn at most 10 times a second;
 * otherwise a plain line every 10 s. */
static void progress_draw(void *arg, const run_progress *p)
{
    progress_view *v = arg;
    double t = now_s();
    if (p->point >= 0) {
        v->last_point = p->point;
        v->bits = p->bits;
        v->errors = p->errors;
    } else if (v->last_point >= 0 && p->done == p->total) {
        v->last_point = -1;
    }
    int final = p->point < 0 && p->done == p->total;
    if (!final && t - v->last < (v->tty ? 0.1 : 10.0))
        return;
    v->last = t;
    double el = t - v->t0, rate = el > 0 ? (double)(p->done - p->resumed) / el : 0;
    char e[32], eta[32], inpt[96] = "";
    hms(el, e, sizeof e);
    hms(rate > 0 ? (double)(p->total - p->done) / rate : -1, eta, sizeof eta);
    if (v->last_point >= 0 && !final)
        snprintf(inpt, sizeof inpt, "  [point %lld: %.3g bits, %llu errors]", (long long)v->last_point,
                 (double)v->bits, (unsigned long long)v->errors);
    fprintf(stderr, "%sfeatlink: %lld/%lld points  %.3g points/s  elapsed %s  ETA %s%s%s",
            v->tty ? "\r" : "", (long long)p->done, (long long)p->total, rate, e, eta, inpt,
            v->tty ? "\033[K" : "\n");
    v->drawn = v->tty;
}

/* SIGINT/SIGTERM: the runner stops taking points, finished ones are in the
 * journal; a second signal ends at once (the journal stays consistent: it
 * is written a whole line at a time). */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    if (interrupted)
        _exit(128 + sig);
    interrupted = 1;
}

/* cmd_run before the run: the scenario loaded, the output named, a file
 * source and a projector loaded once (they must load before any output
 * exists; point 0's), the output checked. 0, or the exit status (nothing to free then). */
static int run_prepare(cli *o, char *outbuf, size_t outlen, scenario **sp, fl_config *c0)
{
    char err[SCN_ERR_LEN];
    scenario *s = fl_scenario_load(o->file, o->sets, o->nsets, err, sizeof err);
    if (!s) {
        fprintf(stderr, "featlink: %s\n", err);
        return EXIT_USAGE;
    }
    if (!o->out) {
        default_output(o->file, outbuf, outlen);
        o->out = outbuf;
    }
    fl_scenario_config(s, 0, c0, err, sizeof err);
    int64_t dims = c0->source.dims;
    int bad = 0;
    if (c0->source.kind == SRC_NPY || c0->source.kind == SRC_HDF5) {
        source_tensor probe;
        bad = fl_point_load_source(c0, o->file, &probe, err, sizeof err);
        dims = bad ? dims : probe.dims;
        fl_source_free(&probe);
    }
    if (bad || fl_frame_check_projector(c0, o->file, dims, err, sizeof err)) {
        fprintf(stderr, "featlink: %s\n", err);
        fl_scenario_destroy(s);
        return EXIT_USAGE;
    }
    int rc = check_output(o);
    if (rc) {
        fl_scenario_destroy(s);
        return rc;
    }
    *sp = s;
    return 0;
}

/* cmd_run after a run that stopped (rc: -EINTR or another error): say what
 * is kept and how to go on; the exit status */
static int run_stopped(const cli *o, const scenario *s, const results *t, int rc, const char *err)
{
    if (rc == -EINTR) {
        int64_t done = 0;
        for (int64_t i = 0; i < fl_scenario_points(s); i++)
            done += fl_results_has(t, i);
        fprintf(stderr, "featlink: interrupted: %lld of %lld points kept in %s.journal; "
                        "continue with: featlink run %s -o %s --resume%s\n",
                (long long)done, (long long)fl_scenario_points(s), o->out, o->file, o->out,
                o->nsets ? " (and the same --set options)" : "");
        return 130;
    }
    fprintf(stderr, "featlink: %s\n", err);
    fprintf(stderr, "featlink: finished points are kept in %s.journal (use --resume)\n", o->out);
    return rc == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

/* the inputs the run read, each file once, with its SHA-256: the scenario,
 * then every point's source, projector and trace file; the count */
enum { MAX_INPUTS = 16 };
static int run_inputs(const cli *o, const scenario *s, results_input in[MAX_INPUTS])
{
    static fl_config seen[MAX_INPUTS];
    char err[SCN_ERR_LEN];
    in[0] = (results_input){"scenario", o->file};
    int nin = 1;
    for (int64_t i = 0; i < fl_scenario_points(s) && nin < MAX_INPUTS - 1; i++) {
        fl_config *c = &seen[nin];
        if (fl_scenario_config(s, i, c, err, sizeof err))
            break;
        const char *paths[3] = {c->source.kind == SRC_NPY || c->source.kind == SRC_HDF5 ? c->source.path : "",
                                c->metrics.projector,
                                c->system.devices > 0 && c->system.arrival == SYS_TRACE ? c->system.trace_file : ""};
        const char *roles[3] = {"source", "projector", "trace"};
        for (int k = 0; k < 3 && nin < MAX_INPUTS; k++) {
            int dup = !paths[k][0];
            for (int j = 1; j < nin && !dup; j++)
                dup = !strcmp(in[j].path, paths[k]);
            if (!dup)
                in[nin++] = (results_input){roles[k], paths[k]};
        }
    }
    return nin;
}

/* the finished run's results file, then the journal removed; exit status */
static int run_write(const cli *o, const scenario *s, const fl_config *c0, const results *t)
{
    char err[SCN_ERR_LEN];
    results_input in[MAX_INPUTS] = {{0}};
    int nin = run_inputs(o, s, in);
    results_meta meta = {.source = fl_scenario_source_text(s), .sets = fl_scenario_sets(s),
                         .effective = fl_scenario_text(s), .name = c0->name, .command_line = command_line,
                         .inputs = in, .ninputs = nin};
    int rc = fl_results_write_h5(t, o->out, &meta, err, sizeof err);
    if (rc) {
        fprintf(stderr, "featlink: %s\n", err);
        fprintf(stderr, "featlink: finished points are kept in %s.journal (use --resume)\n", o->out);
    } else {
        fl_journal_remove(o->out);
        if (!o->quiet)
            fprintf(stderr, "featlink: wrote %lld points to %s\n", (long long)fl_scenario_points(s), o->out);
    }
    return rc ? EXIT_RUNTIME : 0;
}

/* the points computed with the journal open, progress drawn, SIGINT and
 * SIGTERM stopping the runner; 0 or the error, message in err */
static int run_journaled(const cli *o, scenario *s, results *t, journal_file *journal, char *err, size_t len)
{
    progress_view view = {.tty = isatty(2), .t0 = now_s(), .last_point = -1};
    run_hooks hooks = {.progress = progress_draw, .arg = &view, .stop = &interrupted};
    if (o->quiet)
        hooks.progress = NULL;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int rc = fl_run_points(s, o->file, t, journal, o->jobs, &hooks, err, len);
    char cerr[SCN_ERR_LEN];
    int crc = fl_journal_close(journal, cerr, sizeof cerr);
    if (crc && !rc) {
        snprintf(err, len, "%s", cerr);
        rc = crc;
    }
    if (view.drawn)
        fputc('\n', stderr);
    return rc;
}

static int cmd_run(int argc, char **argv)
{
    cli o;
    int rc = cli_parse(argc, argv, usage_run, "osjrqF", &o);
    if (rc)
        return rc;
    char err[SCN_ERR_LEN];
    char outbuf[4096];
    scenario *s = NULL;
    fl_config c0;
    rc = run_prepare(&o, outbuf, sizeof outbuf, &s, &c0);
    if (rc)
        return rc;
#ifdef FEATLINK_MPI
    if (mpirun_rank() > 0) {
        /* the other ranks compute points for rank 0, which keeps the journal
           and writes the file (sim/mpirun.h) */
        rc = fl_run_points(s, o.file, NULL, NULL, o.jobs, NULL, err, sizeof err);
        fl_scenario_destroy(s);
        return rc == -EINVAL ? EXIT_USAGE : rc ? EXIT_RUNTIME : 0;
    }
#endif
    int drc = make_parent_dirs(o.out);
    if (drc) {
        fprintf(stderr, "featlink: %s: cannot create its directory: %s\n", o.out, strerror(-drc));
        fl_scenario_destroy(s);
        return EXIT_RUNTIME;
    }
    /* a file-size limit (ulimit -f) fails the write with EFBIG, reported
       like a full disk, instead of killing the run */
    signal(SIGXFSZ, SIG_IGN);
    results *t = fl_results_create(fl_scenario_points(s));
    int jrc = 0;
    journal_file *journal = t ? fl_journal_open(t, o.out, fl_scenario_text(s), o.resume, &jrc, err, sizeof err) : NULL;
    if (!t || !journal) {
        if (!t)
            snprintf(err, sizeof err, "%s: the results table of %lld points: %s", o.out,
                     (long long)fl_scenario_points(s), strerror(ENOMEM));
        fprintf(stderr, "featlink: %s\n", err);
        fl_results_destroy(t);
        fl_scenario_destroy(s);
        return EXIT_RUNTIME;
    }
    fault_journal = o.out;
    rc = run_journaled(&o, s, t, journal, err, sizeof err);
    fault_journal = NULL;
    rc = rc ? run_stopped(&o, s, t, rc, err) : run_write(&o, s, &c0, t);
    fl_results_destroy(t);
    fl_scenario_destroy(s);
    return rc;
}

static int cmd_validate(int argc, char **argv)
{
    cli o;
    int rc = cli_parse(argc, argv, usage_validate, "s", &o);
    if (rc)
        return rc;
    static char errs[SCN_MAX_ERRORS * (SCN_ERR_LEN + 1) + 1];
    int nerr = 0;
    scenario *s = fl_scenario_validate(o.file, o.sets, o.nsets, errs, sizeof errs, &nerr);
    if (!s) {
        for (char *line = errs, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl)
                break;
            fprintf(stderr, "featlink: %.*s\n", (int)(nl - line), line);
        }
        fprintf(stderr, "featlink: %s: %d error%s%s\n", o.file, nerr, nerr == 1 ? "" : "s",
                nerr >= SCN_MAX_ERRORS ? " (stopped at the limit; there may be more)" : "");
        return EXIT_USAGE;
    }
    printf("%s: ok (%lld point%s)\n", o.file, (long long)fl_scenario_points(s),
           fl_scenario_points(s) == 1 ? "" : "s");
    fl_scenario_destroy(s);
    return 0;
}

/* The index of --format _given among the '|'-separated _names (the first
 * is the default), or -1 after printing what is allowed. */
static int cli_format(const char *cmd, const char *given, const char *names)
{
    if (!given)
        return 0;
    int i = 0;
    size_t n = strlen(given);
    for (const char *p = names; *p; i++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, given, n))
            return i;
        if (!bar)
            break;
        p = bar + 1;
    }
    fprintf(stderr, "featlink %s: --format: must be one of %s, got '%s'\n", cmd, names, given);
    return -1;
}

/* cli_parse, then --format (cli_format) as the index *_fi of one of _names;
 * 0, or the exit status to return (--help, a bad option or format). */
static int cli_parse_format(int argc, char **argv, const char *usage, const char *allowed, const char *names,
                            cli *o, int *fi)
{
    int rc = cli_parse(argc, argv, usage, allowed, o);
    if (rc)
        return rc;
    *fi = cli_format(argv[0], o->format, names);
    return *fi < 0 ? EXIT_USAGE : 0;
}

/* A results file from before dataset checksums (sim/h5crc.h) is read
 * unverified: say so on stderr. */
static void warn_unverified(const char *path)
{
    size_t n = strlen(path);
    if (n > 3 && !strcmp(path + n - 3, ".h5") && fl_results_h5_checksummed(path) == 0)
        fprintf(stderr, "featlink: warning: %s: no dataset checksums (written before featlink kept them); "
                        "read unverified\n", path);
}

static int cmd_export(int argc, char **argv)
{
    cli o;
    int fi, rc = cli_parse_format(argc, argv, usage_export, "ft", "csv|json|md", &o, &fi);
    if (rc)
        return rc;
    static const results_format fmts[] = {RESULTS_CSV, RESULTS_JSON, RESULTS_MD};
    results_format fmt = fmts[fi];
    char err[SCN_ERR_LEN];
    results *t;
    const char *table = o.table && strcmp(o.table, "points") ? o.table : NULL;
    rc = fl_results_read_h5(o.file, &t, NULL, err, sizeof err);
    if (!rc && table && (rc = fl_results_read_records_h5(o.file, table, t, err, sizeof err)))
        fl_results_destroy(t);
    if (rc) {
        fprintf(stderr, "featlink: %s\n", err);
        return rc == -ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    warn_unverified(o.file);
    rc = table ? fl_results_export_records(t, table, stdout, fmt) : fl_results_export(t, stdout, fmt);
    fl_results_destroy(t);
    if (rc)
        fprintf(stderr, "featlink: standard output: %s\n", strerror(-rc));
    return rc ? EXIT_RUNTIME : 0;
}

static int cmd_table(int argc, char **argv)
{
    cli o;
    int fi, rc = cli_parse_format(argc, argv, usage_table, "f", "md|csv|tex", &o, &fi);
    if (rc)
        return rc;
    static const table_format fmts[] = {TABLE_MD, TABLE_CSV, TABLE_TEX};
    table_format fmt = fmts[fi];
    char err[SCN_ERR_LEN];
    rc = fl_table_print(o.file, fmt, stdout, err, sizeof err);
    if (rc) {
        fprintf(stderr, "featlink: %s\n", err);
        return rc == -EINVAL || rc == -ENOENT ? EXIT_USAGE : EXIT_RUNTIME;
    }
    warn_unverified(o.file);
    return 0;
}

/* keys takes no positional argument, so it parses its own options. */
static int cmd_keys(int argc, char **argv)
{
    const char *format = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_keys, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
            printf("featlink %s (git %s)\n", featlink_version(), featlink_git_revision());
            return 0;
        }
        if ((!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f")) && i + 1 < argc) {
            format = argv[++i];
        } else if (!strncmp(argv[i], "--format=", 9)) {
            format = argv[i] + 9;
        } else {
            fprintf(stderr, "featlink keys: unknown option or argument '%s'\n%s", argv[i], usage_keys);
            return EXIT_USAGE;
        }
    }
    static const schema_doc_format fmts[] = {SCHEMA_DOC_MD, SCHEMA_DOC_JSON};
    int fi = cli_format("keys", format, "md|json");
    if (fi < 0)
        return EXIT_USAGE;
    if (fl_schema_print(stdout, fmts[fi]) || fflush(stdout)) {
        fprintf(stderr, "featlink keys: cannot print the key table: %s\n", strerror(errno ? errno : ENOMEM));
        return EXIT_RUNTIME;
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; library code reports errors instead. */
    gsl_set_error_handler_off();
    fault_handlers_install();
    for (int i = 0, n = 0; i < argc && n < (int)sizeof command_line - 1; i++)
        n += snprintf(command_line + n, sizeof command_line - (size_t)n, "%s%s", i ? " " : "", argv[i]);
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("featlink %s (git %s)\n", featlink_version(), featlink_git_revision());
        return 0;
    }
#ifdef FEATLINK_MPI
    /* only `run` is parallel: every rank runs it, rank 0 alone prints */
    if (!strcmp(cmd, "run")) {
        if (mpirun_init(&argc, &argv)) {
            fprintf(stderr, "featlink: MPI_Init failed\n");
            return EXIT_RUNTIME;
        }
        return mpirun_finish(cmd_run(argc - 1, argv + 1));
    }
#endif
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate"))
        return cmd_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "export"))
        return cmd_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "table"))
        return cmd_table(argc - 1, argv + 1);
    if (!strcmp(cmd, "keys"))
        return cmd_keys(argc - 1, argv + 1);
    fprintf(stderr, "featlink: unknown command '%s'\n%s", cmd, usage_main);
    return EXIT_USAGE;
}
