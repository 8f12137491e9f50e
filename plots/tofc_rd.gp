# Paper 001 (TOFC): rate-distortion curves of the λ sweep, one curve per
# n_c (scenarios/tofc_lambda_sweep.json), each point labelled with its λ.
# Rate = all coded bits (header, side information, payload) per ORIGINAL
# feature value. featlink's λ is in squared-value units per bit (RDOQ
# minimises (x - x̂)² + λ bits(x̂)), not the paper's training-loss λ.
# Called by plots/extra_rd.sh with f (CSV), outdir, ncs and lams (the
# codec.clusters and codec.lambda values), src and codec (descriptions).
set datafile separator ","
# a NaN from a using expression (a row of another curve) is skipped, not a break in the line
set datafile missing NaN
set terminal pngcairo size 1000,650 enhanced font ",11"
set grid
set logscale x
set format x "%g"
set autoscale xfix
set offsets graph 0.05, graph 0.08, graph 0.06, graph 0.06
nn = words(ncs)
sel(nc, v) = (column("codec.clusters") == nc) ? v : NaN
# λ labels alternate sides of their curve (by the parity of λ's index in
# lams), across the curve's direction, so that neighbours do not overlap
lamidx(v) = sum [k=1:words(lams)] ((abs(word(lams, k) + 0 - v) <= 1e-9 * abs(v)) ? k : 0)
odd(v) = (int(lamidx(v)) % 2 == 1)
lam_txt = sprintf("λ = %s ... %s", word(lams, 1), word(lams, words(lams)))
set xlabel "rate (coded bits per original feature value)"
set key outside right top Left reverse samplen 3 width 1

set output outdir."/tofc_rd_f1.png"
set title "TOFC, ".src.": proxy F1 vs rate, ".lam_txt."\n{/*0.85 ".codec."}"
set ylabel "proxy F1, greedy token match (ratio)"
plot for [i=1:nn] f using "rate_bits_per_element":(sel(word(ncs, i) + 0, column("proxy_f1"))) \
       with linespoints lw 1.5 pt 7 ps 1 lc i title "n_c = ".word(ncs, i)." merged tokens/patch", \
     for [i=1:nn] f using "rate_bits_per_element":(odd(column("codec.lambda")) ? sel(word(ncs, i) + 0, column("proxy_f1")) : NaN):(sprintf("%g", column("codec.lambda"))) \
       with labels left offset char 0.6, char -0.7 font ",9" tc lt i notitle, \
     for [i=1:nn] f using "rate_bits_per_element":(odd(column("codec.lambda")) ? NaN : sel(word(ncs, i) + 0, column("proxy_f1"))):(sprintf("%g", column("codec.lambda"))) \
       with labels right offset char -0.6, char 0.7 font ",9" tc lt i notitle, \
     keyentry with points pt -1 title "labels: λ (value² per bit)"

set output outdir."/tofc_rd_mse.png"
set title "TOFC, ".src.": distortion vs rate, ".lam_txt."\n{/*0.85 ".codec."}"
set ylabel "distortion: MSE on the original token grid (value²)"
plot for [i=1:nn] f using "rate_bits_per_element":(sel(word(ncs, i) + 0, column("distortion_mse"))) \
       with linespoints lw 1.5 pt 7 ps 1 lc i title "n_c = ".word(ncs, i)." merged tokens/patch", \
     for [i=1:nn] f using "rate_bits_per_element":(odd(column("codec.lambda")) ? sel(word(ncs, i) + 0, column("distortion_mse")) : NaN):(sprintf("%g", column("codec.lambda"))) \
       with labels left offset char 0.6, char 0.7 font ",9" tc lt i notitle, \
     for [i=1:nn] f using "rate_bits_per_element":(odd(column("codec.lambda")) ? NaN : sel(word(ncs, i) + 0, column("distortion_mse"))):(sprintf("%g", column("codec.lambda"))) \
       with labels right offset char -0.6, char -0.7 font ",9" tc lt i notitle, \
     keyentry with points pt -1 title "labels: λ (value² per bit)"
