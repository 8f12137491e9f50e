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

# How many devices one server holds, per codec: scenarios/capacity_devices.json
# (uncompressed 16-bit features) run as it is and with the codec keys below;
# per codec p95 latency and deadline-miss rate against the number of devices
# (saturated points drawn apart: their p95 grows with the run length), the
# largest count whose p95 meets the deadline (system.find = max_devices,
# bisection with common random numbers) marked, and the latency CDF of every
# frame at CDF_DEVICES devices (dropped frames never arrive: the CDF ends at
# 1 - drop rate). SYSTEM_SETS (KEY=VALUE words) is added to every run
# (tests/plots_check.sh shortens the runs with it).
S=scenarios/capacity_devices.json
CDF_DEVICES=${CDF_DEVICES:-8}
read -r -a extra <<<"${SYSTEM_SETS:-}"
codec_sets() {
  case $1 in
    none) ;;
    pinr) echo codec.select=pinr codec.f=0.4 codec.g=0.4 codec.h=0.4 codec.index_coding=enumerative ;;
    tofc) echo codec.select=merge codec.clusters=64 codec.quant=uniform codec.step=0.05 codec.entropy=laplace ;;
  esac
}
codec_title() {
  case $1 in
    none) echo "uncompressed" ;;
    pinr) echo "PINR f = g = h = 0.4" ;;
    tofc) echo "TOFC n_c = 64, {/Symbol D} = 0.05, Laplace rANS" ;;
  esac
}
dl=$(json_get "$S" system.deadline_s inf)
M="$DATA/capacity_max.csv"
: > "$M"
files="" titles="" cdfs=""
for c in none pinr tofc; do
  read -r -a sets <<<"$(codec_sets $c)"
  results "capacity_$c" "$S" "${sets[@]}" "${extra[@]}"
  # the search goes no further than the sweep (a saturated probe costs as much
  # as that grid point)
  nmax=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["system.devices"] + 0 > m { m = $h["system.devices"] + 0 } END { print m }' "$DATA/capacity_$c.csv")
  results "capacity_find_$c" "$S" "${sets[@]}" "${extra[@]}" system.devices=1 system.find=max_devices \
    system.find_metric=p95 "system.find_target=$dl" "system.find_max=$nmax"
  # max-devices marker: count, its p95 (NaN when even one device misses)
  awk -F, -v t="$(codec_title $c)" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    { printf "%s,%s,%s\n", $h["max_devices"], $h["max_devices_metric"], t; exit }' \
    "$DATA/capacity_find_$c.csv" >> "$M"
  # latency CDF at CDF_DEVICES devices: the point of that count, every
  # counted frame; dropped frames count in n but have no latency
  pt=$(awk -F, -v n="$CDF_DEVICES" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $h["system.devices"] + 0 == n { print NR - 2; exit }' "$DATA/capacity_$c.csv")
  if [ -z "$pt" ]; then
    echo "plots: $S sweeps no system.devices = $CDF_DEVICES (CDF_DEVICES)" >&2
    exit 1
  fi
  "$BIN" export "$DATA/capacity_$c.h5" --table frames |
    awk -F, -v pt="$pt" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
      $h["point"] + 0 == pt { n++; if ($h["dropped"] + 0 == 0) print $h["completion_s"] - $h["arrival_s"] }
      END { print n > "/dev/stderr" }' 2> "$DATA/capacity_cdf_$c.n" | sort -g > "$DATA/capacity_cdf_$c.lat"
  awk -v n="$(cat "$DATA/capacity_cdf_$c.n")" '{ printf "%.9g %.9g\n", $1, NR / n }' \
    "$DATA/capacity_cdf_$c.lat" > "$DATA/capacity_cdf_$c.dat"
  files+="$DATA/capacity_$c.csv " cdfs+="$DATA/capacity_cdf_$c.dat "
  titles+="$(codec_title $c | tr ' ' '~');"
done
F="$DATA/capacity_none.csv"
desc=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
  { printf "N_t = %d, N_s = %d, N_b = %d", $h["tokens"], $h["dims"], $h["symbol_bits"]; exit }' "$F")
desc="$desc, $(json_get "$S" system.arrival periodic) $(json_get "$S" system.frame_rate_hz 1) frame/s per device, $(json_get "$S" uplink.access tdma) $(json_get "$S" uplink.rate_model shannon | sed 's/_/\\_/g') uplink of $(awk -v b="$(json_get "$S" uplink.bandwidth_hz 20e6)" 'BEGIN { print b / 1e6 }') MHz at $(json_get "$S" device.snr_db 20) dB, $(json_get "$S" server.workers 1) server worker(s)"
gp -e "files='$files'; cdfs='$cdfs'; titles='$titles'; maxf='$M'; outdir='$OUT'; deadline=$dl; ncdf=$CDF_DEVICES; desc='$desc'" plots/system_capacity.gp
