#!/bin/sh
# Where one system spends its instructions on one workload: callgrind over
# N operations, then the source lines (handlers, for Nimble) that cost at
# least 1% of the total, as instructions per operation.
#   bench/annotate.sh B SYSTEM WORKLOAD [N]
#   e.g. bench/annotate.sh build nimble-unchecked packet 4000
set -u
B=${1:?usage: annotate.sh B SYSTEM WORKLOAD [N]}
sys=${2:?usage: annotate.sh B SYSTEM WORKLOAD [N]}
w=${3:?usage: annotate.sh B SYSTEM WORKLOAD [N]}
n=${4:-1000}
here=$(dirname "$0")
case $sys in
nimble-*) cmd="$B/bench/bench-nimble ${sys#nimble-}" ;;
gforth) echo "annotate.sh: gforth is not C; use callgrind on gforth-fast directly" >&2; exit 64 ;;
*) cmd=$B/bench/bench-$sys ;;
esac
out=$(mktemp) || exit 2
trap 'rm -f "$out" "$out.txt"' EXIT INT TERM
BENCH_PEERS=$here/peers valgrind --tool=callgrind --callgrind-out-file="$out" \
	$cmd "$w" "$n" 0 >"$out.txt" 2>/dev/null || { echo "annotate.sh: $sys $w failed" >&2; exit 1; }
ops=$(sed -n 's/^ops //p' "$out.txt")
echo "$sys $w: $ops operations (per-operation figures include set-up / $ops)"
callgrind_annotate --auto=yes "$out" 2>/dev/null |
	awk -v ops="$ops" '/^-- Auto-annotated source: / { src = $4; sub(".*/", "", src) }
		/^ *[0-9,]+ \( *[0-9.]+%\)  / && src != "" {
			ir = $1; gsub(",", "", ir); pct = $2 $3; gsub("[()%]", "", pct)
			if (pct + 0 < 1 || $0 ~ /events annotated/) next
			line = $0; sub(/^ *[0-9,]+ \( *[0-9.]+%\) */, "", line)
			printf "%9.1f  %5.1f%%  %-14s %s\n", ir / ops, pct, src, line }' |
	sort -rn | head -n 25
