# BER vs Eb/N0: featlink's Monte Carlo (points with 95% Clopper-Pearson bars
# at the effective sample size) against the closed forms computed by
# featlink itself (column ber_theory of a dense Eb/N0 run: Proakis for
# BPSK/QPSK, Cho-Yoon for Gray M-QAM, MATLAB berfading's MGF forms for
# fading). A point with no bit error is drawn as an arrow down from its 95%
# upper confidence limit ber_ci_high (each curve's arrows shifted by dx dB
# so that they do not hide each other).
# Called by plots/extra_ber.sh with f (simulation CSV), th (closed-form
# CSV), out, schemes (modem.scheme values), labels (their names), ymin, dx,
# ttl; everything else comes from the CSV.
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
set ylabel "bit error rate (bit errors / bits sent)"
n = words(schemes)
set key outside right top vertical Left reverse samplen 2.5 spacing 1.1 font ",10"
is(s) = (strcol("modem.scheme") eq s)
shift(i) = (i - (n + 1) / 2.0) * dx
plot for [i=1:n] th using "ebn0_db":(is(word(schemes, i)) ? column("ber_theory") : NaN) \
       with lines lw (3.2 - 0.4 * i) lc i title word(labels, i).": closed form", \
     for [i=1:n] f using "ebn0_db":(is(word(schemes, i)) && column("bit_errors") > 0 ? column("ber") : NaN):"ber_ci_low":"ber_ci_high" \
       with yerrorbars pt 7 ps 0.8 lw 1.2 lc i title word(labels, i).": simulation, 95% CI", \
     for [i=1:n] f using (column("ebn0_db") + shift(i)):(is(word(schemes, i)) && column("bit_errors") == 0 ? column("ber_ci_high") : NaN):(0):(-0.6 * column("ber_ci_high")) \
       with vectors head filled size screen 0.008,25 lw 1.5 lc i notitle, \
     keyentry with vectors head filled size screen 0.008,25 lw 1.5 lc rgb "black" \
       title (nz ? "0 bit errors: arrow down from the 95% upper limit" : ""), \
     keyentry with points pt -1 title (nz ? sprintf("  (shifted by (i - %g) x %.2g dB for curve i)", (n + 1) / 2.0, dx) : "")
