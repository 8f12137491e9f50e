/* ber_awgn: the bit error rate of QPSK and 16-QAM (Gray) over AWGN, measured
 * by channel/ber's Monte Carlo and compared with the exact closed forms,
 * written out here from erfc (not from channel/berclosed):
 *   QPSK    Pb = Q(sqrt(2 g))
 *   16-QAM  Pb = [3 Q(sqrt(4g/5)) + 2 Q(3 sqrt(4g/5)) - Q(5 sqrt(4g/5))] / 4
 * with g = Eb/N0 (linear), Q(x) = erfc(x / sqrt 2) / 2 (K. Cho, D. Yoon,
 * IEEE Trans. Commun. 50(7), 2002, eq. (14) for M = 16).
 *
 * Uses channel/ only. Exit 0 when each measurement lies within 4 standard
 * errors of the closed form (standard error sqrt(p (1-p) deff / bits), deff
 * the design effect channel/ber reports for errors clustered in symbols),
 * 1 otherwise. The seed is fixed: the run is the same on every machine.
 */
#include <math.h>
#include <stdio.h>

#include "channel/ber.h"

static double q(double x) { return 0.5 * erfc(x / sqrt(2.0)); }

static double ber_exact(modem_scheme s, double ebn0_db)
{
    double g = pow(10.0, ebn0_db / 10.0);
    if (s == MODEM_QPSK)
        return q(sqrt(2.0 * g));
    double a = sqrt(4.0 * g / 5.0); /* 16-QAM */
    return (3.0 * q(a) + 2.0 * q(3.0 * a) - q(5.0 * a)) / 4.0;
}

/* one point: 0 if it agrees with the closed form, 1 if not, -1 on error */
static int check(modem_scheme s, const char *name, double ebn0_db)
{
    ber_config c = {.phy = {.scheme = s, .channel = PHY_AWGN, .seed = 1, .point = 0},
                    .ebn0_db = ebn0_db, .code_rate = 1.0, .demap = BER_DEMAP_HARD,
                    .frame_bits = 8000, .min_errors = 4000, .max_bits = 100000000};
    ber_result r;
    int rc = fl_ber_run(&c, &r);
    if (rc) {
        fprintf(stderr, "ber_run failed: %d\n", rc);
        return -1;
    }
    double p = ber_exact(s, ebn0_db);
    double se = sqrt(p * (1.0 - p) * r.ber_deff / (double)r.bits);
    double z = (r.ber - p) / se;
    printf("%-7s Eb/N0 %4.1f dB: BER %.5e (%llu errors in %llu bits, 95%% CI [%.5e, %.5e])\n"
           "                      closed form %.5e, z = %+.2f\n",
           name, ebn0_db, r.ber, (unsigned long long)r.bit_errors, (unsigned long long)r.bits,
           r.ber_ci_low, r.ber_ci_high, p, z);
    return fabs(z) < 4.0 ? 0 : 1;
}

int main(void)
{
    int a = check(MODEM_QPSK, "QPSK", 4.0), b = check(MODEM_QAM16, "16-QAM", 8.0);
    if (a < 0 || b < 0)
        return 1;
    printf(a || b ? "DISAGREE: measurement and closed form differ\n" : "agree\n");
    return a || b ? 1 : 0;
}
