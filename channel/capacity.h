/* capacity: Shannon-capacity link budget and closed-form capacities.
 *
 * SNR convention: snr is the linear ratio of received signal power to noise
 * power in the signal bandwidth (= Es/N0 per complex symbol at Nyquist
 * signalling). snr_db = 10 log10(snr).
 */
#ifndef FEATLINK_CAPACITY_H
#define FEATLINK_CAPACITY_H

#include <stdint.h>

//  capacity_db2lin : 10^(_db/10)
double capacity_db2lin(double db);
//  capacity_awgn : AWGN spectral efficiency log2(1 + _snr) in bit/s/Hz; _snr linear >= 0
double capacity_awgn(double snr);
//  capacity_min_bandwidth_hz : smallest B with B log2(1+SNR) T >= _bits,
//      i.e. _bits / (_budget_s log2(1 + 10^(_snr_db/10))) (paper 000, Table 1);
//      _budget_s > 0. Returns +inf when the capacity is 0.
double capacity_min_bandwidth_hz(double bits, double budget_s, double snr_db);
//  capacity_transfer_time_s : _bits / (_bandwidth_hz log2(1+SNR)); _bandwidth_hz > 0
double capacity_transfer_time_s(double bits, double bandwidth_hz, double snr_db);

#endif
