/* rd: rate-distortion point (rd.h). */
#include "sim/rd.h"

#include <errno.h>
#include <stdio.h>

int rd_point(const fl_config *c, int64_t point, const point_ctx *ctx, row *r, char *err, size_t len)
{
    (void)c, (void)point, (void)ctx, (void)r;
    snprintf(err, len, "rate-distortion codecs are being integrated");
    return -ENOTSUP;
}
