# How many devices one server holds, per codec (plots/extra_system.sh).
# Inputs (gnuplot -e): files (CSV export per codec), cdfs (latency CDF per
# codec: "latency fraction" lines), titles (one per codec, ';'-separated,
# '~' for spaces), maxf (CSV per codec: max devices, its p95, title), outdir,
# deadline (s), ncdf (device count of the CDFs), desc.
set terminal pngcairo size 1650,520 font ",10"
set output outdir."/system_capacity.png"
set datafile separator ","
set multiplot layout 1,3 title "How many devices one server holds (".desc.")"
title(i) = system(sprintf("echo '%s' | cut -d';' -f%d | tr '~' ' '", titles, i))
n = words(files)
set key top left
set xlabel "devices sharing the uplink and the server"
set ylabel "p95 latency (s)"
set logscale y
plot for [i = 1:n] word(files, i) using (column("saturated") < 0.5 ? column("system.devices") : NaN):"latency_p95_s" \
       with linespoints lw 2 lc i title title(i), \
     for [i = 1:n] word(files, i) using (column("saturated") > 0.5 ? column("system.devices") : NaN):"latency_p95_s" \
       with points pt 6 ps 1.5 lc i title (i == 1 ? "saturated (load >= 1): grows with the run" : ""), \
     maxf using 1:2 with points pt 7 ps 2.2 lc rgb "black" \
       title "max devices with p95 <= deadline (system.find)", \
     deadline with lines dt 2 lc rgb "black" title sprintf("deadline %g s", deadline)
unset logscale y
set ylabel "deadline-miss rate (fraction of frames)"
set yrange [0:1.05]
plot for [i = 1:n] word(files, i) using "system.devices":"deadline_miss_rate":"deadline_miss_rate_ci_low":"deadline_miss_rate_ci_high" \
       with yerrorlines lw 2 lc i title title(i)
set datafile separator " "
set yrange [0:1.02]
set xlabel sprintf("end-to-end latency at %d devices (s)", ncdf)
set ylabel "fraction of frames completed within"
set key center right
set logscale x
set arrow 1 from deadline, graph 0 to deadline, graph 1 nohead dt 2 lc rgb "black"
set label 1 sprintf(" deadline %g s", deadline) at deadline, graph 0.5 left
plot for [i = 1:n] word(cdfs, i) using 1:2 with steps lw 2 lc i title title(i)
unset multiplot
