#!/usr/bin/env bash
# System-layer figure: the latency breakdown per frame (device compute,
# uplink wait, transmission, server wait, server compute) per uplink rate
# and PINR setting, as stacked bars in the manner of paper 001 Fig. 8, with
# each bar's 95% interval of the mean latency; saturated points (uplink or
# server busy >= 99%) are marked instead of drawn. Called by
# plots/make_plots.sh (BIN, OUT in the environment); reuses results that are
# up to date (plots/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. plots/lib.sh

S=scenarios/latency_rates.json
results latency_rates "$S"
F="$DATA/latency_rates.csv"
B="$DATA/latency_rates_bars.dat"
# one row per point: label, the five components, mean and its interval, saturated
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
  { sat = $h["saturated"] + 0
    printf "\"f=g=h %s\\n%g Mbit/s\" %s %s %s %s %s %s %s %s %d\n", $h["f"], $h["uplink.rate_bps"] / 1e6,
      sat ? 0 : $h["device_time_mean_s"], sat ? 0 : $h["uplink_wait_mean_s"], sat ? 0 : $h["tx_time_mean_s"],
      sat ? 0 : $h["server_wait_mean_s"], sat ? 0 : $h["server_time_mean_s"],
      $h["latency_mean_s"], $h["latency_mean_s_ci_low"], $h["latency_mean_s_ci_high"], sat }' "$F" > "$B"
src=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
  { printf "N_t = %d, N_s = %d, N_b = %d", $h["tokens"], $h["dims"], $h["symbol_bits"]; exit }' "$F")
dev=$(json_get "$S" system.devices 1)
gp -e "f='$B'; outdir='$OUT'; src='$src, $dev device(s)'" plots/system_latency.gp

# p95 latency and deadline-miss rate against the number of devices, per PINR
# setting, with the deadline; saturated points drawn apart (their p95 grows
# with the run length)
S=scenarios/capacity_devices.json
results capacity_devices "$S"
F="$DATA/capacity_devices.csv"
fs=$(csv_uniq "$F" codec.f)
dl=$(json_get "$S" system.deadline_s inf)
desc=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
  { printf "N_t = %d, N_s = %d, N_b = %d", $h["tokens"], $h["dims"], $h["symbol_bits"]; exit }' "$F")
desc="$desc, $(json_get "$S" system.arrival periodic) $(json_get "$S" system.frame_rate_hz 1) frame/s per device, $(json_get "$S" uplink.access tdma) $(json_get "$S" uplink.rate_model shannon | sed 's/_/\\_/g') uplink of $(awk -v b="$(json_get "$S" uplink.bandwidth_hz 20e6)" 'BEGIN { print b / 1e6 }') MHz at $(json_get "$S" device.snr_db 20) dB, $(json_get "$S" server.workers 1) server worker(s)"
gp -e "f='$F'; outdir='$OUT'; fs='$fs'; deadline=$dl; desc='$desc'" plots/system_capacity.gp
