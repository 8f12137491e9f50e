/* capacity: Shannon-capacity link budget (C = B log2(1 + SNR), Shannon 1948). */
#include "channel/capacity.h"

#include <math.h>

double capacity_db2lin(double db) { return pow(10.0, db / 10.0); }

double capacity_awgn(double snr) { return log2(1.0 + snr); }

double capacity_min_bandwidth_hz(double bits, double budget_s, double snr_db)
{
    double c = capacity_awgn(capacity_db2lin(snr_db));
    return c > 0.0 ? bits / (budget_s * c) : INFINITY;
}

double capacity_transfer_time_s(double bits, double bandwidth_hz, double snr_db)
{
    double c = capacity_awgn(capacity_db2lin(snr_db));
    return c > 0.0 ? bits / (bandwidth_hz * c) : INFINITY;
}
