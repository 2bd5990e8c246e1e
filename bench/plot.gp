# Bar chart of bench/run.sh results: wall-clock ratio to native C (median),
# one cluster per workload, one bar per system, log scale.
#   gnuplot -e "datafile='...'; outfile='...png'; subtitle='...'" bench/plot.gp
set terminal pngcairo size 1400,600 noenhanced font ",10"
set output outfile
set title "Nimble and peer interpreters: time per operation / native C (median)\n".subtitle
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [0.5:*]
set ytics (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
set grid ytics
set ylabel "ratio to native C (log)"
set key outside right top vertical
set datafile missing "?"
ncols = system("head -n 1 '".datafile."' | wc -w") + 0
plot for [i=2:ncols] datafile using i:xtic(1) title columnheader(i)
