#!/bin/sh
# The benchmark driver behind `make bench` and `make bench-quick`.
#
#   bench/run.sh full  B     time every workload on every system (median and
#                            min of BENCH_RUNS runs, default 11), count
#                            instructions with callgrind (N and 2N runs,
#                            subtracted), check results against native C,
#                            write B/bench/results.csv, .png and .txt (the
#                            tables, also printed)
#   bench/run.sh quick B     the same harness on tiny sizes, 2 runs, one
#                            callgrind cell; prints TAP for make test
#
# Systems are the bench-* programs in B/bench (bench/bench.h gives their
# command line and output); a system whose program was not built, or that
# lacks a workload (exit 3), leaves its cell empty.  BENCH_SYSTEMS and
# BENCH_WORKLOADS (space-separated names) restrict a run, BENCH_RUNS sets
# the timed runs per cell.
case $1 in -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
set -u
mode=${1:?usage: run.sh full|quick B}
B=${2:?usage: run.sh full|quick B}
here=$(dirname "$0")
bin=$B/bench
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
runs=${BENCH_RUNS:-11}

# name  N (timed runs)  NCG (callgrind: NCG and 2 NCG)  NQ (quick)
workloads='loop      20000000 400000 20000
fib       200      4      2
sched8    500000   10000  500
sched64   100000   2000   100
sched1024 5000     100    10
packet    200000   4000   256
sum       1000     20     2
vadd      1000     20     2
entry     1000000  20000  1000
insert    200      4      2
verify    400      8      2
translate 2000     40     2
fnv1a     5000     100    20
murmur    5000     100    20
crc32     2000     50     20
bsearch   100000   2000   100
hprobe    200000   4000   100
isort     2000     50     20
heap      2000     50     20
edf       20000    400    50
wfq       20000    400    100
tbf       200000   4000   100
lpm       50000    1000   100
bits      2000     50     20
matvec    10000    200    50
psearch   2000     50     20'

# The corpus (bench/README.md): general extensions nobody tuned for, with
# a table of their own.  "corpus" in BENCH_WORKLOADS stands for them all.
corpus="fnv1a murmur crc32 bsearch hprobe isort heap edf wfq tbf lpm bits matvec psearch"
# Its halves: the pair superinstructions (NX_PAIRS) were chosen on A alone,
# so B's figures say whether they carry over to code they were not chosen on.
corpus_a="fnv1a crc32 hprobe heap wfq lpm matvec"

all_systems="native nimble-unchecked nimble-checked nimble-ref lua54 luajit gforth bpf"

# The command line of a system, or nothing if it is not built.
sys_cmd() {
	case $1 in
	native | lua54 | luajit | bpf)
		[ -x "$bin/bench-$1" ] && echo "$bin/bench-$1" ;;
	nimble-*)
		[ -x "$bin/bench-nimble" ] && echo "$bin/bench-nimble ${1#nimble-}" ;;
	gforth)
		command -v gforth-fast >/dev/null && [ -f "$bin/data.fs" ] &&
			echo "$here/peers/gforth-run.sh $bin/data.fs" ;;
	selftest)   # quick mode: a "system" that answers wrong, to test the check
		echo "$tmp/selftest" ;;
	esac
}

# BENCH_SYSTEMS / BENCH_WORKLOADS narrow a run (native is always kept:
# it is the reference every result and ratio needs).
case " ${BENCH_SYSTEMS:-native} " in *" native "*) ;; *) BENCH_SYSTEMS="native $BENCH_SYSTEMS" ;; esac
[ -n "${BENCH_WORKLOADS:-}" ] &&
	workloads=$(echo "$workloads" | awk -v keep=" $BENCH_WORKLOADS " -v corpus=" $corpus " \
		'index(keep, " " $1 " ") || (index(keep, " corpus ") && index(corpus, " " $1 " "))')
systems=""
for s in ${BENCH_SYSTEMS:-$all_systems}; do
	[ -n "$(sys_cmd "$s")" ] && systems="$systems $s"
done

# run SYS WORKLOAD N RUNS OUTFILE [WRAP...]: 0 ok, 3 no such workload, else
# failed.  WRAP (valgrind) goes in front of the program; the gforth
# wrapper script puts it in front of gforth-fast itself.
run() {
	s=$1 w=$2 n=$3 r=$4 o=$5; shift 5
	if [ "$s" = gforth ]; then
		BENCH_WRAP="$*" $(sys_cmd "$s") "$w" "$n" "$r" >"$o" 2>"$o.err"
	else
		BENCH_PEERS="$here/peers" "$@" $(sys_cmd "$s") "$w" "$n" "$r" >"$o" 2>"$o.err"
	fi
}

field() { sed -n "s/^$1 //p" "$2" | head -n 1; }

# Median and min of the "ns" lines, per operation.
time_stats() {
	ops=$(field ops "$1")
	sed -n 's/^ns //p' "$1" | sort -n | awk -v ops="$ops" '
		{ v[NR] = $1 }
		END { if (NR == 0) exit 1
		      med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.4f %.4f\n", med / ops, v[1] / ops }'
}

# Instructions per operation: callgrind at NCG and 2 NCG, subtracted.
cg_per_op() {
	s=$1 w=$2 n=$3
	rm -f "$tmp"/cg*
	for k in 1 2; do
		run "$s" "$w" $((n * k)) 0 "$tmp/cg$k" valgrind --tool=callgrind \
			--callgrind-out-file="$tmp/cg$k.out" || return 1
	done
	ops1=$(field ops "$tmp/cg1") ops2=$(field ops "$tmp/cg2")
	ir1=$(sed -n 's/^totals: //p' "$tmp/cg1.out") ir2=$(sed -n 's/^totals: //p' "$tmp/cg2.out")
	awk -v a="$ir1" -v b="$ir2" -v o1="$ops1" -v o2="$ops2" \
		'BEGIN { if (o2 <= o1) exit 1; printf "%.2f\n", (b - a) / (o2 - o1) }'
}

# VM instructions per operation (Nimble's counting handler set).
vm_per_op() {
	rm -f "$tmp/vm"
	run nimble-count "$1" "$2" 0 "$tmp/vm" || return 1
	awk -v v="$(field vminsns "$tmp/vm")" -v o="$(field ops "$tmp/vm")" \
		'BEGIN { if (v == "" || o == 0) exit 1; printf "%.2f\n", v / o }'
}

# ---- measuring ----

# Nimble's insert costs have no native counterpart to check against.
insert_cost() { case $1 in insert | verify | translate) return 0 ;; esac; return 1; }

# measure W N NCG RUNS: one row per system into $tmp/rows:
#   workload system ops median_ns min_ns ir_per_op vm_per_op result check
# (ns and counts per operation; "-" where there is none).  NCG 0 skips
# callgrind.  Check: ok (same result as native), WRONG, FAILED.
measure() {
	w=$1 n=$2 ncg=$3 r=$4 ref="" vm=-
	for s in $systems; do
		run "$s" "$w" "$n" "$r" "$tmp/t"
		rc=$?
		[ $rc -eq 3 ] && continue
		if [ $rc -ne 0 ]; then
			echo "$w $s - - - - - - FAILED" >>"$tmp/rows"
			sed "s/^/# $s $w: /" "$tmp/t.err" >&2
			continue
		fi
		res=$(field result "$tmp/t")
		[ "$s" = native ] && ref=$res
		check=ok
		[ -n "$ref" ] && [ "$res" != "$ref" ] && check=WRONG
		[ -z "$ref" ] && ! insert_cost "$w" && check=WRONG
		ts=$(time_stats "$tmp/t") || ts="- -"
		ir=-
		[ "$ncg" -gt 0 ] && { ir=$(cg_per_op "$s" "$w" "$ncg") || ir=-; }
		case $s in nimble-*)
			[ "$vm" = - ] && [ "$ncg" -gt 0 ] && ! insert_cost "$w" &&
				{ vm=$(vm_per_op "$w" "$ncg") || vm=-; }
			v=$vm ;;
		*) v=- ;;
		esac
		echo "$w $s $(field ops "$tmp/t") $ts $ir $v $res $check" >>"$tmp/rows"
	done
}

# ---- reporting ----

# The CSV: the rows plus ratios to native of the same workload.
csv_write() {
	awk 'BEGIN { print "workload,system,ops,median_ns,min_ns,ir_per_op,vm_per_op,ratio_median,ratio_min,ratio_ir,native_per_vm,result,check" }
	     { row[NR] = $0; if ($2 == "native") { nm[$1] = $4; nn[$1] = $5; ni[$1] = $6 } }
	     function ratio(v, base) { return (v == "-" || base == "" || base == "-" || base == 0) ? "" : sprintf("%.2f", v / base) }
	     function dash(v) { return v == "-" ? "" : v }
	     END { for (i = 1; i <= NR; i++) { split(row[i], f, " ")
	             npv = (f[6] == "-" || f[7] == "-" || f[7] == 0) ? "" : sprintf("%.2f", f[6] / f[7])
	             printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", f[1], f[2], dash(f[3]), dash(f[4]), dash(f[5]),
	                    dash(f[6]), dash(f[7]), ratio(f[4], nm[f[1]]), ratio(f[5], nn[f[1]]),
	                    ratio(f[6], ni[f[1]]), npv, dash(f[8]), f[9] } }' "$tmp/rows" >"$1"
}

# table CSV COLUMN RATIOCOLUMN TITLE [SYSTEMS]: workloads down, systems
# across (all of them by default).
table() {
	awk -F, -v col="$2" -v rcol="$3" -v title="$4" -v systems="${5:-$systems}" '
	NR > 1 { key = $1 SUBSEP $2; v[key] = $col; r[key] = rcol ? $rcol : ""; c[key] = $13
	         if (!($1 in seen)) { seen[$1] = 1; order[++nw] = $1 } }
	END { ns = split(systems, sys, " ")
	      printf "\n%s\n%-10s", title, "workload"
	      for (j = 1; j <= ns; j++) printf " %17s", sys[j]
	      printf "\n"
	      for (i = 1; i <= nw; i++) { printf "%-10s", order[i]
	        for (j = 1; j <= ns; j++) { key = order[i] SUBSEP sys[j]
	          cell = ""
	          if (key in c && c[key] != "ok") cell = c[key]
	          else if (v[key] != "") cell = sprintf("%.4g", v[key]) (r[key] != "" ? sprintf(" (%.3gx)", r[key]) : "")
	          printf " %17s", cell }
	        printf "\n" } }' "$1"
}

# plot_data CSV COLUMN: workloads down, systems across, "?" where empty.
plot_data() {
	awk -F, -v col="$2" -v systems="$systems" '
	NR > 1 && $col != "" { v[$1 SUBSEP $2] = $col; if (!($1 in seen)) { seen[$1] = 1; order[++nw] = $1 } }
	END { ns = split(systems, sys, " "); printf "workload"
	      for (j = 1; j <= ns; j++) printf " %s", sys[j]
	      printf "\n"
	      for (i = 1; i <= nw; i++) { printf "%s", order[i]
	        for (j = 1; j <= ns; j++) { k = order[i] SUBSEP sys[j]; printf " %s", (k in v) ? v[k] : "?" }
	        printf "\n" } }' "$1"
}

# Bar charts of the ratios to native (wall-clock median; callgrind), log scale.
plot() {
	plot_data "$1" 8 >"$tmp/plot_time.dat"
	plot_data "$1" 10 >"$tmp/plot_ir.dat"
	gnuplot -e "timefile='$tmp/plot_time.dat'; irfile='$tmp/plot_ir.dat'; outfile='$2'; subtitle='$3'" \
		"$here/plot.gp"
}

# The issue's goals, judged on callgrind instructions (the steady figure)
# and on min wall clock: unchecked within 2x of native on scheduler pick
# and packet match, 3x on fib, 1.25x ("near 1x") on the reductions;
# checked within 15% of unchecked; unchecked faster than every peer.
goals() {
	awk -F, '
	NR > 1 { ir[$1, $2] = $6; t[$1, $2] = $5; if (!($1 in seen)) { seen[$1] = 1; order[++nw] = $1 } }
	function judge(name, a, b, lim,   ri, rt) {
		if (a == "" || b == "" || b == 0) return
		ri = a / b
		printf "  %-34s %7.2fx Ir %7.2fx time   goal <= %-5s %s\n", name, ri, tmin, lim, ri <= lim ? "met" : "MISSED"
	}
	function ratio(w, s1, s2) { tmin = (t[w, s1] != "" && t[w, s2] > 0) ? t[w, s1] / t[w, s2] : 0
	                            return ir[w, s1] }
	END {
		print "\ngoals (instructions from callgrind; time = min wall clock)"
		for (i = 1; i <= nw; i++) { w = order[i]
			lim = w ~ /^sched|^packet/ ? 2 : w == "fib" ? 3 : w ~ /^sum|^vadd/ ? 1.25 : ""
			if (lim != "") judge(w ": unchecked / native", ratio(w, "nimble-unchecked", "native"), ir[w, "native"], lim)
		}
		for (i = 1; i <= nw; i++) { w = order[i]
			if (ir[w, "native"] == "") continue
			judge(w ": checked / unchecked", ratio(w, "nimble-checked", "nimble-unchecked"), ir[w, "nimble-unchecked"], 1.15)
		}
		np = split("lua54 luajit gforth bpf", peer, " ")
		for (i = 1; i <= nw; i++) { w = order[i]; u = ir[w, "nimble-unchecked"]
			if (u == "" || ir[w, "native"] == "") continue
			best = ""; for (j = 1; j <= np; j++) { p = ir[w, peer[j]]
				if (p != "" && (best == "" || p + 0 < ir[w, best] + 0)) best = peer[j] }
			if (best == "") continue
			printf "  %-34s %7.2fx Ir (best peer %s: %s, Nimble %s)   %s\n", w ": unchecked / best peer",
				u / ir[w, best], best, ir[w, best], u, u + 0 < ir[w, best] + 0 ? "met" : "MISSED"
		} }' "$1"
}

# The corpus table: callgrind instructions per operation of native,
# unchecked and checked, unchecked / native and checked / unchecked, VM
# instructions per operation against native host instructions, host
# instructions per VM instruction; then issue 13's goals, each marked met
# or MISSED, also written to corpus.csv beside results.csv.
corpus_table() {
	awk -F, -v corpus="$corpus" -v half_a=" $corpus_a " -v csv="$2" '
	NR > 1 { ir[$1, $2] = $6; vm[$1, $2] = $7; hpv[$1, $2] = $11; c[$1, $2] = $13 }
	function cell(w, s) { return c[w, s] != "" && c[w, s] != "ok" ? c[w, s] : ir[w, s] == "" ? "-" : sprintf("%.1f", ir[w, s]) }
	function x(v) { return v == "" ? "-" : sprintf("%.2fx", v) }
	function goal(name, v, lim, extra,   ok) {
		if (v == "") {
			printf "  %-44s %8s   goal <= %-5s not measured\n", name, "-", lim
			printf "goal,%s,,%s,not measured\n", name, lim > csv
			return
		}
		ok = v <= lim ? "met" : "MISSED"
		printf "  %-44s %8.2f   goal <= %-5s %s%s\n", name, v, lim, ok, extra
		printf "goal,%s,%.4f,%s,%s\n", name, v, lim, ok > csv
	}
	END {
		nc = split(corpus, cw, " ")
		printf "\ncorpus: callgrind instructions per operation\n"
		printf "%-10s %10s %10s %10s %9s %9s %8s %8s %8s\n", "workload", "native", "unchecked", "checked",
			"unch/nat", "chk/unch", "VM/op", "VM/gcc", "Ir/VM"
		print "workload,native_ir,unchecked_ir,checked_ir,unchecked_per_native,checked_per_unchecked,vm_per_op,vm_per_native_insn,ir_per_vm" > csv
		for (i = 1; i <= nc; i++) { w = cw[i]
			if (!((w, "native") in c)) continue
			n = ir[w, "native"]; u = ir[w, "nimble-unchecked"]; k = ir[w, "nimble-checked"]
			v = vm[w, "nimble-unchecked"]; h = hpv[w, "nimble-unchecked"]
			un = (n != "" && u != "" && n > 0) ? u / n : ""
			ku = (u != "" && k != "" && u > 0) ? k / u : ""
			vg = (v != "" && n > 0) ? v / n : ""
			printf "%-10s %10s %10s %10s %9s %9s %8s %8s %8s\n", w, cell(w, "native"), cell(w, "nimble-unchecked"),
				cell(w, "nimble-checked"), x(un), x(ku), v == "" ? "-" : v, vg == "" ? "-" : sprintf("%.2f", vg),
				h == "" ? "-" : h
			printf "%s,%s,%s,%s,%s,%s,%s,%s,%s\n", w, n, u, k, un, ku, v, vg, h > csv
			if (un != "") { m++; lg += log(un); if (un > mx) { mx = un; mw = w }
				h2 = index(half_a, " " w " ") ? "A" : "B"; hm[h2]++; hl[h2] += log(un) }
			if (ku != "" && ku > kmax) { kmax = ku; kw = w }
			if (vg != "") { mv++; lv += log(vg) }
			if (h != "") { mh++; lh += log(h) }
		}
		if (m) {
			printf "corpus geomean unchecked / native %.2fx over %d workloads; max %.2fx (%s)\n", exp(lg / m), m, mx, mw
			printf "  half A (pairs chosen on it) %.2fx over %d; half B %.2fx over %d\n",
				hm["A"] ? exp(hl["A"] / hm["A"]) : 0, hm["A"], hm["B"] ? exp(hl["B"] / hm["B"]) : 0, hm["B"]
		} else
			printf "corpus geomean unchecked / native: no callgrind figures\n"
		printf "\ncorpus goals (issue 13; callgrind instructions)\n"
		goal("geomean unchecked / native", m ? exp(lg / m) : "", 3.0)
		goal("worst unchecked / native", mx, 5.0, " (" mw ")")
		goal("worst checked / unchecked", kmax == "" ? "" : kmax, 1.15, kw == "" ? "" : " (" kw ")")
		goal("geomean VM insns per op / native insns per op", mv ? exp(lv / mv) : "", 0.7)
		goal("geomean host insns per VM insn (unchecked)", mh ? exp(lh / mh) : "", 4.0)
		goal("entry: Ir per hook run (unchecked)", ir["entry", "nimble-unchecked"], 80)
	}' "$1"
}

report() {
	csv_write "$1"
	table "$1" 4 8 "wall clock, median ns per operation (ratio to native C)"
	table "$1" 5 9 "wall clock, min ns per operation (ratio to native C)"
	table "$1" 6 10 "callgrind, instructions per operation (ratio to native C)"
	nimbles=$(echo "$systems" | tr ' ' '\n' | grep '^nimble-' | grep -v count | tr '\n' ' ')
	if [ -n "$nimbles" ]; then
		table "$1" 7 0 "Nimble: VM instructions per operation (counting handler set)" "$nimbles"
		table "$1" 11 0 "Nimble: host instructions per VM instruction (callgrind / VM count)" "$nimbles"
		goals "$1"
		corpus_table "$1" "$(dirname "$2")/corpus.csv"
	fi
	plot "$1" "$2" "$3"
}

# ---- the two modes ----

full() {
	csv=$bin/results.csv png=$bin/results.png txt=$bin/results.txt
	echo "bench: systems:$systems; $runs timed runs per cell"
	echo "$workloads" | while read -r w n ncg nq; do
		printf 'bench: %s ...\n' "$w"
		measure "$w" "$n" "$ncg" "$runs"
	done
	{
		echo "make bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(nproc) CPUs"
		echo "tree: HEAD $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git status --porcelain \
			2>/dev/null | grep -q . && echo ' plus uncommitted changes')"
		echo "cc: $(${CC:-gcc} --version | head -n 1); $(valgrind --version)"
		report "$csv" "$png" "$(date -u +%Y-%m-%d), $(uname -m), $(nproc) CPUs, median of $runs runs"
	} | tee "$txt"
	echo
	echo "bench: wrote $csv, $png and $txt"
	! grep -q 'WRONG\|FAILED' "$csv"
}

# The checker itself: a system that prints native's output with the result
# off by one must be marked WRONG.
selftest() {
	printf '#!/bin/sh\n%s "$@" | awk %s\n' "$(sys_cmd native)" \
		"'/^result / { \$2 = \$2 + 1 } { print }'" >"$tmp/selftest"
	chmod +x "$tmp/selftest"
	mv "$tmp/rows" "$tmp/rows.quick"
	systems="native selftest"
	measure loop 1000 0 1
	if grep -q '^loop selftest .* WRONG$' "$tmp/rows"; then
		echo "ok $1 - a wrong result is caught"
	else
		echo "not ok $1 - a wrong result passed the check"; cat "$tmp/rows"
	fi
}

# TAP: one test per workload x system (its result equals native's), the
# counting set's results, one callgrind cell, and the CSV/table/plot.
quick() {
	[ -n "$(sys_cmd nimble-count)" ] && systems="$systems nimble-count"
	for s in $systems; do $(sys_cmd "$s") -l >"$tmp/works.$s" 2>/dev/null; done
	cells=0
	for s in $systems; do
		for w in $(echo "$workloads" | awk '{ print $1 }'); do
			grep -qx "$w" "$tmp/works.$s" 2>/dev/null && cells=$((cells + 1))
		done
	done
	echo "1..$((cells + 5))"
	echo "$workloads" | while read -r w n ncg nq; do measure "$w" "$nq" 0 2; done
	i=0
	while read -r w s ops med min ir vm res check; do
		i=$((i + 1))
		if [ "$check" = ok ]; then echo "ok $i - $w on $s: result $res"
		else echo "not ok $i - $w on $s: $check (result $res)"; fi
	done <"$tmp/rows"
	echo "# systems:$systems"
	ir=$(cg_per_op native loop 20000)
	if awk -v v="${ir:-0}" 'BEGIN { exit !(v >= 1 && v <= 20) }'; then
		echo "ok $((cells + 1)) - callgrind: native loop costs $ir instructions per iteration"
	else
		echo "not ok $((cells + 1)) - callgrind: native loop costs '$ir' instructions per iteration, not 1..20"
	fi
	report "$tmp/q.csv" "$tmp/q.png" quick >"$tmp/q.txt" 2>&1
	rows=$(($(wc -l <"$tmp/q.csv") - 1))
	if [ "$rows" -eq "$cells" ] && grep -q '^sched64 ' "$tmp/q.txt"; then
		echo "ok $((cells + 2)) - CSV has $rows rows and the table prints"
	else
		echo "not ok $((cells + 2)) - CSV has $rows rows for $cells cells"; cat "$tmp/q.txt"
	fi
	if [ -s "$tmp/q.png" ] && head -c 8 "$tmp/q.png" | grep -q PNG; then
		echo "ok $((cells + 3)) - gnuplot drew the PNG"
	else
		echo "not ok $((cells + 3)) - no PNG"; cat "$tmp/q.txt"
	fi
	if grep -q '^corpus: callgrind' "$tmp/q.txt" && grep -q '^corpus geomean' "$tmp/q.txt" &&
	   [ "$(sed -n '/^corpus goals/,$p' "$tmp/q.txt" | grep -cE 'goal <= .* (met|MISSED|not measured)$')" = 6 ] &&
	   grep -q '^goal,geomean unchecked / native,' "$tmp/corpus.csv"; then
		echo "ok $((cells + 4)) - the corpus table prints, with its goals (and corpus.csv)"
	else
		echo "not ok $((cells + 4)) - no corpus table"; cat "$tmp/q.txt"
	fi
	selftest $((cells + 5))
}

case $mode in
full) full ;;
quick) quick ;;
*) echo "usage: run.sh full|quick B" >&2; exit 64 ;;
esac
