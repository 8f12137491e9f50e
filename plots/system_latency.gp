# Latency breakdown per frame (sim/system), stacked bars as paper 001 Fig. 8.
# Inputs (gnuplot -e): f (bars data: label, 5 components, mean, ci low,
# ci high, saturated), outdir, src.
set terminal pngcairo size 1200,650 font ",10"
set output outdir."/system_latency.png"
set title "End-to-end latency per frame and its parts (".src."); saturated points: not drawn, labelled"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set ylabel "mean latency per frame (s)"
set xlabel "PINR fraction f = g = h and uplink rate"
set key outside right top
set yrange [0:*]
set xtics rotate by 0 font ",8"
plot f using 2:xtic(1) title "device compute (queue + encoder)", \
     "" using 3 title "uplink wait", \
     "" using 4 title "transmission (incl. retransmissions)", \
     "" using 5 title "server wait", \
     "" using 6 title "server compute (prefill + generation)", \
     "" using ($0):(($10 > 0.5) ? 0 : $7):(($10 > 0.5) ? 0 : $8):(($10 > 0.5) ? 0 : $9) with yerrorbars lc rgb "black" pt 0 title "95% interval of the mean", \
     "" using 0:(0.1):(column(10) > 0.5 ? "saturated: load >= 1" : "") with labels rotate by 90 left tc rgb "red" notitle
