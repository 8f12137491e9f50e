#!/usr/bin/env bash
# Rate-distortion figures (issue 4): TOFC λ x n_c sweep (paper 001) and PINR
# proxy P/R/F1 vs compression ratio at infinite SNR and 0 dB (paper 000
# Figs. 2-3). Called by plots/make_plots.sh with BIN (featlink binary) and
# OUT (results/plots); writes PNGs into $OUT and CSV/HDF5 into $OUT/data.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/featlink}
OUT=${OUT:-results/plots}
mkdir -p "$OUT/data"
for s in tofc_lambda_sweep pinr_fig2_fig3; do
  "$BIN" run "scenarios/$s.json" -o "$OUT/data/$s.h5" --quiet --jobs 2
  "$BIN" export "$OUT/data/$s.h5" --format csv > "$OUT/data/$s.csv"
done
gnuplot -e "datadir='$OUT/data'; outdir='$OUT'" plots/tofc_rd.gp
gnuplot -e "datadir='$OUT/data'; outdir='$OUT'" plots/pinr_fig23.gp
