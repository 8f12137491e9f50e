# Paper 000 Figs. 2-3 (PINR over an analog link): proxy precision / recall /
# F1 (BERTScore's greedy matching on the feature tokens, no BERT) vs the
# measured compression (reduction) ratio for f = g = h, divided by the
# uncompressed reference's values: clean (X itself) or same_snr (X through
# the same channel). One figure per channel.snr_db value of the sweep: the
# first is pinr_fig2.png (paper Fig. 2: infinite SNR), the second
# pinr_fig3.png (Fig. 3: 0 dB).
# Called by plots/extra_rd.sh with f (CSV), outdir, snrs, refs (the
# metrics.reference values), same (per SNR: 1 when every reference gives
# the same metrics, so one set of curves is drawn) and src.
set datafile separator ","
# a NaN from a using expression (a row of another curve) is skipped, not a break in the line
set datafile missing NaN
set terminal pngcairo size 950,780 enhanced font ",11"
set grid
set xlabel "compression (reduction) ratio, 1 - measured bits sent / total bits (fraction)"
set ylabel "proxy metric / reference's value (ratio)"
set xrange [0:1]
set yrange [0:1.05]
set key outside below center vertical maxrows 3 Left reverse samplen 3 width 2
metrics = "proxy_precision proxy_recall proxy_f1"
mnames = "precision recall F1"
refname(r) = (r eq "clean") ? "clean reference" : (r eq "same_snr") ? "same-SNR reference" : r." reference"
snrname(s) = (s eq "inf") ? "infinite SNR" : s." dB SNR"
sel(s, r) = (strcol("channel.snr_db") eq s && strcol("metrics.reference") eq r)
nr(j) = (word(same, j) eq "1") ? 1 : words(refs)
do for [j=1:words(snrs)] {
  s = word(snrs, j)
  set output outdir.(j <= 2 ? sprintf("/pinr_fig%d.png", j + 1) : "/pinr_fig23_".s.".png")
  note = (nr(j) == 1 && words(refs) > 1) ? "\n{/*0.85 (at this SNR every reference gives the same values: one set of curves)}" : ""
  set title sprintf("PINR over an analog link at %s, f = g = h (%s)%s\n{/*0.85 proxy metrics divided by the reference's: clean = X itself, same-SNR = X through the same channel}%s", \
                    snrname(s), src, (j <= 2 ? sprintf(": paper 000 Fig. %d", j + 1) : ""), note)
  plot for [k=1:nr(j)] for [m=1:3] f \
         using "measured_reduction_ratio":(sel(s, word(refs, k)) ? column(word(metrics, m)) : NaN) \
         with linespoints lw (m == 3 ? 2.5 : 1.5) dt k pt (k == 1 ? 5 + 2 * m : 4 + 2 * m) ps 1 lc m \
         title word(mnames, m).", ".refname(word(refs, k))
}
