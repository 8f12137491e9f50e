/* tofc_rd_point: one rate-distortion point of the TOFC frame codec (paper
 * 001) on i.i.d. Laplacian features of unit variance: uniform quantiser of
 * step D = 0.25 (plain rounding), Laplacian rANS coder with 16 scale models.
 * Compared with values computed here, not by codec/:
 *   - reconstruction: every value equals D round(x / D);
 *   - distortion: the exact MSE of that quantiser on Laplace(0, b), b = 1/sqrt 2,
 *     integrated numerically bin by bin (Simpson), within 4 standard errors;
 *   - rate: the entropy H of the quantised Laplacian, from its cell
 *     probabilities p_0 = 1 - e^{-D/2b}, p_k = e^{-(|k|-1/2)D/b} (1 - e^{-D/b}) / 2;
 *     the coded rate (header and side information included) must lie in
 *     [H - 0.01, H + 0.05] bits per value;
 *   - the Shannon lower bound h(X) - log2(2 pi e MSE)/2, h(X) = log2(2 e b):
 *     the rate must lie above it (about 0.25 bit above at this resolution).
 * Uses codec/ only. Exit 0 when all agree, 1 otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "codec/source.h"
#include "codec/tofc.h"

#define TOKENS 256
#define DIMS 256
#define STEP 0.25

static double laplace_pdf(double x, double b) { return exp(-fabs(x) / b) / (2.0 * b); }

/* E[(X - D round(X/D))^2] for X ~ Laplace(0, b), bins |k| <= 400 */
static double mse_exact(double d, double b)
{
    double sum = 0;
    for (int k = -400; k <= 400; k++) {
        const int m = 200; /* Simpson subintervals per bin (even) */
        double lo = (k - 0.5) * d, h = d / m, s = 0;
        for (int i = 0; i <= m; i++) {
            double x = lo + i * h, e = x - k * d;
            s += (i == 0 || i == m ? 1 : (i % 2 ? 4 : 2)) * e * e * laplace_pdf(x, b);
        }
        sum += s * h / 3.0;
    }
    return sum;
}

static double entropy_exact(double d, double b)
{
    double p0 = 1.0 - exp(-d / (2.0 * b)), h = -p0 * log2(p0);
    for (int k = 1; k <= 2000; k++) {
        double p = 0.5 * exp(-(k - 0.5) * d / b) * (1.0 - exp(-d / b));
        if (p > 0)
            h -= 2.0 * p * log2(p);
    }
    return h;
}

int main(void)
{
    const double b = 1.0 / sqrt(2.0);
    source_synth sp = {.patches = 1, .tokens = TOKENS, .dims = DIMS, .law = SOURCE_LAW_LAPLACE,
                       .clusters = 1, .tail = 3.0, .outlier_gain = 1.0, .scale = 1.0};
    source_tensor src = {0};
    tofc_params p = {.patches = 1, .tokens = TOKENS, .dims = DIMS, .select = TOFC_SELECT_NONE,
                     .quant = TOFC_QUANT_UNIFORM, .step = STEP, .deadzone = 0.5,
                     .entropy = TOFC_ENTROPY_LAPLACE, .models = 16};
    uint8_t *buf = NULL;
    size_t nbytes = 0;
    tofc_stats st;
    tofc_frame fr = {0};
    if (fl_source_synthetic(&sp, 1, 0, &src) || fl_tofc_encode(&p, src.x, &buf, &nbytes, &st, NULL) ||
        fl_tofc_decode(buf, nbytes, NULL, 0, &fr)) {
        fprintf(stderr, "source/encode/decode failed\n");
        return 1;
    }
    const size_t n = (size_t)TOKENS * DIMS;
    double se = 0, se2 = 0;
    size_t off_grid = 0;
    for (size_t i = 0; i < n; i++) {
        double x = src.x[i], e = x - fr.y[i];
        off_grid += fr.y[i] != (float)(STEP * nearbyint(x / STEP));
        se += e * e;
        se2 += e * e * e * e;
    }
    double mse = se / n, mse_sd = sqrt((se2 / n - mse * mse) / n);
    double d_th = mse_exact(STEP, b), h_th = entropy_exact(STEP, b);
    double rate = (double)st.bits / n, slb = log2(2.0 * M_E * b) - 0.5 * log2(2.0 * M_PI * M_E * mse);
    double z = (mse - d_th) / mse_sd;
    printf("TOFC uniform step %.2f + Laplacian rANS, %zu unit-variance Laplacian values\n", STEP, n);
    printf("  reconstruction off the grid D round(x/D): %zu values\n", off_grid);
    printf("  MSE %.6f, exact %.6f (D^2/12 = %.6f), z = %+.2f\n", mse, d_th, STEP * STEP / 12, z);
    printf("  rate %.4f bit/value (%llu bits), entropy of the quantised law %.4f, gap %+.4f\n", rate,
           (unsigned long long)st.bits, h_th, rate - h_th);
    printf("  Shannon lower bound at this MSE %.4f, rate above it by %.4f\n", slb, rate - slb);
    int ok = off_grid == 0 && fabs(z) < 4 && rate >= h_th - 0.01 && rate <= h_th + 0.05 && rate > slb;
    printf(ok ? "agree\n" : "DISAGREE\n");
    free(buf);
    fl_tofc_frame_free(&fr);
    fl_source_free(&src);
    return ok ? 0 : 1;
}
