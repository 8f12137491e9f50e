#!/usr/bin/env bash
# BER versus Eb/N0, simulation (95% Clopper-Pearson bars) over the closed
# forms, every modem, AWGN and Rayleigh fast fading. Called by make_plots.sh.
set -euo pipefail
: "${BIN:=bin/featlink}" "${OUT:=results/plots}"
for ch in awgn rayleigh; do
  "$BIN" run scenarios/ber_$ch.json -o "$OUT/data/ber_$ch.h5" --quiet --jobs 2
  "$BIN" export "$OUT/data/ber_$ch.h5" --format csv > "$OUT/data/ber_$ch.csv"
done
rows() { echo $(( ($(wc -l < "$OUT/data/ber_$1.csv") - 1) / 5 )); }
gnuplot -e "datadir='$OUT/data'; outdir='$OUT'; n_awgn=$(rows awgn); n_rayleigh=$(rows rayleigh)" plots/ber.gp

# Coded BPSK over AWGN: the 802.11 K=7 code, soft Viterbi, rates 1/2, 2/3, 3/4.
"$BIN" run scenarios/ber_coded.json -o "$OUT/data/ber_coded.h5" --quiet --jobs 2
"$BIN" export "$OUT/data/ber_coded.h5" --format csv > "$OUT/data/ber_coded.csv"
gnuplot -e "datadir='$OUT/data'; outdir='$OUT'; n=$(( ($(wc -l < "$OUT/data/ber_coded.csv") - 1) / 4 ))" plots/ber_coded.gp
