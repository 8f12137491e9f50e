# p95 latency and deadline-miss rate against devices (sim/system).
# Inputs (gnuplot -e): f (CSV export), outdir, fs (PINR f values), deadline (s), desc.
set terminal pngcairo size 1200,500 font ",10"
set output outdir."/system_capacity.png"
set datafile separator ","
set multiplot layout 1,2 title "How many devices one server holds (".desc.")"
set key top left
set xlabel "devices sharing the uplink and the server"
set ylabel "p95 latency (s)"
set logscale y
col(n) = column(n)
# columns by name
p95(x) = x
plot for [v in fs] f using (strcol("codec.f") eq v && column("saturated") < 0.5 ? column("system.devices") : NaN):"latency_p95_s" \
       with linespoints lw 2 title "PINR f = g = h = ".v, \
     for [v in fs] f using (strcol("codec.f") eq v && column("saturated") > 0.5 ? column("system.devices") : NaN):"latency_p95_s" \
       with points pt 6 ps 1.5 lc rgb "red" title (v eq word(fs, 1) ? "saturated (load >= 1): grows with the run" : ""), \
     deadline with lines dt 2 lc rgb "black" title sprintf("deadline %g s", deadline)
unset logscale y
set ylabel "deadline-miss rate (fraction of frames)"
set yrange [0:1.05]
plot for [v in fs] f using (strcol("codec.f") eq v ? column("system.devices") : NaN):"deadline_miss_rate":"deadline_miss_rate_ci_low":"deadline_miss_rate_ci_high" \
       with yerrorlines lw 2 title "PINR f = g = h = ".v
unset multiplot
