#!/usr/bin/env bash
# BER versus Eb/N0: Monte Carlo (95% Clopper-Pearson bars; zero-error points
# as arrows down from their 95% upper limit) over the closed forms, every
# modem, AWGN and Rayleigh fading; and coded BPSK (802.11 K=7 code) with
# the uncoded closed form and the codes' union bounds. Called by
# plots/make_plots.sh (BIN, OUT in the environment); reuses results that
# are up to date (plots/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. plots/lib.sh

# Eb/N0 grid of the closed-form curves: the simulated range in steps of 0.25 dB
dense() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ebn0_db") k = i; next }
    NR == 2 || $k + 0 < lo { lo = $k + 0 } NR == 2 || $k + 0 > hi { hi = $k + 0 }
    END { printf "["; for (x = lo; x <= hi + 1e-9; x += 0.25) printf "%s%g", (x > lo ? "," : ""), x; print "]" }' "$1"
}
# pretty modem names and code-rate fractions for the legends
pretty() {
  local w out=""
  for w in $1; do
    case $w in
      bpsk|qpsk) w=${w^^} ;;
      *qam) w="${w%qam}-QAM" ;;
    esac
    out+="${out:+ }$w"
  done
  echo "$out"
}
frac() {  # 0.6666666666666666 -> 2/3
  awk -v x="$1" 'BEGIN { for (d = 1; d <= 16; d++) { n = x * d; r = int(n + 0.5)
    if (n - r < 1e-6 && r - n < 1e-6) { printf "%d/%d\n", r, d; exit } } printf "%g\n", x }'
}
# the x offset of the zero-error arrows per curve (they would sit on each
# other): fraction $2 of the Eb/N0 step
xstep() { awk -F, -v r="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ebn0_db") k = i; next }
  NR == 2 { a = $k } NR == 3 { printf "%g\n", ($k - a) * r; exit }' "$1"; }

# number of points without a bit error
nzero() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "bit_errors") k = i; next }
  $k == 0 { z++ } END { print z + 0 }' "$1"; }

for ch in awgn rayleigh; do
  S=scenarios/ber_$ch.json
  results "ber_$ch" "$S"
  F="$DATA/ber_$ch.csv"
  results "ber_${ch}_theory" "$S" stop.min_errors=1 stop.max_bits=8000 \
    "sweep.grid.channel.ebn0_db=$(dense "$F")"
  kind=$(json_get "$S" channel.kind awgn)
  case $kind in
    awgn) chname="AWGN" ;;
    rayleigh) chname="Rayleigh fading ($(json_get "$S" channel.fading fast))" ;;
    rician) chname="Rician fading, K = $(json_get "$S" channel.k_factor 0) ($(json_get "$S" channel.fading fast))" ;;
    *) chname=$kind ;;
  esac
  demap=$(json_get "$S" modem.demap hard)
  schemes=$(csv_uniq "$F" modem.scheme)
  lo=$(csv_min "$F" ber); ub=$(csv_min "$F" ber_ci_high bit_errors 0)
  ymin=$(log_floor "$(awk -v a="$lo" -v b="${ub:-1}" 'BEGIN { print (a < b ? a : b) / 5 }')")
  gp -e "f='$F'; th='$DATA/ber_${ch}_theory.csv'; out='$OUT/ber_$ch.png'; \
    schemes='$schemes'; labels='$(pretty "$schemes")'; ymin=$ymin; nz=$(nzero "$F"); dx=$(xstep "$F" 0.05); \
    ttl='Gray-coded modems over $chname, $demap-decision demapping: simulation vs closed form'" plots/ber.gp
done

# Coded BPSK over AWGN: the 802.11 K=7 code, soft Viterbi, rates 1/2, 2/3, 3/4.
# stop.min_errors=30000: the scenario's 300 bit errors stop a low-Eb/N0
# coded point after one or two decoded frames (a frame holds hundreds of
# errors), too few error frames (featlink needs 10) to measure the design
# effect, so its 95% interval would be the worst case, about [1e-5, 1].
# 30000 gives every point with BER above ~1e-3 at least 10 error frames and
# costs ~2 s more (points below stop at stop.max_bits as before).
S=scenarios/ber_coded.json
results ber_coded "$S" stop.min_errors=30000
F="$DATA/ber_coded.csv"
results ber_coded_theory "$S" link.fec=none stop.min_errors=1 stop.max_bits=8000 \
  "sweep.grid.channel.ebn0_db=$(dense "$F")"
codes=$(csv_uniq "$F" link.fec)
rates=""; names=""
for c in $codes; do
  r=$(awk -F, -v c="$c" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "link.fec") a = i; if ($i == "code_rate") b = i }; next }
    $a == c { print $b; exit }' "$F")
  rates+="${rates:+ }$r"
  if [ "$r" = 1 ]; then names+="${names:+ }uncoded"; else names+="${names:+ }rate-$(frac "$r")"; fi
done
lo=$(csv_min "$F" ber); ub=$(csv_min "$F" ber_ci_high bit_errors 0)
ymin=$(log_floor "$(awk -v a="$lo" -v b="${ub:-1}" 'BEGIN { print (a < b ? a : b) / 5 }')")
mod=$(json_get "$S" modem.scheme bpsk); mod=$(pretty "$mod")
gp -e "f='$F'; th='$DATA/ber_coded_theory.csv'; out='$OUT/ber_coded.png'; \
  codes='$codes'; rates='$rates'; names='$names'; ymin=$ymin; nz=$(nzero "$F"); dx=$(xstep "$F" 0.1); \
  ttl='$mod over $(json_get "$S" channel.kind awgn | tr a-z A-Z): uncoded and with the 802.11 K=7 (133,171) code, soft Viterbi'" plots/ber_coded.gp
