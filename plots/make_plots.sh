#!/usr/bin/env bash
# make plots: draw results/plots/*.png with gnuplot from the plotted
# scenarios' results (results/plots/data/NAME.h5, exported to NAME.csv).
# A scenario is run again only when its results are missing or stale (see
# plots/lib.sh: the stamp beside each results file); every line of output
# says which results were reused and which rerun.
#   FEATLINK_BIN  binary (default bin/featlink)
#   JOBS          --jobs for the runs (default: online cores)
#   OUT           output folder (default results/plots)
set -euo pipefail
cd "$(dirname "$0")/.."
T0=$(date +%s%N)
BIN=${FEATLINK_BIN:-bin/featlink}
OUT=${OUT:-results/plots}
export BIN OUT
. plots/lib.sh

# Paper 000 (PINR): reduction ratio and minimum bandwidth vs f = g = h, one
# results file per index coding; Table 1 of the paper as markers.
modes="list bitmask seeded enumerative"
for mode in $modes; do
  results "pinr_$mode" scenarios/pinr_sweep.json "codec.index_coding=$mode"
done
F="$DATA/pinr_list.csv"
TAB1=tests/data/balevi_table1.csv
nt=$(csv_get "$F" tokens); ns=$(csv_get "$F" dims); nb=$(csv_get "$F" symbol_bits)
snrs=$(csv_uniq "$F" channel.snr_db)
# budget T from the analytic columns: min_bandwidth = sent / (T log2(1 + SNR))
budget=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
  { s = $h["snr_db"]; if (s != "inf" && $h["min_bandwidth_hz"] > 0) { g = exp(s / 10 * log(10))
      printf "%.6g\n", $h["sent_bits"] / ($h["min_bandwidth_hz"] * log(1 + g) / log(2)); exit } }' "$F")
# Table 1 markers only when the sweep has the paper's Nt, Ns, Nb and budget
# (its first comment line: "... Nt=512, Ns=1024, Nb=32, budget 1 s.")
paper=$(sed -n '1s/.*Nt=\([0-9]*\), Ns=\([0-9]*\), Nb=\([0-9]*\), budget \([0-9.]*\) s.*/\1 \2 \3 \4/p' "$TAB1")
t1snrs=$(sed -n '/^f,/{s/,/\n/g;p;q}' "$TAB1" | sed -n 's/^min_bw_mhz_\(.*\)db$/\1/p' | tr '\n' ' ')
if [ "$paper" = "$nt $ns $nb $budget" ]; then
  t1file=$TAB1
else
  t1file=""
  echo "plots: pinr_sweep has Nt Ns Nb T = $nt $ns $nb $budget, paper 000 Table 1 has $paper: no Table 1 markers" >&2
fi
gp -e "datadir='$DATA'; outdir='$OUT'; modes='$modes'; snrs='$snrs'; nt=$nt; ns=$ns; nb=$nb; budget=$budget; t1file='$t1file'; t1snrs='$t1snrs'" plots/pinr.gp

# Further figures (BER, rate-distortion), one script per group.
for extra in plots/extra_*.sh; do
  [ -e "$extra" ] && bash "$extra"
done
T9=$(date +%s%N)
echo "wrote $(ls "$OUT"/*.png | tr '\n' ' ')"
awk -v a="$T0" -v b="$T9" 'BEGIN { printf "make plots: %.1f s\n", (b - a) / 1e9 }'
