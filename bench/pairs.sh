#!/bin/sh
# Dynamic instruction pairs: which instruction falls into which, counted
# by the reference interpreter (bench-nimble pairs) over some workloads;
# each workload weighs the same (its counts as shares of its own pairs).
# Pairs whose first instruction transfers control cannot be fused and are
# left out.  Prints the top N: share (summed over the workloads), pair.
#   bench/pairs.sh B N WORKLOAD...
#   e.g. bench/pairs.sh build 20 fnv1a crc32 hprobe heap wfq lpm matvec
set -u
B=${1:?usage: pairs.sh B N WORKLOAD...} top=${2:?usage: pairs.sh B N WORKLOAD...}
shift 2
for w in "$@"; do
	"$B/bench/bench-nimble" pairs "$w" 20 0 | awk -v w="$w" '$1 == "pair" { print w, $2, $3, $4 }' || exit 1
done | awk -v top="$top" '
	$2 !~ /^J/ && $2 != "RET" && $2 !~ /CALL$/ { n[$1] += $4; c[$1, $2 " " $3] = $4; pairs[$2 " " $3] = 1; ws[$1] = 1 }
	END {
		for (p in pairs) for (w in ws) if ((w, p) in c) share[p] += c[w, p] / n[w]
		nw = 0; for (w in ws) nw++
		for (p in share) printf "%.4f %s\n", share[p] / nw, p
	}' | sort -rn | head -n "$top"
