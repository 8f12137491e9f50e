# Paper 000 Figs. 2-3 (PINR over an analog link): proxy precision / recall /
# F1 (greedy matching of feature tokens, no BERT) vs the measured compression
# (reduction) ratio for f = g = h, normalised by the uncompressed reference:
# clean (X itself) or same_snr (X through the same channel).
# scenarios/pinr_fig2_fig3.json.
set datafile separator ","
set terminal pngcairo size 900,600 enhanced font ",11"
set grid
set key left bottom
set xlabel "compression (reduction) ratio, 1 - sent bits / total bits"
set yrange [0:*]
set xrange [0:1]
f = datadir."/pinr_fig2_fig3.csv"
# rows: f = g = h slowest, then channel.snr_db (inf, 0), then metrics.reference
# (clean, same_snr): row 4i + k, k = 0 inf/clean, 1 inf/same_snr, 2 0 dB/clean, 3 0 dB/same_snr

set output outdir."/pinr_fig2.png"
set title "PINR, infinite SNR: normalised proxy metrics vs compression (paper 000 Fig. 2)"
set ylabel "metric / clean reference"
plot f every 4::0 using "measured_reduction_ratio":"proxy_precision" w lp pt 7 title "precision", \
     f every 4::0 using "measured_reduction_ratio":"proxy_recall" w lp pt 5 title "recall", \
     f every 4::0 using "measured_reduction_ratio":"proxy_f1" w lp pt 9 lw 2 title "F1"

set output outdir."/pinr_fig3.png"
set title "PINR at 0 dB (analog link): proxy metrics vs compression (paper 000 Fig. 3)"
set ylabel "metric / reference"
set key right top
plot f every 4::2 using "measured_reduction_ratio":"proxy_precision" w lp pt 7 lc 1 title "precision, clean ref.", \
     f every 4::2 using "measured_reduction_ratio":"proxy_recall" w lp pt 5 lc 2 title "recall, clean ref.", \
     f every 4::2 using "measured_reduction_ratio":"proxy_f1" w lp pt 9 lc 3 lw 2 title "F1, clean ref.", \
     f every 4::3 using "measured_reduction_ratio":"proxy_precision" w lp pt 6 lc 1 dt 2 title "precision, same-SNR ref.", \
     f every 4::3 using "measured_reduction_ratio":"proxy_recall" w lp pt 4 lc 2 dt 2 title "recall, same-SNR ref.", \
     f every 4::3 using "measured_reduction_ratio":"proxy_f1" w lp pt 8 lc 3 dt 2 lw 2 title "F1, same-SNR ref."
