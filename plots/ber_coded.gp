# Coded vs uncoded BPSK over AWGN (scenarios/ber_coded.json): the IEEE 802.11
# K=7 (133,171) convolutional code with soft-decision Viterbi gains about
# 5 dB at BER 1e-5 at rate 1/2. Rows: link.fec outer (none, 1/2, 2/3, 3/4),
# Eb/N0 inner; n rows per code comes from extra_ber.sh.
set datafile separator ","
set terminal pngcairo size 900,650 enhanced font ",11"
set logscale y
set format y "10^{%L}"
set yrange [1e-7:1]
set grid
set key bottom left
set xlabel "E_b/N_0 per information bit (dB)"
set ylabel "bit error rate"
set title "BPSK over AWGN: uncoded and with the K=7 convolutional code (soft Viterbi)"
set output outdir."/ber_coded.png"
names = "uncoded rate-1/2 rate-2/3 rate-3/4"
f = datadir."/ber_coded.csv"
plot for [i=0:3] f every ::(i*n)::(i*n+n-1) using 2:(column("ber")>0 ? column("ber") : 1/0):"ber_ci_low":"ber_ci_high" \
       with yerrorbars pt 7 ps 0.7 lc i+1 title word(names, i+1)." sim", \
     for [i=0:3] f every ::(i*n)::(i*n+n-1) using 2:(column("ber")>0 ? column("ber") : 1/0) with lines lc i+1 notitle, \
     f every ::0::(n-1) using 2:"ber_uncoded_theory" with lines dt 2 lw 2 lc rgb "black" title "uncoded BPSK, Q(sqrt(2E_b/N_0))"
