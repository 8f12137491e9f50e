# Paper 001 (TOFC): rate-distortion curves of the λ sweep, one curve per n_c
# (scenarios/tofc_lambda_sweep.json; rows: n_c slowest, λ fastest).
# Rate = coded bits (header, side info, payload) per ORIGINAL feature value.
set datafile separator ","
set terminal pngcairo size 900,600 enhanced font ",11"
set grid
set key right bottom
set logscale x
set xtics (0.04, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3)
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
f = datadir."/tofc_lambda_sweep.csv"
ncs = "8 16 32"
sel(nc, v) = (column("codec.clusters") == nc) ? v : NaN

set output outdir."/tofc_rd_f1.png"
set title "TOFC (DPC-KNN merge + RDOQ + Laplacian rANS): proxy F1 vs rate, λ = 0.003..0.03"
set xlabel "rate (coded bits per original value)"
set ylabel "proxy F1 (greedy match, merged vs original tokens)"
plot for [nc in ncs] f using "rate_bits_per_element":(sel(nc+0, column("proxy_f1"))) \
       with linespoints pt 7 title "n_c = ".nc

set output outdir."/tofc_rd_mse.png"
set title "TOFC: distortion (MSE on the original token grid) vs rate, λ = 0.003..0.03"
set ylabel "distortion MSE"
set key right top
set logscale y
set autoscale fix
set ytics (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1)
plot for [nc in ncs] f using "rate_bits_per_element":(sel(nc+0, column("distortion_mse"))) \
       with linespoints pt 7 title "n_c = ".nc
