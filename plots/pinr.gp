# Paper 000 (PINR): reduction ratio and minimum bandwidth versus f = g = h,
# one curve per index-coding mode, several SNRs; the analytic (paper §3)
# figures as a dashed reference. Called by plots/make_plots.sh.
# Rows of scenarios/pinr_sweep.json: SNR (0, 10, 20 dB) varies fastest.
set datafile separator ","
set terminal pngcairo size 900,600 enhanced font ",11"
set key left top
set grid
modes = "list bitmask seeded enumerative"

set output outdir."/pinr_reduction_ratio.png"
set title "PINR: net reduction ratio vs f = g = h (Nt=512, Ns=1024, Nb=32)"
set xlabel "f = g = h"
set ylabel "reduction ratio (1 - sent / total)"
plot for [m in modes] datadir."/pinr_".m.".csv" every 3::0 using "f":"measured_reduction_ratio" \
       with linespoints title "measured, ".m, \
     datadir."/pinr_list.csv" every 3::0 using "f":"reduction_ratio" \
       with lines dt 2 lw 2 lc rgb "black" title "paper 000 §3 (analytic, list)"

set output outdir."/pinr_min_bandwidth.png"
set title "PINR: minimum bandwidth to send one frame in 1 s (measured bitstream)"
set ylabel "minimum bandwidth (MHz)"
set logscale y
set key right top
plot for [i=0:2] for [m in modes] datadir."/pinr_".m.".csv" every 3::i \
       using "f":(column("measured_min_bandwidth_hz")/1e6) \
       with linespoints title sprintf("%d dB, %s", 10*i, m)
