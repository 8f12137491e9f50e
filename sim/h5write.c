/* h5write: the results file (results.h, layout there). Every failure is
 * reported with its cause: the file is built in memory and written with
 * plain write() calls, so a full disk reports ENOSPC (EFBIG, EACCES, ...)
 * naming the file. */
#include "sim/columns.h"
#include "sim/h5crc.h"
#include "sim/h5util.h"
#include "sim/results.h"
#include "sim/scenario.h"
#include "sim/sha256.h"
#include "sim/version.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The failure of an HDF5 call on the in-memory file: out of memory (the
 * core driver's only resource), or EIO when errno says nothing. */
static int h5_failed(void)
{
    return errno == ENOMEM ? -ENOMEM : -EIO;
}

static int h5_attr_str(hid_t obj, const char *name, const char *value)
{
    hid_t ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, strlen(value) + 1);
    H5Tset_strpad(ty, H5T_STR_NULLTERM);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a >= 0 && H5Awrite(a, ty, value) >= 0 ? 0 : h5_failed();
    H5_CLOSE(a, sp, ty);
    return rc;
}

/* Unit, description and count flag of a /points column: a swept key's from
 * the scenario schema, a measured column's from the catalogue (columns.h);
 * a column in neither, and every column of a record table (/frames: its
 * producer sim/frametab), keeps the unit and description its producer gave. */
static void column_info(const cs_table *t, int c, const char **unit, const char **desc, int *is_count)
{
    const char *name = fl_cs_col_name(t, c);
    *unit = fl_cs_col_unit(t, c);
    *desc = fl_cs_col_desc(t, c);
    *is_count = fl_cs_col_type(t, c) == CS_I64;
    if (strcmp(fl_cs_name(t), "points") != 0) /* record tables describe their own columns */
        return;
    const char *ku, *kd;
    int kint;
    if (fl_scenario_key_doc(name, &ku, &kd, &kint) == 0) {
        *unit = ku, *desc = kd, *is_count = kint;
        return;
    }
    const column_doc *d = fl_columns_find(name);
    if (d)
        *unit = d->unit, *desc = d->description, *is_count = d->is_count;
}

/* A count stored as double becomes int64 when every value is an integer
 * that int64 holds (means over trials may not be: then float64). */
static int column_integral(const cs_table *t, int c)
{
    for (int64_t i = 0; i < fl_cs_rows(t); i++) {
        double v = fl_cs_f64(t, c, i);
        if (!(v == floor(v) && fabs(v) < 9.2e18))
            return 0;
    }
    return 1;
}

static int h5_write_strings(hid_t g, const cs_table *t, int c, hid_t sp, hid_t *d)
{
    size_t w = fl_cs_str_maxlen(t, c) + 1;
    if (w < ROW_STR_LEN)
        w = ROW_STR_LEN;
    int64_t n = fl_cs_rows(t);
    char *buf = calloc((size_t)(n ? n : 1), w);
    if (!buf)
        return -ENOMEM;
    for (int64_t i = 0; i < n; i++)
        memcpy(buf + i * w, fl_cs_str(t, c, i), strlen(fl_cs_str(t, c, i)));
    hid_t ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, w);
    H5Tset_strpad(ty, H5T_STR_NULLTERM);
    *d = H5Dcreate2(g, fl_cs_col_name(t, c), ty, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = *d >= 0 && H5Dwrite(*d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0 ? 0 : h5_failed();
    H5Tclose(ty);
    free(buf);
    return rc;
}

static int h5_write_numbers(hid_t g, const cs_table *t, int c, int is_count, hid_t sp, hid_t *d)
{
    int64_t n = fl_cs_rows(t);
    int as_int = fl_cs_col_type(t, c) == CS_I64 || (is_count && column_integral(t, c));
    void *buf = malloc((size_t)(n ? n : 1) * 8);
    if (!buf)
        return -ENOMEM;
    for (int64_t i = 0; i < n; i++) {
        if (as_int)
            ((int64_t *)buf)[i] = fl_cs_col_type(t, c) == CS_I64 ? fl_cs_i64(t, c, i) : (int64_t)fl_cs_f64(t, c, i);
        else
            ((double *)buf)[i] = fl_cs_f64(t, c, i);
    }
    *d = H5Dcreate2(g, fl_cs_col_name(t, c), as_int ? H5T_STD_I64LE : H5T_IEEE_F64LE, sp, H5P_DEFAULT,
                    H5P_DEFAULT, H5P_DEFAULT);
    int rc = *d >= 0 && H5Dwrite(*d, as_int ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                 H5P_DEFAULT, buf) >= 0 ? 0 : h5_failed();
    free(buf);
    return rc;
}

/* Column _c of _t as the 1-D dataset <g>/<name> with unit and description. */
static int h5_write_column(hid_t g, const cs_table *t, int c)
{
    const char *unit, *desc;
    int is_count;
    column_info(t, c, &unit, &desc, &is_count);
    hsize_t n = (hsize_t)fl_cs_rows(t);
    hid_t sp = H5Screate_simple(1, &n, NULL), d = -1;
    int rc = fl_cs_col_type(t, c) == CS_STR ? h5_write_strings(g, t, c, sp, &d)
                                         : h5_write_numbers(g, t, c, is_count, sp, &d);
    if (!rc)
        rc = fl_h5crc_attach(d);
    if (!rc)
        rc = h5_attr_str(d, "unit", unit);
    if (!rc)
        rc = h5_attr_str(d, "description", desc);
    H5_CLOSE(d, sp);
    return rc;
}

/* Group _t's name with the attribute "columns" and one dataset per column. */
static int h5_write_table(hid_t f, const cs_table *t)
{
    errno = 0;
    hid_t g = H5Gcreate2(f, fl_cs_name(t), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return h5_failed();
    size_t clen = 1;
    for (int c = 0; c < fl_cs_cols(t); c++)
        clen += strlen(fl_cs_col_name(t, c)) + 1;
    char *cl = calloc(clen, 1);
    int rc = cl ? 0 : -ENOMEM;
    for (size_t at = 0, c = 0; cl && c < (size_t)fl_cs_cols(t); c++)
        at += (size_t)sprintf(cl + at, "%s%s", c ? "," : "", fl_cs_col_name(t, (int)c));
    if (!rc)
        rc = h5_attr_str(g, "columns", cl);
    free(cl);
    for (int c = 0; c < fl_cs_cols(t) && !rc; c++)
        rc = h5_write_column(g, t, c);
    H5Gclose(g);
    return rc;
}

/* A scalar string dataset _name holding _text, with an optional string
 * attribute. */
static int h5_write_text(hid_t f, const char *name, const char *text, const char *attr,
                         const char *attr_value)
{
    hid_t ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, strlen(text) + 1);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(f, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = d >= 0 && H5Dwrite(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) >= 0 ? 0 : h5_failed();
    if (!rc)
        rc = fl_h5crc_attach(d);
    if (!rc && attr)
        rc = h5_attr_str(d, attr, attr_value);
    H5_CLOSE(d, sp, ty);
    return rc;
}

/* sha256_<role> = digest, input_<role> = path of every input file (a role
 * seen before gets _2, _3, ...). */
static int h5_write_inputs(hid_t f, const results_meta *m, char *err, size_t len)
{
    int rc = 0;
    for (int k = 0; k < m->ninputs && !rc; k++) {
        char an[64], hex[65], role[40];
        int hrc = fl_sha256_file_hex(m->inputs[k].path, hex);
        if (hrc) {
            snprintf(err, len, "%s: cannot read it for its SHA-256: %s", m->inputs[k].path, strerror(-hrc));
            return hrc;
        }
        snprintf(role, sizeof role, "%s", m->inputs[k].role);
        for (int j = 0, seen = 0; j < k; j++)
            if (!strcmp(m->inputs[j].role, m->inputs[k].role))
                snprintf(role, sizeof role, "%s_%d", m->inputs[k].role, ++seen + 1);
        snprintf(an, sizeof an, "sha256_%s", role);
        rc = h5_attr_str(f, an, hex);
        snprintf(an, sizeof an, "input_%s", role);
        if (!rc)
            rc = h5_attr_str(f, an, m->inputs[k].path);
    }
    return rc;
}

/* Root attributes, /scenario and /scenario_effective. */
static int h5_write_meta(hid_t f, const results *t, const results_meta *m, char *err, size_t len)
{
    char num[32], when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    snprintf(num, sizeof num, "%lld", (long long)fl_results_points(t));
    const char *attr[][2] = {{"featlink_version", featlink_version()}, {"git_revision", featlink_git_revision()},
                             {"name", m->name ? m->name : ""}, {"points", num}, {"created_utc", when},
                             {"command_line", m->command_line ? m->command_line : ""},
                             {H5CRC_ROOT, H5CRC_ATTR}};
    int rc = 0;
    for (size_t k = 0; k < sizeof attr / sizeof attr[0] && !rc; k++)
        rc = h5_attr_str(f, attr[k][0], attr[k][1]);
    if (!rc)
        rc = h5_write_inputs(f, m, err, len);
    if (!rc)
        rc = h5_write_text(f, "scenario", m->source ? m->source : "", "sets", m->sets ? m->sets : "");
    if (!rc)
        rc = h5_write_text(f, "scenario_effective", m->effective ? m->effective : "", NULL, NULL);
    return rc;
}

/* Everything into the open file _f; 0 or a negative errno. */
static int h5_write_all(hid_t f, const results *t, const results_meta *m, char *err, size_t len)
{
    int rc = h5_write_meta(f, t, m, err, len);
    if (!rc)
        rc = h5_write_table(f, fl_results_points_table(t));
    for (int k = 0; k < fl_results_record_tables(t) && !rc; k++)
        rc = h5_write_table(f, fl_results_record_table(t, k));
    return rc;
}

/* Write _n bytes of _buf to a new file _path (replaced when it exists) and
 * sync it; 0 or the negative errno of the failing call. */
static int write_file(const char *path, const void *buf, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    int rc = 0;
    for (size_t at = 0; at < n && !rc;) {
        ssize_t w = write(fd, (const char *)buf + at, n - at);
        if (w < 0 && errno != EINTR)
            rc = -errno;
        else if (w > 0)
            at += (size_t)w;
    }
    if (!rc && fsync(fd) != 0)
        rc = -errno;
    if (close(fd) != 0 && !rc)
        rc = -errno;
    return rc;
}

/* The whole file built in memory (HDF5 core driver, nothing on disk), its
 * image into *_img. A failing disk write then happens in write_file, where
 * its errno is ours, and never inside libhdf5 (whose H5Fclose after a
 * failed flush leaves a half-closed file that crashes at exit, 1.10.8). */
static int h5_build_image(const results *t, const results_meta *m, void **img, size_t *size, char *err,
                          size_t len)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) < 0) {
        H5Pclose(fapl);
        return -ENOMEM;
    }
    hid_t f = H5Fcreate("featlink-results-in-memory.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0)
        return -ENOMEM;
    int rc = h5_write_all(f, t, m, err, len);
    if (!rc && H5Fflush(f, H5F_SCOPE_GLOBAL) < 0)
        rc = -ENOMEM;
    ssize_t n = rc ? -1 : H5Fget_file_image(f, NULL, 0);
    if (!rc && n <= 0)
        rc = -ENOMEM;
    if (!rc && !(*img = malloc((size_t)n)))
        rc = -ENOMEM;
    if (!rc && H5Fget_file_image(f, *img, (size_t)n) != n)
        rc = -EIO;
    if (!rc)
        *size = (size_t)n;
    H5Fclose(f);
    if (rc && *img)
        free(*img), *img = NULL;
    return rc;
}

int fl_results_write_h5(const results *t, const char *path, const results_meta *m, char *err, size_t len)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    *err = 0;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    void *img = NULL;
    size_t n = 0;
    int rc = h5_build_image(t, m, &img, &n, err, len);
    if (rc) {
        if (!*err) /* an input that could not be read has its own message */
            snprintf(err, len, "%s: cannot build the results file: %s", path, strerror(-rc));
        return rc;
    }
    rc = write_file(tmp, img, n);
    free(img);
    if (rc) {
        unlink(tmp);
        snprintf(err, len, "%s: cannot write the results file: %s", tmp, strerror(-rc));
        return rc;
    }
    if (rename(tmp, path) != 0) {
        rc = -errno;
        unlink(tmp);
        snprintf(err, len, "%s: cannot rename %s into place: %s", path, tmp, strerror(-rc));
        return rc;
    }
    return 0;
}
