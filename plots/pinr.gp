# Paper 000 (PINR): reduction ratio and minimum bandwidth versus f = g = h,
# measured bitstream per index-coding mode, the analytic formulas of paper
# 000 §3 as lines and the printed Table 1 of the paper as markers.
# Called by plots/make_plots.sh with datadir, outdir, modes, snrs (the
# channel.snr_db values of the sweep), nt, ns, nb, budget (from the CSV),
# t1file (Table 1 CSV, "" for no markers) and t1snrs (its SNR columns).
set datafile separator ","
# a NaN from a using expression (a row of another curve) is skipped, not a break in the line
set datafile missing NaN
set terminal pngcairo size 1100,650 enhanced font ",11"
set grid
set xrange [0:1]
set xlabel "f = g = h (fraction of tokens removed / tokens pruned / symbols pruned)"
nm = words(modes)
ns_ = words(snrs)
snr0 = word(snrs, 1) + 0
at(s) = (column("channel.snr_db") == s)
params = sprintf("N_t = %d tokens, N_s = %d symbols, N_b = %d bit", nt, ns, nb)
# gnuplot's first line colours, and the same at 60% transparency for the
# analytic curves, drawn as wide bands under the measured points (they
# coincide with the list-coded measurement up to the 256 header bits)
array col[8] = ["#9400D3", "#009E73", "#56B4E9", "#E69F00", "#F0E442", "#0072B2", "#E51E10", "#000000"]
band(j) = "#99".col[(j - 1) % 8 + 1][2:7]
tp = (t1file ne "") ? 1 : 0
# "0 and 20", "0, 10 and 20"
t1list = word(t1snrs, 1)
do for [k=2:words(t1snrs)] { t1list = t1list.(k == words(t1snrs) ? " and " : ", ").word(t1snrs, k) }

set output outdir."/pinr_reduction_ratio.png"
set title "PINR: net reduction ratio vs f = g = h (".params.")"
set ylabel "reduction ratio, 1 - sent bits / total bits (fraction)"
set yrange [-0.02:1.02]
set key inside left top Left reverse samplen 3 box opaque
plot datadir."/pinr_list.csv" using "f":(at(snr0) ? column("reduction_ratio") : NaN) \
       with lines lw 7 lc rgb "#99000000" title "analytic, paper 000 §3 (list indices)", \
     for [i=1:nm] datadir."/pinr_".word(modes, i).".csv" \
       using "f":(at(snr0) ? column("measured_reduction_ratio") : NaN) \
       with linespoints lw 1.5 pt (i + 3) ps 0.9 lc i \
       title "measured bitstream, ".word(modes, i)." index coding", \
     (tp ? t1file : "+") using (tp ? column("f") : NaN):(tp ? column("reduction_ratio") : NaN) \
       with points pt 6 ps 2.2 lw 2 lc rgb "red" title "paper 000 Table 1 (printed values)"

set output outdir."/pinr_min_bandwidth.png"
set title sprintf("PINR: minimum bandwidth for one frame in T = %g s (N_t = %d, N_s = %d, N_b = %d bit)", budget, nt, ns, nb)
set ylabel "minimum bandwidth B = bits / (T log_2(1 + SNR)) (MHz)"
set logscale y
set yrange [*:*]
set format y "%g"
set key outside right top Left reverse samplen 3 spacing 1.1
# columns of a plotted SNR value: analytic, measured list, measured seeded
snrname(s) = (s eq "inf") ? "SNR = ∞" : sprintf("SNR = %s dB", s)
plot for [j=1:ns_] datadir."/pinr_list.csv" \
       using "f":(at(word(snrs, j) + 0) ? column("min_bandwidth_hz") / 1e6 : NaN) \
       with lines lw 7 lc rgb band(j) title snrname(word(snrs, j)).": analytic, paper 000 §3", \
     for [j=1:ns_] datadir."/pinr_list.csv" \
       using "f":(at(word(snrs, j) + 0) ? column("measured_min_bandwidth_hz") / 1e6 : NaN) \
       with linespoints lw 1.5 pt 7 ps 0.8 lc rgb col[j] title snrname(word(snrs, j)).": measured, list indices", \
     for [j=1:ns_] datadir."/pinr_seeded.csv" \
       using "f":(at(word(snrs, j) + 0) ? column("measured_min_bandwidth_hz") / 1e6 : NaN) \
       with linespoints lw 1 pt 4 ps 0.8 lc rgb col[j] title snrname(word(snrs, j)).": measured, seeded indices", \
     for [k=1:words(t1snrs)] (tp ? t1file : "+") \
       using (tp ? column("f") : NaN):(tp ? column("min_bw_mhz_".word(t1snrs, k)."db") : NaN) \
       with points pt 6 ps 2.2 lw 2 lc rgb "red" \
       title (k == 1 ? "paper 000 Table 1 (printed), at ".t1list." dB" : "")
