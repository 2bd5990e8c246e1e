# Bar charts of bench/run.sh results, one cluster per workload, one bar per
# system, log scale: above, wall-clock time per operation / native C
# (median); below, callgrind instructions per operation / native C.
#   gnuplot -e "timefile='...'; irfile='...'; outfile='...png'; subtitle='...'" bench/plot.gp
set terminal pngcairo size 1400,1000 noenhanced font ",10"
set output outfile
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [0.5:*]
set ytics (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
set grid ytics
set key outside right top vertical
set datafile missing "?"
ncols = system("head -n 1 '".timefile."' | wc -w") + 0

set multiplot layout 2,1 title "Nimble and peer interpreters against native C — ".subtitle
set title "wall clock: time per operation / native C (median)"
set ylabel "ratio (log)"
plot for [i=2:ncols] timefile using i:xtic(1) title columnheader(i)
set title "callgrind: instructions per operation / native C"
plot for [i=2:ncols] irfile using i:xtic(1) title columnheader(i)
unset multiplot
