#!/usr/bin/env bash
# make plots: run the plotted scenarios, export CSV, draw PNGs with gnuplot.
# Output: results/plots/*.png (data beside them in results/plots/data/).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${FEATLINK_BIN:-bin/featlink}
OUT=results/plots
mkdir -p "$OUT/data"

# Paper 000: reduction ratio and minimum bandwidth vs f=g=h, per index coding.
for mode in list bitmask seeded enumerative; do
  "$BIN" run scenarios/pinr_sweep.json -o "$OUT/data/pinr_$mode.h5" --quiet \
      --set codec.index_coding=$mode --jobs 2
  "$BIN" export "$OUT/data/pinr_$mode.h5" --format csv > "$OUT/data/pinr_$mode.csv"
done
gnuplot -e "datadir='$OUT/data'; outdir='$OUT'" plots/pinr.gp

# Further figures of other scenarios, when their scripts exist.
for extra in plots/extra_*.sh; do
  [ -e "$extra" ] && BIN="$BIN" OUT="$OUT" bash "$extra"
done
echo "wrote $(ls "$OUT"/*.png | tr '\n' ' ')"
