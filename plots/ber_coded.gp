# Coded vs uncoded BPSK over AWGN (scenarios/ber_coded.json): the IEEE
# 802.11 K=7 (133,171) convolutional code, soft-decision Viterbi, at rates
# 1/2, 2/3, 3/4 (punctured). Points: Monte Carlo with 95% Clopper-Pearson
# bars; zero-error points as arrows down from the 95% upper limit (shifted
# by dx dB per curve so they do not sit on each other). Lines: the uncoded
# closed form (featlink's ber_uncoded_theory on a dense grid) and, dashed,
# the union bound of each code for soft decisions,
#   P_b <= (1/k) sum_d c_d Q(sqrt(2 d R E_b/N_0)),
# k = information bits per puncturing period, with the distance spectra
# c_d of the 802.11 puncturing patterns (rate 1/2: Proakis, Digital
# Communications; 2/3 and 3/4: Haccoun and Begin, IEEE Trans. Commun. 37(11),
# 1989), first 10 terms. The bound is tight at high Eb/N0 and useless below
# about 3 dB, so it is drawn only where it is below 1e-2.
# Called by plots/extra_ber.sh with f, th, out, codes (link.fec values),
# rates (their code_rate), names, ymin, dx, ttl.
set datafile separator ","
# a NaN from a using expression (a row of another curve) is skipped, not a break in the line
set datafile missing NaN
set terminal pngcairo size 1200,700 enhanced font ",11"
set output out
set logscale y
set format y "10^{%L}"
set yrange [ymin:1]
set grid
set autoscale xfix
set offsets graph 0.02, graph 0.02, 0, 0
set title ttl
set xlabel "E_b/N_0 per information bit (dB)"
set ylabel "bit error rate (bit errors / information bits)"
n = words(codes)
set key outside right top vertical Left reverse samplen 2.5 spacing 1.1 font ",10"
is(c) = (strcol("link.fec") eq c)
shift(i) = (i - (n + 1) / 2.0) * dx

Q(x) = 0.5 * erfc(x / sqrt(2))
array c12[10] = [36, 0, 211, 0, 1404, 0, 11633, 0, 77433, 0]
array c23[10] = [3, 70, 285, 1276, 6160, 27128, 117019, 498860, 2103891, 8984123]
array c34[10] = [42, 201, 1492, 10469, 62935, 379644, 2253373, 13073811, 75152755, 428005675]
ub(R, e) = (abs(R - 0.5) < 1e-6) ? sum [j=1:10] c12[j] * Q(sqrt(2 * (9 + j) * R * 10**(e / 10))) : \
           (abs(R - 2.0/3) < 1e-6) ? sum [j=1:10] c23[j] * Q(sqrt(2 * (5 + j) * R * 10**(e / 10))) / 2 : \
           (abs(R - 0.75) < 1e-6) ? sum [j=1:10] c34[j] * Q(sqrt(2 * (4 + j) * R * 10**(e / 10))) / 3 : NaN
ubc(R, e) = (ub(R, e) < 1e-2) ? ub(R, e) : NaN
hasub(R) = (abs(R - 0.5) < 1e-6 || abs(R - 2.0/3) < 1e-6 || abs(R - 0.75) < 1e-6)
rate(i) = word(rates, i) + 0

set samples 400
plot for [i=1:n] f using "ebn0_db":(is(word(codes, i)) && column("bit_errors") > 0 ? column("ber") : NaN):"ber_ci_low":"ber_ci_high" \
       with yerrorbars pt 7 ps 0.8 lw 1.2 lc i title word(names, i).": simulation, 95% CI", \
     th using "ebn0_db":"ber_uncoded_theory" with lines lw 2 lc rgb "black" \
       title "uncoded: closed form, Q(√(2E_b/N_0))", \
     for [i=1:n] f using "ebn0_db":(is(word(codes, i)) && column("bit_errors") > 0 ? column("ber") : NaN) \
       with lines lw 1 lc i notitle, \
     for [i=1:n] f using (column("ebn0_db") + shift(i)):(is(word(codes, i)) && column("bit_errors") == 0 ? column("ber_ci_high") : NaN):(0):(-0.6 * column("ber_ci_high")) \
       with vectors head filled size screen 0.008,25 lw 1.5 lc i notitle, \
     for [i=1:n] (hasub(rate(i)) ? ubc(rate(i), x) : NaN) with lines dt 2 lw 2 lc i \
       title (hasub(rate(i)) ? word(names, i).": union bound, soft Viterbi" : ""), \
     keyentry with vectors head filled size screen 0.008,25 lw 1.5 lc rgb "black" \
       title (nz ? "0 bit errors: arrow down from the 95% upper limit" : ""), \
     keyentry with points pt -1 title (nz ? sprintf("  (shifted by (i - %g) x %.2g dB for curve i)", (n + 1) / 2.0, dx) : "")
