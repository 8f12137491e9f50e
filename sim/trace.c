/* trace: see trace.h. */
#include "sim/trace.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* the next line of _buf from *_pos into _line (comment and the newline
 * cut off); 1 with a line, 0 at the end, -1 when it is too long */
static int trace_line(const char *buf, size_t len, size_t *pos, char *line)
{
    if (*pos >= len)
        return 0;
    size_t i = *pos, k = 0;
    int comment = 0;
    for (; i < len && buf[i] != '\n'; i++) {
        if (buf[i] == '#')
            comment = 1;
        if (comment)
            continue;
        if (k + 1 >= TRACE_MAX_LINE)
            return -1;
        line[k++] = buf[i];
    }
    line[k] = '\0';
    *pos = i + 1;
    return 1;
}

static int trace_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return 0;
    return 1;
}

/* one "DEVICE TIME" line into *_d, *_t; 0 or -EINVAL with the reason */
static int trace_fields(const char *line, uint32_t devices, uint32_t *d, double *t, char *why, size_t len)
{
    char dev[TRACE_MAX_LINE], tm[TRACE_MAX_LINE], extra[2];
    int n = sscanf(line, " %255s %255s %1s", dev, tm, extra);
    if (n != 2) {
        snprintf(why, len, "expected \"DEVICE TIME\" (two fields), got %d field%s", n < 0 ? 0 : n,
                 n == 1 ? "" : "s");
        return -EINVAL;
    }
    for (char *p = dev; *p; p++) /* echoed in the message: printable only */
        if (*p < 0x20 || *p > 0x7e) *p = '?';
    for (char *p = tm; *p; p++)
        if (*p < 0x20 || *p > 0x7e) *p = '?';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(dev, &end, 10);
    if (*end || dev[0] == '-' || dev[0] == '+' || errno || v >= devices) {
        snprintf(why, len, "device index must be an integer in [0, %u] (system.devices - 1), got \"%.40s\"",
                 devices - 1, dev);
        return -EINVAL;
    }
    double x = strtod(tm, &end);
    if (*end || !isfinite(x) || x < 0 || x > TRACE_MAX_TIME_S) {
        snprintf(why, len, "time must be a finite number of seconds in [0, %g], got \"%.40s\"", TRACE_MAX_TIME_S, tm);
        return -EINVAL;
    }
    *d = (uint32_t)v;
    *t = x;
    return 0;
}

/* the lines of _buf: arrival count into *_n (check pass) or, with _dev
 * and _tim, the arrivals themselves */
static int trace_scan(const char *buf, size_t len, uint32_t devices, size_t *n, uint32_t *dev, double *tim,
                      char *err, size_t errlen)
{
    char line[TRACE_MAX_LINE], why[160];
    size_t pos = 0, k = 0, lineno = 0;
    double last = 0.0;
    int rc;
    while ((rc = trace_line(buf, len, &pos, line)) != 0) {
        lineno++;
        if (rc < 0) {
            snprintf(err, errlen, "line %zu: longer than %d characters", lineno, TRACE_MAX_LINE - 1);
            return -EINVAL;
        }
        if (trace_blank(line))
            continue;
        uint32_t d;
        double t;
        if (trace_fields(line, devices, &d, &t, why, sizeof why)) {
            snprintf(err, errlen, "line %zu: %s", lineno, why);
            return -EINVAL;
        }
        if (t < last) {
            snprintf(err, errlen, "line %zu: times must be non-decreasing (allowed: >= %.17g, the previous "
                                  "line's), got %.17g", lineno, last, t);
            return -EINVAL;
        }
        if (k >= TRACE_MAX_EVENTS) {
            snprintf(err, errlen, "line %zu: more than %u arrivals (the limit)", lineno, TRACE_MAX_EVENTS);
            return -EFBIG;
        }
        last = t;
        if (dev) {
            dev[k] = d;
            tim[k] = t;
        }
        k++;
    }
    if (k == 0) {
        snprintf(err, errlen, "no arrivals (allowed: 1 to %u \"DEVICE TIME\" lines)", TRACE_MAX_EVENTS);
        return -EINVAL;
    }
    *n = k;
    return 0;
}

/* arrivals (_dev, _tim) in time order into *_t grouped by device, a stable
 * counting sort: each device's times stay ascending */
static int trace_group(const uint32_t *dev, const double *tim, size_t n, uint32_t devices, trace *t)
{
    t->start = calloc((size_t)devices + 1, sizeof *t->start);
    t->time_s = malloc(n * sizeof *t->time_s);
    if (!t->start || !t->time_s)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        t->start[dev[i] + 1]++;
    for (uint32_t d = 0; d < devices; d++)
        t->start[d + 1] += t->start[d];
    size_t *fill = malloc(((size_t)devices + 1) * sizeof *fill);
    if (!fill)
        return -ENOMEM;
    memcpy(fill, t->start, ((size_t)devices + 1) * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        t->time_s[fill[dev[i]]++] = tim[i];
    free(fill);
    t->n = n;
    t->devices = devices;
    return 0;
}

int fl_trace_parse(const char *buf, size_t len, uint32_t devices, trace *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (len > TRACE_MAX_BYTES) {
        snprintf(err, errlen, "%zu bytes (allowed: at most %u)", len, TRACE_MAX_BYTES);
        return -EFBIG;
    }
    if (devices == 0) {
        snprintf(err, errlen, "no devices (allowed: system.devices >= 1)");
        return -EINVAL;
    }
    size_t n = 0;
    int rc = trace_scan(buf, len, devices, &n, NULL, NULL, err, errlen);
    if (rc)
        return rc;
    uint32_t *dev = malloc(n * sizeof *dev);
    double *tim = malloc(n * sizeof *tim);
    rc = dev && tim ? trace_scan(buf, len, devices, &n, dev, tim, err, errlen) : -ENOMEM;
    if (!rc)
        rc = trace_group(dev, tim, n, devices, t);
    free(dev);
    free(tim);
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory for %zu arrivals", n);
    if (rc)
        fl_trace_free(t);
    return rc;
}

int fl_trace_load(const char *path, uint32_t devices, trace *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: cannot read (%s)", path, f ? "not a regular file" : strerror(errno));
        if (f)
            fclose(f);
        return -EINVAL;
    }
    if ((unsigned long long)st.st_size > TRACE_MAX_BYTES) {
        snprintf(err, errlen, "%s: %lld bytes (allowed: at most %u)", path, (long long)st.st_size,
                 TRACE_MAX_BYTES);
        fclose(f);
        return -EFBIG;
    }
    size_t len = (size_t)st.st_size;
    char *buf = malloc(len + 1);
    int rc = buf && fread(buf, 1, len, f) == len ? 0 : -EIO;
    fclose(f);
    char why[256] = "";
    if (!rc)
        rc = fl_trace_parse(buf, len, devices, t, why, sizeof why);
    else
        snprintf(why, sizeof why, "cannot read %zu bytes", len);
    free(buf);
    if (rc)
        snprintf(err, errlen, "%s: %s", path, why);
    return rc;
}

void fl_trace_free(trace *t)
{
    free(t->time_s);
    free(t->start);
    memset(t, 0, sizeof *t);
}
