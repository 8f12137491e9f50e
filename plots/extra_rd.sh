#!/usr/bin/env bash
# Rate-distortion figures: the TOFC λ x n_c sweep (paper 001) and PINR
# proxy P/R/F1 vs compression ratio over an analog link (paper 000 Figs.
# 2-3). Called by plots/make_plots.sh (BIN, OUT in the environment); reuses
# results that are up to date (plots/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. plots/lib.sh

# --- paper 001, TOFC
S=scenarios/tofc_lambda_sweep.json
results tofc_lambda_sweep "$S"
F="$DATA/tofc_lambda_sweep.csv"
ncs=$(csv_uniq "$F" codec.clusters)
lams=$(csv_uniq "$F" codec.lambda)
src=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
  { printf "%d patches x %d tokens x %d dims", $h["patches"], $h["tokens"], $h["dims"]; exit }' "$F")
codec="DPC-KNN merge (K = $(json_get "$S" codec.knn 5)) + $(json_get "$S" codec.quant fp32 | tr a-z A-Z) (Δ = $(json_get "$S" codec.step 0.05)) + Laplacian rANS ($(json_get "$S" codec.models 1) scale profiles)"
gp -e "f='$F'; outdir='$OUT'; ncs='$ncs'; lams='$lams'; src='$src'; codec='$codec'" plots/tofc_rd.gp

# --- paper 000 Figs. 2-3, PINR over an analog link
S=scenarios/pinr_fig2_fig3.json
results pinr_fig2_fig3 "$S"
F="$DATA/pinr_fig2_fig3.csv"
snrs=$(csv_uniq "$F" channel.snr_db)
refs=$(csv_uniq "$F" metrics.reference)
src=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
  { printf "N_t = %d, N_s = %d, N_b = %d", $h["tokens"], $h["dims"], $h["symbol_bits"]; exit }' "$F")
# per SNR: do the references give the same metrics? (then one set of curves)
same=""
for s in $snrs; do
  d=$(awk -F, -v s="$s" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $h["channel.snr_db"] == s { k = $h["codec.f"] "," $h["codec.g"] "," $h["codec.h"]
      v = $h["proxy_precision"] "," $h["proxy_recall"] "," $h["proxy_f1"]
      if (k in seen && seen[k] != v) diff = 1; seen[k] = v }
    END { print diff ? 0 : 1 }' "$F")
  same+="${same:+ }$d"
done
gp -e "f='$F'; outdir='$OUT'; snrs='$snrs'; refs='$refs'; same='$same'; src='$src'" plots/pinr_fig23.gp
