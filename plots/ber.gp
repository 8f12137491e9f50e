# BER vs Eb/N0: featlink's Monte Carlo (points with 95% Clopper-Pearson bars)
# against the closed forms (lines: Proakis; Cho-Yoon for M-QAM; MGF forms
# of MATLAB's berfading for Rayleigh). Rows: modem outer, Eb/N0 inner;
# n_awgn / n_rayleigh (rows per modem) come from extra_ber.sh.
set datafile separator ","
set terminal pngcairo size 900,650 enhanced font ",11"
set logscale y
set format y "10^{%L}"
set yrange [1e-7:1]
set grid
set key bottom left
set xlabel "E_b/N_0 (dB)"
set ylabel "bit error rate"
names = "BPSK QPSK 16-QAM 64-QAM 256-QAM"
do for [ch in "awgn rayleigh"] {
  f = datadir."/ber_".ch.".csv"
  n = (ch eq "awgn") ? n_awgn : n_rayleigh
  set output outdir."/ber_".ch.".png"
  set title "BER over ".(ch eq "awgn" ? "AWGN" : "Rayleigh fast fading").": simulation vs closed form"
  plot for [i=0:4] f every ::(i*n)::(i*n+n-1) using 2:(column("ber")>0 ? column("ber") : 1/0):"ber_ci_low":"ber_ci_high" \
         with yerrorbars pt 7 ps 0.7 lc i+1 title word(names, i+1)." sim", \
       for [i=0:4] f every ::(i*n)::(i*n+n-1) using 2:"ber_theory" with lines lc i+1 notitle
}
